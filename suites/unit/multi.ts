// Port of tests/unit/multi.tcl (Redis 7.0.15).
import {
  suite,
  startServer,
  test,
  tags,
  assert,
  assertEqual,
  assertMatch,
  tclCatch,
  tclString,
  sleep,
  verbose,
  waitForCondition,
  waitForBgrewriteaof,
  getLastIncrAofPath,
  assertAofContent,
  ReplicationStream,
  type Reply,
  type ServerHandle,
  tclCatchValue,
} from '../../harness/index.ts';

/** Polls DBSIZE from a second client until it is `size` (5 s). */
async function waitForDbsize(server: ServerHandle, size: number): Promise<void> {
  const r2 = await server.newClient();
  await waitForCondition(50, 100, async () => Number(await r2.call('dbsize')) === size, 'Target dbsize not reached');
  await r2.close();
}

/** Tcl's close_replication_stream returns nothing, the result several upstream tests expect. */
async function closeStream(repl: ReplicationStream): Promise<string> {
  await repl.close();
  return '';
}

/** Tcl's client close returns 0, which several upstream tests end with as their result. */
async function closed(...clients: Array<{ close(): Promise<void> }>): Promise<number> {
  for (const client of clients) await client.close();
  return 0;
}

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['multi'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);

    await test('MULTI / EXEC basics', async () => {
      await r('del', 'mylist');
      await r('rpush', 'mylist', 'a');
      await r('rpush', 'mylist', 'b');
      await r('rpush', 'mylist', 'c');
      await r('multi');
      const v1 = await r('lrange', 'mylist', 0, -1);
      const v2 = await r('ping');
      const v3 = await r('exec');
      return [v1, v2, v3];
    }, { okPattern: 'QUEUED QUEUED {{a b c} PONG}' });

    await test('DISCARD', async () => {
      await r('del', 'mylist');
      await r('rpush', 'mylist', 'a');
      await r('rpush', 'mylist', 'b');
      await r('rpush', 'mylist', 'c');
      await r('multi');
      const v1 = await r('del', 'mylist');
      const v2 = await r('discard');
      const v3 = await r('lrange', 'mylist', 0, -1);
      return [v1, v2, v3];
    }, { okPattern: 'QUEUED OK {a b c}' });

    await test('Nested MULTI are not allowed', async () => {
      await r('multi');
      const err = await tclCatchValue(() => r('multi'));
      await r('exec');
      return err;
    }, { okPattern: '*ERR MULTI*' });

    await test('MULTI where commands alter argc/argv', async () => {
      await r('sadd', 'myset', 'a');
      await r('multi');
      await r('spop', 'myset');
      return [await r('exec'), await r('exists', 'myset')];
    }, { okPattern: 'a 0' });

    await test('WATCH inside MULTI is not allowed', async () => {
      await r('multi');
      const err = await tclCatchValue(() => r('watch', 'x'));
      await r('exec');
      return err;
    }, { okPattern: '*ERR WATCH*' });

    await test('EXEC fails if there are errors while queueing commands #1', async () => {
      await r('del', 'foo1{t}', 'foo2{t}');
      await r('multi');
      await r('set', 'foo1{t}', 'bar1');
      await tclCatch(() => r('non-existing-command'));
      await r('set', 'foo2{t}', 'bar2');
      assertMatch('EXECABORT*', await tclCatchValue(() => r('exec')));
      return [await r('exists', 'foo1{t}'), await r('exists', 'foo2{t}')];
    }, { okPattern: '0 0' });

    await test('EXEC fails if there are errors while queueing commands #2', async () => {
      const rd = await server.newClient();
      await r('del', 'foo1{t}', 'foo2{t}');
      await r('multi');
      await r('set', 'foo1{t}', 'bar1');
      rd.send('config', 'set', 'maxmemory', 1);
      assert((await rd.read()) === 'OK', '[$rd read] eq {OK}');
      await tclCatch(() => r('lpush', 'mylist{t}', 'myvalue'));
      rd.send('config', 'set', 'maxmemory', 0);
      assert((await rd.read()) === 'OK', '[$rd read] eq {OK}');
      await r('set', 'foo2{t}', 'bar2');
      assertMatch('EXECABORT*', await tclCatchValue(() => r('exec')));
      await rd.close();
      return [await r('exists', 'foo1{t}'), await r('exists', 'foo2{t}')];
    }, { okPattern: '0 0', tags: ['needs:config-maxmemory'] });

    await test('If EXEC aborts, the client MULTI state is cleared', async () => {
      await r('del', 'foo1{t}', 'foo2{t}');
      await r('multi');
      await r('set', 'foo1{t}', 'bar1');
      await tclCatch(() => r('non-existing-command'));
      await r('set', 'foo2{t}', 'bar2');
      assertMatch('EXECABORT*', await tclCatchValue(() => r('exec')));
      return r('ping');
    }, { okPattern: 'PONG' });

    await test('EXEC works on WATCHed key not modified', async () => {
      await r('watch', 'x{t}', 'y{t}', 'z{t}');
      await r('watch', 'k{t}');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: 'PONG' });

    await test('EXEC fail on WATCHed key modified (1 key of 1 watched)', async () => {
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('set', 'x', 40);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '' });

    await test('EXEC fail on WATCHed key modified (1 key of 5 watched)', async () => {
      await r('set', 'x{t}', 30);
      await r('watch', 'a{t}', 'b{t}', 'x{t}', 'k{t}', 'z{t}');
      await r('set', 'x{t}', 40);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '' });

    await test('EXEC fail on WATCHed key modified by SORT with STORE even if the result is empty', async () => {
      await r('flushdb');
      await r('lpush', 'foo', 'bar');
      await r('watch', 'foo');
      await r('sort', 'emptylist', 'store', 'foo');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '', tags: ['cluster:skip'] });

    await test('EXEC fail on lazy expired WATCHed key', async () => {
      await r('del', 'key');
      await r('debug', 'set-active-expire', 0);

      // The key must expire between WATCH and EXEC; retry when the timing did not line up.
      let res: Reply = null;
      let j = 0;
      for (; j < 10; j++) {
        await r('set', 'key', 1, 'px', 100);
        await r('watch', 'key');
        await sleep(101);
        await r('multi');
        await r('incr', 'key');

        res = await r('exec');
        if (res === null) break;
      }
      verbose(`EXEC fail on lazy expired WATCHed key attempts: ${j}`);

      await r('debug', 'set-active-expire', 1);
      return res;
    }, { okPattern: '', tags: ['needs:debug'] });

    await test('WATCH stale keys should not fail EXEC', async () => {
      await r('del', 'x');
      await r('debug', 'set-active-expire', 0);
      await r('set', 'x', 'foo', 'px', 1);
      await sleep(2);
      await r('watch', 'x');
      await r('multi');
      await r('ping');
      assertEqual(await r('exec'), 'PONG');
      return r('debug', 'set-active-expire', 1);
    }, { okPattern: 'OK', tags: ['needs:debug'] });

    await test('Delete WATCHed stale keys should not fail EXEC', async () => {
      await r('del', 'x');
      await r('debug', 'set-active-expire', 0);
      await r('set', 'x', 'foo', 'px', 1);
      await sleep(2);
      await r('watch', 'x');
      // EXISTS expires (deletes) the stale key.
      assertEqual(await r('exists', 'x'), 0);
      await r('multi');
      await r('ping');
      assertEqual(await r('exec'), 'PONG');
      return r('debug', 'set-active-expire', 1);
    }, { okPattern: 'OK', tags: ['needs:debug'] });

    await test('FLUSHDB while watching stale keys should not fail EXEC', async () => {
      await r('del', 'x');
      await r('debug', 'set-active-expire', 0);
      await r('set', 'x', 'foo', 'px', 1);
      await sleep(2);
      await r('watch', 'x');
      await r('flushdb');
      await r('multi');
      await r('ping');
      assertEqual(await r('exec'), 'PONG');
      return r('debug', 'set-active-expire', 1);
    }, { okPattern: 'OK', tags: ['needs:debug'] });

    await test('After successful EXEC key is no longer watched', async () => {
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('multi');
      await r('ping');
      await r('exec');
      await r('set', 'x', 40);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: 'PONG' });

    await test('After failed EXEC key is no longer watched', async () => {
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('set', 'x', 40);
      await r('multi');
      await r('ping');
      await r('exec');
      await r('set', 'x', 40);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: 'PONG' });

    await test('It is possible to UNWATCH', async () => {
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('set', 'x', 40);
      await r('unwatch');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: 'PONG' });

    await test('UNWATCH when there is nothing watched works as expected', () => r('unwatch'), { okPattern: 'OK' });

    await test('FLUSHALL is able to touch the watched keys', async () => {
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('flushall');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '' });

    await test('FLUSHALL does not touch non affected keys', async () => {
      await r('del', 'x');
      await r('watch', 'x');
      await r('flushall');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: 'PONG' });

    await test('FLUSHDB is able to touch the watched keys', async () => {
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('flushdb');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '' });

    await test('FLUSHDB does not touch non affected keys', async () => {
      await r('del', 'x');
      await r('watch', 'x');
      await r('flushdb');
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: 'PONG' });

    // The SWAPDB tests leave the default client in db 0 or 1, as upstream does.
    await test('SWAPDB is able to touch the watched keys that exist', async () => {
      await r('flushall');
      await r('select', 0);
      await r('set', 'x', 30);
      // SWAPDB replaces x (30) with nothing: a change.
      await r('watch', 'x');
      await r('swapdb', 0, 1);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '', tags: ['singledb:skip'] });

    await test('SWAPDB is able to touch the watched keys that do not exist', async () => {
      await r('flushall');
      await r('select', 1);
      await r('set', 'x', 30);
      await r('select', 0);
      // SWAPDB brings in an x where there was none: a change.
      await r('watch', 'x');
      await r('swapdb', 0, 1);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '', tags: ['singledb:skip'] });

    await test('SWAPDB does not touch watched stale keys', async () => {
      await r('flushall');
      await r('select', 1);
      await r('debug', 'set-active-expire', 0);
      await r('set', 'x', 'foo', 'px', 1);
      await sleep(2);
      await r('watch', 'x');
      // An expired key replaced with no key is no change.
      await r('swapdb', 0, 1);
      await r('multi');
      await r('ping');
      assertEqual(await r('exec'), 'PONG');
      return r('debug', 'set-active-expire', 1);
    }, { okPattern: 'OK', tags: ['singledb:skip', 'needs:debug'] });

    await test('SWAPDB does not touch non-existing key replaced with stale key', async () => {
      await r('flushall');
      await r('select', 0);
      await r('debug', 'set-active-expire', 0);
      await r('set', 'x', 'foo', 'px', 1);
      await sleep(2);
      await r('select', 1);
      await r('watch', 'x');
      // No key replaced with an expired one is no change.
      await r('swapdb', 0, 1);
      await r('multi');
      await r('ping');
      assertEqual(await r('exec'), 'PONG');
      return r('debug', 'set-active-expire', 1);
    }, { okPattern: 'OK', tags: ['singledb:skip', 'needs:debug'] });

    await test('SWAPDB does not touch stale key replaced with another stale key', async () => {
      await r('flushall');
      await r('debug', 'set-active-expire', 0);
      await r('select', 1);
      await r('set', 'x', 'foo', 'px', 1);
      await r('select', 0);
      await r('set', 'x', 'bar', 'px', 1);
      await sleep(2);
      await r('select', 1);
      await r('watch', 'x');
      await r('swapdb', 0, 1);
      await r('multi');
      await r('ping');
      assertEqual(await r('exec'), 'PONG');
      return r('debug', 'set-active-expire', 1);
    }, { okPattern: 'OK', tags: ['singledb:skip', 'needs:debug'] });

    await test('WATCH is able to remember the DB a key belongs to', async () => {
      await r('select', 5);
      await r('set', 'x', 30);
      await r('watch', 'x');
      await r('select', 1);
      await r('set', 'x', 10);
      await r('select', 5);
      await r('multi');
      await r('ping');
      const res = await r('exec');
      await r('select', 9);
      return res;
    }, { okPattern: 'PONG', tags: ['singledb:skip'] });

    await test('WATCH will consider touched keys target of EXPIRE', async () => {
      await r('del', 'x');
      await r('set', 'x', 'foo');
      await r('watch', 'x');
      await r('expire', 'x', 10);
      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '' });

    await test('WATCH will consider touched expired keys', async () => {
      await r('flushall');
      await r('del', 'x');
      await r('set', 'x', 'foo');
      await r('expire', 'x', 1);
      await r('watch', 'x');

      await waitForDbsize(server, 0);

      await r('multi');
      await r('ping');
      return r('exec');
    }, { okPattern: '' });

    await test('DISCARD should clear the WATCH dirty flag on the client', async () => {
      await r('watch', 'x');
      await r('set', 'x', 10);
      await r('multi');
      await r('discard');
      await r('multi');
      await r('incr', 'x');
      return r('exec');
    }, { okPattern: '11' });

    await test('DISCARD should UNWATCH all the keys', async () => {
      await r('watch', 'x');
      await r('set', 'x', 10);
      await r('multi');
      await r('discard');
      await r('set', 'x', 10);
      await r('multi');
      await r('incr', 'x');
      return r('exec');
    }, { okPattern: '11' });

    await test('MULTI / EXEC is not propagated (single write command)', async () => {
      const repl = await ReplicationStream.attach(server);
      await r('multi');
      await r('set', 'foo', 'bar');
      await r('exec');
      await r('set', 'foo2', 'bar');
      await repl.assertStream(['select *', 'set foo bar', 'set foo2 bar']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI / EXEC is propagated correctly (multiple commands)', async () => {
      const repl = await ReplicationStream.attach(server);
      await r('multi');
      await r('set', 'foo{t}', 'bar');
      await r('get', 'foo{t}');
      await r('set', 'foo2{t}', 'bar2');
      await r('get', 'foo2{t}');
      await r('set', 'foo3{t}', 'bar3');
      await r('get', 'foo3{t}');
      await r('exec');

      await repl.assertStream(['select *', 'multi', 'set foo{t} bar', 'set foo2{t} bar2', 'set foo3{t} bar3', 'exec']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI / EXEC is propagated correctly (multiple commands with SELECT)', async () => {
      const repl = await ReplicationStream.attach(server);
      await r('multi');
      await r('select', 1);
      await r('set', 'foo{t}', 'bar');
      await r('get', 'foo{t}');
      await r('select', 2);
      await r('set', 'foo2{t}', 'bar2');
      await r('get', 'foo2{t}');
      await r('select', 3);
      await r('set', 'foo3{t}', 'bar3');
      await r('get', 'foo3{t}');
      await r('exec');

      await repl.assertStream(['select *', 'multi', 'set foo{t} bar', 'select *', 'set foo2{t} bar2', 'select *', 'set foo3{t} bar3', 'exec']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl', 'singledb:skip'] });

    await test('MULTI / EXEC is propagated correctly (empty transaction)', async () => {
      const repl = await ReplicationStream.attach(server);
      await r('multi');
      await r('exec');
      await r('set', 'foo', 'bar');
      await repl.assertStream(['select *', 'set foo bar']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI / EXEC is propagated correctly (read-only commands)', async () => {
      await r('set', 'foo', 'value1');
      const repl = await ReplicationStream.attach(server);
      await r('multi');
      await r('get', 'foo');
      await r('exec');
      await r('set', 'foo', 'value2');
      await repl.assertStream(['select *', 'set foo value2']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI / EXEC is propagated correctly (write command, no effect)', async () => {
      await r('del', 'bar');
      await r('del', 'foo');
      const repl = await ReplicationStream.attach(server);
      await r('multi');
      await r('del', 'foo');
      await r('exec');

      // Seeing this command next shows that the transaction was not propagated.
      await r('incr', 'foo');

      await repl.assertStream(['select *', 'incr foo']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI / EXEC with REPLICAOF', async () => {
      // Demoted inside the transaction: none of it may reach the replica already attached.
      const repl = await ReplicationStream.attach(server);
      await r('set', 'foo', 'bar');
      await r('multi');
      await r('set', 'foo2', 'bar');
      await r('replicaof', 'localhost', 9999);
      await r('set', 'foo3', 'bar');
      await r('exec');
      assertMatch('READONLY*', await tclCatchValue(() => r('set', 'foo4', 'bar')));
      await repl.assertStream(['select *', 'set foo bar']);
      // Upstream leaves the stream open here.
      return r('replicaof', 'no', 'one');
    }, { okPattern: 'OK', tags: ['needs:repl', 'cluster:skip'] });

    await test('DISCARD should not fail during OOM', async () => {
      const rd = await server.newClient();
      rd.send('config', 'set', 'maxmemory', 1);
      assert((await rd.read()) === 'OK', '[$rd read] eq {OK}');
      await r('multi');
      assertMatch('OOM*', await tclCatchValue(() => r('set', 'x', 1)));
      await r('discard');
      rd.send('config', 'set', 'maxmemory', 0);
      assert((await rd.read()) === 'OK', '[$rd read] eq {OK}');
      await rd.close();
      return r('ping');
    }, { okPattern: 'PONG', tags: ['needs:config-maxmemory'] });

    await test('MULTI and script timeout', async () => {
      // MULTI sent during a busy script is refused or accepted, but never half a transaction runs.
      const rd1 = await server.newClient();
      const r2 = await server.newClient();
      await r('config', 'set', 'lua-time-limit', 10);
      await r('set', 'xx', 1);
      rd1.send('eval', 'while true do end', 0);
      await sleep(200);
      await tclCatch(() => r2.call('multi'));
      await tclCatch(() => r2.call('incr', 'xx'));
      await r('script', 'kill');
      // The Lua hook must run again before the server answers.
      await sleep(200);
      await tclCatch(() => r2.call('incr', 'xx'));
      const e = await tclCatchValue(() => r2.call('exec'));
      assertMatch('EXECABORT*previous errors*', e);
      const xx = Number(await r('get', 'xx'));
      // All or nothing (nothing is what happens).
      assert(xx === 1 || xx === 3, '$xx == 1 || $xx == 3');
      // No longer in MULTI state.
      assertEqual(await r2.call('ping', 'asdf'), 'asdf');
      await closed(rd1, r2);
    });

    await test('EXEC and script timeout', async () => {
      // EXEC sent during a busy script: no half transaction, and the MULTI state ends.
      const rd1 = await server.newClient();
      const r2 = await server.newClient();
      await r('config', 'set', 'lua-time-limit', 10);
      await r('set', 'xx', 1);
      await tclCatch(() => r2.call('multi'));
      await tclCatch(() => r2.call('incr', 'xx'));
      rd1.send('eval', 'while true do end', 0);
      await sleep(200);
      await tclCatch(() => r2.call('incr', 'xx'));
      const e = await tclCatchValue(() => r2.call('exec'));
      assertMatch('EXECABORT*BUSY*', e);
      await r('script', 'kill');
      await sleep(200);
      const xx = Number(await r('get', 'xx'));
      assert(xx === 1 || xx === 3, '$xx == 1 || $xx == 3');
      assertEqual(await r2.call('ping', 'asdf'), 'asdf');
      await closed(rd1, r2);
    });

    await test('MULTI-EXEC body and script timeout', async () => {
      // Commands queued while a script is busy must not leave an incomplete transaction to run.
      const rd1 = await server.newClient();
      const r2 = await server.newClient();
      await r('config', 'set', 'lua-time-limit', 10);
      await r('set', 'xx', 1);
      await tclCatch(() => r2.call('multi'));
      await tclCatch(() => r2.call('incr', 'xx'));
      rd1.send('eval', 'while true do end', 0);
      await sleep(200);
      await tclCatch(() => r2.call('incr', 'xx'));
      await r('script', 'kill');
      await sleep(200);
      const e = await tclCatchValue(() => r2.call('exec'));
      assertMatch('EXECABORT*previous errors*', e);
      const xx = Number(await r('get', 'xx'));
      assert(xx === 1 || xx === 3, '$xx == 1 || $xx == 3');
      assertEqual(await r2.call('ping', 'asdf'), 'asdf');
      await closed(rd1, r2);
    });

    await test('just EXEC and script timeout', async () => {
      // EXEC alone during a busy script: nothing queued runs, and the MULTI state ends.
      const rd1 = await server.newClient();
      const r2 = await server.newClient();
      await r('config', 'set', 'lua-time-limit', 10);
      await r('set', 'xx', 1);
      await tclCatch(() => r2.call('multi'));
      await tclCatch(() => r2.call('incr', 'xx'));
      rd1.send('eval', 'while true do end', 0);
      await sleep(200);
      const e = await tclCatchValue(() => r2.call('exec'));
      assertMatch('EXECABORT*BUSY*', e);
      await r('script', 'kill');
      await sleep(200);
      const xx = Number(await r('get', 'xx'));
      assert(xx === 1, '$xx == 1');
      assertEqual(await r2.call('ping', 'asdf'), 'asdf');
      await closed(rd1, r2);
    });

    await test('exec with write commands and state change', async () => {
      // Queued writes must be refused when the server state changed before EXEC.
      const r1 = await server.newClient();
      await r('set', 'xx', 1);
      await r('multi');
      await r('incr', 'xx');
      await r1.call('config', 'set', 'min-replicas-to-write', 2);
      assertMatch('*EXECABORT*NOREPLICAS*', await tclCatchValue(() => r('exec')));
      const xx = Number(await r('get', 'xx'));
      assert(xx === 1, '$xx == 1');
      await r1.call('config', 'set', 'min-replicas-to-write', 0);
      return closed(r1);
    }, { okPattern: '0', tags: ['needs:repl'] });

    await test('exec with read commands and stale replica state change', async () => {
      // Queued reads must be refused when the server became a stale replica before EXEC.
      await r('config', 'set', 'replica-serve-stale-data', 'no');
      const r1 = await server.newClient();
      await r('set', 'xx', 1);

      // GET and PING are refused even though the replica went stale only after they were queued.
      await r('multi');
      await r('get', 'xx');
      await r1.call('replicaof', 'localhsot', 0);
      assertMatch('*EXECABORT*MASTERDOWN*', await tclCatchValue(() => r('exec')));

      await r1.call('replicaof', 'no', 'one');

      await r('multi');
      await r('ping');
      await r1.call('replicaof', 'localhsot', 0);
      assertMatch('*EXECABORT*MASTERDOWN*', await tclCatchValue(() => r('exec')));

      // MULTI is accepted on a stale replica, and GET runs once it is no longer stale.
      await r('multi');
      await r1.call('replicaof', 'no', 'one');
      await r('get', 'xx');
      const xx = await r('exec');
      assert(Number(tclString(xx)) === 1, '$xx == 1');
      return closed(r1);
    }, { okPattern: '0', tags: ['needs:repl', 'cluster:skip'] });

    await test('EXEC with only read commands should not be rejected when OOM', async () => {
      const r2 = await server.newClient();

      await r('set', 'x', 'value');
      await r('multi');
      await r('get', 'x');
      await r('ping');

      await r2.call('config', 'set', 'maxmemory', 1);

      const res = await r('exec');
      assert(Array.isArray(res) && res.length === 2 && res[0] === 'value' && res[1] === 'PONG', '[r exec] == {value PONG}');

      await r2.call('config', 'set', 'maxmemory', 0);
      return closed(r2);
    }, { okPattern: '0', tags: ['needs:config-maxmemory'] });

    await test('EXEC with at least one use-memory command should fail', async () => {
      const r2 = await server.newClient();

      await r('multi');
      await r('set', 'x', 1);
      await r('get', 'x');

      await r2.call('config', 'set', 'maxmemory', 1);

      assertMatch('EXECABORT*OOM*', await tclCatchValue(() => r('exec')));

      await r2.call('config', 'set', 'maxmemory', 0);
      return closed(r2);
    }, { okPattern: '0', tags: ['needs:config-maxmemory'] });

    await test('Blocking commands ignores the timeout', async () => {
      await r('xgroup', 'create', 's{t}', 'g', '$', 'MKSTREAM');

      const m = await r('multi');
      await r('blpop', 'empty_list{t}', 0);
      await r('brpop', 'empty_list{t}', 0);
      await r('brpoplpush', 'empty_list1{t}', 'empty_list2{t}', 0);
      await r('blmove', 'empty_list1{t}', 'empty_list2{t}', 'LEFT', 'LEFT', 0);
      await r('bzpopmin', 'empty_zset{t}', 0);
      await r('bzpopmax', 'empty_zset{t}', 0);
      await r('xread', 'BLOCK', 0, 'STREAMS', 's{t}', '$');
      await r('xreadgroup', 'group', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's{t}', '>');
      const res = await r('exec');

      return [m, res];
    }, { okPattern: 'OK {{} {} {} {} {} {} {} {}}' });

    await test('MULTI propagation of PUBLISH', async () => {
      const repl = await ReplicationStream.attach(server);

      await r('multi');
      await r('publish', 'bla', 'bla');
      await r('exec');

      await repl.assertStream(['select *', 'publish bla bla']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl', 'cluster:skip'] });

    await test('MULTI propagation of SCRIPT LOAD', async () => {
      const repl = await ReplicationStream.attach(server);

      // SCRIPT LOAD inside MULTI is not propagated.
      await r('multi');
      await r('script', 'load', "redis.call('set', KEYS[1], 'foo')");
      await r('set', 'foo', 'bar');
      await r('exec');

      await repl.assertStream(['select *', 'set foo bar']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI propagation of EVAL', async () => {
      const repl = await ReplicationStream.attach(server);

      // EVAL inside MULTI is propagated by its effects.
      await r('multi');
      await r('eval', "redis.call('set', KEYS[1], 'bar')", 1, 'bar');
      await r('exec');

      await repl.assertStream(['select *', 'set bar bar']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await test('MULTI propagation of SCRIPT FLUSH', async () => {
      const repl = await ReplicationStream.attach(server);

      // SCRIPT FLUSH is not propagated.
      await r('multi');
      await r('script', 'flush');
      await r('set', 'foo', 'bar');
      await r('exec');

      await repl.assertStream(['select *', 'set foo bar']);
      return closeStream(repl);
    }, { okPattern: '', tags: ['needs:repl'] });

    await tags(['stream'], async () => {
      await test('MULTI propagation of XREADGROUP', async () => {
        const repl = await ReplicationStream.attach(server);

        await r('XADD', 'mystream', '*', 'foo', 'bar');
        await r('XADD', 'mystream', '*', 'foo2', 'bar2');
        await r('XADD', 'mystream', '*', 'foo3', 'bar3');
        await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);

        // The XCLAIMs that XREADGROUP propagates must be inside MULTI/EXEC.
        await r('multi');
        await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 2, 'STREAMS', 'mystream', '>');
        await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'STREAMS', 'mystream', '>');
        await r('exec');

        await repl.assertStream(['select *', 'xadd *', 'xadd *', 'xadd *', 'xgroup CREATE *', 'multi', 'xclaim *', 'xclaim *', 'xclaim *', 'exec']);
        return closeStream(repl);
      }, { okPattern: '', tags: ['needs:repl'] });
    });

    for (const cmd of ['SAVE', 'SHUTDOWN']) {
      await test(`MULTI with ${cmd}`, async () => {
        await r('del', 'foo');
        await r('multi');
        await r('set', 'foo', 'bar');
        const e1 = await tclCatchValue(() => r(cmd));
        const e2 = await tclCatchValue(() => r('exec'));
        assertMatch('*Command not allowed inside a transaction*', e1);
        assertMatch('EXECABORT*', e2);
        return r('get', 'foo');
      }, { okPattern: '' });
    }

    await test('MULTI with BGREWRITEAOF', async () => {
      const forks = await server.statusNumber('total_forks');
      await r('multi');
      await r('set', 'foo', 'bar');
      await r('BGREWRITEAOF');
      const res = (await r('exec')) as Reply[];
      assertMatch('*rewriting scheduled*', res[1]);
      await waitForCondition(50, 100, async () => (await server.statusNumber('total_forks')) > forks, "aofrw didn't start");
      await waitForBgrewriteaof(server);
      return '';
    }, { okPattern: '', tags: ['external:skip'] });

    await test('MULTI with config set appendonly', async () => {
      const lines = server.logLineCount();
      const forks = await server.statusNumber('total_forks');
      await r('multi');
      await r('set', 'foo', 'bar');
      await r('config', 'set', 'appendonly', 'yes');
      await r('exec');
      server.verifyLogMessage('*AOF background was scheduled*', lines);
      await waitForCondition(50, 100, async () => (await server.statusNumber('total_forks')) > forks, "aofrw didn't start");
      await waitForBgrewriteaof(server);
      return '';
    }, { okPattern: '', tags: ['external:skip'] });

    await test('MULTI with config error', async () => {
      await r('multi');
      await r('set', 'foo', 'bar');
      await r('config', 'set', 'maxmemory', 'bla');

      // EXEC's reply holds an error entry, which a parsed read raises: read the raw lines instead.
      server.client.readRaw(true);

      assertEqual(await r('exec'), '*2');
      assertEqual(await server.client.read(), '+OK');
      const res = await server.client.read();
      // Upstream turns raw mode on again here (not off): later commands in this block read raw lines.
      server.client.readRaw(true);
      return res;
    }, { okPattern: '*CONFIG SET failed*' });

    await test('Flushall while watching several keys by one client', async () => {
      await r('flushall');
      await r('mset', 'a', 'a', 'b', 'b');
      await r('watch', 'b', 'a');
      await r('flushall');
      await r('ping');
    });
  });

  await startServer(
    { overrides: { appendonly: 'yes', appendfilename: 'appendonly.aof', appendfsync: 'always' }, tags: ['external:skip'] },
    async (server) => {
      await test('MULTI with FLUSHALL and AOF', async () => {
        const aof = await getLastIncrAofPath(server);
        await server.call('multi');
        await server.call('set', 'foo', 'bar');
        await server.call('flushall');
        await server.call('exec');
        assertAofContent(aof, ['select *', 'multi', 'set *', 'flushall', 'exec']);
        return server.call('get', 'foo');
      }, { okPattern: '' });
    },
  );
});
