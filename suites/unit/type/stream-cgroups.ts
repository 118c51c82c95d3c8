// Differs from upstream: none in behaviour. The legacy-load test RESTOREs the same DUMP bytes the
// Tcl test inlines (a Redis 5 payload; making it again would need a Redis 5 server).
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
  sleep,
  cmdrstat,
  errorrstat,
  waitForCondition,
  waitForOfsSync,
  waitForBlockedClientsCount,
  waitForBgrewriteaof,
  dictGet,
  lindex,
  llength,
  type ServerHandle,
} from '../../../harness/index.ts';

// DUMP of a stream made by Redis 5 (RDB version 9, before entries-added and group
// entries-read existed), after: XADD x 1-0..6-0, XDEL x 3-0, XGROUP CREATE x g1 0,
// XGROUP CREATE x g2 0, XREADGROUP GROUP g1 c11 COUNT 4 STREAMS x >, XTRIM x MAXLEN = 2.
const LEGACY_STREAM_DUMP = Buffer.from(
  '0f011000000000000000010000000000000000c3404a40571657000000230002010401010184646174610500010301002001038161020420' +
    '0a0001400a0062600a0002400a0063600a4022018164200a4039200a0065600a0005400a0066200a00ff0206000202673105000400000000' +
    '0000000100000000000000003ef783437a01000001000000000000000200000000000000003ef783437a0100000100000000000000040000' +
    '0000000000003ef783437a01000001000000000000000500000000000000003ef783437a0100000101036331313ef783437a010000040000' +
    '0000000000010000000000000000000000000000000200000000000000000000000000000004000000000000000000000000000000050000' +
    '0000000000000267320000000009003d52ef6867521dfa',
  'hex',
);

