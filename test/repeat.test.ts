import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { wilsonInterval } from '../harness/runner/flakes.ts';
import { processesUnder } from './support/env.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');

function isolated(t: { teardown: (fn: () => void) => void }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-repeat-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  return { tmp, env: { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: tmp, NO_COLOR: '1', GITHUB_ACTIONS: '' } };
}

function runtest(args: string[], env: Record<string, string>) {
  return execa(RUNTEST, ['--baseport', '55600', '--portcount', '400', ...args], { env, reject: false, all: true });
}

/** The command a flake-table line gives for one failing run, by test and copy. */
function flakeReruns(output: string, test: string): Map<number, { seed: number; command: string }> {
  const table = output.slice(output.indexOf('Flake table'));
  const block = table.slice(table.indexOf(test)).split('\n').slice(1);
  const runs = new Map<number, { seed: number; command: string }>();
  for (const line of block) {
    const m = /^ {6}copy (\d+), seed (\d+): (.*)$/.exec(line);
    if (!m) break;
    runs.set(Number(m[1]), { seed: Number(m[2]), command: m[3] });
  }
  return runs;
}

t.test('Wilson 95% interval: the known values', async (t) => {
  const [low, high] = wilsonInterval(8, 8);
  t.equal(low.toFixed(4), '0.6756');
  t.equal(high, 1);
  const [l2, h2] = wilsonInterval(0, 16);
  t.equal(l2, 0);
  t.equal(h2.toFixed(4), '0.1936');
  const [l3, h3] = wilsonInterval(5, 10);
  t.equal(l3.toFixed(4), '0.2366');
  t.equal(h3.toFixed(4), '0.7634');
});

t.test('--repeat 8: copies under their own seeds, 8/8 failed, a flake table whose command reruns exactly that copy', async (t) => {
  const { env } = isolated(t);
  const r = await runtest(['--single', 'integration/seeded-failures', '--repeat', '8', '--seed', '3', '--clients', '4'], env);
  t.equal(r.exitCode, 1);
  for (let k = 1; k <= 8; k++) t.match(r.all, new RegExp(`^Testing integration/seeded-failures \\(copy ${k}/8\\)$`, 'm'));
  const done = [...r.all.matchAll(/^\[(\d+)\/(\d+) done\]: integration\/seeded-failures \(copy (\d+)\/8\)/gm)];
  t.same(done.map((m) => Number(m[1])), [1, 2, 3, 4, 5, 6, 7, 8], '[k/n done] counts every copy once');
  t.ok(done.every((m) => m[2] === '8'), 'out of 8');
  t.same(done.map((m) => Number(m[3])).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8], 'each copy done once');

  t.match(r.all, /^Flake table \(8 copies\):$/m);
  t.match(r.all, /^ {2}0\/8 +0\.0% +\[0\.0%, 32\.4%\] +integration\/seeded-failures: always passes$/m);
  t.match(r.all, /^ {2}8\/8 +100\.0% +\[67\.6%, 100\.0%\] +integration\/seeded-failures: fails on purpose with a seeded draw$/m);
  const reruns = flakeReruns(r.all, 'fails on purpose with a seeded draw');
  t.same([...reruns.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8], 'a rerun line per failing copy');
  t.equal(new Set([...reruns.values()].map((x) => x.seed)).size, 8, 'every copy has its own seed');
  for (const { seed, command } of reruns.values()) t.equal(command, `./runtest --single integration/seeded-failures --seed ${seed}`);

  // The draw each copy failed with, from its [err] block.
  const draws = new Map<number, string>();
  for (const m of r.all.matchAll(/^\[err\]: fails on purpose with a seeded draw in \S+\n(Expected '\d+' to be equal to '-\d+')\n(?:Artifacts: .*\n)?\(copy (\d+)\/8, seed (\d+)\) rerun: (.*)$/gm)) {
    draws.set(Number(m[2]), m[1]);
    t.equal(Number(m[3]), reruns.get(Number(m[2]))!.seed, `copy ${m[2]}: [err] and flake table name the same seed`);
  }
  t.equal(draws.size, 8, 'each copy printed its seed with its failure');
  t.ok(new Set(draws.values()).size > 1, 'the copies drew different values');

  // Rerunning copy 5 alone, with the command given, fails with that copy's very draw.
  const rerun = reruns.get(5)!.command.split(' ').slice(1);
  const again = await runtest(rerun, env);
  t.equal(again.exitCode, 1);
  t.match(again.all, `[err]: fails on purpose with a seeded draw in suites/integration/seeded-failures.ts\n${draws.get(5)}`);
  const odd = /fails when its draw is odd/.test(r.all.slice(r.all.indexOf('Flake table')).split('\n').filter((l) => l.includes('copy 5,')).join('\n'));
  t.comment(`copy 5: ${draws.get(5)}; its odd-draw test ${odd ? 'failed' : 'passed'} in the repeat run`);

  // --seed makes the whole set reproducible.
  const same = await runtest(['--single', 'integration/seeded-failures', '--repeat', '8', '--seed', '3', '--clients', '4'], env);
  t.same(flakeReruns(same.all, 'fails on purpose with a seeded draw'), reruns, 'the same seeds and commands under the same --seed');
});

