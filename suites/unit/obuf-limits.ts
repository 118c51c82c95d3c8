// Port of tests/unit/obuf-limits.tcl.
// Difference from upstream: Tcl's `$rd rawread` on its blocking channel reads until the server
// closes the link; here readToEof waits for the close, then takes what was buffered.
import {
  suite,
  startServer,
  test,
  r,
  assert,
  assertEqual,
  assertMatch,
  assertNoMatch,
  configGet,
  fail,
  populate,
  sleep,
  tclCatch,
  tclString,
  waitForCondition,
  type Client,
} from '../../harness/index.ts';

/** CLIENT LIST split as Tcl's `split $list "\r\n"` does (on either character). */
async function clientLines(): Promise<string[]> {
  return tclString(await r('client', 'list')).split(/[\r\n]/);
}

/** Tcl `lsearch -inline $lines *pattern*`: the first matching line, '' when none. */
function findLine(lines: string[], substring: string): string {
  return lines.find((line) => line.includes(substring)) ?? '';
}

/** The omem= field of a CLIENT LIST line, or null when the line has none. */
function omemOf(line: string): number | null {
  const m = /omem=([0-9]+)/.exec(line);
  return m ? Number(m[1]) : null;
}

/** Tcl's blocking `read $fd`: every byte up to the server's close. */
async function readToEof(client: Client): Promise<string> {
  await waitForCondition(100, 100, async () => !client.isConnected, 'the server did not close the connection');
  return client.rawRead().toString('latin1');
}

