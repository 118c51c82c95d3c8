import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  suite,
  startServer,
  startServerAof,
  test,
  tags,
  ctx,
  rng,
  sleep,
  assert,
  assertEqual,
  assertMatch,
  assertError,
  assertAofContent,
  fail,
  waitForCondition,
  waitDoneLoading,
  waitForBgrewriteaof,
  formatCommand,
  createAof,
  createAofManifest,
  getLastIncrAofPath,
  getBaseAofPath,
  runCheckAof,
  type Client,
  type ServerHandle,
  stringMatch,
  AOF_DEFAULTS,
} from '../../harness/index.ts';
import { writeFixture } from '../../fixtures/datasets.ts';


/** The last line of a file, as `tail -1` prints it. */
function lastLine(file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines[lines.length - 1] ?? '';
}

/** The first line of a file, as `head -n 1` prints it. */
function firstLine(file: string): string {
  return readFileSync(file, 'latin1').split('\n', 1)[0]!;
}

/** The server that refused its AOF must end its log with the reason, within ten seconds. */
async function expectLastLogLine(server: ServerHandle, pattern: string): Promise<void> {
  await waitForCondition(10, 1000, () => stringMatch(pattern, lastLine(server.stdout)), () => fail('expected error not found on config file'));
}

/** redis-check-aof run the way Tcl's plain exec does: a failing run is an error. */
async function checkAofMustSucceed(args: string[], input?: string): Promise<string> {
  const result = await runCheckAof(args, input);
  if (result.exitCode !== 0) fail(`redis-check-aof ${args.join(' ')} exited with ${result.exitCode}: ${result.output}`);
  return result.output;
}

/** A client on db 0, as the suite's own `redis host port` clients are. */
function db0Client(server: ServerHandle) {
  return server.newClient({ noSelect: true });
}

