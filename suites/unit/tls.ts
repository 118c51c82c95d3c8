// Port of tests/unit/tls.tcl. Its tests exist only in TLS mode: in a plain run the block starts a
// server and defines no test, as upstream does when ::tls is 0.
// runtest-ts has no TLS mode yet (--tls is refused). Assumed here: settings().tlsDir names the
// folder of the run's certificates (ca.crt, client.crt/key, redis.crt/key as
// utils/gen-test-certs.sh makes them). TODO(lead): wire it when TLS mode lands. The harness client
// speaks plain TCP only, so the TLS connections below are made with node:tls.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import {
  suite,
  startServer,
  test,
  settings,
  srv,
  r,
  Client,
  assertMatch,
  assertEqual,
  waitForCondition,
  stringMatch,
  fail,
  configGet,
  tclCatch,
} from '../../harness/index.ts';

interface TlsRun {
  tls: boolean;
  tlsDir: string;
}

function tlsRun(): TlsRun {
  const s = settings();
  return { tls: s.tls, tlsDir: (s as { tlsDir?: string }).tlsDir ?? '' };
}

interface TlsClientOptions {
  /** Present the run's client certificate (Tcl's `redis host port 0 1`); false is `::tls::import`. */
  clientCert?: boolean;
  /** Tcl `-tls1.2 0`: TLS 1.2 disabled, so only TLS 1.3 is offered. */
  noTls12?: boolean;
  /** Tcl `-cipher ...` (OpenSSL cipher list for TLS 1.2). */
  ciphers?: string;
}

/**
 * One TLS connection that sends PING: resolves with the reply and the negotiated cipher, rejects
 * with an "I/O error" message when the handshake or the link fails, as the Tcl client's read does.
 */
async function tlsPing(host: string, port: number, opts: TlsClientOptions = {}): Promise<{ reply: string; cipher: string }> {
  const dir = tlsRun().tlsDir;
  const clientCert = opts.clientCert ?? true;
  return new Promise((resolve, reject) => {
    let data = '';
    const sock = tls.connect({
      host,
      port,
      ca: readFile(path.join(dir, 'ca.crt')),
      cert: clientCert ? readFile(path.join(dir, 'client.crt')) : undefined,
      key: clientCert ? readFile(path.join(dir, 'client.key')) : undefined,
      minVersion: opts.noTls12 ? 'TLSv1.3' : undefined,
      ciphers: opts.ciphers,
      checkServerIdentity: () => undefined,
    });
    const failWith = (why: string) => {
      sock.destroy();
      reject(new Error(`I/O error reading reply (${why})`));
    };
    sock.once('secureConnect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const eol = data.indexOf('\r\n');
      if (eol === -1) return;
      const line = data.slice(0, eol);
      const cipher = sock.getCipher()?.name ?? '';
      sock.destroy();
      if (line.startsWith('-')) reject(new Error(line.slice(1)));
      else resolve({ reply: line.slice(1), cipher });
    });
    sock.once('error', (err) => failWith(err.message));
    sock.once('close', () => failWith('connection closed'));
  });
}

function readFile(file: string): Buffer {
  return readFileSync(file);
}

/** Tcl `catch {$s PING} e; set e`. */
async function pingResult(host: string, port: number, opts: TlsClientOptions = {}): Promise<string> {
  return (await tclCatch(async () => (await tlsPing(host, port, opts)).reply)).value;
}

