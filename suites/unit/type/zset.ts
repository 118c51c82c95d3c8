// Port of tests/unit/type/zset.tcl (Redis 7.0.15).
//
// Tcl's test helper sets tcl_precision 17, so every rand() score is sent and compared as %.17g
// text; tclDouble() prints a number that way.
//
// Unlike upstream's single server, the unit runs as six parts (see PARTS), each on a fresh server
// with the same tags, so the runner can spread them over workers: the unit was the tail of a run.
// Every test keeps its name, its place within its part and its assertions.
import {
  suite,
  startServer,
  test,
  tags,
  settings,
  configGet,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  assertEncoding,
  assertLessThan,
  tclCatch,
  tclString,
  tclBytes,
  tclDouble,
  stringCompare,
  llength,
  zlistAlikeSort,
  chiSquareValue,
  rng,
  randomInt,
  randomValue,
  randstring,
  sleep,
  waitForBlockedClient,
  waitForBlockedClientsCount,
  ReplicationStream,
  type Arg,
  type Caller,
  type Client,
  type Reply,
} from '../../../harness/index.ts';

type Encoding = 'listpack' | 'skiplist';

/**
 * The unit's parts, each on a server of its own so that they run on different workers: every part
 * creates the keys it reads and leaves the zset config as it found it (upstream runs them in turn
 * on one server, whose leftovers none of them reads).
 */
const PARTS = ['basics listpack', 'basics skiplist', 'commands', 'stressers listpack', 'stressers skiplist', 'more commands'] as const;

