// Port of tests/unit/type/list.tcl (Redis 7.0.15).
import {
  suite,
  startServer,
  test,
  r,
  srv,
  runSolo,
  settings,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  assertEncoding,
  assertType,
  configGet,
  tclCatch,
  tclString,
  rng,
  sleep,
  waitForBlockedClient,
  waitForBlockedClientsCount,
  ReplicationStream,
  writeBigBulk,
  readBigBulk,
  configSet,
  configGetSet,
} from '../../../harness/index.ts';
import { catchBracketed, largevalue, largeValueOf } from './list-common.ts';

/** A command word, as r() takes it. */
type Arg = string | number | Buffer;

const rep = (ch: string, n: number) => ch.repeat(n);

/** Tcl assert_encoding: skipped under --ignore-encoding. */
async function encodingIs(enc: string, key: string): Promise<void> {
  await assertEncoding(enc, key, srv(0), settings().ignoreEncoding);
}

/** B*POP or BLMPOP* with one key, as the arguments of a command. */
function bpopArgs(pop: string, key: string, timeout: number | string): Arg[] {
  if (pop === 'BLMPOP_LEFT') return ['blmpop', timeout, 1, key, 'left', 'count', 1];
  if (pop === 'BLMPOP_RIGHT') return ['blmpop', timeout, 1, key, 'right', 'count', 1];
  return [pop, key, timeout];
}

/** The same with two keys. */
function bpopTwoKeyArgs(pop: string, key: string, key2: string, timeout: number | string): Arg[] {
  if (pop === 'BLMPOP_LEFT') return ['blmpop', timeout, 2, key, key2, 'left', 'count', 1];
  if (pop === 'BLMPOP_RIGHT') return ['blmpop', timeout, 2, key, key2, 'right', 'count', 1];
  return [pop, key, key2, timeout];
}

async function createList(key: string, entries: string[]): Promise<void> {
  await r('del', key);
  for (const entry of entries) await r('rpush', key, entry);
  await encodingIs('quicklist', key);
}

function verifyRespResponse(resp: number, response: unknown, resp2Response: string, resp3Response: string): void {
  if (resp === 2) assertEqual(response, resp2Response);
  else if (resp === 3) assertEqual(response, resp3Response);
}

