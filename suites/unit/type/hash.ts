import os from 'node:os';
import {
  suite,
  startServer,
  test,
  settings,
  puts,
  assert,
  assertEqual,
  assertError,
  assertLessThan,
  assertMoreThan,
  assertEncoding,
  tclCatch,
  tclString,
  tclBytes,
  configGet,
  configSet,
  memoryUsage,
  roundFloat,
  chiSquareValue,
  llength,
  stringMatch,
  randstring,
  randomValue,
  randomSignedInt,
  randpath,
  type Arg,
  type Reply,
  lsort,
} from '../../../harness/index.ts';

// Differences from upstream:
// - The float-representation test runs where `uname -m` says x86_64 (upstream greps `uname -a`).
// - Random values go over the wire as Tcl sends them, one byte per character (latin1).

export default suite(async () => {
  await startServer({ tags: ['hash'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);
    // Bytes as Tcl's client writes and reads them, for values from randomValue.
    const rb = await server.newClient({ buffers: true });
    const bin = (v: unknown) => tclBytes(String(v));
    const text = (v: Reply) => (Buffer.isBuffer(v) ? v.toString('latin1') : tclString(v));
    const enc = (encoding: string, key: string) => assertEncoding(encoding, key, server, settings().ignoreEncoding);

    const smallhash = new Map<string, string>();
    const bighash = new Map<string, string>();

    await test('HSET/HLEN - Small hash creation', async () => {
      for (let i = 0; i < 8; i++) {
        const key = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
        const val = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
        if (smallhash.has(key)) {
          i--;
          continue;
        }
        await r('hset', 'smallhash', key, val);
        smallhash.set(key, val);
      }
      return [await r('hlen', 'smallhash')];
    }, { okPattern: '8' });

    await test('Is the small hash encoded with a listpack?', async () => {
      await enc('listpack', 'smallhash');
    });

    const createHash = async (key: string, entries: Array<[string, string]>) => {
      await r('del', key);
      for (const [f, v] of entries) await r('hset', key, f, v);
    };

    let originalMaxValue = '';
    for (const [type, contents] of [
      ['listpack', [['a', '1'], ['b', '2'], ['c', '3']]],
      ['hashtable', [['a', '1'], ['b', '2'], [randstring(70, 90, 'alpha'), '3']]],
    ] as Array<[string, Array<[string, string]>]>) {
      originalMaxValue = await configGet(server, 'hash-max-ziplist-value');
      await r('config', 'set', 'hash-max-ziplist-value', 10);
      await createHash('myhash', contents);
      await enc(type, 'myhash');
      // Covers the size computation of MEMORY USAGE for this encoding.
      assertMoreThan(await memoryUsage('myhash'), 0);

      await test(`HRANDFIELD - ${type}`, async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 100; i++) seen.add(String(await r('hrandfield', 'myhash')));
        assertEqual(lsort(contents.map(([f]) => f)), lsort([...seen]));
      });
      await r('config', 'set', 'hash-max-ziplist-value', originalMaxValue);
    }

    await test('HRANDFIELD with RESP3', async () => {
      await r('hello', 3);
      let res = (await r('hrandfield', 'myhash', 3, 'withvalues')) as Reply[];
      assertEqual(llength(res), 3);
      assertEqual(llength(res[1]), 2);

      res = (await r('hrandfield', 'myhash', 3)) as Reply[];
      assertEqual(llength(res), 3);
      assertEqual(llength(res[1]), 1);
      await r('hello', 2);
    });

    await test('HRANDFIELD count of 0 is handled correctly', () => r('hrandfield', 'myhash', 0), { okPattern: '' });

    await test('HRANDFIELD count overflow', async () => {
      await r('hmset', 'myhash', 'a', 1);
      await assertError('*value is out of range*', () => r('hrandfield', 'myhash', '-9223372036854770000', 'withvalues'));
      await assertError('*value is out of range*', () => r('hrandfield', 'myhash', '-9223372036854775808', 'withvalues'));
      await assertError('*value is out of range*', () => r('hrandfield', 'myhash', '-9223372036854775808'));
    }, { okPattern: '' });

    await test('HRANDFIELD with <count> against non existing key', () => r('hrandfield', 'nonexisting_key', 100), { okPattern: '' });

    // Raw replies tell an empty array from a null one.
    server.client.readRaw(true);

    await test('HRANDFIELD count of 0 is handled correctly - emptyarray', () => r('hrandfield', 'myhash', 0), { okPattern: '*0' });

    await test('HRANDFIELD with <count> against non existing key - emptyarray', () => r('hrandfield', 'nonexisting_key', 100), { okPattern: '*0' });

    server.client.readRaw(false);

    for (const [type, contents] of [
      [
        'hashtable',
        [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5'], ['6', 'f'], ['7', 'g'], ['8', 'h'], ['9', 'i'], [randstring(70, 90, 'alpha'), '10']],
      ],
      ['listpack', [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5'], ['6', 'f'], ['7', 'g'], ['8', 'h'], ['9', 'i'], ['10', 'j']]],
    ] as Array<[string, Array<[string, string]>]>) {
      await test(`HRANDFIELD with <count> - ${type}`, async () => {
        originalMaxValue = await configGet(server, 'hash-max-ziplist-value');
        await r('config', 'set', 'hash-max-ziplist-value', 10);
        await createHash('myhash', contents);
        await enc(type, 'myhash');

        const mydict = pairsToMap((await r('hgetall', 'myhash')) as Reply[]);
        const allKeys = lsort([...mydict.keys()]);
        const sameKeys = (s: Set<string>) => tclString(allKeys) === tclString(lsort([...s]));
        const hrandfield = async (...args: Arg[]) => ((await r('hrandfield', 'myhash', ...args)) as Reply[]).map(String);

        // Path 1: negative count, repeated elements, with and without values.
        assertEqual((await hrandfield(-20)).length, 20);
        assertEqual((await hrandfield(-1001)).length, 1001);
        assertEqual((await hrandfield(-20, 'withvalues')).length, 40);
        assertEqual((await hrandfield(-1001, 'withvalues')).length, 2002);

        // Uniform distribution: df = 9, 40 means a 0.00001 probability.
        let res = await hrandfield(-1000);
        assertLessThan(chiSquareValue(res), 40);

        for (let i = 0; i < res.length; i += 2) assert(mydict.has(res[i]!), `[dict exists $mydict ${res[i]}]`);

        // Eventually every field comes back.
        let auxset = new Set<string>();
        let iterations = 1000;
        while (iterations !== 0) {
          iterations--;
          if (iterations % 2 === 0) {
            res = await hrandfield(-3, 'withvalues');
            for (let i = 0; i < res.length; i += 2) auxset.add(res[i]!);
          } else {
            res = await hrandfield(-3);
            for (const key of res) auxset.add(key);
          }
          if (sameKeys(auxset)) break;
        }
        assert(iterations !== 0, '$iterations != 0');

        // Path 2: positive count at least the hash size.
        for (const size of [10, 20]) {
          res = await hrandfield(size);
          assertEqual(res.length, 10);
          assertEqual(lsort(res), allKeys);

          res = await hrandfield(size, 'withvalues');
          assertEqual(res.length, 20);
          assertEqual(lsort(res), lsort([...mydict].flat()));
        }

        // Paths 3 and 4: almost the hash size (copy, then remove), and well below it.
        for (const size of [8, 2]) {
          res = await hrandfield(size);
          assertEqual(res.length, size);
          res = await hrandfield(size, 'withvalues');
          assertEqual(res.length, size * 2);

          for (const ele of pairsToMap(res).keys()) assert(mydict.has(ele), `[dict exists $mydict ${ele}]`);

          auxset = new Set<string>();
          const allkey: string[] = [];
          iterations = Math.floor(1000 / size);
          let allEleReturn = false;
          while (iterations !== 0) {
            iterations--;
            if (iterations % 2 === 0) {
              res = await hrandfield(size, 'withvalues');
              for (let i = 0; i < res.length; i += 2) {
                auxset.add(res[i]!);
                allkey.push(res[i]!);
              }
            } else {
              res = await hrandfield(size);
              for (const key of res) {
                auxset.add(key);
                allkey.push(key);
              }
            }
            if (sameKeys(auxset)) allEleReturn = true;
          }
          assertEqual(allEleReturn ? 'true' : 'false', 'true');
          // df = 9, 40 means a 0.00001 probability.
          assertLessThan(chiSquareValue(allkey), 40);
        }
      });
      await r('config', 'set', 'hash-max-ziplist-value', originalMaxValue);
    }

    await test('HSET/HLEN - Big hash creation', async () => {
      for (let i = 0; i < 1024; i++) {
        const key = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
        const val = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
        if (bighash.has(key)) {
          i--;
          continue;
        }
        await r('hset', 'bighash', key, val);
        bighash.set(key, val);
      }
      return [await r('hlen', 'bighash')];
    }, { okPattern: '1024' });

    await test('Is the big hash encoded with an hash table?', async () => {
      await enc('hashtable', 'bighash');
    });

    for (const [label, name, local] of [['small', 'smallhash', smallhash], ['big', 'bighash', bighash]] as const) {
      await test(`HGET against the ${label} hash`, async () => {
        for (const [k, v] of local) {
          const got = await r('hget', name, k);
          if (v !== tclString(got)) return `${v} != ${tclString(await r('hget', name, k))}`;
        }
      }, { okPattern: '' });
    }

    await test('HGET against non existing key', async () => {
      return [await r('hget', 'smallhash', '__123123123__'), await r('hget', 'bighash', '__123123123__')];
    }, { okPattern: '{} {}' });

    await test('HSET in update and insert mode', async () => {
      const rv: Reply[] = [];
      let k = firstKey(smallhash);
      rv.push(await r('hset', 'smallhash', k, 'newval1'));
      smallhash.set(k, 'newval1');
      rv.push(await r('hget', 'smallhash', k));
      rv.push(await r('hset', 'smallhash', '__foobar123__', 'newval'));
      k = firstKey(bighash);
      rv.push(await r('hset', 'bighash', k, 'newval2'));
      bighash.set(k, 'newval2');
      rv.push(await r('hget', 'bighash', k));
      rv.push(await r('hset', 'bighash', '__foobar123__', 'newval'));
      rv.push(await r('hdel', 'smallhash', '__foobar123__'));
      rv.push(await r('hdel', 'bighash', '__foobar123__'));
      return rv;
    }, { okPattern: '0 newval1 1 0 newval2 1 1 1' });

    for (const [label, name] of [['small', 'smallhash'], ['big', 'bighash']] as const) {
      await test(`HSETNX target key missing - ${label} hash`, async () => {
        await r('hsetnx', name, '__123123123__', 'foo');
        return r('hget', name, '__123123123__');
      }, { okPattern: 'foo' });

      await test(`HSETNX target key exists - ${label} hash`, async () => {
        await r('hsetnx', name, '__123123123__', 'bar');
        const result = await r('hget', name, '__123123123__');
        await r('hdel', name, '__123123123__');
        return result;
      }, { okPattern: 'foo' });
    }

    await test('HSET/HMSET wrong number of args', async () => {
      await assertError("*wrong number of arguments for 'hset' command", () => r('hset', 'smallhash', 'key1', 'val1', 'key2'));
      await assertError("*wrong number of arguments for 'hmset' command", () => r('hmset', 'smallhash', 'key1', 'val1', 'key2'));
    });

    for (const [label, name, local] of [['small', 'smallhash', smallhash], ['big', 'bighash', bighash]] as const) {
      await test(`HMSET - ${label} hash`, async () => {
        const args: string[] = [];
        for (const k of local.keys()) {
          const newval = randstring(0, 8, 'alpha');
          local.set(k, newval);
          args.push(k, newval);
        }
        return r('hmset', name, ...args);
      }, { okPattern: 'OK' });
    }

    await test('HMGET against non existing key and fields', async () => {
      return [
        await r('hmget', 'doesntexist', '__123123123__', '__456456456__'),
        await r('hmget', 'smallhash', '__123123123__', '__456456456__'),
        await r('hmget', 'bighash', '__123123123__', '__456456456__'),
      ];
    }, { okPattern: '{{} {}} {{} {}} {{} {}}' });

    await test('HMGET against wrong type', async () => {
      await r('set', 'wrongtype', 'somevalue');
      await assertError('*wrong*', () => r('hmget', 'wrongtype', 'field1', 'field2'));
    });

    for (const [label, name, local] of [['small', 'smallhash', smallhash], ['big', 'bighash', bighash]] as const) {
      await test(`HMGET - ${label} hash`, async () => {
        const keys = [...local.keys()];
        const vals = [...local.values()];
        const result = await r('hmget', name, ...keys);
        return tclString(vals) !== tclString(result) ? `${tclString(vals)} != ${tclString(result)}` : '';
      }, { okPattern: '' });
    }

    // The expected values are computed before each test runs, as upstream's are.
    for (const [label, name, local] of [['small', 'smallhash', smallhash], ['big', 'bighash', bighash]] as const) {
      const expected = tclString(lsort([...local.keys()]));
      await test(`HKEYS - ${label} hash`, async () => lsort((await r('hkeys', name)) as Reply[]), { okPattern: expected });
    }

    for (const [label, name, local] of [['small', 'smallhash', smallhash], ['big', 'bighash', bighash]] as const) {
      const expected = tclString(lsort((await r('hvals', name)) as Reply[]));
      await test(`HVALS - ${label} hash`, () => lsort([...local.values()]), { okPattern: expected });
    }

    for (const [label, name, local] of [['small', 'smallhash', smallhash], ['big', 'bighash', bighash]] as const) {
      const expected = tclString(lsort([...local].flat()));
      await test(`HGETALL - ${label} hash`, async () => lsort((await r('hgetall', name)) as Reply[]), { okPattern: expected });
    }

    await test('HDEL and return value', async () => {
      const rv: Reply[] = [];
      rv.push(await r('hdel', 'smallhash', 'nokey'));
      rv.push(await r('hdel', 'bighash', 'nokey'));
      let k = firstKey(smallhash);
      rv.push(await r('hdel', 'smallhash', k));
      rv.push(await r('hdel', 'smallhash', k));
      rv.push(await r('hget', 'smallhash', k));
      smallhash.delete(k);
      k = firstKey(bighash);
      rv.push(await r('hdel', 'bighash', k));
      rv.push(await r('hdel', 'bighash', k));
      rv.push(await r('hget', 'bighash', k));
      bighash.delete(k);
      return rv;
    }, { okPattern: '0 0 1 0 {} 1 0 {}' });

    await test('HDEL - more than a single value', async () => {
      await r('del', 'myhash');
      await r('hmset', 'myhash', 'a', 1, 'b', 2, 'c', 3);
      assertEqual(0, await r('hdel', 'myhash', 'x', 'y'));
      assertEqual(2, await r('hdel', 'myhash', 'a', 'c', 'f'));
      return r('hgetall', 'myhash');
    }, { okPattern: 'b 2' });

    await test('HDEL - hash becomes empty before deleting all specified fields', async () => {
      await r('del', 'myhash');
      await r('hmset', 'myhash', 'a', 1, 'b', 2, 'c', 3);
      assertEqual(3, await r('hdel', 'myhash', 'a', 'b', 'c', 'd', 'e'));
      assertEqual(0, await r('exists', 'myhash'));
    });

    await test('HEXISTS', async () => {
      const rv: Reply[] = [];
      let k = firstKey(smallhash);
      rv.push(await r('hexists', 'smallhash', k));
      rv.push(await r('hexists', 'smallhash', 'nokey'));
      k = firstKey(bighash);
      rv.push(await r('hexists', 'bighash', k));
      rv.push(await r('hexists', 'bighash', 'nokey'));
      return rv;
    }, { okPattern: '1 0 1 0' });

    await test('Is a ziplist encoded Hash promoted on big payload?', async () => {
      await r('hset', 'smallhash', 'foo', 'a'.repeat(1024));
      return r('debug', 'object', 'smallhash');
    }, { okPattern: '*hashtable*', tags: ['needs:debug'] });

    await test('HINCRBY against non existing database key', async () => {
      await r('del', 'htest');
      return [await r('hincrby', 'htest', 'foo', 2)];
    }, { okPattern: '2' });

    await test('HINCRBY against non existing hash key', async () => {
      await r('hdel', 'smallhash', 'tmp');
      await r('hdel', 'bighash', 'tmp');
      return [
        await r('hincrby', 'smallhash', 'tmp', 2),
        await r('hget', 'smallhash', 'tmp'),
        await r('hincrby', 'bighash', 'tmp', 2),
        await r('hget', 'bighash', 'tmp'),
      ];
    }, { okPattern: '2 2 2 2' });

    await test('HINCRBY against hash key created by hincrby itself', async () => {
      return [
        await r('hincrby', 'smallhash', 'tmp', 3),
        await r('hget', 'smallhash', 'tmp'),
        await r('hincrby', 'bighash', 'tmp', 3),
        await r('hget', 'bighash', 'tmp'),
      ];
    }, { okPattern: '5 5 5 5' });

    await test('HINCRBY against hash key originally set with HSET', async () => {
      await r('hset', 'smallhash', 'tmp', 100);
      await r('hset', 'bighash', 'tmp', 100);
      return [await r('hincrby', 'smallhash', 'tmp', 2), await r('hincrby', 'bighash', 'tmp', 2)];
    }, { okPattern: '102 102' });

    await test('HINCRBY over 32bit value', async () => {
      await r('hset', 'smallhash', 'tmp', '17179869184');
      await r('hset', 'bighash', 'tmp', '17179869184');
      return [await r('hincrby', 'smallhash', 'tmp', 1), await r('hincrby', 'bighash', 'tmp', 1)];
    }, { okPattern: '17179869185 17179869185' });

    await test('HINCRBY over 32bit value with over 32bit increment', async () => {
      await r('hset', 'smallhash', 'tmp', '17179869184');
      await r('hset', 'bighash', 'tmp', '17179869184');
      return [await r('hincrby', 'smallhash', 'tmp', '17179869184'), await r('hincrby', 'bighash', 'tmp', '17179869184')];
    }, { okPattern: '34359738368 34359738368' });

    const bothFail = async (cmd: string, field: string, value: string, pattern: string) => {
      await r('hset', 'smallhash', field, value);
      await r('hset', 'bighash', field, value);
      const smallerr = (await tclCatch(() => r(cmd, 'smallhash', field, 1))).value;
      const bigerr = (await tclCatch(() => r(cmd, 'bighash', field, 1))).value;
      return [stringMatch(pattern, smallerr) ? 1 : 0, stringMatch(pattern, bigerr) ? 1 : 0];
    };

    await test('HINCRBY fails against hash value with spaces (left)', () => bothFail('hincrby', 'str', ' 11', 'ERR *not an integer*'), { okPattern: '1 1' });

    await test('HINCRBY fails against hash value with spaces (right)', () => bothFail('hincrby', 'str', '11 ', 'ERR *not an integer*'), { okPattern: '1 1' });

    await test('HINCRBY can detect overflows', async () => {
      await r('hset', 'hash', 'n', '-9223372036854775484');
      const reply = await r('hincrby', 'hash', 'n', -1);
      assert(BigInt(tclString(reply)) === -9223372036854775485n, '[r hincrby hash n -1] == -9223372036854775485');
      return (await tclCatch(() => r('hincrby', 'hash', 'n', -10000))).value;
    }, { okPattern: '*overflow*' });

    await test('HINCRBYFLOAT against non existing database key', async () => {
      await r('del', 'htest');
      return [await r('hincrbyfloat', 'htest', 'foo', 2.5)];
    }, { okPattern: '2.5' });

    await test('HINCRBYFLOAT against non existing hash key', async () => {
      await r('hdel', 'smallhash', 'tmp');
      await r('hdel', 'bighash', 'tmp');
      return [
        roundFloat(await r('hincrbyfloat', 'smallhash', 'tmp', 2.5)),
        roundFloat(await r('hget', 'smallhash', 'tmp')),
        roundFloat(await r('hincrbyfloat', 'bighash', 'tmp', 2.5)),
        roundFloat(await r('hget', 'bighash', 'tmp')),
      ];
    }, { okPattern: '2.5 2.5 2.5 2.5' });

    await test('HINCRBYFLOAT against hash key created by hincrby itself', async () => {
      return [
        roundFloat(await r('hincrbyfloat', 'smallhash', 'tmp', 3.5)),
        roundFloat(await r('hget', 'smallhash', 'tmp')),
        roundFloat(await r('hincrbyfloat', 'bighash', 'tmp', 3.5)),
        roundFloat(await r('hget', 'bighash', 'tmp')),
      ];
    }, { okPattern: '6 6 6 6' });

    await test('HINCRBYFLOAT against hash key originally set with HSET', async () => {
      await r('hset', 'smallhash', 'tmp', 100);
      await r('hset', 'bighash', 'tmp', 100);
      return [roundFloat(await r('hincrbyfloat', 'smallhash', 'tmp', 2.5)), roundFloat(await r('hincrbyfloat', 'bighash', 'tmp', 2.5))];
    }, { okPattern: '102.5 102.5' });

    await test('HINCRBYFLOAT over 32bit value', async () => {
      await r('hset', 'smallhash', 'tmp', '17179869184');
      await r('hset', 'bighash', 'tmp', '17179869184');
      return [await r('hincrbyfloat', 'smallhash', 'tmp', 1), await r('hincrbyfloat', 'bighash', 'tmp', 1)];
    }, { okPattern: '17179869185 17179869185' });

    await test('HINCRBYFLOAT over 32bit value with over 32bit increment', async () => {
      await r('hset', 'smallhash', 'tmp', '17179869184');
      await r('hset', 'bighash', 'tmp', '17179869184');
      return [await r('hincrbyfloat', 'smallhash', 'tmp', '17179869184'), await r('hincrbyfloat', 'bighash', 'tmp', '17179869184')];
    }, { okPattern: '34359738368 34359738368' });

    await test('HINCRBYFLOAT fails against hash value with spaces (left)', () => bothFail('hincrbyfloat', 'str', ' 11', 'ERR *not*float*'), { okPattern: '1 1' });

    await test('HINCRBYFLOAT fails against hash value with spaces (right)', () => bothFail('hincrbyfloat', 'str', '11 ', 'ERR *not*float*'), { okPattern: '1 1' });

    await test('HINCRBYFLOAT fails against hash value that contains a null-terminator in the middle', async () => {
      await r('hset', 'h', 'f', '1\x002');
      const err = (await tclCatch(() => r('hincrbyfloat', 'h', 'f', 1))).value;
      return [stringMatch('ERR *not*float*', err) ? 1 : 0];
    }, { okPattern: '1' });

    await test('HSTRLEN against the small hash', async () => {
      for (const [k, v] of smallhash) {
        const len = await r('hstrlen', 'smallhash', k);
        if (String(v.length) !== tclString(len)) return `${v.length} != ${tclString(await r('hstrlen', 'smallhash', k))}`;
      }
    }, { okPattern: '' });

    await test('HSTRLEN against the big hash', async () => {
      let err = '';
      for (const [k, v] of bighash) {
        const len = await r('hstrlen', 'bighash', k);
        if (String(v.length) !== tclString(len)) {
          err = `${v.length} != ${tclString(await r('hstrlen', 'bighash', k))}`;
          puts('HSTRLEN and logical length mismatch:');
          puts(`key: ${k}`);
          puts(`Logical content: ${v}`);
          puts(`Server  content: ${tclString(await r('hget', 'bighash', k))}`);
        }
      }
      return err;
    }, { okPattern: '' });

    await test('HSTRLEN against non existing field', async () => {
      return [await r('hstrlen', 'smallhash', '__123123123__'), await r('hstrlen', 'bighash', '__123123123__')];
    }, { okPattern: '0 0' });

    await test('HSTRLEN corner cases', async () => {
      const vals = ['-9223372036854775808', '9223372036854775807', '9223372036854775808', '', '0', '-1', 'x'];
      for (const v of vals) {
        await r('hmset', 'smallhash', 'field', v);
        await r('hmset', 'bighash', 'field', v);
        const len1 = v.length;
        const len2 = Number(await r('hstrlen', 'smallhash', 'field'));
        const len3 = Number(await r('hstrlen', 'bighash', 'field'));
        assert(len1 === len2, `${len1} == ${len2}`);
        assert(len2 === len3, `${len2} == ${len3}`);
      }
    });

    await test('HINCRBYFLOAT over hash-max-listpack-value encoded with a listpack', async () => {
      const original = await configGet(server, 'hash-max-ziplist-value');
      await r('config', 'set', 'hash-max-listpack-value', 8);

      // The value outgrows hash-max-listpack-value.
      await r('del', 'smallhash');
      await r('del', 'bighash');
      await r('hset', 'smallhash', 'tmp', 0);
      await r('hset', 'bighash', 'tmp', 0);
      await r('hincrbyfloat', 'smallhash', 'tmp', '0.000005');
      await r('hincrbyfloat', 'bighash', 'tmp', '0.0000005');
      await enc('listpack', 'smallhash');
      await enc('hashtable', 'bighash');

      // The field outgrows hash-max-listpack-value.
      await r('del', 'smallhash');
      await r('del', 'bighash');
      await r('hincrbyfloat', 'smallhash', 'abcdefgh', 1);
      await r('hincrbyfloat', 'bighash', 'abcdefghi', 1);
      await enc('listpack', 'smallhash');
      await enc('hashtable', 'bighash');

      await r('config', 'set', 'hash-max-listpack-value', original);
    });

    await test('Hash ziplist regression test for large keys', async () => {
      const key = 'k'.repeat(336);
      await r('hset', 'hash', key, 'a');
      await r('hset', 'hash', key, 'b');
      return r('hget', 'hash', key);
    }, { okPattern: 'b' });

    const verifyHash = async (local: Map<string, string>) => {
      for (const [k, v] of local) assertEqual(v, text(await rb.call('hget', 'hash', bin(k))));
      assertEqual(local.size, await r('hlen', 'hash'));
    };

    for (const size of [10, 512]) {
      await test(`Hash fuzzing #1 - ${size} fields`, async () => {
        for (let times = 0; times < 10; times++) {
          const hash = new Map<string, string>();
          await r('del', 'hash');
          for (let j = 0; j < size; j++) {
            const field = String(randomValue());
            const value = String(randomValue());
            await rb.call('hset', 'hash', bin(field), bin(value));
            hash.set(field, value);
          }
          await verifyHash(hash);
        }
      });

      await test(`Hash fuzzing #2 - ${size} fields`, async () => {
        for (let times = 0; times < 10; times++) {
          const hash = new Map<string, string>();
          await r('del', 'hash');
          for (let j = 0; j < size; j++) {
            await randpath<Promise<void>>(
              async () => {
                const field = String(randomValue());
                const value = String(randomValue());
                await rb.call('hset', 'hash', bin(field), bin(value));
                hash.set(field, value);
              },
              async () => {
                const field = String(randomSignedInt(512));
                const value = String(randomSignedInt(512));
                await rb.call('hset', 'hash', bin(field), bin(value));
                hash.set(field, value);
              },
              async () => {
                const field = String(randpath<string | number>(() => randomValue(), () => randomSignedInt(512)));
                await rb.call('hdel', 'hash', bin(field));
                hash.delete(field);
              },
            );
          }
          await verifyHash(hash);
        }
      });
    }

    await test('Stress test the hash ziplist -> hashtable encoding conversion', async () => {
      await r('config', 'set', 'hash-max-ziplist-entries', 32);
      for (let j = 0; j < 100; j++) {
        await r('del', 'myhash');
        for (let i = 0; i < 64; i++) await rb.call('hset', 'myhash', bin(randomValue()), bin(randomValue()));
        await enc('hashtable', 'myhash');
      }
    });

    // 1.23 has no exact 64-bit double: only x86_64's 80-bit long double prints it back as 1.23
    // (valgrind has no 80-bit math).
    if (!settings().valgrind && os.machine() === 'x86_64') {
      await test('Test HINCRBYFLOAT for correct float representation (issue #2846)', async () => {
        await r('del', 'myhash');
        assert((await r('hincrbyfloat', 'myhash', 'float', '1.23')) === '1.23', '[r hincrbyfloat myhash float 1.23] eq {1.23}');
        assert((await r('hincrbyfloat', 'myhash', 'float', '0.77')) === '2', '[r hincrbyfloat myhash float 0.77] eq {2}');
        assert((await r('hincrbyfloat', 'myhash', 'float', '-0.1')) === '1.9', '[r hincrbyfloat myhash float -0.1] eq {1.9}');
      });
    }

    // The DUMP payload is binary: it is read and restored as bytes.
    let dump: Buffer = Buffer.alloc(0);
    const checkZiplistEncodings = async () => {
      const k = pairsToMap((await r('hgetall', 'k')) as Reply[]);
      const kk = pairsToMap((await r('hgetall', 'kk')) as Reply[]);
      assertEqual(lsort([...k].flat()), lsort([...kk].flat()));
      for (const [field, len] of [['ZIP_STR_06B', 31], ['ZIP_STR_14B', 8191], ['ZIP_STR_32B', 65535]] as const) {
        assertEqual(k.get(field), 'x'.repeat(len));
        k.delete(field);
      }
      return k;
    };
    const ziplistExpected = 'ZIP_INT_8B 127 ZIP_INT_16B 32767 ZIP_INT_32B 2147483647 ZIP_INT_64B 9223372036854775808 ZIP_INT_IMM_MIN 0 ZIP_INT_IMM_MAX 12';

    await test('Hash ziplist of various encodings', async () => {
      await r('del', 'k');
      await configSet('hash-max-ziplist-entries', 1000000000);
      await configSet('hash-max-ziplist-value', 1000000000);
      await r('hset', 'k', 'ZIP_INT_8B', 127);
      await r('hset', 'k', 'ZIP_INT_16B', 32767);
      await r('hset', 'k', 'ZIP_INT_32B', 2147483647);
      await r('hset', 'k', 'ZIP_INT_64B', '9223372036854775808');
      await r('hset', 'k', 'ZIP_INT_IMM_MIN', 0);
      await r('hset', 'k', 'ZIP_INT_IMM_MAX', 12);
      await r('hset', 'k', 'ZIP_STR_06B', 'x'.repeat(31));
      await r('hset', 'k', 'ZIP_STR_14B', 'x'.repeat(8191));
      await r('hset', 'k', 'ZIP_STR_32B', 'x'.repeat(65535));
      dump = (await rb.call('dump', 'k')) as Buffer;

      // RESTORE converts it to a dict.
      await configSet('hash-max-ziplist-entries', 2);
      await configSet('sanitize-dump-payload', 'no', ['mayfail']);
      await r('restore', 'kk', 0, dump);
      return checkZiplistEncodings();
    }, { okPattern: ziplistExpected });

    await test('Hash ziplist of various encodings - sanitize dump', async () => {
      await configSet('sanitize-dump-payload', 'yes', ['mayfail']);
      await r('restore', 'kk', 0, dump, 'replace');
      return checkZiplistEncodings();
    }, { okPattern: ziplistExpected });

    // strtold("+inf") under valgrind may not give inf on some platforms.
    if (!settings().valgrind) {
      await test('HINCRBYFLOAT does not allow NaN or Infinity', async () => {
        await assertError('*value is NaN or Infinity*', () => r('hincrbyfloat', 'hfoo', 'field', '+inf'));
        assertEqual(0, await r('exists', 'hfoo'));
      });
    }
  });
});

function firstKey(map: Map<string, string>): string {
  return map.keys().next().value ?? '';
}

/** A flat field/value reply as a Map (Tcl `dict create {*}$reply`). */
function pairsToMap(flat: readonly unknown[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(tclString(flat[i]), tclString(flat[i + 1]));
  return map;
}
