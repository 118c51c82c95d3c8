import { startServer, suite, test } from '../../../harness/index.ts';

// A server that refuses its config: the [err] names the server as its binary's prefix does.
export default suite(async () => {
  await startServer({ overrides: { 'no-such-directive': 'yes' } }, async () => {
    await test('never runs', async () => {});
  });
});
