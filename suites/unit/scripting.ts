// Port of tests/unit/scripting.tcl. As upstream, the whole first part runs twice: once through
// FUNCTION LOAD + FCALL (isEval false) and once through EVAL (isEval true); the test names are the
// same in both passes. The shebang and error-reporting blocks that follow run once.
import {
  suite,
  startServer,
  test,
  srv,
  r,
  assert,
  assertEqual,
  assertMatch,
  assertError,
  tclCatch,
  tclString,
  fail,
  sleep,
  waitForCondition,
  waitForBlockedClientsCount,
  waitReplicaOnline,
  debugDigest,
  cmdrstat,
  errorrstat,
  ReplicationStream,
  type Client,
  type Reply,
} from '../../harness/index.ts';

/** A FUNCTION LOAD body that wraps a script body as the function `test`. */
function functionBody(script: string, readOnly: boolean): string {
  if (readOnly) {
    return `#!lua name=test\nredis.register_function{function_name='test', callback=function(KEYS, ARGV)\n ${script} \nend, flags={'no-writes'}}`;
  }
  return `#!lua name=test\nredis.register_function('test', function(KEYS, ARGV)\n ${script} \nend)`;
}

/** A multibulk request as bytes, for tests that write several commands in one go. */
function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** True when the default client's PING fails (the server is busy running a script). */
async function pingFails(handle = srv(0)): Promise<boolean> {
  return (await tclCatch(() => handle.call('ping'))).failed;
}

/** Scripts as the two passes run them: EVAL / EVAL_RO, or a function `test` called by FCALL / FCALL_RO. */
function scriptRunners(isEval: boolean) {
  /** On the innermost server's default client; in raw mode the reply's first line is returned. */
  async function runScript(script: string, ...args: Array<string | number>): Promise<Reply> {
    if (isEval) return r('eval', script, ...args);
    const client = srv(0).client;
    await client.call('function', 'load', 'replace', functionBody(script, false));
    // In raw mode the load's reply is two lines: the bulk header, then the library name.
    if (client.readingRaw) assertEqual(await client.read(), 'test');
    return client.call('fcall', 'test', ...args);
  }

  async function runScriptRo(script: string, ...args: Array<string | number>): Promise<Reply> {
    if (isEval) return r('eval_ro', script, ...args);
    const client = srv(0).client;
    await client.call('function', 'load', 'replace', functionBody(script, true));
    if (client.readingRaw) assertEqual(await client.read(), 'test');
    return client.call('fcall_ro', 'test', ...args);
  }

  /** Deferred: sends the script on rd; its reply is left for rd.read(). */
  async function runScriptOnConnection(rd: Client, script: string, ...args: Array<string | number>): Promise<void> {
    if (isEval) {
      rd.send('eval', script, ...args);
      return;
    }
    rd.send('function', 'load', 'replace', functionBody(script, false));
    await rd.read();
    rd.send('fcall', 'test', ...args);
  }

  function killScript(): Promise<Reply> {
    return isEval ? r('script', 'kill') : r('function', 'kill');
  }

  return { runScript, runScriptRo, runScriptOnConnection, killScript };
}

async function connectReplicaToMaster(): Promise<void> {
  await srv(-1).call('slaveof', srv(0).host, srv(0).port);
  await waitForCondition(
    50,
    100,
    async () => (await srv(-1).status('role')) === 'slave' && /master_link_status:up/.test(String(await srv(-1).call('info', 'replication'))),
    "Can't turn the instance into a replica",
  );
}

