// TLS mode: the run's certificates, a server that speaks TLS only, and the client over TLS.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Client, IO_ERROR } from '../harness/client/client.ts';
import { ServerHandle } from '../harness/servers/handle.ts';
import { pingOnce, RedisServer } from '../harness/servers/server.ts';
import { clientTlsOptions, generateCertificates, missingCertificates, SERVER_CERT_FILES } from '../harness/servers/tls.ts';
import { testRun } from './support/env.ts';

t.test('certificates: a CA, and server, client and generic certificates it signed, naming 127.0.0.1 and localhost', async (t) => {
  const { run } = testRun(t, 56000);
  const dir = path.join(run.dir, 'tls');
  await generateCertificates(dir);
  t.equal(missingCertificates(dir, SERVER_CERT_FILES), '', 'every file a run needs is there');
  const ca = new X509Certificate(readFileSync(path.join(dir, 'ca.crt')));
  t.ok(ca.ca, 'ca.crt is a CA');
  for (const name of ['server', 'client', 'redis']) {
    const cert = new X509Certificate(readFileSync(path.join(dir, `${name}.crt`)));
    t.ok(cert.verify(ca.publicKey), `${name}.crt is signed by the CA`);
    t.ok(cert.checkIssued(ca), `${name}.crt was issued by the CA`);
    t.equal(cert.checkIP('127.0.0.1'), '127.0.0.1', `${name}.crt holds 127.0.0.1`);
    t.equal(cert.checkHost('localhost'), 'localhost', `${name}.crt holds localhost`);
    t.match(readFileSync(path.join(dir, `${name}.key`), 'utf8'), /^-----BEGIN PRIVATE KEY-----/, `${name}.key is an unencrypted key`);
  }
  t.equal(missingCertificates(run.dir, ['ca.crt', 'client.key']), `${run.dir} lacks ca.crt, client.key`, 'missing files are named in one line');
});

t.test('a TLS-mode server listens for TLS only; readiness, clients and SHUTDOWN speak TLS', async (t) => {
  const { run, ctx } = testRun(t, 56200);
  const tlsDir = path.join(run.dir, 'tls');
  await generateCertificates(tlsDir);
  const server = await RedisServer.start({ ...ctx, tlsDir });
  t.teardown(() => server.kill('SIGKILL'));

  const config = readFileSync(server.configFile, 'utf8');
  t.match(config, /^port 0$/m, 'no plain TCP listener');
  t.match(config, new RegExp(`^tls-port ${server.port}$`, 'm'));
  t.match(config, /^tls-replication yes$/m);
  t.match(config, /^tls-cluster yes$/m);
  t.match(config, new RegExp(`^tls-ca-cert-file ${path.join(tlsDir, 'ca.crt')}$`, 'm'));

  t.ok(await pingOnce(server.host, server.port, 1000, clientTlsOptions(tlsDir)), 'PING over TLS answers');
  t.notOk(await pingOnce(server.host, server.port, 1000), 'PING over plain TCP gets no answer');

  const plain = await Client.connect({ host: server.host, port: server.port });
  const refused = (await plain.call('PING').catch((e: Error) => e)) as Error;
  t.equal(refused.message, IO_ERROR, 'a plain client on the TLS port reads an I/O error');
  plain.destroy();

  const handle = await ServerHandle.open(server, false);
  t.teardown(() => handle.closeClients());
  t.equal(await handle.call('set', 'k', 'v'), 'OK', 'the default client speaks TLS');
  t.equal(await handle.call('get', 'k'), 'v');
  t.ok(handle.client.tlsCipher, `negotiated ${handle.client.tlsCipher}`);

  const rd = await handle.newClient();
  rd.send('blpop', 'list', 0);
  await handle.call('rpush', 'list', 'x');
  t.same(await rd.read(), ['list', 'x'], 'deferred reads over TLS');
  rd.readRaw(true);
  rd.send('ping');
  t.equal(await rd.read(), '+PONG', 'raw reads over TLS');
  rd.readRaw(false);
  await rd.reconnect();
  t.equal(await rd.call('get', 'k'), 'v', 'reconnect over TLS keeps the db');

  const noCert = await handle.newClient({ tls: { certificate: 'none' }, noSelect: true });
  t.match(((await noCert.call('PING').catch((e: Error) => e)) as Error).message, /I\/O error/, 'no client certificate: refused');
  const generic = await handle.newClient({ tls: { certificate: { cert: path.join(tlsDir, 'redis.crt'), key: path.join(tlsDir, 'redis.key') } } });
  t.equal(await generic.call('ping'), 'PONG', 'another certificate of the CA is accepted');
  const socket = await handle.newSocketClient();
  t.equal(await socket.call('ping'), 'PONG', 'the unix socket stays plain');

  const stopped = Date.now();
  await server.stop();
  t.same(server.exitStatus, { code: 0, signal: null }, 'SHUTDOWN over TLS ended it (no SIGKILL)');
  t.ok(Date.now() - stopped < 1000, 'promptly');
});

t.test('TLS client options for a run that is not in TLS mode are refused in one line', async (t) => {
  const { ctx } = testRun(t, 56400);
  const server = await RedisServer.start(ctx);
  t.teardown(() => server.kill('SIGKILL'));
  const handle = await ServerHandle.open(server, false);
  t.teardown(() => handle.closeClients());
  await t.rejects(handle.newClient({ tls: { certificate: 'none' } }), { message: 'TLS client options given, but this run is not in TLS mode: run with --tls or drop them' });
  t.equal(handle.clientTls(), undefined);
});
