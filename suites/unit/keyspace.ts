import {
  suite,
  startServer,
  test,
  r,
  srv,
  settings,
  assert,
  assertEqual,
  assertEncoding,
  assertRefcount,
  configGet,
  debugDigestValue,
  randomInt,
  randomValue,
  sleep,
  stringMatch,
  tclCatch,
  tclBytes,
} from '../../harness/index.ts';

/** The COPY checks shared by every data type: equal digests, own objects, survives the source. */
async function checkCopy(src: string, dst: string): Promise<void> {
  const s = srv(0);
  await r('copy', src, dst);
  const digest = await debugDigestValue(s, src);
  assertEqual(digest, await debugDigestValue(s, dst));
  await assertRefcount(1, src, s);
  await assertRefcount(1, dst, s);
  await r('del', src);
  assertEqual(digest, await debugDigestValue(s, dst));
}

export default suite(async () => {
  await startServer({ tags: ['keyspace'] }, async (server) => {
    const ignoreEncoding = () => settings().ignoreEncoding;

    await test(
      'DEL against a single item',
      async () => {
        await r('set', 'x', 'foo');
        assert((await r('get', 'x')) === 'foo', "[r get x] eq \"foo\"");
        await r('del', 'x');
        return r('get', 'x');
      },
      { okPattern: '' },
    );

    await test(
      'Vararg DEL',
      async () => {
        await r('set', 'foo1{t}', 'a');
        await r('set', 'foo2{t}', 'b');
        await r('set', 'foo3{t}', 'c');
        return [await r('del', 'foo1{t}', 'foo2{t}', 'foo3{t}', 'foo4{t}'), await r('mget', 'foo1{t}', 'foo2{t}', 'foo3{t}')];
      },
      { okPattern: '3 {{} {} {}}' },
    );

    await test(
      'Untagged multi-key commands',
      async () => {
        await r('mset', 'foo1', 'a', 'foo2', 'b', 'foo3', 'c');
        assertEqual(await r('mget', 'foo1', 'foo2', 'foo3', 'foo4'), ['a', 'b', 'c', null]);
        return r('del', 'foo1', 'foo2', 'foo3', 'foo4');
      },
      { okPattern: '3', tags: ['cluster:skip'] },
    );

    await test(
      'KEYS with pattern',
      async () => {
        for (const key of ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']) await r('set', key, 'hello');
        return ((await r('keys', 'foo*')) as string[]).sort();
      },
      { okPattern: 'foo_a foo_b foo_c' },
    );

    await test('KEYS to get all keys', async () => ((await r('keys', '*')) as string[]).sort(), { okPattern: 'foo_a foo_b foo_c key_x key_y key_z' });

    await test('DBSIZE', () => r('dbsize'), { okPattern: '6' });

    await test(
      'DEL all keys',
      async () => {
        for (const key of (await r('keys', '*')) as string[]) await r('del', key);
        return r('dbsize');
      },
      { okPattern: '0' },
    );

    await test(
      'DEL against expired key',
      async () => {
        await r('debug', 'set-active-expire', 0);
        await r('setex', 'keyExpire', 1, 'valExpire');
        await sleep(1100);
        assertEqual(0, await r('del', 'keyExpire'));
        return r('debug', 'set-active-expire', 1);
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await test(
      'EXISTS',
      async () => {
        let res = '';
        await r('set', 'newkey', 'test');
        res += await r('exists', 'newkey');
        await r('del', 'newkey');
        res += await r('exists', 'newkey');
        return res;
      },
      { okPattern: '10' },
    );

    await test(
      'Zero length value in key. SET/GET/EXISTS',
      async () => {
        await r('set', 'emptykey', '');
        let res = String(await r('get', 'emptykey'));
        res += await r('exists', 'emptykey');
        await r('del', 'emptykey');
        res += await r('exists', 'emptykey');
        return res;
      },
      { okPattern: '10' },
    );

    await test(
      'Commands pipelining',
      async () => {
        const client = server.client;
        client.writeRaw('SET k1 xyzk\r\nGET k1\r\nPING\r\n');
        let res = '';
        res += stringMatch('OK*', await client.read()) ? '1' : '0';
        res += await client.read();
        res += stringMatch('PONG*', await client.read()) ? '1' : '0';
        return res;
      },
      { okPattern: '1xyzk1' },
    );

    await test(
      'Non existing command',
      async () => {
        const { value } = await tclCatch(() => r('foobaredcommand'));
        return stringMatch('ERR*', value) ? 1 : 0;
      },
      { okPattern: '1' },
    );

    await test(
      'RENAME basic usage',
      async () => {
        await r('set', 'mykey{t}', 'hello');
        await r('rename', 'mykey{t}', 'mykey1{t}');
        await r('rename', 'mykey1{t}', 'mykey2{t}');
        return r('get', 'mykey2{t}');
      },
      { okPattern: 'hello' },
    );

    await test('RENAME source key should no longer exist', () => r('exists', 'mykey'), { okPattern: '0' });

    await test(
      'RENAME against already existing key',
      async () => {
        await r('set', 'mykey{t}', 'a');
        await r('set', 'mykey2{t}', 'b');
        await r('rename', 'mykey2{t}', 'mykey{t}');
        return `${await r('get', 'mykey{t}')}${await r('exists', 'mykey2{t}')}`;
      },
      { okPattern: 'b0' },
    );

    await test(
      'RENAMENX basic usage',
      async () => {
        await r('del', 'mykey{t}');
        await r('del', 'mykey2{t}');
        await r('set', 'mykey{t}', 'foobar');
        await r('renamenx', 'mykey{t}', 'mykey2{t}');
        return `${await r('get', 'mykey2{t}')}${await r('exists', 'mykey{t}')}`;
      },
      { okPattern: 'foobar0' },
    );

    await test(
      'RENAMENX against already existing key',
      async () => {
        await r('set', 'mykey{t}', 'foo');
        await r('set', 'mykey2{t}', 'bar');
        return r('renamenx', 'mykey{t}', 'mykey2{t}');
      },
      { okPattern: '0' },
    );

    await test('RENAMENX against already existing key (2)', async () => `${await r('get', 'mykey{t}')}${await r('get', 'mykey2{t}')}`, {
      okPattern: 'foobar',
    });

    await test('RENAME against non existing source key', async () => (await tclCatch(() => r('rename', 'nokey{t}', 'foobar{t}'))).value, {
      okPattern: 'ERR*',
    });

    await test(
      'RENAME where source and dest key are the same (existing)',
      async () => {
        await r('set', 'mykey', 'foo');
        return r('rename', 'mykey', 'mykey');
      },
      { okPattern: 'OK' },
    );

    await test(
      'RENAMENX where source and dest key are the same (existing)',
      async () => {
        await r('set', 'mykey', 'foo');
        return r('renamenx', 'mykey', 'mykey');
      },
      { okPattern: '0' },
    );

    await test(
      'RENAME where source and dest key are the same (non existing)',
      async () => {
        await r('del', 'mykey');
        return (await tclCatch(() => r('rename', 'mykey', 'mykey'))).value;
      },
      { okPattern: 'ERR*' },
    );

    await test('RENAME with volatile key, should move the TTL as well', async () => {
      await r('del', 'mykey{t}', 'mykey2{t}');
      await r('set', 'mykey{t}', 'foo');
      await r('expire', 'mykey{t}', 100);
      assert(Number(await r('ttl', 'mykey{t}')) > 95 && Number(await r('ttl', 'mykey{t}')) <= 100, 'ttl of mykey{t} in (95, 100]');
      await r('rename', 'mykey{t}', 'mykey2{t}');
      assert(Number(await r('ttl', 'mykey2{t}')) > 95 && Number(await r('ttl', 'mykey2{t}')) <= 100, 'ttl of mykey2{t} in (95, 100]');
    });

    await test(
      'RENAME with volatile key, should not inherit TTL of target key',
      async () => {
        await r('del', 'mykey{t}', 'mykey2{t}');
        await r('set', 'mykey{t}', 'foo');
        await r('set', 'mykey2{t}', 'bar');
        await r('expire', 'mykey2{t}', 100);
        assert(Number(await r('ttl', 'mykey{t}')) === -1 && Number(await r('ttl', 'mykey2{t}')) > 0, 'ttl mykey{t} == -1 and ttl mykey2{t} > 0');
        await r('rename', 'mykey{t}', 'mykey2{t}');
        return r('ttl', 'mykey2{t}');
      },
      { okPattern: '-1' },
    );

    await test(
      'DEL all keys again (DB 0)',
      async () => {
        for (const key of (await r('keys', '*')) as string[]) await r('del', key);
        return r('dbsize');
      },
      { okPattern: '0' },
    );

    await test(
      'DEL all keys again (DB 1)',
      async () => {
        await r('select', 10);
        for (const key of (await r('keys', '*')) as string[]) await r('del', key);
        const res = await r('dbsize');
        await r('select', 9);
        return res;
      },
      { okPattern: '0', tags: ['singledb:skip'] },
    );

    await test('COPY basic usage for string', async () => {
      await r('set', 'mykey{t}', 'foobar');
      const res: unknown[] = [];
      await r('copy', 'mykey{t}', 'mynewkey{t}');
      res.push(await r('get', 'mynewkey{t}'));
      res.push(await r('dbsize'));
      if (settings().singledb) {
        assertEqual(res, ['foobar', 2]);
      } else {
        await r('copy', 'mykey{t}', 'mynewkey{t}', 'DB', 10);
        await r('select', 10);
        res.push(await r('get', 'mynewkey{t}'));
        res.push(await r('dbsize'));
        await r('select', 9);
        assertEqual(res, ['foobar', 2, 'foobar', 1]);
      }
    });

    await test(
      'COPY for string does not replace an existing key without REPLACE option',
      async () => {
        await r('set', 'mykey2{t}', 'hello');
        return (await tclCatch(() => r('copy', 'mykey2{t}', 'mynewkey{t}', 'DB', 10))).value;
      },
      { okPattern: '0', tags: ['singledb:skip'] },
    );

    await test(
      'COPY for string can replace an existing key with REPLACE option',
      async () => {
        await r('copy', 'mykey2{t}', 'mynewkey{t}', 'DB', 10, 'REPLACE');
        await r('select', 10);
        return r('get', 'mynewkey{t}');
      },
      { okPattern: 'hello', tags: ['singledb:skip'] },
    );

    await test(
      'COPY for string ensures that copied data is independent of copying data',
      async () => {
        await r('flushdb');
        await r('select', 9);
        await r('set', 'mykey{t}', 'foobar');
        const res: unknown[] = [];
        await r('copy', 'mykey{t}', 'mynewkey{t}', 'DB', 10);
        await r('select', 10);
        res.push(await r('get', 'mynewkey{t}'));
        await r('set', 'mynewkey{t}', 'hoge');
        res.push(await r('get', 'mynewkey{t}'));
        await r('select', 9);
        res.push(await r('get', 'mykey{t}'));
        await r('select', 10);
        await r('flushdb');
        await r('select', 9);
        return res;
      },
      { okPattern: 'foobar hoge foobar', tags: ['singledb:skip'] },
    );

    await test(
      'COPY for string does not copy data to no-integer DB',
      async () => {
        await r('set', 'mykey{t}', 'foobar');
        return (await tclCatch(() => r('copy', 'mykey{t}', 'mynewkey{t}', 'DB', 'notanumber'))).value;
      },
      { okPattern: 'ERR value is not an integer or out of range' },
    );

    await test('COPY can copy key expire metadata as well', async () => {
      await r('set', 'mykey{t}', 'foobar', 'ex', 100);
      await r('copy', 'mykey{t}', 'mynewkey{t}', 'REPLACE');
      assert(Number(await r('ttl', 'mynewkey{t}')) > 0 && Number(await r('ttl', 'mynewkey{t}')) <= 100, 'ttl of mynewkey{t} in (0, 100]');
      assert((await r('get', 'mynewkey{t}')) === 'foobar', '[r get mynewkey{t}] eq "foobar"');
    });

    await test('COPY does not create an expire if it does not exist', async () => {
      await r('set', 'mykey{t}', 'foobar');
      assert(Number(await r('ttl', 'mykey{t}')) === -1, '[r ttl mykey{t}] == -1');
      await r('copy', 'mykey{t}', 'mynewkey{t}', 'REPLACE');
      assert(Number(await r('ttl', 'mynewkey{t}')) === -1, '[r ttl mynewkey{t}] == -1');
      assert((await r('get', 'mynewkey{t}')) === 'foobar', '[r get mynewkey{t}] eq "foobar"');
    });

    await test('COPY basic usage for list', async () => {
      await r('del', 'mylist{t}', 'mynewlist{t}');
      await r('lpush', 'mylist{t}', 'a', 'b', 'c', 'd');
      await checkCopy('mylist{t}', 'mynewlist{t}');
    });

    await test('COPY basic usage for intset set', async () => {
      await r('del', 'set1{t}', 'newset1{t}');
      await r('sadd', 'set1{t}', 1, 2, 3);
      await assertEncoding('intset', 'set1{t}', server, ignoreEncoding());
      await checkCopy('set1{t}', 'newset1{t}');
    });

    await test('COPY basic usage for hashtable set', async () => {
      await r('del', 'set2{t}', 'newset2{t}');
      await r('sadd', 'set2{t}', 1, 2, 3, 'a');
      await assertEncoding('hashtable', 'set2{t}', server, ignoreEncoding());
      await checkCopy('set2{t}', 'newset2{t}');
    });

    await test('COPY basic usage for listpack sorted set', async () => {
      await r('del', 'zset1{t}', 'newzset1{t}');
      await r('zadd', 'zset1{t}', 123, 'foobar');
      await assertEncoding('listpack', 'zset1{t}', server, ignoreEncoding());
      await checkCopy('zset1{t}', 'newzset1{t}');
    });

    await test('COPY basic usage for skiplist sorted set', async () => {
      await r('del', 'zset2{t}', 'newzset2{t}');
      const originalMax = await configGet(server, 'zset-max-ziplist-entries');
      await r('config', 'set', 'zset-max-ziplist-entries', 0);
      for (let j = 0; j < 130; j++) await r('zadd', 'zset2{t}', randomInt(50), `ele-${randomInt(10)}`);
      await assertEncoding('skiplist', 'zset2{t}', server, ignoreEncoding());
      await checkCopy('zset2{t}', 'newzset2{t}');
      await r('config', 'set', 'zset-max-ziplist-entries', originalMax);
    });

    await test('COPY basic usage for listpack hash', async () => {
      await r('del', 'hash1{t}', 'newhash1{t}');
      await r('hset', 'hash1{t}', 'tmp', '17179869184');
      await assertEncoding('listpack', 'hash1{t}', server, ignoreEncoding());
      await checkCopy('hash1{t}', 'newhash1{t}');
    });

    await test('COPY basic usage for hashtable hash', async () => {
      await r('del', 'hash2{t}', 'newhash2{t}');
      const originalMax = await configGet(server, 'hash-max-ziplist-entries');
      await r('config', 'set', 'hash-max-ziplist-entries', 0);
      for (let i = 0; i < 64; i++) await r('hset', 'hash2{t}', tclBytes(String(randomValue())), tclBytes(String(randomValue())));
      await assertEncoding('hashtable', 'hash2{t}', server, ignoreEncoding());
      await checkCopy('hash2{t}', 'newhash2{t}');
      await r('config', 'set', 'hash-max-ziplist-entries', originalMax);
    });

    await test('COPY basic usage for stream', async () => {
      await r('del', 'mystream{t}', 'mynewstream{t}');
      for (let i = 0; i < 1000; i++) await r('XADD', 'mystream{t}', '*', 'item', 2, 'value', 'b');
      await checkCopy('mystream{t}', 'mynewstream{t}');
    });

    await test('COPY basic usage for stream-cgroups', async () => {
      await r('del', 'x{t}');
      await r('XADD', 'x{t}', 100, 'a', 1);
      const id = await r('XADD', 'x{t}', 101, 'b', 1);
      await r('XADD', 'x{t}', 102, 'c', 1);
      await r('XADD', 'x{t}', 103, 'e', 1);
      await r('XADD', 'x{t}', 104, 'f', 1);
      await r('XADD', 'x{t}', 105, 'g', 1);
      await r('XGROUP', 'CREATE', 'x{t}', 'g1', 0);
      await r('XGROUP', 'CREATE', 'x{t}', 'g2', 0);
      await r('XREADGROUP', 'GROUP', 'g1', 'Alice', 'COUNT', 1, 'STREAMS', 'x{t}', '>');
      await r('XREADGROUP', 'GROUP', 'g1', 'Bob', 'COUNT', 1, 'STREAMS', 'x{t}', '>');
      await r('XREADGROUP', 'GROUP', 'g1', 'Bob', 'NOACK', 'COUNT', 1, 'STREAMS', 'x{t}', '>');
      await r('XREADGROUP', 'GROUP', 'g2', 'Charlie', 'COUNT', 4, 'STREAMS', 'x{t}', '>');
      await r('XGROUP', 'SETID', 'x{t}', 'g1', id as string);
      await r('XREADGROUP', 'GROUP', 'g1', 'Dave', 'COUNT', 3, 'STREAMS', 'x{t}', '>');
      await r('XDEL', 'x{t}', 103);

      await r('copy', 'x{t}', 'newx{t}');
      const info = await r('xinfo', 'stream', 'x{t}', 'full');
      assertEqual(info, await r('xinfo', 'stream', 'newx{t}', 'full'));
      await assertRefcount(1, 'x{t}', server);
      await assertRefcount(1, 'newx{t}', server);
      await r('del', 'x{t}');
      assertEqual(info, await r('xinfo', 'stream', 'newx{t}', 'full'));
      await r('flushdb');
    });

    await test(
      'MOVE basic usage',
      async () => {
        await r('set', 'mykey', 'foobar');
        await r('move', 'mykey', 10);
        const res: unknown[] = [];
        res.push(await r('exists', 'mykey'));
        res.push(await r('dbsize'));
        await r('select', 10);
        res.push(await r('get', 'mykey'));
        res.push(await r('dbsize'));
        await r('select', 9);
        return res;
      },
      { okPattern: '0 0 foobar 1', tags: ['singledb:skip'] },
    );

    await test(
      'MOVE against key existing in the target DB',
      async () => {
        await r('set', 'mykey', 'hello');
        return r('move', 'mykey', 10);
      },
      { okPattern: '0', tags: ['singledb:skip'] },
    );

    await test(
      'MOVE against non-integer DB (#1428)',
      async () => {
        await r('set', 'mykey', 'hello');
        return (await tclCatch(() => r('move', 'mykey', 'notanumber'))).value;
      },
      { okPattern: 'ERR value is not an integer or out of range', tags: ['singledb:skip'] },
    );

    await test(
      'MOVE can move key expire metadata as well',
      async () => {
        await r('select', 10);
        await r('flushdb');
        await r('select', 9);
        await r('set', 'mykey', 'foo', 'ex', 100);
        await r('move', 'mykey', 10);
        assert(Number(await r('ttl', 'mykey')) === -2, '[r ttl mykey] == -2');
        await r('select', 10);
        assert(Number(await r('ttl', 'mykey')) > 0 && Number(await r('ttl', 'mykey')) <= 100, 'ttl of mykey in (0, 100]');
        assert((await r('get', 'mykey')) === 'foo', '[r get mykey] eq "foo"');
        return r('select', 9);
      },
      { okPattern: 'OK', tags: ['singledb:skip'] },
    );

    await test(
      'MOVE does not create an expire if it does not exist',
      async () => {
        await r('select', 10);
        await r('flushdb');
        await r('select', 9);
        await r('set', 'mykey', 'foo');
        await r('move', 'mykey', 10);
        assert(Number(await r('ttl', 'mykey')) === -2, '[r ttl mykey] == -2');
        await r('select', 10);
        assert(Number(await r('ttl', 'mykey')) === -1, '[r ttl mykey] == -1');
        assert((await r('get', 'mykey')) === 'foo', '[r get mykey] eq "foo"');
        return r('select', 9);
      },
      { okPattern: 'OK', tags: ['singledb:skip'] },
    );

    await test(
      'SET/GET keys in different DBs',
      async () => {
        await r('set', 'a', 'hello');
        await r('set', 'b', 'world');
        await r('select', 10);
        await r('set', 'a', 'foo');
        await r('set', 'b', 'bared');
        await r('select', 9);
        const res: unknown[] = [];
        res.push(await r('get', 'a'));
        res.push(await r('get', 'b'));
        await r('select', 10);
        res.push(await r('get', 'a'));
        res.push(await r('get', 'b'));
        await r('select', 9);
        return res;
      },
      { okPattern: 'hello world foo bared', tags: ['singledb:skip'] },
    );

    await test(
      'RANDOMKEY',
      async () => {
        await r('flushdb');
        await r('set', 'foo', 'x');
        await r('set', 'bar', 'y');
        let fooSeen = 0;
        let barSeen = 0;
        for (let i = 0; i < 100; i++) {
          const rkey = await r('randomkey');
          if (rkey === 'foo') fooSeen = 1;
          if (rkey === 'bar') barSeen = 1;
        }
        return [fooSeen, barSeen];
      },
      { okPattern: '1 1' },
    );

    await test(
      'RANDOMKEY against empty DB',
      async () => {
        await r('flushdb');
        return r('randomkey');
      },
      { okPattern: '' },
    );

    await test(
      'RANDOMKEY regression 1',
      async () => {
        await r('flushdb');
        await r('set', 'x', 10);
        await r('del', 'x');
        return r('randomkey');
      },
      { okPattern: '' },
    );

    await test(
      'KEYS * two times with long key, Github issue #1208',
      async () => {
        await r('flushdb');
        await r('set', 'dlskeriewrioeuwqoirueioqwrueoqwrueqw', 'test');
        await r('keys', '*');
        return r('keys', '*');
      },
      { okPattern: 'dlskeriewrioeuwqoirueioqwrueoqwrueqw' },
    );

    await test(
      'Regression for pattern matching long nested loops',
      async () => {
        await r('flushdb');
        await r('SET', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1);
        return r('KEYS', 'a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b');
      },
      { okPattern: '' },
    );
  });
});
