import { assertEqual, runSolo, sleep, startServer, suite, tags, test } from '../../../harness/index.ts';

// A unit with a run_solo block between two ordinary blocks, and one the tags leave out.
export default suite(async () => {
  await startServer({}, async (server) => {
    await test('before the solo block', async () => {
      await sleep(300);
      assertEqual(await server.call('ping'), 'PONG');
    });
  });
  await runSolo('alone', async () => {
    await startServer({}, async (server) => {
      await test('the solo block runs alone, after every other unit', async () => {
        await sleep(300);
        assertEqual(await server.call('ping'), 'PONG');
      });
    });
  });
  await tags(['large-memory'], async () => {
    await runSolo('never', async () => {
      await test('a solo block whose tags are denied', async () => {});
    });
  });
  await startServer({}, async (server) => {
    await test('after the solo block', async () => {
      await sleep(300);
      assertEqual(await server.call('ping'), 'PONG');
    });
  });
});
