import { writeFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  tags,
  assert,
  waitForCondition,
  startBgComplexData,
  csvdump,
  fail,
  sleep,
  stringMatch,
  type ServerHandle,
} from '../../harness/index.ts';

/** A final check on the master once the pair is consistent. */
type Condition = (master: ServerHandle) => Promise<void>;

/**
 * A master and a replica under write load from three background clients. With reconnect > 0 the
 * replica drops its master link every two seconds (optionally stalling for `delay` seconds before
 * it can reconnect), so it has to resync, partially or fully depending on the backlog settings.
 * Afterwards both must hold the same data, and `cond` must hold.
 */
async function testPsync(
  descr: string,
  duration: number,
  backlogSize: number,
  backlogTtl: number,
  delay: number,
  cond: Condition,
  mdl: string,
  sdl: string,
  reconnect: number,
): Promise<void> {
  await startServer({ tags: ['repl'] }, async (master) => {
    await startServer({}, async (slave) => {
      await master.call('config', 'set', 'repl-backlog-size', backlogSize);
      await master.call('config', 'set', 'repl-backlog-ttl', backlogTtl);
      await master.call('config', 'set', 'repl-diskless-sync', mdl);
      await master.call('config', 'set', 'repl-diskless-sync-delay', 1);
      await slave.call('config', 'set', 'repl-diskless-load', sdl);

      const load0 = await startBgComplexData(master.host, master.port, 9, 100000);
      const load1 = await startBgComplexData(master.host, master.port, 11, 100000);
      const load2 = await startBgComplexData(master.host, master.port, 12, 100000);

      await test('Slave should be able to synchronize with the master', async () => {
        await slave.call('slaveof', master.host, master.port);
        await waitForCondition(
          50,
          100,
          async () => (await slave.roleField(0)) === 'slave' && (await slave.roleField(3)) === 'connected',
          'Replication not started.',
        );
      });

      // The background clients must really be writing.
      await test('Detect write load to master', async () => {
        await waitForCondition(50, 1000, async () => Number(await master.call('dbsize')) > 100, "Can't detect write load from background clients.");
      });

      await test(`Test replication partial resync: ${descr} (diskless: ${mdl}, ${sdl}, reconnect: ${reconnect})`, async () => {
        // Break the link again and again while the load goes on.
        if (reconnect) {
          for (let j = 0; j < duration * 10; j++) {
            await sleep(100);
            if (j % 20 === 0) {
              try {
                const masterAddr = `${master.host}:${master.port}`;
                if (delay) {
                  await slave.call('multi');
                  await slave.call('client', 'kill', masterAddr);
                  await slave.call('debug', 'sleep', delay);
                  await slave.call('exec');
                } else {
                  await slave.call('client', 'kill', masterAddr);
                }
              } catch {
                // The link may already be down: ignored, as upstream.
              }
            }
          }
        }
        await load0.stop();
        await load1.stop();
        await load2.stop();

        // The master must see the replica online.
        await waitForCondition(5000, 100, async () => stringMatch('*slave0:*state=online*', await master.info()), 'Slave not correctly synchronized');

        // And the replica must consider itself connected, so that DBSIZE and DEBUG DIGEST
        // do not hit -LOADING.
        await waitForCondition(5000, 100, async () => (await slave.roleField(3)) === 'connected', 'Slave still not connected after some time');

        await waitForCondition(
          100,
          100,
          async () => String(await master.call('debug', 'digest')) === String(await slave.call('debug', 'digest')),
          async () => {
            writeFileSync('/tmp/repldump1.txt', await csvdump(slave));
            writeFileSync('/tmp/repldump2.txt', await csvdump(master));
            fail('Master - Replica inconsistency, Run diff -u against /tmp/repldump*.txt for more info');
          },
        );
        assert(Number(await master.call('dbsize')) > 0, 'master dbsize > 0');
        await cond(master);
      });
    });
  });
}

const noCheck: Condition = async () => undefined;
const partialOk: Condition = async (master) => {
  assert((await master.statusNumber('sync_partial_ok')) > 0, 'sync_partial_ok > 0 on the master');
};
const partialErr: Condition = async (master) => {
  assert((await master.statusNumber('sync_partial_err')) > 0, 'sync_partial_err > 0 on the master');
};

export default suite({ independentBlocks: true }, async () => {
  await tags(['external:skip'], async () => {
    for (const mdl of ['no', 'yes']) {
      for (const sdl of ['disabled', 'swapdb']) {
        await testPsync('no reconnection, just sync', 6, 1000000, 3600, 0, noCheck, mdl, sdl, 0);
        await testPsync('ok psync', 6, 100000000, 3600, 0, partialOk, mdl, sdl, 1);
        await testPsync('no backlog', 6, 100, 3600, 0.5, partialErr, mdl, sdl, 1);
        await testPsync('ok after delay', 3, 100000000, 3600, 3, partialOk, mdl, sdl, 1);
        await testPsync('backlog expired', 3, 100000000, 1, 3, partialErr, mdl, sdl, 1);
      }
    }
  });
});
