import t from 'tap';
import {
  Double,
  CommandEncoder,
  encodeCommand,
  ProtocolError,
  ReplyError,
  RespMap,
  RespParser,
  RespPush,
  RespSet,
  Verbatim,
} from '../harness/client/resp.ts';
import type { ParsedReply, ParserOptions, Reply } from '../harness/client/resp.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

/** Parses everything in `data`, fed as the given pieces; expects no leftover reply. */
function parseAll(pieces: Buffer[], options?: ParserOptions): ParsedReply[] {
  const parser = new RespParser(options);
  const out: ParsedReply[] = [];
  for (const piece of pieces) {
    parser.push(piece);
    for (let parsed = parser.next(); parsed; parsed = parser.next()) out.push(parsed);
  }
  return out;
}

/** Compares replies, checking classes and treating NaN as equal to NaN. */
function sameReply(actual: Reply | undefined, expected: Reply): boolean {
  if (typeof expected === 'number' && Number.isNaN(expected)) return typeof actual === 'number' && Number.isNaN(actual);
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return false;
  if (Buffer.isBuffer(expected)) return expected.equals(actual as Buffer);
  if (expected instanceof ReplyError) return (actual as ReplyError).message === expected.message && (actual as ReplyError).code === expected.code;
  if (expected instanceof Double) return sameReply((actual as Double).value, expected.value) && (actual as Double).raw === expected.raw;
  if (expected instanceof Verbatim) return (actual as Verbatim).format === expected.format && sameReply((actual as Verbatim).text, expected.text);
  if (expected instanceof Map) {
    const got = [...(actual as RespMap)];
    const want = [...expected];
    return got.length === want.length && want.every(([k, v], i) => sameReply(got[i]![0], k) && sameReply(got[i]![1], v));
  }
  if (Array.isArray(expected)) {
    const got = actual as Reply[];
    return got.length === expected.length && expected.every((item, i) => sameReply(got[i], item));
  }
  return false;
}

function set(...items: Reply[]): RespSet {
  const s = new RespSet();
  s.push(...items);
  return s;
}
function push(...items: Reply[]): RespPush {
  const p = new RespPush();
  p.push(...items);
  return p;
}
function map(...entries: [Reply, Reply][]): RespMap {
  return new RespMap(entries);
}

interface Sample {
  name: string;
  wire: string;
  expected: Reply;
  attributes?: RespMap;
  options?: ParserOptions;
}

