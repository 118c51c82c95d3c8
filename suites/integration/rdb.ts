// RDB persistence: loading old formats and every encoding, starting with a missing, empty,
// unreadable or corrupt file, BGSAVE bookkeeping, loading-time behaviour and the fork's reports.
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { platform } from 'node:os';
import path from 'node:path';
import {
  suite,
  tags,
  test,
  startServer,
  spawnServer,
  killServer,
  ctx,
  settings,
  rng,
  assert,
  assertEqual,
  assertError,
  assertLessThan,
  assertMoreThanEqual,
  childPid,
  csvdump,
  debugDigest,
  populate,
  stringMatch,
  sleep,
  fail,
  waitDoneLoading,
  waitForBgsave,
  waitForCondition,
  type ServerHandle,
  verbose,
  tailLines,
} from '../../harness/index.ts';
import { writeFixture } from '../../fixtures/datasets.ts';

const EMPTY_DIGEST = '0000000000000000000000000000000000000000';

/** One csvdump line: db 0, the key, its type, then the values (collections end with a comma). */
function csvLine(key: string, type: string, ...values: string[]): string {
  const fields = ['0', key, type, ...values].map((v) => `"${v}"`).join(',');
  return type === 'string' ? fields : `${fields},`;
}

/** What csvdump must print for the dataset of the encodings.rdb fixture. */
function expectedEncodingsDump(): string {
  const mixed = ['1', '2', '3', 'a', 'b', 'c', '100000', '6000000000'];
  const lines = [
    csvLine('compressible', 'string', 'a'.repeat(137)),
    csvLine('hash', 'hash', 'a', '1', 'aa', '10', 'aaa', '100', 'b', '2', 'bb', '20', 'bbb', '200', 'c', '3', 'cc', '30', 'ccc', '300', 'ddd', '400', 'eee', '5000000000'),
    csvLine('hash_zipped', 'hash', 'a', '1', 'b', '2', 'c', '3'),
    csvLine('list', 'list', ...mixed, ...mixed, ...mixed),
    csvLine('list_zipped', 'list', ...mixed),
    csvLine('number', 'string', '10'),
    csvLine('set', 'set', '1', '100000', '2', '3', '6000000000', 'a', 'b', 'c'),
    csvLine('set_zipped_1', 'set', '1', '2', '3', '4'),
    csvLine('set_zipped_2', 'set', '100000', '200000', '300000', '400000'),
    csvLine('set_zipped_3', 'set', '1000000000', '2000000000', '3000000000', '4000000000', '5000000000', '6000000000'),
    csvLine('string', 'string', 'Hello World'),
    csvLine('zset', 'zset', 'a', '1', 'b', '2', 'c', '3', 'aa', '10', 'bb', '20', 'cc', '30', 'aaa', '100', 'bbb', '200', 'ccc', '300', 'aaaa', '1000', 'cccc', '123456789', 'bbbb', '5000000000'),
    csvLine('zset_zipped', 'zset', 'a', '1', 'b', '2', 'c', '3'),
  ];
  return lines.join('\n') + '\n';
}

/** True when this process can read a file its mode says nobody may read (root can). */
function canReadAnyway(file: string): boolean {
  try {
    closeSync(openSync(file, 'r'));
    return true;
  } catch {
    return false;
  }
}

