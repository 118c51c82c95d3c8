// Port of tests/unit/cluster.tcl: clusters built with redis-cli --cluster create/add-node/reshard.
// As upstream sets ::singledb for the whole unit (SELECT is refused in cluster mode), the run's
// singledb setting is on while the unit runs, then put back. Upstream's local cluster_info reads
// any CLUSTER INFO field, as the harness's csi/CI do.
import {
  suite,
  tags,
  test,
  startServer,
  startMultipleServers,
  srv,
  settings,
  csi,
  CI,
  waitForClusterSize,
  Client,
  assertEqual,
  assertError,
  assertMatch,
  waitForCondition,
  fail,
  puts,
  stringMatch,
  tclCatch,
  tclExec,
  runTool,
  pauseProcess,
  resumeProcess,
  findAvailablePort,
} from '../../harness/index.ts';

/** Tcl `exec src/redis-cli ...`: its output; throws on a non-zero exit or output on stderr. */
async function redisCli(...args: string[]): Promise<string> {
  return tclExec([await runTool('redis-cli', args, { encoding: 'buffer', stdin: 'ignore' })]);
}

/** Tcl `[catch {exec src/redis-cli ...}] == 0`. */
async function redisCliSucceeds(...args: string[]): Promise<boolean> {
  return !(await tclCatch(() => redisCli(...args))).failed;
}

const addr = (level: number) => `127.0.0.1:${srv(level).port}`;

/** Every listed node (by srv level) reports the cluster_state. */
async function allStates(levels: number[], state: string): Promise<boolean> {
  for (const level of levels) if ((await csi(level, 'cluster_state')) !== state) return false;
  return true;
}

