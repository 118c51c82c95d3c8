// Port of tests/unit/introspection-2.tcl.
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
  assertNoMatch,
  assertNotEqual,
  cmdrstat,
  sleep,
  type Reply,
  lsearch,
} from '../../harness/index.ts';

const cmdstat = (cmd: string) => cmdrstat(cmd, srv(0));

export default suite(async () => {
  await startServer({ tags: ['introspection'] }, async () => {
    await test('TTL, TYPE and EXISTS do not alter the last access time of a key', async () => {
      await r('set', 'foo', 'bar');
      await sleep(3000);
      await r('ttl', 'foo');
      await r('type', 'foo');
      await r('exists', 'foo');
      assert(Number(await r('object', 'idletime', 'foo')) >= 2, 'idletime >= 2');
    });

    await test('TOUCH alters the last access time of a key', async () => {
      await r('set', 'foo', 'bar');
      await sleep(3000);
      await r('touch', 'foo');
      assert(Number(await r('object', 'idletime', 'foo')) < 2, 'idletime < 2');
    });

    await test(
      'TOUCH returns the number of existing keys specified',
      async () => {
        await r('flushdb');
        await r('set', 'key1{t}', 1);
        await r('set', 'key2{t}', 2);
        return r('touch', 'key0{t}', 'key1{t}', 'key2{t}', 'key3{t}');
      },
      { okPattern: '2' },
    );

    const resetstat = { okPattern: '', tags: ['needs:config-resetstat'] };

    await test(
      'command stats for GEOADD',
      async () => {
        await r('config', 'resetstat');
        await r('GEOADD', 'foo', 0, 0, 'bar');
        assertMatch('*calls=1,*', await cmdstat('geoadd'));
        assertMatch('', await cmdstat('zadd'));
      },
      resetstat,
    );

    await test(
      'errors stats for GEOADD',
      async () => {
        await r('config', 'resetstat');
        // GEOADD must fail on a key of another type.
        await r('set', 'foo', 1);
        await assertError('WRONGTYPE Operation against a key holding the wrong kind of value*', () => r('GEOADD', 'foo', 0, 0, 'bar'));
        assertMatch('*calls=1*,rejected_calls=0,failed_calls=1*', await cmdstat('geoadd'));
        assertMatch('', await cmdstat('zadd'));
      },
      resetstat,
    );

    await test(
      'command stats for EXPIRE',
      async () => {
        await r('config', 'resetstat');
        await r('SET', 'foo', 'bar');
        await r('EXPIRE', 'foo', 0);
        assertMatch('*calls=1,*', await cmdstat('expire'));
        assertMatch('', await cmdstat('del'));
      },
      resetstat,
    );

    await test(
      'command stats for BRPOP',
      async () => {
        await r('config', 'resetstat');
        await r('LPUSH', 'list', 'foo');
        await r('BRPOP', 'list', 0);
        assertMatch('*calls=1,*', await cmdstat('brpop'));
        assertMatch('', await cmdstat('rpop'));
      },
      resetstat,
    );

    await test(
      'command stats for MULTI',
      async () => {
        await r('config', 'resetstat');
        await r('MULTI');
        await r('set', 'foo{t}', 'bar');
        await r('GEOADD', 'foo2{t}', 0, 0, 'bar');
        await r('EXPIRE', 'foo2{t}', 0);
        await r('EXEC');
        assertMatch('*calls=1,*', await cmdstat('multi'));
        assertMatch('*calls=1,*', await cmdstat('exec'));
        assertMatch('*calls=1,*', await cmdstat('set'));
        assertMatch('*calls=1,*', await cmdstat('expire'));
        assertMatch('*calls=1,*', await cmdstat('geoadd'));
      },
      resetstat,
    );

    await test(
      'command stats for scripts',
      async () => {
        await r('config', 'resetstat');
        await r('set', 'mykey', 'myval');
        await r(
          'eval',
          `
            redis.call('set', KEYS[1], 0)
            redis.call('expire', KEYS[1], 0)
            redis.call('geoadd', KEYS[1], 0, 0, "bar")
        `,
          1,
          'mykey',
        );
        assertMatch('*calls=1,*', await cmdstat('eval'));
        assertMatch('*calls=2,*', await cmdstat('set'));
        assertMatch('*calls=1,*', await cmdstat('expire'));
        assertMatch('*calls=1,*', await cmdstat('geoadd'));
      },
      resetstat,
    );

    await test('COMMAND GETKEYS GET', async () => {
      assertEqual('key', await r('command', 'getkeys', 'get', 'key'));
    });

    await test('COMMAND GETKEYSANDFLAGS', async () => {
      assertEqual('{k1 {OW update}}', await r('command', 'getkeysandflags', 'set', 'k1', 'v1'));
      assertEqual('{k1 {OW update}} {k2 {OW update}}', await r('command', 'getkeysandflags', 'mset', 'k1', 'v1', 'k2', 'v2'));
      assertEqual('{k1 {RW access delete}} {k2 {RW insert}}', await r('command', 'getkeysandflags', 'LMOVE', 'k1', 'k2', 'left', 'right'));
      assertEqual('{k1 {RO access}} {k2 {OW update}}', await r('command', 'getkeysandflags', 'sort', 'k1', 'store', 'k2'));
    });

    await test('COMMAND GETKEYS MEMORY USAGE', async () => {
      assertEqual('key', await r('command', 'getkeys', 'memory', 'usage', 'key'));
    });

    await test('COMMAND GETKEYS XGROUP', async () => {
      assertEqual('key', await r('command', 'getkeys', 'xgroup', 'create', 'key', 'groupname', '$'));
    });

    await test('COMMAND GETKEYS EVAL with keys', async () => {
      assertEqual('key', await r('command', 'getkeys', 'eval', 'return 1', 1, 'key'));
    });

    await test('COMMAND GETKEYS EVAL without keys', async () => {
      assertEqual('', await r('command', 'getkeys', 'eval', 'return 1', 0));
    });

    await test('COMMAND GETKEYS LCS', async () => {
      assertEqual('key1 key2', await r('command', 'getkeys', 'lcs', 'key1', 'key2'));
    });

    await test('COMMAND GETKEYS MORE THAN 256 KEYS', async () => {
      const numkeys = 260;
      const allKeys: string[] = [];
      for (let i = 1; i <= numkeys; i++) allKeys.push(`key${i}`);
      // ZUNIONSTORE: the final key count is unknown at the first getKeysPrepareResult call, so the
      // result buffer grows while keys are already in it.
      assertEqual(['target', ...allKeys], await r('command', 'getkeys', 'ZUNIONSTORE', 'target', numkeys, ...allKeys));
    });

    await test('COMMAND LIST syntax error', async () => {
      await assertError('ERR syntax error*', () => r('command', 'list', 'bad_arg'));
      await assertError('ERR syntax error*', () => r('command', 'list', 'filterby', 'bad_arg'));
      await assertError('ERR syntax error*', () => r('command', 'list', 'filterby', 'bad_arg', 'bad_arg2'));
    });

    await test('COMMAND LIST WITHOUT FILTERBY', async () => {
      const commands = await r('command', 'list');
      assertNotEqual(lsearch(commands, 'set'), -1);
      assertNotEqual(lsearch(commands, 'client|list'), -1);
    });

    await test('COMMAND LIST FILTERBY ACLCAT against non existing category', async () => {
      assertEqual('', await r('command', 'list', 'filterby', 'aclcat', 'non_existing_category'));
    });

    await test('COMMAND LIST FILTERBY ACLCAT - list all commands/subcommands', async () => {
      const commands = await r('command', 'list', 'filterby', 'aclcat', 'scripting');
      assertNotEqual(lsearch(commands, 'eval'), -1);
      assertNotEqual(lsearch(commands, 'script|kill'), -1);
      // A command outside the category.
      assertEqual(lsearch(commands, 'set'), -1);
    });

    await test('COMMAND LIST FILTERBY PATTERN - list all commands/subcommands', async () => {
      assertEqual('set', await r('command', 'list', 'filterby', 'pattern', 'set'));
      assertEqual('get', await r('command', 'list', 'filterby', 'pattern', 'get'));

      // A parent command comes with its subcommands.
      let commands = await r('command', 'list', 'filterby', 'pattern', 'config*');
      assertNotEqual(lsearch(commands, 'config'), -1);
      assertNotEqual(lsearch(commands, 'config|get'), -1);

      // Subcommands of one parent.
      commands = await r('command', 'list', 'filterby', 'pattern', 'config|*re*');
      assertNotEqual(lsearch(commands, 'config|resetstat'), -1);
      assertNotEqual(lsearch(commands, 'config|rewrite'), -1);

      // Subcommands across parents.
      commands = await r('command', 'list', 'filterby', 'pattern', 'cl*help');
      assertNotEqual(lsearch(commands, 'client|help'), -1);
      assertNotEqual(lsearch(commands, 'cluster|help'), -1);

      assertEqual('', await r('command', 'list', 'filterby', 'pattern', 'non_exists'));
      assertEqual('', await r('command', 'list', 'filterby', 'pattern', 'non_exists*'));
    });

    await test('COMMAND LIST FILTERBY MODULE against non existing module', async () => {
      // Empty here: modules are covered elsewhere upstream.
      assertEqual('', await r('command', 'list', 'filterby', 'module', 'non_existing_module'));
    });

    await test('COMMAND INFO of invalid subcommands', async () => {
      assertEqual('{}', await r('command', 'info', 'get|key'));
      assertEqual('{}', await r('command', 'info', 'config|get|key'));
    });

    for (const cmd of ['SET', 'GET', 'MSET', 'BITFIELD', 'LMOVE', 'LPOP', 'BLPOP', 'PING', 'MEMORY', 'MEMORY|USAGE', 'RENAME', 'GEORADIUS_RO']) {
      await test(`${cmd} command will not be marked with movablekeys`, async () => {
        const info = ((await r('command', 'info', cmd)) as Reply[])[0] as Reply[];
        assertNoMatch('*movablekeys*', info[2]);
      });
    }

    for (const cmd of ['ZUNIONSTORE', 'XREAD', 'EVAL', 'SORT', 'SORT_RO', 'MIGRATE', 'GEORADIUS']) {
      await test(`${cmd} command is marked with movablekeys`, async () => {
        const info = ((await r('command', 'info', cmd)) as Reply[])[0] as Reply[];
        assertMatch('*movablekeys*', info[2]);
      });
    }
  });
});
