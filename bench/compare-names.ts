// Compares, per unit, the passing test names ([ok] lines) of the Tcl harness with runtest-ts's, on
// the same server binary: the proof that a ported unit runs exactly Tcl's tests. Prints one line
// per unit (`equal`, or `DIFF` and the names with counts: `-` only in Tcl, `+` only in runtest-ts),
// then `units: K equal, D differ`. Exit 1 when any unit differs, 2 on a usage error.
//
// Tcl side: each unit runs alone (`--single U --clients 1`) in a private copy of --tcl-tree, since
// Tcl's start-up cleanup deletes other runs' directories; concurrent copies get their own
// --baseport. Logs are cached by unit, flags and the server's --version. --tcl-logs DIR reads
// logs of an earlier run instead (unit_type_list.log for unit/type/list).
// runtest-ts side: one run of all units with --json. Default units: Tcl's --list-tests (with
// --tcl-tree), else runtest-ts's --list-tests that have a log in --tcl-logs.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOL_NAMES } from '../harness/core/forks.ts';
import { resolveTools } from '../harness/runner/binary.ts';

const USAGE = 'usage: npx tsx bench/compare-names.ts (--tcl-tree DIR | --tcl-logs DIR) [--single U]... [--server PATH] [--tags T]... ' +
  '[--host H --port P] [--tls [--tls-cert-dir DIR]] [--clients N] [--ts-report FILE] [--tcl-jobs N] [--tcl-baseport N] [--tcl-cache DIR] [--reuse]';
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Units whose test names carry random numbers: compared as sets of names with digits masked. */
const RANDOM_NAME_UNITS = new Set(['integration/psync2', 'integration/psync2-reg']);
const TCL_PORT_STRIDE = 5000;

interface Options {
  tclTree?: string;
  tclLogs?: string;
  units: string[];
  server?: string;
  tags: string[];
  host?: string;
  port?: string;
  clients?: string;
  /** --tls: both harnesses run in TLS mode (the Tcl tree needs tests/tls: utils/gen-test-certs.sh). */
  tls: boolean;
  /** --tls-cert-dir, passed to runtest-ts (external TLS servers). */
  tlsCertDir?: string;
  /** --ts-report: the --json report of a runtest-ts run already made, instead of running one. */
  tsReport?: string;
  tclJobs: number;
  /** Job k's Tcl runs use ports from tclBaseport + 5000 * k. */
  tclBaseport: number;
  tclCache: string;
  reuse: boolean;
}

/** Name -> how many times it passed. */
type NameCounts = Map<string, number>;

/** A Tcl log without colour codes; `failure` says where a run that exited non-zero left its log. */
interface TclLog {
  text: string;
  failure?: string;
}

