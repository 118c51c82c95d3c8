import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import type { ServerInfo, WorkerCpu } from '../core/messages.ts';

// The package is CommonJS: under Node's ESM interop its builder may sit on `.default`.
const junit: Builder = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as Builder;

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'ignored' | 'exception';

/** One test's outcome in one pass of a run. */
export interface TestRecord {
  unit: string;
  name: string;
  status: TestStatus;
  ms: number;
  /** When the runner heard the outcome (epoch ms); the test started about `ms` before. */
  endedAt: number;
  seed: number;
  pass: number;
  /** --repeat: which copy of the unit (1-based). */
  copy?: number;
  message?: string;
  rerun?: string;
  servers?: ServerInfo[];
  artifacts?: string;
}

export interface RunMeta {
  seed: number;
  /** CPU seconds by kind (see cpuTotals in runner.ts). */
  cpu?: Record<string, number>;
  server: string;
  /** From the binary's --version: redis, valkey...; absent for an external server. */
  serverName?: string;
  serverVersion?: string;
  /** The program each tool ran as. */
  tools?: Record<string, string>;
  /** --other-server's binary, name and version. */
  otherServer?: { binary: string; name: string; version: string };
  startedAt: string;
  units: Array<{ unit: string; seconds: number; cpu?: WorkerCpu }>;
  passed: number;
  failed: number;
  skipped: number;
}

function ensureDir(file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

export function writeJsonReport(file: string, meta: RunMeta, tests: TestRecord[]): void {
  ensureDir(file);
  writeFileSync(file, JSON.stringify({ ...meta, tests }, null, 2) + '\n');
}

/** Unit durations (seconds) from an earlier --json report, for balancing shards. */
export function readDurations(file: string): Map<string, number> {
  let parsed: { units?: Array<{ unit: string; seconds: number }> };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--durations ${file}: not a readable --json report (${(err as Error).message})`);
  }
  const durations = new Map<string, number>();
  for (const { unit, seconds } of parsed.units ?? []) durations.set(unit, (durations.get(unit) ?? 0) + seconds);
  return durations;
}

/** Server log lines worth showing next to a failure: the last ones of each server. */
function logExcerpt(record: TestRecord, lines = 20): string {
  if (!record.artifacts || !record.servers) return '';
  const parts: string[] = [];
  for (const server of record.servers) {
    try {
      const log = readFileSync(path.join(record.artifacts, `server-${server.port}`, 'stdout.log'), 'utf8').trimEnd().split('\n');
      parts.push(`--- ${server.label} (pid ${server.pid}), last ${Math.min(lines, log.length)} log lines ---\n${log.slice(-lines).join('\n')}`);
    } catch {
      /* no log kept */
    }
  }
  return parts.join('\n');
}

/** One testcase per test, named by unit and test name; failures carry message, rerun command and log excerpt. */
export function writeJunitReport(file: string, tests: TestRecord[]): void {
  const builder = junit.newBuilder();
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const record of tests) {
    let suite = suites.get(record.unit);
    if (!suite) {
      suite = builder.testSuite().name(record.unit);
      suites.set(record.unit, suite);
    }
    const testCase = suite.testCase().className(record.unit).name(record.name).time(record.ms / 1000);
    if (record.status === 'failed' || record.status === 'exception') {
      const details = [record.message ?? '', record.rerun ? `rerun: ${record.rerun}` : '', record.artifacts ? `artifacts: ${record.artifacts}` : '', logExcerpt(record)]
        .filter(Boolean)
        .join('\n\n');
      if (record.status === 'failed') testCase.failure((record.message ?? '').split('\n')[0]);
      else testCase.error((record.message ?? '').split('\n')[0]);
      testCase.standardError(details);
    } else if (record.status === 'skipped' || record.status === 'ignored') {
      testCase.skipped();
    }
  }
  ensureDir(file);
  builder.writeTo(file);
}

/** TAP 14 on stdout in place of the Tcl lines. */
export class TapStream {
  private count = 0;

  constructor(private readonly out: (line: string) => void) {
    out('TAP version 14');
  }

  record(r: TestRecord): void {
    const title = `${r.unit}: ${r.name}`.replace(/#/g, '\\#');
    this.count++;
    if (r.status === 'passed') this.out(`ok ${this.count} - ${title} # time=${r.ms}ms`);
    else if (r.status === 'skipped' || r.status === 'ignored') this.out(`ok ${this.count} - ${title} # SKIP ${r.message ?? r.status}`);
    else {
      this.out(`not ok ${this.count} - ${title}`);
      this.out('  ---');
      this.out(`  message: ${JSON.stringify(r.message ?? '')}`);
      this.out(`  seed: ${r.seed}`);
      if (r.rerun) this.out(`  rerun: ${JSON.stringify(r.rerun)}`);
      if (r.artifacts) this.out(`  artifacts: ${JSON.stringify(r.artifacts)}`);
      this.out('  ...');
    }
  }

  comment(text: string): void {
    for (const line of text.split('\n')) this.out(`# ${line}`);
  }

  end(): void {
    this.out(`1..${this.count}`);
  }
}
