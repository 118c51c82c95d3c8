// Bit commands checked against local models of the same operations. Values are bytes, so the
// tests talk to the server through a client that sends and returns Buffers.
import {
  suite,
  startServer,
  test,
  settings,
  assert,
  assertEqual,
  assertMatch,
  configGet,
  randomInt,
  randomRange,
  randstring,
  runSolo,
  tclBytes,
  tclCatch,
} from '../../harness/index.ts';


function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b >>= 1) n += b & 1;
  return n;
}

function countBits(buf: Buffer): number {
  let n = 0;
  for (const byte of buf) n += popcount(byte);
  return n;
}

/** Tcl `string range` bounds: clamped to the string, empty when start > end. */
function clampRange(len: number, start: number, end: number): [number, number] {
  return [Math.max(0, start), Math.min(len - 1, end)];
}

function byteRange(buf: Buffer, start: number, end: number): Buffer {
  const [from, to] = clampRange(buf.length, start, end);
  return from > to ? Buffer.alloc(0) : buf.subarray(from, to + 1);
}

/** Set bits between two bit indexes (inclusive), bit 0 being the most significant of byte 0. */
function countBitsStartEnd(buf: Buffer, start: number, end: number): number {
  const [from, to] = clampRange(buf.length * 8, start, end);
  let n = 0;
  for (let i = from; i <= to; i++) n += (buf[i >> 3]! >> (7 - (i & 7))) & 1;
  return n;
}

