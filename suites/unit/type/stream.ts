import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  tclCatch,
  tclString,
  fail,
  puts,
  rng,
  randomInt,
  lshuffle,
  waitForBlockedClient,
  waitForBlockedClientsCount,
  waitForBgrewriteaof,
  sleep,
  dictGet,
  lindex,
  type ServerHandle,
} from '../../../harness/index.ts';

type Entry = [string, string[]];

/** A stream ID's part as a number: exact up to 15 digits, BigInt beyond (64-bit parts). */
const idPart = (digits: string): number | bigint => (digits.length <= 15 ? Number(digits) : BigInt(digits));

/** -1, 0 or 1; < and > compare a number with a bigint by value. */
const sign = (x: number | bigint, y: number | bigint) => (x > y ? 1 : x < y ? -1 : 0);

/** Stream IDs compared as numbers, like strcmp's sign. */
function streamCompareID(a: string, b: string): number {
  if (a === b) return 0;
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return sign(idPart(a.slice(0, aDash)), idPart(b.slice(0, bDash))) || sign(idPart(a.slice(aDash + 1)), idPart(b.slice(bDash + 1)));
}

/** The ID right after this one (seq overflow is not a concern here). */
function streamNextID(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}

/** A random ID with ms between the two IDs' ms parts and a small seq. */
function streamRandomID(minId: string, maxId: string): string {
  const minMs = Number(minId.split('-')[0]);
  const maxMs = Number(maxId.split('-')[0]);
  const ms = minMs + randomInt(maxMs - minMs + 1);
  const seq = randomInt(1000);
  return `${ms}-${seq}`;
}

/** XRANGE computed locally over a copy of the stream, to check the server's against. */
function streamSimulateXRANGE(items: Entry[], start: string, end: string): Entry[] {
  return items.filter(([id]) => streamCompareID(id, start) >= 0 && streamCompareID(id, end) <= 0);
}

/** The first two fields of an entry, as the Tcl `lrange ... 0 1`. */
function firstPair(entry: unknown): string {
  return tclString((lindex(entry, 1) as unknown[]).slice(0, 2));
}

