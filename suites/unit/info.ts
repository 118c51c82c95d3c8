// Port of tests/unit/info.tcl.
import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  assertMatch,
  assertError,
  waitForBlockedClient,
  cmdrstat,
  errorrstat,
  latencyrstatPercentiles,
  tclCatch,
  tclString,
  fail,
} from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['info', 'external:skip'] }, async () => {
    await startServer({}, async (r) => {
      const cmdstat = (cmd: string) => cmdrstat(cmd, r);
      const errorstat = (code: string) => errorrstat(code, r);
      const latencyPercentilesUsec = (cmd: string) => latencyrstatPercentiles(cmd, r);
      const configGetLine = async (param: string) => tclString(await r.call('config', 'get', param));

      await test('latencystats: disable/enable', async () => {
        await r.call('config', 'resetstat');
        await r.call('CONFIG', 'SET', 'latency-tracking', 'no');
        await r.call('set', 'a', 'b');
        assertMatch('', await latencyPercentilesUsec('set'));
        await r.call('CONFIG', 'SET', 'latency-tracking', 'yes');
        await r.call('set', 'a', 'b');
        assertMatch('*p50=*,p99=*,p99.9=*', await latencyPercentilesUsec('set'));
        await r.call('config', 'resetstat');
        assertMatch('', await latencyPercentilesUsec('set'));
      });

      await test('latencystats: configure percentiles', async () => {
        await r.call('config', 'resetstat');
        assertMatch('', await latencyPercentilesUsec('set'));
        await r.call('CONFIG', 'SET', 'latency-tracking', 'yes');
        await r.call('SET', 'a', 'b');
        await r.call('GET', 'a');
        assertMatch('*p50=*,p99=*,p99.9=*', await latencyPercentilesUsec('set'));
        assertMatch('*p50=*,p99=*,p99.9=*', await latencyPercentilesUsec('get'));
        await r.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '0.0 50.0 100.0');
        // Upstream uses the reply as the pattern.
        assertMatch(await configGetLine('latency-tracking-info-percentiles'), 'latency-tracking-info-percentiles {0 50 100}');
        assertMatch('*p0=*,p50=*,p100=*', await latencyPercentilesUsec('set'));
        assertMatch('*p0=*,p50=*,p100=*', await latencyPercentilesUsec('get'));
        await r.call('config', 'resetstat');
        assertMatch('', await latencyPercentilesUsec('set'));
      });

      await test('latencystats: bad configure percentiles', async () => {
        await r.call('config', 'resetstat');
        const configlatencyline = await configGetLine('latency-tracking-info-percentiles');
        let e = (await tclCatch(() => r.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '10.0 50.0 a'))).value;
        assertMatch('ERR CONFIG SET failed*', e);
        assertEqual(await r.status('total_error_replies'), 1);
        assertMatch(await configGetLine('latency-tracking-info-percentiles'), configlatencyline);
        e = (await tclCatch(() => r.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '10.0 50.0 101.0'))).value;
        assertMatch('ERR CONFIG SET failed*', e);
        assertEqual(await r.status('total_error_replies'), 2);
        assertMatch(await configGetLine('latency-tracking-info-percentiles'), configlatencyline);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
      });

      await test('latencystats: blocking commands', async () => {
        await r.call('config', 'resetstat');
        await r.call('CONFIG', 'SET', 'latency-tracking', 'yes');
        await r.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50.0 99.0 99.9');
        const rd = await r.newClient();
        await r.call('del', 'list1{t}');

        rd.send('blpop', 'list1{t}', 0);
        await waitForBlockedClient(r);
        await r.call('lpush', 'list1{t}', 'a');
        assertEqual(await rd.read(), ['list1{t}', 'a']);
        rd.send('blpop', 'list1{t}', 0);
        await waitForBlockedClient(r);
        await r.call('lpush', 'list1{t}', 'b');
        assertEqual(await rd.read(), ['list1{t}', 'b']);
        assertMatch('*p50=*,p99=*,p99.9=*', await latencyPercentilesUsec('blpop'));
        await rd.close();
      });

      await test('latencystats: subcommands', async () => {
        await r.call('config', 'resetstat');
        await r.call('CONFIG', 'SET', 'latency-tracking', 'yes');
        await r.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50.0 99.0 99.9');
        await r.call('client', 'id');

        assertMatch('*p50=*,p99=*,p99.9=*', await latencyPercentilesUsec('client|id'));
        assertMatch('*p50=*,p99=*,p99.9=*', await latencyPercentilesUsec('config|set'));
      });

      await test(
        'latencystats: measure latency',
        async () => {
          await r.call('config', 'resetstat');
          await r.call('CONFIG', 'SET', 'latency-tracking', 'yes');
          await r.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50.0');
          await r.call('DEBUG', 'sleep', 0.05);
          await r.call('SET', 'k', 'v');
          const latencystatlineDebug = await latencyPercentilesUsec('debug');
          const latencystatlineSet = await latencyPercentilesUsec('set');
          // Tcl's quoting drops the pattern's backslash: "p50=" then any three or more characters.
          const p50 = (line: string) => /p50=(.+..+)/s.exec(line)?.[1] ?? fail(`no p50 in '${line}'`);
          const p50Debug = Number(p50(latencystatlineDebug));
          const p50Set = Number(p50(latencystatlineSet));
          assert(p50Debug >= 50000, `$p50_debug >= 50000 (${p50Debug})`);
          assert(p50Set >= 0, `$p50_set >= 0 (${p50Set})`);
          assert(p50Debug >= p50Set, `$p50_debug >= $p50_set (${p50Debug}, ${p50Set})`);
        },
        { tags: ['needs:debug'] },
      );

      await test('errorstats: failed call authentication error', async () => {
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
        assertEqual(await r.status('total_error_replies'), 0);
        const e = (await tclCatch(() => r.call('auth', 'k'))).value;
        assertMatch('ERR AUTH*', e);
        assertMatch('*count=1*', await errorstat('ERR'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('auth'));
        assertEqual(await r.status('total_error_replies'), 1);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
      });

      await test('errorstats: failed call within MULTI/EXEC', async () => {
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
        assertEqual(await r.status('total_error_replies'), 0);
        await r.call('multi');
        await r.call('set', 'a', 'b');
        await r.call('auth', 'a');
        let e = (await tclCatch(() => r.call('exec'))).value;
        assertMatch('ERR AUTH*', e);
        assertMatch('*count=1*', await errorstat('ERR'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=0', await cmdstat('set'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('auth'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=0', await cmdstat('exec'));
        assertEqual(await r.status('total_error_replies'), 1);

        // An error of EXEC itself is counted on EXEC.
        e = (await tclCatch(() => r.call('exec'))).value;
        assertMatch('ERR EXEC without MULTI', e);
        assertMatch('*calls=2,*,rejected_calls=0,failed_calls=1', await cmdstat('exec'));
        assertMatch('*count=2*', await errorstat('ERR'));
        assertEqual(await r.status('total_error_replies'), 2);
      });

      await test('errorstats: failed call within LUA', async () => {
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
        assertEqual(await r.status('total_error_replies'), 0);
        await tclCatch(() => r.call('eval', "redis.pcall('XGROUP', 'CREATECONSUMER', 's1', 'mygroup', 'consumer') return ", 0));
        assertMatch('*count=1*', await errorstat('ERR'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('xgroup|createconsumer'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=0', await cmdstat('eval'));

        // An error of EVAL itself is counted on EVAL.
        const e = (await tclCatch(() => r.call('eval', 'a'))).value;
        assertMatch('ERR wrong*', e);
        assertMatch('*calls=1,*,rejected_calls=1,failed_calls=0', await cmdstat('eval'));
        assertMatch('*count=2*', await errorstat('ERR'));
        assertEqual(await r.status('total_error_replies'), 2);
      });

      await test('errorstats: failed call NOSCRIPT error', async () => {
        await r.call('config', 'resetstat');
        assertEqual(await r.status('total_error_replies'), 0);
        assertMatch('', await errorstat('NOSCRIPT'));
        const e = (await tclCatch(() => r.call('evalsha', 'NotValidShaSUM', 0))).value;
        assertMatch('NOSCRIPT*', e);
        assertMatch('*count=1*', await errorstat('NOSCRIPT'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('evalsha'));
        assertEqual(await r.status('total_error_replies'), 1);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('NOSCRIPT'));
      });

      await test('errorstats: failed call NOGROUP error', async () => {
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('NOGROUP'));
        await r.call('del', 'mystream');
        await r.call('XADD', 'mystream', '*', 'f', 'v');
        const e = (await tclCatch(() => r.call('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'consumer'))).value;
        assertMatch('NOGROUP*', e);
        assertMatch('*count=1*', await errorstat('NOGROUP'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('xgroup|createconsumer'));
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('NOGROUP'));
      });

      await test('errorstats: rejected call unknown command', async () => {
        await r.call('config', 'resetstat');
        assertEqual(await r.status('total_error_replies'), 0);
        assertMatch('', await errorstat('ERR'));
        const e = (await tclCatch(() => r.call('asdf'))).value;
        assertMatch('ERR unknown*', e);
        assertMatch('*count=1*', await errorstat('ERR'));
        assertEqual(await r.status('total_error_replies'), 1);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
      });

      await test('errorstats: rejected call within MULTI/EXEC', async () => {
        await r.call('config', 'resetstat');
        assertEqual(await r.status('total_error_replies'), 0);
        assertMatch('', await errorstat('ERR'));
        await r.call('multi');
        let e = (await tclCatch(() => r.call('set'))).value;
        assertMatch("ERR wrong number of arguments for 'set' command", e);
        e = (await tclCatch(() => r.call('exec'))).value;
        assertMatch('EXECABORT*', e);
        assertMatch('*count=1*', await errorstat('ERR'));
        assertMatch('*count=1*', await errorstat('EXECABORT'));
        assertEqual(await r.status('total_error_replies'), 2);
        assertMatch('*calls=0,*,rejected_calls=1,failed_calls=0', await cmdstat('set'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=0', await cmdstat('multi'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('exec'));
        assertEqual(await r.status('total_error_replies'), 2);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('ERR'));
      });

      await test('errorstats: rejected call due to wrong arity', async () => {
        await r.call('config', 'resetstat');
        assertEqual(await r.status('total_error_replies'), 0);
        assertMatch('', await errorstat('ERR'));
        const e = (await tclCatch(() => r.call('set', 'k'))).value;
        assertMatch("ERR wrong number of arguments for 'set' command", e);
        assertMatch('*count=1*', await errorstat('ERR'));
        assertMatch('*calls=0,*,rejected_calls=1,failed_calls=0', await cmdstat('set'));
        // Valid commands after a rejected one are counted as such.
        await r.call('set', 'k1', 'v1');
        await r.call('set', 'k2', 'v2');
        assertMatch('calls=2,*,rejected_calls=1,failed_calls=0', await cmdstat('set'));
        assertEqual(await r.status('total_error_replies'), 1);
      });

      await test('errorstats: rejected call by OOM error', async () => {
        await r.call('config', 'resetstat');
        assertEqual(await r.status('total_error_replies'), 0);
        assertMatch('', await errorstat('OOM'));
        await r.call('config', 'set', 'maxmemory', 1);
        const e = (await tclCatch(() => r.call('set', 'a', 'b'))).value;
        assertMatch('OOM*', e);
        assertMatch('*count=1*', await errorstat('OOM'));
        assertMatch('*calls=0,*,rejected_calls=1,failed_calls=0', await cmdstat('set'));
        assertEqual(await r.status('total_error_replies'), 1);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('OOM'));
        await r.call('config', 'set', 'maxmemory', 0);
      });

      await test('errorstats: rejected call by authorization error', async () => {
        await r.call('config', 'resetstat');
        assertEqual(await r.status('total_error_replies'), 0);
        assertMatch('', await errorstat('NOPERM'));
        await r.call('ACL', 'SETUSER', 'alice', 'on', '>p1pp0', '~cached:*', '+get', '+info', '+config');
        await r.call('auth', 'alice', 'p1pp0');
        const e = (await tclCatch(() => r.call('set', 'a', 'b'))).value;
        assertMatch('NOPERM*', e);
        assertMatch('*count=1*', await errorstat('NOPERM'));
        assertMatch('*calls=0,*,rejected_calls=1,failed_calls=0', await cmdstat('set'));
        assertEqual(await r.status('total_error_replies'), 1);
        await r.call('config', 'resetstat');
        assertMatch('', await errorstat('NOPERM'));
        await r.call('auth', 'default', '');
      });

      await test('errorstats: blocking commands', async () => {
        await r.call('config', 'resetstat');
        const rd = await r.newClient();
        rd.send('client', 'id');
        const rdId = await rd.read();
        await r.call('del', 'list1{t}');

        rd.send('blpop', 'list1{t}', 0);
        await waitForBlockedClient(r);
        await r.call('client', 'unblock', rdId as number, 'error');
        await assertError('UNBLOCKED*', () => rd.read());
        assertMatch('*count=1*', await errorstat('UNBLOCKED'));
        assertMatch('*calls=1,*,rejected_calls=0,failed_calls=1', await cmdstat('blpop'));
        assertEqual(await r.status('total_error_replies'), 1);
        await rd.close();
      });
    });
  });
});

