import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globMatch } from '../harness/core/glob.ts';

// [pattern, value, Tcl 8.6 `string match` result]
const CASES: Array<[string, string, boolean]> = [
  // literals and whole-string matching
  ['', '', true],
  ['', 'a', false],
  ['a', '', false],
  ['abc', 'abc', true],
  ['abc', 'abcd', false],
  ['abc', 'xabc', false],
  ['ABC', 'abc', false],
  ['a', 'A', false],
  // *
  ['*', '', true],
  ['*', 'anything at all', true],
  ['**', '', true],
  ['***a', 'a', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ba', false],
  ['*a', 'bbba', true],
  ['*a', 'ab', false],
  ['a*b', 'ab', true],
  ['a*b', 'axxxb', true],
  ['a*b', 'axxxbx', false],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'aXbYbZc', true],
  ['a*b*c', 'aXcYb', false],
  ['*b*a*', 'aaabbbaaa', true],
  ['*x*', 'abc', false],
  ['a*b?c', 'axxbzc', true],
  ['*.tcl', 'unit/type/list.tcl', true],
  ['*.tcl', 'unit/type/list.ts', false],
  ['*needle*', 'hay needle hay', true],
  // ?
  ['?', '', false],
  ['?', 'a', true],
  ['?', 'ab', false],
  ['??', 'ab', true],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['?*', '', false],
  ['*?', 'x', true],
  // ? counts Unicode characters, not bytes or UTF-16 units
  ['?', 'é', true],
  ['??', 'é', false],
  ['?', '€', true],
  ['?', '😀', true],
  ['??', '😀', false],
  ['a?b', 'a😀b', true],
  ['[😀]', '😀', true],
  ['*😀', 'xy😀', true],
  // sets
  ['[abc]', 'a', true],
  ['[abc]', 'c', true],
  ['[abc]', 'd', false],
  ['[abc]', '', false],
  ['[abc]', 'ab', false],
  ['[a-c]', 'b', true],
  ['[a-c]', 'd', false],
  ['[z-a]', 'm', true],
  ['[z-a]', 'A', false],
  ['[0-9][0-9]', '42', true],
  ['[0-9][0-9]', '4x', false],
  ['[a-cx-z]', 'y', true],
  ['[a-cx-z]', 'm', false],
  ['[a-c-e]', 'd', false],
  ['[a-c-e]', '-', true],
  ['[a-c-e]', 'e', true],
  ['[-a]', '-', true],
  ['[A-Z]', 'q', false],
  ['[é-ë]', 'ê', true],
  // no negation in Tcl sets: ! and ^ are ordinary members
  ['[!a]', 'b', false],
  ['[!a]', '!', true],
  ['[^a]', 'b', false],
  ['[^a]', '^', true],
  // ] ends a set at once: [] and []...] never match
  ['[]', ']', false],
  ['[]', '', false],
  ['[]a]', 'a', false],
  ['[]a]', ']', false],
  ['x[]', 'x]', false],
  // no escapes inside a set: [\]] is the set {\} followed by a literal ]
  ['[\\]]', '\\]', true],
  ['[\\]]', ']', false],
  ['[\\]', '\\', true],
  // an unclosed set ends the pattern
  ['[abc', 'b', true],
  ['[abc', 'bx', false],
  ['[abc', 'd', false],
  ['[aé', 'é', true],
  ['*[aé', 'xé', true],
  ['[a-', 'a', false],
  ['*[', 'x[', false],
  ['*[', 'x', false],
  // a range may end in ]: [a-] is the range ]..a
  ['[a-]', '^', true],
  ['[a-]', ']', true],
  ['[a-]', 'b', false],
  ['[a-]x', 'ax', false],
  // after a member matches, the pattern resumes after the next ], wherever it is
  ['[ab-]cd]', 'acd]', true],
  ['[ab-]cd]', 'a', false],
  ['[ab-]cd]', 'c', true],
  ['[ab-]*]Z', 'a]Z', true],
  ['[ab-]*]Z', '^Z', true],
  ['*[ab-]*]Z', 'a^Z', true],
  ['*[ab-]*]Z', 'xa]yZ', false],
  ['*[ab-]*]Z', 'xa]y]Z', true],
  // backslash
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\?', '?', true],
  ['\\?', 'x', false],
  ['\\[a]', '[a]', true],
  ['\\[a]', 'a', false],
  ['\\a', 'a', true],
  ['a\\\\b', 'a\\b', true],
  ['a\\\\b', 'ab', false],
  ['a\\', 'a', false],
  ['a\\', 'a\\', false],
  ['\\', '', false],
  ['*\\*', 'abc*', true],
  ['*\\*', 'abc', false],
  // special characters as literals
  ['a.b', 'a.b', true],
  ['a.b', 'axb', false],
  ['(a|b)', '(a|b)', true],
  ['^$', '^$', true],
  ['-', '-', true],
  [']', ']', true],
  // shapes used by the suites (assert_match, log patterns, tags)
  ['*ERR*', 'ERR wrong number of arguments', true],
  ['*master_link_status:up*', 'role:slave\r\nmaster_link_status:up\r\n', true],
  ['*Background saving terminated*', 'x\n* Background saving terminated with success\ny', true],
  ['repl*', 'repl', true],
  ['external:skip', 'external:skip', true],
];

