import t from 'tap';
import { Rng } from '../harness/core/rng.ts';
import { randstring, useRandomSource } from '../harness/suite/random.ts';

t.teardown(() => useRandomSource(null));

t.test('randstring: lengths, character ranges and exclusions of Tcl randstring', async (t) => {
  useRandomSource(new Rng(11));
  const ranges = { binary: [0, 255], alpha: [48, 122], simplealpha: [48, 122], compr: [48, 52] } as const;
  for (const type of ['binary', 'alpha', 'simplealpha', 'compr'] as const) {
    const lengths = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const s = randstring(0, 20, type);
      lengths.add(s.length);
      if (s.length > 20) t.fail(`${type}: ${s.length} characters, more than max`);
      for (const ch of s) {
        const code = ch.charCodeAt(0);
        if (code < ranges[type][0] || code > ranges[type][1]) t.fail(`${type}: code ${code} out of range`);
        if (type === 'alpha' && code === 92) t.fail('alpha: no backslash');
        if (type === 'simplealpha' && !/[0-9A-Za-z]/.test(ch)) t.fail(`simplealpha: ${JSON.stringify(ch)} is not alphanumeric`);
      }
    }
    t.equal(lengths.size, 21, `${type}: every length from min to max is drawn`);
  }
  t.equal(randstring(7, 7).length, 7, 'min = max');
  t.equal(randstring(20000, 20000, 'compr').length, 20000, 'longer than one String.fromCharCode call');
});

t.test('randstring: the same seed draws the same string', async (t) => {
  useRandomSource(new Rng(5));
  const first = [randstring(0, 300), randstring(0, 300, 'alpha')];
  useRandomSource(new Rng(5));
  t.same([randstring(0, 300), randstring(0, 300, 'alpha')], first);
});
