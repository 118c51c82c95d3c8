// Port of tests/unit/replybufsize.tcl.
import { suite, startServer, test, r, fail, tclString, waitForCondition } from '../../harness/index.ts';

/** The rbs= field of the CLIENT LIST line of the client named cname. */
async function getReplyBufferSize(cname: string): Promise<number> {
  const clients = tclString(await r('client', 'list')).trim().split(/[\r\n]/);
  const c = clients.find((line) => line.includes(`name=${cname}`)) ?? '';
  const m = /rbs=([a-zA-Z0-9-]+)/.exec(c);
  if (!m) throw new Error(`field rbs not found in ${c}`);
  return Number(m[1]);
}

export default suite(async () => {
  await startServer({ tags: ['replybufsize'] }, async (server) => {
    await test(
      'verify reply buffer limits',
      async () => {
        // A short peak reset time keeps the test short.
        await r('debug', 'replybuffer', 'peak-reset-time', 100);

        // An idle client.
        const tc = await server.newClient();
        await tc.call('client', 'setname', 'test_client');

        // Idle for a second, its reply buffer shrinks.
        await waitForCondition(
          10,
          100,
          async () => (await getReplyBufferSize('test_client')) >= 1024 && (await getReplyBufferSize('test_client')) < 2046,
          async () => fail(`reply buffer of idle client is ${await getReplyBufferSize('test_client')} after 1 seconds`),
        );

        await r('set', 'bigval', 'x'.repeat(32768));

        // No peak reset: a busy client's buffer grows and stays grown.
        await r('debug', 'replybuffer', 'peak-reset-time', 'never');

        await waitForCondition(
          10,
          100,
          async () => {
            await tc.call('get', 'bigval');
            return (await getReplyBufferSize('test_client')) >= 16384 && (await getReplyBufferSize('test_client')) < 32768;
          },
          async () => fail(`reply buffer of busy client is ${await getReplyBufferSize('test_client')} after 1 seconds`),
        );

        // Back to the default peak reset time.
        await r('debug', 'replybuffer', 'peak-reset-time', 'reset');

        await tc.close();
        // Tcl's close method returns the result of its last catch: 0.
        return 0;
      },
      { okPattern: '0', tags: ['needs:debug'] },
    );
  });
});
