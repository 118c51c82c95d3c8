import {
  suite,
  startServer,
  spawnServer,
  killServer,
  test,
  assertEqual,
  waitForCondition,
  waitForOfsSync,
  waitForSync,
  waitReplicaOnline,
  createComplexDataset,
  debugDigest,
  populate,
  startLinkProxy,
  identityFromInfo,
  tmpdir,
  puts,
  fail,
  type LinkProxy,
  type ServerHandle,
} from '../../harness/index.ts';
import { copyFileSync } from 'node:fs';
import path from 'node:path';

// No Tcl upstream: two server builds side by side, --server and --other-server (say Redis 7.0 and
// Valkey 8, or last release and this build). Replication runs in both directions, with a full sync
// and a partial resync after a link drop through the fault proxy, and an RDB file saved by one is
// loaded by the other; the datasets must have the same DEBUG DIGEST. Fork-neutral: state comes from
// INFO fields every fork keeps, never from log text. Without --other-server every block is left
// out (needs:other-server).

type Side = 'server' | 'other-server';
const SIDES: ReadonlyArray<[Side, Side]> = [
  ['server', 'other-server'],
  ['other-server', 'server'],
];

/** "valkey 8.0.1 (other-server)": which build a handle runs, for messages. */
async function describe(handle: ServerHandle, side: Side): Promise<string> {
  const { name, version } = identityFromInfo(await handle.info('server'));
  return `${name} ${version} (${side})`;
}

/** Every type, small and large encodings, several databases: what an RDB or a full sync carries. */
async function fillDataset(handle: ServerHandle): Promise<void> {
  await createComplexDataset(handle, 5000);
  await populate(handle, 2000, 'plain:', 100);
  for (let i = 0; i < 300; i++) {
    await handle.call('xadd', 'stream', '*', 'field', i, 'value', `v${i}`);
    await handle.call('rpush', 'biglist', `element-${i}`.repeat(3));
    await handle.call('hset', 'bighash', `field-${i}`, `value-${i}`);
    await handle.call('zadd', 'bigzset', i * 1.5, `member-${i}`);
    await handle.call('sadd', 'bigset', `member-${i}`);
  }
  await handle.call('xgroup', 'create', 'stream', 'group', '0');
  await handle.call('xreadgroup', 'group', 'group', 'consumer', 'count', 10, 'streams', 'stream', '>');
  await handle.call('select', 10);
  await handle.call('set', 'in-db-10', 'x');
  await handle.call('select', 9);
}

async function assertSameDigest(expected: ServerHandle, actual: ServerHandle, what: string): Promise<void> {
  assertEqual(await debugDigest(actual), await debugDigest(expected), `${what}: digests differ`);
}

/** The replica is connected and no transfer is going on. */
async function linkUpAndSynced(replica: ServerHandle): Promise<boolean> {
  return (await replica.status('master_link_status')) === 'up' && (await replica.status('master_sync_in_progress')) === '0';
}

export default suite({ independentBlocks: true }, async () => {
  for (const [masterSide, replicaSide] of SIDES) {
    const direction = `${masterSide} master -> ${replicaSide} replica`;
    await startServer({ tags: ['repl', 'needs:other-server', 'external:skip'], otherServer: masterSide === 'other-server' }, async (master) => {
      await startServer({ otherServer: replicaSide === 'other-server' }, async (replica) => {
        const who = `${await describe(master, masterSide)} master -> ${await describe(replica, replicaSide)} replica`;
        puts(`cross-version: ${who}`);
        let proxy: LinkProxy | undefined;

        await test(`Full sync: ${direction}`, async () => {
          await fillDataset(master);
          const fullBefore = await master.statusNumber('sync_full');
          // Through the proxy from the start: the next test cuts this very link.
          proxy = await startLinkProxy(master);
          await replica.call('replicaof', proxy.host, proxy.port);
          await waitForSync(replica);
          await waitReplicaOnline(master);
          assertEqual((await master.statusNumber('sync_full')) - fullBefore, 1, `${who}: full syncs`);
          await waitForOfsSync(master, replica);
          await assertSameDigest(master, replica, who);
        });

        await test(`Partial resync after a link drop: ${direction}`, async () => {
          const link = proxy;
          if (!link) return fail('no replication link: the full sync test did not set it up');
          const partialBefore = await master.statusNumber('sync_partial_ok');
          const fullBefore = await master.statusNumber('sync_full');
          await populate(master, 1000, 'before-drop:', 10);
          await waitForOfsSync(master, replica);
          assertEqual(link.dropConnections({ mode: 'rst' }), 1, 'the replication link was cut');
          // Written while the replica is away: it must get them from the backlog.
          await populate(master, 1000, 'during-drop:', 10);
          await waitForCondition(
            100,
            100,
            async () => (await master.statusNumber('sync_partial_ok')) > partialBefore && (await linkUpAndSynced(replica)),
            async () => fail(`${who}: no partial resync after the drop (sync_partial_ok ${await master.status('sync_partial_ok')}, sync_full ${await master.status('sync_full')})`),
          );
          await waitReplicaOnline(master);
          assertEqual((await master.statusNumber('sync_full')) - fullBefore, 0, `${who}: no full resync`);
          await waitForOfsSync(master, replica);
          await assertSameDigest(master, replica, who);
          await link.close();
        });
      });
    });
  }

  for (const [writer, reader] of SIDES) {
    await startServer({ tags: ['needs:other-server', 'external:skip'], otherServer: writer === 'other-server' }, async (saver) => {
      await test(`RDB saved by ${writer}, loaded by ${reader}`, async () => {
        await fillDataset(saver);
        assertEqual(await saver.call('save'), 'OK');
        const digest = await debugDigest(saver);
        const dbsize = await saver.call('dbsize');
        const dir = tmpdir('cross-version-rdb');
        copyFileSync(path.join(saver.dir, 'dump.rdb'), path.join(dir, 'dump.rdb'));
        // The loader starts in the directory holding the file, so it loads it at start-up.
        const loader = await spawnServer({ otherServer: reader === 'other-server', overrides: { dir } });
        try {
          const who = `RDB of ${await describe(saver, writer)} loaded by ${await describe(loader, reader)}`;
          assertEqual(await loader.call('dbsize'), dbsize, `${who}: keys in db 9`);
          assertEqual(await debugDigest(loader), digest, `${who}: digests differ`);
        } finally {
          await killServer(loader);
        }
      });
    });
  }
});
