import { sleep, startServer, suite, test } from '../../../harness/index.ts';

// Two servers and a long test: the runner's tests interrupt it.
export default suite(async () => {
  await startServer({}, async () => {
    await startServer({}, async () => {
      await test('waits a long time', async () => {
        await sleep(60_000);
      });
    });
  });
});
