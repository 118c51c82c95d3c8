import {
  suite,
  startServer,
  test,
  srv,
  assertEqual,
  assertMatch,
  fail,
  waitForCondition,
  waitForSync,
  waitForOfsSync,
  waitLoadHandlersDisconnected,
  startWriteLoad,
  stringMatch,
  type ServerHandle,
  tclCatch,
} from '../../harness/index.ts';

/** The three nodes must hold the same data set, compared two by two. */
async function assertDigestsMatch(a: ServerHandle, b: ServerHandle, c: ServerHandle): Promise<void> {
  assertEqual(await a.call('debug', 'digest'), await b.call('debug', 'digest'));
  assertEqual(await b.call('debug', 'digest'), await c.call('debug', 'digest'));
}

export default suite(async () => {
  await startServer({ tags: ['failover', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      await startServer({}, async (node0) => {
        // node0 is the innermost server (srv 0), node1 is srv -1, node2 is srv -2.
        const node1 = srv(-1);
        const node2 = srv(-2);
        const s0 = (field: string) => node0.statusNumber(field);
        const s1 = (field: string) => node1.statusNumber(field);
        const s2 = (field: string) => node2.statusNumber(field);

        await test('failover command fails without connected replica', async () => {
          const err = (await tclCatch(() => node0.call('failover', 'to', node1.host, node1.port))).value;
          if (!stringMatch('ERR*', err)) fail('failover command succeeded when replica not connected');
        });

        await test('setup replication for following tests', async () => {
          await node1.call('replicaof', node0.host, node0.port);
          await node2.call('replicaof', node0.host, node0.port);
          await waitForSync(node1);
          await waitForSync(node2);
          // A replica fed by a diskless sync is up on its side before the master, which waits for its
          // first ACK, counts it online; FAILOVER needs the master's view. Upstream gets that time from
          // its write load's tclsh start in the next test; a load that starts at once does not.
          await waitForCondition(50, 100, async () => stringMatch('*slave0:*state=online*slave1:*state=online*', await node0.info('replication')), "replicas didn't come online on the master in time");
        });

        await test('failover command fails with invalid host', async () => {
          assertMatch('ERR*', (await tclCatch(() => node0.call('failover', 'to', 'invalidhost', node1.port))).value);
        });

        await test('failover command fails with invalid port', async () => {
          assertMatch('ERR*', (await tclCatch(() => node0.call('failover', 'to', node1.host, 'invalidport'))).value);
        });

        await test('failover command fails with just force and timeout', async () => {
          assertMatch('ERR*', (await tclCatch(() => node0.call('FAILOVER', 'FORCE', 'TIMEOUT', 100))).value);
        });

        await test('failover command fails when sent to a replica', async () => {
          assertMatch('ERR*', (await tclCatch(() => node1.call('failover', 'to', node1.host, node1.port))).value);
        });

        await test('failover command fails with force without timeout', async () => {
          assertMatch('ERR*', (await tclCatch(() => node0.call('failover', 'to', node1.host, node1.port, 'FORCE'))).value);
        });

        await test('failover command to specific replica works', async () => {
          const initialPsyncs = await s1('sync_partial_ok');

          // Let node0 accept writes that node1, stopped, cannot see yet.
          const load = await startWriteLoad(node0.host, node0.port, 5);
          await node1.pause();
          await waitForCondition(50, 100, async () => (await s0('total_commands_processed')) > 100, () => fail('Node 0 did not accept writes'));
          await node1.resume();

          await node0.call('failover', 'to', node1.host, node1.port);
          await waitForCondition(50, 100, async () => (await node0.status('master_failover_state')) === 'no-failover', () =>
            fail('Failover from node 0 to node 1 did not finish'),
          );

          // No writer may be left once the roles have changed.
          await load.stop();
          await waitLoadHandlersDisconnected(node0);

          await node2.call('replicaof', node1.host, node1.port);
          await waitForSync(node0);
          await waitForSync(node2);

          assertMatch('*slave*', await node0.call('role'));
          assertMatch('*master*', await node1.call('role'));
          assertMatch('*slave*', await node2.call('role'));

          // Both former peers continue with a partial resync.
          assertEqual((await s1('sync_partial_ok')) - initialPsyncs, 2);
          assertEqual((await s1('sync_full')) - initialPsyncs, 0);
          await assertDigestsMatch(node0, node1, node2);
        });

        await test('failover command to any replica works', async () => {
          const initialPsyncs = await s2('sync_partial_ok');

          await waitForOfsSync(node1, node2);
          // With node0 stopped, node2 is the only replica that can be chosen.
          await node0.pause();
          await node1.call('set', 'CASE', 1);
          await node1.call('FAILOVER');

          await waitForCondition(50, 100, async () => (await node1.status('master_failover_state')) === 'no-failover', () =>
            fail('Failover from node 1 to node 2 did not finish'),
          );
          await node0.resume();
          await node0.call('replicaof', node2.host, node2.port);

          await waitForSync(node0);
          await waitForSync(node1);

          assertMatch('*slave*', await node0.call('role'));
          assertMatch('*slave*', await node1.call('role'));
          assertMatch('*master*', await node2.call('role'));

          assertEqual((await s2('sync_partial_ok')) - initialPsyncs, 2);
          assertEqual((await s1('sync_full')) - initialPsyncs, 0);
          await assertDigestsMatch(node0, node1, node2);
        });

        await test('failover to a replica with force works', async () => {
          const initialPsyncs = await s0('sync_partial_ok');
          const initialSyncs = await s0('sync_full');

          await node0.pause();
          // A write node0 cannot acknowledge while it is stopped.
          await node2.call('set', 'case', 2);
          await node2.call('failover', 'to', node0.host, node0.port, 'TIMEOUT', 100, 'FORCE');

          await waitForCondition(50, 100, async () => (await node2.status('master_failover_state')) === 'failover-in-progress', () =>
            fail('Failover from node 2 to node 0 did not timeout'),
          );

          // At no point may two nodes be masters.
          assertMatch('*slave*', await node1.call('role'));
          assertMatch('*slave*', await node2.call('role'));

          await node0.resume();

          await waitForCondition(50, 100, async () => (await node2.status('master_failover_state')) === 'no-failover', () =>
            fail('Failover from node 2 to node 0 did not finish'),
          );
          await node1.call('replicaof', node0.host, node0.port);

          await waitForSync(node1);
          await waitForSync(node2);

          assertMatch('*master*', await node0.call('role'));
          assertMatch('*slave*', await node1.call('role'));
          assertMatch('*slave*', await node2.call('role'));

          assertEqual(node2.countLogMessage('time out exceeded, failing over.'), 1);

          assertEqual((await s0('sync_partial_ok')) - initialPsyncs, 2);
          assertEqual((await s0('sync_full')) - initialSyncs, 0);
          await assertDigestsMatch(node0, node1, node2);
        });

        await test('failover with timeout aborts if replica never catches up', async () => {
          const initialPsyncs = await s0('sync_partial_ok');
          const initialSyncs = await s0('sync_full');

          // node1 stays stopped, so it cannot catch up before the timeout.
          await node1.pause();
          await node0.call('SET', 'CASE', 1);

          await node0.call('failover', 'to', node1.host, node1.port, 'TIMEOUT', 500);
          await waitForCondition(50, 20, async () => (await node0.status('master_failover_state')) === 'no-failover', () =>
            fail('Failover from node_0 to replica did not finish'),
          );

          await node1.resume();

          await waitForOfsSync(node0, node1);
          await waitForOfsSync(node0, node2);

          assertMatch('*master*', await node0.call('role'));
          assertMatch('*slave*', await node1.call('role'));
          assertMatch('*slave*', await node2.call('role'));

          assertEqual((await s0('sync_partial_ok')) - initialPsyncs, 0);
          assertEqual((await s0('sync_full')) - initialSyncs, 0);
          await assertDigestsMatch(node0, node1, node2);
        });

        await test('failovers can be aborted', async () => {
          const initialPsyncs = await s0('sync_partial_ok');
          const initialSyncs = await s0('sync_full');

          await node1.pause();
          await node0.call('SET', 'CASE', 2);

          await node0.call('failover', 'to', node1.host, node1.port, 'TIMEOUT', 60000);
          assertMatch(await node0.status('master_failover_state'), 'waiting-for-sync');

          // Reads are still served while the failover waits.
          await node0.call('GET', 'CASE');

          await node0.call('failover', 'abort');
          assertMatch(await node0.status('master_failover_state'), 'no-failover');

          await node1.resume();

          await waitForOfsSync(node0, node1);
          await waitForOfsSync(node0, node2);

          assertMatch('*master*', await node0.call('role'));
          assertMatch('*slave*', await node1.call('role'));
          assertMatch('*slave*', await node2.call('role'));

          assertEqual((await s0('sync_partial_ok')) - initialPsyncs, 0);
          assertEqual((await s0('sync_full')) - initialSyncs, 0);
          await assertDigestsMatch(node0, node1, node2);
        });

        await test('failover aborts if target rejects sync request', async () => {
          const initialPsyncs = await s0('sync_partial_ok');
          const initialSyncs = await s0('sync_full');

          // Without PSYNC the target cannot take over, so the failover fails.
          await node1.call('acl', 'setuser', 'default', '-psync');

          // A write sent while the target is stopped must still complete.
          await node1.pause();
          const rd = await node0.newClient();
          rd.send('SET', 'FOO', 'BAR');
          await node0.call('failover', 'to', node1.host, node1.port);
          await node1.resume();

          await waitForCondition(50, 100, async () => (await node0.status('master_failover_state')) === 'no-failover', () =>
            fail('Failover from node_0 to replica did not finish'),
          );

          assertEqual(await rd.read(), 'OK');
          await rd.close();

          await node1.call('acl', 'setuser', 'default', '+psync');

          await waitForSync(node1);
          await waitForSync(node2);

          assertMatch('*master*', await node0.call('role'));
          assertMatch('*slave*', await node1.call('role'));
          assertMatch('*slave*', await node2.call('role'));

          // Both replicas reconnect with a partial resync.
          assertEqual((await s0('sync_partial_ok')) - initialPsyncs, 2);
          assertEqual((await s0('sync_full')) - initialSyncs, 0);

          assertEqual(node0.countLogMessage('Failover target rejected psync request'), 1);
          await assertDigestsMatch(node0, node1, node2);
        });
      });
    });
  });
});
