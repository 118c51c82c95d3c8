import { writeFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  settings,
  assert,
  assertEqual,
  assertError,
  waitForCondition,
  waitForOfsSync,
  waitForSync,
  waitReplicaOnline,
  startBgComplexData,
  csvdump,
  fail,
  sleep,
  randomInt,
  randomKey,
  randomValue,
  type Arg,
  type ServerHandle,
  puts,
  tclCatch,
} from '../../harness/index.ts';

const FUNCTIONS = `#!lua name=test
redis.register_function{function_name='f_default_flags', callback=function(keys, args) return redis.call('get',keys[1]) end, flags={}}
redis.register_function{function_name='f_no_writes', callback=function(keys, args) return redis.call('get',keys[1]) end, flags={'no-writes'}}
`;

async function digest(handle: ServerHandle): Promise<string> {
  return String(await handle.call('debug', 'digest'));
}

/** The bytes Tcl's client would send for a generated value (characters 0-255 are single bytes). */
function tclBytes(value: string | number): Buffer {
  return Buffer.from(String(value), 'latin1');
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['repl', 'network', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      const load0 = await startBgComplexData(master.host, master.port, 9, 100000);
      const load1 = await startBgComplexData(master.host, master.port, 11, 100000);
      const load2 = await startBgComplexData(master.host, master.port, 12, 100000);

      await test(
        'First server should have role slave after SLAVEOF',
        async () => {
          await slave.call('slaveof', master.host, master.port);
          await sleep(1000);
          return slave.status('role');
        },
        { okPattern: 'slave' },
      );

      await test('Test replication with parallel clients writing in different DBs', async () => {
        await sleep(5000);
        await load0.stop();
        await load1.stop();
        await load2.stop();
        await waitForCondition(100, 100, async () => (await digest(master)) === (await digest(slave)), async () => {
          writeFileSync('/tmp/repldump1.txt', await csvdump(slave));
          writeFileSync('/tmp/repldump2.txt', await csvdump(master));
          fail('Master - Replica inconsistency, Run diff -u against /tmp/repldump*.txt for more info');
        });
        assert(Number(await master.call('dbsize')) > 0, 'master dbsize > 0');
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      // Functions used by the tests below.
      await master.call('function', 'load', 'replace', FUNCTIONS);

      await test('First server should have role slave after SLAVEOF', async () => {
        await slave.call('slaveof', master.host, master.port);
        await waitReplicaOnline(master);
      });

      await test('With min-slaves-to-write (1,3): master should be writable', async () => {
        await master.call('config', 'set', 'min-slaves-max-lag', 3);
        await master.call('config', 'set', 'min-slaves-to-write', 1);
        assertEqual('OK', await master.call('set', 'foo', 123));
        assertEqual('OK', await master.call('eval', "return redis.call('set','foo',12345)", 0));
      });

      await test('With min-slaves-to-write (2,3): master should not be writable', async () => {
        await master.call('config', 'set', 'min-slaves-max-lag', 3);
        await master.call('config', 'set', 'min-slaves-to-write', 2);
        await assertError('*NOREPLICAS*', () => master.call('set', 'foo', 'bar'));
        await assertError('*NOREPLICAS*', () => master.call('eval', "redis.call('set','foo','bar')", 0));
      });

      await test('With min-slaves-to-write function without no-write flag', async () => {
        await assertError('*NOREPLICAS*', () => master.call('fcall', 'f_default_flags', 1, 'foo'));
        assertEqual('12345', await master.call('fcall', 'f_no_writes', 1, 'foo'));
      });

      await test(
        'With not enough good slaves, read in Lua script is still accepted',
        async () => {
          await master.call('config', 'set', 'min-slaves-max-lag', 3);
          await master.call('config', 'set', 'min-slaves-to-write', 1);
          await master.call('eval', "redis.call('set','foo','bar')", 0);

          await master.call('config', 'set', 'min-slaves-to-write', 2);
          return master.call('eval', "return redis.call('get','foo')", 0);
        },
        { okPattern: 'bar' },
      );

      await test('With min-slaves-to-write: master not writable with lagged slave', async () => {
        await master.call('config', 'set', 'min-slaves-max-lag', 2);
        await master.call('config', 'set', 'min-slaves-to-write', 1);
        assertEqual('OK', await master.call('set', 'foo', 123));
        assertEqual('OK', await master.call('eval', "return redis.call('set','foo',12345)", 0));
        // A stopped replica stops acking and becomes lagged.
        await slave.pause();
        await waitForCondition(100, 100, async () => (await tclCatch(() => master.call('set', 'foo', 123))).failed, "Master didn't become readonly");
        await assertError('*NOREPLICAS*', () => master.call('set', 'foo', 123));
        await assertError('*NOREPLICAS*', () => master.call('eval', "return redis.call('set','foo',12345)", 0));
        await slave.resume();
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      await test('First server should have role slave after SLAVEOF', async () => {
        await slave.call('slaveof', master.host, master.port);
        await waitForCondition(50, 100, async () => (await slave.status('master_link_status')) === 'up', 'Replication not started.');
      });

      await test('Replication of an expired key does not delete the expired key', async () => {
        // A slow wait_for_ofs_sync can outlast the TTL and give a false positive: retry with
        // TTLs doubling from 500 ms, five attempts at most.
        let pxMs = 500;
        let res: unknown;
        let errcode = 0;
        let i = 0;
        for (i = 0; i < 5; i++) {
          await waitForOfsSync(master, slave);
          await master.call('debug', 'set-active-expire', 0);
          await master.call('set', 'k', 1, 'px', pxMs);
          await waitForOfsSync(master, slave);
          await slave.pause();
          await master.call('incr', 'k');
          await sleep(pxMs + 1);
          // The replica was stopped past the TTL: the INCR reaches it once k is logically expired.
          await slave.resume();
          await waitForOfsSync(master, slave);
          // k must be logically expired on the replica, yet still present there.
          res = await slave.call('exists', 'k');
          errcode = (await tclCatch(() => slave.call('debug', 'object', 'k'))).failed ? 1 : 0; // fails when k is gone
          if (Number(res) === 0 && errcode === 0) break;
          pxMs *= 2;
        }

        if (settings().verbose) {
          puts(`Replication of an expired key does not delete the expired key test attempts: ${i}`);
        }
        assertEqual(res, 0);
        assertEqual(errcode, 0);
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      await test('First server should have role slave after SLAVEOF', async () => {
        await slave.call('slaveof', master.host, master.port);
        await waitForCondition(50, 100, async () => (await slave.status('role')) === 'slave', 'Replication not started.');
      });

      await test('Replication: commands with many arguments (issue #1221)', async () => {
        // Big MSETs used to hit a class of bugs (issue #1221).
        for (let j = 0; j < 100; j++) {
          const cmd: Arg[] = ['mset'];
          for (let x = 0; x < 1000; x++) cmd.push(tclBytes(randomKey()), tclBytes(randomValue()));
          await master.call(...cmd);
        }

        // Up to 10 s for the replica to catch up; not a failure by itself when it does not.
        await waitForCondition(10, 1000, async () => (await digest(master)) === (await digest(slave)), () => undefined);
        assert(Number(await master.call('dbsize')) > 0, 'master dbsize > 0');
      });

      await test('Replication of SPOP command -- alsoPropagate() API', async () => {
        await master.call('del', 'myset');
        const size = 1 + randomInt(100);
        const content: Arg[] = [];
        for (let j = 0; j < size; j++) content.push(tclBytes(randomValue()));
        await master.call('sadd', 'myset', ...content);

        const count = randomInt(100);
        await master.call('spop', 'myset', count);

        await waitForCondition(50, 100, async () => (await digest(master)) === (await digest(slave)), 'SPOP replication inconsistency');
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await startServer({}, async (replica) => {
      await test('First server should have role slave after SLAVEOF', async () => {
        await replica.call('slaveof', master.host, master.port);
        await waitForCondition(50, 100, async () => (await replica.status('role')) === 'slave', 'Replication not started.');
        await waitForSync(replica);
      });

      await test('Data divergence can happen under default conditions', async () => {
        await replica.call('config', 'set', 'propagation-error-behavior', 'ignore');
        await master.call('debug', 'replicate', 'fake-command-1');

        // Let the link settle.
        await master.call('set', 'foo', 'bar2');
        await master.call('wait', 1, 2000);

        // The replica logged the error, naming the fake command, as critical.
        assertEqual(replica.countLogMessage('fake-command-1'), 1);
        assertEqual(replica.countLogMessage('== CRITICAL =='), 1);
      });

      await test('Data divergence is allowed on writable replicas', async () => {
        await replica.call('config', 'set', 'replica-read-only', 'no');
        await replica.call('set', 'number2', 'foo');
        await master.call('incrby', 'number2', 1);
        await master.call('wait', 1, 2000);

        assertEqual(await master.call('get', 'number2'), 1);
        assertEqual(await replica.call('get', 'number2'), 'foo');

        assertEqual(replica.countLogMessage('incrby'), 1);
      });
    });
  });
});
