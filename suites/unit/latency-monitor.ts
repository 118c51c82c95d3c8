// Port of tests/unit/latency-monitor.tcl.
import {
  suite,
  startServer,
  test,
  settings,
  assert,
  assertEqual,
  assertMatch,
  waitForCondition,
  sleep,
  tclCatch,
  tclString,
  type Reply,
  type ServerHandle,
} from '../../harness/index.ts';

/** LATENCY HISTOGRAM's flat name/value reply as a Map (Tcl `dict create {*}...`). */
async function histogram(r: ServerHandle, ...commands: string[]): Promise<Map<string, Reply>> {
  const flat = (await r.call('latency', 'histogram', ...commands)) as Reply[];
  const histo = new Map<string, Reply>();
  for (let i = 0; i < flat.length; i += 2) histo.set(tclString(flat[i]), flat[i + 1]!);
  return histo;
}

/** Tcl's string form of a dict: its name/value pairs as one list. */
function dictString(histo: Map<string, Reply>): string {
  return tclString([...histo].flat());
}

const TCL_NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

// Harness candidate: Tcl expr comparison of non-numeric values
/** Tcl expr's `a >= b`: numeric when both are numbers, else a string comparison. */
function tclGreaterOrEqual(a: unknown, b: unknown): boolean {
  const x = tclString(a);
  const y = tclString(b);
  if (TCL_NUMBER.test(x) && TCL_NUMBER.test(y)) return Number(x) >= Number(y);
  return x >= y;
}

