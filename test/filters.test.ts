import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  matchesPatternList,
  parseTagsArg,
  patternError,
  splitTclList,
  tagsAcceptable,
  tclRegExp,
  type TagPolicy,
} from '../harness/core/filters.ts';

t.test('matchesPatternList: exact names', async (t) => {
  const name = 'Slave should be able to sync with master (diskless: no)';
  t.equal(matchesPatternList(name, [name]), true);
  t.equal(matchesPatternList(name, ['other', name]), true);
  t.equal(matchesPatternList(name, []), false);
  t.equal(matchesPatternList(name, ['Slave should be able']), false, 'a prefix is not a match');
  t.equal(matchesPatternList(name, [name + ' ']), false, 'no trimming');
  t.equal(matchesPatternList(name, [name.toLowerCase()]), false, 'case-sensitive');
  t.equal(matchesPatternList(name, ['Slave*']), false, 'no glob without globOnly');
  t.equal(matchesPatternList('', ['']), false, 'empty patterns are ignored');
  t.equal(matchesPatternList('x', ['', 'x']), true);
  t.equal(matchesPatternList('a.b', ['a.b']), true);
  t.equal(matchesPatternList('axb', ['a.b']), false, 'no regexp without a leading /');
});

t.test('matchesPatternList: /regexp, searched unanchored', async (t) => {
  const name = 'MASTER and SLAVE consistency with expire (diskless: yes)';
  t.equal(matchesPatternList(name, ['/consistency']), true);
  t.equal(matchesPatternList(name, ['/diskless: (yes|no)']), true);
  t.equal(matchesPatternList(name, ['/^MASTER']), true);
  t.equal(matchesPatternList(name, ['/^SLAVE']), false);
  t.equal(matchesPatternList(name, ['/yes\\)$']), true);
  t.equal(matchesPatternList(name, ['/diskless: no']), false);
  t.equal(matchesPatternList(name, ['/']), true, 'an empty regexp matches everything');
  t.equal(matchesPatternList(name, ['/consistency', 'nope']), true);
  t.equal(matchesPatternList(name, ['nope', '/NOPE']), false);
  t.equal(matchesPatternList('/^x', ['/^x']), false, 'a leading / is always a regexp');
  t.equal(matchesPatternList('/literal', ['//literal']), true);
  t.throws(() => matchesPatternList(name, ['/(unclosed']), /invalid regular expression '\(unclosed'/);
});

t.test('matchesPatternList: globOnly', async (t) => {
  t.equal(matchesPatternList('replication-psync', ['repl*'], true), true);
  t.equal(matchesPatternList('replication-psync', ['*psync'], true), true);
  t.equal(matchesPatternList('replication-psync', ['psync'], true), false);
  t.equal(matchesPatternList('replication-psync', ['/psync'], true), false, 'no regexp in glob mode');
  t.equal(matchesPatternList('/psync', ['/psync'], true), true);
  t.equal(matchesPatternList('x', ['', '?'], true), true);
  t.equal(matchesPatternList('', [''], true), false, 'empty patterns are ignored');
});

// [regexp, value, Tcl 8.6 `regexp` result]
const REGEXPS: Array<[string, string, boolean]> = [
  ['foo', 'test foo bar', true],
  ['^foo', 'test foo', false],
  ['^test', 'test foo', true],
  ['foo$', 'test foo', true],
  ['a.b', 'a\nb', true],
  ['(?n)a.b', 'a\nb', false],
  ['(?n)^b', 'a\nb', true],
  ['^b', 'a\nb', false],
  ['(?i)FOO', 'foo', true],
  ['(?c)FOO', 'foo', false],
  ['(?q)a.c', 'abc', false],
  ['(?q)a.c', 'xa.cx', true],
  ['***=a.c', 'abc', false],
  ['***=a.c', 'xa.cx', true],
  ['***=(x', '(x', true],
  ['***:a.c', 'abc', true],
  ['[]a]', ']', true],
  ['[^]a]', 'b', true],
  ['[^]a]', ']', false],
  ['[[:digit:]]+x', 'ab12x', true],
  ['[[:alpha:]]', '5', false],
  ['[[:upper:]][[:lower:]]', 'xAb', true],
  ['[[:space:]]', 'a b', true],
  ['[[:punct:]]', 'a-b', true],
  ['[[:xdigit:]]{2}', 'zF0', true],
  ['[[:alnum:]_]+', '__', true],
  ['[[.-.]]', 'a-b', true],
  ['[[=e=]]', 'e', true],
  ['\\mfoo\\M', 'a foo b', true],
  ['\\mfoo\\M', 'afoo b', false],
  ['\\yfoo\\y', 'a foo', true],
  ['\\Yoo', 'foo', true],
  ['\\Yfoo', 'foo', false],
  ['a\\Bb', 'a\\b', true],
  ['\\Afoo', 'foo bar', true],
  ['\\Abar', 'foo bar', false],
  ['bar\\Z', 'foo bar', true],
  ['\\x41', 'A', true],
  ['\\u0041', 'A', true],
  ['\\e', '\x1b', true],
  ['a\\bc', 'a\bc', true],
  ['Slave should be able to sync with master \\(diskless: no', 'Slave should be able to sync with master (diskless: no)', true],
  ['\\d+ ms', 'took 12 ms', true],
  ['^PSYNC.*\\(\\d+\\)$', 'PSYNC works (5)', true],
  ['a{2,3}', 'caaab', true],
  ['(a|b)c', 'xbc', true],
  ['a[.]b', 'a.b', true],
  ['a[.]b', 'axb', false],
  ['a\\.b', 'axb', false],
  ['(\\w+) \\1', 'hello hello', true],
  ['é.', 'café!', true],
];

