import t from 'tap';
import { Chalk } from 'chalk';
import { TclFormat } from '../harness/runner/output.ts';

const plain = new TclFormat(new Chalk({ level: 0 }));

t.test('lines read as the Tcl runner prints them', async (t) => {
  t.equal(plain.ok('MIGRATE is caching connections', 12), '[ok]: MIGRATE is caching connections (12 ms)');
  t.equal(plain.err('x', 'suites/integration/a.ts', "Expected '1' to be equal to '2'"), "[err]: x in suites/integration/a.ts\nExpected '1' to be equal to '2'");
  t.equal(plain.skip('y'), '[skip]: y');
  t.equal(plain.ignore('z: Tag: none of the tags allowed'), '[ignore]: z: Tag: none of the tags allowed');
  t.equal(plain.exception('boom'), '[exception]: boom');
  t.equal(plain.testing('integration/rdb'), 'Testing integration/rdb');
  t.equal(plain.done(3, 25, 'integration/rdb', 7), '[3/25 done]: integration/rdb (7 seconds)');
  t.equal(plain.allPassed(), '\n\\o/ All tests passed without errors!\n');
  t.equal(plain.failedHeader(), '\n!!! WARNING The following tests failed:\n');
});

t.test('summary line is what CI reads', async (t) => {
  t.equal(plain.summary(10, 0, 0), '10 passed, 0 failed');
  t.equal(plain.summary(10, 2, 3), '10 passed, 2 failed, 3 skipped');
});

t.test('colour only when asked for', async (t) => {
  const coloured = new TclFormat(new Chalk({ level: 1 }));
  t.match(coloured.ok('a', 1), /\u001b\[32mok/);
  t.notMatch(plain.ok('a', 1), /\u001b/);
});
