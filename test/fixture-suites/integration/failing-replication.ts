import { assertEqual, fail, randomInt, sleep, startLinkProxy, startServer, suite, test, waitForCondition, waitForOfsSync } from '../../../harness/index.ts';

// A master and a replica behind a link proxy: full sync, a cut link, a partial resync, a paused
// replica, then an assertion that fails on purpose. The HTML report's browser self-test draws its
// timeline. The wrong value is a seeded draw, so a rerun under the printed seed fails the same way.
export default suite(async () => {
  await startServer({ tags: ['repl'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('replica follows its master across a cut link (fails on purpose)', async () => {
        const value = randomInt(1_000_000);
        await master.call('set', 'drawn', value);
        const proxy = await startLinkProxy(master);
        await replica.call('replicaof', proxy.host, proxy.port);
        const linkUp = async () => (await replica.status('master_link_status')) === 'up';
        await waitForCondition(50, 100, linkUp, () => fail('replica never linked'));
        proxy.dropConnections({ mode: 'rst' });
        await waitForCondition(50, 100, async () => (await master.statusNumber('sync_partial_ok')) >= 1 && (await linkUp()), () => fail('no partial resync after the cut'));
        await replica.pause();
        await sleep(200);
        await replica.resume();
        await waitForOfsSync(master, replica);
        assertEqual(await replica.call('get', 'drawn'), value + 1);
      });
    });
  });
});
