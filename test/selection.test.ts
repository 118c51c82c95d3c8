import t from 'tap';
import { shardUnits } from '../harness/runner/selection.ts';
import { queueBlocks } from '../harness/core/units.ts';

const units = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

t.test('count-based shards deal units round robin and cover all once', async (t) => {
  const parts = [1, 2, 3].map((index) => shardUnits(units, { index, total: 3 }));
  t.same(parts, [['a', 'd', 'g'], ['b', 'e'], ['c', 'f']]);
});

t.test('duration-based shards balance the totals and stay deterministic', async (t) => {
  const durations = new Map([['a', 100], ['b', 90], ['c', 10], ['d', 10], ['e', 10], ['f', 5], ['g', 5]]);
  const parts = [1, 2].map((index) => shardUnits(units, { index, total: 2 }, durations));
  t.same([...parts.flat()].sort(), units);
  const total = (p: string[]) => p.reduce((s, u) => s + durations.get(u)!, 0);
  t.ok(Math.abs(total(parts[0]) - total(parts[1])) <= 10, `balanced: ${total(parts[0])} vs ${total(parts[1])}`);
  t.same(parts, [1, 2].map((index) => shardUnits(units, { index, total: 2 }, durations)), 'same split every time');
});

t.test('a unit missing from the durations gets the average weight', async (t) => {
  const parts = [1, 2].map((index) => shardUnits(['x', 'y', 'new'], { index, total: 2 }, new Map([['x', 10], ['y', 10]])));
  t.same([...parts.flat()].sort(), ['new', 'x', 'y']);
});

t.test('a split unit queues its blocks ahead of the units not started, its long blocks ahead of every short one', async (t) => {
  const task = (name: string, long = false) => ({ name, long });
  const queue = [task('unit C'), task('unit D')];
  queueBlocks(queue, [task('A1'), task('A2', true), task('A3')]);
  t.same(queue.map((q) => q.name), ['A2', 'A1', 'A3', 'unit C', 'unit D']);
  // B starts later with many short blocks and one long: its long one waits only behind A's.
  queueBlocks(queue, [task('B1'), task('B2'), task('B3', true)]);
  t.same(queue.map((q) => q.name), ['A2', 'B3', 'B1', 'B2', 'A1', 'A3', 'unit C', 'unit D']);
  queueBlocks(queue, []);
  t.equal(queue.length, 8);
});
