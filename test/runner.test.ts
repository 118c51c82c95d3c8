import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { processesUnder } from './support/env.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');

function isolated(t: { teardown: (fn: () => void) => void }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-runner-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  return { tmp, env: { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: tmp, NO_COLOR: '1' } };
}

function runtest(args: string[], env: Record<string, string>) {
  return execa(RUNTEST, ['--baseport', '54000', '--portcount', '400', ...args], { env, reject: false, all: true });
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return new RegExp(`^PPid:\\s+${parent}$`, 'm').test(readFileSync(`/proc/${e}/status`, 'utf8'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

t.test('a passing unit: Tcl lines, summary, exit 0, run dir removed', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await runtest(['--single', 'integration/passing', '--seed', '5'], env);
  t.equal(r.exitCode, 0, r.all);
  t.match(r.all, /^Testing integration\/passing$/m);
  t.match(r.all, /^\[ok\]: SET and GET \(\d+ ms\)$/m);
  t.match(r.all, /^\[ok\]: a slow test \(\d+ ms\)$/m);
  t.match(r.all, /^\[1\/1 done\]: integration\/passing \(\d+ seconds\)$/m);
  t.match(r.all, /\\o\/ All tests passed without errors!/);
  t.match(r.all, /\n3 passed, 0 failed$/);
  t.same(readdirSync(tmp), [], 'nothing left in tmp');
});

t.test('tags filter like Tcl: deny gives [ignore], allow keeps only matching', async (t) => {
  const { env } = isolated(t);
  const denied = await runtest(['--single', 'integration/passing', '--tags', '-slow'], env);
  t.match(denied.all, /^\[ignore\]: a slow test: Tag: slow denied$/m);
  t.match(denied.all, /^2 passed, 0 failed$/m);
  const only = await runtest(['--single', 'integration/passing', '--only', '/^SET'], env);
  t.match(only.all, /^\[skip\]: a slow test$/m);
  t.match(only.all, /^1 passed, 0 failed, 2 skipped$/m);
});

t.test('a failing test: [err] with message, rerun line, warning list, exit 1, logs kept', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await runtest(['--single', 'integration/failing', '--seed', '42'], env);
  t.equal(r.exitCode, 1);
  t.match(r.all, /^\[err\]: fails on purpose in suites\/integration\/failing\.ts\nExpected '1' to be equal to '2'$/m);
  t.match(r.all, /rerun: \.\/runtest --single integration\/failing --only 'fails on purpose' --seed 42/);
  t.match(r.all, /^\[ok\]: passes after/m, 'the unit goes on after an assertion');
  t.match(r.all, /!!! WARNING The following tests failed:\n\n\*\*\* \[err\]: fails on purpose/);
  t.match(r.all, /\n2 passed, 1 failed$/);
  t.equal(readdirSync(tmp).length, 1, 'run dir kept for its logs');
});

t.test('a worker that dies is an [exception] for its unit; other units go on; no server left', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await runtest(['--single', 'integration/crashing', '--single', 'integration/passing', '--clients', '1'], env);
  t.equal(r.exitCode, 1);
  t.match(r.all, /^\[exception\]: integration\/crashing: worker 0 died \(exit code 3\) while running it$/m);
  t.match(r.all, /^\[ok\]: SET and GET/m);
  t.same(processesUnder(tmp), [], 'the dead worker\'s server was killed');
});

