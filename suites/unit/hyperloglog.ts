import { suite, startServer, test, assert, assertMatch, randomInt, randstring, rng, tclBytes, tclCatch, tclDouble, tclString } from '../../harness/index.ts';

/** Tcl `expr rand()` as text, the elements these tests add. */
function randText(): string {
  return tclDouble(rng().random());
}

export default suite(async () => {
  await startServer({ tags: ['hll'] }, async (server) => {
    const r = (...args: Array<string | number | Buffer>) => server.call(...args);
    // GETRANGE and SETRANGE of single raw bytes.
    const rb = await server.newClient({ buffers: true });

    await test('HyperLogLog self test passes', async () => (await tclCatch(() => r('pfselftest'))).value, {
      okPattern: 'OK',
      tags: ['needs:pfdebug'],
    });

    await test(
      'PFADD without arguments creates an HLL value',
      async () => {
        await r('pfadd', 'hll');
        return r('exists', 'hll');
      },
      { okPattern: '1' },
    );

    await test('Approximated cardinality after creation is zero', () => r('pfcount', 'hll'), { okPattern: '0' });

    await test('PFADD returns 1 when at least 1 reg was modified', () => r('pfadd', 'hll', 'a', 'b', 'c'), { okPattern: '1' });

    await test('PFADD returns 0 when no reg was modified', () => r('pfadd', 'hll', 'a', 'b', 'c'), { okPattern: '0' });

    await test('PFADD works with empty string (regression)', () => r('pfadd', 'hll', ''));

    // The self test stresses the estimation error far better; this checks the commands.
    await test(
      'PFCOUNT returns approximated cardinality of set',
      async () => {
        await r('del', 'hll');
        const res = [];
        await r('pfadd', 'hll', 1, 2, 3, 4, 5);
        res.push(await r('pfcount', 'hll'));
        // Again, so the cached cardinality must have been invalidated.
        await r('pfadd', 'hll', 6, 7, 8, 8, 9, 10);
        res.push(await r('pfcount', 'hll'));
        return res;
      },
      { okPattern: '5 10' },
    );

    await test(
      'HyperLogLogs are promote from sparse to dense',
      async () => {
        await r('del', 'hll');
        await r('config', 'set', 'hll-sparse-max-bytes', 3000);
        let n = 0;
        while (n < 100000) {
          const elements: string[] = [];
          for (let j = 0; j < 100; j++) elements.push(randText());
          n += 100;
          await r('pfadd', 'hll', ...elements);
          const card = Number(await r('pfcount', 'hll'));
          const err = Math.abs(card - n);
          assert(err < (card / 100) * 5, `err (${err}) < card/100*5 (card ${card}, n ${n})`);
          if (n < 1000) {
            assert((await r('pfdebug', 'encoding', 'hll')) === 'sparse', 'pfdebug encoding hll eq sparse');
          } else if (n > 10000) {
            assert((await r('pfdebug', 'encoding', 'hll')) === 'dense', 'pfdebug encoding hll eq dense');
          }
        }
        return '';
      },
      { okPattern: '', tags: ['needs:pfdebug'] },
    );

    await test(
      'HyperLogLog sparse encoding stress test',
      async () => {
        for (let x = 0; x < 1000; x++) {
          await r('del', 'hll1');
          await r('del', 'hll2');
          const numele = randomInt(100);
          const elements: string[] = [];
          for (let j = 0; j < numele; j++) elements.push(randText());
          // hll2 dense from the start.
          await r('pfadd', 'hll2');
          await r('pfdebug', 'todense', 'hll2');
          await r('pfadd', 'hll1', ...elements);
          await r('pfadd', 'hll2', ...elements);
          assert((await r('pfdebug', 'encoding', 'hll1')) === 'sparse', 'pfdebug encoding hll1 eq sparse');
          assert((await r('pfdebug', 'encoding', 'hll2')) === 'dense', 'pfdebug encoding hll2 eq dense');
          // Both encodings must estimate the same cardinality.
          const c1 = await r('pfcount', 'hll1');
          const c2 = await r('pfcount', 'hll2');
          assert(tclString(c1) === tclString(c2), `pfcount hll1 (${c1}) eq pfcount hll2 (${c2})`);
        }
        return '';
      },
      { okPattern: '', tags: ['needs:pfdebug'] },
    );

    await test(
      'Corrupted sparse HyperLogLogs are detected: Additional at tail',
      async () => {
        await r('del', 'hll');
        await r('pfadd', 'hll', 'a', 'b', 'c');
        await r('append', 'hll', 'hello');
        return (await tclCatch(() => r('pfcount', 'hll'))).value;
      },
      { okPattern: '*INVALIDOBJ*' },
    );

    await test(
      'Corrupted sparse HyperLogLogs are detected: Broken magic',
      async () => {
        await r('del', 'hll');
        await r('pfadd', 'hll', 'a', 'b', 'c');
        await r('setrange', 'hll', 0, '0123');
        return (await tclCatch(() => r('pfcount', 'hll'))).value;
      },
      { okPattern: '*WRONGTYPE*' },
    );

    await test(
      'Corrupted sparse HyperLogLogs are detected: Invalid encoding',
      async () => {
        await r('del', 'hll');
        await r('pfadd', 'hll', 'a', 'b', 'c');
        await r('setrange', 'hll', 4, 'x');
        return (await tclCatch(() => r('pfcount', 'hll'))).value;
      },
      { okPattern: '*WRONGTYPE*' },
    );

    await test(
      'Corrupted dense HyperLogLogs are detected: Wrong length',
      async () => {
        await r('del', 'hll');
        await r('pfadd', 'hll', 'a', 'b', 'c');
        await r('setrange', 'hll', 4, Buffer.from([0]));
        return (await tclCatch(() => r('pfcount', 'hll'))).value;
      },
      { okPattern: '*WRONGTYPE*' },
    );

    await test('Fuzzing dense/sparse encoding: Redis should always detect errors', async () => {
      for (let j = 0; j < 1000; j++) {
        await r('del', 'hll');
        const items: string[] = [];
        const numitems = randomInt(3000);
        for (let i = 0; i < numitems; i++) items.push(randText());
        await r('pfadd', 'hll', ...items);

        // Corrupt it at random places.
        for (let i = 0; i < 5; i++) {
          const len = Number(await r('strlen', 'hll'));
          const pos = randomInt(len);
          const byte = tclBytes(randstring(1, 1, 'binary'));
          await r('setrange', 'hll', pos, byte);
          // Half of the time, one corrupted byte is enough.
          if (rng().random() < 0.5) break;
        }

        // Whatever PFCOUNT answers, the server must survive it.
        await tclCatch(() => r('pfcount', 'hll'));
      }
    });

    await test('PFADD, PFCOUNT, PFMERGE type checking works', async () => {
      await r('set', 'foo{t}', 'bar');
      assertMatch('*WRONGTYPE*', (await tclCatch(() => r('pfadd', 'foo{t}', 1))).value);
      assertMatch('*WRONGTYPE*', (await tclCatch(() => r('pfcount', 'foo{t}'))).value);
      assertMatch('*WRONGTYPE*', (await tclCatch(() => r('pfmerge', 'bar{t}', 'foo{t}'))).value);
      assertMatch('*WRONGTYPE*', (await tclCatch(() => r('pfmerge', 'foo{t}', 'bar{t}'))).value);
    });

    await test(
      'PFMERGE results on the cardinality of union of sets',
      async () => {
        await r('del', 'hll{t}', 'hll1{t}', 'hll2{t}', 'hll3{t}');
        await r('pfadd', 'hll1{t}', 'a', 'b', 'c');
        await r('pfadd', 'hll2{t}', 'b', 'c', 'd');
        await r('pfadd', 'hll3{t}', 'c', 'd', 'e');
        await r('pfmerge', 'hll{t}', 'hll1{t}', 'hll2{t}', 'hll3{t}');
        return r('pfcount', 'hll{t}');
      },
      { okPattern: '5' },
    );

    await test('PFCOUNT multiple-keys merge returns cardinality of union #1', async () => {
      await r('del', 'hll1{t}', 'hll2{t}', 'hll3{t}');
      for (let x = 1; x < 10000; x++) {
        // One round trip per iteration: the replies come back in order, as if sent one by one.
        const [, , , card] = await Promise.all([
          r('pfadd', 'hll1{t}', `foo-${x}`),
          r('pfadd', 'hll2{t}', `bar-${x}`),
          r('pfadd', 'hll3{t}', `zap-${x}`),
          r('pfcount', 'hll1{t}', 'hll2{t}', 'hll3{t}'),
        ]);
        const realcard = x * 3;
        const err = Math.abs(Number(card) - realcard);
        assert(err < (Number(card) / 100) * 5, `err (${err}) < card/100*5 (card ${card}, real ${realcard})`);
      }
    });

    await test('PFCOUNT multiple-keys merge returns cardinality of union #2', async () => {
      await r('del', 'hll1{t}', 'hll2{t}', 'hll3{t}');
      const elements = new Set<number>();
      for (let x = 1; x < 10000; x++) {
        for (let j = 1; j <= 3; j++) {
          const rint = randomInt(20000);
          await r('pfadd', `hll${j}{t}`, rint);
          elements.add(rint);
        }
      }
      const realcard = elements.size;
      const card = Number(await r('pfcount', 'hll1{t}', 'hll2{t}', 'hll3{t}'));
      const err = Math.abs(card - realcard);
      assert(err < (card / 100) * 5, `err (${err}) < card/100*5 (card ${card}, real ${realcard})`);
    });

    await test(
      'PFDEBUG GETREG returns the HyperLogLog raw registers',
      async () => {
        await r('del', 'hll');
        await r('pfadd', 'hll', 1, 2, 3);
        return ((await r('pfdebug', 'getreg', 'hll')) as unknown[]).length;
      },
      { okPattern: '16384', tags: ['needs:pfdebug'] },
    );

    await test('PFADD / PFCOUNT cache invalidation works', async () => {
      await r('del', 'hll');
      await r('pfadd', 'hll', 'a', 'b', 'c');
      await r('pfcount', 'hll');
      const byte15 = async () => tclString(await rb.call('getrange', 'hll', 15, 15));
      assert((await byte15()) === '\x00', 'getrange hll 15 15 eq \\x00');
      await r('pfadd', 'hll', 'a', 'b', 'c');
      assert((await byte15()) === '\x00', 'getrange hll 15 15 eq \\x00');
      await r('pfadd', 'hll', 1, 2, 3);
      assert((await byte15()) === '\x80', 'getrange hll 15 15 eq \\x80');
    });
  });
});