t.test('Tcl regexp table', async (t) => {
  for (const [source, value, expected] of REGEXPS) {
    t.equal(tclRegExp(source).test(value), expected, `regexp {${source}} {${JSON.stringify(value)}}`);
    t.equal(matchesPatternList(value, ['/' + source]), expected, `search_pattern_list /${source}`);
  }
});

t.test('bad regexps', async (t) => {
  t.equal(patternError('plain name ('), undefined, 'only / patterns are regexps');
  t.equal(patternError('/fine'), undefined);
  t.equal(patternError('/replication (diskless: (yes|no)'), 'Unterminated group');
  t.equal(patternError('/[abc'), 'Unterminated character class');
  t.equal(patternError('/(?x)a b'), "embedded option 'x' is not supported");
  t.equal(patternError('/[[:nope:]]'), 'unknown character class [:nope:]');
  t.equal(patternError('/[[:alpha'), 'unterminated [:');
  t.equal(patternError('/[[.ab.]]'), 'unsupported collating element [.ab.]');
  t.throws(() => tclRegExp('a('), { message: "invalid regular expression 'a(': Unterminated group" });
});

// Differential check of the regexp table against the real Tcl, where tclsh is installed.
const hasTclsh = spawnSync('tclsh', [], { input: 'exit 0\n' }).status === 0;
t.test('regexp table agrees with tclsh', { skip: hasTclsh ? false : 'tclsh not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'filters-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'regexp.tcl');
  writeFileSync(script, [
    'fconfigure stdin -translation binary',
    'while {[gets stdin line] >= 0} {',
    '  lassign [split $line " "] re v',
    '  set re [encoding convertfrom utf-8 [binary format H* $re]]',
    '  set v [encoding convertfrom utf-8 [binary format H* $v]]',
    '  puts [regexp -- $re $v]',
    '}',
  ].join('\n'));
  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
  const input = REGEXPS.map(([re, v]) => `${hex(re)} ${hex(v)}\n`).join('');
  const res = spawnSync('tclsh', [script], { input, encoding: 'utf8' });
  t.equal(res.status, 0, res.stderr);
  const tcl = res.stdout.trim().split('\n').map((line) => line === '1');
  t.same(REGEXPS.filter(([, , expected], k) => tcl[k] !== expected), [], 'no entry differs from Tcl');
});

const policy = (overrides: Partial<TagPolicy> = {}): TagPolicy => ({
  allowTags: [],
  denyTags: [],
  external: false,
  singledb: false,
  largeMemory: false,
  clusterMode: false,
  tls: false,
  ...overrides,
});

