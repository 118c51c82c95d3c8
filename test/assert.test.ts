// Comparisons that cannot pass by accident, and waits that never give up before Tcl would.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { assertEqual, assertMatch, AssertionError } from '../harness/suite/assert.ts';
import { waitForCondition } from '../harness/suite/wait.ts';
import { Double, tclDouble, tclString } from '../harness/core/values.ts';
import { RespParser } from '../harness/client/resp.ts';

t.test('two un-awaited promises are an error, not equal', async (t) => {
  const p1 = Promise.resolve('a');
  const p2 = Promise.resolve('b');
  t.throws(() => assertEqual(p1, p2), {
    name: 'TypeError',
    message: 'cannot compare a Promise (missing await?) as a Tcl value: compare replies, strings, numbers, lists or maps',
  });
  t.throws(() => assertMatch('*', p1), { name: 'TypeError' });
});

t.test('undefined and plain objects are errors; nil is the empty string', async (t) => {
  t.throws(() => assertEqual(undefined, ''), { message: /^cannot compare undefined/ });
  t.throws(() => assertEqual([1, undefined], '1 {}'), { message: /^cannot compare undefined/ });
  t.throws(() => tclString({ a: 1 }), { message: /^cannot compare a plain object \(\{"a":1\}\)/ });
  t.equal(tclString(null), '');
  t.equal(tclString([null, 'a b', ['x', 'y'], 3, true]), '{} {a b} {x y} 3 1');
  t.throws(() => assertEqual('1', '2'), AssertionError);
});

t.test('RESP3 doubles compare as Tcl compares them, text kept in raw', async (t) => {
  const parser = new RespParser();
  const replies: unknown[] = [];
  parser.push(Buffer.from(',3\r\n,1e17\r\n,3.1415926535897931\r\n*2\r\n$1\r\nb\r\n,3\r\n,0.1\r\n'));
  for (let r = parser.next(); r; r = parser.next()) replies.push(r.value);
  t.equal(replies.length, 5);
  assertEqual(replies[4], '0.10000000000000001');
  t.ok(replies[0] instanceof Double && (replies[0] as Double).raw === '3');
  assertEqual(replies[0], '3.0');
  t.throws(() => assertEqual(replies[0], '3'), AssertionError, "3 is not Tcl's 3.0");
  assertEqual(replies[1], '1e+17');
  assertEqual(replies[2], '3.1415926535897931');
  assertEqual(replies[3], 'b 3.0');
  t.equal(Number(replies[0]) + 1, 4, 'arithmetic through valueOf');
});

t.test("tclDouble formats as tclsh does under the suites' tcl_precision 17", async (t) => {
  const values = ['3', '0', '1.5', '0.1', '1e15', '1e16', '1e17', '123456789012345678', '1e-4', '1e-5', '-2.5e-7', '1.7976931348623157e308',
    '3.1415926535897931', '1e21', '12345.678', '100', '5e-324', '0.30000000000000004', '4503599627370496', '-42', 'inf', '-inf',
    '9.99999999999999e-5', '0.00010000000000000002', '99999999999999984', '10000000000000002', '-0.5', '0.25', '1234567.5',
    // draws like the suites' rand(): every digit count, trailing zeros and not
    ...Array.from({ length: 300 }, (_, i) => String(((i * 2654435761) % 4294967296) / 4294967296 / (i % 7 === 0 ? 1000 : 1)))];
  const script = 'set ::tcl_precision 17\n' + values.map((v) => `puts [expr {double(${v}) * 1.0}]`).join('\n');
  const tcl = spawnSync('tclsh', [], { input: script, encoding: 'utf8' });
  if (tcl.error) t.fail(`tclsh is needed for this test (scripts/setup.sh installs tcl): ${tcl.error.message}`);
  const expected = tcl.stdout.trim().split('\n');
  t.same(values.map((v) => tclDouble(Number(v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v))), expected);
});

t.test('a slow condition still gets its last check no earlier than Tcl would', async (t) => {
  // Tcl: 10 checks of 50 ms each, 100 ms of sleep between them: the last check starts after
  // 9 * 100 ms of sleep plus 9 * 50 ms of earlier checks, 1350 ms after the start.
  const starts: number[] = [];
  const begin = performance.now();
  const outcome = await waitForCondition(10, 100, async () => {
    starts.push(performance.now() - begin);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return false;
  }, 'never true').then(() => 'met', (err: Error) => err);
  t.ok(outcome instanceof AssertionError && outcome.message === 'never true', 'fails with its message');
  t.ok(starts.length >= 10, `checked at least 10 times (${starts.length})`);
  const last = starts[starts.length - 1];
  t.ok(last >= 9 * 100 + 9 * 50, `last check started at ${last.toFixed(0)} ms, Tcl's at 1350 ms`);
});

t.test('a condition met early is seen early', async (t) => {
  let calls = 0;
  const begin = performance.now();
  await waitForCondition(50, 100, () => ++calls === 3);
  t.ok(performance.now() - begin < 100, 'well before one Tcl delay');
});

t.test('a condition must return a boolean', async (t) => {
  await t.rejects(waitForCondition(5, 10, (() => '0') as unknown as () => boolean), {
    name: 'TypeError',
    message: /^waitForCondition: the condition returned '0' \(string\), not a boolean/,
  });
  await t.rejects(waitForCondition(5, 10, (() => 1) as unknown as () => boolean), { message: /returned 1 \(number\)/ });
});

t.test("lists are written as tclsh's list writes them", async (t) => {
  const cases: unknown[][] = [
    ['a', ['b'], ['b', 'c'], '', 'x{y', '{z}', 'a$b', 'a[b]', 'a"b', 'a;b', '#x', ['#x', 'y'], 'a\\b', 'tab\tx', 'a b"c', 'q}', 'end\\'],
    [['no-writes'], [['a', 'b'], []], 'plain'],
    ['a{t}', '{t}a', 'a}', 'a{', 'a{t}b c', '{a', 'x}', 'a{b}{c}', '}a{', 'a\\', '"a', 'a]', 'a[', 'a;', '#a', ['a{t}', 'b{t}']],
  ];
  const tclWord = (v: unknown): string => (Array.isArray(v) ? `[list ${v.map(tclWord).join(' ')}]` : `"${String(v).replace(/[\\"$[\]]/g, (c) => `\\${c}`)}"`);
  const script = cases.map((c) => `puts [list ${c.map(tclWord).join(' ')}]`).join('\n');
  const tcl = spawnSync('tclsh', [], { input: script, encoding: 'utf8' });
  if (tcl.error) t.fail(`tclsh is needed for this test (scripts/setup.sh installs tcl): ${tcl.error.message}`);
  t.same(cases.map((c) => tclString(c)), tcl.stdout.replace(/\n$/, '').split('\n'));
});

t.test("pace 'tcl' sleeps the whole delay between checks, as Tcl does", async (t) => {
  const starts: number[] = [];
  const begin = performance.now();
  await waitForCondition(5, 100, () => starts.push(performance.now() - begin) === 3, 'never', 'tcl');
  t.equal(starts.length, 3);
  t.ok(starts[0] < 50, 'the first check at once');
  t.ok(starts[2] >= 200, `the third after two full delays (${starts[2].toFixed(0)} ms)`);
});
