import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultOptions, helpText, parseArgs, UsageError, type Options } from '../harness/runner/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

t.test('defaults are the Tcl ones', async (t) => {
  const o = parseArgs([]);
  t.same(o, defaultOptions());
  t.match(o, {
    single: [], skipUnits: [], skipTill: undefined, listTests: false, only: [], skipTests: [],
    allowTags: [], denyTags: [], clients: undefined, timeout: 1200, testTimeout: undefined,
    loop: false, loops: undefined, untilFail: false, shard: undefined, seed: undefined,
    accurate: false, noLatency: false, largeMemory: false, forceFailure: false,
    ignoreEncoding: false, ignoreDigest: false, server: undefined, otherServer: undefined, globalOverrides: [],
    host: '127.0.0.1', external: false, flushExternal: false, port: 6379, baseport: 21111,
    portcount: 8000, singledb: false, clusterMode: false, tls: false, tlsCertDir: undefined, waitServer: false,
    durable: false, stopOnFailure: false, fastfail: false, dumpLogs: false, dontClean: false,
    dontPreClean: false, verbose: false, quiet: false, junit: undefined, tap: false,
    json: undefined, artifacts: undefined, durations: undefined, help: false, unsupported: [],
  });
  t.not(defaultOptions().single, defaultOptions().single, 'a fresh object every time');
});