const samples: Sample[] = [
  // RESP2
  { name: 'simple string', wire: '+OK\r\n', expected: 'OK' },
  { name: 'empty simple string', wire: '+\r\n', expected: '' },
  { name: 'error', wire: "-ERR unknown command 'foo', with args beginning with: \r\n", expected: new ReplyError("ERR unknown command 'foo', with args beginning with:") },
  { name: 'integer', wire: ':1000\r\n', expected: 1000 },
  { name: 'negative integer', wire: ':-42\r\n', expected: -42 },
  { name: 'largest safe integer', wire: ':9007199254740991\r\n', expected: 9007199254740991 },
  { name: 'integer past 2^53', wire: ':9007199254740993\r\n', expected: 9007199254740993n },
  { name: 'int64 min', wire: ':-9223372036854775808\r\n', expected: -9223372036854775808n },
  { name: 'bulk string', wire: '$5\r\nhello\r\n', expected: 'hello' },
  { name: 'bulk with CRLF inside', wire: '$8\r\na\r\nb\r\n\r\n\r\n', expected: 'a\r\nb\r\n\r\n' },
  { name: 'empty bulk', wire: '$0\r\n\r\n', expected: '' },
  { name: 'utf-8 bulk', wire: '$5\r\n\xc3\xa9t\xc3\xa9\r\n', expected: 'été' },
  { name: 'null bulk', wire: '$-1\r\n', expected: null },
  { name: 'null array', wire: '*-1\r\n', expected: null },
  { name: 'empty array', wire: '*0\r\n', expected: [] },
  { name: 'array', wire: '*3\r\n:1\r\n$3\r\nfoo\r\n+bar\r\n', expected: [1, 'foo', 'bar'] },
  { name: 'array with nulls', wire: '*3\r\n$-1\r\n*-1\r\n$1\r\nx\r\n', expected: [null, null, 'x'] },
  { name: 'array holding an error', wire: '*2\r\n+OK\r\n-WRONGTYPE Operation against a key\r\n', expected: ['OK', new ReplyError('WRONGTYPE Operation against a key')] },
  {
    name: 'nested arrays',
    wire: '*3\r\n*2\r\n:1\r\n*0\r\n*1\r\n*1\r\n$3\r\nfoo\r\n:7\r\n',
    expected: [[1, []], [['foo']], 7],
  },
  // RESP3
  { name: 'null', wire: '_\r\n', expected: null },
  { name: 'boolean true', wire: '#t\r\n', expected: true },
  { name: 'boolean false', wire: '#f\r\n', expected: false },
  { name: 'boolean true (tclBool)', wire: '#t\r\n', expected: 1, options: { tclBool: true } },
  { name: 'boolean false (tclBool)', wire: '#f\r\n', expected: 0, options: { tclBool: true } },
  { name: 'double', wire: ',3.14\r\n', expected: new Double(3.14, '3.14') },
  { name: 'double exponent', wire: ',-1.5e-3\r\n', expected: new Double(-0.0015, '-1.5e-3') },
  { name: 'double integral', wire: ',10\r\n', expected: new Double(10, '10') },
  { name: 'double inf', wire: ',inf\r\n', expected: new Double(Infinity, 'inf') },
  { name: 'double -inf', wire: ',-inf\r\n', expected: new Double(-Infinity, '-inf') },
  { name: 'double nan', wire: ',nan\r\n', expected: new Double(NaN, 'nan') },
  { name: 'big number', wire: '(3492890328409238509324850943850943825024385\r\n', expected: 3492890328409238509324850943850943825024385n },
  { name: 'negative big number', wire: '(-12\r\n', expected: -12n },
  { name: 'blob error', wire: '!21\r\nSYNTAX invalid syntax\r\n', expected: new ReplyError('SYNTAX invalid syntax') },
  { name: 'verbatim string', wire: '=15\r\ntxt:Some string\r\n', expected: 'Some string' },
  { name: 'verbatim string (resp3Types)', wire: '=15\r\ntxt:Some string\r\n', expected: new Verbatim('txt', 'Some string'), options: { resp3Types: true } },
  { name: 'map', wire: '%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n:2\r\n', expected: map(['first', 1], ['second', 2]) },
  { name: 'empty map', wire: '%0\r\n', expected: map() },
  { name: 'map of aggregates', wire: '%1\r\n*1\r\n:1\r\n~1\r\n#t\r\n', expected: map([[1], set(true)]) },
  { name: 'set', wire: '~3\r\n+a\r\n+b\r\n:3\r\n', expected: set('a', 'b', 3) },
  { name: 'empty set', wire: '~0\r\n', expected: set() },
  { name: 'push', wire: '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nhi!\r\n', expected: push('message', 'ch', 'hi!') },
  {
    name: 'attribute before a reply',
    wire: '|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n',
    expected: [2039123, 9543892],
    attributes: map(['key-popularity', map(['a', new Double(0.1923, '0.1923')], ['b', new Double(0.0012, '0.0012')])]),
  },
  {
    name: 'attribute inside an array',
    wire: '*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n$3\r\nfoo\r\n',
    expected: [1, 'foo'],
    attributes: map(['ttl', 3600]),
  },
  { name: 'streamed string', wire: '$?\r\n;4\r\nHell\r\n;3\r\no w\r\n;0\r\n', expected: 'Hello w' },
  { name: 'streamed array', wire: '*?\r\n:1\r\n*?\r\n.\r\n+x\r\n.\r\n', expected: [1, [], 'x'] },
  { name: 'streamed map', wire: '%?\r\n+a\r\n:1\r\n.\r\n', expected: map(['a', 1]) },
  // buffers mode
  { name: 'bulk (buffers)', wire: '$3\r\nfoo\r\n', expected: Buffer.from('foo'), options: { buffers: true } },
  { name: 'simple string (buffers)', wire: '+OK\r\n', expected: Buffer.from('OK'), options: { buffers: true } },
  { name: 'error stays a string (buffers)', wire: '-ERR x\r\n', expected: new ReplyError('ERR x'), options: { buffers: true } },
  {
    name: 'verbatim (buffers, resp3Types)',
    wire: '=7\r\nmkd:a*b\r\n',
    expected: new Verbatim('mkd', Buffer.from('a*b')),
    options: { buffers: true, resp3Types: true },
  },
];