function usageError(message: string): never {
  console.error(`compare-names: ${message}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { units: [], tags: [], tls: false, tclJobs: 2, tclBaseport: 21111, tclCache: path.join(PROJECT_ROOT, 'tmp/tcl-names'), reuse: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usageError(`${flag} needs a value (${USAGE})`);
      return v;
    };
    switch (flag) {
      case '--tcl-tree': options.tclTree = path.resolve(value()); break;
      case '--tcl-logs': options.tclLogs = path.resolve(value()); break;
      case '--single': options.units.push(value()); break;
      case '--server': options.server = path.resolve(value()); break;
      case '--tags': options.tags.push(value()); break;
      case '--host': options.host = value(); break;
      case '--port': options.port = value(); break;
      case '--clients': options.clients = value(); break;
      case '--tls': options.tls = true; break;
      case '--tls-cert-dir': options.tlsCertDir = path.resolve(value()); break;
      case '--ts-report': options.tsReport = path.resolve(value()); break;
      case '--tcl-jobs': options.tclJobs = Number(value()); break;
      case '--tcl-baseport': options.tclBaseport = Number(value()); break;
      case '--tcl-cache': options.tclCache = path.resolve(value()); break;
      case '--reuse': options.reuse = true; break;
      case '--help': console.log(USAGE); process.exit(0);
      default: usageError(`unknown flag ${flag}: drop it (${USAGE})`);
    }
  }
  if (!options.tclTree && !options.tclLogs) usageError('no Tcl source: give --tcl-tree DIR (a Redis tree to run) or --tcl-logs DIR (logs of an earlier run)');
  if (options.tclTree && !existsSync(path.join(options.tclTree, 'runtest'))) usageError(`--tcl-tree ${options.tclTree} has no runtest: point it at a Redis source tree`);
  if (options.tls && options.tclTree && !existsSync(path.join(options.tclTree, 'tests/tls/ca.crt'))) {
    usageError(`--tls: ${options.tclTree} has no tests/tls certificates: run ./utils/gen-test-certs.sh inside it first`);
  }
  if (options.tclLogs && !existsSync(options.tclLogs)) usageError(`--tcl-logs ${options.tclLogs} does not exist: point it at a directory of unit_*.log files`);
  if (!Number.isInteger(options.tclJobs) || options.tclJobs < 1 || options.tclJobs > 8) usageError('--tcl-jobs must be a whole number from 1 to 8 (each job needs its own 5000-port range)');
  const lastPort = options.tclBaseport + TCL_PORT_STRIDE * (options.tclJobs - 1) + 4000;
  if (!Number.isInteger(options.tclBaseport) || options.tclBaseport < 1100 || lastPort > 65535) {
    usageError(`--tcl-baseport ${options.tclBaseport} with --tcl-jobs ${options.tclJobs} leaves 1100..65535: lower one of them`);
  }
  if ((options.host === undefined) !== (options.port === undefined)) usageError('--host and --port go together: give both for external mode, or neither');
  if (options.server && !existsSync(options.server)) usageError(`--server ${options.server} does not exist: give the path of a server binary`);
  return options;
}

const slug = (unit: string): string => unit.replaceAll('/', '_');
const stripAnsi = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Names of the [ok] lines of a Tcl log: `[ok]: <name> (<ms> ms)`. */
function tclPassedNames(log: string): NameCounts {
  const names: NameCounts = new Map();
  for (const line of stripAnsi(log).split(/\r?\n/)) {
    const match = /^\[ok\]: (.*) \(\d+ ms\)$/.exec(line);
    if (match) names.set(match[1], (names.get(match[1]) ?? 0) + 1);
  }
  return names;
}

/** Per-unit passed names from a runtest-ts --json report. */
function tsPassedNames(reportFile: string): Map<string, NameCounts> {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { tests: Array<{ unit: string; name: string; status: string }> };
  const byUnit = new Map<string, NameCounts>();
  for (const { unit, name, status } of report.tests) {
    if (status !== 'passed') continue;
    const names = byUnit.get(unit) ?? new Map<string, number>();
    names.set(name, (names.get(name) ?? 0) + 1);
    byUnit.set(unit, names);
  }
  return byUnit;
}

/** The flags that change which Tcl tests run: part of the cache key and of the command line. */
function tclSelectionFlags(options: Options): string[] {
  const flags = options.tags.flatMap((tag) => ['--tags', tag]);
  if (options.host !== undefined) flags.push('--host', options.host, '--port', options.port!);
  if (options.tls) flags.push('--tls');
  return flags;
}

/** The copy's src/ links the server, and the tools runtest-ts would use with it (resolveTools:
 *  valkey-cli beside valkey-server...). Links point at the path as given, never its realpath:
 *  Debian's redis-server is a link to redis-check-rdb, which picks its role from the name it was
 *  started by. */
function linkServer(copy: string, server: string): void {
  rmSync(path.join(copy, 'src/redis-server'), { force: true });
  symlinkSync(server, path.join(copy, 'src/redis-server'));
  const { tools } = resolveTools(server);
  for (const tool of TOOL_NAMES) {
    if (!path.isAbsolute(tools[tool])) continue;
    rmSync(path.join(copy, `src/${tool}`), { force: true });
    symlinkSync(tools[tool], path.join(copy, `src/${tool}`));
  }
}

/** Tcl process groups running now, killed on Ctrl-C with the servers they started. */
const runningTcl = new Set<number>();
process.on('SIGINT', () => {
  for (const pid of runningTcl) try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  process.exit(130);
});

/** Runs one unit alone in a private copy of the Tcl tree; returns its exit code and its log. */
async function runTclUnit(options: Options, unit: string, slot: number, scratch: string): Promise<{ exitCode: number; text: string }> {
  const copy = path.join(scratch, `tcl-run-${slug(unit)}`);
  cpSync(options.tclTree!, copy, { recursive: true, verbatimSymlinks: true });
  try {
    if (options.server) linkServer(copy, options.server);
    const baseport = options.tclBaseport + TCL_PORT_STRIDE * slot;
    const args = ['--single', unit, '--clients', '1', '--baseport', String(baseport), '--portcount', '4000', ...tclSelectionFlags(options)];
    const started = Date.now();
    const child = execa('./runtest', args, { cwd: copy, stdin: 'ignore', all: true, reject: false, detached: true });
    runningTcl.add(child.pid!);
    const result = await child;
    runningTcl.delete(child.pid!);
    console.error(`tcl ${unit}: exit ${result.exitCode} in ${Math.round((Date.now() - started) / 1000)} s`);
    return { exitCode: result.exitCode ?? 1, text: stripAnsi(result.all ?? '') };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Tcl logs for every unit: read from --tcl-logs, from the cache (--reuse), or run. Only runs
 *  that exited 0 are cached; a failed one's log is kept beside the cache as <name>.failed.log. */
async function tclLogs(options: Options, units: string[]): Promise<Map<string, TclLog | undefined>> {
  const logs = new Map<string, TclLog | undefined>();
  if (options.tclLogs) {
    for (const unit of units) {
      const file = path.join(options.tclLogs, `${slug(unit)}.log`);
      logs.set(unit, existsSync(file) ? { text: readFileSync(file, 'utf8') } : undefined);
    }
    return logs;
  }
  const server = options.server ?? path.join(options.tclTree!, 'src/redis-server');
  const version = (await execa(server, ['--version'])).stdout.trim();
  mkdirSync(options.tclCache, { recursive: true });
  const cacheFile = (unit: string): string => {
    const key = createHash('sha1').update(JSON.stringify([unit, tclSelectionFlags(options), version])).digest('hex').slice(0, 12);
    return path.join(options.tclCache, `${slug(unit)}.${key}.log`);
  };
  const queue = units.filter((unit) => !(options.reuse && existsSync(cacheFile(unit))));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'compare-names-'));
  try {
    const worker = async (slot: number): Promise<void> => {
      for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
        const { exitCode, text } = await runTclUnit(options, unit, slot, scratch);
        if (exitCode === 0) {
          writeFileSync(cacheFile(unit), text);
          logs.set(unit, { text });
        } else {
          const failure = cacheFile(unit).replace(/\.log$/, '.failed.log');
          writeFileSync(failure, text);
          logs.set(unit, { text, failure: `Tcl exited ${exitCode}, log ${failure}` });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.tclJobs, queue.length) }, (_, slot) => worker(slot)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const unit of units) if (!logs.has(unit)) logs.set(unit, { text: readFileSync(cacheFile(unit), 'utf8') });
  return logs;
}

/** One runtest-ts run of every unit; returns per-unit passed names. */
async function runTs(options: Options, units: string[]): Promise<Map<string, NameCounts>> {
  mkdirSync(options.tclCache, { recursive: true });
  const reportFile = path.join(options.tclCache, 'ts-report.json');
  const logFile = path.join(options.tclCache, 'ts-run.log');
  rmSync(reportFile, { force: true });
  const args = [...units.flatMap((unit) => ['--single', unit]), '--json', reportFile, ...tclSelectionFlags(options)];
  const server = options.server ?? (options.tclTree && !options.tclLogs ? path.join(options.tclTree, 'src/redis-server') : undefined);
  if (server) args.push('--server', server);
  if (options.clients) args.push('--clients', options.clients);
  if (options.tlsCertDir) args.push('--tls-cert-dir', options.tlsCertDir);
  const started = Date.now();
  const result = await execa('./runtest', args, { cwd: PROJECT_ROOT, stdin: 'ignore', all: true, reject: false, env: { NO_COLOR: '1' } });
  writeFileSync(logFile, result.all ?? '');
  console.error(`runtest-ts: exit ${result.exitCode} in ${Math.round((Date.now() - started) / 1000)} s (log: ${logFile})`);
  if (!existsSync(reportFile)) {
    console.error(`compare-names: runtest-ts wrote no JSON report; its output ends:\n${(result.all ?? '').split('\n').slice(-5).join('\n')}`);
    process.exit(2);
  }
  return tsPassedNames(reportFile);
}

/** Digit runs masked and counts dropped: for units whose names carry random numbers. */
function maskedSet(names: NameCounts): NameCounts {
  return new Map([...names.keys()].map((name) => [name.replace(/\d+/g, '#'), 1]));
}

/** Difference lines: `- n name` only in Tcl (or more often), `+ n name` only in runtest-ts. */
function differences(tcl: NameCounts, ts: NameCounts): string[] {
  const lines: string[] = [];
  for (const name of new Set([...tcl.keys(), ...ts.keys()])) {
    const delta = (tcl.get(name) ?? 0) - (ts.get(name) ?? 0);
    if (delta > 0) lines.push(`    - ${delta} ${name}`);
    if (delta < 0) lines.push(`    + ${-delta} ${name}`);
  }
  return lines;
}

const total = (names: NameCounts): number => [...names.values()].reduce((sum, n) => sum + n, 0);

async function defaultUnits(options: Options): Promise<string[]> {
  if (options.tclTree && !options.tclLogs) {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'compare-names-list-'));
    try {
      cpSync(options.tclTree, path.join(scratch, 'tree'), { recursive: true, verbatimSymlinks: true });
      return (await execa('./runtest', ['--list-tests'], { cwd: path.join(scratch, 'tree'), stdin: 'ignore' })).stdout.split('\n').filter(Boolean);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const listed = (await execa('./runtest', ['--list-tests'], { cwd: PROJECT_ROOT, stdin: 'ignore' })).stdout.split('\n').filter(Boolean);
  return listed.filter((unit) => existsSync(path.join(options.tclLogs!, `${slug(unit)}.log`)));
}

const options = parseArgs(process.argv.slice(2));
const units = options.units.length > 0 ? options.units : await defaultUnits(options);
const logs = await tclLogs(options, units);
// Read after the Tcl runs: the report may be written by a run going on beside them.
if (options.tsReport && !existsSync(options.tsReport)) usageError(`--ts-report ${options.tsReport} does not exist: give a file written by ./runtest --json`);
const tsByUnit = options.tsReport ? tsPassedNames(options.tsReport) : await runTs(options, units);

let equal = 0;
let differ = 0;
for (const unit of units) {
  const log = logs.get(unit);
  const tsNames = tsByUnit.get(unit) ?? new Map<string, number>();
  if (log === undefined) {
    console.log(`${unit}  no Tcl log (${path.join(options.tclLogs ?? '', `${slug(unit)}.log`)})  DIFF`);
    differ++;
    continue;
  }
  const tclNames = tclPassedNames(log.text);
  const masked = RANDOM_NAME_UNITS.has(unit);
  const diff = masked ? differences(maskedSet(tclNames), maskedSet(tsNames)) : differences(tclNames, tsNames);
  const verdict = diff.length === 0 ? 'equal' : 'DIFF';
  console.log(`${unit}  tcl ${total(tclNames)}  ts ${total(tsNames)}  ${verdict}${masked ? ' (as sets, digits masked)' : ''}${log.failure ? `  (${log.failure})` : ''}`);
  for (const line of diff) console.log(line);
  if (diff.length === 0) equal++;
  else differ++;
}
console.log(`units: ${equal} equal, ${differ} differ`);
process.exit(differ > 0 ? 1 : 0);
