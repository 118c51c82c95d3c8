import { assertEqual, randomInt, startServer, suite, test } from '../../../harness/index.ts';

// Failures that depend on the seed, for --repeat: one always fails and names its seeded draw (a rerun
// under the same seed must print the same draw), one fails when its draw is odd (a flake whose rate
// the flake table estimates), one always passes.
export default suite(async () => {
  await startServer({}, async (server) => {
    await test('always passes', async () => {
      assertEqual(await server.call('ping'), 'PONG');
    });
    await test('fails on purpose with a seeded draw', async () => {
      const drawn = randomInt(1_000_000);
      await server.call('set', 'drawn', drawn);
      assertEqual(await server.call('get', 'drawn'), -drawn - 1);
    });
    await test('fails when its draw is odd', async () => {
      const drawn = randomInt(1_000_000);
      assertEqual(drawn % 2, 0);
    });
  });
});
