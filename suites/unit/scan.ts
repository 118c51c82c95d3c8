import { suite, startServer, test, r, settings, assert, assertEqual, assertEncoding, fail, populate, randomInt } from '../../harness/index.ts';

/** Every element a full iteration of a SCAN-family command reports (duplicates kept). */
async function scanAll(command: (cursor: string) => Promise<unknown>): Promise<string[]> {
  let cur = '0';
  const keys: string[] = [];
  for (;;) {
    const [next, items] = (await command(cur)) as [string, string[]];
    cur = String(next);
    keys.push(...items.map(String));
    if (Number(cur) === 0) break;
  }
  return keys;
}

const uniqueCount = (items: string[]) => new Set(items).size;

/** Pairs of a field/value (or member/score) reply; each field must be key:<value>. */
function checkPairs(items: string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < items.length; i += 2) {
    const [k, v] = [items[i], items[i + 1]];
    assert(k === `key:${v}`, `${k} eq "key:${v}"`);
    names.push(k);
  }
  return names;
}

export default suite(async () => {
  await startServer({ tags: ['scan', 'network'] }, async (server) => {
    const ignoreEncoding = () => settings().ignoreEncoding;

    await test('SCAN basic', async () => {
      await r('flushdb');
      await populate(server, 1000);
      const keys = await scanAll((cur) => r('scan', cur));
      assertEqual(1000, uniqueCount(keys));
    });

    await test('SCAN COUNT', async () => {
      await r('flushdb');
      await populate(server, 1000);
      const keys = await scanAll((cur) => r('scan', cur, 'count', 5));
      assertEqual(1000, uniqueCount(keys));
    });

    await test('SCAN MATCH', async () => {
      await r('flushdb');
      await populate(server, 1000);
      const keys = await scanAll((cur) => r('scan', cur, 'match', 'key:1??'));
      assertEqual(100, uniqueCount(keys));
    });

    await test('SCAN TYPE', async () => {
      await r('flushdb');
      // populate writes strings only.
      await populate(server, 1000);
      let keys = await scanAll((cur) => r('scan', cur, 'type', 'list'));
      assertEqual(0, keys.length);
      keys = await scanAll((cur) => r('scan', cur, 'type', 'string'));
      assertEqual(1000, keys.length);
      keys = await scanAll((cur) => r('scan', cur, 'type', 'string', 'match', 'key:*', 'count', 10));
      assertEqual(1000, keys.length);
    });

    for (const enc of ['intset', 'hashtable']) {
      await test(`SSCAN with encoding ${enc}`, async () => {
        await r('del', 'set');
        const prefix = enc === 'intset' ? '' : 'ele:';
        const elements: string[] = [];
        for (let j = 0; j < 100; j++) elements.push(`${prefix}${j}`);
        await r('sadd', 'set', ...elements);
        await assertEncoding(enc, 'set', server, ignoreEncoding());
        const keys = await scanAll((cur) => r('sscan', 'set', cur));
        assertEqual(100, uniqueCount(keys));
      });
    }

    for (const enc of ['listpack', 'hashtable']) {
      await test(`HSCAN with encoding ${enc}`, async () => {
        await r('del', 'hash');
        const count = enc === 'listpack' ? 30 : 1000;
        const elements: string[] = [];
        for (let j = 0; j < count; j++) elements.push(`key:${j}`, String(j));
        await r('hmset', 'hash', ...elements);
        await assertEncoding(enc, 'hash', server, ignoreEncoding());
        const keys = await scanAll((cur) => r('hscan', 'hash', cur));
        assertEqual(count, uniqueCount(checkPairs(keys)));
      });
    }

    for (const enc of ['listpack', 'skiplist']) {
      await test(`ZSCAN with encoding ${enc}`, async () => {
        await r('del', 'zset');
        const count = enc === 'listpack' ? 30 : 1000;
        const elements: string[] = [];
        for (let j = 0; j < count; j++) elements.push(String(j), `key:${j}`);
        await r('zadd', 'zset', ...elements);
        await assertEncoding(enc, 'zset', server, ignoreEncoding());
        const keys = await scanAll((cur) => r('zscan', 'zset', cur));
        assertEqual(count, uniqueCount(checkPairs(keys)));
      });
    }

    await test('SCAN guarantees check under write load', async () => {
      await r('flushdb');
      await populate(server, 100);
      // Keys key:0..key:99 exist from the first SCAN on, so all of them must be reported.
      let cur = '0';
      const keys: string[] = [];
      for (;;) {
        const [next, items] = (await r('scan', cur)) as [string, string[]];
        cur = String(next);
        keys.push(...items);
        if (Number(cur) === 0) break;
        for (let j = 0; j < 10; j++) await r('set', `addedkey:${randomInt(1000)}`, 'foo');
      }
      const original = keys.filter((k) => k.length <= 6);
      assertEqual(100, uniqueCount(original));
    });

    await test('SSCAN with integer encoded object (issue #1345)', async () => {
      const objects = ['1', 'a'];
      await r('del', 'set');
      await r('sadd', 'set', ...objects);
      let res = (await r('sscan', 'set', 0, 'MATCH', '*a*', 'COUNT', 100)) as [string, string[]];
      assertEqual([...new Set(res[1])].sort(), ['a']);
      res = (await r('sscan', 'set', 0, 'MATCH', '*1*', 'COUNT', 100)) as [string, string[]];
      assertEqual([...new Set(res[1])].sort(), ['1']);
    });

    await test(
      'SSCAN with PATTERN',
      async () => {
        await r('del', 'mykey');
        await r('sadd', 'mykey', 'foo', 'fab', 'fiz', 'foobar', 1, 2, 3, 4);
        const res = (await r('sscan', 'mykey', 0, 'MATCH', 'foo*', 'COUNT', 10000)) as [string, string[]];
        return [...new Set(res[1])].sort();
      },
      { okPattern: 'foo foobar' },
    );

    await test(
      'HSCAN with PATTERN',
      async () => {
        await r('del', 'mykey');
        await r('hmset', 'mykey', 'foo', 1, 'fab', 2, 'fiz', 3, 'foobar', 10, 1, 'a', 2, 'b', 3, 'c', 4, 'd');
        const res = (await r('hscan', 'mykey', 0, 'MATCH', 'foo*', 'COUNT', 10000)) as [string, string[]];
        return [...new Set(res[1])].sort();
      },
      { okPattern: '1 10 foo foobar' },
    );

    // No expected result upstream: it only has to run.
    await test('ZSCAN with PATTERN', async () => {
      await r('del', 'mykey');
      await r('zadd', 'mykey', 1, 'foo', 2, 'fab', 3, 'fiz', 10, 'foobar');
      const res = (await r('zscan', 'mykey', 0, 'MATCH', 'foo*', 'COUNT', 10000)) as [string, string[]];
      return [...new Set(res[1])].sort();
    });

    await test('ZSCAN scores: regression test for issue #2175', async () => {
      await r('del', 'mykey');
      for (let j = 0; j < 500; j++) await r('zadd', 'mykey', '9.8813129168249309e-323', j);
      const res = ((await r('zscan', 'mykey', 0)) as [string, string[]])[1];
      const firstScore = res[1];
      assert(Number(firstScore) !== 0, `${firstScore} != 0`);
    });

    await test('SCAN regression test for issue #4906', async () => {
      for (let k = 0; k < 100; k++) {
        await r('del', 'set');
        // One non-integer member keeps the set out of the intset encoding.
        await r('sadd', 'set', 'x');
        const toremove: number[] = [];
        const found = new Set<string>();

        const numele = 101 + randomInt(1000);
        for (let j = 0; j < numele; j++) {
          await r('sadd', 'set', j);
          if (j >= 100) toremove.push(j);
        }

        let cursor = '0';
        let iteration = 0;
        const delIteration = randomInt(10);
        while (!(Number(cursor) === 0 && iteration !== 0)) {
          const [next, items] = (await r('sscan', 'set', cursor)) as [string, string[]];
          cursor = String(next);
          for (const i of items) found.add(String(i));
          iteration++;
          // Removing most members mid-scan makes the table shrink (rehash) under the cursor.
          if (iteration === delIteration) await r('srem', 'set', ...toremove);
        }

        for (let j = 0; j < 100; j++) {
          if (!found.has(String(j))) fail(`SSCAN element missing ${j}`);
        }
      }
    });
  });
});
