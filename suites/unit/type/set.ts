import {
  suite,
  startServer,
  test,
  tags,
  settings,
  verbose,
  puts,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  assertLessThan,
  assertEncoding,
  tclCatch,
  tclString,
  tclBytes,
  configGet,
  configGetSet,
  chiSquareValue,
  writeBigBulk,
  readBigBulk,
  runSolo,
  childPid,
  waitForBgsave,
  randomInt,
  randomValue,
  randpath,
  type Arg,
  type Client,
  type Reply,
  lsort,
} from '../../../harness/index.ts';

// Differences from upstream:
// - Random set members go over the wire as Tcl sends them, one byte per character (latin1).
// - The 100000-member set of the long-chain test is filled with pipelined SADDs (same commands, same order).
// - That test finds the server's pid with INFO process_id when the harness did not start it
//   (external mode against a local server); upstream needs the pid of a server it started.

export default suite(async () => {
  await startServer({ tags: ['set'], overrides: { 'set-max-intset-entries': 512 } }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);
    const rb = await server.newClient({ buffers: true });
    const bin = (v: unknown) => tclBytes(String(v));
    const enc = (encoding: string, key: string) => assertEncoding(encoding, key, server, settings().ignoreEncoding);
    const members = async (key: string) => lsort((await r('smembers', key)) as Reply[]);

    const createSet = async (key: string, entries: readonly string[]) => {
      await r('del', key);
      for (let i = 0; i < entries.length; i += 1000) await Promise.all(entries.slice(i, i + 1000).map((e) => r('sadd', key, e)));
    };

    await test('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - regular set', async () => {
      await createSet('myset', ['foo']);
      await enc('hashtable', 'myset');
      assertEqual(1, await r('sadd', 'myset', 'bar'));
      assertEqual(0, await r('sadd', 'myset', 'bar'));
      assertEqual(2, await r('scard', 'myset'));
      assertEqual(1, await r('sismember', 'myset', 'foo'));
      assertEqual(1, await r('sismember', 'myset', 'bar'));
      assertEqual(0, await r('sismember', 'myset', 'bla'));
      assertEqual('1', await r('smismember', 'myset', 'foo'));
      assertEqual('1 1', await r('smismember', 'myset', 'foo', 'bar'));
      assertEqual('1 0', await r('smismember', 'myset', 'foo', 'bla'));
      assertEqual('0 1', await r('smismember', 'myset', 'bla', 'foo'));
      assertEqual('0', await r('smismember', 'myset', 'bla'));
      assertEqual('bar foo', await members('myset'));
    });

    await test('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - intset', async () => {
      await createSet('myset', ['17']);
      await enc('intset', 'myset');
      assertEqual(1, await r('sadd', 'myset', 16));
      assertEqual(0, await r('sadd', 'myset', 16));
      assertEqual(2, await r('scard', 'myset'));
      assertEqual(1, await r('sismember', 'myset', 16));
      assertEqual(1, await r('sismember', 'myset', 17));
      assertEqual(0, await r('sismember', 'myset', 18));
      assertEqual('1', await r('smismember', 'myset', 16));
      assertEqual('1 1', await r('smismember', 'myset', 16, 17));
      assertEqual('1 0', await r('smismember', 'myset', 16, 18));
      assertEqual('0 1', await r('smismember', 'myset', 18, 16));
      assertEqual('0', await r('smismember', 'myset', 18));
      assertEqual('16 17', await members('myset'));
    });

    await test('SMISMEMBER against non set', async () => {
      await r('lpush', 'mylist', 'foo');
      await assertError('WRONGTYPE*', () => r('smismember', 'mylist', 'bar'));
    });

    await test('SMISMEMBER non existing key', async () => {
      assertEqual('0', await r('smismember', 'myset1', 'foo'));
      assertEqual('0 0', await r('smismember', 'myset1', 'foo', 'bar'));
    });

    await test('SMISMEMBER requires one or more members', async () => {
      await r('del', 'zmscoretest');
      await r('zadd', 'zmscoretest', 10, 'x');
      await r('zadd', 'zmscoretest', 20, 'y');
      const e = (await tclCatch(() => r('smismember', 'zmscoretest'))).value;
      assertMatch('*ERR*wrong*number*arg*', e);
    });

    await test('SADD against non set', async () => {
      await r('lpush', 'mylist', 'foo');
      await assertError('WRONGTYPE*', () => r('sadd', 'mylist', 'bar'));
    });

    await test('SADD a non-integer against an intset', async () => {
      await createSet('myset', ['1', '2', '3']);
      await enc('intset', 'myset');
      assertEqual(1, await r('sadd', 'myset', 'a'));
      await enc('hashtable', 'myset');
    });

    await test('SADD an integer larger than 64 bits', async () => {
      await createSet('myset', ['213244124402402314402033402']);
      await enc('hashtable', 'myset');
      assertEqual(1, await r('sismember', 'myset', '213244124402402314402033402'));
      assertEqual('1', await r('smismember', 'myset', '213244124402402314402033402'));
    });

    await test('SADD overflows the maximum allowed integers in an intset', async () => {
      await r('del', 'myset');
      for (let i = 0; i < 512; i++) await r('sadd', 'myset', i);
      await enc('intset', 'myset');
      assertEqual(1, await r('sadd', 'myset', 512));
      await enc('hashtable', 'myset');
    });

    await test('Variadic SADD', async () => {
      await r('del', 'myset');
      assertEqual(3, await r('sadd', 'myset', 'a', 'b', 'c'));
      assertEqual(2, await r('sadd', 'myset', 'A', 'a', 'b', 'c', 'B'));
      assertEqual(lsort(['A', 'a', 'b', 'c', 'B']), await members('myset'));
    });

    await test('Set encoding after DEBUG RELOAD', async () => {
      await r('del', 'myintset');
      await r('del', 'myhashset');
      await r('del', 'mylargeintset');
      for (let i = 0; i < 100; i++) await r('sadd', 'myintset', i);
      for (let i = 0; i < 1280; i++) await r('sadd', 'mylargeintset', i);
      for (let i = 0; i < 256; i++) await r('sadd', 'myhashset', `i${String(i).padStart(3, '0')}`);
      await enc('intset', 'myintset');
      await enc('hashtable', 'mylargeintset');
      await enc('hashtable', 'myhashset');

      await r('debug', 'reload');
      await enc('intset', 'myintset');
      await enc('hashtable', 'mylargeintset');
      await enc('hashtable', 'myhashset');
    }, { okPattern: '', tags: ['needs:debug'] });

    await test('SREM basics - regular set', async () => {
      await createSet('myset', ['foo', 'bar', 'ciao']);
      await enc('hashtable', 'myset');
      assertEqual(0, await r('srem', 'myset', 'qux'));
      assertEqual(1, await r('srem', 'myset', 'foo'));
      assertEqual('bar ciao', await members('myset'));
    });

    await test('SREM basics - intset', async () => {
      await createSet('myset', ['3', '4', '5']);
      await enc('intset', 'myset');
      assertEqual(0, await r('srem', 'myset', 6));
      assertEqual(1, await r('srem', 'myset', 4));
      assertEqual('3 5', await members('myset'));
    });

    await test('SREM with multiple arguments', async () => {
      await r('del', 'myset');
      await r('sadd', 'myset', 'a', 'b', 'c', 'd');
      assertEqual(0, await r('srem', 'myset', 'k', 'k', 'k'));
      assertEqual(2, await r('srem', 'myset', 'b', 'd', 'x', 'y'));
      return members('myset');
    }, { okPattern: 'a c' });

    await test('SREM variadic version with more args needed to destroy the key', async () => {
      await r('del', 'myset');
      await r('sadd', 'myset', 1, 2, 3);
      return r('srem', 'myset', 1, 2, 3, 4, 5, 6, 7, 8);
    }, { okPattern: '3' });

    await test('SINTERCARD with illegal arguments', async () => {
      await assertError("ERR wrong number of arguments for 'sintercard' command", () => r('sintercard'));
      await assertError("ERR wrong number of arguments for 'sintercard' command", () => r('sintercard', 1));

      await assertError('ERR numkeys*', () => r('sintercard', 0, 'myset{t}'));
      await assertError('ERR numkeys*', () => r('sintercard', 'a', 'myset{t}'));

      await assertError('ERR Number of keys*', () => r('sintercard', 2, 'myset{t}'));
      await assertError('ERR Number of keys*', () => r('sintercard', 3, 'myset{t}', 'myset2{t}'));

      await assertError('ERR syntax error*', () => r('sintercard', 1, 'myset{t}', 'myset2{t}'));
      await assertError('ERR syntax error*', () => r('sintercard', 1, 'myset{t}', 'bar_arg'));
      await assertError('ERR syntax error*', () => r('sintercard', 1, 'myset{t}', 'LIMIT'));

      await assertError('ERR LIMIT*', () => r('sintercard', 1, 'myset{t}', 'LIMIT', -1));
      await assertError('ERR LIMIT*', () => r('sintercard', 1, 'myset{t}', 'LIMIT', 'a'));
    });

    await test('SINTERCARD against non-set should throw error', async () => {
      await r('del', 'set{t}');
      await r('sadd', 'set{t}', 'a', 'b', 'c');
      await r('set', 'key1{t}', 'x');

      await assertError('WRONGTYPE*', () => r('sintercard', 1, 'key1{t}'));
      await assertError('WRONGTYPE*', () => r('sintercard', 2, 'set{t}', 'key1{t}'));
      await assertError('WRONGTYPE*', () => r('sintercard', 2, 'key1{t}', 'noset{t}'));
    });

    await test('SINTERCARD against non-existing key', async () => {
      assertEqual(0, await r('sintercard', 1, 'non-existing-key'));
      assertEqual(0, await r('sintercard', 1, 'non-existing-key', 'limit', 0));
      assertEqual(0, await r('sintercard', 1, 'non-existing-key', 'limit', 10));
    });

    for (const type of ['hashtable', 'intset']) {
      for (let i = 1; i <= 5; i++) await r('del', `set${i}{t}`);
      for (let i = 0; i < 200; i++) {
        await r('sadd', 'set1{t}', i);
        await r('sadd', 'set2{t}', i + 195);
      }
      for (const i of [199, 195, 1000, 2000]) await r('sadd', 'set3{t}', i);
      for (let i = 5; i < 200; i++) await r('sadd', 'set4{t}', i);
      await r('sadd', 'set5{t}', 0);

      // One extra member decides each set's encoding for the tests below.
      const large = type === 'hashtable' ? 'foo' : '200';
      for (let i = 1; i <= 5; i++) await r('sadd', `set${i}{t}`, large);

      const union12 = async () =>
        lsort([...new Set([...((await r('smembers', 'set1{t}')) as Reply[]), ...((await r('smembers', 'set2{t}')) as Reply[])].map(String))]);

      await test(`Generated sets must be encoded as ${type}`, async () => {
        for (let i = 1; i <= 5; i++) await enc(type, `set${i}{t}`);
      });

      await test(`SINTER with two sets - ${type}`, async () => {
        assertEqual(['195', '196', '197', '198', '199', large], lsort((await r('sinter', 'set1{t}', 'set2{t}')) as Reply[]));
      });

      await test(`SINTERCARD with two sets - ${type}`, async () => {
        assertEqual(6, await r('sintercard', 2, 'set1{t}', 'set2{t}'));
        assertEqual(6, await r('sintercard', 2, 'set1{t}', 'set2{t}', 'limit', 0));
        assertEqual(3, await r('sintercard', 2, 'set1{t}', 'set2{t}', 'limit', 3));
        assertEqual(6, await r('sintercard', 2, 'set1{t}', 'set2{t}', 'limit', 10));
      });

      await test(`SINTERSTORE with two sets - ${type}`, async () => {
        await r('sinterstore', 'setres{t}', 'set1{t}', 'set2{t}');
        await enc(type, 'setres{t}');
        assertEqual(['195', '196', '197', '198', '199', large], await members('setres{t}'));
      });

      await test(`SINTERSTORE with two sets, after a DEBUG RELOAD - ${type}`, async () => {
        await r('debug', 'reload');
        await r('sinterstore', 'setres{t}', 'set1{t}', 'set2{t}');
        await enc(type, 'setres{t}');
        assertEqual(['195', '196', '197', '198', '199', large], await members('setres{t}'));
      }, { okPattern: '', tags: ['needs:debug'] });

      await test(`SUNION with two sets - ${type}`, async () => {
        const expected = await union12();
        assertEqual(expected, lsort((await r('sunion', 'set1{t}', 'set2{t}')) as Reply[]));
      });

      await test(`SUNIONSTORE with two sets - ${type}`, async () => {
        await r('sunionstore', 'setres{t}', 'set1{t}', 'set2{t}');
        await enc(type, 'setres{t}');
        const expected = await union12();
        assertEqual(expected, await members('setres{t}'));
      });

      await test(`SINTER against three sets - ${type}`, async () => {
        assertEqual(['195', '199', large], lsort((await r('sinter', 'set1{t}', 'set2{t}', 'set3{t}')) as Reply[]));
      });

      await test(`SINTERCARD against three sets - ${type}`, async () => {
        assertEqual(3, await r('sintercard', 3, 'set1{t}', 'set2{t}', 'set3{t}'));
        assertEqual(3, await r('sintercard', 3, 'set1{t}', 'set2{t}', 'set3{t}', 'limit', 0));
        assertEqual(2, await r('sintercard', 3, 'set1{t}', 'set2{t}', 'set3{t}', 'limit', 2));
        assertEqual(3, await r('sintercard', 3, 'set1{t}', 'set2{t}', 'set3{t}', 'limit', 10));
      });

      await test(`SINTERSTORE with three sets - ${type}`, async () => {
        await r('sinterstore', 'setres{t}', 'set1{t}', 'set2{t}', 'set3{t}');
        assertEqual(['195', '199', large], await members('setres{t}'));
      });

      await test(`SUNION with non existing keys - ${type}`, async () => {
        const expected = await union12();
        assertEqual(expected, lsort((await r('sunion', 'nokey1{t}', 'set1{t}', 'set2{t}', 'nokey2{t}')) as Reply[]));
      });

      await test(`SDIFF with two sets - ${type}`, async () => {
        assertEqual('0 1 2 3 4', lsort((await r('sdiff', 'set1{t}', 'set4{t}')) as Reply[]));
      });

      await test(`SDIFF with three sets - ${type}`, async () => {
        assertEqual('1 2 3 4', lsort((await r('sdiff', 'set1{t}', 'set4{t}', 'set5{t}')) as Reply[]));
      });

      await test(`SDIFFSTORE with three sets - ${type}`, async () => {
        await r('sdiffstore', 'setres{t}', 'set1{t}', 'set4{t}', 'set5{t}');
        // Intsets in, intset out.
        if (type === 'intset') await enc('intset', 'setres{t}');
        assertEqual('1 2 3 4', await members('setres{t}'));
      });

      await test(`SINTER/SUNION/SDIFF with three same sets - ${type}`, async () => {
        const expected = await members('set1{t}');
        assertEqual(expected, lsort((await r('sinter', 'set1{t}', 'set1{t}', 'set1{t}')) as Reply[]));
        assertEqual(expected, lsort((await r('sunion', 'set1{t}', 'set1{t}', 'set1{t}')) as Reply[]));
        assertEqual('', lsort((await r('sdiff', 'set1{t}', 'set1{t}', 'set1{t}')) as Reply[]));
      });
    }

    await test('SDIFF with first set empty', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');
      await r('sadd', 'set2{t}', 1, 2, 3, 4);
      await r('sadd', 'set3{t}', 'a', 'b', 'c', 'd');
      return r('sdiff', 'set1{t}', 'set2{t}', 'set3{t}');
    }, { okPattern: '' });

    await test('SDIFF with same set two times', async () => {
      await r('del', 'set1');
      await r('sadd', 'set1', 'a', 'b', 'c', 1, 2, 3, 4, 5, 6);
      return r('sdiff', 'set1', 'set1');
    }, { okPattern: '' });

    await test('SDIFF fuzzing', async () => {
      for (let j = 0; j < 100; j++) {
        const s = new Set<string>();
        const args: string[] = [];
        const numSets = randomInt(10) + 1;
        for (let i = 0; i < numSets; i++) {
          let numElements = randomInt(100);
          await r('del', `set_${i}{t}`);
          args.push(`set_${i}{t}`);
          while (numElements) {
            const ele = String(randomValue());
            await rb.call('sadd', `set_${i}{t}`, bin(ele));
            if (i === 0) s.add(ele);
            else s.delete(ele);
            numElements--;
          }
        }
        const result = lsort(((await rb.call('sdiff', ...args)) as Buffer[]).map((b) => b.toString('latin1')));
        assertEqual(result, lsort([...s]));
      }
    });

    await test('SDIFF against non-set should throw error', async () => {
      // With an empty set, both orders.
      await r('set', 'key1{t}', 'x');
      await assertError('WRONGTYPE*', () => r('sdiff', 'key1{t}', 'noset{t}'));
      await assertError('WRONGTYPE*', () => r('sdiff', 'noset{t}', 'key1{t}'));

      // With a real set, both orders.
      await r('del', 'set1{t}');
      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await assertError('WRONGTYPE*', () => r('sdiff', 'key1{t}', 'set1{t}'));
      await assertError('WRONGTYPE*', () => r('sdiff', 'set1{t}', 'key1{t}'));
    });

    await test('SDIFF should handle non existing key as empty', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');

      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await r('sadd', 'set2{t}', 'b', 'c', 'd');
      assertEqual('a', lsort((await r('sdiff', 'set1{t}', 'set2{t}', 'set3{t}')) as Reply[]));
      assertEqual('', lsort((await r('sdiff', 'set3{t}', 'set2{t}', 'set1{t}')) as Reply[]));
    });

    await test('SDIFFSTORE against non-set should throw error', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}', 'key1{t}');
      await r('set', 'key1{t}', 'x');

      // Destination missing.
      await assertError('WRONGTYPE*', () => r('SDIFFSTORE', 'set3{t}', 'key1{t}', 'noset{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));
      await assertError('WRONGTYPE*', () => r('SDIFFSTORE', 'set3{t}', 'noset{t}', 'key1{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));

      // Destination present: left alone.
      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await r('sadd', 'set2{t}', 'b', 'c', 'd');
      await r('sadd', 'set3{t}', 'e');
      await assertError('WRONGTYPE*', () => r('SDIFFSTORE', 'set3{t}', 'key1{t}', 'set1{t}', 'noset{t}'));
      assertEqual(1, await r('exists', 'set3{t}'));
      assertEqual('e', await members('set3{t}'));

      await assertError('WRONGTYPE*', () => r('SDIFFSTORE', 'set3{t}', 'set1{t}', 'key1{t}', 'set2{t}'));
      assertEqual(1, await r('exists', 'set3{t}'));
      assertEqual('e', await members('set3{t}'));
    });

    await test('SDIFFSTORE should handle non existing key as empty', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');

      await r('set', 'setres{t}', 'xxx');
      assertEqual(0, await r('sdiffstore', 'setres{t}', 'foo111{t}', 'bar222{t}'));
      assertEqual(0, await r('exists', 'setres{t}'));

      // An empty result deletes the destination.
      await r('sadd', 'set3{t}', 'a', 'b', 'c');
      assertEqual(0, await r('sdiffstore', 'set3{t}', 'set1{t}', 'set2{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));

      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      assertEqual(3, await r('sdiffstore', 'set3{t}', 'set1{t}', 'set2{t}'));
      assertEqual(1, await r('exists', 'set3{t}'));
      assertEqual('a b c', await members('set3{t}'));

      // The first set empty: the destination goes.
      await r('sadd', 'set3{t}', 'a', 'b', 'c');
      assertEqual(0, await r('sdiffstore', 'set3{t}', 'set2{t}', 'set1{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));
    });

    await test('SINTER against non-set should throw error', async () => {
      await r('set', 'key1{t}', 'x');
      await assertError('WRONGTYPE*', () => r('sinter', 'key1{t}', 'noset{t}'));
      await assertError('WRONGTYPE*', () => r('sinter', 'noset{t}', 'key1{t}'));

      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await assertError('WRONGTYPE*', () => r('sinter', 'key1{t}', 'set1{t}'));
      await assertError('WRONGTYPE*', () => r('sinter', 'set1{t}', 'key1{t}'));
    });

    await test('SINTER should handle non existing key as empty', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');
      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await r('sadd', 'set2{t}', 'b', 'c', 'd');
      return r('sinter', 'set1{t}', 'set2{t}', 'set3{t}');
    }, { okPattern: '' });

    await test('SINTER with same integer elements but different encoding', async () => {
      await r('del', 'set1{t}', 'set2{t}');
      await r('sadd', 'set1{t}', 1, 2, 3);
      await r('sadd', 'set2{t}', 1, 2, 3, 'a');
      await r('srem', 'set2{t}', 'a');
      await enc('intset', 'set1{t}');
      await enc('hashtable', 'set2{t}');
      return lsort((await r('sinter', 'set1{t}', 'set2{t}')) as Reply[]);
    }, { okPattern: '1 2 3' });

    // A STORE command against a string key fails and leaves the destination as it was.
    const storeAgainstNonSet = (cmd: string, withDst: [string[], string[]]) =>
      test(`${cmd.toUpperCase()} against non-set should throw error`, async () => {
        await r('del', 'set1{t}', 'set2{t}', 'set3{t}', 'key1{t}');
        await r('set', 'key1{t}', 'x');

        // Destination missing.
        await assertError('WRONGTYPE*', () => r(cmd, 'set3{t}', 'key1{t}', 'noset{t}'));
        assertEqual(0, await r('exists', 'set3{t}'));
        await assertError('WRONGTYPE*', () => r(cmd, 'set3{t}', 'noset{t}', 'key1{t}'));
        assertEqual(0, await r('exists', 'set3{t}'));

        // Destination present.
        await r('sadd', 'set1{t}', 'a', 'b', 'c');
        await r('sadd', 'set2{t}', 'b', 'c', 'd');
        await r('sadd', 'set3{t}', 'e');
        await assertError('WRONGTYPE*', () => r(cmd, 'set3{t}', ...withDst[0]));
        assertEqual(1, await r('exists', 'set3{t}'));
        assertEqual('e', await members('set3{t}'));

        await assertError('WRONGTYPE*', () => r(cmd, 'set3{t}', ...withDst[1]));
        assertEqual(1, await r('exists', 'set3{t}'));
        assertEqual('e', await members('set3{t}'));
      });

    await storeAgainstNonSet('sinterstore', [['key1{t}', 'set2{t}', 'noset{t}'], ['noset{t}', 'key1{t}', 'set2{t}']]);

    await test('SINTERSTORE against non existing keys should delete dstkey', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');

      await r('set', 'setres{t}', 'xxx');
      assertEqual(0, await r('sinterstore', 'setres{t}', 'foo111{t}', 'bar222{t}'));
      assertEqual(0, await r('exists', 'setres{t}'));

      // An existing destination goes too.
      await r('sadd', 'set3{t}', 'a', 'b', 'c');
      assertEqual(0, await r('sinterstore', 'set3{t}', 'set1{t}', 'set2{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));

      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      assertEqual(0, await r('sinterstore', 'set3{t}', 'set1{t}', 'set2{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));

      assertEqual(0, await r('sinterstore', 'set3{t}', 'set2{t}', 'set1{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));
    });

    await test('SUNION against non-set should throw error', async () => {
      await r('set', 'key1{t}', 'x');
      await assertError('WRONGTYPE*', () => r('sunion', 'key1{t}', 'noset{t}'));
      await assertError('WRONGTYPE*', () => r('sunion', 'noset{t}', 'key1{t}'));

      await r('del', 'set1{t}');
      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await assertError('WRONGTYPE*', () => r('sunion', 'key1{t}', 'set1{t}'));
      await assertError('WRONGTYPE*', () => r('sunion', 'set1{t}', 'key1{t}'));
    });

    await test('SUNION should handle non existing key as empty', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');

      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await r('sadd', 'set2{t}', 'b', 'c', 'd');
      assertEqual('a b c d', lsort((await r('sunion', 'set1{t}', 'set2{t}', 'set3{t}')) as Reply[]));
    });

    await storeAgainstNonSet('sunionstore', [['key1{t}', 'key2{t}', 'noset{t}'], ['noset{t}', 'key1{t}', 'key2{t}']]);

    await test('SUNIONSTORE should handle non existing key as empty', async () => {
      await r('del', 'set1{t}', 'set2{t}', 'set3{t}');

      await r('set', 'setres{t}', 'xxx');
      assertEqual(0, await r('sunionstore', 'setres{t}', 'foo111{t}', 'bar222{t}'));
      assertEqual(0, await r('exists', 'setres{t}'));

      // Both sources empty: the destination goes.
      await r('sadd', 'set3{t}', 'a', 'b', 'c');
      assertEqual(0, await r('sunionstore', 'set3{t}', 'set1{t}', 'set2{t}'));
      assertEqual(0, await r('exists', 'set3{t}'));

      await r('sadd', 'set1{t}', 'a', 'b', 'c');
      await r('sadd', 'set3{t}', 'e', 'f');
      assertEqual(3, await r('sunionstore', 'set3{t}', 'set1{t}', 'set2{t}'));
      assertEqual(1, await r('exists', 'set3{t}'));
      assertEqual('a b c', await members('set3{t}'));

      await r('sadd', 'set3{t}', 'd');
      assertEqual(3, await r('sunionstore', 'set3{t}', 'set2{t}', 'set1{t}'));
      assertEqual(1, await r('exists', 'set3{t}'));
      assertEqual('a b c', await members('set3{t}'));
    });

    await test('SUNIONSTORE against non existing keys should delete dstkey', async () => {
      await r('set', 'setres{t}', 'xxx');
      assertEqual(0, await r('sunionstore', 'setres{t}', 'foo111{t}', 'bar222{t}'));
      assertEqual(0, await r('exists', 'setres{t}'));
    });

    for (const [type, contents] of [['hashtable', ['a', 'b', 'c']], ['intset', ['1', '2', '3']]] as const) {
      await test(`SPOP basics - ${type}`, async () => {
        await createSet('myset', contents);
        await enc(type, 'myset');
        assertEqual(contents, lsort([await r('spop', 'myset'), await r('spop', 'myset'), await r('spop', 'myset')]));
        assertEqual(0, await r('scard', 'myset'));
      });

      await test(`SPOP with <count>=1 - ${type}`, async () => {
        await createSet('myset', contents);
        await enc(type, 'myset');
        assertEqual(contents, lsort([await r('spop', 'myset', 1), await r('spop', 'myset', 1), await r('spop', 'myset', 1)]));
        assertEqual(0, await r('scard', 'myset'));
      });

      await test(`SRANDMEMBER - ${type}`, async () => {
        await createSet('myset', contents);
        const seen = new Set<string>();
        for (let i = 0; i < 100; i++) seen.add(tclString(await r('srandmember', 'myset')));
        assertEqual(contents, lsort([...seen]));
      });
    }

    for (const [type, contents] of [
      ['hashtable', 'a b c d e f g h i j k l m n o p q r s t u v w x y z'.split(' ')],
      ['intset', '1 10 11 12 13 14 15 16 17 18 19 2 20 21 22 23 24 25 26 3 4 5 6 7 8 9'.split(' ')],
    ] as const) {
      await test('SPOP with <count>', async () => {
        await createSet('myset', contents);
        await enc(type, 'myset');
        const popped: Reply[] = [];
        for (const count of [11, 9, 0, 4, 1, 0, 1, 0]) popped.push(...((await r('spop', 'myset', count)) as Reply[]));
        assertEqual(contents, lsort(popped));
        assertEqual(0, await r('scard', 'myset'));
      });
    }

    // The intset paths of random members.
    await test("SPOP using integers, testing Knuth's and Floyd's algorithm", async () => {
      await createSet('myset', range(1, 20));
      await enc('intset', 'myset');
      assertEqual(20, await r('scard', 'myset'));
      for (const [count, left] of [[1, 19], [2, 17], [3, 14], [10, 4], [10, 0], [1, 0]]) {
        await r('spop', 'myset', count!);
        assertEqual(left, await r('scard', 'myset'));
      }
    }, { okPattern: '' });

    await test("SPOP using integers with Knuth's algorithm", () => r('spop', 'nonexisting_key', 100), { okPattern: '' });

    await test('SPOP new implementation: code path #1', async () => {
      const content = range(1, 20);
      await createSet('myset', content);
      const res = (await r('spop', 'myset', 30)) as Reply[];
      assert(tclString(lsort(content)) === tclString(lsort(res)), '[lsort $content] eq [lsort $res]');
    });

    for (const [path, count] of [[2, 2], [3, 18]]) {
      await test(`SPOP new implementation: code path #${path}`, async () => {
        const content = range(1, 20);
        await createSet('myset', content);
        const res = (await r('spop', 'myset', count!)) as Reply[];
        assert(res.length === count, `[llength $res] == ${count}`);
        assert(Number(await r('scard', 'myset')) === 20 - count!, `[r scard myset] == ${20 - count!}`);
        const union = [...((await r('smembers', 'myset')) as Reply[]), ...res];
        assert(tclString(lsort(union)) === tclString(lsort(content)), '[lsort $union] eq [lsort $content]');
      });
    }

    await test('SRANDMEMBER count of 0 is handled correctly', () => r('srandmember', 'myset', 0), { okPattern: '' });

    await test('SRANDMEMBER with <count> against non existing key', () => r('srandmember', 'nonexisting_key', 100), { okPattern: '' });

    await test('SRANDMEMBER count overflow', async () => {
      await r('sadd', 'myset', 'a');
      await assertError('*value is out of range*', () => r('srandmember', 'myset', '-9223372036854775808'));
    }, { okPattern: '' });

    // Raw replies tell an empty array from a null one.
    server.client.readRaw(true);

    await test('SRANDMEMBER count of 0 is handled correctly - emptyarray', () => r('srandmember', 'myset', 0), { okPattern: '*0' });

    await test('SRANDMEMBER with <count> against non existing key - emptyarray', () => r('srandmember', 'nonexisting_key', 100), { okPattern: '*0' });

    server.client.readRaw(false);

    const allEle = (myset: Set<string>, auxset: Set<string>) => tclString(lsort([...myset])) === tclString(lsort([...auxset]));

    for (const [type, contents] of [
      [
        'hashtable',
        [
          ...'1 5 10 50 125 50000 33959417 4775547 65434162 12098459 427716 483706 2726473884 72615637475'.split(' '),
          ...'MARY PATRICIA LINDA BARBARA ELIZABETH JENNIFER MARIA SUSAN MARGARET DOROTHY LISA NANCY KAREN BETTY HELEN'.split(' '),
          ...'SANDRA DONNA CAROL RUTH SHARON MICHELLE LAURA SARAH KIMBERLY DEBORAH JESSICA SHIRLEY CYNTHIA ANGELA MELISSA'.split(' '),
          ...'BRENDA AMY ANNA REBECCA VIRGINIA KATHLEEN'.split(' '),
        ],
      ],
      ['intset', range(0, 49)],
    ] as Array<[string, string[]]>) {
      await test(`SRANDMEMBER with <count> - ${type}`, async () => {
        await createSet('myset', contents);
        const myset = new Set(((await r('smembers', 'myset')) as Reply[]).map(String));
        assertEqual(lsort(contents), lsort([...myset]));

        // A count of 0.
        assertEqual(await r('srandmember', 'myset', 0), '');

        // Path 1: negative count, repeated elements, all from the set.
        let res = (await r('srandmember', 'myset', -100)) as Reply[];
        assertEqual(res.length, 100);
        for (const ele of res) assert(myset.has(String(ele)), `[info exists myset(${tclString(ele)})]`);

        // Eventually every member comes back.
        let auxset = new Set<string>();
        let iterations = 1000;
        while (iterations !== 0) {
          iterations--;
          res = (await r('srandmember', 'myset', -10)) as Reply[];
          for (const ele of res) auxset.add(String(ele));
          if (allEle(myset, auxset)) break;
        }
        assert(iterations !== 0, '$iterations != 0');

        // Path 2: positive count at least the set size.
        for (const size of [50, 100]) {
          res = (await r('srandmember', 'myset', size)) as Reply[];
          assertEqual(res.length, 50);
          assertEqual(lsort(res), lsort([...myset]));
        }

        // Paths 3 and 4: almost the set size (copy, then remove), and well below it.
        for (const size of [45, 5]) {
          res = (await r('srandmember', 'myset', size)) as Reply[];
          assertEqual(res.length, size);
          for (const ele of res) assert(myset.has(String(ele)), `[info exists myset(${tclString(ele)})]`);

          auxset = new Set<string>();
          iterations = 1000;
          while (iterations !== 0) {
            iterations--;
            res = (await r('srandmember', 'myset', size)) as Reply[];
            for (const ele of res) auxset.add(String(ele));
            if (allEle(myset, auxset)) break;
          }
          assert(iterations !== 0, '$iterations != 0');
        }
      });
    }

    for (const [type, contents] of [
      ['hashtable', '1 5 10 50 125 MARY PATRICIA LINDA BARBARA ELIZABETH'.split(' ')],
      ['intset', range(0, 9)],
    ] as Array<[string, string[]]>) {
      await test(`SRANDMEMBER histogram distribution - ${type}`, async () => {
        await createSet('myset', contents);

        // Path 1 (negative count). df = 9, 40 means a 0.00001 probability.
        const res = (await r('srandmember', 'myset', -1000)) as Reply[];
        assertLessThan(chiSquareValue(res), 40);

        // Paths 3 and 4 (positive counts).
        for (const size of [8, 2]) {
          const allkey: Reply[] = [];
          let iterations = Math.floor(1000 / size);
          while (iterations !== 0) {
            iterations--;
            allkey.push(...((await r('srandmember', 'myset', size)) as Reply[]));
          }
          assertLessThan(chiSquareValue(allkey), 40);
        }
      });
    }

    const isRehashing = async (key: string) => String(await r('debug', 'HTSTATS-KEY', key)).includes('rehashing target');

    // Removes the first n members SSCAN returns.
    const remHashSetTopN = async (key: string, n: number) => {
      let cursor = '0';
      const found: string[] = [];
      for (;;) {
        const [next, batch] = (await r('sscan', key, cursor)) as [string, string[]];
        cursor = String(next);
        let enough = false;
        for (const m of batch) {
          found.push(m);
          if (found.length >= n) {
            enough = true;
            break;
          }
        }
        if (enough || cursor === '0') break;
      }
      await callMany(server.client, ['srem', key], found);
    };

    const killForkChild = async () => {
      const serverPid = server.server ? server.pid : await server.statusNumber('process_id');
      const pid1 = childPid(serverPid);
      try {
        if (pid1 !== null) process.kill(pid1, 'SIGKILL');
      } catch {
        // Gone already, as upstream's `catch {exec kill -9}` allows.
      }
      await waitForBgsave(server);
    };

    await test('SRANDMEMBER with a dict containing long chain', async () => {
      const originSave = await configGetSet('save', '');
      const originMaxIs = await configGetSet('set-max-intset-entries', 0);
      const originSaveDelay = await configGetSet('rdb-key-save-delay', 2147483647);

      // 1) A hash set of 100000 members.
      const all: string[] = [];
      for (let i = 0; i < 100000; i++) all.push(`m:${i}`);
      await createSet('myset', all);

      // 2) Its rehashing finishes.
      while (await isRehashing('myset')) await r('srandmember', 'myset', 100);

      // 3) A fork stops rehashing while the set shrinks to 500 members.
      await r('bgsave');
      await remHashSetTopN('myset', Number(await r('scard', 'myset')) - 500);
      assertEqual(await r('scard', 'myset'), 500);

      // 4) Killing the child lets rehashing restart.
      await killForkChild();

      // 5) The set starts rehashing.
      await r('spop', 'myset', 1);
      assert(await isRehashing('myset'), '[is_rehashing myset]');

      // 6) The ratio is extreme, so rehashing goes on during a bgsave: wait for it to end then.
      await r('bgsave');
      while (await isRehashing('myset')) await r('srandmember', 'myset', 1);
      verbose(String(await r('debug', 'HTSTATS-KEY', 'myset')));
      await killForkChild();

      // 7) SRANDMEMBER eventually returns every member.
      const allmyset = new Set(((await r('smembers', 'myset')) as Reply[]).map(String));
      const auxset = new Set<string>();
      let iterations = 1000;
      while (iterations !== 0) {
        iterations--;
        for (const ele of (await r('srandmember', 'myset', -10)) as Reply[]) auxset.add(String(ele));
        if (allEle(allmyset, auxset)) break;
      }
      assert(iterations !== 0, '$iterations != 0');

      // 8) Down to 30 members (a chi-square over more would need more iterations).
      await remHashSetTopN('myset', Number(await r('scard', 'myset')) - 30);
      assertEqual(await r('scard', 'myset'), 30);
      assert(await isRehashing('myset'), '[is_rehashing myset]');

      // The set is now one bucket with one long chain.
      const htstats = String(await r('debug', 'HTSTATS-KEY', 'myset'));
      const slots = /different slots: ([0-9]+)/.exec(htstats);
      const chain = /max chain length: ([0-9]+)/.exec(htstats);
      assert(slots, '[regexp {different slots: ([0-9]+)} $htstats - different_slots]');
      assert(chain, '[regexp {max chain length: ([0-9]+)} $htstats - max_chain_length]');
      assert(Number(slots[1]) === 1 && Number(chain[1]) === 30, '$different_slots == 1 && $max_chain_length == 30');

      // 9) Positive count (path 4): 10 of the 30 each time.
      const allkey: Reply[] = [];
      iterations = 1000;
      while (iterations !== 0) {
        iterations--;
        allkey.push(...((await r('srandmember', 'myset', 10)) as Reply[]));
      }
      // Even sampling: df = 29, 73 means a 0.00001 probability.
      assertLessThan(chiSquareValue(allkey), 73);

      await r('config', 'set', 'save', originSave);
      await r('config', 'set', 'set-max-intset-entries', originMaxIs);
      await r('config', 'set', 'rdb-key-save-delay', originSaveDelay);
      return r('save');
    }, { okPattern: 'OK', tags: ['needs:debug', 'slow'] });

    const setupMove = async () => {
      await r('del', 'myset3{t}', 'myset4{t}');
      await createSet('myset1{t}', ['1', 'a', 'b']);
      await createSet('myset2{t}', ['2', '3', '4']);
      await enc('hashtable', 'myset1{t}');
      await enc('intset', 'myset2{t}');
    };

    await test('SMOVE basics - from regular set to intset', async () => {
      // A non-integer moved into an intset converts it.
      await setupMove();
      assertEqual(1, await r('smove', 'myset1{t}', 'myset2{t}', 'a'));
      assertEqual('1 b', await members('myset1{t}'));
      assertEqual('2 3 4 a', await members('myset2{t}'));
      await enc('hashtable', 'myset2{t}');

      // An integer does not.
      await setupMove();
      assertEqual(1, await r('smove', 'myset1{t}', 'myset2{t}', 1));
      assertEqual('a b', await members('myset1{t}'));
      assertEqual('1 2 3 4', await members('myset2{t}'));
      await enc('intset', 'myset2{t}');
    });

    await test('SMOVE basics - from intset to regular set', async () => {
      await setupMove();
      assertEqual(1, await r('smove', 'myset2{t}', 'myset1{t}', 2));
      assertEqual('1 2 a b', await members('myset1{t}'));
      assertEqual('3 4', await members('myset2{t}'));
    });

    await test('SMOVE non existing key', async () => {
      await setupMove();
      assertEqual(0, await r('smove', 'myset1{t}', 'myset2{t}', 'foo'));
      assertEqual(0, await r('smove', 'myset1{t}', 'myset1{t}', 'foo'));
      assertEqual('1 a b', await members('myset1{t}'));
      assertEqual('2 3 4', await members('myset2{t}'));
    });

    await test('SMOVE non existing src set', async () => {
      await setupMove();
      assertEqual(0, await r('smove', 'noset{t}', 'myset2{t}', 'foo'));
      assertEqual('2 3 4', await members('myset2{t}'));
    });

    await test('SMOVE from regular set to non existing destination set', async () => {
      await setupMove();
      assertEqual(1, await r('smove', 'myset1{t}', 'myset3{t}', 'a'));
      assertEqual('1 b', await members('myset1{t}'));
      assertEqual('a', await members('myset3{t}'));
      await enc('hashtable', 'myset3{t}');
    });

    await test('SMOVE from intset to non existing destination set', async () => {
      await setupMove();
      assertEqual(1, await r('smove', 'myset2{t}', 'myset3{t}', 2));
      assertEqual('3 4', await members('myset2{t}'));
      assertEqual('2', await members('myset3{t}'));
      await enc('intset', 'myset3{t}');
    });

    await test('SMOVE wrong src key type', async () => {
      await r('set', 'x{t}', 10);
      await assertError('WRONGTYPE*', () => r('smove', 'x{t}', 'myset2{t}', 'foo'));
    });

    await test('SMOVE wrong dst key type', async () => {
      await r('set', 'x{t}', 10);
      await assertError('WRONGTYPE*', () => r('smove', 'myset2{t}', 'x{t}', 'foo'));
    });

    await test('SMOVE with identical source and destination', async () => {
      await r('del', 'set{t}');
      await r('sadd', 'set{t}', 'a', 'b', 'c');
      await r('smove', 'set{t}', 'set{t}', 'b');
      return members('set{t}');
    }, { okPattern: 'a b c' });

    await test('SMOVE only notify dstset when the addition is successful', async () => {
      await r('del', 'srcset{t}');
      await r('del', 'dstset{t}');

      await r('sadd', 'srcset{t}', 'a', 'b');
      await r('sadd', 'dstset{t}', 'a');

      await r('watch', 'dstset{t}');

      await r('multi');
      await r('sadd', 'dstset{t}', 'c');

      const r2 = await server.newClient();
      await r2.call('smove', 'srcset{t}', 'dstset{t}', 'a');

      // dstset did not change, so the transaction goes through.
      await r('exec');
      const res = await r('scard', 'dstset{t}');
      assertEqual(res, 2);
      await r2.close();
    });

    await tags(['slow'], async () => {
      await test('intsets implementation stress testing', async () => {
        for (let j = 0; j < 20; j++) {
          const s = new Set<string>();
          await r('del', 's');
          const len = randomInt(1024);
          for (let i = 0; i < len; i++) {
            // Tcl's int() of the double keeps every digit: BigInt does the same.
            const data = randpath(
              () => String(randomInt(65536)),
              () => String(randomInt(4294967296)),
              () => BigInt(randomInt(18446744073709551616)).toString(),
            );
            s.add(data);
            await r('sadd', 's', data);
          }
          assertEqual(await members('s'), lsort([...s]));
          const n = s.size;
          for (let i = 0; i < n; i++) {
            const e = tclString(await r('spop', 's'));
            if (!s.has(e)) {
              puts(`Can't find '${e}' on local array`);
              puts(`Local array: ${tclString(await members('s'))}`);
              puts(`Remote array: ${tclString(lsort([...s]))}`);
              throw new Error('exception');
            }
            s.delete(e);
          }
          assertEqual(await r('scard', 's'), 0);
          assertEqual(s.size, 0);
        }
      });
    });
  });

  await runSolo('set-large-memory', async () => {
    await startServer({ overrides: { save: '' } }, async (server) => {
      const r = (...args: Arg[]) => server.call(...args);
      // Only builds that take such sizes (not 32-bit ones) run the test.
      await tclCatch(async () => {
        await r('config', 'set', 'proto-max-bulk-len', 10000000000);
        await r('config', 'set', 'client-query-buffer-limit', 10000000000);
      });
      if ((await configGet(server, 'proto-max-bulk-len')) !== '10000000000') return;

      const strLength = 4400000000;
      await test('SADD, SCARD, SISMEMBER - large data', async () => {
        const c = server.client;
        const head = (cmd: string) => c.writeRaw(`*3\r\n$${cmd.length}\r\n${cmd}\r\n$5\r\nmyset\r\n`);
        await r('flushdb');
        head('SADD');
        assertEqual(1, await writeBigBulk(strLength, 'aaa', false, c));
        head('SADD');
        assertEqual(1, await writeBigBulk(strLength, 'bbb', false, c));
        head('SADD');
        assertEqual(0, await writeBigBulk(strLength, 'aaa', false, c));
        await assertEncoding('hashtable', 'myset', server, settings().ignoreEncoding);
        const s0 = await server.statusNumber('used_memory');
        assert(s0 > strLength * 2, `${s0} > ${strLength * 2}`);
        assertEqual(2, await r('scard', 'myset'));

        head('SISMEMBER');
        assertEqual(1, await writeBigBulk(strLength, 'aaa', false, c));
        head('SISMEMBER');
        assertEqual(0, await writeBigBulk(strLength, 'ccc', false, c));
        head('SREM');
        assertEqual(1, await writeBigBulk(strLength, 'bbb', false, c));
        assertEqual(await readBigBulk(() => c.call('spop', 'myset'), true, 'aaa', c), strLength);
      }, { tags: ['large-memory'] });
    });
  });
});

/** One command with a long argument list (too long to spread into call()): encoded here, reply read as usual. */
async function callMany(c: Client, head: string[], rest: readonly string[]): Promise<Reply> {
  const parts = [`*${head.length + rest.length}\r\n`];
  for (const arg of [head, rest].flat()) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  c.writeRaw(parts.join(''));
  return c.read();
}

/** The decimal strings from..to. */
function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(String(i));
  return out;
}