t.test('encodeCommand', async (t) => {
  t.equal(encodeCommand(['SET', 'key', 'value']).toString(), '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n');
  t.equal(encodeCommand([]).toString(), '*0\r\n', 'no arguments');
  t.equal(encodeCommand(['']).toString(), '*1\r\n$0\r\n\r\n', 'empty string');
  t.equal(encodeCommand(['été']).toString('latin1'), '*1\r\n$5\r\n\xc3\xa9t\xc3\xa9\r\n', 'string length counted in UTF-8 bytes');
  t.equal(encodeCommand([42, -7, 1.5, 0]).toString(), '*4\r\n$2\r\n42\r\n$2\r\n-7\r\n$3\r\n1.5\r\n$1\r\n0\r\n', 'numbers');
  t.equal(encodeCommand([Infinity, -Infinity, NaN]).toString(), '*3\r\n$3\r\ninf\r\n$4\r\n-inf\r\n$3\r\nnan\r\n', 'non-finite numbers');
  t.equal(encodeCommand([18446744073709551615n, -1n]).toString(), '*2\r\n$20\r\n18446744073709551615\r\n$2\r\n-1\r\n', 'bigint');
  const binary = Buffer.from([0, 13, 10, 255, 36]);
  t.same(
    encodeCommand(['a', binary, 'b']),
    Buffer.concat([Buffer.from('*3\r\n$1\r\na\r\n$5\r\n'), binary, Buffer.from('\r\n$1\r\nb\r\n')]),
    'Buffer argument copied byte for byte',
  );
  t.same(encodeCommand([binary]), Buffer.concat([Buffer.from('*1\r\n$5\r\n'), binary, Buffer.from('\r\n')]), 'Buffer as only argument');
  t.throws(() => encodeCommand([true as unknown as string]), TypeError, 'unsupported argument type');
});

t.test('CommandEncoder: a pipeline as one buffer', async (t) => {
  const encoder = new CommandEncoder();
  t.ok(encoder.empty, 'empty at first');
  const binary = Buffer.from([0, 13, 10, 255]);
  encoder.add(['SET', 'k', binary]);
  encoder.addRaw('PING\r\n');
  encoder.add(['GET', 'k']);
  encoder.addRaw(Buffer.from([1, 2]));
  t.notOk(encoder.empty);
  t.same(
    encoder.take(),
    Buffer.concat([
      encodeCommand(['SET', 'k', binary]),
      Buffer.from('PING\r\n'),
      encodeCommand(['GET', 'k']),
      Buffer.from([1, 2]),
    ]),
    'commands, raw text and raw bytes in the order added',
  );
  t.ok(encoder.empty, 'empty after take()');
  t.equal(encoder.take().length, 0, 'take() of nothing is an empty buffer');

  encoder.add(['SET', 'a', 'b']);
  t.throws(() => encoder.add(['SET', Buffer.from('x'), true as unknown as string]), TypeError, 'unsupported argument type');
  t.same(encoder.take(), encodeCommand(['SET', 'a', 'b']), 'a command that cannot be encoded adds nothing, not even its Buffer arguments');
});

