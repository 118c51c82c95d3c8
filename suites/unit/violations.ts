// Port of tests/unit/violations.tcl.
import {
  suite,
  startServer,
  runSolo,
  test,
  srv,
  assertMatch,
  assertEncoding,
  settings,
  tclCatch,
  writeBigBulk,
} from '../../harness/index.ts';

/** Upstream's ::str500: 500 MB. */
const STR500 = 500000000;

export default suite(async () => {
  const big = (okPattern: string) => ({ okPattern, tags: ['large-memory'] });
  const rawWrite = (data: string) => srv(0).client.writeRaw(data);

  await runSolo('violations', async () => {
    // One XADD with a 5 GB field: it fails and the stream stays empty.
    await startServer({ overrides: { save: '' } }, async (r) => {
      await test(
        'XADD one huge field',
        async () => {
          await r.call('config', 'set', 'proto-max-bulk-len', 10000000000);
          await r.call('config', 'set', 'client-query-buffer-limit', 10000000000);
          rawWrite('*5\r\n$4\r\nXADD\r\n$2\r\nS1\r\n$1\r\n*\r\n');
          rawWrite('$1\r\nA\r\n');
          const { value } = await tclCatch(() => writeBigBulk(5000000000));
          assertMatch('*too large*', value);
          return r.call('xlen', 'S1');
        },
        big('0'),
      );
    });

    // A field of 4 GB - 1 (the lpEncodeGetType overflow): it fails and the stream stays empty.
    await startServer({ overrides: { save: '' } }, async (r) => {
      await test(
        'XADD one huge field - 1',
        async () => {
          await r.call('config', 'set', 'proto-max-bulk-len', 10000000000);
          await r.call('config', 'set', 'client-query-buffer-limit', 10000000000);
          rawWrite('*5\r\n$4\r\nXADD\r\n$2\r\nS1\r\n$1\r\n*\r\n');
          rawWrite('$1\r\nA\r\n');
          const { value } = await tclCatch(() => writeBigBulk(4294967295));
          assertMatch('*too large*', value);
          return r.call('xlen', 'S1');
        },
        big('0'),
      );
    });

    // Big stream fields added by many XADDs.
    await startServer({ overrides: { save: '' } }, async (r) => {
      await test(
        'several XADD big fields',
        async () => {
          await r.call('config', 'set', 'stream-node-max-bytes', 0);
          // XADD stream * 1 <500 MB> 2 <500 MB>, the big values written in pieces.
          for (let j = 0; j < 10; j++) {
            rawWrite('*7\r\n$4\r\nxadd\r\n$6\r\nstream\r\n$1\r\n*\r\n$1\r\n1\r\n');
            await writeBigBulk(STR500, '', true);
            rawWrite('$1\r\n2\r\n');
            await writeBigBulk(STR500);
          }
          await r.call('ping');
          return r.call('xlen', 'stream');
        },
        big('10'),
      );
    });

    // Over 4 GB in one stream listpack from one XADD: it fails and the stream stays empty.
    await startServer({ overrides: { save: '' } }, async (r) => {
      await test(
        'single XADD big fields',
        async () => {
          rawWrite('*23\r\n$4\r\nXADD\r\n$1\r\nS\r\n$1\r\n*\r\n');
          for (let j = 0; j < 10; j++) {
            rawWrite(`$1\r\n${j}\r\n`);
            await writeBigBulk(500000000, '', true);
          }
          const { value } = await tclCatch(() => r.client.read());
          assertMatch('*too large*', value);
          return r.call('xlen', 'S');
        },
        big('0'),
      );
    });

    // Big hash fields added by many HSETs (the ziplistResize overflow): the hash converts to a hashtable.
    await startServer({ overrides: { save: '' } }, async (r) => {
      await r.call('config', 'set', 'hash-max-ziplist-value', 1000000000);
      await test(
        'hash with many big fields',
        async () => {
          // HSET h <j> <500 MB>.
          for (let j = 0; j < 10; j++) {
            rawWrite(`*4\r\n$4\r\nhset\r\n$1\r\nh\r\n$${String(j).length}\r\n${j}\r\n`);
            await writeBigBulk(STR500);
          }
          return r.call('object', 'encoding', 'h');
        },
        big('hashtable'),
      );
    });

    // One HSET of a field over 4 GB: the hash converts to a hashtable.
    await startServer({ overrides: { save: '' } }, async (r) => {
      await test(
        'hash with one huge field',
        async () => {
          await tclCatch(() => r.call('config', 'set', 'hash-max-ziplist-value', 10000000000));
          await r.call('config', 'set', 'proto-max-bulk-len', 10000000000);
          await r.call('config', 'set', 'client-query-buffer-limit', 10000000000);
          rawWrite('*4\r\n$4\r\nHSET\r\n$2\r\nH1\r\n');
          rawWrite('$1\r\nA\r\n');
          await writeBigBulk(5000000000);
          return r.call('object', 'encoding', 'H1');
        },
        big('hashtable'),
      );
    });
  });

  // SORT ... STORE of an integer-encoded element into a list, for coverage.
  await startServer({ overrides: { save: '' } }, async (r) => {
    await test(
      'SORT adds integer field to list',
      async () => {
        await r.call('set', 'S1', 'asdf');
        // Integer encoded.
        await r.call('set', 'S2', 123);
        await assertEncoding('int', 'S2', r, settings().ignoreEncoding);
        await r.call('sadd', 'myset', 1, 2);
        await r.call('mset', 'D1', 1, 'D2', 2);
        await r.call('sort', 'myset', 'by', 'D*', 'get', 'S*', 'store', 'mylist');
        return r.call('llen', 'mylist');
      },
      { okPattern: '2', tags: ['cluster:skip'] },
    );
  });
});