async function scriptingPass(isEval: boolean): Promise<void> {
  const { runScript, runScriptRo, runScriptOnConnection, killScript } = scriptRunners(isEval);
  const errorOf = async (code: () => unknown) => (await tclCatch(code)).value;

  await startServer({ tags: ['scripting'] }, async () => {
    if (isEval) {
      await test(
        'Script - disallow write on OOM',
        async () => {
          await r('config', 'set', 'maxmemory', 1);
          assertMatch('*command not allowed when used memory*', await errorOf(() => r('eval', "redis.call('set', 'x', 1)", 0)));
          return r('config', 'set', 'maxmemory', 0);
        },
        { okPattern: 'OK', tags: ['needs:config-maxmemory'] },
      );
    }

    await test('EVAL - Does Lua interpreter replies to our requests?', () => runScript("return 'hello'", 0), { okPattern: 'hello' });

    await test('EVAL - Return _G', () => runScript('return _G', 0), { okPattern: '' });

    await test(
      'EVAL - Return table with a metatable that raise error',
      () => runScript('local a = {}; setmetatable(a,{__index=function() foo() end}) return a', 0),
      { okPattern: '' },
    );

    await test(
      'EVAL - Return table with a metatable that call redis',
      async () => {
        await runScript("local a = {}; setmetatable(a,{__index=function() redis.call('set', 'x', '1') end}) return a", 0);
        // The metatable's call must not have run.
        return r('get', 'x');
      },
      { okPattern: '' },
    );

    await test('EVAL - Lua integer -> Redis protocol type conversion', () => runScript('return 100.5', 0), { okPattern: '100' });

    await test('EVAL - Lua string -> Redis protocol type conversion', () => runScript("return 'hello world'", 0), { okPattern: 'hello world' });

    await test('EVAL - Lua true boolean -> Redis protocol type conversion', () => runScript('return true', 0), { okPattern: '1' });

    await test('EVAL - Lua false boolean -> Redis protocol type conversion', () => runScript('return false', 0), { okPattern: '' });

    await test('EVAL - Lua status code reply -> Redis protocol type conversion', () => runScript("return {ok='fine'}", 0), { okPattern: 'fine' });

    await test(
      'EVAL - Lua error reply -> Redis protocol type conversion',
      () => errorOf(() => runScript("return {err='ERR this is an error'}", 0)),
      { okPattern: 'ERR this is an error' },
    );

    await test('EVAL - Lua table -> Redis protocol type conversion', () => runScript("return {1,2,3,'ciao',{1,2}}", 0), {
      okPattern: '1 2 3 ciao {1 2}',
    });

    await test(
      'EVAL - Are the KEYS and ARGV arrays populated correctly?',
      () => runScript('return {KEYS[1],KEYS[2],ARGV[1],ARGV[2]}', 2, 'a{t}', 'b{t}', 'c{t}', 'd{t}'),
      { okPattern: 'a{t} b{t} c{t} d{t}' },
    );

    await test(
      'EVAL - is Lua able to call Redis API?',
      async () => {
        await r('set', 'mykey', 'myval');
        return runScript("return redis.call('get',KEYS[1])", 1, 'mykey');
      },
      { okPattern: 'myval' },
    );

    if (isEval) {
      // EVALSHA exists only for EVAL scripts.
      await test('EVALSHA - Can we call a SHA1 if already defined?', () => r('evalsha', 'fd758d1589d044dd850a6f05d52f2eefd27f033f', 1, 'mykey'), {
        okPattern: 'myval',
      });

      await test('EVALSHA - Can we call a SHA1 in uppercase?', () => r('evalsha', 'FD758D1589D044DD850A6F05D52F2EEFD27F033F', 1, 'mykey'), {
        okPattern: 'myval',
      });

      await test('EVALSHA - Do we get an error on invalid SHA1?', () => errorOf(() => r('evalsha', 'NotValidShaSUM', 0)), { okPattern: 'NOSCRIPT*' });

      await test(
        'EVALSHA - Do we get an error on non defined SHA1?',
        () => errorOf(() => r('evalsha', 'ffd632c7d33e571e9f24556ebed26c3479a87130', 0)),
        { okPattern: 'NOSCRIPT*' },
      );
    }

    await test(
      'EVAL - Redis integer -> Lua type conversion',
      async () => {
        await r('set', 'x', 0);
        return runScript("\n            local foo = redis.pcall('incr',KEYS[1])\n            return {type(foo),foo}\n        ", 1, 'x');
      },
      { okPattern: 'number 1' },
    );

    await test(
      'EVAL - Redis bulk -> Lua type conversion',
      async () => {
        await r('set', 'mykey', 'myval');
        return runScript("\n            local foo = redis.pcall('get',KEYS[1])\n            return {type(foo),foo}\n        ", 1, 'mykey');
      },
      { okPattern: 'string myval' },
    );

    await test(
      'EVAL - Redis multi bulk -> Lua type conversion',
      async () => {
        await r('del', 'mylist');
        await r('rpush', 'mylist', 'a');
        await r('rpush', 'mylist', 'b');
        await r('rpush', 'mylist', 'c');
        return runScript("\n            local foo = redis.pcall('lrange',KEYS[1],0,-1)\n            return {type(foo),foo[1],foo[2],foo[3],# foo}\n        ", 1, 'mylist');
      },
      { okPattern: 'table a b c 3' },
    );

    await test(
      'EVAL - Redis status reply -> Lua type conversion',
      () => runScript("\n            local foo = redis.pcall('set',KEYS[1],'myval')\n            return {type(foo),foo['ok']}\n        ", 1, 'mykey'),
      { okPattern: 'table OK' },
    );

    await test(
      'EVAL - Redis error reply -> Lua type conversion',
      async () => {
        await r('set', 'mykey', 'myval');
        return runScript("\n            local foo = redis.pcall('incr',KEYS[1])\n            return {type(foo),foo['err']}\n        ", 1, 'mykey');
      },
      { okPattern: 'table {ERR value is not an integer or out of range}' },
    );

    await test(
      'EVAL - Redis nil bulk reply -> Lua type conversion',
      async () => {
        await r('del', 'mykey');
        return runScript("\n            local foo = redis.pcall('get',KEYS[1])\n            return {type(foo),foo == false}\n        ", 1, 'mykey');
      },
      { okPattern: 'boolean 1' },
    );

    await test(
      'EVAL - Is the Lua client using the currently selected DB?',
      async () => {
        await r('set', 'mykey', 'this is DB 9');
        await r('select', 10);
        await r('set', 'mykey', 'this is DB 10');
        return runScript("return redis.pcall('get',KEYS[1])", 1, 'mykey');
      },
      { okPattern: 'this is DB 10', tags: ['singledb:skip'] },
    );

    await test(
      'EVAL - SELECT inside Lua should not affect the caller',
      async () => {
        // db 10 is still selected here.
        await r('set', 'mykey', 'original value');
        await runScript("return redis.pcall('select','9')", 0);
        const res = await r('get', 'mykey');
        await r('select', 9);
        return res;
      },
      { okPattern: 'original value', tags: ['singledb:skip'] },
    );

    // Upstream keeps a disabled lua-time-limit test here (under `if 0`); it never runs.

    await test('EVAL - Scripts can\'t run blpop command', () => errorOf(() => runScript("return redis.pcall('blpop','x',0)", 0)), {
      okPattern: '*not allowed*',
    });

    await test('EVAL - Scripts can\'t run brpop command', () => errorOf(() => runScript("return redis.pcall('brpop','empty_list',0)", 0)), {
      okPattern: '*not allowed*',
    });

    await test(
      "EVAL - Scripts can't run brpoplpush command",
      () => errorOf(() => runScript("return redis.pcall('brpoplpush','empty_list1', 'empty_list2',0)", 0)),
      { okPattern: '*not allowed*' },
    );

    await test(
      "EVAL - Scripts can't run blmove command",
      () => errorOf(() => runScript("return redis.pcall('blmove','empty_list1', 'empty_list2', 'LEFT', 'LEFT', 0)", 0)),
      { okPattern: '*not allowed*' },
    );

    await test("EVAL - Scripts can't run bzpopmin command", () => errorOf(() => runScript("return redis.pcall('bzpopmin','empty_zset', 0)", 0)), {
      okPattern: '*not allowed*',
    });

    await test("EVAL - Scripts can't run bzpopmax command", () => errorOf(() => runScript("return redis.pcall('bzpopmax','empty_zset', 0)", 0)), {
      okPattern: '*not allowed*',
    });

    await test("EVAL - Scripts can't run XREAD and XREADGROUP with BLOCK option", async () => {
      await r('del', 's');
      await r('xgroup', 'create', 's', 'g', '$', 'MKSTREAM');
      let res = await runScript("return redis.pcall('xread','STREAMS','s','$')", 1, 's');
      assert(tclString(res) === '', 'xread without BLOCK to return nil');
      await assertError('*xread command is not allowed with BLOCK option from scripts', () =>
        runScript("return redis.pcall('xread','BLOCK',0,'STREAMS','s','$')", 1, 's'),
      );
      res = await runScript("return redis.pcall('xreadgroup','group','g','c','STREAMS','s','>')", 1, 's');
      assert(tclString(res) === '', 'xreadgroup without BLOCK to return nil');
      await assertError('*xreadgroup command is not allowed with BLOCK option from scripts', () =>
        runScript("return redis.pcall('xreadgroup','group','g','c','BLOCK',0,'STREAMS','s','>')", 1, 's'),
      );
    });

    await test(
      'EVAL - Scripts can run non-deterministic commands',
      () => errorOf(() => runScript("redis.pcall('randomkey'); return redis.pcall('set','x','ciao')", 0)),
      { okPattern: '*OK*' },
    );

    await test('EVAL - No arguments to redis.call/pcall is considered an error', () => errorOf(() => runScript('return redis.call()', 0)), {
      okPattern: '*one argument*',
    });

    await test('EVAL - redis.call variant raises a Lua error on Redis cmd error (1)', () => errorOf(() => runScript("redis.call('nosuchcommand')", 0)), {
      okPattern: '*Unknown Redis*',
    });

    await test('EVAL - redis.call variant raises a Lua error on Redis cmd error (1)', () => errorOf(() => runScript("redis.call('get','a','b','c')", 0)), {
      okPattern: '*number of args*',
    });

    await test(
      'EVAL - redis.call variant raises a Lua error on Redis cmd error (1)',
      async () => {
        await r('set', 'foo', 'bar');
        return errorOf(() => runScript("redis.call('lpush',KEYS[1],'val')", 1, 'foo'));
      },
      { okPattern: '*against a key*' },
    );

    await test(
      'EVAL - JSON numeric decoding',
      // Concatenated in Lua: a returned table would turn the floats into integers.
      () => runScript('return\n                 table.concat(\n                   cjson.decode(\n                    "[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]"), " ")\n        ', 0),
      { okPattern: '0 -5000 -1 0.0003 1023.2 0' },
    );

    await test(
      'EVAL - JSON string decoding',
      () => runScript('local decoded = cjson.decode(\'{"keya": "a", "keyb": "b"}\')\n                return {decoded.keya, decoded.keyb}\n        ', 0),
      { okPattern: 'a b' },
    );

    await test('EVAL - JSON smoke test', () => runScript(JSON_SMOKE, 0));

    await test('EVAL - cmsgpack can pack double?', () => runScript(hexOfPacked('0.1'), 0), { okPattern: 'cb3fb999999999999a' });

    await test('EVAL - cmsgpack can pack negative int64?', () => runScript(hexOfPacked('-1099511627776'), 0), { okPattern: 'd3ffffff0000000000' });

    await test('EVAL - cmsgpack pack/unpack smoke test', () => runScript(MSGPACK_SMOKE, 0));

    await test('EVAL - cmsgpack can pack and unpack circular references?', () => runScript(MSGPACK_CIRCULAR, 0), {
      okPattern:
        '82a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a178c0 1 1',
    });

    await test(
      'EVAL - Numerical sanity check from bitop',
      () =>
        runScript(
          'assert(0x7fffffff == 2147483647, "broken hex literals");\n' +
            '                assert(0xffffffff == -1 or 0xffffffff == 2^32-1,\n' +
            '                    "broken hex literals");\n' +
            '                assert(tostring(-1) == "-1", "broken tostring()");\n' +
            '                assert(tostring(0xffffffff) == "-1" or\n' +
            '                    tostring(0xffffffff) == "4294967295",\n' +
            '                    "broken tostring()")\n        ',
          0,
        ),
      { okPattern: '' },
    );

    await test(
      'EVAL - Verify minimal bitop functionality',
      () =>
        runScript(
          'assert(bit.tobit(1) == 1);\n                assert(bit.band(1) == 1);\n                assert(bit.bxor(1,2) == 3);\n                assert(bit.bor(1,2,4,8,16,32,64,128) == 255)\n        ',
          0,
        ),
      { okPattern: '' },
    );

    await test('EVAL - Able to parse trailing comments', () => runScript("return 'hello' --trailing comment", 0), { okPattern: 'hello' });

    await test('EVAL_RO - Successful case', async () => {
      await r('set', 'foo', 'bar');
      assertEqual('bar', await runScriptRo("return redis.call('get', KEYS[1]);", 1, 'foo'));
    });

    await test(
      'EVAL_RO - Cannot run write commands',
      async () => {
        await r('set', 'foo', 'bar');
        return errorOf(() => runScriptRo("redis.call('del', KEYS[1]);", 1, 'foo'));
      },
      { okPattern: 'ERR Write commands are not allowed from read-only scripts*' },
    );

    if (isEval) {
      // The SCRIPT command and SORT ordering apply to EVAL scripts only.
      await test(
        'SCRIPTING FLUSH - is able to clear the scripts cache?',
        async () => {
          await r('set', 'mykey', 'myval');
          const v = await r('evalsha', 'fd758d1589d044dd850a6f05d52f2eefd27f033f', 1, 'mykey');
          assertEqual(v, 'myval');
          await r('script', 'flush');
          return errorOf(() => r('evalsha', 'fd758d1589d044dd850a6f05d52f2eefd27f033f', 1, 'mykey'));
        },
        { okPattern: 'NOSCRIPT*' },
      );

      await test('SCRIPTING FLUSH ASYNC', async () => {
        for (let j = 0; j < 100; j++) await r('script', 'load', `return ${j}`);
        assert(String(await r('info', 'Memory')).includes('number_of_cached_scripts:100'), 'number_of_cached_scripts:100 in INFO memory');
        await r('script', 'flush', 'async');
        assert(String(await r('info', 'Memory')).includes('number_of_cached_scripts:0'), 'number_of_cached_scripts:0 in INFO memory');
      });

      await test(
        'SCRIPT EXISTS - can detect already defined scripts?',
        async () => {
          await r('eval', 'return 1+1', 0);
          return r('script', 'exists', 'a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bd9', 'a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bda');
        },
        { okPattern: '1 0' },
      );

      await test(
        'SCRIPT LOAD - is able to register scripts in the scripting cache',
        async () => [await r('script', 'load', "return 'loaded'"), await r('evalsha', 'b534286061d4b9e4026607613b95c06c06015ae8', 0)],
        { okPattern: 'b534286061d4b9e4026607613b95c06c06015ae8 loaded' },
      );

      await test(
        'SORT is normally not alpha re-ordered for the scripting engine',
        async () => {
          await r('del', 'myset');
          await r('sadd', 'myset', 1, 2, 3, 4, 10);
          return r('eval', "return redis.call('sort',KEYS[1],'desc')", 1, 'myset');
        },
        { okPattern: '10 4 3 2 1', tags: ['cluster:skip'] },
      );

      await test(
        'SORT BY <constant> output gets ordered for scripting',
        async () => {
          await r('del', 'myset');
          await r('sadd', 'myset', ...'a b c d e f g h i l m n o p q r s t u v z aa aaa azz'.split(' '));
          return r('eval', "return redis.call('sort',KEYS[1],'by','_')", 1, 'myset');
        },
        { okPattern: 'a aa aaa azz b c d e f g h i l m n o p q r s t u v z', tags: ['cluster:skip'] },
      );

      await test(
        'SORT BY <constant> with GET gets ordered for scripting',
        async () => {
          await r('del', 'myset');
          await r('sadd', 'myset', 'a', 'b', 'c');
          return r('eval', "return redis.call('sort',KEYS[1],'by','_','get','#','get','_:*')", 1, 'myset');
        },
        { okPattern: 'a {} b {} c {}', tags: ['cluster:skip'] },
      );
    }

    await test(
      'redis.sha1hex() implementation',
      async () => [await runScript("return redis.sha1hex('')", 0), await runScript("return redis.sha1hex('Pizza & Mandolino')", 0)],
      { okPattern: 'da39a3ee5e6b4b0d3255bfef95601890afd80709 74822d82031af7493c20eefa13bd07ec4fada82f' },
    );

    await test('Globals protection reading an undeclared global variable', () => errorOf(() => runScript('return a', 0)), {
      okPattern: 'ERR *attempted to access * global*',
    });

    await test('Globals protection setting an undeclared global*', () => errorOf(() => runScript('a=10', 0)), {
      okPattern: 'ERR *Attempt to modify a readonly table*',
    });

    await test(
      'Test an example script DECR_IF_GT',
      async () => {
        const decrIfGt = `
            local current

            current = redis.call('get',KEYS[1])
            if not current then return nil end
            if current > ARGV[1] then
                return redis.call('decr',KEYS[1])
            else
                return redis.call('get',KEYS[1])
            end
        `;
        await r('set', 'foo', 5);
        const res: Reply[] = [];
        for (let j = 0; j < 5; j++) res.push(await runScript(decrIfGt, 1, 'foo', 2));
        return res;
      },
      { okPattern: '4 3 2 2 2' },
    );

    if (isEval) {
      // math.random seeding matters for EVAL scripts only.
      await test('random numbers are random now', async () => {
        const rand1 = tclString(await r('eval', 'return tostring(math.random())', 0));
        await waitForCondition(100, 1, async () => rand1 !== tclString(await r('eval', 'return tostring(math.random())', 0)), "random numbers should be random, now it's fixed value");
      });

      await test('Scripting engine PRNG can be seeded correctly', async () => {
        const seeded = '\n            math.randomseed(ARGV[1]); return tostring(math.random())\n        ';
        const rand1 = await r('eval', seeded, 0, 10);
        const rand2 = await r('eval', seeded, 0, 10);
        const rand3 = await r('eval', seeded, 0, 20);
        assertEqual(rand1, rand2);
        assert(tclString(rand2) !== tclString(rand3), 'different seeds to give different numbers');
      });
    }

    await test(
      'EVAL does not leak in the Lua stack',
      async () => {
        await r('script', 'flush'); // a fresh Lua VM
        await r('set', 'x', 0);
        // A deferred client, so the calls are pipelined.
        const rd = await srv(0).newClient();
        for (let j = 0; j < 10000; j++) await runScriptOnConnection(rd, 'return redis.call("incr",KEYS[1])', 1, 'x');
        for (let j = 0; j < 10000; j++) await rd.read();
        assert((await srv(0).statusNumber('used_memory_lua')) < 1024 * 100, 'used_memory_lua < 100k');
        await rd.close();
        return r('get', 'x');
      },
      { okPattern: '10000' },
    );

    if (isEval) {
      await test(
        'SPOP: We can call scripts rewriting client->argv from Lua',
        async () => {
          const repl = await ReplicationStream.attach(srv(0));
          // Makes sure the DEL below is propagated even when myset did not exist.
          await r('sadd', 'myset', 'ppp');
          await r('del', 'myset');
          await r('sadd', 'myset', 'a', 'b', 'c');
          assert(tclString(await r('eval', "return redis.call('spop', 'myset')", 0)) !== '', 'spop to return a member');
          assert(tclString(await r('eval', "return redis.call('spop', 'myset', 1)", 0)) !== '', 'spop count 1 to return a member');
          assert(tclString(await r('eval', "return redis.call('spop', KEYS[1])", 1, 'myset')) !== '', 'spop KEYS[1] to return a member');
          // The set is empty now: this one is not propagated.
          assert(tclString(await r('eval', "return redis.call('spop', KEYS[1])", 1, 'myset')) === '', 'spop of an empty set to return nil');
          await r('set', 'trailingkey', 1);
          await repl.assertStream(['select *', 'sadd *', 'del *', 'sadd *', 'srem myset *', 'srem myset *', 'srem myset *', 'set *']);
          await repl.close();
          return '';
        },
        { okPattern: '', tags: ['needs:repl'] },
      );

      await test(
        "MGET: mget shouldn't be propagated in Lua",
        async () => {
          const repl = await ReplicationStream.attach(srv(0));
          await r('mset', 'a{t}', 1, 'b{t}', 2, 'c{t}', 3, 'd{t}', 4);
          // Read-only: not propagated.
          assert(tclString(await r('eval', "return redis.call('mget', 'a{t}', 'b{t}', 'c{t}', 'd{t}')", 0)) === '1 2 3 4', 'mget to return 1 2 3 4');
          await r('set', 'trailingkey', 2);
          await repl.assertStream(['select *', 'mset *', 'set *']);
          await repl.close();
          return '';
        },
        { okPattern: '', tags: ['needs:repl'] },
      );

      await test(
        'EXPIRE: We can call scripts rewriting client->argv from Lua',
        async () => {
          const repl = await ReplicationStream.attach(srv(0));
          await r('set', 'expirekey', 1);
          // Propagated as PEXPIREAT.
          assert(tclString(await r('eval', "return redis.call('expire', KEYS[1], ARGV[1])", 1, 'expirekey', 3)) === '1', 'expire to return 1');
          await repl.assertStream(['select *', 'set *', 'pexpireat expirekey *']);
          await repl.close();
          return '';
        },
        { okPattern: '', tags: ['needs:repl'] },
      );

      await test(
        'INCRBYFLOAT: We can call scripts expanding client->argv from Lua',
        async () => {
          // Needs a fresh server, whose Lua argv array has never grown.
          await startServer({ tags: ['scripting'] }, async (fresh) => {
            const repl = await ReplicationStream.attach(fresh);
            // five arguments
            await r('eval', "redis.call('hmget', KEYS[1], 1, 2, 3)", 1, 'key');
            // three arguments, propagated with four
            await r('eval', "redis.call('incrbyfloat', KEYS[1], 1)", 1, 'key');
            // four arguments
            await r('eval', "redis.call('set', KEYS[1], '1', 'KEEPTTL')", 1, 'key');
            await repl.assertStream(['select *', 'set key 1 KEEPTTL', 'set key 1 KEEPTTL']);
            await repl.close();
          });
          return '';
        },
        { okPattern: '', tags: ['needs:repl'] },
      );
    }

    await test(
      'Call Redis command with many args from Lua (issue #1764)',
      () =>
        runScript(
          `
            local i
            local x={}
            redis.call('del','mylist')
            for i=1,100 do
                table.insert(x,i)
            end
            redis.call('rpush','mylist',unpack(x))
            return redis.call('lrange','mylist',0,-1)
        `,
          1,
          'mylist',
        ),
      { okPattern: Array.from({ length: 100 }, (_, i) => i + 1).join(' ') },
    );

    await test(
      'Number conversion precision test (issue #1118)',
      () =>
        runScript(
          `
              local value = 9007199254740991
              redis.call("set","foo",value)
              return redis.call("get","foo")
        `,
          1,
          'foo',
        ),
      { okPattern: '9007199254740991' },
    );

    await test(
      'String containing number precision test (regression of issue #1118)',
      () =>
        runScript(
          `
            redis.call("set", "key", "12039611435714932082")
            return redis.call("get", "key")
        `,
          1,
          'key',
        ),
      { okPattern: '12039611435714932082' },
    );

    await test('Verify negative arg count is error instead of crash (issue #1842)', () => errorOf(() => runScript(' return "hello" ', -12)), {
      okPattern: "ERR Number of keys can't be negative",
    });

    await test('Scripts can handle commands with incorrect arity', async () => {
      await assertError('ERR Wrong number of args calling Redis command from script*', () => runScript("redis.call('set','invalid')", 0));
      await assertError('ERR Wrong number of args calling Redis command from script*', () => runScript("redis.call('incr')", 0));
    });

    await test('Correct handling of reused argv (issue #1939)', () =>
      runScript(
        `
              for i = 0, 10 do
                  redis.call('SET', 'a{t}', '1')
                  redis.call('MGET', 'a{t}', 'b{t}', 'c{t}')
                  redis.call('EXPIRE', 'a{t}', 0)
                  redis.call('GET', 'a{t}')
                  redis.call('MGET', 'a{t}', 'b{t}', 'c{t}')
              end
        `,
        3,
        'a{t}',
        'b{t}',
        'c{t}',
      ),
    );

    await test('Functions in the Redis namespace are able to report errors', () => errorOf(() => runScript('\n                  redis.sha1hex()\n            ', 0)), {
      okPattern: '*wrong number*',
    });

    await test(
      'CLUSTER RESET can not be invoke from within a script',
      () => errorOf(() => runScript("\n                  redis.call('cluster', 'reset', 'hard')\n            ", 0)),
      { okPattern: '*command is not allowed*' },
    );

    await test('Script with RESP3 map', async () => {
      const expectedDict = ['field', 'value'];
      const expectedList = ['field', 'value'];

      // RESP3 without a script first.
      await r('HELLO', 3);
      await r('hset', 'hash', 'field', 'value');
      assertEqual(await r('hgetall', 'hash'), expectedDict);

      // A RESP3 client, the script in RESP2 and in RESP3.
      assertEqual(await runScript("redis.setresp(3); return redis.call('hgetall', KEYS[1])", 1, 'hash'), expectedDict);
      assertEqual(await runScript("redis.setresp(2); return redis.call('hgetall', KEYS[1])", 1, 'hash'), expectedList);

      // A RESP2 client, the script in RESP2 and in RESP3.
      await r('HELLO', 2);
      assertEqual(await runScript("redis.setresp(3); return redis.call('hgetall', KEYS[1])", 1, 'hash'), expectedList);
      assertEqual(await runScript("redis.setresp(2); return redis.call('hgetall', KEYS[1])", 1, 'hash'), expectedList);
    });

    await test('Script return recursive object', async () => {
      const client = srv(0).client;
      client.readRaw(true);
      let res = await runScript('local a = {}; local b = {a}; a[1] = b; return a', 0);
      // Drains the nested one-element arrays up to the error.
      while (res !== '-ERR reached lua stack limit') {
        assertEqual(res, '*1');
        res = await client.read();
      }
      client.readRaw(false);
      // The link must still work.
      assertEqual(await r('ping'), 'PONG');
    });

    await test(
      'Script check unpack with massive arguments',
      () =>
        runScript(
          `
            local a = {}
            for i=1,7999 do
                a[i] = 1
            end
            return redis.call("lpush", "l", unpack(a))
        `,
          0,
        ),
      { okPattern: '7999' },
    );

    await test('Script read key with expiration set', async () => {
      await r('SET', 'key', 'value', 'EX', 10);
      assertEqual(
        await runScript(
          `
             if redis.call("EXISTS", "key") then
                 return redis.call("GET", "key")
             else
                 return redis.call("EXISTS", "key")
             end
        `,
          0,
        ),
        'value',
      );
    });

    await test('Script del key with expiration set', async () => {
      await r('SET', 'key', 'value', 'EX', 10);
      assertEqual(await runScript('\n             redis.call("DEL", "key")\n             return redis.call("EXISTS", "key")\n        ', 0), 0);
    });

    await test('Script ACL check', async () => {
      await r('acl', 'setuser', 'bob', 'on', '>123', '+@scripting', '+set', '~x*');
      assertEqual(await r('auth', 'bob', '123'), 'OK');

      // Allowed.
      assertEqual(await runScript("\n            return redis.acl_check_cmd('set','xx',1)\n        ", 1, 'xx'), 1);

      // Denied: the command is not allowed.
      assertEqual(await runScript("\n            return redis.acl_check_cmd('hset','xx','f',1)\n        ", 1, 'xx'), '');

      // Denied: the key is not allowed (not declared, so the script itself may run).
      assertEqual(await runScript("\n            return redis.acl_check_cmd('set','yy',1)\n        ", 0), '');

      // No such command.
      await assertError('ERR *Invalid command passed to redis.acl_check_cmd()*', () =>
        runScript("\n            return redis.acl_check_cmd('invalid-cmd','arg')\n        ", 0),
      );
    });

    await test('Binary code loading failed', async () => {
      await assertError('ERR *attempt to call a nil value*', () =>
        runScript('\n            return loadstring(string.dump(function() return 1 end))()\n        ', 0),
      );
    });

    const trick = (name: string, script: string, pattern: string) =>
      test(name, () => errorOf(() => runScript(`\n                ${script}\n            `, 0)), { okPattern: pattern });

    await trick('Try trick global protection 1', 'setmetatable(_G, {})', '*Attempt to modify a readonly table*');
    await trick('Try trick global protection 2', 'local g = getmetatable(_G)\n                g.__index = {}', '*Attempt to modify a readonly table*');
    await trick('Try trick global protection 3', 'redis = function() return 1 end', '*Attempt to modify a readonly table*');
    await trick('Try trick global protection 4', '_G = {}', '*Attempt to modify a readonly table*');
    await trick('Try trick readonly table on redis table', 'redis.call = function() return 1 end', '*Attempt to modify a readonly table*');
    await trick('Try trick readonly table on json table', 'cjson.encode = function() return 1 end', '*Attempt to modify a readonly table*');
    await trick('Try trick readonly table on cmsgpack table', 'cmsgpack.pack = function() return 1 end', '*Attempt to modify a readonly table*');
    await trick('Try trick readonly table on bit table', 'bit.lshift = function() return 1 end', '*Attempt to modify a readonly table*');
    await trick('Test loadfile are not available', "loadfile('some file')", "*Script attempted to access nonexistent global variable 'loadfile'*");
    await trick('Test dofile are not available', "dofile('some file')", "*Script attempted to access nonexistent global variable 'dofile'*");
    await trick('Test print are not available', "print('some data')", "*Script attempted to access nonexistent global variable 'print'*");
  });

  // A server of its own: the last test of this block shuts it down.
  await startServer({ tags: ['scripting'] }, async () => {
    await test('Timedout read-only scripts can be killed by SCRIPT KILL', async () => {
      const rd = await srv(0).newClient();
      await r('config', 'set', 'lua-time-limit', 10);
      await runScriptOnConnection(rd, 'while true do end', 0);
      await sleep(200);
      assertMatch('BUSY*', await errorOf(() => r('ping')));
      await killScript();
      await sleep(200); // lets the Lua hook run again
      assertEqual(await r('ping'), 'PONG');
      await rd.close();
    });

    await test('Timedout read-only scripts can be killed by SCRIPT KILL even when use pcall', async () => {
      const rd = await srv(0).newClient();
      await r('config', 'set', 'lua-time-limit', 10);
      await runScriptOnConnection(rd, "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end", 0);

      await waitForCondition(50, 100, () => pingFails(), "Can't wait for script to start running");
      assertMatch('BUSY*', await errorOf(() => r('ping')));

      await killScript();

      await waitForCondition(50, 100, async () => !(await pingFails()), "Can't wait for script to be killed");
      assertEqual(await r('ping'), 'PONG');

      const res = await errorOf(() => rd.read());
      await rd.close();

      assertMatch('*killed by user*', res);
    });

    await test('Timedout script does not cause a false dead client', async () => {
      const rd = await srv(0).newClient();
      await r('config', 'set', 'lua-time-limit', 10);

      // The script and a PING after it, in one write.
      let buf: string;
      if (isEval) {
        buf = resp('eval', "while 1 do redis.call('ping') end", '0') + resp('ping');
      } else {
        buf =
          resp('function', 'load', 'replace', "#!lua name=test\nredis.register_function('test', function() while 1 do redis.call('ping') end end)") +
          resp('fcall', 'test', '0') +
          resp('ping');
      }
      rd.writeRaw(buf);

      await waitForCondition(50, 100, () => pingFails(), "Can't wait for script to start running");
      assertMatch('BUSY*', await errorOf(() => r('ping')));

      await killScript();
      await waitForCondition(50, 100, async () => !(await pingFails()), "Can't wait for script to be killed");
      assertEqual(await r('ping'), 'PONG');

      // The function's name, from FUNCTION LOAD.
      if (!isEval) assertMatch('test', await rd.read());

      assertMatch('*killed by user*', await errorOf(() => rd.read()));

      assertMatch('*PONG*', await rd.read());

      await rd.close();
    });

    await test(
      'Timedout script link is still usable after Lua returns',
      async () => {
        await r('config', 'set', 'lua-time-limit', 10);
        await runScript("for i=1,100000 do redis.call('ping') end return 'ok'", 0);
        return r('ping');
      },
      { okPattern: 'PONG' },
    );

    await test(
      'Timedout scripts and unblocked command',
      async () => {
        // A command allowed while BUSY must not serve unblocked clients.
        // AOF on, to also hit the assertion the bug would trigger.
        await r('flushall');
        await r('config', 'set', 'appendonly', 'yes');

        // rd2 blocks on 'x'.
        const rd = await srv(0).newClient();
        const rd2 = await srv(0).newClient();
        const r3 = await srv(0).newClient();
        rd2.send('blpop', 'x', 0);
        await waitForBlockedClientsCount(srv(0), 1);

        // CLIENT LIST from the script lets the test decide when it ends.
        await r('DEBUG', 'set-disable-deny-scripts', 1);
        await r('config', 'set', 'lua-time-limit', 10);
        await runScriptOnConnection(
          rd,
          `
            local clients
            redis.call('lpush',KEYS[1],'y');
            while true do
                clients = redis.call('client','list')
                if string.find(clients, 'abortscript') ~= nil then break end
            end
            redis.call('lpush',KEYS[1],'z');
            return clients
            `,
          1,
          'x',
        );

        // The script is busy by now.
        await sleep(200);
        assertMatch('BUSY*', await errorOf(() => r('ping')));

        // Ends the script with a command that (with the bug) would serve the unblocked client.
        await r3.call('hello', 2, 'setname', 'abortscript');

        // The script finished before the pop was served.
        assertEqual(await rd2.read(), ['x', 'z']);
        assertMatch('*abortscript*', await rd.read());

        await rd.close();
        await rd2.close();
        await r3.close();
        return r('DEBUG', 'set-disable-deny-scripts', 0);
      },
      { okPattern: 'OK', tags: ['external:skip', 'needs:debug'] },
    );

    await test(
      "Timedout scripts that modified data can't be killed by SCRIPT KILL",
      async () => {
        const rd = await srv(0).newClient();
        await r('config', 'set', 'lua-time-limit', 10);
        await runScriptOnConnection(rd, "redis.call('set',KEYS[1],'y'); while true do end", 1, 'x');
        await sleep(200);
        assertMatch('BUSY*', await errorOf(() => r('ping')));
        assertMatch('UNKILLABLE*', await errorOf(() => killScript()));
        assertMatch('BUSY*', await errorOf(() => r('ping')));
        return '';
      },
      { okPattern: '', tags: ['external:skip'] },
    );

    // Must stay last in this block: it kills the server.
    await test(
      'SHUTDOWN NOSAVE can kill a timedout script anyway',
      async () => {
        // Still busy with the script of the previous test.
        assertMatch('BUSY*', await errorOf(() => r('ping')));
        await tclCatch(() => r('shutdown', 'nosave'));
        // Gone: a new connection is refused.
        assertMatch('*connection refused*', await errorOf(() => srv(0).newClient()));
        return '';
      },
      { okPattern: '', tags: ['external:skip'] },
    );
  });

  await startServer({ tags: ['scripting', 'repl', 'needs:debug', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      await test(
        'Before the replica connects we issue two EVAL commands',
        async () => {
          // Fails, but after a write (SHA 67164fc43fa971f76fd1aaeeaf60c1c178d25876).
          await tclCatch(() => runScript("redis.call('incr',KEYS[1]); redis.call('nonexisting')", 1, 'x'));
          // Succeeds (SHA 6f5ade10a69975e903c6d07b10ea44c6382381a5).
          return runScript("return redis.call('incr',KEYS[1])", 1, 'x');
        },
        { okPattern: '2' },
      );

      await test('Connect a replica to the master instance', () => connectReplicaToMaster());

      if (isEval) {
        await test(
          'Now use EVALSHA against the master, with both SHAs',
          async () => {
            // Both are propagated as their effects, not as EVALSHA.
            await tclCatch(() => r('evalsha', '67164fc43fa971f76fd1aaeeaf60c1c178d25876', 1, 'x'));
            return r('evalsha', '6f5ade10a69975e903c6d07b10ea44c6382381a5', 1, 'x');
          },
          { okPattern: '4' },
        );

        await test("'x' should be '4' for EVALSHA being replicated by effects", async () => {
          await waitForCondition(
            50,
            100,
            async () => tclString(await srv(-1).call('get', 'x')) === '4',
            async () => fail(`Expected 4 in x, but value is '${tclString(await srv(-1).call('get', 'x'))}'`),
          );
        });
      }

      await test(
        'Replication of script multiple pushes to list with BLPOP',
        async () => {
          const rd = await srv(0).newClient();
          rd.send('brpop', 'a', 0);
          await runScript('\n                    redis.call("lpush",KEYS[1],"1");\n                    redis.call("lpush",KEYS[1],"2");\n                ', 1, 'a');
          const res = await rd.read();
          await rd.close();
          await waitForCondition(
            50,
            100,
            async () => tclString(await srv(-1).call('lrange', 'a', 0, -1)) === tclString(await r('lrange', 'a', 0, -1)),
            async () =>
              fail(
                `Expected list 'a' in replica and master to be the same, but they are respectively '${tclString(await srv(-1).call('lrange', 'a', 0, -1))}' and '${tclString(await r('lrange', 'a', 0, -1))}'`,
              ),
          );
          return res;
        },
        { okPattern: 'a 1' },
      );

      if (isEval) {
        await test('EVALSHA replication when first call is readonly', async () => {
          await r('del', 'x');
          await r('eval', "if tonumber(ARGV[1]) > 0 then redis.call('incr', KEYS[1]) end", 1, 'x', 0);
          await r('evalsha', '6e0e2745aa546d0b50b801a20983b70710aef3ce', 1, 'x', 0);
          await r('evalsha', '6e0e2745aa546d0b50b801a20983b70710aef3ce', 1, 'x', 1);
          await waitForCondition(
            50,
            100,
            async () => tclString(await srv(-1).call('get', 'x')) === '1',
            async () => fail(`Expected 1 in x, but value is '${tclString(await srv(-1).call('get', 'x'))}'`),
          );
        });
      }

      await test(
        'Lua scripts using SELECT are replicated correctly',
        async () => {
          const script = `
                    redis.call("set","foo1","bar1")
                    redis.call("select","10")
                    redis.call("incr","x")
                    redis.call("select","11")
                    redis.call("incr","z")
                `;
          await runScript(script, 0);
          await runScript(script, 0);
          await waitForCondition(50, 100, async () => (await debugDigest(srv(-1))) === (await debugDigest(srv(0))), 'Master-Replica desync after Lua script using SELECT.');
          return '';
        },
        { okPattern: '', tags: ['singledb:skip'] },
      );
    });
  });

  await startServer({ tags: ['scripting', 'repl', 'external:skip'] }, async () => {
    await startServer({ overrides: { appendonly: 'yes', 'aof-use-rdb-preamble': 'no' } }, async () => {
      await test('Connect a replica to the master instance', () => connectReplicaToMaster());

      // Functions always replicate commands; these EVAL calls run in both passes.
      await test(
        'Redis.replicate_commands() can be issued anywhere now',
        () => r('eval', "\n                redis.call('set','foo','bar');\n                return redis.replicate_commands();\n            ", 0),
        { okPattern: '1' },
      );

      await test(
        'Redis.set_repl() can be issued before replicate_commands() now',
        () => errorOf(() => r('eval', '\n                    redis.set_repl(redis.REPL_ALL);\n                ', 0)),
        { okPattern: '' },
      );

      await test("Redis.set_repl() don't accept invalid values", () => errorOf(() => runScript('\n                    redis.set_repl(12345);\n                ', 0)), {
        okPattern: '*Invalid*flags*',
      });

      await test('Test selective replication of certain Redis commands from Lua', async () => {
        await r('del', 'a', 'b', 'c', 'd');
        await runScript(
          `
                redis.call('set','a','1');
                redis.set_repl(redis.REPL_NONE);
                redis.call('set','b','2');
                redis.set_repl(redis.REPL_AOF);
                redis.call('set','c','3');
                redis.set_repl(redis.REPL_ALL);
                redis.call('set','d','4');
            `,
          0,
        );

        await waitForCondition(50, 100, async () => tclString(await srv(-1).call('mget', 'a', 'b', 'c', 'd')) === '1 {} {} 4', 'Only a and d should be replicated to replica');

        // The master has all four.
        assert(tclString(await r('mget', 'a', 'b', 'c', 'd')) === '1 2 3 4', 'the master to hold a b c d');

        // Reloaded from the AOF: a, c and d.
        await r('debug', 'loadaof');

        assert(tclString(await r('mget', 'a', 'b', 'c', 'd')) === '1 {} 3 4', 'the reloaded AOF to hold a c d');
      });

      await test('PRNG is seeded randomly for command replication', async () => {
        let a: Reply;
        let b: Reply;
        if (isEval) {
          // EVAL needs redis.replicate_commands() for a really random seed.
          const script = '\n                        redis.replicate_commands()\n                        return math.random()*100000;\n                    ';
          a = await runScript(script, 0);
          b = await runScript(script, 0);
        } else {
          const script = '\n                        return math.random()*100000;\n                    ';
          a = await runScript(script, 0);
          b = await runScript(script, 0);
        }
        assert(tclString(a) !== tclString(b), 'two random numbers to differ');
      });

      await test('Using side effects is not a problem with command replication', async () => {
        await runScript("\n                redis.call('set','time',redis.call('time')[1])\n            ", 0);

        assert(tclString(await r('get', 'time')) !== '', 'time to be set');

        await waitForCondition(50, 100, async () => tclString(await r('get', 'time')) === tclString(await srv(-1).call('get', 'time')), 'Time key does not match between master and replica');
      });
    });
  });

  if (isEval) {
    // No test: a sync debugging session left open when the server stops.
    await startServer({ tags: ['scripting', 'external:skip'] }, async () => {
      await r('script', 'debug', 'sync');
      await r('eval', "return 'hello'", 0);
      await r('eval', "return 'hello'", 0);
    });

    await startServer({ tags: ['scripting', 'needs:debug', 'external:skip'] }, async () => {
      await test('Test scripting debug protocol parsing', async () => {
        await r('script', 'debug', 'sync');
        await r('eval', "return 'hello'", 0);
        // Debugger commands with NUL bytes (the quotes are part of the name, as upstream sends them).
        assertMatch('*Unknown Redis Lua debugger command*', await errorOf(() => r("'hello\0world'")));
        assertMatch('*Unknown Redis Lua debugger command*', await errorOf(() => r("'hello\0'")));
        assertMatch('*Unknown Redis Lua debugger command*', await errorOf(() => r("'\0hello'")));
        assertMatch('*Unknown Redis Lua debugger command*', await errorOf(() => r("'\0hello\0'")));
      });

      await test('Test scripting debug lua stack overflow', async () => {
        await r('script', 'debug', 'sync');
        await r('eval', "return 'hello'", 0);
        // `redis` with 100 arguments, written as raw protocol.
        srv(0).client.writeRaw(`*101\r\n$5\r\nredis\r\n${'$4\r\ntest\r\n'.repeat(100)}`);
        const ret = await srv(0).client.read();
        assertMatch('*Unknown Redis command called from script*', ret);
        // The server must still be fine.
        await srv(0).reconnect();
        assertEqual(await r('ping'), 'PONG');
      });
    });
  }

  await startServer({ tags: ['scripting', 'needs:debug'] }, async () => {
    await r('debug', 'set-disable-deny-scripts', 1);

    for (let i = 2; i <= 3; i++) {
      for (let clientProto = 2; clientProto <= 3; clientProto++) {
        const extra = `RESP${i}/${clientProto}`;
        const client = srv(0).client;
        await r('hello', clientProto);
        client.readRaw(true);
        // The reply is RESP2 when either Lua or the client speaks RESP2.
        const resp2 = clientProto === 2 || i === 2;

        await test(`test ${extra} big number protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'bignum')`, 0);
          if (resp2) {
            assertEqual(ret, '$37');
            assertEqual(await client.read(), '1234567999999999999999999999999999999');
          } else {
            assertEqual(ret, '(1234567999999999999999999999999999999');
          }
        });

        await test(`test ${extra} malformed big number protocol parsing`, async () => {
          const ret = await runScript("return {big_number='123\\r\\n123'}", 0);
          // Only the client's protocol matters here.
          if (clientProto === 2) {
            assertEqual(ret, '$8');
            assertEqual(await client.read(), '123  123');
          } else {
            assertEqual(ret, '(123  123');
          }
        });

        await test(`test ${extra} map protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'map')`, 0);
          assertEqual(ret, resp2 ? '*6' : '%3');
          for (let j = 0; j < 6; j++) await client.read();
        });

        await test(`test ${extra} set protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'set')`, 0);
          assertEqual(ret, resp2 ? '*3' : '~3');
          for (let j = 0; j < 3; j++) await client.read();
        });

        await test(`test ${extra} double protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'double')`, 0);
          if (resp2) {
            assertEqual(ret, '$5');
            assertEqual(await client.read(), '3.141');
          } else {
            assertEqual(ret, ',3.141');
          }
        });

        await test(
          `test ${extra} null protocol parsing`,
          async () => {
            const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'null')`, 0);
            // Null follows the client's protocol whatever Lua uses.
            assertEqual(ret, clientProto === 2 ? '$-1' : '_');
            return '';
          },
          { okPattern: '' },
        );

        await test(`test ${extra} verbatim protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'verbatim')`, 0);
          if (resp2) {
            assertEqual(ret, '$25');
            assertEqual(await client.read(), 'This is a verbatim');
            assertEqual(await client.read(), 'string');
          } else {
            assertEqual(ret, '=29');
            assertEqual(await client.read(), 'txt:This is a verbatim');
            assertEqual(await client.read(), 'string');
          }
        });

        await test(`test ${extra} true protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'true')`, 0);
          assertEqual(ret, resp2 ? ':1' : '#t');
        });

        await test(`test ${extra} false protocol parsing`, async () => {
          const ret = await runScript(`redis.setresp(${i});return redis.call('debug', 'protocol', 'false')`, 0);
          assertEqual(ret, resp2 ? ':0' : '#f');
        });

        client.readRaw(false);
      }
    }

    // RESP3 only. Scripts do not see attributes yet: the parser must just skip them.
    await test(
      'test resp3 attribute protocol parsing',
      () => runScript("redis.setresp(3);return redis.call('debug', 'protocol', 'attrib')", 0),
      { okPattern: 'Some real reply following the attribute' },
    );

    await test('Script block the time during execution', async () => {
      assertEqual(
        await runScript(
          `
            redis.call("SET", "key", "value", "PX", "1")
            redis.call("DEBUG", "SLEEP", 0.01)
            return redis.call("EXISTS", "key")
        `,
          0,
        ),
        1,
      );

      assertEqual(0, await r('EXISTS', 'key'));
    });

    await test('Script delete the expired key', async () => {
      await r('DEBUG', 'set-active-expire', 0);
      await r('SET', 'key', 'value', 'PX', 1);
      await sleep(2);

      // DEBUG OBJECT fails unless the key is still there.
      await r('DEBUG', 'OBJECT', 'key');

      assertEqual(await runScript("return redis.call('EXISTS', 'key')", 0), 0);
      assertEqual(0, await r('EXISTS', 'key'));
      await r('DEBUG', 'set-active-expire', 1);
    });

    await r('debug', 'set-disable-deny-scripts', 0);
  });
}

/** A script returning the hex dump of cmsgpack.pack(value). */
function hexOfPacked(value: string): string {
  return `local encoded = cmsgpack.pack(${value})
                local h = ""
                for i = 1, #encoded do
                    h = h .. string.format("%02x",string.byte(encoded,i))
                end
                return h
        `;
}

const JSON_SMOKE = `
            local some_map = {
                s1="Some string",
                n1=100,
                a1={"Some","String","Array"},
                nil1=nil,
                b1=true,
                b2=false}
            local encoded = cjson.encode(some_map)
            local decoded = cjson.decode(encoded)
            assert(table.concat(some_map) == table.concat(decoded))

            cjson.encode_keep_buffer(false)
            encoded = cjson.encode(some_map)
            decoded = cjson.decode(encoded)
            assert(table.concat(some_map) == table.concat(decoded))

            -- numeric keys
            local table1 = {one="one", [1]="one"}
            encoded = cjson.encode(table1)
            decoded = cjson.decode(encoded)
            assert(decoded["one"] == table1["one"])
            assert(decoded["1"] == table1[1])

            -- an array
            local array1 = {[1]="one", [2]="two"}
            encoded = cjson.encode(array1)
            decoded = cjson.decode(encoded)
            assert(table.concat(array1) == table.concat(decoded))

            -- a key that cannot be encoded
            local invalid_map = {}
            invalid_map[false] = "false"
            local ok, encoded = pcall(cjson.encode, invalid_map)
            assert(ok == false)

            -- depth limits
            cjson.encode_max_depth(1)
            ok, encoded = pcall(cjson.encode, some_map)
            assert(ok == false)

            cjson.decode_max_depth(1)
            ok, decoded = pcall(cjson.decode, '{"obj": {"array": [1,2,3,4]}}')
            assert(ok == false)

            -- NaN
            ok, encoded = pcall(cjson.encode, {num1=0/0})
            assert(ok == false)
            cjson.encode_invalid_numbers(true)
            ok, encoded = pcall(cjson.encode, {num1=0/0})
            assert(ok == true)

            -- back to the defaults
            cjson.decode_max_depth(1000)
            cjson.encode_max_depth(1000)
            cjson.encode_invalid_numbers(false)
        `;

const MSGPACK_SMOKE = `
                local str_lt_32 = string.rep("x", 30)
                local str_lt_255 = string.rep("x", 250)
                local str_lt_65535 = string.rep("x", 65530)
                local str_long = string.rep("x", 100000)
                local array_lt_15 = {1, 2, 3, 4, 5}
                local array_lt_65535 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}
                local array_big = {}
                for i=1, 100000 do
                    array_big[i] = i
                end
                local map_lt_15 = {a=1, b=2}
                local map_big = {}
                for i=1, 100000 do
                    map_big[tostring(i)] = i
                end
                local some_map = {
                    s1=str_lt_32,
                    s2=str_lt_255,
                    s3=str_lt_65535,
                    s4=str_long,
                    d1=0.1,
                    i1=1,
                    i2=250,
                    i3=65530,
                    i4=100000,
                    i5=2^40,
                    i6=-1,
                    i7=-120,
                    i8=-32000,
                    i9=-100000,
                    i10=-3147483648,
                    a1=array_lt_15,
                    a2=array_lt_65535,
                    a3=array_big,
                    m1=map_lt_15,
                    m2=map_big,
                    b1=false,
                    b2=true,
                    n=nil
                }
                local encoded = cmsgpack.pack(some_map)
                local decoded = cmsgpack.unpack(encoded)
                assert(table.concat(some_map) == table.concat(decoded))
                local offset, decoded_one = cmsgpack.unpack_one(encoded, 0)
                assert(table.concat(some_map) == table.concat(decoded_one))
                assert(offset == -1)

                local encoded_multiple = cmsgpack.pack(str_lt_32, str_lt_255, str_lt_65535, str_long)
                local offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, 0)
                assert(obj == str_lt_32)
                offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, offset)
                assert(obj == str_lt_255)
                offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, offset)
                assert(obj == str_lt_65535)
                offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, offset)
                assert(obj == str_long)
                assert(offset == -1)
        `;

// cmsgpack copies a self-referencing table down to depth 16 (it cannot encode references).
const MSGPACK_CIRCULAR = `local a = {x=nil,y=5}
                local b = {x=a}
                a['x'] = b
                local encoded = cmsgpack.pack(a)
                local h = ""
                for i = 1, #encoded do
                    h = h .. string.format("%02x",string.byte(encoded,i))
                end
                local re = cmsgpack.unpack(encoded)
                assert(re)
                assert(re.x)
                assert(re.x.x.y == re.y)
                assert(re.x.x.x.x.y == re.y)
                assert(re.x.x.x.x.x.x.y == re.y)
                assert(re.x.x.x.x.x.x.x.x.x.x.y == re.y)
                -- deepest level that still has y
                assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y == re.y)
                -- the next x is the copy of b, without y
                assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x)
                -- past the depth limit: nil
                assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x == nil)
                return {h, re.x.x.x.x.x.x.x.x.y == re.y, re.y == 5}
        `;

export default suite({ independentBlocks: true }, async () => {
  for (const isEval of [false, true]) await scriptingPass(isEval);

  // Shebang notation.
  await startServer({ tags: ['scripting'] }, async () => {
    await test('Shebang support for lua engine', async () => {
      assertMatch('*Unexpected engine in script shebang*', (await tclCatch(() => r('eval', '#!not-lua\n                return 1\n            ', 0))).value);
      assertEqual(await r('eval', '#!lua\n            return 1\n        ', 0), 1);
    });

    await test('Unknown shebang option', async () => {
      assertMatch('*Unknown lua shebang option*', (await tclCatch(() => r('eval', '#!lua badger=data\n                return 1\n            ', 0))).value);
    });

    await test('Unknown shebang flag', async () => {
      assertMatch('*Unexpected flag in script shebang*', (await tclCatch(() => r('eval', '#!lua flags=allow-oom,what?\n                return 1\n            ', 0))).value);
    });

    await test(
      'allow-oom shebang flag',
      async () => {
        await r('set', 'x', 123);

        await r('config', 'set', 'maxmemory', 1);

        // No shebang (compatibility mode): a deny-oom command fails under OOM...
        await assertError("OOM command not allowed when used memory > 'maxmemory'*", () => r('eval', "\n                redis.call('set','x',1)\n                return 1\n            ", 1, 'x'));
        // ...and other commands run.
        assertEqual(await r('eval', "\n                return redis.call('get','x')\n            ", 1, 'x'), '123');

        // Default shebang flags: refused under OOM whatever the script does.
        await assertError('OOM *', () => r('eval', '#!lua flags=\n                return 1\n            ', 0));

        // allow-oom may write under OOM.
        assertEqual(await r('eval', "#!lua flags=allow-oom\n                redis.call('set','x',1)\n                return 1\n            ", 1, 'x'), 1);

        // no-writes implies allow-oom.
        assertEqual(await r('eval', "#!lua flags=no-writes\n                redis.call('get','x')\n                return 1\n            ", 0), 1);
        assertEqual(await r('eval_ro', "#!lua flags=no-writes\n                redis.call('get','x')\n                return 1\n            ", 1, 'x'), 1);

        // No shebang: reads work under OOM.
        assertEqual(await r('eval', "\n                redis.call('get','x')\n                return 1\n            ", 1, 'x'), 1);

        // The same with EVAL_RO.
        assertEqual(await r('eval_ro', "\n                redis.call('get','x')\n                return 1\n            ", 1, 'x'), 1);

        return r('config', 'set', 'maxmemory', 0);
      },
      { okPattern: 'OK', tags: ['needs:config-maxmemory'] },
    );

    await test('no-writes shebang flag', async () => {
      await assertError('ERR Write commands are not allowed from read-only scripts*', () =>
        r('eval', "#!lua flags=no-writes\n                redis.call('set','x',1)\n                return 1\n            ", 1, 'x'),
      );
    });

    await startServer({ tags: ['external:skip'] }, async () => {
      await srv(-1).call('set', 'x', 'some value');
      await test('no-writes shebang flag on replica', async () => {
        await r('replicaof', srv(-1).host, srv(-1).port);
        await waitForCondition(
          50,
          100,
          async () => (await srv(0).status('role')) === 'slave' && /master_link_status:up/.test(String(await r('info', 'replication'))),
          "Can't turn the instance into a replica",
        );

        assertEqual(await r('eval', "#!lua flags=no-writes\n                    return redis.call('get','x')\n                ", 1, 'x'), 'some value');

        await assertError("READONLY You can't write against a read only replica.", () => r('eval', "#!lua\n                    return redis.call('get','x')\n                ", 1, 'x'));

        // no-writes inside MULTI/EXEC
        await r('multi');
        await r('eval', "#!lua flags=no-writes\n                redis.call('get','x')\n                return 1\n            ", 1, 'x');
        assertEqual(await r('exec'), 1);

        // no shebang and no write inside MULTI/EXEC
        await r('multi');
        await r('eval', "\n                redis.call('get','x')\n                return 1\n            ", 1, 'x');
        assertEqual(await r('exec'), 1);

        // A master for a moment, so queuing is not refused and the flags are checked at EXEC.
        await r('replicaof', 'no', 'one');
        const rr = await srv(0).newClient();
        const rr2 = await srv(0).newClient();
        await rr.call('multi');
        await rr2.call('multi');

        // A script that may write (it does not need to actually write).
        await rr.call('eval', '#!lua\n                return 1\n            ', 0);

        // No shebang, with a write.
        await rr2.call('eval', "\n                redis.call('set','x',1)\n                return 1\n            ", 1, 'x');

        await r('replicaof', srv(-1).host, srv(-1).port);
        await assertError('EXECABORT Transaction discarded because of: READONLY *', () => rr.call('exec'));
        await assertError("READONLY You can't write against a read only replica. script: *", () => rr2.call('exec'));
        await rr.close();
        await rr2.close();
      });
    });

    await test('not enough good replicas', async () => {
      await r('set', 'x', 'some value');
      await r('config', 'set', 'min-replicas-to-write', 1);

      assertEqual(await r('eval', "#!lua flags=no-writes\n                return redis.call('get','x')\n            ", 1, 'x'), 'some value');

      assertEqual(await r('eval', "\n                return redis.call('get','x')\n            ", 1, 'x'), 'some value');

      await assertError('NOREPLICAS *', () => r('eval', "#!lua\n                return redis.call('get','x')\n            ", 1, 'x'));

      await assertError('NOREPLICAS *', () => r('eval', "\n                return redis.call('set','x', 1)\n            ", 1, 'x'));

      await r('config', 'set', 'min-replicas-to-write', 0);
    });

    await test(
      'not enough good replicas state change during long script',
      async () => {
        await r('set', 'x', 'pre-script value');
        await r('config', 'set', 'min-replicas-to-write', 1);
        await r('config', 'set', 'lua-time-limit', 10);
        await startServer({ tags: ['external:skip'] }, async () => {
          // A replica the master sees online.
          await r('slaveof', srv(-1).host, srv(-1).port);
          await waitReplicaOnline(srv(-1));

          // One write, then spin until INFO shows the replica gone, then another write.
          const rd = await srv(-1).newClient();
          rd.send(
            'eval',
            `
                redis.call('set','x',"script value")
                while true do
                    local info = redis.call('info','replication')
                    if (string.match(info, "connected_slaves:0")) then
                        redis.call('set','x',info)
                        break
                    end
                end
                return 1
            `,
            1,
            'x',
          );

          // The script times out and yields.
          await waitForCondition(100, 100, () => pingFails(srv(-1)), "Can't wait for script to start running");
          assertMatch('BUSY*', (await tclCatch(() => srv(-1).call('ping'))).value);

          // The replica leaves, which ends the script.
          await r('slaveof', 'no', 'one');

          // The second write happened after the replica left.
          assertEqual(await rd.read(), 1);
          assertMatch('*connected_slaves:0*', await srv(-1).call('get', 'x'));

          await rd.close();
        });
        await r('config', 'set', 'min-replicas-to-write', 0);
        return r('config', 'set', 'lua-time-limit', 5000);
      },
      { okPattern: 'OK', tags: ['external:skip', 'needs:repl'] },
    );

    await test(
      'allow-stale shebang flag',
      async () => {
        await r('config', 'set', 'replica-serve-stale-data', 'no');
        await r('replicaof', '127.0.0.1', 1);

        await assertError("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", () =>
          r('eval', "\n                return redis.call('get','x')\n            ", 1, 'x'),
        );

        await assertError("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", () =>
          r('eval', '#!lua flags=no-writes\n                return 1\n            ', 0),
        );

        assertEqual(await r('eval', '#!lua flags=allow-stale,no-writes\n                return 1\n            ', 0), 1);

        await assertError('*Can not execute the command on a stale replica*', () =>
          r('eval', "#!lua flags=allow-stale,no-writes\n                return redis.call('get','x')\n            ", 1, 'x'),
        );

        assertMatch('foobar', await r('eval', "#!lua flags=allow-stale,no-writes\n                return redis.call('echo','foobar')\n            ", 0));

        // The same through EVALSHA.
        const sha = await r('script', 'load', "#!lua flags=allow-stale,no-writes\n                return redis.call('echo','foobar')\n            ");
        assertMatch('foobar', await r('evalsha', sha as string, 0));

        await r('replicaof', 'no', 'one');
        await r('config', 'set', 'replica-serve-stale-data', 'yes');
        return '';
      },
      { okPattern: '', tags: ['external:skip'] },
    );

    await test('reject script do not cause a Lua stack leak', async () => {
      await r('config', 'set', 'maxmemory', 1);
      for (let i = 0; i < 50; i++) {
        await assertError('OOM *', () => r('eval', '#!lua\n                return 1\n            ', 0));
      }
      await r('config', 'set', 'maxmemory', 0);
      assertEqual(await r('eval', '#!lua\n            return 1\n        ', 0), 1);
    });
  });

  // EVAL only.
  await startServer({ tags: ['scripting'] }, async () => {
    await test(
      'Consistent eval error reporting',
      async () => {
        await r('config', 'resetstat');
        await r('config', 'set', 'maxmemory', 1);
        // Refused because of the server's state (OOM): a script error with the server's reason.
        await assertError("OOM command not allowed when used memory > 'maxmemory'*", () => r('eval', "return redis.call('set','x','y')", 1, 'x'));
        assertEqual(await errorrstat('OOM', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=0*rejected_calls=1,failed_calls=0*', await cmdrstat('set', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('eval', srv(0)));

        // redis.pcall() gets an error table whose message has no '-' prefix.
        await r('config', 'resetstat');
        assertEqual(
          await r(
            'eval',
            `
                local t = redis.pcall('set','x','y')
                if t['err'] == "OOM command not allowed when used memory > 'maxmemory'." then
                    return 1
                else
                    return 0
                end
            `,
            1,
            'x',
          ),
          1,
        );
        // Not counted as error replies of the script.
        assertEqual(await errorrstat('ERR', srv(0)), '');
        assertEqual(await errorrstat('OOM', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=0*rejected_calls=1,failed_calls=0*', await cmdrstat('set', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=0*', await cmdrstat('eval', srv(0)));

        // An error table returned by the script is an error reply.
        await r('config', 'resetstat');
        await assertError("OOM command not allowed when used memory > 'maxmemory'.", () => r('eval', " return redis.pcall('set','x','y') ", 1, 'x'));
        assertEqual(await errorrstat('ERR', srv(0)), '');
        assertEqual(await errorrstat('OOM', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=0*rejected_calls=1,failed_calls=0*', await cmdrstat('set', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('eval', srv(0)));

        await r('config', 'set', 'maxmemory', 0);
        await r('config', 'resetstat');
        // The command itself failed.
        await assertError('ERR DB index is out of range*', () => r('eval', "return redis.call('select',99)", 0));
        assertEqual(await errorrstat('ERR', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('select', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('eval', srv(0)));

        // The same through redis.pcall().
        await r('config', 'resetstat');
        assertEqual(
          await r(
            'eval',
            `
                local t = redis.pcall('select',99)
                if t['err'] == "ERR DB index is out of range" then
                    return 1
                else
                    return 0
                end
            `,
            0,
          ),
          1,
        );
        assertEqual(await errorrstat('ERR', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('select', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=0*', await cmdrstat('eval', srv(0)));

        // Refused for a scripting reason (a write from EVAL_RO).
        await r('config', 'resetstat');
        await assertError('ERR Write commands are not allowed from read-only scripts*', () => r('eval_ro', "return redis.call('set','x','y')", 1, 'x'));
        assertEqual(await errorrstat('ERR', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=0*rejected_calls=1,failed_calls=0*', await cmdrstat('set', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('eval_ro', srv(0)));

        // The same through redis.pcall().
        await r('config', 'resetstat');
        assertEqual(
          await r(
            'eval_ro',
            `
                local t = redis.pcall('set','x','y')
                if t['err'] == "ERR Write commands are not allowed from read-only scripts." then
                    return 1
                else
                    return 0
                end
            `,
            1,
            'x',
          ),
          1,
        );
        assertEqual(await errorrstat('ERR', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=0*rejected_calls=1,failed_calls=0*', await cmdrstat('set', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=0*', await cmdrstat('eval_ro', srv(0)));

        await r('config', 'resetstat');
        // GEOADD on a string key fails.
        await r('set', 'Sicily', 1);
        await assertError('WRONGTYPE Operation against a key holding the wrong kind of value*', () =>
          r('eval', "return redis.call('GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania')", 1, 'x'),
        );
        assertEqual(await errorrstat('WRONGTYPE', srv(0)), 'count=1');
        assertEqual(await srv(0).status('total_error_replies'), '1');
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('geoadd', srv(0)));
        assertMatch('calls=1*rejected_calls=0,failed_calls=1*', await cmdrstat('eval', srv(0)));
        return '';
      },
      { okPattern: '', tags: ['cluster:skip'] },
    );

    await test('LUA redis.error_reply API', async () => {
      await r('config', 'resetstat');
      await assertError('MY_ERR_CODE custom msg', () => r('eval', 'return redis.error_reply("MY_ERR_CODE custom msg")', 0));
      assertEqual(await errorrstat('MY_ERR_CODE', srv(0)), 'count=1');
    });

    await test('LUA redis.error_reply API with empty string', async () => {
      await r('config', 'resetstat');
      await assertError('ERR', () => r('eval', 'return redis.error_reply("")', 0));
      assertEqual(await errorrstat('ERR', srv(0)), 'count=1');
    });

    await test('LUA redis.status_reply API', async () => {
      await r('config', 'resetstat');
      srv(0).client.readRaw(true);
      assertEqual(await r('eval', 'return redis.status_reply("MY_OK_CODE custom msg")', 0), '+MY_OK_CODE custom msg');
      srv(0).client.readRaw(false);
      // Not counted as an error.
      assertEqual(await errorrstat('MY_ERR_CODE', srv(0)), '');
    });

    await test('LUA test pcall', async () => {
      assertEqual(
        await r('eval', "local status, res = pcall(function() return 1 end); return 'status: ' .. tostring(status) .. ' result: ' .. res", 0),
        'status: true result: 1',
      );
    });

    await test('LUA test pcall with error', async () => {
      assertMatch(
        "status: false result:*Script attempted to access nonexistent global variable 'foo'",
        await r('eval', "local status, res = pcall(function() return foo end); return 'status: ' .. tostring(status) .. ' result: ' .. res", 0),
      );
    });

    await test('LUA test pcall with non string/integer arg', async () => {
      await assertError('ERR Lua redis lib command arguments must be strings or integers*', () =>
        r('eval', '\n                local x={}\n                return redis.call("ping", x)\n            ', 0),
      );
      // The cached argv array must have survived.
      assertEqual(await r('eval', '\n                return redis.call("ping", "asdf")\n            ', 0), 'asdf');
    });
  });
});
