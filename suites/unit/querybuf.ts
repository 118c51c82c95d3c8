// Port of tests/unit/querybuf.tcl.
import { suite, startServer, test, r, assert, fail, sleep, waitForCondition } from '../../harness/index.ts';

/** The first CLIENT LIST line naming the client (Tcl lsearch -inline *name=<name>*), '' if none. */
async function clientLine(name: string): Promise<string> {
  const lines = String(await r('client', 'list')).split(/[\r\n]/);
  return lines.find((line) => line.includes(`name=${name}`)) ?? '';
}

async function clientIdleSec(name: string): Promise<number> {
  const m = /idle=([0-9]+)/.exec(await clientLine(name));
  assert(m, 'idle= in the client line');
  return Number(m[1]);
}

/** A client's query buffer size: qbuf plus qbuf-free, 0 when the client is not listed. */
async function clientQueryBuffer(name: string): Promise<number> {
  const c = await clientLine(name);
  if (c.length > 0) {
    const qbuf = /qbuf=([0-9]+)/.exec(c);
    assert(qbuf, 'qbuf= in the client line');
    const qbufFree = /qbuf-free=([0-9]+)/.exec(c);
    assert(qbufFree, 'qbuf-free= in the client line');
    return Number(qbuf[1]) + Number(qbufFree[1]);
  }
  return 0;
}

export default suite(async () => {
  await startServer({ tags: ['querybuf', 'slow'] }, async (server) => {
    // Runs at least 2 s: the query buffer of a client idle for 2 s is resized.
    await test('query buffer resized correctly', async () => {
      const rd = await server.newClient();
      await rd.call('client', 'setname', 'test_client');
      const orig = await clientQueryBuffer('test_client');
      // Below the peak resize threshold (32k) but at least the basic read buffer (16k).
      assert(orig >= 16384 && orig < 32768, `16384 <= query buffer (${orig}) < 32768`);

      // The initial query buffer is resized after 2 s of idleness.
      await waitForCondition(
        1000,
        10,
        async () => (await clientIdleSec('test_client')) >= 3 && (await clientQueryBuffer('test_client')) === 0,
        () => fail('query buffer was not resized'),
      );
      await rd.close();
    });

    await test('query buffer resized correctly when not idle', async () => {
      const rd = await server.newClient();
      await rd.call('client', 'setname', 'test_client');

      // A query buffer above the peak resize threshold (32k).
      await rd.call('set', 'x', 'A'.repeat(400000));
      const orig = await clientQueryBuffer('test_client');
      assert(orig > 32768, `query buffer (${orig}) > 32768`);

      // Smaller commands let the peak, and so the buffer, shrink.
      const t = Date.now();
      while (true) {
        await rd.call('set', 'x', 'A'.repeat(100));
        const now = await clientQueryBuffer('test_client');
        if (now < orig) break;
        if (Date.now() - t > 1000) break;
        await sleep(10);
      }
      // Shrunk, but not to 0: room is kept for the latest peak.
      assert((await clientQueryBuffer('test_client')) > 0 && (await clientQueryBuffer('test_client')) < orig, `0 < query buffer < ${orig}`);
      await rd.close();
    });
  });
});
