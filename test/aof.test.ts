// The pure parts of harness/aof.ts: RESP commands as stored in an AOF, reading them back, and
// manifest lines (quoting, parsing, writing) as the server reads and writes them.
import t from 'tap';
import { countMessageLines } from '../harness/core/logs.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AofReader,
  assertAofContent,
  appendToAof,
  assertAofManifestContent,
  baseAofName,
  checkFileExist,
  cleanAofPersistence,
  createAof,
  createAofManifest,
  currentBaseAofName,
  formatCommand,
  formatManifest,
  formatManifestLine,
  incrAofName,
  lastIncrAofName,
  manifestLines,
  manifestName,
  nameNeedsQuoting,
  parseManifest,
  parseManifestLine,
  quoteManifestName,
  splitArgs,
  type AofManifestEntry,
} from '../harness/tools/aof.ts';
import { AssertionError } from '../harness/suite/assert.ts';
import { RedisServer } from '../harness/servers/server.ts';
import { testRun } from './support/env.ts';

function scratch(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runtest-aof-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('formatCommand encodes RESP arrays of bulk strings with byte lengths', async (t) => {
  t.equal(formatCommand('set', 'foo', 'hello'), '*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$5\r\nhello\r\n');
  t.equal(formatCommand('incr', 'foo'), '*2\r\n$4\r\nincr\r\n$3\r\nfoo\r\n');
  t.equal(formatCommand('multi'), '*1\r\n$5\r\nmulti\r\n');
  t.equal(formatCommand('set', 'k', ''), '*3\r\n$3\r\nset\r\n$1\r\nk\r\n$0\r\n\r\n');
  t.equal(formatCommand('pexpireat', 'list', 1000), '*3\r\n$9\r\npexpireat\r\n$4\r\nlist\r\n$4\r\n1000\r\n');
  t.equal(formatCommand('set', 'k', 'é'), '*3\r\n$3\r\nset\r\n$1\r\nk\r\n$2\r\né\r\n', 'length in bytes, not characters');
  t.equal(formatCommand('set', 'a b', 'x\r\ny'), '*3\r\n$3\r\nset\r\n$3\r\na b\r\n$4\r\nx\r\ny\r\n');
});

t.test('AofReader reads commands back, lower-casing the command name only', async (t) => {
  const data = Buffer.from(formatCommand('SELECT', '9') + formatCommand('Set', 'KEY', 'Value') + formatCommand('set', 'a b', 'x\r\ny') + formatCommand('flushall'));
  const reader = new AofReader(data);
  t.same(reader.next(), ['select', '9']);
  t.same(reader.next(), ['set', 'KEY', 'Value']);
  t.same(reader.next(), ['set', 'a b', 'x\r\ny'], 'bulk payloads may hold CRLF');
  t.same(reader.next(), ['flushall']);
  t.equal(reader.next(), null);
  t.equal(reader.offset, data.length);
});

t.test('AofReader keeps binary bytes and reads every command with all()', async (t) => {
  const payload = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
  const data = Buffer.concat([Buffer.from('*3\r\n$3\r\nset\r\n$1\r\nb\r\n$5\r\n'), payload, Buffer.from('\r\n'), Buffer.from(formatCommand('del', 'b'))]);
  const all = new AofReader(data).all();
  t.equal(all.length, 2);
  t.same(Buffer.from(all[0]![2]!, 'latin1'), payload);
  t.same(all[1], ['del', 'b']);
});

t.test('AofReader rejects what is not RESP and truncated data', async (t) => {
  t.throws(() => new AofReader(Buffer.from('!!!\r\n')).next(), /expected '\*<count>'/);
  t.throws(() => new AofReader(Buffer.from('*1\r\n+OK\r\n')).next(), /expected '\$<length>'/);
  t.throws(() => new AofReader(Buffer.from('*1\r\n$10\r\nabc\r\n')).next(), /truncated/);
});

t.test('assertAofContent matches commands in order as Tcl lists', async (t) => {
  const dir = scratch(t);
  const file = path.join(dir, 'x.aof');
  writeFileSync(file, formatCommand('select', '9') + formatCommand('set', 'key', 'value') + formatCommand('set', 'k', 'a b') + formatCommand('flushdb'));
  t.doesNotThrow(() => assertAofContent(file, ['select *', 'set key value', 'set k {a b}', 'flushdb']));
  t.doesNotThrow(() => assertAofContent(file, ['select *']), 'a prefix of the file is enough');
  t.throws(() => assertAofContent(file, ['select *', 'set key value2']), AssertionError);
  t.throws(() => assertAofContent(file, ['select *', 'set key value', 'set k {a b}', 'flushdb', 'flushdb']), AssertionError, 'past the end reads as empty');
});

t.test('file names follow the server', async (t) => {
  t.equal(baseAofName('appendonly.aof', 1), 'appendonly.aof.1.base.aof');
  t.equal(baseAofName('appendonly.aof', 7, 'rdb'), 'appendonly.aof.7.base.rdb');
  t.equal(incrAofName('appendonly.aof', 3), 'appendonly.aof.3.incr.aof');
  t.equal(manifestName('appendonly.aof'), 'appendonly.aof.manifest');
});

t.test('splitArgs follows sdssplitargs', async (t) => {
  t.same(splitArgs('file appendonly.aof.1.base.rdb seq 1 type b'), ['file', 'appendonly.aof.1.base.rdb', 'seq', '1', 'type', 'b']);
  t.same(splitArgs('  a   b\t c  '), ['a', 'b', 'c']);
  t.same(splitArgs(''), []);
  t.same(splitArgs('"a b" c'), ['a b', 'c']);
  t.same(splitArgs('"x\\n\\r\\t\\b\\a\\"\\\\y"'), ['x\n\r\t\b\x07"\\y']);
  t.same(splitArgs('"\\x41\\x7a"'), ['Az']);
  t.same(splitArgs('"\\q"'), ['q'], 'unknown escapes give the character');
  t.same(splitArgs("'it\\'s' \"\""), ["it's", '']);
  t.same(splitArgs("'a\\nb'"), ['a\\nb'], 'single quotes keep backslashes');
  t.equal(splitArgs('"unterminated'), null);
  t.equal(splitArgs("'unterminated"), null);
  t.equal(splitArgs('"closed"glued'), null, 'a closing quote must be followed by a blank');
});

t.test('manifest names are quoted only when the server would quote them', async (t) => {
  t.equal(nameNeedsQuoting('appendonly.aof.1.incr.aof'), false);
  t.equal(quoteManifestName('appendonly.aof.1.incr.aof'), 'appendonly.aof.1.incr.aof');
  t.equal(quoteManifestName(' file seq \n\n.aof .2.base.rdb'), '" file seq \\n\\n.aof .2.base.rdb"');
  t.equal(quoteManifestName('a"b\\c'), '"a\\"b\\\\c"');
  t.equal(quoteManifestName('tab\there'), '"tab\\there"');
  t.equal(quoteManifestName('\x01\x7f'), '"\\x01\\x7f"');
});

t.test('manifest lines: format and parse round trip', async (t) => {
  const entries: AofManifestEntry[] = [
    { file: 'appendonly.aof.7.base.rdb', seq: 7, type: 'b' },
    { file: 'appendonly.aof.2.incr.aof', seq: 2, type: 'h' },
    { file: ' file seq \n\n.aof .2.incr.aof', seq: 2, type: 'i' },
    { file: 'we"ird\\name\t\x01', seq: 12345, type: 'i' },
  ];
  const text = formatManifest(entries);
  t.equal(
    text.split('\n')[0],
    'file appendonly.aof.7.base.rdb seq 7 type b',
  );
  t.equal(formatManifestLine(entries[2]!), 'file " file seq \\n\\n.aof .2.incr.aof" seq 2 type i');
  t.ok(text.endsWith('\n'));
  t.same(parseManifest(text), entries);
  for (const entry of entries) t.same(parseManifestLine(formatManifestLine(entry)), entry);
});

t.test('manifest lines: extra keys are ignored, malformed lines rejected', async (t) => {
  t.same(parseManifestLine('file appendonly.aof.1.base.aof seq 1 type b newkey newvalue'), { file: 'appendonly.aof.1.base.aof', seq: 1, type: 'b' });
  t.same(parseManifestLine('type i seq 3 file x.aof'), { file: 'x.aof', seq: 3, type: 'i' }, 'keys in any order');
  t.throws(() => parseManifestLine('file appendonly.aof.1.incr.aof type i'), /invalid/);
  t.throws(() => parseManifestLine('file appendonly.aof.1.incr.aof seq 1 type i newkey'), /invalid/);
  t.throws(() => parseManifestLine('filx appendonly.aof.1.base.aof seq 1 type b'), /invalid/);
  t.throws(() => parseManifestLine('file a seq x type b'), /invalid/);
  t.throws(() => parseManifestLine(''), /invalid/);
});

t.test('manifestLines counts newline-terminated lines like the Tcl loop', async (t) => {
  t.same(manifestLines(''), []);
  t.same(manifestLines('a\n'), ['a']);
  t.same(manifestLines('a\n\nb\n'), ['a', '', 'b']);
  t.same(manifestLines('a\nb'), ['a'], 'an unterminated last line is not read');
});

t.test('create, append and check a manifest and AOF files on disk', async (t) => {
  const root = scratch(t);
  const aofDir = path.join(root, 'appendonlydir');
  const manifest = path.join(aofDir, manifestName('appendonly.aof'));
  createAofManifest(aofDir, manifest, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);
  createAof(aofDir, path.join(aofDir, incrAofName('appendonly.aof', 1)), [formatCommand('set', 'foo', 'hello'), '#TS:1628217470\r\n', Buffer.from(formatCommand('incr', 'foo'))]);
  t.ok(checkFileExist(aofDir, 'appendonly.aof.1.incr.aof'));
  t.equal(readFileSync(path.join(aofDir, 'appendonly.aof.1.incr.aof'), 'utf8'), formatCommand('set', 'foo', 'hello') + '#TS:1628217470\r\n' + formatCommand('incr', 'foo'));
  t.doesNotThrow(() => assertAofManifestContent(manifest, ['file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']));
  const incr = path.join(aofDir, incrAofName('appendonly.aof', 1));
  appendToAof(incr, [formatCommand('del', 'foo')]);
  t.same(AofReader.fromFile(incr).all(), [['set', 'foo', 'hello'], ['incr', 'foo'], ['del', 'foo']], 'annotations are skipped');
  t.ok(readFileSync(incr, 'utf8').endsWith('#TS:1628217470\r\n' + formatCommand('incr', 'foo') + formatCommand('del', 'foo')), 'appended at the end');
  t.throws(() => assertAofManifestContent(manifest, ['file appendonly.aof.1.base.aof seq 1 type b']), AssertionError, 'line count differs');
  t.throws(() => assertAofManifestContent(manifest, ['file appendonly.aof.2.base.aof seq 2 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']), AssertionError);
  t.equal(currentBaseAofName(manifest), 'appendonly.aof.1.base.aof');
  t.equal(lastIncrAofName(manifest), 'appendonly.aof.1.incr.aof');

  createAofManifest(aofDir, manifest, ['file appendonly.aof.1.incr.aof seq 1 type i\n', 'file appendonly.aof.5.base.rdb seq 5 type h\n']);
  t.equal(currentBaseAofName(manifest), '', 'first line is not a BASE');
  t.equal(lastIncrAofName(manifest), '', 'last line is not an INCR');
  createAofManifest(aofDir, manifest, []);
  t.equal(currentBaseAofName(manifest), '');

  cleanAofPersistence(aofDir);
  t.notOk(checkFileExist(root, 'appendonlydir'));
  t.doesNotThrow(() => cleanAofPersistence(aofDir), 'cleaning twice is fine');
});

t.test('countMessageLines counts lines matching a regular expression', async (t) => {
  const dir = scratch(t);
  const file = path.join(dir, 'stdout');
  writeFileSync(file, 'x Invalid AOF manifest file format\nother\nInvalid AOF manifest file format again\n');
  t.equal(countMessageLines(file, 'Invalid AOF manifest file format'), 2);
  t.equal(countMessageLines(file, 'appendonly.aof .*No such file'), 0);
  t.equal(countMessageLines(path.join(dir, 'missing'), 'x'), 0);
});

// startServerAof({ waitReady: false }) relies on this: like Tcl's start_server without code, a
// server that logged its start and then died loading its AOF is returned, not a start error.
t.test('a server that exits on a bad AOF right after starting is returned when not waiting for ready', async (t) => {
  const { ctx, run } = testRun(t, 36700);
  for (let round = 0; round < 3; round++) {
    const dir = run.tmpdir('server.aof');
    const aofDir = path.join(dir, 'appendonlydir');
    createAof(aofDir, path.join(aofDir, incrAofName('appendonly.aof', 1)), [formatCommand('set', 'foo', 'hello'), '!!!', formatCommand('set', 'foo', 'hello')]);
    createAofManifest(aofDir, path.join(aofDir, manifestName('appendonly.aof')), ['file appendonly.aof.1.incr.aof seq 1 type i\n']);
    const server = await RedisServer.start(ctx, { overrides: { dir, appendonly: 'yes' }, waitReady: false });
    t.teardown(() => server.kill('SIGKILL'));
    t.ok(await server.waitExit(10_000), 'it exits by itself');
    t.match(server.log(), /Bad file format reading the append only file/);
  }
});