export default suite({ independentBlocks: true }, async () => {
  // Compression of plain and packed nodes.
  await startServer({ overrides: { save: '' } }, async () => {
    await r('config', 'set', 'list-compress-depth', 2);
    await r('config', 'set', 'list-max-ziplist-size', 1);

    // Three checks with packed nodes: push + insert, push + insert + trim, push + insert + set.
    await test('reg node check compression with insert and pop', async () => {
      await r('lpush', 'list1', rep('a', 500));
      await r('lpush', 'list1', rep('b', 500));
      await r('lpush', 'list1', rep('c', 500));
      await r('lpush', 'list1', rep('d', 500));
      await r('linsert', 'list1', 'after', rep('d', 500), rep('e', 500));
      await r('linsert', 'list1', 'after', rep('d', 500), rep('f', 500));
      await r('linsert', 'list1', 'after', rep('d', 500), rep('g', 500));
      await r('linsert', 'list1', 'after', rep('d', 500), rep('j', 500));
      for (const ch of ['d', 'j', 'g', 'f', 'e', 'c', 'b', 'a']) assertEqual(await r('lpop', 'list1'), rep(ch, 500));
    });

    await test(
      'reg node check compression combined with trim',
      async () => {
        await r('lpush', 'list2', rep('a', 500));
        await r('linsert', 'list2', 'after', rep('a', 500), rep('b', 500));
        await r('rpush', 'list2', rep('c', 500));
        assertEqual(rep('b', 500), await r('lindex', 'list2', 1));
        await r('LTRIM', 'list2', 1, -1);
        return r('llen', 'list2');
      },
      { okPattern: '2' },
    );

    await test('reg node check compression with lset', async () => {
      await r('lpush', 'list3', rep('a', 500));
      await r('LSET', 'list3', 0, rep('b', 500));
      assertEqual(rep('b', 500), await r('lindex', 'list3', 0));
      await r('lpush', 'list3', rep('c', 500));
      await r('LSET', 'list3', 0, rep('d', 500));
      assertEqual(rep('d', 500), await r('lindex', 'list3', 0));
    });

    // The same three with plain nodes (a 1-byte packed threshold).
    await test(
      'plain node check compression',
      async () => {
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'list4', rep('a', 500));
        await r('lpush', 'list4', rep('b', 500));
        await r('lpush', 'list4', rep('c', 500));
        await r('lpush', 'list4', rep('d', 500));
        await r('linsert', 'list4', 'after', rep('d', 500), rep('e', 500));
        await r('linsert', 'list4', 'after', rep('d', 500), rep('f', 500));
        await r('linsert', 'list4', 'after', rep('d', 500), rep('g', 500));
        await r('linsert', 'list4', 'after', rep('d', 500), rep('j', 500));
        for (const ch of ['d', 'j', 'g', 'f', 'e', 'c', 'b', 'a']) assertEqual(await r('lpop', 'list4'), rep(ch, 500));
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'plain node check compression with ltrim',
      async () => {
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'list5', rep('a', 500));
        await r('linsert', 'list5', 'after', rep('a', 500), rep('b', 500));
        await r('rpush', 'list5', rep('c', 500));
        assertEqual(rep('b', 500), await r('lindex', 'list5', 1));
        await r('LTRIM', 'list5', 1, -1);
        assertEqual(await r('llen', 'list5'), 2);
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'plain node check compression using lset',
      async () => {
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'list6', rep('a', 500));
        await r('LSET', 'list6', 0, rep('b', 500));
        assertEqual(rep('b', 500), await r('lindex', 'list6', 0));
        await r('lpush', 'list6', rep('c', 500));
        await r('LSET', 'list6', 0, rep('d', 500));
        assertEqual(rep('d', 500), await r('lindex', 'list6', 0));
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    // Put it back for the blocks that follow on an external server.
    await r('config', 'set', 'list-compress-depth', 0);
  });

  // Plain nodes, made with a low packed threshold.
  await startServer({ overrides: { save: '' } }, async (server) => {
    await test(
      'Test LPUSH and LPOP on plain nodes',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'lst', 9);
        await r('lpush', 'lst', 'xxxxxxxxxx');
        await r('lpush', 'lst', 'xxxxxxxxxx');
        const s0 = await server.statusNumber('used_memory');
        assert(s0 > 10, 'used_memory > 10');
        assert(Number(await r('llen', 'lst')) === 3, '[r llen lst] == 3');
        const popped = await r('rpop', 'lst');
        const s1 = await r('rpop', 'lst');
        assert(popped === '9', '$s0 eq "9"');
        assert(Number(await r('llen', 'lst')) === 1, '[r llen lst] == 1');
        await r('lpop', 'lst');
        assert(tclString(s1).length === 10, '[string length $s1] == 10');
        // Through an RDB round trip.
        await r('lpush', 'lst', 'xxxxxxxxxx');
        await r('lpush', 'lst', 'bb');
        await r('debug', 'reload');
        assertEqual(await r('rpop', 'lst'), 'xxxxxxxxxx');
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Test LINDEX and LINSERT on plain nodes',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'lst', 'xxxxxxxxxxx');
        await r('lpush', 'lst', 9);
        await r('lpush', 'lst', 'xxxxxxxxxxx');
        await r('linsert', 'lst', 'before', '9', '8');
        assert((await r('lindex', 'lst', 1)) === '8', '[r lindex lst 1] eq "8"');
        await r('linsert', 'lst', 'BEFORE', '9', '7');
        await r('linsert', 'lst', 'BEFORE', '9', 'xxxxxxxxxxx');
        assert((await r('lindex', 'lst', 3)) === 'xxxxxxxxxxx', '[r lindex lst 3] eq "xxxxxxxxxxx"');
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Test LTRIM on plain nodes',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'lst1', 9);
        await r('lpush', 'lst1', 'xxxxxxxxxxx');
        await r('lpush', 'lst1', 9);
        await r('LTRIM', 'lst1', 1, -1);
        assertEqual(await r('llen', 'lst1'), 2);
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Test LREM on plain nodes',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('lpush', 'lst', 'one');
        await r('lpush', 'lst', 'xxxxxxxxxxx');
        const s0 = await server.statusNumber('used_memory');
        assert(s0 > 10, 'used_memory > 10');
        await r('lpush', 'lst', 9);
        await r('LREM', 'lst', -2, 'one');
        assertEqual(await r('llen', 'lst'), 2);
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Test LPOS on plain nodes',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('RPUSH', 'lst', 'aa');
        await r('RPUSH', 'lst', 'bb');
        await r('RPUSH', 'lst', 'cc');
        await r('LSET', 'lst', 0, 'xxxxxxxxxxx');
        assertEqual(await r('LPOS', 'lst', 'xxxxxxxxxxx'), 0);
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Test LMOVE on plain nodes',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '1b');
        await r('RPUSH', 'lst2{t}', 'aa');
        await r('RPUSH', 'lst2{t}', 'bb');
        await r('LSET', 'lst2{t}', 0, 'xxxxxxxxxxx');
        await r('RPUSH', 'lst2{t}', 'cc');
        await r('RPUSH', 'lst2{t}', 'dd');
        await r('LMOVE', 'lst2{t}', 'lst{t}', 'RIGHT', 'LEFT');
        await r('LMOVE', 'lst2{t}', 'lst{t}', 'LEFT', 'RIGHT');
        assertEqual(await r('llen', 'lst{t}'), 2);
        assertEqual(await r('llen', 'lst2{t}'), 2);
        assertEqual(await r('lpop', 'lst2{t}'), 'bb');
        assertEqual(await r('lpop', 'lst2{t}'), 'cc');
        assertEqual(await r('lpop', 'lst{t}'), 'dd');
        assertEqual(await r('lpop', 'lst{t}'), 'xxxxxxxxxxx');
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    // LSET across node kinds: plain->packed, packed->plain, plain->plain, packed->packed.
    const lsetCombinations = async () => {
      await r('RPUSH', 'lst', 'aa');
      await r('RPUSH', 'lst', 'bb');
      await r('lset', 'lst', 0, rep('d', 50001));
      assertEqual(await r('lpop', 'lst'), rep('d', 50001));
      await r('RPUSH', 'lst', rep('f', 50001));
      await r('lset', 'lst', 0, rep('e', 50001));
      assertEqual(await r('lpop', 'lst'), rep('e', 50001));
      await r('RPUSH', 'lst', rep('m', 50001));
      await r('lset', 'lst', 0, 'bb');
      assertEqual(await r('lpop', 'lst'), 'bb');
      await r('RPUSH', 'lst', 'bb');
      await r('lset', 'lst', 0, 'cc');
      assertEqual(await r('lpop', 'lst'), 'cc');
    };

    await test(
      'Test LSET with packed / plain combinations',
      async () => {
        await r('debug', 'quicklist-packed-threshold', '5b');
        await lsetCombinations();
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    // A packed node split by LSET in its middle.
    await test(
      'Test LSET with packed is split in the middle',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '5b');
        for (const v of ['aa', 'bb', 'cc', 'dd', 'ee']) await r('RPUSH', 'lst', v);
        await r('lset', 'lst', 2, rep('e', 10));
        assertEqual(await r('lpop', 'lst'), 'aa');
        assertEqual(await r('lpop', 'lst'), 'bb');
        assertEqual(await r('lpop', 'lst'), rep('e', 10));
        assertEqual(await r('lpop', 'lst'), 'dd');
        assertEqual(await r('lpop', 'lst'), 'ee');
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    // The combinations again, one item per packed node.
    await test(
      'Test LSET with packed consist only one item',
      async () => {
        await r('flushdb');
        const original = await configGetSet('list-max-ziplist-size', 1, [], srv(0));
        await r('debug', 'quicklist-packed-threshold', '1b');
        await lsetCombinations();
        await r('debug', 'quicklist-packed-threshold', 0);
        return r('config', 'set', 'list-max-ziplist-size', original);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Crash due to delete entry from a compress quicklist node',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '100b');
        const original = await configGetSet('list-compress-depth', 1, [], srv(0));
        const small = rep('x', 32);
        const large = rep('x', 100);
        await r('RPUSH', 'lst', large);
        // Two small ones share a node.
        await r('RPUSH', 'lst', small);
        await r('RPUSH', 'lst', small);
        // Setting -1 to a large element inserts it at the end, then deletes the element before it.
        await r('LSET', 'lst', -1, large);
        assertEqual(`${large} ${small} ${large}`, await r('LRANGE', 'lst', 0, -1));
        await r('debug', 'quicklist-packed-threshold', 0);
        return r('config', 'set', 'list-compress-depth', original);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'Crash due to split quicklist node wrongly',
      async () => {
        await r('flushdb');
        await r('debug', 'quicklist-packed-threshold', '10b');
        await r('LPUSH', 'lst', 'aa');
        await r('LPUSH', 'lst', 'bb');
        await r('LSET', 'lst', -2, rep('x', 10));
        await r('RPOP', 'lst');
        assertEqual(rep('x', 10), await r('LRANGE', 'lst', 0, -1));
        return r('debug', 'quicklist-packed-threshold', 0);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );
  });

  await runSolo('list-large-memory', async () => {
    await startServer({ overrides: { save: '' } }, async () => {
      // 32-bit builds refuse such limits: the tests are left out there.
      await tclCatch(async () => {
        await r('config', 'set', 'proto-max-bulk-len', 10000000000);
        await r('config', 'set', 'client-query-buffer-limit', 10000000000);
      });
      if (Number(await configGet(srv(0), 'proto-max-bulk-len')) !== 10000000000) return;
      const strLength = 5000000000;
      const big = { okPattern: '', tags: ['large-memory'] };
      const rawLpush = () => srv(0).client.writeRaw('*3\r\n$5\r\nLPUSH\r\n$3\r\nlst\r\n');

      // The plain node checks again, with 5 GB values.
      await test(
        'Test LPUSH and LPOP on plain nodes over 4GB',
        async () => {
          await r('flushdb');
          await r('lpush', 'lst', 9);
          rawLpush();
          await writeBigBulk(strLength);
          rawLpush();
          await writeBigBulk(strLength);
          const s0 = await srv(0).statusNumber('used_memory');
          assert(s0 > strLength, 'used_memory > $str_length');
          assert(Number(await r('llen', 'lst')) === 3, '[r llen lst] == 3');
          assertEqual(await r('rpop', 'lst'), '9');
          assertEqual(await readBigBulk(() => r('rpop', 'lst')), strLength);
          assert(Number(await r('llen', 'lst')) === 1, '[r llen lst] == 1');
          assertEqual(await readBigBulk(() => r('rpop', 'lst')), strLength);
        },
        big,
      );

      await test(
        'Test LINDEX and LINSERT on plain nodes over 4GB',
        async () => {
          await r('flushdb');
          rawLpush();
          await writeBigBulk(strLength);
          await r('lpush', 'lst', 9);
          rawLpush();
          await writeBigBulk(strLength);
          await r('linsert', 'lst', 'before', '9', '8');
          assertEqual(await r('lindex', 'lst', 1), '8');
          await r('LINSERT', 'lst', 'BEFORE', '9', '7');
          srv(0).client.writeRaw('*5\r\n$7\r\nLINSERT\r\n$3\r\nlst\r\n$6\r\nBEFORE\r\n$3\r\n"9"\r\n');
          await writeBigBulk(10);
          assertEqual(await readBigBulk(() => r('rpop', 'lst')), strLength);
        },
        big,
      );

      await test(
        'Test LTRIM on plain nodes over 4GB',
        async () => {
          await r('flushdb');
          await r('lpush', 'lst', 9);
          rawLpush();
          await writeBigBulk(strLength);
          await r('lpush', 'lst', 9);
          await r('LTRIM', 'lst', 1, -1);
          assertEqual(await r('llen', 'lst'), 2);
          assertEqual(await r('rpop', 'lst'), 9);
          assertEqual(await readBigBulk(() => r('rpop', 'lst')), strLength);
        },
        big,
      );

      await test(
        'Test LREM on plain nodes over 4GB',
        async () => {
          await r('flushdb');
          await r('lpush', 'lst', 'one');
          rawLpush();
          await writeBigBulk(strLength);
          await r('lpush', 'lst', 9);
          await r('LREM', 'lst', -2, 'one');
          assertEqual(await readBigBulk(() => r('rpop', 'lst')), strLength);
          return r('llen', 'lst');
        },
        { okPattern: '1', tags: ['large-memory'] },
      );

      await test(
        'Test LSET on plain nodes over 4GB',
        async () => {
          await r('flushdb');
          await r('RPUSH', 'lst', 'aa');
          await r('RPUSH', 'lst', 'bb');
          await r('RPUSH', 'lst', 'cc');
          srv(0).client.writeRaw('*4\r\n$4\r\nLSET\r\n$3\r\nlst\r\n$1\r\n0\r\n');
          await writeBigBulk(strLength);
          assertEqual(await r('rpop', 'lst'), 'cc');
          assertEqual(await r('rpop', 'lst'), 'bb');
          assertEqual(await readBigBulk(() => r('rpop', 'lst')), strLength);
        },
        big,
      );

      await test(
        'Test LMOVE on plain nodes over 4GB',
        async () => {
          await r('flushdb');
          await r('RPUSH', 'lst2{t}', 'aa');
          await r('RPUSH', 'lst2{t}', 'bb');
          srv(0).client.writeRaw('*4\r\n$4\r\nLSET\r\n$7\r\nlst2{t}\r\n$1\r\n0\r\n');
          await writeBigBulk(strLength);
          await r('RPUSH', 'lst2{t}', 'cc');
          await r('RPUSH', 'lst2{t}', 'dd');
          await r('LMOVE', 'lst2{t}', 'lst{t}', 'RIGHT', 'LEFT');
          assertEqual(await readBigBulk(() => r('LMOVE', 'lst2{t}', 'lst{t}', 'LEFT', 'RIGHT')), strLength);
          assertEqual(await r('llen', 'lst{t}'), 2);
          assertEqual(await r('llen', 'lst2{t}'), 2);
          assertEqual(await r('lpop', 'lst2{t}'), 'bb');
          assertEqual(await r('lpop', 'lst2{t}'), 'cc');
          assertEqual(await r('lpop', 'lst{t}'), 'dd');
          assertEqual(await readBigBulk(() => r('rpop', 'lst{t}')), strLength);
        },
        big,
      );
    });
  });

  await startServer({ tags: ['list'], overrides: { 'list-max-ziplist-size': 5 } }, async (server) => {
    const newClient = () => server.newClient();

    await test('LPOS basic usage', async () => {
      await r('DEL', 'mylist');
      await r('RPUSH', 'mylist', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
      assert(tclString(await r('LPOS', 'mylist', 'a')) === '0', '[r LPOS mylist a] == 0');
      assert(tclString(await r('LPOS', 'mylist', 'c')) === '2', '[r LPOS mylist c] == 2');
    });

    await test('LPOS RANK (positive, negative and zero rank) option', async () => {
      assert(tclString(await r('LPOS', 'mylist', 'c', 'RANK', 1)) === '2', '[r LPOS mylist c RANK 1] == 2');
      assert(tclString(await r('LPOS', 'mylist', 'c', 'RANK', 2)) === '6', '[r LPOS mylist c RANK 2] == 6');
      assert(tclString(await r('LPOS', 'mylist', 'c', 'RANK', 4)) === '', '[r LPOS mylist c RANK 4] eq ""');
      assert(tclString(await r('LPOS', 'mylist', 'c', 'RANK', -1)) === '7', '[r LPOS mylist c RANK -1] == 7');
      assert(tclString(await r('LPOS', 'mylist', 'c', 'RANK', -2)) === '6', '[r LPOS mylist c RANK -2] == 6');
      await assertError(
        "*RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start*",
        () => r('LPOS', 'mylist', 'c', 'RANK', 0),
      );
    });

    const lposIs = async (expected: string, ...args: Arg[]) => {
      assert(tclString(await r('LPOS', 'mylist', ...args)) === expected, `[r LPOS mylist ${args.join(' ')}] == {${expected}}`);
    };

    await test('LPOS COUNT option', async () => {
      await lposIs('2 6 7', 'c', 'COUNT', 0);
      await lposIs('2', 'c', 'COUNT', 1);
      await lposIs('2 6', 'c', 'COUNT', 2);
      await lposIs('2 6 7', 'c', 'COUNT', 100);
    });

    await test('LPOS COUNT + RANK option', async () => {
      await lposIs('6 7', 'c', 'COUNT', 0, 'RANK', 2);
      await lposIs('7 6', 'c', 'COUNT', 2, 'RANK', -1);
    });

    await test('LPOS non existing key', async () => {
      assert(tclString(await r('LPOS', 'mylistxxx', 'c', 'COUNT', 0, 'RANK', 2)) === '', '[r LPOS mylistxxx c COUNT 0 RANK 2] eq {}');
    });

    await test('LPOS no match', async () => {
      await lposIs('', 'x', 'COUNT', 2, 'RANK', -1);
      await lposIs('', 'x', 'RANK', -1);
    });

    await test('LPOS MAXLEN', async () => {
      await lposIs('0', 'a', 'COUNT', 0, 'MAXLEN', 1);
      await lposIs('', 'c', 'COUNT', 0, 'MAXLEN', 1);
      await lposIs('2', 'c', 'COUNT', 0, 'MAXLEN', 3);
      await lposIs('7 6', 'c', 'COUNT', 0, 'MAXLEN', 3, 'RANK', -1);
      await lposIs('6', 'c', 'COUNT', 0, 'MAXLEN', 7, 'RANK', 2);
    });

    await test('LPOS when RANK is greater than matches', async () => {
      await r('DEL', 'mylist');
      await r('LPUSH', 'mylist', 'a');
      await lposIs('', 'b', 'COUNT', 10, 'RANK', 5);
    });

    await test('LPUSH, RPUSH, LLENGTH, LINDEX, LPOP - ziplist', async () => {
      // lpush first, then rpush
      assertEqual(1, await r('lpush', 'myziplist1', 'aa'));
      assertEqual(2, await r('rpush', 'myziplist1', 'bb'));
      assertEqual(3, await r('rpush', 'myziplist1', 'cc'));
      assertEqual(3, await r('llen', 'myziplist1'));
      assertEqual('aa', await r('lindex', 'myziplist1', 0));
      assertEqual('bb', await r('lindex', 'myziplist1', 1));
      assertEqual('cc', await r('lindex', 'myziplist1', 2));
      assertEqual('', await r('lindex', 'myziplist2', 3));
      assertEqual('cc', await r('rpop', 'myziplist1'));
      assertEqual('aa', await r('lpop', 'myziplist1'));
      await encodingIs('quicklist', 'myziplist1');

      // rpush first, then lpush
      assertEqual(1, await r('rpush', 'myziplist2', 'a'));
      assertEqual(2, await r('lpush', 'myziplist2', 'b'));
      assertEqual(3, await r('lpush', 'myziplist2', 'c'));
      assertEqual(3, await r('llen', 'myziplist2'));
      assertEqual('c', await r('lindex', 'myziplist2', 0));
      assertEqual('b', await r('lindex', 'myziplist2', 1));
      assertEqual('a', await r('lindex', 'myziplist2', 2));
      assertEqual('', await r('lindex', 'myziplist2', 3));
      assertEqual('a', await r('rpop', 'myziplist2'));
      assertEqual('c', await r('lpop', 'myziplist2'));
      await encodingIs('quicklist', 'myziplist2');
    });

    await test('LPUSH, RPUSH, LLENGTH, LINDEX, LPOP - regular list', async () => {
      const large = largeValueOf.linkedlist;
      // lpush first, then rpush
      assertEqual(1, await r('lpush', 'mylist1', large));
      await encodingIs('quicklist', 'mylist1');
      assertEqual(2, await r('rpush', 'mylist1', 'b'));
      assertEqual(3, await r('rpush', 'mylist1', 'c'));
      assertEqual(3, await r('llen', 'mylist1'));
      assertEqual(large, await r('lindex', 'mylist1', 0));
      assertEqual('b', await r('lindex', 'mylist1', 1));
      assertEqual('c', await r('lindex', 'mylist1', 2));
      assertEqual('', await r('lindex', 'mylist1', 3));
      assertEqual('c', await r('rpop', 'mylist1'));
      assertEqual(large, await r('lpop', 'mylist1'));

      // rpush first, then lpush
      assertEqual(1, await r('rpush', 'mylist2', large));
      await encodingIs('quicklist', 'mylist2');
      assertEqual(2, await r('lpush', 'mylist2', 'b'));
      assertEqual(3, await r('lpush', 'mylist2', 'c'));
      assertEqual(3, await r('llen', 'mylist2'));
      assertEqual('c', await r('lindex', 'mylist2', 0));
      assertEqual('b', await r('lindex', 'mylist2', 1));
      assertEqual(large, await r('lindex', 'mylist2', 2));
      assertEqual('', await r('lindex', 'mylist2', 3));
      assertEqual(large, await r('rpop', 'mylist2'));
      assertEqual('c', await r('lpop', 'mylist2'));
    });

    await test('LPOP/RPOP with wrong number of arguments', async () => {
      await assertError("*wrong number of arguments for 'lpop' command", () => r('lpop', 'key', 1, 1));
      await assertError("*wrong number of arguments for 'rpop' command", () => r('rpop', 'key', 2, 2));
    });

    await test('RPOP/LPOP with the optional count argument', async () => {
      assertEqual(7, await r('lpush', 'listcount', 'aa', 'bb', 'cc', 'dd', 'ee', 'ff', 'gg'));
      assertEqual('gg', await r('lpop', 'listcount', 1));
      assertEqual('ff ee', await r('lpop', 'listcount', 2));
      assertEqual('aa bb', await r('rpop', 'listcount', 2));
      assertEqual('cc', await r('rpop', 'listcount', 1));
      assertEqual('dd', await r('rpop', 'listcount', 123));
      await assertError('*ERR*range*', () => r('lpop', 'forbarqaz', -123));
    });

    for (const resp of [3, 2]) {
      if (settings().denyTags.includes('resp3')) {
        if (resp === 3) continue;
      } else {
        await r('hello', resp);
      }

      // Raw replies tell an empty array from a null.
      server.client.readRaw(true);

      await test(`LPOP/RPOP with the count 0 returns an empty array in RESP${resp}`, async () => {
        await r('lpush', 'listcount', 'zero');
        assertEqual('*0', await r('lpop', 'listcount', 0));
        assertEqual('*0', await r('rpop', 'listcount', 0));
      });

      await test(`LPOP/RPOP against non existing key in RESP${resp}`, async () => {
        await r('del', 'non_existing_key');
        verifyRespResponse(resp, await r('lpop', 'non_existing_key'), '$-1', '_');
        verifyRespResponse(resp, await r('rpop', 'non_existing_key'), '$-1', '_');
      });

      await test(`LPOP/RPOP with <count> against non existing key in RESP${resp}`, async () => {
        await r('del', 'non_existing_key');
        verifyRespResponse(resp, await r('lpop', 'non_existing_key', 0), '*-1', '_');
        verifyRespResponse(resp, await r('lpop', 'non_existing_key', 1), '*-1', '_');
        verifyRespResponse(resp, await r('rpop', 'non_existing_key', 0), '*-1', '_');
        verifyRespResponse(resp, await r('rpop', 'non_existing_key', 1), '*-1', '_');
      });

      server.client.readRaw(false);
    }

    await test('Variadic RPUSH/LPUSH', async () => {
      await r('del', 'mylist');
      assertEqual(4, await r('lpush', 'mylist', 'a', 'b', 'c', 'd'));
      assertEqual(8, await r('rpush', 'mylist', 0, 1, 2, 3));
      assertEqual('d c b a 0 1 2 3', await r('lrange', 'mylist', 0, -1));
    });

    await test('DEL a list', async () => {
      assertEqual(1, await r('del', 'mylist2'));
      assertEqual(0, await r('exists', 'mylist2'));
      assertEqual(0, await r('llen', 'mylist2'));
    });

    for (const [type, large] of largevalue) {
      for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
        const rightPop = pop === 'BLPOP' ? 'BRPOP' : 'BLMPOP_RIGHT';

        await test(`${pop}: single existing list - ${type}`, async () => {
          const rd = await newClient();
          await createList('blist', ['a', 'b', large, 'c', 'd']);
          rd.send(...bpopArgs(pop, 'blist', 1));
          assertEqual(await rd.read(), 'blist a');
          rd.send(...bpopArgs(rightPop, 'blist', 1));
          assertEqual(await rd.read(), 'blist d');
          rd.send(...bpopArgs(pop, 'blist', 1));
          assertEqual(await rd.read(), 'blist b');
          rd.send(...bpopArgs(rightPop, 'blist', 1));
          assertEqual(await rd.read(), 'blist c');
          assertEqual(1, await r('llen', 'blist'));
          await rd.close();
        });

        await test(`${pop}: multiple existing lists - ${type}`, async () => {
          const rd = await newClient();
          await createList('blist1{t}', ['a', large, 'c']);
          await createList('blist2{t}', ['d', large, 'f']);
          rd.send(...bpopTwoKeyArgs(pop, 'blist1{t}', 'blist2{t}', 1));
          assertEqual(await rd.read(), 'blist1{t} a');
          rd.send(...bpopTwoKeyArgs(rightPop, 'blist1{t}', 'blist2{t}', 1));
          assertEqual(await rd.read(), 'blist1{t} c');
          assertEqual(1, await r('llen', 'blist1{t}'));
          assertEqual(3, await r('llen', 'blist2{t}'));
          rd.send(...bpopTwoKeyArgs(pop, 'blist2{t}', 'blist1{t}', 1));
          assertEqual(await rd.read(), 'blist2{t} d');
          rd.send(...bpopTwoKeyArgs(rightPop, 'blist2{t}', 'blist1{t}', 1));
          assertEqual(await rd.read(), 'blist2{t} f');
          assertEqual(1, await r('llen', 'blist1{t}'));
          assertEqual(1, await r('llen', 'blist2{t}'));
          await rd.close();
        });

        await test(`${pop}: second list has an entry - ${type}`, async () => {
          const rd = await newClient();
          await r('del', 'blist1{t}');
          await createList('blist2{t}', ['d', large, 'f']);
          rd.send(...bpopTwoKeyArgs(pop, 'blist1{t}', 'blist2{t}', 1));
          assertEqual(await rd.read(), 'blist2{t} d');
          rd.send(...bpopTwoKeyArgs(rightPop, 'blist1{t}', 'blist2{t}', 1));
          assertEqual(await rd.read(), 'blist2{t} f');
          assertEqual(0, await r('llen', 'blist1{t}'));
          assertEqual(1, await r('llen', 'blist2{t}'));
          await rd.close();
        });
      }

      await test(`BRPOPLPUSH - ${type}`, async () => {
        await r('del', 'target{t}');
        await r('rpush', 'target{t}', 'bar');
        const rd = await newClient();
        await createList('blist{t}', ['a', 'b', large, 'c', 'd']);
        rd.send('brpoplpush', 'blist{t}', 'target{t}', 1);
        assertEqual('d', await rd.read());
        assertEqual('d', await r('lpop', 'target{t}'));
        assertEqual(`a b ${large} c`, await r('lrange', 'blist{t}', 0, -1));
        await rd.close();
      });

      for (const wherefrom of ['left', 'right']) {
        for (const whereto of ['left', 'right']) {
          await test(`BLMOVE ${wherefrom} ${whereto} - ${type}`, async () => {
            await r('del', 'target{t}');
            await r('rpush', 'target{t}', 'bar');
            const rd = await newClient();
            await createList('blist{t}', ['a', 'b', large, 'c', 'd']);
            rd.send('blmove', 'blist{t}', 'target{t}', wherefrom, whereto, 1);
            const popped = await rd.read();
            if (wherefrom === 'right') {
              assertEqual('d', popped);
              assertEqual(`a b ${large} c`, await r('lrange', 'blist{t}', 0, -1));
            } else {
              assertEqual('a', popped);
              assertEqual(`b ${large} c d`, await r('lrange', 'blist{t}', 0, -1));
            }
            if (whereto === 'right') assertEqual(popped, await r('rpop', 'target{t}'));
            else assertEqual(popped, await r('lpop', 'target{t}'));
            await rd.close();
          });
        }
      }
    }

    for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
      await test(`${pop}, LPUSH + DEL should not awake blocked client`, async () => {
        const rd = await newClient();
        await r('del', 'list');
        rd.send(...bpopArgs(pop, 'list', 0));
        await sleep(100); // rd must be blocked before MULTI
        await waitForBlockedClient(server);
        await r('multi');
        await r('lpush', 'list', 'a');
        await r('del', 'list');
        await r('exec');
        await r('del', 'list');
        await r('lpush', 'list', 'b');
        assertEqual(await rd.read(), 'list b');
        await rd.close();
      });

      await test(`${pop}, LPUSH + DEL + SET should not awake blocked client`, async () => {
        const rd = await newClient();
        await r('del', 'list');
        rd.send(...bpopArgs(pop, 'list', 0));
        await sleep(100); // rd must be blocked before MULTI
        await waitForBlockedClient(server);
        await r('multi');
        await r('lpush', 'list', 'a');
        await r('del', 'list');
        await r('set', 'list', 'foo');
        await r('exec');
        await r('del', 'list');
        await r('lpush', 'list', 'b');
        assertEqual(await rd.read(), 'list b');
        await rd.close();
      });
    }

    await test('BLPOP with same key multiple times should work (issue #801)', async () => {
      const rd = await newClient();
      await r('del', 'list1{t}', 'list2{t}');
      const keys = ['list1{t}', 'list2{t}', 'list2{t}', 'list1{t}'];
      // The data comes after the BLPOP.
      rd.send('blpop', ...keys, 0);
      await r('lpush', 'list1{t}', 'a');
      assertEqual(await rd.read(), 'list1{t} a');
      rd.send('blpop', ...keys, 0);
      await r('lpush', 'list2{t}', 'b');
      assertEqual(await rd.read(), 'list2{t} b');
      // The data is already there.
      await r('lpush', 'list1{t}', 'a');
      await r('lpush', 'list2{t}', 'b');
      rd.send('blpop', ...keys, 0);
      assertEqual(await rd.read(), 'list1{t} a');
      rd.send('blpop', ...keys, 0);
      assertEqual(await rd.read(), 'list2{t} b');
      await rd.close();
    });

    for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
      await test(`MULTI/EXEC is isolated from the point of view of ${pop}`, async () => {
        const rd = await newClient();
        await r('del', 'list');
        rd.send(...bpopArgs(pop, 'list', 0));
        await sleep(100); // rd must be blocked before MULTI
        await waitForBlockedClient(server);
        await r('multi');
        await r('lpush', 'list', 'a');
        await r('lpush', 'list', 'b');
        await r('lpush', 'list', 'c');
        await r('exec');
        assertEqual(await rd.read(), 'list c');
        await rd.close();
      });

      await test(`${pop} with variadic LPUSH`, async () => {
        const rd = await newClient();
        await r('del', 'blist');
        if (settings().valgrind) await sleep(100);
        rd.send(...bpopArgs(pop, 'blist', 0));
        if (settings().valgrind) await sleep(100);
        await waitForBlockedClient(server);
        assertEqual(2, await r('lpush', 'blist', 'foo', 'bar'));
        if (settings().valgrind) await sleep(100);
        assertEqual(await rd.read(), 'blist bar');
        assertEqual('foo', ((await r('lrange', 'blist', 0, -1)) as string[])[0]);
        await rd.close();
      });
    }

    await test('BRPOPLPUSH with zero timeout should block indefinitely', async () => {
      const rd = await newClient();
      await r('del', 'blist{t}', 'target{t}');
      await r('rpush', 'target{t}', 'bar');
      rd.send('brpoplpush', 'blist{t}', 'target{t}', 0);
      await waitForBlockedClientsCount(server, 1);
      await r('rpush', 'blist{t}', 'foo');
      assertEqual('foo', await rd.read());
      assertEqual('foo bar', await r('lrange', 'target{t}', 0, -1));
      await rd.close();
    });

    for (const wherefrom of ['left', 'right']) {
      for (const whereto of ['left', 'right']) {
        await test(`BLMOVE ${wherefrom} ${whereto} with zero timeout should block indefinitely`, async () => {
          const rd = await newClient();
          await r('del', 'blist{t}', 'target{t}');
          await r('rpush', 'target{t}', 'bar');
          rd.send('blmove', 'blist{t}', 'target{t}', wherefrom, whereto, 0);
          await waitForBlockedClientsCount(server, 1);
          await r('rpush', 'blist{t}', 'foo');
          assertEqual('foo', await rd.read());
          if (whereto === 'right') assertEqual('bar foo', await r('lrange', 'target{t}', 0, -1));
          else assertEqual('foo bar', await r('lrange', 'target{t}', 0, -1));
          await rd.close();
        });
      }
    }

    for (const wherefrom of ['left', 'right']) {
      for (const whereto of ['left', 'right']) {
        await test(`BLMOVE (${wherefrom}, ${whereto}) with a client BLPOPing the target list`, async () => {
          const rd = await newClient();
          const rd2 = await newClient();
          await r('del', 'blist{t}', 'target{t}');
          rd2.send('blpop', 'target{t}', 0);
          await waitForBlockedClientsCount(server, 1);
          rd.send('blmove', 'blist{t}', 'target{t}', wherefrom, whereto, 0);
          await waitForBlockedClientsCount(server, 2);
          await r('rpush', 'blist{t}', 'foo');
          assertEqual('foo', await rd.read());
          assertEqual('target{t} foo', await rd2.read());
          assertEqual(0, await r('exists', 'target{t}'));
          await rd.close();
          await rd2.close();
        });
      }
    }

    await test('BRPOPLPUSH with wrong source type', async () => {
      const rd = await newClient();
      await r('del', 'blist{t}', 'target{t}');
      await r('set', 'blist{t}', 'nolist');
      rd.send('brpoplpush', 'blist{t}', 'target{t}', 1);
      await assertError('WRONGTYPE*', () => rd.read());
      await rd.close();
    });

    await test('BRPOPLPUSH with wrong destination type', async () => {
      let rd = await newClient();
      await r('del', 'blist{t}', 'target{t}');
      await r('set', 'target{t}', 'nolist');
      await r('lpush', 'blist{t}', 'foo');
      rd.send('brpoplpush', 'blist{t}', 'target{t}', 1);
      await assertError('WRONGTYPE*', () => rd.read());
      await rd.close();

      rd = await newClient();
      await r('del', 'blist{t}', 'target{t}');
      await r('set', 'target{t}', 'nolist');
      rd.send('brpoplpush', 'blist{t}', 'target{t}', 0);
      await waitForBlockedClientsCount(server, 1);
      await r('rpush', 'blist{t}', 'foo');
      await assertError('WRONGTYPE*', () => rd.read());
      assertEqual('foo', await r('lrange', 'blist{t}', 0, -1));
      await rd.close();
    });

    await test(
      'BRPOPLPUSH maintains order of elements after failure',
      async () => {
        const rd = await newClient();
        await r('del', 'blist{t}', 'target{t}');
        await r('set', 'target{t}', 'nolist');
        rd.send('brpoplpush', 'blist{t}', 'target{t}', 0);
        await r('rpush', 'blist{t}', 'a', 'b', 'c');
        await assertError('WRONGTYPE*', () => rd.read());
        await rd.close();
        return r('lrange', 'blist{t}', 0, -1);
      },
      { okPattern: 'a b c' },
    );

    await test('BRPOPLPUSH with multiple blocked clients', async () => {
      const rd1 = await newClient();
      const rd2 = await newClient();
      await r('del', 'blist{t}', 'target1{t}', 'target2{t}');
      await r('set', 'target1{t}', 'nolist');
      rd1.send('brpoplpush', 'blist{t}', 'target1{t}', 0);
      rd2.send('brpoplpush', 'blist{t}', 'target2{t}', 0);
      await r('lpush', 'blist{t}', 'foo');
      await assertError('WRONGTYPE*', () => rd1.read());
      assertEqual('foo', await rd2.read());
      assertEqual('foo', await r('lrange', 'target2{t}', 0, -1));
      await rd1.close();
      await rd2.close();
    });

    await test('BLMPOP with multiple blocked clients', async () => {
      const rd1 = await newClient();
      const rd2 = await newClient();
      const rd3 = await newClient();
      const rd4 = await newClient();
      await r('del', 'blist{t}', 'blist2{t}');
      rd1.send('blmpop', 0, 2, 'blist{t}', 'blist2{t}', 'left', 'count', 1);
      await waitForBlockedClientsCount(server, 1);
      rd2.send('blmpop', 0, 2, 'blist{t}', 'blist2{t}', 'right', 'count', 10);
      await waitForBlockedClientsCount(server, 2);
      rd3.send('blmpop', 0, 2, 'blist{t}', 'blist2{t}', 'left', 'count', 10);
      await waitForBlockedClientsCount(server, 3);
      rd4.send('blmpop', 0, 2, 'blist{t}', 'blist2{t}', 'right', 'count', 1);
      await waitForBlockedClientsCount(server, 4);

      await r('multi');
      await r('lpush', 'blist{t}', 'a', 'b', 'c', 'd', 'e');
      await r('lpush', 'blist2{t}', 1, 2, 3, 4, 5);
      await r('exec');

      assertEqual('blist{t} e', await rd1.read());
      assertEqual('blist{t} {a b c d}', await rd2.read());
      assertEqual('blist2{t} {5 4 3 2 1}', await rd3.read());

      await r('lpush', 'blist2{t}', 1, 2, 3);
      assertEqual('blist2{t} 1', await rd4.read());
      await rd1.close();
      await rd2.close();
      await rd3.close();
      await rd4.close();
    });

    await test('Linked LMOVEs', async () => {
      const rd1 = await newClient();
      const rd2 = await newClient();
      await r('del', 'list1{t}', 'list2{t}', 'list3{t}');
      rd1.send('blmove', 'list1{t}', 'list2{t}', 'right', 'left', 0);
      await waitForBlockedClientsCount(server, 1);
      rd2.send('blmove', 'list2{t}', 'list3{t}', 'left', 'right', 0);
      await waitForBlockedClientsCount(server, 2);
      await r('rpush', 'list1{t}', 'foo');
      assertEqual('', await r('lrange', 'list1{t}', 0, -1));
      assertEqual('', await r('lrange', 'list2{t}', 0, -1));
      assertEqual('foo', await r('lrange', 'list3{t}', 0, -1));
      await rd1.close();
      await rd2.close();
    });

    await test('Circular BRPOPLPUSH', async () => {
      const rd1 = await newClient();
      const rd2 = await newClient();
      await r('del', 'list1{t}', 'list2{t}');
      rd1.send('brpoplpush', 'list1{t}', 'list2{t}', 0);
      await waitForBlockedClientsCount(server, 1);
      rd2.send('brpoplpush', 'list2{t}', 'list1{t}', 0);
      await waitForBlockedClientsCount(server, 2);
      await r('rpush', 'list1{t}', 'foo');
      assertEqual('foo', await r('lrange', 'list1{t}', 0, -1));
      assertEqual('', await r('lrange', 'list2{t}', 0, -1));
      await rd1.close();
      await rd2.close();
    });

    await test('Self-referential BRPOPLPUSH', async () => {
      const rd = await newClient();
      await r('del', 'blist{t}');
      rd.send('brpoplpush', 'blist{t}', 'blist{t}', 0);
      await waitForBlockedClient(server);
      await r('rpush', 'blist{t}', 'foo');
      assertEqual('foo', await r('lrange', 'blist{t}', 0, -1));
      await rd.close();
    });

    await test(
      'BRPOPLPUSH inside a transaction',
      async () => {
        await r('del', 'xlist{t}', 'target{t}');
        await r('lpush', 'xlist{t}', 'foo');
        await r('lpush', 'xlist{t}', 'bar');
        await r('multi');
        await r('brpoplpush', 'xlist{t}', 'target{t}', 0);
        await r('brpoplpush', 'xlist{t}', 'target{t}', 0);
        await r('brpoplpush', 'xlist{t}', 'target{t}', 0);
        await r('lrange', 'xlist{t}', 0, -1);
        await r('lrange', 'target{t}', 0, -1);
        return await r('exec');
      },
      { okPattern: 'foo bar {} {} {bar foo}' },
    );

    await test(
      'PUSH resulting from BRPOPLPUSH affect WATCH',
      async () => {
        const blocked = await newClient();
        const watching = await newClient();
        await r('del', 'srclist{t}', 'dstlist{t}', 'somekey{t}');
        await r('set', 'somekey{t}', 'somevalue');
        blocked.send('brpoplpush', 'srclist{t}', 'dstlist{t}', 0);
        await waitForBlockedClient(server);
        watching.send('watch', 'dstlist{t}');
        await watching.read();
        watching.send('multi');
        await watching.read();
        watching.send('get', 'somekey{t}');
        await watching.read();
        await r('lpush', 'srclist{t}', 'element');
        watching.send('exec');
        const res = await watching.read();
        await blocked.close();
        await watching.close();
        return res;
      },
      { okPattern: '' },
    );

    await test(
      'BRPOPLPUSH does not affect WATCH while still blocked',
      async () => {
        const blocked = await newClient();
        const watching = await newClient();
        await r('del', 'srclist{t}', 'dstlist{t}', 'somekey{t}');
        await r('set', 'somekey{t}', 'somevalue');
        blocked.send('brpoplpush', 'srclist{t}', 'dstlist{t}', 0);
        await waitForBlockedClient(server);
        watching.send('watch', 'dstlist{t}');
        await watching.read();
        watching.send('multi');
        await watching.read();
        watching.send('get', 'somekey{t}');
        await watching.read();
        watching.send('exec');
        // Unblock the BRPOPLPUSH, which may otherwise get in the way.
        await r('lpush', 'srclist{t}', 'element');
        const res = await watching.read();
        await blocked.close();
        await watching.close();
        return res;
      },
      { okPattern: 'somevalue' },
    );

    await test(
      'BRPOPLPUSH timeout',
      async () => {
        const rd = await newClient();
        rd.send('brpoplpush', 'foo_list{t}', 'bar_list{t}', 1);
        await waitForBlockedClientsCount(server, 1);
        await waitForBlockedClientsCount(server, 0, 500, 10);
        const res = await rd.read();
        await rd.close();
        return res;
      },
      { okPattern: '' },
    );

    await test(
      'SWAPDB awakes blocked client',
      async () => {
        await r('flushall');
        await r('select', 1);
        await r('rpush', 'k', 'hello');
        await r('select', 9);
        const rd = await newClient();
        rd.send('brpop', 'k', 5);
        await waitForBlockedClientsCount(server, 1);
        await r('swapdb', 1, 9);
        return await rd.read();
      },
      { okPattern: 'k hello', tags: ['singledb:skip'] },
    );

    await test(
      'SWAPDB wants to wake blocked client, but the key already expired',
      async () => {
        const repl = await ReplicationStream.attach(server);
        await r('flushall');
        await r('debug', 'set-active-expire', 0);
        await r('select', 1);
        await r('rpush', 'k', 'hello');
        await r('pexpire', 'k', 100);
        const rd = await newClient();
        rd.send('select', 9);
        assertEqual('OK', await rd.read());
        rd.send('client', 'id');
        const id = await rd.read();
        rd.send('brpop', 'k', 1);
        await waitForBlockedClientsCount(server, 1);
        await sleep(101);
        await r('swapdb', 1, 9);
        // SWAPDB tries to wake the client, which stays blocked as the key expired: check, then unblock it.
        assertMatch('*flags=b*', await r('client', 'list', 'id', id as number));
        await r('client', 'unblock', id as number);
        assertEqual('', await rd.read());
        await repl.assertStream(['select *', 'flushall', 'select 1', 'rpush k hello', 'pexpireat k *', 'swapdb 1 9', 'select 9', 'del k']);
        await repl.close();
        // Back to the server's and the client's usual state.
        await r('debug', 'set-active-expire', 1);
        return r('select', 9);
      },
      { okPattern: 'OK', tags: ['singledb:skip', 'needs:debug'] },
    );

    await test(
      'MULTI + LPUSH + EXPIRE + DEBUG SLEEP on blocked client, key already expired',
      async () => {
        const repl = await ReplicationStream.attach(server);
        await r('flushall');
        await r('debug', 'set-active-expire', 0);
        const rd = await newClient();
        rd.send('client', 'id');
        const id = await rd.read();
        rd.send('brpop', 'k', 0);
        await waitForBlockedClientsCount(server, 1);

        await r('multi');
        await r('rpush', 'k', 'hello');
        await r('pexpire', 'k', 100);
        await r('debug', 'sleep', 0.2);
        await r('exec');

        // EXEC tries to wake the client, which stays blocked as the key expired: check, then unblock it.
        assertMatch('*flags=b*', await r('client', 'list', 'id', id as number));
        await r('client', 'unblock', id as number);
        assertEqual('', await rd.read());
        await repl.assertStream(['select *', 'flushall', 'multi', 'rpush k hello', 'pexpireat k *', 'exec', 'del k']);
        await repl.close();
        await r('debug', 'set-active-expire', 1);
        return r('select', 9);
      },
      { okPattern: 'OK', tags: ['singledb:skip', 'needs:debug'] },
    );

    for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
      await test(
        `${pop} when new key is moved into place`,
        async () => {
          const rd = await newClient();
          await r('del', 'foo{t}');
          rd.send(...bpopArgs(pop, 'foo{t}', 0));
          await waitForBlockedClient(server);
          await r('lpush', 'bob{t}', 'abc', 'def', 'hij');
          await r('rename', 'bob{t}', 'foo{t}');
          const res = await rd.read();
          await rd.close();
          return res;
        },
        { okPattern: 'foo{t} hij' },
      );

      await test(
        `${pop} when result key is created by SORT..STORE`,
        async () => {
          const rd = await newClient();
          // Empty the list of the previous test without deleting it.
          await r('lpop', 'foo{t}');
          await r('lpop', 'foo{t}');
          await r('lpop', 'foo{t}');
          rd.send(...bpopArgs(pop, 'foo{t}', 5));
          await waitForBlockedClient(server);
          await r('lpush', 'notfoo{t}', 'hello', 'hola', 'aguacate', 'konichiwa', 'zanzibar');
          await r('sort', 'notfoo{t}', 'ALPHA', 'store', 'foo{t}');
          const res = await rd.read();
          await rd.close();
          return res;
        },
        { okPattern: 'foo{t} aguacate' },
      );
    }

    for (const pop of ['BLPOP', 'BRPOP', 'BLMPOP_LEFT', 'BLMPOP_RIGHT']) {
      await test(`${pop}: with single empty list argument`, async () => {
        const rd = await newClient();
        await r('del', 'blist1');
        rd.send(...bpopArgs(pop, 'blist1', 1));
        await waitForBlockedClient(server);
        await r('rpush', 'blist1', 'foo');
        assertEqual('blist1 foo', await rd.read());
        assertEqual(0, await r('exists', 'blist1'));
        await rd.close();
      });

      await test(`${pop}: with negative timeout`, async () => {
        const rd = await newClient();
        rd.send(...bpopArgs(pop, 'blist1', -1));
        await assertError('ERR *is negative*', () => rd.read());
        await rd.close();
      });

      await test(`${pop}: with non-integer timeout`, async () => {
        const rd = await newClient();
        await r('del', 'blist1');
        rd.send(...bpopArgs(pop, 'blist1', 0.1));
        await r('rpush', 'blist1', 'foo');
        assertEqual('blist1 foo', await rd.read());
        assertEqual(0, await r('exists', 'blist1'));
        await rd.close();
      });

      await test(`${pop}: with zero timeout should block indefinitely`, async () => {
        // A second later the pop with timeout 0 must still be waiting.
        const rd = await newClient();
        rd.send(...bpopArgs(pop, 'blist1', 0));
        await waitForBlockedClient(server);
        await sleep(1000);
        await r('rpush', 'blist1', 'foo');
        assertEqual('blist1 foo', await rd.read());
        await rd.close();
      });

      await test(`${pop}: with 0.001 timeout should not block indefinitely`, async () => {
        // The blocked count falls back to 0 and the read is empty.
        const rd = await newClient();
        rd.send(...bpopArgs(pop, 'blist1', 0.001));
        await waitForBlockedClientsCount(server, 0);
        assertEqual('', await rd.read());
        await rd.close();
      });

      await test(`${pop}: second argument is not a list`, async () => {
        const rd = await newClient();
        await r('del', 'blist1{t}', 'blist2{t}');
        await r('set', 'blist2{t}', 'nolist{t}');
        rd.send(...bpopTwoKeyArgs(pop, 'blist1{t}', 'blist2{t}', 1));
        // Upstream sends this second command too, under the pop's own name; only the first reply is read.
        rd.send(pop, 'blist1{t}', 'blist2{t}', 1);
        await assertError('WRONGTYPE*', () => rd.read());
        await rd.close();
      });

      await test(`${pop}: timeout`, async () => {
        const rd = await newClient();
        await r('del', 'blist1{t}', 'blist2{t}');
        rd.send(...bpopTwoKeyArgs(pop, 'blist1{t}', 'blist2{t}', 1));
        await waitForBlockedClient(server);
        assertEqual('', await rd.read());
        await rd.close();
      });

      await test(`${pop}: arguments are empty`, async () => {
        const rd = await newClient();
        await r('del', 'blist1{t}', 'blist2{t}');

        rd.send(...bpopTwoKeyArgs(pop, 'blist1{t}', 'blist2{t}', 1));
        await waitForBlockedClient(server);
        await r('rpush', 'blist1{t}', 'foo');
        assertEqual('blist1{t} foo', await rd.read());
        assertEqual(0, await r('exists', 'blist1{t}'));
        assertEqual(0, await r('exists', 'blist2{t}'));

        rd.send(...bpopTwoKeyArgs(pop, 'blist1{t}', 'blist2{t}', 1));
        await waitForBlockedClient(server);
        await r('rpush', 'blist2{t}', 'foo');
        assertEqual('blist2{t} foo', await rd.read());
        assertEqual(0, await r('exists', 'blist1{t}'));
        assertEqual(0, await r('exists', 'blist2{t}'));
        await rd.close();
      });
    }

    for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
      await test(
        `${pop} inside a transaction`,
        async () => {
          await r('del', 'xlist');
          await r('lpush', 'xlist', 'foo');
          await r('lpush', 'xlist', 'bar');
          await r('multi');
          await r(...bpopArgs(pop, 'xlist', 0));
          await r(...bpopArgs(pop, 'xlist', 0));
          await r(...bpopArgs(pop, 'xlist', 0));
          return await r('exec');
        },
        { okPattern: '{xlist bar} {xlist foo} {}' },
      );
    }

    await test(
      'BLMPOP propagate as pop with count command to replica',
      async () => {
        const rd = await newClient();
        const repl = await ReplicationStream.attach(server);

        // Without blocking.
        await r('lpush', 'mylist{t}', 'a', 'b', 'c');
        await r('rpush', 'mylist2{t}', 1, 2, 3);
        await r('blmpop', 0, 1, 'mylist{t}', 'left', 'count', 1);
        await r('blmpop', 0, 2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 10);
        await r('blmpop', 0, 2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 10);

        // Blocking first.
        rd.send('blmpop', 0, 1, 'mylist{t}', 'left', 'count', 1);
        await waitForBlockedClient(server);
        await r('lpush', 'mylist{t}', 'a');
        rd.send('blmpop', 0, 2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 5);
        await waitForBlockedClient(server);
        await r('lpush', 'mylist{t}', 'a', 'b', 'c');
        rd.send('blmpop', 0, 2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 10);
        await waitForBlockedClient(server);
        await r('rpush', 'mylist2{t}', 'a', 'b', 'c');

        // Released by the timeout.
        assertEqual('', await r('blmpop', 0.01, 1, 'mylist{t}', 'left', 'count', 10));
        // Propagated after it, to show the pop above was not.
        await r('set', 'foo{t}', 'bar');

        await rd.close();

        await repl.assertStream([
          'select *',
          'lpush mylist{t} a b c',
          'rpush mylist2{t} 1 2 3',
          'lpop mylist{t} 1',
          'rpop mylist{t} 2',
          'rpop mylist2{t} 3',
          'lpush mylist{t} a',
          'lpop mylist{t} 1',
          'lpush mylist{t} a b c',
          'lpop mylist{t} 3',
          'rpush mylist2{t} a b c',
          'rpop mylist2{t} 3',
          'set foo{t} bar',
        ]);
        await repl.close();
      },
      { okPattern: '', tags: ['needs:repl'] },
    );

    await test('LPUSHX, RPUSHX - generic', async () => {
      await r('del', 'xlist');
      assertEqual(0, await r('lpushx', 'xlist', 'a'));
      assertEqual(0, await r('llen', 'xlist'));
      assertEqual(0, await r('rpushx', 'xlist', 'a'));
      assertEqual(0, await r('llen', 'xlist'));
    });

    for (const [type, large] of largevalue) {
      await test(`LPUSHX, RPUSHX - ${type}`, async () => {
        await createList('xlist', [large, 'c']);
        assertEqual(3, await r('rpushx', 'xlist', 'd'));
        assertEqual(4, await r('lpushx', 'xlist', 'a'));
        assertEqual(6, await r('rpushx', 'xlist', 42, 'x'));
        assertEqual(9, await r('lpushx', 'xlist', 'y3', 'y2', 'y1'));
        assertEqual(`y1 y2 y3 a ${large} c d 42 x`, await r('lrange', 'xlist', 0, -1));
      });

      await test(`LINSERT - ${type}`, async () => {
        await createList('xlist', ['a', large, 'c', 'd']);
        assertEqual(5, await r('linsert', 'xlist', 'before', 'c', 'zz'), 'before c');
        assertEqual(`a ${large} zz c d`, await r('lrange', 'xlist', 0, 10), 'lrangeA');
        assertEqual(6, await r('linsert', 'xlist', 'after', 'c', 'yy'), 'after c');
        assertEqual(`a ${large} zz c yy d`, await r('lrange', 'xlist', 0, 10), 'lrangeB');
        assertEqual(7, await r('linsert', 'xlist', 'after', 'd', 'dd'), 'after d');
        assertEqual(-1, await r('linsert', 'xlist', 'after', 'bad', 'ddd'), 'after bad');
        assertEqual(`a ${large} zz c yy d dd`, await r('lrange', 'xlist', 0, 10), 'lrangeC');
        assertEqual(8, await r('linsert', 'xlist', 'before', 'a', 'aa'), 'before a');
        assertEqual(-1, await r('linsert', 'xlist', 'before', 'bad', 'aaa'), 'before bad');
        assertEqual(`aa a ${large} zz c yy d dd`, await r('lrange', 'xlist', 0, 10), 'lrangeD');

        // An integer-encoded value.
        assertEqual(9, await r('linsert', 'xlist', 'before', 'aa', 42), 'before aa');
        assertEqual(42, await r('lrange', 'xlist', 0, 0), 'lrangeE');
      });
    }

    await test('LINSERT raise error on bad syntax', async () => catchBracketed(() => r('linsert', 'xlist', 'aft3r', 'aa', 42)), {
      okPattern: '*ERR*syntax*error*',
    });

    const checkNumberedListConsistency = async (key: string) => {
      const len = Number(await r('llen', key));
      for (let i = 0; i < len; i++) {
        assertEqual(i, await r('lindex', key, i));
        assertEqual(len - 1 - i, await r('lindex', key, -i - 1));
      }
    };

    const checkRandomAccessConsistency = async (key: string) => {
      const len = Number(await r('llen', key));
      for (let i = 0; i < len; i++) {
        const rint = Math.floor(rng().random() * len);
        assertEqual(rint, await r('lindex', key, rint));
        assertEqual(len - 1 - rint, await r('lindex', key, -rint - 1));
      }
    };

    for (const [type, num] of [['quicklist', 250], ['quicklist', 500]] as const) {
      await test(`LINDEX consistency test - ${type}`, async () => {
        await r('del', 'mylist');
        for (let i = 0; i < num; i++) await r('rpush', 'mylist', i);
        await encodingIs(type, 'mylist');
        await checkNumberedListConsistency('mylist');
      });

      await test(`LINDEX random access - ${type}`, async () => {
        await encodingIs(type, 'mylist');
        await checkRandomAccessConsistency('mylist');
      });

      await test(
        `Check if list is still ok after a DEBUG RELOAD - ${type}`,
        async () => {
          await r('debug', 'reload');
          await encodingIs(type, 'mylist');
          await checkNumberedListConsistency('mylist');
          await checkRandomAccessConsistency('mylist');
        },
        { okPattern: '', tags: ['needs:debug'] },
      );
    }

    await test('LLEN against non-list value error', async () => {
      await r('del', 'mylist');
      await r('set', 'mylist', 'foobar');
      await assertError('WRONGTYPE*', () => r('llen', 'mylist'));
    });

    await test('LLEN against non existing key', async () => {
      assertEqual(0, await r('llen', 'not-a-key'));
    });

    await test('LINDEX against non-list value error', async () => {
      await assertError('WRONGTYPE*', () => r('lindex', 'mylist', 0));
    });

    await test('LINDEX against non existing key', async () => {
      assertEqual('', await r('lindex', 'not-a-key', 10));
    });

    await test('LPUSH against non-list value error', async () => {
      await assertError('WRONGTYPE*', () => r('lpush', 'mylist', 0));
    });

    await test('RPUSH against non-list value error', async () => {
      await assertError('WRONGTYPE*', () => r('rpush', 'mylist', 0));
    });

    for (const [type, large] of largevalue) {
      await test(`RPOPLPUSH base case - ${type}`, async () => {
        await r('del', 'mylist1{t}', 'mylist2{t}');
        await createList('mylist1{t}', ['a', large, 'c', 'd']);
        assertEqual('d', await r('rpoplpush', 'mylist1{t}', 'mylist2{t}'));
        assertEqual('c', await r('rpoplpush', 'mylist1{t}', 'mylist2{t}'));
        assertEqual(`a ${large}`, await r('lrange', 'mylist1{t}', 0, -1));
        assertEqual('c d', await r('lrange', 'mylist2{t}', 0, -1));
        await encodingIs('quicklist', 'mylist2{t}');
      });

      for (const wherefrom of ['left', 'right']) {
        for (const whereto of ['left', 'right']) {
          await test(`LMOVE ${wherefrom} ${whereto} base case - ${type}`, async () => {
            await r('del', 'mylist1{t}', 'mylist2{t}');
            if (wherefrom === 'right') await createList('mylist1{t}', ['c', 'd', large, 'a']);
            else await createList('mylist1{t}', ['a', large, 'c', 'd']);
            assertEqual('a', await r('lmove', 'mylist1{t}', 'mylist2{t}', wherefrom, whereto));
            assertEqual(large, await r('lmove', 'mylist1{t}', 'mylist2{t}', wherefrom, whereto));
            assertEqual('c d', await r('lrange', 'mylist1{t}', 0, -1));
            if (whereto === 'right') assertEqual(`a ${large}`, await r('lrange', 'mylist2{t}', 0, -1));
            else assertEqual(`${large} a`, await r('lrange', 'mylist2{t}', 0, -1));
            await encodingIs('quicklist', 'mylist2{t}');
          });
        }
      }

      await test(`RPOPLPUSH with the same list as src and dst - ${type}`, async () => {
        await createList('mylist{t}', ['a', large, 'c']);
        assertEqual(`a ${large} c`, await r('lrange', 'mylist{t}', 0, -1));
        assertEqual('c', await r('rpoplpush', 'mylist{t}', 'mylist{t}'));
        assertEqual(`c a ${large}`, await r('lrange', 'mylist{t}', 0, -1));
      });

      for (const wherefrom of ['left', 'right']) {
        for (const whereto of ['left', 'right']) {
          await test(`LMOVE ${wherefrom} ${whereto} with the same list as src and dst - ${type}`, async () => {
            if (wherefrom === 'right') {
              await createList('mylist{t}', ['a', large, 'c']);
              assertEqual(`a ${large} c`, await r('lrange', 'mylist{t}', 0, -1));
            } else {
              await createList('mylist{t}', ['c', 'a', large]);
              assertEqual(`c a ${large}`, await r('lrange', 'mylist{t}', 0, -1));
            }
            assertEqual('c', await r('lmove', 'mylist{t}', 'mylist{t}', wherefrom, whereto));
            if (whereto === 'right') assertEqual(`a ${large} c`, await r('lrange', 'mylist{t}', 0, -1));
            else assertEqual(`c a ${large}`, await r('lrange', 'mylist{t}', 0, -1));
          });
        }
      }

      for (const [othertype, otherlarge] of largevalue) {
        await test(`RPOPLPUSH with ${type} source and existing target ${othertype}`, async () => {
          await createList('srclist{t}', ['a', 'b', 'c', large]);
          await createList('dstlist{t}', [otherlarge]);
          assertEqual(large, await r('rpoplpush', 'srclist{t}', 'dstlist{t}'));
          assertEqual('c', await r('rpoplpush', 'srclist{t}', 'dstlist{t}'));
          assertEqual('a b', await r('lrange', 'srclist{t}', 0, -1));
          assertEqual(`c ${large} ${otherlarge}`, await r('lrange', 'dstlist{t}', 0, -1));
          // Moving a large value converts dstlist to the source's encoding.
          if (type === 'linkedlist') await encodingIs('quicklist', 'dstlist{t}');
        });

        for (const wherefrom of ['left', 'right']) {
          for (const whereto of ['left', 'right']) {
            await test(`LMOVE ${wherefrom} ${whereto} with ${type} source and existing target ${othertype}`, async () => {
              await createList('dstlist{t}', [otherlarge]);
              if (wherefrom === 'right') await createList('srclist{t}', ['a', 'b', 'c', large]);
              else await createList('srclist{t}', [large, 'c', 'a', 'b']);
              assertEqual(large, await r('lmove', 'srclist{t}', 'dstlist{t}', wherefrom, whereto));
              assertEqual('c', await r('lmove', 'srclist{t}', 'dstlist{t}', wherefrom, whereto));
              assertEqual('a b', await r('lrange', 'srclist{t}', 0, -1));
              if (whereto === 'right') assertEqual(`${otherlarge} ${large} c`, await r('lrange', 'dstlist{t}', 0, -1));
              else assertEqual(`c ${large} ${otherlarge}`, await r('lrange', 'dstlist{t}', 0, -1));
              // Moving a large value converts dstlist to the source's encoding.
              if (type === 'linkedlist') await encodingIs('quicklist', 'dstlist{t}');
            });
          }
        }
      }
    }

    await test('RPOPLPUSH against non existing key', async () => {
      await r('del', 'srclist{t}', 'dstlist{t}');
      assertEqual('', await r('rpoplpush', 'srclist{t}', 'dstlist{t}'));
      assertEqual(0, await r('exists', 'srclist{t}'));
      assertEqual(0, await r('exists', 'dstlist{t}'));
    });

    await test('RPOPLPUSH against non list src key', async () => {
      await r('del', 'srclist{t}', 'dstlist{t}');
      await r('set', 'srclist{t}', 'x');
      await assertError('WRONGTYPE*', () => r('rpoplpush', 'srclist{t}', 'dstlist{t}'));
      await assertType('string', 'srclist{t}', server);
      assertEqual(0, await r('exists', 'newlist{t}'));
    });

    await test('RPOPLPUSH against non list dst key', async () => {
      await createList('srclist{t}', ['a', 'b', 'c', 'd']);
      await r('set', 'dstlist{t}', 'x');
      await assertError('WRONGTYPE*', () => r('rpoplpush', 'srclist{t}', 'dstlist{t}'));
      await assertType('string', 'dstlist{t}', server);
      assertEqual('a b c d', await r('lrange', 'srclist{t}', 0, -1));
    });

    await test(
      'RPOPLPUSH against non existing src key',
      async () => {
        await r('del', 'srclist{t}', 'dstlist{t}');
        assertEqual('', await r('rpoplpush', 'srclist{t}', 'dstlist{t}'));
      },
      { okPattern: '' },
    );

    for (const [type, large] of largevalue) {
      await test(`Basic LPOP/RPOP/LMPOP - ${type}`, async () => {
        await createList('mylist', [large, '1', '2']);
        assertEqual(large, await r('lpop', 'mylist'));
        assertEqual(2, await r('rpop', 'mylist'));
        assertEqual(1, await r('lpop', 'mylist'));
        assertEqual(0, await r('llen', 'mylist'));

        await createList('mylist', [large, '1', '2']);
        assertEqual(`mylist ${large}`, await r('lmpop', 1, 'mylist', 'left', 'count', 1));
        assertEqual('mylist {2 1}', await r('lmpop', 2, 'mylist', 'mylist', 'right', 'count', 2));
      });
    }

    await test('LPOP/RPOP/LMPOP against empty list', async () => {
      await r('del', 'non-existing-list{t}', 'non-existing-list2{t}');
      assertEqual('', await r('lpop', 'non-existing-list{t}'));
      assertEqual('', await r('rpop', 'non-existing-list2{t}'));
      assertEqual('', await r('lmpop', 1, 'non-existing-list{t}', 'left', 'count', 1));
      assertEqual('', await r('lmpop', 1, 'non-existing-list{t}', 'left', 'count', 10));
      assertEqual('', await r('lmpop', 2, 'non-existing-list{t}', 'non-existing-list2{t}', 'right', 'count', 1));
      assertEqual('', await r('lmpop', 2, 'non-existing-list{t}', 'non-existing-list2{t}', 'right', 'count', 10));
    });

    await test('LPOP/RPOP/LMPOP NON-BLOCK or BLOCK against non list value', async () => {
      await r('set', 'notalist{t}', 'foo');
      await assertError('WRONGTYPE*', () => r('lpop', 'notalist{t}'));
      await assertError('WRONGTYPE*', () => r('blpop', 'notalist{t}', 0));
      await assertError('WRONGTYPE*', () => r('rpop', 'notalist{t}'));
      await assertError('WRONGTYPE*', () => r('brpop', 'notalist{t}', 0));

      await r('del', 'notalist2{t}');
      await assertError('WRONGTYPE*', () => r('lmpop', 2, 'notalist{t}', 'notalist2{t}', 'left', 'count', 1));
      await assertError('WRONGTYPE*', () => r('blmpop', 0, 2, 'notalist{t}', 'notalist2{t}', 'left', 'count', 1));

      await r('del', 'notalist{t}');
      await r('set', 'notalist2{t}', 'nolist');
      await assertError('WRONGTYPE*', () => r('lmpop', 2, 'notalist{t}', 'notalist2{t}', 'right', 'count', 10));
      await assertError('WRONGTYPE*', () => r('blmpop', 0, 2, 'notalist{t}', 'notalist2{t}', 'left', 'count', 1));
    });

    for (const [type, num] of [['quicklist', 250], ['quicklist', 500]] as const) {
      await test(`Mass RPOP/LPOP - ${type}`, async () => {
        await r('del', 'mylist');
        let sum1 = 0;
        for (let i = 0; i < num; i++) {
          await r('lpush', 'mylist', i);
          sum1 += i;
        }
        await encodingIs(type, 'mylist');
        let sum2 = 0;
        for (let i = 0; i < num / 2; i++) {
          sum2 += Number(await r('lpop', 'mylist'));
          sum2 += Number(await r('rpop', 'mylist'));
        }
        assertEqual(sum1, sum2);
      });
    }

    await test('LMPOP with illegal argument', async () => {
      await assertError("ERR wrong number of arguments for 'lmpop' command", () => r('lmpop'));
      await assertError("ERR wrong number of arguments for 'lmpop' command", () => r('lmpop', 1));
      await assertError("ERR wrong number of arguments for 'lmpop' command", () => r('lmpop', 1, 'mylist{t}'));

      await assertError('ERR numkeys*', () => r('lmpop', 0, 'mylist{t}', 'LEFT'));
      await assertError('ERR numkeys*', () => r('lmpop', 'a', 'mylist{t}', 'LEFT'));
      await assertError('ERR numkeys*', () => r('lmpop', -1, 'mylist{t}', 'RIGHT'));

      await assertError('ERR syntax error*', () => r('lmpop', 1, 'mylist{t}', 'bad_where'));
      await assertError('ERR syntax error*', () => r('lmpop', 1, 'mylist{t}', 'LEFT', 'bar_arg'));
      await assertError('ERR syntax error*', () => r('lmpop', 1, 'mylist{t}', 'RIGHT', 'LEFT'));
      await assertError('ERR syntax error*', () => r('lmpop', 1, 'mylist{t}', 'COUNT'));
      await assertError('ERR syntax error*', () => r('lmpop', 1, 'mylist{t}', 'LEFT', 'COUNT', 1, 'COUNT', 2));
      await assertError('ERR syntax error*', () => r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'bad_arg'));

      await assertError('ERR count*', () => r('lmpop', 1, 'mylist{t}', 'LEFT', 'COUNT', 0));
      await assertError('ERR count*', () => r('lmpop', 1, 'mylist{t}', 'RIGHT', 'COUNT', 'a'));
      await assertError('ERR count*', () => r('lmpop', 1, 'mylist{t}', 'LEFT', 'COUNT', -1));
      await assertError('ERR count*', () => r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'RIGHT', 'COUNT', -1));
    });

    const lmpop = (...args: Arg[]) => r('lmpop', ...args);

    await test('LMPOP single existing list', async () => {
      // The same key twice.
      await createList('mylist{t}', ['a', 'b', 'c', 'd', 'e', 'f']);
      assertEqual('mylist{t} {a b}', await lmpop(2, 'mylist{t}', 'mylist{t}', 'left', 'count', 2));
      assertEqual('mylist{t} {f e}', await lmpop(2, 'mylist{t}', 'mylist{t}', 'right', 'count', 2));
      assertEqual(2, await r('llen', 'mylist{t}'));

      // The first exists, the second does not.
      await createList('mylist{t}', ['a', 'b', 'c', 'd', 'e']);
      await r('del', 'mylist2{t}');
      assertEqual('mylist{t} a', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 1));
      assertEqual(4, await r('llen', 'mylist{t}'));
      assertEqual('mylist{t} {e d c b}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 10));
      assertEqual('', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 1));

      // The first does not exist, the second does.
      await r('del', 'mylist{t}');
      await createList('mylist2{t}', ['1', '2', '3', '4', '5']);
      assertEqual('mylist2{t} 5', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 1));
      assertEqual(4, await r('llen', 'mylist2{t}'));
      assertEqual('mylist2{t} {1 2 3 4}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 10));

      assertEqual(0, await r('exists', 'mylist{t}', 'mylist2{t}'));
    });

    await test('LMPOP multiple existing lists', async () => {
      await createList('mylist{t}', ['a', 'b', 'c', 'd', 'e']);
      await createList('mylist2{t}', ['1', '2', '3', '4', '5']);

      // From the first key.
      assertEqual('mylist{t} {a b}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 2));
      assertEqual(3, await r('llen', 'mylist{t}'));
      assertEqual('mylist{t} {e d c}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 3));
      assertEqual(0, await r('exists', 'mylist{t}'));

      // From the second key.
      assertEqual('mylist2{t} {1 2 3}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 3));
      assertEqual(2, await r('llen', 'mylist2{t}'));
      assertEqual('mylist2{t} {5 4}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 2));
      assertEqual(0, await r('exists', 'mylist{t}'));

      // Everything.
      await createList('mylist{t}', ['a', 'b', 'c']);
      await createList('mylist2{t}', ['1', '2', '3']);
      assertEqual('mylist{t} {a b c}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 10));
      assertEqual(0, await r('llen', 'mylist{t}'));
      assertEqual('mylist2{t} {3 2 1}', await lmpop(2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 10));
      assertEqual(0, await r('llen', 'mylist2{t}'));
      assertEqual(0, await r('exists', 'mylist{t}', 'mylist2{t}'));
    });

    await test(
      'LMPOP propagate as pop with count command to replica',
      async () => {
        const repl = await ReplicationStream.attach(server);

        // left/right propagate as lpop/rpop with a count.
        await r('lpush', 'mylist{t}', 'a', 'b', 'c');

        // From one list.
        await r('lmpop', 1, 'mylist{t}', 'left', 'count', 1);
        await r('lmpop', 1, 'mylist{t}', 'right', 'count', 1);

        // Its last element.
        await r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 10);

        // Nothing left: nothing propagated.
        await r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 10);

        // From the second list.
        await r('rpush', 'mylist2{t}', 1, 2, 3);
        await r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 2);
        await r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 1);

        // Everything.
        await r('rpush', 'mylist{t}', 'a', 'b', 'c');
        await r('rpush', 'mylist2{t}', 1, 2, 3);
        await r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'left', 'count', 10);
        await r('lmpop', 2, 'mylist{t}', 'mylist2{t}', 'right', 'count', 10);

        await repl.assertStream([
          'select *',
          'lpush mylist{t} a b c',
          'lpop mylist{t} 1',
          'rpop mylist{t} 1',
          'lpop mylist{t} 1',
          'rpush mylist2{t} 1 2 3',
          'lpop mylist2{t} 2',
          'rpop mylist2{t} 1',
          'rpush mylist{t} a b c',
          'rpush mylist2{t} 1 2 3',
          'lpop mylist{t} 3',
          'rpop mylist2{t} 3',
        ]);
        await repl.close();
      },
      { okPattern: '', tags: ['needs:repl'] },
    );

    for (const [type, large] of largevalue) {
      await test(`LRANGE basics - ${type}`, async () => {
        await createList('mylist', [large, '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        assertEqual('1 2 3 4 5 6 7 8', await r('lrange', 'mylist', 1, -2));
        assertEqual('7 8 9', await r('lrange', 'mylist', -3, -1));
        assertEqual('4', await r('lrange', 'mylist', 4, 4));
      });

      await test(`LRANGE inverted indexes - ${type}`, async () => {
        await createList('mylist', [large, '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        assertEqual('', await r('lrange', 'mylist', 6, 2));
      });

      await test(`LRANGE out of range indexes including the full list - ${type}`, async () => {
        await createList('mylist', [large, '1', '2', '3']);
        assertEqual(`${large} 1 2 3`, await r('lrange', 'mylist', -1000, 1000));
      });

      await test(`LRANGE out of range negative end index - ${type}`, async () => {
        await createList('mylist', [large, '1', '2', '3']);
        assertEqual(large, await r('lrange', 'mylist', 0, -4));
        assertEqual('', await r('lrange', 'mylist', 0, -5));
      });
    }

    await test('LRANGE against non existing key', async () => {
      assertEqual('', await r('lrange', 'nosuchkey', 0, 1));
    });

    await test('LRANGE with start > end yields an empty array for backward compatibility', async () => {
      await createList('mylist', ['1', '2', '3']);
      assertEqual('', await r('lrange', 'mylist', 1, 0));
      assertEqual('', await r('lrange', 'mylist', -1, -2));
    });

    for (const [type, large] of largevalue) {
      const trimList = async (min: number, max: number) => {
        await r('del', 'mylist');
        await createList('mylist', ['1', '2', '3', '4', large]);
        await r('ltrim', 'mylist', min, max);
        return r('lrange', 'mylist', 0, -1);
      };

      await test(`LTRIM basics - ${type}`, async () => {
        assertEqual('1', await trimList(0, 0));
        assertEqual('1 2', await trimList(0, 1));
        assertEqual('1 2 3', await trimList(0, 2));
        assertEqual('2 3', await trimList(1, 2));
        assertEqual(`2 3 4 ${large}`, await trimList(1, -1));
        assertEqual('2 3 4', await trimList(1, -2));
        assertEqual(`4 ${large}`, await trimList(-2, -1));
        assertEqual(large, await trimList(-1, -1));
        assertEqual(`1 2 3 4 ${large}`, await trimList(-5, -1));
        assertEqual(`1 2 3 4 ${large}`, await trimList(-10, 10));
        assertEqual(`1 2 3 4 ${large}`, await trimList(0, 5));
        assertEqual(`1 2 3 4 ${large}`, await trimList(0, 10));
      });

      await test(`LTRIM out of range negative end index - ${type}`, async () => {
        assertEqual('1', await trimList(0, -5));
        assertEqual('', await trimList(0, -6));
      });
    }

    for (const [type, large] of largevalue) {
      await test(`LSET - ${type}`, async () => {
        await createList('mylist', ['99', '98', large, '96', '95']);
        await r('lset', 'mylist', 1, 'foo');
        await r('lset', 'mylist', -1, 'bar');
        assertEqual(`99 foo ${large} 96 bar`, await r('lrange', 'mylist', 0, -1));
      });

      await test(`LSET out of range index - ${type}`, async () => {
        await assertError('ERR*range*', () => r('lset', 'mylist', 10, 'foo'));
      });
    }

    await test('LSET against non existing key', async () => {
      await assertError('ERR*key*', () => r('lset', 'nosuchkey', 10, 'foo'));
    });

    await test('LSET against non list value', async () => {
      await r('set', 'nolist', 'foobar');
      await assertError('WRONGTYPE*', () => r('lset', 'nolist', 0, 'foo'));
    });

    for (const [type, e] of largevalue) {
      await test(`LREM remove all the occurrences - ${type}`, async () => {
        await createList('mylist', [e, 'foo', 'bar', 'foobar', 'foobared', 'zap', 'bar', 'test', 'foo']);
        assertEqual(2, await r('lrem', 'mylist', 0, 'bar'));
        assertEqual(`${e} foo foobar foobared zap test foo`, await r('lrange', 'mylist', 0, -1));
      });

      await test(`LREM remove the first occurrence - ${type}`, async () => {
        assertEqual(1, await r('lrem', 'mylist', 1, 'foo'));
        assertEqual(`${e} foobar foobared zap test foo`, await r('lrange', 'mylist', 0, -1));
      });

      await test(`LREM remove non existing element - ${type}`, async () => {
        assertEqual(0, await r('lrem', 'mylist', 1, 'nosuchelement'));
        assertEqual(`${e} foobar foobared zap test foo`, await r('lrange', 'mylist', 0, -1));
      });

      await test(`LREM starting from tail with negative count - ${type}`, async () => {
        await createList('mylist', [e, 'foo', 'bar', 'foobar', 'foobared', 'zap', 'bar', 'test', 'foo', 'foo']);
        assertEqual(1, await r('lrem', 'mylist', -1, 'bar'));
        assertEqual(`${e} foo bar foobar foobared zap test foo foo`, await r('lrange', 'mylist', 0, -1));
      });

      await test(`LREM starting from tail with negative count (2) - ${type}`, async () => {
        assertEqual(2, await r('lrem', 'mylist', -2, 'foo'));
        assertEqual(`${e} foo bar foobar foobared zap test`, await r('lrange', 'mylist', 0, -1));
      });

      await test(`LREM deleting objects that may be int encoded - ${type}`, async () => {
        await createList('myotherlist', [e, '1', '2', '3']);
        assertEqual(1, await r('lrem', 'myotherlist', 1, 2));
        assertEqual(3, await r('llen', 'myotherlist'));
      });
    }

    await test(
      'Regression for bug 593 - chaining BRPOPLPUSH with other blocking cmds',
      async () => {
        const rd1 = await newClient();
        const rd2 = await newClient();
        rd1.send('brpoplpush', 'a', 'b', 0);
        rd1.send('brpoplpush', 'a', 'b', 0);
        rd2.send('brpoplpush', 'b', 'c', 0);
        await sleep(1000);
        await r('lpush', 'a', 'data');
        await rd1.close();
        await rd2.close();
        return r('ping');
      },
      { okPattern: 'PONG' },
    );

    for (const pop of ['BLPOP', 'BLMPOP_RIGHT']) {
      await test('client unblock tests', async () => {
        await r('del', 'l');
        const rd = await newClient();
        rd.send('client', 'id');
        const id = (await rd.read()) as number;

        // Default arguments.
        rd.send(...bpopArgs(pop, 'l', 0));
        await waitForBlockedClient(server);
        await r('client', 'unblock', id);
        assertEqual('', await rd.read());

        // TIMEOUT.
        rd.send(...bpopArgs(pop, 'l', 0));
        await waitForBlockedClient(server);
        await r('client', 'unblock', id, 'TIMEOUT');
        assertEqual('', await rd.read());

        // ERROR.
        rd.send(...bpopArgs(pop, 'l', 0));
        await waitForBlockedClient(server);
        await r('client', 'unblock', id, 'ERROR');
        assertEqual(await catchBracketed(() => rd.read()), 'UNBLOCKED client unblocked via CLIENT UNBLOCK');

        // An id that is not a number.
        assertEqual(await catchBracketed(() => r('client', 'unblock', 'asd')), 'ERR value is not an integer or out of range');

        // A client that is not blocked.
        const myid = (await r('client', 'id')) as number;
        assertEqual(await catchBracketed(() => r('client', 'unblock', myid)), 'invalid command name "0"');

        // The client and the list still work.
        rd.send(...bpopArgs(pop, 'l', 0));
        await waitForBlockedClient(server);
        await r('lpush', 'l', 'foo');
        assertEqual('l foo', await rd.read());
        await rd.close();
      });
    }

    let dump: Buffer = Buffer.alloc(0);

    await test(
      'List ziplist of various encodings',
      async () => {
        await r('del', 'k');
        await r('lpush', 'k', 127); // ZIP_INT_8B
        await r('lpush', 'k', 32767); // ZIP_INT_16B
        await r('lpush', 'k', 2147483647); // ZIP_INT_32B
        await r('lpush', 'k', '9223372036854775808'); // ZIP_INT_64B
        await r('lpush', 'k', 0); // ZIP_INT_IMM_MIN
        await r('lpush', 'k', 12); // ZIP_INT_IMM_MAX
        await r('lpush', 'k', rep('x', 31)); // ZIP_STR_06B
        await r('lpush', 'k', rep('x', 8191)); // ZIP_STR_14B
        await r('lpush', 'k', rep('x', 65535)); // ZIP_STR_32B
        const k = (await r('lrange', 'k', 0, -1)) as string[];
        // The payload is binary: read it as bytes.
        const rb = await server.newClient({ buffers: true });
        dump = (await rb.call('dump', 'k')) as Buffer;
        await rb.close();

        await configSet('sanitize-dump-payload', 'no', ['mayfail'], server);
        await r('restore', 'kk', 0, dump);
        const kk = await r('lrange', 'kk', 0, -1);

        // Searches both ways must traverse every encoding.
        assertEqual(await r('lindex', 'kk', 5), '9223372036854775808');
        assertEqual(await r('lindex', 'kk', -5), '0');
        assertEqual(await r('lpos', 'kk', 'foo', 'rank', 1), '');
        assertEqual(await r('lpos', 'kk', 'foo', 'rank', -1), '');

        // And the values are right.
        assertEqual(k, kk);
        assertEqual(k.shift(), rep('x', 65535));
        assertEqual(k.shift(), rep('x', 8191));
        assertEqual(k.shift(), rep('x', 31));
        return k;
      },
      { okPattern: '12 0 9223372036854775808 2147483647 32767 127' },
    );

    await test(
      'List ziplist of various encodings - sanitize dump',
      async () => {
        await configSet('sanitize-dump-payload', 'yes', ['mayfail'], server);
        await r('restore', 'kk', 0, dump, 'replace');
        const k = (await r('lrange', 'k', 0, -1)) as string[];
        const kk = await r('lrange', 'kk', 0, -1);

        assertEqual(k, kk);
        assertEqual(k.shift(), rep('x', 65535));
        assertEqual(k.shift(), rep('x', 8191));
        assertEqual(k.shift(), rep('x', 31));
        return k;
      },
      { okPattern: '12 0 9223372036854775808 2147483647 32767 127' },
    );
  });
});
