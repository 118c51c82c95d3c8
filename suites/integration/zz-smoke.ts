import { suite, startServer, test, srv, assertEqual, assertMatch, waitForCondition, waitForSync } from '../../harness/index.ts';
export default suite(async () => {
  await startServer({ tags: ['repl'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('replicaof works', async () => {
        await replica.call('replicaof', master.host, master.port);
        await waitForSync(replica);
        await master.call('set', 'foo', 'bar');
        await waitForCondition(50, 100, async () => (await replica.call('get', 'foo')) === 'bar', 'no sync');
        assertEqual(await srv(-1).call('get', 'foo'), 'bar');
      });
      await test('fails', async () => {
        assertMatch('x*', await replica.call('get', 'foo'));
      });
    });
  });
});
