import {
  suite,
  startServer,
  test,
  tags,
  r,
  srv,
  verbose,
  assert,
  assertEqual,
  assertError,
  assertRange,
  assertAofContent,
  fail,
  getLastIncrAofPath,
  sleep,
  tclCatch,
  waitForBgrewriteaof,
  waitForCondition,
  ReplicationStream,
  type Client,
  type ServerHandle,
} from '../../harness/index.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** DUMP payloads are bytes: read them on a client that keeps bulk replies as Buffers. */
async function dumpOf(bin: Client, key: string): Promise<Buffer> {
  return (await bin.call('dump', key)) as Buffer;
}

export default suite(async () => {
  await startServer({ tags: ['expire'] }, async (server) => {
    const bin = await server.newClient({ buffers: true });

    await test(
      'EXPIRE - set timeouts multiple times',
      async () => {
        await r('set', 'x', 'foobar');
        const v1 = await r('expire', 'x', 5);
        const v2 = await r('ttl', 'x');
        const v3 = await r('expire', 'x', 10);
        const v4 = await r('ttl', 'x');
        await r('expire', 'x', 2);
        return [v1, v2, v3, v4];
      },
      { okPattern: '1 [45] 1 10' },
    );

    await test("EXPIRE - It should be still possible to read 'x'", () => r('get', 'x'), { okPattern: 'foobar' });

    await tags(['slow'], async () => {
      await test(
        'EXPIRE - After 2.1 seconds the key should no longer be here',
        async () => {
          await sleep(2100);
          return [await r('get', 'x'), await r('exists', 'x')];
        },
        { okPattern: '{} 0' },
      );
    });

    await test(
      'EXPIRE - write on expire should work',
      async () => {
        await r('del', 'x');
        await r('lpush', 'x', 'foo');
        await r('expire', 'x', 1000);
        await r('lpush', 'x', 'bar');
        return r('lrange', 'x', 0, -1);
      },
      { okPattern: 'bar foo' },
    );

    await test(
      'EXPIREAT - Check for EXPIRE alike behavior',
      async () => {
        await r('del', 'x');
        await r('set', 'x', 'foo');
        await r('expireat', 'x', nowSeconds() + 15);
        return r('ttl', 'x');
      },
      { okPattern: '1[345]' },
    );

    await test(
      'SETEX - Set + Expire combo operation. Check for TTL',
      async () => {
        await r('setex', 'x', 12, 'test');
        return r('ttl', 'x');
      },
      { okPattern: '1[012]' },
    );

    await test('SETEX - Check value', () => r('get', 'x'), { okPattern: 'test' });

    await test(
      'SETEX - Overwrite old key',
      async () => {
        await r('setex', 'y', 1, 'foo');
        return r('get', 'y');
      },
      { okPattern: 'foo' },
    );

    await tags(['slow'], async () => {
      await test(
        'SETEX - Wait for the key to expire',
        async () => {
          await sleep(1100);
          return r('get', 'y');
        },
        { okPattern: '' },
      );
    });

    await test('SETEX - Wrong time parameter', async () => (await tclCatch(() => r('setex', 'z', -10, 'foo'))).value, { okPattern: '*invalid expire*' });

    await test(
      'PERSIST can undo an EXPIRE',
      async () => {
        await r('set', 'x', 'foo');
        await r('expire', 'x', 50);
        return [await r('ttl', 'x'), await r('persist', 'x'), await r('ttl', 'x'), await r('get', 'x')];
      },
      { okPattern: '50 1 -1 foo' },
    );

    await test(
      'PERSIST returns 0 against non existing or non volatile keys',
      async () => {
        await r('set', 'x', 'foo');
        return [await r('persist', 'foo'), await r('persist', 'nokeyatall')];
      },
      { okPattern: '0 0' },
    );

    await test(
      'EXPIRE precision is now the millisecond',
      async () => {
        // Timing under load can fool one attempt, so a few are allowed (as upstream).
        let a: unknown;
        let b: unknown;
        let j = 0;
        for (; j < 10; j++) {
          await r('del', 'x');
          await r('setex', 'x', 1, 'somevalue');
          await sleep(900);
          a = await r('get', 'x');
          await sleep(1100);
          b = await r('get', 'x');
          if (a === 'somevalue' && b === null) break;
        }
        verbose(`millisecond expire test attempts: ${j}`);
        return [a, b];
      },
      { okPattern: 'somevalue {}' },
    );

    await test(
      'PSETEX can set sub-second expires',
      async () => {
        let a: unknown;
        let b: unknown;
        let j = 0;
        for (; j < 50; j++) {
          await r('del', 'x');
          await r('psetex', 'x', 100, 'somevalue');
          a = await r('get', 'x');
          await sleep(101);
          b = await r('get', 'x');
          if (a === 'somevalue' && b === null) break;
        }
        verbose(`PSETEX sub-second expire test attempts: ${j}`);
        return [a, b];
      },
      { okPattern: 'somevalue {}' },
    );

    await test(
      'PEXPIRE can set sub-second expires',
      async () => {
        let c: unknown;
        let d: unknown;
        let j = 0;
        for (; j < 50; j++) {
          await r('set', 'x', 'somevalue');
          await r('pexpire', 'x', 100);
          c = await r('get', 'x');
          await sleep(101);
          d = await r('get', 'x');
          if (c === 'somevalue' && d === null) break;
        }
        verbose(`PEXPIRE sub-second expire test attempts: ${j}`);
        return [c, d];
      },
      { okPattern: 'somevalue {}' },
    );

    await test(
      'PEXPIREAT can set sub-second expires',
      async () => {
        let e: unknown;
        let f: unknown;
        let j = 0;
        for (; j < 50; j++) {
          await r('set', 'x', 'somevalue');
          const [sec, usec] = (await r('time')) as [string, string];
          await r('pexpireat', 'x', Number(sec) * 1000 + Math.floor(Number(usec) / 1000) + 200);
          e = await r('get', 'x');
          await sleep(201);
          f = await r('get', 'x');
          if (e === 'somevalue' && f === null) break;
        }
        verbose(`PEXPIREAT sub-second expire test attempts: ${j}`);
        return [e, f];
      },
      { okPattern: 'somevalue {}' },
    );

    await test('TTL returns time to live in seconds', async () => {
      await r('del', 'x');
      await r('setex', 'x', 10, 'somevalue');
      const ttl = Number(await r('ttl', 'x'));
      assert(ttl > 8 && ttl <= 10, `ttl ${ttl} in (8, 10]`);
    });

    await test('PTTL returns time to live in milliseconds', async () => {
      await r('del', 'x');
      await r('setex', 'x', 1, 'somevalue');
      const ttl = Number(await r('pttl', 'x'));
      assert(ttl > 900 && ttl <= 1000, `pttl ${ttl} in (900, 1000]`);
    });

    await test(
      'TTL / PTTL / EXPIRETIME / PEXPIRETIME return -1 if key has no expire',
      async () => {
        await r('del', 'x');
        await r('set', 'x', 'hello');
        return [await r('ttl', 'x'), await r('pttl', 'x'), await r('expiretime', 'x'), await r('pexpiretime', 'x')];
      },
      { okPattern: '-1 -1 -1 -1' },
    );

    await test(
      'TTL / PTTL / EXPIRETIME / PEXPIRETIME return -2 if key does not exit',
      async () => {
        await r('del', 'x');
        return [await r('ttl', 'x'), await r('pttl', 'x'), await r('expiretime', 'x'), await r('pexpiretime', 'x')];
      },
      { okPattern: '-2 -2 -2 -2' },
    );

    await test('EXPIRETIME returns absolute expiration time in seconds', async () => {
      await r('del', 'x');
      const absExpire = nowSeconds() + 100;
      await r('set', 'x', 'somevalue', 'exat', absExpire);
      assertEqual(await r('expiretime', 'x'), absExpire);
    });

    await test('PEXPIRETIME returns absolute expiration time in milliseconds', async () => {
      await r('del', 'x');
      const absExpire = Date.now() + 100000;
      await r('set', 'x', 'somevalue', 'pxat', absExpire);
      assertEqual(await r('pexpiretime', 'x'), absExpire);
    });

    await test('Redis should actively expire keys incrementally', async () => {
      await r('flushdb');
      await r('psetex', 'key1', 500, 'a');
      await r('psetex', 'key2', 500, 'a');
      await r('psetex', 'key3', 500, 'a');
      assertEqual(3, await r('dbsize'));
      // The active expire cycle samples keys ten times a second: two seconds are plenty.
      await waitForCondition(20, 100, async () => Number(await r('dbsize')) === 0, 'Keys did not actively expire.');
    });

    await test(
      'Redis should lazy expire keys',
      async () => {
        await r('flushdb');
        await r('debug', 'set-active-expire', 0);
        await r('psetex', 'key1{t}', 500, 'a');
        await r('psetex', 'key2{t}', 500, 'a');
        await r('psetex', 'key3{t}', 500, 'a');
        const size1 = await r('dbsize');
        await sleep(1000);
        const size2 = await r('dbsize');
        await r('mget', 'key1{t}', 'key2{t}', 'key3{t}');
        const size3 = await r('dbsize');
        await r('debug', 'set-active-expire', 1);
        return [size1, size2, size3];
      },
      { okPattern: '3 3 0', tags: ['needs:debug'] },
    );

    await test(
      'EXPIRE should not resurrect keys (issue #1026)',
      async () => {
        await r('debug', 'set-active-expire', 0);
        await r('set', 'foo', 'bar');
        await r('pexpire', 'foo', 500);
        await sleep(1000);
        await r('expire', 'foo', 10);
        await r('debug', 'set-active-expire', 1);
        return r('exists', 'foo');
      },
      { okPattern: '0', tags: ['needs:debug'] },
    );

    await test('5 keys in, 5 keys out', async () => {
      await r('flushdb');
      await r('set', 'a', 'c');
      await r('expire', 'a', 5);
      await r('set', 't', 'c');
      await r('set', 'e', 'c');
      await r('set', 's', 'c');
      await r('set', 'foo', 'b');
      assertEqual(((await r('keys', '*')) as string[]).sort(), ['a', 'e', 'foo', 's', 't']);
      // No volatile key may leak into the next tests.
      await r('del', 'a');
    });

    await test(
      'EXPIRE with empty string as TTL should report an error',
      async () => {
        await r('set', 'foo', 'bar');
        return (await tclCatch(() => r('expire', 'foo', ''))).value;
      },
      { okPattern: '*not an integer*' },
    );

    await test('SET with EX with big integer should report an error', async () => (await tclCatch(() => r('set', 'foo', 'bar', 'EX', '10000000000000000'))).value, {
      okPattern: "ERR invalid expire time in 'set' command",
    });

    await test('SET with EX with smallest integer should report an error', async () => (await tclCatch(() => r('SET', 'foo', 'bar', 'EX', '-9999999999999999'))).value, {
      okPattern: "ERR invalid expire time in 'set' command",
    });

    await test(
      'GETEX with big integer should report an error',
      async () => {
        await r('set', 'foo', 'bar');
        return (await tclCatch(() => r('GETEX', 'foo', 'EX', '10000000000000000'))).value;
      },
      { okPattern: "ERR invalid expire time in 'getex' command" },
    );

    await test(
      'GETEX with smallest integer should report an error',
      async () => {
        await r('set', 'foo', 'bar');
        return (await tclCatch(() => r('GETEX', 'foo', 'EX', '-9999999999999999'))).value;
      },
      { okPattern: "ERR invalid expire time in 'getex' command" },
    );

    await test('EXPIRE with big integer overflows when converted to milliseconds', async () => {
      await r('set', 'foo', 'bar');
      // when > LLONG_MAX - basetime
      await assertError("ERR invalid expire time in 'expire' command", () => r('EXPIRE', 'foo', '9223370399119966'));
      // when > LLONG_MAX / 1000
      await assertError("ERR invalid expire time in 'expire' command", () => r('EXPIRE', 'foo', '9223372036854776'));
      await assertError("ERR invalid expire time in 'expire' command", () => r('EXPIRE', 'foo', '10000000000000000'));
      await assertError("ERR invalid expire time in 'expire' command", () => r('EXPIRE', 'foo', '18446744073709561'));
      assertEqual('-1', await r('ttl', 'foo'));
    });

    await test(
      'PEXPIRE with big integer overflow when basetime is added',
      async () => {
        await r('set', 'foo', 'bar');
        return (await tclCatch(() => r('PEXPIRE', 'foo', '9223372036854770000'))).value;
      },
      { okPattern: "ERR invalid expire time in 'pexpire' command" },
    );

    await test(
      'EXPIRE with big negative integer',
      async () => {
        await r('set', 'foo', 'bar');
        // when < LLONG_MIN / 1000
        await assertError("ERR invalid expire time in 'expire' command", () => r('EXPIRE', 'foo', '-9223372036854776'));
        await assertError("ERR invalid expire time in 'expire' command", () => r('EXPIRE', 'foo', '-9999999999999999'));
        return r('ttl', 'foo');
      },
      { okPattern: '-1' },
    );

    await test(
      'PEXPIREAT with big integer works',
      async () => {
        await r('set', 'foo', 'bar');
        return r('PEXPIREAT', 'foo', '9223372036854770000');
      },
      { okPattern: '1' },
    );

    await test(
      'PEXPIREAT with big negative integer works',
      async () => {
        await r('set', 'foo', 'bar');
        await r('PEXPIREAT', 'foo', '-9223372036854770000');
        return r('ttl', 'foo');
      },
      { okPattern: '-2' },
    );

    // A fresh server with an empty dataset and AOF on.
    await startServer({ overrides: { appendonly: 'yes', appendfsync: 'always' }, tags: ['external:skip'] }, async (aofServer) => {
      const aofBin = await aofServer.newClient({ buffers: true });
      await test(
        'All time-to-live(TTL) in commands are propagated as absolute timestamp in milliseconds in AOF',
        async () => {
          // Relative TTLs must reach the AOF as absolute times, so that time keeps passing across a reload.
          const aof = await getLastIncrAofPath(aofServer);

          // SET family
          await r('set', 'foo1', 'bar', 'ex', 100);
          await r('set', 'foo2', 'bar', 'px', 100000);
          await r('set', 'foo3', 'bar', 'exat', nowSeconds() + 100);
          await r('set', 'foo4', 'bar', 'pxat', Date.now() + 100000);
          await r('setex', 'foo5', 100, 'bar');
          await r('psetex', 'foo6', 100000, 'bar');
          // EXPIRE family
          await r('set', 'foo7', 'bar');
          await r('expire', 'foo7', 100);
          await r('set', 'foo8', 'bar');
          await r('pexpire', 'foo8', 100000);
          await r('set', 'foo9', 'bar');
          await r('expireat', 'foo9', nowSeconds() + 100);
          await r('set', 'foo10', 'bar');
          await r('pexpireat', 'foo10', nowSeconds() * 1000 + 100000);
          await r('set', 'foo11', 'bar');
          await r('expireat', 'foo11', nowSeconds() - 100);
          // GETEX family
          await r('set', 'foo12', 'bar');
          await r('getex', 'foo12', 'ex', 100);
          await r('set', 'foo13', 'bar');
          await r('getex', 'foo13', 'px', 100000);
          await r('set', 'foo14', 'bar');
          await r('getex', 'foo14', 'exat', nowSeconds() + 100);
          await r('set', 'foo15', 'bar');
          await r('getex', 'foo15', 'pxat', Date.now() + 100000);
          // RESTORE
          await r('set', 'foo16', 'bar');
          const encoded = await dumpOf(aofBin, 'foo16');
          await r('restore', 'foo17', 100000, encoded);
          await r('restore', 'foo18', Date.now() + 100000, encoded, 'absttl');

          assertAofContent(aof, [
            'select *',
            'set foo1 bar PXAT *',
            'set foo2 bar PXAT *',
            'set foo3 bar PXAT *',
            'set foo4 bar PXAT *',
            'set foo5 bar PXAT *',
            'set foo6 bar PXAT *',
            'set foo7 bar',
            'pexpireat foo7 *',
            'set foo8 bar',
            'pexpireat foo8 *',
            'set foo9 bar',
            'pexpireat foo9 *',
            'set foo10 bar',
            'pexpireat foo10 *',
            'set foo11 bar',
            'del foo11',
            'set foo12 bar',
            'pexpireat foo12 *',
            'set foo13 bar',
            'pexpireat foo13 *',
            'set foo14 bar',
            'pexpireat foo14 *',
            'set foo15 bar',
            'pexpireat foo15 *',
            'set foo16 bar',
            'restore foo17 * {*} ABSTTL',
            'restore foo18 * {*} absttl',
          ]);

          const volatile = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 17, 18].map((n) => `foo${n}`);
          const ttls = new Map<string, unknown>();
          for (const key of volatile) ttls.set(key, await r('pexpiretime', key));
          assertEqual('-2', await r('pexpiretime', 'foo11')); // expired at once
          assertEqual('-1', await r('pexpiretime', 'foo16')); // never had a TTL

          // Time passes, then the AOF is loaded again.
          await sleep(2000);
          await r('debug', 'loadaof');

          for (const key of volatile) assertRange(await r('ttl', key), 90, 98);
          assertEqual(await r('ttl', 'foo11'), '-2');
          assertEqual(await r('ttl', 'foo16'), '-1');

          // The same absolute expire times came back from the AOF.
          for (const key of volatile) assertEqual(await r('pexpiretime', key), ttls.get(key));
          assertEqual(await r('pexpiretime', 'foo11'), '-2');
          assertEqual(await r('pexpiretime', 'foo16'), '-1');
        },
        { tags: ['needs:debug'] },
      );
    });

    await test(
      'All TTL in commands are propagated as absolute timestamp in replication stream',
      async () => {
        // Replicas must not keep data longer than the primary because of lag, and the stream
        // carries TTLs the way the RDB does: as absolute times.
        await r('flushall'); // keys of earlier tests would show up in the stream
        const repl = await ReplicationStream.attach(server);
        // SET family
        await r('set', 'foo1', 'bar', 'ex', 200);
        await r('set', 'foo1', 'bar', 'px', 100000);
        await r('set', 'foo1', 'bar', 'exat', nowSeconds() + 100);
        await r('set', 'foo1', 'bar', 'pxat', Date.now() + 100000);
        await r('setex', 'foo1', 100, 'bar');
        await r('psetex', 'foo1', 100000, 'bar');
        await r('set', 'foo2', 'bar');
        // EXPIRE family
        await r('expire', 'foo2', 100);
        await r('pexpire', 'foo2', 100000);
        await r('set', 'foo3', 'bar');
        await r('expireat', 'foo3', nowSeconds() + 100);
        await r('pexpireat', 'foo3', nowSeconds() * 1000 + 100000);
        await r('expireat', 'foo3', nowSeconds() - 100);
        // GETEX family
        await r('set', 'foo4', 'bar');
        await r('getex', 'foo4', 'ex', 200);
        await r('getex', 'foo4', 'px', 200000);
        await r('getex', 'foo4', 'exat', nowSeconds() + 100);
        await r('getex', 'foo4', 'pxat', Date.now() + 100000);
        // RESTORE
        await r('set', 'foo5', 'bar');
        const encoded = await dumpOf(bin, 'foo5');
        await r('restore', 'foo6', 100000, encoded);
        await r('restore', 'foo7', Date.now() + 100000, encoded, 'absttl');

        await repl.assertStream([
          'select *',
          'set foo1 bar PXAT *',
          'set foo1 bar PXAT *',
          'set foo1 bar PXAT *',
          'set foo1 bar PXAT *',
          'set foo1 bar PXAT *',
          'set foo1 bar PXAT *',
          'set foo2 bar',
          'pexpireat foo2 *',
          'pexpireat foo2 *',
          'set foo3 bar',
          'pexpireat foo3 *',
          'pexpireat foo3 *',
          'del foo3',
          'set foo4 bar',
          'pexpireat foo4 *',
          'pexpireat foo4 *',
          'pexpireat foo4 *',
          'pexpireat foo4 *',
          'set foo5 bar',
          'restore foo6 * {*} ABSTTL',
          'restore foo7 * {*} absttl',
        ]);
        await repl.close();
      },
      { tags: ['needs:repl'] },
    );

    // A replica of the outer server, to compare TTLs on both sides.
    await startServer({ tags: ['needs:repl', 'external:skip'] }, async (replica) => {
      const primary: ServerHandle = srv(-1);

      await test('First server should have role slave after REPLICAOF', async () => {
        await replica.call('replicaof', primary.host, primary.port);
        await waitForCondition(50, 100, async () => (await replica.status('role')) === 'slave', () => fail('Replication not started.'));
      });

      await test('For all replicated TTL-related commands, absolute expire times are identical on primary and replica', async () => {
        // SET family
        await primary.call('set', 'foo1', 'bar', 'ex', 100);
        await primary.call('set', 'foo2', 'bar', 'px', 100000);
        await primary.call('set', 'foo3', 'bar', 'exat', nowSeconds() + 100);
        await primary.call('set', 'foo4', 'bar', 'pxat', Date.now() + 100000);
        await primary.call('setex', 'foo5', 100, 'bar');
        await primary.call('psetex', 'foo6', 100000, 'bar');
        // EXPIRE family
        await primary.call('set', 'foo7', 'bar');
        await primary.call('expire', 'foo7', 100);
        await primary.call('set', 'foo8', 'bar');
        await primary.call('pexpire', 'foo8', 100000);
        await primary.call('set', 'foo9', 'bar');
        await primary.call('expireat', 'foo9', nowSeconds() + 100);
        await primary.call('set', 'foo10', 'bar');
        await primary.call('pexpireat', 'foo10', Date.now() + 100000);
        // GETEX family
        await primary.call('set', 'foo11', 'bar');
        await primary.call('getex', 'foo11', 'ex', 100);
        await primary.call('set', 'foo12', 'bar');
        await primary.call('getex', 'foo12', 'px', 100000);
        await primary.call('set', 'foo13', 'bar');
        await primary.call('getex', 'foo13', 'exat', nowSeconds() + 100);
        await primary.call('set', 'foo14', 'bar');
        await primary.call('getex', 'foo14', 'pxat', Date.now() + 100000);
        // RESTORE
        await primary.call('set', 'foo15', 'bar');
        const encoded = await dumpOf(bin, 'foo15');
        await primary.call('restore', 'foo16', 100000, encoded);
        await primary.call('restore', 'foo17', Date.now() + 100000, encoded, 'absttl');

        // The replica has everything once WAIT counts it.
        assert(Number(await primary.call('wait', 1, 0)) === 1, '[$primary wait 1 0] == 1');

        // TTLs travel as absolute times, so both sides hold the same ones.
        for (const key of (await primary.call('keys', '*')) as string[]) {
          assertEqual(await primary.call('pexpiretime', key), await replica.call('pexpiretime', key));
        }
      });

      await test('expired key which is created in writeable replicas should be deleted by active expiry', async () => {
        await primary.call('flushall');
        await replica.call('config', 'set', 'replica-read-only', 'no');
        for (const yesOrNo of ['yes', 'no']) {
          await replica.call('config', 'set', 'appendonly', yesOrNo);
          await waitForBgrewriteaof(replica);
          const prevExpired = await replica.statusNumber('expired_keys');
          await replica.call('set', 'foo', 'bar', 'PX', 1);
          await waitForCondition(100, 10, async () => (await replica.statusNumber('expired_keys')) === prevExpired + 1, () => fail('key not expired'));
          assertEqual(null, await replica.call('get', 'foo'));
        }
      });
    });

    await test(
      'SET command will remove expire',
      async () => {
        await r('set', 'foo', 'bar', 'EX', 100);
        await r('set', 'foo', 'bar');
        return r('ttl', 'foo');
      },
      { okPattern: '-1' },
    );

    await test('SET - use KEEPTTL option, TTL should not be removed', async () => {
      await r('set', 'foo', 'bar', 'EX', 100);
      await r('set', 'foo', 'bar', 'KEEPTTL');
      const ttl = Number(await r('ttl', 'foo'));
      assert(ttl <= 100 && ttl > 90, `ttl ${ttl} in (90, 100]`);
    });

    await test(
      'SET - use KEEPTTL option, TTL should not be removed after loadaof',
      async () => {
        await r('config', 'set', 'appendonly', 'yes');
        await r('set', 'foo', 'bar', 'EX', 100);
        await r('set', 'foo', 'bar2', 'KEEPTTL');
        await sleep(2000);
        await r('debug', 'loadaof');
        const ttl = Number(await r('ttl', 'foo'));
        assert(ttl <= 98 && ttl > 90, `ttl ${ttl} in (90, 98]`);
      },
      { tags: ['needs:debug'] },
    );

    await test(
      'GETEX use of PERSIST option should remove TTL',
      async () => {
        await r('set', 'foo', 'bar', 'EX', 100);
        await r('getex', 'foo', 'PERSIST');
        return r('ttl', 'foo');
      },
      { okPattern: '-1' },
    );

    await test(
      'GETEX use of PERSIST option should remove TTL after loadaof',
      async () => {
        await r('set', 'foo', 'bar', 'EX', 100);
        await r('getex', 'foo', 'PERSIST');
        await sleep(2000);
        await r('debug', 'loadaof');
        return r('ttl', 'foo');
      },
      { okPattern: '-1', tags: ['needs:debug'] },
    );

    await test(
      'GETEX propagate as to replica as PERSIST, DEL, or nothing',
      async () => {
        const repl = await ReplicationStream.attach(server);
        await r('set', 'foo', 'bar', 'EX', 100);
        await r('getex', 'foo', 'PERSIST');
        await r('getex', 'foo');
        await r('getex', 'foo', 'exat', nowSeconds() - 100);
        await repl.assertStream(['select *', 'set foo bar PXAT *', 'persist foo', 'del foo']);
        await repl.close();
      },
      { tags: ['needs:repl'] },
    );

    await test('EXPIRE with NX option on a key with ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 100);
      assertEqual(await r('EXPIRE', 'foo', 200, 'NX'), 0);
      assertRange(await r('TTL', 'foo'), 50, 100);
    });

    await test('EXPIRE with NX option on a key without ttl', async () => {
      await r('SET', 'foo', 'bar');
      assertEqual(await r('EXPIRE', 'foo', 200, 'NX'), 1);
      assertRange(await r('TTL', 'foo'), 100, 200);
    });

    await test('EXPIRE with XX option on a key with ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 100);
      assertEqual(await r('EXPIRE', 'foo', 200, 'XX'), 1);
      assertRange(await r('TTL', 'foo'), 100, 200);
    });

    await test('EXPIRE with XX option on a key without ttl', async () => {
      await r('SET', 'foo', 'bar');
      assertEqual(await r('EXPIRE', 'foo', 200, 'XX'), 0);
      assertEqual(await r('TTL', 'foo'), -1);
    });

    await test('EXPIRE with GT option on a key with lower ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 100);
      assertEqual(await r('EXPIRE', 'foo', 200, 'GT'), 1);
      assertRange(await r('TTL', 'foo'), 100, 200);
    });

    await test('EXPIRE with GT option on a key with higher ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 200);
      assertEqual(await r('EXPIRE', 'foo', 100, 'GT'), 0);
      assertRange(await r('TTL', 'foo'), 100, 200);
    });

    await test('EXPIRE with GT option on a key without ttl', async () => {
      await r('SET', 'foo', 'bar');
      assertEqual(await r('EXPIRE', 'foo', 200, 'GT'), 0);
      assertEqual(await r('TTL', 'foo'), -1);
    });

    await test('EXPIRE with LT option on a key with higher ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 100);
      assertEqual(await r('EXPIRE', 'foo', 200, 'LT'), 0);
      assertRange(await r('TTL', 'foo'), 50, 100);
    });

    await test('EXPIRE with LT option on a key with lower ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 200);
      assertEqual(await r('EXPIRE', 'foo', 100, 'LT'), 1);
      assertRange(await r('TTL', 'foo'), 50, 100);
    });

    await test('EXPIRE with LT option on a key without ttl', async () => {
      await r('SET', 'foo', 'bar');
      assertEqual(await r('EXPIRE', 'foo', 100, 'LT'), 1);
      assertRange(await r('TTL', 'foo'), 50, 100);
    });

    await test('EXPIRE with LT and XX option on a key with ttl', async () => {
      await r('SET', 'foo', 'bar', 'EX', 200);
      assertEqual(await r('EXPIRE', 'foo', 100, 'LT', 'XX'), 1);
      assertRange(await r('TTL', 'foo'), 50, 100);
    });

    await test('EXPIRE with LT and XX option on a key without ttl', async () => {
      await r('SET', 'foo', 'bar');
      assertEqual(await r('EXPIRE', 'foo', 200, 'LT', 'XX'), 0);
      assertEqual(await r('TTL', 'foo'), -1);
    });

    await test('EXPIRE with conflicting options: LT GT', async () => (await tclCatch(() => r('EXPIRE', 'foo', 200, 'LT', 'GT'))).value, {
      okPattern: 'ERR GT and LT options at the same time are not compatible',
    });

    await test('EXPIRE with conflicting options: NX GT', async () => (await tclCatch(() => r('EXPIRE', 'foo', 200, 'NX', 'GT'))).value, {
      okPattern: 'ERR NX and XX, GT or LT options at the same time are not compatible',
    });

    await test('EXPIRE with conflicting options: NX LT', async () => (await tclCatch(() => r('EXPIRE', 'foo', 200, 'NX', 'LT'))).value, {
      okPattern: 'ERR NX and XX, GT or LT options at the same time are not compatible',
    });

    await test('EXPIRE with conflicting options: NX XX', async () => (await tclCatch(() => r('EXPIRE', 'foo', 200, 'NX', 'XX'))).value, {
      okPattern: 'ERR NX and XX, GT or LT options at the same time are not compatible',
    });

    await test('EXPIRE with unsupported options', async () => (await tclCatch(() => r('EXPIRE', 'foo', 200, 'AB'))).value, {
      okPattern: 'ERR Unsupported option AB',
    });

    await test('EXPIRE with unsupported options', async () => (await tclCatch(() => r('EXPIRE', 'foo', 200, 'XX', 'AB'))).value, {
      okPattern: 'ERR Unsupported option AB',
    });

    await test('EXPIRE with negative expiry', async () => {
      await r('SET', 'foo', 'bar', 'EX', 100);
      assertEqual(await r('EXPIRE', 'foo', -10, 'LT'), 1);
      assertEqual(await r('TTL', 'foo'), -2);
    });

    await test('EXPIRE with negative expiry on a non-valitale key', async () => {
      await r('SET', 'foo', 'bar');
      assertEqual(await r('EXPIRE', 'foo', -10, 'LT'), 1);
      assertEqual(await r('TTL', 'foo'), -2);
    });

    await test('EXPIRE with non-existed key', async () => {
      assertEqual(await r('EXPIRE', 'none', 100, 'NX'), 0);
      assertEqual(await r('EXPIRE', 'none', 100, 'XX'), 0);
      assertEqual(await r('EXPIRE', 'none', 100, 'GT'), 0);
      assertEqual(await r('EXPIRE', 'none', 100, 'LT'), 0);
    });

    await test(
      'SCAN: Lazy-expire should not be wrapped in MULTI/EXEC',
      async () => {
        await r('debug', 'set-active-expire', 0);
        await r('flushall');
        await r('set', 'foo1', 'bar', 'PX', 1);
        await r('set', 'foo2', 'bar', 'PX', 1);
        await sleep(2);
        const repl = await ReplicationStream.attach(server);
        await r('scan', 0);
        await repl.assertStream(['select *', 'del foo*', 'del foo*']);
        await repl.close();
        assertEqual(await r('debug', 'set-active-expire', 1), 'OK');
      },
      { tags: ['needs:debug'] },
    );

    await test(
      'RANDOMKEY: Lazy-expire should not be wrapped in MULTI/EXEC',
      async () => {
        await r('debug', 'set-active-expire', 0);
        await r('flushall');
        await r('set', 'foo1', 'bar', 'PX', 1);
        await r('set', 'foo2', 'bar', 'PX', 1);
        await sleep(2);
        const repl = await ReplicationStream.attach(server);
        await r('randomkey');
        await repl.assertStream(['select *', 'del foo*', 'del foo*']);
        await repl.close();
        assertEqual(await r('debug', 'set-active-expire', 1), 'OK');
      },
      { tags: ['needs:debug'] },
    );
  });
});
