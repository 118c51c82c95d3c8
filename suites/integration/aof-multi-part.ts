import { rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  suite,
  startServer,
  startServerAof,
  test,
  tags,
  ctx,
  assert,
  assertEqual,
  fail,
  waitForCondition,
  waitDoneLoading,
  waitForBgrewriteaof,
  waitLoadHandlersDisconnected,
  startWriteLoad,
  childPid,
  debugDigest,
  formatCommand,
  createAof,
  createAofDir,
  createAofManifest,
  cleanAofPersistence,
  checkFileExist,
  assertAofManifestContent,
  countDirLogMessages,
  baseAofName,
  incrAofName,
  manifestName,
  type Caller,
  type ServerHandle,
  AOF_DEFAULTS,
} from '../../harness/index.ts';
import { writeFixture } from '../../fixtures/datasets.ts';


/** A client on db 0, as the suite's own `redis host port` clients are. */
function db0Client(server: ServerHandle) {
  return server.newClient({ noSelect: true });
}

/** SIGKILL the server's fork, if it has one (a failing BGSAVE / AOFRW). */
function killChild(server: ServerHandle): number | null {
  const pid = childPid(server.pid);
  if (pid !== null) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pid;
}

/** Reloading the AOF gives back the same dataset. */
async function assertDigestSurvivesLoadaof(r: Caller): Promise<void> {
  const d1 = await debugDigest(r);
  await r.call('debug', 'loadaof');
  const d2 = await debugDigest(r);
  assert(d1 === d2, `$d1 eq $d2 (${d1} vs ${d2})`);
}