export default suite(async () => {
  const serverPath = ctx().run.tmpdir('server.aof');
  const aofDirpath = path.join(serverPath, 'appendonlydir');
  const aofBaseFile = path.join(aofDirpath, 'appendonly.aof.1.base.aof');
  const aofFile = path.join(aofDirpath, 'appendonly.aof.1.incr.aof');
  const aofManifestFile = path.join(aofDirpath, 'appendonly.aof.manifest');
  const withDefaults = (extra: Record<string, string> = {}) => ({ ...AOF_DEFAULTS, ...extra });

  await tags(['aof', 'external:skip'], async () => {
    createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('multi'), formatCommand('set', 'bar', 'world')]);
    createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.incr.aof seq 1 type i\n']);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'yes' }) }, async (server) => {
      await test('Unfinished MULTI: Server should start if load-truncated is yes', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });
    });

    const incrFoo = formatCommand('incr', 'foo');
    createAof(aofDirpath, aofFile, [incrFoo, incrFoo, incrFoo, incrFoo, incrFoo, incrFoo.slice(0, -1)]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'yes' }) }, async (server) => {
      await test('Short read: Server should start if load-truncated is yes', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });

      let client: Client;
      await test('Truncated AOF loaded: we expect foo to be equal to 5', async () => {
        client = await db0Client(server);
        await waitDoneLoading(server);
        assert((await client.call('get', 'foo')) === '5', "[$client get foo] eq \"5\"");
      });

      await test('Append a new command after loading an incomplete AOF', async () => {
        return client.call('incr', 'foo');
      });
    });

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'yes' }) }, async (server) => {
      await test('Short read + command: Server should start', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });

      await test('Truncated AOF loaded: we expect foo to be equal to 6 now', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assert((await client.call('get', 'foo')) === '6', "[$client get foo] eq \"6\"");
      });
    });

    createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), '!!!', formatCommand('set', 'foo', 'hello')]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'yes' }), waitReady: false }, async (server) => {
      await test('Bad format: Server should have logged an error', async () => {
        await expectLastLogLine(server, '*Bad file format reading the append only file*');
      });
    });

    createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('multi'), formatCommand('set', 'bar', 'world')]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }), waitReady: false }, async (server) => {
      await test('Unfinished MULTI: Server should have logged an error', async () => {
        await expectLastLogLine(server, '*Unexpected end of file reading the append only file*');
      });
    });

    createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world').slice(0, -1)]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }), waitReady: false }, async (server) => {
      await test('Short read: Server should have logged an error', async () => {
        await expectLastLogLine(server, '*Unexpected end of file reading the append only file*');
      });
    });

    await test('Short read: Utility should confirm the AOF is not valid', async () => {
      const result = await runCheckAof([aofManifestFile]);
      assertMatch('*not valid*', result.output);
    });

    await test('Short read: Utility should show the abnormal line num in AOF', async () => {
      createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), '!!!']);
      const result = await runCheckAof([aofManifestFile]);
      assertMatch('*ok_up_to_line=8*', result.output);
    });

    await test('Short read: Utility should be able to fix the AOF', async () => {
      const output = await checkAofMustSucceed(['--fix', aofManifestFile], 'y\n');
      assertMatch('*Successfully truncated AOF*', output);
    });

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('Fixed AOF: Server should have been started', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });

      await test('Fixed AOF: Keyspace should contain values that were parseable', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await client.call('get', 'foo'), 'hello');
        assertEqual(await client.call('get', 'bar'), '');
      });
    });

    createAof(aofDirpath, aofFile, [formatCommand('sadd', 'set', 'foo'), formatCommand('sadd', 'set', 'bar'), formatCommand('spop', 'set')]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('AOF+SPOP: Server should have been started', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });

      await test('AOF+SPOP: Set should have 1 member', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await client.call('scard', 'set'), 1);
      });
    });

    createAof(aofDirpath, aofFile, [
      formatCommand('sadd', 'set', 'foo'),
      formatCommand('sadd', 'set', 'bar'),
      formatCommand('sadd', 'set', 'gah'),
      formatCommand('spop', 'set', '2'),
    ]);

    await startServerAof(serverPath, { overrides: withDefaults() }, async (server) => {
      await test('AOF+SPOP: Server should have been started', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });

      await test('AOF+SPOP: Set should have 1 member', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await client.call('scard', 'set'), 1);
      });
    });

    createAof(aofDirpath, aofFile, [formatCommand('rpush', 'list', 'foo'), formatCommand('pexpireat', 'list', '1000'), formatCommand('rpush', 'list', 'bar')]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('AOF+EXPIRE: Server should have been started', async () => {
        assertEqual(server.isAlive() ? 1 : 0, 1);
      });

      await test('AOF+EXPIRE: List should be empty', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await client.call('llen', 'list'), 0);
      });
    });

    await startServer({ overrides: { appendonly: 'yes' } }, async (r) => {
      await test('Redis should not try to convert DEL into EXPIREAT for EXPIRE -1', async () => {
        await r.call('set', 'x', 10);
        return r.call('expire', 'x', -1);
      });
    });

    await startServer({ overrides: { appendonly: 'yes', appendfsync: 'always' } }, async (r) => {
      await test('AOF fsync always barrier issue', async () => {
        const rd = await r.newClient();
        // A big reply keeps the socket busy while the INCR is processed: its reply must not
        // leave before the write (and fsync) of the AOF. Sizes and pauses vary to fuzz it.
        for (let i = 0; i < 10; i++) {
          await r.call('debug', 'aof-flush-sleep', 0);
          await r.call('del', 'x');
          await r.call('setrange', 'x', Math.floor(rng().random() * 5000000) + 10000000, 'x');
          await r.call('debug', 'aof-flush-sleep', 500000);
          const aof = await getLastIncrAofPath(r);
          const size1 = statSync(aof).size;
          rd.send('get', 'x');
          await sleep(Math.floor(rng().random() * 30));
          rd.send('incr', 'new_value');
          await rd.read();
          await rd.read();
          const size2 = statSync(aof).size;
          assert(size1 !== size2, `$size1 != $size2 (${size1} vs ${size2})`);
        }
      });
    });

    await startServer({ overrides: { appendonly: 'yes' } }, async (r) => {
      await test('GETEX should not append to AOF', async () => {
        const aof = await getLastIncrAofPath(r);
        await r.call('set', 'foo', 'bar');
        const before = statSync(aof).size;
        await r.call('getex', 'foo');
        const after = statSync(aof).size;
        assertEqual(before, after);
      });
    });

    createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('bla', 'foo', 'hello'), formatCommand('set', 'foo', 'hello')]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'yes' }), waitReady: false }, async (server) => {
      await test('Unknown command: Server should have logged an error', async () => {
        await expectLastLogLine(server, "*Unknown command 'bla' reading the append only file*");
      });
    });

    createAof(aofDirpath, aofFile, [
      formatCommand('lpush', 'mylist', 'a', 'b', 'c'),
      formatCommand('rpush', 'mylist2', '1', '2', '3'),
      formatCommand('lpush', 'mylist3', 'a', 'b', 'c', 'd', 'e'),
    ]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('AOF+LMPOP/BLMPOP: pop elements from the list', async () => {
        const client = await db0Client(server);
        const client2 = await db0Client(server);
        await waitDoneLoading(server);

        // mylist emptied by the blocking variant, then mylist2 by the plain one.
        await client.call('lmpop', 1, 'mylist', 'left', 'count', 1);
        await client.call('blmpop', 0, 1, 'mylist', 'left', 'count', 10);
        await client.call('blmpop', 0, 2, 'mylist', 'mylist2', 'right', 'count', 10);
        await client.call('lmpop', 2, 'mylist', 'mylist2', 'right', 'count', 2);

        // A client blocked, then served by a push.
        client2.send('blmpop', 0, 2, 'mylist', 'mylist2', 'left', 'count', 2);
        await sleep(100);
        await client.call('lpush', 'mylist2', 'a', 'b', 'c');

        await client.call('blmpop', 0, 3, 'mylist', 'mylist2', 'mylist3', 'left', 'count', 1);
        // Two elements stay in mylist3.
        await client.call('blmpop', 0, 3, 'mylist', 'mylist2', 'mylist3', 'right', 'count', 3);
      });
    });

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('AOF+LMPOP/BLMPOP: after pop elements from the list', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await client.call('exists', 'mylist', 'mylist2'), 0);
        assertEqual(await client.call('llen', 'mylist3'), 2);
      });
    });

    createAof(aofDirpath, aofFile, [
      formatCommand('zadd', 'myzset', '1', 'one', '2', 'two', '3', 'three'),
      formatCommand('zadd', 'myzset2', '4', 'four', '5', 'five', '6', 'six'),
      formatCommand('zadd', 'myzset3', '1', 'one', '2', 'two', '3', 'three', '4', 'four', '5', 'five'),
    ]);

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('AOF+ZMPOP/BZMPOP: pop elements from the zset', async () => {
        const client = await db0Client(server);
        const client2 = await db0Client(server);
        await waitDoneLoading(server);

        await client.call('zmpop', 1, 'myzset', 'min', 'count', 1);
        await client.call('bzmpop', 0, 1, 'myzset', 'min', 'count', 10);
        await client.call('bzmpop', 0, 2, 'myzset', 'myzset2', 'max', 'count', 10);
        await client.call('zmpop', 2, 'myzset', 'myzset2', 'max', 'count', 2);

        client2.send('bzmpop', 0, 2, 'myzset', 'myzset2', 'min', 'count', 2);
        await sleep(100);
        await client.call('zadd', 'myzset2', 1, 'one', 2, 'two', 3, 'three');

        await client.call('bzmpop', 0, 3, 'myzset', 'myzset2', 'myzset3', 'min', 'count', 1);
        await client.call('bzmpop', 0, 3, 'myzset', 'myzset2', 'myzset3', 'max', 'count', 3);
      });
    });

    await startServerAof(serverPath, { overrides: withDefaults({ 'aof-load-truncated': 'no' }) }, async (server) => {
      await test('AOF+ZMPOP/BZMPOP: after pop elements from the zset', async () => {
        const client = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await client.call('exists', 'myzset', 'myzset2'), 0);
        assertEqual(await client.call('zcard', 'myzset3'), 2);
      });
    });

    await test('Generate timestamp annotations in AOF', async () => {
      await startServer({ overrides: { appendonly: 'yes' } }, async (r) => {
        await r.call('config', 'set', 'aof-timestamp-enabled', 'yes');
        await r.call('config', 'set', 'aof-use-rdb-preamble', 'no');
        let aof = await getLastIncrAofPath(r);

        await r.call('set', 'foo', 'bar');
        assertMatch('#TS:*', firstLine(aof));

        await r.call('bgrewriteaof');
        await waitForBgrewriteaof(r);

        aof = await getBaseAofPath(r);
        assertMatch('#TS:*', firstLine(aof));
      });
    });

    createAof(aofDirpath, aofFile, [
      '#TS:1628217470\r\n',
      formatCommand('set', 'foo1', 'bar1'),
      '#TS:1628217471\r\n',
      formatCommand('set', 'foo2', 'bar2'),
      '#TS:1628217472\r\n',
      '#TS:1628217473\r\n',
      formatCommand('set', 'foo3', 'bar3'),
      '#TS:1628217474\r\n',
    ]);
    await startServerAof(serverPath, { overrides: withDefaults() }, async (server) => {
      await test('Successfully load AOF which has timestamp annotations inside', async () => {
        const c = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await c.call('get', 'foo1'), 'bar1');
        assertEqual(await c.call('get', 'foo2'), 'bar2');
        assertEqual(await c.call('get', 'foo3'), 'bar3');
      });
    });

    await test('Truncate AOF to specific timestamp', async () => {
      await checkAofMustSucceed(['--truncate-to-timestamp', '1628217473', aofManifestFile]);
      await startServerAof(serverPath, { overrides: withDefaults() }, async (server) => {
        const c = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await c.call('get', 'foo1'), 'bar1');
        assertEqual(await c.call('get', 'foo2'), 'bar2');
        assertEqual(await c.call('get', 'foo3'), 'bar3');
      });

      await checkAofMustSucceed(['--truncate-to-timestamp', '1628217471', aofManifestFile]);
      await startServerAof(serverPath, { overrides: withDefaults() }, async (server) => {
        const c = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await c.call('get', 'foo1'), 'bar1');
        assertEqual(await c.call('get', 'foo2'), 'bar2');
        assertEqual(await c.call('get', 'foo3'), '');
      });

      await checkAofMustSucceed(['--truncate-to-timestamp', '1628217470', aofManifestFile]);
      await startServerAof(serverPath, { overrides: withDefaults() }, async (server) => {
        const c = await db0Client(server);
        await waitDoneLoading(server);
        assertEqual(await c.call('get', 'foo1'), 'bar1');
        assertEqual(await c.call('get', 'foo2'), '');
      });

      const result = await runCheckAof(['--truncate-to-timestamp', '1628217469', aofManifestFile]);
      assertMatch('*aborting*', result.output);
    });

    await test('EVAL timeout with slow verbatim Lua script from AOF', async () => {
      await startServer(
        { overrides: { dir: serverPath, appendonly: 'yes', 'lua-time-limit': '1', 'aof-use-rdb-preamble': 'no' } },
        async (r) => {
          // A script slow enough to time out while the AOF loads, stored as a script.
          createAof(aofDirpath, aofFile, [
            formatCommand('select', '9'),
            formatCommand('eval', "redis.call('set',KEYS[1],'y'); for i=1,1500000 do redis.call('ping') end return 'ok'", '1', 'x'),
          ]);
          const rd = await r.newClient();
          rd.send('debug', 'loadaof');
          await waitForCondition(
            100,
            10,
            async () => {
              try {
                await r.call('ping');
                return false;
              } catch {
                return true;
              }
            },
            () => fail("server didn't start loading"),
          );
          await assertError('LOADING*', () => r.call('ping'));
          await rd.read();
          await rd.close();
          await r.waitForLogMessages(['*Slow script detected*'], 0, 100, 100);
          assertEqual(await r.call('get', 'x'), 'y');
        },
      );
    });

    await test('EVAL can process writes from AOF in read-only replicas', async () => {
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.incr.aof seq 1 type i\n']);
      createAof(aofDirpath, aofFile, [
        formatCommand('select', '9'),
        formatCommand('eval', 'redis.call("set",KEYS[1],"100")', '1', 'foo'),
        formatCommand('eval', 'redis.call("incr",KEYS[1])', '1', 'foo'),
        formatCommand('eval', 'redis.call("incr",KEYS[1])', '1', 'foo'),
      ]);
      await startServer(
        { overrides: { dir: serverPath, appendonly: 'yes', 'replica-read-only': 'yes', replicaof: '127.0.0.1 0' } },
        async (r) => {
          assertEqual(await r.call('get', 'foo'), 102);
        },
      );
    });

    await test('Test redis-check-aof for old style resp AOF', async () => {
      createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world')]);
      const result = await runCheckAof([aofFile]);
      assertMatch('*Start checking Old-Style AOF*is valid*', result.output);
    });

    await test('Test redis-check-aof for old style rdb-preamble AOF', async () => {
      const preamble = path.join(ctx().run.tmpdir('assets'), 'rdb-preamble.aof');
      await writeFixture('rdb-preamble.aof', preamble);
      const result = await runCheckAof([preamble]);
      assertMatch('*Start checking Old-Style AOF*RDB preamble is OK, proceeding with AOF tail*is valid*', result.output);
    });

    await test('Test redis-check-aof for Multi Part AOF with resp AOF base', async () => {
      createAof(aofDirpath, aofBaseFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world')]);
      createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);
      const result = await runCheckAof([aofManifestFile]);
      assertMatch(
        '*Start checking Multi Part AOF*Start to check BASE AOF (RESP format)*BASE AOF*is valid*Start to check INCR files*INCR AOF*is valid*All AOF files and manifest are valid*',
        result.output,
      );
    });

    await test('Test redis-check-aof for Multi Part AOF with rdb-preamble AOF base', async () => {
      await writeFixture('rdb-preamble.aof', aofBaseFile);
      createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);
      const result = await runCheckAof([aofManifestFile]);
      assertMatch(
        '*Start checking Multi Part AOF*Start to check BASE AOF (RDB format)*DB preamble is OK, proceeding with AOF tail*BASE AOF*is valid*Start to check INCR files*INCR AOF*is valid*All AOF files and manifest are valid*',
        result.output,
      );
    });

    await test('Test redis-check-aof only truncates the last file for Multi Part AOF in fix mode', async () => {
      createAof(aofDirpath, aofBaseFile, [formatCommand('set', 'foo', 'hello'), formatCommand('multi'), formatCommand('set', 'bar', 'world')]);
      createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);

      let result = await runCheckAof([aofManifestFile]);
      assertMatch('*not valid*', result.output);

      result = await runCheckAof(['--fix', aofManifestFile]);
      assertMatch('*Failed to truncate AOF*because it is not the last file*', result.output);
    });

    await test('Test redis-check-aof only truncates the last file for Multi Part AOF in truncate-to-timestamp mode', async () => {
      createAof(aofDirpath, aofBaseFile, [
        '#TS:1628217470\r\n',
        formatCommand('set', 'foo1', 'bar1'),
        '#TS:1628217471\r\n',
        formatCommand('set', 'foo2', 'bar2'),
        '#TS:1628217472\r\n',
        '#TS:1628217473\r\n',
        formatCommand('set', 'foo3', 'bar3'),
        '#TS:1628217474\r\n',
      ]);
      createAof(aofDirpath, aofFile, [formatCommand('set', 'foo', 'hello'), formatCommand('set', 'bar', 'world')]);
      createAofManifest(aofDirpath, aofManifestFile, ['file appendonly.aof.1.base.aof seq 1 type b\n', 'file appendonly.aof.1.incr.aof seq 1 type i\n']);

      const result = await runCheckAof(['--truncate-to-timestamp', '1628217473', aofManifestFile]);
      assertMatch('*Failed to truncate AOF*to timestamp*because it is not the last file*', result.output);
    });

    await startServer({ overrides: { appendonly: 'yes', appendfsync: 'always' } }, async (r) => {
      await test('FLUSHDB / FLUSHALL should persist in AOF', async () => {
        const aof = await getLastIncrAofPath(r);

        await r.call('set', 'key', 'value');
        await r.call('flushdb');
        await r.call('set', 'key', 'value2');
        await r.call('flushdb');

        // On an empty db.
        await r.call('flushdb');
        await r.call('flushdb');
        await r.call('flushdb');

        await r.call('set', 'key', 'value');
        await r.call('flushall');
        await r.call('set', 'key', 'value2');
        await r.call('flushall');

        // On empty dbs.
        await r.call('flushall');
        await r.call('flushall');
        await r.call('flushall');

        // Every FLUSHDB / FLUSHALL is written, even when there was nothing to flush.
        assertAofContent(aof, [
          'select *',
          'set key value',
          'flushdb',
          'set key value2',
          'flushdb',
          'flushdb',
          'flushdb',
          'flushdb',
          'set key value',
          'flushall',
          'set key value2',
          'flushall',
          'flushall',
          'flushall',
          'flushall',
        ]);
      });
    });
  });
});
