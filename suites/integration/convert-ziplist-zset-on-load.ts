// An RDB whose sorted set is stored as a ziplist: loading converts it to a listpack, or to a
// skiplist when zset-max-ziplist-entries is below its size.
import path from 'node:path';
import { suite, tags, startServer, test, ctx, assertEqual, assertMatch, assertEncoding } from '../../harness/index.ts';
import { writeFixture } from '../../fixtures/datasets.ts';

const RDB = 'zset-ziplist.rdb';

export default suite(async () => {
  await tags(['external:skip'], async () => {
    // Upstream names this directory after the hash unit; the name is only a directory label.
    const serverPath = ctx().run.tmpdir('server.convert-ziplist-hash-on-load');

    /** A fresh copy of the fixture, loaded by a server with these overrides; the test checks what it holds. */
    const loadAndTest = async (name: string, overrides: Record<string, number>, encoding: string) => {
      await writeFixture(RDB, path.join(serverPath, RDB));
      await startServer({ overrides: { dir: serverPath, dbfilename: RDB, ...overrides } }, (h) =>
        test(name, async () => {
          await h.call('select', 0);
          await assertEncoding(encoding, 'zset', h);
          assertEqual(await h.call('zcard', 'zset'), 2);
          assertMatch('one 1 two 2', await h.call('zrange', 'zset', 0, -1, 'withscores'));
        }),
      );
    };

    await loadAndTest('RDB load ziplist zset: converts to listpack when RDB loading', {}, 'listpack');
    await loadAndTest('RDB load ziplist zset: converts to skiplist when zset-max-ziplist-entries is exceeded', { 'zset-max-ziplist-entries': 1 }, 'skiplist');
  });
});
