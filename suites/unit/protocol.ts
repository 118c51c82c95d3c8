// Port of tests/unit/protocol.tcl.
// Tcl's `r attributes` reads the attribute map the client kept from the last reply and raises
// "no such element in array" when that reply had none; attributes() below does the same with the
// client's lastAttributes. The desync tests open a raw socket (TLS in TLS mode, as upstream).
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls, { type ConnectionOptions } from 'node:tls';
import {
  suite,
  startServer,
  test,
  r,
  srv,
  assertEqual,
  assertError,
  fail,
  type Client,
} from '../../harness/index.ts';

/** Tcl `r attributes`: the attributes of the reply read last, an error when it had none. */
function attributes(client: Client) {
  if (client.lastAttributes === null) throw new Error(`can't read "::redis::attributes": no such element in array`);
  return client.lastAttributes;
}

/**
 * Sends a desyncing prefix, then junk until a write fails (or 30 s pass), and returns the first
 * line the server sent, as Tcl's `gets` after the failed write. Like a Tcl channel, the socket
 * stays readable after the failed write: Node would close it at once (and a failed write also
 * stops 'data' events), dropping a reply that came in just before the reset; so destroy() is held
 * back until the end and bytes are taken through `onread`. In TLS mode the TLS layer runs over
 * that same raw socket through a stream that never fails its writes (a failure is only noted),
 * so it keeps decrypting what arrives after the failed write.
 */