t.test('every sample, whole and split at every byte boundary', async (t) => {
  for (const sample of samples) {
    const wire = bytes(sample.wire);
    const check = (parsed: ParsedReply[], how: string) => {
      const ok =
        parsed.length === 1 &&
        sameReply(parsed[0]!.value, sample.expected) &&
        (sample.attributes === undefined ? parsed[0]!.attributes === undefined : sameReply(parsed[0]!.attributes, sample.attributes));
      return ok || t.fail(`${sample.name} (${how})`, { found: parsed, wanted: sample.expected });
    };
    let allSplitsOk = check(parseAll([wire], sample.options), 'whole');
    for (let cut = 1; cut < wire.length; cut++) {
      allSplitsOk = check(parseAll([wire.subarray(0, cut), wire.subarray(cut)], sample.options), `split at ${cut}`) && allSplitsOk;
    }
    const oneByOne = Array.from(wire, (byte) => Buffer.from([byte]));
    allSplitsOk = check(parseAll(oneByOne, sample.options), 'one byte at a time') && allSplitsOk;
    t.ok(allSplitsOk, sample.name);
  }
});

t.test('prefixes give no reply until the frame is complete', async (t) => {
  for (const sample of samples) {
    const wire = bytes(sample.wire);
    const parser = new RespParser(sample.options);
    let early = false;
    for (const byte of wire.subarray(0, -1)) {
      parser.push(Buffer.from([byte]));
      if (parser.next() !== undefined) early = true;
    }
    parser.push(wire.subarray(-1));
    t.ok(!early && parser.next() !== undefined && parser.next() === undefined, sample.name);
  }
});

t.test('pipelined replies in one chunk come out in order', async (t) => {
  const wire = samples.filter((s) => !s.options).map((s) => s.wire).join('');
  const parsed = parseAll([bytes(wire)]);
  const expected = samples.filter((s) => !s.options);
  t.equal(parsed.length, expected.length);
  t.ok(parsed.every((p, i) => sameReply(p.value, expected[i]!.expected)), 'values in order');
  // attributes belong to the reply they preceded, not to the ones after it
  const withAttributes = parsed.map((p, i) => (p.attributes ? expected[i]!.name : null)).filter(Boolean);
  t.same(withAttributes, ['attribute before a reply', 'attribute inside an array']);
});

t.test('class of aggregates', async (t) => {
  const [setReply, pushReply, mapReply, arrayReply] = parseAll([bytes('~1\r\n:1\r\n>1\r\n:1\r\n%1\r\n:1\r\n:2\r\n*1\r\n:1\r\n')]).map((p) => p.value);
  t.ok(setReply instanceof RespSet && Array.isArray(setReply), 'set is a RespSet array');
  t.ok(pushReply instanceof RespPush && Array.isArray(pushReply), 'push is a RespPush array');
  t.ok(mapReply instanceof RespMap && mapReply instanceof Map, 'map is a RespMap');
  t.ok(Array.isArray(arrayReply) && !(arrayReply instanceof RespSet) && !(arrayReply instanceof RespPush), 'array is a plain array');
  t.equal((mapReply as RespMap).get(1), 2, 'map lookup by key');
});

t.test('ReplyError', async (t) => {
  const [err] = parseAll([bytes('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n')]);
  t.ok(err!.value instanceof ReplyError);
  t.ok(err!.value instanceof Error);
  t.equal((err!.value as ReplyError).message, 'WRONGTYPE Operation against a key holding the wrong kind of value');
  t.equal((err!.value as ReplyError).code, 'WRONGTYPE');
  t.equal(new ReplyError('NOAUTH').code, 'NOAUTH', 'one-word message');
});