export default suite(async () => {
  const serverPath = ctx().run.tmpdir('server.multi.aof');
  const aofDirname = 'appendonlydir';
  const aofBasename = 'appendonly.aof';
  const aofDirpath = path.join(serverPath, aofDirname);
  const aofBase1File = path.join(aofDirpath, baseAofName(aofBasename, 1));
  const aofBase2File = path.join(aofDirpath, baseAofName(aofBasename, 2));
  const aofIncr1File = path.join(aofDirpath, incrAofName(aofBasename, 1));
  const aofIncr2File = path.join(aofDirpath, incrAofName(aofBasename, 2));
  const aofIncr3File = path.join(aofDirpath, incrAofName(aofBasename, 3));
  const aofManifestFile = path.join(aofDirpath, manifestName(aofBasename));
  const aofOldNameOldPath = path.join(serverPath, aofBasename);
  const aofOldNameNewPath = path.join(aofDirpath, aofBasename);
  const aofOldNameOldPath2 = path.join(serverPath, `${aofBasename}2`);
  const aofManifestFile2 = path.join(aofDirpath, manifestName(`${aofBasename}2`));
  const aofServer = { overrides: AOF_DEFAULTS };

  /** The server must die loading its AOF and have logged `pattern` (counted over every server on serverPath). */
  async function expectLoadFailure(server: ServerHandle, pattern: string, count: number): Promise<void> {
    await waitForCondition(100, 50, () => !server.isAlive(), () => fail("AOF loading didn't fail"));
    assertEqual(countDirLogMessages(serverPath, pattern), count);
  }

  await tags(['external:skip'], async () => {
    // Part 1: manifests and AOFs laid out by hand, then a server started on them.

    await test("Multi Part AOF can't load data when some file missing", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr2File, [formatCommand('set', 'k2', 'v2')]);
      createAofManifest(aofDirpath, aofManifestFile, [
        'file appendonly.aof.1.base.aof seq 1 type b\n',
        'file appendonly.aof.1.incr.aof seq 1 type i\n',
        'file appendonly.aof.2.incr.aof seq 2 type i\n',
      ]);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'appendonly.aof.1.incr.aof .*No such file or directory', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the sequence not increase monotonically", async () => {
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr2File, [formatCommand('set', 'k2', 'v2')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.2.incr.aof seq 2 type i\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Found a non-monotonic sequence number', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when there are blank lines in the manifest file", async () => {
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr3File, [formatCommand('set', 'k2', 'v2')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.incr.aof seq 1 type i\n', '\n', 'file appendonly.aof.3.incr.aof seq 3 type i\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Invalid AOF manifest file format', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when there is a duplicate base file", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofBase2File, [formatCommand('set', 'k2', 'v2')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, [
        'file appendonly.aof.1.base.aof seq 1 type b\n',
        'file appendonly.aof.2.base.aof seq 2 type b\n',
        'file appendonly.aof.1.incr.aof seq 1 type i\n',
      ]);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Found duplicate base file information', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the manifest format is wrong (type unknown)", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type x\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Unknown AOF file type', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the manifest format is wrong (missing key)", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, ['filx appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Invalid AOF manifest file format', 2);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the manifest format is wrong (line too short)", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof type i\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Invalid AOF manifest file format', 3);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the manifest format is wrong (line too long)", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k3', 'v3')]);
      // One line holding the same entry 43 times over: longer than the server accepts.
      const longLine = Array(43).fill('file appendonly.aof.1.base.aof seq 1 type b').join(' ') + '\n';
      createAofManifest(aofDirpath, aofManifestFile, [longLine, 'file appendonly.aof.1.incr.aof seq 1 type i\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'The AOF manifest file contains too long line', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the manifest format is wrong (odd parameter)", async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i newkey\n']);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Invalid AOF manifest file format', 4);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test("Multi Part AOF can't load data when the manifest file is empty", async () => {
      createAofManifest(aofDirpath, aofManifestFile, []);

      await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
        await expectLoadFailure(server, 'Found an empty AOF manifest', 1);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can start when no aof and no manifest', async () => {
      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);

        const client = await db0Client(server);

        assertEqual(await client.call('set', 'k1', 'v1'), 'OK');
        assertEqual(await client.call('get', 'k1'), 'v1');
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can start when we have en empty AOF dir', async () => {
      createAofDir(aofDirpath);

      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });
    });

    await test('Multi Part AOF can load data discontinuously increasing sequence', async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k2', 'v2')]);
      createAof(aofDirpath, aofIncr3File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, [
        'file appendonly.aof.1.base.aof seq 1 type b\n',
        'file appendonly.aof.1.incr.aof seq 1 type i\n',
        'file appendonly.aof.3.incr.aof seq 3 type i\n',
      ]);

      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(await client.call('get', 'k1'), 'v1');
        assertEqual(await client.call('get', 'k2'), 'v2');
        assertEqual(await client.call('get', 'k3'), 'v3');
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can load data when manifest add new k-v', async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, [formatCommand('set', 'k2', 'v2')]);
      createAof(aofDirpath, aofIncr3File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, [
        'file appendonly.aof.1.base.aof seq 1 type b newkey newvalue\n',
        'file appendonly.aof.1.incr.aof seq 1 type i\n',
        'file appendonly.aof.3.incr.aof seq 3 type i\n',
      ]);

      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(await client.call('get', 'k1'), 'v1');
        assertEqual(await client.call('get', 'k2'), 'v2');
        assertEqual(await client.call('get', 'k3'), 'v3');
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can load data when some AOFs are empty', async () => {
      createAof(aofDirpath, aofBase1File, [formatCommand('set', 'k1', 'v1')]);
      createAof(aofDirpath, aofIncr1File, []);
      createAof(aofDirpath, aofIncr3File, [formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, [
        'file appendonly.aof.1.base.aof seq 1 type b\n',
        'file appendonly.aof.1.incr.aof seq 1 type i\n',
        'file appendonly.aof.3.incr.aof seq 3 type i\n',
      ]);

      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(await client.call('get', 'k1'), 'v1');
        assertEqual(await client.call('get', 'k2'), '');
        assertEqual(await client.call('get', 'k3'), 'v3');
      });

      cleanAofPersistence(aofDirpath);
    });

    /** A pre-7.0 AOF in the server dir is moved into the AOF dir and becomes the BASE. */
    async function checkUpgradedOldAof(server: ServerHandle): Promise<void> {
      assertEqual(server.isAlive() ? 1 : 0, 1);

      const client = await db0Client(server);
      await waitDoneLoading(server);

      assertEqual(await client.call('get', 'k1'), 'v1');
      assertEqual(await client.call('get', 'k2'), 'v2');
      assertEqual(await client.call('get', 'k3'), 'v3');

      assertEqual(checkFileExist(serverPath, aofBasename) ? 1 : 0, 0);
      assertEqual(checkFileExist(aofDirpath, aofBasename) ? 1 : 0, 1);

      assertAofManifestContent(aofManifestFile, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

      assertEqual(await client.call('set', 'k4', 'v4'), 'OK');

      await client.call('bgrewriteaof');
      await waitForBgrewriteaof(server);

      assertEqual(await client.call('set', 'k5', 'v5'), 'OK');

      assertAofManifestContent(aofManifestFile, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);

      await assertDigestSurvivesLoadaof(client);
    }

    await test('Multi Part AOF can load data from old version redis (rdb preamble no)', async () => {
      createAof(serverPath, aofOldNameOldPath, [formatCommand('set', 'k1', 'v1'), formatCommand('set', 'k2', 'v2'), formatCommand('set', 'k3', 'v3')]);

      await startServerAof(serverPath, aofServer, checkUpgradedOldAof);

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can load data from old version redis (rdb preamble yes)', async () => {
      // k1 and k2 are in the RDB preamble, k3 in the AOF tail.
      await writeFixture('rdb-preamble.aof', aofOldNameOldPath);

      await startServerAof(serverPath, aofServer, checkUpgradedOldAof);

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can continue the upgrade from the interrupted upgrade state', async () => {
      createAof(serverPath, aofOldNameOldPath, [formatCommand('set', 'k1', 'v1'), formatCommand('set', 'k2', 'v2'), formatCommand('set', 'k3', 'v3')]);

      // The manifest is written but the old AOF not moved yet.
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof seq 1 type b\n']);

      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);

        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(await client.call('get', 'k1'), 'v1');
        assertEqual(await client.call('get', 'k2'), 'v2');
        assertEqual(await client.call('get', 'k3'), 'v3');

        assertEqual(checkFileExist(serverPath, aofBasename) ? 1 : 0, 0);
        assertEqual(checkFileExist(aofDirpath, aofBasename) ? 1 : 0, 1);

        assertAofManifestContent(aofManifestFile, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can be loaded correctly when both server dir and aof dir contain old AOF', async () => {
      createAof(serverPath, aofOldNameOldPath, [formatCommand('set', 'k1', 'v1'), formatCommand('set', 'k2', 'v2'), formatCommand('set', 'k3', 'v3')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof seq 1 type b\n']);
      createAof(aofDirpath, aofOldNameNewPath, [formatCommand('set', 'k4', 'v4'), formatCommand('set', 'k5', 'v5'), formatCommand('set', 'k6', 'v6')]);

      await startServerAof(serverPath, aofServer, async (server) => {
        assertEqual(server.isAlive() ? 1 : 0, 1);

        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(await client.call('exists', 'k1'), 0);
        assertEqual(await client.call('exists', 'k2'), 0);
        assertEqual(await client.call('exists', 'k3'), 0);

        assertEqual(await client.call('get', 'k4'), 'v4');
        assertEqual(await client.call('get', 'k5'), 'v5');
        assertEqual(await client.call('get', 'k6'), 'v6');

        assertEqual(checkFileExist(serverPath, aofBasename) ? 1 : 0, 1);
        assertEqual(checkFileExist(aofDirpath, aofBasename) ? 1 : 0, 1);

        assertAofManifestContent(aofManifestFile, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
      });

      cleanAofPersistence(aofDirpath);
      rmSync(aofOldNameOldPath, { recursive: true, force: true });
    });

    await test(
      "Multi Part AOF can't load data when the manifest contains the old AOF file name but the file does not exist in server dir and aof dir",
      async () => {
        createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof seq 1 type b\n']);

        await startServerAof(serverPath, { ...aofServer, waitReady: false }, async (server) => {
          await expectLoadFailure(server, 'appendonly.aof .*No such file or directory', 1);
        });

        cleanAofPersistence(aofDirpath);
      },
    );

    await test('Multi Part AOF can upgrade when when two redis share the same server dir', async () => {
      createAof(serverPath, aofOldNameOldPath, [formatCommand('set', 'k1', 'v1'), formatCommand('set', 'k2', 'v2'), formatCommand('set', 'k3', 'v3')]);
      createAof(serverPath, aofOldNameOldPath2, [formatCommand('set', 'k4', 'v4'), formatCommand('set', 'k5', 'v5'), formatCommand('set', 'k6', 'v6')]);

      await startServerAof(serverPath, aofServer, async (server1) => {
        const redis1 = await db0Client(server1);

        await startServer({ overrides: { dir: serverPath, appendonly: 'yes', appendfilename: 'appendonly.aof2' } }, async (server2) => {
          const redis2 = await db0Client(server2);

          await test('Multi Part AOF can upgrade when when two redis share the same server dir (redis1)', async () => {
            await waitDoneLoading(server1);
            assertEqual(await redis1.call('get', 'k1'), 'v1');
            assertEqual(await redis1.call('get', 'k2'), 'v2');
            assertEqual(await redis1.call('get', 'k3'), 'v3');

            assertEqual(await redis1.call('exists', 'k4'), 0);
            assertEqual(await redis1.call('exists', 'k5'), 0);
            assertEqual(await redis1.call('exists', 'k6'), 0);

            assertAofManifestContent(aofManifestFile, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

            await redis1.call('bgrewriteaof');
            await waitForBgrewriteaof(server1);

            assertEqual(await redis1.call('set', 'k', 'v'), 'OK');

            assertAofManifestContent(aofManifestFile, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);

            await assertDigestSurvivesLoadaof(redis1);
          });

          await test('Multi Part AOF can upgrade when when two redis share the same server dir (redis2)', async () => {
            await waitDoneLoading(server2);

            assertEqual(await redis2.call('exists', 'k1'), 0);
            assertEqual(await redis2.call('exists', 'k2'), 0);
            assertEqual(await redis2.call('exists', 'k3'), 0);

            assertEqual(await redis2.call('get', 'k4'), 'v4');
            assertEqual(await redis2.call('get', 'k5'), 'v5');
            assertEqual(await redis2.call('get', 'k6'), 'v6');

            assertAofManifestContent(aofManifestFile2, ['file appendonly.aof2 seq 1 type b', 'file appendonly.aof2.1.incr.aof seq 1 type i']);

            await redis2.call('bgrewriteaof');
            await waitForBgrewriteaof(server2);

            assertEqual(await redis2.call('set', 'k', 'v'), 'OK');

            assertAofManifestContent(aofManifestFile2, ['file appendonly.aof2.2.base.rdb seq 2 type b', 'file appendonly.aof2.2.incr.aof seq 2 type i']);

            await assertDigestSurvivesLoadaof(redis2);
          });
        });
      });
    });

    await test('Multi Part AOF can handle appendfilename contains whitespaces', async () => {
      // The config file holds the quoted name with \n escapes: the server reads real newlines.
      await startServer({ overrides: { appendonly: 'yes', appendfilename: '" file seq \\n\\n.aof "' } }, async (r) => {
        const dir = r.dir;
        const aofManifestName = path.join(dir, 'appendonlydir', manifestName(' file seq \n\n.aof '));
        const redis = await db0Client(r);

        assertEqual(await redis.call('set', 'k1', 'v1'), 'OK');

        await redis.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        assertAofManifestContent(aofManifestName, ['file " file seq \\n\\n.aof .2.base.rdb" seq 2 type b', 'file " file seq \\n\\n.aof .2.incr.aof" seq 2 type i']);

        await assertDigestSurvivesLoadaof(redis);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can create BASE (RDB format) when redis starts from empty', async () => {
      await startServerAof(serverPath, aofServer, async (server) => {
        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(checkFileExist(aofDirpath, baseAofName(aofBasename, 1, 'rdb')) ? 1 : 0, 1);

        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

        await client.call('set', 'foo', 'behavior');

        await assertDigestSurvivesLoadaof(client);
      });

      cleanAofPersistence(aofDirpath);
    });

    await test('Multi Part AOF can create BASE (AOF format) when redis starts from empty', async () => {
      await startServerAof(serverPath, { overrides: { ...AOF_DEFAULTS, 'aof-use-rdb-preamble': 'no' } }, async (server) => {
        const client = await db0Client(server);
        await waitDoneLoading(server);

        assertEqual(checkFileExist(aofDirpath, baseAofName(aofBasename, 1)) ? 1 : 0, 1);

        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

        await client.call('set', 'foo', 'behavior');

        await assertDigestSurvivesLoadaof(client);
      });

      cleanAofPersistence(aofDirpath);
    });

    // Part 2: a running server under write load, AOF turned on and off, rewrites made to fail
    // or succeed by hand and automatically: the right files, the right manifest, and a dataset
    // that reloads identical.

    await startServer({ tags: ['Multi Part AOF'], overrides: { 'aof-use-rdb-preamble': 'yes', appendonly: 'no' } }, async (r) => {
      const dir = r.dir;
      const aofBasename = 'appendonly.aof';
      const aofDirname = 'appendonlydir';
      const aofDirpath = path.join(dir, aofDirname);
      const aofManifestName = manifestName(aofBasename);
      const aofManifestFile = path.join(dir, aofDirname, aofManifestName);
      const exists = (name: string) => (checkFileExist(aofDirpath, name) ? 1 : 0);

      const masterHost = r.host;
      const masterPort = r.port;

      rmSync(aofManifestFile, { recursive: true, force: true });

      await test(`Make sure aof manifest ${aofManifestName} not in aof directory`, async () => {
        assertEqual(existsSync(aofManifestFile) ? 1 : 0, 0);
      });

      await test('AOF enable will create manifest file', async () => {
        await r.call('config', 'set', 'appendonly', 'yes'); // creates the manifest and a new INCR AOF
        await r.call('config', 'set', 'auto-aof-rewrite-percentage', 0); // no automatic rewrite
        await waitForBgrewriteaof(r);

        const loadHandle0 = await startWriteLoad(masterHost, masterPort, 10);

        await waitForCondition(50, 100, async () => Number(await r.call('dbsize')) > 0, () => fail('No write load detected.'));

        // The first AOFRW is done.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

        assertEqual(exists(aofManifestName), 1);
        assertEqual(exists(baseAofName(aofBasename, 1, 'rdb')), 1);
        assertEqual(exists(incrAofName(aofBasename, 1)), 1);

        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        // The second one.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);

        assertEqual(exists(aofManifestName), 1);
        // A background job deletes the history files.
        await waitForCondition(
          1000,
          10,
          () => exists(baseAofName(aofBasename, 1, 'rdb')) === 0 && exists(incrAofName(aofBasename, 1)) === 0,
          () => fail('Failed to delete history AOF'),
        );
        assertEqual(exists(baseAofName(aofBasename, 2, 'rdb')), 1);
        assertEqual(exists(incrAofName(aofBasename, 2)), 1);

        await loadHandle0.stop();
        await waitLoadHandlersDisconnected(r);

        await assertDigestSurvivesLoadaof(r);
      });

      await test('AOF multiple rewrite failures will open multiple INCR AOFs', async () => {
        await r.call('config', 'set', 'rdb-key-save-delay', 10000000);

        const origSize = Number(await r.call('dbsize'));
        const loadHandle0 = await startWriteLoad(masterHost, masterPort, 10);

        await waitForCondition(50, 100, async () => Number(await r.call('dbsize')) > origSize, () => fail('No write load detected.'));

        // Three rewrites killed in a row.
        await r.call('bgrewriteaof');
        const pid1 = killChild(r);
        await waitForBgrewriteaof(r);

        await r.call('bgrewriteaof');
        const pid2 = killChild(r);
        await waitForBgrewriteaof(r);

        await r.call('bgrewriteaof');
        const pid3 = killChild(r);
        await waitForBgrewriteaof(r);

        assertEqual(checkFileExist(dir, `temp-rewriteaof-bg-${pid1}.aof`) ? 1 : 0, 0);
        assertEqual(checkFileExist(dir, `temp-rewriteaof-bg-${pid2}.aof`) ? 1 : 0, 0);
        assertEqual(checkFileExist(dir, `temp-rewriteaof-bg-${pid3}.aof`) ? 1 : 0, 0);

        // Four INCR AOFs now.
        assertAofManifestContent(aofManifestFile, [
          'file appendonly.aof.2.base.rdb seq 2 type b',
          'file appendonly.aof.2.incr.aof seq 2 type i',
          'file appendonly.aof.3.incr.aof seq 3 type i',
          'file appendonly.aof.4.incr.aof seq 4 type i',
          'file appendonly.aof.5.incr.aof seq 5 type i',
        ]);

        assertEqual(exists(baseAofName(aofBasename, 2, 'rdb')), 1);
        assertEqual(exists(incrAofName(aofBasename, 2)), 1);
        assertEqual(exists(incrAofName(aofBasename, 3)), 1);
        assertEqual(exists(incrAofName(aofBasename, 4)), 1);
        assertEqual(exists(incrAofName(aofBasename, 5)), 1);

        await loadHandle0.stop();
        await waitLoadHandlersDisconnected(r);

        await assertDigestSurvivesLoadaof(r);

        await r.call('config', 'set', 'rdb-key-save-delay', 0);
        killChild(r);
        await waitForCondition(1000, 10, async () => (await r.status('rdb_bgsave_in_progress')) === '0', () => fail('bgsave did not stop in time'));

        // A successful AOFRW.
        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        // Every earlier INCR AOF became history and is deleted.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.3.base.rdb seq 3 type b', 'file appendonly.aof.6.incr.aof seq 6 type i']);

        await waitForCondition(
          1000,
          10,
          () =>
            exists(baseAofName(aofBasename, 2, 'rdb')) === 0 &&
            exists(incrAofName(aofBasename, 2)) === 0 &&
            exists(incrAofName(aofBasename, 3)) === 0 &&
            exists(incrAofName(aofBasename, 4)) === 0 &&
            exists(incrAofName(aofBasename, 5)) === 0,
          () => fail('Failed to delete history AOF'),
        );

        assertEqual(exists(baseAofName(aofBasename, 3, 'rdb')), 1);
        assertEqual(exists(incrAofName(aofBasename, 6)), 1);

        await assertDigestSurvivesLoadaof(r);
      });

      await test("AOF rewrite doesn't open new aof when AOF turn off", async () => {
        await r.call('config', 'set', 'appendonly', 'no');

        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        // Only a BASE, no INCR.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.4.base.rdb seq 4 type b']);

        assertEqual(exists(baseAofName(aofBasename, 4, 'rdb')), 1);
        await waitForCondition(
          1000,
          10,
          () => exists(incrAofName(aofBasename, 6)) === 0 && exists(incrAofName(aofBasename, 7)) === 0,
          () => fail('Failed to delete history AOF'),
        );

        await assertDigestSurvivesLoadaof(r);

        // AOF on again.
        await r.call('config', 'set', 'appendonly', 'yes');
        await waitForBgrewriteaof(r);

        // With a new INCR AOF.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.5.base.rdb seq 5 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

        await waitForCondition(1000, 10, () => exists(baseAofName(aofBasename, 4, 'rdb')) === 0, () => fail('Failed to delete history AOF'));

        assertEqual(exists(baseAofName(aofBasename, 5, 'rdb')), 1);
        assertEqual(exists(incrAofName(aofBasename, 1)), 1);
      });

      await test('AOF enable/disable auto gc', async () => {
        await r.call('config', 'set', 'aof-disable-auto-gc', 'yes');

        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        // Four history AOFs: two former BASEs and two former INCRs.
        assertAofManifestContent(aofManifestFile, [
          'file appendonly.aof.7.base.rdb seq 7 type b',
          'file appendonly.aof.2.incr.aof seq 2 type h',
          'file appendonly.aof.6.base.rdb seq 6 type h',
          'file appendonly.aof.1.incr.aof seq 1 type h',
          'file appendonly.aof.5.base.rdb seq 5 type h',
          'file appendonly.aof.3.incr.aof seq 3 type i',
        ]);

        assertEqual(exists(baseAofName(aofBasename, 5, 'rdb')), 1);
        assertEqual(exists(baseAofName(aofBasename, 6, 'rdb')), 1);
        assertEqual(exists(incrAofName(aofBasename, 1)), 1);
        assertEqual(exists(incrAofName(aofBasename, 2)), 1);

        await r.call('config', 'set', 'aof-disable-auto-gc', 'no');

        // The history is collected.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.7.base.rdb seq 7 type b', 'file appendonly.aof.3.incr.aof seq 3 type i']);

        await waitForCondition(
          1000,
          10,
          () =>
            exists(baseAofName(aofBasename, 5, 'rdb')) === 0 &&
            exists(baseAofName(aofBasename, 6, 'rdb')) === 0 &&
            exists(incrAofName(aofBasename, 1)) === 0 &&
            exists(incrAofName(aofBasename, 2)) === 0,
          () => fail('Failed to delete history AOF'),
        );
      });

      await test('AOF can produce consecutive sequence number after reload', async () => {
        // BASE seq 7, INCR seq 3 now.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.7.base.rdb seq 7 type b', 'file appendonly.aof.3.incr.aof seq 3 type i']);

        await r.call('debug', 'loadaof');

        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        // Then BASE seq 8, INCR seq 4.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.8.base.rdb seq 8 type b', 'file appendonly.aof.4.incr.aof seq 4 type i']);
      });

      await test('AOF enable during BGSAVE will not write data util AOFRW finish', async () => {
        await r.call('config', 'set', 'appendonly', 'no');
        await r.call('config', 'set', 'save', '');
        await r.call('config', 'set', 'rdb-key-save-delay', 10000000);

        await r.call('set', 'k1', 'v1');
        await r.call('bgsave');

        await waitForCondition(1000, 10, async () => (await r.status('rdb_bgsave_in_progress')) === '1', () => fail('bgsave did not start in time'));

        // The AOFRW gets scheduled (aof_rewrite_scheduled = 1).
        await r.call('config', 'set', 'appendonly', 'yes');
        assertEqual(await r.status('aof_rewrite_scheduled'), 1);

        // No new INCR AOF opened.
        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.8.base.rdb seq 8 type b', 'file appendonly.aof.4.incr.aof seq 4 type i']);

        await r.call('set', 'k2', 'v2');
        await r.call('debug', 'loadaof');

        // k1 and k2 are both lost.
        assertEqual(await r.call('exists', 'k1'), 0);
        assertEqual(await r.call('exists', 'k2'), 0);

        const totalForks = Number(await r.status('total_forks'));
        assertEqual(await r.status('rdb_bgsave_in_progress'), 1);
        await r.call('config', 'set', 'rdb-key-save-delay', 0);
        killChild(r);
        await waitForCondition(1000, 10, async () => (await r.status('rdb_bgsave_in_progress')) === '0', () => fail('bgsave did not stop in time'));

        // The scheduled AOFRW runs.
        await waitForCondition(1000, 10, async () => Number(await r.status('total_forks')) === totalForks + 1, () => fail('aof rewrite did not scheduled'));
        await waitForBgrewriteaof(r);

        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.9.base.rdb seq 9 type b', 'file appendonly.aof.5.incr.aof seq 5 type i']);

        await r.call('set', 'k3', 'v3');
        await r.call('debug', 'loadaof');
        assertEqual(await r.call('get', 'k3'), 'v3');
      });

      await test('AOF will trigger limit when AOFRW fails many times', async () => {
        // An empty dataset and a successful AOFRW make aof_current_size 0.
        await r.call('flushall');
        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        await r.call('config', 'set', 'rdb-key-save-delay', 10000000);
        // Automatic rewrites trigger easily.
        await r.call('config', 'set', 'auto-aof-rewrite-percentage', 1);
        await r.call('config', 'set', 'auto-aof-rewrite-min-size', '1kb');

        // A key, so that the AOFRW is slowed down by the delay.
        await r.call('set', 'k', 'v');

        // Three failed AOFRWs reach the limit.
        await r.call('bgrewriteaof');
        killChild(r);
        await waitForBgrewriteaof(r);

        await r.call('bgrewriteaof');
        killChild(r);
        await waitForBgrewriteaof(r);

        await r.call('bgrewriteaof');
        killChild(r);
        await waitForBgrewriteaof(r);

        assertAofManifestContent(aofManifestFile, [
          'file appendonly.aof.10.base.rdb seq 10 type b',
          'file appendonly.aof.6.incr.aof seq 6 type i',
          'file appendonly.aof.7.incr.aof seq 7 type i',
          'file appendonly.aof.8.incr.aof seq 8 type i',
          'file appendonly.aof.9.incr.aof seq 9 type i',
        ]);

        // 1KB written makes an automatic AOFRW due.
        await r.call('set', 'x', 'x'.repeat(1024));

        // It is refused, and logged.
        await waitForCondition(1000, 50, () => r.countLogMessage('triggered the limit') === 1, () => fail('aof rewrite did not trigger limit'));
        assertEqual(await r.status('aof_rewrite_in_progress'), 0);

        // No new INCR AOF.
        assertAofManifestContent(aofManifestFile, [
          'file appendonly.aof.10.base.rdb seq 10 type b',
          'file appendonly.aof.6.incr.aof seq 6 type i',
          'file appendonly.aof.7.incr.aof seq 7 type i',
          'file appendonly.aof.8.incr.aof seq 8 type i',
          'file appendonly.aof.9.incr.aof seq 9 type i',
        ]);

        // Automatic rewrites off again.
        await r.call('config', 'set', 'auto-aof-rewrite-percentage', 0);
        await r.call('config', 'set', 'rdb-key-save-delay', 0);
        killChild(r);
        await waitForCondition(1000, 10, async () => (await r.status('aof_rewrite_in_progress')) === '0', () => fail('aof rewrite did not stop in time'));

        // A manual AOFRW still runs right away.
        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        // And opens a new INCR AOF.
        assertEqual(exists(incrAofName(aofBasename, 10)), 1);

        assertAofManifestContent(aofManifestFile, ['file appendonly.aof.11.base.rdb seq 11 type b', 'file appendonly.aof.10.incr.aof seq 10 type i']);

        await assertDigestSurvivesLoadaof(r);
      });

      await startServer({ overrides: { 'aof-use-rdb-preamble': 'yes', appendonly: 'no' } }, async (r) => {
        const dir = r.dir;
        const aofDirpath = path.join(dir, aofDirname);
        const aofManifestName = manifestName(aofBasename);
        const aofManifestFile = path.join(dir, aofDirname, aofManifestName);

        const masterHost = r.host;
        const masterPort = r.port;

        await test('AOF will open a temporary INCR AOF to accumulate data until the first AOFRW success when AOF is dynamically enabled', async () => {
          await r.call('config', 'set', 'save', '');
          // A slow AOFRW leaves time to kill it.
          await r.call('config', 'set', 'rdb-key-save-delay', 10000000);

          let loadHandle0 = await startWriteLoad(masterHost, masterPort, 10);

          await waitForCondition(50, 100, async () => Number(await r.call('dbsize')) > 0, () => fail('No write load detected.'));

          // Turning AOF on starts the first AOFRW.
          await r.call('config', 'set', 'appendonly', 'yes');
          // Made to fail.
          assertEqual(await r.status('aof_rewrite_in_progress'), 1);
          killChild(r);

          // Once it exited, the temporary INCR AOF is deleted.
          await waitForCondition(1000, 100, () => r.countLogMessage('Removing the temp incr aof file') === 1, () => fail('temp aof did not delete'));

          // Neither a manifest nor a BASE AOF.
          assertEqual(checkFileExist(aofDirpath, aofManifestName) ? 1 : 0, 0);
          assertEqual(checkFileExist(aofDirpath, baseAofName(aofBasename, 1, 'rdb')) ? 1 : 0, 0);

          // The next AOFRW starts by itself.
          await waitForCondition(1000, 50, async () => (await r.status('aof_rewrite_in_progress')) === '1', () => fail('aof rewrite did not scheduled'));

          // Then one that succeeds.
          let totalForks = Number(await r.status('total_forks'));
          await r.call('config', 'set', 'rdb-key-save-delay', 0);
          killChild(r);

          await waitForCondition(1000, 10, async () => Number(await r.status('total_forks')) === totalForks + 1, () => fail('aof rewrite did not scheduled'));
          await waitForBgrewriteaof(r);

          assertEqual(r.countLogMessage('Removing the temp incr aof file'), 2);

          // BASE and INCR AOFs exist now.
          assertAofManifestContent(aofManifestFile, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

          await loadHandle0.stop();
          await waitLoadHandlersDisconnected(r);

          const d1 = await debugDigest(r);
          await r.call('debug', 'loadaof');
          let d2 = await debugDigest(r);
          assert(d1 === d2, `$d1 eq $d2 (${d1} vs ${d2})`);

          // AOF off again.
          await r.call('config', 'set', 'appendonly', 'no');

          // The AOF files stay.
          await r.call('debug', 'loadaof');
          d2 = await debugDigest(r);
          assert(d1 === d2, `$d1 eq $d2 (${d1} vs ${d2})`);

          assertEqual(await r.status('rdb_changes_since_last_save'), 0);
          await r.call('config', 'set', 'rdb-key-save-delay', 10000000);
          loadHandle0 = await startWriteLoad(masterHost, masterPort, 10);
          await waitForCondition(50, 100, async () => Number(await r.status('rdb_changes_since_last_save')) > 0, () => fail('No write load detected.'));

          // AOF on again.
          await r.call('config', 'set', 'appendonly', 'yes');

          // Made to fail.
          assertEqual(await r.status('aof_rewrite_in_progress'), 1);
          killChild(r);

          await waitForCondition(1000, 100, () => r.countLogMessage('Removing the temp incr aof file') === 3, () => fail('temp aof did not delete 3 times'));

          // No new INCR AOF.
          assertAofManifestContent(aofManifestFile, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);

          await waitForCondition(1000, 50, async () => (await r.status('aof_rewrite_in_progress')) === '1', () => fail('aof rewrite did not scheduled'));

          totalForks = Number(await r.status('total_forks'));
          await r.call('config', 'set', 'rdb-key-save-delay', 0);
          killChild(r);

          await waitForCondition(1000, 10, async () => Number(await r.status('total_forks')) === totalForks + 1, () => fail('aof rewrite did not scheduled'));
          await waitForBgrewriteaof(r);

          assertEqual(r.countLogMessage('Removing the temp incr aof file'), 4);

          // A new BASE and INCR AOF.
          assertAofManifestContent(aofManifestFile, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);

          await loadHandle0.stop();
          await waitLoadHandlersDisconnected(r);

          await assertDigestSurvivesLoadaof(r);
        });
      });
    });
  });
});
