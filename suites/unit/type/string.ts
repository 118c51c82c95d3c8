import {
  suite,
  startServer,
  test,
  tags,
  assert,
  assertEqual,
  assertError,
  assertEncoding,
  assertRange,
  stringMatch,
  tclCatch,
  tclString,
  tclBytes,
  randomInt,
  randstring,
  sleep,
  ReplicationStream,
  dictGet,
  type ServerHandle,
} from '../../../harness/index.ts';

/** Tcl `binary format B* bits`: MSB-first bits, the last byte padded with zeros. */
function bitsToBuffer(bits: string): Buffer {
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

/** Tcl `string range s start end` for non-negative indexes. */
function stringRange(s: string, start: number, end: number): string {
  if (end >= s.length) end = s.length - 1;
  return start > end ? '' : s.slice(start, end + 1);
}

const RNA1 =
  'CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG';
const RNA2 =
  'ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';
const RNALCS =
  'ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';

export default suite(async () => {
  await startServer({ tags: ['string'] }, async (server: ServerHandle) => {
    const r = (...args: Array<string | number | Buffer>) => server.call(...args);

    await test(
      'SET and GET an item',
      async () => {
        await r('set', 'x', 'foobar');
        return r('get', 'x');
      },
      { okPattern: 'foobar' },
    );

    await test(
      'SET and GET an empty item',
      async () => {
        await r('set', 'x', '');
        return r('get', 'x');
      },
      { okPattern: '' },
    );

    await test(
      'Very big payload in GET/SET',
      async () => {
        const buf = 'abcd'.repeat(1000000);
        await r('set', 'foo', buf);
        return r('get', 'foo');
      },
      { okPattern: 'abcd'.repeat(1000000) },
    );

    await tags(['slow'], async () => {
      await test(
        'Very big payload random access',
        async () => {
          let err = '';
          const payload: string[] = [];
          for (let j = 0; j < 100; j++) {
            const size = 1 + randomInt(100000);
            const buf = `pl-${j}`.repeat(size);
            payload[j] = buf;
            await r('set', `bigpayload_${j}`, buf);
          }
          for (let j = 0; j < 1000; j++) {
            const index = randomInt(100);
            const buf = await r('get', `bigpayload_${index}`);
            if (buf !== payload[index]) {
              err = `Values differ: I set '${payload[index]}' but I read back '${tclString(buf)}'`;
              break;
            }
          }
          return err;
        },
        { okPattern: '' },
      );

      await test(
        'SET 10000 numeric keys and access all them in reverse order',
        async () => {
          await r('flushdb');
          let err = '';
          for (let x = 0; x < 10000; x++) await r('set', x, x);
          for (let x = 9999; x >= 0; x--) {
            const val = await r('get', x);
            if (val !== String(x)) {
              err = `Element at position ${x} is ${tclString(val)} instead of ${x}`;
              break;
            }
          }
          return err;
        },
        { okPattern: '' },
      );

      await test('DBSIZE should be 10000 now', async () => r('dbsize'), { okPattern: '10000' });
    });

    await test('SETNX target key missing', async () => {
      await r('del', 'novar');
      assertEqual(1, await r('setnx', 'novar', 'foobared'));
      assertEqual('foobared', await r('get', 'novar'));
    });

    await test('SETNX target key exists', async () => {
      await r('set', 'novar', 'foobared');
      assertEqual(0, await r('setnx', 'novar', 'blabla'));
      assertEqual('foobared', await r('get', 'novar'));
    });

    await test('SETNX against not-expired volatile key', async () => {
      await r('set', 'x', 10);
      await r('expire', 'x', 10000);
      assertEqual(0, await r('setnx', 'x', 20));
      assertEqual(10, await r('get', 'x'));
    });

    await test('SETNX against expired volatile key', async () => {
      // Many other volatile keys keep the active expiry cycle from finding x first.
      const pending: Array<Promise<unknown>> = [];
      for (let x = 0; x < 9999; x++) pending.push(r('setex', `key-${x}`, 3600, 'value'));
      await Promise.all(pending);

      await r('set', 'x', 10);
      await r('expire', 'x', 1);
      await sleep(2000);

      assertEqual(1, await r('setnx', 'x', 20));
      assertEqual(20, await r('get', 'x'));
    });

    await test('GETEX EX option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar');
      await r('getex', 'foo', 'ex', 10);
      assertRange(await r('ttl', 'foo'), 5, 10);
    });

    await test('GETEX PX option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar');
      await r('getex', 'foo', 'px', 10000);
      assertRange(await r('pttl', 'foo'), 5000, 10000);
    });

    await test('GETEX EXAT option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar');
      await r('getex', 'foo', 'exat', Math.floor(Date.now() / 1000) + 10);
      assertRange(await r('ttl', 'foo'), 5, 10);
    });

    await test('GETEX PXAT option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar');
      await r('getex', 'foo', 'pxat', Date.now() + 10000);
      assertRange(await r('pttl', 'foo'), 5000, 10000);
    });

    await test('GETEX PERSIST option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar', 'ex', 10);
      assertRange(await r('ttl', 'foo'), 5, 10);
      await r('getex', 'foo', 'persist');
      assertEqual(-1, await r('ttl', 'foo'));
    });

    await test('GETEX no option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar');
      await r('getex', 'foo');
      assertEqual('bar', await r('getex', 'foo'));
    });

    await test('GETEX syntax errors', async () => (await tclCatch(() => r('getex', 'foo', 'non-existent-option'))).value, {
      okPattern: '*syntax*',
    });

    await test('GETEX no arguments', async () => (await tclCatch(() => r('getex'))).value, {
      okPattern: "*wrong number of arguments for 'getex' command",
    });

    await test('GETDEL command', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar');
      assertEqual('bar', await r('getdel', 'foo'));
      assertEqual('', await r('getdel', 'foo'));
    });

    await test(
      'GETDEL propagate as DEL command to replica',
      async () => {
        const repl = await ReplicationStream.attach(server);
        await r('set', 'foo', 'bar');
        await r('getdel', 'foo');
        await repl.assertStream(['select *', 'set foo bar', 'del foo']);
        await repl.close();
      },
      { okPattern: '', tags: ['needs:repl'] },
    );

    await test(
      'GETEX without argument does not propagate to replica',
      async () => {
        const repl = await ReplicationStream.attach(server);
        await r('set', 'foo', 'bar');
        await r('getex', 'foo');
        await r('del', 'foo');
        await repl.assertStream(['select *', 'set foo bar', 'del foo']);
        await repl.close();
      },
      { okPattern: '', tags: ['needs:repl'] },
    );

    await test(
      'MGET',
      async () => {
        await r('flushdb');
        await r('set', 'foo{t}', 'BAR');
        await r('set', 'bar{t}', 'FOO');
        return r('mget', 'foo{t}', 'bar{t}');
      },
      { okPattern: 'BAR FOO' },
    );

    await test('MGET against non existing key', async () => r('mget', 'foo{t}', 'baazz{t}', 'bar{t}'), { okPattern: 'BAR {} FOO' });

    await test(
      'MGET against non-string key',
      async () => {
        await r('sadd', 'myset{t}', 'ciao');
        await r('sadd', 'myset{t}', 'bau');
        return r('mget', 'foo{t}', 'baazz{t}', 'bar{t}', 'myset{t}');
      },
      { okPattern: 'BAR {} FOO {}' },
    );

    await test(
      'GETSET (set new value)',
      async () => {
        await r('del', 'foo');
        return [await r('getset', 'foo', 'xyz'), await r('get', 'foo')];
      },
      { okPattern: '{} xyz' },
    );

    await test(
      'GETSET (replace old value)',
      async () => {
        await r('set', 'foo', 'bar');
        return [await r('getset', 'foo', 'xyz'), await r('get', 'foo')];
      },
      { okPattern: 'bar xyz' },
    );

    await test(
      'MSET base case',
      async () => {
        await r('mset', 'x{t}', 10, 'y{t}', 'foo bar', 'z{t}', 'x x x x x x x\n\n\r\n');
        return r('mget', 'x{t}', 'y{t}', 'z{t}');
      },
      { okPattern: tclString([10, 'foo bar', 'x x x x x x x\n\n\r\n']) },
    );

    await test('MSET/MSETNX wrong number of args', async () => {
      await assertError("*wrong number of arguments for 'mset' command", () => r('mset', 'x{t}', 10, 'y{t}', 'foo bar', 'z{t}'));
      await assertError("*wrong number of arguments for 'msetnx' command", () => r('msetnx', 'x{t}', 20, 'y{t}', 'foo bar', 'z{t}'));
    });

    await test(
      'MSETNX with already existent key',
      async () => [await r('msetnx', 'x1{t}', 'xxx', 'y2{t}', 'yyy', 'x{t}', 20), await r('exists', 'x1{t}'), await r('exists', 'y2{t}')],
      { okPattern: '0 0 0' },
    );

    await test(
      'MSETNX with not existing keys',
      async () => [await r('msetnx', 'x1{t}', 'xxx', 'y2{t}', 'yyy'), await r('get', 'x1{t}'), await r('get', 'y2{t}')],
      { okPattern: '1 xxx yyy' },
    );

    await test(
      'MSETNX with not existing keys - same key twice',
      async () => {
        await r('del', 'x1{t}');
        return [await r('msetnx', 'x1{t}', 'xxx', 'x1{t}', 'yyy'), await r('get', 'x1{t}')];
      },
      { okPattern: '1 yyy' },
    );

    await test(
      'MSETNX with already existing keys - same key twice',
      async () => [await r('msetnx', 'x1{t}', 'xxx', 'x1{t}', 'zzz'), await r('get', 'x1{t}')],
      { okPattern: '0 yyy' },
    );

    await test('STRLEN against non-existing key', async () => {
      assertEqual(0, await r('strlen', 'notakey'));
    });

    await test('STRLEN against integer-encoded value', async () => {
      await r('set', 'myinteger', -555);
      assertEqual(4, await r('strlen', 'myinteger'));
    });

    await test('STRLEN against plain string', async () => {
      await r('set', 'mystring', 'foozzz0123456789 baz');
      assertEqual(20, await r('strlen', 'mystring'));
    });

    await test('SETBIT against non-existing key', async () => {
      await r('del', 'mykey');
      assertEqual(0, await r('setbit', 'mykey', 1, 1));
      assertEqual(bitsToBuffer('01000000'), await r('get', 'mykey'));
    });

    await test('SETBIT against string-encoded key', async () => {
      // '@' is 0x40: only bit 1 set.
      await r('set', 'mykey', '@');
      assertEqual(0, await r('setbit', 'mykey', 2, 1));
      assertEqual(bitsToBuffer('01100000'), await r('get', 'mykey'));
      assertEqual(1, await r('setbit', 'mykey', 1, 0));
      assertEqual(bitsToBuffer('00100000'), await r('get', 'mykey'));
    });

    await test('SETBIT against integer-encoded key', async () => {
      // '1' is 0x31 = 00110001.
      await r('set', 'mykey', 1);
      await assertEncoding('int', 'mykey', server);
      assertEqual(0, await r('setbit', 'mykey', 6, 1));
      assertEqual(bitsToBuffer('00110011'), await r('get', 'mykey'));
      assertEqual(1, await r('setbit', 'mykey', 2, 0));
      assertEqual(bitsToBuffer('00010011'), await r('get', 'mykey'));
    });

    await test('SETBIT against key with wrong type', async () => {
      await r('del', 'mykey');
      await r('lpush', 'mykey', 'foo');
      await assertError('WRONGTYPE*', () => r('setbit', 'mykey', 0, 1));
    });

    await test('SETBIT with out of range bit offset', async () => {
      await r('del', 'mykey');
      await assertError('*out of range*', () => r('setbit', 'mykey', 4 * 1024 * 1024 * 1024, 1));
      await assertError('*out of range*', () => r('setbit', 'mykey', -1, 1));
    });

    await test('SETBIT with non-bit argument', async () => {
      await r('del', 'mykey');
      await assertError('*out of range*', () => r('setbit', 'mykey', 0, -1));
      await assertError('*out of range*', () => r('setbit', 'mykey', 0, 2));
      await assertError('*out of range*', () => r('setbit', 'mykey', 0, 10));
      await assertError('*out of range*', () => r('setbit', 'mykey', 0, 20));
    });

    await test('SETBIT fuzzing', async () => {
      // The value holds arbitrary bytes: read it back as bytes.
      const rb = await server.newClient({ buffers: true });
      let str = '';
      const len = 256 * 8;
      await r('del', 'mykey');
      for (let i = 0; i < 2000; i++) {
        const bitnum = randomInt(len);
        const bitval = randomInt(2);
        // Pad the model with zeros up to the bit, then replace that one bit.
        const head = str.slice(0, bitnum).padEnd(bitnum, '0');
        str = head + String(bitval) + str.slice(bitnum + 1);
        await r('setbit', 'mykey', bitnum, bitval);
        assertEqual(bitsToBuffer(str), await rb.call('get', 'mykey'));
      }
      await rb.close();
    });

    await test('GETBIT against non-existing key', async () => {
      await r('del', 'mykey');
      assertEqual(0, await r('getbit', 'mykey', 0));
    });

    await test('GETBIT against string-encoded key', async () => {
      // '`' is 0x60: bits 1 and 2 set.
      await r('set', 'mykey', '`');
      assertEqual(0, await r('getbit', 'mykey', 0));
      assertEqual(1, await r('getbit', 'mykey', 1));
      assertEqual(1, await r('getbit', 'mykey', 2));
      assertEqual(0, await r('getbit', 'mykey', 3));
      assertEqual(0, await r('getbit', 'mykey', 8));
      assertEqual(0, await r('getbit', 'mykey', 100));
      assertEqual(0, await r('getbit', 'mykey', 10000));
    });

    await test('GETBIT against integer-encoded key', async () => {
      await r('set', 'mykey', 1);
      await assertEncoding('int', 'mykey', server);
      // '1' is 0x31 = 00110001.
      assertEqual(0, await r('getbit', 'mykey', 0));
      assertEqual(0, await r('getbit', 'mykey', 1));
      assertEqual(1, await r('getbit', 'mykey', 2));
      assertEqual(1, await r('getbit', 'mykey', 3));
      assertEqual(0, await r('getbit', 'mykey', 8));
      assertEqual(0, await r('getbit', 'mykey', 100));
      assertEqual(0, await r('getbit', 'mykey', 10000));
    });

    await test('SETRANGE against non-existing key', async () => {
      await r('del', 'mykey');
      assertEqual(3, await r('setrange', 'mykey', 0, 'foo'));
      assertEqual('foo', await r('get', 'mykey'));

      await r('del', 'mykey');
      assertEqual(0, await r('setrange', 'mykey', 0, ''));
      assertEqual(0, await r('exists', 'mykey'));

      await r('del', 'mykey');
      assertEqual(4, await r('setrange', 'mykey', 1, 'foo'));
      assertEqual('\0foo', await r('get', 'mykey'));
    });

    await test('SETRANGE against string-encoded key', async () => {
      await r('set', 'mykey', 'foo');
      assertEqual(3, await r('setrange', 'mykey', 0, 'b'));
      assertEqual('boo', await r('get', 'mykey'));

      await r('set', 'mykey', 'foo');
      assertEqual(3, await r('setrange', 'mykey', 0, ''));
      assertEqual('foo', await r('get', 'mykey'));

      await r('set', 'mykey', 'foo');
      assertEqual(3, await r('setrange', 'mykey', 1, 'b'));
      assertEqual('fbo', await r('get', 'mykey'));

      await r('set', 'mykey', 'foo');
      assertEqual(7, await r('setrange', 'mykey', 4, 'bar'));
      assertEqual('foo\0bar', await r('get', 'mykey'));
    });

    await test('SETRANGE against integer-encoded key', async () => {
      await r('set', 'mykey', 1234);
      await assertEncoding('int', 'mykey', server);
      assertEqual(4, await r('setrange', 'mykey', 0, 2));
      await assertEncoding('raw', 'mykey', server);
      assertEqual(2234, await r('get', 'mykey'));

      // Setting nothing keeps the encoding.
      await r('set', 'mykey', 1234);
      await assertEncoding('int', 'mykey', server);
      assertEqual(4, await r('setrange', 'mykey', 0, ''));
      await assertEncoding('int', 'mykey', server);
      assertEqual(1234, await r('get', 'mykey'));

      await r('set', 'mykey', 1234);
      await assertEncoding('int', 'mykey', server);
      assertEqual(4, await r('setrange', 'mykey', 1, 3));
      await assertEncoding('raw', 'mykey', server);
      assertEqual(1334, await r('get', 'mykey'));

      await r('set', 'mykey', 1234);
      await assertEncoding('int', 'mykey', server);
      assertEqual(6, await r('setrange', 'mykey', 5, 2));
      await assertEncoding('raw', 'mykey', server);
      assertEqual('1234\u00002', await r('get', 'mykey'));
    });

    await test('SETRANGE against key with wrong type', async () => {
      await r('del', 'mykey');
      await r('lpush', 'mykey', 'foo');
      await assertError('WRONGTYPE*', () => r('setrange', 'mykey', 0, 'bar'));
    });

    await test('SETRANGE with out of range offset', async () => {
      await r('del', 'mykey');
      await assertError('*maximum allowed size*', () => r('setrange', 'mykey', 512 * 1024 * 1024 - 4, 'world'));

      await r('set', 'mykey', 'hello');
      await assertError('*out of range*', () => r('setrange', 'mykey', -1, 'world'));
      await assertError('*maximum allowed size*', () => r('setrange', 'mykey', 512 * 1024 * 1024 - 4, 'world'));
    });

    await test('GETRANGE against non-existing key', async () => {
      await r('del', 'mykey');
      assertEqual('', await r('getrange', 'mykey', 0, -1));
    });

    await test('GETRANGE against string value', async () => {
      await r('set', 'mykey', 'Hello World');
      assertEqual('Hell', await r('getrange', 'mykey', 0, 3));
      assertEqual('Hello World', await r('getrange', 'mykey', 0, -1));
      assertEqual('orld', await r('getrange', 'mykey', -4, -1));
      assertEqual('', await r('getrange', 'mykey', 5, 3));
      assertEqual(' World', await r('getrange', 'mykey', 5, 5000));
      assertEqual('Hello World', await r('getrange', 'mykey', -5000, 10000));
    });

    await test('GETRANGE against integer-encoded value', async () => {
      await r('set', 'mykey', 1234);
      assertEqual('123', await r('getrange', 'mykey', 0, 2));
      assertEqual('1234', await r('getrange', 'mykey', 0, -1));
      assertEqual('234', await r('getrange', 'mykey', -3, -1));
      assertEqual('', await r('getrange', 'mykey', 5, 3));
      assertEqual('4', await r('getrange', 'mykey', 3, 5000));
      assertEqual('1234', await r('getrange', 'mykey', -5000, 10000));
    });

    await test('GETRANGE fuzzing', async () => {
      // Binary values: characters 0-255 go out as single bytes and come back as bytes.
      const rb = await server.newClient({ buffers: true });
      for (let i = 0; i < 1000; i++) {
        const bin = randstring(0, 1024, 'binary');
        await rb.call('set', 'bin', tclBytes(bin));
        const start = randomInt(1500);
        const end = randomInt(1500);
        assertEqual(stringRange(bin, start, end), await rb.call('getrange', 'bin', start, end));
      }
      await rb.close();
    });

    if (stringMatch('*jemalloc*', await server.status('mem_allocator'))) {
      await test('trim on SET with big value', async () => {
        // A big value grows the query buffer; a smaller one still above PROTO_MBULK_BIG_ARG
        // may be stored as the query buffer itself, which must then be trimmed.
        await r('set', 'key', 'A'.repeat(100000));
        await r('set', 'key', 'A'.repeat(33000));
        // 42K leaves room for jemalloc's overhead.
        assert(Number(await r('memory', 'usage', 'key')) < 42000, '[r memory usage key] < 42000');
      });
    }

    await test('Extended SET can detect syntax errors', async () => (await tclCatch(() => r('set', 'foo', 'bar', 'non-existing-option'))).value, {
      okPattern: '*syntax*',
    });

    await test(
      'Extended SET NX option',
      async () => {
        await r('del', 'foo');
        const v1 = await r('set', 'foo', 1, 'nx');
        const v2 = await r('set', 'foo', 2, 'nx');
        return [v1, v2, await r('get', 'foo')];
      },
      { okPattern: 'OK {} 1' },
    );

    await test(
      'Extended SET XX option',
      async () => {
        await r('del', 'foo');
        const v1 = await r('set', 'foo', 1, 'xx');
        await r('set', 'foo', 'bar');
        const v2 = await r('set', 'foo', 2, 'xx');
        return [v1, v2, await r('get', 'foo')];
      },
      { okPattern: '{} OK 2' },
    );

    await test(
      'Extended SET GET option',
      async () => {
        await r('del', 'foo');
        await r('set', 'foo', 'bar');
        const oldValue = await r('set', 'foo', 'bar2', 'GET');
        const newValue = await r('get', 'foo');
        return [oldValue, newValue];
      },
      { okPattern: 'bar bar2' },
    );

    await test(
      'Extended SET GET option with no previous value',
      async () => {
        await r('del', 'foo');
        const oldValue = await r('set', 'foo', 'bar', 'GET');
        const newValue = await r('get', 'foo');
        return [oldValue, newValue];
      },
      { okPattern: '{} bar' },
    );

    await test(
      'Extended SET GET option with XX',
      async () => {
        await r('del', 'foo');
        await r('set', 'foo', 'bar');
        const oldValue = await r('set', 'foo', 'baz', 'GET', 'XX');
        const newValue = await r('get', 'foo');
        return [oldValue, newValue];
      },
      { okPattern: 'bar baz' },
    );

    await test(
      'Extended SET GET option with XX and no previous value',
      async () => {
        await r('del', 'foo');
        const oldValue = await r('set', 'foo', 'bar', 'GET', 'XX');
        const newValue = await r('get', 'foo');
        return [oldValue, newValue];
      },
      { okPattern: '{} {}' },
    );

    await test(
      'Extended SET GET option with NX',
      async () => {
        await r('del', 'foo');
        const oldValue = await r('set', 'foo', 'bar', 'GET', 'NX');
        const newValue = await r('get', 'foo');
        return [oldValue, newValue];
      },
      { okPattern: '{} bar' },
    );

    await test(
      'Extended SET GET option with NX and previous value',
      async () => {
        await r('del', 'foo');
        await r('set', 'foo', 'bar');
        const oldValue = await r('set', 'foo', 'baz', 'GET', 'NX');
        const newValue = await r('get', 'foo');
        return [oldValue, newValue];
      },
      { okPattern: 'bar bar' },
    );

    await test(
      'Extended SET GET with incorrect type should result in wrong type error',
      async () => {
        await r('del', 'foo');
        await r('rpush', 'foo', 'waffle');
        const err1 = (await tclCatch(() => r('set', 'foo', 'bar', 'GET'))).value;
        assertEqual('waffle', await r('rpop', 'foo'));
        return err1;
      },
      { okPattern: '*WRONGTYPE*' },
    );

    await test('Extended SET EX option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar', 'ex', 10);
      const ttl = Number(await r('ttl', 'foo'));
      assert(ttl <= 10 && ttl > 5, '$ttl <= 10 && $ttl > 5');
    });

    await test('Extended SET PX option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar', 'px', 10000);
      const ttl = Number(await r('ttl', 'foo'));
      assert(ttl <= 10 && ttl > 5, '$ttl <= 10 && $ttl > 5');
    });

    await test('Extended SET EXAT option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar', 'exat', Math.floor(Date.now() / 1000) + 10);
      assertRange(await r('ttl', 'foo'), 5, 10);
    });

    await test('Extended SET PXAT option', async () => {
      await r('del', 'foo');
      await r('set', 'foo', 'bar', 'pxat', Date.now() + 10000);
      assertRange(await r('ttl', 'foo'), 5, 10);
    });

    await test('Extended SET using multiple options at once', async () => {
      await r('set', 'foo', 'val');
      assert((await r('set', 'foo', 'bar', 'xx', 'px', 10000)) === 'OK', '[r set foo bar xx px 10000] eq {OK}');
      const ttl = Number(await r('ttl', 'foo'));
      assert(ttl <= 10 && ttl > 5, '$ttl <= 10 && $ttl > 5');
    });

    await test(
      'GETRANGE with huge ranges, Github issue #1844',
      async () => {
        await r('set', 'foo', 'bar');
        return r('getrange', 'foo', 0, 4294967297);
      },
      { okPattern: 'bar' },
    );

    await test(
      'LCS basic',
      async () => {
        await r('set', 'virus1{t}', RNA1);
        await r('set', 'virus2{t}', RNA2);
        return r('LCS', 'virus1{t}', 'virus2{t}');
      },
      { okPattern: RNALCS },
    );

    await test(
      'LCS len',
      async () => {
        await r('set', 'virus1{t}', RNA1);
        await r('set', 'virus2{t}', RNA2);
        return r('LCS', 'virus1{t}', 'virus2{t}', 'LEN');
      },
      { okPattern: String(RNALCS.length) },
    );

    await test('LCS indexes', async () => dictGet(await r('LCS', 'virus1{t}', 'virus2{t}', 'IDX'), 'matches'), {
      okPattern: '{{238 238} {239 239}} {{236 236} {238 238}} {{229 230} {236 237}} {{224 224} {235 235}} {{1 222} {13 234}}',
    });

    await test('LCS indexes with match len', async () => dictGet(await r('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'WITHMATCHLEN'), 'matches'), {
      okPattern: '{{238 238} {239 239} 1} {{236 236} {238 238} 1} {{229 230} {236 237} 2} {{224 224} {235 235} 1} {{1 222} {13 234} 222}',
    });

    await test(
      'LCS indexes with match len and minimum match len',
      async () => dictGet(await r('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', 5), 'matches'),
      { okPattern: '{{1 222} {13 234} 222}' },
    );

    await test('SETRANGE with huge offset', async () => {
      for (const value of ['9223372036854775807', '2147483647']) {
        const res = (await tclCatch(() => r('setrange', 'K', value, 'A'))).value;
        // 32-bit and 64-bit builds word the error differently.
        if (!stringMatch('*string exceeds maximum allowed size*', res) && !stringMatch('*out of range*', res)) {
          assertEqual(res, 'expecting an error');
        }
      }
    });
  });
});
