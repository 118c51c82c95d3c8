// Port of tests/unit/tls.tcl. Its tests exist only in TLS mode: in a plain run the block starts a
// server and defines no test, as upstream does when ::tls is 0.
// Differs from upstream: the certificates are the run's (settings().tlsDir, made per run), and the
// encrypted copy of the server key goes to a fresh directory of the run rather than beside the
// key, so a --tls-cert-dir given by the user is never written to.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  suite,
  startServer,
  test,
  settings,
  srv,
  r,
  assertMatch,
  assertEqual,
  waitForCondition,
  stringMatch,
  fail,
  configGet,
  tclCatch,
  tmpdir,
  type ClientOptions,
  type Client,
} from '../../harness/index.ts';

/** Tcl `redis host port 0 1 {opts}`: a TLS connection to the innermost server, no SELECT. */
function tlsClient(tls: ClientOptions['tls'] = {}): Promise<Client> {
  return srv(0).newClient({ tls, noSelect: true });
}

/** Tcl `catch {$s PING} e; set e` on a new connection: PONG, or the error (a refused handshake reads as an I/O error). */
async function pingResult(tls: ClientOptions['tls'] = {}): Promise<string> {
  return (await tclCatch(async () => (await tlsClient(tls)).call('PING'))).value;
}

export default suite(async () => {
  await startServer({ tags: ['tls'] }, async () => {
    if (!settings().tls) return;

    await test(
      'TLS: Not accepting non-TLS connections on a TLS port',
      async () => pingResult(false),
      { okPattern: '*I/O error*' },
    );

    await test('TLS: Verify tls-auth-clients behaves as expected', async () => {
      // Tcl's ::tls::import: TLS without the client certificate.
      const noCert = { certificate: 'none' } as const;
      assertMatch('*error*', await pingResult(noCert));

      await r('CONFIG', 'SET', 'tls-auth-clients', 'no');
      assertMatch('PONG', await pingResult(noCert));

      await r('CONFIG', 'SET', 'tls-auth-clients', 'optional');
      assertMatch('PONG', await pingResult(noCert));

      await r('CONFIG', 'SET', 'tls-auth-clients', 'yes');
      assertMatch('*error*', await pingResult(noCert));
    });

    await test('TLS: Verify tls-protocols behaves as expected', async () => {
      await r('CONFIG', 'SET', 'tls-protocols', 'TLSv1.2');

      // Tcl -tls1.2 0: the client offers TLS 1.3 only.
      assertMatch('*I/O error*', await pingResult({ minVersion: 'TLSv1.3' }));
      assertMatch('PONG', await pingResult({ minVersion: 'TLSv1.2' }));

      await r('CONFIG', 'SET', 'tls-protocols', '');
    });

    await test('TLS: Verify tls-ciphers behaves as expected', async () => {
      await r('CONFIG', 'SET', 'tls-protocols', 'TLSv1.2');
      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT:-AES128-SHA256');

      assertMatch('*I/O error*', await pingResult({ ciphers: '-ALL:AES128-SHA256' }));
      assertMatch('PONG', await pingResult({ ciphers: '-ALL:AES256-SHA256' }));

      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT');
      assertMatch('PONG', await pingResult({ ciphers: '-ALL:AES128-SHA256' }));

      await r('CONFIG', 'SET', 'tls-protocols', '');
      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT');
    });

    await test('TLS: Verify tls-prefer-server-ciphers behaves as expected', async () => {
      await r('CONFIG', 'SET', 'tls-protocols', 'TLSv1.2');
      await r('CONFIG', 'SET', 'tls-ciphers', 'AES128-SHA256:AES256-SHA256');

      let s = await tlsClient({ ciphers: 'AES256-SHA256:AES128-SHA256' });
      assertMatch('PONG', (await tclCatch(() => s.call('PING'))).value);
      assertEqual('AES256-SHA256', s.tlsCipher ?? '');

      await r('CONFIG', 'SET', 'tls-prefer-server-ciphers', 'yes');

      s = await tlsClient({ ciphers: 'AES256-SHA256:AES128-SHA256' });
      assertMatch('PONG', (await tclCatch(() => s.call('PING'))).value);
      assertEqual('AES128-SHA256', s.tlsCipher ?? '');

      await r('CONFIG', 'SET', 'tls-protocols', '');
      await r('CONFIG', 'SET', 'tls-ciphers', 'DEFAULT');
    });

    await test('TLS: Verify tls-cert-file is also used as a client cert if none specified', async () => {
      const master = srv(0);
      // A certificate without client/server restrictions for the replica.
      const redisCrt = path.join(settings().tlsDir, 'redis.crt');
      const redisKey = path.join(settings().tlsDir, 'redis.key');

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
      const srvPort = srv(0).port;

      // TLS
      let rd = await tlsClient();
      await rd.call('PING');

      // TCP
      await rd.call('CONFIG', 'SET', 'tls-port', 0);
      await rd.call('CONFIG', 'SET', 'port', srvPort);
      await rd.close();

      rd = await tlsClient(false);
      await rd.call('PING');

      // TLS
      await rd.call('CONFIG', 'SET', 'port', 0);
      await rd.call('CONFIG', 'SET', 'tls-port', srvPort);
      await rd.close();

      rd = await tlsClient();
      await rd.call('PING');
      await rd.close();
    });

    await test('TLS: Working with an encrypted keyfile', async () => {
      // An encrypted copy of the server's key.
      const keyfile = await configGet(srv(0), 'tls-key-file');
      const keyfileEncrypted = path.join(tmpdir('tls'), `${path.basename(keyfile)}.encrypted`);
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
