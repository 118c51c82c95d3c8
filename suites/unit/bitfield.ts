import {
  suite,
  startServer,
  test,
  r,
  assert,
  assertEqual,
  assertMatch,
  fail,
  randomInt,
  tclCatch,
  tclString,
  waitForCondition,
  waitForOfsSync,
} from '../../harness/index.ts';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** One random BITFIELD type with its range, a value and an increment that may overflow it. */
function randomFieldCase() {
  const bits = randomInt(64) + 1;
  let sign = randomInt(2);
  const range = 2n ** BigInt(bits);
  if (bits === 64) sign = 1; // BITFIELD has no u64
  const min = sign ? -(range / 2n) : 0n;
  const type = `${sign ? 'i' : 'u'}${bits}`;
  const max = min + range - 1n;
  // Drawn through a double, as Tcl's int(rand()*max) does for these big ranges.
  const range2 = range * 2n;
  const clamp = (v: bigint) => (v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v);
  const value = clamp(min * 2n + BigInt(randomInt(Number(range2))));
  const increment = clamp(min * 2n + BigInt(randomInt(Number(range2))));
  return { sign, range, min, max, type, value, increment };
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['bitops'] }, async () => {
    await test(
      'BITFIELD signed SET and GET basics',
      async () => {
        await r('del', 'bits');
        const results: unknown[] = [];
        results.push(await r('bitfield', 'bits', 'set', 'i8', 0, -100));
        results.push(await r('bitfield', 'bits', 'set', 'i8', 0, 101));
        results.push(await r('bitfield', 'bits', 'get', 'i8', 0));
        return results;
      },
      { okPattern: '0 -100 101' },
    );

    await test(
      'BITFIELD unsigned SET and GET basics',
      async () => {
        await r('del', 'bits');
        const results: unknown[] = [];
        results.push(await r('bitfield', 'bits', 'set', 'u8', 0, 255));
        results.push(await r('bitfield', 'bits', 'set', 'u8', 0, 100));
        results.push(await r('bitfield', 'bits', 'get', 'u8', 0));
        return results;
      },
      { okPattern: '0 255 100' },
    );

    await test(
      'BITFIELD signed SET and GET together',
      async () => {
        await r('del', 'bits');
        return r('bitfield', 'bits', 'set', 'i8', 0, 255, 'set', 'i8', 0, 100, 'get', 'i8', 0);
      },
      { okPattern: '0 -1 100' },
    );

    await test(
      'BITFIELD unsigned with SET, GET and INCRBY arguments',
      async () => {
        await r('del', 'bits');
        return r('bitfield', 'bits', 'set', 'u8', 0, 255, 'incrby', 'u8', 0, 100, 'get', 'u8', 0);
      },
      { okPattern: '0 99 99' },
    );

    await test('BITFIELD with only key as argument', async () => {
      await r('del', 'bits');
      const result = await r('bitfield', 'bits');
      assert(tclString(result) === '', 'result eq {}');
    });

    await test(
      'BITFIELD #<idx> form',
      async () => {
        await r('del', 'bits');
        await r('bitfield', 'bits', 'set', 'u8', '#0', 65);
        await r('bitfield', 'bits', 'set', 'u8', '#1', 66);
        await r('bitfield', 'bits', 'set', 'u8', '#2', 67);
        return r('get', 'bits');
      },
      { okPattern: 'ABC' },
    );

    await test(
      'BITFIELD basic INCRBY form',
      async () => {
        await r('del', 'bits');
        const results: unknown[] = [];
        await r('bitfield', 'bits', 'set', 'u8', '#0', 10);
        results.push(await r('bitfield', 'bits', 'incrby', 'u8', '#0', 100));
        results.push(await r('bitfield', 'bits', 'incrby', 'u8', '#0', 100));
        return results;
      },
      { okPattern: '110 210' },
    );

    await test(
      'BITFIELD chaining of multiple commands',
      async () => {
        await r('del', 'bits');
        const results: unknown[] = [];
        await r('bitfield', 'bits', 'set', 'u8', '#0', 10);
        results.push(await r('bitfield', 'bits', 'incrby', 'u8', '#0', 100, 'incrby', 'u8', '#0', 100));
        return results;
      },
      { okPattern: '{110 210}' },
    );

    // Four results: an INCRBY with an overflow policy, then GET, twice.
    const overflowCase = async (setType: string, type: string, policy: string, inc1: number, inc2: number) => {
      await r('del', 'bits');
      const results: unknown[] = [];
      await r('bitfield', 'bits', 'set', setType, '#0', 100);
      results.push(await r('bitfield', 'bits', 'overflow', policy, 'incrby', type, '#0', inc1));
      results.push(await r('bitfield', 'bits', 'get', type, '#0'));
      results.push(await r('bitfield', 'bits', 'overflow', policy, 'incrby', type, '#0', inc2));
      results.push(await r('bitfield', 'bits', 'get', type, '#0'));
      return results;
    };

    await test('BITFIELD unsigned overflow wrap', () => overflowCase('u8', 'u8', 'wrap', 257, 255), { okPattern: '101 101 100 100' });

    await test('BITFIELD unsigned overflow sat', () => overflowCase('u8', 'u8', 'sat', 257, -255), { okPattern: '255 255 0 0' });

    await test('BITFIELD signed overflow wrap', () => overflowCase('i8', 'i8', 'wrap', 257, 255), { okPattern: '101 101 100 100' });

    // Upstream sets the field as u8 here, then works on it as i8.
    await test('BITFIELD signed overflow sat', () => overflowCase('u8', 'i8', 'sat', 257, -255), { okPattern: '127 127 -128 -128' });

    await test('BITFIELD overflow detection fuzzing', async () => {
      for (let j = 0; j < 1000; j++) {
        const { min, max, type, value, increment } = randomFieldCase();
        let overflow = false;
        if (value > max || value < min) overflow = true;
        if (value + increment > max) overflow = true;
        if (value + increment < min) overflow = true;

        await r('del', 'bits');
        const res1 = (await r('bitfield', 'bits', 'overflow', 'fail', 'set', type, 0, String(value))) as unknown[];
        const res2 = (await r('bitfield', 'bits', 'overflow', 'fail', 'incrby', type, 0, String(increment))) as unknown[];

        const first = (res: unknown[]) => tclString(res[0]);
        if (overflow && first(res1) !== '' && first(res2) !== '') fail(`OW not detected where needed: ${type} ${value}+${increment}`);
        if (!overflow && (first(res1) === '' || first(res2) === '')) fail(`OW detected where NOT needed: ${type} ${value}+${increment}`);
      }
    });

    await test('BITFIELD overflow wrap fuzzing', async () => {
      for (let j = 0; j < 1000; j++) {
        const { sign, range, min, max, type, value, increment } = randomFieldCase();

        await r('del', 'bits');
        await r('bitfield', 'bits', 'overflow', 'wrap', 'set', type, 0, String(value));
        await r('bitfield', 'bits', 'overflow', 'wrap', 'incrby', type, 0, String(increment));
        const res = BigInt(((await r('bitfield', 'bits', 'get', type, 0)) as Array<number | bigint>)[0]!);

        let expected = 0n;
        if (sign) expected += max + 1n;
        expected += value + increment;
        // Tcl's % takes the sign of the divisor.
        expected = ((expected % range) + range) % range;
        if (sign) expected += min;

        if (res !== expected) fail(`WRAP error: ${type} ${value}+${increment} = ${res}, should be ${expected}`);
      }
    });

    await test(
      'BITFIELD regression for #3221',
      async () => {
        await r('set', 'bits', 1);
        return r('bitfield', 'bits', 'get', 'u1', 0);
      },
      { okPattern: '0' },
    );

    await test('BITFIELD regression for #3564', async () => {
      for (let j = 0; j < 10; j++) {
        await r('del', 'mystring');
        const res = await r('BITFIELD', 'mystring', 'SET', 'i8', 0, 10, 'SET', 'i8', 64, 10, 'INCRBY', 'i8', 10, 99900);
        assert(tclString(res) === '0 0 60', `res (${tclString(res)}) eq {0 0 60}`);
      }
      await r('del', 'mystring');
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      await test('BITFIELD: setup slave', async () => {
        await slave.call('slaveof', master.host, master.port);
        await waitForCondition(50, 100, async () => (await slave.status('master_link_status')) === 'up', 'Replication not started.');
      });

      await test('BITFIELD: write on master, read on slave', async () => {
        await master.call('del', 'bits');
        assertEqual(0, await master.call('bitfield', 'bits', 'set', 'u8', 0, 255));
        assertEqual(255, await master.call('bitfield', 'bits', 'set', 'u8', 0, 100));
        await waitForOfsSync(master, slave);
        assertEqual(100, await slave.call('bitfield_ro', 'bits', 'get', 'u8', 0));
      });

      await test('BITFIELD_RO with only key as argument', async () => {
        const res = await slave.call('bitfield_ro', 'bits');
        assert(tclString(res) === '', 'res eq {}');
      });

      await test('BITFIELD_RO fails when write option is used', async () => {
        const { value } = await tclCatch(() => slave.call('bitfield_ro', 'bits', 'set', 'u8', 0, 100, 'get', 'u8', 0));
        assertMatch('*ERR BITFIELD_RO only supports the GET subcommand*', value);
      });
    });
  });
});