t.test('malformed input throws ProtocolError naming the bad byte or line', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['unknown type byte', '?foo\r\n', /unknown reply type byte '\?' \(0x3f\) in line "\?foo"/],
    ['unprintable type byte', '\x01x\r\n', /unknown reply type byte 0x01/],
    ['bad bulk length', '$abc\r\n', /bad length in "\$abc"/],
    ['negative bulk length', '$-2\r\n', /bad length in "\$-2"/],
    ['bad array length', '*x\r\n', /bad length in "\*x"/],
    ['negative array length', '*-5\r\n', /bad length in "\*-5"/],
    ['bad integer', ':12a\r\n', /bad integer ":12a"/],
    ['empty integer', ':\r\n', /bad integer/],
    ['missing CR', '+OK\n', /not terminated by CRLF: "\+OK"/],
    ['missing CRLF after bulk', '$3\r\nfooXY', /expected CRLF after a 3-byte payload, got 'X' \(0x58\) 'Y' \(0x59\)/],
    ['bad boolean', '#x\r\n', /bad boolean "#x"/],
    ['bad double', ',abc\r\n', /bad double ",abc"/],
    ['bad big number', '(1.5\r\n', /bad big number/],
    ['null with data', '_x\r\n', /null with trailing data/],
    ['end marker outside stream', '.\r\n', /unexpected end marker/],
    ['empty line', '\r\n', /empty line/],
    ['verbatim without format', '=3\r\nabc\r\n', /without a 'fmt:' prefix/],
    ['chunk outside streamed string', ';3\r\nabc\r\n', /outside a streamed string/],
    ['null attribute', '|-1\r\n', /bad attribute length/],
  ];
  for (const [name, wire, message] of cases) {
    const parser = new RespParser();
    parser.push(bytes(wire));
    t.throws(() => parser.next(), ProtocolError, name);
    const parser2 = new RespParser();
    parser2.push(bytes(wire));
    try {
      parser2.next();
    } catch (err) {
      t.match((err as Error).message, message, `${name}: message`);
      t.match((err as Error).message, /^Protocol error: /, `${name}: prefix`);
    }
  }
});

t.test('buffers mode is binary safe', async (t) => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const wire = Buffer.concat([Buffer.from('$256\r\n'), all, Buffer.from('\r\n')]);
  const [whole] = parseAll([wire], { buffers: true });
  t.ok(Buffer.isBuffer(whole!.value) && all.equals(whole!.value as Buffer), 'bulk with all 256 byte values');
  let splitsOk = true;
  for (let cut = 1; cut < wire.length; cut++) {
    const [parsed] = parseAll([wire.subarray(0, cut), wire.subarray(cut)], { buffers: true });
    if (!all.equals(parsed!.value as Buffer)) splitsOk = false;
  }
  t.ok(splitsOk, 'same bytes for every split');

  // A command is an array of bulks, so the parser reads back what the encoder wrote.
  const args = [all, Buffer.from('\r\n'), Buffer.alloc(0), all.subarray(128)];
  const [decoded] = parseAll([encodeCommand(args)], { buffers: true });
  const items = decoded!.value as Buffer[];
  t.equal(items.length, args.length);
  t.ok(args.every((arg, i) => arg.equals(items[i]!)), 'encode then parse round trip');
});

