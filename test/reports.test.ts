import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { processesUnder } from './support/env.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');

function isolated(t: { teardown: (fn: () => void) => void }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-reports-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  return { tmp, env: { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: path.join(tmp, 'runs'), NO_COLOR: '1' } };
}

function runtest(args: string[], env: Record<string, string>) {
  return execa(RUNTEST, ['--baseport', '55000', '--portcount', '400', ...args], { env, reject: false, all: true });
}

/** The testcase elements of a JUnit file, read back with their failure text. */
function parseJunit(xml: string): Array<{ classname: string; name: string; time: number; failure?: string; systemErr?: string; skipped: boolean }> {
  const cases: Array<{ classname: string; name: string; time: number; failure?: string; systemErr?: string; skipped: boolean }> = [];
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const m of xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" time="([^"]*)"(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[5] ?? '';
    const failure = /<failure message="([^"]*)"/.exec(body)?.[1];
    const systemErr = /<system-err>(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?<\/system-err>/.exec(body)?.[1];
    cases.push({ classname: unescape(m[1]), name: unescape(m[2]), time: Number(m[3]), failure: failure && unescape(failure), systemErr: systemErr && unescape(systemErr), skipped: body.includes('<skipped') });
  }
  return cases;
}

t.test('JUnit, JSON and artifacts of a run with one failing test', async (t) => {
  const { tmp, env } = isolated(t);
  const junitFile = path.join(tmp, 'out', 'junit.xml');
  const jsonFile = path.join(tmp, 'out', 'report.json');
  const artifacts = path.join(tmp, 'artifacts');
  const r = await runtest(['--single', 'integration/failing', '--seed', '77', '--junit', junitFile, '--json', jsonFile, '--artifacts', artifacts], env);
  t.equal(r.exitCode, 1);

  const cases = parseJunit(readFileSync(junitFile, 'utf8'));
  t.same(cases.map((c) => `${c.classname} / ${c.name}`), [
    'integration/failing / passes before',
    'integration/failing / fails on purpose',
    'integration/failing / passes after',
  ]);
  const failed = cases.find((c) => c.failure !== undefined)!;
  t.equal(failed.name, 'fails on purpose');
  t.equal(failed.failure, "Expected '1' to be equal to '2'");
  t.match(failed.systemErr, /rerun: \.\/runtest --single integration\/failing --only 'fails on purpose' --seed 77/);
  t.match(failed.systemErr, /last \d+ log lines/);
  t.match(failed.systemErr, /Ready to accept connections/, 'server log excerpt');
  t.ok(cases.every((c) => Number.isFinite(c.time)));

  const json = JSON.parse(readFileSync(jsonFile, 'utf8'));
  t.equal(json.seed, 77);
  t.same(json.units.map((u: { unit: string }) => u.unit), ['integration/failing']);
  const record = json.tests.find((x: { name: string }) => x.name === 'fails on purpose');
  t.equal(record.status, 'failed');
  t.equal(record.servers.length, 1);
  t.match(record.servers[0], { label: /^srv 0 master :\d+$/, port: Number });

  // The failure's artifact folder: config, logs, data dir listing, one merged timeline.
  const folder = record.artifacts as string;
  t.ok(folder.startsWith(artifacts), 'under --artifacts');
  t.match(r.all, new RegExp(`Artifacts: ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const serverDir = path.join(folder, `server-${record.servers[0].port}`);
  for (const file of ['redis.conf', 'stdout.log', 'stderr.log', 'dir-listing.txt']) t.ok(existsSync(path.join(serverDir, file)), file);
  const timeline = readFileSync(path.join(folder, 'timeline.log'), 'utf8');
  t.match(timeline, /\[harness\] test start: fails on purpose/);
  t.match(timeline, /\[harness\] test failed: fails on purpose/);
  t.match(timeline, /\[:\d+\] spawn pid \d+/);
  t.match(timeline, /\[srv 0 master :\d+\] \d+:M .* Ready to accept connections/);
  const lines = timeline.trim().split('\n').slice(1);
  const times = lines.map((l) => l.slice(0, 12));
  t.same(times, [...times].sort(), 'lines merged in time order');
  const spawnAt = lines.findIndex((l) => / spawn pid /.test(l));
  const readyAt = lines.findIndex((l) => /Ready to accept/.test(l));
  const failAt = lines.findIndex((l) => /test failed/.test(l));
  t.ok(spawnAt < readyAt && readyAt < failAt, 'spawn, then ready, then the failure');
});

t.test('TAP 14 stream instead of the Tcl lines', async (t) => {
  const { env } = isolated(t);
  const r = await runtest(['--single', 'integration/failing', '--tap'], env);
  const lines = r.stdout.split('\n');
  t.equal(lines[0], 'TAP version 14');
  t.ok(lines.some((l) => /^ok 1 - integration\/failing: passes before # time=\d+ms$/.test(l)));
  t.ok(lines.includes('not ok 2 - integration/failing: fails on purpose'));
  t.ok(lines.includes('1..3'));
  t.notOk(lines.some((l) => l.startsWith('[ok]')), 'no Tcl lines outside comments');
  t.equal(lines.at(-1), '2 passed, 1 failed');
});

t.test('--test-timeout: the hung test fails, its servers die, logs are kept, the run goes on', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await runtest(['--single', 'integration/slow', '--single', 'integration/passing', '--clients', '1', '--test-timeout', '2'], env);
  t.equal(r.exitCode, 1);
  t.match(r.all, /^\[err\]: waits a long time in suites\/integration\/slow\.ts\nTest timed out after 2 seconds \(--test-timeout\): waits a long time/m);
  t.match(r.all, /Artifacts: .*waits_a_long_time/);
  t.match(r.all, /^\[ok\]: SET and GET/m, 'next unit ran');
  t.notMatch(r.all, /\[exception\]/);
  t.match(r.all, /\n3 passed, 1 failed/);
  t.same(processesUnder(tmp), [], 'no server left');
});

t.test('--loops ends with the flake table: per-test runs, failures, and each failing pass with its rerun', async (t) => {
  const { env } = isolated(t);
  const r = await runtest(['--single', 'integration/failing', '--loops', '2'], env);
  t.match(r.all, /^Flake table \(2 passes\):$/m);
  t.match(r.all, /^ {2}0\/2 +0\.0% +\[0\.0%, \d+\.\d%\] +integration\/failing: passes before$/m);
  t.match(r.all, /^ {2}2\/2 +100\.0% +\[\d+\.\d%, 100\.0%\] +integration\/failing: fails on purpose\n {6}pass 1, seed (\d+): \.\/runtest --single integration\/failing --only 'fails on purpose' --seed \1\n {6}pass 2, seed \1: /m);
  t.match(r.all, /\n4 passed, 2 failed/);
  const until = await runtest(['--single', 'integration/failing', '--until-fail'], env);
  t.match(until.all, /\n2 passed, 1 failed/, 'stops after the first failing pass');
});

t.test('--shard K/N: the shards together take every unit exactly once', async (t) => {
  const { env } = isolated(t);
  const all = (await runtest(['--list-tests'], env)).stdout.trim().split('\n');
  const parts: string[][] = [];
  for (let k = 1; k <= 3; k++) {
    const r = await runtest(['--list-tests', '--shard', `${k}/3`], env);
    t.match(r.stdout, new RegExp(`^shard ${k}/3: `));
    parts.push(r.stdout.trim().split('\n').slice(1));
  }
  const union = parts.flat();
  t.equal(union.length, all.length, 'no unit twice');
  t.same([...union].sort(), [...all].sort(), 'every unit once');
});