export default suite({ independentBlocks: true }, async () => {
  for (const part of PARTS) await startServer({ tags: ['zset'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);
    const encodingIs = (enc: string, key: string) => assertEncoding(enc, key, server, settings().ignoreEncoding);

    async function createZset(key: string, items: Arg[]): Promise<void> {
      await r('del', key);
      for (let i = 0; i < items.length; i += 2) await r('zadd', key, items[i], items[i + 1]);
    }

    // ZPOP*/BZPOP* and ZMPOP*/BZMPOP* answer in different shapes.
    function verifyPopResponse(pop: string, res: unknown, zpopExpected: string, zmpopExpected: string): void {
      if (pop.includes('ZM')) assertEqual(res, zmpopExpected);
      else assertEqual(res, zpopExpected);
    }

    async function verifyZpopResponse(c: Caller, pop: string, key: string, count: number, zpopExpected: string, zmpopExpected: string): Promise<void> {
      let res: unknown;
      if (pop.startsWith('ZM')) {
        const [cmd, where] = pop.split('_');
        res = count === 0 ? await c.call(cmd, 1, key, where) : await c.call(cmd, 1, key, where, 'COUNT', count);
      } else {
        res = count === 0 ? await c.call(pop, key) : await c.call(pop, key, count);
      }
      verifyPopResponse(pop, res, zpopExpected, zmpopExpected);
    }

    async function verifyBzpopResponse(rd: Client, pop: string, key: string, timeout: number, count: number, bzpopExpected: string, bzmpopExpected: string): Promise<void> {
      if (pop.startsWith('BZM')) {
        const [cmd, where] = pop.split('_');
        if (count === 0) rd.send(cmd, timeout, 1, key, where);
        else rd.send(cmd, timeout, 1, key, where, 'COUNT', count);
      } else {
        rd.send(pop, key, timeout);
      }
      verifyPopResponse(pop, await rd.read(), bzpopExpected, bzmpopExpected);
    }

    async function verifyBzpopTwoKeyResponse(
      rd: Client,
      pop: string,
      key: string,
      key2: string,
      timeout: number,
      count: number,
      bzpopExpected: string,
      bzmpopExpected: string,
    ): Promise<void> {
      if (pop.startsWith('BZM')) {
        const [cmd, where] = pop.split('_');
        if (count === 0) rd.send(cmd, timeout, 2, key, key2, where);
        else rd.send(cmd, timeout, 2, key, key2, where, 'COUNT', count);
      } else {
        rd.send(pop, key, key2, timeout);
      }
      verifyPopResponse(pop, await rd.read(), bzpopExpected, bzmpopExpected);
    }

    function bzpopCommand(rd: Client, pop: string, key: string, timeout: number): void {
      if (pop.startsWith('BZM')) {
        const [cmd, where] = pop.split('_');
        rd.send(cmd, timeout, 1, key, where, 'COUNT', 1);
      } else {
        rd.send(pop, key, timeout);
      }
    }

    // Raw protocol lines: the null reply and a score differ between RESP2 and RESP3.
    function verifyNilResponse(resp: number, nilResponse: unknown): void {
      if (resp === 2) assertEqual(nilResponse, '*-1');
      else if (resp === 3) assertEqual(nilResponse, '_');
    }

    async function verifyScoreResponse(rd: Client, resp: number, score: number): Promise<void> {
      if (resp === 2) {
        assertEqual(await rd.read(), '$1');
        assertEqual(await rd.read(), score);
      } else if (resp === 3) {
        assertEqual(await rd.read(), `,${score}`);
      }
    }

    async function basics(encoding: Encoding): Promise<void> {
      const originalMaxEntries = await configGet(server, 'zset-max-ziplist-entries');
      const originalMaxValue = await configGet(server, 'zset-max-ziplist-value');
      if (encoding === 'listpack') {
        await r('config', 'set', 'zset-max-ziplist-entries', 128);
        await r('config', 'set', 'zset-max-ziplist-value', 64);
      } else {
        await r('config', 'set', 'zset-max-ziplist-entries', 0);
        await r('config', 'set', 'zset-max-ziplist-value', 0);
      }

      await test(`Check encoding - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x');
        await encodingIs(encoding, 'ztmp');
      });

      await test(`ZSET basic ZADD and score update - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x');
        await r('zadd', 'ztmp', 20, 'y');
        await r('zadd', 'ztmp', 30, 'z');
        assertEqual('x y z', await r('zrange', 'ztmp', 0, -1));

        await r('zadd', 'ztmp', 1, 'y');
        assertEqual('y x z', await r('zrange', 'ztmp', 0, -1));
      });

      await test(`ZSET element can't be set to NaN with ZADD - ${encoding}`, async () => {
        await assertError('*not*float*', () => r('zadd', 'myzset', 'nan', 'abc'));
      });

      // Upstream checks ZADD here too, not ZINCRBY.
      await test(`ZSET element can't be set to NaN with ZINCRBY - ${encoding}`, async () => {
        await assertError('*not*float*', () => r('zadd', 'myzset', 'nan', 'abc'));
      });

      await test(
        `ZADD with options syntax error with incomplete pair - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          return (await tclCatch(() => r('zadd', 'ztmp', 'xx', 10, 'x', 20))).value;
        },
        { okPattern: 'ERR*' },
      );

      await test(`ZADD XX option without key - ${encoding}`, async () => {
        await r('del', 'ztmp');
        assert(tclNum(await r('zadd', 'ztmp', 'xx', 10, 'x')) === 0, '[r zadd ztmp xx 10 x] == 0');
        assert((await r('type', 'ztmp')) === 'none', '[r type ztmp] eq {none}');
      });

      await test(`ZADD XX existing key - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x');
        assert(tclNum(await r('zadd', 'ztmp', 'xx', 20, 'y')) === 0, '[r zadd ztmp xx 20 y] == 0');
        assert(tclNum(await r('zcard', 'ztmp')) === 1, '[r zcard ztmp] == 1');
      });

      await test(`ZADD XX returns the number of elements actually added - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x');
        const retval = await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(retval) === 2, '$retval == 2');
      });

      await test(`ZADD XX updates existing elements score - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        await r('zadd', 'ztmp', 'xx', 5, 'foo', 11, 'x', 21, 'y', 40, 'zap');
        assert(tclNum(await r('zcard', 'ztmp')) === 3, '[r zcard ztmp] == 3');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 11, '[r zscore ztmp x] == 11');
        assert(tclNum(await r('zscore', 'ztmp', 'y')) === 21, '[r zscore ztmp y] == 21');
      });

      await test(`ZADD GT updates existing elements when new scores are greater - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zadd', 'ztmp', 'gt', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z')) === 3, '[r zadd ztmp gt ch 5 foo 11 x 21 y 29 z] == 3');
        assert(tclNum(await r('zcard', 'ztmp')) === 4, '[r zcard ztmp] == 4');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 11, '[r zscore ztmp x] == 11');
        assert(tclNum(await r('zscore', 'ztmp', 'y')) === 21, '[r zscore ztmp y] == 21');
        assert(tclNum(await r('zscore', 'ztmp', 'z')) === 30, '[r zscore ztmp z] == 30');
      });

      await test(`ZADD LT updates existing elements when new scores are lower - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zadd', 'ztmp', 'lt', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z')) === 2, '[r zadd ztmp lt ch 5 foo 11 x 21 y 29 z] == 2');
        assert(tclNum(await r('zcard', 'ztmp')) === 4, '[r zcard ztmp] == 4');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 10, '[r zscore ztmp x] == 10');
        assert(tclNum(await r('zscore', 'ztmp', 'y')) === 20, '[r zscore ztmp y] == 20');
        assert(tclNum(await r('zscore', 'ztmp', 'z')) === 29, '[r zscore ztmp z] == 29');
      });

      await test(`ZADD GT XX updates existing elements when new scores are greater and skips new elements - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zadd', 'ztmp', 'gt', 'xx', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z')) === 2, '[r zadd ztmp gt xx ch 5 foo 11 x 21 y 29 z] == 2');
        assert(tclNum(await r('zcard', 'ztmp')) === 3, '[r zcard ztmp] == 3');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 11, '[r zscore ztmp x] == 11');
        assert(tclNum(await r('zscore', 'ztmp', 'y')) === 21, '[r zscore ztmp y] == 21');
        assert(tclNum(await r('zscore', 'ztmp', 'z')) === 30, '[r zscore ztmp z] == 30');
      });

      await test(`ZADD LT XX updates existing elements when new scores are lower and skips new elements - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zadd', 'ztmp', 'lt', 'xx', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z')) === 1, '[r zadd ztmp lt xx ch 5 foo 11 x 21 y 29 z] == 1');
        assert(tclNum(await r('zcard', 'ztmp')) === 3, '[r zcard ztmp] == 3');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 10, '[r zscore ztmp x] == 10');
        assert(tclNum(await r('zscore', 'ztmp', 'y')) === 20, '[r zscore ztmp y] == 20');
        assert(tclNum(await r('zscore', 'ztmp', 'z')) === 29, '[r zscore ztmp z] == 29');
      });

      await test(
        `ZADD XX and NX are not compatible - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          return (await tclCatch(() => r('zadd', 'ztmp', 'xx', 'nx', 10, 'x'))).value;
        },
        { okPattern: 'ERR*' },
      );

      await test(`ZADD NX with non existing key - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 'nx', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zcard', 'ztmp')) === 3, '[r zcard ztmp] == 3');
      });

      await test(`ZADD NX only add new elements without updating old ones - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zadd', 'ztmp', 'nx', 11, 'x', 21, 'y', 100, 'a', 200, 'b')) === 2, '[r zadd ztmp nx 11 x 21 y 100 a 200 b] == 2');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 10, '[r zscore ztmp x] == 10');
        assert(tclNum(await r('zscore', 'ztmp', 'y')) === 20, '[r zscore ztmp y] == 20');
        assert(tclNum(await r('zscore', 'ztmp', 'a')) === 100, '[r zscore ztmp a] == 100');
        assert(tclNum(await r('zscore', 'ztmp', 'b')) === 200, '[r zscore ztmp b] == 200');
      });

      await test(
        `ZADD GT and NX are not compatible - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          return (await tclCatch(() => r('zadd', 'ztmp', 'gt', 'nx', 10, 'x'))).value;
        },
        { okPattern: 'ERR*' },
      );

      await test(
        `ZADD LT and NX are not compatible - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          return (await tclCatch(() => r('zadd', 'ztmp', 'lt', 'nx', 10, 'x'))).value;
        },
        { okPattern: 'ERR*' },
      );

      await test(
        `ZADD LT and GT are not compatible - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          return (await tclCatch(() => r('zadd', 'ztmp', 'lt', 'gt', 10, 'x'))).value;
        },
        { okPattern: 'ERR*' },
      );

      await test(`ZADD INCR LT/GT replies with nill if score not updated - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 28, 'x');
        assert(tclString(await r('zadd', 'ztmp', 'lt', 'incr', 1, 'x')) === '', '[r zadd ztmp lt incr 1 x] eq {}');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 28, '[r zscore ztmp x] == 28');
        assert(tclString(await r('zadd', 'ztmp', 'gt', 'incr', -1, 'x')) === '', '[r zadd ztmp gt incr -1 x] eq {}');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 28, '[r zscore ztmp x] == 28');
      });

      await test(`ZADD INCR LT/GT with inf - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', '+inf', 'x', '-inf', 'y');

        for (const [member, inf] of [
          ['x', Infinity],
          ['y', -Infinity],
        ] as const) {
          for (const [flag, incr] of [
            ['lt', 1],
            ['gt', -1],
            ['lt', -1],
            ['gt', 1],
          ] as const) {
            assert(tclString(await r('zadd', 'ztmp', flag, 'incr', incr, member)) === '', `[r zadd ztmp ${flag} incr ${incr} ${member}] eq {}`);
            assert(tclNum(await r('zscore', 'ztmp', member)) === inf, `[r zscore ztmp ${member}] == ${inf > 0 ? 'inf' : '-inf'}`);
          }
        }
      });

      await test(`ZADD INCR works like ZINCRBY - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        await r('zadd', 'ztmp', 'INCR', 15, 'x');
        assert(tclNum(await r('zscore', 'ztmp', 'x')) === 25, '[r zscore ztmp x] == 25');
      });

      await test(
        `ZADD INCR works with a single score-elemenet pair - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
          return (await tclCatch(() => r('zadd', 'ztmp', 'INCR', 15, 'x', 10, 'y'))).value;
        },
        { okPattern: 'ERR*' },
      );

      await test(`ZADD CH option changes return value to all changed elements - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x', 20, 'y', 30, 'z');
        assert(tclNum(await r('zadd', 'ztmp', 11, 'x', 21, 'y', 30, 'z')) === 0, '[r zadd ztmp 11 x 21 y 30 z] == 0');
        assert(tclNum(await r('zadd', 'ztmp', 'ch', 12, 'x', 22, 'y', 30, 'z')) === 2, '[r zadd ztmp ch 12 x 22 y 30 z] == 2');
      });

      await test(`ZINCRBY calls leading to NaN result in error - ${encoding}`, async () => {
        await r('zincrby', 'myzset', '+inf', 'abc');
        await assertError('*NaN*', () => r('zincrby', 'myzset', '-inf', 'abc'));
      });

      // These five names are literal upstream: '$encoding' is not substituted.
      await test(
        'ZADD - Variadic version base case - $encoding',
        async () => {
          await r('del', 'myzset');
          return [await r('zadd', 'myzset', 10, 'a', 20, 'b', 30, 'c'), await r('zrange', 'myzset', 0, -1, 'withscores')];
        },
        { okPattern: '3 {a 10 b 20 c 30}' },
      );

      await test(
        'ZADD - Return value is the number of actually added items - $encoding',
        async () => [await r('zadd', 'myzset', 5, 'x', 20, 'b', 30, 'c'), await r('zrange', 'myzset', 0, -1, 'withscores')],
        { okPattern: '1 {x 5 a 10 b 20 c 30}' },
      );

      await test(
        'ZADD - Variadic version does not add nothing on single parsing err - $encoding',
        async () => {
          await r('del', 'myzset');
          const e = await tclCatch(() => r('zadd', 'myzset', 10, 'a', 20, 'b', '30.badscore', 'c'));
          assertMatch('*ERR*not*float*', e.value);
          return r('exists', 'myzset');
        },
        { okPattern: '0' },
      );

      await test('ZADD - Variadic version will raise error on missing arg - $encoding', async () => {
        await r('del', 'myzset');
        const e = await tclCatch(() => r('zadd', 'myzset', 10, 'a', 20, 'b', 30, 'c', 40));
        assertMatch('*ERR*syntax*', e.value);
      });

      await test('ZINCRBY does not work variadic even if shares ZADD implementation - $encoding', async () => {
        await r('del', 'myzset');
        const e = await tclCatch(() => r('zincrby', 'myzset', 10, 'a', 20, 'b', 30, 'c'));
        assertMatch('*ERR*wrong*number*arg*', e.value);
      });

      await test(`ZCARD basics - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'a', 20, 'b', 30, 'c');
        assertEqual(3, await r('zcard', 'ztmp'));
        assertEqual(0, await r('zcard', 'zdoesntexist'));
      });

      await test(`ZREM removes key after last element is removed - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 10, 'x');
        await r('zadd', 'ztmp', 20, 'y');

        assertEqual(1, await r('exists', 'ztmp'));
        assertEqual(0, await r('zrem', 'ztmp', 'z'));
        assertEqual(1, await r('zrem', 'ztmp', 'y'));
        assertEqual(1, await r('zrem', 'ztmp', 'x'));
        assertEqual(0, await r('exists', 'ztmp'));
      });

      await test(
        `ZREM variadic version - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          await r('zadd', 'ztmp', 10, 'a', 20, 'b', 30, 'c');
          assertEqual(2, await r('zrem', 'ztmp', 'x', 'y', 'a', 'b', 'k'));
          assertEqual(0, await r('zrem', 'ztmp', 'foo', 'bar'));
          assertEqual(1, await r('zrem', 'ztmp', 'c'));
          return r('exists', 'ztmp');
        },
        { okPattern: '0' },
      );

      await test(
        `ZREM variadic version -- remove elements after key deletion - ${encoding}`,
        async () => {
          await r('del', 'ztmp');
          await r('zadd', 'ztmp', 10, 'a', 20, 'b', 30, 'c');
          return r('zrem', 'ztmp', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
        },
        { okPattern: '3' },
      );

      await test(`ZRANGE basics - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 1, 'a');
        await r('zadd', 'ztmp', 2, 'b');
        await r('zadd', 'ztmp', 3, 'c');
        await r('zadd', 'ztmp', 4, 'd');

        assertEqual('a b c d', await r('zrange', 'ztmp', 0, -1));
        assertEqual('a b c', await r('zrange', 'ztmp', 0, -2));
        assertEqual('b c d', await r('zrange', 'ztmp', 1, -1));
        assertEqual('b c', await r('zrange', 'ztmp', 1, -2));
        assertEqual('c d', await r('zrange', 'ztmp', -2, -1));
        assertEqual('c', await r('zrange', 'ztmp', -2, -2));

        // start index out of range
        assertEqual('a b c', await r('zrange', 'ztmp', -5, 2));
        assertEqual('a b', await r('zrange', 'ztmp', -5, 1));
        assertEqual('', await r('zrange', 'ztmp', 5, -1));
        assertEqual('', await r('zrange', 'ztmp', 5, -2));

        // end index out of range
        assertEqual('a b c d', await r('zrange', 'ztmp', 0, 5));
        assertEqual('b c d', await r('zrange', 'ztmp', 1, 5));
        assertEqual('', await r('zrange', 'ztmp', 0, -5));
        assertEqual('', await r('zrange', 'ztmp', 1, -5));

        assertEqual('a 1 b 2 c 3 d 4', await r('zrange', 'ztmp', 0, -1, 'withscores'));
      });

      await test(`ZREVRANGE basics - ${encoding}`, async () => {
        await r('del', 'ztmp');
        await r('zadd', 'ztmp', 1, 'a');
        await r('zadd', 'ztmp', 2, 'b');
        await r('zadd', 'ztmp', 3, 'c');
        await r('zadd', 'ztmp', 4, 'd');

        assertEqual('d c b a', await r('zrevrange', 'ztmp', 0, -1));
        assertEqual('d c b', await r('zrevrange', 'ztmp', 0, -2));
        assertEqual('c b a', await r('zrevrange', 'ztmp', 1, -1));
        assertEqual('c b', await r('zrevrange', 'ztmp', 1, -2));
        assertEqual('b a', await r('zrevrange', 'ztmp', -2, -1));
        assertEqual('b', await r('zrevrange', 'ztmp', -2, -2));

        // start index out of range
        assertEqual('d c b', await r('zrevrange', 'ztmp', -5, 2));
        assertEqual('d c', await r('zrevrange', 'ztmp', -5, 1));
        assertEqual('', await r('zrevrange', 'ztmp', 5, -1));
        assertEqual('', await r('zrevrange', 'ztmp', 5, -2));

        // end index out of range
        assertEqual('d c b a', await r('zrevrange', 'ztmp', 0, 5));
        assertEqual('c b a', await r('zrevrange', 'ztmp', 1, 5));
        assertEqual('', await r('zrevrange', 'ztmp', 0, -5));
        assertEqual('', await r('zrevrange', 'ztmp', 1, -5));

        assertEqual('d 4 c 3 b 2 a 1', await r('zrevrange', 'ztmp', 0, -1, 'withscores'));
      });

      await test(`ZRANK/ZREVRANK basics - ${encoding}`, async () => {
        await r('del', 'zranktmp');
        await r('zadd', 'zranktmp', 10, 'x');
        await r('zadd', 'zranktmp', 20, 'y');
        await r('zadd', 'zranktmp', 30, 'z');
        assertEqual(0, await r('zrank', 'zranktmp', 'x'));
        assertEqual(1, await r('zrank', 'zranktmp', 'y'));
        assertEqual(2, await r('zrank', 'zranktmp', 'z'));
        assertEqual('', await r('zrank', 'zranktmp', 'foo'));
        assertEqual(2, await r('zrevrank', 'zranktmp', 'x'));
        assertEqual(1, await r('zrevrank', 'zranktmp', 'y'));
        assertEqual(0, await r('zrevrank', 'zranktmp', 'z'));
        assertEqual('', await r('zrevrank', 'zranktmp', 'foo'));
      });

      await test(`ZRANK - after deletion - ${encoding}`, async () => {
        await r('zrem', 'zranktmp', 'y');
        assertEqual(0, await r('zrank', 'zranktmp', 'x'));
        assertEqual(1, await r('zrank', 'zranktmp', 'z'));
      });

      await test(`ZINCRBY - can create a new sorted set - ${encoding}`, async () => {
        await r('del', 'zset');
        await r('zincrby', 'zset', 1, 'foo');
        assertEqual('foo', await r('zrange', 'zset', 0, -1));
        assertEqual(1, await r('zscore', 'zset', 'foo'));
      });

      await test(`ZINCRBY - increment and decrement - ${encoding}`, async () => {
        await r('zincrby', 'zset', 2, 'foo');
        await r('zincrby', 'zset', 1, 'bar');
        assertEqual('bar foo', await r('zrange', 'zset', 0, -1));

        await r('zincrby', 'zset', 10, 'bar');
        await r('zincrby', 'zset', -5, 'foo');
        await r('zincrby', 'zset', -5, 'bar');
        assertEqual('foo bar', await r('zrange', 'zset', 0, -1));

        assertEqual(-2, await r('zscore', 'zset', 'foo'));
        assertEqual(6, await r('zscore', 'zset', 'bar'));
      });

      await test(`ZINCRBY return value - ${encoding}`, async () => {
        await r('del', 'ztmp');
        const retval = await r('zincrby', 'ztmp', '1.0', 'x');
        assert(tclNum(retval) === 1.0, '$retval == 1.0');
      });

      const createDefaultZset = () => createZset('zset', ['-inf', 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e', 5, 'f', '+inf', 'g']);

      await test(`ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZCOUNT basics - ${encoding}`, async () => {
        await createDefaultZset();

        // inclusive range
        assertEqual('a b c', await r('zrangebyscore', 'zset', '-inf', 2));
        assertEqual('b c d', await r('zrangebyscore', 'zset', 0, 3));
        assertEqual('d e f', await r('zrangebyscore', 'zset', 3, 6));
        assertEqual('e f g', await r('zrangebyscore', 'zset', 4, '+inf'));
        assertEqual('c b a', await r('zrevrangebyscore', 'zset', 2, '-inf'));
        assertEqual('d c b', await r('zrevrangebyscore', 'zset', 3, 0));
        assertEqual('f e d', await r('zrevrangebyscore', 'zset', 6, 3));
        assertEqual('g f e', await r('zrevrangebyscore', 'zset', '+inf', 4));
        assertEqual(3, await r('zcount', 'zset', 0, 3));

        // exclusive range
        assertEqual('b', await r('zrangebyscore', 'zset', '(-inf', '(2'));
        assertEqual('b c', await r('zrangebyscore', 'zset', '(0', '(3'));
        assertEqual('e f', await r('zrangebyscore', 'zset', '(3', '(6'));
        assertEqual('f', await r('zrangebyscore', 'zset', '(4', '(+inf'));
        assertEqual('b', await r('zrevrangebyscore', 'zset', '(2', '(-inf'));
        assertEqual('c b', await r('zrevrangebyscore', 'zset', '(3', '(0'));
        assertEqual('f e', await r('zrevrangebyscore', 'zset', '(6', '(3'));
        assertEqual('f', await r('zrevrangebyscore', 'zset', '(+inf', '(4'));
        assertEqual(2, await r('zcount', 'zset', '(0', '(3'));

        // empty ranges
        await r('zrem', 'zset', 'a');
        await r('zrem', 'zset', 'g');

        // inclusive
        assertEqual('', await r('zrangebyscore', 'zset', 4, 2));
        assertEqual('', await r('zrangebyscore', 'zset', 6, '+inf'));
        assertEqual('', await r('zrangebyscore', 'zset', '-inf', -6));
        assertEqual('', await r('zrevrangebyscore', 'zset', '+inf', 6));
        assertEqual('', await r('zrevrangebyscore', 'zset', -6, '-inf'));

        // exclusive
        assertEqual('', await r('zrangebyscore', 'zset', '(4', '(2'));
        assertEqual('', await r('zrangebyscore', 'zset', 2, '(2'));
        assertEqual('', await r('zrangebyscore', 'zset', '(2', 2));
        assertEqual('', await r('zrangebyscore', 'zset', '(6', '(+inf'));
        assertEqual('', await r('zrangebyscore', 'zset', '(-inf', '(-6'));
        assertEqual('', await r('zrevrangebyscore', 'zset', '(+inf', '(6'));
        assertEqual('', await r('zrevrangebyscore', 'zset', '(-6', '(-inf'));

        // empty inner range
        assertEqual('', await r('zrangebyscore', 'zset', 2.4, 2.6));
        assertEqual('', await r('zrangebyscore', 'zset', '(2.4', 2.6));
        assertEqual('', await r('zrangebyscore', 'zset', 2.4, '(2.6'));
        assertEqual('', await r('zrangebyscore', 'zset', '(2.4', '(2.6'));
      });

      await test(`ZRANGEBYSCORE with WITHSCORES - ${encoding}`, async () => {
        await createDefaultZset();
        assertEqual('b 1 c 2 d 3', await r('zrangebyscore', 'zset', 0, 3, 'withscores'));
        assertEqual('d 3 c 2 b 1', await r('zrevrangebyscore', 'zset', 3, 0, 'withscores'));
      });

      await test(`ZRANGEBYSCORE with LIMIT - ${encoding}`, async () => {
        await createDefaultZset();
        assertEqual('b c', await r('zrangebyscore', 'zset', 0, 10, 'LIMIT', 0, 2));
        assertEqual('d e f', await r('zrangebyscore', 'zset', 0, 10, 'LIMIT', 2, 3));
        assertEqual('d e f', await r('zrangebyscore', 'zset', 0, 10, 'LIMIT', 2, 10));
        assertEqual('', await r('zrangebyscore', 'zset', 0, 10, 'LIMIT', 20, 10));
        assertEqual('f e', await r('zrevrangebyscore', 'zset', 10, 0, 'LIMIT', 0, 2));
        assertEqual('d c b', await r('zrevrangebyscore', 'zset', 10, 0, 'LIMIT', 2, 3));
        assertEqual('d c b', await r('zrevrangebyscore', 'zset', 10, 0, 'LIMIT', 2, 10));
        assertEqual('', await r('zrevrangebyscore', 'zset', 10, 0, 'LIMIT', 20, 10));
      });

      await test(`ZRANGEBYSCORE with LIMIT and WITHSCORES - ${encoding}`, async () => {
        await createDefaultZset();
        assertEqual('e 4 f 5', await r('zrangebyscore', 'zset', 2, 5, 'LIMIT', 2, 3, 'WITHSCORES'));
        assertEqual('d 3 c 2', await r('zrevrangebyscore', 'zset', 5, 2, 'LIMIT', 2, 3, 'WITHSCORES'));
        assertEqual('', await r('zrangebyscore', 'zset', 2, 5, 'LIMIT', 12, 13, 'WITHSCORES'));
      });

      await test(`ZRANGEBYSCORE with non-value min or max - ${encoding}`, async () => {
        await assertError('*not*float*', () => r('zrangebyscore', 'fooz', 'str', 1));
        await assertError('*not*float*', () => r('zrangebyscore', 'fooz', 1, 'str'));
        await assertError('*not*float*', () => r('zrangebyscore', 'fooz', 1, 'NaN'));
      });

      const createDefaultLexZset = () =>
        createZset('zset', [0, 'alpha', 0, 'bar', 0, 'cool', 0, 'down', 0, 'elephant', 0, 'foo', 0, 'great', 0, 'hill', 0, 'omega']);

      await test(`ZRANGEBYLEX/ZREVRANGEBYLEX/ZLEXCOUNT basics - ${encoding}`, async () => {
        await createDefaultLexZset();

        // inclusive range
        assertEqual('alpha bar cool', await r('zrangebylex', 'zset', '-', '[cool'));
        assertEqual('bar cool down', await r('zrangebylex', 'zset', '[bar', '[down'));
        assertEqual('great hill omega', await r('zrangebylex', 'zset', '[g', '+'));
        assertEqual('cool bar alpha', await r('zrevrangebylex', 'zset', '[cool', '-'));
        assertEqual('down cool bar', await r('zrevrangebylex', 'zset', '[down', '[bar'));
        assertEqual('omega hill great foo elephant down', await r('zrevrangebylex', 'zset', '+', '[d'));
        assertEqual(3, await r('zlexcount', 'zset', '[ele', '[h'));

        // exclusive range
        assertEqual('alpha bar', await r('zrangebylex', 'zset', '-', '(cool'));
        assertEqual('cool', await r('zrangebylex', 'zset', '(bar', '(down'));
        assertEqual('hill omega', await r('zrangebylex', 'zset', '(great', '+'));
        assertEqual('bar alpha', await r('zrevrangebylex', 'zset', '(cool', '-'));
        assertEqual('cool', await r('zrevrangebylex', 'zset', '(down', '(bar'));
        assertEqual('omega hill', await r('zrevrangebylex', 'zset', '+', '(great'));
        assertEqual(2, await r('zlexcount', 'zset', '(ele', '(great'));

        // inclusive and exclusive
        assertEqual('', await r('zrangebylex', 'zset', '(az', '(b'));
        assertEqual('', await r('zrangebylex', 'zset', '(z', '+'));
        assertEqual('', await r('zrangebylex', 'zset', '-', '[aaaa'));
        assertEqual('', await r('zrevrangebylex', 'zset', '[elez', '[elex'));
        assertEqual('', await r('zrevrangebylex', 'zset', '(hill', '(omega'));
      });

      await test(`ZLEXCOUNT advanced - ${encoding}`, async () => {
        await createDefaultLexZset();

        assertEqual(9, await r('zlexcount', 'zset', '-', '+'));
        assertEqual(0, await r('zlexcount', 'zset', '+', '-'));
        assertEqual(0, await r('zlexcount', 'zset', '+', '[c'));
        assertEqual(0, await r('zlexcount', 'zset', '[c', '-'));
        assertEqual(8, await r('zlexcount', 'zset', '[bar', '+'));
        assertEqual(5, await r('zlexcount', 'zset', '[bar', '[foo'));
        assertEqual(4, await r('zlexcount', 'zset', '[bar', '(foo'));
        assertEqual(4, await r('zlexcount', 'zset', '(bar', '[foo'));
        assertEqual(3, await r('zlexcount', 'zset', '(bar', '(foo'));
        assertEqual(5, await r('zlexcount', 'zset', '-', '(foo'));
        assertEqual(1, await r('zlexcount', 'zset', '(maxstring', '+'));
      });

      await test(`ZRANGEBYSLEX with LIMIT - ${encoding}`, async () => {
        await createDefaultLexZset();
        assertEqual('alpha bar', await r('zrangebylex', 'zset', '-', '[cool', 'LIMIT', 0, 2));
        assertEqual('bar cool', await r('zrangebylex', 'zset', '-', '[cool', 'LIMIT', 1, 2));
        assertEqual('', await r('zrangebylex', 'zset', '[bar', '[down', 'LIMIT', 0, 0));
        assertEqual('', await r('zrangebylex', 'zset', '[bar', '[down', 'LIMIT', 2, 0));
        assertEqual('bar', await r('zrangebylex', 'zset', '[bar', '[down', 'LIMIT', 0, 1));
        assertEqual('cool', await r('zrangebylex', 'zset', '[bar', '[down', 'LIMIT', 1, 1));
        assertEqual('bar cool down', await r('zrangebylex', 'zset', '[bar', '[down', 'LIMIT', 0, 100));
        assertEqual('omega hill great foo elephant', await r('zrevrangebylex', 'zset', '+', '[d', 'LIMIT', 0, 5));
        assertEqual('omega hill great foo', await r('zrevrangebylex', 'zset', '+', '[d', 'LIMIT', 0, 4));
      });

      await test(`ZRANGEBYLEX with invalid lex range specifiers - ${encoding}`, async () => {
        await assertError('*not*string*', () => r('zrangebylex', 'fooz', 'foo', 'bar'));
        await assertError('*not*string*', () => r('zrangebylex', 'fooz', '[foo', 'bar'));
        await assertError('*not*string*', () => r('zrangebylex', 'fooz', 'foo', '[bar'));
        await assertError('*not*string*', () => r('zrangebylex', 'fooz', '+x', '[bar'));
        await assertError('*not*string*', () => r('zrangebylex', 'fooz', '-x', '[bar'));
      });

      await test(`ZREMRANGEBYSCORE basics - ${encoding}`, async () => {
        const remrangebyscore = async (min: Arg, max: Arg) => {
          await createZset('zset', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
          assertEqual(1, await r('exists', 'zset'));
          return r('zremrangebyscore', 'zset', min, max);
        };

        // inner range
        assertEqual(3, await remrangebyscore(2, 4));
        assertEqual('a e', await r('zrange', 'zset', 0, -1));

        // start underflow
        assertEqual(1, await remrangebyscore(-10, 1));
        assertEqual('b c d e', await r('zrange', 'zset', 0, -1));

        // end overflow
        assertEqual(1, await remrangebyscore(5, 10));
        assertEqual('a b c d', await r('zrange', 'zset', 0, -1));

        // min and max swapped
        assertEqual(0, await remrangebyscore(4, 2));
        assertEqual('a b c d e', await r('zrange', 'zset', 0, -1));

        // -inf to mid
        assertEqual(3, await remrangebyscore('-inf', 3));
        assertEqual('d e', await r('zrange', 'zset', 0, -1));

        // mid to +inf
        assertEqual(3, await remrangebyscore(3, '+inf'));
        assertEqual('a b', await r('zrange', 'zset', 0, -1));

        // -inf to +inf
        assertEqual(5, await remrangebyscore('-inf', '+inf'));
        assertEqual('', await r('zrange', 'zset', 0, -1));

        // exclusive min
        assertEqual(4, await remrangebyscore('(1', 5));
        assertEqual('a', await r('zrange', 'zset', 0, -1));
        assertEqual(3, await remrangebyscore('(2', 5));
        assertEqual('a b', await r('zrange', 'zset', 0, -1));

        // exclusive max
        assertEqual(4, await remrangebyscore(1, '(5'));
        assertEqual('e', await r('zrange', 'zset', 0, -1));
        assertEqual(3, await remrangebyscore(1, '(4'));
        assertEqual('d e', await r('zrange', 'zset', 0, -1));

        // exclusive min and max
        assertEqual(3, await remrangebyscore('(1', '(5'));
        assertEqual('a e', await r('zrange', 'zset', 0, -1));

        // the key goes away once empty
        assertEqual(5, await remrangebyscore(1, 5));
        assertEqual(0, await r('exists', 'zset'));
      });

      await test(`ZREMRANGEBYSCORE with non-value min or max - ${encoding}`, async () => {
        await assertError('*not*float*', () => r('zremrangebyscore', 'fooz', 'str', 1));
        await assertError('*not*float*', () => r('zremrangebyscore', 'fooz', 1, 'str'));
        await assertError('*not*float*', () => r('zremrangebyscore', 'fooz', 1, 'NaN'));
      });

      await test(`ZREMRANGEBYRANK basics - ${encoding}`, async () => {
        const remrangebyrank = async (min: number, max: number) => {
          await createZset('zset', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
          assertEqual(1, await r('exists', 'zset'));
          return r('zremrangebyrank', 'zset', min, max);
        };

        // inner range
        assertEqual(3, await remrangebyrank(1, 3));
        assertEqual('a e', await r('zrange', 'zset', 0, -1));

        // start underflow
        assertEqual(1, await remrangebyrank(-10, 0));
        assertEqual('b c d e', await r('zrange', 'zset', 0, -1));

        // start overflow
        assertEqual(0, await remrangebyrank(10, -1));
        assertEqual('a b c d e', await r('zrange', 'zset', 0, -1));

        // end underflow
        assertEqual(0, await remrangebyrank(0, -10));
        assertEqual('a b c d e', await r('zrange', 'zset', 0, -1));

        // end overflow
        assertEqual(5, await remrangebyrank(0, 10));
        assertEqual('', await r('zrange', 'zset', 0, -1));

        // the key goes away once empty
        assertEqual(5, await remrangebyrank(0, 4));
        assertEqual(0, await r('exists', 'zset'));
      });

      await test(`ZUNIONSTORE against non-existing key doesn't set destination - ${encoding}`, async () => {
        await r('del', 'zseta{t}');
        assertEqual(0, await r('zunionstore', 'dst_key{t}', 1, 'zseta{t}'));
        assertEqual(0, await r('exists', 'dst_key{t}'));
      });

      await test(`ZUNION/ZINTER/ZINTERCARD/ZDIFF against non-existing key - ${encoding}`, async () => {
        await r('del', 'zseta');
        assertEqual('', await r('zunion', 1, 'zseta'));
        assertEqual('', await r('zinter', 1, 'zseta'));
        assertEqual(0, await r('zintercard', 1, 'zseta'));
        assertEqual(0, await r('zintercard', 1, 'zseta', 'limit', 0));
        assertEqual('', await r('zdiff', 1, 'zseta'));
      });

      await test(
        `ZUNIONSTORE with empty set - ${encoding}`,
        async () => {
          await r('del', 'zseta{t}', 'zsetb{t}');
          await r('zadd', 'zseta{t}', 1, 'a');
          await r('zadd', 'zseta{t}', 2, 'b');
          await r('zunionstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}');
          return r('zrange', 'zsetc{t}', 0, -1, 'withscores');
        },
        { okPattern: 'a 1 b 2' },
      );

      await test(`ZUNION/ZINTER/ZINTERCARD/ZDIFF with empty set - ${encoding}`, async () => {
        await r('del', 'zseta{t}', 'zsetb{t}');
        await r('zadd', 'zseta{t}', 1, 'a');
        await r('zadd', 'zseta{t}', 2, 'b');
        assertEqual('a 1 b 2', await r('zunion', 2, 'zseta{t}', 'zsetb{t}', 'withscores'));
        assertEqual('', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'withscores'));
        assertEqual(0, await r('zintercard', 2, 'zseta{t}', 'zsetb{t}'));
        assertEqual(0, await r('zintercard', 2, 'zseta{t}', 'zsetb{t}', 'limit', 0));
        assertEqual('a 1 b 2', await r('zdiff', 2, 'zseta{t}', 'zsetb{t}', 'withscores'));
      });

      await test(`ZUNIONSTORE basics - ${encoding}`, async () => {
        await r('del', 'zseta{t}', 'zsetb{t}', 'zsetc{t}');
        await r('zadd', 'zseta{t}', 1, 'a');
        await r('zadd', 'zseta{t}', 2, 'b');
        await r('zadd', 'zseta{t}', 3, 'c');
        await r('zadd', 'zsetb{t}', 1, 'b');
        await r('zadd', 'zsetb{t}', 2, 'c');
        await r('zadd', 'zsetb{t}', 3, 'd');

        assertEqual(4, await r('zunionstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'));
        assertEqual('a 1 b 3 d 3 c 5', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZUNION/ZINTER/ZINTERCARD/ZDIFF with integer members - ${encoding}`, async () => {
        await r('del', 'zsetd{t}', 'zsetf{t}');
        await r('zadd', 'zsetd{t}', 1, 1);
        await r('zadd', 'zsetd{t}', 2, 2);
        await r('zadd', 'zsetd{t}', 3, 3);
        await r('zadd', 'zsetf{t}', 1, 1);
        await r('zadd', 'zsetf{t}', 3, 3);
        await r('zadd', 'zsetf{t}', 4, 4);

        assertEqual('1 2 2 2 4 4 3 6', await r('zunion', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'));
        assertEqual('1 2 3 6', await r('zinter', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'));
        assertEqual(2, await r('zintercard', 2, 'zsetd{t}', 'zsetf{t}'));
        assertEqual(2, await r('zintercard', 2, 'zsetd{t}', 'zsetf{t}', 'limit', 0));
        assertEqual('2 2', await r('zdiff', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'));
      });

      await test(`ZUNIONSTORE with weights - ${encoding}`, async () => {
        assertEqual(4, await r('zunionstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3));
        assertEqual('a 2 b 7 d 9 c 12', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZUNION with weights - ${encoding}`, async () => {
        assertEqual('a 2 b 7 d 9 c 12', await r('zunion', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3, 'withscores'));
        assertEqual('b 7 c 12', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3, 'withscores'));
      });

      await test(`ZUNIONSTORE with a regular set and weights - ${encoding}`, async () => {
        await r('del', 'seta{t}');
        await r('sadd', 'seta{t}', 'a');
        await r('sadd', 'seta{t}', 'b');
        await r('sadd', 'seta{t}', 'c');

        assertEqual(4, await r('zunionstore', 'zsetc{t}', 2, 'seta{t}', 'zsetb{t}', 'weights', 2, 3));
        assertEqual('a 2 b 5 c 8 d 9', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZUNIONSTORE with AGGREGATE MIN - ${encoding}`, async () => {
        assertEqual(4, await r('zunionstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min'));
        assertEqual('a 1 b 1 c 2 d 3', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZUNION/ZINTER with AGGREGATE MIN - ${encoding}`, async () => {
        assertEqual('a 1 b 1 c 2 d 3', await r('zunion', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min', 'withscores'));
        assertEqual('b 1 c 2', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min', 'withscores'));
      });

      await test(`ZUNIONSTORE with AGGREGATE MAX - ${encoding}`, async () => {
        assertEqual(4, await r('zunionstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max'));
        assertEqual('a 1 b 2 c 3 d 3', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZUNION/ZINTER with AGGREGATE MAX - ${encoding}`, async () => {
        assertEqual('a 1 b 2 c 3 d 3', await r('zunion', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max', 'withscores'));
        assertEqual('b 2 c 3', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max', 'withscores'));
      });

      await test(`ZINTERSTORE basics - ${encoding}`, async () => {
        assertEqual(2, await r('zinterstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'));
        assertEqual('b 3 c 5', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZINTER basics - ${encoding}`, async () => {
        assertEqual('b 3 c 5', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'withscores'));
      });

      await test('ZINTERCARD with illegal arguments', async () => {
        await assertError('ERR syntax error*', () => r('zintercard', 1, 'zseta{t}', 'zseta{t}'));
        await assertError('ERR syntax error*', () => r('zintercard', 1, 'zseta{t}', 'bar_arg'));
        await assertError('ERR syntax error*', () => r('zintercard', 1, 'zseta{t}', 'LIMIT'));

        await assertError('ERR LIMIT*', () => r('zintercard', 1, 'myset{t}', 'LIMIT', -1));
        await assertError('ERR LIMIT*', () => r('zintercard', 1, 'myset{t}', 'LIMIT', 'a'));
      });

      await test(`ZINTERCARD basics - ${encoding}`, async () => {
        assertEqual(2, await r('zintercard', 2, 'zseta{t}', 'zsetb{t}'));
        assertEqual(2, await r('zintercard', 2, 'zseta{t}', 'zsetb{t}', 'limit', 0));
        assertEqual(1, await r('zintercard', 2, 'zseta{t}', 'zsetb{t}', 'limit', 1));
        assertEqual(2, await r('zintercard', 2, 'zseta{t}', 'zsetb{t}', 'limit', 10));
      });

      await test(`ZINTER RESP3 - ${encoding}`, async () => {
        await r('hello', 3);
        assertEqual('{b 3.0} {c 5.0}', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'withscores'));
        await r('hello', 2);
      });

      await test(`ZINTERSTORE with weights - ${encoding}`, async () => {
        assertEqual(2, await r('zinterstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3));
        assertEqual('b 7 c 12', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZINTER with weights - ${encoding}`, async () => {
        assertEqual('b 7 c 12', await r('zinter', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3, 'withscores'));
      });

      await test(`ZINTERSTORE with a regular set and weights - ${encoding}`, async () => {
        await r('del', 'seta{t}');
        await r('sadd', 'seta{t}', 'a');
        await r('sadd', 'seta{t}', 'b');
        await r('sadd', 'seta{t}', 'c');
        assertEqual(2, await r('zinterstore', 'zsetc{t}', 2, 'seta{t}', 'zsetb{t}', 'weights', 2, 3));
        assertEqual('b 5 c 8', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZINTERSTORE with AGGREGATE MIN - ${encoding}`, async () => {
        assertEqual(2, await r('zinterstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min'));
        assertEqual('b 1 c 2', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZINTERSTORE with AGGREGATE MAX - ${encoding}`, async () => {
        assertEqual(2, await r('zinterstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max'));
        assertEqual('b 2 c 3', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      for (const cmd of ['ZUNIONSTORE', 'ZINTERSTORE']) {
        await test(`${cmd} with +inf/-inf scores - ${encoding}`, async () => {
          await r('del', 'zsetinf1{t}', 'zsetinf2{t}');

          await r('zadd', 'zsetinf1{t}', '+inf', 'key');
          await r('zadd', 'zsetinf2{t}', '+inf', 'key');
          await r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}');
          assertEqual('inf', await r('zscore', 'zsetinf3{t}', 'key'));

          await r('zadd', 'zsetinf1{t}', '-inf', 'key');
          await r('zadd', 'zsetinf2{t}', '+inf', 'key');
          await r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}');
          assertEqual(0, await r('zscore', 'zsetinf3{t}', 'key'));

          await r('zadd', 'zsetinf1{t}', '+inf', 'key');
          await r('zadd', 'zsetinf2{t}', '-inf', 'key');
          await r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}');
          assertEqual(0, await r('zscore', 'zsetinf3{t}', 'key'));

          await r('zadd', 'zsetinf1{t}', '-inf', 'key');
          await r('zadd', 'zsetinf2{t}', '-inf', 'key');
          await r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}');
          assertEqual('-inf', await r('zscore', 'zsetinf3{t}', 'key'));
        });

        await test(`${cmd} with NaN weights - ${encoding}`, async () => {
          await r('del', 'zsetinf1{t}', 'zsetinf2{t}');

          await r('zadd', 'zsetinf1{t}', '1.0', 'key');
          await r('zadd', 'zsetinf2{t}', '1.0', 'key');
          await assertError('*weight*not*float*', () => r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}', 'weights', 'nan', 'nan'));
        });
      }

      await test(`ZDIFFSTORE basics - ${encoding}`, async () => {
        assertEqual(1, await r('zdiffstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'));
        assertEqual('a 1', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZDIFF basics - ${encoding}`, async () => {
        assertEqual('a 1', await r('zdiff', 2, 'zseta{t}', 'zsetb{t}', 'withscores'));
      });

      await test(`ZDIFFSTORE with a regular set - ${encoding}`, async () => {
        await r('del', 'seta{t}');
        await r('sadd', 'seta{t}', 'a');
        await r('sadd', 'seta{t}', 'b');
        await r('sadd', 'seta{t}', 'c');
        assertEqual(1, await r('zdiffstore', 'zsetc{t}', 2, 'seta{t}', 'zsetb{t}'));
        assertEqual('a 1', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZDIFF subtracting set from itself - ${encoding}`, async () => {
        assertEqual(0, await r('zdiffstore', 'zsetc{t}', 2, 'zseta{t}', 'zseta{t}'));
        assertEqual('', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZDIFF algorithm 1 - ${encoding}`, async () => {
        await r('del', 'zseta{t}', 'zsetb{t}', 'zsetc{t}');
        await r('zadd', 'zseta{t}', 1, 'a');
        await r('zadd', 'zseta{t}', 2, 'b');
        await r('zadd', 'zseta{t}', 3, 'c');
        await r('zadd', 'zsetb{t}', 1, 'b');
        await r('zadd', 'zsetb{t}', 2, 'c');
        await r('zadd', 'zsetb{t}', 3, 'd');
        assertEqual(1, await r('zdiffstore', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'));
        assertEqual('a 1', await r('zrange', 'zsetc{t}', 0, -1, 'withscores'));
      });

      await test(`ZDIFF algorithm 2 - ${encoding}`, async () => {
        await r('del', 'zseta{t}', 'zsetb{t}', 'zsetc{t}', 'zsetd{t}', 'zsete{t}');
        await r('zadd', 'zseta{t}', 1, 'a');
        await r('zadd', 'zseta{t}', 2, 'b');
        await r('zadd', 'zseta{t}', 3, 'c');
        await r('zadd', 'zseta{t}', 5, 'e');
        await r('zadd', 'zsetb{t}', 1, 'b');
        await r('zadd', 'zsetc{t}', 1, 'c');
        await r('zadd', 'zsetd{t}', 1, 'd');
        assertEqual(2, await r('zdiffstore', 'zsete{t}', 4, 'zseta{t}', 'zsetb{t}', 'zsetc{t}', 'zsetd{t}'));
        assertEqual('a 1 e 5', await r('zrange', 'zsete{t}', 0, -1, 'withscores'));
      });

      await test(`ZDIFF fuzzing - ${encoding}`, async () => {
        // randomValue() can hold any byte: send it as Tcl does (one byte per character) and
        // read the reply as bytes on a client that does not decode UTF-8.
        const rb = await server.newClient({ buffers: true });
        for (let j = 0; j < 100; j++) {
          const s = new Set<string>();
          const args: string[] = [];
          const numSets = randomInt(10) + 1;
          for (let i = 0; i < numSets; i++) {
            let numElements = randomInt(100);
            await r('del', `zset_${i}{t}`);
            args.push(`zset_${i}{t}`);
            while (numElements) {
              const ele = String(randomValue());
              await r('zadd', `zset_${i}{t}`, randomInt(100), tclBytes(ele));
              if (i === 0) s.add(ele);
              else s.delete(ele);
              numElements--;
            }
          }
          const reply = (await rb.call('zdiff', args.length, ...args)) as Buffer[];
          const result = reply.map((b) => b.toString('latin1')).sort();
          assertEqual(result, [...s].sort());
        }
        await rb.close();
      });

      for (const pop of ['ZPOPMIN', 'ZPOPMAX']) {
        await test(`${pop} with the count 0 returns an empty array`, async () => {
          await r('del', 'zset');
          await r('zadd', 'zset', 1, 'a', 2, 'b', 3, 'c');
          assertEqual('', await r(pop, 'zset', 0));

          // An empty array, not a null reply.
          server.client.readRaw(true);
          assertEqual('*0', await r(pop, 'zset', 0));
          server.client.readRaw(false);

          assertEqual(3, await r('zcard', 'zset'));
        });

        await test(`${pop} with negative count`, async () => {
          await r('set', 'zset', 'foo');
          await assertError('ERR *must be positive', () => r(pop, 'zset', -1));

          await r('del', 'zset');
          await assertError('ERR *must be positive', () => r(pop, 'zset', -2));

          await r('zadd', 'zset', 1, 'a', 2, 'b', 3, 'c');
          await assertError('ERR *must be positive', () => r(pop, 'zset', -3));
        });
      }

      for (const [popmin, popmax] of [
        ['ZPOPMIN', 'ZPOPMAX'],
        ['ZMPOP_MIN', 'ZMPOP_MAX'],
      ]) {
        await test(`Basic ${popmin}/${popmax} with a single key - ${encoding}`, async () => {
          await r('del', 'zset');
          await verifyZpopResponse(server, popmin, 'zset', 0, '', '');

          await createZset('zset', [-1, 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e']);
          await verifyZpopResponse(server, popmin, 'zset', 0, 'a -1', 'zset {{a -1}}');
          await verifyZpopResponse(server, popmin, 'zset', 0, 'b 1', 'zset {{b 1}}');
          await verifyZpopResponse(server, popmax, 'zset', 0, 'e 4', 'zset {{e 4}}');
          await verifyZpopResponse(server, popmax, 'zset', 0, 'd 3', 'zset {{d 3}}');
          await verifyZpopResponse(server, popmin, 'zset', 0, 'c 2', 'zset {{c 2}}');
          assertEqual(0, await r('exists', 'zset'));
        });

        await test(`${popmin}/${popmax} with count - ${encoding}`, async () => {
          await r('del', 'z1');
          await verifyZpopResponse(server, popmin, 'z1', 2, '', '');

          await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
          await verifyZpopResponse(server, popmin, 'z1', 2, 'a 0 b 1', 'z1 {{a 0} {b 1}}');
          await verifyZpopResponse(server, popmax, 'z1', 2, 'd 3 c 2', 'z1 {{d 3} {c 2}}');
        });
      }

      for (const [popmin, popmax] of [
        ['BZPOPMIN', 'BZPOPMAX'],
        ['BZMPOP_MIN', 'BZMPOP_MAX'],
      ]) {
        await test(`${popmin}/${popmax} with a single existing sorted set - ${encoding}`, async () => {
          const rd = await server.newClient();
          await createZset('zset', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);

          await verifyBzpopResponse(rd, popmin, 'zset', 5, 0, 'zset a 0', 'zset {{a 0}}');
          await verifyBzpopResponse(rd, popmax, 'zset', 5, 0, 'zset d 3', 'zset {{d 3}}');
          await verifyBzpopResponse(rd, popmin, 'zset', 5, 0, 'zset b 1', 'zset {{b 1}}');
          await verifyBzpopResponse(rd, popmax, 'zset', 5, 0, 'zset c 2', 'zset {{c 2}}');
          assertEqual(0, await r('exists', 'zset'));
          await rd.close();
        });

        await test(`${popmin}/${popmax} with multiple existing sorted sets - ${encoding}`, async () => {
          const rd = await server.newClient();
          await createZset('z1{t}', [0, 'a', 1, 'b', 2, 'c']);
          await createZset('z2{t}', [3, 'd', 4, 'e', 5, 'f']);

          await verifyBzpopTwoKeyResponse(rd, popmin, 'z1{t}', 'z2{t}', 5, 0, 'z1{t} a 0', 'z1{t} {{a 0}}');
          await verifyBzpopTwoKeyResponse(rd, popmax, 'z1{t}', 'z2{t}', 5, 0, 'z1{t} c 2', 'z1{t} {{c 2}}');
          assertEqual(1, await r('zcard', 'z1{t}'));
          assertEqual(3, await r('zcard', 'z2{t}'));

          await verifyBzpopTwoKeyResponse(rd, popmax, 'z2{t}', 'z1{t}', 5, 0, 'z2{t} f 5', 'z2{t} {{f 5}}');
          await verifyBzpopTwoKeyResponse(rd, popmin, 'z2{t}', 'z1{t}', 5, 0, 'z2{t} d 3', 'z2{t} {{d 3}}');
          assertEqual(1, await r('zcard', 'z1{t}'));
          assertEqual(1, await r('zcard', 'z2{t}'));
          await rd.close();
        });

        await test(`${popmin}/${popmax} second sorted set has members - ${encoding}`, async () => {
          const rd = await server.newClient();
          await r('del', 'z1{t}');
          await createZset('z2{t}', [3, 'd', 4, 'e', 5, 'f']);

          await verifyBzpopTwoKeyResponse(rd, popmax, 'z1{t}', 'z2{t}', 5, 0, 'z2{t} f 5', 'z2{t} {{f 5}}');
          await verifyBzpopTwoKeyResponse(rd, popmin, 'z1{t}', 'z2{t}', 5, 0, 'z2{t} d 3', 'z2{t} {{d 3}}');
          assertEqual(0, await r('zcard', 'z1{t}'));
          assertEqual(1, await r('zcard', 'z2{t}'));
          await rd.close();
        });
      }

      for (const [popmin, popmax] of [
        ['ZPOPMIN', 'ZPOPMAX'],
        ['ZMPOP_MIN', 'ZMPOP_MAX'],
      ]) {
        await test(`Basic ${popmin}/${popmax} - ${encoding} RESP3`, async () => {
          await r('hello', 3);
          await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
          await verifyZpopResponse(server, popmin, 'z1', 0, 'a 0.0', 'z1 {{a 0.0}}');
          await verifyZpopResponse(server, popmax, 'z1', 0, 'd 3.0', 'z1 {{d 3.0}}');
          await r('hello', 2);
        });

        await test(`${popmin}/${popmax} with count - ${encoding} RESP3`, async () => {
          await r('hello', 3);
          await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
          await verifyZpopResponse(server, popmin, 'z1', 2, '{a 0.0} {b 1.0}', 'z1 {{a 0.0} {b 1.0}}');
          await verifyZpopResponse(server, popmax, 'z1', 2, '{d 3.0} {c 2.0}', 'z1 {{d 3.0} {c 2.0}}');
          await r('hello', 2);
        });
      }

      for (const [popmin, popmax] of [
        ['BZPOPMIN', 'BZPOPMAX'],
        ['BZMPOP_MIN', 'BZMPOP_MAX'],
      ]) {
        // Only the default client speaks RESP3 here: the deferring client stays on RESP2.
        await test(`${popmin}/${popmax} - ${encoding} RESP3`, async () => {
          await r('hello', 3);
          const rd = await server.newClient();
          await createZset('zset', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);

          await verifyBzpopResponse(rd, popmin, 'zset', 5, 0, 'zset a 0', 'zset {{a 0}}');
          await verifyBzpopResponse(rd, popmax, 'zset', 5, 0, 'zset d 3', 'zset {{d 3}}');
          await verifyBzpopResponse(rd, popmin, 'zset', 5, 0, 'zset b 1', 'zset {{b 1}}');
          await verifyBzpopResponse(rd, popmax, 'zset', 5, 0, 'zset c 2', 'zset {{c 2}}');

          assertEqual(0, await r('exists', 'zset'));
          await r('hello', 2);
          await rd.close();
        });
      }

      await r('config', 'set', 'zset-max-ziplist-entries', originalMaxEntries);
      await r('config', 'set', 'zset-max-ziplist-value', originalMaxValue);
    }

    if (part === 'basics listpack') await basics('listpack');
    if (part === 'basics skiplist') await basics('skiplist');

    if (part === 'commands') {
      await test('ZPOP/ZMPOP against wrong type', async () => {
        await r('set', 'foo{t}', 'bar');
        await assertError('*WRONGTYPE*', () => r('zpopmin', 'foo{t}'));
        await assertError('*WRONGTYPE*', () => r('zpopmin', 'foo{t}', 0));
        await assertError('*WRONGTYPE*', () => r('zpopmax', 'foo{t}'));
        await assertError('*WRONGTYPE*', () => r('zpopmax', 'foo{t}', 0));
        await assertError('*WRONGTYPE*', () => r('zpopmin', 'foo{t}', 2));

        await assertError('*WRONGTYPE*', () => r('zmpop', 1, 'foo{t}', 'min'));
        await assertError('*WRONGTYPE*', () => r('zmpop', 1, 'foo{t}', 'max'));
        await assertError('*WRONGTYPE*', () => r('zmpop', 1, 'foo{t}', 'max', 'count', 200));

        await r('del', 'foo{t}');
        await r('set', 'foo2{t}', 'bar');
        await assertError('*WRONGTYPE*', () => r('zmpop', 2, 'foo{t}', 'foo2{t}', 'min'));
        await assertError('*WRONGTYPE*', () => r('zmpop', 2, 'foo2{t}', 'foo1{t}', 'max', 'count', 1));
      });

      await test('ZMPOP with illegal argument', async () => {
        await assertError("ERR wrong number of arguments for 'zmpop' command", () => r('zmpop'));
        await assertError("ERR wrong number of arguments for 'zmpop' command", () => r('zmpop', 1));
        await assertError("ERR wrong number of arguments for 'zmpop' command", () => r('zmpop', 1, 'myzset{t}'));

        await assertError('ERR numkeys*', () => r('zmpop', 0, 'myzset{t}', 'MIN'));
        await assertError('ERR numkeys*', () => r('zmpop', 'a', 'myzset{t}', 'MIN'));
        await assertError('ERR numkeys*', () => r('zmpop', -1, 'myzset{t}', 'MAX'));

        await assertError('ERR syntax error*', () => r('zmpop', 1, 'myzset{t}', 'bad_where'));
        await assertError('ERR syntax error*', () => r('zmpop', 1, 'myzset{t}', 'MIN', 'bar_arg'));
        await assertError('ERR syntax error*', () => r('zmpop', 1, 'myzset{t}', 'MAX', 'MIN'));
        await assertError('ERR syntax error*', () => r('zmpop', 1, 'myzset{t}', 'COUNT'));
        await assertError('ERR syntax error*', () => r('zmpop', 1, 'myzset{t}', 'MAX', 'COUNT', 1, 'COUNT', 2));
        await assertError('ERR syntax error*', () => r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'bad_arg'));

        await assertError('ERR count*', () => r('zmpop', 1, 'myzset{t}', 'MIN', 'COUNT', 0));
        await assertError('ERR count*', () => r('zmpop', 1, 'myzset{t}', 'MAX', 'COUNT', 'a'));
        await assertError('ERR count*', () => r('zmpop', 1, 'myzset{t}', 'MIN', 'COUNT', -1));
        await assertError('ERR count*', () => r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'MAX', 'COUNT', -1));
      });

      await test(
        'ZMPOP propagate as pop with count command to replica',
        async () => {
          const repl = await ReplicationStream.attach(server);

          // ZMPOP is propagated as ZPOPMIN/ZPOPMAX with a count.
          await r('zadd', 'myzset{t}', 1, 'one', 2, 'two', 3, 'three');

          // Pops from one zset.
          await r('zmpop', 1, 'myzset{t}', 'min');
          await r('zmpop', 1, 'myzset{t}', 'max', 'count', 1);

          // One element left.
          await r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'min', 'count', 10);

          // Nothing popped, nothing propagated.
          await r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 10);

          // Pops from the second zset.
          await r('zadd', 'myzset2{t}', 1, 'one', 2, 'two', 3, 'three');
          await r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'min', 'count', 2);
          await r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 1);

          // Pops everything.
          await r('zadd', 'myzset{t}', 1, 'one', 2, 'two', 3, 'three');
          await r('zadd', 'myzset2{t}', 4, 'four', 5, 'five', 6, 'six');
          await r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'min', 'count', 10);
          await r('zmpop', 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 10);

          await repl.assertStream([
            'select *',
            'zadd myzset{t} 1 one 2 two 3 three',
            'zpopmin myzset{t} 1',
            'zpopmax myzset{t} 1',
            'zpopmin myzset{t} 1',
            'zadd myzset2{t} 1 one 2 two 3 three',
            'zpopmin myzset2{t} 2',
            'zpopmax myzset2{t} 1',
            'zadd myzset{t} 1 one 2 two 3 three',
            'zadd myzset2{t} 4 four 5 five 6 six',
            'zpopmin myzset{t} 3',
            'zpopmax myzset2{t} 3',
          ]);
          await repl.close();
        },
        { tags: ['needs:repl'] },
      );

      for (const resp of [3, 2]) {
        const rd = await server.newClient();

        if (settings().denyTags.includes('resp3')) {
          if (resp === 3) continue;
        } else {
          await r('hello', resp);
          rd.send('hello', resp);
          await rd.read();
        }

        await test(`ZPOPMIN/ZPOPMAX readraw in RESP${resp}`, async () => {
          await r('del', 'zset{t}');
          await createZset('zset2{t}', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);

          const c = server.client;
          c.readRaw(true);

          // Against a key that does not exist.
          assertEqual('*0', await r('zpopmin', 'zset{t}'));
          assertEqual('*0', await r('zpopmin', 'zset{t}', 1));

          // Without COUNT.
          assertEqual('*2', await r('zpopmin', 'zset2{t}'));
          assertEqual(await c.read(), '$1');
          assertEqual(await c.read(), 'a');
          await verifyScoreResponse(c, resp, 1);

          // With COUNT.
          if (resp === 2) {
            assertEqual('*2', await r('zpopmax', 'zset2{t}', 1));
            assertEqual(await c.read(), '$1');
            assertEqual(await c.read(), 'e');
          } else if (resp === 3) {
            assertEqual('*1', await r('zpopmax', 'zset2{t}', 1));
            assertEqual(await c.read(), '*2');
            assertEqual(await c.read(), '$1');
            assertEqual(await c.read(), 'e');
          }
          await verifyScoreResponse(c, resp, 5);

          c.readRaw(false);
        });

        await test(`BZPOPMIN/BZPOPMAX readraw in RESP${resp}`, async () => {
          await r('del', 'zset{t}');
          await createZset('zset2{t}', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);

          rd.readRaw(true);

          // Released by the timeout.
          rd.send('bzpopmin', 'zset{t}', 0.01);
          verifyNilResponse(resp, await rd.read());
          rd.send('bzpopmax', 'zset{t}', 0.01);
          verifyNilResponse(resp, await rd.read());

          // Served without blocking.
          rd.send('bzpopmin', 'zset1{t}', 'zset2{t}', 0.1);
          assertEqual(await rd.read(), '*3');
          assertEqual(await rd.read(), '$8');
          assertEqual(await rd.read(), 'zset2{t}');
          assertEqual(await rd.read(), '$1');
          assertEqual(await rd.read(), 'a');
          await verifyScoreResponse(rd, resp, 1);

          // Served after blocking.
          rd.send('bzpopmin', 'zset{t}', 5);
          await waitForBlockedClient(server);
          await r('zadd', 'zset{t}', 1, 'a');
          assertEqual(await rd.read(), '*3');
          assertEqual(await rd.read(), '$7');
          assertEqual(await rd.read(), 'zset{t}');
          assertEqual(await rd.read(), '$1');
          assertEqual(await rd.read(), 'a');
          await verifyScoreResponse(rd, resp, 1);

          rd.readRaw(false);
        });

        await test(`ZMPOP readraw in RESP${resp}`, async () => {
          await r('del', 'zset{t}', 'zset2{t}');
          await createZset('zset3{t}', [1, 'a']);
          await createZset('zset4{t}', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);

          const c = server.client;
          c.readRaw(true);

          // Against keys that do not exist.
          verifyNilResponse(resp, await r('zmpop', 1, 'zset{t}', 'min'));
          verifyNilResponse(resp, await r('zmpop', 1, 'zset{t}', 'max', 'count', 1));
          verifyNilResponse(resp, await r('zmpop', 2, 'zset{t}', 'zset2{t}', 'min'));
          verifyNilResponse(resp, await r('zmpop', 2, 'zset{t}', 'zset2{t}', 'max', 'count', 1));

          // One key.
          assertEqual('*2', await r('zmpop', 1, 'zset3{t}', 'max'));
          assertEqual(await c.read(), '$8');
          assertEqual(await c.read(), 'zset3{t}');
          assertEqual(await c.read(), '*1');
          assertEqual(await c.read(), '*2');
          assertEqual(await c.read(), '$1');
          assertEqual(await c.read(), 'a');
          await verifyScoreResponse(c, resp, 1);

          // With COUNT.
          assertEqual('*2', await r('zmpop', 2, 'zset3{t}', 'zset4{t}', 'min', 'count', 2));
          assertEqual(await c.read(), '$8');
          assertEqual(await c.read(), 'zset4{t}');
          assertEqual(await c.read(), '*2');
          assertEqual(await c.read(), '*2');
          assertEqual(await c.read(), '$1');
          assertEqual(await c.read(), 'a');
          await verifyScoreResponse(c, resp, 1);
          assertEqual(await c.read(), '*2');
          assertEqual(await c.read(), '$1');
          assertEqual(await c.read(), 'b');
          await verifyScoreResponse(c, resp, 2);

          c.readRaw(false);
        });

        await test(`BZMPOP readraw in RESP${resp}`, async () => {
          await r('del', 'zset{t}', 'zset2{t}');
          await createZset('zset3{t}', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);

          rd.readRaw(true);

          // Released by the timeout.
          rd.send('bzmpop', 0.01, 1, 'zset{t}', 'min');
          verifyNilResponse(resp, await rd.read());
          rd.send('bzmpop', 0.01, 2, 'zset{t}', 'zset2{t}', 'max');
          verifyNilResponse(resp, await rd.read());

          // Served without blocking.
          rd.send('bzmpop', 0.1, 2, 'zset3{t}', 'zset4{t}', 'min');

          assertEqual(await rd.read(), '*2');
          assertEqual(await rd.read(), '$8');
          assertEqual(await rd.read(), 'zset3{t}');
          assertEqual(await rd.read(), '*1');
          assertEqual(await rd.read(), '*2');
          assertEqual(await rd.read(), '$1');
          assertEqual(await rd.read(), 'a');
          await verifyScoreResponse(rd, resp, 1);

          // Served after blocking, with COUNT.
          rd.send('bzmpop', 5, 2, 'zset{t}', 'zset2{t}', 'max', 'count', 2);
          await waitForBlockedClient(server);
          await r('zadd', 'zset2{t}', 1, 'a', 2, 'b', 3, 'c');

          assertEqual(await rd.read(), '*2');
          assertEqual(await rd.read(), '$8');
          assertEqual(await rd.read(), 'zset2{t}');
          assertEqual(await rd.read(), '*2');
          assertEqual(await rd.read(), '*2');
          assertEqual(await rd.read(), '$1');
          assertEqual(await rd.read(), 'c');
          await verifyScoreResponse(rd, resp, 3);
          assertEqual(await rd.read(), '*2');
          assertEqual(await rd.read(), '$1');
          assertEqual(await rd.read(), 'b');
          await verifyScoreResponse(rd, resp, 2);
        });

        await rd.close();
      }

      await test(
        'ZINTERSTORE regression with two sets, intset+hashtable',
        async () => {
          await r('del', 'seta{t}', 'setb{t}', 'setc{t}');
          await r('sadd', 'set1{t}', 'a');
          await r('sadd', 'set2{t}', 10);
          return r('zinterstore', 'set3{t}', 2, 'set1{t}', 'set2{t}');
        },
        { okPattern: '0' },
      );

      await test(
        'ZUNIONSTORE regression, should not create NaN in scores',
        async () => {
          await r('zadd', 'z{t}', '-inf', 'neginf');
          await r('zunionstore', 'out{t}', 1, 'z{t}', 'weights', 0);
          return r('zrange', 'out{t}', 0, -1, 'withscores');
        },
        { okPattern: 'neginf 0' },
      );

      await test(
        'ZINTERSTORE #516 regression, mixed sets and ziplist zsets',
        async () => {
          await r('sadd', 'one{t}', 100, 101, 102, 103);
          await r('sadd', 'two{t}', 100, 200, 201, 202);
          await r('zadd', 'three{t}', 1, 500, 1, 501, 1, 502, 1, 503, 1, 100);
          await r('zinterstore', 'to_here{t}', 3, 'one{t}', 'two{t}', 'three{t}', 'WEIGHTS', 0, 0, 1);
          return r('zrange', 'to_here{t}', 0, -1);
        },
        { okPattern: '100' },
      );

      await test('ZUNIONSTORE result is sorted', async () => {
        // Two sets with common and distinct members: the union must still be in score order.
        await r('del', 'one{t}', 'two{t}', 'dest{t}');
        const cmd1: Arg[] = ['zadd', 'one{t}'];
        const cmd2: Arg[] = ['zadd', 'two{t}'];
        for (let j = 0; j < 1000; j++) {
          cmd1.push(tclDouble(rng().random()), randomInt(1000));
          cmd2.push(tclDouble(rng().random()), randomInt(1000));
        }
        await r(...cmd1);
        await r(...cmd2);
        assert(tclNum(await r('zcard', 'one{t}')) > 100, '[r zcard one{t}] > 100');
        assert(tclNum(await r('zcard', 'two{t}')) > 100, '[r zcard two{t}] > 100');
        await r('zunionstore', 'dest{t}', 2, 'one{t}', 'two{t}');
        let oldscore = 0;
        const flat = (await r('zrange', 'dest{t}', 0, -1, 'withscores')) as string[];
        for (let i = 0; i < flat.length; i += 2) {
          const score = tclNum(flat[i + 1]);
          assert(score >= oldscore, '$score >= $oldscore');
          oldscore = score;
        }
      });

      await test('ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE error if using WITHSCORES ', async () => {
        await assertError('*ERR*syntax*', () => r('zunionstore', 'foo{t}', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'));
        await assertError('*ERR*syntax*', () => r('zinterstore', 'foo{t}', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'));
        await assertError('*ERR*syntax*', () => r('zdiffstore', 'foo{t}', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'));
      });

      await test(
        'ZMSCORE retrieve',
        async () => {
          await r('del', 'zmscoretest');
          await r('zadd', 'zmscoretest', 10, 'x');
          await r('zadd', 'zmscoretest', 20, 'y');

          return r('zmscore', 'zmscoretest', 'x', 'y');
        },
        { okPattern: '10 20' },
      );

      await test(
        'ZMSCORE retrieve from empty set',
        async () => {
          await r('del', 'zmscoretest');

          return r('zmscore', 'zmscoretest', 'x', 'y');
        },
        { okPattern: '{} {}' },
      );

      await test(
        'ZMSCORE retrieve with missing member',
        async () => {
          await r('del', 'zmscoretest');
          await r('zadd', 'zmscoretest', 10, 'x');

          return r('zmscore', 'zmscoretest', 'x', 'y');
        },
        { okPattern: '10 {}' },
      );

      await test(
        'ZMSCORE retrieve single member',
        async () => {
          await r('del', 'zmscoretest');
          await r('zadd', 'zmscoretest', 10, 'x');
          await r('zadd', 'zmscoretest', 20, 'y');

          return r('zmscore', 'zmscoretest', 'x');
        },
        { okPattern: '10' },
      );

      await test('ZMSCORE retrieve requires one or more members', async () => {
        await r('del', 'zmscoretest');
        await r('zadd', 'zmscoretest', 10, 'x');
        await r('zadd', 'zmscoretest', 20, 'y');

        const e = await tclCatch(() => r('zmscore', 'zmscoretest'));
        assertMatch('*ERR*wrong*number*arg*', e.value);
      });

      await test("ZSET commands don't accept the empty strings as valid score", async () => {
        await assertError('*not*float*', () => r('zadd', 'myzset', '', 'abc'));
      });

      await test('zunionInterDiffGenericCommand at least 1 input key', async () => {
        await assertError("*at least 1 input key * 'zunion' command", () => r('zunion', 0, 'key{t}'));
        await assertError("*at least 1 input key * 'zunionstore' command", () => r('zunionstore', 'dst_key{t}', 0, 'key{t}'));
        await assertError("*at least 1 input key * 'zinter' command", () => r('zinter', 0, 'key{t}'));
        await assertError("*at least 1 input key * 'zinterstore' command", () => r('zinterstore', 'dst_key{t}', 0, 'key{t}'));
        await assertError("*at least 1 input key * 'zdiff' command", () => r('zdiff', 0, 'key{t}'));
        await assertError("*at least 1 input key * 'zdiffstore' command", () => r('zdiffstore', 'dst_key{t}', 0, 'key{t}'));
        await assertError("*at least 1 input key * 'zintercard' command", () => r('zintercard', 0, 'key{t}'));
      });
    }

    async function stressers(encoding: Encoding): Promise<void> {
      const originalMaxEntries = await configGet(server, 'zset-max-ziplist-entries');
      const originalMaxValue = await configGet(server, 'zset-max-ziplist-value');
      let elements: number;
      if (encoding === 'listpack') {
        // A little headroom so the sorting stresser's random updates stay in a listpack.
        await r('config', 'set', 'zset-max-ziplist-entries', 256);
        await r('config', 'set', 'zset-max-ziplist-value', 64);
        elements = 128;
      } else {
        await r('config', 'set', 'zset-max-ziplist-entries', 0);
        await r('config', 'set', 'zset-max-ziplist-value', 0);
        elements = settings().accurate ? 1000 : 100;
      }

      await test(`ZSCORE - ${encoding}`, async () => {
        await r('del', 'zscoretest');
        const aux: string[] = [];
        for (let i = 0; i < elements; i++) {
          const score = tclDouble(rng().random());
          aux.push(score);
          await r('zadd', 'zscoretest', score, i);
        }

        await encodingIs(encoding, 'zscoretest');
        for (let i = 0; i < elements; i++) assertEqual(aux[i], await r('zscore', 'zscoretest', i));
      });

      await test(`ZMSCORE - ${encoding}`, async () => {
        await r('del', 'zscoretest');
        const aux: string[] = [];
        for (let i = 0; i < elements; i++) {
          const score = tclDouble(rng().random());
          aux.push(score);
          await r('zadd', 'zscoretest', score, i);
        }

        await encodingIs(encoding, 'zscoretest');
        for (let i = 0; i < elements; i++) assertEqual(aux[i], await r('zmscore', 'zscoretest', i));
      });

      await test(
        `ZSCORE after a DEBUG RELOAD - ${encoding}`,
        async () => {
          await r('del', 'zscoretest');
          const aux: string[] = [];
          for (let i = 0; i < elements; i++) {
            const score = tclDouble(rng().random());
            aux.push(score);
            await r('zadd', 'zscoretest', score, i);
          }

          await r('debug', 'reload');
          await encodingIs(encoding, 'zscoretest');
          for (let i = 0; i < elements; i++) assertEqual(aux[i], await r('zscore', 'zscoretest', i));
        },
        { tags: ['needs:debug'] },
      );

      await test(`ZSET sorting stresser - ${encoding}`, async () => {
        let delta = 0;
        for (let pass = 0; pass < 2; pass++) {
          const auxarray = new Map<number, number>();
          const drawScore = () => (pass === 0 ? rng().random() : Math.floor(rng().random() * 10));
          await r('del', 'myzset');
          for (let i = 0; i < elements; i++) {
            let score = drawScore();
            auxarray.set(i, score);
            await r('zadd', 'myzset', tclDouble(score), i);
            // A random update, sometimes of a member beyond the ones added so far.
            if (rng().random() < 0.2) {
              const j = Math.floor(rng().random() * 1000);
              score = drawScore();
              auxarray.set(j, score);
              await r('zadd', 'myzset', tclDouble(score), j);
            }
          }
          const sorted = [...auxarray].map(([item, score]) => [score, item] as [number, number]).sort(zlistAlikeSort);
          const auxlist = sorted.map((x) => x[1]);

          await encodingIs(encoding, 'myzset');
          const fromredis = (await r('zrange', 'myzset', 0, -1)) as string[];
          delta = 0;
          for (let i = 0; i < fromredis.length; i++) {
            if (tclNum(fromredis[i]) !== auxlist[i]) delta++;
          }
        }
        assertEqual(0, delta);
      });

      await test(`ZRANGEBYSCORE fuzzy test, 100 ranges in ${elements} element sorted set - ${encoding}`, async () => {
        let err = '';
        await r('del', 'zset');
        for (let i = 0; i < elements; i++) await r('zadd', 'zset', tclDouble(rng().random()), i);

        await encodingIs(encoding, 'zset');
        for (let i = 0; i < 100; i++) {
          let min = rng().random();
          let max = rng().random();
          if (min > max) [min, max] = [max, min];
          const mins = tclDouble(min);
          const maxs = tclDouble(max);
          const low = (await r('zrangebyscore', 'zset', '-inf', mins)) as string[];
          const ok = (await r('zrangebyscore', 'zset', mins, maxs)) as string[];
          const high = (await r('zrangebyscore', 'zset', maxs, '+inf')) as string[];
          const lowx = (await r('zrangebyscore', 'zset', '-inf', `(${mins}`)) as string[];
          const okx = (await r('zrangebyscore', 'zset', `(${mins}`, `(${maxs}`)) as string[];
          const highx = (await r('zrangebyscore', 'zset', `(${maxs}`, '+inf')) as string[];

          if (tclNum(await r('zcount', 'zset', '-inf', mins)) !== low.length) err += 'Error, len does not match zcount\n';
          if (tclNum(await r('zcount', 'zset', mins, maxs)) !== ok.length) err += 'Error, len does not match zcount\n';
          if (tclNum(await r('zcount', 'zset', maxs, '+inf')) !== high.length) err += 'Error, len does not match zcount\n';
          if (tclNum(await r('zcount', 'zset', '-inf', `(${mins}`)) !== lowx.length) err += 'Error, len does not match zcount\n';
          if (tclNum(await r('zcount', 'zset', `(${mins}`, `(${maxs}`)) !== okx.length) err += 'Error, len does not match zcount\n';
          if (tclNum(await r('zcount', 'zset', `(${maxs}`, '+inf')) !== highx.length) err += 'Error, len does not match zcount\n';

          for (const x of low) {
            const score = String(await r('zscore', 'zset', x));
            if (tclNum(score) > min) err += `Error, score for ${x} is ${score} > ${mins}\n`;
          }
          for (const x of lowx) {
            const score = String(await r('zscore', 'zset', x));
            if (tclNum(score) >= min) err += `Error, score for ${x} is ${score} >= ${mins}\n`;
          }
          for (const x of ok) {
            const score = String(await r('zscore', 'zset', x));
            if (tclNum(score) < min || tclNum(score) > max) err += `Error, score for ${x} is ${score} outside ${mins}-${maxs} range\n`;
          }
          for (const x of okx) {
            const score = String(await r('zscore', 'zset', x));
            if (tclNum(score) <= min || tclNum(score) >= max) err += `Error, score for ${x} is ${score} outside ${mins}-${maxs} open range\n`;
          }
          for (const x of high) {
            const score = String(await r('zscore', 'zset', x));
            if (tclNum(score) < max) err += `Error, score for ${x} is ${score} < ${maxs}\n`;
          }
          for (const x of highx) {
            const score = String(await r('zscore', 'zset', x));
            if (tclNum(score) <= max) err += `Error, score for ${x} is ${score} <= ${maxs}\n`;
          }
        }
        assertEqual('', err);
      });

      await test(`ZRANGEBYLEX fuzzy test, 100 ranges in ${elements} element sorted set - ${encoding}`, async () => {
        let lexset: string[] = [];
        await r('del', 'zset');
        for (let j = 0; j < elements; j++) {
          const e = randstring(0, 30, 'alpha');
          lexset.push(e);
          await r('zadd', 'zset', 0, e);
        }
        lexset = [...new Set(lexset)].sort(stringCompare);
        for (let j = 0; j < 100; j++) {
          let min = randstring(0, 30, 'alpha');
          let max = randstring(0, 30, 'alpha');
          let mininc = randomInt(2);
          let maxinc = randomInt(2);
          const cmin = mininc ? `[${min}` : `(${min}`;
          const cmax = maxinc ? `[${max}` : `(${max}`;
          const rev = randomInt(2);
          const cmd = rev ? 'zrevrangebylex' : 'zrangebylex';

          // Both sides hold the same data.
          assert(tclString(await r('zrange', 'zset', 0, -1)) === tclString(lexset), '[r zrange zset 0 -1] eq $lexset');

          const output = (await r(cmd, 'zset', cmin, cmax)) as string[];
          const outlen = rev ? await r('zlexcount', 'zset', cmax, cmin) : await r('zlexcount', 'zset', cmin, cmax);

          // The same range computed here.
          const o: string[] = [];
          let copy = lexset;
          if ((!rev && stringCompare(min, max) > 0) || (rev && stringCompare(max, min) > 0)) {
            // An inverted range is empty.
          } else {
            if (rev) {
              // Reversed order comes from the server itself; the bounds swap too.
              copy = (await r('zrevrange', 'zset', 0, -1)) as string[];
              [min, max, mininc, maxinc] = [max, min, maxinc, mininc];
            }
            for (const e of copy) {
              const mincmp = stringCompare(e, min);
              const maxcmp = stringCompare(e, max);
              if (((mininc && mincmp >= 0) || (!mininc && mincmp > 0)) && ((maxinc && maxcmp <= 0) || (!maxinc && maxcmp < 0))) o.push(e);
            }
          }
          assert(tclString(o) === tclString(output), '$o eq $output');
          assert(String(outlen) === String(output.length), '$outlen eq [llength $output]');
        }
      });

      await test(`ZREMRANGEBYLEX fuzzy test, 100 ranges in ${elements} element sorted set - ${encoding}`, async () => {
        let lexset: string[] = [];
        await r('del', 'zset{t}', 'zsetcopy{t}');
        for (let j = 0; j < elements; j++) {
          const e = randstring(0, 30, 'alpha');
          lexset.push(e);
          await r('zadd', 'zset{t}', 0, e);
        }
        lexset = [...new Set(lexset)].sort(stringCompare);
        for (let j = 0; j < 100; j++) {
          await r('zunionstore', 'zsetcopy{t}', 1, 'zset{t}');
          const lexsetcopy = [...lexset];

          const min = randstring(0, 30, 'alpha');
          const max = randstring(0, 30, 'alpha');
          const mininc = randomInt(2);
          const maxinc = randomInt(2);
          const cmin = mininc ? `[${min}` : `(${min}`;
          const cmax = maxinc ? `[${max}` : `(${max}`;

          // Both sides hold the same data.
          assert(tclString(await r('zrange', 'zset{t}', 0, -1)) === tclString(lexset), '[r zrange zset{t} 0 -1] eq $lexset');

          // The range about to go.
          const torem = (await r('zrangebylex', 'zset{t}', cmin, cmax)) as string[];
          const toremlen = tclNum(await r('zlexcount', 'zset{t}', cmin, cmax));
          await r('zremrangebylex', 'zsetcopy{t}', cmin, cmax);
          const output = await r('zrange', 'zsetcopy{t}', 0, -1);

          // Remove the same range from the local copy.
          if (toremlen) {
            const first = lexsetcopy.indexOf(torem[0]);
            lexsetcopy.splice(first, toremlen);
          }
          assert(tclString(lexsetcopy) === tclString(output), '$lexsetcopy eq $output');
        }
      });

      await test(`ZSETs skiplist implementation backlink consistency test - ${encoding}`, async () => {
        let diff = 0;
        for (let j = 0; j < elements; j++) {
          await r('zadd', 'myzset', tclDouble(rng().random()), `Element-${j}`);
          await r('zrem', 'myzset', `Element-${Math.floor(rng().random() * elements)}`);
        }

        await encodingIs(encoding, 'myzset');
        const l1 = (await r('zrange', 'myzset', 0, -1)) as string[];
        const l2 = (await r('zrevrange', 'myzset', 0, -1)) as string[];
        for (let j = 0; j < l1.length; j++) {
          if (l1[j] !== l2[l2.length - 1 - j]) diff++;
        }
        assertEqual(0, diff);
      });

      await test(`ZSETs ZRANK augmented skip list stress testing - ${encoding}`, async () => {
        let err = '';
        await r('del', 'myzset');
        for (let k = 0; k < 2000; k++) {
          const i = k % elements;
          if (rng().random() < 0.2) {
            await r('zrem', 'myzset', i);
          } else {
            await r('zadd', 'myzset', tclDouble(rng().random()), i);
            await encodingIs(encoding, 'myzset');
          }

          const card = tclNum(await r('zcard', 'myzset'));
          if (card > 0) {
            const index = randomInt(card);
            const ele = ((await r('zrange', 'myzset', index, index)) as string[])[0];
            const rank = await r('zrank', 'myzset', ele);
            if (tclNum(rank) !== index) {
              err = `${ele} RANK is wrong! (${tclString(rank)} != ${index})`;
              break;
            }
          }
        }
        assertEqual('', err);
      });

      for (const pop of ['BZPOPMIN', 'BZMPOP_MIN']) {
        await test(`${pop}, ZADD + DEL should not awake blocked client`, async () => {
          const rd = await server.newClient();
          await r('del', 'zset');

          bzpopCommand(rd, pop, 'zset', 0);
          await waitForBlockedClient(server);

          await r('multi');
          await r('zadd', 'zset', 0, 'foo');
          await r('del', 'zset');
          await r('exec');
          await r('del', 'zset');
          await r('zadd', 'zset', 1, 'bar');

          verifyPopResponse(pop, await rd.read(), 'zset bar 1', 'zset {{bar 1}}');
          await rd.close();
        });

        await test(`${pop}, ZADD + DEL + SET should not awake blocked client`, async () => {
          const rd = await server.newClient();
          await r('del', 'zset');

          bzpopCommand(rd, pop, 'zset', 0);
          await waitForBlockedClient(server);

          await r('multi');
          await r('zadd', 'zset', 0, 'foo');
          await r('del', 'zset');
          await r('set', 'zset', 'foo');
          await r('exec');
          await r('del', 'zset');
          await r('zadd', 'zset', 1, 'bar');

          verifyPopResponse(pop, await rd.read(), 'zset bar 1', 'zset {{bar 1}}');
          await rd.close();
        });
      }

      await test('BZPOPMIN with same key multiple times should work', async () => {
        const rd = await server.newClient();
        await r('del', 'z1{t}', 'z2{t}');

        // The data arrives after BZPOPMIN.
        rd.send('bzpopmin', 'z1{t}', 'z2{t}', 'z2{t}', 'z1{t}', 0);
        await waitForBlockedClient(server);
        await r('zadd', 'z1{t}', 0, 'a');
        assertEqual(await rd.read(), 'z1{t} a 0');
        rd.send('bzpopmin', 'z1{t}', 'z2{t}', 'z2{t}', 'z1{t}', 0);
        await waitForBlockedClient(server);
        await r('zadd', 'z2{t}', 1, 'b');
        assertEqual(await rd.read(), 'z2{t} b 1');

        // The data is already there.
        await r('zadd', 'z1{t}', 0, 'a');
        await r('zadd', 'z2{t}', 1, 'b');
        rd.send('bzpopmin', 'z1{t}', 'z2{t}', 'z2{t}', 'z1{t}', 0);
        assertEqual(await rd.read(), 'z1{t} a 0');
        rd.send('bzpopmin', 'z1{t}', 'z2{t}', 'z2{t}', 'z1{t}', 0);
        assertEqual(await rd.read(), 'z2{t} b 1');
        await rd.close();
      });

      for (const pop of ['BZPOPMIN', 'BZMPOP_MIN']) {
        await test(`MULTI/EXEC is isolated from the point of view of ${pop}`, async () => {
          const rd = await server.newClient();
          await r('del', 'zset');

          bzpopCommand(rd, pop, 'zset', 0);
          await waitForBlockedClient(server);

          await r('multi');
          await r('zadd', 'zset', 0, 'a');
          await r('zadd', 'zset', 1, 'b');
          await r('zadd', 'zset', 2, 'c');
          await r('exec');

          verifyPopResponse(pop, await rd.read(), 'zset a 0', 'zset {{a 0}}');
          await rd.close();
        });

        await test(`${pop} with variadic ZADD`, async () => {
          const rd = await server.newClient();
          await r('del', 'zset');
          if (settings().valgrind) await sleep(100);
          bzpopCommand(rd, pop, 'zset', 0);
          await waitForBlockedClient(server);
          if (settings().valgrind) await sleep(100);
          assertEqual(2, await r('zadd', 'zset', -1, 'foo', 1, 'bar'));
          if (settings().valgrind) await sleep(100);
          verifyPopResponse(pop, await rd.read(), 'zset foo -1', 'zset {{foo -1}}');
          assertEqual('bar', await r('zrange', 'zset', 0, -1));
          await rd.close();
        });

        await test(`${pop} with zero timeout should block indefinitely`, async () => {
          const rd = await server.newClient();
          await r('del', 'zset');
          bzpopCommand(rd, pop, 'zset', 0);
          await waitForBlockedClient(server);
          await sleep(1000);
          await r('zadd', 'zset', 0, 'foo');
          verifyPopResponse(pop, await rd.read(), 'zset foo 0', 'zset {{foo 0}}');
          await rd.close();
        });
      }

      await r('config', 'set', 'zset-max-ziplist-entries', originalMaxEntries);
      await r('config', 'set', 'zset-max-ziplist-value', originalMaxValue);
    }

    if (part === 'stressers listpack') await tags(['slow'], () => stressers('listpack'));
    if (part === 'stressers skiplist') await tags(['slow'], () => stressers('skiplist'));

    if (part === 'more commands') {
      await test('BZPOP/BZMPOP against wrong type', async () => {
        await r('set', 'foo{t}', 'bar');
        await assertError('*WRONGTYPE*', () => r('bzpopmin', 'foo{t}', 1));
        await assertError('*WRONGTYPE*', () => r('bzpopmax', 'foo{t}', 1));

        await assertError('*WRONGTYPE*', () => r('bzmpop', 1, 1, 'foo{t}', 'min'));
        await assertError('*WRONGTYPE*', () => r('bzmpop', 1, 1, 'foo{t}', 'max'));
        await assertError('*WRONGTYPE*', () => r('bzmpop', 1, 1, 'foo{t}', 'min', 'count', 10));

        await r('del', 'foo{t}');
        await r('set', 'foo2{t}', 'bar');
        await assertError('*WRONGTYPE*', () => r('bzmpop', 1, 2, 'foo{t}', 'foo2{t}', 'min'));
        await assertError('*WRONGTYPE*', () => r('bzmpop', 1, 2, 'foo2{t}', 'foo{t}', 'max', 'count', 1));
      });

      await test('BZMPOP with illegal argument', async () => {
        await assertError("ERR wrong number of arguments for 'bzmpop' command", () => r('bzmpop'));
        await assertError("ERR wrong number of arguments for 'bzmpop' command", () => r('bzmpop', 0, 1));
        await assertError("ERR wrong number of arguments for 'bzmpop' command", () => r('bzmpop', 0, 1, 'myzset{t}'));

        await assertError('ERR numkeys*', () => r('bzmpop', 1, 0, 'myzset{t}', 'MIN'));
        await assertError('ERR numkeys*', () => r('bzmpop', 1, 'a', 'myzset{t}', 'MIN'));
        await assertError('ERR numkeys*', () => r('bzmpop', 1, -1, 'myzset{t}', 'MAX'));

        await assertError('ERR syntax error*', () => r('bzmpop', 1, 1, 'myzset{t}', 'bad_where'));
        await assertError('ERR syntax error*', () => r('bzmpop', 1, 1, 'myzset{t}', 'MIN', 'bar_arg'));
        await assertError('ERR syntax error*', () => r('bzmpop', 1, 1, 'myzset{t}', 'MAX', 'MIN'));
        await assertError('ERR syntax error*', () => r('bzmpop', 1, 1, 'myzset{t}', 'COUNT'));
        await assertError('ERR syntax error*', () => r('bzmpop', 1, 1, 'myzset{t}', 'MIN', 'COUNT', 1, 'COUNT', 2));
        await assertError('ERR syntax error*', () => r('bzmpop', 1, 2, 'myzset{t}', 'myzset2{t}', 'bad_arg'));

        await assertError('ERR count*', () => r('bzmpop', 1, 1, 'myzset{t}', 'MIN', 'COUNT', 0));
        await assertError('ERR count*', () => r('bzmpop', 1, 1, 'myzset{t}', 'MAX', 'COUNT', 'a'));
        await assertError('ERR count*', () => r('bzmpop', 1, 1, 'myzset{t}', 'MIN', 'COUNT', -1));
        await assertError('ERR count*', () => r('bzmpop', 1, 2, 'myzset{t}', 'myzset2{t}', 'MAX', 'COUNT', -1));
      });

      await test('BZMPOP with multiple blocked clients', async () => {
        const rd1 = await server.newClient();
        const rd2 = await server.newClient();
        const rd3 = await server.newClient();
        const rd4 = await server.newClient();
        await r('del', 'myzset{t}', 'myzset2{t}');

        rd1.send('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'min', 'count', 1);
        await waitForBlockedClientsCount(server, 1);
        rd2.send('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 10);
        await waitForBlockedClientsCount(server, 2);
        rd3.send('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'min', 'count', 10);
        await waitForBlockedClientsCount(server, 3);
        rd4.send('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 1);
        await waitForBlockedClientsCount(server, 4);

        await r('multi');
        await r('zadd', 'myzset{t}', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
        await r('zadd', 'myzset2{t}', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
        await r('exec');

        assertEqual('myzset{t} {{a 1}}', await rd1.read());
        assertEqual('myzset{t} {{e 5} {d 4} {c 3} {b 2}}', await rd2.read());
        assertEqual('myzset2{t} {{a 1} {b 2} {c 3} {d 4} {e 5}}', await rd3.read());

        await r('zadd', 'myzset2{t}', 1, 'a', 2, 'b', 3, 'c');
        assertEqual('myzset2{t} {{c 3}}', await rd4.read());

        await r('del', 'myzset{t}', 'myzset2{t}');
        await rd1.close();
        await rd2.close();
        await rd3.close();
        await rd4.close();
      });

      await test(
        'BZMPOP propagate as pop with count command to replica',
        async () => {
          const rd = await server.newClient();
          const repl = await ReplicationStream.attach(server);

          // Not blocked.
          await r('zadd', 'myzset{t}', 1, 'one', 2, 'two', 3, 'three');
          await r('zadd', 'myzset2{t}', 4, 'four', 5, 'five', 6, 'six');
          await r('bzmpop', 0, 1, 'myzset{t}', 'min');
          await r('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 10);
          await r('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 10);

          // Blocked first.
          rd.send('bzmpop', 0, 1, 'myzset{t}', 'min', 'count', 1);
          await waitForBlockedClient(server);
          await r('zadd', 'myzset{t}', 1, 'one');
          rd.send('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'min', 'count', 5);
          await waitForBlockedClient(server);
          await r('zadd', 'myzset{t}', 1, 'one', 2, 'two', 3, 'three');
          rd.send('bzmpop', 0, 2, 'myzset{t}', 'myzset2{t}', 'max', 'count', 10);
          await waitForBlockedClient(server);
          await r('zadd', 'myzset2{t}', 4, 'four', 5, 'five', 6, 'six');

          // Released by the timeout.
          assertEqual('', await r('bzmpop', 0.01, 1, 'myzset{t}', 'max', 'count', 10));
          // Something propagated after it shows that the timed-out pop was not.
          await r('set', 'foo{t}', 'bar');

          await rd.close();

          await repl.assertStream([
            'select *',
            'zadd myzset{t} 1 one 2 two 3 three',
            'zadd myzset2{t} 4 four 5 five 6 six',
            'zpopmin myzset{t} 1',
            'zpopmax myzset{t} 2',
            'zpopmax myzset2{t} 3',
            'zadd myzset{t} 1 one',
            'zpopmin myzset{t} 1',
            'zadd myzset{t} 1 one 2 two 3 three',
            'zpopmin myzset{t} 3',
            'zadd myzset2{t} 4 four 5 five 6 six',
            'zpopmax myzset2{t} 3',
            'set foo{t} bar',
          ]);
          await repl.close();
        },
        { tags: ['needs:repl'] },
      );

      await test(
        'BZMPOP should not blocks on non key arguments - #10762',
        async () => {
          const rd1 = await server.newClient();
          const rd2 = await server.newClient();
          await r('del', 'myzset', 'myzset2', 'myzset3');

          rd1.send('bzmpop', 0, 1, 'myzset', 'min', 'count', 10);
          await waitForBlockedClientsCount(server, 1);
          rd2.send('bzmpop', 0, 2, 'myzset2', 'myzset3', 'max', 'count', 10);
          await waitForBlockedClientsCount(server, 2);

          // Keys named like the non-key arguments must not unblock anyone.
          await r('zadd', 0, 100, 'timeout_value');
          await r('zadd', 1, 200, 'numkeys_value');
          await r('zadd', 'min', 300, 'min_token');
          await r('zadd', 'max', 400, 'max_token');
          await r('zadd', 'count', 500, 'count_token');
          await r('zadd', 10, 600, 'count_value');

          await r('zadd', 'myzset', 1, 'zset');
          await r('zadd', 'myzset3', 1, 'zset3');
          assertEqual('myzset {{zset 1}}', await rd1.read());
          assertEqual('myzset3 {{zset3 1}}', await rd2.read());

          await rd1.close();
          await rd2.close();
          // Upstream's last command is the Tcl client's close, which yields 0.
          return 0;
        },
        { okPattern: '0', tags: ['cluster:skip'] },
      );

      await test('ZSET skiplist order consistency when elements are moved', async () => {
        const originalMax = await configGet(server, 'zset-max-ziplist-entries');
        await r('config', 'set', 'zset-max-ziplist-entries', 0);
        for (let times = 0; times < 10; times++) {
          await r('del', 'zset');
          for (let j = 0; j < 1000; j++) {
            const score = randomInt(50);
            await r('zadd', 'zset', score, `ele-${randomInt(10)}`);
          }

          // Members come in score order, then in member order.
          let prevElement = '';
          let prevScore = -1;
          const flat = (await r('zrange', 'zset', 0, -1, 'WITHSCORES')) as string[];
          for (let i = 0; i < flat.length; i += 2) {
            const element = flat[i];
            const score = tclNum(flat[i + 1]);
            assert(prevScore < score || (prevScore === score && stringCompare(prevElement, element) === -1), 'elements in increasing order');
            prevElement = element;
            prevScore = score;
          }
        }
        await r('config', 'set', 'zset-max-ziplist-entries', originalMax);
      });

      await test(
        'ZRANGESTORE basic',
        async () => {
          await r('flushall');
          await r('zadd', 'z1{t}', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 0, -1);
          assertEqual(res, 4);
          return r('zrange', 'z2{t}', 0, -1, 'withscores');
        },
        { okPattern: 'a 1 b 2 c 3 d 4' },
      );

      await test('ZRANGESTORE RESP3', async () => {
        await r('hello', 3);
        assertEqual(await r('zrange', 'z2{t}', 0, -1, 'withscores'), '{a 1.0} {b 2.0} {c 3.0} {d 4.0}');
        await r('hello', 2);
      });

      await test(
        'ZRANGESTORE range',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 1, 2);
          assertEqual(res, 2);
          return r('zrange', 'z2{t}', 0, -1, 'withscores');
        },
        { okPattern: 'b 2 c 3' },
      );

      await test(
        'ZRANGESTORE BYLEX',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', '[b', '[c', 'BYLEX');
          assertEqual(res, 2);
          return r('zrange', 'z2{t}', 0, -1, 'withscores');
        },
        { okPattern: 'b 2 c 3' },
      );

      await test(
        'ZRANGESTORE BYSCORE',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 1, 2, 'BYSCORE');
          assertEqual(res, 2);
          return r('zrange', 'z2{t}', 0, -1, 'withscores');
        },
        { okPattern: 'a 1 b 2' },
      );

      await test(
        'ZRANGESTORE BYSCORE LIMIT',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 0, 5, 'BYSCORE', 'LIMIT', 0, 2);
          assertEqual(res, 2);
          return r('zrange', 'z2{t}', 0, -1, 'withscores');
        },
        { okPattern: 'a 1 b 2' },
      );

      await test(
        'ZRANGESTORE BYSCORE REV LIMIT',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 5, 0, 'BYSCORE', 'REV', 'LIMIT', 0, 2);
          assertEqual(res, 2);
          return r('zrange', 'z2{t}', 0, -1, 'withscores');
        },
        { okPattern: 'c 3 d 4' },
      );

      await test('ZRANGE BYSCORE REV LIMIT', async () => r('zrange', 'z1{t}', 5, 0, 'BYSCORE', 'REV', 'LIMIT', 0, 2, 'WITHSCORES'), {
        okPattern: 'd 4 c 3',
      });

      await test(
        'ZRANGESTORE - src key missing',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'missing{t}', 0, -1);
          assertEqual(res, 0);
          return r('exists', 'z2{t}');
        },
        { okPattern: '0' },
      );

      await test(
        'ZRANGESTORE - src key wrong type',
        async () => {
          await r('zadd', 'z2{t}', 1, 'a');
          await r('set', 'foo{t}', 'bar');
          await assertError('*WRONGTYPE*', () => r('zrangestore', 'z2{t}', 'foo{t}', 0, -1));
          return r('zrange', 'z2{t}', 0, -1);
        },
        { okPattern: 'a' },
      );

      await test(
        'ZRANGESTORE - empty range',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 5, 6);
          assertEqual(res, 0);
          return r('exists', 'z2{t}');
        },
        { okPattern: '0' },
      );

      await test(
        'ZRANGESTORE BYLEX - empty range',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', '[f', '[g', 'BYLEX');
          assertEqual(res, 0);
          return r('exists', 'z2{t}');
        },
        { okPattern: '0' },
      );

      await test(
        'ZRANGESTORE BYSCORE - empty range',
        async () => {
          const res = await r('zrangestore', 'z2{t}', 'z1{t}', 5, 6, 'BYSCORE');
          assertEqual(res, 0);
          return r('exists', 'z2{t}');
        },
        { okPattern: '0' },
      );

      await test('ZRANGE BYLEX', async () => r('zrange', 'z1{t}', '[b', '[c', 'BYLEX'), { okPattern: 'b c' });

      await test('ZRANGESTORE invalid syntax', async () => {
        let err = (await tclCatch(() => r('zrangestore', 'z2{t}', 'z1{t}', 0, -1, 'limit', 1, 2))).value;
        assertMatch('*syntax*', err);
        err = (await tclCatch(() => r('zrangestore', 'z2{t}', 'z1{t}', 0, -1, 'WITHSCORES'))).value;
        assertMatch('*syntax*', err);
      });

      await test('ZRANGESTORE with zset-max-listpack-entries 0 #10767 case', async () => {
        const originalMax = await configGet(server, 'zset-max-listpack-entries');
        await r('config', 'set', 'zset-max-listpack-entries', 0);
        await r('del', 'z1{t}', 'z2{t}');
        await r('zadd', 'z1{t}', 1, 'a');
        assertEqual(1, await r('zrangestore', 'z2{t}', 'z1{t}', 0, -1));
        await r('config', 'set', 'zset-max-listpack-entries', originalMax);
      });

      await test('ZRANGESTORE with zset-max-listpack-entries 1 dst key should use skiplist encoding', async () => {
        const originalMax = await configGet(server, 'zset-max-listpack-entries');
        await r('config', 'set', 'zset-max-listpack-entries', 1);
        await r('del', 'z1{t}', 'z2{t}', 'z3{t}');
        await r('zadd', 'z1{t}', 1, 'a', 2, 'b');
        assertEqual(1, await r('zrangestore', 'z2{t}', 'z1{t}', 0, 0));
        await encodingIs('listpack', 'z2{t}');
        assertEqual(2, await r('zrangestore', 'z3{t}', 'z1{t}', 0, 1));
        await encodingIs('skiplist', 'z3{t}');
        await r('config', 'set', 'zset-max-listpack-entries', originalMax);
      });

      await test('ZRANGE invalid syntax', async () => {
        let err = (await tclCatch(() => r('zrange', 'z1{t}', 0, -1, 'limit', 1, 2))).value;
        assertMatch('*syntax*', err);
        err = (await tclCatch(() => r('zrange', 'z1{t}', 0, -1, 'BYLEX', 'WITHSCORES'))).value;
        assertMatch('*syntax*', err);
        err = (await tclCatch(() => r('zrevrange', 'z1{t}', 0, -1, 'BYSCORE'))).value;
        assertMatch('*syntax*', err);
        err = (await tclCatch(() => r('zrangebyscore', 'z1{t}', 0, -1, 'REV'))).value;
        assertMatch('*syntax*', err);
      });

      // Members of a flat score/member list.
      const getKeys = (l: Arg[]) => l.filter((_, i) => i % 2 === 1).map(String);

      // Every member of the reply belongs to the zset.
      const checkMember = (mydict: Map<string, string>, res: string[]) => {
        for (const ele of res) assert(mydict.has(ele), '[dict exists $mydict $ele]');
      };

      // Every member/score pair of the reply belongs to the zset.
      const checkMemberAndScore = (mydict: Map<string, string>, res: string[]) => {
        for (let i = 0; i < res.length; i += 2) assertEqual(res[i + 1], mydict.get(res[i]));
      };

      // Both contents are drawn before the loop, as upstream builds the list once.
      for (const [type, contents] of [
        ['listpack', [1, 'a', 2, 'b', 3, 'c']],
        ['skiplist', [1, 'a', 2, 'b', 3, randstring(70, 90, 'alpha')]],
      ] as Array<[Encoding, Arg[]]>) {
        const originalMaxValue = await configGet(server, 'zset-max-ziplist-value');
        await r('config', 'set', 'zset-max-ziplist-value', 10);
        await createZset('myzset', contents);
        await encodingIs(type, 'myzset');

        await test(`ZRANDMEMBER - ${type}`, async () => {
          const myzset = new Set<string>();
          for (let i = 0; i < 100; i++) myzset.add(String(await r('zrandmember', 'myzset')));
          assertEqual(getKeys(contents).sort(), [...myzset].sort());
        });
        await r('config', 'set', 'zset-max-ziplist-value', originalMaxValue);
      }

      await test('ZRANDMEMBER with RESP3', async () => {
        await r('hello', 3);
        let res = (await r('zrandmember', 'myzset', 3, 'withscores')) as Reply[];
        assertEqual(res.length, 3);
        assertEqual(llength(res[1]), 2);

        res = (await r('zrandmember', 'myzset', 3)) as Reply[];
        assertEqual(res.length, 3);
        assertEqual(llength(res[1]), 1);
        await r('hello', 2);
      });

      await test('ZRANDMEMBER count of 0 is handled correctly', async () => r('zrandmember', 'myzset', 0), { okPattern: '' });

      await test('ZRANDMEMBER with <count> against non existing key', async () => r('zrandmember', 'nonexisting_key', 100), { okPattern: '' });

      await test(
        'ZRANDMEMBER count overflow',
        async () => {
          await r('zadd', 'myzset', 0, 'a');
          await assertError('*value is out of range*', () => r('zrandmember', 'myzset', '-9223372036854770000', 'withscores'));
          await assertError('*value is out of range*', () => r('zrandmember', 'myzset', '-9223372036854775808', 'withscores'));
          await assertError('*value is out of range*', () => r('zrandmember', 'myzset', '-9223372036854775808'));
        },
      );

      // Raw replies tell an empty array from a null one.
      server.client.readRaw(true);

      await test('ZRANDMEMBER count of 0 is handled correctly - emptyarray', async () => r('zrandmember', 'myzset', 0), { okPattern: '*0' });

      await test('ZRANDMEMBER with <count> against non existing key - emptyarray', async () => r('zrandmember', 'nonexisting_key', 100), {
        okPattern: '*0',
      });

      server.client.readRaw(false);

      // Both contents are drawn before the loop, as upstream builds the list once.
      const withCount: Array<[Encoding, Arg[]]> = [
        ['skiplist', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f', 7, 'g', 7, 'h', 9, 'i', 10, randstring(70, 90, 'alpha')]],
        ['listpack', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f', 7, 'g', 7, 'h', 9, 'i', 10, 'j']],
      ];
      for (const [type, contents] of withCount) {
        let originalMaxValue = '';
        await test(`ZRANDMEMBER with <count> - ${type}`, async () => {
          originalMaxValue = await configGet(server, 'zset-max-ziplist-value');
          await r('config', 'set', 'zset-max-ziplist-value', 10);
          await createZset('myzset', contents);
          await encodingIs(type, 'myzset');

          // member -> score, for lookups
          const flat = (await r('zrange', 'myzset', 0, -1, 'withscores')) as string[];
          const mydict = new Map<string, string>();
          for (let i = 0; i < flat.length; i += 2) mydict.set(flat[i], flat[i + 1]);
          const dictKeys = () => [...mydict.keys()].sort();
          const dictFlat = () => [...mydict].flat();

          // ZRANDMEMBER has four code paths; each part below reaches one of them.

          // PATH 1: negative count.

          // Repeated members, with and without scores, all from the zset.
          let res = (await r('zrandmember', 'myzset', -20)) as string[];
          assertEqual(res.length, 20);
          checkMember(mydict, res);

          res = (await r('zrandmember', 'myzset', -1001)) as string[];
          assertEqual(res.length, 1001);
          checkMember(mydict, res);

          res = (await r('zrandmember', 'myzset', -20, 'withscores')) as string[];
          assertEqual(res.length, 40);
          checkMemberAndScore(mydict, res);

          res = (await r('zrandmember', 'myzset', -1001, 'withscores')) as string[];
          assertEqual(res.length, 2002);
          checkMemberAndScore(mydict, res);

          // Uniform distribution: with df = 9, a chi-square value of 40 has probability 0.00001.
          res = (await r('zrandmember', 'myzset', -1000)) as string[];
          assertLessThan(chiSquareValue(res), 40);
          checkMember(mydict, res);

          // Sooner or later every member comes back, with WITHSCORES and without.
          let auxset = new Set<string>();
          let iterations = 1000;
          while (iterations !== 0) {
            iterations--;
            if (iterations % 2 === 0) {
              res = (await r('zrandmember', 'myzset', -3, 'withscores')) as string[];
              for (let i = 0; i < res.length; i += 2) auxset.add(res[i]);
            } else {
              res = (await r('zrandmember', 'myzset', -3)) as string[];
              for (const key of res) auxset.add(key);
            }
            if (tclString(dictKeys()) === tclString([...auxset].sort())) break;
          }
          assert(iterations !== 0, '$iterations != 0');

          // PATH 2: positive count (distinct members) at least as large as the zset.
          for (const size of [10, 20]) {
            res = (await r('zrandmember', 'myzset', size)) as string[];
            assertEqual(res.length, 10);
            assertEqual([...res].sort(), dictKeys());
            checkMember(mydict, res);

            res = (await r('zrandmember', 'myzset', size, 'withscores')) as string[];
            assertEqual(res.length, 20);
            assertEqual([...res].sort(), dictFlat().sort());
            checkMemberAndScore(mydict, res);
          }

          // PATH 3: nearly as many members as the zset holds (the server copies the zset and
          // drops random members). PATH 4: clearly fewer (the server picks random members).
          // Only the size differs between the two.
          for (const size of [1, 2, 8]) {
            // All from the zset.
            res = (await r('zrandmember', 'myzset', size)) as string[];
            assertEqual(res.length, size);
            checkMember(mydict, res);

            res = (await r('zrandmember', 'myzset', size, 'withscores')) as string[];
            assertEqual(res.length, size * 2);
            checkMemberAndScore(mydict, res);

            // Sooner or later every member comes back, with WITHSCORES and without.
            auxset = new Set<string>();
            const allkey: string[] = [];
            iterations = Math.floor(1000 / size);
            let allEleReturn = 'false';
            while (iterations !== 0) {
              iterations--;
              if (iterations % 2 === 0) {
                res = (await r('zrandmember', 'myzset', size, 'withscores')) as string[];
                for (let i = 0; i < res.length; i += 2) {
                  auxset.add(res[i]);
                  allkey.push(res[i]);
                }
              } else {
                res = (await r('zrandmember', 'myzset', size)) as string[];
                for (const key of res) {
                  auxset.add(key);
                  allkey.push(key);
                }
              }
              if (tclString(dictKeys()) === tclString([...auxset].sort())) allEleReturn = 'true';
            }
            assertEqual(allEleReturn, 'true');
            // With df = 9, a chi-square value of 40 has probability 0.00001.
            assertLessThan(chiSquareValue(allkey), 40);
          }
        });
        await r('config', 'set', 'zset-max-ziplist-value', originalMaxValue);
      }

      await test(
        'zset score double range',
        async () => {
          // DBL_MAX written out in full, as a decimal with a fraction.
          const dblmax = `${BigInt(Number.MAX_VALUE)}.00000000000000000`;
          await r('del', 'zz');
          await r('zadd', 'zz', dblmax, 'dblmax');
          await encodingIs('listpack', 'zz');
          return r('zscore', 'zz', 'dblmax');
        },
        { okPattern: '1.7976931348623157e+308' },
      );
    }
  });
});

/** Tcl's numeric view of a reply (`==`, `<` in expr): inf and -inf included. */
function tclNum(value: unknown): number {
  const s = tclString(value).trim().toLowerCase();
  if (s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity') return Infinity;
  if (s === '-inf' || s === '-infinity') return -Infinity;
  return Number(s);
}
