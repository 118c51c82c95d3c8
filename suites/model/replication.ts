import {
  suite,
  startServer,
  test,
  assertEqual,
  assertMoreThan,
  waitForCondition,
  waitForOfsSync,
  waitForSync,
  startLinkProxy,
  type ServerHandle,
} from '../../harness/index.ts';
import { checkModel } from './lib/checker.ts';
import { ttlHeavyCommands } from './lib/commands.ts';

// No Tcl upstream: random histories of every type with TTLs run on a master; the replica's whole
// keyspace must equal the reference model's (suites/model/lib), TTLs as absolute times: fed by
// the stream, after a full sync (disk and diskless), and after a partial resync across a link
// cut by the fault proxy (harness/tools/proxy.ts).

const KEYS = ['r1', 'r2', 'r3', 'r4'];
const commands = ttlHeavyCommands(KEYS);

async function linkUpAndSynced(replica: ServerHandle): Promise<boolean> {
  return (await replica.status('master_link_status')) === 'up' && (await replica.status('master_sync_in_progress')) === '0';
}

/** Per run: the replica leaves, the history runs on the master, then the replica syncs in full. */
async function fullSyncCheck(master: ServerHandle, replica: ServerHandle): Promise<void> {
  await checkModel({
    commands,
    runs: 20,
    client: () => master.client,
    beforeRun: async () => {
      await replica.call('replicaof', 'no', 'one');
    },
    roundTrip: {
      label: 'a full sync',
      run: async () => {
        const fullBefore = await master.statusNumber('sync_full');
        await replica.call('replicaof', master.host, master.port);
        await waitForCondition(50, 100, () => linkUpAndSynced(replica), 'replica did not sync with its master');
        await waitForOfsSync(master, replica);
        assertMoreThan(await master.statusNumber('sync_full'), fullBefore, 'full syncs on the master');
        return [replica.client];
      },
    },
  });
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('a replica fed by the replication stream matches the model', async () => {
        await replica.call('replicaof', master.host, master.port);
        await waitForSync(replica);
        await checkModel({
          commands,
          runs: 30,
          client: () => master.client,
          roundTrip: {
            label: 'replication',
            run: async () => {
              await waitForOfsSync(master, replica);
              return [replica.client];
            },
          },
        });
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'], overrides: { 'repl-diskless-sync': 'no' } }, async (master) => {
    await startServer({}, async (replica) => {
      await test('a replica matches the model after a full sync (diskless: no)', () => fullSyncCheck(master, replica));
    });
  });

  await startServer({ tags: ['repl', 'external:skip'], overrides: { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': '0' } }, async (master) => {
    await startServer({}, async (replica) => {
      await test('a replica matches the model after a full sync (diskless: yes)', () => fullSyncCheck(master, replica));
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('a replica matches the model after a partial resync through the fault proxy', async () => {
        const proxy = await startLinkProxy(master);
        await replica.call('replicaof', proxy.host, proxy.port);
        await waitForSync(replica);
        let partialBefore = 0;
        let fullBefore = 0;
        await checkModel({
          commands,
          runs: 10,
          client: () => master.client,
          midway: async () => {
            await waitForOfsSync(master, replica);
            partialBefore = await master.statusNumber('sync_partial_ok');
            fullBefore = await master.statusNumber('sync_full');
            // Only the replica's link crosses the proxy: the drop cuts exactly it.
            assertEqual(proxy.dropConnections({ mode: 'rst' }), 1, 'links cut');
          },
          roundTrip: {
            label: 'a partial resync',
            run: async () => {
              await waitForCondition(
                100,
                100,
                async () => (await master.statusNumber('sync_partial_ok')) > partialBefore && (await linkUpAndSynced(replica)),
                'no partial resync after the link was cut',
              );
              await waitForOfsSync(master, replica);
              assertEqual(await master.statusNumber('sync_full'), fullBefore, 'full syncs during the partial resync');
              return [replica.client];
            },
          },
        });
        await proxy.close();
      });
    });
  });
});