t.test('SIGINT in the middle of a run leaves no server running', async (t) => {
  const { tmp, env } = isolated(t);
  const child = execa(RUNTEST, ['--baseport', '54500', '--portcount', '400', '--single', 'integration/slow'], { env, reject: false, all: true });
  let output = '';
  child.all!.on('data', (b: Buffer) => (output += b.toString()));
  const deadline = Date.now() + 30_000;
  while (processesUnder(tmp).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const servers = processesUnder(tmp);
  t.equal(servers.length, 2, 'two servers were running');
  child.kill('SIGINT');
  const r = await child;
  t.not(r.exitCode, 0);
  t.match(output, /Interrupted by SIGINT/);
  await new Promise((r) => setTimeout(r, 200));
  t.same(processesUnder(tmp), [], 'no server outlives the run');
});

t.test('a run cleans what an earlier killed run left', async (t) => {
  const { tmp, env } = isolated(t);
  const child = execa(RUNTEST, ['--baseport', '54500', '--portcount', '400', '--single', 'integration/slow'], { env, reject: false });
  const deadline = Date.now() + 30_000;
  while (processesUnder(tmp).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // SIGKILL the workers, then the runner: nobody is left to clean up, the servers survive them.
  const runner = child.pid!;
  const workers = childrenOf(runner);
  for (const pid of workers) process.kill(pid, 'SIGKILL');
  process.kill(runner, 'SIGKILL');
  await child;
  await new Promise((r) => setTimeout(r, 500));
  t.ok(processesUnder(tmp).length >= 1, 'servers of the killed run are still there');
  const next = await runtest(['--single', 'integration/passing'], env);
  t.match(next.all, /Killed process \d+ left running by an earlier run/);
  t.same(processesUnder(tmp), [], 'all cleaned');
});

t.test('independent blocks split across workers yet draw the same seeded names', async (t) => {
  const { env } = isolated(t);
  const names = (out: string) => out.split('\n').filter((l) => l.startsWith('[ok]')).map((l) => l.replace(/ \(\d+ ms\)$/, '')).sort();
  const split = await runtest(['--single', 'integration/blocks', '--seed', '9', '--clients', '3'], env);
  const whole = await runtest(['--single', 'integration/blocks', '--seed', '9', '--clients', '1'], env);
  const other = await runtest(['--single', 'integration/blocks', '--seed', '10', '--clients', '1'], env);
  t.equal(split.exitCode, 0, split.all);
  t.equal(names(split.all).length, 3);
  t.same(names(split.all), names(whole.all), 'same names whether split or not');
  t.notSame(names(whole.all), names(other.all), 'another seed draws other names');
  t.match(split.all, /^\[1\/1 done\]: integration\/blocks/m, 'one done line for the unit');
});

t.test('command line errors are one clear line and exit 1', async (t) => {
  const { env } = isolated(t);
  const unknown = await runtest(['--bogus'], env);
  t.equal(unknown.exitCode, 1);
  t.equal(unknown.all!.trim().split('\n').length, 1);
  t.match(unknown.all, /Wrong argument: --bogus/);
  const missing = await runtest(['--server', '/nonexistent/redis-server', '--single', 'integration/passing'], env);
  t.equal(missing.exitCode, 1);
  t.match(missing.all, /server binary not found: \/nonexistent\/redis-server does not exist/);
  const badUnit = await runtest(['--single', 'integration/nope'], env);
  t.equal(badUnit.exitCode, 1);
  t.match(badUnit.all, /unknown unit 'integration\/nope'/);
  const list = await runtest(['--list-tests'], env);
  t.equal(list.exitCode, 0);
  t.match(list.all, /integration\/passing/);
});

t.test('external mode: a server holding keys is left untouched unless --flush-external', async (t) => {
  const { tmp, env } = isolated(t);
  const port = 54990;
  const server = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', tmp, '--enable-debug-command', 'yes'], { reject: false });
  t.teardown(() => server.kill('SIGKILL'));
  const cli = (...args: string[]) => execa('redis-cli', ['-p', String(port), ...args], { reject: false });
  const deadline = Date.now() + 5000;
  while ((await cli('ping')).stdout !== 'PONG' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await cli('set', 'user:data', 'precious');

  const refused = await execa(RUNTEST, ['--host', '127.0.0.1', '--port', String(port), '--single', 'integration/passing'], { env, reject: false, all: true });
  t.equal(refused.exitCode, 1);
  t.match(refused.all, /^\[exception\]: the server at 127\.0\.0\.1:54990 holds 1 key\(s\); the suites flush it: pass --flush-external to allow that$/m);
  t.equal((await cli('get', 'user:data')).stdout, 'precious', 'the key is still there');

  const allowed = await execa(RUNTEST, ['--host', '127.0.0.1', '--port', String(port), '--single', 'integration/passing', '--flush-external'], { env, reject: false, all: true });
  t.equal(allowed.exitCode, 0, allowed.all);
  t.match(allowed.all, /^\[ignore\]: Not supported on external server$/m);
  t.match(allowed.all, /^2 passed, 0 failed$/m);

  // The keys one unit leaves are the run's own: the next unit of the same run is not refused.
  await cli('flushall');
  const twoUnits = await execa(RUNTEST, ['--host', '127.0.0.1', '--port', String(port), '--single', 'integration/passing', '--single', 'integration/config-leak'], { env, reject: false, all: true });
  t.equal(twoUnits.exitCode, 0, twoUnits.all);
  t.match(twoUnits.all, /^3 passed, 0 failed$/m);
});

t.test('external mode: each unit ends with the configuration it found on the server', async (t) => {
  const { tmp, env } = isolated(t);
  const port = 54991;
  const server = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', tmp], { reject: false });
  t.teardown(() => server.kill('SIGKILL'));
  const cli = (...args: string[]) => execa('redis-cli', ['-p', String(port), ...args], { reject: false });
  const deadline = Date.now() + 5000;
  while ((await cli('ping')).stdout !== 'PONG' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await cli('config', 'set', 'hash-max-listpack-entries', '77');

  const r = await execa(RUNTEST, ['--host', '127.0.0.1', '--port', String(port), '--single', 'integration/config-leak'], { env, reject: false, all: true });
  t.equal(r.exitCode, 0, r.all);
  t.match(r.all, /^\[ok\]: leaves hash-max-listpack-entries at 2 \(\d+ ms\)$/m, 'the test did change it');
  t.equal((await cli('config', 'get', 'hash-max-listpack-entries')).stdout, 'hash-max-listpack-entries\n77', 'the value found before the unit is back');
});

t.test('the global --timeout watchdog names the test in progress, kills its servers and fails the run', async (t) => {
  const { tmp, env } = isolated(t);
  // 10 s, not less: the two servers the fixture starts before its test are no progress, and on a
  // loaded machine they took over 3 s, so the watchdog fired before the test was in progress.
  const r = await runtest(['--single', 'integration/slow', '--timeout', '10'], env);
  t.equal(r.exitCode, 1);
  t.match(r.all, /^\[TIMEOUT\]: clients state report follows\.$/m);
  t.match(r.all, /^worker 0 => \(IN PROGRESS\) waits a long time$/m);
  t.match(r.all, /\*\*\* \[TIMEOUT\]: no progress for 10 seconds/);
  t.same(processesUnder(tmp), [], 'its servers were killed');
});

/** Each unit's multiset of [ok] names: "unit<TAB>name" -> count. */
function okNames(output: string): Map<string, number> {
  const names = new Map<string, number>();
  for (const m of output.matchAll(/^\[ok\]: (.*) \(\d+ ms\)$/gm)) names.set(m[1], (names.get(m[1]) ?? 0) + 1);
  return names;
}

t.test('--clients 1 and --clients 8 run the same multiset of tests (split units included)', async (t) => {
  const { env } = isolated(t);
  const units = ['--single', 'integration/split', '--single', 'integration/blocks', '--single', 'integration/passing', '--seed', '11'];
  const one = await runtest([...units, '--clients', '1'], env);
  t.equal(one.exitCode, 0, one.all);
  t.equal([...okNames(one.all).values()].reduce((a, b) => a + b, 0), 12 + 3 + 3, 'every test of the three units');
  t.equal(okNames(one.all).get('split: the same name in every block'), 6);
  // The last worker comes up late, after the first has split its unit: it must not be handed two tasks.
  for (const lateMs of [0, 200, 500]) {
    const eight = await runtest([...units, '--clients', '8'], { ...env, RUNTEST_LATE_WORKER_MS: String(lateMs) });
    t.equal(eight.exitCode, 0, eight.all);
    t.same(okNames(eight.all), okNames(one.all), `last worker ready ${lateMs} ms late: same names, same counts`);
  }
});

t.test('a run_solo block runs after every other unit has ended, alone', async (t) => {
  const { tmp, env } = isolated(t);
  const json = path.join(tmp, 'report.json');
  const r = await runtest(['--single', 'integration/solo', '--single', 'integration/split', '--single', 'integration/passing', '--clients', '4', '--json', json], env);
  t.equal(r.exitCode, 0, r.all);
  t.match(r.all, /^Testing integration\/solo \(solo: alone\)$/m);
  t.match(r.all, /^\[ignore\]: large memory flag not provided$/m);
  t.notMatch(r.all, /a solo block whose tags are denied/);
  const tests = (JSON.parse(readFileSync(json, 'utf8')) as { tests: Array<{ name: string; ms: number; endedAt: number }> }).tests;
  const solo = tests.filter((x) => x.name === 'the solo block runs alone, after every other unit');
  t.equal(solo.length, 1, 'the solo test ran once');
  const others = tests.filter((x) => x !== solo[0]);
  t.equal(others.length, 2 + 12 + 3, 'and every other test of the three units');
  const soloStart = solo[0].endedAt - solo[0].ms;
  const lastOther = Math.max(...others.map((x) => x.endedAt));
  t.ok(soloStart >= lastOther, `solo started at +${soloStart - lastOther} ms after the last other test ended`);
  t.comment(`timestamps: last other test ended ${new Date(lastOther).toISOString()}, solo test ${new Date(soloStart).toISOString()} - ${new Date(solo[0].endedAt).toISOString()}`);
});

t.test('modes and tags: --cluster-mode skips cluster:skip, --tags -needs:debug denies, large-memory needs its flag', async (t) => {
  const { env } = isolated(t);
  const plain = await runtest(['--single', 'integration/tagged'], env);
  t.match(plain.all, /^\[ok\]: cluster:skip test \(\d+ ms\)$/m);
  t.match(plain.all, /^\[ok\]: needs:debug test \(\d+ ms\)$/m);
  t.match(plain.all, /^\[ignore\]: large-memory test: large memory flag not provided$/m);
  t.match(plain.all, /^3 passed, 0 failed$/m);
  const cluster = await runtest(['--single', 'integration/tagged', '--cluster-mode'], env);
  t.match(cluster.all, /^\[ignore\]: cluster:skip test: Not supported in cluster mode$/m);
  t.match(cluster.all, /^2 passed, 0 failed$/m);
  const nodebug = await runtest(['--single', 'integration/tagged', '--tags', '-needs:debug'], env);
  t.match(nodebug.all, /^\[ignore\]: needs:debug test: Tag: needs:debug denied$/m);
  t.match(nodebug.all, /^2 passed, 0 failed$/m);
  const large = await runtest(['--single', 'integration/tagged', '--large-memory'], env);
  t.match(large.all, /^\[ok\]: large-memory test \(\d+ ms\)$/m);
  t.match(large.all, /^4 passed, 0 failed$/m);
});

t.test('--tls: the run makes its certificates, every test speaks TLS, and nothing is left behind', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await runtest(['--tls', '--single', 'integration/passing', '--seed', '5'], env);
  t.equal(r.exitCode, 0, r.all);
  t.match(r.all, /^runtest-ts: 1 unit\(s\) against .* over TLS,/m);
  t.match(r.all, /^\[ok\]: SET and GET \(\d+ ms\)$/m);
  t.match(r.all, /\n3 passed, 0 failed$/);
  t.same(readdirSync(tmp), [], 'the run dir, certificates included, is removed');
});

t.test('--tls without openssl: one line naming the fix, exit 1, no run dir left', async (t) => {
  const { tmp, env } = isolated(t);
  // A PATH with node and what ./runtest's shell wrapper uses, but no openssl.
  const bin = mkdtempSync(path.join(os.tmpdir(), 'runtest-nossl-'));
  t.teardown(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const tool of ['bash', 'dirname', 'realpath']) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
  const r = await runtest(['--tls', '--single', 'integration/passing', '--server', '/usr/bin/redis-server'], { ...env, PATH: bin });
  t.equal(r.exitCode, 1, r.all);
  t.match(r.all, /^--tls needs the openssl command to make certificates: install it \(bash scripts\/setup\.sh does\)$/m);
  t.same(readdirSync(tmp), [], 'no run dir left');
});
