// The generated data fixtures: encoder unit tests, then every fixture checked
// with redis-check-rdb / redis-check-aof and loaded into a real redis-server.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { dir as tmpDir } from 'tmp-promise';

import { Client } from '../harness/client/client.ts';
import { countMessageLines } from '../harness/core/logs.ts';
import type { RunDir } from '../harness/core/processes.ts';
import type { Reply } from '../harness/client/resp.ts';
import { RedisServer, type SpawnContext } from '../harness/servers/server.ts';
import { toolPath, type ToolName } from '../harness/tools/programs.ts';
import { SERVER_BINARY, testRun } from './support/env.ts';
import { resolveTools } from '../harness/runner/binary.ts';

import { crc64 } from '../fixtures/rdb/crc64.ts';
import { lzfCompress, lzfDecompress } from '../fixtures/rdb/lzf.ts';
import { encodeIntset } from '../fixtures/rdb/intset.ts';
import { encodeListpack } from '../fixtures/rdb/listpack.ts';
import { encodeZiplist } from '../fixtures/rdb/ziplist.ts';
import { encodeZipmap } from '../fixtures/rdb/zipmap.ts';
import { encodeLength, encodeString, RdbWriter } from '../fixtures/rdb/writer.ts';
import {
  buildFixture,
  fixtureNames,
  SCRIPTBACKUP_LUA,
  writeFixture,
  type FixtureName,
} from '../fixtures/datasets.ts';

const hex = (...bytes: number[]): Buffer => Buffer.from(bytes);

// ---------------------------------------------------------------------------
// Servers, clients and tools come from the harness. Each top-level test that
// starts servers gets its own run dir and port range (57000..57919, one base
// per test; the tests run one after another).

const PORT_BASE = {
  writer: 57000,
  hashZipmap: 57080,
  hashZiplist: 57160,
  zsetZiplist: 57240,
  listQuicklist: 57320,
  encodings: 57400,
  scriptbackup: 57480,
  corruptZiplist: 57560,
  corruptEmptyKeys: 57640,
  rdbPreamble: 57720,
} as const;

/** Runs a redis-check-* tool as a run finds it for the server (no suite context here); never throws on a non-zero exit. */
async function runCheck(tool: ToolName, path: string) {
  const res = await execa(toolPath(tool, resolveTools(SERVER_BINARY).tools), [path], { reject: false });
  return { code: res.exitCode, stdout: res.stdout, out: `${res.stdout}\n${res.stderr}` };
}

const checkRdb = (path: string) => runCheck('redis-check-rdb', path);

/**
 * Starts a server whose `dir` is `dir` (its log, `server.log()`, is dir/stdout) once it is ready
 * ("Ready to accept", after loading), checks PING answers PONG and returns a connected client.
 * Both are ended at teardown.
 */
async function startServer(tt: Test, ctx: SpawnContext, dir: string, overrides: Record<string, string | number>): Promise<{ server: RedisServer; r: Client }> {
  const server = await RedisServer.start(ctx, {
    overrides: [['dir', dir], ['save', ''], ['enable-debug-command', 'yes'], ...Object.entries(overrides)],
  });
  tt.teardown(() => server.kill('SIGKILL'));
  const r = await Client.connect({ host: server.host, port: server.port });
  tt.teardown(() => r.close());
  const pong = await r.call('PING');
  if (pong !== 'PONG') throw new Error(`redis-server answers PING with ${String(pong)}:\n${server.log()}`);
  return { server, r };
}

/** A fresh directory in the run dir holding fixture `name` (removed with the run dir). */
async function fixtureDir(run: RunDir, name: FixtureName, file: string = name): Promise<string> {
  const dir = run.tmpdir('fixture');
  await writeFixture(name, join(dir, file));
  return dir;
}

/** Start a server on fixture `name` (as its dbfilename) with extra config. */
async function loadRdb(tt: Test, ctx: SpawnContext, name: FixtureName, extra: Record<string, string> = {}) {
  const dir = await fixtureDir(ctx.run, name);
  return startServer(tt, ctx, dir, { dbfilename: name, appendonly: 'no', ...extra });
}

// ---------------------------------------------------------------------------
// Encoders.

