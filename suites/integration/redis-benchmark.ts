import {
  suite,
  startServer,
  test,
  puts,
  assertMatch,
  fail,
  runTool,
  benchmarkArgs,
  benchmarkUriArgs,
  cmdrstat,
  configGet,
  type ServerHandle,
  tclCatch,
  tclExec,
  settings,
  stringMatch,
  verbose,
} from '../../harness/index.ts';

/** Runs redis-benchmark and judges it as Tcl's exec does: a non-zero exit or any stderr output is a failure. */
async function benchmark(args: string[]): Promise<{ failed: boolean; value: string }> {
  const result = await runTool('redis-benchmark', args, { stdin: 'ignore' });
  return tclCatch(() => tclExec([result]));
}

/** Resets the stats, empties the server and runs the benchmark, which must succeed. */
async function commonBenchSetup(r: ServerHandle, args: string[]): Promise<void> {
  await r.call('config', 'resetstat');
  await r.call('flushall');
  const outcome = await benchmark(args);
  if (outcome.failed) {
    const firstLine = outcome.value.split('\n')[0];
    puts(`redis-benchmark non zero code. first line: ${firstLine}`);
    fail(`redis-benchmark non zero code. first line: ${firstLine}`);
  }
}

/** SET and GET ran ten times each, nothing else did. */
async function defaultSetGetChecks(r: ServerHandle): Promise<void> {
  assertMatch('*calls=10,*', await cmdrstat('set', r));
  assertMatch('*calls=10,*', await cmdrstat('get', r));
  assertMatch('', await cmdrstat('lrange', r));
}

/** The key count of the first db in INFO keyspace. */
async function keyCount(r: ServerHandle): Promise<string> {
  const match = /keys=(\d*)/.exec(String(await r.call('info', 'keyspace')));
  return match ? String(Number(match[1])) : '';
}

export default suite(async () => {
  await startServer({ tags: ['benchmark', 'network', 'external:skip'] }, async () => {
    await startServer({}, async (r) => {
      const opts = (line: string) => line.split(' ');

      await test('benchmark: set,get', async () => {
        await commonBenchSetup(r, benchmarkArgs(r, opts('-c 5 -n 10 -t set,get')));
        await defaultSetGetChecks(r);
      });

      await test('benchmark: connecting using URI set,get', async () => {
        await commonBenchSetup(r, benchmarkUriArgs(r, opts('-c 5 -n 10 -t set,get')));
        await defaultSetGetChecks(r);
      });

      await test('benchmark: connecting using URI with authentication set,get', async () => {
        await r.call('config', 'set', 'masterauth', 'pass');
        await commonBenchSetup(r, benchmarkUriArgs(r, opts('-c 5 -n 10 -t set,get'), 'default', 'pass'));
        await defaultSetGetChecks(r);
      });

      await test('benchmark: full test suite', async () => {
        await commonBenchSetup(r, benchmarkArgs(r, opts('-c 10 -n 100')));
        // PING runs twice per request (inline and multibulk); LPUSH also fills the lists for the LRANGE tests.
        const expected: Array<[string, number]> = [
          ['ping', 200],
          ['set', 100],
          ['get', 100],
          ['incr', 100],
          ['lpush', 200],
          ['rpush', 100],
          ['lpop', 100],
          ['rpop', 100],
          ['sadd', 100],
          ['hset', 100],
          ['spop', 100],
          ['zadd', 100],
          ['zpopmin', 100],
          ['lrange', 400],
          ['mset', 100],
        ];
        for (const [cmd, calls] of expected) assertMatch(`*calls=${calls},*`, await cmdrstat(cmd, r));
        assertMatch('', await cmdrstat('rpoplpush', r));
      });

      await test('benchmark: multi-thread set,get', async () => {
        await commonBenchSetup(r, benchmarkArgs(r, opts('--threads 10 -c 5 -n 10 -t set,get')));
        await defaultSetGetChecks(r);
        assertMatch('1', await keyCount(r));
      });

      await test('benchmark: pipelined full set,get', async () => {
        await commonBenchSetup(r, benchmarkArgs(r, opts('-P 5 -c 10 -n 10010 -t set,get')));
        assertMatch('*calls=10010,*', await cmdrstat('set', r));
        assertMatch('*calls=10010,*', await cmdrstat('get', r));
        assertMatch('', await cmdrstat('lrange', r));
        assertMatch('1', await keyCount(r));
      });

      await test('benchmark: arbitrary command', async () => {
        await commonBenchSetup(r, benchmarkArgs(r, opts('-c 5 -n 150 INCRBYFLOAT mykey 10.0')));
        assertMatch('*calls=150,*', await cmdrstat('incrbyfloat', r));
        assertMatch('', await cmdrstat('get', r));
        assertMatch('1', await keyCount(r));
      });

      await test('benchmark: keyspace length', async () => {
        await commonBenchSetup(r, benchmarkArgs(r, opts('-r 50 -t set -n 1000')));
        assertMatch('*calls=1000,*', await cmdrstat('set', r));
        assertMatch('', await cmdrstat('get', r));
        assertMatch('50', await keyCount(r));
      });

      await test('benchmark: clients idle mode should return error when reached maxclients limit', async () => {
        const args = benchmarkArgs(r, opts('-c 10 -I'));
        const originalMaxclients = await configGet(r, 'maxclients');
        await r.call('config', 'set', 'maxclients', 5);
        const outcome = await benchmark(args);
        assertMatch('*Error*', outcome.value);
        await r.call('config', 'set', 'maxclients', originalMaxclients);
      });

      if (settings().tls) {
        await test('benchmark: specific tls-ciphers', async () => {
          await commonBenchSetup(r, benchmarkArgs(r, [...opts('-r 50 -t set -n 1000'), '--tls-ciphers', 'DEFAULT:-AES128-SHA256']));
          assertMatch('*calls=1000,*', await cmdrstat('set', r));
          // One of the commands not benchmarked is absent.
          assertMatch('', await cmdrstat('get', r));
        });

        await test('benchmark: tls connecting using URI with authentication set,get', async () => {
          await r.call('config', 'set', 'masterauth', 'pass');
          await commonBenchSetup(r, benchmarkUriArgs(r, opts('-c 5 -n 10 -t set,get'), 'default', 'pass'));
          await defaultSetGetChecks(r);
        });

        await test('benchmark: specific tls-ciphersuites', async () => {
          await r.call('flushall');
          await r.call('config', 'resetstat');
          let ciphersuitesSupported = true;
          const outcome = await benchmark(benchmarkArgs(r, [...opts('-r 50 -t set -n 1000'), '--tls-ciphersuites', 'TLS_AES_128_GCM_SHA256']));
          if (outcome.failed) {
            const firstLine = outcome.value.split('\n')[0];
            if (stringMatch('*Invalid option*', firstLine)) {
              ciphersuitesSupported = false;
              verbose('Skipping test, TLSv1.3 not supported.');
            } else {
              puts(`redis-benchmark non zero code. first line: ${firstLine}`);
              fail(`redis-benchmark non zero code. first line: ${firstLine}`);
            }
          }
          if (ciphersuitesSupported) {
            assertMatch('*calls=1000,*', await cmdrstat('set', r));
            assertMatch('', await cmdrstat('get', r));
          }
        });
      }
    });
  });
});
