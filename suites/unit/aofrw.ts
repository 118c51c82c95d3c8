// Port of tests/unit/aofrw.tcl.
import {
  suite,
  startServer,
  test,
  r,
  assert,
  assertEqual,
  assertMatch,
  childPid,
  debugDigest,
  fail,
  randomInt,
  randstring,
  rng,
  sleep,
  tclCatch,
  tclDouble,
  waitForBgrewriteaof,
  waitForCondition,
  waitLoadHandlersDisconnected,
  startWriteLoad,
  stopLoad,
  type ServerHandle,
  tailLines,
} from '../../harness/index.ts';

/** Rewrites the AOF, reloads it, and checks the dataset digest did not change. */
async function rewriteReloadAndCompare(server: ServerHandle): Promise<void> {
  const d1 = await debugDigest(server);
  await r('bgrewriteaof');
  await waitForBgrewriteaof(server);
  await r('debug', 'loadaof');
  const d2 = await debugDigest(server);
  if (d1 !== d2) fail(`${d1} is not equal to ${d2}`);
}

/** Tcl's kill -9 of the server's child, whose failure (no child) is ignored. */
function killChild(server: ServerHandle): void {
  const child = childPid(server.pid);
  try {
    if (child !== null) process.kill(child, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['aofrw', 'external:skip'] }, async (server) => {
    await r('config', 'set', 'appendonly', 'yes');
    await r('config', 'set', 'auto-aof-rewrite-percentage', 0); // no automatic rewrites
    await waitForBgrewriteaof(server);

    for (const rdbpre of ['yes', 'no']) {
      await r('config', 'set', 'aof-use-rdb-preamble', rdbpre);
      await test(`AOF rewrite during write load: RDB preamble=${rdbpre}`, async () => {
        // Five writers for 10 seconds, started together as Tcl's near-instant starts are.
        const loads = await Promise.all(Array.from({ length: 5 }, () => startWriteLoad(server.host, server.port, 10)));

        // The load really reaches the server.
        await waitForCondition(50, 100, async () => Number(await r('dbsize')) > 0, () => fail('No write load detected.'));

        // Rewrite 3 seconds in, with the load still running.
        await sleep(3000);
        await r('bgrewriteaof');
        await waitForBgrewriteaof(server);

        // Some more writes go to the new AOF.
        await sleep(1000);

        for (const load of loads) await stopLoad(load);

        // No command may run while the digest is taken.
        await waitLoadHandlersDisconnected(server);

        const d1 = await debugDigest(server);

        await r('debug', 'loadaof');
        const d2 = await debugDigest(server);

        assert(d1 === d2, `digest ${d1} eq ${d2}`);
      });
    }
  });

  await startServer({ tags: ['aofrw', 'external:skip'], overrides: { 'aof-use-rdb-preamble': 'no' } }, async (server) => {
    await test('Turning off AOF kills the background writing child if any', async () => {
      await r('config', 'set', 'appendonly', 'yes');
      await waitForBgrewriteaof(server);

      // A rewrite that takes long.
      await r('set', 'k', 'v');
      await r('config', 'set', 'rdb-key-save-delay', 10000000);
      await r('bgrewriteaof');

      // Turning AOF off kills the child.
      await r('config', 'set', 'appendonly', 'no');
      await waitForCondition(50, 100, async () => /Killing.*AOF.*child/s.test(tailLines(server.stdout, 5)), () =>
        fail("Can't find 'Killing AOF child' into recent logs"),
      );
      await r('config', 'set', 'rdb-key-save-delay', 0);
    });

    /** Random element data: short alphanumeric strings or integers below 4e9. */
    const randomData = (d: string) => (d === 'string' ? randstring(0, 16, 'alpha') : randomInt(4000000000));

    for (const d of ['string', 'int']) {
      for (const e of ['quicklist']) {
        await test(`AOF rewrite of list with ${e} encoding, ${d} data`, async () => {
          await r('flushall');
          const len = 1000;
          for (let j = 0; j < len; j++) await r('lpush', 'key', randomData(d));
          assertEqual(await r('object', 'encoding', 'key'), e);
          await rewriteReloadAndCompare(server);
        });
      }
    }

    for (const d of ['string', 'int']) {
      for (const e of ['intset', 'hashtable']) {
        await test(`AOF rewrite of set with ${e} encoding, ${d} data`, async () => {
          await r('flushall');
          const len = e === 'intset' ? 10 : 1000;
          for (let j = 0; j < len; j++) await r('sadd', 'key', randomData(d));
          if (d !== 'string') assertEqual(await r('object', 'encoding', 'key'), e);
          await rewriteReloadAndCompare(server);
        });
      }
    }

    for (const d of ['string', 'int']) {
      for (const e of ['listpack', 'hashtable']) {
        await test(`AOF rewrite of hash with ${e} encoding, ${d} data`, async () => {
          await r('flushall');
          const len = e === 'listpack' ? 10 : 1000;
          for (let j = 0; j < len; j++) {
            const data = randomData(d);
            await r('hset', 'key', data, data);
          }
          assertEqual(await r('object', 'encoding', 'key'), e);
          await rewriteReloadAndCompare(server);
        });
      }
    }

    for (const d of ['string', 'int']) {
      for (const e of ['listpack', 'skiplist']) {
        await test(`AOF rewrite of zset with ${e} encoding, ${d} data`, async () => {
          await r('flushall');
          const len = e === 'listpack' ? 10 : 1000;
          for (let j = 0; j < len; j++) await r('zadd', 'key', tclDouble(rng().random()), randomData(d));
          assertEqual(await r('object', 'encoding', 'key'), e);
          await rewriteReloadAndCompare(server);
        });
      }
    }

    await test(
      'AOF rewrite functions',
      async () => {
        await r('flushall');
        await r('FUNCTION', 'LOAD', "#!lua name=test\n            redis.register_function('test', function() return 1 end)\n        ");
        await r('bgrewriteaof');
        await waitForBgrewriteaof(server);
        await r('function', 'flush');
        await r('debug', 'loadaof');
        assertEqual(await r('fcall', 'test', 0), 1);
        return r('FUNCTION', 'LIST');
      },
      { okPattern: '{library_name test engine LUA functions {{name test description {} flags {}}}}' },
    );

    await test('BGREWRITEAOF is delayed if BGSAVE is in progress', async () => {
      await r('flushall');
      await r('set', 'k', 'v');
      await r('config', 'set', 'rdb-key-save-delay', 10000000);
      await r('bgsave');
      assertMatch('*scheduled*', await r('bgrewriteaof'));
      assertEqual(await server.status('aof_rewrite_scheduled'), 1);
      await r('config', 'set', 'rdb-key-save-delay', 0);
      killChild(server);
      while ((await server.status('aof_rewrite_scheduled')) === '1') await sleep(100);
    });

    await test('BGREWRITEAOF is refused if already in progress', async () => {
      await r('config', 'set', 'aof-use-rdb-preamble', 'yes');
      await r('config', 'set', 'rdb-key-save-delay', 10000000);
      const { value: e } = await tclCatch(async () => {
        await r('bgrewriteaof');
        return r('bgrewriteaof');
      });
      assertMatch('*ERR*already*', e);
      await r('config', 'set', 'rdb-key-save-delay', 0);
      killChild(server);
    });
  });
});
