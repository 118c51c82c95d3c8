import { existsSync } from 'node:fs';
import type { Options, Shard } from './cli.ts';
import { UsageError } from './cli.ts';
import { allUnits, normalizeUnit, unitFile } from '../core/units.ts';


/** The units a run takes: --single (or all), minus --skip-till and --skipunit, then this --shard's part. */
export function selectUnits(options: Options, available = allUnits()): string[] {
  let units = available;
  if (options.single.length > 0) {
    units = options.single.map(normalizeUnit);
    for (const unit of units) {
      if (!existsSync(unitFile(unit))) throw new UsageError(`unknown unit '${unit}': no file ${unitFile(unit)} (see ./runtest --list-tests)`);
    }
  }
  if (options.skipTill) {
    const till = normalizeUnit(options.skipTill);
    const at = available.indexOf(till);
    if (at < 0) throw new UsageError(`--skip-till: unit '${till}' not found (see ./runtest --list-tests)`);
    const skipped = new Set(available.slice(0, at + 1));
    units = units.filter((u) => !skipped.has(u));
  }
  const skipUnits = new Set(options.skipUnits.map(normalizeUnit));
  units = units.filter((u) => !skipUnits.has(u));
  return units;
}

/**
 * This machine's part of a --shard K/N split. Deterministic: with durations (from an earlier --json
 * report) the longest units go first, each to the shard with the least total so far; without, units
 * are dealt round robin in list order. The N parts cover every unit exactly once.
 */
export function shardUnits(units: string[], shard: Shard, durations?: Map<string, number>): string[] {
  const owner = new Map<string, number>();
  if (durations) {
    const known = durations.size > 0 ? [...durations.values()].reduce((a, b) => a + b, 0) / durations.size : 1;
    const weight = (u: string) => durations.get(u) ?? known;
    const totals = new Array<number>(shard.total).fill(0);
    const order = [...units].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : a > b ? 1 : 0));
    for (const unit of order) {
      let best = 0;
      for (let k = 1; k < shard.total; k++) if (totals[k] < totals[best]) best = k;
      totals[best] += weight(unit);
      owner.set(unit, best);
    }
  } else {
    units.forEach((unit, i) => owner.set(unit, i % shard.total));
  }
  return units.filter((unit) => owner.get(unit) === shard.index - 1);
}
