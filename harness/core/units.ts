import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './processes.ts';

/** RUNTEST_SUITES_DIR points the runner at another tree of suites (the harness's own tests use it). */
export const SUITES_DIR = process.env.RUNTEST_SUITES_DIR ? path.resolve(process.env.RUNTEST_SUITES_DIR) : path.join(PROJECT_ROOT, 'suites');

/** The integration units in the order of the Tcl harness's all_tests list. */
const TCL_ORDER = [
  'integration/block-repl',
  'integration/replication',
  'integration/replication-2',
  'integration/replication-3',
  'integration/replication-4',
  'integration/replication-psync',
  'integration/replication-buffer',
  'integration/shutdown',
  'integration/aof',
  'integration/aof-race',
  'integration/aof-multi-part',
  'integration/rdb',
  'integration/corrupt-dump',
  'integration/corrupt-dump-fuzzer',
  'integration/convert-zipmap-hash-on-load',
  'integration/convert-ziplist-hash-on-load',
  'integration/convert-ziplist-zset-on-load',
  'integration/logging',
  'integration/psync2',
  'integration/psync2-reg',
  'integration/psync2-pingoff',
  'integration/psync2-master-restart',
  'integration/failover',
  'integration/redis-cli',
  'integration/redis-benchmark',
  'integration/dismiss-mem',
];

/** Every ported unit: Tcl's order first, then any other suite file alphabetically. */
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
  const known = TCL_ORDER.filter((u) => found.includes(u));
  const others = found.filter((u) => !TCL_ORDER.includes(u)).sort();
  return [...known, ...others];
}

/** Accepts `integration/x`, `suites/integration/x.ts` or `tests/integration/x.tcl`; returns the unit name. */
export function normalizeUnit(name: string): string {
  return name.replace(/^\.?\/?(suites|tests)\//, '').replace(/\.(ts|tcl)$/, '');
}

export function unitFile(unit: string, suitesDir = SUITES_DIR): string {
  return path.join(suitesDir, `${unit}.ts`);
}
