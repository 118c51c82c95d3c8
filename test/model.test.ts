// The model checker (suites/model/lib): its number formatting against values Redis documents,
// and its self-test: a server wrapper with a wrong INCR reply must be caught, shrunk to at most
// 4 commands, and the printed rerun line must replay the failure.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { formatDouble, formatDoubleShortest, formatLongDouble, parseLongDouble, addLongDouble, scoreFormatFor } from '../suites/model/lib/numbers.ts';
import { Keyspace } from '../suites/model/lib/keyspace.ts';
import { render } from '../suites/model/lib/checker.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');

const ldAdd = (a: string, b: string) => formatLongDouble(addLongDouble(parseLongDouble(a)!, parseLongDouble(b)!));

t.test('long double arithmetic prints as INCRBYFLOAT does', async (t) => {
  // https://redis.io/commands/incrbyfloat/ examples
  t.equal(ldAdd('10.50', '0.1'), '10.6');
  t.equal(ldAdd('10.6', '-5'), '5.6');
  t.equal(ldAdd('5.0e3', '2.0e2'), '5200');
  // 64 significant bits: exact where a double is not
  t.equal(ldAdd('9007199254740993', '1'), '9007199254740994');
  t.equal(ldAdd('0.1', '0.2'), '0.3');
  t.equal(ldAdd('-0.1', '0.1'), '0');
  t.equal(parseLongDouble(' 1'), null);
  t.equal(parseLongDouble('1e5000'), null);
  t.equal(parseLongDouble('nan'), null);
});

t.test('doubles print as printf %.17g', async (t) => {
  t.equal(formatDouble(0.1), '0.10000000000000001');
  t.equal(formatDouble(1.5), '1.5');
  t.equal(formatDouble(1e17), '1e+17');
  t.equal(formatDouble(123456789012345680000), '1.2345678901234568e+20');
  t.equal(formatDouble(0.0001), '0.0001');
  t.equal(formatDouble(0.00001), '1.0000000000000001e-05');
  t.equal(formatDouble(-0), '-0');
  t.equal(formatDouble(Infinity), 'inf');
});

t.test('doubles print as Redis 7.2 d2string / fpconv_dtoa lays them out', async (t) => {
  t.equal(formatDoubleShortest(0.1), '0.1');
  t.equal(formatDoubleShortest(1e17), '100000000000000000', 'integral up to 2^62: an integer');
  t.equal(formatDoubleShortest(1e20), '1e+20');
  t.equal(formatDoubleShortest(1.5e-7), '1.5e-7');
  t.equal(formatDoubleShortest(0.000123), '0.000123');
  t.equal(formatDoubleShortest(-123.456), '-123.456');
  t.equal(formatDoubleShortest(-0), '-0');
  t.equal(scoreFormatFor('7.0.15'), formatDouble);
  t.equal(scoreFormatFor('7.2.4'), formatDoubleShortest);
  t.equal(scoreFormatFor('8.0.1'), formatDoubleShortest);
});

t.test('the model answers a documented history', async (t) => {
  const ks = new Keyspace();
  const now = 1_700_000_000_000n;
  const run = (...argv: string[]) => render(ks.apply(argv, now));
  t.equal(run('SET', 'k', '9223372036854775806'), '"OK"');
  t.equal(run('INCR', 'k'), '(integer) 9223372036854775807');
  t.equal(run('INCR', 'k'), '(error) ERR increment or decrement would overflow');
  t.equal(run('DECRBY', 'k', '-9223372036854775808'), '(error) ERR decrement would overflow');
  t.equal(run('EXPIRE', 'k', '100', 'GT'), '(integer) 0', 'GT: no TTL counts as infinite');
  t.equal(run('EXPIRE', 'k', '100', 'LT'), '(integer) 1');
  t.equal(run('TTL', 'k'), '(integer) 100');
  t.equal(run('LPUSH', 'k', 'x'), '(error) WRONGTYPE Operation against a key holding the wrong kind of value');
  t.equal(run('EXPIRE', 'k', '-1'), '(integer) 1');
  t.equal(run('GET', 'k'), '(nil)');
});

function isolated(t: { teardown: (fn: () => void) => void }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-model-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  return { tmp, env: { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: tmp, NO_COLOR: '1' } };
}

/** Splits the printed replay line (VAR=value ... ./runtest args) as a POSIX shell would, for single quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:[^\s']+|'(?:[^']|'\\'')*')+/g)) words.push(m[0].replace(/'((?:[^']|'\\'')*)'/g, (_, s: string) => s.replaceAll("'\\''", "'")));
  return words;
}

t.test('a wrong INCR reply is caught, shrunk to at most 4 commands, and replayed from the printed line', async (t) => {
  const { tmp, env } = isolated(t);
  const r = await execa(RUNTEST, ['--single', 'model/selftest', '--seed', '11', '--baseport', '56600', '--portcount', '200'], { env, reject: false, all: true, cwd: PROJECT_ROOT });
  t.equal(r.exitCode, 1, r.all);
  t.match(r.all, /model check failed: run \d+ of 300, shrunk \d+ times to \d+ command\(s\)/);
  const script = /shortest failing script[^\n]*\n((?: {2}.*\n)+)/.exec(r.all)?.[1].split('\n').map((l) => l.trim()).filter(Boolean) ?? [];
  const commands = script.filter((l) => !/^(SELECT 9|FLUSHDB)$/.test(l));
  t.ok(commands.length >= 2 && commands.length <= 4, `shrunk to ${commands.length} commands:\n${script.join('\n')}`);
  t.match(commands.at(-1), /^INCR s[12]$/, 'the failing command is the rewritten INCR');
  t.match(r.all, /server: \(integer\) (\d+)\n {2}model: {2}\(integer\) (\d+)/);
  const [, got, want] = /server: \(integer\) (\d+)\n {2}model: {2}\(integer\) (\d+)/.exec(r.all) ?? [];
  t.equal(BigInt(got ?? 0) - BigInt(want ?? 0), 1n, 'the server reply is the model reply plus one');
  const artifacts = /Artifacts: (\S+)/.exec(r.all)?.[1] ?? '';
  t.equal(readFileSync(path.join(artifacts, 'history.redis'), 'utf8').trim().split('\n').map((l) => l.trim()).join('\n'), script.join('\n'), 'the script is saved in the artifacts');
  const replay = /replay: (.*)/.exec(r.all)?.[1] ?? '';
  t.equal(readFileSync(path.join(artifacts, 'rerun.txt'), 'utf8').trim(), replay);

  const words = shellWords(replay);
  const assignments = words.filter((w) => /^[A-Z_]+=/.test(w));
  const args = words.slice(assignments.length);
  t.equal(args[0], './runtest');
  const replayEnv = { ...env, ...Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])) };
  const again = await execa(path.join(PROJECT_ROOT, args[0]), [...args.slice(1), '--baseport', '56800', '--portcount', '200'], { env: replayEnv, reject: false, all: true, cwd: PROJECT_ROOT });
  t.equal(again.exitCode, 1, again.all);
  t.match(again.all, /model the checker catches an INCR reply that is off by one: 1 runs .*\(replay of path /);
  const replayed = /shortest failing script[^\n]*\n((?: {2}.*\n)+)/.exec(again.all)?.[1].split('\n').map((l) => l.trim()).filter(Boolean) ?? [];
  t.same(replayed.filter((l) => !/^(SELECT 9|FLUSHDB)$/.test(l)).map((l) => l.replace(/\d{12,}/g, 'T')), commands.map((l) => l.replace(/\d{12,}/g, 'T')), 'the replay fails on the same script');
  void tmp;
});