export default suite(async () => {
  await tags(['rdb', 'external:skip'], async () => {
    let serverPath = ctx().run.tmpdir('server.rdb-encoding-test');
    await writeFixture('encodings.rdb', path.join(serverPath, 'encodings.rdb'));
    await writeFixture('list-quicklist.rdb', path.join(serverPath, 'list-quicklist.rdb'));

    await startServer({ overrides: { dir: serverPath, dbfilename: 'list-quicklist.rdb' } }, async (h) => {
      await test(
        'test old version rdb file',
        async () => {
          await h.call('select', 0);
          assertEqual(await h.call('get', 'x'), 7);
          return h.call('lpop', 'list');
        },
        { okPattern: '7' },
      );
    });

    await startServer({ overrides: { dir: serverPath, dbfilename: 'encodings.rdb' } }, async (h) => {
      await test(
        'RDB encoding loading test',
        async () => {
          await h.call('select', 0);
          return csvdump(h);
        },
        { okPattern: expectedEncodingsDump() },
      );
    });

    serverPath = ctx().run.tmpdir('server.rdb-startup-test');

    await startServer({ overrides: { dir: serverPath }, keepPersistence: true }, async (h) => {
      await test('Server started empty with non-existing RDB file', () => debugDigest(h), { okPattern: EMPTY_DIGEST });
      // The next block starts from the (empty) RDB file this one writes.
      await h.call('save');
    });

    await startServer({ overrides: { dir: serverPath }, keepPersistence: true }, async (h) => {
      await test('Server started empty with empty RDB file', () => debugDigest(h), { okPattern: EMPTY_DIGEST });
    });

    await startServer({ overrides: { dir: serverPath }, keepPersistence: true }, async (h) => {
      let digest = '';
      await test('Test RDB stream encoding', async () => {
        for (let j = 0; j < 1000; j++) {
          if (rng().random() < 0.9) await h.call('xadd', 'stream', '*', 'foo', 'abc');
          else await h.call('xadd', 'stream', '*', 'bar', j);
        }
        await h.call('xgroup', 'create', 'stream', 'mygroup', 0);
        const records = (await h.call('xreadgroup', 'GROUP', 'mygroup', 'Alice', 'COUNT', 2, 'STREAMS', 'stream', '>')) as any[];
        const entries = records[0][1] as any[];
        await h.call('xdel', 'stream', entries[1][0]);
        await h.call('xack', 'stream', 'mygroup', entries[0][0]);
        digest = await debugDigest(h);
        await h.call('config', 'set', 'sanitize-dump-payload', 'no');
        await h.call('debug', 'reload');
        const newDigest = await debugDigest(h);
        assert(digest === newDigest, `digest ${newDigest} after DEBUG RELOAD to equal ${digest}`);
      });
      await test('Test RDB stream encoding - sanitize dump', async () => {
        await h.call('config', 'set', 'sanitize-dump-payload', 'yes');
        await h.call('debug', 'reload');
        const newDigest = await debugDigest(h);
        assert(digest === newDigest, `digest ${newDigest} after DEBUG RELOAD to equal ${digest}`);
      });
      // Freeing the stream gives memory checkers a chance to look at it.
      await h.call('del', 'stream');
    });

    /** Starts a server on serverPath without waiting for it (it is expected to fail), runs body, kills it. */
    const startServerAndKillIt = async (body: (h: ServerHandle) => Promise<void>) => {
      const h = await spawnServer({ overrides: { dir: serverPath }, keepPersistence: true, waitReady: false });
      try {
        await body(h);
      } finally {
        await killServer(h);
      }
    };

    const dumpFile = path.join(serverPath, 'dump.rdb');
    chmodSync(dumpFile, 0o222);
    // root reads the file whatever its mode: the test below means nothing then.
    const isRoot = canReadAnyway(dumpFile);
    if (!isRoot) {
      await startServerAndKillIt(async (h) => {
        await test("Server should not start if RDB file can't be open", async () => {
          await waitForCondition(50, 100, () => stringMatch('*Fatal error loading*', tailLines(h.stdout, 1)), 'Server started even if RDB was unreadable!');
        });
      });
    }
    chmodSync(dumpFile, 0o666);

    // Overwrite the trailing CRC64 of the file.
    const fd = openSync(dumpFile, 'r+');
    try {
      writeSync(fd, Buffer.from('foobar00'), 0, 8, fstatSync(fd).size - 8);
    } finally {
      closeSync(fd);
    }

    await startServerAndKillIt(async (h) => {
      await test('Server should not start if RDB is corrupted', async () => {
        await waitForCondition(50, 100, () => stringMatch('*CRC error*', tailLines(h.stdout, 10)), 'Server started even if RDB was corrupted!');
      });
    });

    await startServer({}, async (h) => {
      await test('Test FLUSHALL aborts bgsave', async () => {
        await h.call('config', 'set', 'save', '');
        // 1 ms per key: saving 5000 keys would take 5 seconds.
        await h.call('config', 'set', 'rdb-key-save-delay', 1000);
        await populate(h, 5000);
        assertLessThan(999, await h.statusNumber('rdb_changes_since_last_save'));
        await h.call('bgsave');
        assertEqual(await h.status('rdb_bgsave_in_progress'), 1);
        await h.call('flushall');
        await waitForCondition(10, 100, async () => (await h.statusNumber('rdb_bgsave_in_progress')) === 0, 'bgsave not aborted');
        // The aborted save left the change counter where it was.
        assertLessThan(999, await h.statusNumber('rdb_changes_since_last_save'));
        await h.call('set', 'x', 'xx');
      });

      await test('bgsave resets the change counter', async () => {
        await h.call('config', 'set', 'rdb-key-save-delay', 0);
        await h.call('bgsave');
        await waitForCondition(50, 100, async () => (await h.statusNumber('rdb_bgsave_in_progress')) === 0, 'bgsave not done');
        assertEqual(await h.status('rdb_changes_since_last_save'), 0);
      });
    });

    await test('client freed during loading', async () => {
      await startServer({ overrides: { 'key-load-delay': 50, 'loading-process-events-interval-bytes': 1024, rdbcompression: 'no' } }, async (h) => {
        // About 100 MB in 100k big keys: loading them takes well over 5 seconds with the delay.
        await h.call('debug', 'populate', 100000, 'key', 1000);
        await h.restart({ waitReady: false, rotateLogs: false });
        assertEqual(await h.status('loading'), 1);

        const clients = [];
        for (let j = 0; j < 5; j++) clients.push(await h.newClient());
        for (const rd of clients) rd.send('debug', 'log', 'bla');
        for (const rd of clients) await rd.read();
        for (const rd of clients) await rd.close();

        await waitForCondition(100, 100, async () => (await h.statusNumber('connected_clients')) < 3, "clients didn't disconnect");
        assertEqual(await h.status('loading'), 1);
        // No need to wait for the load to finish.
        await h.kill('SIGTERM');
      });
    });

    await startServer({}, async (h) => {
      await test('Test RDB load info', async () => {
        await h.call('debug', 'populate', 1000);
        await h.call('save');
        await h.restart({ waitReady: true, rotateLogs: false });
        await waitDoneLoading(h);
        assert((await h.statusNumber('rdb_last_load_keys_expired')) === 0, 'rdb_last_load_keys_expired == 0');
        assert((await h.statusNumber('rdb_last_load_keys_loaded')) === 1000, 'rdb_last_load_keys_loaded == 1000');

        await h.call('debug', 'set-active-expire', 0);
        for (let j = 0; j < 1024; j++) {
          await h.call('select', j % 16);
          await h.call('set', j, 'somevalue', 'px', 10);
        }
        await sleep(20);

        await h.call('save');
        await h.restart({ waitReady: true, rotateLogs: false });
        await waitDoneLoading(h);
        assert((await h.statusNumber('rdb_last_load_keys_expired')) === 1024, 'rdb_last_load_keys_expired == 1024');
        assert((await h.statusNumber('rdb_last_load_keys_loaded')) === 1000, 'rdb_last_load_keys_loaded == 1000');
      });
    });

    // Copy-on-write sizes come from /proc (Private_Dirty), measured in 4 KB pages.
    const pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
    if (platform() === 'linux' && pageSize === 4096) {
      await startServer({ overrides: { save: '' } }, async (h) => {
        await test('Test child sending info', async () => {
          const logTail = () => tailLines(h.stdout, 100);

          // A fresh server: every counter starts at zero, so the comparisons below are valid.
          assert((await h.statusNumber('current_cow_size')) === 0, 'current_cow_size == 0');
          assert((await h.statusNumber('current_save_keys_processed')) === 0, 'current_save_keys_processed == 0');
          assert((await h.statusNumber('current_save_keys_total')) === 0, 'current_save_keys_total == 0');
          assert((await h.statusNumber('rdb_last_cow_size')) === 0, 'rdb_last_cow_size == 0');

          // 200 us per key: the save lasts long enough for several once-a-second COW reports.
          await h.call('config', 'set', 'rdb-key-save-delay', 200);
          await h.call('config', 'set', 'loglevel', 'debug');

          // 10k values of 500 bytes (the 512 byte allocation bin): small enough that the dismiss
          // mechanism doesn't free their pages, so rewriting a few of them shows up as COW.
          const size = 500;
          const cmdCount = 10000;
          const rd = await h.newClient();
          const replies: Array<Promise<unknown>> = [];
          for (let k = 0; k < cmdCount; k++) replies.push(rd.call('set', `key${k}`, 'A'.repeat(size)).catch(() => undefined));
          await Promise.all(replies);
          await rd.close();

          await h.call('bgsave');

          const currentSaveKeysTotal = await h.statusNumber('current_save_keys_total');
          verbose(`Keys before bgsave start: ${currentSaveKeysTotal}`);

          let iteration = 1;
          let keyIdx = 0;
          let cowSize = 0;
          while (true) {
            cowSize = await h.statusNumber('current_cow_size');
            verbose(`COW info before copy-on-write: ${cowSize}`);
            const keysProcessed = await h.statusNumber('current_save_keys_processed');
            verbose(`current_save_keys_processed info : ${keysProcessed}`);

            // Rewrite 16 keys of 512 bytes: at least two pages get copied; expect one at least.
            const modifiedKeys = 16;
            for (let k = 0; k < modifiedKeys; k++) {
              await h.call('setrange', `key${keyIdx}`, 0, 'B'.repeat(size));
              keyIdx++;
            }
            const expCow = cowSize + 4096;
            await waitForCondition(
              80,
              100,
              async () =>
                (await h.statusNumber('rdb_bgsave_in_progress')) === 0 ||
                ((await h.statusNumber('current_cow_size')) >= expCow &&
                  (await h.statusNumber('current_save_keys_processed')) > keysProcessed &&
                  (await h.statusNumber('current_fork_perc')) > 0),
              async () => {
                verbose(`COW info on fail: ${await h.status('current_cow_size')}`);
                verbose(logTail());
                fail("COW info wasn't reported");
              },
            );

            assertMoreThanEqual(currentSaveKeysTotal, keysProcessed);

            // Without --accurate two rounds are enough.
            if (!settings().accurate && iteration === 2) break;
            if ((await h.statusNumber('rdb_bgsave_in_progress')) === 0) break;
            iteration++;
          }

          if (iteration < 2) verbose(logTail());
          assertMoreThanEqual(iteration, 2);

          // A finished save reports its final COW size on exit: at least 90% of the last live report.
          if ((await h.statusNumber('rdb_bgsave_in_progress')) === 0) {
            const finalCow = await h.statusNumber('rdb_last_cow_size');
            const minimum = cowSize * 0.9;
            if (finalCow < minimum) verbose(logTail());
            assertMoreThanEqual(finalCow, minimum);
          }
        });
      });
    }

    await writeFixture('scriptbackup.rdb', path.join(serverPath, 'scriptbackup.rdb'));
    await startServer({ overrides: { dir: serverPath, dbfilename: 'scriptbackup.rdb', appendonly: 'no' } }, async (h) => {
      // The RDB carries "return redis.call('set', 'foo', 'bar')" as a script backup; its SHA1 follows.
      await test("script won't load anymore if it's in rdb", async () => {
        assertEqual(await h.call('script', 'exists', 'a0c38691e9fffe4563723c32ba77a34398e090e6'), 0);
      });
    });

    await startServer({}, async (h) => {
      await test(
        'failed bgsave prevents writes',
        async () => {
          await h.call('config', 'set', 'rdb-key-save-delay', 10000000);
          await populate(h, 1000);
          await h.call('set', 'x', 'x');
          await h.call('bgsave');
          const pid1 = childPid(h.pid);
          try {
            if (pid1 !== null) process.kill(pid1, 'SIGKILL');
          } catch {
            /* already gone */
          }
          await waitForBgsave(h);

          // Reads still work...
          assertEqual(await h.call('get', 'x'), 'x');
          // ...writes are refused, from a command or a script.
          await assertError('MISCONF *', () => h.call('set', 'x', 'y'));
          await assertError('MISCONF *', () => h.call('eval', "\n  return redis.call('set','x',1)\n", 1, 'x'));
          assertEqual(await h.call('eval', "\n  return redis.call('get','x')\n", 1, 'x'), 'x');
          // The same with scripts declared through a shebang line.
          await assertError('MISCONF *', () => h.call('eval', "#!lua\n  return redis.call('set','x',1)\n", 1, 'x'));
          assertEqual(await h.call('eval', "#!lua flags=no-writes\n  return redis.call('get','x')\n", 1, 'x'), 'x');

          await h.call('config', 'set', 'rdb-key-save-delay', 0);
          await h.call('bgsave');
          await waitForBgsave(h);

          // Writable again after a successful save.
          return h.call('set', 'x', 'y');
        },
        { okPattern: 'OK' },
      );
    });
  });
});
