import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  assertMoreThanEqual,
  waitForCondition,
  waitForOfsSync,
  waitForSync,
  waitReplicaOnline,
  debugDigest,
  populate,
  startWriteLoad,
  startLinkProxy,
  sleep,
  fail,
  type LinkProxy,
  type ServerHandle,
} from '../../harness/index.ts';

// No Tcl upstream: replication across a faulty link. The replica connects to its master through a
// LinkProxy (harness/proxy.ts), which cuts, delays or blackholes the link on demand.
// Fork-neutral (GUIDE: suites the project adds pass on Redis, Valkey, Redict, KeyDB alike): state
// comes from INFO fields every fork keeps, and a log line is matched only by words they all log.

/** A proxy in front of the master whose events are also written into both servers' logs. */
async function proxyFor(master: ServerHandle, replica: ServerHandle): Promise<LinkProxy> {
  return startLinkProxy(master, {
    onEvent: (e) => {
      for (const h of [master, replica]) {
        try {
          h.writeLogLine(`link proxy ${e.kind}: ${e.detail}`);
        } catch {
          /* log gone with its server */
        }
      }
    },
  });
}

/** The replica is connected and no transfer is going on. */
async function linkUpAndSynced(replica: ServerHandle): Promise<boolean> {
  return (await replica.status('master_link_status')) === 'up' && (await replica.status('master_sync_in_progress')) === '0';
}

async function assertSameDataset(master: ServerHandle, replica: ServerHandle): Promise<void> {
  await waitForOfsSync(master, replica);
  assertEqual(await debugDigest(replica), await debugDigest(master), 'replica digest differs from the master');
}

