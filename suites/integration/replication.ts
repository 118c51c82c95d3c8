import { readFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  srv,
  r,
  settings,
  assert,
  assertEqual,
  assertMatch,
  assertError,
  fail,
  tclString,
  waitForCondition,
  waitForSync,
  waitForOfsSync,
  waitForBgsave,
  waitLoadHandlersDisconnected,
  cmdrstat,
  childPid,
  processIsAlive,
  rng,
  randomInt,
  sleep,
  startWriteLoad,
  startBgComplexData,
  ReplicationStream,
  type ServerHandle,
  stringMatch,
  verbose,
} from '../../harness/index.ts';

// ---- small local helpers ----

/** The whole log file matches the glob pattern. */
function logFileMatches(file: string, pattern: string): boolean {
  return stringMatch(pattern, readFileSync(file, 'utf8'));
}

async function linkUp(h: ServerHandle): Promise<boolean> {
  return stringMatch('*master_link_status:up*', await h.info('replication'));
}

async function isLinkedReplica(h: ServerHandle): Promise<boolean> {
  return (await h.roleField(0)) === 'slave' && (await linkUp(h));
}

async function digest(h: ServerHandle): Promise<string> {
  return tclString(await h.call('debug', 'digest'));
}

async function config(h: ServerHandle, ...pairs: Array<string | number>): Promise<void> {
  for (let i = 0; i < pairs.length; i += 2) await h.call('config', 'set', pairs[i]!, pairs[i + 1]!);
}

/** Tcl `exec kill pid`: a plain SIGTERM, not waiting for the process to go. */
function sigterm(h: ServerHandle): void {
  process.kill(h.pid, 'SIGTERM');
}

function repeatA(n: number): string {
  return 'A'.repeat(n);
}

/** Drops the replica link and refills the backlog in one transaction, so the replica's next attempt is a full sync. */
async function forceFullSyncWithNewBacklog(master: ServerHandle, extra: Array<Array<string | number>> = []): Promise<void> {
  await master.call('multi');
  await master.call('client', 'kill', 'type', 'replica');
  for (const cmd of extra) await master.call(...cmd);
  await master.call('config', 'set', 'repl-backlog-size', 16384);
  for (let keyid = 0; keyid < 10; keyid++) await master.call('set', `${keyid} string_${keyid}`, repeatA(16384));
  await master.call('exec');
}