t.test('raw reads: nextLine and nextBytes', async (t) => {
  const wire = bytes('+OK\r\n$3\r\nfoo\r\n$5\r\nRDB\x00\x01*1\r\n$4\r\nPING\r\nlone-lf\n');
  const run = (pieces: Buffer[]) => {
    const parser = new RespParser();
    const out: (string | Buffer | Reply)[] = [];
    const steps: (() => unknown)[] = [
      () => parser.nextLine(),
      () => parser.nextLine(),
      () => parser.nextLine(),
      () => parser.nextLine(),
      () => parser.nextBytes(5),
      () => parser.next()?.value,
      () => parser.nextLine(),
    ];
    let step = 0;
    for (const piece of pieces) {
      parser.push(piece);
      while (step < steps.length) {
        const got = steps[step]!();
        if (got === undefined) break;
        out.push(got as Reply);
        step++;
      }
    }
    return out;
  };
  const expected = ['+OK', '$3', 'foo', '$5', bytes('RDB\x00\x01'), ['PING'], 'lone-lf'];
  t.ok(sameReply(run([wire]) as Reply, expected as Reply), 'whole');
  let splitsOk = true;
  for (let cut = 1; cut < wire.length; cut++) {
    if (!sameReply(run([wire.subarray(0, cut), wire.subarray(cut)]) as Reply, expected as Reply)) splitsOk = false;
  }
  t.ok(splitsOk, 'every split');
  t.ok(sameReply(run(Array.from(wire, (b) => Buffer.from([b]))) as Reply, expected as Reply), 'one byte at a time');

  const parser = new RespParser();
  parser.push(bytes('*2\r\n:1\r\n'));
  t.equal(parser.next(), undefined);
  t.throws(() => parser.nextLine(), /partly parsed/, 'raw read in the middle of a reply');
  t.equal(new RespParser().nextBytes(0)?.length, 0, 'zero bytes are always available');
});

t.test('big payloads are parsed in linear time', async (t) => {
  const size = 100 * 1024 * 1024;
  const parser = new RespParser({ buffers: true });
  const chunk = 64 * 1024;
  const payload = Buffer.alloc(size, 0x61);
  const wire = Buffer.concat([Buffer.from(`$${size}\r\n`), payload, Buffer.from('\r\n')]);
  const started = Date.now();
  let result: ParsedReply | undefined;
  for (let at = 0; at < wire.length; at += chunk) {
    parser.push(wire.subarray(at, at + chunk));
    result = parser.next() ?? result;
  }
  t.equal((result?.value as Buffer).length, size, '100 MB bulk in 64 KB chunks');
  t.comment(`100 MB bulk: ${Date.now() - started} ms`);

  // Many small elements across many chunks: no restart from the frame start.
  const count = 200_000;
  const items = Buffer.from(`*${count}\r\n` + ':12345\r\n'.repeat(count));
  const arrayParser = new RespParser();
  let array: Reply | undefined;
  for (let at = 0; at < items.length; at += 1000) {
    arrayParser.push(items.subarray(at, at + 1000));
    array = arrayParser.next()?.value ?? array;
  }
  t.equal((array as Reply[]).length, count, `${count}-element array in 1 KB chunks`);

  // A long line arriving in pieces.
  const lineParser = new RespParser();
  const longLine = '+' + 'x'.repeat(5_000_000) + '\r\n';
  let line: Reply | undefined;
  for (let at = 0; at < longLine.length; at += 1000) {
    lineParser.push(Buffer.from(longLine.slice(at, at + 1000)));
    line = lineParser.next()?.value ?? line;
  }
  t.equal((line as string).length, 5_000_000, '5 MB simple string in 1 KB chunks');
});

t.test('reset drops a partial reply', async (t) => {
  const parser = new RespParser();
  parser.push(bytes('*2\r\n:1\r\n'));
  t.equal(parser.next(), undefined);
  t.ok(parser.midReply);
  parser.reset();
  t.notOk(parser.midReply);
  t.equal(parser.bufferedBytes, 0);
  parser.push(bytes('+OK\r\n'));
  t.equal(parser.next()?.value, 'OK');
});

t.test('status and error lines are trimmed as Tcl reads them', async (t) => {
  const parser = new RespParser();
  parser.push(Buffer.from('-ERR \r\n+ OK \r\n$3\r\n a \r\n'));
  const err = parser.next()!.value;
  t.ok(err instanceof ReplyError && err.message === 'ERR', 'error reply trimmed');
  t.equal(parser.next()!.value, 'OK', 'status trimmed');
  t.equal(parser.next()!.value, ' a ', 'bulk strings kept as sent');
});