export default suite(async () => {
  await startServer({ tags: ['tls'] }, async () => {
    if (!tlsRun().tls) return;

    await test(
      'TLS: Not accepting non-TLS connections on a TLS port',
      async () => {
        const s = await Client.connect({ host: srv(0).host, port: srv(0).port });
        const { value: e } = await tclCatch(() => s.call('PING'));
        s.destroy();
        return e;
      },
      { okPattern: '*I/O error*' },
    );

    await test('TLS: Verify tls-auth-clients behaves as expected', async () => {
      const host = srv(0).host;
      const port = srv(0).port;
      assertMatch('*error*', await pingResult(host, port, { clientCert: false }));

      await r('CONFIG', 'SET', 'tls-auth-clients', 'no');
      assertMatch('PONG', await pingResult(host, port, { clientCert: false }));

      await r('CONFIG', 'SET', 'tls-auth-clients', 'optional');
      assertMatch('PONG', await pingResult(host, port, { clientCert: false }));

      await r('CONFIG', 'SET', 'tls-auth-clients', 'yes');
      assertMatch('*error*', await pingResult(host, port, { clientCert: false }));
    });

    await test('TLS: Verify tls-protocols behaves as expected', async () => {
      const host = srv(0).host;
      const port = srv(0).port;
      await r('CONFIG', 'SET', 'tls-protocols', 'TLSv1.2');

      assertMatch('*I/O error*', await pingResult(host, port, { noTls12: true }));
      assertMatch('PONG', await pingResult(host, port));

      await r('CONFIG', 'SET', 'tls-protocols', '');
    });

    await test('TLS: Verify tls-ciphers behaves as expected', async () => {
      const host = srv(0).host;
      const port = srv(0).port;
      await r('CONFIG', 'SET', 'tls-protocols', 'TLSv1.2');
      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT:-AES128-SHA256');

      assertMatch('*I/O error*', await pingResult(host, port, { ciphers: '-ALL:AES128-SHA256' }));
      assertMatch('PONG', await pingResult(host, port, { ciphers: '-ALL:AES256-SHA256' }));

      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT');
      assertMatch('PONG', await pingResult(host, port, { ciphers: '-ALL:AES128-SHA256' }));

      await r('CONFIG', 'SET', 'tls-protocols', '');
      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT');
    });

    await test('TLS: Verify tls-prefer-server-ciphers behaves as expected', async () => {
      const host = srv(0).host;
      const port = srv(0).port;
      await r('CONFIG', 'SET', 'tls-protocols', 'TLSv1.2');
      await r('CONFIG', 'SET', 'tls-ciphers', 'AES128-SHA256:AES256-SHA256');

      let s = await tlsPing(host, port, { ciphers: 'AES256-SHA256:AES128-SHA256' });
      assertMatch('PONG', s.reply);
      assertEqual('AES256-SHA256', s.cipher);

      await r('CONFIG', 'SET', 'tls-prefer-server-ciphers', 'yes');

      s = await tlsPing(host, port, { ciphers: 'AES256-SHA256:AES128-SHA256' });
      assertMatch('PONG', s.reply);
      assertEqual('AES128-SHA256', s.cipher);

      await r('CONFIG', 'SET', 'tls-protocols', '');
      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT');
    });

    await test('TLS: Verify tls-cert-file is also used as a client cert if none specified', async () => {
      const master = srv(0);
      // A certificate without client/server restrictions for the replica.
      const redisCrt = path.join(tlsRun().tlsDir, 'redis.crt');
      const redisKey = path.join(tlsRun().tlsDir, 'redis.key');

      await startServer(
        { overrides: { 'tls-cert-file': redisCrt, 'tls-key-file': redisKey }, omit: ['tls-client-cert-file', 'tls-client-key-file'] },
        async (replica) => {
          await replica.call('replicaof', master.host, master.port);
          await waitForCondition(
            30,
            100,
            async () => stringMatch('*master_link_status:up*', await replica.info('replication')),
            () => fail("Can't authenticate to master using just tls-cert-file!"),
          );
        },
      );
    });

    await test('TLS: switch between tcp and tls ports', async () => {
      const host = srv(0).host;
      const srvPort = srv(0).port;

      // TLS: the port change is sent over a TLS link.
      await tlsCommands(host, srvPort, [['PING'], ['CONFIG', 'SET', 'tls-port', '0'], ['CONFIG', 'SET', 'port', String(srvPort)]]);

      // TCP
      const rd = await Client.connect({ host, port: srvPort });
      await rd.call('PING');
      await rd.call('CONFIG', 'SET', 'port', 0);
      await rd.call('CONFIG', 'SET', 'tls-port', srvPort);
      await rd.close();

      // TLS again
      await tlsCommands(host, srvPort, [['PING']]);
    });

    await test('TLS: Working with an encrypted keyfile', async () => {
      // An encrypted copy of the server's key.
      const keyfile = await configGet(srv(0), 'tls-key-file');
      const keyfileEncrypted = `${keyfile}.encrypted`;
      execFileSync('openssl', ['rsa', '-in', keyfile, '-out', keyfileEncrypted, '-aes256', '-passout', 'pass:1234'], { stdio: ['ignore', 'ignore', 'ignore'] });

      // Without the password it cannot be loaded.
      const { value: e } = await tclCatch(() => r('config', 'set', 'tls-key-file', keyfileEncrypted));
      assertMatch('*Unable to update TLS*', e);

      // With it, it can.
      await r('config', 'set', 'tls-key-file-pass', '1234');
      await r('config', 'set', 'tls-key-file', keyfileEncrypted);
    });
  });
});

/** Runs commands in order on one TLS connection (with the client certificate); error replies throw. */
async function tlsCommands(host: string, port: number, commands: string[][]): Promise<string[]> {
  const dir = tlsRun().tlsDir;
  const sock = tls.connect({
    host,
    port,
    ca: readFile(path.join(dir, 'ca.crt')),
    cert: readFile(path.join(dir, 'client.crt')),
    key: readFile(path.join(dir, 'client.key')),
    checkServerIdentity: () => undefined,
  });
  await new Promise<void>((resolve, reject) => sock.once('secureConnect', resolve).once('error', reject));
  let data = '';
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  sock.on('data', (chunk: Buffer) => {
    data += chunk.toString('latin1');
    let eol: number;
    while ((eol = data.indexOf('\r\n')) !== -1) {
      lines.push(data.slice(0, eol));
      data = data.slice(eol + 2);
    }
    wake?.();
  });
  sock.on('close', () => {
    closed = true;
    wake?.();
  });
  const replies: string[] = [];
  try {
    for (const command of commands) {
      sock.write(`*${command.length}\r\n${command.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
      while (lines.length === 0) {
        if (closed) throw new Error('I/O error reading reply');
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const line = lines.shift()!;
      if (line.startsWith('-')) throw new Error(line.slice(1));
      replies.push(line.slice(1));
    }
  } finally {
    sock.end();
  }
  return replies;
}