t.test('every flag', async (t) => {
  const cases: Array<[string[], Partial<Options>]> = [
    [['--single', 'integration/replication'], { single: ['integration/replication'] }],
    [['--single', 'integration/a', '--single', 'integration/b'], { single: ['integration/a', 'integration/b'] }],
    [['--skipunit', 'integration/a', '--skipunit', 'integration/b'], { skipUnits: ['integration/a', 'integration/b'] }],
    [['--skip-till', 'integration/a'], { skipTill: 'integration/a' }],
    [['--skip-till', 'integration/a', '--skip-till', 'integration/b'], { skipTill: 'integration/b' }],
    [['--list-tests'], { listTests: true }],
    [['--only', 'PSYNC2: Set #1 to replicate from #0'], { only: ['PSYNC2: Set #1 to replicate from #0'] }],
    [['--only', '/diskless: (yes|no)', '--only', 'x'], { only: ['/diskless: (yes|no)', 'x'] }],
    [['--only', 'name with ( unbalanced'], { only: ['name with ( unbalanced'] }],
    [['--skiptest', 'a', '--skiptest', '/^b'], { skipTests: ['a', '/^b'] }],
    [['--tags', 'repl'], { allowTags: ['repl'], denyTags: [] }],
    [['--tags', 'repl -slow'], { allowTags: ['repl'], denyTags: ['slow'] }],
    [['--tags', '-slow', '--tags', 'repl aof'], { allowTags: ['repl', 'aof'], denyTags: ['slow'] }],
    [['--tags', '"repl -slow"'], { allowTags: ['repl'], denyTags: ['slow'] }],
    [['--tags', ''], { allowTags: [], denyTags: [] }],
    [['--clients', '4'], { clients: 4 }],
    [['--clients', '1'], { clients: 1 }],
    [['--timeout', '60'], { timeout: 60 }],
    [['--timeout', '0.5'], { timeout: 0.5 }],
    [['--accurate'], { accurate: true }],
    [['--no-latency'], { noLatency: true }],
    [['--large-memory'], { largeMemory: true }],
    [['--force-failure'], { forceFailure: true }],
    [['--ignore-encoding'], { ignoreEncoding: true }],
    [['--ignore-digest'], { ignoreDigest: true }],
    [['--config', 'appendonly', 'yes'], { globalOverrides: [['appendonly', 'yes']] }],
    [['--config', 'save', '', '--config', 'io-threads', '4'], { globalOverrides: [['save', ''], ['io-threads', '4']] }],
    [['--host', '10.0.0.5'], { host: '10.0.0.5', external: true }],
    [['--host', 'localhost', '--port', '7000'], { host: 'localhost', external: true, port: 7000 }],
    [['--port', '6380'], { port: 6380, external: false }],
    [['--baseport', '30000'], { baseport: 30000 }],
    [['--portcount', '100'], { portcount: 100 }],
    [['--singledb'], { singledb: true }],
    [['--cluster-mode'], { clusterMode: true, singledb: true }],
    [['--durable'], { durable: true }],
    [['--stop'], { stopOnFailure: true }],
    [['--fastfail'], { fastfail: true }],
    [['--loop'], { loop: true }],
    [['--loops', '5'], { loops: 5 }],
    [['--wait-server'], { waitServer: true }],
    [['--dump-logs'], { dumpLogs: true }],
    [['--dont-clean'], { dontClean: true }],
    [['--dont-pre-clean'], { dontPreClean: true }],
    [['--verbose'], { verbose: true }],
    [['--quiet'], { quiet: true }],
    [['--help'], { help: true }],
    [['--tls'], { tls: true }],
    [['--tls', '--tls-cert-dir', 'certs'], { tls: true, tlsCertDir: 'certs' }],
    [['--host', 'h', '--tls', '--tls-cert-dir', 'certs'], { tls: true, tlsCertDir: 'certs', external: true, host: 'h' }],
    [['--valgrind'], { unsupported: ['--valgrind'] }],
    [['--stack-logging'], { unsupported: ['--stack-logging'] }],
    [['--valgrind', '--valgrind', '--stack-logging'], { unsupported: ['--valgrind', '--stack-logging'] }],
    [['--server', '/opt/redis/src/redis-server'], { server: '/opt/redis/src/redis-server' }],
    [['--other-server', '/opt/valkey/src/valkey-server'], { otherServer: '/opt/valkey/src/valkey-server' }],
    [['--seed', '0'], { seed: 0 }],
    [['--seed', '4294967295'], { seed: 4294967295 }],
    [['--seed', '00042'], { seed: 42 }],
    [['--until-fail'], { untilFail: true }],
    [['--shard', '1/1'], { shard: { index: 1, total: 1 } }],
    [['--shard', '2/4'], { shard: { index: 2, total: 4 } }],
    [['--shard', '4/4'], { shard: { index: 4, total: 4 } }],
    [['--test-timeout', '30'], { testTimeout: 30 }],
    [['--test-timeout', '2.5'], { testTimeout: 2.5 }],
    [['--host', 'h', '--flush-external'], { flushExternal: true, external: true, host: 'h' }],
    [['--flush-external', '--host', 'h'], { flushExternal: true, external: true, host: 'h' }],
    [['--junit', 'out/junit.xml'], { junit: 'out/junit.xml' }],
    [['--json', 'out/results.json'], { json: 'out/results.json' }],
    [['--tap'], { tap: true }],
    [['--durations', 'out/durations.txt'], { durations: 'out/durations.txt' }],
    [['--artifacts', 'out/artifacts'], { artifacts: 'out/artifacts' }],
  ];
  for (const [argv, expected] of cases) {
    const o = parseArgs(argv);
    t.same({ ...defaultOptions(), ...expected }, o, argv.join(' '));
  }
});

t.test('a typical CI command line', async (t) => {
  const o = parseArgs([
    '--server', './src/redis-server', '--clients', '8', '--tags', '-slow', '--single', 'integration/replication',
    '--config', 'appendonly', 'yes', '--seed', '12345', '--shard', '1/3', '--junit', 'j.xml', '--dump-logs',
  ]);
  t.match(o, {
    server: './src/redis-server', clients: 8, denyTags: ['slow'], single: ['integration/replication'],
    globalOverrides: [['appendonly', 'yes']], seed: 12345, shard: { index: 1, total: 3 }, junit: 'j.xml', dumpLogs: true,
  });
});

t.test('--help stops reading the command line, as in Tcl', async (t) => {
  t.equal(parseArgs(['--help', '--no-such-flag']).help, true);
  t.equal(parseArgs(['--help', '--clients', 'x']).help, true);
  t.match(parseArgs(['--quiet', '--help']), { quiet: true, help: true });
  t.throws(() => parseArgs(['--no-such-flag', '--help']), UsageError, 'what comes before it is still checked');
});