export default suite(async () => {
  await startServer({ tags: ['latency-monitor', 'needs:latency'] }, async (r) => {
    // A threshold no ordinary command reaches.
    await r.call('config', 'set', 'latency-monitor-threshold', 200);
    await r.call('latency', 'reset');

    await test('LATENCY HISTOGRAM with empty histogram', async () => {
      await r.call('config', 'resetstat');
      const histo = await histogram(r);
      // CONFIG RESETSTAT itself is recorded.
      assertEqual(histo.size, 1);
      assertMatch('*config|resetstat*', dictString(histo));
    });

    await test('LATENCY HISTOGRAM all commands', async () => {
      await r.call('config', 'resetstat');
      await r.call('set', 'a', 'b');
      await r.call('set', 'c', 'd');
      const histo = await histogram(r);
      assertMatch('calls 2 histogram_usec *', histo.get('set'));
      assertMatch('calls 1 histogram_usec *', histo.get('config|resetstat'));
    });

    await test('LATENCY HISTOGRAM sub commands', async () => {
      await r.call('config', 'resetstat');
      await r.call('client', 'id');
      await r.call('client', 'list');
      // The parent command answers for its subcommands.
      let histo = await histogram(r, 'client');
      assert(histo.size === 2, '[dict size $histo] == 2');
      assertMatch('calls 1 histogram_usec *', histo.get('client|id'));
      assertMatch('calls 1 histogram_usec *', histo.get('client|list'));

      // One subcommand asked for by name.
      histo = await histogram(r, 'client|id');
      assert(histo.size === 1, '[dict size $histo] == 1');
      assertMatch('calls 1 histogram_usec *', histo.get('client|id'));
    });

    await test('LATENCY HISTOGRAM with a subset of commands', async () => {
      await r.call('config', 'resetstat');
      await r.call('set', 'a', 'b');
      await r.call('set', 'c', 'd');
      await r.call('get', 'a');
      await r.call('hset', 'f', 'k', 'v');
      await r.call('hgetall', 'f');
      let histo = await histogram(r, 'set', 'hset');
      assertMatch('calls 2 histogram_usec *', histo.get('set'));
      assertMatch('calls 1 histogram_usec *', histo.get('hset'));
      assertEqual(histo.size, 2);
      histo = await histogram(r, 'hgetall', 'get', 'zadd');
      assertMatch('calls 1 histogram_usec *', histo.get('hgetall'));
      assertMatch('calls 1 histogram_usec *', histo.get('get'));
      assertEqual(histo.size, 2);
    });

    await test('LATENCY HISTOGRAM command', async () => {
      await r.call('config', 'resetstat');
      await r.call('set', 'a', 'b');
      await r.call('get', 'a');
      assert(((await r.call('latency', 'histogram', 'set', 'get')) as Reply[]).length === 4, '[llength [r latency histogram set get]] == 4');
    });

    await test('LATENCY HISTOGRAM with wrong command name skips the invalid one', async () => {
      await r.call('config', 'resetstat');
      assert(((await r.call('latency', 'histogram', 'blabla')) as Reply[]).length === 0, '[llength [r latency histogram blabla]] == 0');
      assert(
        ((await r.call('latency', 'histogram', 'blabla', 'blabla2', 'set', 'get')) as Reply[]).length === 0,
        '[llength [r latency histogram blabla blabla2 set get]] == 0',
      );
      await r.call('set', 'a', 'b');
      await r.call('get', 'a');
      assertMatch('calls 1 histogram_usec *', ((await r.call('latency', 'histogram', 'blabla', 'blabla2', 'set', 'get')) as Reply[])[1]);
      assertMatch('calls 1 histogram_usec *', ((await r.call('latency', 'histogram', 'blabla', 'blabla2', 'set', 'get')) as Reply[])[3]);
      assert(tclString(await r.call('latency', 'histogram', 'blabla', 'set', 'get')).length > 0, '[string length [r latency histogram blabla set get]] > 0');
    });

    await test(
      'Test latency events logging',
      async () => {
        await r.call('debug', 'sleep', 0.3);
        await sleep(1100);
        await r.call('debug', 'sleep', 0.4);
        await sleep(1100);
        await r.call('debug', 'sleep', 0.5);
        // Upstream compares the reply's Tcl string with 3, which Tcl does as strings.
        assert(tclGreaterOrEqual(await r.call('latency', 'history', 'command'), 3), '[r latency history command] >= 3');
      },
      { tags: ['needs:debug'] },
    );

    // Set by the next test, read by the one after.
    let lastTime: Reply | undefined;

    await test('LATENCY HISTORY output is ok', async () => {
      let min = 250;
      let max = 450;
      for (const event of (await r.call('latency', 'history', 'command')) as Reply[][]) {
        const [time, latency] = event;
        if (!settings().noLatency) {
          assert(Number(latency) >= min && Number(latency) <= max, `$latency >= $min && $latency <= $max (${tclString(latency)}, ${min}..${max})`);
        }
        min += 100;
        max += 100;
        lastTime = time;
      }
    });

    await test('LATENCY LATEST output is ok', async () => {
      for (const event of (await r.call('latency', 'latest')) as Reply[][]) {
        const [eventname, time, , max] = event;
        assert(tclString(eventname) === 'command', '$eventname eq "command"');
        if (!settings().noLatency) {
          assert(Number(max) >= 450 && Number(max) <= 650, `$max >= 450 & $max <= 650 (${tclString(max)})`);
          assert(lastTime !== undefined && Number(time) === Number(lastTime), '$time == $last_time');
        }
        break;
      }
    });

    await test('LATENCY of expire events are correctly collected', async () => {
      await r.call('config', 'set', 'latency-monitor-threshold', 20);
      await r.call('flushdb');
      const count = settings().valgrind ? 100000 : 1000000;
      await r.call(
        'eval',
        `
            local i = 0
            while (i < tonumber(ARGV[1])) do
                redis.call('sadd',KEYS[1],i)
                i = i+1
             end
        `,
        1,
        'mybigkey',
        count,
      );
      await r.call('pexpire', 'mybigkey', 50);
      await waitForCondition(5, 100, async () => Number(await r.call('dbsize')) === 0, "key wasn't expired");
      assertMatch('*expire-cycle*', await r.call('latency', 'latest'));
    });

    await test('LATENCY HISTORY / RESET with wrong event name is fine', async () => {
      assert(((await r.call('latency', 'history', 'blabla')) as Reply[]).length === 0, '[llength [r latency history blabla]] == 0');
      assert(Number(await r.call('latency', 'reset', 'blabla')) === 0, '[r latency reset blabla] == 0');
    });

    await test('LATENCY DOCTOR produces some output', async () => {
      assert(tclString(await r.call('latency', 'doctor')).length > 0, '[string length [r latency doctor]] > 0');
    });

    await test('LATENCY RESET is able to reset events', async () => {
      assert(Number(await r.call('latency', 'reset')) > 0, '[r latency reset] > 0');
      assert(tclString(await r.call('latency', 'latest')) === '', '[r latency latest] eq {}');
    });

    await test('LATENCY HELP should not have unexpected options', async () => {
      const { value } = await tclCatch(() => r.call('LATENCY', 'help', 'xxx'));
      assertMatch("*wrong number of arguments for 'latency|help' command", value);
    });
  });
});