export default suite(async () => {
  const run = settings();
  const oldSingledb = run.singledb;
  run.singledb = true;
  try {
    // TLS would complicate cluster creation, and these tests don't need its coverage.
    await tags(['tls:skip', 'external:skip', 'cluster'], async () => {
      const baseConf = { 'cluster-enabled': 'yes', 'cluster-node-timeout': '1000' };

      await startMultipleServers(3, { overrides: baseConf }, async () => {
        const node1 = srv(0);
        const node3 = srv(-2);
        const node3Pid = srv(-2).pid;
        const node3Rd = await srv(-2).newClient();

        await test('Create 3 node cluster', async () => {
          await redisCli('--cluster-yes', '--cluster', 'create', addr(0), addr(-1), addr(-2));

          await waitForCondition(1000, 50, () => allStates([0, -1, -2], 'ok'), () => fail("Cluster doesn't stabilize"));
        });

        await test('Run blocking command on cluster node3', async () => {
          // key9184688 hashes to slot 10923, node 3's first slot.
          node3Rd.send('brpop', 'key9184688', 0);

          await waitForCondition(50, 100, async () => (await srv(-2).status('blocked_clients')) === '1', () => fail('Client not blocked'));
        });

        await test('Perform a Resharding', async () => {
          await redisCli(
            '--cluster-yes',
            '--cluster',
            'reshard',
            addr(-2),
            '--cluster-to',
            String(await node1.call('cluster', 'myid')),
            '--cluster-from',
            String(await node3.call('cluster', 'myid')),
            '--cluster-slots',
            '1',
          );
        });

        await test('Verify command got unblocked after resharding', async () => {
          // The read waits until node 3 learns the new layout.
          await assertError('*MOVED*', () => node3Rd.read());

          // No client is left blocked.
          assertEqual(await srv(0).status('blocked_clients'), '0');
          assertEqual(await srv(-1).status('blocked_clients'), '0');
          assertEqual(await srv(-2).status('blocked_clients'), '0');
        });

        await test('Wait for cluster to be stable', async () => {
          // --cluster check sees a self-consistent config; cluster_state ok means every node
          // also believes the others are healthy.
          await waitForCondition(
            1000,
            50,
            async () =>
              (await redisCliSucceeds('--cluster', 'check', addr(0))) &&
              (await redisCliSucceeds('--cluster', 'check', addr(-1))) &&
              (await redisCliSucceeds('--cluster', 'check', addr(-2))) &&
              (await CI(0, 'cluster_state')) === 'ok' &&
              (await CI(1, 'cluster_state')) === 'ok' &&
              (await CI(2, 'cluster_state')) === 'ok',
            () => fail("Cluster doesn't stabilize"),
          );
        });

        const node1Rd = await srv(0).newClient();

        await test('Sanity test push cmd after resharding', async () => {
          await assertError('*MOVED*', () => node3.call('lpush', 'key9184688', 'v1'));

          node1Rd.send('brpop', 'key9184688', 0);

          await waitForCondition(
            50,
            100,
            async () => (await srv(0).status('blocked_clients')) === '1',
            async () => {
              puts('Client not blocked');
              puts(`read from blocked client: ${String(await node1Rd.read())}`);
              fail('Client not blocked');
            },
          );

          await node1.call('lpush', 'key9184688', 'v2');
          assertEqual('key9184688 v2', await node1Rd.read());
        });

        await node3Rd.close();

        await test('Run blocking command again on cluster node1', async () => {
          await node1.call('del', 'key9184688');
          // Slot 10923 of key9184688 now belongs to node 1.
          node1Rd.send('brpop', 'key9184688', 0);

          await waitForCondition(50, 100, async () => (await srv(0).status('blocked_clients')) === '1', () => fail('Client not blocked'));
        });

        await test('Kill a cluster node and wait for fail state', async () => {
          // Stop node 3.
          await pauseProcess(node3Pid);

          await waitForCondition(1000, 50, () => allStates([0, -1], 'fail'), () => fail("Cluster doesn't fail"));
        });

        await test('Verify command got unblocked after cluster failure', async () => {
          await assertError('*CLUSTERDOWN*', () => node1Rd.read());

          // No client is left blocked.
          assertEqual(await srv(0).status('blocked_clients'), '0');
          assertEqual(await srv(-1).status('blocked_clients'), '0');
        });

        await resumeProcess(node3Pid);
        await node1Rd.close();
      });

      // redis-cli --cluster create, add-node and call; functions reach a node added with add-node.
      await startMultipleServers(5, { overrides: baseConf }, async () => {
        const node4Rd = await srv(-3).newClient();
        const node5Rd = await srv(-4).newClient();

        await test('Functions are added to new node on redis-cli cluster add-node', async () => {
          await redisCli('--cluster-yes', '--cluster', 'create', addr(0), addr(-1), addr(-2));

          await waitForCondition(1000, 50, () => allStates([0, -1, -2], 'ok'), () => fail("Cluster doesn't stabilize"));

          // A function on every node of the cluster.
          await redisCli(
            '--cluster-yes',
            '--cluster',
            'call',
            addr(0),
            'FUNCTION',
            'LOAD',
            "#!lua name=TEST\n                               redis.register_function('test', function() return 'hello' end)\n                           ",
          );

          // Node 4 joins.
          await redisCli('--cluster-yes', '--cluster', 'add-node', addr(-3), addr(0));

          await waitForClusterSize(4);

          await waitForCondition(1000, 50, () => allStates([0, -1, -2, -3], 'ok'), () => fail("Cluster doesn't stabilize"));

          // It got the function.
          assertEqual('{library_name TEST engine LUA functions {{name test description {} flags {}}}}', await node4Rd.call('FUNCTION', 'LIST'));

          // Node 5 has one of its own...
          assertEqual(
            'TEST',
            await node5Rd.call('FUNCTION', 'LOAD', "#!lua name=TEST\n            redis.register_function('test', function() return 'hello' end)\n        "),
          );

          assertEqual('{library_name TEST engine LUA functions {{name test description {} flags {}}}}', await node5Rd.call('FUNCTION', 'LIST'));

          // ...so add-node refuses it.
          const { value: e } = await tclCatch(() => redisCli('--cluster-yes', '--cluster', 'add-node', addr(-4), addr(0)));
          assertMatch('*node already contains functions*', e);
        });
      });

      // redis-cli --cluster create and add-node; one slot moves to the new node and back.
      await test('Migrate the last slot away from a node using redis-cli', async () => {
        await startMultipleServers(4, { overrides: baseConf }, async () => {
          // A cluster of three nodes.
          await redisCli('--cluster-yes', '--cluster', 'create', addr(0), addr(-1), addr(-2));

          await waitForCondition(1000, 50, () => allStates([0, -1, -2], 'ok'), () => fail("Cluster doesn't stabilize"));

          // One key.
          assertEqual('OK', await redisCli('-c', '-p', String(srv(0).port), 'SET', 'foo', 'bar'));
          const slot = await redisCli('-c', '-p', String(srv(0).port), 'CLUSTER', 'KEYSLOT', 'foo');

          // The fourth node joins.
          await redisCli('--cluster-yes', '--cluster', 'add-node', addr(-3), addr(0));

          // Every node must know it first.
          await waitForClusterSize(4);

          await waitForCondition(1000, 50, () => allStates([0, -1, -2, -3], 'ok'), () => fail("Cluster doesn't stabilize"));

          const newnodeR = await srv(-3).newClient();
          const newnodeId = String(await newnodeR.call('CLUSTER', 'MYID'));

          // The new node's redirect names the owner of "foo".
          let { value: e } = await tclCatch(() => newnodeR.call('get', 'foo'));
          assertMatch(`MOVED ${slot} *`, e);
          const [ownerHost, ownerPort] = e.split(' ')[2].split(':');
          const ownerR = await Client.connect({ host: ownerHost, port: Number(ownerPort), tls: srv(-3).clientTls() });
          try {
            const ownerId = String(await ownerR.call('CLUSTER', 'MYID'));

            // The slot moves to the new node with plain commands.
            assertEqual('OK', await newnodeR.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', ownerId));
            assertEqual('OK', await ownerR.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', newnodeId));
            assertEqual('foo', await ownerR.call('CLUSTER', 'GETKEYSINSLOT', slot, 10));
            assertEqual('OK', await ownerR.call('MIGRATE', '127.0.0.1', srv(-3).port, '', 0, 5000, 'KEYS', 'foo'));
            assertEqual('OK', await newnodeR.call('CLUSTER', 'SETSLOT', slot, 'NODE', newnodeId));
            assertEqual('OK', await ownerR.call('CLUSTER', 'SETSLOT', slot, 'NODE', newnodeId));

            // --cluster check must not find uncovered slots, and the cluster must be up.
            await waitForCondition(
              1000,
              50,
              async () =>
                (await redisCliSucceeds('--cluster', 'check', addr(0))) &&
                (await redisCliSucceeds('--cluster', 'check', addr(-1))) &&
                (await redisCliSucceeds('--cluster', 'check', addr(-2))) &&
                (await redisCliSucceeds('--cluster', 'check', addr(-3))) &&
                (await allStates([0, -1, -2, -3], 'ok')),
              () => fail("Cluster doesn't stabilize"),
            );

            // The only slot goes back with redis-cli.
            await redisCli('--cluster', 'reshard', addr(-3), '--cluster-from', newnodeId, '--cluster-to', ownerId, '--cluster-slots', '1', '--cluster-yes');

            // The emptied node turns into a replica of the owner before the MOVED check: wait.
            await waitForCondition(1000, 50, () => allStates([0, -1, -2, -3], 'ok'), () => fail("Cluster doesn't stabilize"));

            // "foo" is back on its owner.
            ({ value: e } = await tclCatch(() => newnodeR.call('get', 'foo')));
            assertEqual(`MOVED ${slot} ${ownerHost}:${ownerPort}`, e);

            // The emptied node replicates the owner, and the owner knows it.
            await waitForCondition(
              1000,
              50,
              async () => stringMatch('*slave*', await ownerR.call('CLUSTER', 'REPLICAS', ownerId)),
              () => fail("Empty node didn't turn itself into a replica."),
            );
          } finally {
            ownerR.destroy();
          }
        });
      });

      // redis-cli --cluster create and add-node with cluster-port: three of the five nodes use a
      // custom cluster port, two the default.
      const node = async (customPort: boolean) => ({
        overrides: {
          'cluster-enabled': 'yes',
          'cluster-node-timeout': '1',
          ...(customPort ? { 'cluster-port': String(await findAvailablePort()) } : {}),
        },
      });
      await startServer(await node(true), async () => {
        await startServer(await node(false), async () => {
          await startServer(await node(true), async () => {
            await startServer(await node(false), async () => {
              await startServer(await node(true), async () => {
                // The first three for --cluster create, the last two for --cluster add-node.
                const nodeRds = [];
                for (let level = 0; level >= -4; level--) nodeRds.push(await srv(level).newClient());

                await test('redis-cli --cluster create with cluster-port', async () => {
                  await redisCli('--cluster-yes', '--cluster', 'create', addr(0), addr(-1), addr(-2));

                  await waitForCondition(1000, 50, () => allStates([0, -1, -2], 'ok'), () => fail("Cluster doesn't stabilize"));

                  // Every node met the others.
                  assertEqual(3, await csi(0, 'cluster_known_nodes'));
                  assertEqual(3, await csi(-1, 'cluster_known_nodes'));
                  assertEqual(3, await csi(-2, 'cluster_known_nodes'));
                });

                await test('redis-cli --cluster add-node with cluster-port', async () => {
                  // A node without a custom cluster-port joins...
                  await redisCli('--cluster-yes', '--cluster', 'add-node', addr(-3), addr(0));

                  await waitForClusterSize(4);

                  await waitForCondition(1000, 50, () => allStates([0, -1, -2, -3], 'ok'), () => fail("Cluster doesn't stabilize"));

                  // ...then one with it.
                  await redisCli('--cluster-yes', '--cluster', 'add-node', addr(-4), addr(0));

                  await waitForClusterSize(5);

                  await waitForCondition(1000, 50, () => allStates([0, -1, -2, -3, -4], 'ok'), () => fail("Cluster doesn't stabilize"));

                  // Every node met the others.
                  assertEqual(5, await csi(0, 'cluster_known_nodes'));
                  assertEqual(5, await csi(-1, 'cluster_known_nodes'));
                  assertEqual(5, await csi(-2, 'cluster_known_nodes'));
                  assertEqual(5, await csi(-3, 'cluster_known_nodes'));
                  assertEqual(5, await csi(-4, 'cluster_known_nodes'));
                });
              });
            });
          });
        });
      });
    });
  } finally {
    run.singledb = oldSingledb;
  }
});
