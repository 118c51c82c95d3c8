// Shutting down a master while a replica lags behind it.
import {
  suite,
  startServer,
  test,
  srv,
  assertEqual,
  assertMatch,
  fail,
  populate,
  sleep,
  waitForCondition,
  waitForSync,
  waitForOfsSync,
  type ServerHandle,
} from '../../harness/index.ts';

const TAGS = ['repl', 'external:skip'];

/**
 * Writes 1 MB batches to the master until its replication buffers pass 2 MB: by then the kernel's
 * send buffer towards the (stopped) replica is full and new writes stay in the master.
 */
async function fillUpOsSocketSendBufferForRepl(master: ServerHandle): Promise<void> {
  for (let i = 1; ; i++) {
    await populate(master, 1024, `junk${i}:`, 1024);
    await sleep(10);
    if ((await master.statusNumber('mem_total_replication_buffers')) > 2 * 1024 * 1024) break;
  }
}

/** The master (srv -1) and its replica (srv 0), replicating; runs body with both. */
async function masterAndReplica(body: (master: ServerHandle, replica: ServerHandle) => Promise<void>): Promise<void> {
  await startServer({}, async () => {
    await startServer({}, async (replica) => {
      await body(srv(-1), replica);
    });
  });
}

export default suite({ independentBlocks: true }, async () => {
  for (const how of ['sigterm', 'shutdown'] as const) {
    await test(
      `Shutting down master waits for replica to catch up (${how})`,
      async () => {
        await masterAndReplica(async (master, replica) => {
          await master.call('config', 'set', 'shutdown-timeout', 300); // generous for slow machines
          await master.call('config', 'set', 'repl-backlog-size', 1); // as small as it goes
          await master.call('config', 'set', 'hz', 100); // a cron tick every 10 ms

          await replica.call('replicaof', master.host, master.port);
          await waitForSync(replica);

          // k is 1 on both sides.
          await master.call('set', 'k', 1);
          await waitForOfsSync(master, replica);

          await replica.pause();
          await sleep(10);

          // Keep the coming INCR out of the kernel's buffers, so only the master holds it.
          await fillUpOsSocketSendBufferForRepl(master);

          // INCR, then shut the master down at once.
          await master.call('incr', 'k');
          if (how === 'sigterm') {
            process.kill(master.pid, 'SIGTERM');
          } else {
            const rd = await master.newClient();
            rd.send('shutdown');
          }
          await waitForCondition(50, 100, async () => (await master.statusNumber('shutdown_in_milliseconds')) > 0, () =>
            fail('Master not indicating ongoing shutdown.'),
          );

          // Let two cron ticks pass, wake the replica: the master must wait for it.
          await sleep(20);
          await replica.resume();
          await waitForCondition(300, 1000, async () => (await replica.call('get', 'k')) === '2', () =>
            fail('Master exited before replica could catch up.'),
          );

          await master.waitForLogMessages(['*ready to exit, bye bye*'], 0, 100, 500);
          assertEqual(0, master.countLogMessage('*Lagging replica*'));
          master.verifyLogMessage('*1 of 1 replicas are in sync*', 0);
        });
      },
      { okPattern: '', tags: TAGS },
    );
  }

  await test(
    'Shutting down master waits for replica timeout',
    async () => {
      await masterAndReplica(async (master, replica) => {
        await master.call('config', 'set', 'shutdown-timeout', 1); // seconds

        await replica.call('replicaof', master.host, master.port);
        await waitForSync(replica);

        await master.call('set', 'k', 1);
        await waitForOfsSync(master, replica);

        await replica.pause();
        await sleep(10);

        await fillUpOsSocketSendBufferForRepl(master);

        await master.call('incr', 'k');
        process.kill(master.pid, 'SIGTERM');
        await waitForCondition(50, 100, async () => (await master.statusNumber('shutdown_in_milliseconds')) > 0, () =>
          fail('Master not indicating ongoing shutdown.'),
        );

        // The master gives up on the replica after the timeout and exits.
        await master.waitForLogMessages(['*ready to exit, bye bye*'], 0, 100, 100);
        master.verifyLogMessage('*Lagging replica*', 0);
        master.verifyLogMessage('*0 of 1 replicas are in sync*', 0);

        await replica.resume();
        assertEqual(1, await replica.call('get', 'k'));
      });
    },
    { okPattern: '', tags: TAGS },
  );

  await test(
    'Shutting down master waits for replica then fails',
    async () => {
      await masterAndReplica(async (master, replica) => {
        await replica.call('replicaof', master.host, master.port);
        await waitForSync(replica);

        await replica.pause();
        await sleep(10);
        await master.call('incr', 'k');

        // Two clients block in SHUTDOWN at the same time.
        const rd1 = await master.newClient();
        const rd2 = await master.newClient();
        rd1.send('shutdown');
        rd2.send('shutdown');
        const infoClients = await master.call('info', 'clients');
        assertMatch('*connected_clients:3*', infoClients);
        assertMatch('*blocked_clients:2*', infoClients);

        // An initial AOF rewrite that takes forever keeps the master from exiting.
        await master.call('config', 'set', 'rdb-key-save-delay', 30000000); // 30 s
        await master.call('config', 'set', 'appendonly', 'yes');

        // The replica catches up, so the master goes on with the shutdown, and fails.
        await replica.resume();

        const e1 = await rd1.read().then(String, (err: Error) => err.message);
        const e2 = await rd2.read().then(String, (err: Error) => err.message);
        assertMatch('*Errors trying to SHUTDOWN. Check logs*', e1);
        assertMatch('*Errors trying to SHUTDOWN. Check logs*', e2);
        await rd1.close();
        await rd2.close();

        master.verifyLogMessage('*1 of 1 replicas are in sync*', 0);
        master.verifyLogMessage('*Writing initial AOF, can\'t exit*', 0);
        master.verifyLogMessage('*Errors trying to shut down*', 0);

        // Exit now rather than after the slow rewrite.
        await master.call('shutdown', 'nosave', 'force').catch(() => undefined);
      });
    },
    { okPattern: '', tags: TAGS },
  );

  await test(
    'Shutting down master waits for replica then aborted',
    async () => {
      await masterAndReplica(async (master, replica) => {
        await replica.call('replicaof', master.host, master.port);
        await waitForSync(replica);

        await replica.pause();
        await sleep(10);
        await master.call('incr', 'k');

        const rd1 = await master.newClient();
        const rd2 = await master.newClient();
        rd1.send('shutdown');
        rd2.send('shutdown');
        const infoClients = await master.call('info', 'clients');
        assertMatch('*connected_clients:3*', infoClients);
        assertMatch('*blocked_clients:2*', infoClients);

        await master.call('shutdown', 'abort');

        await replica.resume();

        const e1 = await rd1.read().then(String, (err: Error) => err.message);
        const e2 = await rd2.read().then(String, (err: Error) => err.message);
        assertMatch('*Errors trying to SHUTDOWN. Check logs*', e1);
        assertMatch('*Errors trying to SHUTDOWN. Check logs*', e2);
        await rd1.close();
        await rd2.close();

        master.verifyLogMessage('*Shutdown manually aborted*', 0);
      });
    },
    { okPattern: '', tags: TAGS },
  );
});
