// Port of tests/unit/networking.tcl.
// Differences: the port "already in use" is a listener the harness opens (portInUse), standing in
// for the Tcl test server's own port; non-loopback checks run only when the harness allows a
// non-loopback address (getNonloopbackAddr, RUNTEST_NONLOOPBACK=1), otherwise that test's body is
// skipped as upstream does on a host without one.
import net from 'node:net';
import {
  suite,
  startServer,
  test,
  srv,
  settings,
  r,
  Client,
  assertEqual,
  assertMatch,
  waitForCondition,
  fail,
  verbose,
  configGet,
  tclCatch,
  runTool,
  outputText,
  abnormalExit,
  findAvailablePort,
  portInUse,
  countMessageLines,
  getNonloopbackAddr,
  getNonloopbackClient,
  type ServerHandle,
} from '../../harness/index.ts';

/** Tcl `redis host port 0 $::tls`: a client of the innermost server's kind (TLS in TLS mode), no SELECT. */
function redis(host: string, port: number): Promise<Client> {
  return Client.connect({ host, port, tls: srv(0).clientTls() });
}

/** Tcl rediscli_exec: redis-cli on the server's unix socket; its output lines (the last newline dropped). */
async function rediscliExec(handle: ServerHandle, ...args: string[]): Promise<string[]> {
  const result = await runTool('redis-cli', ['-s', handle.unixsocket, ...args], { encoding: 'buffer' });
  const stderr = outputText(result.stderr);
  // Closing a Tcl pipe fails when the child wrote to stderr or exited abnormally.
  const abnormal = abnormalExit({ exitCode: result.exitCode, signal: result.signal });
  if (stderr !== '' || abnormal) throw new Error(stderr !== '' ? stderr.replace(/\n$/, '') : abnormal!);
  return outputText(result.stdout).split('\n').slice(0, -1);
}

/**
 * Tcl test_loopback: whether a client bound to bindaddr reaches a listener on host within
 * timeoutMs (Linux only).
 */
async function testLoopback(host: string, bindaddr: string, timeoutMs: number): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  const listener = net.createServer((sock) => {
    state = 'connected';
    sock.destroy();
    wake();
  });
  let state = '';
  let wake: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (wake = resolve));
  const timer = setTimeout(() => {
    if (state === '') state = 'timeout';
    wake();
  }, timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => listener.once('error', reject).listen({ port: 0, host }, resolve));
  } catch {
    clearTimeout(timer);
    return false;
  }
  const port = (listener.address() as net.AddressInfo).port;
  const client = net.connect({ host, port, localAddress: bindaddr });
  client.on('error', (err) => verbose(`test_loopback: Client connect failed: ${err.message}`));
  await settled;
  clearTimeout(timer);
  client.destroy();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return state === 'connected';
}

