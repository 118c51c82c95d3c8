import { assertEqual, startServer, suite, test } from '../../../harness/index.ts';

// One test per tag with a meaning in a mode, and one untagged.
export default suite(async () => {
  await startServer({}, async (server) => {
    await test('untagged', async () => assertEqual(await server.call('ping'), 'PONG'));
    await test('cluster:skip test', async () => assertEqual(await server.call('select', 9), 'OK'), { tags: ['cluster:skip'] });
    await test('needs:debug test', async () => assertEqual(await server.call('debug', 'set-active-expire', 1), 'OK'), { tags: ['needs:debug'] });
    await test('large-memory test', async () => {}, { tags: ['large-memory'] });
  });
});
