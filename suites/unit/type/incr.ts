import { suite, startServer, test, settings, assert, tclCatch, roundFloat, type ServerHandle } from '../../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['incr'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);
    const errorOf = async (...args: Array<string | number>) => (await tclCatch(() => r(...args))).value;

    await test('INCR against non existing key', async () => `${await r('incr', 'novar')}${await r('get', 'novar')}`, { okPattern: '11' });

    await test('INCR against key created by incr itself', () => r('incr', 'novar'), { okPattern: '2' });

    await test('INCR against key originally set with SET', async () => {
      await r('set', 'novar', 100);
      return r('incr', 'novar');
    }, { okPattern: '101' });

    await test('INCR over 32bit value', async () => {
      await r('set', 'novar', '17179869184');
      return r('incr', 'novar');
    }, { okPattern: '17179869185' });

    await test('INCRBY over 32bit value with over 32bit increment', async () => {
      await r('set', 'novar', '17179869184');
      return r('incrby', 'novar', '17179869184');
    }, { okPattern: '34359738368' });

    await test('INCR fails against key with spaces (left)', async () => {
      await r('set', 'novar', '    11');
      return errorOf('incr', 'novar');
    }, { okPattern: 'ERR*' });

    await test('INCR fails against key with spaces (right)', async () => {
      await r('set', 'novar', '11    ');
      return errorOf('incr', 'novar');
    }, { okPattern: 'ERR*' });

    await test('INCR fails against key with spaces (both)', async () => {
      await r('set', 'novar', '    11    ');
      return errorOf('incr', 'novar');
    }, { okPattern: 'ERR*' });

    await test('DECRBY negation overflow', async () => {
      await r('set', 'x', 0);
      return errorOf('decrby', 'x', '-9223372036854775808');
    }, { okPattern: 'ERR*' });

    await test('INCR fails against a key holding a list', async () => {
      await r('rpush', 'mylist', 1);
      const err = await errorOf('incr', 'mylist');
      await r('rpop', 'mylist');
      return err;
    }, { okPattern: 'WRONGTYPE*' });

    await test('DECRBY over 32bit value with over 32bit increment, negative res', async () => {
      await r('set', 'novar', '17179869184');
      return r('decrby', 'novar', '17179869185');
    }, { okPattern: '-1' });

    await test('INCR uses shared objects in the 0-9999 range', async () => {
      await r('set', 'foo', -1);
      await r('incr', 'foo');
      assert(Number(await r('object', 'refcount', 'foo')) > 1, 'refcount of foo > 1');
      await r('set', 'foo', 9998);
      await r('incr', 'foo');
      assert(Number(await r('object', 'refcount', 'foo')) > 1, 'refcount of foo > 1');
      await r('incr', 'foo');
      assert(Number(await r('object', 'refcount', 'foo')) === 1, 'refcount of foo == 1');
    }, { okPattern: '', tags: ['needs:debug'] });

    await test('INCR can modify objects in-place', async () => {
      await r('set', 'foo', 20000);
      await r('incr', 'foo');
      assert(Number(await r('object', 'refcount', 'foo')) === 1, 'refcount of foo == 1');
      const old = await objectAddress(server, 'foo');
      await r('incr', 'foo');
      const now = await objectAddress(server, 'foo');
      assert(old.startsWith('at:'), `'${old}' starts with at:`);
      assert(now.startsWith('at:'), `'${now}' starts with at:`);
      assert(old === now, `'${old}' eq '${now}'`);
    }, { okPattern: '', tags: ['needs:debug'] });

    await test('INCRBYFLOAT against non existing key', async () => {
      await r('del', 'novar');
      return [
        roundFloat(await r('incrbyfloat', 'novar', 1)),
        roundFloat(await r('get', 'novar')),
        roundFloat(await r('incrbyfloat', 'novar', 0.25)),
        roundFloat(await r('get', 'novar')),
      ];
    }, { okPattern: '1 1 1.25 1.25' });

    await test('INCRBYFLOAT against key originally set with SET', async () => {
      await r('set', 'novar', 1.5);
      return roundFloat(await r('incrbyfloat', 'novar', 1.5));
    }, { okPattern: '3' });

    await test('INCRBYFLOAT over 32bit value', async () => {
      await r('set', 'novar', '17179869184');
      return r('incrbyfloat', 'novar', 1.5);
    }, { okPattern: '17179869185.5' });

    await test('INCRBYFLOAT over 32bit value with over 32bit increment', async () => {
      await r('set', 'novar', '17179869184');
      return r('incrbyfloat', 'novar', '17179869184');
    }, { okPattern: '34359738368' });

    await test('INCRBYFLOAT fails against key with spaces (left)', async () => {
      await r('set', 'novar', '    11');
      return errorOf('incrbyfloat', 'novar', '1.0');
    }, { okPattern: 'ERR *valid*' });

    await test('INCRBYFLOAT fails against key with spaces (right)', async () => {
      await r('set', 'novar', '11    ');
      return errorOf('incrbyfloat', 'novar', '1.0');
    }, { okPattern: 'ERR *valid*' });

    await test('INCRBYFLOAT fails against key with spaces (both)', async () => {
      await r('set', 'novar', ' 11 ');
      return errorOf('incrbyfloat', 'novar', '1.0');
    }, { okPattern: 'ERR *valid*' });

    await test('INCRBYFLOAT fails against a key holding a list', async () => {
      await r('del', 'mylist');
      await r('rpush', 'mylist', 1);
      const err = await errorOf('incrbyfloat', 'mylist', '1.0');
      await r('del', 'mylist');
      return err;
    }, { okPattern: 'WRONGTYPE*' });

    // strtold("+inf") under valgrind may not give inf on some platforms.
    if (!settings().valgrind) {
      await test('INCRBYFLOAT does not allow NaN or Infinity', async () => {
        await r('set', 'foo', 0);
        // NaN cannot be reached through the API: no increment by infinity, no division.
        return errorOf('incrbyfloat', 'foo', '+inf');
      }, { okPattern: 'ERR *would produce*' });
    }

    await test('INCRBYFLOAT decrement', async () => {
      await r('set', 'foo', 1);
      return roundFloat(await r('incrbyfloat', 'foo', '-1.1'));
    }, { okPattern: '-0.1' });

    await test('string to double with null terminator', async () => {
      await r('set', 'foo', 1);
      await r('setrange', 'foo', 2, 2);
      return errorOf('incrbyfloat', 'foo', 1);
    }, { okPattern: 'ERR *valid*' });

    await test('No negative zero', async () => {
      await r('del', 'foo');
      await r('incrbyfloat', 'foo', String(1 / 41));
      await r('incrbyfloat', 'foo', String(-1 / 41));
      return r('get', 'foo');
    }, { okPattern: '0' });
  });
});

/** The second word of DEBUG OBJECT ("at:0x..."): the value's address. */
async function objectAddress(server: ServerHandle, key: string): Promise<string> {
  return String(await server.call('debug', 'object', key)).split(' ')[1] ?? '';
}