t.test('tagsAcceptable', async (t) => {
  const cases: Array<[string, string[], Partial<TagPolicy>, string | undefined]> = [
    ['no rules', ['repl'], {}, undefined],
    ['no tags, no rules', [], {}, undefined],
    ['allowed tag present', ['repl', 'slow'], { allowTags: ['repl'] }, undefined],
    ['one of several allowed', ['slow'], { allowTags: ['repl', 'slow'] }, undefined],
    ['allowed tag absent', ['slow'], { allowTags: ['repl'] }, 'Tag: none of the tags allowed'],
    ['allow with no tags', [], { allowTags: ['repl'] }, 'Tag: none of the tags allowed'],
    ['allow is a glob', ['replication'], { allowTags: ['repl*'] }, undefined],
    ['allow glob no match', ['aof'], { allowTags: ['repl*'] }, 'Tag: none of the tags allowed'],
    ['allow is not a substring', ['replication'], { allowTags: ['repl'] }, 'Tag: none of the tags allowed'],
    ['denied tag', ['repl', 'slow'], { denyTags: ['slow'] }, 'Tag: slow denied'],
    ['first denied in deny order', ['a', 'b'], { denyTags: ['b', 'a'] }, 'Tag: b denied'],
    ['deny is a glob', ['needs:debug'], { denyTags: ['needs:*'] }, 'Tag: needs:* denied'],
    ['deny absent', ['repl'], { denyTags: ['slow'] }, undefined],
    ['allow checked before deny', ['slow'], { allowTags: ['repl'], denyTags: ['slow'] }, 'Tag: none of the tags allowed'],
    ['allowed then denied', ['repl', 'slow'], { allowTags: ['repl'], denyTags: ['slow'] }, 'Tag: slow denied'],
    ['external:skip on external', ['external:skip'], { external: true }, 'Not supported on external server'],
    ['external:skip when spawning', ['external:skip'], {}, undefined],
    ['deny before external', ['external:skip', 'slow'], { external: true, denyTags: ['slow'] }, 'Tag: slow denied'],
    ['singledb:skip on singledb', ['singledb:skip'], { singledb: true }, 'Not supported on singledb'],
    ['singledb:skip otherwise', ['singledb:skip'], {}, undefined],
    ['external before singledb', ['singledb:skip', 'external:skip'], { external: true, singledb: true }, 'Not supported on external server'],
    ['cluster:skip in cluster mode', ['cluster:skip'], { clusterMode: true }, 'Not supported in cluster mode'],
    ['cluster:skip otherwise', ['cluster:skip'], {}, undefined],
    ['singledb before cluster', ['cluster:skip', 'singledb:skip'], { clusterMode: true, singledb: true }, 'Not supported on singledb'],
    ['tls:skip in tls mode', ['tls:skip'], { tls: true }, 'Not supported in tls mode'],
    ['tls:skip otherwise', ['tls:skip'], {}, undefined],
    ['cluster before tls', ['tls:skip', 'cluster:skip'], { clusterMode: true, tls: true }, 'Not supported in cluster mode'],
    ['large-memory without the flag', ['large-memory'], {}, 'large memory flag not provided'],
    ['large-memory with the flag', ['large-memory'], { largeMemory: true }, undefined],
    ['tls before large-memory', ['large-memory', 'tls:skip'], { tls: true }, 'Not supported in tls mode'],
    ['mode tags are exact', ['external:skip*'], { external: true }, undefined],
    ['needs:other-server without --other-server', ['needs:other-server'], {}, 'needs:other-server: pass --other-server PATH to run it'],
    ['needs:other-server with --other-server', ['needs:other-server'], { otherServer: true }, undefined],
    ['large-memory before needs:other-server', ['needs:other-server', 'large-memory'], {}, 'large memory flag not provided'],
  ];
  for (const [what, tags, rules, reason] of cases) {
    const expected = reason === undefined ? { ok: true } : { ok: false, reason };
    t.same(tagsAcceptable(tags, policy(rules)), expected, what);
  }
});

t.test('parseTagsArg', async (t) => {
  const cases: Array<[string, string[], string[]]> = [
    ['', [], []],
    ['   ', [], []],
    ['repl', ['repl'], []],
    ['-slow', [], ['slow']],
    ['repl -slow', ['repl'], ['slow']],
    ['  repl\t-slow\n aof  ', ['repl', 'aof'], ['slow']],
    ['-a -b c', ['c'], ['a', 'b']],
    ['"repl -slow"', ['repl'], ['slow']],
    ['"repl" "-slow"', ['repl'], ['slow']],
    ['{repl} {-slow}', ['repl'], ['slow']],
    ['repl*', ['repl*'], []],
    ['-', [], ['']],
    ['--x', [], ['-x']],
    ['external:skip', ['external:skip'], []],
  ];
  for (const [arg, allow, deny] of cases) t.same(parseTagsArg(arg), { allow, deny }, JSON.stringify(arg));
  t.throws(() => parseTagsArg('{repl'), { message: 'unmatched open brace in list' });
  t.throws(() => parseTagsArg('{a}b'), { message: 'list element in braces followed by "b" instead of space' });
});

t.test('splitTclList', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['a b  c', ['a', 'b', 'c']],
    ['{a b} c', ['a b', 'c']],
    ['{a {b c}} d', ['a {b c}', 'd']],
    ['{a\\}b}', ['a\\}b']],
    ['"a b" c', ['a b', 'c']],
    ['"a\\"b"', ['a"b']],
    ['a\\ b c', ['a b', 'c']],
    ['a\\tb', ['a\tb']],
    ['\\x41\\u00e9\\101', ['Aé' + 'A']],
    ['a\\\nb', ['a b']],
    ['{}', ['']],
    ['""', ['']],
    ['a{b', ['a{b']],
  ];
  for (const [s, words] of cases) t.same(splitTclList(s), words, JSON.stringify(s));
  t.throws(() => splitTclList('"abc'), { message: 'unmatched open quote in list' });
  t.throws(() => splitTclList('"a"b'), { message: 'list element in quotes followed by "b" instead of space' });
});
