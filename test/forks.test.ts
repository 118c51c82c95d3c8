// Forks as the server under test, without a fork build: directories of valkey-* names standing for
// Debian's redis-* programs prove the tool lookup order, the fallback warning, the messages in the
// server's name, and --other-server.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { identityFromInfo, identityFromVersionLine, nameTitle, serverPrefix, serverTitle, toolRole, TOOL_NAMES } from '../harness/core/forks.ts';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { describeServer, resolveTools } from '../harness/runner/binary.ts';
import { DEBIAN_BIN, FORK_PROGRAMS, makeForkDir } from './support/forks.ts';
import { processesUnder } from './support/env.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');

function scratch(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runtest-forks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runtest(args: string[], tmp: string, basePort: number) {
  const env = { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: path.join(tmp, 'runs'), NO_COLOR: '1' };
  return execa(RUNTEST, ['--baseport', String(basePort), '--portcount', '400', ...args], { env, reject: false, all: true });
}

t.test('names: prefix and title from the binary, identity from INFO and --version', async (t) => {
  t.equal(serverPrefix('/opt/valkey/src/valkey-server'), 'valkey');
  t.equal(serverPrefix('/usr/bin/redis-server'), 'redis');
  t.equal(serverPrefix('keydb-server'), 'keydb');
  t.equal(serverPrefix('/build/server'), 'redis', 'no -server suffix: the Redis names');
  t.equal(serverTitle('/opt/valkey/src/valkey-server'), 'Valkey');
  t.equal(serverTitle('/x/redict-server'), 'Redict');
  t.equal(serverTitle('/x/keydb-server'), 'KeyDB');
  t.equal(serverTitle('/usr/bin/redis-server'), 'Redis');
  t.equal(serverTitle('/x/dragonfly-server'), 'Dragonfly', 'an unknown prefix, capitalised');
  t.equal(nameTitle('keydb'), 'KeyDB');
  t.equal(nameTitle('redis'), 'Redis');
  t.same(TOOL_NAMES.map(toolRole), ['cli', 'benchmark', 'check-aof', 'check-rdb']);

  t.same(identityFromInfo('# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n'), { name: 'valkey', version: '8.0.1' });
  t.same(identityFromInfo('# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n'), { name: 'redis', version: '7.0.15' });
  t.same(identityFromVersionLine('Valkey server v=8.0.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=1\n'), { name: 'valkey', version: '8.0.1' });
  t.equal(identityFromVersionLine('redis-cli 7.0.15'), null, 'not a server');
  t.same(describeServer(path.join(DEBIAN_BIN, 'redis-server')), { name: 'redis', version: '7.0.15' });
});

t.test('tool lookup: beside the binary by its prefix, then the prefix on PATH, then redis-* with one warning each', async (t) => {
  const root = scratch(t);
  const onPathDir = path.join(root, 'path');
  mkdirSync(onPathDir);

  // A whole fork build: all four tools beside the server, nothing to warn about.
  const full = makeForkDir(path.join(root, 'full'), 'valkey');
  const all = resolveTools(full, onPathDir);
  t.same(all.tools, {
    'redis-cli': path.join(root, 'full', 'valkey-cli'),
    'redis-benchmark': path.join(root, 'full', 'valkey-benchmark'),
    'redis-check-aof': path.join(root, 'full', 'valkey-check-aof'),
    'redis-check-rdb': path.join(root, 'full', 'valkey-check-rdb'),
  });
  t.same(all.warnings, []);

  // No valkey-cli beside it: valkey-cli on PATH wins over redis-cli beside the server.
  const partial = path.join(root, 'partial');
  const partialServer = makeForkDir(partial, 'valkey', FORK_PROGRAMS.filter((p) => p !== 'cli' && p !== 'benchmark'));
  makeForkDir(partial, 'redis', ['cli', 'benchmark']);
  makeForkDir(onPathDir, 'valkey', ['cli']);
  const mixed = resolveTools(partialServer, onPathDir);
  t.equal(mixed.tools['redis-cli'], path.join(onPathDir, 'valkey-cli'), 'the prefix on PATH comes before redis-*');
  t.equal(mixed.tools['redis-check-aof'], path.join(partial, 'valkey-check-aof'));
  // No valkey-benchmark anywhere: redis-benchmark beside the server, named in one warning line.
  t.equal(mixed.tools['redis-benchmark'], path.join(partial, 'redis-benchmark'), 'redis-* beside the server before redis-* on PATH');
  t.same(mixed.warnings, [`warning: no valkey-benchmark beside ${partialServer} or on PATH: using ${path.join(partial, 'redis-benchmark')}, another fork's tool`]);

  // Only Debian's redis-* on PATH: each missing valkey tool falls back there, one line per tool.
  const lone = makeForkDir(path.join(root, 'lone'), 'valkey', ['server', 'cli']);
  const fallback = resolveTools(lone, `${onPathDir}${path.delimiter}${DEBIAN_BIN}`);
  t.equal(fallback.tools['redis-cli'], path.join(root, 'lone', 'valkey-cli'));
  t.equal(fallback.tools['redis-benchmark'], path.join(DEBIAN_BIN, 'redis-benchmark'));
  t.same(fallback.warnings, ['benchmark', 'check-aof', 'check-rdb'].map(
    (role) => `warning: no valkey-${role} beside ${lone} or on PATH: using ${path.join(DEBIAN_BIN, `redis-${role}`)}, another fork's tool`,
  ));

  // Nothing anywhere: the fork's own name (the exec fails clearly) and a warning saying so.
  const none = resolveTools(makeForkDir(path.join(root, 'none'), 'valkey', ['server']), onPathDir);
  t.equal(none.tools['redis-check-rdb'], 'valkey-check-rdb');
  t.match(none.warnings.join('\n'), /^warning: no valkey-check-rdb \(nor redis-check-rdb\) beside .* or on PATH: tests that run it will fail$/m);

  // Debian's own server: its redis-* beside it, no warning; an external server: PATH only.
  const debian = resolveTools(path.join(DEBIAN_BIN, 'redis-server'), onPathDir);
  t.same(Object.values(debian.tools), TOOL_NAMES.map((tool) => path.join(DEBIAN_BIN, tool)));
  t.same(debian.warnings, []);
  t.same(resolveTools(null, DEBIAN_BIN).tools['redis-cli'], path.join(DEBIAN_BIN, 'redis-cli'));
});

t.test('the links stand in for a fork build: each program runs in its own role', async (t) => {
  const dir = path.join(scratch(t), 'valkey');
  makeForkDir(dir, 'valkey');
  const version = await execa(path.join(dir, 'valkey-server'), ['--version']);
  t.match(version.stdout, /^Redis server v=7\.0\.15 /);
  const cli = await execa(path.join(dir, 'valkey-cli'), ['--version']);
  t.match(cli.stdout, /^redis-cli 7\.0\.15/);
  // Started under another name, the check tools would run as a server: they must check.
  const rdb = await execa(path.join(dir, 'valkey-check-rdb'), [path.join(dir, 'missing.rdb')], { reject: false, all: true });
  t.match(rdb.all, /^\[offset 0\] Checking RDB file /m);
  t.equal(rdb.exitCode, 1);
  t.notMatch(rdb.all, /Ready to accept|Server initialized/);
  const aof = await execa(path.join(dir, 'valkey-check-aof'), [], { reject: false, all: true });
  t.match(aof.all, /Usage: .*redis-check-aof/);
});

t.test('./runtest --server DIR/valkey-server: header, tools used, one warning, messages in Valkey\'s name', async (t) => {
  const tmp = scratch(t);
  const server = makeForkDir(path.join(tmp, 'valkey'), 'valkey', FORK_PROGRAMS.filter((p) => p !== 'benchmark'));
  const json = path.join(tmp, 'report.json');
  const r = await runtest(
    ['--server', server, '--clients', '1', '--json', json, '--single', 'integration/fork-tools', '--single', 'integration/bad-start', '--single', 'integration/leaky'],
    tmp,
    59000,
  );
  const dir = path.dirname(server);
  t.match(r.stdout, new RegExp(`^server: ${server} \\(redis 7\\.0\\.15\\)$`, 'm'), 'the binary with its name and version');
  const tools = `${dir}/valkey-cli ${DEBIAN_BIN}/redis-benchmark ${dir}/valkey-check-aof ${dir}/valkey-check-rdb`;
  t.match(r.stdout, new RegExp(`^tools: ${tools}$`, 'm'), 'the tools it uses');
  const warnings = r.stderr.split('\n').filter((line) => line.startsWith('warning:'));
  t.same(warnings, [`warning: no valkey-benchmark beside ${server} or on PATH: using ${DEBIAN_BIN}/redis-benchmark, another fork's tool`], 'one warning line, naming the tool');

  t.match(r.stdout, new RegExp(`^tool redis-cli: ${dir}/valkey-cli$`, 'm'), 'suites run the server\'s own cli');
  t.match(r.stdout, new RegExp(`^tool redis-benchmark: ${DEBIAN_BIN}/redis-benchmark$`, 'm'));
  t.match(r.stdout, /^\[ok\]: tools run as the server build names them \(\d+ ms\)$/m);
  t.match(r.stdout, /^\[err\]: start_server in suites\/integration\/bad-start\.ts\nCan't start the Valkey server\nCONFIGURATION:/m);
  t.match(r.stdout, /^Killing still running Valkey server \d+$/m);
  t.equal(r.exitCode, 1, 'bad-start failed');

  const report = JSON.parse(readFileSync(json, 'utf8'));
  t.match(report, { server, serverName: 'redis', serverVersion: '7.0.15', tools: { 'redis-cli': `${dir}/valkey-cli`, 'redis-benchmark': `${DEBIAN_BIN}/redis-benchmark` } });
  t.same(processesUnder(tmp), [], 'no server left');
});

t.test('--other-server: otherServer blocks start it; without it needs:other-server is left out with its reason', async (t) => {
  const tmp = scratch(t);
  const other = makeForkDir(path.join(tmp, 'valkey'), 'valkey');
  const withOther = await runtest(['--other-server', other, '--single', 'integration/other-server'], tmp, 59400);
  t.equal(withOther.exitCode, 0, withOther.all);
  t.match(withOther.stdout, new RegExp(`^other server: ${other} \\(redis 7\\.0\\.15\\)$`, 'm'));
  t.match(withOther.stdout, new RegExp(`^server started as /\\S+/redis-server, other server as ${other}$`, 'm'));
  t.match(withOther.stdout, /^\[ok\]: otherServer blocks start the --other-server binary/m);

  const without = await runtest(['--single', 'integration/other-server'], tmp, 59800);
  t.equal(without.exitCode, 0, without.all);
  t.match(without.stdout, /^\[ignore\]: needs:other-server: pass --other-server PATH to run it$/m);
  t.notMatch(without.stdout, /\[ok\]/);

  const missing = await runtest(['--other-server', path.join(tmp, 'nope', 'valkey-server'), '--single', 'integration/other-server'], tmp, 59800);
  t.equal(missing.exitCode, 1);
  t.match(missing.stderr, /^server binary not found: \S+nope\/valkey-server does not exist \(pass --other-server with the path of a redis-server, valkey-server\.\.\.\)$/m);
  t.same(processesUnder(tmp), [], 'no server left');
});
