// Port of tests/unit/functions.tcl (Redis 7.0.15).
import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  assertMatch,
  tclCatch,
  tclString,
  sleep,
  waitForCondition,
  waitForBgrewriteaof,
  type ServerHandle,
  tclCatchValue,
} from '../../harness/index.ts';

/** A library with one function whose body is `body` (Tcl get_function_code). */
function functionCode(engine: string, lib: string, fn: string, body: string): string {
  return `#!${engine} name=${lib}\nredis.register_function('${fn}', function(KEYS, ARGV)\n ${body} \nend)`;
}

/** The same, registered with the no-writes flag (Tcl get_no_writes_function_code). */
function noWritesFunctionCode(engine: string, lib: string, fn: string, body: string): string {
  return `#!${engine} name=${lib}\nredis.register_function{function_name='${fn}', callback=function(KEYS, ARGV)\n ${body} \nend, flags={'no-writes'}}`;
}

const TEST_LIST = '{library_name test engine LUA functions {{name test description {} flags {}}}}';
const TEST_LIST_NO_WRITES = '{library_name test engine LUA functions {{name test description {} flags no-writes}}}';
const BUSY_LOOP = 'local a = 1 while true do a = a + 1 end';

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['scripting'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);

    await test('FUNCTION - Basic usage', async () => {
      await r('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello'"));
      return r('fcall', 'test', 0);
    }, { okPattern: 'hello' });

    await test('FUNCTION - Load with unknown argument', () =>
      tclCatchValue(() => r('function', 'load', 'foo', 'bar', functionCode('LUA', 'test', 'test', "return 'hello'"))),
    { okPattern: '*Unknown option given*' });

    await test('FUNCTION - Create an already exiting library raise error', () =>
      tclCatchValue(() => r('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello1'"))),
    { okPattern: '*already exists*' });

    await test('FUNCTION - Create an already exiting library raise error (case insensitive)', () =>
      tclCatchValue(() => r('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello1'"))),
    { okPattern: '*already exists*' });

    await test('FUNCTION - Create a library with wrong name format', () =>
      // A literal backslash and zero: the name must be rejected for its characters.
      tclCatchValue(() => r('function', 'load', functionCode('LUA', 'bad\\0foramat', 'test', "return 'hello1'"))),
    { okPattern: '*Library names can only contain letters, numbers, or underscores(_)*' });

    await test('FUNCTION - Create library with unexisting engine', () =>
      tclCatchValue(() => r('function', 'load', functionCode('bad_engine', 'test', 'test', "return 'hello1'"))),
    { okPattern: "*Engine 'bad_engine' not found*" });

    await test('FUNCTION - Test uncompiled script', () =>
      tclCatchValue(() => r('function', 'load', 'replace', functionCode('LUA', 'test', 'test', 'bad script'))),
    { okPattern: '*Error compiling function*' });

    await test('FUNCTION - test replace argument', async () => {
      await r('function', 'load', 'REPLACE', functionCode('LUA', 'test', 'test', "return 'hello1'"));
      return r('fcall', 'test', 0);
    }, { okPattern: 'hello1' });

    await test('FUNCTION - test function case insensitive', () => r('fcall', 'TEST', 0), { okPattern: 'hello1' });

    await test('FUNCTION - test replace argument with failure keeps old libraries', async () => {
      await tclCatch(() => r('function', 'create', 'LUA', 'test', 'REPLACE', 'error'));
      return r('fcall', 'test', 0);
    }, { okPattern: 'hello1' });

    await test('FUNCTION - test function delete', async () => {
      await r('function', 'delete', 'test');
      return tclCatchValue(() => r('fcall', 'test', 0));
    }, { okPattern: '*Function not found*' });

    await test('FUNCTION - test fcall bad arguments', async () => {
      await r('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello'"));
      return tclCatchValue(() => r('fcall', 'test', 'bad_arg'));
    }, { okPattern: '*Bad number of keys provided*' });

    await test('FUNCTION - test fcall bad number of keys arguments', () => tclCatchValue(() => r('fcall', 'test', 10, 'key1')), {
      okPattern: "*Number of keys can't be greater than number of args*",
    });

    await test('FUNCTION - test fcall negative number of keys', () => tclCatchValue(() => r('fcall', 'test', -1, 'key1')), {
      okPattern: "*Number of keys can't be negative*",
    });

    await test('FUNCTION - test delete on not exiting library', () => tclCatchValue(() => r('function', 'delete', 'test1')), {
      okPattern: '*Library not found*',
    });

    await test('FUNCTION - test function kill when function is not running', () => tclCatchValue(() => r('function', 'kill')), {
      okPattern: '*No scripts in execution*',
    });

    await test('FUNCTION - test wrong subcommand', () => tclCatchValue(() => r('function', 'bad_subcommand')), {
      okPattern: '*unknown subcommand*',
    });

    await test('FUNCTION - test loading from rdb', async () => {
      await r('debug', 'reload');
      return r('fcall', 'test', 0);
    }, { okPattern: 'hello', tags: ['needs:debug'] });

    await test('FUNCTION - test debug reload different options', async () => {
      const e = await tclCatchValue(() => r('debug', 'reload', 'noflush'));
      assertMatch('*Error trying to load the RDB*', e);
      await r('debug', 'reload', 'noflush', 'merge');
      return r('function', 'list');
    }, { okPattern: TEST_LIST, tags: ['needs:debug'] });

    await test('FUNCTION - test debug reload with nosave and noflush', async () => {
      await r('function', 'delete', 'test');
      await r('set', 'x', 1);
      await r('function', 'load', functionCode('LUA', 'test1', 'test1', "return 'hello'"));
      await r('debug', 'reload');
      await r('function', 'load', functionCode('LUA', 'test2', 'test2', "return 'hello'"));
      await r('debug', 'reload', 'nosave', 'noflush', 'merge');
      assertEqual(await r('fcall', 'test1', 0), 'hello');
      assertEqual(await r('fcall', 'test2', 0), 'hello');
      return '';
    }, { okPattern: '', tags: ['needs:debug'] });

    await test('FUNCTION - test flushall and flushdb do not clean functions', async () => {
      await r('function', 'flush');
      await r('function', 'load', 'REPLACE', functionCode('lua', 'test', 'test', "return redis.call('set', 'x', '1')"));
      await r('flushall');
      await r('flushdb');
      return r('function', 'list');
    }, { okPattern: TEST_LIST });

    await test('FUNCTION - test function dump and restore', async () => {
      await r('function', 'flush');
      await r('function', 'load', functionCode('lua', 'test', 'test', "return 'hello'"));
      const e = await dump(server);
      await r('function', 'delete', 'test');
      assertMatch('', await r('function', 'list'));
      await server.call('function', 'restore', e);
      return r('function', 'list');
    }, { okPattern: TEST_LIST });

    await test('FUNCTION - test function dump and restore with flush argument', async () => {
      const e = await dump(server);
      await r('function', 'flush');
      assertMatch('', await r('function', 'list'));
      await server.call('function', 'restore', e, 'FLUSH');
      return r('function', 'list');
    }, { okPattern: TEST_LIST });

    await test('FUNCTION - test function dump and restore with append argument', async () => {
      const e = await dump(server);
      await r('function', 'flush');
      assertMatch('', await r('function', 'list'));
      await r('function', 'load', functionCode('lua', 'test', 'test', "return 'hello1'"));
      const err = await tclCatchValue(() => server.call('function', 'restore', e, 'APPEND'));
      assertMatch('*already exists*', err);
      await r('function', 'flush');
      await r('function', 'load', functionCode('lua', 'test1', 'test1', "return 'hello1'"));
      await server.call('function', 'restore', e, 'APPEND');
      assertMatch('hello', await r('fcall', 'test', 0));
      assertMatch('hello1', await r('fcall', 'test1', 0));
    });

    await test('FUNCTION - test function dump and restore with replace argument', async () => {
      await r('function', 'flush');
      await r('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello'"));
      const e = await dump(server);
      await r('function', 'flush');
      assertMatch('', await r('function', 'list'));
      await r('function', 'load', functionCode('lua', 'test', 'test', "return 'hello1'"));
      assertMatch('hello1', await r('fcall', 'test', 0));
      await server.call('function', 'restore', e, 'REPLACE');
      assertMatch('hello', await r('fcall', 'test', 0));
    });

    await test('FUNCTION - test function restore with bad payload do not drop existing functions', async () => {
      await r('function', 'flush');
      await r('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello'"));
      const e = await tclCatchValue(() => r('function', 'restore', 'bad_payload'));
      assertMatch('*payload version or checksum are wrong*', e);
      return r('function', 'list');
    }, { okPattern: TEST_LIST });

    await test('FUNCTION - test function restore with wrong number of arguments', () =>
      tclCatchValue(() => r('function', 'restore', 'arg1', 'args2', 'arg3')),
    { okPattern: "*unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP." });

    await test('FUNCTION - test fcall_ro with write command', async () => {
      await r('function', 'load', 'REPLACE', noWritesFunctionCode('lua', 'test', 'test', "return redis.call('set', 'x', '1')"));
      return tclCatchValue(() => r('fcall_ro', 'test', 0));
    }, { okPattern: '*Write commands are not allowed from read-only scripts*' });

    await test('FUNCTION - test fcall_ro with read only commands', async () => {
      await r('function', 'load', 'REPLACE', noWritesFunctionCode('lua', 'test', 'test', "return redis.call('get', 'x')"));
      await r('set', 'x', 1);
      return r('fcall_ro', 'test', 0);
    }, { okPattern: '1' });

    await test('FUNCTION - test keys and argv', async () => {
      await r('function', 'load', 'REPLACE', functionCode('lua', 'test', 'test', "return redis.call('set', KEYS[1], ARGV[1])"));
      await r('fcall', 'test', 1, 'x', 'foo');
      return r('get', 'x');
    }, { okPattern: 'foo' });

    await test('FUNCTION - test command get keys on fcall', () => r('COMMAND', 'GETKEYS', 'fcall', 'test', 1, 'x', 'foo'), { okPattern: 'x' });

    await test('FUNCTION - test command get keys on fcall_ro', () => r('COMMAND', 'GETKEYS', 'fcall_ro', 'test', 1, 'x', 'foo'), { okPattern: 'x' });

    await test('FUNCTION - test function kill', async () => {
      const rd = await server.newClient();
      await r('config', 'set', 'busy-reply-threshold', 10);
      await r('function', 'load', 'REPLACE', functionCode('lua', 'test', 'test', BUSY_LOOP));
      rd.send('fcall', 'test', 0);
      await sleep(200);
      assertMatch('BUSY*', await tclCatchValue(() => r('ping')));
      assertMatch('running_script {name test command {fcall test 0} duration_ms *} engines {*}', await r('FUNCTION', 'STATS'));
      await r('function', 'kill');
      // The Lua hook must run again before the server answers.
      await sleep(200);
      assertEqual(await r('ping'), 'PONG');
    });

    await test('FUNCTION - test script kill not working on function', async () => {
      const rd = await server.newClient();
      await r('config', 'set', 'busy-reply-threshold', 10);
      await r('function', 'load', 'REPLACE', functionCode('lua', 'test', 'test', BUSY_LOOP));
      rd.send('fcall', 'test', 0);
      await sleep(200);
      assertMatch('BUSY*', await tclCatchValue(() => r('ping')));
      assertMatch('BUSY*', await tclCatchValue(() => r('script', 'kill')));
      await r('function', 'kill');
      await sleep(200);
      assertEqual(await r('ping'), 'PONG');
    });

    await test('FUNCTION - test function kill not working on eval', async () => {
      const rd = await server.newClient();
      await r('config', 'set', 'busy-reply-threshold', 10);
      rd.send('eval', BUSY_LOOP, 0);
      await sleep(200);
      assertMatch('BUSY*', await tclCatchValue(() => r('ping')));
      assertMatch('BUSY*', await tclCatchValue(() => r('function', 'kill')));
      await r('script', 'kill');
      await sleep(200);
      assertEqual(await r('ping'), 'PONG');
    });

    await test('FUNCTION - test function flush', async () => {
      for (const mode of [[], ['async'], ['sync']]) {
        await r('function', 'load', 'REPLACE', functionCode('lua', 'test', 'test', BUSY_LOOP));
        assertMatch(TEST_LIST, await r('function', 'list'));
        await r('function', 'flush', ...mode);
        assertMatch('', await r('function', 'list'));
      }
    });

    await test('FUNCTION - test function wrong argument', async () => {
      assertMatch('*only supports SYNC|ASYNC*', await tclCatchValue(() => r('function', 'flush', 'bad_arg')));
      assertMatch(
        "*unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.",
        await tclCatchValue(() => r('function', 'flush', 'sync', 'extra_arg')),
      );
    });
  });

  await startServer({ tags: ['scripting', 'repl', 'external:skip'] }, async (replica) => {
    await startServer({}, async (master) => {
      const connected = async () =>
        (await replica.status('role')) === 'slave' && String(await replica.call('info', 'replication')).includes('master_link_status:up');
      const replicaListIs = async (expected: string) => {
        await waitForCondition(150, 100, async () => tclString(await replica.call('function', 'list')) === expected, 'Failed waiting for function to replicate to replica');
      };

      await test('Connect a replica to the master instance', async () => {
        await replica.call('slaveof', master.host, master.port);
        await waitForCondition(150, 100, connected, "Can't turn the instance into a replica");
      });

      await test('FUNCTION - creation is replicated to replica', async () => {
        await master.call('function', 'load', noWritesFunctionCode('LUA', 'test', 'test', "return 'hello'"));
        await replicaListIs(TEST_LIST_NO_WRITES);
      });

      await test('FUNCTION - call on replica', () => replica.call('fcall', 'test', 0), { okPattern: 'hello' });

      await test('FUNCTION - restore is replicated to replica', async () => {
        const e = await dump(master);
        await master.call('function', 'delete', 'test');
        await replicaListIs('');
        assertEqual(await master.call('function', 'restore', e), 'OK');
        await replicaListIs(TEST_LIST_NO_WRITES);
      });

      await test('FUNCTION - delete is replicated to replica', async () => {
        await master.call('function', 'delete', 'test');
        await replicaListIs('');
      });

      await test('FUNCTION - flush is replicated to replica', async () => {
        await master.call('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello'"));
        await replicaListIs(TEST_LIST);
        await master.call('function', 'flush');
        await replicaListIs('');
      });

      await test('Disconnecting the replica from master instance', async () => {
        await replica.call('slaveof', 'no', 'one');
        // Loaded while disconnected, so the replica can only get it from the RDB of the full sync.
        await master.call('function', 'load', noWritesFunctionCode('LUA', 'test', 'test', "return 'hello'"));
        await replica.call('slaveof', master.host, master.port);
        await waitForCondition(150, 100, connected, "Can't turn the instance into a replica");
      });

      await test('FUNCTION - test replication to replica on rdb phase', () => replica.call('fcall', 'test', 0), { okPattern: 'hello' });

      await test('FUNCTION - test replication to replica on rdb phase info command', () => replica.call('function', 'list'), {
        okPattern: TEST_LIST_NO_WRITES,
      });

      await test('FUNCTION - create on read only replica', () =>
        tclCatchValue(() => replica.call('function', 'load', functionCode('LUA', 'test', 'test', "return 'hello'"))),
      { okPattern: "*can't write against a read only replica*" });

      await test('FUNCTION - delete on read only replica', () => tclCatchValue(() => replica.call('function', 'delete', 'test')), {
        okPattern: "*can't write against a read only replica*",
      });

      await test('FUNCTION - function effect is replicated to replica', async () => {
        await master.call('function', 'load', 'REPLACE', functionCode('LUA', 'test', 'test', "return redis.call('set', 'x', '1')"));
        await master.call('fcall', 'test', 0);
        assert((await master.call('get', 'x')) === '1', "[r get x] eq {1}");
        await waitForCondition(150, 100, async () => (await replica.call('get', 'x')) === '1', 'Failed waiting function effect to be replicated to replica');
      });

      await test('FUNCTION - modify key space of read only replica', () => tclCatchValue(() => replica.call('fcall', 'test', 0)), {
        okPattern: "READONLY You can't write against a read only replica.",
      });
    });
  });

  await test('FUNCTION can processes create, delete and flush commands in AOF when doing "debug loadaof" in read-only slaves', async () => {
    await startServer({}, async (server) => {
      const r = (...args: Array<string | number>) => server.call(...args);
      const lib = "#!lua name=test\nredis.register_function('test', function() return 'hello' end)";
      // Loading the AOF as a read-only replica must still apply the function commands in it.
      const reloadAsReplica = async () => {
        await r('slaveof', '127.0.0.1', 0);
        await r('debug', 'loadaof');
        await r('slaveof', 'no', 'one');
      };
      await r('config', 'set', 'appendonly', 'yes');
      await waitForBgrewriteaof(server);
      await r('FUNCTION', 'LOAD', lib);
      await r('config', 'set', 'slave-read-only', 'yes');
      await reloadAsReplica();
      assertEqual(await r('function', 'list'), TEST_LIST);

      await r('FUNCTION', 'DELETE', 'test');
      await reloadAsReplica();
      assertEqual(await r('function', 'list'), []);

      await r('FUNCTION', 'LOAD', lib);
      await r('FUNCTION', 'FLUSH');
      await reloadAsReplica();
      assertEqual(await r('function', 'list'), []);
    });
    return '';
  }, { okPattern: '', tags: ['needs:debug', 'external:skip'] });

  await startServer({ tags: ['scripting'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);
    const loadReplaceError = (code: string) => tclCatchValue(() => r('function', 'load', 'replace', code));

    await test('LIBRARIES - test shared function can access default globals', async () => {
      await r('function', 'load', `#!lua name=lib1
            local function ping()
                return redis.call('ping')
            end
            redis.register_function(
                'f1',
                function(keys, args)
                    return ping()
                end
            )
        `);
      return r('fcall', 'f1', 0);
    }, { okPattern: 'PONG' });

    await test('LIBRARIES - usage and code sharing', async () => {
      await r('function', 'load', 'REPLACE', `#!lua name=lib1
            local function add1(a)
                return a + 1
            end
            redis.register_function(
                'f1',
                function(keys, args)
                    return add1(1)
                end
            )
            redis.register_function(
                'f2',
                function(keys, args)
                    return add1(2)
                end
            )
        `);
      assertEqual(await r('fcall', 'f1', 0), 2);
      assertEqual(await r('fcall', 'f2', 0), 3);
      return r('function', 'list');
    }, { okPattern: '{library_name lib1 engine LUA functions {*}}' });

    await test('LIBRARIES - test registration failure revert the entire load', async () => {
      const e = await loadReplaceError(`#!lua name=lib1
                local function add1(a)
                    return a + 2
                end
                redis.register_function(
                    'f1',
                    function(keys, args)
                        return add1(1)
                    end
                )
                redis.register_function(
                    'f2',
                    'not a function'
                )
            `);
      assertMatch('*second argument to redis.register_function must be a function*', e);
      assertEqual(await r('fcall', 'f1', 0), 2);
      assertEqual(await r('fcall', 'f2', 0), 3);
    });

    await test('LIBRARIES - test registration function name collision', async () => {
      const e = await loadReplaceError(`#!lua name=lib2
                redis.register_function(
                    'f1',
                    function(keys, args)
                        return 1
                    end
                )
            `);
      assertMatch('*Function f1 already exists*', e);
      assertEqual(await r('fcall', 'f1', 0), 2);
      assertEqual(await r('fcall', 'f2', 0), 3);
    });

    await test('LIBRARIES - test registration function name collision on same library', () =>
      loadReplaceError(`#!lua name=lib2
                redis.register_function(
                    'f1',
                    function(keys, args)
                        return 1
                    end
                )
                redis.register_function(
                    'f1',
                    function(keys, args)
                        return 1
                    end
                )
            `),
    { okPattern: '*Function already exists in the library*' });

    await test('LIBRARIES - test registration with no argument', () =>
      loadReplaceError(`#!lua name=lib2
                redis.register_function()
            `),
    { okPattern: '*wrong number of arguments to redis.register_function*' });

    await test('LIBRARIES - test registration with only name', () =>
      loadReplaceError(`#!lua name=lib2
                redis.register_function('f1')
            `),
    { okPattern: '*calling redis.register_function with a single argument is only applicable to Lua table*' });

    await test('LIBRARIES - test registration with to many arguments', () =>
      loadReplaceError(`#!lua name=lib2
                redis.register_function('f1', function() return 1 end, {}, 'description', 'extra arg')
            `),
    { okPattern: '*wrong number of arguments to redis.register_function*' });

    await test('LIBRARIES - test registration with no string name', () =>
      loadReplaceError(`#!lua name=lib2
                redis.register_function(nil, function() return 1 end)
            `),
    { okPattern: '*first argument to redis.register_function must be a string*' });

    await test('LIBRARIES - test registration with wrong name format', () =>
      // Lua reads the escape as a NUL byte inside the function name.
      loadReplaceError(`#!lua name=lib2
                redis.register_function('test\\0test', function() return 1 end)
            `),
    { okPattern: '*Library names can only contain letters, numbers, or underscores(_) and must be at least one character long*' });

    await test('LIBRARIES - test registration with empty name', () =>
      loadReplaceError(`#!lua name=lib2
                redis.register_function('', function() return 1 end)
            `),
    { okPattern: '*Library names can only contain letters, numbers, or underscores(_) and must be at least one character long*' });

    await test('LIBRARIES - math.random from function load', () =>
      loadReplaceError(`#!lua name=lib2
                return math.random()
            `),
    { okPattern: "*attempted to access nonexistent global variable 'math'*" });

    await test('LIBRARIES - redis.call from function load', () =>
      loadReplaceError(`#!lua name=lib2
                return redis.call('ping')
            `),
    { okPattern: "*attempted to access nonexistent global variable 'call'*" });

    await test('LIBRARIES - redis.setresp from function load', () =>
      loadReplaceError(`#!lua name=lib2
                return redis.setresp(3)
            `),
    { okPattern: "*attempted to access nonexistent global variable 'setresp'*" });

    await test('LIBRARIES - redis.set_repl from function load', () =>
      loadReplaceError(`#!lua name=lib2
                return redis.set_repl(redis.REPL_NONE)
            `),
    { okPattern: "*attempted to access nonexistent global variable 'set_repl'*" });

    await test('LIBRARIES - malicious access test', async () => {
      // The library object leaks into function context here; the C side must still refuse.
      await r('function', 'load', 'replace', `#!lua name=lib1
            local lib = redis
            lib.register_function('f1', function ()
                lib.redis = redis
                lib.math = math
                return {ok='OK'}
            end)

            lib.register_function('f2', function ()
                lib.register_function('f1', function ()
                    lib.redis = redis
                    lib.math = math
                    return {ok='OK'}
                end)
            end)
        `);
      assertMatch('*Attempt to modify a readonly table*', await tclCatchValue(() => r('fcall', 'f1', 0)));
      assertMatch(
        "*Script attempted to access nonexistent global variable 'math'*",
        await tclCatchValue(() => r('function', 'load', `#!lua name=lib2
            redis.math.random()
        `)),
      );
      assertMatch(
        "*Script attempted to access nonexistent global variable 'redis'*",
        await tclCatchValue(() => r('function', 'load', `#!lua name=lib2
            redis.redis.call('ping')
        `)),
      );
      assertMatch('*can only be called on FUNCTION LOAD command*', await tclCatchValue(() => r('fcall', 'f2', 0)));
    });

    await test('LIBRARIES - delete removed all functions on library', async () => {
      await r('function', 'delete', 'lib1');
      return r('function', 'list');
    }, { okPattern: '' });

    await test('LIBRARIES - register function inside a function', async () => {
      await r('function', 'load', `#!lua name=lib
            redis.register_function(
                'f1',
                function(keys, args)
                    redis.register_function(
                        'f2',
                        function(key, args)
                            return 2
                        end
                    )
                    return 1
                end
            )
        `);
      return tclCatchValue(() => r('fcall', 'f1', 0));
    }, { okPattern: "*attempt to call field 'register_function' (a nil value)*" });

    await test('LIBRARIES - register library with no functions', async () => {
      await r('function', 'flush');
      return tclCatchValue(() => r('function', 'load', `#!lua name=lib
                return 1
            `));
    }, { okPattern: '*No functions registered*' });

    await test('LIBRARIES - load timeout', () =>
      tclCatchValue(() => r('function', 'load', `#!lua name=lib
                local a = 1
                while 1 do a = a + 1 end
            `)),
    { okPattern: '*FUNCTION LOAD timeout*' });

    await test('LIBRARIES - verify global protection on the load run', () =>
      tclCatchValue(() => r('function', 'load', `#!lua name=lib
                a = 1
            `)),
    { okPattern: '*Attempt to modify a readonly table*' });

    await test('LIBRARIES - named arguments', async () => {
      await r('function', 'load', `#!lua name=lib
            redis.register_function{
                function_name='f1',
                callback=function()
                    return 'hello'
                end,
                description='some desc'
            }
        `);
      return r('function', 'list');
    }, { okPattern: '{library_name lib engine LUA functions {{name f1 description {some desc} flags {}}}}' });

    await test('LIBRARIES - named arguments, bad function name', () =>
      loadReplaceError(`#!lua name=lib
                redis.register_function{
                    function_name=function() return 1 end,
                    callback=function()
                        return 'hello'
                    end,
                    description='some desc'
                }
            `),
    { okPattern: '*function_name argument given to redis.register_function must be a string*' });

    await test('LIBRARIES - named arguments, bad callback type', () =>
      loadReplaceError(`#!lua name=lib
                redis.register_function{
                    function_name='f1',
                    callback='bad',
                    description='some desc'
                }
            `),
    { okPattern: '*callback argument given to redis.register_function must be a function*' });

    await test('LIBRARIES - named arguments, bad description', () =>
      loadReplaceError(`#!lua name=lib
                redis.register_function{
                    function_name='f1',
                    callback=function()
                        return 'hello'
                    end,
                    description=function() return 1 end
                }
            `),
    { okPattern: '*description argument given to redis.register_function must be a string*' });

    await test('LIBRARIES - named arguments, unknown argument', () =>
      loadReplaceError(`#!lua name=lib
                redis.register_function{
                    function_name='f1',
                    callback=function()
                        return 'hello'
                    end,
                    description='desc',
                    some_unknown='unknown'
                }
            `),
    { okPattern: '*unknown argument given to redis.register_function*' });

    await test('LIBRARIES - named arguments, missing function name', () =>
      loadReplaceError(`#!lua name=lib
                redis.register_function{
                    callback=function()
                        return 'hello'
                    end,
                    description='desc'
                }
            `),
    { okPattern: '*redis.register_function must get a function name argument*' });

    await test('LIBRARIES - named arguments, missing callback', () =>
      loadReplaceError(`#!lua name=lib
                redis.register_function{
                    function_name='f1',
                    description='desc'
                }
            `),
    { okPattern: '*redis.register_function must get a callback argument*' });

    await test('FUNCTION - test function restore with function name collision', async () => {
      await r('function', 'flush');
      await r('function', 'load', `#!lua name=lib1
            local function add1(a)
                return a + 1
            end
            redis.register_function(
                'f1',
                function(keys, args)
                    return add1(1)
                end
            )
            redis.register_function(
                'f2',
                function(keys, args)
                    return add1(2)
                end
            )
            redis.register_function(
                'f3',
                function(keys, args)
                    return add1(3)
                end
            )
        `);
      const e = await dump(server);
      await r('function', 'flush');

      // Same library name as the dump with other functions, and another library that owns f3.
      await r('function', 'load', `#!lua name=lib1
            redis.register_function(
                'f6',
                function(keys, args)
                    return 7
                end
            )
        `);
      await r('function', 'load', `#!lua name=lib2
            local function add1(a)
                return a + 1
            end
            redis.register_function(
                'f4',
                function(keys, args)
                    return add1(4)
                end
            )
            redis.register_function(
                'f5',
                function(keys, args)
                    return add1(5)
                end
            )
            redis.register_function(
                'f3',
                function(keys, args)
                    return add1(3)
                end
            )
        `);

      const unchanged = async () => {
        assertEqual(await r('fcall', 'f3', 0), 4);
        assertEqual(await r('fcall', 'f4', 0), 5);
        assertEqual(await r('fcall', 'f5', 0), 6);
        assertEqual(await r('fcall', 'f6', 0), 7);
      };
      assertMatch('*Library lib1 already exists*', await tclCatchValue(() => server.call('function', 'restore', e)));
      await unchanged();
      assertMatch('*Function f3 already exists*', await tclCatchValue(() => server.call('function', 'restore', e, 'replace')));
      await unchanged();
    });

    await test('FUNCTION - test function list with code', async () => {
      await r('function', 'flush');
      await r('function', 'load', `#!lua name=library1
            redis.register_function('f6', function(keys, args) return 7 end)
        `);
      return r('function', 'list', 'withcode');
    }, {
      okPattern:
        "{library_name library1 engine LUA functions {{name f6 description {} flags {}}} library_code {*redis.register_function('f6', function(keys, args) return 7 end)*}}",
    });

    await test('FUNCTION - test function list with pattern', async () => {
      await r('function', 'load', `#!lua name=lib1
            redis.register_function('f7', function(keys, args) return 7 end)
        `);
      return r('function', 'list', 'libraryname', 'library*');
    }, { okPattern: '{library_name library1 engine LUA functions {{name f6 description {} flags {}}}}' });

    await test('FUNCTION - test function list wrong argument', () => tclCatchValue(() => r('function', 'list', 'bad_argument')), {
      okPattern: '*Unknown argument bad_argument*',
    });

    await test('FUNCTION - test function list with bad argument to library name', () => tclCatchValue(() => r('function', 'list', 'libraryname')), {
      okPattern: '*library name argument was not given*',
    });

    await test('FUNCTION - test function list withcode multiple times', () => tclCatchValue(() => r('function', 'list', 'withcode', 'withcode')), {
      okPattern: '*Unknown argument withcode*',
    });

    await test('FUNCTION - test function list libraryname multiple times', () =>
      tclCatchValue(() => r('function', 'list', 'withcode', 'libraryname', 'foo', 'libraryname', 'foo')),
    { okPattern: '*Unknown argument libraryname*' });

    await test('FUNCTION - verify OOM on function load and function restore', async () => {
      const code = `#!lua name=test
            redis.register_function('f1', function() return 1 end)
        `;
      await r('function', 'flush');
      await r('function', 'load', 'replace', code);
      const payload = await dump(server);
      await r('config', 'set', 'maxmemory', 1);

      await r('function', 'flush');
      assertMatch('*command not allowed when used memory*', await loadReplaceError(code));

      await r('function', 'flush');
      assertMatch('*command not allowed when used memory*', await tclCatchValue(() => server.call('function', 'restore', payload)));

      return r('config', 'set', 'maxmemory', 0);
    }, { okPattern: 'OK', tags: ['needs:config-maxmemory'] });

    await test('FUNCTION - verify allow-omm allows running any command', async () => {
      await r('FUNCTION', 'load', 'replace', `#!lua name=f1
            redis.register_function{
                function_name='f1',
                callback=function() return redis.call('set', 'x', '1') end,
                flags={'allow-oom'}
            }
        `);

      await r('config', 'set', 'maxmemory', 1);

      assertMatch('OK', await r('fcall', 'f1', 1, 'x'));
      assertMatch('1', await r('get', 'x'));

      return r('config', 'set', 'maxmemory', 0);
    }, { okPattern: 'OK', tags: ['needs:config-maxmemory'] });
  });

  await startServer({ tags: ['scripting'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);
    const loadReplaceError = (code: string) => tclCatchValue(() => r('function', 'load', 'replace', code));

    await test('FUNCTION - wrong flags type named arguments', () =>
      loadReplaceError(`#!lua name=test
            redis.register_function{
                function_name = 'f1',
                callback = function() return 1 end,
                flags = 'bad flags type'
            }
        `),
    { okPattern: '*flags argument to redis.register_function must be a table representing function flags*' });

    await test('FUNCTION - wrong flag type', () =>
      loadReplaceError(`#!lua name=test
            redis.register_function{
                function_name = 'f1',
                callback = function() return 1 end,
                flags = {function() return 1 end}
            }
        `),
    { okPattern: '*unknown flag given*' });

    await test('FUNCTION - unknown flag', () =>
      loadReplaceError(`#!lua name=test
            redis.register_function{
                function_name = 'f1',
                callback = function() return 1 end,
                flags = {'unknown'}
            }
        `),
    { okPattern: '*unknown flag given*' });

    await test('FUNCTION - write script on fcall_ro', async () => {
      await r('function', 'load', 'replace', `#!lua name=test
            redis.register_function{
                function_name = 'f1',
                callback = function() return redis.call('set', 'x', 1) end
            }
        `);
      return tclCatchValue(() => r('fcall_ro', 'f1', 0));
    }, { okPattern: '*Can not execute a script with write flag using \\*_ro command*' });

    await test('FUNCTION - write script with no-writes flag', async () => {
      await r('function', 'load', 'replace', `#!lua name=test
            redis.register_function{
                function_name = 'f1',
                callback = function() return redis.call('set', 'x', 1) end,
                flags = {'no-writes'}
            }
        `);
      return tclCatchValue(() => r('fcall', 'f1', 0));
    }, { okPattern: '*Write commands are not allowed from read-only scripts*' });

    await test('FUNCTION - deny oom', async () => {
      await r('FUNCTION', 'load', 'replace', `#!lua name=test
            redis.register_function('f1', function() return redis.call('set', 'x', '1') end) 
        `);

      await r('config', 'set', 'maxmemory', 1);

      assertMatch("OOM *when used memory > 'maxmemory'*", await tclCatchValue(() => r('fcall', 'f1', 1, 'k')));

      return r('config', 'set', 'maxmemory', 0);
    }, { okPattern: 'OK', tags: ['needs:config-maxmemory'] });

    await test('FUNCTION - deny oom on no-writes function', async () => {
      await r('FUNCTION', 'load', 'replace', `#!lua name=test
            redis.register_function{function_name='f1', callback=function() return 'hello' end, flags={'no-writes'}}
        `);

      await r('config', 'set', 'maxmemory', 1);

      assertEqual(await r('fcall', 'f1', 1, 'k'), 'hello');
      assertEqual(await r('fcall_ro', 'f1', 1, 'k'), 'hello');

      return r('config', 'set', 'maxmemory', 0);
    }, { okPattern: 'OK', tags: ['needs:config-maxmemory'] });

    await test('FUNCTION - allow stale', async () => {
      await r('FUNCTION', 'load', 'replace', `#!lua name=test
            redis.register_function{function_name='f1', callback=function() return 'hello' end, flags={'no-writes'}}
            redis.register_function{function_name='f2', callback=function() return 'hello' end, flags={'allow-stale', 'no-writes'}}
            redis.register_function{function_name='f3', callback=function() return redis.call('get', 'x') end, flags={'allow-stale', 'no-writes'}}
            redis.register_function{function_name='f4', callback=function() return redis.call('info', 'server') end, flags={'allow-stale', 'no-writes'}}
        `);

      await r('config', 'set', 'replica-serve-stale-data', 'no');
      await r('replicaof', '127.0.0.1', 1);

      assertMatch('MASTERDOWN *', await tclCatchValue(() => r('fcall', 'f1', 0)));

      assertEqual('hello', await r('fcall', 'f2', 0));

      assertMatch('ERR *Can not execute the command on a stale replica*', await tclCatchValue(() => r('fcall', 'f3', 0)));

      assertMatch('*redis_version*', await r('fcall', 'f4', 0));

      await r('replicaof', 'no', 'one');
      await r('config', 'set', 'replica-serve-stale-data', 'yes');
      return '';
    }, { okPattern: '', tags: ['external:skip'] });

    await test('FUNCTION - redis version api', async () => {
      await r('FUNCTION', 'load', 'replace', `#!lua name=test
            local version = redis.REDIS_VERSION_NUM

            redis.register_function{function_name='get_version_v1', callback=function()
              return string.format('%s.%s.%s',
                                    bit.band(bit.rshift(version, 16), 0x000000ff),
                                    bit.band(bit.rshift(version, 8), 0x000000ff),
                                    bit.band(version, 0x000000ff))
            end}
            redis.register_function{function_name='get_version_v2', callback=function() return redis.REDIS_VERSION end}
        `);

      // f1 is gone with the replaced library: the error is expected and ignored, as upstream.
      await tclCatch(() => r('fcall', 'f1', 0));
      assertEqual(await r('fcall', 'get_version_v1', 0), await r('fcall', 'get_version_v2', 0));
    });

    await test('FUNCTION - function stats', async () => {
      await r('FUNCTION', 'FLUSH');

      await r('FUNCTION', 'load', `#!lua name=test1
            redis.register_function('f1', function() return 1 end)
            redis.register_function('f2', function() return 1 end)
        `);

      await r('FUNCTION', 'load', `#!lua name=test2
            redis.register_function('f3', function() return 1 end)
        `);

      return r('function', 'stats');
    }, { okPattern: 'running_script {} engines {LUA {libraries_count 2 functions_count 3}}' });

    await test('FUNCTION - function stats reloaded correctly from rdb', async () => {
      await r('debug', 'reload');
      return r('function', 'stats');
    }, { okPattern: 'running_script {} engines {LUA {libraries_count 2 functions_count 3}}', tags: ['needs:debug'] });

    await test('FUNCTION - function stats delete library', async () => {
      await r('function', 'delete', 'test1');
      return r('function', 'stats');
    }, { okPattern: 'running_script {} engines {LUA {libraries_count 1 functions_count 1}}' });

    await test('FUNCTION - test function stats on loading failure', async () => {
      await r('FUNCTION', 'FLUSH');

      await r('FUNCTION', 'load', `#!lua name=test1
            redis.register_function('f1', function() return 1 end)
            redis.register_function('f2', function() return 1 end)
        `);

      const e = await tclCatchValue(() => r('FUNCTION', 'load', `#!lua name=test1
            redis.register_function('f3', function() return 1 end)
        `));
      assertMatch("*Library 'test1' already exists*", e);

      return r('function', 'stats');
    }, { okPattern: 'running_script {} engines {LUA {libraries_count 1 functions_count 2}}' });

    await test('FUNCTION - function stats cleaned after flush', async () => {
      await r('function', 'flush');
      return r('function', 'stats');
    }, { okPattern: 'running_script {} engines {LUA {libraries_count 0 functions_count 0}}' });

    await test('FUNCTION - function test empty engine', () =>
      loadReplaceError(`#! name=test
            redis.register_function('foo', function() return 1 end)
        `),
    { okPattern: "ERR Engine '' not found" });

    await test('FUNCTION - function test unknown metadata value', () =>
      loadReplaceError(`#!lua name=test foo=bar
            redis.register_function('foo', function() return 1 end)
        `),
    { okPattern: 'ERR Invalid metadata value given: foo=bar' });

    await test('FUNCTION - function test no name', () =>
      loadReplaceError(`#!lua
            redis.register_function('foo', function() return 1 end)
        `),
    { okPattern: 'ERR Library name was not given' });

    await test('FUNCTION - function test multiple names', () =>
      loadReplaceError(`#!lua name=foo name=bar
            redis.register_function('foo', function() return 1 end)
        `),
    { okPattern: 'ERR Invalid metadata value, name argument was given multiple times' });

    await test('FUNCTION - function test name with quotes', () =>
      r('function', 'load', 'replace', `#!lua name="foo"
            redis.register_function('foo', function() return 1 end)
        `),
    { okPattern: 'foo' });

    await test('FUNCTION - trick global protection 1', async () => {
      await r('FUNCTION', 'FLUSH');

      await r('FUNCTION', 'load', `#!lua name=test1
            redis.register_function('f1', function() 
                mt = getmetatable(_G)
                original_globals = mt.__index
                original_globals['redis'] = function() return 1 end
            end)
        `);

      return tclCatchValue(() => r('fcall', 'f1', 0));
    }, { okPattern: '*Attempt to modify a readonly table*' });

    await test('FUNCTION - test getmetatable on script load', async () => {
      await r('FUNCTION', 'FLUSH');

      return tclCatchValue(() => r('FUNCTION', 'load', `#!lua name=test1
                mt = getmetatable(_G)
            `));
    }, { okPattern: "*Script attempted to access nonexistent global variable 'getmetatable'*" });
  });
});

/** FUNCTION DUMP as bytes: the payload is binary and must go back unchanged. */
async function dump(server: ServerHandle): Promise<Buffer> {
  const client = await server.newClient({ buffers: true });
  try {
    return (await client.call('function', 'dump')) as Buffer;
  } finally {
    client.destroy();
  }
}
