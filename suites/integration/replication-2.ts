import { writeFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  assertMatch,
  waitForCondition,
  waitReplicaOnline,
  createComplexDataset,
  csvdump,
  sleep,
  puts,
  tclCatch,
} from '../../harness/index.ts';

/** The error message of a failed command, or the reply itself when it succeeded. */
async function replyOrError(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export default suite(async () => {
  await startServer({ tags: ['repl', 'external:skip'] }, async (replica) => {
    await startServer({}, async (master) => {
      // The inner server is the master here: the outer one replicates from it.
      await test('First server should have role slave after SLAVEOF', async () => {
        await replica.call('slaveof', master.host, master.port);
        await waitReplicaOnline(master);
        await waitForCondition(50, 100, async () => (await replica.status('master_link_status')) === 'up', 'Replication not started.');
      });

      const writeReachesReplica = async (value: string) => {
        await master.call('set', 'foo', value);
        await waitForCondition(50, 100, async () => (await replica.call('get', 'foo')) === value, 'Write did not reached replica');
      };

      await test('If min-slaves-to-write is honored, write is accepted', async () => {
        await master.call('config', 'set', 'min-slaves-to-write', 1);
        await master.call('config', 'set', 'min-slaves-max-lag', 10);
        await writeReachesReplica('12345');
      });

      await test(
        'No write if min-slaves-to-write is < attached slaves',
        async () => {
          await master.call('config', 'set', 'min-slaves-to-write', 2);
          await master.call('config', 'set', 'min-slaves-max-lag', 10);
          return replyOrError(() => master.call('set', 'foo', '12345'));
        },
        { okPattern: 'NOREPLICAS*' },
      );

      await test('If min-slaves-to-write is honored, write is accepted (again)', async () => {
        await master.call('config', 'set', 'min-slaves-to-write', 1);
        await master.call('config', 'set', 'min-slaves-max-lag', 10);
        await writeReachesReplica('12345');
      });

      await test('No write if min-slaves-max-lag is > of the slave lag', async () => {
        await master.call('config', 'set', 'min-slaves-to-write', 1);
        await master.call('config', 'set', 'min-slaves-max-lag', 2);
        await replica.pause();
        assert((await master.call('set', 'foo', '12345')) === 'OK', "[r set foo 12345] eq {OK}");
        await waitForCondition(100, 100, async () => (await tclCatch(() => master.call('set', 'foo', '12345'))).failed, "Master didn't become readonly");
        assertMatch('NOREPLICAS*', await replyOrError(() => master.call('set', 'foo', '12345')));
      });
      await replica.resume();

      await test('min-slaves-to-write is ignored by slaves', async () => {
        await master.call('config', 'set', 'min-slaves-to-write', 1);
        await master.call('config', 'set', 'min-slaves-max-lag', 10);
        await replica.call('config', 'set', 'min-slaves-to-write', 1);
        await replica.call('config', 'set', 'min-slaves-max-lag', 10);
        await writeReachesReplica('aaabbb');
      });

      // Back to no write quorum, so that the dataset test can write freely.
      await master.call('config', 'set', 'min-slaves-to-write', 0);
      await replica.call('config', 'set', 'min-slaves-to-write', 0);
      await master.call('flushall');

      await test('MASTER and SLAVE dataset should be identical after complex ops', async () => {
        await createComplexDataset(master, 10000);
        await sleep(500);
        if ((await master.call('debug', 'digest')) !== (await replica.call('debug', 'digest'))) {
          writeFileSync('/tmp/repldump1.txt', await csvdump(master));
          writeFileSync('/tmp/repldump2.txt', await csvdump(replica));
          puts('Master - Replica inconsistency\nRun diff -u against /tmp/repldump*.txt for more info');
        }
        assertEqual(await master.call('debug', 'digest'), await replica.call('debug', 'digest'));
      });
    });
  });
});
