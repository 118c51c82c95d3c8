import { assertEqual, startServer, suite, tags, test } from '../../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['basic'] }, async (server) => {
    await test('SET and GET', async () => {
      await server.call('set', 'k', 'v');
      assertEqual(await server.call('get', 'k'), 'v');
    });
    await test('a slow test', async () => {
      await server.call('debug', 'sleep', 0);
    }, { tags: ['slow'] });
    await tags(['external:skip'], async () => {
      await test('only on spawned servers', async () => {
        assertEqual(await server.call('ping'), 'PONG');
      });
    });
  });
});
