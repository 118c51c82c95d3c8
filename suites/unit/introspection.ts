// Port of tests/unit/introspection.tcl.
// Differences from upstream:
// - The non-loopback part of "cannot modify protected configuration - local" runs only when the
//   harness hands out a non-loopback address (getNonloopbackAddr: RUNTEST_NONLOOPBACK=1); without
//   one it is skipped, as upstream does on a host that has none.
// - Tcl's client reconnects by itself (without SELECT) on the command after a lost link; the port
//   reconnects the default client explicitly at that point, also without SELECT.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import {
  suite,
  startServer,
  test,
  r,
  settings,
  verbose,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  configGet,
  fail,
  findAvailablePort,
  getNonloopbackAddr,
  getNonloopbackClient,
  runServerOnce,
  tclCatch,
  tclExec,
  tclString,
  waitDoneLoading,
  waitForCondition,
  type Reply,
} from '../../harness/index.ts';

/** The keys of a flat CONFIG GET reply (a Tcl dict), in order, duplicates included. */
function pairKeys(reply: Reply): string[] {
  const flat = reply as Reply[];
  const keys: string[] = [];
  for (let i = 0; i < flat.length; i += 2) keys.push(String(flat[i]));
  return keys;
}

/** A flat CONFIG GET reply as an ordered map (Tcl `dict set` over the pairs: a later key wins). */
function pairMap(reply: Reply): Map<string, string> {
  const flat = reply as Reply[];
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), tclString(flat[i + 1]));
  return map;
}

/** Tcl `!=` in expr: numeric when both sides are numbers, else string comparison. */
function tclNotEqual(a: string, b: string): boolean {
  const numeric = (s: string) => s.trim() !== '' && !Number.isNaN(Number(s));
  if (numeric(a) && numeric(b)) return Number(a) !== Number(b);
  return a !== b;
}

/** Tcl `catch {exec src/redis-server args...} err`: the err text. */
async function execServerOnce(...args: string[]): Promise<string> {
  return (await tclCatch(async () => tclExec([await runServerOnce(args)]))).value;
}

const readOomScoreAdj = (pid: number) => readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').split('\n')[0];

/** A listener that accepts and ignores connections (Tcl's dummy_accept server). */
function listenDummy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(() => undefined);
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

const SKIP_CONFIGS = [
  'rdbchecksum',
  'daemonize',
  'io-threads-do-reads',
  'tcp-backlog',
  'always-show-logo',
  'syslog-enabled',
  'cluster-enabled',
  'disable-thp',
  'aclfile',
  'unixsocket',
  'pidfile',
  'syslog-ident',
  'appendfilename',
  'appenddirname',
  'supervised',
  'syslog-facility',
  'databases',
  'io-threads',
  'logfile',
  'unixsocketperm',
  'replicaof',
  'slaveof',
  'requirepass',
  'server_cpulist',
  'bio_cpulist',
  'aof_rewrite_cpulist',
  'bgsave_cpulist',
  'set-proc-title',
  'cluster-config-file',
  'cluster-port',
  'oom-score-adj',
  'oom-score-adj-values',
  'enable-protected-configs',
  'enable-debug-command',
  'enable-module-command',
  'dbfilename',
  'logfile',
  'dir',
  'socket-mark-id',
];

const TLS_CONFIGS = [
  'tls-prefer-server-ciphers',
  'tls-session-cache-timeout',
  'tls-session-cache-size',
  'tls-session-caching',
  'tls-cert-file',
  'tls-key-file',
  'tls-client-cert-file',
  'tls-client-key-file',
  'tls-dh-params-file',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-protocols',
  'tls-ciphers',
  'tls-ciphersuites',
  'tls-port',
];