t.test('Tcl string match table', async (t) => {
  for (const [pattern, value, expected] of CASES) {
    t.equal(globMatch(pattern, value), expected, `string match {${pattern}} {${value}}`);
  }
});

t.test('no exponential blow-up', async (t) => {
  const value = 'a'.repeat(5000);
  const start = Date.now();
  t.equal(globMatch('*a'.repeat(30) + 'b', value), false);
  t.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*', value), true);
  t.equal(globMatch('*[ab-]*[ab-]*[ab-]*[ab-]*c', value), false);
  t.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
});

t.test('long values', async (t) => {
  const value = 'x'.repeat(100_000) + 'needle' + 'y'.repeat(100_000);
  t.equal(globMatch('*needle*', value), true);
  t.equal(globMatch('*needle', value), false);
  t.equal(globMatch('x*y', value), true);
});

// Differential check against the real Tcl, where tclsh is installed.
const TCL_SCRIPT = `
fconfigure stdin -translation binary
while {[gets stdin line] >= 0} {
  lassign [split $line " "] p v
  set p [encoding convertfrom utf-8 [binary format H* $p]]
  set v [encoding convertfrom utf-8 [binary format H* $v]]
  puts [string match $p $v]
}
`;

function tclStringMatch(pairs: Array<[string, string]>): boolean[] | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'glob-test-'));
  try {
    const script = join(dir, 'match.tcl');
    writeFileSync(script, TCL_SCRIPT);
    const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
    const input = pairs.map(([p, v]) => `${hex(p)} ${hex(v)}\n`).join('');
    const res = spawnSync('tclsh', [script], { input, encoding: 'utf8' });
    if (res.error || res.status !== 0) return undefined;
    return res.stdout.trim().split('\n').map((line) => line === '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A small seeded generator, so a failure is reproducible.
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const hasTclsh = spawnSync('tclsh', [], { input: 'exit 0\n' }).status === 0;

t.test('agrees with tclsh', { skip: hasTclsh ? false : 'tclsh not installed' }, async (t) => {
  // Astral characters are left out here: old Tcl builds see them as two characters.
  const bmp = CASES.filter(([p, v]) => !/[\u{10000}-\u{10FFFF}]/u.test(p + v));
  const random = lcg(7);
  const patternChars = ['a', 'b', '*', '?', '[', ']', '-', '\\', 'é', '^', '!'];
  const valueChars = ['a', 'b', '-', ']', '[', '\\', 'é', '^', 'x', '*'];
  const pick = (chars: string[], max: number) =>
    Array.from({ length: Math.floor(random() * (max + 1)) }, () => chars[Math.floor(random() * chars.length)]).join('');
  const fuzz: Array<[string, string]> = Array.from({ length: 5000 }, () => [pick(patternChars, 8), pick(valueChars, 6)]);
  const pairs: Array<[string, string]> = [...bmp.map(([p, v]): [string, string] => [p, v]), ...fuzz];
  const expected = tclStringMatch(pairs);
  if (expected === undefined) return t.fail('tclsh did not run');
  const mismatches = pairs.filter(([p, v], k) => globMatch(p, v) !== expected[k]);
  t.same(mismatches, [], `${pairs.length} pairs, none differ from Tcl`);
});
