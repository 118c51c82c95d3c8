import { assertEqual, startServer, suite, test } from '../../../harness/index.ts';

// Changes a setting and leaves it, as some upstream blocks do, to show external mode restores it.
export default suite(async () => {
  await startServer({}, async (server) => {
    await test('leaves hash-max-listpack-entries at 2', async () => {
      await server.call('config', 'set', 'hash-max-listpack-entries', 2);
      assertEqual(await server.call('config', 'get', 'hash-max-listpack-entries'), ['hash-max-listpack-entries', '2']);
    });
  });
});
