// A Redis 2.4 RDB whose hash is a zipmap: loading converts it to a listpack, or to a hash table
// when the listpack limits are too small for it.
import path from 'node:path';
import { suite, tags, startServer, test, ctx, assertEqual, assertMatch, type ServerHandle } from '../../harness/index.ts';
import { writeFixture } from '../../fixtures/datasets.ts';

const RDB = 'hash-zipmap.rdb';

export default suite(async () => {
  await tags(['external:skip'], async () => {
    const serverPath = ctx().run.tmpdir('server.convert-zipmap-hash-on-load');

    /** Puts a fresh copy of the fixture in the shared dir, then starts a server that loads it. */
    const loadFixture = async (extra: Record<string, string | number>, body: (h: ServerHandle) => Promise<void>) => {
      await writeFixture(RDB, path.join(serverPath, RDB));
      await startServer({ overrides: { dir: serverPath, dbfilename: RDB, ...extra } }, body);
    };

    const checkContent = async (h: ServerHandle) => {
      assertEqual(await h.call('hlen', 'hash'), 2);
      assertMatch('v1 v2', await h.call('hmget', 'hash', 'f1', 'f2'));
    };

    await loadFixture({}, async (h) => {
      await test('RDB load zipmap hash: converts to listpack', async () => {
        await h.call('select', 0);
        assertMatch('*listpack*', await h.call('debug', 'object', 'hash'));
        await checkContent(h);
      });
    });

    await loadFixture({ 'hash-max-ziplist-entries': 1 }, async (h) => {
      await test('RDB load zipmap hash: converts to hash table when hash-max-ziplist-entries is exceeded', async () => {
        await h.call('select', 0);
        assertMatch('*hashtable*', await h.call('debug', 'object', 'hash'));
        await checkContent(h);
      });
    });

    await loadFixture({ 'hash-max-ziplist-value': 1 }, async (h) => {
      await test('RDB load zipmap hash: converts to hash table when hash-max-ziplist-value is exceeded', async () => {
        await h.call('select', 0);
        assertMatch('*hashtable*', await h.call('debug', 'object', 'hash'));
        await checkContent(h);
      });
    });
  });
});
