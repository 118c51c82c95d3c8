// Blocking list and sorted set pops consume their keys, so the replica only stays identical to the
// master when they are replicated as the operations they turned into.
import { writeFileSync } from 'node:fs';
import { suite, startServer, test, fail, waitForCondition, startBgBlockOp, csvdump, sleep } from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      const loads = await Promise.all([0, 1, 2].map(() => startBgBlockOp(master.host, master.port, 9, 100000)));

      await test(
        'First server should have role slave after SLAVEOF',
        async () => {
          await slave.call('slaveof', master.host, master.port);
          await sleep(1000);
          return slave.status('role');
        },
        { okPattern: 'slave' },
      );

      await test('Test replication with blocking lists and sorted sets operations', async () => {
        await sleep(25000);
        for (const load of loads) await load.stop();
        await waitForCondition(
          100,
          100,
          async () => (await master.call('debug', 'digest')) === (await slave.call('debug', 'digest')),
          async () => {
            writeFileSync('/tmp/repldump1.txt', await csvdump(slave));
            writeFileSync('/tmp/repldump2.txt', await csvdump(master));
            fail('Master - Replica inconsistency, Run diff -u against /tmp/repldump*.txt for more info');
          },
        );
      });
    });
  });
});
