import {
  assert,
  assertEqual,
  assertMatch,
  startBgBlockOp,
  startBgComplexData,
  startServer,
  startWriteLoad,
  suite,
  test,
  waitForCondition,
  waitLoadHandlersDisconnected,
} from '../../../harness/index.ts';

// The load generators as suites use them: they write, their connections go when stopped or failed,
// and stop() tells a lost server apart from a real failure.
export default suite(async () => {
  await startServer({}, async (server) => {
    const loadHandlers = async () => (String(await server.call('client', 'list')).match(/name=LOAD_HANDLER/g) ?? []).length;

    await test('a write load writes to db 9 until stopped, then its connection is gone', async () => {
      const load = await startWriteLoad(server.host, server.port, 10);
      await server.call('select', 9);
      await waitForCondition(50, 100, async () => Number(await server.call('dbsize')) > 1000, 'no write load detected');
      await load.stop();
      await waitLoadHandlersDisconnected(server);
      const keys = Number(await server.call('dbsize'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assertEqual(await server.call('dbsize'), keys);
      await server.call('flushall');
    });

    await test('complex data and block ops run side by side, each on its own connection', async () => {
      const loads = [
        await startBgComplexData(server.host, server.port, 11, 100000000),
        await startBgComplexData(server.host, server.port, 12, 100000000),
        await startBgBlockOp(server.host, server.port, 9, 100000),
      ];
      assertEqual(await loadHandlers(), 3);
      await server.call('select', 11);
      await waitForCondition(50, 100, async () => Number(await server.call('dbsize')) > 100, 'no complex data written');
      for (const load of loads) await load.stop();
      await waitLoadHandlersDisconnected(server);
      await server.call('flushall');
    });

    await test('paced complex data ends by itself after its ops, without an error', async () => {
      const load = await startBgComplexData(server.host, server.port, 11, 300);
      const result = await load.wait();
      assert(result.error === undefined, `it failed: ${result.error}`);
      await server.call('select', 11);
      assert(Number(await server.call('dbsize')) > 0, 'nothing written');
      await waitLoadHandlersDisconnected(server);
      await server.call('flushall');
    });

    await test('a generator that loses its server (READONLY) drops its connection; stop() forgives it', async () => {
      const load = await startWriteLoad(server.host, server.port, 10);
      await server.call('replicaof', '127.0.0.1', 1);
      await waitLoadHandlersDisconnected(server);
      await load.stop();
      await server.call('replicaof', 'no', 'one');
    });

    await test('a generator failing for another reason makes stop() fail with its error', async () => {
      await server.call('config', 'set', 'maxmemory', 1, 'maxmemory-policy', 'noeviction');
      const load = await startWriteLoad(server.host, server.port, 10);
      await waitLoadHandlersDisconnected(server);
      const err = await load.stop().then(() => null, (e: Error) => e);
      assertMatch('load generator gen-write-load failed: OOM*', err?.message ?? 'stop() did not fail');
      await server.call('config', 'set', 'maxmemory', 0);
    });
  });
});
