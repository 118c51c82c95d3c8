import { ctx, spawnServer, suite, test } from '../../../harness/index.ts';

// A unit that loses track of a server it started: the runner kills it at the end of the run.
export default suite(async () => {
  await test('forgets a running server', async () => {
    ctx().forgetLoose(await spawnServer());
  });
});
