// Port of tests/unit/quit.tcl.
import { suite, startServer, test, r, assertEqual, assertError, formatCommand } from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['quit'] }, async (server) => {
    const c = () => server.client;

    await test('QUIT returns OK', async () => {
      await server.reconnect();
      assertEqual('OK', await r('quit'));
      await assertError('*', () => r('ping'));
    });

    await test('Pipelined commands after QUIT must not be executed', async () => {
      await server.reconnect();
      c().writeRaw(formatCommand('quit'));
      c().writeRaw(formatCommand('set', 'foo', 'bar'));
      assertEqual('OK', await c().read());
      await assertError('*', () => c().read());

      await server.reconnect();
      assertEqual('', await r('get', 'foo'));
    });

    await test('Pipelined commands after QUIT that exceed read buffer size', async () => {
      await server.reconnect();
      c().writeRaw(formatCommand('quit'));
      c().writeRaw(formatCommand('set', 'foo', 'x'.repeat(1024)));
      assertEqual('OK', await c().read());
      await assertError('*', () => c().read());

      await server.reconnect();
      assertEqual('', await r('get', 'foo'));
    });
  });
});