export default suite(async () => {
  await startServer({ tags: ['obuf-limits', 'external:skip'] }, async (server) => {
    await test('CONFIG SET client-output-buffer-limit', async () => {
      const oldval = await configGet(server, 'client-output-buffer-limit');

      const setLimit = (value: string) => tclCatch(() => r('config', 'set', 'client-output-buffer-limit', value));
      assertMatch('*Wrong*arguments*', (await setLimit('wrong number')).value);

      assertMatch('*Invalid*client*class*', (await setLimit('invalid_class 10mb 10mb 60')).value);
      assertMatch('*Invalid*client*class*', (await setLimit('master 10mb 10mb 60')).value);

      assertMatch('*Error*hard*', (await setLimit('normal 10mbs 10mb 60')).value);

      assertMatch('*Error*soft*', (await setLimit('replica 10mb 10mbs 60')).value);

      assertMatch('*Error*soft_seconds*', (await setLimit('pubsub 10mb 10mb 60s')).value);

      await r('config', 'set', 'client-output-buffer-limit', 'normal 1mb 2mb 60 replica 3mb 4mb 70 pubsub 5mb 6mb 80');
      const res = await configGet(server, 'client-output-buffer-limit');
      assertEqual(res, 'normal 1048576 2097152 60 slave 3145728 4194304 70 pubsub 5242880 6291456 80');

      await r('config', 'set', 'client-output-buffer-limit', oldval);
    });

    await test('Client output buffer hard limit is enforced', async () => {
      await r('config', 'set', 'client-output-buffer-limit', 'pubsub 100000 0 0');
      const rd1 = await server.newClient();

      rd1.send('subscribe', 'foo');
      const reply = await rd1.read();
      assert(tclString(reply) === 'subscribe foo 1', `reply '${tclString(reply)}' eq "subscribe foo 1"`);
      rd1.pauseReading();

      let omem = 0;
      for (;;) {
        await r('publish', 'foo', 'bar');
        // The second client of the list is the subscriber.
        const line = (await clientLines())[1] ?? '';
        const found = omemOf(line);
        if (found === null) break;
        omem = found;
        if (omem > 200000) break;
      }
      assert(omem >= 70000 && omem < 200000, `omem ${omem} >= 70000 && < 200000`);
      await rd1.close();
    });

    for (const [softLimitSeconds, waitForTimeout] of [
      [3, true],
      [4, false],
    ] as const) {
      const testName = waitForTimeout
        ? 'Client output buffer soft limit is enforced if time is overreached'
        : 'Client output buffer soft limit is not enforced too early and is enforced when no traffic';

      await test(testName, async () => {
        await r('config', 'set', 'client-output-buffer-limit', `pubsub 0 100000 ${softLimitSeconds}`);
        const softLimitTime = softLimitSeconds * 1000;
        const rd1 = await server.newClient();

        rd1.send('client', 'setname', 'test_client');
        let reply = await rd1.read();
        assert(tclString(reply) === 'OK', `reply '${tclString(reply)}' eq "OK"`);

        rd1.send('subscribe', 'foo');
        reply = await rd1.read();
        assert(tclString(reply) === 'subscribe foo 1', `reply '${tclString(reply)}' eq "subscribe foo 1"`);
        rd1.pauseReading();

        let omem = 0;
        let startTime = 0;
        let timeElapsed = 0;
        let lastUnderLimitTime = Date.now();
        const payload = 'x'.repeat(1000);
        for (;;) {
          await r('publish', 'foo', payload);
          const c = findLine(await clientLines(), 'name=test_client');
          if (startTime !== 0) {
            timeElapsed = Date.now() - startTime;
            // The loop must not run much past the soft limit time.
            assert(timeElapsed <= softLimitTime + 3000, `time elapsed ${timeElapsed} <= ${softLimitTime + 3000}`);
          }
          if (waitForTimeout && c === '') {
            // Disconnected only once past the soft limit, both in size and in time.
            assert(omem >= 100000 && timeElapsed >= softLimitTime, `omem ${omem} >= 100000 && time elapsed ${timeElapsed} >= ${softLimitTime}`);
            break;
          } else {
            const found = omemOf(c);
            assert(found !== null, `omem= in client line '${c}'`);
            omem = found;
          }
          if (omem > 100000) {
            if (startTime === 0) startTime = lastUnderLimitTime;
            if (!waitForTimeout && timeElapsed >= softLimitTime - 1000) break;
            // Over the limit: slow down.
            await sleep(10);
          } else {
            // The socket buffers took what was queued: the soft limit clock starts again.
            startTime = 0;
            lastUnderLimitTime = Date.now();
          }
        }

        if (!waitForTimeout) {
          // No more traffic: the soft limit must still disconnect the client in time.
          const timeout = softLimitTime + 1500 - (Date.now() - startTime);
          await waitForCondition(Math.floor(timeout / 10), 10, async () => findLine(await clientLines(), 'name=test_client') === '', () =>
            fail('Soft limit timed out but client still connected'),
          );
        }

        await rd1.close();
      });
    }

    await test('No response for single command if client output buffer hard limit is enforced', async () => {
      await r('config', 'set', 'latency-tracking', 'no');
      await r('config', 'set', 'client-output-buffer-limit', 'normal 100000 0 0');
      // More than 100k of items in all.
      const item = 'x'.repeat(1000);
      for (let i = 0; i < 150; i++) await r('lpush', 'mylist', item);
      const origMem = await server.statusNumber('used_memory');
      const rd = await server.newClient();
      rd.send('client', 'setname', 'mybiglist');
      assert(tclString(await rd.read()) === 'OK', 'client setname reply eq "OK"');
      rd.send('lrange', 'mylist', 0, -1);
      await sleep(100);

      // The server has closed this client before any reply was read.
      const clients = await r('client', 'list');
      assertNoMatch('*name=mybiglist*', clients);
      const curMem = await server.statusNumber('used_memory');
      // 10k of slack.
      assert(curMem < 10000 + origMem, `used_memory ${curMem} < 10000 + ${origMem}`);

      // Nothing was sent.
      assertEqual(await readToEof(rd), '');
    });

    // Relies on one write being read by the server in one read, which holds in practice.
    await test('No response for multi commands in pipeline if client output buffer limit is enforced', async () => {
      await r('config', 'set', 'client-output-buffer-limit', 'normal 100000 0 0');
      const value = 'x'.repeat(10000);
      await r('set', 'bigkey', value);
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();
      rd2.send('client', 'setname', 'multicommands');
      assertEqual(await rd2.read(), 'OK');

      // Keep the server busy for a second.
      rd1.send('debug', 'sleep', 1);
      await sleep(100);

      // One write holding the whole pipeline (small enough for the socket buffer), so the server
      // runs all of it once awake; the replies add up to more than 100k.
      let buf = '';
      for (let i = 0; i < 15; i++) {
        buf += `set ${i} ${i}\r\n`;
        buf += `get ${i}\r\n`;
        buf += `del ${i}\r\n`;
        buf += 'get bigkey\r\n';
      }
      rd2.writeRaw(buf);
      await sleep(100);

      // The server must answer once it is awake.
      assertEqual(await r('ping'), 'PONG');
      const clients = await r('client', 'list');
      assertNoMatch('*name=multicommands*', clients);
      assertEqual(await readToEof(rd2), '');
    });

    await test('Execute transactions completely even if client output buffer limit is enforced', async () => {
      await r('config', 'set', 'client-output-buffer-limit', 'normal 100000 0 0');
      // More than 100k of items in all.
      const item = 'x'.repeat(1000);
      for (let i = 0; i < 150; i++) await r('lpush', 'mylist2', item);

      // The limit is hit while the transaction runs.
      await r('client', 'setname', 'transactionclient');
      await r('set', 'k1', 'v1');
      await r('multi');
      await r('set', 'k2', 'v2');
      await r('get', 'k2');
      await r('lrange', 'mylist2', 0, -1);
      await r('set', 'k3', 'v3');
      await r('del', 'k1');
      const { value: e } = await tclCatch(() => r('exec'));
      assertMatch('*I/O error*', e);
      await server.reconnect();
      const clients = await r('client', 'list');
      assertNoMatch('*name=transactionclient*', clients);

      // Yet the whole transaction ran.
      assertEqual(await r('get', 'k1'), '');
      assertEqual(await r('get', 'k2'), 'v2');
      assertEqual(await r('get', 'k3'), 'v3');
    });

    await test('Obuf limit, HRANDFIELD with huge count stopped mid-run', async () => {
      await r('config', 'set', 'client-output-buffer-limit', 'normal 1000000 0 0');
      await r('hset', 'myhash', 'a', 'b');
      const { value: e } = await tclCatch(() => r('hrandfield', 'myhash', -999999999));
      assertMatch('*I/O error*', e);
      await server.reconnect();
    });

    await test('Obuf limit, KEYS stopped mid-run', async () => {
      await r('config', 'set', 'client-output-buffer-limit', 'normal 100000 0 0');
      await populate(server, 1000, 'long-key-name-prefix-of-100-chars-------------------------------------------------------------------');
      const { value: e } = await tclCatch(() => r('keys', '*'));
      assertMatch('*I/O error*', e);
      await server.reconnect();
    });
  });
});
