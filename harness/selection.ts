import { existsSync } from 'node:fs';
import type { Options } from './cli.ts';
import { UsageError } from './cli.ts';
import { allUnits, normalizeUnit, unitFile } from './units.ts';


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
