// Port of tests/unit/lazyfree.tcl.
import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  waitForCondition,
  waitLazyfreeDone,
  rng,
  type Reply,
  type ServerHandle,
} from '../../harness/index.ts';

/** SADD of 100000 members in one command, encoded here (too many arguments to spread into call()). */
async function saddMany(r: ServerHandle, key: string, count: number): Promise<Reply> {
  const parts = [`*${count + 2}\r\n$4\r\nsadd\r\n$${key.length}\r\n${key}\r\n`];
  for (let i = 0; i < count; i++) parts.push(`$${String(i).length}\r\n${i}\r\n`);
  r.client.writeRaw(parts.join(''));
  return r.client.read();
}

export default suite(async () => {
  await startServer({ tags: ['lazyfree'] }, async (r) => {
    /** Memory below the peak and below twice where it started, within 5 s. */
    const waitReclaimed = (peakMem: number, origMem: number, message: string) =>
      waitForCondition(
        50,
        100,
        async () => {
          const used = await r.statusNumber('used_memory');
          return used < peakMem && used < origMem * 2;
        },
        message,
      );

    await test('UNLINK can reclaim memory in background', async () => {
      const origMem = await r.statusNumber('used_memory');
      await saddMany(r, 'myset', 100000);
      assert(Number(await r.call('scard', 'myset')) === 100000, '[r scard myset] == 100000');
      const peakMem = await r.statusNumber('used_memory');
      assert(Number(await r.call('unlink', 'myset')) === 1, '[r unlink myset] == 1');
      assert(peakMem > origMem + 1000000, `$peak_mem > $orig_mem+1000000 (${peakMem}, ${origMem})`);
      await waitReclaimed(peakMem, origMem, 'Memory is not reclaimed by UNLINK');
    });

    await test('FLUSHDB ASYNC can reclaim memory in background', async () => {
      // The previous test's free is over before used_memory is sampled.
      await waitLazyfreeDone(r);

      const origMem = await r.statusNumber('used_memory');
      await saddMany(r, 'myset', 100000);
      assert(Number(await r.call('scard', 'myset')) === 100000, '[r scard myset] == 100000');
      const peakMem = await r.statusNumber('used_memory');
      await r.call('flushdb', 'async');
      assert(peakMem > origMem + 1000000, `$peak_mem > $orig_mem+1000000 (${peakMem}, ${origMem})`);
      await waitReclaimed(peakMem, origMem, 'Memory is not reclaimed by FLUSHDB ASYNC');
    });

    const lazyfreeDone = () => waitForCondition(50, 100, async () => Number(await r.status('lazyfree_pending_objects')) === 0, "lazyfree isn't done");

    await test(
      'lazy free a stream with all types of metadata',
      async () => {
        // The previous test's free is over before RESETSTAT.
        await lazyfreeDone();

        await r.call('config', 'resetstat');
        await r.call('config', 'set', 'stream-node-max-entries', 5);
        for (let j = 0; j < 1000; j++) {
          if (rng().random() < 0.9) await r.call('xadd', 'stream', '*', 'foo', j);
          else await r.call('xadd', 'stream', '*', 'bar', j);
        }
        await r.call('xgroup', 'create', 'stream', 'mygroup', 0);
        const records = (await r.call('xreadgroup', 'GROUP', 'mygroup', 'Alice', 'COUNT', 2, 'STREAMS', 'stream', '>')) as Reply[][][][];
        const entries = records[0]![1]!;
        await r.call('xdel', 'stream', entries[1]![0]! as string);
        await r.call('xack', 'stream', 'mygroup', entries[0]![0]! as string);
        await r.call('unlink', 'stream');

        // It was freed lazily.
        await lazyfreeDone();
        assertEqual(await r.status('lazyfreed_objects'), 1);
      },
      { tags: ['needs:config-resetstat'] },
    );

    await test(
      'lazy free a stream with deleted cgroup',
      async () => {
        await r.call('config', 'resetstat');
        await r.call('xadd', 's', '*', 'a', 'b');
        await r.call('xgroup', 'create', 's', 'bla', '$');
        await r.call('xgroup', 'destroy', 's', 'bla');
        await r.call('unlink', 's');

        // It was not freed lazily.
        await lazyfreeDone();
        assertEqual(await r.status('lazyfreed_objects'), 0);
      },
      { tags: ['needs:config-resetstat'] },
    );
  });
});