t.test('--skipfile', async (t) => {
  const plain = file('skip.txt', 'test one\n/^regexp\n\ntest three\n');
  t.same(parseArgs(['--skipfile', plain]).skipTests, ['test one', '/^regexp', 'test three']);

  const crlf = file('crlf.txt', 'a\r\nb\r\n\r\nc');
  t.same(parseArgs(['--skipfile', crlf]).skipTests, ['a', 'b', 'c'], 'any line ending, no final newline needed');

  const spaces = file('spaces.txt', ' a \n\tb\n');
  t.same(parseArgs(['--skipfile', spaces]).skipTests, [' a ', '\tb'], 'names are kept as written');

  t.same(parseArgs(['--skipfile', file('empty.txt', '')]).skipTests, []);

  t.same(
    parseArgs(['--skiptest', 'x', '--skipfile', plain, '--skiptest', 'y', '--skipfile', crlf]).skipTests,
    ['x', 'test one', '/^regexp', 'test three', 'y', 'a', 'b', 'c'],
    'files and --skiptest accumulate',
  );
  const utf8 = file('utf8.txt', 'café (diskless: é)\n');
  t.same(parseArgs(['--skipfile', utf8]).skipTests, ['café (diskless: é)']);
});

t.test('errors', async (t) => {
  const missing = join(dir, 'missing.txt');
  const badLine = file('bad.txt', 'fine\n\n/(unclosed\n');
  const subdir = join(dir, 'a-directory');
  mkdirSync(subdir);
  const cases: Array<[string[], string]> = [
    // unknown arguments
    [['--foo'], 'Wrong argument: --foo (see ./runtest --help)'],
    [['--singel', 'x'], 'Wrong argument: --singel (did you mean --single? see ./runtest --help)'],
    [['--skip-test', 'x'], 'Wrong argument: --skip-test (did you mean --skiptest? see ./runtest --help)'],
    [['--dont_clean'], 'Wrong argument: --dont_clean (did you mean --dont-clean? see ./runtest --help)'],
    [['-single', 'x'], 'Wrong argument: -single (did you mean --single? see ./runtest --help)'],
    [['-h'], 'Wrong argument: -h (did you mean --help? see ./runtest --help)'],
    [['--client', '1234'], 'Wrong argument: --client (did you mean --clients? see ./runtest --help)'],
    [['--single=integration/aof'], 'Wrong argument: --single=integration/aof (give the value as a separate argument: --single <unit>)'],
    [['--config=appendonly'], 'Wrong argument: --config=appendonly (give the value as a separate argument: --config <k> <v>)'],
    [['--tap=yes'], 'Wrong argument: --tap=yes (--tap takes no value)'],
    [['integration/replication'], 'Wrong argument: integration/replication (to run one unit use --single integration/replication; see ./runtest --help)'],
    [[''], 'Wrong argument:  (to run one unit use --single ; see ./runtest --help)'],
    [['--single', 'a', 'b'], 'Wrong argument: b (to run one unit use --single b; see ./runtest --help)'],
    [['--config', 'a', 'b', 'c'], 'Wrong argument: c (to run one unit use --single c; see ./runtest --help)'],
    // missing values
    [['--single'], '--single needs a value: --single <unit>'],
    [['--single', ''], '--single needs a value: --single <unit>'],
    [['--single', '--verbose'], '--single needs a value: --single <unit>'],
    [['--skipunit'], '--skipunit needs a value: --skipunit <unit>'],
    [['--skip-till'], '--skip-till needs a value: --skip-till <unit>'],
    [['--only'], '--only needs a value: --only <test>'],
    [['--only', ''], '--only needs a value: --only <test>'],
    [['--skiptest'], '--skiptest needs a value: --skiptest <test>'],
    [['--skipfile'], '--skipfile needs a value: --skipfile <file>'],
    [['--tags'], '--tags needs a value: --tags <tags>'],
    [['--tags', '--quiet'], '--tags needs a value: --tags <tags>'],
    [['--clients'], '--clients needs a value: --clients <num>'],
    [['--timeout'], '--timeout needs a value: --timeout <sec>'],
    [['--config'], '--config needs two values: --config <k> <v>'],
    [['--config', 'appendonly'], '--config needs two values: --config <k> <v>'],
    [['--config', '', 'yes'], '--config needs two values: --config <k> <v>'],
    [['--config', 'appendonly', '--loop'], '--config needs two values: --config <k> <v>'],
    [['--host'], '--host needs a value: --host <addr>'],
    [['--host', ''], '--host needs a value: --host <addr>'],
    [['--port'], '--port needs a value: --port <port>'],
    [['--baseport'], '--baseport needs a value: --baseport <port>'],
    [['--portcount'], '--portcount needs a value: --portcount <num>'],
    [['--loops'], '--loops needs a value: --loops <count>'],
    [['--server'], '--server needs a value: --server <path>'],
    [['--seed'], '--seed needs a value: --seed <n>'],
    [['--shard'], '--shard needs a value: --shard <k>/<n>'],
    [['--test-timeout'], '--test-timeout needs a value: --test-timeout <sec>'],
    [['--junit'], '--junit needs a value: --junit <file>'],
    [['--json'], '--json needs a value: --json <file>'],
    [['--durations'], '--durations needs a value: --durations <file>'],
    [['--artifacts'], '--artifacts needs a value: --artifacts <dir>'],
    // bad numbers
    [['--clients', 'x'], "--clients needs a positive integer, got 'x'"],
    [['--clients', '0'], "--clients needs a positive integer, got '0'"],
    [['--clients', '-2'], "--clients needs a positive integer, got '-2'"],
    [['--clients', '2.5'], "--clients needs a positive integer, got '2.5'"],
    [['--clients', ' 4'], "--clients needs a positive integer, got ' 4'"],
    [['--clients', '1e3'], "--clients needs a positive integer, got '1e3'"],
    [['--clients', '99999999999999999999'], "--clients needs a positive integer, got '99999999999999999999'"],
    [['--loops', '0'], "--loops needs a positive integer, got '0'"],
    [['--loops', 'many'], "--loops needs a positive integer, got 'many'"],
    [['--portcount', '0'], "--portcount needs a positive integer, got '0'"],
    [['--timeout', 'x'], "--timeout needs a number of seconds greater than 0, got 'x'"],
    [['--timeout', '0'], "--timeout needs a number of seconds greater than 0, got '0'"],
    [['--timeout', '-5'], "--timeout needs a number of seconds greater than 0, got '-5'"],
    [['--timeout', '10s'], "--timeout needs a number of seconds greater than 0, got '10s'"],
    [['--test-timeout', '0'], "--test-timeout needs a number of seconds greater than 0, got '0'"],
    [['--test-timeout', 'Infinity'], "--test-timeout needs a number of seconds greater than 0, got 'Infinity'"],
    [['--port', '0'], "--port needs a port number from 1 to 65535, got '0'"],
    [['--port', '65536'], "--port needs a port number from 1 to 65535, got '65536'"],
    [['--port', 'redis'], "--port needs a port number from 1 to 65535, got 'redis'"],
    [['--baseport', '70000'], "--baseport needs a port number from 1 to 65535, got '70000'"],
    [['--seed', '-1'], "--seed needs an unsigned 32-bit integer (0 to 4294967295), got '-1'"],
    [['--seed', '4294967296'], "--seed needs an unsigned 32-bit integer (0 to 4294967295), got '4294967296'"],
    [['--seed', '0x10'], "--seed needs an unsigned 32-bit integer (0 to 4294967295), got '0x10'"],
    [['--seed', '1.5'], "--seed needs an unsigned 32-bit integer (0 to 4294967295), got '1.5'"],
    [['--shard', '3/2'], "--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '3/2'"],
    [['--shard', '0/2'], "--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '0/2'"],
    [['--shard', '1/0'], "--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '1/0'"],
    [['--shard', '2'], "--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '2'"],
    [['--shard', '1of2'], "--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '1of2'"],
    [['--shard', '-1/2'], "--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '-1/2'"],
    // bad patterns, tags, files
    [['--only', '/diskless: (yes|no'], "--only: '/diskless: (yes|no' is not a valid regular expression (Unterminated group)"],
    [['--skiptest', '/[abc'], "--skiptest: '/[abc' is not a valid regular expression (Unterminated character class)"],
    [['--skipfile', badLine], `--skipfile '${badLine}' line 3: '/(unclosed' is not a valid regular expression (Unterminated group)`],
    [['--skipfile', missing], `--skipfile cannot read '${missing}': no such file`],
    [['--skipfile', subdir], `--skipfile cannot read '${subdir}': it is a directory`],
    [['--tags', '{repl'], `--tags needs a list of tags such as "repl -slow", got '{repl' (unmatched open brace in list)`],
    // combinations
    [['--flush-external'], '--flush-external only applies to an external server: add --host <addr>'],
    [['--tls-cert-dir', 'certs'], '--tls-cert-dir only applies in TLS mode: add --tls'],
    [['--host', 'h', '--tls'], '--tls against an external server needs its certificates: add --tls-cert-dir <dir> (with ca.crt, client.crt and client.key)'],
    [['--tls-module'], '--tls-module: the server under test has TLS compiled in, not as a module: use --tls'],
    [['--tls-cert-dir'], '--tls-cert-dir needs a value: --tls-cert-dir <dir>'],
  ];
  for (const [argv, message] of cases) {
    t.throws(() => parseArgs(argv), { name: 'UsageError', message }, JSON.stringify(argv));
  }
  const err = (() => {
    try {
      parseArgs(['--bogus']);
    } catch (e) {
      return e;
    }
  })();
  t.type(err, UsageError);
  t.type(err, Error);
  t.notMatch((err as Error).message, /\n/, 'one line');
});

