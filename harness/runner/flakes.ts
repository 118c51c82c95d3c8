import type { TestRecord } from './reports.ts';

/** One failing run of a test in a --loops or --repeat run: enough to replay exactly it. */
export interface FailedRun {
  pass: number;
  copy?: number;
  seed: number;
  rerun?: string;
}

/** One test over every pass and copy of a run: how often it failed, with a 95% interval. */
export interface FlakeRow {
  unit: string;
  name: string;
  runs: number;
  failures: number;
  rate: number;
  low: number;
  high: number;
  failed: FailedRun[];
}

/**
 * Wilson score interval (95%) for `failures` out of `runs`: unlike the normal approximation it
 * stays inside [0, 1] and says something when a test failed 0 or n times.
 */
export function wilsonInterval(failures: number, runs: number, z = 1.959964): [number, number] {
  if (runs === 0) return [0, 1];
  const p = failures / runs;
  const z2 = z * z;
  const denominator = 1 + z2 / runs;
  const centre = (p + z2 / (2 * runs)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / runs + z2 / (4 * runs * runs))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Rows in the order the tests first ran; skipped tests do not count as runs. */
export function flakeTable(tests: TestRecord[]): FlakeRow[] {
  const rows = new Map<string, FlakeRow>();
  for (const t of tests) {
    if (t.status !== 'passed' && t.status !== 'failed' && t.status !== 'exception') continue;
    const key = `${t.unit}\u0000${t.name}`;
    let row = rows.get(key);
    if (!row) {
      row = { unit: t.unit, name: t.name, runs: 0, failures: 0, rate: 0, low: 0, high: 1, failed: [] };
      rows.set(key, row);
    }
    row.runs++;
    if (t.status !== 'passed') {
      row.failures++;
      row.failed.push({ pass: t.pass, copy: t.copy, seed: t.seed, rerun: t.rerun });
    }
  }
  for (const row of rows.values()) {
    row.failed.sort((a, b) => a.pass - b.pass || (a.copy ?? 0) - (b.copy ?? 0));
    row.rate = row.failures / row.runs;
    [row.low, row.high] = wilsonInterval(row.failures, row.runs);
  }
  return [...rows.values()];
}

export const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Where a failing run sits: `copy 3`, `pass 2`, or both. */
export function runLabel(run: FailedRun, passes: number): string {
  const parts = [...(passes > 1 ? [`pass ${run.pass}`] : []), ...(run.copy !== undefined ? [`copy ${run.copy}`] : [])];
  return parts.join(', ') || 'run';
}

/** The table printed at the end of a --loops or --repeat run. */
export function formatFlakeTable(rows: FlakeRow[], passes: number, copies: number): string[] {
  const shape = copies > 1 ? `${copies} copies${passes > 1 ? ` x ${passes} passes` : ''}` : `${passes} passes`;
  const lines = [`Flake table (${shape}):`];
  if (rows.length === 0) return [...lines, '  no test ran'];
  const counts = rows.map((r) => `${r.failures}/${r.runs}`);
  const width = Math.max('failed'.length, ...counts.map((c) => c.length));
  lines.push(`  ${'failed'.padEnd(width)}  ${'rate'.padStart(6)}  ${'95% interval'.padEnd(16)}  test`);
  rows.forEach((r, i) => {
    const interval = `[${percent(r.low)}, ${percent(r.high)}]`;
    lines.push(`  ${counts[i].padEnd(width)}  ${percent(r.rate).padStart(6)}  ${interval.padEnd(16)}  ${r.unit}: ${r.name}`);
    for (const run of r.failed) lines.push(`      ${runLabel(run, passes)}, seed ${run.seed}: ${run.rerun ?? ''}`);
  });
  return lines;
}
