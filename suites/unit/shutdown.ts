// Port of tests/unit/shutdown.tcl (not integration/shutdown.tcl).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { suite, startServer, test, r, assert, assertEqual, assertMatch, childPid, configGet, fail, sleep, tclCatch, waitForCondition } from '../../harness/index.ts';

const TAGS = ['shutdown', 'external:skip'];

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: TAGS }, async (server) => {
    await test('Temp rdb will be deleted if we use bg_unlink when shutdown', async () => {
      for (let i = 0; i < 20; i++) await r('set', i, i);
      // 20 keys at 100 ms each: the dump takes 2 s.
      await r('config', 'set', 'rdb-key-save-delay', 100000);

      // The child is dumping.
      await r('bgsave');
      await sleep(100);
      const child = childPid(server.pid);
      const tempRdb = path.join(await configGet(server, 'dir'), `temp-${child}.rdb`);
      assert(existsSync(tempRdb), `temp rdb ${tempRdb} exists`);

      await tclCatch(() => r('shutdown', 'nosave'));
      // The server is gone.
      const { value: e } = await tclCatch(() => server.newClient());
      assertMatch('*connection refused*', e);

      // So is the temp rdb.
      assert(!existsSync(tempRdb), `temp rdb ${tempRdb} was deleted`);
    });
  });

  await startServer({ tags: TAGS }, async (server) => {
    await test(
      'SHUTDOWN ABORT can cancel SIGTERM',
      async () => {
        await r('debug', 'pause-cron', 1);
        const pid = await server.statusNumber('process_id');
        process.kill(pid, 'SIGTERM');
        await sleep(10); // the signal handler runs
        await r('shutdown', 'abort');
        server.verifyLogMessage('*Shutdown manually aborted*', 0);
        await r('debug', 'pause-cron', 0);
        return r('ping');
      },
      { okPattern: 'PONG' },
    );

    await test('Temp rdb will be deleted in signal handle', async () => {
      for (let i = 0; i < 20; i++) await r('set', i, i);
      // 20 keys at 100 ms each: the dump takes 2 s.
      await r('config', 'set', 'rdb-key-save-delay', 100000);

      const pid = await server.statusNumber('process_id');
      const tempRdb = path.join(await configGet(server, 'dir'), `temp-${pid}.rdb`);

      // A shutdown that saves first.
      process.kill(pid, 'SIGINT');
      // The save has started once its temp rdb exists.
      await waitForCondition(50, 10, async () => existsSync(tempRdb), () => fail("Can't trigger rdb save on shutdown"));

      // A second SIGINT exits at once and removes the temp rdb.
      process.kill(pid, 'SIGINT');
      await waitForCondition(50, 10, async () => !existsSync(tempRdb), () => fail("Can't trigger rdb save on shutdown"));
    });
  });

  await startServer({ tags: TAGS }, async (server) => {
    const pid = await server.statusNumber('process_id');
    const dumpRdb = path.join(await configGet(server, 'dir'), 'dump.rdb');

    await test('RDB save will be failed in shutdown', async () => {
      for (let i = 0; i < 20; i++) await r('set', i, i);

      // A directory named dump.rdb: renaming the temp rdb onto it fails, so the save fails.
      if (existsSync(dumpRdb)) rmSync(dumpRdb, { force: true });
      mkdirSync(dumpRdb, { recursive: true });
    });
    await test('SHUTDOWN will abort if rdb save failed on signal', async () => {
      // A shutdown that saves first.
      process.kill(pid, 'SIGINT');
      await server.waitForLogMessages(["*Error trying to save the DB, can't exit*"], 0, 100, 10);
    });
    await test('SHUTDOWN will abort if rdb save failed on shutdown command', async () => {
      const { value: err } = await tclCatch(() => r('shutdown'));
      assertMatch('*Errors trying to SHUTDOWN*', err);
      // Still alive.
      assertEqual(await r('ping'), 'PONG');
    });
    await test('SHUTDOWN can proceed if shutdown command was with nosave', async () => {
      await tclCatch(() => r('shutdown', 'nosave'));
      await server.waitForLogMessages(['*ready to exit, bye bye*'], 0, 100, 10);
    });
    await test('Clean up rdb same named folder', async () => {
      rmSync(dumpRdb, { recursive: true });
    });
  });
});
