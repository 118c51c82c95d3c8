// Exercises the fork child's "dismiss" paths (object values, client query and output buffers,
// replication backlog) with allocations big enough to span whole pages. Few assertions: the point
// is that the child does not crash and the files it writes load back to the same data.
import {
  suite,
  startServer,
  test,
  srv,
  r,
  assert,
  assertEqual,
  populate,
  debugDigest,
  waitForBgrewriteaof,
  waitForBgsave,
  waitForSync,
  sleep,
} from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['dismiss', 'external:skip'] }, async (server) => {
    await test('dismiss all data types memory', async () => {
      const bigstr = 'A'.repeat(8192);
      const bytes64 = 'A'.repeat(64);

      // strings
      await populate(server, 100, 'bigstring', 8192);

      // lists: one plain node, then compressed nodes
      await r('lpush', 'biglist1', bigstr);
      await r('config', 'set', 'list-compress-depth', 1);
      for (let i = 0; i < 16; i++) await r('lpush', 'biglist2', bigstr);

      // sets: hashtable, then intset
      await r('sadd', 'bigset1', bigstr);
      const biginteger = '1'.repeat(19);
      for (let i = 0; i < 512; i++) await r('sadd', 'bigset2', biginteger);

      // sorted sets: skiplist, then listpack
      await r('zadd', 'bigzset1', '1.0', bigstr);
      for (let i = 0; i < 128; i++) await r('zadd', 'bigzset2', '1.0', bytes64);

      // hashes: hashtable, then listpack
      await r('hset', 'bighash1', 'field1', bigstr);
      for (let i = 0; i < 128; i++) await r('hset', 'bighash2', i, bytes64);

      // stream
      await r('xadd', 'bigstream', '*', 'entry1', bigstr, 'entry2', bigstr);

      const digest = await debugDigest(server);
      await r('config', 'set', 'aof-use-rdb-preamble', 'no');
      await r('bgrewriteaof');
      await waitForBgrewriteaof(server);
      await r('debug', 'loadaof');
      const newdigest = await debugDigest(server);
      assert(digest === newdigest, `the digest after DEBUG LOADAOF (${newdigest}) to equal the one before (${digest})`);
    });

    await test('dismiss client output buffer', async () => {
      // A reply far bigger than the socket buffers stays queued in the server.
      const item = 'x'.repeat(100000);
      for (let i = 0; i < 100; i++) await r('lpush', 'mylist', item);
      const rd = await server.newClient();
      // Like a deferred client that never reads: leave the reply in the kernel and the server.
      rd.pauseReading();
      rd.send('lrange', 'mylist', 0, -1);
      await sleep(100);

      await r('bgsave');
      await waitForBgsave(server);
      assertEqual(item, await r('lpop', 'mylist'));
    });

    await test('dismiss client query buffer', async () => {
      // A command whose argument is still incomplete keeps a big query buffer.
      const bigstr = 'A'.repeat(8192);
      const rd = await server.newClient();
      rd.writeRaw('*2\r\n$8192\r\n');
      rd.writeRaw(`${bigstr}\r\n`);
      await sleep(100);

      await r('bgsave');
      await waitForBgsave(server);
    });

    await test('dismiss replication backlog', async () => {
      const master = srv(0);
      await startServer({}, async (replica) => {
        await r('slaveof', srv(-1).host, srv(-1).port);
        await waitForSync(replica);

        const bigstr = 'A'.repeat(8192);
        for (let i = 0; i < 20; i++) await master.call('set', i, bigstr);
        await master.call('bgsave');
        await waitForBgsave(master);
      });
    });
  });
});