const externalSkip = { okPattern: '', tags: ['external:skip'] };

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['introspection'] }, async (server) => {
    await test('PING', async () => {
      assertEqual('PONG', await r('ping'));
      assertEqual('redis', await r('ping', 'redis'));
      await assertError("*wrong number of arguments for 'ping' command", () => r('ping', 'hello', 'redis'));
    });

    await test('CLIENT LIST', async () => r('client', 'list'), {
      okPattern:
        'id=* addr=*:* laddr=*:* fd=* name=* age=* idle=* flags=N db=* sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=* argv-mem=* multi-mem=0 rbs=* rbp=* obl=0 oll=0 omem=0 tot-mem=* events=r cmd=client|list user=* redir=-1 resp=2*',
    });

    await test('CLIENT LIST with IDs', async () => {
      const myid = await r('client', 'id');
      const cl = String(await r('client', 'list', 'id', myid as number)).split(/[\r\n]/);
      assertMatch(`id=${myid} * cmd=client|list *`, cl[0]);
    });

    await test('CLIENT INFO', async () => r('client', 'info'), {
      okPattern:
        'id=* addr=*:* laddr=*:* fd=* name=* age=* idle=* flags=N db=* sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=* argv-mem=* multi-mem=0 rbs=* rbp=* obl=0 oll=0 omem=0 tot-mem=* events=r cmd=client|info user=* redir=-1 resp=2*',
    });

    await test('CLIENT KILL with illegal arguments', async () => {
      await assertError("ERR wrong number of arguments for 'client|kill' command", () => r('client', 'kill'));
      await assertError('ERR syntax error*', () => r('client', 'kill', 'id', 10, 'wrong_arg'));

      await assertError('ERR *greater than 0*', () => r('client', 'kill', 'id', 'str'));
      await assertError('ERR *greater than 0*', () => r('client', 'kill', 'id', -1));
      await assertError('ERR *greater than 0*', () => r('client', 'kill', 'id', 0));

      await assertError('ERR Unknown client type*', () => r('client', 'kill', 'type', 'wrong_type'));

      await assertError('ERR No such user*', () => r('client', 'kill', 'user', 'wrong_user'));

      await assertError('ERR syntax error*', () => r('client', 'kill', 'skipme', 'yes_or_no'));
    });

    await test('CLIENT KILL SKIPME YES/NO will kill all clients', async () => {
      // Every client but this one.
      await server.newClient();
      await server.newClient();
      let connectedClients = await server.statusNumber('connected_clients');
      assert(connectedClients >= 3, `connected_clients (${connectedClients}) >= 3`);
      let res = await r('client', 'kill', 'skipme', 'yes');
      assert(Number(res) === connectedClients - 1, `killed ${res}, expected ${connectedClients - 1}`);

      // Every client, this one included.
      await server.newClient();
      await server.newClient();
      connectedClients = await server.statusNumber('connected_clients');
      assert(connectedClients === 3, `connected_clients (${connectedClients}) == 3`);
      res = await r('client', 'kill', 'skipme', 'no');
      assertEqual(res, connectedClients);

      // This client was killed: its next command fails, the one after reconnects.
      await assertError('*I/O error*', () => r('ping'));
      const killed = server.client;
      server.client = await server.newClient({ noSelect: true });
      killed.destroy();
      assertEqual('PONG', await r('ping'));
    });

    await test('CLIENT REPLY OFF/ON: disable all commands reply', async () => {
      const rd = await server.newClient();

      // Replies to these are silenced.
      rd.send('client', 'reply', 'off');
      rd.send('ping', 'pong');
      rd.send('ping', 'pong2');

      rd.send('client', 'reply', 'on');
      assertEqual('OK', await rd.read());
      rd.send('ping', 'pong3');
      assertEqual('pong3', await rd.read());

      await rd.close();
    });

    await test('CLIENT REPLY SKIP: skip the next command reply', async () => {
      const rd = await server.newClient();

      // The first pong is silenced.
      rd.send('client', 'reply', 'skip');
      rd.send('ping', 'pong');

      rd.send('ping', 'pong2');
      assertEqual('pong2', await rd.read());

      await rd.close();
    });

    await test('CLIENT REPLY ON: unset SKIP flag', async () => {
      const rd = await server.newClient();

      rd.send('client', 'reply', 'skip');
      rd.send('client', 'reply', 'on');
      assertEqual('OK', await rd.read()); // the reply of CLIENT REPLY ON

      rd.send('ping');
      assertEqual('PONG', await rd.read());

      await rd.close();
    });

    await test(
      'MONITOR can log executed commands',
      async () => {
        const rd = await server.newClient();
        rd.send('monitor');
        assertMatch('*OK*', await rd.read());
        await r('set', 'foo', 'bar');
        await r('get', 'foo');
        const res = [await rd.read(), await rd.read()];
        await rd.close();
        return res;
      },
      { okPattern: '*"set" "foo"*"get" "foo"*' },
    );

    await test('MONITOR can log commands issued by the scripting engine', async () => {
      const rd = await server.newClient();
      rd.send('monitor');
      await rd.read(); // OK
      await r('eval', "redis.call('set',KEYS[1],ARGV[1])", 1, 'foo', 'bar');
      assertMatch('*eval*', await rd.read());
      assertMatch('*lua*"set"*"foo"*"bar"*', await rd.read());
      await rd.close();
    });

    await test('MONITOR can log commands issued by functions', async () => {
      await r(
        'function',
        'load',
        'replace',
        `#!lua name=test
            redis.register_function('test', function() return redis.call('set', 'foo', 'bar') end)
        `,
      );
      const rd = await server.newClient();
      rd.send('monitor');
      await rd.read(); // OK
      await r('fcall', 'test', 0);
      assertMatch('*fcall*test*', await rd.read());
      assertMatch('*lua*"set"*"foo"*"bar"*', await rd.read());
      await rd.close();
    });

    await test(
      'MONITOR supports redacting command arguments',
      async () => {
        const rd = await server.newClient();
        rd.send('monitor');
        await rd.read(); // OK

        await r('migrate', server.host, server.port, 'key', 9, 5000);
        await r('migrate', server.host, server.port, 'key', 9, 5000, 'AUTH', 'user');
        await r('migrate', server.host, server.port, 'key', 9, 5000, 'AUTH2', 'user', 'password');
        await tclCatch(() => r('auth', 'not-real'));
        await tclCatch(() => r('auth', 'not-real', 'not-a-password'));
        await tclCatch(() => r('hello', 2, 'AUTH', 'not-real', 'not-a-password'));

        assertMatch('*"key"*"9"*"5000"*', await rd.read());
        assertMatch('*"key"*"9"*"5000"*"(redacted)"*', await rd.read());
        assertMatch('*"key"*"9"*"5000"*"(redacted)"*"(redacted)"*', await rd.read());
        assertMatch('*"auth"*"(redacted)"*', await rd.read());
        assertMatch('*"auth"*"(redacted)"*"(redacted)"*', await rd.read());
        assertMatch('*"hello"*"2"*"AUTH"*"(redacted)"*"(redacted)"*', await rd.read());
        await rd.close();
        // Tcl's close returns 0, which the okpattern checks.
        return 0;
      },
      { okPattern: '0', tags: ['needs:repl'] },
    );

    await test('MONITOR correctly handles multi-exec cases', async () => {
      const rd = await server.newClient();
      rd.send('monitor');
      await rd.read(); // OK

      // MULTI, the queued command and EXEC come in order.
      await r('multi');
      await r('set', 'foo', 'bar');
      await r('exec');
      assertMatch('*"multi"*', await rd.read());
      assertMatch('*"set"*"foo"*"bar"*', await rd.read());
      assertMatch('*"exec"*', await rd.read());

      // A transaction that fails still logs its EXEC.
      await r('multi');
      await tclCatch(() => r('syntax', 'error'));
      await tclCatch(() => r('exec'));

      assertMatch('*"multi"*', await rd.read());
      assertMatch('*"exec"*', await rd.read());

      await rd.close();
    });

    await test('CLIENT GETNAME should return NIL if name is not assigned', async () => r('client', 'getname'), { okPattern: '' });

    await test('CLIENT LIST shows empty fields for unassigned names', async () => r('client', 'list'), { okPattern: '*name= *' });

    await test('CLIENT SETNAME does not accept spaces', async () => (await tclCatch(() => r('client', 'setname', 'foo bar'))).value, { okPattern: 'ERR*' });

    await test(
      'CLIENT SETNAME can assign a name to this connection',
      async () => {
        assertEqual(await r('client', 'setname', 'myname'), 'OK');
        return r('client', 'list');
      },
      { okPattern: '*name=myname*' },
    );

    await test(
      'CLIENT SETNAME can change the name of an existing connection',
      async () => {
        assertEqual(await r('client', 'setname', 'someothername'), 'OK');
        return r('client', 'list');
      },
      { okPattern: '*name=someothername*' },
    );

    await test('After CLIENT SETNAME, connection can still be closed', async () => {
      const rd = await server.newClient();
      rd.send('client', 'setname', 'foobar');
      assertEqual(await rd.read(), 'OK');
      assertMatch('*foobar*', await r('client', 'list'));
      await rd.close();
      // Gone from CLIENT LIST.
      await waitForCondition(50, 100, async () => !String(await r('client', 'list')).includes('foobar'), () =>
        fail('Client still listed in CLIENT LIST after SETNAME.'),
      );
    });

    await test(
      'CONFIG save params special case handled properly',
      async () => {
        // No save directive: the built-in defaults.
        await startServer({ config: 'minimal.conf' }, async () => {
          assertMatch(tclString(await r('config', 'get', 'save')), 'save {3600 1 300 100 60 10000}');
        });

        // The first save directive replaces the built-in defaults.
        await startServer({ config: 'minimal.conf', overrides: { save: '100 100' } }, async () => {
          assertMatch(tclString(await r('config', 'get', 'save')), 'save {100 100}');
        });

        // The save directive of default.conf.
        await startServer({ config: 'default.conf' }, async () => {
          assertMatch(tclString(await r('config', 'get', 'save')), 'save {900 1}');
        });

        // A command-line save adds to the config file's.
        await startServer({ config: 'default.conf', args: ['--save', '100', '100'] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'save')), 'save {900 1 100 100}');
        });

        // An empty save resets them all.
        await startServer({ config: 'default.conf', args: ['--save', ''] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'save')), 'save {}');
        });
      },
      externalSkip,
    );

    await test('CONFIG sanity', async () => {
      // CONFIG GET, CONFIG SET to the same value, CONFIG GET again; immutable, get-less and
      // complicated configs are left out.
      const skipConfigs = [...SKIP_CONFIGS, ...(settings().tls ? [] : TLS_CONFIGS)];

      const configs = new Map<string, string>();
      for (const [k, v] of pairMap(await r('config', 'get', '*'))) {
        if (skipConfigs.includes(k)) continue;
        configs.set(k, v);
        await r('config', 'set', k, v);
      }

      const newconfigs = new Map<string, string>();
      for (const [k, v] of pairMap(await r('config', 'get', '*'))) {
        if (skipConfigs.includes(k)) continue;
        newconfigs.set(k, v);
      }

      for (const [k, v] of configs) {
        const vv = newconfigs.get(k);
        if (vv === undefined) throw new Error(`key "${k}" not known in dictionary`);
        if (tclNotEqual(v, vv)) fail(`config ${k} mismatch, expecting ${v} but got ${vv}`);
      }
    });

    // A forced rewrite of every config must give a file the server can parse.
    await test(
      'CONFIG REWRITE sanity',
      async () => {
        const configs = pairMap(await r('config', 'get', '*'));

        // Rewrite everything, restart: the server must parse it and start.
        assertEqual(await r('debug', 'config-rewrite-force-all'), 'OK');
        await server.restart({ waitReady: true, rotateLogs: false });
        await waitDoneLoading(server);

        // Nothing changed.
        for (const [k, v] of configs) assertEqual(v, await configGet(server, k));
      },
      externalSkip,
    );

    await test(
      'CONFIG REWRITE handles save and shutdown properly',
      async () => {
        await r('config', 'set', 'save', '3600 1 300 100 60 10000');
        await r('config', 'set', 'shutdown-on-sigterm', 'nosave now');
        await r('config', 'set', 'shutdown-on-sigint', 'save');
        await r('config', 'rewrite');
        await server.restart({ waitReady: true, rotateLogs: false });
        assertEqual(await r('config', 'get', 'save'), 'save {3600 1 300 100 60 10000}');
        assertEqual(await r('config', 'get', 'shutdown-on-sigterm'), 'shutdown-on-sigterm {nosave now}');
        assertEqual(await r('config', 'get', 'shutdown-on-sigint'), 'shutdown-on-sigint save');

        await r('config', 'set', 'save', '');
        await r('config', 'set', 'shutdown-on-sigterm', 'default');
        await r('config', 'rewrite');
        await server.restart({ waitReady: true, rotateLogs: false });
        assertEqual(await r('config', 'get', 'save'), 'save {}');
        assertEqual(await r('config', 'get', 'shutdown-on-sigterm'), 'shutdown-on-sigterm default');

        await startServer({ config: 'minimal.conf' }, async (inner) => {
          assertEqual(await r('config', 'get', 'save'), 'save {3600 1 300 100 60 10000}');
          await r('config', 'set', 'save', '');
          await r('config', 'rewrite');
          await inner.restart({ waitReady: true, rotateLogs: false });
          assertEqual(await r('config', 'get', 'save'), 'save {}');
        });
      },
      externalSkip,
    );

    await test('CONFIG SET with multiple args', async () => {
      const someConfigs: Array<[string, string]> = [
        ['maxmemory', '10000001'],
        ['repl-backlog-size', '10000002'],
        ['save', '3000 5'],
      ];

      const backups: string[] = [];
      for (const [c] of someConfigs) backups.push(c, await configGet(server, c));

      // Several configs in one CONFIG SET.
      assertEqual(await r('config', 'set', ...someConfigs.flat()), 'OK');
      for (const [c, val] of someConfigs) assertEqual(await configGet(server, c), val);

      assertEqual(await r('config', 'set', ...backups), 'OK');
    });

    await test('CONFIG SET rollback on set error', async () => {
      // An invalid percentage for maxmemory-clients fails the "set" phase, before any config is
      // applied: the right error comes back and everything is rolled back.
      const mmBackup = await configGet(server, 'maxmemory');
      const mmcBackup = await configGet(server, 'maxmemory-clients');
      const qblBackup = await configGet(server, 'client-query-buffer-limit');
      assertEqual(await r('config', 'set', 'maxmemory', 10000002), 'OK');
      await assertError(
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100",
        () => r('config', 'set', 'maxmemory', 10000001, 'maxmemory-clients', '200%', 'client-query-buffer-limit', 'invalid'),
      );
      assertEqual(await configGet(server, 'maxmemory'), 10000002);
      assertEqual(await configGet(server, 'maxmemory-clients'), mmcBackup);
      assertEqual(await configGet(server, 'client-query-buffer-limit'), qblBackup);
      assertEqual(await r('config', 'set', 'maxmemory', mmBackup), 'OK');
    });

    await test('CONFIG SET rollback on apply error', async () => {
      // A port in use passes CONFIG SET's validity checks but fails when applied: every value
      // must be rolled back after that.
      const someConfigs: Array<[string, string]> = [
        ['maxmemory', '10000001'],
        ['port', '0'],
        ['client-query-buffer-limit', '10m'],
      ];

      // On Linux, oom-score-adj has an apply function too: a successful apply must be rolled
      // back as well when another config's apply fails.
      const oomAdjAvail = !settings().external && process.platform === 'linux';
      let readOomAdj = '';
      if (oomAdjAvail) {
        someConfigs.unshift(['oom-score-adj', 'yes'], ['oom-score-adj-values', '1 1 1']);
        readOomAdj = readOomScoreAdj(server.pid);
      }

      const backups: Array<[string, string]> = [];
      for (const [c] of someConfigs) backups.push([c, await configGet(server, c)]);

      const usedPort = await findAvailablePort();
      someConfigs.find(([c]) => c === 'port')![1] = String(usedPort);

      // Something listens on usedPort, so the server cannot. A failure here is fine: the port is
      // then unusable anyway.
      let dummy: net.Server | undefined;
      try {
        dummy = await listenDummy(usedPort);
        verbose(`dummy_accept: listening on ${usedPort}`);
      } catch (err) {
        verbose(`dummy_accept: ${(err as Error).message}`);
      }
      try {
        // More configs after the bad one: the error names the first bad one and all roll back.
        await assertError("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port*", () =>
          r('config', 'set', ...someConfigs.flat()),
        );

        for (const [conf, val] of backups) assertEqual(await configGet(server, conf), val);

        if (oomAdjAvail) assertEqual(readOomScoreAdj(server.pid), readOomAdj);

        // Still reachable on its original port.
        const r1 = await server.newClient();
        assertEqual(await r1.call('ping'), 'PONG');
        await r1.close();
      } finally {
        await new Promise<void>((resolve) => (dummy ? dummy.close(() => resolve()) : resolve()));
      }
    });

    await test('CONFIG SET duplicate configs', async () => {
      await assertError('ERR *duplicate*', () => r('config', 'set', 'maxmemory', 10000001, 'maxmemory', 10000002));
    });

    await test('CONFIG SET set immutable', async () => {
      await assertError('ERR *immutable*', () => r('config', 'set', 'daemonize', 'yes'));
    });

    await test('CONFIG GET hidden configs', async () => {
      const hiddenConfig = 'key-load-delay';

      // Not in the reply to a pattern.
      assert(!pairKeys(await r('config', 'get', '*')).includes(hiddenConfig), `${hiddenConfig} not in CONFIG GET *`);

      // In the reply when asked for by name.
      assert(pairKeys(await r('config', 'get', hiddenConfig)).includes(hiddenConfig), `${hiddenConfig} in CONFIG GET ${hiddenConfig}`);
    });

    await test('CONFIG GET multiple args', async () => {
      const res = await r('config', 'get', 'maxmemory', 'maxmemory*', 'bind', '*of');
      const keys = pairKeys(res);

      // No duplicates.
      assertEqual(new Set(keys).size * 2, (res as Reply[]).length);

      // Both the name and its alias.
      assert(keys.includes('slaveof') && keys.includes('replicaof'), 'slaveof and replicaof in the reply');

      // The pattern found several maxmemory* configs.
      assert(keys.includes('maxmemory') && keys.includes('maxmemory-samples') && keys.includes('maxmemory-clients'), 'maxmemory, maxmemory-samples and maxmemory-clients in the reply');

      // The explicit one too.
      assert(keys.includes('bind'), 'bind in the reply');
    });

    await test(
      'redis-server command line arguments - error cases',
      async () => {
        let err = await execServerOnce('--port');
        assertMatch("*'port'*wrong number of arguments*", err);

        err = await execServerOnce('--port', '6380', '--loglevel');
        assertMatch("*'loglevel'*wrong number of arguments*", err);

        // 6379 and 6380 both become values of port.
        err = await execServerOnce('--port', '6379', '6380');
        assertMatch(`*'port "6379" "6380"'*wrong number of arguments*`, err);

        // --loglevel and verbose both become values of port.
        err = await execServerOnce('--port', '--loglevel', 'verbose');
        assertMatch(`*'port "--loglevel" "verbose"'*wrong number of arguments*`, err);

        // --bla becomes the value of port.
        err = await execServerOnce('--port', '--bla', '--loglevel', 'verbose');
        assertMatch(`*'port "--bla"'*argument couldn't be parsed into an integer*`, err);

        // --bla becomes the value of loglevel.
        err = await execServerOnce('--logfile', '--my--log--file', '--loglevel', '--bla');
        assertMatch(`*'loglevel "--bla"'*argument(s) must be one of the following*`, err);

        // MULTI_ARG's own check of an empty value.
        err = await execServerOnce('--shutdown-on-sigint');
        assertMatch("*'shutdown-on-sigint'*argument(s) must be one of the following*", err);
        err = await execServerOnce('--shutdown-on-sigint', 'now force', '--shutdown-on-sigterm');
        assertMatch("*'shutdown-on-sigterm'*argument(s) must be one of the following*", err);

        // A value starting with -- can only be a single value, so these break.
        err = await execServerOnce('--replicaof', '127.0.0.1', 'abc');
        assertMatch(`*'replicaof "127.0.0.1" "abc"'*Invalid master port*`, err);
        err = await execServerOnce('--replicaof', '--127.0.0.1', 'abc');
        assertMatch(`*'replicaof "--127.0.0.1" "abc"'*Invalid master port*`, err);
        err = await execServerOnce('--replicaof', '--127.0.0.1', '--abc');
        assertMatch(`*'replicaof "--127.0.0.1"'*wrong number of arguments*`, err);
      },
      externalSkip,
    );

    await test(
      'redis-server command line arguments - allow passing option name and option value in the same arg',
      async () => {
        await startServer({ config: 'default.conf', args: ['--maxmemory 700mb', '--maxmemory-policy volatile-lru'] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'maxmemory')), 'maxmemory 734003200');
          assertMatch(tclString(await r('config', 'get', 'maxmemory-policy')), 'maxmemory-policy volatile-lru');
        });
      },
      externalSkip,
    );

    await test(
      'redis-server command line arguments - wrong usage that we support anyway',
      async () => {
        await startServer({ config: 'default.conf', args: ['loglevel', 'verbose', "--maxmemory '700mb'", "--maxmemory-policy 'volatile-lru'"] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'loglevel')), 'loglevel verbose');
          assertMatch(tclString(await r('config', 'get', 'maxmemory')), 'maxmemory 734003200');
          assertMatch(tclString(await r('config', 'get', 'maxmemory-policy')), 'maxmemory-policy volatile-lru');
        });
      },
      externalSkip,
    );

    await test(
      'redis-server command line arguments - allow option value to use the `--` prefix',
      async () => {
        await startServer({ config: 'default.conf', args: ['--proc-title-template', '--my--title--template', '--loglevel', 'verbose'] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'proc-title-template')), 'proc-title-template --my--title--template');
          assertMatch(tclString(await r('config', 'get', 'loglevel')), 'loglevel verbose');
        });
      },
      externalSkip,
    );

    await test(
      'redis-server command line arguments - option name and option value in the same arg and `--` prefix',
      async () => {
        await startServer({ config: 'default.conf', args: ['--proc-title-template --my--title--template', '--loglevel verbose'] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'proc-title-template')), 'proc-title-template --my--title--template');
          assertMatch(tclString(await r('config', 'get', 'loglevel')), 'loglevel verbose');
        });
      },
      externalSkip,
    );

    await test(
      'redis-server command line arguments - save with empty input',
      async () => {
        for (const args of [
          ['--save', '--loglevel', 'verbose'],
          ['--loglevel', 'verbose', '--save'],
          ['--save', '', '--loglevel', 'verbose'],
          ['--loglevel', 'verbose', '--save', ''],
        ]) {
          await startServer({ config: 'default.conf', args }, async () => {
            assertMatch(tclString(await r('config', 'get', 'save')), 'save {}');
            assertMatch(tclString(await r('config', 'get', 'loglevel')), 'loglevel verbose');
          });
        }

        await startServer({ config: 'default.conf', args: ['--proc-title-template', '--save', '--save', '', '--loglevel', 'verbose'] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'proc-title-template')), 'proc-title-template --save');
          assertMatch(tclString(await r('config', 'get', 'save')), 'save {}');
          assertMatch(tclString(await r('config', 'get', 'loglevel')), 'loglevel verbose');
        });
      },
      externalSkip,
    );

    await test(
      'redis-server command line arguments - take one bulk string with spaces for MULTI_ARG configs parsing',
      async () => {
        await startServer({ config: 'default.conf', args: ['--shutdown-on-sigint', 'nosave', 'force', 'now', '--shutdown-on-sigterm', 'nosave force'] }, async () => {
          assertMatch(tclString(await r('config', 'get', 'shutdown-on-sigint')), 'shutdown-on-sigint {nosave now force}');
          assertMatch(tclString(await r('config', 'get', 'shutdown-on-sigterm')), 'shutdown-on-sigterm {nosave force}');
        });
      },
      externalSkip,
    );

    // The config file now holds every known keyword: better not add tests after this point.
  });

  await startServer({ tags: ['introspection', 'external:skip'], overrides: { 'enable-protected-configs': 'no', 'enable-debug-command': 'no' } }, async () => {
    await test(
      'cannot modify protected configuration - no',
      async () => {
        await assertError('ERR *protected*', () => r('config', 'set', 'dir', 'somedir'));
        await assertError('ERR *DEBUG command not allowed*', () => r('DEBUG', 'HELP'));
      },
      { okPattern: '', tags: ['needs:debug'] },
    );
  });

  await startServer(
    {
      config: 'minimal.conf',
      tags: ['introspection', 'external:skip'],
      overrides: {
        'protected-mode': 'no',
        'enable-protected-configs': 'local',
        'enable-debug-command': 'local',
      },
    },
    async (server) => {
      await test(
        'cannot modify protected configuration - local',
        async () => {
          // Allowed on a local connection.
          await r('config', 'set', 'dbfilename', 'somename');
          await r('DEBUG', 'HELP');

          const myaddr = getNonloopbackAddr();
          if (myaddr !== '' && !myaddr.startsWith('127.')) {
            // Refused on a non-loopback one.
            const r2 = await getNonloopbackClient(server);
            await assertError('ERR *protected*', () => r2.call('config', 'set', 'dir', 'somedir'));
            await assertError('ERR *DEBUG command not allowed*', () => r2.call('DEBUG', 'HELP'));
          }
        },
        { okPattern: '', tags: ['needs:debug'] },
      );
    },
  );

  await test(
    'config during loading',
    async () => {
      await startServer({ overrides: { 'key-load-delay': 50, 'loading-process-events-interval-bytes': 1024, rdbcompression: 'no' } }, async (server) => {
        // A big rdb that loads slowly: big keys, since events are processed once per 2mb.
        // 100mb in 100k keys takes more than 5 seconds to load.
        await r('debug', 'populate', 100000, 'key', 1000);

        await server.restart({ waitReady: false, rotateLogs: false });

        // Still loading.
        assertEqual(await server.status('loading'), 1);

        // Some configs can be set while loading.
        await r('config', 'set', 'loglevel', 'debug');
        assertEqual(await configGet(server, 'loglevel'), 'debug');

        // Others cannot.
        await assertError('LOADING*', () => r('config', 'set', 'dir', 'asdf'));

        // Still loading.
        assertEqual(await server.status('loading'), 1);

        // No need to wait for the load to end.
        await server.kill('SIGTERM');
      });
    },
    externalSkip,
  );

  await test(
    'CONFIG REWRITE handles rename-command properly',
    async () => {
      await startServer({ tags: ['introspection'], overrides: { 'rename-command': 'flushdb badger' } }, async (server) => {
        await assertError('ERR unknown command*', () => r('flushdb'));

        await r('config', 'rewrite');
        await server.restart({ waitReady: true, rotateLogs: false });

        await assertError('ERR unknown command*', () => r('flushdb'));
      });
    },
    externalSkip,
  );

  await test(
    'CONFIG REWRITE handles alias config properly',
    async () => {
      for (const overrides of [
        [
          ['hash-max-listpack-entries', 20],
          ['hash-max-ziplist-entries', 21],
        ],
        // The order does not matter.
        [
          ['hash-max-ziplist-entries', 20],
          ['hash-max-listpack-entries', 21],
        ],
      ] as Array<Array<[string, number]>>) {
        await startServer({ tags: ['introspection'], overrides }, async (server) => {
          assertEqual(await r('config', 'get', 'hash-max-listpack-entries'), 'hash-max-listpack-entries 21');
          assertEqual(await r('config', 'get', 'hash-max-ziplist-entries'), 'hash-max-ziplist-entries 21');
          await r('config', 'set', 'hash-max-listpack-entries', 100);

          await r('config', 'rewrite');
          await server.restart({ waitReady: true, rotateLogs: false });

          assertEqual(await r('config', 'get', 'hash-max-listpack-entries'), 'hash-max-listpack-entries 100');
        });
      }
    },
    externalSkip,
  );
});
