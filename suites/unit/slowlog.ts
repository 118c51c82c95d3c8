// Port of tests/unit/slowlog.tcl.
import { suite, startServer, test, r, settings, assert, assertEqual, assertError, assertMatch, tclCatch, waitForBlockedClientsCount, type Reply } from '../../harness/index.ts';

type Entry = Reply[];

async function slowlogGet(...args: Array<string | number>): Promise<Entry[]> {
  return (await r('slowlog', 'get', ...args)) as Entry[];
}

export default suite(async () => {
  await startServer({ tags: ['slowlog'], overrides: { 'slowlog-log-slower-than': 1000000 } }, async (server) => {
    await test(
      'SLOWLOG - check that it starts with an empty log',
      async () => {
        if (settings().external) await r('slowlog', 'reset');
        return r('slowlog', 'len');
      },
      { okPattern: '0' },
    );

    await test(
      'SLOWLOG - only logs commands taking more time than specified',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 100000);
        await r('ping');
        assertEqual(await r('slowlog', 'len'), 0);
        await r('debug', 'sleep', 0.2);
        assertEqual(await r('slowlog', 'len'), 1);
      },
      { okPattern: '', tags: ['needs:debug'] },
    );

    await test(
      'SLOWLOG - max entries is correctly handled',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 0);
        await r('config', 'set', 'slowlog-max-len', 10);
        for (let i = 0; i < 100; i++) await r('ping');
        return r('slowlog', 'len');
      },
      { okPattern: '10' },
    );

    await test('SLOWLOG - GET optional argument to limit output len works', async () => (await slowlogGet(5)).length, { okPattern: '5' });

    await test(
      'SLOWLOG - RESET subcommand works',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 100000);
        await r('slowlog', 'reset');
        return r('slowlog', 'len');
      },
      { okPattern: '0' },
    );

    await test(
      'SLOWLOG - logged entry sanity check',
      async () => {
        await r('client', 'setname', 'foobar');
        await r('debug', 'sleep', 0.2);
        const e = (await slowlogGet())[0]!;
        assertEqual(e.length, 6);
        if (!settings().external) assertEqual(e[0], 105);
        assertEqual(Number(e[2]) > 100000 ? 1 : 0, 1);
        assertEqual(e[3], 'debug sleep 0.2');
        assertEqual('foobar', e[5]);
      },
      { okPattern: '', tags: ['needs:debug'] },
    );

    await test(
      'SLOWLOG - Certain commands are omitted that contain sensitive information',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 0);
        await r('slowlog', 'reset');
        await tclCatch(() => r('acl', 'setuser', 'slowlog test user', '+get', '+set'));
        await r('config', 'set', 'masterauth', '');
        await r('acl', 'setuser', 'slowlog-test-user', '+get', '+set');
        await r('config', 'set', 'slowlog-log-slower-than', 0);
        await r('config', 'set', 'slowlog-log-slower-than', -1);
        const slowlogResp = await slowlogGet();

        // Ordinary configs are logged as they are; the two sensitive commands are redacted.
        assertEqual(5, slowlogResp.length);
        assertEqual('slowlog reset', slowlogResp[4]![3]);
        assertEqual('acl setuser (redacted) (redacted) (redacted)', slowlogResp[3]![3]);
        assertEqual('config set masterauth (redacted)', slowlogResp[2]![3]);
        assertEqual('acl setuser (redacted) (redacted) (redacted)', slowlogResp[1]![3]);
        assertEqual('config set slowlog-log-slower-than 0', slowlogResp[0]![3]);
      },
      { okPattern: '', tags: ['needs:repl'] },
    );

    await test(
      'SLOWLOG - Some commands can redact sensitive fields',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 0);
        await r('slowlog', 'reset');
        await r('migrate', server.host, server.port, 'key', 9, 5000);
        await r('migrate', server.host, server.port, 'key', 9, 5000, 'AUTH', 'user');
        await r('migrate', server.host, server.port, 'key', 9, 5000, 'AUTH2', 'user', 'password');
        await r('config', 'set', 'slowlog-log-slower-than', -1);
        const slowlogResp = await slowlogGet();

        // All three are logged, without their secrets.
        assertEqual(4, slowlogResp.length);
        assertMatch('* key 9 5000', slowlogResp[2]![3]);
        assertMatch('* key 9 5000 AUTH (redacted)', slowlogResp[1]![3]);
        assertMatch('* key 9 5000 AUTH2 (redacted) (redacted)', slowlogResp[0]![3]);
      },
      { okPattern: '', tags: ['needs:repl'] },
    );

    await test('SLOWLOG - Rewritten commands are logged as their original command', async () => {
      await r('config', 'set', 'slowlog-log-slower-than', 0);

      // Arguments rewritten by the command.
      await r('sadd', 'set', 'a', 'b', 'c', 'd', 'e');
      await r('slowlog', 'reset');

      // An SPOP that empties the set propagates as DEL.
      await r('spop', 'set', 10);
      assertEqual('spop set 10', (await slowlogGet())[0]![3]);

      // Arguments replaced as a whole.
      await r('slowlog', 'reset');

      // GEOADD propagates as ZADD.
      await r('geoadd', 'cool-cities', '-122.33207', '47.60621', 'Seattle');
      assertEqual('geoadd cool-cities -122.33207 47.60621 Seattle', (await slowlogGet())[0]![3]);

      // One argument replaced.
      await r('set', 'A', 5);
      await r('slowlog', 'reset');

      // GETSET propagates as SET.
      await r('getset', 'a', 5);
      assertEqual('getset a 5', (await slowlogGet())[0]![3]);

      // INCRBYFLOAT rewrites more than once.
      await r('set', 'A', 0);
      await r('slowlog', 'reset');

      // INCRBYFLOAT propagates as SET.
      await r('INCRBYFLOAT', 'A', '1.0');
      assertEqual('INCRBYFLOAT A 1.0', (await slowlogGet())[0]![3]);

      // A BLPOP served after blocking propagates as LPOP.
      const rd = await server.newClient();
      rd.send('blpop', 'l', 0);
      await waitForBlockedClientsCount(server, 1, 50, 100);
      await r('multi');
      await r('lpush', 'l', 'foo');
      await r('slowlog', 'reset');
      await r('exec');
      await rd.read();
      await rd.close();
      assertEqual('blpop l 0', (await slowlogGet())[0]![3]);
    });

    await test(
      'SLOWLOG - commands with too many arguments are trimmed',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 0);
        await r('slowlog', 'reset');
        const members = Array.from({ length: 31 }, (_, i) => i + 3);
        await r('sadd', 'set', ...members);
        const entries = await slowlogGet();
        const e = entries[entries.length - 2]!;
        return e[3];
      },
      { okPattern: 'sadd set 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 {... (2 more arguments)}' },
    );

    await test(
      'SLOWLOG - too long arguments are trimmed',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 0);
        await r('slowlog', 'reset');
        const arg = 'A'.repeat(129);
        await r('sadd', 'set', 'foo', arg);
        const entries = await slowlogGet();
        const e = entries[entries.length - 2]!;
        return e[3];
      },
      { okPattern: `sadd set foo {${'A'.repeat(128)}... (1 more bytes)}` },
    );

    await test(
      'SLOWLOG - EXEC is not logged, just executed commands',
      async () => {
        await r('config', 'set', 'slowlog-log-slower-than', 100000);
        await r('slowlog', 'reset');
        assertEqual(await r('slowlog', 'len'), 0);
        await r('multi');
        await r('debug', 'sleep', 0.2);
        await r('exec');
        assertEqual(await r('slowlog', 'len'), 1);
        const e = (await slowlogGet())[0]!;
        assertEqual(e[3], 'debug sleep 0.2');
      },
      { okPattern: '', tags: ['needs:debug'] },
    );

    await test(
      'SLOWLOG - can clean older entries',
      async () => {
        await r('client', 'setname', 'lastentry_client');
        await r('config', 'set', 'slowlog-max-len', 1);
        await r('debug', 'sleep', 0.2);
        assert((await slowlogGet()).length === 1, 'slowlog get has 1 entry');
        const e = (await slowlogGet())[0]!;
        assertEqual('lastentry_client', e[5]);
      },
      { okPattern: '', tags: ['needs:debug'] },
    );

    await test(
      'SLOWLOG - can be disabled',
      async () => {
        await r('config', 'set', 'slowlog-max-len', 1);
        await r('config', 'set', 'slowlog-log-slower-than', 1);
        await r('slowlog', 'reset');
        await r('debug', 'sleep', 0.2);
        assertEqual(await r('slowlog', 'len'), 1);
        await r('config', 'set', 'slowlog-log-slower-than', -1);
        await r('slowlog', 'reset');
        await r('debug', 'sleep', 0.2);
        assertEqual(await r('slowlog', 'len'), 0);
      },
      { okPattern: '', tags: ['needs:debug'] },
    );

    await test('SLOWLOG - count must be >= -1', async () => {
      await assertError('ERR count should be greater than or equal to -1', () => r('slowlog', 'get', -2));
      await assertError('ERR count should be greater than or equal to -1', () => r('slowlog', 'get', -222));
    });

    await test('SLOWLOG - get all slow logs', async () => {
      await r('config', 'set', 'slowlog-log-slower-than', 0);
      await r('config', 'set', 'slowlog-max-len', 3);
      await r('slowlog', 'reset');

      await r('set', 'key', 'test');
      await r('sadd', 'set', 'a', 'b', 'c');
      await r('incr', 'num');
      await r('lpush', 'list', 'a');

      assertEqual(await r('slowlog', 'len'), 3);
      assertEqual(0, (await slowlogGet(0)).length);
      assertEqual(1, (await slowlogGet(1)).length);
      assertEqual(3, (await slowlogGet(-1)).length);
      assertEqual(3, (await slowlogGet(3)).length);
    });
  });
});