async function protocolDesync(host: string, port: number, seq: string, tlsOptions?: ConnectionOptions): Promise<string> {
  let received = Buffer.alloc(0);
  let writeFailed = false;
  let readEnded = false;
  let wire: Duplex | null = null;
  const raw = net.connect({
    host,
    port,
    onread: {
      buffer: Buffer.alloc(64 * 1024),
      callback: (n: number, buf: Buffer) => {
        const bytes = Buffer.from(buf.subarray(0, n)); // the buffer is reused for the next read
        if (wire) wire.push(bytes);
        else received = Buffer.concat([received, bytes]);
        return true;
      },
    },
  });
  await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
  const realDestroy = raw.destroy.bind(raw);
  const readEnd = () => {
    readEnded = true;
    wire?.push(null);
  };
  raw.destroy = ((err?: NodeJS.ErrnoException) => {
    if (err?.syscall === 'write') writeFailed = true;
    else readEnd();
    return raw;
  }) as typeof raw.destroy;
  raw.on('end', readEnd);
  raw.on('error', () => undefined);
  /** Writes on the raw socket; resolves false once a write has failed. */
  const rawWrite = (data: Buffer | string) =>
    new Promise<boolean>((resolve) => {
      if (raw.writableEnded || raw.writableFinished) writeFailed = true;
      if (writeFailed) return resolve(false);
      raw.write(data, (err) => {
        if (err) writeFailed = true;
        resolve(!err);
      });
    });
  let tlsSock: tls.TLSSocket | null = null;
  if (tlsOptions) {
    wire = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        void rawWrite(chunk).then(() => done());
      },
    });
    tlsSock = tls.connect({ ...tlsOptions, socket: wire });
    tlsSock.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    tlsSock.on('end', () => (readEnded = true));
    tlsSock.on('error', () => (readEnded = true));
    await new Promise<void>((resolve, reject) => tlsSock!.once('secureConnect', resolve).once('error', reject));
  }
  const send = (data: Buffer | string) =>
    tlsSock ? new Promise<boolean>((resolve) => tlsSock!.write(data, () => resolve(!writeFailed))) : rawWrite(data);
  try {
    await send(Buffer.from(seq, 'latin1'));
    const started = Math.floor(Date.now() / 1000);
    const timeLimit = 30;
    while (true) {
      // Tcl writes the word "payload" (not the 1 KB variable) on every round.
      if (!(await send('payload'))) break;
      // Let the socket read between writes (a write's callback alone never yields to I/O).
      await new Promise((resolve) => setImmediate(resolve));
      if (Math.floor(Date.now() / 1000) - started > timeLimit) fail('Redis did not closed connection after protocol desync');
    }
    // gets: a whole line, unless the link ends first.
    const deadline = Date.now() + 5000;
    while (!received.includes('\n') && !readEnded && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
    const text = received.toString('latin1');
    const eol = text.indexOf('\n');
    return (eol === -1 ? text : text.slice(0, eol)).replace(/\r$/, '');
  } finally {
    tlsSock?.destroy();
    realDestroy();
  }
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['protocol network'] }, async (server) => {
    const c = () => server.client;

    await test('Handle an empty query', async () => {
      await server.reconnect();
      c().writeRaw('\r\n');
      assertEqual('PONG', await r('ping'));
    });

    await test('Negative multibulk length', async () => {
      await server.reconnect();
      c().writeRaw('*-10\r\n');
      assertEqual('PONG', await r('ping'));
    });

    await test('Out of range multibulk length', async () => {
      await server.reconnect();
      c().writeRaw('*3000000000\r\n');
      await assertError('*invalid multibulk length*', () => c().read());
    });

    await test('Wrong multibulk payload header', async () => {
      await server.reconnect();
      c().writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n');
      await assertError("*expected '$', got 'f'*", () => c().read());
    });

    await test('Negative multibulk payload length', async () => {
      await server.reconnect();
      c().writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n');
      await assertError('*invalid bulk length*', () => c().read());
    });

    await test('Out of range multibulk payload length', async () => {
      await server.reconnect();
      c().writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n');
      await assertError('*invalid bulk length*', () => c().read());
    });

    await test('Non-number multibulk payload length', async () => {
      await server.reconnect();
      c().writeRaw('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n');
      await assertError('*invalid bulk length*', () => c().read());
    });

    await test('Multi bulk request not followed by bulk arguments', async () => {
      await server.reconnect();
      c().writeRaw('*1\r\nfoo\r\n');
      await assertError("*expected '$', got 'f'*", () => c().read());
    });

    await test('Generic wrong number of args', async () => {
      await server.reconnect();
      await assertError('*wrong*arguments*ping*', () => r('ping', 'x', 'y', 'z'));
    });

    await test('Unbalanced number of quotes', async () => {
      await server.reconnect();
      c().writeRaw('set """test-key""" test-value\r\n');
      c().writeRaw('ping\r\n');
      await assertError('*unbalanced*', () => c().read());
    });

    let n = 0;
    for (const seq of ['\x00', '*\x00', '$\x00']) {
      n++;
      await test(`Protocol desync regression test #${n}`, () => protocolDesync(srv(0).host, srv(0).port, seq, srv(0).clientTls()), { okPattern: '*Protocol error*' });
    }

    // The desync tests broke the link.
    await server.reconnect();
    await r('ping');

    c().readRaw(true);

    await test('raw protocol response', () => r('srandmember', 'nonexisting_key'), { okPattern: '*-1' });

    await test(
      'raw protocol response - deferred',
      async () => {
        c().send('srandmember', 'nonexisting_key');
        return c().read();
      },
      { okPattern: '*-1' },
    );

    await test('raw protocol response - multiline', async () => {
      c().send('sadd', 'ss', 'a');
      assertEqual(await c().read(), ':1');
      c().send('srandmember', 'ss', 100);
      assertEqual(await c().read(), '*1');
      assertEqual(await c().read(), '$1');
      assertEqual(await c().read(), 'a');
    });

    c().readRaw(false);

    assertEqual(await r('ping'), 'PONG');

    await test(
      'RESP3 attributes',
      async () => {
        await r('hello', 3);
        assertEqual('Some real reply following the attribute', await r('debug', 'protocol', 'attrib'));
        assertEqual('key-popularity {key:123 90}', attributes(c()));

        // A reply without attributes leaves none behind.
        await r('ping');
        await assertError('*attributes* no such element in array', () => attributes(c()));

        await r('hello', 2);
        return '';
      },
      { okPattern: '', tags: ['needs:debug', 'resp3'] },
    );

    await test(
      'RESP3 attributes readraw',
      async () => {
        await r('hello', 3);
        c().readRaw(true);

        c().send('debug', 'protocol', 'attrib');
        assertEqual(await c().read(), '|1');
        assertEqual(await c().read(), '$14');
        assertEqual(await c().read(), 'key-popularity');
        assertEqual(await c().read(), '*2');
        assertEqual(await c().read(), '$7');
        assertEqual(await c().read(), 'key:123');
        assertEqual(await c().read(), ':90');
        assertEqual(await c().read(), '$39');
        assertEqual(await c().read(), 'Some real reply following the attribute');

        c().readRaw(false);
        await r('hello', 2);
        return '';
      },
      { okPattern: '', tags: ['needs:debug', 'resp3'] },
    );

    await test(
      'RESP3 attributes on RESP2',
      async () => {
        await r('hello', 2);
        return r('debug', 'protocol', 'attrib');
      },
      { okPattern: 'Some real reply following the attribute', tags: ['needs:debug'] },
    );

    await test(
      'test big number parsing',
      async () => {
        await r('hello', 3);
        return r('debug', 'protocol', 'bignum');
      },
      { okPattern: '1234567999999999999999999999999999999', tags: ['needs:debug', 'resp3'] },
    );

    await test(
      'test bool parsing',
      async () => {
        await r('hello', 3);
        assertEqual(await r('debug', 'protocol', 'true'), 1);
        assertEqual(await r('debug', 'protocol', 'false'), 0);
        await r('hello', 2);
        assertEqual(await r('debug', 'protocol', 'true'), 1);
        assertEqual(await r('debug', 'protocol', 'false'), 0);
        return '';
      },
      { okPattern: '', tags: ['needs:debug', 'resp3'] },
    );

    await test(
      'test verbatim str parsing',
      async () => {
        await r('hello', 3);
        return r('debug', 'protocol', 'verbatim');
      },
      { okPattern: 'This is a verbatim\nstring', tags: ['needs:debug', 'resp3'] },
    );

    await test('test large number of args', async () => {
      await r('flushdb');
      const args = 'k v '.repeat(10000).trim().split(' ');
      args.push('{k}2', 'v2');
      await r('mset', ...args);
      assertEqual(await r('get', '{k}2'), 'v2');
    });

    await test('test argument rewriting - issue 9598', async () => {
      // INCRBYFLOAT rewrites its arguments for propagation, plain and inside MULTI.
      await r('flushdb');

      await r('set', 'k', 0);
      assertEqual(await r('incrbyfloat', 'k', '1.0'), 1);

      await r('multi');
      await r('incrbyfloat', 'k', '1.0');
      assertEqual(await r('exec'), 2);
    });
  });

  await startServer({ tags: ['regression'] }, async (server) => {
    await test('Regression for a crash with blocking ops and pipelining', async () => {
      const rd = await server.newClient();
      const proto = '*3\r\n$5\r\nBLPOP\r\n$6\r\nnolist\r\n$1\r\n0\r\n';
      server.client.writeRaw(proto + proto);

      rd.send('rpush', 'nolist', 'a');
      await rd.read();
      rd.send('rpush', 'nolist', 'a');
      await rd.read();
      await rd.close();
    });
  });
});