export default suite(async () => {
  await startServer({ tags: ['stream'] }, async (server) => {
    const r = (...args: Array<string | number | Buffer>) => server.call(...args);
    const info = async (key: string) => r('XINFO', 'STREAM', key, 'FULL');

    await test(
      'XGROUP CREATE: creation and duplicate group name detection',
      async () => {
        await r('DEL', 'mystream');
        await r('XADD', 'mystream', '*', 'foo', 'bar');
        await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
        return (await tclCatch(() => r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$'))).value;
      },
      { okPattern: 'BUSYGROUP*' },
    );

    await test(
      'XGROUP CREATE: automatic stream creation fails without MKSTREAM',
      async () => {
        await r('DEL', 'mystream');
        return (await tclCatch(() => r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$'))).value;
      },
      { okPattern: 'ERR*' },
    );

    await test(
      'XGROUP CREATE: automatic stream creation works with MKSTREAM',
      async () => {
        await r('DEL', 'mystream');
        return r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      },
      { okPattern: 'OK' },
    );

    await test(
      'XREADGROUP will return only new elements',
      async () => {
        await r('XADD', 'mystream', '*', 'a', 1);
        await r('XADD', 'mystream', '*', 'b', 2);
        // Only the two new entries, not the one there before the group.
        const reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-1', 'STREAMS', 'mystream', '>');
        assert(llength(lindex(reply, 0, 1)) === 2, '[llength [lindex $reply 0 1]] == 2');
        return lindex(reply, 0, 1, 0, 1);
      },
      { okPattern: 'a 1' },
    );

    await test('XREADGROUP can read the history of the elements we own', async () => {
      await r('XADD', 'mystream', '*', 'c', 3);
      await r('XADD', 'mystream', '*', 'd', 4);
      // Another consumer reads the new ones.
      const reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-2', 'STREAMS', 'mystream', '>');
      assert(llength(lindex(reply, 0, 1)) === 2, '[llength [lindex $reply 0 1]] == 2');
      assert(tclString(lindex(reply, 0, 1, 0, 1)) === 'c 3', '[lindex $reply 0 1 0 1] eq {c 3}');

      const r1 = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-1', 'COUNT', 10, 'STREAMS', 'mystream', 0);
      const r2 = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-2', 'COUNT', 10, 'STREAMS', 'mystream', 0);
      assert(tclString(lindex(r1, 0, 1, 0, 1)) === 'a 1', '[lindex $r1 0 1 0 1] eq {a 1}');
      assert(tclString(lindex(r2, 0, 1, 0, 1)) === 'c 3', '[lindex $r2 0 1 0 1] eq {c 3}');
    });

    await test('XPENDING is able to return pending items', async () => {
      const pending = (await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) as unknown[];
      assert(pending.length === 4, '[llength $pending] == 4');
      for (let j = 0; j < 4; j++) {
        const item = pending[j];
        const owner = j < 2 ? 'consumer-1' : 'consumer-2';
        assert(lindex(item, 1) === owner, '[lindex $item 1] eq $owner');
        assert(lindex(item, 1) === owner, '[lindex $item 1] eq $owner');
      }
    });

    await test('XPENDING can return single consumer items', async () => {
      const pending = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer-1');
      assert(llength(pending) === 2, '[llength $pending] == 2');
    });

    await test('XPENDING only group', async () => {
      const pending = await r('XPENDING', 'mystream', 'mygroup');
      assert(llength(pending) === 4, '[llength $pending] == 4');
    });

    await test('XPENDING with IDLE', async () => {
      await sleep(20);
      let pending = await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 99999999, '-', '+', 10, 'consumer-1');
      assert(llength(pending) === 0, '[llength $pending] == 0');
      pending = await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 1, '-', '+', 10, 'consumer-1');
      assert(llength(pending) === 2, '[llength $pending] == 2');
      pending = await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 99999999, '-', '+', 10);
      assert(llength(pending) === 0, '[llength $pending] == 0');
      pending = await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 1, '-', '+', 10);
      assert(llength(pending) === 4, '[llength $pending] == 4');
    });

    await test('XPENDING with exclusive range intervals works as expected', async () => {
      const pending = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10);
      assert(llength(pending) === 4, '[llength $pending] == 4');
      const startid = String(lindex(pending, 0, 0));
      const endid = String(lindex(pending, 3, 0));
      const expending = await r('XPENDING', 'mystream', 'mygroup', `(${startid}`, `(${endid}`, 10);
      assert(llength(expending) === 2, '[llength $expending] == 2');
      for (let j = 0; j < 2; j++) {
        const itemid = lindex(expending, j, 0);
        assert(itemid !== startid, '$itemid ne $startid');
        assert(itemid !== endid, '$itemid ne $endid');
      }
    });

    // Shared by the XACK tests, as in a Tcl block.
    let id1 = '';
    let id2 = '';

    await test('XACK is able to remove items from the consumer/group PEL', async () => {
      let pending = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer-1');
      id1 = String(lindex(pending, 0, 0));
      id2 = String(lindex(pending, 1, 0));
      assert(tclString(await r('XACK', 'mystream', 'mygroup', id1)) === '1', '[r XACK mystream mygroup $id1] eq 1');
      pending = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer-1');
      assert(llength(pending) === 1, '[llength $pending] == 1');
      const id = lindex(pending, 0, 0);
      assert(id === id2, '$id eq $id2');
      const globalPel = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10);
      assert(llength(globalPel) === 3, '[llength $global_pel] == 3');
    });

    await test("XACK can't remove the same item multiple times", async () => {
      assert(tclString(await r('XACK', 'mystream', 'mygroup', id1)) === '0', '[r XACK mystream mygroup $id1] eq 0');
    });

    await test('XACK is able to accept multiple arguments', async () => {
      // id1 is already acknowledged: only id2 counts.
      assert(tclString(await r('XACK', 'mystream', 'mygroup', id1, id2)) === '1', '[r XACK mystream mygroup $id1 $id2] eq 1');
    });

    await test('XACK should fail if got at least one invalid ID', async () => {
      await r('del', 'mystream');
      await r('xgroup', 'create', 's', 'g', '$', 'MKSTREAM');
      await r('xadd', 's', '*', 'f1', 'v1');
      const c = llength(lindex(await r('xreadgroup', 'group', 'g', 'c', 'streams', 's', '>'), 0, 1));
      assert(c === 1, '$c == 1');
      const pending = await r('xpending', 's', 'g', '-', '+', 10, 'c');
      const first = String(lindex(pending, 0, 0));
      await assertError('*Invalid stream ID specified*', () => r('xack', 's', 'g', first, 'invalid-id'));
      assert(tclString(await r('xack', 's', 'g', first)) === '1', '[r xack s g $id1] eq 1');
    });

    await test('PEL NACK reassignment after XGROUP SETID event', async () => {
      await r('del', 'events');
      for (let j = 0; j < 4; j++) await r('xadd', 'events', '*', 'f1', 'v1');
      await r('xgroup', 'create', 'events', 'g1', '$');
      await r('xadd', 'events', '*', 'f1', 'v1');
      let c = llength(lindex(await r('xreadgroup', 'group', 'g1', 'c1', 'streams', 'events', '>'), 0, 1));
      assert(c === 1, '$c == 1');
      await r('xgroup', 'setid', 'events', 'g1', '-');
      c = llength(lindex(await r('xreadgroup', 'group', 'g1', 'c2', 'streams', 'events', '>'), 0, 1));
      assert(c === 5, '$c == 5');
    });

    await test('XREADGROUP will not report data on empty history. Bug #5577', async () => {
      await r('del', 'events');
      await r('xadd', 'events', '*', 'a', 1);
      await r('xadd', 'events', '*', 'b', 2);
      await r('xadd', 'events', '*', 'c', 3);
      await r('xgroup', 'create', 'events', 'mygroup', 0);

      // Nothing delivered yet: an empty PEL...
      let res = await r('xpending', 'events', 'mygroup', '-', '+', 10);
      assert(llength(res) === 0, '[llength $res] == 0');

      // ...so the history is empty too.
      res = await r('xreadgroup', 'group', 'mygroup', 'myconsumer', 'count', 3, 'streams', 'events', 0);
      assert(llength(lindex(res, 0, 1)) === 0, '[llength [lindex $res 0 1]] == 0');

      // > fetches every entry.
      res = await r('xreadgroup', 'group', 'mygroup', 'myconsumer', 'count', 3, 'streams', 'events', '>');
      assert(llength(lindex(res, 0, 1)) === 3, '[llength [lindex $res 0 1]] == 3');

      // Now three unacknowledged entries make the history.
      res = await r('xreadgroup', 'group', 'mygroup', 'myconsumer', 'count', 3, 'streams', 'events', 0);
      assert(llength(lindex(res, 0, 1)) === 3, '[llength [lindex $res 0 1]] == 3');
    });

    await test('XREADGROUP history reporting of deleted entries. Bug #5570', async () => {
      await r('del', 'mystream');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      await r('XADD', 'mystream', 1, 'field1', 'A');
      await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'STREAMS', 'mystream', '>');
      await r('XADD', 'mystream', 'MAXLEN', 1, 2, 'field1', 'B');
      await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'STREAMS', 'mystream', '>');

      // Two pending entries, the first deleted: only B has fields.
      const res = await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'STREAMS', 'mystream', '0-1');
      assert(tclString(lindex(res, 0, 1, 0)) === '1-0 {}', '[lindex $res 0 1 0] == {1-0 {}}');
      assert(tclString(lindex(res, 0, 1, 1)) === '2-0 {field1 B}', '[lindex $res 0 1 1] == {2-0 {field1 B}}');
    });

    await test('Blocking XREADGROUP will not reply with an empty array', async () => {
      await r('del', 'mystream');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      await r('XADD', 'mystream', 666, 'f', 'v');
      const res = await r('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 10, 'STREAMS', 'mystream', '>');
      assert(tclString(lindex(res, 0, 1, 0)) === '666-0 {f v}', '[lindex $res 0 1 0] == {666-0 {f v}}');
      await r('XADD', 'mystream', 667, 'f2', 'v2');
      await r('XDEL', 'mystream', 667);
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 10, 'STREAMS', 'mystream', '>');
      await sleep(20);
      // Before the fix the client was served at once with {mystream {}} instead of blocking.
      assert(tclString(await rd.read()) === '', '[$rd read] == {}');
      await rd.close();
    });

    await test('Blocking XREADGROUP: key deleted', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'f', 'v');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      await r('DEL', 'mystream');
      await assertError('*no longer exists*', () => rd.read());
      await rd.close();
    });

    await test('Blocking XREADGROUP: key type changed with SET', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'f', 'v');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      await r('SET', 'mystream', 'val1');
      await assertError('*no longer exists*', () => rd.read());
      await rd.close();
    });

    await test('Blocking XREADGROUP: key type changed with transaction', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'f', 'v');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      await r('MULTI');
      await r('DEL', 'mystream');
      await r('SADD', 'mystream', 'e1');
      await r('EXEC');
      await assertError('*no longer exists*', () => rd.read());
      await rd.close();
    });

    await test('Blocking XREADGROUP: flushed DB', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'f', 'v');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      await r('FLUSHALL');
      await assertError('*no longer exists*', () => rd.read());
      await rd.close();
    });

    await test(
      "Blocking XREADGROUP: swapped DB, key doesn't exist",
      async () => {
        await r('SELECT', 4);
        await r('FLUSHDB');
        await r('SELECT', 9);
        await r('DEL', 'mystream');
        await r('XADD', 'mystream', 666, 'f', 'v');
        await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
        const rd = await server.newClient();
        rd.send('SELECT', 9);
        await rd.read();
        rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
        await r('SWAPDB', 4, 9);
        await assertError('*no longer exists*', () => rd.read());
        await rd.close();
        // What Tcl's `$rd close` returns, the test's expected result.
        return 0;
      },
      { okPattern: '0', tags: ['external:skip'] },
    );

    await test(
      'Blocking XREADGROUP: swapped DB, key is not a stream',
      async () => {
        await r('SELECT', 4);
        await r('FLUSHDB');
        await r('LPUSH', 'mystream', 'e1');
        await r('SELECT', 9);
        await r('DEL', 'mystream');
        await r('XADD', 'mystream', 666, 'f', 'v');
        await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
        const rd = await server.newClient();
        rd.send('SELECT', 9);
        await rd.read();
        rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
        await r('SWAPDB', 4, 9);
        await assertError('*no longer exists*', () => rd.read());
        await rd.close();
        // What Tcl's `$rd close` returns, the test's expected result.
        return 0;
      },
      { okPattern: '0', tags: ['external:skip'] },
    );

    await test('Blocking XREAD: key deleted', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'f', 'v');
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 0, 'STREAMS', 'mystream', '$');
      await r('DEL', 'mystream');

      await r('XADD', 'mystream', 667, 'f', 'v');
      const res = await rd.read();
      assertEqual(lindex(res, 0, 1, 0), '667-0 {f v}');
      await rd.close();
    });

    await test('Blocking XREAD: key type changed with SET', async () => {
      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 666, 'f', 'v');
      const rd = await server.newClient();
      rd.send('XREAD', 'BLOCK', 0, 'STREAMS', 'mystream', '$');
      await r('SET', 'mystream', 'val1');

      await r('DEL', 'mystream');
      await r('XADD', 'mystream', 667, 'f', 'v');
      const res = await rd.read();
      assertEqual(lindex(res, 0, 1, 0), '667-0 {f v}');
      await rd.close();
    });

    await test('Blocking XREADGROUP for stream that ran dry (issue #5299)', async () => {
      const rd = await server.newClient();

      // last_id stays 666 after the only entry is deleted.
      await r('DEL', 'mystream');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      await r('XADD', 'mystream', 666, 'key', 'value');
      await r('XDEL', 'mystream', 666);

      // > with no new entry: released by the timeout.
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 10, 'STREAMS', 'mystream', '>');
      assertEqual(await rd.read(), '');

      await assertError('ERR*equal*smaller*', () => r('XADD', 'mystream', 665, 'key', 'value'));
      await assertError('ERR*equal*smaller*', () => r('XADD', 'mystream', 666, 'key', 'value'));

      // Blocks, then a new entry releases it.
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      await waitForBlockedClientsCount(server, 1);
      await r('XADD', 'mystream', 667, 'key', 'value');
      assertEqual(await rd.read(), '{mystream {{667-0 {key value}}}}');

      await rd.close();
    });

    await test('Blocking XREADGROUP will ignore BLOCK if ID is not >', async () => {
      const rd = await server.newClient();
      const readWith = async (id: number | string) => {
        rd.send('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 0, 'STREAMS', 'mystream', id);
        return rd.read();
      };

      // last_id stays 666 after the only entry is deleted.
      await r('DEL', 'mystream');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      await r('XADD', 'mystream', 666, 'key', 'value');
      await r('XDEL', 'mystream', 666);

      // An ID other than > reads the (empty) PEL at once: the stream with no entries, not nil.
      for (const id of [0, 600, 666, 700]) assertEqual(await readWith(id), '{mystream {}}');

      // A new entry is not in the PEL, so still nothing.
      await r('XADD', 'mystream', 667, 'key', 'value');
      for (const id of [0, 600, 666, 667, 700]) assertEqual(await readWith(id), '{mystream {}}');

      // Once delivered, IDs below 667 return the pending entry.
      const res = await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      assertEqual(res, '{mystream {{667-0 {key value}}}}');
      for (const id of [0, 600, 666]) assertEqual(await readWith(id), '{mystream {{667-0 {key value}}}}');

      // IDs from 667 up: empty.
      for (const id of [667, 700]) assertEqual(await readWith(id), '{mystream {}}');

      // Acknowledged: empty again.
      await r('XACK', 'mystream', 'mygroup', 667);
      for (const id of [0, 600, 666, 667, 700]) assertEqual(await readWith(id), '{mystream {}}');

      await rd.close();
    });

    await test('XGROUP DESTROY should unblock XREADGROUP with -NOGROUP', async () => {
      await r('config', 'resetstat');
      await r('del', 'mystream');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
      await waitForBlockedClientsCount(server, 1);
      await r('XGROUP', 'DESTROY', 'mystream', 'mygroup');
      await assertError('NOGROUP*', () => rd.read());
      await rd.close();

      // A blocked command that fails counts in the command, error and total error stats.
      assertMatch('*count=1*', await errorrstat('NOGROUP', server));
      assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdrstat('xreadgroup', server));
      assertEqual(await server.status('total_error_replies'), 1);
    });

    await test('RENAME can unblock XREADGROUP with data', async () => {
      await r('del', 'mystream{t}');
      await r('XGROUP', 'CREATE', 'mystream{t}', 'mygroup', '$', 'MKSTREAM');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream{t}', '>');
      await waitForBlockedClientsCount(server, 1);
      await r('XGROUP', 'CREATE', 'mystream2{t}', 'mygroup', '$', 'MKSTREAM');
      await r('XADD', 'mystream2{t}', 100, 'f1', 'v1');
      await r('RENAME', 'mystream2{t}', 'mystream{t}');
      // The renamed stream brings its own mygroup.
      assertEqual('{mystream{t} {{100-0 {f1 v1}}}}', await rd.read());
      await rd.close();
    });

    await test('RENAME can unblock XREADGROUP with -NOGROUP', async () => {
      await r('del', 'mystream{t}');
      await r('XGROUP', 'CREATE', 'mystream{t}', 'mygroup', '$', 'MKSTREAM');
      const rd = await server.newClient();
      rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream{t}', '>');
      await waitForBlockedClientsCount(server, 1);
      await r('XADD', 'mystream2{t}', 100, 'f1', 'v1');
      await r('RENAME', 'mystream2{t}', 'mystream{t}');
      // The renamed stream has no mygroup.
      await assertError('*NOGROUP*', () => rd.read());
      await rd.close();
    });

    await test('XCLAIM can claim PEL items from another consumer', async () => {
      await r('del', 'mystream');
      const id1 = String(await r('XADD', 'mystream', '*', 'a', 1));
      const id2 = String(await r('XADD', 'mystream', '*', 'b', 2));
      const id3 = String(await r('XADD', 'mystream', '*', 'c', 3));
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);

      // consumer1 reads entry 1 without acknowledging it; consumer2 then claims it.
      let reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 1, 'STREAMS', 'mystream', '>');
      assert(llength(lindex(reply, 0, 1, 0, 1)) === 2, '[llength [lindex $reply 0 1 0 1]] == 2');
      assert(tclString(lindex(reply, 0, 1, 0, 1)) === 'a 1', '[lindex $reply 0 1 0 1] eq {a 1}');

      // Pending in the group and for consumer1 only.
      assert(llength(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) === 1, '[llength [r XPENDING mystream mygroup - + 10]] == 1');
      assert(llength(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer1')) === 1, '[llength [r XPENDING mystream mygroup - + 10 consumer1]] == 1');
      assert(llength(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer2')) === 0, '[llength [r XPENDING mystream mygroup - + 10 consumer2]] == 0');

      await sleep(200);
      reply = await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id1);
      assert(llength(lindex(reply, 0, 1)) === 2, '[llength [lindex $reply 0 1]] == 2');
      assert(tclString(lindex(reply, 0, 1)) === 'a 1', '[lindex $reply 0 1] eq {a 1}');

      // Now pending for consumer2 only.
      assert(llength(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) === 1, '[llength [r XPENDING mystream mygroup - + 10]] == 1');
      assert(llength(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer1')) === 0, '[llength [r XPENDING mystream mygroup - + 10 consumer1]] == 0');
      assert(llength(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer2')) === 1, '[llength [r XPENDING mystream mygroup - + 10 consumer2]] == 1');

      await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 2, 'STREAMS', 'mystream', '>');
      await sleep(200);

      // Claiming a deleted entry is a no-op.
      await r('XDEL', 'mystream', id2);
      reply = await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id2);
      assert(llength(reply) === 0, '[llength $reply] == 0');

      // Likewise for the last one, leaving consumer1's PEL empty.
      await sleep(200);
      await r('XDEL', 'mystream', id3);
      reply = await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id3);
      assert(llength(reply) === 0, '[llength $reply] == 0');
    });

    await test('XCLAIM without JUSTID increments delivery count', async () => {
      await r('del', 'mystream');
      const id1 = String(await r('XADD', 'mystream', '*', 'a', 1));
      await r('XADD', 'mystream', '*', 'b', 2);
      await r('XADD', 'mystream', '*', 'c', 3);
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);

      let reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 1, 'STREAMS', 'mystream', '>');
      assert(llength(lindex(reply, 0, 1, 0, 1)) === 2, '[llength [lindex $reply 0 1 0 1]] == 2');
      assert(tclString(lindex(reply, 0, 1, 0, 1)) === 'a 1', '[lindex $reply 0 1 0 1] eq {a 1}');
      await sleep(200);
      reply = await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id1);
      assert(llength(lindex(reply, 0, 1)) === 2, '[llength [lindex $reply 0 1]] == 2');
      assert(tclString(lindex(reply, 0, 1)) === 'a 1', '[lindex $reply 0 1] eq {a 1}');

      reply = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10);
      assert(llength(lindex(reply, 0)) === 4, '[llength [lindex $reply 0]] == 4');
      assert(Number(lindex(reply, 0, 3)) === 2, '[lindex $reply 0 3] == 2');

      // With JUSTID the delivery count stays.
      await sleep(200);
      reply = await r('XCLAIM', 'mystream', 'mygroup', 'consumer3', 10, id1, 'JUSTID');
      assert(llength(reply) === 1, '[llength $reply] == 1');
      assert(lindex(reply, 0) === id1, '[lindex $reply 0] eq $id1');

      reply = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10);
      assert(llength(lindex(reply, 0)) === 4, '[llength [lindex $reply 0]] == 4');
      assert(Number(lindex(reply, 0, 3)) === 2, '[lindex $reply 0 3] == 2');
    });

    await test('XCLAIM same consumer', async () => {
      await r('del', 'mystream');
      const id1 = String(await r('XADD', 'mystream', '*', 'a', 1));
      await r('XADD', 'mystream', '*', 'b', 2);
      await r('XADD', 'mystream', '*', 'c', 3);
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);

      let reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 1, 'STREAMS', 'mystream', '>');
      assert(llength(lindex(reply, 0, 1, 0, 1)) === 2, '[llength [lindex $reply 0 1 0 1]] == 2');
      assert(tclString(lindex(reply, 0, 1, 0, 1)) === 'a 1', '[lindex $reply 0 1 0 1] eq {a 1}');
      await sleep(200);
      // The owner claims it again.
      assert(llength(await r('XCLAIM', 'mystream', 'mygroup', 'consumer1', 10, id1)) === 1, '[llength [r XCLAIM mystream mygroup consumer1 10 $id1]] == 1');

      // Still pending, still consumer1's.
      reply = await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10);
      assert(llength(reply) === 1, '[llength $reply] == 1');
      assert(lindex(reply, 0, 1) === 'consumer1', '[lindex $reply 0 1] eq {consumer1}');
    });

    await test('XAUTOCLAIM can claim PEL items from another consumer', async () => {
      await r('del', 'mystream');
      const id1 = String(await r('XADD', 'mystream', '*', 'a', 1));
      const id2 = String(await r('XADD', 'mystream', '*', 'b', 2));
      const id3 = String(await r('XADD', 'mystream', '*', 'c', 3));
      const id4 = String(await r('XADD', 'mystream', '*', 'd', 4));
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);

      // consumer1 reads entry 1 without acknowledging it; consumer2 then claims it.
      let reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 1, 'STREAMS', 'mystream', '>');
      assertEqual(llength(lindex(reply, 0, 1, 0, 1)), 2);
      assertEqual(lindex(reply, 0, 1, 0, 1), 'a 1');
      await sleep(200);
      reply = await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'COUNT', 1);
      assertEqual(llength(reply), 3);
      assertEqual(lindex(reply, 0), '0-0');
      assertEqual(llength(lindex(reply, 1)), 1);
      assertEqual(llength(lindex(reply, 1, 0)), 2);
      assertEqual(llength(lindex(reply, 1, 0, 1)), 2);
      assertEqual(lindex(reply, 1, 0, 1), 'a 1');

      await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 3, 'STREAMS', 'mystream', '>');

      // Past min-idle-time.
      await sleep(200);

      // Entry 2 is deleted while pending.
      await r('XDEL', 'mystream', id2);

      // COUNT 3 covers entries 1-3: 1 and 3 are claimed, 2 is dropped, the cursor is entry 4.
      reply = await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'COUNT', 3);

      assertEqual(llength(reply), 3);
      assertEqual(lindex(reply, 0), id4);
      assertEqual(llength(lindex(reply, 1)), 2);
      assertEqual(llength(lindex(reply, 1, 0)), 2);
      assertEqual(llength(lindex(reply, 1, 0, 1)), 2);
      assertEqual(lindex(reply, 1, 0, 1), 'a 1');
      assertEqual(lindex(reply, 1, 1, 1), 'c 3');
      assertEqual(llength(lindex(reply, 2)), 1);
      assertEqual(llength(lindex(reply, 2, 0)), 1);

      await sleep(200);

      await r('XDEL', 'mystream', id4);

      // Default COUNT (100): 1 and 3 are claimed again, 4 is dropped; JUSTID lists IDs only.
      reply = await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'JUSTID');

      assertEqual(llength(reply), 3);
      assertEqual(lindex(reply, 0), '0-0');
      assertEqual(llength(lindex(reply, 1)), 2);
      assertEqual(lindex(reply, 1, 0), id1);
      assertEqual(lindex(reply, 1, 1), id3);
    });

    await test('XAUTOCLAIM as an iterator', async () => {
      await r('del', 'mystream');
      await r('XADD', 'mystream', '*', 'a', 1);
      await r('XADD', 'mystream', '*', 'b', 2);
      const id3 = String(await r('XADD', 'mystream', '*', 'c', 3));
      await r('XADD', 'mystream', '*', 'd', 4);
      const id5 = String(await r('XADD', 'mystream', '*', 'e', 5));
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);

      await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'count', 90, 'STREAMS', 'mystream', '>');

      // Past min-idle-time.
      await sleep(200);

      let reply = await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'COUNT', 2);
      assertEqual(llength(reply), 3);
      let cursor = String(lindex(reply, 0));
      assertEqual(cursor, id3);
      assertEqual(llength(lindex(reply, 1)), 2);
      assertEqual(llength(lindex(reply, 1, 0, 1)), 2);
      assertEqual(lindex(reply, 1, 0, 1), 'a 1');

      reply = await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, cursor, 'COUNT', 2);
      assertEqual(llength(reply), 3);
      cursor = String(lindex(reply, 0));
      assertEqual(cursor, id5);
      assertEqual(llength(lindex(reply, 1)), 2);
      assertEqual(llength(lindex(reply, 1, 0, 1)), 2);
      assertEqual(lindex(reply, 1, 0, 1), 'c 3');

      reply = await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, cursor, 'COUNT', 1);
      assertEqual(llength(reply), 3);
      cursor = String(lindex(reply, 0));
      assertEqual(cursor, '0-0');
      assertEqual(llength(lindex(reply, 1)), 1);
      assertEqual(llength(lindex(reply, 1, 0, 1)), 2);
      assertEqual(lindex(reply, 1, 0, 1), 'e 5');
    });

    await test('XAUTOCLAIM COUNT must be > 0', async () => {
      await assertError('ERR COUNT must be > 0', () => r('XAUTOCLAIM', 'key', 'group', 'consumer', 1, 1, 'COUNT', 0));
    });

    const threeEntriesReadByAlice = async () => {
      await r('XADD', 'x', '1-0', 'f', 'v');
      await r('XADD', 'x', '2-0', 'f', 'v');
      await r('XADD', 'x', '3-0', 'f', 'v');
      await r('XGROUP', 'CREATE', 'x', 'grp', 0);
      assertEqual(await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>'), '{x {{1-0 {f v}} {2-0 {f v}} {3-0 {f v}}}}');
    };

    await test('XCLAIM with XDEL', async () => {
      await r('DEL', 'x');
      await threeEntriesReadByAlice();
      await r('XDEL', 'x', '2-0');
      assertEqual(await r('XCLAIM', 'x', 'grp', 'Bob', 0, '1-0', '2-0', '3-0'), '{1-0 {f v}} {3-0 {f v}}');
      assertEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), '');
    });

    await test('XCLAIM with trimming', async () => {
      await r('DEL', 'x');
      await r('config', 'set', 'stream-node-max-entries', 2);
      await threeEntriesReadByAlice();
      await r('XTRIM', 'x', 'MAXLEN', 1);
      assertEqual(await r('XCLAIM', 'x', 'grp', 'Bob', 0, '1-0', '2-0', '3-0'), '{3-0 {f v}}');
      assertEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), '');
    });

    await test('XAUTOCLAIM with XDEL', async () => {
      await r('DEL', 'x');
      await threeEntriesReadByAlice();
      await r('XDEL', 'x', '2-0');
      assertEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '0-0'), '0-0 {{1-0 {f v}} {3-0 {f v}}} 2-0');
      assertEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), '');
    });

    await test('XAUTOCLAIM with XDEL and count', async () => {
      await r('DEL', 'x');
      await threeEntriesReadByAlice();
      await r('XDEL', 'x', '1-0');
      await r('XDEL', 'x', '2-0');
      assertEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '0-0', 'COUNT', 1), '2-0 {} 1-0');
      assertEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '2-0', 'COUNT', 1), '3-0 {} 2-0');
      assertEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '3-0', 'COUNT', 1), '0-0 {{3-0 {f v}}} {}');
      assertEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), '');
    });

    await test('XAUTOCLAIM with out of range count', async () => {
      await assertError('ERR COUNT*', () => r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '3-0', 'COUNT', '8070450532247928833'));
    });

    await test('XCLAIM with trimming', async () => {
      await r('DEL', 'x');
      await r('config', 'set', 'stream-node-max-entries', 2);
      await threeEntriesReadByAlice();
      await r('XTRIM', 'x', 'MAXLEN', 1);
      assertEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '0-0'), '0-0 {{3-0 {f v}}} {1-0 2-0}');
      assertEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), '');
    });

    await test('XINFO FULL output', async () => {
      await r('del', 'x');
      await r('XADD', 'x', 100, 'a', 1);
      await r('XADD', 'x', 101, 'b', 1);
      await r('XADD', 'x', 102, 'c', 1);
      await r('XADD', 'x', 103, 'e', 1);
      await r('XADD', 'x', 104, 'f', 1);
      await r('XGROUP', 'CREATE', 'x', 'g1', 0);
      await r('XGROUP', 'CREATE', 'x', 'g2', 0);
      await r('XREADGROUP', 'GROUP', 'g1', 'Alice', 'COUNT', 1, 'STREAMS', 'x', '>');
      await r('XREADGROUP', 'GROUP', 'g1', 'Bob', 'COUNT', 1, 'STREAMS', 'x', '>');
      await r('XREADGROUP', 'GROUP', 'g1', 'Bob', 'NOACK', 'COUNT', 1, 'STREAMS', 'x', '>');
      await r('XREADGROUP', 'GROUP', 'g2', 'Charlie', 'COUNT', 4, 'STREAMS', 'x', '>');
      await r('XDEL', 'x', 103);

      let reply = await info('x');
      assertEqual(llength(reply), 18);
      assertEqual(dictGet(reply, 'length'), 4);
      assertEqual(dictGet(reply, 'entries'), '{100-0 {a 1}} {101-0 {b 1}} {102-0 {c 1}} {104-0 {f 1}}');

      // First group.
      let group = lindex(dictGet(reply, 'groups'), 0);
      assertEqual(dictGet(group, 'name'), 'g1');
      assertEqual(lindex(dictGet(group, 'pending'), 0, 0), '100-0');
      let consumer = lindex(dictGet(group, 'consumers'), 0);
      assertEqual(dictGet(consumer, 'name'), 'Alice');
      assertEqual(lindex(dictGet(consumer, 'pending'), 0, 0), '100-0');

      // Second group.
      group = lindex(dictGet(reply, 'groups'), 1);
      assertEqual(dictGet(group, 'name'), 'g2');
      consumer = lindex(dictGet(group, 'consumers'), 0);
      assertEqual(dictGet(consumer, 'name'), 'Charlie');
      assertEqual(lindex(dictGet(consumer, 'pending'), 0, 0), '100-0');
      assertEqual(lindex(dictGet(consumer, 'pending'), 1, 0), '101-0');

      reply = await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT', 1);
      assertEqual(llength(reply), 18);
      assertEqual(dictGet(reply, 'length'), 4);
      assertEqual(dictGet(reply, 'entries'), '{100-0 {a 1}}');
    });

    await test('XGROUP CREATECONSUMER: create consumer if does not exist', async () => {
      await r('del', 'mystream');
      await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
      await r('XADD', 'mystream', '*', 'f', 'v');
      const consumersInGroup = async () => lindex(lindex(await r('xinfo', 'groups', 'mystream'), 0), 3);

      assertEqual(await consumersInGroup(), 0);

      // XREADGROUP creates Alice.
      await r('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'COUNT', 1, 'STREAMS', 'mystream', '>');

      assertEqual(await consumersInGroup(), 1);

      let reply = await r('xinfo', 'consumers', 'mystream', 'mygroup');
      assertEqual(lindex(lindex(reply, 0), 1), 'Alice');

      // Alice exists already.
      assertEqual(await r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'Alice'), 0);

      // Bob does not.
      assertEqual(await r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'Bob'), 1);

      assertEqual(await consumersInGroup(), 2);

      reply = await r('xinfo', 'consumers', 'mystream', 'mygroup');
      assertEqual(lindex(lindex(reply, 0), 1), 'Alice');
      assertEqual(lindex(lindex(reply, 1), 1), 'Bob');
    });

    await test('XGROUP CREATECONSUMER: group must exist', async () => {
      await r('del', 'mystream');
      await r('XADD', 'mystream', '*', 'f', 'v');
      await assertError('*NOGROUP*', () => r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'consumer'));
    });

    await startServer(
      { tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'aof-use-rdb-preamble': 'no', appendfsync: 'always' } },
      async (aof) => {
        const ra = (...args: Array<string | number>) => aof.call(...args);

        await test('XREADGROUP with NOACK creates consumer', async () => {
          await ra('del', 'mystream');
          await ra('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
          await ra('XADD', 'mystream', '*', 'f1', 'v1');
          await ra('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'NOACK', 'STREAMS', 'mystream', '>');
          const rd = await aof.newClient();
          rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Bob', 'BLOCK', 0, 'NOACK', 'STREAMS', 'mystream', '>');
          await waitForBlockedClientsCount(aof, 1);
          await ra('XADD', 'mystream', '*', 'f2', 'v2');
          const grpinfo = await ra('xinfo', 'groups', 'mystream');

          await ra('debug', 'loadaof');
          assertEqual(await ra('xinfo', 'groups', 'mystream'), grpinfo);
          const reply = await ra('xinfo', 'consumers', 'mystream', 'mygroup');
          assertEqual(lindex(lindex(reply, 0), 1), 'Alice');
          assertEqual(lindex(lindex(reply, 1), 1), 'Bob');
          await rd.close();
        });

        await test('Consumer without PEL is present in AOF after AOFRW', async () => {
          await ra('del', 'mystream');
          await ra('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
          await ra('XADD', 'mystream', '*', 'f', 'v');
          await ra('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'NOACK', 'STREAMS', 'mystream', '>');
          const rd = await aof.newClient();
          rd.send('XREADGROUP', 'GROUP', 'mygroup', 'Bob', 'BLOCK', 0, 'NOACK', 'STREAMS', 'mystream', '>');
          await waitForBlockedClientsCount(aof, 1);
          await ra('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'Charlie');
          const grpinfo = lindex(await ra('xinfo', 'groups', 'mystream'), 0);

          await ra('bgrewriteaof');
          await waitForBgrewriteaof(aof);
          await ra('debug', 'loadaof');

          const currGrpinfo = lindex(await ra('xinfo', 'groups', 'mystream'), 0);
          assert(tclString(currGrpinfo) === tclString(grpinfo), '$curr_grpinfo == $grpinfo');
          const nConsumers = lindex(grpinfo, 3);

          // Bob is created only once data arrives for him.
          assertEqual(nConsumers, 2);
          const reply = await ra('xinfo', 'consumers', 'mystream', 'mygroup');
          assertEqual(lindex(lindex(reply, 0), 1), 'Alice');
          assertEqual(lindex(lindex(reply, 1), 1), 'Charlie');
          await rd.close();
        });
      },
    );

    await test('Consumer group read counter and lag in empty streams', async () => {
      await r('DEL', 'x');
      await r('XGROUP', 'CREATE', 'x', 'g1', 0, 'MKSTREAM');

      let reply = await info('x');
      let group = lindex(dictGet(reply, 'groups'), 0);
      assertEqual(dictGet(reply, 'max-deleted-entry-id'), '0-0');
      assertEqual(dictGet(reply, 'entries-added'), 0);
      assertEqual(dictGet(group, 'entries-read'), '');
      assertEqual(dictGet(group, 'lag'), 0);

      await r('XADD', 'x', '1-0', 'data', 'a');
      await r('XDEL', 'x', '1-0');

      reply = await info('x');
      group = lindex(dictGet(reply, 'groups'), 0);
      assertEqual(dictGet(reply, 'max-deleted-entry-id'), '1-0');
      assertEqual(dictGet(reply, 'entries-added'), 1);
      assertEqual(dictGet(group, 'entries-read'), '');
      assertEqual(dictGet(group, 'lag'), 0);
    });

    /** The nth group of XINFO STREAM x FULL. */
    const groupOf = async (n: number) => lindex(dictGet(await info('x'), 'groups'), n);

    await test('Consumer group read counter and lag sanity', async () => {
      await r('DEL', 'x');
      for (const [id, v] of [['1-0', 'a'], ['2-0', 'b'], ['3-0', 'c'], ['4-0', 'd'], ['5-0', 'e']]) await r('XADD', 'x', id, 'data', v);
      await r('XGROUP', 'CREATE', 'x', 'g1', 0);

      let group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), '');
      assertEqual(dictGet(group, 'lag'), 5);

      await r('XREADGROUP', 'GROUP', 'g1', 'c11', 'COUNT', 1, 'STREAMS', 'x', '>');
      group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), 1);
      assertEqual(dictGet(group, 'lag'), 4);

      await r('XREADGROUP', 'GROUP', 'g1', 'c12', 'COUNT', 10, 'STREAMS', 'x', '>');
      group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), 5);
      assertEqual(dictGet(group, 'lag'), 0);

      await r('XADD', 'x', '6-0', 'data', 'f');
      group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), 5);
      assertEqual(dictGet(group, 'lag'), 1);
    });

    await test('Consumer group lag with XDELs', async () => {
      await r('DEL', 'x');
      for (const [id, v] of [['1-0', 'a'], ['2-0', 'b'], ['3-0', 'c'], ['4-0', 'd'], ['5-0', 'e']]) await r('XADD', 'x', id, 'data', v);
      await r('XDEL', 'x', '3-0');
      await r('XGROUP', 'CREATE', 'x', 'g1', 0);
      await r('XGROUP', 'CREATE', 'x', 'g2', 0);

      let group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), '');
      assertEqual(dictGet(group, 'lag'), '');

      for (let k = 0; k < 3; k++) {
        await r('XREADGROUP', 'GROUP', 'g1', 'c11', 'COUNT', 1, 'STREAMS', 'x', '>');
        group = await groupOf(0);
        assertEqual(dictGet(group, 'entries-read'), '');
        assertEqual(dictGet(group, 'lag'), '');
      }

      await r('XREADGROUP', 'GROUP', 'g1', 'c11', 'COUNT', 1, 'STREAMS', 'x', '>');
      group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), 5);
      assertEqual(dictGet(group, 'lag'), 0);

      await r('XADD', 'x', '6-0', 'data', 'f');
      group = await groupOf(0);
      assertEqual(dictGet(group, 'entries-read'), 5);
      assertEqual(dictGet(group, 'lag'), 1);

      await r('XTRIM', 'x', 'MINID', '=', '3-0');
      let reply = await info('x');
      group = lindex(dictGet(reply, 'groups'), 0);
      assertEqual(dictGet(group, 'entries-read'), 5);
      assertEqual(dictGet(group, 'lag'), 1);
      group = lindex(dictGet(reply, 'groups'), 1);
      assertEqual(dictGet(group, 'entries-read'), '');
      assertEqual(dictGet(group, 'lag'), 3);

      await r('XTRIM', 'x', 'MINID', '=', '5-0');
      reply = await info('x');
      group = lindex(dictGet(reply, 'groups'), 0);
      assertEqual(dictGet(group, 'entries-read'), 5);
      assertEqual(dictGet(group, 'lag'), 1);
      group = lindex(dictGet(reply, 'groups'), 1);
      assertEqual(dictGet(group, 'entries-read'), '');
      assertEqual(dictGet(group, 'lag'), 2);
    });

    await test('Loading from legacy (Redis <= v6.2.x, rdb_ver < 10) persistence', async () => {
      await r('DEL', 'x');
      await r('RESTORE', 'x', 0, LEGACY_STREAM_DUMP);

      const reply = await info('x');
      assertEqual(dictGet(reply, 'max-deleted-entry-id'), '0-0');
      assertEqual(dictGet(reply, 'entries-added'), 2);
      let group = lindex(dictGet(reply, 'groups'), 0);
      assertEqual(dictGet(group, 'entries-read'), 1);
      assertEqual(dictGet(group, 'lag'), 1);
      group = lindex(dictGet(reply, 'groups'), 1);
      assertEqual(dictGet(group, 'entries-read'), 0);
      assertEqual(dictGet(group, 'lag'), 2);
    });

    await startServer({ tags: ['external:skip'] }, async (slave) => {
      const master: ServerHandle = server;

      for (const noack of [0, 1]) {
        await test(`Consumer group last ID propagation to slave (NOACK=${noack})`, async () => {
          await slave.call('slaveof', master.host, master.port);
          await waitForCondition(50, 100, async () => (await slave.status('master_link_status')) === 'up', () => fail('Replication not started.'));

          await master.call('del', 'stream');
          await master.call('xadd', 'stream', '*', 'a', 1);
          await master.call('xadd', 'stream', '*', 'a', 2);
          await master.call('xadd', 'stream', '*', 'a', 3);
          await master.call('xgroup', 'create', 'stream', 'mygroup', 0);

          // The master consumes the first two entries.
          for (let j = 0; j < 2; j++) {
            const item = noack
              ? await master.call('xreadgroup', 'group', 'mygroup', 'myconsumer', 'COUNT', 1, 'NOACK', 'STREAMS', 'stream', '>')
              : await master.call('xreadgroup', 'group', 'mygroup', 'myconsumer', 'COUNT', 1, 'STREAMS', 'stream', '>');
            const id = String(lindex(item, 0, 1, 0, 0));
            if (noack === 0) assert(tclString(await master.call('xack', 'stream', 'mygroup', id)) === '1', '[$master xack stream mygroup $id] eq "1"');
          }

          await waitForOfsSync(master, slave);

          // Promote the replica.
          await slave.call('slaveof', 'no', 'one');

          const item = await slave.call('xreadgroup', 'group', 'mygroup', 'myconsumer', 'COUNT', 1, 'STREAMS', 'stream', '>');

          // The replica delivers the third entry next.
          const myentry = tclString(lindex(item, 0, 1, 0, 1));
          assert(myentry === 'a 3', '$myentry eq {a 3}');
        });
      }
    });

    await startServer({ tags: ['external:skip'] }, async (replica) => {
      const master: ServerHandle = server;

      for (const autoclaim of [0, 1]) {
        await test(`Replication tests of XCLAIM with deleted entries (autclaim=${autoclaim})`, async () => {
          await replica.call('replicaof', master.host, master.port);
          await waitForCondition(50, 100, async () => (await replica.status('master_link_status')) === 'up', () => fail('Replication not started.'));

          await master.call('DEL', 'x');
          for (const id of ['1-0', '2-0', '3-0', '4-0', '5-0']) await master.call('XADD', 'x', id, 'f', 'v');
          await master.call('XGROUP', 'CREATE', 'x', 'grp', 0);
          assertEqual(
            await master.call('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>'),
            '{x {{1-0 {f v}} {2-0 {f v}} {3-0 {f v}} {4-0 {f v}} {5-0 {f v}}}}',
          );
          await waitForOfsSync(master, replica);
          assertEqual(llength(await replica.call('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice')), 5);
          await master.call('XDEL', 'x', '2-0');
          await master.call('XDEL', 'x', '4-0');
          if (autoclaim) {
            assertEqual(await master.call('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '0-0'), '0-0 {{1-0 {f v}} {3-0 {f v}} {5-0 {f v}}} {2-0 4-0}');
            await waitForOfsSync(master, replica);
            assertEqual(llength(await replica.call('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice')), 0);
          } else {
            assertEqual(await master.call('XCLAIM', 'x', 'grp', 'Bob', 0, '1-0', '2-0', '3-0', '4-0'), '{1-0 {f v}} {3-0 {f v}}');
            await waitForOfsSync(master, replica);
            assertEqual(llength(await replica.call('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice')), 1);
          }
        });
      }
    });

    await startServer({ tags: ['stream', 'needs:debug'], overrides: { appendonly: 'yes', 'aof-use-rdb-preamble': 'no' } }, async (aof) => {
      const ra = (...args: Array<string | number>) => aof.call(...args);

      await test('Empty stream with no lastid can be rewrite into AOF correctly', async () => {
        await ra('XGROUP', 'CREATE', 'mystream', 'group-name', '$', 'MKSTREAM');
        assert(Number(dictGet(await ra('xinfo', 'stream', 'mystream'), 'length')) === 0, '[dict get [r xinfo stream mystream] length] == 0');
        const grpinfo = await ra('xinfo', 'groups', 'mystream');
        await ra('bgrewriteaof');
        await waitForBgrewriteaof(aof);
        await ra('debug', 'loadaof');
        assert(Number(dictGet(await ra('xinfo', 'stream', 'mystream'), 'length')) === 0, '[dict get [r xinfo stream mystream] length] == 0');
        assertEqual(await ra('xinfo', 'groups', 'mystream'), grpinfo);
      });
    });
  });
});
