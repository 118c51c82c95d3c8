// Port of tests/unit/auth.tcl (Redis 7.0.15).
import {
  suite,
  startServer,
  test,
  assertEqual,
  assertMatch,
  waitForCondition,
  fail,
  type Arg,
  tclCatchValue,
} from '../../harness/index.ts';

/** A password with a NUL byte in the middle. */
const BINARY_PASSWORD = 'abc\x00def';

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['auth', 'external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('AUTH fails if there is no password configured server side', async () => {
      return tclCatchValue(() => r('auth', 'foo'));
    }, { okPattern: 'ERR *any password*' });

    await test('Arity check for auth command', async () => {
      return tclCatchValue(() => r('auth', 'a', 'b', 'c'));
    }, { okPattern: '*syntax error*' });
  });

  await startServer({ tags: ['auth', 'external:skip'], overrides: { requirepass: 'foobar' } }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('AUTH fails when a wrong password is given', async () => {
      return tclCatchValue(() => r('auth', 'wrong!'));
    }, { okPattern: 'WRONGPASS*' });

    await test('Arbitrary command gives an error when AUTH is required', async () => {
      return tclCatchValue(() => r('set', 'foo', 'bar'));
    }, { okPattern: 'NOAUTH*' });

    await test('AUTH succeeds when the right password is given', async () => {
      return r('auth', 'foobar');
    }, { okPattern: 'OK' });

    await test('Once AUTH succeeded we can actually send commands to the server', async () => {
      await r('set', 'foo', 100);
      return r('incr', 'foo');
    }, { okPattern: '101' });

    await test('For unauthenticated clients multibulk and bulk length are limited', async () => {
      // Fresh connections that never AUTH: a big array header, then a big bulk header, is refused.
      let rr = await server.newClient({ noSelect: true });
      rr.writeRaw('*100\r\n');
      let e = await tclCatchValue(() => rr.read());
      assertMatch('*unauthenticated multibulk length*', e);
      await rr.close();

      rr = await server.newClient({ noSelect: true });
      rr.writeRaw('*1\r\n$100000000\r\n');
      e = await tclCatchValue(() => rr.read());
      assertMatch('*unauthenticated bulk length*', e);
      await rr.close();
    });
  });

  await startServer({ tags: ['auth_binary_password', 'external:skip'] }, async (server) => {
    const r = (...args: Arg[]) => server.call(...args);

    await test('AUTH fails when binary password is wrong', async () => {
      await r('config', 'set', 'requirepass', BINARY_PASSWORD);
      return tclCatchValue(() => r('auth', 'abc'));
    }, { okPattern: 'WRONGPASS*' });

    await test('AUTH succeeds when binary password is correct', async () => {
      await r('config', 'set', 'requirepass', BINARY_PASSWORD);
      return r('auth', BINARY_PASSWORD);
    }, { okPattern: 'OK' });

    await startServer({ tags: ['masterauth'] }, async (replica) => {
      const master = server;

      await test('MASTERAUTH test with binary password', async () => {
        await master.call('config', 'set', 'requirepass', BINARY_PASSWORD);

        // A replica with a wrong masterauth cannot sync.
        const loglines = replica.logLineCount();
        await replica.call('slaveof', master.host, master.port);
        await replica.call('config', 'set', 'masterauth', 'abc');
        await replica.waitForLogMessages(['*Unable to AUTH to MASTER*'], loglines, 1000, 10);
        assertEqual(await replica.status('master_link_status'), 'down');

        // The right one, NUL byte included, lets it sync.
        await replica.call('config', 'set', 'masterauth', BINARY_PASSWORD);
        await waitForCondition(50, 100, async () => (await replica.status('master_link_status')) === 'up', () => fail("Can't turn the instance into a replica"));
      });
    });
  });
});