/** BITOP done locally: shorter inputs are zero-padded to the longest. */
function simulateBitOp(op: 'and' | 'or' | 'xor' | 'not', ...inputs: Buffer[]): Buffer {
  const maxlen = Math.max(0, ...inputs.map((b) => b.length));
  const out = Buffer.alloc(maxlen);
  for (let x = 0; x < maxlen; x++) {
    let v = inputs[0]![x] ?? 0;
    if (op === 'not') v = ~v & 0xff;
    for (let j = 1; j < inputs.length; j++) {
      const w = inputs[j]![x] ?? 0;
      if (op === 'and') v &= w;
      else if (op === 'or') v |= w;
      else if (op === 'xor') v ^= w;
    }
    out[x] = v;
  }
  return out;
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['bitops'] }, async (server) => {
    const rb = await server.newClient({ buffers: true });
    const r = (...args: Array<string | number | Buffer>) => rb.call(...args);

    await test('BITCOUNT returns 0 against non existing key', async () => {
      assert((await r('bitcount', 'no-key')) === 0, 'bitcount no-key == 0');
      assert((await r('bitcount', 'no-key', 0, 1000, 'bit')) === 0, 'bitcount no-key 0 1000 bit == 0');
    });

    await test('BITCOUNT returns 0 with out of range indexes', async () => {
      await r('set', 'str', 'xxxx');
      assert((await r('bitcount', 'str', 4, 10)) === 0, 'bitcount str 4 10 == 0');
      assert((await r('bitcount', 'str', 32, 87, 'bit')) === 0, 'bitcount str 32 87 bit == 0');
    });

    await test('BITCOUNT returns 0 with negative indexes where start > end', async () => {
      await r('set', 'str', 'xxxx');
      assert((await r('bitcount', 'str', -6, -7)) === 0, 'bitcount str -6 -7 == 0');
      assert((await r('bitcount', 'str', -6, -15, 'bit')) === 0, 'bitcount str -6 -15 bit == 0');
    });

    const vectors = ['', '\xaa', '\x00\x00\xff', 'foobar', '123'];
    for (const [i, vec] of vectors.entries()) {
      await test(`BITCOUNT against test vector #${i + 1}`, async () => {
        await r('set', 'str', tclBytes(vec));
        const count = countBits(tclBytes(vec));
        assert((await r('bitcount', 'str')) === count, `bitcount str == ${count}`);
        assert((await r('bitcount', 'str', 0, -1, 'bit')) === count, `bitcount str 0 -1 bit == ${count}`);
      });
    }

    await test('BITCOUNT fuzzing without start/end', async () => {
      for (let j = 0; j < 100; j++) {
        const str = tclBytes(randstring(0, 3000));
        await r('set', 'str', str);
        const count = countBits(str);
        assert((await r('bitcount', 'str')) === count, `bitcount str == ${count}`);
        assert((await r('bitcount', 'str', 0, -1, 'bit')) === count, `bitcount str 0 -1 bit == ${count}`);
      }
    });

    await test('BITCOUNT fuzzing with start/end', async () => {
      for (let j = 0; j < 100; j++) {
        const str = tclBytes(randstring(0, 3000));
        await r('set', 'str', str);
        let start = randomInt(str.length);
        let end = randomInt(str.length);
        if (start > end) [start, end] = [end, start];
        const expected = countBits(byteRange(str, start, end));
        assert((await r('bitcount', 'str', start, end)) === expected, `bitcount str ${start} ${end} == ${expected}`);
      }
      for (let j = 0; j < 100; j++) {
        const str = tclBytes(randstring(0, 3000));
        await r('set', 'str', str);
        const l = str.length * 8;
        let start = randomInt(l);
        let end = randomInt(l);
        if (start > end) [start, end] = [end, start];
        const expected = countBitsStartEnd(str, start, end);
        assert((await r('bitcount', 'str', start, end, 'bit')) === expected, `bitcount str ${start} ${end} bit == ${expected}`);
      }
    });

    await test('BITCOUNT with start, end', async () => {
      const s = tclBytes('foobar');
      await r('set', 's', s);
      assertEqual(await r('bitcount', 's', 0, -1), countBits(tclBytes('foobar')));
      assertEqual(await r('bitcount', 's', 1, -2), countBits(tclBytes('ooba')));
      assertEqual(await r('bitcount', 's', -2, 1), countBits(tclBytes('')));
      assertEqual(await r('bitcount', 's', 0, 1000), countBits(tclBytes('foobar')));

      assertEqual(await r('bitcount', 's', 0, -1, 'bit'), countBits(s));
      assertEqual(await r('bitcount', 's', 10, 14, 'bit'), countBitsStartEnd(s, 10, 14));
      assertEqual(await r('bitcount', 's', 3, 14, 'bit'), countBitsStartEnd(s, 3, 14));
      assertEqual(await r('bitcount', 's', 3, 29, 'bit'), countBitsStartEnd(s, 3, 29));
      assertEqual(await r('bitcount', 's', 10, -34, 'bit'), countBitsStartEnd(s, 10, 14));
      assertEqual(await r('bitcount', 's', 3, -34, 'bit'), countBitsStartEnd(s, 3, 14));
      assertEqual(await r('bitcount', 's', 3, -19, 'bit'), countBitsStartEnd(s, 3, 29));
      assertEqual(await r('bitcount', 's', -2, 1, 'bit'), 0);
      assertEqual(await r('bitcount', 's', 0, 1000, 'bit'), countBits(s));
    });

    await test('BITCOUNT syntax error #1', async () => (await tclCatch(() => r('bitcount', 's', 0))).value, { okPattern: 'ERR *syntax*' });

    await test('BITCOUNT syntax error #2', async () => (await tclCatch(() => r('bitcount', 's', 0, 1, 'hello'))).value, {
      okPattern: 'ERR *syntax*',
    });

    await test(
      'BITCOUNT regression test for github issue #582',
      async () => {
        await r('del', 'foo');
        await r('setbit', 'foo', 0, 1);
        const { failed, value } = await tclCatch(() => r('bitcount', 'foo', 0, 4294967296));
        if (!failed) return value;
        assertMatch('*ERR*out of range*', value);
        return 1;
      },
      { okPattern: '1' },
    );

    await test(
      'BITCOUNT misaligned prefix',
      async () => {
        await r('del', 'str');
        await r('set', 'str', 'ab');
        return r('bitcount', 'str', 1, -1);
      },
      { okPattern: '3' },
    );

    await test(
      'BITCOUNT misaligned prefix + full words + remainder',
      async () => {
        await r('del', 'str');
        await r('set', 'str', '__PPxxxxxxxxxxxxxxxxRR__');
        return r('bitcount', 'str', 2, -3);
      },
      { okPattern: '74' },
    );

    await test(
      'BITOP NOT (empty string)',
      async () => {
        await r('set', 's{t}', '');
        await r('bitop', 'not', 'dest{t}', 's{t}');
        return r('get', 'dest{t}');
      },
      { okPattern: '' },
    );

    await test(
      'BITOP NOT (known string)',
      async () => {
        await r('set', 's{t}', tclBytes('\xaa\x00\xff\x55'));
        await r('bitop', 'not', 'dest{t}', 's{t}');
        return r('get', 'dest{t}');
      },
      { okPattern: '\x55\xff\x00\xaa' },
    );

    await test(
      'BITOP where dest and target are the same key',
      async () => {
        await r('set', 's', tclBytes('\xaa\x00\xff\x55'));
        await r('bitop', 'not', 's', 's');
        return r('get', 's');
      },
      { okPattern: '\x55\xff\x00\xaa' },
    );

    await test(
      "BITOP AND|OR|XOR don't change the string with single input key",
      async () => {
        await r('set', 'a{t}', tclBytes('\x01\x02\xff'));
        await r('bitop', 'and', 'res1{t}', 'a{t}');
        await r('bitop', 'or', 'res2{t}', 'a{t}');
        await r('bitop', 'xor', 'res3{t}', 'a{t}');
        return [await r('get', 'res1{t}'), await r('get', 'res2{t}'), await r('get', 'res3{t}')];
      },
      { okPattern: '\x01\x02\xff \x01\x02\xff \x01\x02\xff' },
    );

    await test(
      'BITOP missing key is considered a stream of zero',
      async () => {
        await r('set', 'a{t}', tclBytes('\x01\x02\xff'));
        await r('bitop', 'and', 'res1{t}', 'no-suck-key{t}', 'a{t}');
        await r('bitop', 'or', 'res2{t}', 'no-suck-key{t}', 'a{t}', 'no-such-key{t}');
        await r('bitop', 'xor', 'res3{t}', 'no-such-key{t}', 'a{t}');
        return [await r('get', 'res1{t}'), await r('get', 'res2{t}'), await r('get', 'res3{t}')];
      },
      { okPattern: '\x00\x00\x00 \x01\x02\xff \x01\x02\xff' },
    );

    await test(
      'BITOP shorter keys are zero-padded to the key with max length',
      async () => {
        await r('set', 'a{t}', tclBytes('\x01\x02\xff\xff'));
        await r('set', 'b{t}', tclBytes('\x01\x02\xff'));
        await r('bitop', 'and', 'res1{t}', 'a{t}', 'b{t}');
        await r('bitop', 'or', 'res2{t}', 'a{t}', 'b{t}');
        await r('bitop', 'xor', 'res3{t}', 'a{t}', 'b{t}');
        return [await r('get', 'res1{t}'), await r('get', 'res2{t}'), await r('get', 'res3{t}')];
      },
      { okPattern: '\x01\x02\xff\x00 \x01\x02\xff\xff \x00\x00\x00\xff' },
    );

    for (const op of ['and', 'or', 'xor'] as const) {
      await test(`BITOP ${op} fuzzing`, async () => {
        for (let i = 0; i < 10; i++) {
          await r('flushall');
          const vec: Buffer[] = [];
          const veckeys: string[] = [];
          const numvec = randomInt(10) + 1;
          for (let j = 0; j < numvec; j++) {
            const str = tclBytes(randstring(0, 1000));
            vec.push(str);
            veckeys.push(`vector_${j}{t}`);
            await r('set', `vector_${j}{t}`, str);
          }
          await r('bitop', op, 'target{t}', ...veckeys);
          assertEqual(await r('get', 'target{t}'), simulateBitOp(op, ...vec));
        }
      });
    }

    await test('BITOP NOT fuzzing', async () => {
      for (let i = 0; i < 10; i++) {
        await r('flushall');
        const str = tclBytes(randstring(0, 1000));
        await r('set', 'str{t}', str);
        await r('bitop', 'not', 'target{t}', 'str{t}');
        assertEqual(await r('get', 'target{t}'), simulateBitOp('not', str));
      }
    });

    await test(
      'BITOP with integer encoded source objects',
      async () => {
        await r('set', 'a{t}', 1);
        await r('set', 'b{t}', 2);
        await r('bitop', 'xor', 'dest{t}', 'a{t}', 'b{t}', 'a{t}');
        return r('get', 'dest{t}');
      },
      { okPattern: '2' },
    );

    await test(
      'BITOP with non string source key',
      async () => {
        await r('del', 'c{t}');
        await r('set', 'a{t}', 1);
        await r('set', 'b{t}', 2);
        await r('lpush', 'c{t}', 'foo');
        return (await tclCatch(() => r('bitop', 'xor', 'dest{t}', 'a{t}', 'b{t}', 'c{t}', 'd{t}'))).value;
      },
      { okPattern: 'WRONGTYPE*' },
    );

    await test(
      'BITOP with empty string after non empty string (issue #529)',
      async () => {
        await r('flushdb');
        await r('set', 'a{t}', Buffer.alloc(32));
        return r('bitop', 'or', 'x{t}', 'a{t}', 'b{t}');
      },
      { okPattern: '32' },
    );

    /** Each [args, expected] pair: BITPOS str args must answer expected. */
    async function checkBitpos(cases: Array<[Array<number | string>, number]>): Promise<void> {
      for (const [args, expected] of cases) {
        assert((await r('bitpos', 'str', ...args)) === expected, `bitpos str ${args.join(' ')} == ${expected}`);
      }
    }

    await test('BITPOS bit=0 with empty key returns 0', async () => {
      await r('del', 'str');
      await checkBitpos([
        [[0], 0],
        [[0, 0, -1, 'bit'], 0],
      ]);
    });

    await test('BITPOS bit=1 with empty key returns -1', async () => {
      await r('del', 'str');
      await checkBitpos([
        [[1], -1],
        [[1, 0, -1], -1],
      ]);
    });

    await test('BITPOS bit=0 with string less than 1 word works', async () => {
      await r('set', 'str', tclBytes('\xff\xf0\x00'));
      await checkBitpos([
        [[0], 12],
        [[0, 0, -1, 'bit'], 12],
      ]);
    });

    await test('BITPOS bit=1 with string less than 1 word works', async () => {
      await r('set', 'str', tclBytes('\x00\x0f\x00'));
      await checkBitpos([
        [[1], 12],
        [[1, 0, -1, 'bit'], 12],
      ]);
    });

    await test('BITPOS bit=0 starting at unaligned address', async () => {
      await r('set', 'str', tclBytes('\xff\xf0\x00'));
      await checkBitpos([
        [[0, 1], 12],
        [[0, 1, -1, 'bit'], 12],
      ]);
    });

    await test('BITPOS bit=1 starting at unaligned address', async () => {
      await r('set', 'str', tclBytes('\x00\x0f\xff'));
      await checkBitpos([
        [[1, 1], 12],
        [[1, 1, -1, 'bit'], 12],
      ]);
    });

    // A 3-byte prefix, three full 64-bit words, then the byte holding the wanted bit.
    async function unalignedWordsCase(bit: 0 | 1): Promise<void> {
      const fill = bit === 0 ? 0xff : 0x00;
      await r('del', 'str');
      await r('set', 'str', Buffer.alloc(3, fill));
      for (let w = 0; w < 3; w++) await r('append', 'str', Buffer.alloc(8, fill));
      await r('append', 'str', Buffer.from([bit === 0 ? 0x0f : 0xf0]));
      const cases: Array<[Array<number | string>, number]> = [[[bit], 216]];
      for (let start = 1; start <= 8; start++) cases.push([[bit, start], 216]);
      for (let start = 1; start <= 65; start += 8) cases.push([[bit, start, -1, 'bit'], 216]);
      await checkBitpos(cases);
    }

    await test('BITPOS bit=0 unaligned+full word+reminder', () => unalignedWordsCase(0));

    await test('BITPOS bit=1 unaligned+full word+reminder', () => unalignedWordsCase(1));

    await test('BITPOS bit=1 returns -1 if string is all 0 bits', async () => {
      await r('set', 'str', '');
      for (let j = 0; j < 20; j++) {
        await checkBitpos([
          [[1], -1],
          [[1, 0, -1, 'bit'], -1],
        ]);
        await r('append', 'str', Buffer.from([0]));
      }
    });

    await test('BITPOS bit=0 works with intervals', async () => {
      await r('set', 'str', tclBytes('\x00\xff\x00'));
      await checkBitpos([
        [[0, 0, -1], 0],
        [[0, 1, -1], 16],
        [[0, 2, -1], 16],
        [[0, 2, 200], 16],
        [[0, 1, 1], -1],

        [[0, 0, -1, 'bit'], 0],
        [[0, 8, -1, 'bit'], 16],
        [[0, 16, -1, 'bit'], 16],
        [[0, 16, 200, 'bit'], 16],
        [[0, 8, 8, 'bit'], -1],
      ]);
    });

    await test('BITPOS bit=1 works with intervals', async () => {
      await r('set', 'str', tclBytes('\x00\xff\x00'));
      await checkBitpos([
        [[1, 0, -1], 8],
        [[1, 1, -1], 8],
        [[1, 2, -1], -1],
        [[1, 2, 200], -1],
        [[1, 1, 1], 8],

        [[1, 0, -1, 'bit'], 8],
        [[1, 8, -1, 'bit'], 8],
        [[1, 16, -1, 'bit'], -1],
        [[1, 16, 200, 'bit'], -1],
        [[1, 8, 8, 'bit'], 8],
      ]);
    });

    await test('BITPOS bit=0 changes behavior if end is given', async () => {
      await r('set', 'str', tclBytes('\xff\xff\xff'));
      await checkBitpos([
        [[0], 24],
        [[0, 0], 24],
        [[0, 0, -1], -1],
        [[0, 0, -1, 'bit'], -1],
      ]);
    });

    await test('SETBIT/BITFIELD only increase dirty when the value changed', async () => {
      const dirtyNow = () => server.statusNumber('rdb_changes_since_last_save');
      await r('del', 'foo{t}', 'foo2{t}', 'foo3{t}');
      const dirty = await dirtyNow();

      // A new key always counts.
      await r('setbit', 'foo{t}', 0, 0);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 0, 0);
      const dirty2 = await dirtyNow();
      assert(dirty2 === dirty + 2, `dirty2 (${dirty2}) == dirty (${dirty}) + 2`);

      // Nothing changes.
      await r('setbit', 'foo{t}', 0, 0);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 0, 0);
      const dirty3 = await dirtyNow();
      assert(dirty3 === dirty2, `dirty3 (${dirty3}) == dirty2 (${dirty2})`);

      // Changes mixed with writes of the same value.
      await r('setbit', 'foo{t}', 0, 1);
      await r('setbit', 'foo{t}', 0, 1);
      await r('setbit', 'foo{t}', 0, 0);
      await r('setbit', 'foo{t}', 0, 0);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 0, 1);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 0, 1);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 0, 0);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 0, 0);
      const dirty4 = await dirtyNow();
      assert(dirty4 === dirty3 + 4, `dirty4 (${dirty4}) == dirty3 (${dirty3}) + 4`);

      // INCRBY always counts.
      await r('bitfield', 'foo3{t}', 'incrby', 'i5', 0, 1);
      await r('bitfield', 'foo3{t}', 'incrby', 'i5', 0, 1);
      const dirty5 = await dirtyNow();
      assert(dirty5 === dirty4 + 2, `dirty5 (${dirty5}) == dirty4 (${dirty4}) + 2`);

      // Growing the string counts too.
      await r('setbit', 'foo{t}', 90, 0);
      await r('bitfield', 'foo2{t}', 'set', 'i5', 90, 0);
      const dirty6 = await dirtyNow();
      assert(dirty6 === dirty5 + 2, `dirty6 (${dirty6}) == dirty5 (${dirty5}) + 2`);
    });

    await test('BITPOS bit=1 fuzzy testing using SETBIT', async () => {
      await r('del', 'str');
      const max = 524288; // 64k bytes
      let firstOnePos = -1;
      for (let j = 0; j < 1000; j++) {
        await checkBitpos([
          [[1], firstOnePos],
          [[1, 0, -1, 'bit'], firstOnePos],
        ]);
        const pos = randomInt(max);
        await r('setbit', 'str', pos, 1);
        if (firstOnePos === -1 || firstOnePos > pos) firstOnePos = pos;
      }
    });

    await test('BITPOS bit=0 fuzzy testing using SETBIT', async () => {
      const max = 524288; // 64k bytes
      let firstZeroPos = max;
      await r('set', 'str', Buffer.alloc(max / 8, 0xff));
      for (let j = 0; j < 1000; j++) {
        await checkBitpos([
          [[0], firstZeroPos],
          [[0, 0, -1, 'bit'], firstZeroPos === max ? -1 : firstZeroPos],
        ]);
        const pos = randomInt(max);
        await r('setbit', 'str', pos, 0);
        if (firstZeroPos > pos) firstZeroPos = pos;
      }
    });

    // A 10-byte string, all ones but one bit, then all zeros but one bit, for every bit position:
    // BITPOS and BITCOUNT over random ranges before, around and after that bit.
    await test('BITPOS/BITCOUNT fuzzy testing using SETBIT', async () => {
      const testOne = async (start1: number, end1: number, start2: number, end2: number, pos: number, bit: number, posType: string) => {
        let start = randomRange(start1, end1);
        let end = randomRange(start2, end2);
        if (start > end) [start, end] = [end, start];
        let startbit = start;
        let endbit = end;
        if (posType === 'byte') {
          startbit = start << 3;
          endbit = (end << 3) + 7;
        }
        const inrange = pos >= startbit && pos <= endbit ? 1 : 0;
        // Outside: every bit of the range is the opposite of `bit`; inside: all but one.
        const resCount = (endbit - startbit + 1) * (1 - bit) + inrange * (bit ? 1 : -1);
        const expectedPos = inrange ? pos : -1;
        assert((await r('bitpos', 'str', bit, start, end, posType)) === expectedPos, `bitpos str ${bit} ${start} ${end} ${posType} == ${expectedPos}`);
        assert((await r('bitcount', 'str', start, end, posType)) === resCount, `bitcount str ${start} ${end} ${posType} == ${resCount}`);
      };

      await r('del', 'str');
      const max = 80;
      await r('setbit', 'str', max - 1, 0);
      const nbytes = max >> 3;
      for (let bit = 0; bit < 2; bit++) {
        await r('bitop', 'not', 'str', 'str');
        for (let j = 0; j < max; j++) {
          await r('setbit', 'str', j, bit);
          for (const [curr, end, posType] of [
            [j >> 3, nbytes, 'byte'],
            [j, max, 'bit'],
          ] as Array<[number, number, string]>) {
            await testOne(curr, curr, curr, curr, j, bit, posType);
            if (curr > 0) await testOne(0, curr, 0, curr, j, bit, posType);
            if (curr < end - 1) await testOne(curr + 1, end, curr + 1, end, j, bit, posType);
            if (curr > 0 && curr < end - 1) await testOne(0, curr, curr + 1, end, j, bit, posType);
          }
          await r('setbit', 'str', j, 1 - bit);
        }
      }
    });
  });

  await runSolo('bitops-large-memory', async () => {
    await startServer({ tags: ['bitops'] }, async (server) => {
      await test(
        'BIT pos larger than UINT_MAX',
        async () => {
          const r = (...args: Array<string | number | Buffer>) => server.call(...args);
          const nbytes = 2 ** 29 + 1;
          const bitpos = 2 ** 32;
          const oldval = await configGet(server, 'proto-max-bulk-len');
          await r('config', 'set', 'proto-max-bulk-len', nbytes);
          await r('setbit', 'mykey', bitpos, 1);
          assertEqual(nbytes, await r('strlen', 'mykey'));
          assertEqual(1, await r('getbit', 'mykey', bitpos));
          assertEqual([128, 128, -1], await r('bitfield', 'mykey', 'get', 'u8', bitpos, 'set', 'u8', bitpos, 255, 'get', 'i8', bitpos));
          assertEqual(bitpos, await r('bitpos', 'mykey', 1));
          assertEqual(bitpos, await r('bitpos', 'mykey', 1, nbytes - 1));
          if (settings().accurate) {
            // Every bit set.
            const mega = 2 ** 23;
            const part = Buffer.alloc(mega, 0xff);
            for (let i = 0; i < 64; i++) await r('setrange', 'mykey', i * mega, part);
            await r('setrange', 'mykey', nbytes - 1, Buffer.from([0xff]));
            assertEqual(bitpos + 8, await r('bitcount', 'mykey'));
            assertEqual(-1, await r('bitpos', 'mykey', 0, 0, nbytes - 1));
          }
          await r('config', 'set', 'proto-max-bulk-len', oldval);
          return r('del', 'mykey');
        },
        { okPattern: '1', tags: ['large-memory'] },
      );

      await test(
        'SETBIT values larger than UINT32_MAX and lzf_compress/lzf_decompress correctly',
        async () => {
          const r = (...args: Array<string | number | Buffer>) => server.call(...args);
          const nbytes = 2 ** 32 + 1;
          const bitpos = 2 ** 35;
          const oldval = await configGet(server, 'proto-max-bulk-len');
          await r('config', 'set', 'proto-max-bulk-len', nbytes);
          await r('setbit', 'mykey', bitpos, 1);
          assertEqual(nbytes, await r('strlen', 'mykey'));
          assertEqual(1, await r('getbit', 'mykey', bitpos));
          // The RDB save and load go through lzf_compress/lzf_decompress.
          await r('debug', 'reload');
          assertEqual(1, await r('getbit', 'mykey', bitpos));
          await r('config', 'set', 'proto-max-bulk-len', oldval);
          return r('del', 'mykey');
        },
        { okPattern: '1', tags: ['large-memory', 'needs:debug'] },
      );
    });
  });
});