const FUNCTION_HELLO = (n: number) => `#!lua name=test\n    redis.register_function('test', function() return 'hello${n}' end)\n`;
const ZERO_DIGEST = '0000000000000000000000000000000000000000';

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['repl', 'network', 'external:skip'] }, async (slave) => {
    await startServer({}, async (master) => {
      // The master hangs in the delayed BGSAVE, keeping the replica in the handshake.
      await config(master, 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 1000);
      await config(slave, 'repl-timeout', 5);
      await slave.call('slaveof', master.host, master.port);

      await test('Slave enters handshake', async () => {
        await waitForCondition(50, 1000, async () => stringMatch('*handshake*', await slave.call('role')), 'Replica does not enter handshake state');
      });

      // No keepalive newlines while the master sleeps: the replica must time out.
      await master.call('debug', 'sleep', 10);

      await test('Slave is able to detect timeout during handshake', async () => {
        await waitForCondition(50, 1000, () => logFileMatches(slave.stdout, '*Timeout connecting to the MASTER*'), 'Replica is not able to detect timeout');
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (A) => {
    await startServer({}, async (B) => {
      await test('Set instance A as slave of B', async () => {
        await A.call('slaveof', B.host, B.port);
        await waitForCondition(50, 100, () => isLinkedReplica(A), "Can't turn the instance into a replica");
      });

      await test('INCRBYFLOAT replication, should not remove expire', async () => {
        await r('set', 'test', 1, 'EX', 100);
        await r('incrbyfloat', 'test', 0.1);
        await waitForOfsSync(A, B);
        assertEqual(await digest(A), await digest(B));
      });

      await test('GETSET replication', async () => {
        await A.call('config', 'resetstat');
        await config(A, 'loglevel', 'debug');
        await config(B, 'loglevel', 'debug');
        await r('set', 'test', 'foo');
        assertEqual(await r('getset', 'test', 'bar'), 'foo');
        await waitForCondition(500, 10, async () => (await A.call('get', 'test')) === 'bar', "getset wasn't propagated");
        assertEqual(await r('set', 'test', 'vaz', 'get'), 'bar');
        await waitForCondition(500, 10, async () => (await A.call('get', 'test')) === 'vaz', "set get wasn't propagated");
        assertMatch('*calls=3,*', await cmdrstat('set', A));
        assertMatch('', await cmdrstat('getset', A));
      });

      const digestsDiffer = async () => fail(`Master and replica have different digest: ${await digest(A)} VS ${await digest(B)}`);
      const digestsEqual = async () => (await digest(A)) === (await digest(B));

      /** A blocking move against an empty list, then a push that serves it: replicated as the non-blocking command. */
      async function blockingMoveOnEmptyList(blockingCmd: Array<string | number>, expectedCmd: string, otherCmd: string): Promise<void> {
        await A.call('config', 'resetstat');
        const rd = await B.newClient();
        rd.send(...blockingCmd);
        await r('lpush', 'a', 'foo');
        await waitForCondition(50, 100, digestsEqual, digestsDiffer);
        assertMatch('*calls=1,*', await cmdrstat(expectedCmd, A));
        assertMatch('', await cmdrstat(otherCmd, A));
      }

      /** A blocking move against a list that has elements: served at once. */
      async function blockingMoveOnExistingList(blockingCmd: Array<string | number>, expectedCmd: string, otherCmd: string): Promise<void> {
        await A.call('config', 'resetstat');
        const rd = await B.newClient();
        await r('lpush', 'c', 1);
        await r('lpush', 'c', 2);
        await r('lpush', 'c', 3);
        rd.send(...blockingCmd);
        await sleep(1000);
        assertEqual(await digest(A), await digest(B));
        assertMatch('*calls=1,*', await cmdrstat(expectedCmd, A));
        assertMatch('', await cmdrstat(otherCmd, A));
      }

      await test('BRPOPLPUSH replication, when blocking against empty list', async () => {
        await blockingMoveOnEmptyList(['brpoplpush', 'a', 'b', 5], 'rpoplpush', 'lmove');
      });

      await test('BRPOPLPUSH replication, list exists', async () => {
        await blockingMoveOnExistingList(['brpoplpush', 'c', 'd', 5], 'rpoplpush', 'lmove');
      });

      for (const wherefrom of ['left', 'right']) {
        for (const whereto of ['left', 'right']) {
          await test(`BLMOVE (${wherefrom}, ${whereto}) replication, when blocking against empty list`, async () => {
            await blockingMoveOnEmptyList(['blmove', 'a', 'b', wherefrom, whereto, 5], 'lmove', 'rpoplpush');
          });

          await test(`BLMOVE (${wherefrom}, ${whereto}) replication, list exists`, async () => {
            await blockingMoveOnExistingList(['blmove', 'c', 'd', wherefrom, whereto, 5], 'lmove', 'rpoplpush');
          });
        }
      }

      await test('BLPOP followed by role change, issue #2473', async () => {
        const rd = await B.newClient();
        rd.send('blpop', 'foo', 0); // blocked while B is still a master

        // B becomes the replica of A.
        await A.call('slaveof', 'no', 'one');
        await B.call('slaveof', A.host, A.port);
        await waitForCondition(50, 100, () => isLinkedReplica(B), "Can't turn the instance into a replica");

        // A client still blocked on B would pop these and desync the pair.
        await A.call('rpush', 'foo', 'a', 'b', 'c');
        await sleep(100);

        await waitForCondition(
          50,
          100,
          async () =>
            (await digestsEqual()) &&
            tclString(await A.call('lrange', 'foo', 0, -1)) === 'a b c' &&
            tclString(await B.call('lrange', 'foo', 0, -1)) === 'a b c',
          digestsDiffer,
        );
      });
    });
  });

  await startServer({ tags: ['repl', 'external:skip'] }, async (master) => {
    await r('set', 'mykey', 'foo');

    await startServer({}, async (replica) => {
      await test('Second server should have role master at first', () => replica.status('role'), { okPattern: 'master' });

      await test(
        'SLAVEOF should start with link status "down"',
        async () => {
          await r('multi');
          await r('slaveof', master.host, master.port);
          await r('info', 'replication');
          return r('exec');
        },
        { okPattern: '*master_link_status:down*' },
      );

      await test('The role should immediately be changed to "replica"', () => replica.status('role'), { okPattern: 'slave' });

      await waitForSync(replica);
      await test('Sync should have transferred keys from master', () => r('get', 'mykey'), { okPattern: 'foo' });

      await test('The link status should be up', () => replica.status('master_link_status'), { okPattern: 'up' });

      await test('SET on the master should immediately propagate', async () => {
        await master.call('set', 'mykey', 'bar');
        await waitForCondition(500, 100, async () => (await replica.call('get', 'mykey')) === 'bar', 'SET on master did not propagated on replica');
      });

      await test('FLUSHDB / FLUSHALL should replicate', async () => {
        // The stream of the innermost server (the replica), which relays what the master sends it.
        const repl = await ReplicationStream.attach(replica);

        await master.call('set', 'key', 'value');
        await master.call('flushdb');

        await master.call('set', 'key', 'value2');
        await master.call('flushall');

        await waitForOfsSync(replica, master);
        assertEqual(await master.call('dbsize'), 0);
        assertEqual(await replica.call('dbsize'), 0);

        // Flushing an empty db (or empty dbs) is still propagated every time.
        for (let i = 0; i < 3; i++) await master.call('flushdb');
        for (let i = 0; i < 3; i++) await master.call('flushall');

        await repl.assertStream(['set key value', 'flushdb', 'set key value2', 'flushall', 'flushdb', 'flushdb', 'flushdb', 'flushall', 'flushall', 'flushall']);
        await repl.close();
      });

      await test('ROLE in master reports master with a slave', async () => {
        const [roleName, offset, slaves] = (await master.call('role')) as [string, number, unknown[][]];
        assert(roleName === 'master', "role eq {master}");
        assert(Number(offset) > 0, 'offset > 0');
        assert(slaves.length === 1, 'llength slaves == 1');
        const slaveOffset = Number(slaves[0]![2]);
        assert(slaveOffset <= Number(offset), 'slave_offset <= offset');
      });

      await test('ROLE in slave reports slave in connected state', async () => {
        const [roleName, , , slaveState] = (await r('role')) as unknown[];
        assert(roleName === 'slave', 'role eq {slave}');
        assert(slaveState === 'connected', 'slave_state eq {connected}');
      });
    });
  });

  for (const mdl of ['no', 'yes']) {
    for (const sdl of ['disabled', 'swapdb']) {
      // long: four servers and five load generators for 10-20 s; started late, they end the run.
      await startServer({ tags: ['repl', 'external:skip'], long: true }, async (master) => {
        await config(master, 'repl-diskless-sync', mdl, 'repl-diskless-sync-delay', 5, 'repl-diskless-sync-max-replicas', 3);
        await startServer({}, async (s0) => {
          await startServer({}, async (s1) => {
            await startServer({}, async (s2) => {
              const slaves = [s0, s1, s2];
              await test(`Connect multiple replicas at the same time (issue #141), master diskless=${mdl}, replica diskless=${sdl}`, async () => {
                // Load generators start inside the test, so that skipping the test skips them.
                const loads = await Promise.all([
                  startBgComplexData(master.host, master.port, 9, 100000000),
                  startBgComplexData(master.host, master.port, 11, 100000000),
                  startBgComplexData(master.host, master.port, 12, 100000000),
                  startWriteLoad(master.host, master.port, 8),
                  startWriteLoad(master.host, master.port, 4),
                ]);
                await sleep(5000); // some data for the fork to save

                for (const s of slaves) await s.call('config', 'set', 'repl-diskless-load', sdl);
                for (const s of slaves) await s.call('slaveof', master.host, master.port);

                // All three online as the master sees them.
                await waitForCondition(
                  500,
                  100,
                  async () => stringMatch('*slave0:*state=online*slave1:*state=online*slave2:*state=online*', await srv(-3).info()),
                  'Slaves not correctly synchronized',
                );

                // And as they see themselves, so DBSIZE and DEBUG DIGEST are not racing the sync.
                await waitForCondition(
                  500,
                  100,
                  async () => (await s0.roleField(3)) === 'connected' && (await s1.roleField(3)) === 'connected' && (await s2.roleField(3)) === 'connected',
                  'Slaves still not connected after some time',
                );

                for (const load of loads) await load.stop();
                await waitLoadHandlersDisconnected(srv(-3));

                for (const s of slaves) await waitForOfsSync(master, s);

                const d = await digest(master);
                const d0 = await digest(s0);
                const d1 = await digest(s1);
                const d2 = await digest(s2);
                assert(d !== ZERO_DIGEST, `digest ne ${ZERO_DIGEST}`);
                assert(d === d0, 'digest eq digest0');
                assert(d === d1, 'digest eq digest1');
                assert(d === d2, 'digest eq digest2');
              });
            });
          });
        });
      });
    }
  }

  // long: its replica runs a Lua loop of 3e9 steps, tens of seconds on a loaded machine.
  await startServer({ tags: ['repl', 'external:skip'], long: true }, async (master) => {
    await startServer({}, async (slave) => {
      await test('Master stream is correctly processed while the replica has a script in -BUSY state', async () => {
        const load = await startWriteLoad(master.host, master.port, 3);
        await config(slave, 'lua-time-limit', 500);
        await slave.call('slaveof', master.host, master.port);

        await waitForCondition(500, 100, async () => (await slave.roleField(3)) === 'connected', 'Replica still not connected after some time');

        // Let the master stream flow for a while.
        await sleep(5000);

        // A long script keeps the replica BUSY while the stream keeps coming.
        await slave.call('eval', 'for i=1,3000000000 do end', 0);

        await sleep(2000);

        await load.stop();

        await waitForCondition(500, 100, async () => (await digest(master)) === (await digest(slave)), 'Different datasets between replica and master');
      });
    });
  });

  // Diskless load swapdb when the replication ids differ (no async_loading).
  for (const testType of ['Successful', 'Aborted']) {
    await startServer({ tags: ['repl', 'external:skip'] }, async (replica) => {
      await startServer({}, async (master) => {
        await config(master, 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 0, 'save', '');
        await config(replica, 'repl-diskless-load', 'swapdb', 'save', '');

        // Different data sets; big values on the master since a loading replica answers INFO only every 2 MB.
        await replica.call('debug', 'populate', 200, 'slave', 10);
        await master.call('debug', 'populate', 1000, 'master', 100000);
        await config(master, 'rdbcompression', 'no');

        // Seen on failure, gone after the swap.
        await replica.call('set', 'mykey', 'myvalue');

        if (testType === 'Aborted') {
          // 10 ms per key: 1000 keys take 10 s, time enough to catch the loading.
          await config(master, 'rdb-key-save-delay', 10000);

          await replica.call('replicaof', master.host, master.port);

          await test('Diskless load swapdb (different replid): replica enter loading', async () => {
            await waitForCondition(100, 100, async () => (await srv(-1).status('loading')) === '1', "Replica didn't get into loading mode");
            assertEqual(await srv(-1).status('async_loading'), 0);
          });

          // The next sync waits, so the replica can be seen between syncs.
          await config(master, 'repl-diskless-sync-delay', 5);

          await master.call('client', 'kill', 'type', 'replica');

          await waitForCondition(100, 100, async () => (await srv(-1).status('loading')) === '0', "Replica didn't disconnect");

          await test('Diskless load swapdb (different replid): old database is exposed after replication fails', async () => {
            assertEqual(await replica.call('get', 'mykey'), 'myvalue');
            assertEqual(await replica.call('dbsize'), 201);
          });

          // Quicker shutdown.
          await config(master, 'rdb-key-save-delay', 0);
        } else {
          await replica.call('replicaof', master.host, master.port);

          await waitForCondition(100, 100, async () => (await srv(-1).status('master_link_status')) === 'up', "Master <-> Replica didn't finish sync");

          await test('Diskless load swapdb (different replid): new database is exposed after swapping', async () => {
            // The replica-only key is gone, and the reply is not LOADING.
            assertEqual(await replica.call('GET', 'mykey'), '');
            assertEqual(await replica.call('dbsize'), 1000);
          });
        }
      });
    });
  }

  // Diskless load swapdb with async_loading (same replication id).
  for (const testType of ['Successful', 'Aborted']) {
    await startServer({ tags: ['repl', 'external:skip'] }, async (replica) => {
      await startServer({}, async (master) => {
        await config(master, 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 0, 'save', '');
        await config(replica, 'repl-diskless-load', 'swapdb', 'save', '');

        // A writable replica, so a key written on it shows what the replica serves.
        await config(replica, 'replica-read-only', 'no');

        // A first sync gives both the same replication id.
        await replica.call('replicaof', master.host, master.port);
        await waitForCondition(100, 100, async () => (await srv(-1).status('master_link_status')) === 'up', "Master <-> Replica didn't finish sync");

        await replica.call('debug', 'populate', 2000, 'slave', 10);
        await master.call('debug', 'populate', 2000, 'master', 100000);
        await config(master, 'rdbcompression', 'no');

        await replica.call('set', 'mykey', 'myvalue');
        await replica.call('function', 'load', FUNCTION_HELLO(1));
        await master.call('function', 'load', FUNCTION_HELLO(2));

        // Another full sync, this time with a matching replication id.
        await forceFullSyncWithNewBacklog(master);

        if (testType === 'Aborted') {
          // 10 ms per key: 2000 keys take 20 s.
          await config(master, 'rdb-key-save-delay', 10000);

          await test('Diskless load swapdb (async_loading): replica enter async_loading', async () => {
            await waitForCondition(100, 100, async () => (await srv(-1).status('async_loading')) === '1', "Replica didn't get into async_loading mode");
            assertEqual(await srv(-1).status('loading'), 0);
          });

          await test('Diskless load swapdb (async_loading): old database is exposed while async replication is in progress', async () => {
            assertEqual(await replica.call('get', 'mykey'), 'myvalue');
            assertEqual(await replica.call('fcall', 'test', 0), 'hello1');
            // Still loading, so the two checks above saw the old data while loading.
            assertEqual(await srv(-1).status('async_loading'), 1);
            assertEqual(await replica.call('dbsize'), 2001);
          });

          await test('Busy script during async loading', async () => {
            const rdReplica = await srv(-1).newClient();
            await config(replica, 'lua-time-limit', 10);
            rdReplica.send('eval', 'while true do end', 0);
            await sleep(200);
            await assertError('BUSY*', () => replica.call('ping'));
            await replica.call('script', 'kill');
            await sleep(200); // the script hook has to run again
            assertEqual(await replica.call('ping'), 'PONG');
            await rdReplica.close();
          });

          await test('Blocked commands and configs during async-loading', async () => {
            await assertError('LOADING*', () => replica.call('config', 'set', 'appendonly', 'no'));
            await assertError('LOADING*', () => replica.call('REPLICAOF', 'no', 'one'));
          });

          await config(master, 'repl-diskless-sync-delay', 5);

          await master.call('client', 'kill', 'type', 'replica');

          await waitForCondition(100, 100, async () => (await srv(-1).status('async_loading')) === '0', "Replica didn't disconnect");

          await test('Diskless load swapdb (async_loading): old database is exposed after async replication fails', async () => {
            assertEqual(await replica.call('get', 'mykey'), 'myvalue');
            assertEqual(await replica.call('fcall', 'test', 0), 'hello1');
            assertEqual(await replica.call('dbsize'), 2001);
          });

          await config(master, 'rdb-key-save-delay', 0);
        } else {
          await waitForCondition(100, 100, async () => (await srv(-1).status('master_link_status')) === 'up', "Master <-> Replica didn't finish sync");

          await test('Diskless load swapdb (async_loading): new database is exposed after swapping', async () => {
            assertEqual(await replica.call('GET', 'mykey'), '');
            assertEqual(await replica.call('fcall', 'test', 0), 'hello2');
            assertEqual(await replica.call('dbsize'), 2010);
          });
        }
      });
    });
  }

  await test(
    'diskless loading short read',
    async () => {
      await startServer({ tags: ['repl'] }, async (replica) => {
        await startServer({}, async (master) => {
          await config(master, 'repl-diskless-sync', 'yes', 'rdbcompression', 'no');
          await config(replica, 'repl-diskless-load', 'swapdb');
          await config(master, 'hz', 500);
          await config(replica, 'hz', 500);
          await config(master, 'dynamic-hz', 'no');
          await config(replica, 'dynamic-hz', 'no');
          let start = Date.now();

          // Functions too must survive a cut in the middle.
          await r('function', 'load', FUNCTION_HELLO(1));

          // Every type, small and large encodings.
          for (let k = 0; k < 3; k++) {
            for (let i = 0; i < 10; i++) {
              await r('set', `${k} int_${i}`, randomInt(10000));
              await r('expire', `${k} int_${i}`, randomInt(10000));
              await r('set', `${k} string_${i}`, repeatA(randomInt(1000000)));
              const smallField = repeatA(randomInt(10));
              await r('hset', `${k} hash_small`, smallField, `0${repeatA(randomInt(10))}`);
              const largeField = repeatA(randomInt(10000));
              await r('hset', `${k} hash_large`, largeField, repeatA(randomInt(1000000)));
              await r('sadd', `${k} set_small`, repeatA(randomInt(10)));
              await r('sadd', `${k} set_large`, repeatA(randomInt(1000000)));
              const smallScore = rng().random();
              await r('zadd', `${k} zset_small`, smallScore, repeatA(randomInt(10)));
              const largeScore = rng().random();
              await r('zadd', `${k} zset_large`, largeScore, repeatA(randomInt(1000000)));
              await r('lpush', `${k} list_small`, repeatA(randomInt(10)));
              await r('lpush', `${k} list_large`, repeatA(randomInt(1000000)));
              for (let j = 0; j < 10; j++) await r('xadd', `${k} stream`, '*', 'foo', 'asdf', 'bar', '1234');
              await r('xgroup', 'create', `${k} stream`, `mygroup_${i}`, 0);
              await r('xreadgroup', 'GROUP', `mygroup_${i}`, 'Alice', 'COUNT', 1, 'STREAMS', `${k} stream`, '>');
            }
          }

          if (settings().verbose) {
            verbose(`filling took ${Date.now() - start} ms (TODO: use pipeline)`);
            start = Date.now();
          }

          let loglines = replica.logLineCount();
          await config(master, 'repl-diskless-sync-delay', 0);
          await replica.call('replicaof', master.host, master.port);

          // Cut the transfer at many different points.
          const attempts = settings().accurate ? 500 : 100;
          for (let i = 0; i < attempts; i++) {
            // The log, since a loading replica answers INFO only every 2 MB.
            let res = await replica.waitForLogMessages(['*Loading DB in memory*'], loglines, 2000, 1);
            loglines = res.lineNumber;

            // A random pause, so each kill hits a different place.
            await sleep(randomInt(50));

            await master.call('client', 'kill', 'type', 'replica');

            res = await replica.waitForLogMessages(['*Internal error in RDB*', '*Finished with success*', '*Successful partial resynchronization*'], loglines, 500, 10);
            verbose(`${res.line} ${res.lineNumber}`);
            loglines = res.lineNumber;
            if (!stringMatch('*Internal error in RDB*', res.line)) {
              // The load completed: make sure the next attempt is a full sync again.
              await forceFullSyncWithNewBacklog(master, [['set', 'asdf', 'asdf']]);
            }

            // After a successful load the next attempt is an async_loading one.
            await waitForCondition(
              1000,
              1,
              async () => (await srv(-1).status('async_loading')) === '0' && (await srv(-1).status('loading')) === '0',
              "Replica didn't disconnect",
            );
          }
          verbose(`test took ${Date.now() - start} ms`);
          await config(master, 'rdb-key-save-delay', 0);
        });
      });
    },
    { tags: ['external:skip'] },
  );

  // A diskless rdb pipe to two replicas, some of which drop in the middle (long: five slow syncs in a row).
  await startServer({ tags: ['repl', 'external:skip'], long: true }, async (master) => {
    await config(master, 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 5, 'repl-diskless-sync-max-replicas', 2);
    // An rdb larger than the socket buffers; with key-load-delay 100, 20000 keys take 2 s or more to load,
    // and the replica must serve requests during the transfer (it does so every 2 MB).
    await master.call('debug', 'populate', 20000, 'test', 10000);
    await config(master, 'rdbcompression', 'no');
    // No CPU usage check: in 7.0.15 upstream's Linux test compares uname's exit status (0) with "Linux",
    // so it never measures the master's utime/stime and never asserts on them.
    for (const allDrop of ['no', 'slow', 'fast', 'all', 'timeout']) {
      await test(`diskless ${allDrop} replicas drop during rdb pipe`, async () => {
        // One replica reads the rdb fast, the other slowly.
        await startServer({}, async (slow) => {
          await startServer({}, async (fast) => {
            let replicasAlive = [slow, fast];

            // One slow replica with its write handler on binds the whole rdb generation to it.
            const loglines = master.logLineCount();
            await config(slow, 'repl-diskless-load', 'swapdb', 'key-load-delay', 100); // 20k keys at 100 us each: 2 s at least
            await slow.call('replicaof', master.host, master.port);
            await fast.call('replicaof', master.host, master.port);

            // The log, since a loading replica answers INFO only every 2 MB.
            await slow.waitForLogMessages(['*Loading DB in memory*'], 0, 800, 10);

            // Time for the pipe writer to block on the slow replica.
            await sleep(500);

            // A command in the stream after the rdb.
            await master.call('incr', allDrop);

            if (allDrop === 'all' || allDrop === 'fast') {
              sigterm(fast);
              replicasAlive = replicasAlive.filter((h) => h !== fast);
            }
            if (allDrop === 'all' || allDrop === 'slow') {
              sigterm(slow);
              replicasAlive = replicasAlive.filter((h) => h !== slow);
            }
            if (allDrop === 'timeout') {
              await config(master, 'repl-timeout', 2);
              // The slow replica hangs on a key long enough to hit repl-timeout.
              await slow.pause();
              await sleep(2000);
            }

            await waitForCondition(500, 100, async () => (await srv(-2).status('rdb_bgsave_in_progress')) === '0', "rdb child didn't terminate");

            // The master's log tells the path taken was the one aimed for.
            if (allDrop === 'all') {
              await master.waitForLogMessages(['*Diskless rdb transfer, last replica dropped, killing fork child*'], loglines, 1, 1);
            }
            if (allDrop === 'no') {
              await master.waitForLogMessages(['*Diskless rdb transfer, done reading from pipe, 2 replicas still up*'], loglines, 1, 1);
            }
            if (allDrop === 'slow' || allDrop === 'fast') {
              await master.waitForLogMessages(['*Diskless rdb transfer, done reading from pipe, 1 replicas still up*'], loglines, 1, 1);
            }
            if (allDrop === 'timeout') {
              await master.waitForLogMessages(['*Disconnecting timedout replica (full sync)*'], loglines, 1, 1);
              await master.waitForLogMessages(['*Diskless rdb transfer, done reading from pipe, 1 replicas still up*'], loglines, 1, 1);
              // The master dropped the slow replica; let it run again.
              replicasAlive = replicasAlive.filter((h) => h !== slow);
              await slow.resume();
            }

            // Data integrity on the replicas still up.
            for (const replica of replicasAlive) {
              // Online as the replica sees it, so DBSIZE and DEBUG DIGEST are not racing the sync.
              await waitForCondition(150, 100, async () => (await replica.roleField(3)) === 'connected', 'replicas still not connected after some time');

              await waitForCondition(
                50,
                100,
                async () => Number(await master.call('dbsize')) === Number(await replica.call('dbsize')),
                'Different number of keys between master and replicas after too long time.',
              );

              const d = await digest(master);
              const d0 = await digest(replica);
              assert(d !== ZERO_DIGEST, `digest ne ${ZERO_DIGEST}`);
              assert(d === d0, 'digest eq digest0');
            }
          });
        });
      });
    }
  });

  await test(
    'diskless replication child being killed is collected',
    async () => {
      // While the master waits for the replica to be writable it removes the rdb pipe's read event:
      // a killed child must still be reaped.
      await startServer({ tags: ['repl'] }, async (master) => {
        await config(master, 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 0);
        // An rdb larger than the socket buffers.
        await master.call('debug', 'populate', 20000, 'test', 10000);
        await config(master, 'rdbcompression', 'no');
        await startServer({}, async (replica) => {
          const loglines = replica.logLineCount();
          await config(replica, 'repl-diskless-load', 'swapdb', 'key-load-delay', 1000000, 'loading-process-events-interval-bytes', 1024);
          await replica.call('replicaof', master.host, master.port);

          await replica.waitForLogMessages(['*Loading DB in memory*'], loglines, 800, 10);

          // The replica hangs on a key and the master blocks on write.
          await sleep(500);

          // As the OOM killer would.
          const forkChild = childPid(srv(-1).pid);
          if (forkChild === null) fail('no fork child found');
          process.kill(forkChild, 'SIGKILL');

          await waitForCondition(50, 100, async () => (await srv(-1).status('rdb_bgsave_in_progress')) === '0', "rdb child didn't terminate");

          await config(replica, 'key-load-delay', 0);
        });
      });
    },
    { tags: ['external:skip'] },
  );

  for (const mdl of ['yes', 'no']) {
    await test(
      `replication child dies when parent is killed - diskless: ${mdl}`,
      async () => {
        // A fork child must notice its parent died and exit.
        await startServer({ tags: ['repl'] }, async (master) => {
          await config(master, 'repl-diskless-sync', mdl, 'repl-diskless-sync-delay', 0);
          // 10000 keys at 1 ms each: a 10 s save.
          await config(master, 'rdb-key-save-delay', 1000);
          await master.call('debug', 'populate', 10000);
          await startServer({}, async (replica) => {
            await replica.call('replicaof', master.host, master.port);

            await waitForCondition(5000, 10, async () => (await srv(-1).status('rdb_bgsave_in_progress')) === '1', "rdb child didn't start");
            const forkChild = childPid(srv(-1).pid);
            if (forkChild === null) fail('no fork child found');

            // As the OOM killer would, on the parent this time.
            await master.kill('SIGKILL');

            await waitForCondition(500, 10, () => !processIsAlive(forkChild), "rdb child didn't terminate");
          });
        });
      },
      { tags: ['external:skip'] },
    );
  }

  await test(
    'diskless replication read pipe cleanup',
    async () => {
      // Closing the rdb read pipe must remove its read handler too, or reusing the fd later panics.
      await startServer({ tags: ['repl'] }, async (master) => {
        await config(master, 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 0);

        // Much data and a slow save keep the parent busy reading.
        await config(master, 'rdb-key-save-delay', 100000);
        await master.call('debug', 'populate', 20000, 'test', 10000);
        await config(master, 'rdbcompression', 'no');
        await startServer({}, async (replica) => {
          let loglines = replica.logLineCount();
          await config(replica, 'repl-diskless-load', 'swapdb');
          await replica.call('replicaof', master.host, master.port);

          await replica.waitForLogMessages(['*Loading DB in memory*'], loglines, 800, 10);

          loglines = master.logLineCount();
          // FLUSHALL kills the rdb child.
          await master.call('flushall');

          // A new child starts.
          await master.waitForLogMessages(['*Background RDB transfer started by pid*'], loglines, 800, 10);

          // The master is still alive.
          await master.call('ping');
        });
      });
    },
    { tags: ['external:skip'] },
  );

  await test(
    'replicaof right after disconnection',
    async () => {
      // A rare race once seen in the psync2 unit (#7205).
      await startServer({ tags: ['repl'] }, async (replica1) => {
        await startServer({}, async (replica2) => {
          await startServer({}, async (master) => {
            await replica1.call('replicaof', master.host, master.port);
            await replica2.call('replicaof', master.host, master.port);

            await waitForCondition(50, 100, async () => (await linkUp(replica1)) && (await linkUp(replica2)), "Can't turn the instance into a replica");

            const rd = await srv(-1).newClient();
            rd.send('debug', 'sleep', 1);
            await sleep(100);

            // On waking up, replica2 sees both the lost link and a REPLICAOF in one event loop.
            await master.call('client', 'kill', 'type', 'replica');
            await replica2.call('replicaof', replica1.host, replica1.port);
            await rd.read();

            await waitForCondition(50, 100, () => linkUp(replica2), 'role change failed.');

            // Partial syncs only, no unexpected full sync.
            assertEqual(await master.status('sync_full'), 2);
            assertEqual(await replica1.status('sync_full'), 0);
            assertEqual(await replica2.status('sync_full'), 0);
          });
        });
      });
    },
    { tags: ['external:skip'] },
  );

  await test(
    'Kill rdb child process if its dumping RDB is not useful',
    async () => {
      await startServer({ tags: ['repl'] }, async (slave1) => {
        await startServer({}, async (slave2) => {
          await startServer({}, async (master) => {
            for (let i = 0; i < 10; i++) await master.call('set', i, i);
            // 10 keys at 1 s each: a 10 s rdb.
            await config(master, 'rdb-key-save-delay', 1000000, 'repl-diskless-sync', 'no', 'save', '');

            await slave1.call('slaveof', master.host, master.port);
            await slave2.call('slaveof', master.host, master.port);

            const bothWaitingForBgsave = async () =>
              (await master.status('rdb_bgsave_in_progress')) === '1' &&
              stringMatch('*wait_bgsave*', await master.status('slave0')) &&
              stringMatch('*wait_bgsave*', await master.status('slave1'));

            await waitForCondition(50, 100, bothWaitingForBgsave, "rdb child didn't start");

            // One replica still waits for the rdb: the child stays.
            await slave1.call('slaveof', 'no', 'one');
            await sleep(100);
            assert((await master.status('rdb_bgsave_in_progress')) === '1', '[s 0 rdb_bgsave_in_progress] == 1');

            // None waits any more: the child is killed.
            await slave2.call('slaveof', 'no', 'one');
            await waitForCondition(100, 10, async () => (await master.status('rdb_bgsave_in_progress')) === '0', "can't kill rdb child");

            // With save points the child is useful anyway and stays.
            await config(master, 'save', '900 1');
            await slave1.call('slaveof', master.host, master.port);
            await slave2.call('slaveof', master.host, master.port);
            await waitForCondition(50, 100, bothWaitingForBgsave, "rdb child didn't start");
            await slave1.call('slaveof', 'no', 'one');
            await slave2.call('slaveof', 'no', 'one');
            await sleep(200);
            assert((await master.status('rdb_bgsave_in_progress')) === '1', '[s 0 rdb_bgsave_in_progress] == 1');
            await master.call('shutdown', 'nosave').catch(() => undefined);
          });
        });
      });
    },
    { tags: ['external:skip'] },
  );

  await startServer({ tags: ['repl', 'external:skip'] }, async (master1) => {
    await r('set', 'a', 'b');

    await startServer({}, async (master2) => {
      // A 10 s rdb.
      await master2.call('debug', 'populate', 10, 'master2', 10);
      await config(master2, 'rdb-key-save-delay', 1000000);

      await startServer({}, async (subReplica) => {
        await startServer({}, async (me) => {
          // Full sync with master1.
          await r('slaveof', master1.host, master1.port);
          await waitForSync(me);
          assertEqual('b', await r('get', 'a'));

          // A sub-replica syncs with this one.
          await subReplica.call('slaveof', me.host, me.port);
          await waitForSync(subReplica);
          assertEqual('b', await subReplica.call('get', 'a'));

          // A full sync with master2, which dies before its rdb is done.
          await r('slaveof', master2.host, master2.port);
          await waitForCondition(
            50,
            100,
            async () => (await srv(-2).status('rdb_bgsave_in_progress')) === '1' && stringMatch('*wait_bgsave*', await srv(-2).status('slave0')),
            "full sync didn't start",
          );
          await master2.call('shutdown', 'nosave').catch(() => undefined);

          await test("Don't disconnect with replicas before loading transferred RDB when full sync", async () => {
            assert(!logFileMatches(srv(-1).stdout, '*Connection with master lost*'), '![log_file_matches [srv -1 stdout] "*Connection with master lost*"]');
            // The whole chain keeps its replication id.
            assertEqual(await me.status('master_replid'), await srv(-3).status('master_replid'));
            assertEqual(await me.status('master_replid'), await srv(-1).status('master_replid'));
          });

          await test('Discard cache master before loading transferred RDB when full sync', async () => {
            const fullSync = await srv(-3).status('sync_full');
            const partialSync = await srv(-3).statusNumber('sync_partial_ok');
            // Back to master1, with a partial sync.
            await r('slaveof', master1.host, master1.port);
            await waitForSync(me);
            assertEqual(fullSync, await srv(-3).status('sync_full'));
            assertEqual(partialSync + 1, await srv(-3).status('sync_partial_ok'));

            // A partial sync keeps the replication id, so the sub-replica stays connected.
            assertEqual(await me.status('master_replid'), await srv(-3).status('master_replid'));
            assertEqual(await me.status('master_replid'), await srv(-1).status('master_replid'));
            assert(!logFileMatches(srv(-1).stdout, '*Connection with master lost*'), '![log_file_matches [srv -1 stdout] "*Connection with master lost*"]');
            // The sub-replica had one full sync and no partial one.
            assertEqual(1, await me.status('sync_full'));
            assertEqual(0, await me.status('sync_partial_ok'));
          });
        });
      });
    });
  });

  await test(
    'replica can handle EINTR if use diskless load',
    async () => {
      await startServer({ tags: ['repl'] }, async (replica) => {
        await startServer({}, async (master) => {
          await master.call('debug', 'populate', 100, 'master', 100000);
          await config(master, 'rdbcompression', 'no', 'repl-diskless-sync', 'yes', 'repl-diskless-sync-delay', 0);
          await config(replica, 'repl-diskless-load', 'on-empty-db');
          // The watchdog's signal interrupts the replica's read() with EINTR.
          await config(replica, 'watchdog-period', 200);
          // The replica blocks in read().
          await config(master, 'rdb-key-save-delay', 10000);
          // Quick shutdown.
          await config(master, 'save', '');
          await replica.call('replicaof', master.host, master.port);

          const res = await replica.waitForLogMessages(['*Loading DB in memory*'], 0, 200, 10);
          const loglines = res.lineNumber;

          // The watchdog fires after the loading started.
          await replica.waitForLogMessages(['*WATCHDOG TIMER EXPIRED*'], loglines, 200, 10);

          // Still loading, after a single full sync.
          assert(!logFileMatches(srv(-1).stdout, '*Reconnecting to MASTER*'), '![log_file_matches [srv -1 stdout] "*Reconnecting to MASTER*"]');
          assertEqual(1, await master.status('sync_full'));
          assertEqual(1, await srv(-1).status('loading'));
        });
      });
    },
    { tags: ['external:skip'] },
  );

  await startServer({ tags: ['repl', 'external:skip'] }, async (server) => {
    /** A client turned replica (SYNC or PSYNC) that sends a command whose reply the master must not write. */
    async function replicaSendsCommand(label: string, handshake: 'sync' | 'psync', cmd: string[], logPatterns: string[]): Promise<void> {
      const rd = await server.newClient();
      const lines = server.logLineCount();

      if (handshake === 'sync') {
        rd.send('sync');
      } else {
        rd.send('psync', 'replicationid', -1);
        assertMatch('FULLRESYNC * 0', await rd.read());
      }
      rd.send(...cmd);
      let e: unknown;
      try {
        e = await rd.read();
      } catch (err) {
        e = (err as Error).message;
      }
      verbose(`${label}: ${tclString(e)}`);
      assertEqual(await r('ping'), 'PONG');

      for (const pattern of logPatterns) server.verifyLogMessage(pattern, lines);

      await rd.close();
      await waitForBgsave(server);
    }

    await test('replica do not write the reply to the replication link - SYNC (_addReplyToBufferOrList)', async () => {
      await replicaSendsCommand('SYNC _addReplyToBufferOrList', 'sync', ['ping'], ["*Replica generated a reply to command 'ping', disconnecting it: *"]);
    });

    await test('replica do not write the reply to the replication link - SYNC (addReplyDeferredLen)', async () => {
      await replicaSendsCommand('SYNC addReplyDeferredLen', 'sync', ['xinfo', 'help'], ["*Replica generated a reply to command 'xinfo|help', disconnecting it: *"]);
    });

    await test('replica do not write the reply to the replication link - PSYNC (_addReplyToBufferOrList)', async () => {
      await replicaSendsCommand('PSYNC _addReplyToBufferOrList', 'psync', ['get', 'foo'], [
        "*Replica generated a reply to command 'get', disconnecting it: *",
        '*== CRITICAL == This master is sending an error to its replica: *',
        "*Replica can't interact with the keyspace*",
      ]);
    });

    await test('replica do not write the reply to the replication link - PSYNC (addReplyDeferredLen)', async () => {
      await replicaSendsCommand('PSYNC addReplyDeferredLen', 'psync', ['slowlog', 'get'], ["*Replica generated a reply to command 'slowlog|get', disconnecting it: *"]);
    });

    await test('PSYNC with wrong offset should throw error', async () => {
      // It used to accept the full sync and reply with an error as well.
      await assertError('ERR value is not an integer or out of range', () => r('psync', 'replicationid', 'offset_str'));
      const logLines = readFileSync(server.stdout, 'utf8').split('\n');
      if (logLines.at(-1) === '') logLines.pop();
      const logs = logLines.slice(-100).join('\n');
      assertMatch('*Replica * asks for synchronization but with a wrong offset', logs);
      assertEqual(await r('ping'), 'PONG');
    });
  });
});
