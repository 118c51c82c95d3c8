// Port of tests/unit/type/list-3.tcl (Redis 7.0.15).
// Values are sent as Tcl's client sends them (one byte per character) and read back as bytes.
import { readFileSync } from 'node:fs';
import {
  suite,
  startServer,
  tags,
  test,
  r,
  srv,
  settings,
  puts,
  assertEqual,
  tclCatch,
  randomInt,
  randomValue,
  randpath,
  configSet,
  tclBytes,
  findValgrindErrors,
  sanitizerErrorsFromFile,
  type Client,
} from '../../../harness/index.ts';
import { randomWideInt } from './list-common.ts';

/** One random command on a list key, as the words of a Tcl command line. */
async function generateCmdOnListKey(key: string): Promise<string> {
  const op = randomInt(7);
  const smallSignedCount = 5 - randomInt(10);
  const ele = randomInt(2) === 0 ? String(randomInt(1000)) : 'x'.repeat(randomInt(10000)) + String(randomInt(1000));
  switch (op) {
    case 0:
      return `lpush ${key} ${ele}`;
    case 1:
      return `rpush ${key} ${ele}`;
    case 2:
      return `lpop ${key}`;
    case 3:
      return `rpop ${key}`;
    case 4:
      return `lset ${key} ${smallSignedCount} ${ele}`;
    case 5: {
      const otherele = randomInt(1000);
      const where = randomInt(2) === 0 ? 'before' : 'after';
      return `linsert ${key} ${where} ${otherele} ${ele}`;
    }
    default: {
      let otherele = '';
      try {
        const index = randomInt(Number(await r('llen', key)));
        otherele = String((await r('lindex', key, index)) ?? '');
      } catch {
        // as upstream: an element that cannot be read stays empty
      }
      return `lrem ${key} 1 ${otherele}`;
    }
  }
}

/** The words of a command line; an empty trailing element is no word, as in a Tcl list. */
const words = (cmd: string) => cmd.split(' ').filter((w) => w !== '');