t.test('crc64 matches the Jones check value', async (tt) => {
  tt.equal(crc64(0n, Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  tt.equal(crc64(0n, Buffer.alloc(0)), 0n);
  // Incremental use continues the same CRC.
  tt.equal(crc64(crc64(0n, Buffer.from('1234')), Buffer.from('56789')), 0xe9c6d914c4b8d9can);
});

t.test('lzf round trip', async (tt) => {
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const random = Buffer.from(Array.from({ length: 5000 }, () => rand() & 0xff));
  const text = Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(300));
  const mixed = Buffer.concat([random.subarray(0, 700), text.subarray(0, 900), random.subarray(0, 700)]);
  const longRun = Buffer.alloc(100_000, 0x61);
  const inputs: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['137 a', Buffer.from('a'.repeat(137))],
    ['random', random],
    ['text', text],
    ['mixed (distant matches)', mixed],
    ['long run', longRun],
    ['33 literals', Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFG')],
  ];
  for (const [label, input] of inputs) {
    const c = lzfCompress(input);
    tt.same(lzfDecompress(c, input.length), input, `${label}: decompress(compress(x)) = x`);
  }
  tt.ok(lzfCompress(Buffer.from('a'.repeat(137))).length < 12, 'a run compresses to a few bytes');
  tt.ok(lzfCompress(text).length < text.length / 10, 'repetitive text compresses');
  // Hand-made stream: literal "ab", then a 4-byte reference one byte back... "ababab".
  tt.same(lzfDecompress(hex(0x01, 0x61, 0x62, 0x40, 0x01), 6), Buffer.from('ababab'));
  // Long reference form (111 ooooo, extra length byte): "a" + 10 copies.
  tt.same(lzfDecompress(hex(0x00, 0x61, 0xe0, 0x01, 0x00), 11), Buffer.from('a'.repeat(11)));
  tt.throws(() => lzfDecompress(hex(0x20, 0x05), 3), /before start/);
  tt.throws(() => lzfDecompress(hex(0x05, 0x61), 6), /input ends/);
});

t.test('rdb length encoding', async (tt) => {
  tt.same(encodeLength(0), hex(0x00));
  tt.same(encodeLength(63), hex(0x3f));
  tt.same(encodeLength(64), hex(0x40, 0x40));
  tt.same(encodeLength(300), hex(0x41, 0x2c));
  tt.same(encodeLength(16383), hex(0x7f, 0xff));
  tt.same(encodeLength(16384), hex(0x80, 0x00, 0x00, 0x40, 0x00));
  tt.same(encodeLength(0xffffffff), hex(0x80, 0xff, 0xff, 0xff, 0xff));
  tt.same(encodeLength(2 ** 32), hex(0x81, 0, 0, 0, 1, 0, 0, 0, 0));
  tt.same(encodeLength(0x0102030405060708n), hex(0x81, 1, 2, 3, 4, 5, 6, 7, 8));
  tt.throws(() => encodeLength(-1));
});

t.test('rdb string encoding', async (tt) => {
  tt.same(encodeString('10'), hex(0xc0, 0x0a), 'int8');
  tt.same(encodeString('-1'), hex(0xc0, 0xff), 'negative int8');
  tt.same(encodeString('-128'), hex(0xc0, 0x80));
  tt.same(encodeString('128'), hex(0xc1, 0x80, 0x00), 'int16');
  tt.same(encodeString('-32768'), hex(0xc1, 0x00, 0x80));
  tt.same(encodeString('32768'), hex(0xc2, 0x00, 0x80, 0x00, 0x00), 'int32');
  tt.same(encodeString('-2147483648'), hex(0xc2, 0x00, 0x00, 0x00, 0x80));
  tt.same(encodeString('2147483648'), Buffer.concat([hex(10), Buffer.from('2147483648')]), 'past int32: raw');
  for (const s of ['012', '-0', '+1', '1 ', '', '-', '1.0']) {
    tt.same(encodeString(s), Buffer.concat([hex(s.length), Buffer.from(s)]), `non-canonical ${JSON.stringify(s)}: raw`);
  }
  tt.same(encodeString('10', { intEncode: false }), hex(0x02, 0x31, 0x30));
  tt.same(encodeString('Hello World'), Buffer.concat([hex(11), Buffer.from('Hello World')]));

  const long = 'a'.repeat(137);
  const enc = encodeString(long);
  tt.equal(enc[0], 0xc3, 'long repetitive string is LZF-encoded');
  // c3 <compressed len> <original len: 14-bit form> <data>
  const clen = enc[1]!;
  tt.same(enc.subarray(2, 4), hex(0x40, 0x89));
  tt.equal(enc.length, 4 + clen);
  tt.same(lzfDecompress(enc.subarray(4), 137), Buffer.from(long));
  tt.same(encodeString(long, { compress: false }).subarray(0, 2), hex(0x40, 0x89), 'compress: false stays raw');
  const short = 'a'.repeat(20);
  tt.equal(encodeString(short)[0], 20, 'strings of 20 bytes or less are never compressed');
  const noisy = 'q8Zr1LmP0xVb7Tn3Yc5Wd';
  tt.equal(encodeString(noisy)[0], noisy.length, 'incompressible string stays raw');
});

t.test('collection encoders', async (tt) => {
  tt.same(encodeZiplist([]), hex(11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xff), 'empty ziplist');
  // ["a", "7", "300"]: a string, a 4-bit immediate and an int16, each after its prevlen.
  tt.same(
    encodeZiplist(['a', '7', '300']),
    hex(20, 0, 0, 0, 15, 0, 0, 0, 3, 0, 0x00, 0x01, 0x61, 0x03, 0xf8, 0x02, 0xc0, 0x2c, 0x01, 0xff),
  );
  // A 300-byte string (14-bit big-endian length) makes the next prevlen take 5 bytes.
  const big = encodeZiplist(['x'.repeat(300), 'y']);
  tt.same(big.subarray(0, 13), hex(65, 1, 0, 0, 57, 1, 0, 0, 2, 0, 0x00, 0x41, 0x2c));
  tt.same(big.subarray(313), hex(0xfe, 0x2f, 0x01, 0x00, 0x00, 0x01, 0x79, 0xff));
  // Integer widths: int8, int24, int32, int64.
  tt.same(encodeZiplist(['-1']).subarray(10), hex(0, 0xfe, 0xff, 0xff));
  tt.same(encodeZiplist(['100000']).subarray(10), hex(0, 0xf0, 0xa0, 0x86, 0x01, 0xff));
  tt.same(encodeZiplist(['10000000']).subarray(10), hex(0, 0xd0, 0x80, 0x96, 0x98, 0x00, 0xff));
  tt.same(encodeZiplist(['6000000000']).subarray(10, 12), hex(0, 0xe0));
  tt.same(encodeListpack([]), hex(7, 0, 0, 0, 0, 0, 0xff), 'empty listpack');
  // ["a", 5, -1, 1000]: 6-bit string, 7-bit uint, 13-bit ints; each entry followed by its backlen.
  tt.same(
    encodeListpack(['a', 5, -1, 1000]),
    hex(18, 0, 0, 0, 4, 0, 0x81, 0x61, 2, 0x05, 1, 0xdf, 0xff, 2, 0xc3, 0xe8, 2, 0xff),
  );
  tt.same(encodeIntset([3, 1, 2, 1]), hex(2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0), 'int16 intset, sorted, deduplicated');
  tt.same(encodeIntset([100000]), hex(4, 0, 0, 0, 1, 0, 0, 0, 0xa0, 0x86, 0x01, 0x00), 'int32 intset');
  tt.equal(encodeIntset([1, 6000000000]).readUInt32LE(0), 8, 'int64 intset');
  tt.same(
    encodeZipmap([['f1', 'v1']]),
    hex(1, 2, 0x66, 0x31, 2, 0, 0x76, 0x31, 0xff),
    'zipmap: count, len field, len free value, end',
  );
});

t.test('rdb writer framing', async (tt) => {
  const v3 = new RdbWriter({ version: 3 }).finish();
  tt.same(v3, Buffer.from('REDIS0003\xff', 'latin1'), 'version 3: no checksum');
  tt.throws(() => new RdbWriter({ version: 4 }).finish({ checksum: 'crc' }));
  const v10 = new RdbWriter({ version: 10 }).selectDb(0).string('k', 'v').finish();
  const body = v10.subarray(0, v10.length - 8);
  tt.same(body, Buffer.from('REDIS0010\xfe\x00\x00\x01k\x01v\xff', 'latin1'));
  tt.equal(v10.readBigUInt64LE(v10.length - 8), crc64(0n, body), 'CRC64 of everything before it, little-endian');
  const zero = new RdbWriter({ version: 10 }).finish({ checksum: 'zero' });
  tt.same(zero.subarray(-8), Buffer.alloc(8));
  const exp = new RdbWriter({ version: 9 }).expireTimeMs(0x0102030405n).finish({ checksum: 'none' });
  tt.same(exp.subarray(9, 18), hex(0xfc, 5, 4, 3, 2, 1, 0, 0, 0), 'EXPIRETIME_MS: u64 little-endian');
  const aux = new RdbWriter({ version: 9 }).aux('redis-bits', 64).resizeDb(2, 1).finish({ checksum: 'none' });
  tt.same(aux.subarray(9), Buffer.from('\xfa\x0aredis-bits\xc0\x40\xfb\x02\x01\xff', 'latin1'));
});

t.test('fixture generation is deterministic and complete', async (tt) => {
  tt.same([...fixtureNames].sort(), [
    'corrupt_empty_keys.rdb', 'corrupt_ziplist.rdb', 'encodings.rdb', 'hash-ziplist.rdb',
    'hash-zipmap.rdb', 'list-quicklist.rdb', 'rdb-preamble.aof', 'scriptbackup.rdb', 'zset-ziplist.rdb',
  ]);
  for (const name of fixtureNames) tt.same(buildFixture(name), buildFixture(name), `${name} is reproducible`);
  const d = await tmpDir({ unsafeCleanup: true });
  tt.teardown(() => d.cleanup());
  const script = fileURLToPath(new URL('../fixtures/generate.ts', import.meta.url));
  const gen = await execa('npx', ['tsx', script, join(d.path, 'out')], { reject: false });
  tt.equal(gen.exitCode, 0, `generate.ts exits 0 ${gen.stderr}`);
  for (const name of fixtureNames) {
    tt.same(await readFile(join(d.path, 'out', name)), buildFixture(name), `generate.ts wrote ${name}`);
  }
});

t.test('rdb writer: every record type loads into redis-server', async (tt) => {
  let seed = 99;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const bigText = 'lorem ipsum dolor sit amet '.repeat(800);
  const noise = Array.from({ length: 20000 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rand() % 36]).join('');
  const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
  const rdb = new RdbWriter({ version: 10 })
    .aux('redis-ver', '7.0.15')
    .selectDb(0)
    .resizeDb(12, 2)
    .string('big', bigText)
    .string('noise', noise, { compress: false })
    .expireTimeMs(Date.now() + 3_600_000)
    .string('volatile', 'v')
    .expireTimeMs(1000)
    .string('expired', 'gone')
    .set('bigset', members)
    .hashListpack('hlp', [['f', 'v'], ['n', '-5'], ['long', 'y'.repeat(5000)]])
    .zsetListpack('zlp', [['a', -1.5], ['b', 0], ['c', 3]])
    .zset2('z2', [['lo', -Infinity], ['mid', 0.5], ['hi', Infinity]])
    .zset('z1', [['x', 2.5], ['y', -Infinity]])
    .listQuicklist2('ql2', [{ items: ['a', 1, 'x'.repeat(100)] }, { plain: 'P'.repeat(50) }, { items: ['-70000', '9000000000'] }])
    .listZiplist('lz', ['x'.repeat(300), 'y', '-1', '70000'])
    .setIntset('neg', [-5, -6000000000, 7])
    .selectDb(3)
    .string('in3', 'three')
    .finish();
  tt.ok(rdb.includes(Buffer.from([0x80, 0x00, 0x00, 0x4e, 0x20])), 'a 32-bit length (20000) is written');
  const { ctx } = testRun(tt, PORT_BASE.writer);
  const dir = ctx.run.tmpdir('fixture');
  await writeFile(join(dir, 'all.rdb'), rdb);
  const chk = await checkRdb(join(dir, 'all.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.match(chk.out, /Checksum OK/);
  tt.match(chk.out, /\[info\] 13 keys read/);
  tt.match(chk.out, /\[info\] 2 expires/);
  tt.match(chk.out, /\[info\] 1 already expired/);

  const { r } = await startServer(tt, ctx, dir, { dbfilename: 'all.rdb', appendonly: 'no', 'sanitize-dump-payload': 'yes' });
  tt.match(await r.call('INFO', 'persistence'), /rdb_last_load_keys_expired:1\r\n/);
  tt.equal(await r.call('GET', 'big'), bigText);
  tt.equal(await r.call('GET', 'noise'), noise);
  tt.equal(await r.call('GET', 'volatile'), 'v');
  tt.ok(((await r.call('PTTL', 'volatile')) as number) > 3_000_000, 'EXPIRETIME_MS applied');
  tt.equal(await r.call('EXISTS', 'expired'), 0);
  tt.equal(await r.call('SCARD', 'bigset'), 100);
  tt.same(((await r.call('SMEMBERS', 'bigset')) as string[]).sort(), [...members].sort());
  tt.same(await r.call('HGETALL', 'hlp'), ['f', 'v', 'n', '-5', 'long', 'y'.repeat(5000)]);
  tt.equal(await r.call('OBJECT', 'ENCODING', 'hlp'), 'listpack');
  tt.same(await r.call('ZRANGE', 'zlp', 0, -1, 'WITHSCORES'), ['a', '-1.5', 'b', '0', 'c', '3']);
  tt.same(await r.call('ZRANGE', 'z2', 0, -1, 'WITHSCORES'), ['lo', '-inf', 'mid', '0.5', 'hi', 'inf']);
  tt.same(await r.call('ZRANGE', 'z1', 0, -1, 'WITHSCORES'), ['y', '-inf', 'x', '2.5']);
  tt.same(await r.call('LRANGE', 'ql2', 0, -1), ['a', '1', 'x'.repeat(100), 'P'.repeat(50), '-70000', '9000000000']);
  tt.same(await r.call('LRANGE', 'lz', 0, -1), ['x'.repeat(300), 'y', '-1', '70000']);
  tt.same(await r.call('SMEMBERS', 'neg'), ['-6000000000', '-5', '7']);
  tt.equal(await r.call('OBJECT', 'ENCODING', 'neg'), 'intset');
  tt.equal(await r.call('DBSIZE'), 11);
  await r.call('SELECT', 3);
  tt.equal(await r.call('GET', 'in3'), 'three');
  const digest = await r.call('DEBUG', 'DIGEST');
  await r.call('DEBUG', 'RELOAD');
  tt.equal(await r.call('DEBUG', 'DIGEST'), digest, 'same dataset after Redis saves and reloads it');
});

// ---------------------------------------------------------------------------
// Fixtures against the real tools and server.

/** The magic of a fixture, e.g. "REDIS0009". */
const magic = (name: FixtureName): string => buildFixture(name).subarray(0, 9).toString('latin1');

t.test('hash-zipmap.rdb', async (tt) => {
  tt.equal(magic('hash-zipmap.rdb'), 'REDIS0003');
  const { ctx } = testRun(tt, PORT_BASE.hashZipmap);
  const dir = await fixtureDir(ctx.run, 'hash-zipmap.rdb');
  const chk = await checkRdb(join(dir, 'hash-zipmap.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.match(chk.out, /RDB looks OK/);
  tt.match(chk.out, /\[info\] 1 keys read/);

  const cases: [string, Record<string, string>, RegExp][] = [
    ['default: converts to listpack', {}, /listpack/],
    ['hash-max-ziplist-entries 1: hashtable', { 'hash-max-ziplist-entries': '1' }, /hashtable/],
    ['hash-max-ziplist-value 1: hashtable', { 'hash-max-ziplist-value': '1' }, /hashtable/],
  ];
  for (const [label, extra, enc] of cases) {
    await tt.test(label, async (st) => {
      const { r } = await loadRdb(st, ctx, 'hash-zipmap.rdb', extra);
      await r.call('SELECT', 0);
      st.match(await r.call('DEBUG', 'OBJECT', 'hash'), enc);
      st.equal(await r.call('HLEN', 'hash'), 2);
      st.same(await r.call('HMGET', 'hash', 'f1', 'f2'), ['v1', 'v2']);
    });
  }
});

t.test('hash-ziplist.rdb', async (tt) => {
  tt.equal(magic('hash-ziplist.rdb'), 'REDIS0009');
  const { ctx } = testRun(tt, PORT_BASE.hashZiplist);
  const dir = await fixtureDir(ctx.run, 'hash-ziplist.rdb');
  const chk = await checkRdb(join(dir, 'hash-ziplist.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.match(chk.out, /Checksum OK/);
  tt.match(chk.out, /RDB looks OK/);
  for (const [label, extra, enc] of [
    ['default: converts to listpack', {}, 'listpack'],
    ['hash-max-ziplist-entries 1: hashtable', { 'hash-max-ziplist-entries': '1' }, 'hashtable'],
  ] as const) {
    await tt.test(label, async (st) => {
      const { r } = await loadRdb(st, ctx, 'hash-ziplist.rdb', { ...extra });
      await r.call('SELECT', 0);
      st.equal(await r.call('OBJECT', 'ENCODING', 'hash'), enc);
      st.equal(await r.call('HLEN', 'hash'), 2);
      st.same(await r.call('HMGET', 'hash', 'f1', 'f2'), ['v1', 'v2']);
    });
  }
});

t.test('zset-ziplist.rdb', async (tt) => {
  tt.equal(magic('zset-ziplist.rdb'), 'REDIS0010');
  const { ctx } = testRun(tt, PORT_BASE.zsetZiplist);
  const dir = await fixtureDir(ctx.run, 'zset-ziplist.rdb');
  const chk = await checkRdb(join(dir, 'zset-ziplist.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.match(chk.out, /Checksum OK/);
  for (const [label, extra, enc] of [
    ['default: converts to listpack', {}, 'listpack'],
    ['zset-max-ziplist-entries 1: skiplist', { 'zset-max-ziplist-entries': '1' }, 'skiplist'],
  ] as const) {
    await tt.test(label, async (st) => {
      const { r } = await loadRdb(st, ctx, 'zset-ziplist.rdb', { ...extra });
      await r.call('SELECT', 0);
      st.equal(await r.call('OBJECT', 'ENCODING', 'zset'), enc);
      st.equal(await r.call('ZCARD', 'zset'), 2);
      st.same(await r.call('ZRANGE', 'zset', 0, -1, 'WITHSCORES'), ['one', '1', 'two', '2']);
    });
  }
});

t.test('list-quicklist.rdb', async (tt) => {
  tt.equal(magic('list-quicklist.rdb'), 'REDIS0008');
  const { ctx } = testRun(tt, PORT_BASE.listQuicklist);
  const dir = await fixtureDir(ctx.run, 'list-quicklist.rdb');
  const chk = await checkRdb(join(dir, 'list-quicklist.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.match(chk.out, /AUX FIELD redis-ver = '4\.0\.9'/);
  tt.match(chk.out, /Checksum OK/);
  tt.match(chk.out, /\[info\] 2 keys read/);
  const { r } = await loadRdb(tt, ctx, 'list-quicklist.rdb');
  await r.call('SELECT', 0);
  tt.equal(await r.call('TYPE', 'list'), 'list');
  tt.equal(await r.call('OBJECT', 'ENCODING', 'list'), 'quicklist');
  tt.equal(await r.call('GET', 'x'), '7');
  tt.equal(await r.call('LPOP', 'list'), '7');
  tt.equal(await r.call('DBSIZE'), 1, 'the one-element list is gone after LPOP');
});

/** csvdump as the Tcl harness does it (util.tcl), over databases 0..15. */
async function csvdump(r: Client): Promise<string> {
  let o = '';
  const q = (s: Reply): string => `"${String(s)}"`;
  for (let db = 0; db < 16; db++) {
    await r.call('SELECT', db);
    const keys = ((await r.call('KEYS', '*')) as string[]).sort();
    for (const k of keys) {
      const type = (await r.call('TYPE', k)) as string;
      o += `${q(db)},${q(k)},${q(type)},`;
      if (type === 'string') {
        o += `${q(await r.call('GET', k))}\n`;
      } else if (type === 'list') {
        for (const e of (await r.call('LRANGE', k, 0, -1)) as string[]) o += `${q(e)},`;
        o += '\n';
      } else if (type === 'set') {
        for (const e of ((await r.call('SMEMBERS', k)) as string[]).sort()) o += `${q(e)},`;
        o += '\n';
      } else if (type === 'zset') {
        for (const e of (await r.call('ZRANGE', k, 0, -1, 'WITHSCORES')) as string[]) o += `${q(e)},`;
        o += '\n';
      } else if (type === 'hash') {
        const flat = (await r.call('HGETALL', k)) as string[];
        const pairs: [string, string][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
        pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        for (const [f, v] of pairs) o += `${q(f)},${q(v)},`;
        o += '\n';
      }
    }
  }
  await r.call('SELECT', 9);
  return o;
}

const ENCODINGS_CSV = `"0","compressible","string","${'a'.repeat(137)}"
"0","hash","hash","a","1","aa","10","aaa","100","b","2","bb","20","bbb","200","c","3","cc","30","ccc","300","ddd","400","eee","5000000000",
"0","hash_zipped","hash","a","1","b","2","c","3",
"0","list","list","1","2","3","a","b","c","100000","6000000000","1","2","3","a","b","c","100000","6000000000","1","2","3","a","b","c","100000","6000000000",
"0","list_zipped","list","1","2","3","a","b","c","100000","6000000000",
"0","number","string","10"
"0","set","set","1","100000","2","3","6000000000","a","b","c",
"0","set_zipped_1","set","1","2","3","4",
"0","set_zipped_2","set","100000","200000","300000","400000",
"0","set_zipped_3","set","1000000000","2000000000","3000000000","4000000000","5000000000","6000000000",
"0","string","string","Hello World"
"0","zset","zset","a","1","b","2","c","3","aa","10","bb","20","cc","30","aaa","100","bbb","200","ccc","300","aaaa","1000","cccc","123456789","bbbb","5000000000",
"0","zset_zipped","zset","a","1","b","2","c","3",
`;

t.test('encodings.rdb', async (tt) => {
  const data = buildFixture('encodings.rdb');
  tt.equal(magic('encodings.rdb'), 'REDIS0004');
  tt.ok(data.includes(Buffer.from([0x0c, ...Buffer.from('compressible'), 0xc3])), 'compressible is LZF-encoded');
  const { ctx } = testRun(tt, PORT_BASE.encodings);
  const dir = await fixtureDir(ctx.run, 'encodings.rdb');
  const chk = await checkRdb(join(dir, 'encodings.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.match(chk.out, /\[info\] 13 keys read/);
  tt.match(chk.out, /RDB looks OK/);
  const { r } = await loadRdb(tt, ctx, 'encodings.rdb');
  await r.call('SELECT', 0);
  tt.equal(await csvdump(r), ENCODINGS_CSV, 'csvdump matches rdb.tcl "RDB encoding loading test"');
  await r.call('SELECT', 0);
  const expected: Record<string, string> = {
    compressible: 'raw', string: 'embstr', number: 'int', hash: 'listpack', hash_zipped: 'listpack',
    list: 'quicklist', list_zipped: 'quicklist', set: 'hashtable', set_zipped_1: 'intset',
    set_zipped_2: 'intset', set_zipped_3: 'intset', zset: 'listpack', zset_zipped: 'listpack',
  };
  for (const [k, enc] of Object.entries(expected)) {
    tt.equal(await r.call('OBJECT', 'ENCODING', k), enc, `${k} loads as ${enc}`);
  }
});

t.test('scriptbackup.rdb', async (tt) => {
  const sha = 'a0c38691e9fffe4563723c32ba77a34398e090e6';
  tt.equal(createHash('sha1').update(SCRIPTBACKUP_LUA).digest('hex'), sha, 'the kept script has the SHA1 rdb.tcl uses');
  tt.equal(magic('scriptbackup.rdb'), 'REDIS0010');
  const { ctx } = testRun(tt, PORT_BASE.scriptbackup);
  const dir = await fixtureDir(ctx.run, 'scriptbackup.rdb');
  const chk = await checkRdb(join(dir, 'scriptbackup.rdb'));
  tt.equal(chk.code, 0, 'redis-check-rdb exits 0');
  tt.ok(chk.out.includes(`AUX FIELD lua = '${SCRIPTBACKUP_LUA}'`), 'lua aux field present');
  tt.match(chk.out, /\[info\] 0 keys read/);
  tt.match(chk.out, /Checksum OK/);
  const { r } = await loadRdb(tt, ctx, 'scriptbackup.rdb');
  tt.same(await r.call('SCRIPT', 'EXISTS', sha), [0], "script won't load anymore if it's in rdb");
  tt.equal(await r.call('DBSIZE'), 0);
});

t.test('corrupt_ziplist.rdb', async (tt) => {
  const data = buildFixture('corrupt_ziplist.rdb');
  tt.equal(magic('corrupt_ziplist.rdb'), 'REDIS0007');
  tt.same(data.subarray(-9), hex(0xff, 0, 0, 0, 0, 0, 0, 0, 0), 'EOF then a zero checksum');
  const { ctx } = testRun(tt, PORT_BASE.corruptZiplist);
  const dir = await fixtureDir(ctx.run, 'corrupt_ziplist.rdb');
  const chk = await checkRdb(join(dir, 'corrupt_ziplist.rdb'));
  tt.not(chk.code, 0, 'redis-check-rdb rejects it');
  tt.match(chk.out, /Hash ziplist integrity check failed/);
  tt.match(chk.out, /Reading key 'key:000000000091'/);

  // The server must exit while loading: don't wait for it to be ready.
  const server = await RedisServer.start(ctx, {
    overrides: {
      dir, save: '', 'enable-debug-command': 'yes',
      dbfilename: 'corrupt_ziplist.rdb', appendonly: 'no', loglevel: 'verbose',
      'use-exit-on-panic': 'yes', 'crash-memcheck-enabled': 'no', 'sanitize-dump-payload': 'no',
    },
    waitReady: false,
  });
  tt.teardown(() => server.kill('SIGKILL'));
  tt.ok(await server.waitExit(5000), 'rdb loading failed: the server exited');
  // grep patterns: the "." is escaped so it matches only a dot, as the old substring search did.
  tt.equal(countMessageLines(server.stdout, 'Terminating server after rdb file reading failure\\.'), 1);
  tt.ok(countMessageLines(server.stdout, 'integrity check failed') > 1, 'more than one "integrity check failed" line');
});

t.test('corrupt_empty_keys.rdb', async (tt) => {
  tt.equal(magic('corrupt_empty_keys.rdb'), 'REDIS0010');
  const { ctx } = testRun(tt, PORT_BASE.corruptEmptyKeys);
  const dir = await fixtureDir(ctx.run, 'corrupt_empty_keys.rdb');
  const chk = await checkRdb(join(dir, 'corrupt_empty_keys.rdb'));
  // redis-check-rdb 7.0.15 treats an empty key as an error and stops at the first one.
  tt.not(chk.code, 0, 'redis-check-rdb stops at the first empty key');
  tt.match(chk.out, /AUX FIELD aof-preamble = '0'/);
  tt.match(chk.out, /Reading key 'set'\n\[additional info\] Reading type 2 \(set-hashtable\)/);

  const keys = [
    'set', 'list_quicklist', 'list_quicklist_empty_ziplist', 'list_ziplist',
    'hash', 'hash_ziplist', 'zset', 'zset_ziplist', 'zset_listpack',
  ];
  for (const sanitize of ['no', 'yes']) {
    await tt.test(`sanitize-dump-payload ${sanitize}`, async (st) => {
      const { server, r } = await loadRdb(st, ctx, 'corrupt_empty_keys.rdb', { 'sanitize-dump-payload': sanitize });
      await r.call('SELECT', 0);
      st.equal(await r.call('DBSIZE'), 0);
      const lines = server.log().split('\n');
      for (const k of keys) {
        st.ok(lines.some((l) => l.endsWith(`skipping empty key: ${k}`)), `skipping empty key: ${k}`);
      }
      st.equal(countMessageLines(server.stdout, 'skipping empty key:'), 9);
      st.match(server.log(), /Done loading RDB, keys loaded: 0, keys expired: 0, empty keys skipped: 9\./);
    });
  }
});

t.test('rdb-preamble.aof', async (tt) => {
  const data = buildFixture('rdb-preamble.aof');
  tt.equal(magic('rdb-preamble.aof'), 'REDIS0010');
  tt.ok(data.subarray(-30).toString('latin1').endsWith('*3\r\n$3\r\nset\r\n$2\r\nk3\r\n$2\r\nv3\r\n'), 'AOF tail');
  const { ctx } = testRun(tt, PORT_BASE.rdbPreamble);

  await tt.test('redis-check-aof: old-style AOF', async (st) => {
    const dir = await fixtureDir(ctx.run, 'rdb-preamble.aof');
    const res = await runCheck('redis-check-aof', join(dir, 'rdb-preamble.aof'));
    st.equal(res.code, 0);
    st.match(res.stdout, /Start checking Old-Style AOF[\s\S]*Checksum OK[\s\S]*RDB preamble is OK, proceeding with AOF tail[\s\S]*is valid/);
  });

  await tt.test('redis-check-aof: base of a multi-part AOF', async (st) => {
    const aofDir = join(ctx.run.tmpdir('aof'), 'appendonlydir');
    await writeFixture('rdb-preamble.aof', join(aofDir, 'appendonly.aof.1.base.aof'));
    await writeFile(
      join(aofDir, 'appendonly.aof.1.incr.aof'),
      '*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$5\r\nhello\r\n*3\r\n$3\r\nset\r\n$3\r\nbar\r\n$5\r\nworld\r\n',
    );
    await writeFile(
      join(aofDir, 'appendonly.aof.manifest'),
      'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    const res = await runCheck('redis-check-aof', join(aofDir, 'appendonly.aof.manifest'));
    st.equal(res.code, 0);
    st.match(
      res.stdout,
      /Start checking Multi Part AOF[\s\S]*Start to check BASE AOF \(RDB format\)[\s\S]*DB preamble is OK, proceeding with AOF tail[\s\S]*BASE AOF[\s\S]*is valid[\s\S]*Start to check INCR files[\s\S]*INCR AOF[\s\S]*is valid[\s\S]*All AOF files and manifest are valid/,
    );
  });

  await tt.test('loads as a pre-7.0 appendonly.aof (upgraded to multi-part)', async (st) => {
    const dir = await fixtureDir(ctx.run, 'rdb-preamble.aof', 'appendonly.aof');
    const { server, r } = await startServer(st, ctx, dir, {
      appendonly: 'yes', appendfilename: 'appendonly.aof', appenddirname: 'appendonlydir',
      'auto-aof-rewrite-percentage': 0, dbfilename: 'dump.rdb',
    });
    st.equal(await r.call('GET', 'k1'), 'v1');
    st.equal(await r.call('GET', 'k2'), 'v2');
    st.equal(await r.call('GET', 'k3'), 'v3');
    st.equal(await r.call('DBSIZE'), 3);
    st.match(server.log(), /RDB has an AOF tail/);
    await st.rejects(access(join(dir, 'appendonly.aof')), 'moved out of the server dir');
    await access(join(dir, 'appendonlydir', 'appendonly.aof'));
    st.equal(
      await readFile(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'utf8'),
      'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
  });
});