/** 10000 XADDs in one MULTI; one in ten entries gets an extra field, to vary the compression. */
async function insertIntoStreamKey(r: ServerHandle, key: string, count = 10000): Promise<void> {
  await r.call('multi');
  const queued: Array<Promise<unknown>> = [];
  for (let j = 0; j < count; j++) {
    if (rng().random() < 0.9) queued.push(r.call('XADD', key, '*', 'item', j));
    else queued.push(r.call('XADD', key, '*', 'item', j, 'otherfield', 'foo'));
  }
  await Promise.all(queued);
  await r.call('exec');
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['stream'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);

    await test('XADD wrong number of args', async () => {
      await assertError("*wrong number of arguments for 'xadd' command", () => r('XADD', 'mystream'));
      await assertError("*wrong number of arguments for 'xadd' command", () => r('XADD', 'mystream', '*'));
      await assertError("*wrong number of arguments for 'xadd' command", () => r('XADD', 'mystream', '*', 'field'));
    });

    await test('XADD can add entries into a stream that XRANGE can fetch', async () => {
      await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a');
      await r('XADD', 'mystream', '*', 'item', 2, 'value', 'b');
      assertEqual(2, await r('XLEN', 'mystream'));
      const items = await r('XRANGE', 'mystream', '-', '+');
      assertEqual(lindex(items, 0, 1), 'item 1 value a');
      assertEqual(lindex(items, 1, 1), 'item 2 value b');
    });

    await test('XADD IDs are incremental', async () => {
      const id1 = String(await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a'));
      const id2 = String(await r('XADD', 'mystream', '*', 'item', 2, 'value', 'b'));
      const id3 = String(await r('XADD', 'mystream', '*', 'item', 3, 'value', 'c'));
      assert(streamCompareID(id1, id2) === -1, '[streamCompareID $id1 $id2] == -1');
      assert(streamCompareID(id2, id3) === -1, '[streamCompareID $id2 $id3] == -1');
    });

    await test('XADD IDs are incremental when ms is the same as well', async () => {
      await r('multi');
      await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a');
      await r('XADD', 'mystream', '*', 'item', 2, 'value', 'b');
      await r('XADD', 'mystream', '*', 'item', 3, 'value', 'c');
      const [id1, id2, id3] = ((await r('exec')) as string[]).map(String);
      assert(streamCompareID(id1, id2) === -1, '[streamCompareID $id1 $id2] == -1');
      assert(streamCompareID(id2, id3) === -1, '[streamCompareID $id2 $id3] == -1');
    });

    await test('XADD IDs correctly report an error when overflowing', async () => {
      await r('DEL', 'mystream');
      await r('xadd', 'mystream', '18446744073709551615-18446744073709551615', 'a', 'b');
      await assertError('ERR*', () => r('xadd', 'mystream', '*', 'c', 'd'));
    });

    await test('XADD auto-generated sequence is incremented for last ID', async () => {
      await r('DEL', 'mystream');
      const id1 = String(await r('XADD', 'mystream', '123-456', 'item', 1, 'value', 'a'));
      const id2 = String(await r('XADD', 'mystream', '123-*', 'item', 2, 'value', 'b'));
      const seq = id2.split('-')[1];
      assert(Number(seq) === 457, '$seq == 457');
      assert(streamCompareID(id1, id2) === -1, '[streamCompareID $id1 $id2] == -1');
    });

    await test('XADD auto-generated sequence is zero for future timestamp ID', async () => {
      await r('DEL', 'mystream');
      const id1 = String(await r('XADD', 'mystream', '123-456', 'item', 1, 'value', 'a'));
      const id2 = String(await r('XADD', 'mystream', '789-*', 'item', 2, 'value', 'b'));
      const seq = id2.split('-')[1];
      assert(Number(seq) === 0, '$seq == 0');
      assert(streamCompareID(id1, id2) === -1, '[streamCompareID $id1 $id2] == -1');
    });

    await test("XADD auto-generated sequence can't be smaller than last ID", async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', '123-456', 'item', 1, 'value', 'a');
      await assertError('ERR*', () => r('XADD', 'mystream', '42-*', 'item', 2, 'value', 'b'));
    });

    await test("XADD auto-generated sequence can't overflow", async () => {
      await r('DEL', 'mystream');
      await r('xadd', 'mystream', '1-18446744073709551615', 'a', 'b');
      await assertError('ERR*', () => r('xadd', 'mystream', '1-*', 'c', 'd'));
    });

    await test('XADD 0-* should succeed', async () => {
      await r('DEL', 'mystream');
      const id = String(await r('xadd', 'mystream', '0-*', 'a', 'b'));
      const seq = id.split('-')[1];
      assert(Number(seq) === 1, '$seq == 1');
    });

    await test('XADD with MAXLEN option', async () => {
      await r('DEL', 'mystream');
      for (let j = 0; j < 1000; j++) {
        if (rng().random() < 0.9) await r('XADD', 'mystream', 'MAXLEN', 5, '*', 'xitem', j);
        else await r('XADD', 'mystream', 'MAXLEN', 5, '*', 'yitem', j);
      }
      assert(Number(await r('xlen', 'mystream')) === 5, '[r xlen mystream] == 5');
      const res = (await r('xrange', 'mystream', '-', '+')) as unknown[];
      let expected = 995;
      for (const e of res) {
        assert(Number(lindex(e, 1, 1)) === expected, '[lindex $r 1 1] == $expected');
        expected++;
      }
    });

    await test("XADD with MAXLEN option and the '=' argument", async () => {
      await r('DEL', 'mystream');
      for (let j = 0; j < 1000; j++) {
        if (rng().random() < 0.9) await r('XADD', 'mystream', 'MAXLEN', '=', 5, '*', 'xitem', j);
        else await r('XADD', 'mystream', 'MAXLEN', '=', 5, '*', 'yitem', j);
      }
      assert(Number(await r('XLEN', 'mystream')) === 5, '[r XLEN mystream] == 5');
    });

    await test("XADD with MAXLEN option and the '~' argument", async () => {
      await r('DEL', 'mystream');
      await r('config', 'set', 'stream-node-max-entries', 100);
      for (let j = 0; j < 1000; j++) {
        if (rng().random() < 0.9) await r('XADD', 'mystream', 'MAXLEN', '~', 555, '*', 'xitem', j);
        else await r('XADD', 'mystream', 'MAXLEN', '~', 555, '*', 'yitem', j);
      }
      assert(Number(await r('XLEN', 'mystream')) === 600, '[r XLEN mystream] == 600');
    });

    await test('XADD with NOMKSTREAM option', async () => {
      await r('DEL', 'mystream');
      assertEqual('', await r('XADD', 'mystream', 'NOMKSTREAM', '*', 'item', 1, 'value', 'a'));
      assertEqual(0, await r('EXISTS', 'mystream'));
      await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a');
      await r('XADD', 'mystream', 'NOMKSTREAM', '*', 'item', 2, 'value', 'b');
      assertEqual(2, await r('XLEN', 'mystream'));
      const items = await r('XRANGE', 'mystream', '-', '+');
      assertEqual(lindex(items, 0, 1), 'item 1 value a');
      assertEqual(lindex(items, 1, 1), 'item 2 value b');
    });

    await test('XADD with MINID option', async () => {
      await r('DEL', 'mystream');
      for (let j = 1; j < 1001; j++) {
        let minid = 1000;
        if (j >= 5) minid = j - 5;
        if (rng().random() < 0.9) await r('XADD', 'mystream', 'MINID', minid, j, 'xitem', j);
        else await r('XADD', 'mystream', 'MINID', minid, j, 'yitem', j);
      }
      assert(Number(await r('xlen', 'mystream')) === 6, '[r xlen mystream] == 6');
      const res = (await r('xrange', 'mystream', '-', '+')) as unknown[];
      let expected = 995;
      for (const e of res) {
        assert(Number(lindex(e, 1, 1)) === expected, '[lindex $r 1 1] == $expected');
        expected++;
      }
    });

    await test('XTRIM with MINID option', async () => {
      await r('DEL', 'mystream');
      for (const id of ['1-0', '2-0', '3-0', '4-0', '5-0']) await r('XADD', 'mystream', id, 'f', 'v');
      await r('XTRIM', 'mystream', 'MINID', '=', '3-0');
      assertEqual(await r('XRANGE', 'mystream', '-', '+'), '{3-0 {f v}} {4-0 {f v}} {5-0 {f v}}');
    });

    await test('XTRIM with MINID option, big delta from master record', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', '1-0', 'f', 'v');
      await r('XADD', 'mystream', '1641544570597-0', 'f', 'v');
      await r('XADD', 'mystream', '1641544570597-1', 'f', 'v');
      await r('XTRIM', 'mystream', 'MINID', '1641544570597-0');
      assertEqual(await r('XRANGE', 'mystream', '-', '+'), '{1641544570597-0 {f v}} {1641544570597-1 {f v}}');
    });

    await test('XADD mass insertion and XLEN', async () => {
      await r('DEL', 'mystream');
      await insertIntoStreamKey(server, 'mystream');
      const items = (await r('XRANGE', 'mystream', '-', '+')) as unknown[];
      let j = 0;
      for (; j < 10000; j++) assert(firstPair(items[j]) === `item ${j}`, '[lrange [lindex $items $j 1] 0 1] eq [list item $j]');
      assert(Number(await r('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
    });

    await test('XADD with ID 0-0', async () => {
      await r('DEL', 'otherstream');
      await tclCatch(() => r('XADD', 'otherstream', '0-0', 'k', 'v'));
      assert(Number(await r('EXISTS', 'otherstream')) === 0, '[r EXISTS otherstream] == 0');
    });

    await test('XADD with LIMIT delete entries no more than limit', async () => {
      await r('del', 'yourstream');
      for (let j = 0; j < 3; j++) await r('XADD', 'yourstream', '*', 'xitem', 'v');
      await r('XADD', 'yourstream', 'MAXLEN', '~', 0, 'limit', 1, '*', 'xitem', 'v');
      assert(Number(await r('XLEN', 'yourstream')) === 4, '[r XLEN yourstream] == 4');
    });

    await test('XRANGE COUNT works as expected', async () => {
      assert(((await r('xrange', 'mystream', '-', '+', 'COUNT', 10)) as unknown[]).length === 10, '[llength [r xrange mystream - + COUNT 10]] == 10');
    });

    await test('XREVRANGE COUNT works as expected', async () => {
      assert(((await r('xrevrange', 'mystream', '+', '-', 'COUNT', 10)) as unknown[]).length === 10, '[llength [r xrevrange mystream + - COUNT 10]] == 10');
    });

    await test('XRANGE can be used to iterate the whole stream', async () => {
      let lastId = '-';
      let j = 0;
      for (;;) {
        const elements = (await r('xrange', 'mystream', lastId, '+', 'COUNT', 100)) as unknown[];
        if (elements.length === 0) break;
        for (const e of elements) {
          assert(firstPair(e) === `item ${j}`, '[lrange [lindex $e 1] 0 1] eq [list item $j]');
          j++;
        }
        lastId = streamNextID(String(lindex(elements, -1, 0)));
      }
      assert(j === 10000, '$j == 10000');
    });

    await test('XREVRANGE returns the reverse of XRANGE', async () => {
      const forward = await r('xrange', 'mystream', '-', '+');
      const reverse = ((await r('xrevrange', 'mystream', '+', '-')) as unknown[]).reverse();
      assert(tclString(forward) === tclString(reverse), '[r xrange mystream - +] == [lreverse [r xrevrange mystream + -]]');
    });

    await test('XRANGE exclusive ranges', async () => {
      const ids = [
        '0-1',
        '0-18446744073709551615',
        '1-0',
        '42-0',
        '42-42',
        '18446744073709551615-18446744073709551614',
        '18446744073709551615-18446744073709551615',
      ];
      const total = ids.length;
      await r('multi');
      await r('DEL', 'vipstream');
      for (const id of ids) await r('XADD', 'vipstream', id, 'foo', 'bar');
      await r('exec');
      const count = async (start: string, end: string) => ((await r('xrange', 'vipstream', start, end)) as unknown[]).length;
      assert((await count('-', '+')) === total, '[llength [r xrange vipstream - +]] == $total');
      assert((await count(`(${ids[0]}`, '+')) === total - 1, '[llength [r xrange vipstream ([lindex $ids 0] +]] == $total-1');
      assert((await count('-', `(${ids[total - 1]}`)) === total - 1, '[llength [r xrange vipstream - ([lindex $ids $total-1]]] == $total-1');
      assert((await count('(0-1', '(1-0')) === 1, '[llength [r xrange vipstream (0-1 (1-0]] == 1');
      assert((await count('(1-0', '(42-42')) === 1, '[llength [r xrange vipstream (1-0 (42-42]] == 1');
      assertMatch('ERR*', (await tclCatch(() => r('xrange', 'vipstream', '(-', '+'))).value);
      assertMatch('ERR*', (await tclCatch(() => r('xrange', 'vipstream', '-', '(+'))).value);
      assertMatch('ERR*', (await tclCatch(() => r('xrange', 'vipstream', '(18446744073709551615-18446744073709551615', '+'))).value);
      assertMatch('ERR*', (await tclCatch(() => r('xrange', 'vipstream', '-', '(0-0'))).value);
    });

    await test('XREAD with non empty stream', async () => {
      const res = await r('XREAD', 'COUNT', 1, 'STREAMS', 'mystream', '0-0');
      assert(firstPair(lindex(res, 0, 1, 0)) === 'item 0', '[lrange [lindex $res 0 1 0 1] 0 1] eq {item 0}');
    });

    await test('Non blocking XREAD with empty streams', async () => {
      const res = await r('XREAD', 'STREAMS', 's1{t}', 's2{t}', '0-0', '0-0');
      assert(tclString(res) === '', '$res eq {}');
    });

    await test('XREAD with non empty second stream', async () => {
      await insertIntoStreamKey(server, 'mystream{t}');
      const res = await r('XREAD', 'COUNT', 1, 'STREAMS', 'nostream{t}', 'mystream{t}', '0-0', '0-0');
      assert(lindex(res, 0, 0) === 'mystream{t}', '[lindex $res 0 0] eq {mystream{t}}');
      assert(firstPair(lindex(res, 0, 1, 0)) === 'item 0', '[lrange [lindex $res 0 1 0 1] 0 1] eq {item 0}');
    });

    await test('Blocking XREAD waiting new data', async () => {
      await r('XADD', 's2{t}', '*', 'old', 'abcd1234');
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 20000, 'STREAMS', 's1{t}', 's2{t}', 's3{t}', '$', '$', '$');
      await waitForBlockedClient(server);
      await r('XADD', 's2{t}', '*', 'new', 'abcd1234');
      const res = await rd.read();
      assert(lindex(res, 0, 0) === 's2{t}', '[lindex $res 0 0] eq {s2{t}}');
      assert(tclString(lindex(res, 0, 1, 0, 1)) === 'new abcd1234', '[lindex $res 0 1 0 1] eq {new abcd1234}');
      await rd.close();
    });

    await test('Blocking XREAD waiting old data', async () => {
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 20000, 'STREAMS', 's1{t}', 's2{t}', 's3{t}', '$', '0-0', '$');
      await r('XADD', 's2{t}', '*', 'foo', 'abcd1234');
      const res = await rd.read();
      assert(lindex(res, 0, 0) === 's2{t}', '[lindex $res 0 0] eq {s2{t}}');
      assert(tclString(lindex(res, 0, 1, 0, 1)) === 'old abcd1234', '[lindex $res 0 1 0 1] eq {old abcd1234}');
      await rd.close();
    });

    await test('Blocking XREAD will not reply with an empty array', async () => {
      await r('del', 's1');
      await r('XADD', 's1', 666, 'f', 'v');
      await r('XADD', 's1', 667, 'f2', 'v2');
      await r('XDEL', 's1', 667);
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 10, 'STREAMS', 's1', 666);
      await sleep(20);
      // Before the fix the client was served at once with {s1 {}} instead of blocking.
      assert(tclString(await rd.read()) === '', '[$rd read] == {}');
      await rd.close();
    });

    await test('Blocking XREAD for stream that ran dry (issue #5299)', async () => {
      const rd = await server.newClient();

      // last_id stays 666 after the only entry is deleted.
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'key', 'value');
      await r('XDEL', 'mystream', 666);

      // An ID below last_id: released by the timeout.
      rd.send('XREAD', 'BLOCK', 10, 'STREAMS', 'mystream', 665);
      assertEqual(await rd.read(), '');

      await assertError('ERR*equal*smaller*', () => r('XADD', 'mystream', 665, 'key', 'value'));
      await assertError('ERR*equal*smaller*', () => r('XADD', 'mystream', 666, 'key', 'value'));

      // Blocks, then a new entry releases it.
      rd.send('XREAD', 'BLOCK', 0, 'STREAMS', 'mystream', 665);
      await waitForBlockedClientsCount(server, 1);
      await r('XADD', 'mystream', 667, 'key', 'value');
      assertEqual(await rd.read(), '{mystream {{667-0 {key value}}}}');

      await rd.close();
    });

    await test('XREAD: XADD + DEL should not awake client', async () => {
      const rd = await server.newClient();
      await r('del', 's1');
      rd.send('XREAD', 'BLOCK', 20000, 'STREAMS', 's1', '$');
      await waitForBlockedClientsCount(server, 1);
      await r('multi');
      await r('XADD', 's1', '*', 'old', 'abcd1234');
      await r('DEL', 's1');
      await r('exec');
      await r('XADD', 's1', '*', 'new', 'abcd1234');
      const res = await rd.read();
      assert(lindex(res, 0, 0) === 's1', '[lindex $res 0 0] eq {s1}');
      assert(tclString(lindex(res, 0, 1, 0, 1)) === 'new abcd1234', '[lindex $res 0 1 0 1] eq {new abcd1234}');
      await rd.close();
    });

    await test('XREAD: XADD + DEL + LPUSH should not awake client', async () => {
      const rd = await server.newClient();
      await r('del', 's1');
      rd.send('XREAD', 'BLOCK', 20000, 'STREAMS', 's1', '$');
      await waitForBlockedClientsCount(server, 1);
      await r('multi');
      await r('XADD', 's1', '*', 'old', 'abcd1234');
      await r('DEL', 's1');
      await r('LPUSH', 's1', 'foo', 'bar');
      await r('exec');
      await r('DEL', 's1');
      await r('XADD', 's1', '*', 'new', 'abcd1234');
      const res = await rd.read();
      assert(lindex(res, 0, 0) === 's1', '[lindex $res 0 0] eq {s1}');
      assert(tclString(lindex(res, 0, 1, 0, 1)) === 'new abcd1234', '[lindex $res 0 1 0 1] eq {new abcd1234}');
      await rd.close();
    });

    await test('XREAD with same stream name multiple times should work', async () => {
      await r('XADD', 's2', '*', 'old', 'abcd1234');
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 20000, 'STREAMS', 's2', 's2', 's2', '$', '$', '$');
      await waitForBlockedClientsCount(server, 1);
      await r('XADD', 's2', '*', 'new', 'abcd1234');
      const res = await rd.read();
      assert(lindex(res, 0, 0) === 's2', '[lindex $res 0 0] eq {s2}');
      assert(tclString(lindex(res, 0, 1, 0, 1)) === 'new abcd1234', '[lindex $res 0 1 0 1] eq {new abcd1234}');
      await rd.close();
    });

    await test('XREAD + multiple XADD inside transaction', async () => {
      await r('XADD', 's2', '*', 'old', 'abcd1234');
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 20000, 'STREAMS', 's2', 's2', 's2', '$', '$', '$');
      await waitForBlockedClientsCount(server, 1);
      await r('MULTI');
      await r('XADD', 's2', '*', 'field', 'one');
      await r('XADD', 's2', '*', 'field', 'two');
      await r('XADD', 's2', '*', 'field', 'three');
      await r('EXEC');
      const res = await rd.read();
      assert(lindex(res, 0, 0) === 's2', '[lindex $res 0 0] eq {s2}');
      assert(tclString(lindex(res, 0, 1, 0, 1)) === 'field one', '[lindex $res 0 1 0 1] eq {field one}');
      assert(tclString(lindex(res, 0, 1, 1, 1)) === 'field two', '[lindex $res 0 1 1 1] eq {field two}');
      await rd.close();
    });

    await test('XDEL basic test', async () => {
      await r('del', 'somestream');
      await r('xadd', 'somestream', '*', 'foo', 'value0');
      const id = String(await r('xadd', 'somestream', '*', 'foo', 'value1'));
      await r('xadd', 'somestream', '*', 'foo', 'value2');
      await r('xdel', 'somestream', id);
      assert(Number(await r('xlen', 'somestream')) === 2, '[r xlen somestream] == 2');
      const result = await r('xrange', 'somestream', '-', '+');
      assert(lindex(result, 0, 1, 1) === 'value0', '[lindex $result 0 1 1] eq {value0}');
      assert(lindex(result, 1, 1, 1) === 'value2', '[lindex $result 1 1 1] eq {value2}');
    });

    // Deleting every entry in random order must keep the structure consistent down to empty.
    await test('XDEL fuzz test', async () => {
      await r('del', 'somestream');
      let ids: string[] = [];
      let x = 0;
      for (;;) {
        ids.push(String(await r('xadd', 'somestream', '*', 'item', x)));
        x++;
        // Enough entries for a few radix tree nodes.
        if (Number(dictGet(await r('xinfo', 'stream', 'somestream'), 'radix-tree-keys')) > 20) break;
      }
      assert(Number(await r('xlen', 'somestream')) === x, '[r xlen somestream] == $x');

      ids = lshuffle(ids);
      for (const id of ids) {
        assert(Number(await r('xdel', 'somestream', id)) === 1, '[r xdel somestream $id] == 1');
        x--;
        assert(Number(await r('xlen', 'somestream')) === x, '[r xlen somestream] == $x');
        // A full XRANGE every 100 deletions walks the whole structure.
        if (x % 100 === 0) {
          const res = (await r('xrange', 'somestream', '-', '+')) as unknown[];
          assert(res.length === x, '[llength $res] == $x');
        }
      }
    });

    await test('XRANGE fuzzing', async () => {
      const items = (await r('XRANGE', 'mystream{t}', '-', '+')) as Entry[];
      const lowId = String(items[0][0]);
      const highId = String(items[items.length - 1][0]);
      for (let j = 0; j < 100; j++) {
        const start = streamRandomID(lowId, highId);
        const end = streamRandomID(lowId, highId);
        const range = tclString(await r('xrange', 'mystream{t}', start, end));
        const tclRange = tclString(streamSimulateXRANGE(items, start, end));
        if (range !== tclRange) {
          puts(`*** WARNING *** - XRANGE fuzzing mismatch: ${start} - ${end}`);
          puts('---');
          puts(`XRANGE: '${range}'`);
          puts('---');
          puts(`TCL: '${tclRange}'`);
          puts('---');
          fail('XRANGE fuzzing failed, check logs for details');
        }
      }
    });

    await test('XREVRANGE regression test for issue #5006', async () => {
      // Entries that are not compressed.
      await r('xadd', 'teststream', 1234567891230, 'key1', 'value1');
      await r('xadd', 'teststream', 1234567891240, 'key2', 'value2');
      await r('xadd', 'teststream', 1234567891250, 'key3', 'value3');

      // Entries compressed as SAMEFIELD.
      await r('xadd', 'teststream2', 1234567891230, 'key1', 'value1');
      await r('xadd', 'teststream2', 1234567891240, 'key1', 'value2');
      await r('xadd', 'teststream2', 1234567891250, 'key1', 'value3');

      assertEqual(await r('xrevrange', 'teststream', 1234567891245, '-'), '{1234567891240-0 {key2 value2}} {1234567891230-0 {key1 value1}}');
      assertEqual(await r('xrevrange', 'teststream2', 1234567891245, '-'), '{1234567891240-0 {key1 value2}} {1234567891230-0 {key1 value1}}');
    });

    await test('XREAD streamID edge (no-blocking)', async () => {
      await r('del', 'x');
      await r('XADD', 'x', '1-1', 'f', 'v');
      await r('XADD', 'x', '1-18446744073709551615', 'f', 'v');
      await r('XADD', 'x', '2-1', 'f', 'v');
      const res = await r('XREAD', 'BLOCK', 0, 'STREAMS', 'x', '1-18446744073709551615');
      assert(tclString(lindex(res, 0, 1, 0)) === '2-1 {f v}', '[lindex $res 0 1 0] == {2-1 {f v}}');
    });

    await test('XREAD streamID edge (blocking)', async () => {
      await r('del', 'x');
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 0, 'STREAMS', 'x', '1-18446744073709551615');
      await waitForBlockedClientsCount(server, 1);
      await r('XADD', 'x', '1-1', 'f', 'v');
      await r('XADD', 'x', '1-18446744073709551615', 'f', 'v');
      await r('XADD', 'x', '2-1', 'f', 'v');
      const res = await rd.read();
      assert(tclString(lindex(res, 0, 1, 0)) === '2-1 {f v}', '[lindex $res 0 1 0] == {2-1 {f v}}');
      await rd.close();
    });

    await test('XADD streamID edge', async () => {
      await r('del', 'x');
      // The ms part must lie in the future.
      await r('XADD', 'x', '2577343934890-18446744073709551615', 'f', 'v');
      await r('XADD', 'x', '*', 'f2', 'v2');
      assertEqual(await r('XRANGE', 'x', '-', '+'), '{2577343934890-18446744073709551615 {f v}} {2577343934891-0 {f2 v2}}');
    });

    await test('XTRIM with MAXLEN option basic test', async () => {
      await r('DEL', 'mystream');
      for (let j = 0; j < 1000; j++) {
        if (rng().random() < 0.9) await r('XADD', 'mystream', '*', 'xitem', j);
        else await r('XADD', 'mystream', '*', 'yitem', j);
      }
      await r('XTRIM', 'mystream', 'MAXLEN', 666);
      assert(Number(await r('XLEN', 'mystream')) === 666, '[r XLEN mystream] == 666');
      await r('XTRIM', 'mystream', 'MAXLEN', '=', 555);
      assert(Number(await r('XLEN', 'mystream')) === 555, '[r XLEN mystream] == 555');
      await r('XTRIM', 'mystream', 'MAXLEN', '~', 444);
      assert(Number(await r('XLEN', 'mystream')) === 500, '[r XLEN mystream] == 500');
      await r('XTRIM', 'mystream', 'MAXLEN', '~', 400);
      assert(Number(await r('XLEN', 'mystream')) === 400, '[r XLEN mystream] == 400');
    });

    await test('XADD with LIMIT consecutive calls', async () => {
      await r('del', 'mystream');
      await r('config', 'set', 'stream-node-max-entries', 10);
      for (let j = 0; j < 100; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
      await r('XADD', 'mystream', 'MAXLEN', '~', 55, 'LIMIT', 30, '*', 'xitem', 'v');
      assert(Number(await r('xlen', 'mystream')) === 71, '[r xlen mystream] == 71');
      await r('XADD', 'mystream', 'MAXLEN', '~', 55, 'LIMIT', 30, '*', 'xitem', 'v');
      assert(Number(await r('xlen', 'mystream')) === 62, '[r xlen mystream] == 62');
      await r('config', 'set', 'stream-node-max-entries', 100);
    });

    await test('XTRIM with ~ is limited', async () => {
      await r('del', 'mystream');
      await r('config', 'set', 'stream-node-max-entries', 1);
      for (let j = 0; j < 102; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
      await r('XTRIM', 'mystream', 'MAXLEN', '~', 1);
      assert(Number(await r('xlen', 'mystream')) === 2, '[r xlen mystream] == 2');
      await r('config', 'set', 'stream-node-max-entries', 100);
    });

    await test('XTRIM without ~ is not limited', async () => {
      await r('del', 'mystream');
      await r('config', 'set', 'stream-node-max-entries', 1);
      for (let j = 0; j < 102; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
      await r('XTRIM', 'mystream', 'MAXLEN', 1);
      assert(Number(await r('xlen', 'mystream')) === 1, '[r xlen mystream] == 1');
      await r('config', 'set', 'stream-node-max-entries', 100);
    });

    await test('XTRIM without ~ and with LIMIT', async () => {
      await r('del', 'mystream');
      await r('config', 'set', 'stream-node-max-entries', 1);
      for (let j = 0; j < 102; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
      await assertError('ERR*', () => r('XTRIM', 'mystream', 'MAXLEN', 1, 'LIMIT', 30));
    });

    await test('XTRIM with LIMIT delete entries no more than limit', async () => {
      await r('del', 'mystream');
      await r('config', 'set', 'stream-node-max-entries', 2);
      for (let j = 0; j < 3; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
      assert(Number(await r('XTRIM', 'mystream', 'MAXLEN', '~', 0, 'LIMIT', 1)) === 0, '[r XTRIM mystream MAXLEN ~ 0 LIMIT 1] == 0');
      assert(Number(await r('XTRIM', 'mystream', 'MAXLEN', '~', 0, 'LIMIT', 2)) === 2, '[r XTRIM mystream MAXLEN ~ 0 LIMIT 2] == 2');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes' } }, async (server) => {
    await test('XADD with MAXLEN > xlen can propagate correctly', async () => {
      let j = 0;
      for (; j < 100; j++) await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      await server.call('XADD', 'mystream', 'MAXLEN', 200, '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes' } }, async (server) => {
    await test('XADD with MINID > lastid can propagate correctly', async () => {
      let j = 0;
      for (; j < 100; j++) await server.call('XADD', 'mystream', j + 1, 'xitem', 'v');
      await server.call('XADD', 'mystream', 'MINID', 1, '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'stream-node-max-entries': 100 } }, async (server) => {
    await test('XADD with ~ MAXLEN can propagate correctly', async () => {
      let j = 0;
      for (; j < 100; j++) await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      await server.call('XADD', 'mystream', 'MAXLEN', '~', j, '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
      await server.call('config', 'set', 'stream-node-max-entries', 1);
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'stream-node-max-entries': 10 } }, async (server) => {
    await test('XADD with ~ MAXLEN and LIMIT can propagate correctly', async () => {
      for (let j = 0; j < 100; j++) await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      await server.call('XADD', 'mystream', 'MAXLEN', '~', 55, 'LIMIT', 30, '*', 'xitem', 'v');
      assert(Number(await server.call('xlen', 'mystream')) === 71, '[r xlen mystream] == 71');
      await server.call('config', 'set', 'stream-node-max-entries', 1);
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      assert(Number(await server.call('xlen', 'mystream')) === 72, '[r xlen mystream] == 72');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'stream-node-max-entries': 100 } }, async (server) => {
    await test('XADD with ~ MINID can propagate correctly', async () => {
      let j = 0;
      for (; j < 100; j++) await server.call('XADD', 'mystream', j + 1, 'xitem', 'v');
      await server.call('XADD', 'mystream', 'MINID', '~', j, '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
      await server.call('config', 'set', 'stream-node-max-entries', 1);
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      j++;
      assert(Number(await server.call('xlen', 'mystream')) === j, '[r xlen mystream] == $j');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'stream-node-max-entries': 10 } }, async (server) => {
    await test('XADD with ~ MINID and LIMIT can propagate correctly', async () => {
      for (let j = 0; j < 100; j++) await server.call('XADD', 'mystream', j + 1, 'xitem', 'v');
      await server.call('XADD', 'mystream', 'MINID', '~', 55, 'LIMIT', 30, '*', 'xitem', 'v');
      assert(Number(await server.call('xlen', 'mystream')) === 71, '[r xlen mystream] == 71');
      await server.call('config', 'set', 'stream-node-max-entries', 1);
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      assert(Number(await server.call('xlen', 'mystream')) === 72, '[r xlen mystream] == 72');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'stream-node-max-entries': 10 } }, async (server) => {
    await test('XTRIM with ~ MAXLEN can propagate correctly', async () => {
      for (let j = 0; j < 100; j++) await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      await server.call('XTRIM', 'mystream', 'MAXLEN', '~', 85);
      assert(Number(await server.call('xlen', 'mystream')) === 90, '[r xlen mystream] == 90');
      await server.call('config', 'set', 'stream-node-max-entries', 1);
      await server.call('debug', 'loadaof');
      await server.call('XADD', 'mystream', '*', 'xitem', 'v');
      assert(Number(await server.call('xlen', 'mystream')) === 91, '[r xlen mystream] == 91');
    });
  });

  await startServer({ tags: ['stream', 'xsetid'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);

    await test('XADD can CREATE an empty stream', async () => {
      await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
      assert(Number(dictGet(await r('xinfo', 'stream', 'mystream'), 'length')) === 0, '[dict get [r xinfo stream mystream] length] == 0');
    });

    await test('XSETID can set a specific ID', async () => {
      await r('XSETID', 'mystream', '200-0');
      const reply = await r('XINFO', 'stream', 'mystream');
      assertEqual(dictGet(reply, 'last-generated-id'), '200-0');
      assertEqual(dictGet(reply, 'entries-added'), 1);
    });

    await test(
      'XSETID cannot SETID with smaller ID',
      async () => {
        await r('XADD', 'mystream', '*', 'a', 'b');
        const err = (await tclCatch(() => r('XSETID', 'mystream', '1-1'))).value;
        await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
        return err;
      },
      { okPattern: 'ERR *smaller*' },
    );

    await test('XSETID cannot SETID on non-existent key', async () => (await tclCatch(() => r('XSETID', 'stream', '1-1'))).value, {
      okPattern: 'ERR no such key',
    });

    await test(
      'XSETID cannot run with an offset but without a maximal tombstone',
      async () => (await tclCatch(() => r('XSETID', 'stream', '1-1', 0))).value,
      { okPattern: 'ERR syntax error' },
    );

    await test(
      'XSETID cannot run with a maximal tombstone but without an offset',
      async () => (await tclCatch(() => r('XSETID', 'stream', '1-1', '0-0'))).value,
      { okPattern: 'ERR syntax error' },
    );

    await test(
      'XSETID errors on negstive offset',
      async () => (await tclCatch(() => r('XSETID', 'stream', '1-1', 'ENTRIESADDED', -1, 'MAXDELETEDID', '0-0'))).value,
      { okPattern: 'ERR *must be positive' },
    );

    await test(
      'XSETID cannot set the maximal tombstone with larger ID',
      async () => {
        await r('DEL', 'x');
        await r('XADD', 'x', '1-0', 'a', 'b');
        const err = (await tclCatch(() => r('XSETID', 'x', '1-0', 'ENTRIESADDED', 1, 'MAXDELETEDID', '2-0'))).value;
        await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
        return err;
      },
      { okPattern: 'ERR *smaller*' },
    );

    await test(
      'XSETID cannot set the offset to less than the length',
      async () => {
        await r('DEL', 'x');
        await r('XADD', 'x', '1-0', 'a', 'b');
        const err = (await tclCatch(() => r('XSETID', 'x', '1-0', 'ENTRIESADDED', 0, 'MAXDELETEDID', '0-0'))).value;
        await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
        return err;
      },
      { okPattern: 'ERR *smaller*' },
    );
  });

  await startServer({ tags: ['stream', 'offset'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);
    const full = () => r('XINFO', 'STREAM', 'x', 'FULL');

    await test('XADD advances the entries-added counter and sets the recorded-first-entry-id', async () => {
      await r('DEL', 'x');
      await r('XADD', 'x', '1-0', 'data', 'a');
      let reply = await full();
      assertEqual(dictGet(reply, 'entries-added'), 1);
      assertEqual(dictGet(reply, 'recorded-first-entry-id'), '1-0');

      await r('XADD', 'x', '2-0', 'data', 'a');
      reply = await full();
      assertEqual(dictGet(reply, 'entries-added'), 2);
      assertEqual(dictGet(reply, 'recorded-first-entry-id'), '1-0');
    });

    await test('XDEL/TRIM are reflected by recorded first entry', async () => {
      await r('DEL', 'x');
      for (const id of ['1-0', '2-0', '3-0', '4-0', '5-0']) await r('XADD', 'x', id, 'data', 'a');

      let reply = await full();
      assertEqual(dictGet(reply, 'entries-added'), 5);
      assertEqual(dictGet(reply, 'recorded-first-entry-id'), '1-0');

      await r('XDEL', 'x', '2-0');
      reply = await full();
      assertEqual(dictGet(reply, 'recorded-first-entry-id'), '1-0');

      await r('XDEL', 'x', '1-0');
      reply = await full();
      assertEqual(dictGet(reply, 'recorded-first-entry-id'), '3-0');

      await r('XTRIM', 'x', 'MAXLEN', '=', 2);
      reply = await full();
      assertEqual(dictGet(reply, 'recorded-first-entry-id'), '4-0');
    });

    await test('Maxmimum XDEL ID behaves correctly', async () => {
      await r('DEL', 'x');
      await r('XADD', 'x', '1-0', 'data', 'a');
      await r('XADD', 'x', '2-0', 'data', 'b');
      await r('XADD', 'x', '3-0', 'data', 'c');

      let reply = await full();
      assertEqual(dictGet(reply, 'max-deleted-entry-id'), '0-0');

      await r('XDEL', 'x', '2-0');
      reply = await full();
      assertEqual(dictGet(reply, 'max-deleted-entry-id'), '2-0');

      await r('XDEL', 'x', '1-0');
      reply = await full();
      assertEqual(dictGet(reply, 'max-deleted-entry-id'), '2-0');
    });
  });

  await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'aof-use-rdb-preamble': 'no' } }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);
    const length = async () => Number(dictGet(await r('xinfo', 'stream', 'mystream'), 'length'));

    await test('Empty stream can be rewrite into AOF correctly', async () => {
      await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
      assert((await length()) === 0, '[dict get [r xinfo stream mystream] length] == 0');
      await r('bgrewriteaof');
      await waitForBgrewriteaof(server);
      await r('debug', 'loadaof');
      assert((await length()) === 0, '[dict get [r xinfo stream mystream] length] == 0');
    });

    await test('Stream can be rewrite into AOF correctly after XDEL lastid', async () => {
      await r('XSETID', 'mystream', '0-0');
      await r('XADD', 'mystream', '1-1', 'a', 'b');
      await r('XADD', 'mystream', '2-2', 'a', 'b');
      assert((await length()) === 2, '[dict get [r xinfo stream mystream] length] == 2');
      await r('XDEL', 'mystream', '2-2');
      await r('bgrewriteaof');
      await waitForBgrewriteaof(server);
      await r('debug', 'loadaof');
      assert((await length()) === 1, '[dict get [r xinfo stream mystream] length] == 1');
      assertEqual(dictGet(await r('xinfo', 'stream', 'mystream'), 'last-generated-id'), '2-2');
    });
  });

  await startServer({ tags: ['stream'] }, async (server) => {
    await test('XGROUP HELP should not have unexpected options', async () => {
      const e = (await tclCatch(() => server.call('XGROUP', 'help', 'xxx'))).value;
      assertMatch("*wrong number of arguments for 'xgroup|help' command", e);
    });

    await test('XINFO HELP should not have unexpected options', async () => {
      const e = (await tclCatch(() => server.call('XINFO', 'help', 'xxx'))).value;
      assertMatch("*wrong number of arguments for 'xinfo|help' command", e);
    });
  });
});