export default suite(async () => {
  await startServer({ tags: ['list', 'ziplist'], overrides: { 'list-max-ziplist-size': 16 } }, async (server) => {
    await test('Explicit regression for a list bug', async () => {
      const mylist = [
        '49376042582',
        'BkG2o\\pIC]4YYJa9cJ4GWZalG[4tin;1D2whSkCOW`mX;SFXGyS8sedcff3fQI^tgPCC@^Nu1J6o]meM@Lko]t_jRyo<xSJ1oObDYd`ppZuW6P@fS278YaOx=s6lvdFlMbP0[SbkI^Kr\\HBXtuFaA^mDx:yzS4a[skiiPWhT<nNfAf=aQVfclcuwDrfe;iVuKdNvB9kbfq>tK?tH[\\EvWqS]b`o2OCtjg:?nUTwdjpcUm]y:pg5q24q7LlCOwQE^',
      ];
      await r('del', 'l');
      await r('rpush', 'l', mylist[0]);
      await r('rpush', 'l', mylist[1]);
      assertEqual(await r('lindex', 'l', 0), mylist[0]);
      assertEqual(await r('lindex', 'l', 1), mylist[1]);
    });

    await test(
      'Regression for quicklist #3343 bug',
      async () => {
        await r('del', 'mylist');
        await r('lpush', 'mylist', 401);
        await r('lpush', 'mylist', 392);
        await r('rpush', 'mylist', 'x'.repeat(5105) + '799');
        await r('lset', 'mylist', -1, 'x'.repeat(1014) + '702');
        await r('lpop', 'mylist');
        await r('lset', 'mylist', -1, 'x'.repeat(4149) + '852');
        await r('linsert', 'mylist', 'before', 401, 'x'.repeat(9927) + '12');
        await r('lrange', 'mylist', 0, -1);
        // The server still being alive is enough.
        return r('ping');
      },
      { okPattern: 'PONG' },
    );

    await test('Check compression with recompress', async () => {
      await r('del', 'key');
      await configSet('list-compress-depth', 1, [], server);
      await configSet('list-max-ziplist-size', 16, [], server);
      await r('rpush', 'key', 'a');
      await r('rpush', 'key', 'b'.repeat(50000));
      await r('rpush', 'key', 'c');
      await r('lset', 'key', 1, 'd');
      await r('rpop', 'key');
      await r('rpush', 'key', 'e'.repeat(5000));
      await r('linsert', 'key', 'before', 'f', 1);
      await r('rpush', 'key', 'g');
      await r('ping');
    });

    await test('Crash due to wrongly recompress after lrem', async () => {
      await r('del', 'key');
      await configSet('list-compress-depth', 2, [], server);
      await r('lpush', 'key', 'a');
      await r('lpush', 'key', 'a'.repeat(5000));
      await r('lpush', 'key', 'b'.repeat(5000));
      await r('lpush', 'key', 'c'.repeat(5000));
      await r('rpush', 'key', 'x'.repeat(10000) + '969');
      await r('rpush', 'key', 'b');
      await r('lrem', 'key', 1, 'a');
      await r('rpop', 'key');
      await r('lrem', 'key', 1, 'x'.repeat(10000) + '969');
      await r('rpush', 'key', 'crash');
      await r('ping');
    });

    await test('LINSERT correctly recompress full quicklistNode after inserting a element before it', async () => {
      await r('del', 'key');
      await configSet('list-compress-depth', 1, [], server);
      await r('rpush', 'key', 'b');
      await r('rpush', 'key', 'c');
      await r('lset', 'key', -1, 'x'.repeat(8192) + '969');
      await r('lpush', 'key', 'a');
      await r('rpush', 'key', 'd');
      await r('linsert', 'key', 'before', 'b', 'f');
      await r('rpop', 'key');
      await r('ping');
    });

    await test('LINSERT correctly recompress full quicklistNode after inserting a element after it', async () => {
      await r('del', 'key');
      await configSet('list-compress-depth', 1, [], server);
      await r('rpush', 'key', 'b');
      await r('rpush', 'key', 'c');
      await r('lset', 'key', 0, 'x'.repeat(8192) + '969');
      await r('lpush', 'key', 'a');
      await r('rpush', 'key', 'd');
      await r('linsert', 'key', 'after', 'c', 'f');
      await r('lpop', 'key');
      await r('ping');
    });

    for (const comp of [2, 1, 0]) {
      const cycles = settings().accurate ? 10000 : 1000;
      await configSet('list-compress-depth', comp, [], server);

      await test(`Stress tester for #3343-alike bugs comp: ${comp}`, async () => {
        await r('del', 'key');
        const sent: string[] = [];
        for (let j = 0; j < cycles; j++) {
          try {
            const cmd = await generateCmdOnListKey('key');
            sent.push(cmd);
            // Syntax and range errors are expected.
            await r(...words(cmd));
          } catch {
            // as upstream: any failure here is judged by the PING below
          }
        }

        let printCommands = false;
        let crash = 'false';
        if ((await tclCatch(() => r('ping'))).failed) {
          puts('Server crashed');
          printCommands = true;
          crash = 'true';
        }

        if (!settings().external) {
          // Invalid reads reported now are easier to reproduce than at shutdown.
          const valgrindErrors = findValgrindErrors(readFileSync(srv(0).stderr, 'latin1'), false);
          const asanErrors = sanitizerErrorsFromFile(srv(0).stderr);
          if (valgrindErrors !== '' || asanErrors !== '') {
            puts('valgrind or asan found an issue');
            printCommands = true;
          }
        }

        if (printCommands) {
          puts('violating commands:');
          for (const cmd of sent) puts(cmd);
        }

        assertEqual(crash, 'false');
      });
    }

    await tags(['slow'], async () => {
      await test('ziplist implementation: value encoding and backlink', async () => {
        const iterations = settings().accurate ? 100 : 10;
        const negative = (digits: string) => (`-${digits}` === '-0' ? '0' : `-${digits}`);
        for (let j = 0; j < iterations; j++) {
          await r('del', 'l');
          const l: string[] = [];
          for (let i = 0; i < 200; i++) {
            const data = randpath(
              () => 'x'.repeat(randomInt(100000)),
              () => String(randomInt(65536)),
              () => String(randomInt(4294967296)),
              () => randomWideInt(18446744073709551616),
              () => negative(String(randomInt(65536))),
              () => negative(String(randomInt(4294967296))),
              () => negative(randomWideInt(18446744073709551616)),
            );
            l.push(data);
            await r('rpush', 'l', data);
          }
          assertEqual(l.length, await r('llen', 'l'));
          // Backwards.
          for (let i = 199; i >= 0; i--) {
            const got = await r('lindex', 'l', i);
            if (l[i] !== got) assertEqual(l[i], got);
          }
        }
      });

      await test('ziplist implementation: encoding stress testing', async () => {
        const rb: Client = await server.newClient({ buffers: true });
        for (let j = 0; j < 200; j++) {
          await rb.call('del', 'l');
          let l: Array<string | number> = [];
          const len = randomInt(400);
          for (let i = 0; i < len; i++) {
            const rv = randomValue();
            await randpath(
              async () => {
                l.push(rv);
                await rb.call('rpush', 'l', tclBytes(String(rv)));
              },
              async () => {
                l = [rv, ...l];
                await rb.call('lpush', 'l', tclBytes(String(rv)));
              },
            );
          }
          assertEqual(l.length, await rb.call('llen', 'l'));
          for (let i = 0; i < len; i++) {
            const got = (await rb.call('lindex', 'l', i)) as Buffer;
            if (String(l[i]) !== got.toString('latin1')) assertEqual(l[i], got);
          }
        }
        await rb.close();
      });
    });
  });
});
