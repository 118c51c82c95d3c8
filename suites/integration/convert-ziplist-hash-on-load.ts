// An RDB whose hash is stored as a ziplist: loading converts it to a listpack, or to a hash table
// when hash-max-ziplist-entries is below its size.
import path from 'node:path';
import { suite, tags, startServer, test, ctx, assertEqual, assertMatch, assertEncoding } from '../../harness/index.ts';
import { writeFixture } from '../../fixtures/datasets.ts';

const RDB = 'hash-ziplist.rdb';

export default suite(async () => {
  await tags(['external:skip'], async () => {
    const serverPath = ctx().run.tmpdir('server.convert-ziplist-hash-on-load');

    /** A fresh copy of the fixture, loaded by a server with these overrides; the test checks what it holds. */
    const loadAndTest = async (name: string, overrides: Record<string, number>, encoding: string) => {
      await writeFixture(RDB, path.join(serverPath, RDB));
      await startServer({ overrides: { dir: serverPath, dbfilename: RDB, ...overrides } }, (h) =>
        test(name, async () => {
          await h.call('select', 0);
          await assertEncoding(encoding, 'hash', h);
          assertEqual(await h.call('hlen', 'hash'), 2);
          assertMatch('v1 v2', await h.call('hmget', 'hash', 'f1', 'f2'));
        }),
      );
    };

    await loadAndTest('RDB load ziplist hash: converts to listpack when RDB loading', {}, 'listpack');
    await loadAndTest('RDB load ziplist hash: converts to hash table when hash-max-ziplist-entries is exceeded', { 'hash-max-ziplist-entries': 1 }, 'hashtable');
  });
});
