// Port of tests/unit/pause.tcl.
import {
  suite,
  startServer,
  test,
  r,
  srv,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  fail,
  tclCatch,
  tclString,
  waitForBlockedClientsCount,
  waitForCondition,
} from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['pause', 'network'] }, async (server) => {
    await test('Test read commands are not blocked by client pause', async () => {
      await r('client', 'PAUSE', 100000, 'WRITE');
      const rd = await server.newClient();
      rd.send('GET', 'FOO');
      rd.send('PING');
      rd.send('INFO');
      assertEqual(await server.status('blocked_clients'), 0);
      await r('client', 'unpause');
      await rd.close();
    });

    await test('Test write commands are paused by RO', async () => {
      await r('client', 'PAUSE', 60000, 'WRITE');

      const rd = await server.newClient();
      rd.send('SET', 'FOO', 'BAR');
      await waitForBlockedClientsCount(server, 1, 50, 100);

      await r('client', 'unpause');
      assertMatch('OK', await rd.read());
      await rd.close();
    });

    await test('Test special commands are paused by RO', async () => {
      await r('PFADD', 'pause-hll', 'test');
      await r('client', 'PAUSE', 100000, 'WRITE');

      // PFCOUNT may replicate, so it waits too.
      const rd = await server.newClient();
      rd.send('PFCOUNT', 'pause-hll');
      await waitForBlockedClientsCount(server, 1, 50, 100);

      // PUBLISH feeds the replication stream, so it waits too.
      const rd2 = await server.newClient();
      rd2.send('publish', 'foo', 'bar');
      await waitForBlockedClientsCount(server, 2, 50, 100);

      await r('client', 'unpause');
      assertMatch('1', await rd.read());
      assertMatch('0', await rd2.read());
      await rd.close();
      await rd2.close();
    });

    await test('Test read/admin mutli-execs are not blocked by pause RO', async () => {
      await r('SET', 'FOO', 'BAR');
      await r('client', 'PAUSE', 100000, 'WRITE');
      const rr = await server.newClient();
      assertEqual(await rr.call('MULTI'), 'OK');
      assertEqual(await rr.call('PING'), 'QUEUED');
      assertEqual(await rr.call('GET', 'FOO'), 'QUEUED');
      assertMatch('PONG BAR', await rr.call('EXEC'));
      assertEqual(await server.status('blocked_clients'), 0);
      await r('client', 'unpause');
      await rr.close();
    });

    await test('Test write mutli-execs are blocked by pause RO', async () => {
      const rd = await server.newClient();
      rd.send('MULTI');
      assertEqual(await rd.read(), 'OK');
      rd.send('SET', 'FOO', 'BAR');
      assertEqual(await rd.read(), 'QUEUED');
      await r('client', 'PAUSE', 60000, 'WRITE');
      rd.send('EXEC');
      await waitForBlockedClientsCount(server, 1, 50, 100);
      await r('client', 'unpause');
      assertMatch('OK', await rd.read());
      await rd.close();
    });

    await test('Test scripts are blocked by pause RO', async () => {
      await r('client', 'PAUSE', 60000, 'WRITE');
      const rd = await server.newClient();
      const rd2 = await server.newClient();
      rd.send('EVAL', 'return 1', 0);

      // A shebang without flags, for coverage.
      rd2.send('EVAL', '#!lua\n            return 1\n        ', 0);

      await waitForBlockedClientsCount(server, 2, 50, 100);
      await r('client', 'unpause');
      assertMatch('1', await rd.read());
      assertMatch('1', await rd2.read());
      await rd.close();
      await rd2.close();
    });

    await test('Test RO scripts are not blocked by pause RO', async () => {
      await r('set', 'x', 'y');
      // A function for later.
      await r(
        'FUNCTION',
        'load',
        'replace',
        "#!lua name=f1\n            redis.register_function{\n                function_name='f1',\n                callback=function() return \"hello\" end,\n                flags={'no-writes'}\n            }\n        ",
      );

      await r('client', 'PAUSE', 6000000, 'WRITE');
      const rr = await server.newClient();

      // A script that cannot be cached yet.
      const uniqueScript = "#!lua flags=no-writes\n                return 'unique script'\n            ";
      assertEqual(await rr.call('EVAL', uniqueScript, 0), 'unique script');

      // The same script again, now cached.
      assertEqual(await rr.call('EVAL', uniqueScript, 0), 'unique script');

      // EVAL_RO of another script that is not cached.
      assertEqual(await rr.call('EVAL_RO', "\n            return redis.call('GeT', 'x')..' unique script'\n            ", 1, 'x'), 'y unique script');

      // EVALSHA.
      const sha = tclString(await rr.call('script', 'load', '#!lua flags=no-writes\n                return 2\n            '));
      assertEqual(await rr.call('EVALSHA', sha, 0), 2);

      // FCALL.
      assertEqual(await rr.call('fcall', 'f1', 0), 'hello');

      await r('client', 'unpause');
      await rr.close();
    });

    await test('Test read-only scripts in mutli-exec are not blocked by pause RO', async () => {
      await r('SET', 'FOO', 'BAR');
      await r('client', 'PAUSE', 100000, 'WRITE');
      const rr = await server.newClient();
      assertEqual(await rr.call('MULTI'), 'OK');
      assertEqual(await rr.call('EVAL', '#!lua flags=no-writes\n                return 12\n            ', 0), 'QUEUED');
      assertEqual(await rr.call('EVAL', '#!lua flags=no-writes\n                return 13\n            ', 0), 'QUEUED');
      assertMatch('12 13', await rr.call('EXEC'));
      assertEqual(await server.status('blocked_clients'), 0);
      await r('client', 'unpause');
      await rr.close();
    });

    await test('Test write scripts in mutli-exec are blocked by pause RO', async () => {
      const rd = await server.newClient();
      const rd2 = await server.newClient();

      // With a shebang.
      rd.send('MULTI');
      assertEqual(await rd.read(), 'OK');
      rd.send('EVAL', '#!lua\n                return 12\n            ', 0);
      assertEqual(await rd.read(), 'QUEUED');

      // Upstream says "without a shebang" here but sends one as well; kept as is.
      rd2.send('MULTI');
      assertEqual(await rd2.read(), 'OK');
      rd2.send('EVAL', '#!lua\n                return 13\n            ', 0);
      assertEqual(await rd2.read(), 'QUEUED');

      await r('client', 'PAUSE', 60000, 'WRITE');
      rd.send('EXEC');
      rd2.send('EXEC');
      await waitForBlockedClientsCount(server, 2, 50, 100);
      await r('client', 'unpause');
      assertMatch('12', await rd.read());
      assertMatch('13', await rd2.read());
      await rd.close();
      await rd2.close();
    });

    await test('Test may-replicate commands are rejected in RO scripts', async () => {
      // This matters most for CLIENT PAUSE WRITE.
      await assertError('ERR Write commands are not allowed from read-only scripts. script:*', () =>
        r('EVAL_RO', "return redis.call('publish','ch','msg')", 0),
      );
      await assertError('ERR Write commands are not allowed from read-only scripts. script:*', () =>
        r('EVAL', "#!lua flags=no-writes\n                return redis.call('publish','ch','msg')\n            ", 0),
      );
      // A script without flags may publish.
      assertEqual(await r('EVAL', "return redis.call('publish','ch','msg')", 0), 0);
    });

    await test('Test multiple clients can be queued up and unblocked', async () => {
      await r('client', 'PAUSE', 60000, 'WRITE');
      const clients = [await server.newClient(), await server.newClient(), await server.newClient()];
      for (const client of clients) client.send('SET', 'FOO', 'BAR');

      await waitForBlockedClientsCount(server, 3, 50, 100);
      await r('client', 'unpause');
      for (const client of clients) {
        assertMatch('OK', await client.read());
        await client.close();
      }
    });

    await test('Test clients with syntax errors will get responses immediately', async () => {
      await r('client', 'PAUSE', 100000, 'WRITE');
      const { value: err } = await tclCatch(() => r('set', 'FOO'));
      assertMatch("ERR wrong number of arguments for 'set' command", err);
      await r('client', 'unpause');
    });

    await test('Test both active and passive expires are skipped during client pause', async () => {
      const expiredKeys = await server.status('expired_keys');
      await r('multi');
      await r('set', 'foo{t}', 'bar{t}', 'PX', 10);
      await r('set', 'bar{t}', 'foo{t}', 'PX', 10);
      await r('client', 'PAUSE', 50000, 'WRITE');
      await r('exec');

      await waitForCondition(
        10,
        100,
        async () => tclString(await r('get', 'foo{t}')) === '' && tclString(await r('get', 'bar{t}')) === '',
        () => fail('Keys were never logically expired'),
      );

      // Logically expired, yet none was deleted.
      assertMatch(expiredKeys, await server.status('expired_keys'));

      await r('client', 'unpause');

      // Touch them so they expire.
      await r('get', 'foo{t}');
      await r('get', 'bar{t}');

      // Unpaused, the expires go through.
      assertMatch(String(Number(expiredKeys) + 2), await server.status('expired_keys'));
    });

    await test('Test that client pause starts at the end of a transaction', async () => {
      await r('MULTI');
      await r('SET', 'FOO1{t}', 'BAR');
      await r('client', 'PAUSE', 60000, 'WRITE');
      await r('SET', 'FOO2{t}', 'BAR');
      await r('exec');

      const rd = await server.newClient();
      rd.send('SET', 'FOO3{t}', 'BAR');

      await waitForBlockedClientsCount(server, 1, 50, 100);

      assertMatch('BAR', await r('GET', 'FOO1{t}'));
      assertMatch('BAR', await r('GET', 'FOO2{t}'));
      assertMatch('', await r('GET', 'FOO3{t}'));

      await r('client', 'unpause');
      assertMatch('OK', await rd.read());
      await rd.close();
    });

    await startServer({ tags: ['needs:repl', 'external:skip'] }, async (replica) => {
      const master = srv(-1);

      // No PINGs in the replication stream.
      await master.call('config', 'set', 'repl-ping-replica-period', 3600);
      await r('replicaof', master.host, master.port);

      await waitForCondition(50, 100, async () => (await replica.status('master_link_status')) === 'up', () => fail('Replication not started.'));

      await test(
        'Test when replica paused, offset would not grow',
        async () => {
          await master.call('set', 'foo', 'bar');
          const oldMasterOffset = await master.status('master_repl_offset');

          await waitForCondition(
            50,
            100,
            async () => Number(await replica.status('slave_repl_offset')) === Number(await master.status('master_repl_offset')),
            () => fail('Replication offset not matched.'),
          );

          await r('client', 'pause', 100000, 'write');
          await master.call('set', 'foo2', 'bar2');

          // The replica has read the write...
          await waitForCondition(
            50,
            100,
            async () => Number(await replica.status('slave_read_repl_offset')) === Number(await master.status('master_repl_offset')),
            () => fail('Replication not work.'),
          );

          // ...but not applied it.
          const applied = await replica.status('slave_repl_offset');
          assert(Number(applied) === Number(oldMasterOffset), `slave_repl_offset ${applied} == ${oldMasterOffset}`);
          return r('get', 'foo2');
        },
        { okPattern: '' },
      );

      await test(
        'Test replica offset would grow after unpause',
        async () => {
          await r('client', 'unpause');
          await waitForCondition(
            50,
            100,
            async () => Number(await replica.status('slave_repl_offset')) === Number(await master.status('master_repl_offset')),
            () => fail('Replication not continue.'),
          );
          return r('get', 'foo2');
        },
        { okPattern: 'bar2' },
      );
    });

    // Never leave the server paused.
    await r('client', 'unpause');
  });
});