export default suite({ independentBlocks: true }, async () => {
  await test(
    'CONFIG SET port number',
    async () => {
      await startServer({}, async () => {
        const portCfg = settings().tls ? 'tls-port' : 'port';

        // A free port.
        const availPort = await findAvailablePort();
        let rd = await redis(srv(0).host, srv(0).port);
        await rd.call('CONFIG', 'SET', portCfg, availPort);
        await rd.close();
        rd = await redis(srv(0).host, availPort);
        await rd.call('PING');

        // A port already taken.
        const { value: e } = await tclCatch(async () => rd.call('CONFIG', 'SET', portCfg, await portInUse()));
        assertMatch('*Unable to listen on this port*', e);
        await rd.close();

        // Still listening on the port set before.
        rd = await redis(srv(0).host, availPort);
        await rd.call('PING');
        await rd.close();
      });
    },
    { okPattern: '', tags: ['external:skip'] },
  );

  await test(
    'CONFIG SET bind address',
    async () => {
      await startServer({}, async () => {
        // An invalid address.
        const { value: e } = await tclCatch(() => r('CONFIG', 'SET', 'bind', '999.999.999.999'));
        assertMatch('*Failed to bind to specified addresses*', e);

        // Still bound to the address it had.
        const rd = await redis(srv(0).host, srv(0).port);
        await rd.call('PING');
        await rd.close();
      });
    },
    { okPattern: '', tags: ['external:skip'] },
  );

  await test(
    'CONFIG SET bind-source-addr',
    async () => {
      if (await testLoopback('127.0.0.1', '127.0.0.2', 1000)) {
        await startServer({}, async () => {
          await startServer({}, async () => {
            const replica = srv(0);
            const master = srv(-1);

            await master.call('config', 'set', 'protected-mode', 'no');

            await replica.call('config', 'set', 'bind-source-addr', '127.0.0.2');
            await replica.call('replicaof', srv(-1).host, srv(-1).port);

            await waitForCondition(50, 100, async () => (await srv(0).status('master_link_status')) === 'up', () => fail('Replication not started.'));

            assertMatch('*ip=127.0.0.2*', await srv(-1).status('slave0'));
          });
        });
      } else {
        verbose('Skipping bind-source-addr test.');
      }
    },
    { okPattern: '', tags: ['external:skip'] },
  );

  await startServer({ config: 'minimal.conf', tags: ['external:skip'] }, async (server) => {
    await test(
      'Default bind address configuration handling',
      async () => {
        // The default is explicit.
        assertEqual('* -::*', await configGet(server, 'bind'));

        // CONFIG REWRITE sees it as the default.
        await r('CONFIG', 'REWRITE');
        assertEqual(0, countMessageLines(srv(0).configFile, 'bind'));

        // It can be emptied.
        await r('CONFIG', 'SET', 'bind', '');
        assertEqual('', await configGet(server, 'bind'));

        // Then no new client gets in.
        const { value: err1 } = await tclCatch(() => srv(0).newClient());
        assertMatch('*connection refused*', err1);

        // CONFIG REWRITE writes the empty bind.
        await r('CONFIG', 'REWRITE');
        assertEqual(1, countMessageLines(srv(0).configFile, 'bind'));

        // The server restarts with it.
        await srv(0).restart({ waitReady: false, rotateLogs: false, reconnect: false });

        // It binds nothing, as configured.
        assertEqual('bind {}', await rediscliExec(srv(0), 'config', 'get', 'bind'));
        const { value: err2 } = await tclCatch(() => srv(0).reconnect());
        assertMatch('*connection refused*', err2);

        assertEqual('OK', await rediscliExec(srv(0), 'config', 'set', 'bind', '*'));
        await srv(0).reconnect();
        return r('ping');
      },
      { okPattern: 'PONG' },
    );

    await test('Protected mode works as expected', async () => {
      // This host's non-loopback address.
      const myaddr = getNonloopbackAddr();
      if (myaddr !== '' && !myaddr.startsWith('127.')) {
        // A non-loopback client is refused by default...
        let r2 = await getNonloopbackClient(srv(0));
        let { value: err } = await tclCatch(() => r2.call('ping'));
        assertMatch('*DENIED*', err);

        // ...whatever the bind setting...
        assertEqual('OK', await r('config', 'set', 'bind', '*'));
        r2 = await getNonloopbackClient(srv(0));
        ({ value: err } = await tclCatch(() => r2.call('ping')));
        assertMatch('*DENIED*', err);

        // ...until a password is set.
        assertEqual('OK', await r('config', 'set', 'requirepass', 'secret'));
        r2 = await redis(myaddr, srv(0).port);
        assertEqual('OK', await r2.call('auth', 'secret'));
        assertEqual('PONG', await r2.call('ping'));
        r2.destroy();

        // Without the password protected mode is back (upstream checks the earlier error here).
        assertEqual('OK', await r('config', 'set', 'requirepass', ''));
        r2 = await redis(myaddr, srv(0).port);
        assertMatch('*DENIED*', err);
        r2.destroy();

        // Turning protected-mode off lets it in.
        assertEqual('OK', await r('config', 'set', 'protected-mode', 'no'));
        r2 = await redis(myaddr, srv(0).port);
        assertEqual('PONG', await r2.call('ping'));
        r2.destroy();
      }
    });
  });
});
