import { assertEqual, startServer, suite, test } from '../../../harness/index.ts';

// A suite with one failing test, for the runner's own tests.
export default suite(async () => {
  await startServer({}, async (server) => {
    await test('passes before', async () => {
      assertEqual(await server.call('ping'), 'PONG');
    });
    await test('fails on purpose', async () => {
      assertEqual(await server.call('incr', 'counter'), 2);
    });
    await test('passes after', async () => {
      assertEqual(await server.call('get', 'counter'), '1');
    });
  });
});
