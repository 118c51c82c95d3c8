import { writeFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  settings,
  assert,
  assertEqual,
  waitForCondition,
  waitForOfsSync,
  createComplexDataset,
  csvdump,
  sleep,
  type ServerHandle,
  puts,
} from '../../harness/index.ts';

/** The first `expires=N` of INFO keyspace as a number; -1 when there is none (like a failed Tcl scan). */
function firstExpiresCount(keyspace: string): number {
  const m = /expires=(\d*)/.exec(keyspace);
  if (!m || m[1] === '') return -1;
  return Number(m[1]);
}

/** A GET that keeps the value's bytes (HyperLogLog strings are binary). */
async function getBytes(handle: ServerHandle, db: number, key: string): Promise<Buffer | null> {
  const client = await handle.newClient({ buffers: true });
  try {
    await client.call('select', db);
    return (await client.call('get', key)) as Buffer | null;
  } finally {
    await client.close();
  }
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}

export default suite(async () => {
  await startServer({ tags: ['repl', 'external:skip'] }, async (replica) => {
    await startServer({}, async (master) => {
      await test('First server should have role slave after SLAVEOF', async () => {
        await replica.call('slaveof', master.host, master.port);
        await waitForCondition(50, 100, async () => (await replica.status('master_link_status')) === 'up', 'Replication not started.');
      });

      const numops = settings().accurate ? 50000 : 5000;

      await test('MASTER and SLAVE consistency with expire', async () => {
        await createComplexDataset(master, numops, ['useexpire']);

        // The dataset's TTLs are at most 2 seconds: wait until the replica has none left.
        await waitForCondition(50, 100, async () => firstExpiresCount(String(await replica.call('info', 'keyspace'))) === 0, "expire didn't end");

        // The replica must have received every DEL.
        await waitForOfsSync(master, replica);

        const masterDigest = await master.call('debug', 'digest');
        const replicaDigest = await replica.call('debug', 'digest');
        if (masterDigest !== replicaDigest) {
          writeFileSync('/tmp/repldump1.txt', await csvdump(master));
          writeFileSync('/tmp/repldump2.txt', await csvdump(replica));
          puts('Master - Replica inconsistency\nRun diff -u against /tmp/repldump*.txt for more info');
        }
        assertEqual(await master.call('debug', 'digest'), await replica.call('debug', 'digest'));
      });

      await test('Master can replicate command longer than client-query-buffer-limit on replica', async () => {
        // The master accepts a bigger query than the replica's own limit.
        await master.call('config', 'set', 'client-query-buffer-limit', 2000000);
        await replica.call('config', 'set', 'client-query-buffer-limit', 1048576);
        const big = 'x'.repeat(1100000);
        await master.call('set', 'key', big);
        await waitForCondition(300, 100, async () => (await replica.call('get', 'key')) === big, 'Unable to replicate command longer than client-query-buffer-limit');
      });

      await test(
        'Slave is able to evict keys created in writable slaves',
        async () => {
          await replica.call('select', 5);
          assert(Number(await replica.call('dbsize')) === 0, 'replica dbsize == 0');
          await replica.call('config', 'set', 'slave-read-only', 'no');
          await replica.call('set', 'key1', 1, 'ex', 5);
          await replica.call('set', 'key2', 2, 'ex', 5);
          await replica.call('set', 'key3', 3, 'ex', 5);
          assert(Number(await replica.call('dbsize')) === 3, 'replica dbsize == 3');
          await sleep(6000);
          return replica.call('dbsize');
        },
        { okPattern: '0' },
      );

      await test("Writable replica doesn't return expired keys", async () => {
        await master.call('select', 5);
        assert(Number(await master.call('dbsize')) === 0, 'master dbsize == 0');
        await master.call('debug', 'set-active-expire', 0);
        await master.call('set', 'key1', 5, 'px', 10);
        await master.call('set', 'key2', 5, 'px', 10);
        await replica.call('select', 5);
        await waitForCondition(
          50,
          100,
          async () => Number(await replica.call('dbsize')) === 2 && Number(await replica.call('exists', 'key1', 'key2')) === 0,
          "Keys didn't replicate or didn't expire.",
        );
        await replica.call('config', 'set', 'slave-read-only', 'no');
        assertEqual(2, await replica.call('dbsize')); // no active expire
        assertEqual(1, await replica.call('incr', 'key1')); // the expired key1 is replaced
        assertEqual(-1, await replica.call('ttl', 'key1')); // ... by one without TTL
        assertEqual('', await replica.call('get', 'key2')); // expired, yet still there
        assertEqual(2, await replica.call('dbsize'));
        // Restore the defaults.
        await master.call('debug', 'set-active-expire', 1);
        await replica.call('del', 'key1', 'key2');
        await replica.call('config', 'set', 'slave-read-only', 'yes');
        await master.call('del', 'key1', 'key2');
      });

      await test('PFCOUNT updates cache on readonly replica', async () => {
        await master.call('select', 5);
        assert(Number(await master.call('dbsize')) === 0, 'master dbsize == 0');
        await master.call('pfadd', 'key', ...'abcdefghijklmnopq'.split(''));
        const strval = await getBytes(master, 5, 'key');
        await replica.call('select', 5);
        await waitForCondition(50, 100, async () => Number(await replica.call('dbsize')) === 1, 'Replication timeout.');
        assert(sameBytes(strval, await getBytes(replica, 5, 'key')), 'the replica holds the same HLL string as the master');
        assertEqual(17, await replica.call('pfcount', 'key'));
        assert(!sameBytes(strval, await getBytes(replica, 5, 'key')), 'PFCOUNT updated the cached cardinality on the replica');
        await master.call('del', 'key');
      });

      await test("PFCOUNT doesn't use expired key on readonly replica", async () => {
        await master.call('select', 5);
        assert(Number(await master.call('dbsize')) === 0, 'master dbsize == 0');
        await master.call('debug', 'set-active-expire', 0);
        await master.call('pfadd', 'key', ...'abcdefghijklmnopq'.split(''));
        await master.call('pexpire', 'key', 10);
        await replica.call('select', 5);
        await waitForCondition(
          50,
          100,
          async () => Number(await replica.call('dbsize')) === 1 && Number(await replica.call('exists', 'key')) === 0,
          "Key didn't replicate or didn't expire.",
        );
        assertEqual(await replica.call('pfcount', 'key'), 0); // the expired key is ignored
        assertEqual(await replica.call('dbsize'), 1); // and not deleted
        await master.call('debug', 'set-active-expire', 1);
        await master.call('del', 'key');
      });
    });
  });
});
