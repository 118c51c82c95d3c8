import {
  suite,
  startServer,
  test,
  r,
  assert,
  assertEqual,
  assertMatch,
  assertRange,
  sleep,
  tclCatch,
  tclString,
  type Client,
  type ServerHandle,
} from '../../harness/index.ts';

/** A second server for one MIGRATE test (Tcl nests a start_server in the test). */
function withSecond(body: (second: ServerHandle) => Promise<void>): Promise<void> {
  return startServer({ tags: ['repl'] }, body);
}

export default suite(async () => {
  await startServer({ tags: ['dump'] }, async (first) => {
    // DUMP payloads are bytes: read them on a client that keeps bulk replies as Buffers.
    const bin: Client = await first.newClient({ buffers: true });
    const dump = async (key: string) => (await bin.call('dump', key)) as Buffer | null;

    await test(
      'DUMP / RESTORE are able to serialize / unserialize a simple key',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        await r('del', 'foo');
        return [await r('exists', 'foo'), await r('restore', 'foo', 0, encoded), await r('ttl', 'foo'), await r('get', 'foo')];
      },
      { okPattern: '0 OK -1 bar' },
    );

    await test(
      'RESTORE can set an arbitrary expire to the materialized key',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        await r('del', 'foo');
        await r('restore', 'foo', 5000, encoded);
        assertRange(await r('pttl', 'foo'), 3000, 5000);
        return r('get', 'foo');
      },
      { okPattern: 'bar' },
    );

    await test(
      'RESTORE can set an expire that overflows a 32 bit integer',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        await r('del', 'foo');
        await r('restore', 'foo', 2569591501, encoded);
        assertRange(await r('pttl', 'foo'), 2569591501 - 3000, 2569591501);
        return r('get', 'foo');
      },
      { okPattern: 'bar' },
    );

    await test(
      'RESTORE can set an absolute expire',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        await r('del', 'foo');
        const now = Date.now();
        await r('restore', 'foo', now + 3000, encoded, 'absttl');
        assertRange(await r('pttl', 'foo'), 2000, 3100);
        return r('get', 'foo');
      },
      { okPattern: 'bar' },
    );

    await test(
      'RESTORE with ABSTTL in the past',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        const now = Date.now();
        await r('debug', 'set-active-expire', 0);
        await r('restore', 'foo', now - 3000, encoded, 'absttl', 'REPLACE');
        const { value } = await tclCatch(() => r('debug', 'object', 'foo'));
        await r('debug', 'set-active-expire', 1);
        return value;
      },
      { okPattern: 'ERR no such key', tags: ['needs:debug'] },
    );

    await test(
      'RESTORE can set LRU',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        await r('del', 'foo');
        await r('config', 'set', 'maxmemory-policy', 'allkeys-lru');
        await r('restore', 'foo', 0, encoded, 'idletime', 1000);
        const idle = Number(await r('object', 'idletime', 'foo'));
        assert(idle >= 1000 && idle <= 1010, `idle time ${idle} in [1000, 1010]`);
        assertEqual(await r('get', 'foo'), 'bar');
        return r('config', 'set', 'maxmemory-policy', 'noeviction');
      },
      { okPattern: 'OK', tags: ['needs:config-maxmemory'] },
    );

    await test(
      'RESTORE can set LFU',
      async () => {
        await r('set', 'foo', 'bar');
        const encoded = (await dump('foo'))!;
        await r('del', 'foo');
        await r('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
        await r('restore', 'foo', 0, encoded, 'freq', 100);
        const freq = Number(await r('object', 'freq', 'foo'));
        assert(freq === 100, `freq ${freq} == 100`);
        await r('get', 'foo');
        assertEqual(await r('get', 'foo'), 'bar');
        return r('config', 'set', 'maxmemory-policy', 'noeviction');
      },
      { okPattern: 'OK', tags: ['needs:config-maxmemory'] },
    );

    await test(
      'RESTORE returns an error of the key already exists',
      async () => {
        await r('set', 'foo', 'bar');
        return (await tclCatch(() => r('restore', 'foo', 0, '...'))).value;
      },
      { okPattern: '*BUSYKEY*' },
    );

    await test(
      'RESTORE can overwrite an existing key with REPLACE',
      async () => {
        await r('set', 'foo', 'bar1');
        const encoded1 = (await dump('foo'))!;
        await r('set', 'foo', 'bar2');
        const encoded2 = (await dump('foo'))!;
        await r('del', 'foo');
        await r('restore', 'foo', 0, encoded1);
        await r('restore', 'foo', 0, encoded2, 'replace');
        return r('get', 'foo');
      },
      { okPattern: 'bar2' },
    );

    await test('RESTORE can detect a syntax error for unrecongized options', async () => (await tclCatch(() => r('restore', 'foo', 0, '...', 'invalid-option'))).value, {
      okPattern: '*syntax*',
    });

    await test('DUMP of non existing key returns nil', () => dump('nonexisting_key'), { okPattern: '' });

    await test(
      'MIGRATE is caching connections',
      async () => {
        // Runs before any other MIGRATE so that the connection cache starts empty.
        await r('set', 'key', 'Some Value');
        await withSecond(async (second) => {
          assertMatch('*migrate_cached_sockets:0*', await first.info());
          await first.call('migrate', second.host, second.port, 'key', 9, 1000);
          assertMatch('*migrate_cached_sockets:1*', await first.info());
        });
      },
      { tags: ['external:skip'] },
    );

    await test('MIGRATE cached connections are released after some time', async () => {
      await sleep(15000);
      assertMatch('*migrate_cached_sockets:0*', await r('info'));
    });

    await test(
      'MIGRATE is able to migrate a key between two instances',
      async () => {
        await r('set', 'key', 'Some Value');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'key')) === 1, '[$first exists key] == 1');
          assert(Number(await second.call('exists', 'key')) === 0, '[$second exists key] == 0');
          const ret = await first.call('migrate', second.host, second.port, 'key', 9, 5000);
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'key')) === 0, '[$first exists key] == 0');
          assert(Number(await second.call('exists', 'key')) === 1, '[$second exists key] == 1');
          assert((await second.call('get', 'key')) === 'Some Value', '[$second get key] eq {Some Value}');
          assert(Number(await second.call('ttl', 'key')) === -1, '[$second ttl key] == -1');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE is able to copy a key between two instances',
      async () => {
        await r('del', 'list');
        await r('lpush', 'list', 'a', 'b', 'c', 'd');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'list')) === 1, '[$first exists list] == 1');
          assert(Number(await second.call('exists', 'list')) === 0, '[$second exists list] == 0');
          const ret = await first.call('migrate', second.host, second.port, 'list', 9, 5000, 'copy');
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'list')) === 1, '[$first exists list] == 1');
          assert(Number(await second.call('exists', 'list')) === 1, '[$second exists list] == 1');
          assert(
            tclString(await first.call('lrange', 'list', 0, -1)) === tclString(await second.call('lrange', 'list', 0, -1)),
            '[$first lrange list 0 -1] eq [$second lrange list 0 -1]',
          );
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE will not overwrite existing keys, unless REPLACE is used',
      async () => {
        await r('del', 'list');
        await r('lpush', 'list', 'a', 'b', 'c', 'd');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'list')) === 1, '[$first exists list] == 1');
          assert(Number(await second.call('exists', 'list')) === 0, '[$second exists list] == 0');
          await second.call('set', 'list', 'somevalue');
          const { value: e } = await tclCatch(() => first.call('migrate', second.host, second.port, 'list', 9, 5000, 'copy'));
          assertMatch('ERR*', e);
          const ret = await first.call('migrate', second.host, second.port, 'list', 9, 5000, 'copy', 'replace');
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'list')) === 1, '[$first exists list] == 1');
          assert(Number(await second.call('exists', 'list')) === 1, '[$second exists list] == 1');
          assert(
            tclString(await first.call('lrange', 'list', 0, -1)) === tclString(await second.call('lrange', 'list', 0, -1)),
            '[$first lrange list 0 -1] eq [$second lrange list 0 -1]',
          );
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE propagates TTL correctly',
      async () => {
        await r('set', 'key', 'Some Value');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'key')) === 1, '[$first exists key] == 1');
          assert(Number(await second.call('exists', 'key')) === 0, '[$second exists key] == 0');
          await first.call('expire', 'key', 10);
          const ret = await first.call('migrate', second.host, second.port, 'key', 9, 5000);
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'key')) === 0, '[$first exists key] == 0');
          assert(Number(await second.call('exists', 'key')) === 1, '[$second exists key] == 1');
          assert((await second.call('get', 'key')) === 'Some Value', '[$second get key] eq {Some Value}');
          assert(Number(await second.call('ttl', 'key')) >= 7 && Number(await second.call('ttl', 'key')) <= 10, '[$second ttl key] in [7, 10]');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE can correctly transfer large values',
      async () => {
        await r('del', 'key');
        // Pipelined in batches: the same commands in the same order as one at a time.
        for (let start = 0; start < 40000; start += 1000) {
          const replies: Array<Promise<unknown>> = [];
          for (let j = start; j < start + 1000; j++) {
            replies.push(r('rpush', 'key', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
            replies.push(r('rpush', 'key', 'item 1', 'item 2', 'item 3', 'item 4', 'item 5', 'item 6', 'item 7', 'item 8', 'item 9', 'item 10'));
          }
          await Promise.all(replies);
        }
        assert((await dump('key'))!.length > 1024 * 64, '[string length [r dump key]] > (1024*64)');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'key')) === 1, '[$first exists key] == 1');
          assert(Number(await second.call('exists', 'key')) === 0, '[$second exists key] == 0');
          const ret = await first.call('migrate', second.host, second.port, 'key', 9, 10000);
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'key')) === 0, '[$first exists key] == 0');
          assert(Number(await second.call('exists', 'key')) === 1, '[$second exists key] == 1');
          assert(Number(await second.call('ttl', 'key')) === -1, '[$second ttl key] == -1');
          assert(Number(await second.call('llen', 'key')) === 40000 * 20, '[$second llen key] == 40000*20');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE can correctly transfer hashes',
      async () => {
        await r('del', 'key');
        await r('hmset', 'key', 'field1', 'item 1', 'field2', 'item 2', 'field3', 'item 3', 'field4', 'item 4', 'field5', 'item 5', 'field6', 'item 6');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'key')) === 1, '[$first exists key] == 1');
          assert(Number(await second.call('exists', 'key')) === 0, '[$second exists key] == 0');
          const ret = await first.call('migrate', second.host, second.port, 'key', 9, 10000);
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'key')) === 0, '[$first exists key] == 0');
          assert(Number(await second.call('exists', 'key')) === 1, '[$second exists key] == 1');
          assert(Number(await second.call('ttl', 'key')) === -1, '[$second ttl key] == -1');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE timeout actually works',
      async () => {
        await r('set', 'key', 'Some Value');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'key')) === 1, '[$first exists key] == 1');
          assert(Number(await second.call('exists', 'key')) === 0, '[$second exists key] == 0');
          const rd = await second.newClient();
          // Keeps the target busy so it cannot answer within the MIGRATE timeout.
          rd.send('debug', 'sleep', '1.0');
          const { value: e } = await tclCatch(() => first.call('migrate', second.host, second.port, 'key', 9, 500));
          assertMatch('IOERR*', e);
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE can migrate multiple keys at once',
      async () => {
        await r('set', 'key1', 'v1');
        await r('set', 'key2', 'v2');
        await r('set', 'key3', 'v3');
        await withSecond(async (second) => {
          assert(Number(await first.call('exists', 'key1')) === 1, '[$first exists key1] == 1');
          assert(Number(await second.call('exists', 'key1')) === 0, '[$second exists key1] == 0');
          const ret = await first.call('migrate', second.host, second.port, '', 9, 5000, 'keys', 'key1', 'key2', 'key3');
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'key1')) === 0, '[$first exists key1] == 0');
          assert(Number(await first.call('exists', 'key2')) === 0, '[$first exists key2] == 0');
          assert(Number(await first.call('exists', 'key3')) === 0, '[$first exists key3] == 0');
          assert((await second.call('get', 'key1')) === 'v1', '[$second get key1] eq {v1}');
          assert((await second.call('get', 'key2')) === 'v2', '[$second get key2] eq {v2}');
          assert((await second.call('get', 'key3')) === 'v3', '[$second get key3] eq {v3}');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE with multiple keys must have empty key arg',
      async () => (await tclCatch(() => r('MIGRATE', '127.0.0.1', 6379, 'NotEmpty', 9, 5000, 'keys', 'a', 'b', 'c'))).value,
      { okPattern: '*empty string*', tags: ['external:skip'] },
    );

    await test(
      'MIGRATE with multiple keys migrate just existing ones',
      async () => {
        await r('set', 'key1', 'v1');
        await r('set', 'key2', 'v2');
        await r('set', 'key3', 'v3');
        await withSecond(async (second) => {
          let ret = await first.call('migrate', second.host, second.port, '', 9, 5000, 'keys', 'nokey-1', 'nokey-2', 'nokey-2');
          assert(ret === 'NOKEY', `migrate returned '${tclString(ret)}', not NOKEY`);

          assert(Number(await first.call('exists', 'key1')) === 1, '[$first exists key1] == 1');
          assert(Number(await second.call('exists', 'key1')) === 0, '[$second exists key1] == 0');
          ret = await first.call('migrate', second.host, second.port, '', 9, 5000, 'keys', 'nokey-1', 'key1', 'nokey-2', 'key2', 'nokey-3', 'key3');
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await first.call('exists', 'key1')) === 0, '[$first exists key1] == 0');
          assert(Number(await first.call('exists', 'key2')) === 0, '[$first exists key2] == 0');
          assert(Number(await first.call('exists', 'key3')) === 0, '[$first exists key3] == 0');
          assert((await second.call('get', 'key1')) === 'v1', '[$second get key1] eq {v1}');
          assert((await second.call('get', 'key2')) === 'v2', '[$second get key2] eq {v2}');
          assert((await second.call('get', 'key3')) === 'v3', '[$second get key3] eq {v3}');
        });
      },
      { tags: ['external:skip'] },
    );

    const manyKeys = ['a', 1, 'b', 2, 'c', 3, 'd', 4, 'c', 5, 'e', 6, 'f', 7, 'g', 8, 'h', 9, 'i', 10, 'l', 11, 'm', 12, 'n', 13, 'o', 14, 'p', 15, 'q', 16];
    const migrateNames = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'l', 'm', 'n', 'o', 'p', 'q'];

    await test(
      'MIGRATE with multiple keys: stress command rewriting',
      async () => {
        await r('flushdb');
        await r('mset', ...manyKeys);
        await withSecond(async (second) => {
          await first.call('migrate', second.host, second.port, '', 9, 5000, 'keys', ...migrateNames);
          assert(Number(await first.call('dbsize')) === 0, '[$first dbsize] == 0');
          assert(Number(await second.call('dbsize')) === 15, '[$second dbsize] == 15');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE with multiple keys: delete just ack keys',
      async () => {
        await r('flushdb');
        await r('mset', ...manyKeys);
        await withSecond(async (second) => {
          // Two keys already exist on the target and REPLACE is not given.
          await second.call('mset', 'c', '_', 'd', '_');
          await tclCatch(() => first.call('migrate', second.host, second.port, '', 9, 5000, 'keys', ...migrateNames));
          assert(Number(await first.call('dbsize')) === 2, '[$first dbsize] == 2');
          assert(Number(await second.call('dbsize')) === 15, '[$second dbsize] == 15');
          assert(Number(await first.call('exists', 'c')) === 1, '[$first exists c] == 1');
          assert(Number(await first.call('exists', 'd')) === 1, '[$first exists d] == 1');
        });
      },
      { tags: ['external:skip'] },
    );

    await test(
      'MIGRATE AUTH: correct and wrong password cases',
      async () => {
        await r('del', 'list');
        await r('lpush', 'list', 'a', 'b', 'c', 'd');
        await withSecond(async (second) => {
          await second.call('config', 'set', 'requirepass', 'foobar');
          await second.call('auth', 'foobar');

          assert(Number(await first.call('exists', 'list')) === 1, '[$first exists list] == 1');
          assert(Number(await second.call('exists', 'list')) === 0, '[$second exists list] == 0');
          const ret = await first.call('migrate', second.host, second.port, 'list', 9, 5000, 'AUTH', 'foobar');
          assert(ret === 'OK', `migrate returned '${tclString(ret)}', not OK`);
          assert(Number(await second.call('exists', 'list')) === 1, '[$second exists list] == 1');
          assert(tclString(await second.call('lrange', 'list', 0, -1)) === 'd c b a', '[$second lrange list 0 -1] eq {d c b a}');

          await first.call('lpush', 'list', 'a', 'b', 'c', 'd');
          await second.call('config', 'set', 'requirepass', 'foobar2');
          const { value: err } = await tclCatch(() => first.call('migrate', second.host, second.port, 'list', 9, 5000, 'AUTH', 'foobar'));
          assertMatch('*WRONGPASS*', err);
        });
      },
      { tags: ['external:skip'] },
    );
  });
});