t.test('help text', async (t) => {
  const help = helpText();
  const flags = [
    '--single', '--skipunit', '--skip-till', '--list-tests', '--only', '--skiptest', '--skipfile', '--tags',
    '--clients', '--timeout', '--accurate', '--no-latency', '--large-memory', '--force-failure',
    '--ignore-encoding', '--ignore-digest', '--config', '--host', '--port', '--baseport', '--portcount',
    '--singledb', '--cluster-mode', '--durable', '--stop', '--fastfail', '--loop', '--loops', '--wait-server',
    '--dump-logs', '--dont-clean', '--dont-pre-clean', '--verbose', '--quiet', '--tls', '--tls-module', '--valgrind',
    '--stack-logging', '--help', '--server', '--other-server', '--seed', '--until-fail', '--shard', '--test-timeout',
    '--tls-cert-dir', '--flush-external', '--junit', '--json', '--tap', '--durations', '--artifacts', '--repeat', '--html', '--github',
  ];
  const lines = help.split('\n');
  const flagLines = lines.filter((line) => line.startsWith('--'));
  t.equal(flagLines.length, flags.length, 'one line per flag');
  for (const flag of flags) {
    const line = flagLines.find((l) => l.split(' ')[0] === flag);
    t.ok(line, `${flag} is listed`);
  }
  t.match(help, /^--single <unit> +Run only this unit/m);
  t.match(help, /^--config <k> <v> +\S/m);
  t.match(help, /^--shard <k>\/<n> +\S/m);
  t.match(help, /^--tls +Run in TLS mode/m);
  t.match(help, /^--tls-module +.*refused/m);
  const column = flagLines.map((line) => /^--\S+(?: <\S+)* +/.exec(line)![0].length);
  t.ok(column.every((c) => c === column[0]), 'descriptions start in one column');
  t.ok(flagLines.every((line) => line.length > column[0] + 5), 'every flag has a description');
  t.ok(help.endsWith('\n'));
  // Every flag in the help is one parseArgs knows.
  const sample: Record<string, string[]> = {
    '<unit>': ['integration/aof'], '<test>': ['x'], '<file>': [file('help-skip.txt', 'x\n')], '<tags>': ['repl'],
    '<num>': ['2'], '<sec>': ['5'], '<k>': ['a', 'b'], '<addr>': ['h'], '<port>': ['7000'], '<count>': ['2'],
    '<path>': ['p'], '<n>': ['1'], '<k>/<n>': ['1/2'], '<dir>': ['d'],
  };
  for (const line of flagLines) {
    const [flag, arg] = line.split(/ +/);
    const values = arg?.startsWith('<') ? sample[arg] : [];
    t.ok(values, `sample value for ${line}`);
    if (flag === '--tls-module') continue; // refused, checked above
    const extra = flag === '--flush-external' ? ['--host', 'h'] : flag === '--tls-cert-dir' ? ['--tls'] : [];
    t.doesNotThrow(() => parseArgs([flag, ...(values ?? []), ...extra]), `${flag} parses`);
  }
});
