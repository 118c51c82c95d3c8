// Regression for issue 3899: a master with two replicas whose links keep being cut while
// redis-benchmark writes to the master; in the end all three must hold the same data.
//
// Unlike upstream, the link cutting is bounded by a count, not the clock, so that a --seed replays
// the run: upstream draws two coins every 100 ms for 20 s; here the loop runs a fixed 200 rounds of
// the same two draws and 100 ms pause, so the same seed gives the same "kill ..." tests in the same
// order. Assertions and wait budgets are upstream's.
import { suite, startServer, test, srv, puts, fail, waitForCondition, rng, sleep, runTool, type ServerHandle } from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['psync2', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      await startServer({}, async () => {
        const debugMsg = false;
        const rounds = 200; // rounds of link cutting, 100 ms apart (upstream: 20 s of them)

        const R: ServerHandle[] = [0, -1, -2].map((level) => srv(level));
        const st = (j: number, field: string) => R[j].status(field);
        if (debugMsg) for (const h of R) puts(`Log file: ${h.stdout}`);

        await test('PSYNC2 #3899 regression: setup', async () => {
          await R[1].call('slaveof', R[0].host, R[0].port);
          await R[2].call('slaveof', R[0].host, R[0].port);
          await R[0].call('set', 'foo', 'bar');
          await waitForCondition(
            50,
            1000,
            async () =>
              (await st(1, 'master_link_status')) === 'up' &&
              (await st(2, 'master_link_status')) === 'up' &&
              Number(await R[1].call('dbsize')) === 1 &&
              Number(await R[2].call('dbsize')) === 1,
            'Replicas not replicating from master',
          );
          await R[0].call('config', 'set', 'repl-backlog-size', '10mb');
          await R[1].call('config', 'set', 'repl-backlog-size', '10mb');
        });

        // Tracked by runTool: it is killed at the unit's end even if a test fails first.
        const bench = runTool('redis-benchmark', ['-s', R[0].unixsocket, '-n', '10000000', '-r', '1000', 'incr', '__rand_int__'], {
          stdin: 'ignore',
          stdout: 'ignore',
        });
        const killBench = async () => {
          if (bench.exitCode === null && bench.signalCode === null) bench.kill('SIGKILL');
          await bench;
        };

        for (let round = 0; round < rounds; round++) {
          if (rng().random() < 0.05) {
            await test('PSYNC2 #3899 regression: kill first replica', async () => {
              await R[1].call('client', 'kill', 'type', 'master');
            });
          }
          if (rng().random() < 0.05) {
            await test('PSYNC2 #3899 regression: kill chained replica', async () => {
              await R[2].call('client', 'kill', 'type', 'master');
            });
          }
          await sleep(100);
        }
        await killBench();

        if (debugMsg) {
          for (let j = 0; j < 100; j++) {
            const d = await Promise.all(R.map((h) => h.call('debug', 'digest')));
            if (d[0] === d[1] && d[1] === d[2]) break;
            puts(d.join('\n'));
            await sleep(1000);
          }
        }

        await test('PSYNC2 #3899 regression: verify consistency', async () => {
          await waitForCondition(
            50,
            1000,
            async () => {
              const d0 = await R[0].call('debug', 'digest');
              const d1 = await R[1].call('debug', 'digest');
              const d2 = await R[2].call('debug', 'digest');
              return d0 === d1 && d1 === d2;
            },
            () => fail('The three instances have different data sets'),
          );
        });
      });
    });
  });
});