/** slave0's state on the master ('' when no replica is attached). */
async function replicaState(master: ServerHandle): Promise<string> {
  return /^slave0:.*state=([a-z_]+)/m.exec(await master.info('replication'))?.[1] ?? '';
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('Link cut in the middle of a full sync, then restored', async () => {
        const keys = 20000;
        await populate(master, keys, 'key:', 100);
        // Diskless sync whose child sleeps 200 us per key: the transfer takes about 4 seconds.
        await master.call('config', 'set', 'repl-diskless-sync', 'yes');
        await master.call('config', 'set', 'repl-diskless-sync-delay', 0);
        await master.call('config', 'set', 'rdb-key-save-delay', 200);
        const fullBefore = await master.statusNumber('sync_full');
        const proxy = await proxyFor(master, replica);
        await replica.call('replicaof', proxy.host, proxy.port);

        // The transfer must really be under way, with RDB bytes crossing the proxy.
        await waitForCondition(
          50,
          100,
          async () =>
            (await master.status('rdb_bgsave_in_progress')) === '1' &&
            (await replicaState(master)) === 'wait_bgsave' &&
            (await replica.status('master_sync_in_progress')) === '1' &&
            (await replica.statusNumber('master_sync_read_bytes')) > 0,
          () => fail(`full sync not seen in progress (proxy ${JSON.stringify(proxy.stats)})`),
        );

        // Cut the link and keep it down: reconnections are refused.
        proxy.refuseNew(true);
        assertEqual(proxy.dropConnections({ mode: 'rst' }), 1, 'connections cut');
        await waitForCondition(
          100,
          100,
          async () =>
            (await replica.status('master_link_status')) === 'down' &&
            (await replica.status('master_sync_in_progress')) === '0' &&
            (await master.status('connected_slaves')) === '0' &&
            (await master.status('rdb_bgsave_in_progress')) === '0',
          'both sides did not notice the cut: the replica still syncing or the master still sending',
        );
        // The replica tries again, and is refused while the link is down.
        await waitForCondition(50, 100, () => proxy.stats.refused > 0, 'the replica did not try to reconnect');
        assertEqual(await replica.call('dbsize'), 0, 'a partial transfer must not be loaded');

        // Restore the link (and let the new transfer go at full speed).
        await master.call('config', 'set', 'rdb-key-save-delay', 0);
        proxy.refuseNew(false);
        await waitForCondition(100, 100, () => linkUpAndSynced(replica), "replica didn't sync after the link came back");
        await waitReplicaOnline(master);
        assertEqual(await replica.call('dbsize'), keys);
        assertMoreThanEqual((await master.statusNumber('sync_full')) - fullBefore, 2, 'full syncs: the cut one and the completed one');
        await assertSameDataset(master, replica);
        await proxy.close();
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('Latency during steady replication: offsets converge', async () => {
        const proxy = await proxyFor(master, replica);
        await replica.call('replicaof', proxy.host, proxy.port);
        await waitForSync(replica);
        await waitReplicaOnline(master);

        const latency = 80;
        proxy.setLatency(latency);
        // A write cannot reach the replica sooner than the added one-way delay.
        const started = performance.now();
        await master.call('set', 'latency-probe', 'x');
        await waitForCondition(50, 100, async () => (await replica.call('get', 'latency-probe')) === 'x', 'write never reached the replica');
        const elapsed = performance.now() - started;
        assert(elapsed >= latency, `write seen on the replica after ${elapsed.toFixed(1)} ms, expected >= ${latency} ms`);

        const load = await startWriteLoad(master.host, master.port, 10);
        await waitForCondition(50, 100, async () => Number(await master.call('dbsize')) > 100, "Can't detect write load");
        // Keep the load on until plenty of it has crossed the delayed link and been applied.
        await waitForCondition(100, 100, async () => Number(await replica.call('dbsize')) >= 10000, 'the replica did not keep up with the write load');
        await load.stop();
        assert((await replica.status('master_link_status')) === 'up', 'link stayed up under latency');
        await assertSameDataset(master, replica);
        assertEqual(await master.call('dbsize'), await replica.call('dbsize'));
        await proxy.close();
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('One-way blackhole until repl-timeout: both sides notice and recover', async () => {
        const timeout = 3;
        for (const h of [master, replica]) await h.call('config', 'set', 'repl-timeout', timeout);
        // The master pings every second, so only the blackhole can starve the replica.
        await master.call('config', 'set', 'repl-ping-replica-period', 1);
        const proxy = await proxyFor(master, replica);
        await replica.call('replicaof', proxy.host, proxy.port);
        await waitForSync(replica);
        await waitReplicaOnline(master);
        await populate(master, 1000, 'before:', 10);
        await waitForOfsSync(master, replica);

        const replicaLog = replica.logLineCount();
        const masterLog = master.logLineCount();
        const acceptedBefore = proxy.stats.accepted;
        proxy.blackhole('to-client');
        await populate(master, 1000, 'during:', 10);

        // The replica times out (repl-timeout plus up to a second of cron) and drops the link,
        // which the master sees as a lost replica.
        const budgetTries = (timeout + 5) * 10;
        await waitForCondition(budgetTries, 100, async () => (await replica.status('master_link_status')) === 'down', 'replica did not notice the dead link');
        // Fork-neutral: Redis logs "MASTER timeout: no data nor PING received...", Valkey 8 "PRIMARY timeout: ...".
        await replica.waitForLogMessages(['* timeout: no data nor PING received*'], replicaLog, budgetTries, 100);
        await waitForCondition(budgetTries, 100, async () => (await master.status('connected_slaves')) === '0', 'master did not drop the replica');
        await master.waitForLogMessages(['*Connection with replica*lost*'], masterLog, 50, 100);
        assert(proxy.stats.discardedToClient > 0, 'the blackhole discarded master->replica bytes');

        // While the blackhole stays, reconnection attempts cross the proxy but cannot complete.
        await waitForCondition(50, 100, () => proxy.stats.accepted > acceptedBefore, 'the replica did not try to reconnect');
        await sleep(500);
        assertEqual(await replica.status('master_link_status'), 'down', 'no handshake can complete through the blackhole');

        proxy.blackhole(null);
        // A handshake stuck in the blackhole gives up after repl-timeout, then the next one succeeds.
        await waitForCondition((timeout * 2 + 5) * 10, 100, () => linkUpAndSynced(replica), "replica didn't resync after the blackhole was cleared");
        await waitReplicaOnline(master);
        await assertSameDataset(master, replica);
        assertEqual(await replica.call('dbsize'), 2000);
        await proxy.close();
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('Repeated drops during a write load: partial resyncs accepted', async () => {
        // The backlog must outlive each short outage under load.
        await master.call('config', 'set', 'repl-backlog-size', '100mb');
        const proxy = await proxyFor(master, replica);
        await replica.call('replicaof', proxy.host, proxy.port);
        await waitForSync(replica);
        await waitReplicaOnline(master);
        const partialBefore = await master.statusNumber('sync_partial_ok');
        const fullBefore = await master.statusNumber('sync_full');
        const errBefore = await master.statusNumber('sync_partial_err');

        const load = await startWriteLoad(master.host, master.port, 60);
        await waitForCondition(50, 100, async () => Number(await master.call('dbsize')) > 100, "Can't detect write load");
        const drops = 5;
        for (let i = 0; i < drops; i++) {
          // Each drop comes while writes are flowing over the current link.
          const offset = await replica.statusNumber('master_repl_offset');
          await waitForCondition(50, 100, async () => (await replica.statusNumber('master_repl_offset')) > offset, 'no writes reached the replica');
          const mode = i % 2 === 0 ? 'fin' : 'rst';
          // Only the replica's link crosses the proxy: every drop cuts exactly it.
          assertEqual(proxy.dropConnections({ mode }), 1, `drop ${i + 1} (${mode}) cut the replication link`);
          // The replica reconnects (within a second of cron) and continues with PSYNC.
          await waitForCondition(
            100,
            100,
            async () => (await master.statusNumber('sync_partial_ok')) >= partialBefore + i + 1 && (await linkUpAndSynced(replica)),
            async () => fail(`no partial resync after drop ${i + 1} (${mode}): sync_partial_ok ${await master.status('sync_partial_ok')}, sync_full ${await master.status('sync_full')}`),
          );
          await waitReplicaOnline(master);
        }
        await load.stop();

        assertMoreThanEqual((await master.statusNumber('sync_partial_ok')) - partialBefore, drops, 'partial resyncs accepted');
        assertEqual((await master.statusNumber('sync_full')) - fullBefore, 0, 'no full resync');
        assertEqual((await master.statusNumber('sync_partial_err')) - errBefore, 0, 'no refused partial resync');
        assertEqual(proxy.stats.accepted, drops + 1, 'one connection per drop, plus the first');
        await assertSameDataset(master, replica);
        await proxy.close();
      });
    });
  });
});
