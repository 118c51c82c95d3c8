// Port of tests/unit/other.tcl.
// Differences from upstream:
// - "Process title set as expected" checks the socket and config paths against runtest-ts's run
//   directory layout (tmp/run.<runner pid>/server.<worker pid>.<n>/socket and
//   tmp/run.<runner pid>/redis.conf.<worker pid>.<n>) instead of Tcl's tests/tmp/ paths; the tmp
//   root itself may be moved (RUNTEST_TMPDIR), so the patterns start at run.*.
import { openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import {
  suite,
  startServer,
  test,
  tags,
  r,
  settings,
  puts,
  assert,
  assertEqual,
  assertError,
  assertMatch,
  assertMoreThan,
  assertNoMatch,
  childPid,
  Client,
  createComplexDataset,
  csvdump,
  debugDigest,
  fail,
  populate,
  randstring,
  sleep,
  tclBytes,
  tclCatch,
  waitForBgrewriteaof,
  waitForBgsave,
  waitForCondition,
  type RandstringType,
  type ServerHandle,
} from '../../harness/index.ts';

/**
 * Runs code and compares the dataset digest before and after; on a mismatch both csv dumps are
 * written to /tmp/<dumpname>{1,2}.txt for inspection. True when the digests match.
 */
async function checkConsistency(server: ServerHandle, dumpname: string, code: () => Promise<void>): Promise<boolean> {
  const dump = await csvdump(server);
  const sha1 = await debugDigest(server);
  await code();
  const sha1After = await debugDigest(server);
  if (sha1 === sha1After) return true;
  const newdump = await csvdump(server);
  puts('Consistency test failed!');
  puts(`You can inspect the two dumps in /tmp/${dumpname}*.txt`);
  writeFileSync(`/tmp/${dumpname}1.txt`, dump + '\n');
  writeFileSync(`/tmp/${dumpname}2.txt`, newdump + '\n');
  return false;
}

/** The first 1024 bytes of a process's /proc cmdline, where the server writes its title. */
function readProcTitle(pid: number): string {
  const fd = openSync(`/proc/${pid}/cmdline`, 'r');
  try {
    const buf = Buffer.alloc(1024);
    const n = readSync(fd, buf, 0, 1024, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['other'] }, async (server) => {
    const bin = await server.newClient({ buffers: true });

    if (settings().forceFailure) {
      // Only for checking the harness's failure path.
      await test('Failing test', () => 'err', { okPattern: 'ok' });
    }

    await test(
      'SAVE - make sure there are all the types as values',
      async () => {
        // A background save may still be running.
        await waitForBgsave(server);
        await r('lpush', 'mysavelist', 'hello');
        await r('lpush', 'mysavelist', 'world');
        await r('set', 'myemptykey', '');
        await r('set', 'mynormalkey', 'blablablba');
        await r('zadd', 'mytestzset', 10, 'a');
        await r('zadd', 'mytestzset', 20, 'b');
        await r('zadd', 'mytestzset', 30, 'c');
        return r('save');
      },
      { okPattern: 'OK', tags: ['needs:save'] },
    );

    await tags(['slow'], async () => {
      const iterations = settings().accurate ? 10000 : 1000;
      for (const fuzztype of ['binary', 'alpha', 'compr'] as RandstringType[]) {
        await test(
          `FUZZ stresser with data model ${fuzztype}`,
          async () => {
            let err: unknown = 0;
            for (let i = 0; i < iterations; i++) {
              const fuzz = randstring(0, 512, fuzztype);
              await bin.call('set', 'foo', tclBytes(fuzz));
              const got = ((await bin.call('get', 'foo')) as Buffer).toString('latin1');
              if (got !== fuzz) {
                err = [fuzz, got];
                break;
              }
            }
            return err;
          },
          { okPattern: '0' },
        );
      }
    });

    await startServer({ overrides: { save: '' }, tags: ['external:skip'] }, async (inner) => {
      await test('FLUSHALL should not reset the dirty counter if we disable save', async () => {
        await r('set', 'key', 'value');
        await r('flushall');
        assertMoreThan(await inner.status('rdb_changes_since_last_save'), 0);
      });

      await test('FLUSHALL should reset the dirty counter to 0 if we enable save', async () => {
        await r('config', 'set', 'save', '3600 1 300 100 60 10000');
        await r('set', 'key', 'value');
        await r('flushall');
        assertEqual(await inner.status('rdb_changes_since_last_save'), 0);
      });
    });

    await test(
      'BGSAVE',
      async () => {
        // FLUSHALL (not FLUSHDB) saves in the foreground and resets the dirty counter, so no
        // automatic BGSAVE gets in the way.
        await r('flushall');
        await r('save');
        await r('set', 'x', 10);
        await r('bgsave');
        await waitForBgsave(server);
        await r('debug', 'reload');
        return r('get', 'x');
      },
      { okPattern: '10', tags: ['needs:debug', 'needs:save'] },
    );

    await test('SELECT an out of range DB', async () => (await tclCatch(() => r('select', 1000000))).value, {
      okPattern: '*index is out of range*',
      tags: ['cluster:skip'],
    });

    await tags(['consistency'], async () => {
      const numops = settings().accurate ? 10000 : 1000;
      await test(
        'Check consistency of different data types after a reload',
        async () => {
          await r('flushdb');
          await createComplexDataset(server, numops, ['usetag']);
          if (settings().ignoreDigest) return 1;
          const same = await checkConsistency(server, 'repldump', async () => {
            await r('debug', 'reload');
          });
          return same ? 1 : 0;
        },
        { okPattern: '1', tags: ['needs:debug'] },
      );

      await test(
        'Same dataset digest if saving/reloading as AOF?',
        async () => {
          if (settings().ignoreDigest) return 1;
          const same = await checkConsistency(server, 'aofdump', async () => {
            await r('config', 'set', 'aof-use-rdb-preamble', 'no');
            await r('bgrewriteaof');
            await waitForBgrewriteaof(server);
            await r('debug', 'loadaof');
          });
          return same ? 1 : 0;
        },
        { okPattern: '1', tags: ['needs:debug'] },
      );
    });

    await test(
      'EXPIRES after a reload (snapshot + append only file rewrite)',
      async () => {
        await r('flushdb');
        await r('set', 'x', 10);
        await r('expire', 'x', 1000);
        await r('save');
        await r('debug', 'reload');
        let ttl = Number(await r('ttl', 'x'));
        const e1 = ttl > 900 && ttl <= 1000 ? 1 : 0;
        await r('bgrewriteaof');
        await waitForBgrewriteaof(server);
        await r('debug', 'loadaof');
        ttl = Number(await r('ttl', 'x'));
        const e2 = ttl > 900 && ttl <= 1000 ? 1 : 0;
        return [e1, e2];
      },
      { okPattern: '1 1', tags: ['needs:debug', 'needs:save'] },
    );

    await test(
      'EXPIRES after AOF reload (without rewrite)',
      async () => {
        await r('flushdb');
        await r('config', 'set', 'appendonly', 'yes');
        await r('config', 'set', 'aof-use-rdb-preamble', 'no');
        await r('set', 'x', 'somevalue');
        await r('expire', 'x', 1000);
        await r('setex', 'y', 2000, 'somevalue');
        await r('set', 'z', 'somevalue');
        await r('expireat', 'z', Math.floor(Date.now() / 1000) + 3000);

        // Millisecond variants.
        await r('set', 'px', 'somevalue');
        await r('pexpire', 'px', 1000000);
        await r('psetex', 'py', 2000000, 'somevalue');
        await r('set', 'pz', 'somevalue');
        await r('pexpireat', 'pz', (Math.floor(Date.now() / 1000) + 3000) * 1000);

        await waitForBgrewriteaof(server);
        // Two seconds so that DEBUG LOADAOF does not read a file whose last write a pending
        // fsync still holds back.
        await sleep(2000);
        await r('debug', 'loadaof');
        const inRange = async (key: string, low: number, high: number) => {
          const ttl = Number(await r('ttl', key));
          assert(ttl > low && ttl <= high, `ttl of ${key} (${ttl}) in (${low}, ${high}]`);
        };
        await inRange('x', 900, 1000);
        await inRange('y', 1900, 2000);
        await inRange('z', 2900, 3000);
        await inRange('px', 900, 1000);
        await inRange('py', 1900, 2000);
        await inRange('pz', 2900, 3000);
        return r('config', 'set', 'appendonly', 'no');
      },
      { okPattern: 'OK', tags: ['needs:debug'] },
    );

    await tags(['protocol'], async () => {
      await test(
        'PIPELINING stresser (also a regression for the old epoll bug)',
        async () => {
          const fd2 = await Client.connect({ host: server.host, port: server.port, tls: server.clientTls() });
          try {
            if (!settings().singledb) {
              fd2.writeRaw('SELECT 9\r\n');
              await fd2.readLine();
            }
            let chunk = '';
            for (let i = 0; i < 100000; i++) {
              chunk += `SET key:${i} 0000${i}0000\r\nGET key:${i}\r\n`;
              if (chunk.length > 65536) {
                fd2.writeRaw(chunk);
                chunk = '';
              }
            }
            fd2.writeRaw(chunk);

            for (let i = 0; i < 100000; i++) {
              await fd2.readLine();
              const count = Number((await fd2.readLine()).slice(1));
              await fd2.readBytes(count);
              await fd2.readBytes(2);
            }
          } finally {
            await fd2.close();
          }
          return 1;
        },
        { okPattern: '1' },
      );
    });

    await test(
      'APPEND basics',
      async () => {
        await r('del', 'foo');
        return [await r('append', 'foo', 'bar'), await r('get', 'foo'), await r('append', 'foo', 100), await r('get', 'foo')];
      },
      { okPattern: '3 bar 6 bar100' },
    );

    await test(
      'APPEND basics, integer encoded values',
      async () => {
        const res: unknown[] = [];
        await r('del', 'foo');
        await r('append', 'foo', 1);
        await r('append', 'foo', 2);
        res.push(await r('get', 'foo'));
        await r('set', 'foo', 1);
        await r('append', 'foo', 2);
        res.push(await r('get', 'foo'));
        return res;
      },
      { okPattern: '12 12' },
    );

    await test(
      'APPEND fuzzing',
      async () => {
        let err = '';
        for (const type of ['binary', 'alpha', 'compr'] as RandstringType[]) {
          let buf = '';
          await r('del', 'x');
          for (let i = 0; i < 1000; i++) {
            const piece = randstring(0, 10, type);
            buf += piece;
            await bin.call('append', 'x', tclBytes(piece));
          }
          const got = ((await bin.call('get', 'x')) as Buffer).toString('latin1');
          if (buf !== got) {
            err = `Expected '${buf}' found '${got}'`;
            break;
          }
        }
        return err;
      },
      { okPattern: '' },
    );

    // Leave a clean DB behind.
    await test(
      'FLUSHDB',
      async () => {
        const aux: unknown[] = [];
        if (settings().singledb) {
          await r('flushdb');
          aux.push(0, await r('dbsize'));
        } else {
          await r('select', 9);
          await r('flushdb');
          aux.push(await r('dbsize'));
          await r('select', 10);
          await r('flushdb');
          aux.push(await r('dbsize'));
        }
        return aux;
      },
      { okPattern: '0 0' },
    );

    await test(
      'Perform a final SAVE to leave a clean DB on disk',
      async () => {
        await waitForBgsave(server);
        return r('save');
      },
      { okPattern: 'OK', tags: ['needs:save'] },
    );

    await test(
      'RESET clears client state',
      async () => {
        await r('client', 'setname', 'test-client');
        await r('client', 'tracking', 'on');
        assertEqual(await r('reset'), 'RESET');
        const client = await r('client', 'list');
        assertMatch('*name= *', client);
        assertMatch('*flags=N *', client);
      },
      { tags: ['needs:reset'] },
    );

    await test(
      'RESET clears MONITOR state',
      async () => {
        const rd = await server.newClient();
        rd.send('monitor');
        assertEqual(await rd.read(), 'OK');
        rd.send('reset');
        assertEqual(await rd.read(), 'RESET');
        await rd.close();
        assertNoMatch('*flags=O*', await r('client', 'list'));
      },
      { tags: ['needs:reset'] },
    );

    await test(
      'RESET clears and discards MULTI state',
      async () => {
        await r('multi');
        await r('set', 'key-a', 'a');
        await r('reset');
        const { value: err } = await tclCatch(() => r('exec'));
        assertMatch('*EXEC without MULTI*', err);
      },
      { tags: ['needs:reset'] },
    );

    await test(
      'RESET clears Pub/Sub state',
      async () => {
        await r('subscribe', 'channel-1');
        await r('reset');
        // A plain command works again: the client is no longer subscribed.
        return r('set', 'key', 'val');
      },
      { okPattern: 'OK', tags: ['needs:reset'] },
    );

    await test(
      'RESET clears authenticated state',
      async () => {
        await r('acl', 'setuser', 'user1', 'on', '>secret', '+@all');
        await r('auth', 'user1', 'secret');
        assertEqual(await r('acl', 'whoami'), 'user1');
        await r('reset');
        assertEqual(await r('acl', 'whoami'), 'default');
      },
      { tags: ['needs:reset'] },
    );

    await test('Subcommand syntax error crash (issue #10070)', async () => {
      await assertError('*unknown command*', () => r('GET|'));
      await assertError('*unknown command*', () => r('GET|SET'));
      await assertError('*unknown command*', () => r('GET|SET|OTHER'));
      await assertError('*unknown command*', () => r('CONFIG|GET', 'GET_XX'));
      await assertError('*unknown subcommand*', () => r('CONFIG', 'GET_XX'));
    });
  });

  await startServer({ tags: ['other', 'external:skip'] }, async (server) => {
    await test(
      "Don't rehash if redis has child process",
      async () => {
        await r('config', 'set', 'save', '');
        await r('config', 'set', 'rdb-key-save-delay', 1000000);

        await populate(server, 4096, '', 1);
        await r('bgsave');
        await waitForCondition(10, 100, async () => (await server.status('rdb_bgsave_in_progress')) === '1', () => fail('bgsave did not start in time'));

        await r('mset', 'k1', 'v1', 'k2', 'v2');
        // No rehash while the child runs.
        assertNoMatch('*table size: 8192*', await r('debug', 'HTSTATS', 9));
        const child = childPid(server.pid);
        if (child === null) fail('no child process found');
        process.kill(child, 'SIGKILL');
        await waitForBgsave(server);
        await sleep(200); // a serverCron run

        // Without a child the table may grow: over 4098 keys it becomes 8192 (a power of two).
        await r('set', 'k3', 'v3');
        assertMatch('*table size: 8192*', await r('debug', 'HTSTATS', 9));
      },
      { tags: ['needs:debug', 'needs:local-process'] },
    );
  });

  await startServer({ tags: ['other', 'external:skip'] }, async (server) => {
    await test('Process title set as expected', async () => {
      // Linux only (the title is read from /proc), and not under valgrind, which changes the arguments.
      if (process.platform !== 'linux' || settings().valgrind) return;
      await r('config', 'set', 'proc-title-template', 'TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file}');
      // The title is one string padded with NULs; Tcl reads it as a whitespace-separated list.
      const cmdline = readProcTitle(server.pid).replace(/\0+$/, '').trim().split(/\s+/);

      assertEqual('TEST', cmdline[0] ?? '');
      assertMatch('*/redis-server', cmdline[1] ?? '');

      const port = server.port;
      const tls = settings().tls;
      const expectPort = tls ? 0 : port;
      const expectTlsPort = tls ? port : 0;

      assertEqual(`${settings().host}:${port}`, cmdline[2] ?? '');
      assertEqual(expectPort, cmdline[3] ?? '');
      assertEqual(expectTlsPort, cmdline[4] ?? '');
      assertMatch('*/run.*/server.*/socket', cmdline[5] ?? '');
      assertMatch('*/run.*/redis.conf.*', cmdline[6] ?? '');

      const { value: err } = await tclCatch(() => r('config', 'set', 'proc-title-template', '{invalid-var}'));
      assertMatch('*template format is invalid*', err);
    });
  });
});