t.test('--repeat splits independent blocks of every copy and counts each copy done once', async (t) => {
  const { env } = isolated(t);
  const r = await runtest(['--single', 'integration/split', '--repeat', '3', '--clients', '4', '--seed', '9'], env);
  t.equal(r.exitCode, 0, r.all);
  t.equal([...r.all.matchAll(/^\[ok\]: split block \d /gm)].length, 18, 'six blocks of three copies');
  const done = [...r.all.matchAll(/^\[(\d+)\/(\d+) done\]: integration\/split \(copy (\d)\/3\)/gm)];
  t.same(done.map((m) => `${m[1]}/${m[2]}`), ['1/3', '2/3', '3/3'], 'one done line per copy, after its last block');
  t.same(done.map((m) => m[3]).sort(), ['1', '2', '3']);
  t.match(r.all, /^ {2}0\/3 +0\.0% +\[0\.0%, 56\.\d%\] +integration\/split: split block 1$/m);
  t.match(r.all, /^ {2}0\/18 +0\.0% +\[0\.0%, \d+\.\d%\] +integration\/split: split: the same name in every block$/m);
  t.notMatch(r.all, /\[exception\]/);
});

t.test('--repeat with --loops: passes x copies, counters right', async (t) => {
  const { env } = isolated(t);
  const r = await runtest(['--single', 'integration/seeded-failures', '--repeat', '2', '--loops', '2', '--clients', '2', '--seed', '4'], env);
  const done = [...r.all.matchAll(/^\[(\d+)\/(\d+) done\]/gm)].map((m) => `${m[1]}/${m[2]}`);
  t.same(done, ['1/4', '2/4', '3/4', '4/4'], 'the total counts every pass from the start (valkey-io/valkey#2524)');
  t.match(r.all, /^Flake table \(2 copies x 2 passes\):$/m);
  t.match(r.all, /^ {2}4\/4 +100\.0% .*fails on purpose with a seeded draw$/m);
  t.match(r.all, /^ {6}pass 2, copy 1, seed \d+: /m);
});

t.test('--repeat with --until-fail: the first failure stops every copy, nothing left running, logs kept', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await runtest(['--single', 'integration/seeded-failures', '--repeat', '4', '--until-fail', '--clients', '4', '--seed', '5'], env);
  t.equal(r.exitCode, 1);
  t.equal([...r.all.matchAll(/^Testing integration\/seeded-failures \(copy 1\/4\)$/gm)].length, 1, 'one pass only');
  t.match(r.all, /^ {2}\(--until-fail: \d cop(y|ies) still running at the first failure (was|were) stopped; their logs are kept\)$/m);
  const runs = /^ {2}(\d)\/(\d) .*fails on purpose with a seeded draw$/m.exec(r.all);
  t.ok(runs && Number(runs[1]) >= 1 && Number(runs[2]) < 4, `stopped before every copy reported: ${runs?.[0]}`);
  const kept = /Server logs kept in (\S+)/.exec(r.all)?.[1] ?? '';
  t.ok(kept.startsWith(tmp), 'the run dir is kept');
  t.ok(readdirSync(path.join(kept, 'artifacts')).length >= 1, 'with the failed test\'s artifacts');
  t.same(processesUnder(tmp), [], 'no server left running');
});

t.test('GITHUB_ACTIONS=true: a ::error line at the failed test\'s line in its suite file', async (t) => {
  const { env } = isolated(t);
  const r = await runtest(['--single', 'integration/failing', '--seed', '42'], { ...env, GITHUB_ACTIONS: 'true' });
  const file = 'test/fixture-suites/integration/failing.ts';
  const line = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').findIndex((l) => l.includes("test('fails on purpose'")) + 1;
  const annotations = r.all.split('\n').filter((l) => l.startsWith('::error '));
  t.equal(annotations.length, 1, 'one annotation for the one failure');
  t.match(annotations[0], `::error file=${file},line=${line}::fails on purpose: Expected '1' to be equal to '2'%0A`);
  t.match(annotations[0], /%0A\(seed 42\) rerun: \.\/runtest --single integration\/failing --only 'fails on purpose' --seed 42$/);
  const plain = await runtest(['--single', 'integration/failing', '--seed', '42'], env);
  t.notMatch(plain.all, /^::error/m, 'none outside GitHub Actions');
  const flag = await runtest(['--single', 'integration/failing', '--seed', '42', '--github'], env);
  t.match(flag.all, /^::error file=test\/fixture-suites\/integration\/failing\.ts,line=\d+::/m, '--github turns them on');
});

t.test('--repeat: bad values are one clear line', async (t) => {
  const { env } = isolated(t);
  const zero = await runtest(['--repeat', '0'], env);
  t.equal(zero.exitCode, 1);
  t.equal(zero.all!.trim(), "--repeat needs a positive integer, got '0'");
  const external = await runtest(['--repeat', '2', '--host', '127.0.0.1'], env);
  t.equal(external.exitCode, 1);
  t.match(external.all!.trim(), /^--repeat runs copies side by side on servers the harness starts: drop --host, or --repeat$/);
});
