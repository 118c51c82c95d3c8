import { assertEqual, randomInt, startServer, suite, test } from '../../../harness/index.ts';

// Three independent top-level blocks; their names carry seeded draws.
export default suite({ independentBlocks: true }, async () => {
  for (const block of ['a', 'b', 'c']) {
    await startServer({}, async (server) => {
      await test(`block ${block} draws ${randomInt(1000000)}`, async () => {
        assertEqual(await server.call('ping'), 'PONG');
      });
    });
  }
});
