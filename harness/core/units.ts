import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runnableFile } from './processes.ts';

/** RUNTEST_SUITES_DIR points the runner at another tree of suites (the harness's own tests use it). */
export const SUITES_DIR = process.env.RUNTEST_SUITES_DIR ? path.resolve(process.env.RUNTEST_SUITES_DIR) : path.join(PROJECT_ROOT, 'suites');

/** Tcl 7.0.15's all_tests list (tests/test_helper.tcl), in its order. */
export const TCL_ALL_TESTS: readonly string[] = [
  'unit/printver', 'unit/dump', 'unit/auth', 'unit/protocol', 'unit/keyspace', 'unit/scan', 'unit/info',
  'unit/info-command', 'unit/type/string', 'unit/type/incr', 'unit/type/list', 'unit/type/list-2',
  'unit/type/list-3', 'unit/type/set', 'unit/type/zset', 'unit/type/hash', 'unit/type/stream',
  'unit/type/stream-cgroups', 'unit/sort', 'unit/expire', 'unit/other', 'unit/multi', 'unit/quit',
  'unit/aofrw', 'unit/acl', 'unit/acl-v2', 'unit/latency-monitor', 'integration/block-repl',
  'integration/replication', 'integration/replication-2', 'integration/replication-3',
  'integration/replication-4', 'integration/replication-psync', 'integration/replication-buffer',
  'integration/shutdown', 'integration/aof', 'integration/aof-multi-part', 'integration/rdb',
  'integration/corrupt-dump', 'integration/corrupt-dump-fuzzer', 'integration/convert-zipmap-hash-on-load',
  'integration/convert-ziplist-hash-on-load', 'integration/convert-ziplist-zset-on-load',
  'integration/logging', 'integration/psync2', 'integration/psync2-reg', 'integration/psync2-pingoff',
  'integration/psync2-master-restart', 'integration/failover', 'integration/redis-cli',
  'integration/redis-benchmark', 'integration/dismiss-mem', 'unit/pubsub', 'unit/pubsubshard',
  'unit/slowlog', 'unit/scripting', 'unit/functions', 'unit/maxmemory', 'unit/introspection',
  'unit/introspection-2', 'unit/limits', 'unit/obuf-limits', 'unit/bitops', 'unit/bitfield', 'unit/geo',
  'unit/memefficiency', 'unit/hyperloglog', 'unit/lazyfree', 'unit/wait', 'unit/pause', 'unit/querybuf',
  'unit/pendingquerybuf', 'unit/tls', 'unit/tracking', 'unit/oom-score-adj', 'unit/shutdown',
  'unit/networking', 'unit/cluster', 'unit/client-eviction', 'unit/violations', 'unit/replybufsize',
  'unit/cluster-scripting', 'unit/cluster/misc', 'unit/cluster/links',
];

/** Units Tcl's list never names, run after it. */
const AFTER_TCL_LIST: readonly string[] = [
  'integration/aof-race',
  'integration/replication-faults',
  'unit/cluster/announced-endpoints',
  'integration/cross-version',
  'model/strings',
  'model/collections',
  'model/expire-persistence',
  'model/replication',
];

/**
 * Units that take longest (measured on the 2-core machine), longest first. The runner hands these
 * out before the others, so that a long unit never starts last and becomes the tail of the run.
 */
const LONGEST_UNITS: readonly string[] = [
  'integration/replication', 'integration/psync2', 'unit/aofrw', 'integration/block-repl', 'unit/obuf-limits',
  'integration/replication-psync', 'integration/psync2-reg', 'integration/corrupt-dump-fuzzer', 'unit/type/list',
  'unit/dump', 'unit/hyperloglog', 'unit/expire', 'unit/maxmemory', 'unit/geo', 'unit/cluster', 'integration/redis-cli',
  'unit/scripting', 'integration/aof', 'unit/type/zset', 'integration/replication-2', 'integration/replication-3',
  'integration/aof-multi-part', 'integration/replication-4',
];

/** The order in which a run hands units out: the longest known ones first, then the others in list order. */
export function scheduleOrder(units: readonly string[]): string[] {
  const rank = (u: string) => {
    const i = LONGEST_UNITS.indexOf(u);
    return i === -1 ? LONGEST_UNITS.length : i;
  };
  return units.map((unit, index) => ({ unit, index })).sort((a, b) => rank(a.unit) - rank(b.unit) || a.index - b.index).map((e) => e.unit);
}

/**
 * Queues a split unit's blocks ahead of the units not started yet. Its long blocks go behind the
 * long blocks already queued but ahead of everything else, whichever unit queued that: a long
 * block queued behind other units' many short blocks starts late and becomes the run's tail.
 */
export function queueBlocks<T extends { long?: boolean }>(queue: T[], blocks: readonly T[]): void {
  const firstShort = queue.findIndex((t) => !t.long);
  const at = firstShort === -1 ? queue.length : firstShort;
  queue.splice(at, 0, ...blocks.filter((b) => b.long), ...blocks.filter((b) => !b.long));
}

/** Suite files that hold code shared by units, not units themselves: these, and anything under a lib/ folder. */
const SHARED_MODULES: readonly string[] = ['unit/type/list-common'];
const isSharedModule = (unit: string) => SHARED_MODULES.includes(unit) || unit.split('/').includes('lib');

/** Every ported unit: Tcl's all_tests order, then the units it never lists, then any other suite file alphabetically. */
export function allUnits(suitesDir = SUITES_DIR): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.ts')) found.push(`${prefix}${entry.name.slice(0, -3)}`);
    }
  };
  walk(suitesDir, '');
  const ordered = [...TCL_ALL_TESTS, ...AFTER_TCL_LIST];
  const units = found.filter((u) => !isSharedModule(u));
  return [...ordered.filter((u) => units.includes(u)), ...units.filter((u) => !ordered.includes(u)).sort()];
}

/** Accepts `integration/x`, `suites/integration/x.ts` or `tests/integration/x.tcl`; returns the unit name. */
export function normalizeUnit(name: string): string {
  return name.replace(/^\.?\/?(suites|tests)\//, '').replace(/\.(ts|tcl)$/, '');
}

export function unitFile(unit: string, suitesDir = SUITES_DIR): string {
  return path.join(suitesDir, `${unit}.ts`);
}

/** The file a worker imports for a unit: the suite, or its compiled twin. */
export function unitModule(unit: string, suitesDir = SUITES_DIR): string {
  return runnableFile(unitFile(unit, suitesDir));
}
