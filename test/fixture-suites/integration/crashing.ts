import { startServer, suite, test } from '../../../harness/index.ts';

// The worker process dies in the middle of a test, with a server running.
export default suite(async () => {
  await startServer({}, async () => {
    await test('worker dies here', async () => {
      process.exit(3);
    });
  });
});
