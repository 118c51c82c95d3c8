// The command line: the Tcl runner's flags (same names, same meaning) plus
// runtest-ts's own. Parsing is pure apart from reading the --skipfile file.

import { readFileSync } from 'node:fs';
import { parseTagsArg, patternError } from '../core/filters.ts';

/** A command-line mistake; `message` is one line naming the problem and the fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Shard {
  /** 1-based: this machine runs shard `index` of `total`. */
  index: number;
  total: number;
}

export interface Options {
  // Unit and test selection
  single: string[];
  skipUnits: string[];
  skipTill: string | undefined;
  listTests: boolean;
  only: string[];
  skipTests: string[];
  allowTags: string[];
  denyTags: string[];
  // Run shape
  clients: number | undefined; // undefined: the runner picks
  timeout: number; // seconds without progress before giving up
  testTimeout: number | undefined; // seconds per test
  loop: boolean;
  loops: number | undefined;
  untilFail: boolean;
  /** --repeat N: copies of the selected units run at once (1: none). */
  repeat: number;
  shard: Shard | undefined;
  seed: number | undefined;
  // What the tests do
  accurate: boolean;
  noLatency: boolean;
  largeMemory: boolean;
  forceFailure: boolean;
  ignoreEncoding: boolean;
  ignoreDigest: boolean;
  // Servers
  server: string | undefined;
  /** The second binary needs:other-server blocks start (integration/cross-version). */
  otherServer: string | undefined;
  globalOverrides: [directive: string, value: string][];
  host: string;
  external: boolean; // set by --host
  flushExternal: boolean;
  port: number;
  baseport: number;
  portcount: number;
  singledb: boolean;
  clusterMode: boolean;
  tls: boolean;
  /** --tls-cert-dir: certificates to use instead of making them (an external TLS server's). */
  tlsCertDir: string | undefined;
  waitServer: boolean;
  // Failures and cleanup
  durable: boolean;
  stopOnFailure: boolean;
  fastfail: boolean;
  dumpLogs: boolean;
  dontClean: boolean;
  dontPreClean: boolean;
  // Output
  verbose: boolean;
  quiet: boolean;
  junit: string | undefined;
  tap: boolean;
  json: string | undefined;
  html: string | undefined;
  /** --github: GitHub Actions annotations for failed tests (also on with GITHUB_ACTIONS=true). */
  github: boolean;
  artifacts: string | undefined;
  durations: string | undefined;
  help: boolean;
  /** Tcl flags given that runtest-ts does not implement (e.g. `--tls`). */
  unsupported: string[];
}

export function defaultOptions(): Options {
  return {
    single: [],
    skipUnits: [],
    skipTill: undefined,
    listTests: false,
    only: [],
    skipTests: [],
    allowTags: [],
    denyTags: [],
    clients: undefined,
    timeout: 1200,
    testTimeout: undefined,
    loop: false,
    loops: undefined,
    untilFail: false,
    repeat: 1,
    shard: undefined,
    seed: undefined,
    accurate: false,
    noLatency: false,
    largeMemory: false,
    forceFailure: false,
    ignoreEncoding: false,
    ignoreDigest: false,
    server: undefined,
    otherServer: undefined,
    globalOverrides: [],
    host: '127.0.0.1',
    external: false,
    flushExternal: false,
    port: 6379,
    baseport: 21111,
    portcount: 8000,
    singledb: false,
    clusterMode: false,
    tls: false,
    tlsCertDir: undefined,
    waitServer: false,
    durable: false,
    stopOnFailure: false,
    fastfail: false,
    dumpLogs: false,
    dontClean: false,
    dontPreClean: false,
    verbose: false,
    quiet: false,
    junit: undefined,
    tap: false,
    json: undefined,
    html: undefined,
    github: false,
    artifacts: undefined,
    durations: undefined,
    help: false,
    unsupported: [],
  };
}

/** The tag rules for this run, for `tagsAcceptable`. */

// ---------------------------------------------------------------------------
// Value checks

function positiveInteger(flag: string, value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && Number.isSafeInteger(n))) throw new UsageError(`${flag} needs a positive integer, got '${value}'`);
  return n;
}

function portNumber(flag: string, value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new UsageError(`${flag} needs a port number from 1 to 65535, got '${value}'`);
  return n;
}

function seconds(flag: string, value: string): number {
  const n = /^(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && Number.isFinite(n))) throw new UsageError(`${flag} needs a number of seconds greater than 0, got '${value}'`);
  return n;
}

function seed(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 0xffffffff)) {
    throw new UsageError(`--seed needs an unsigned 32-bit integer (0 to 4294967295), got '${value}'`);
  }
  return n;
}

function shard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!(index >= 1 && index <= total && Number.isSafeInteger(total))) {
    throw new UsageError(`--shard needs K/N with 1 <= K <= N (e.g. --shard 2/4), got '${value}'`);
  }
  return { index, total };
}

function testPatterns(flag: string, patterns: string[], where = ''): string[] {
  for (const pattern of patterns) {
    const problem = patternError(pattern);
    if (problem !== undefined) {
      throw new UsageError(`${flag}${where}: '${pattern}' is not a valid regular expression (${problem})`);
    }
  }
  return patterns;
}

function tags(value: string): { allow: string[]; deny: string[] } {
  try {
    return parseTagsArg(value);
  } catch (err) {
    throw new UsageError(`--tags needs a list of tags such as "repl -slow", got '${value}' (${(err as Error).message})`);
  }
}

function skipFileLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code ?? (err as Error).message;
    throw new UsageError(`--skipfile cannot read '${file}': ${why}`);
  }
  // Tcl reads text files with any line ending; empty lines mean nothing.
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, n) => testPatterns('--skipfile', [line], ` '${file}' line ${n + 1}`));
  return lines.filter((line) => line.length > 0);
}

// ---------------------------------------------------------------------------
// The flags

interface Flag {
  name: string;
  /** Placeholders for the values the flag takes, as shown in help and errors. */
  args: string[];
  /** The last value may be the empty string (`--tags ""`, `--config save ""`). */
  lastMayBeEmpty?: boolean;
  help: string;
  apply(o: Options, values: string[]): void;
}

const unsupported = (o: Options, name: string) => {
  if (!o.unsupported.includes(name)) o.unsupported.push(name);
};

const TCL_FLAGS: Flag[] = [
  { name: '--single', args: ['<unit>'], help: 'Run only this unit, e.g. integration/replication. Repeatable.', apply: (o, [v]) => o.single.push(v) },
  { name: '--skipunit', args: ['<unit>'], help: 'Do not run this unit. Repeatable.', apply: (o, [v]) => o.skipUnits.push(v) },
  { name: '--skip-till', args: ['<unit>'], help: 'Skip every unit up to and including this one.', apply: (o, [v]) => { o.skipTill = v; } },
  { name: '--list-tests', args: [], help: 'Print the names of all units and exit.', apply: (o) => { o.listTests = true; } },
  {
    name: '--only', args: ['<test>'],
    help: "Run only the test with this name, or the tests matching a regexp when <test> starts with '/'. Repeatable.",
    apply: (o, [v]) => o.only.push(...testPatterns('--only', [v])),
  },
  {
    name: '--skiptest', args: ['<test>'],
    help: "Skip the test with this name, or the tests matching a regexp when <test> starts with '/'. Repeatable.",
    apply: (o, [v]) => o.skipTests.push(...testPatterns('--skiptest', [v])),
  },
  {
    name: '--skipfile', args: ['<file>'],
    help: "Skip the tests named in this file, one name or '/'-regexp per line. Repeatable.",
    apply: (o, [v]) => o.skipTests.push(...skipFileLines(v)),
  },
  {
    name: '--tags', args: ['<tags>'], lastMayBeEmpty: true,
    help: "Run only tests having one of the tags; a '-' prefix excludes a tag instead (\"repl -slow\"). Repeatable.",
    apply: (o, [v]) => {
      const { allow, deny } = tags(v);
      o.allowTags.push(...allow);
      o.denyTags.push(...deny);
    },
  },
  { name: '--clients', args: ['<num>'], help: 'How many units run in parallel (default: based on the CPU count).', apply: (o, [v]) => { o.clients = positiveInteger('--clients', v); } },
  { name: '--timeout', args: ['<sec>'], help: 'Give up when no test finishes for this long (default 1200, 20 min).', apply: (o, [v]) => { o.timeout = seconds('--timeout', v); } },
  { name: '--accurate', args: [], help: 'Run the slow randomized tests for more iterations.', apply: (o) => { o.accurate = true; } },
  { name: '--no-latency', args: [], help: 'Skip the latency measurements and checks some tests make.', apply: (o) => { o.noLatency = true; } },
  { name: '--large-memory', args: [], help: 'Also run the tests that use over 100 MB.', apply: (o) => { o.largeMemory = true; } },
  { name: '--force-failure', args: [], help: 'Also run a test that always fails (checks the failure path).', apply: (o) => { o.forceFailure = true; } },
  { name: '--ignore-encoding', args: [], help: 'Do not check object encodings.', apply: (o) => { o.ignoreEncoding = true; } },
  { name: '--ignore-digest', args: [], help: 'Do not compare datasets with DEBUG DIGEST.', apply: (o) => { o.ignoreDigest = true; } },
  {
    name: '--config', args: ['<k>', '<v>'], lastMayBeEmpty: true,
    help: 'Add this directive to the config of every server started. Repeatable.',
    apply: (o, [k, v]) => o.globalOverrides.push([k, v]),
  },
  { name: '--host', args: ['<addr>'], help: 'Run against an already running server at this address (external mode).', apply: (o, [v]) => { o.host = v; o.external = true; } },
  { name: '--port', args: ['<port>'], help: 'Port of the external server (default 6379).', apply: (o, [v]) => { o.port = portNumber('--port', v); } },
  { name: '--baseport', args: ['<port>'], help: 'First port for the servers the harness starts (default 21111).', apply: (o, [v]) => { o.baseport = portNumber('--baseport', v); } },
  { name: '--portcount', args: ['<num>'], help: 'How many ports from --baseport on may be used (default 8000).', apply: (o, [v]) => { o.portcount = positiveInteger('--portcount', v); } },
  { name: '--singledb', args: [], help: 'Use database 0 only, never SELECT.', apply: (o) => { o.singledb = true; } },
  { name: '--cluster-mode', args: [], help: 'Run in a cluster-compatible way (implies --singledb).', apply: (o) => { o.clusterMode = true; o.singledb = true; } },
  { name: '--durable', args: [], help: 'Keep running the other tests when a unit crashes.', apply: (o) => { o.durable = true; } },
  { name: '--stop', args: [], help: 'Pause at the first failed test, servers kept up for inspection.', apply: (o) => { o.stopOnFailure = true; } },
  { name: '--fastfail', args: [], help: 'End the run at the first failed test.', apply: (o) => { o.fastfail = true; } },
  { name: '--loop', args: [], help: 'Run the selected units again and again, forever.', apply: (o) => { o.loop = true; } },
  { name: '--loops', args: ['<count>'], help: 'Run the selected units this many times.', apply: (o, [v]) => { o.loops = positiveInteger('--loops', v); } },
  { name: '--wait-server', args: [], help: 'Pause after each server starts, to attach a debugger.', apply: (o) => { o.waitServer = true; } },
  { name: '--dump-logs', args: [], help: 'Print the server logs of a failed test.', apply: (o) => { o.dumpLogs = true; } },
  { name: '--dont-clean', args: [], help: 'Keep the server directories and logs after the run.', apply: (o) => { o.dontClean = true; } },
  { name: '--dont-pre-clean', args: [], help: 'Keep what an earlier run left, instead of deleting it first.', apply: (o) => { o.dontPreClean = true; } },
  { name: '--verbose', args: [], help: 'Print more detail.', apply: (o) => { o.verbose = true; } },
  { name: '--quiet', args: [], help: 'Do not print each test as it passes.', apply: (o) => { o.quiet = true; } },
  { name: '--tls', args: [], help: 'Run in TLS mode: certificates made per run; every server, client and tool speaks TLS.', apply: (o) => { o.tls = true; } },
  {
    name: '--tls-module', args: [],
    help: 'TLS built as a module (refused: the servers under test have TLS compiled in; use --tls).',
    apply: () => { throw new UsageError('--tls-module: the server under test has TLS compiled in, not as a module: use --tls'); },
  },
  { name: '--valgrind', args: [], help: 'Run the servers under valgrind (not supported by runtest-ts).', apply: (o) => unsupported(o, '--valgrind') },
  { name: '--stack-logging', args: [], help: 'macOS malloc stack logging (not supported by runtest-ts).', apply: (o) => unsupported(o, '--stack-logging') },
  { name: '--help', args: [], help: 'Print this help and exit.', apply: (o) => { o.help = true; } },
];

const ADDED_FLAGS: Flag[] = [
  {
    name: '--server', args: ['<path>'],
    help: 'The server binary to test; its tools by its prefix (valkey-cli for valkey-server) beside it, then on PATH.',
    apply: (o, [v]) => { o.server = v; },
  },
  {
    name: '--other-server', args: ['<path>'],
    help: 'A second server binary: needs:other-server tests (integration/cross-version) run against both.',
    apply: (o, [v]) => { o.otherServer = v; },
  },
  { name: '--seed', args: ['<n>'], help: 'Seed for every random choice, to replay a run (0 to 4294967295).', apply: (o, [v]) => { o.seed = seed(v); } },
  { name: '--until-fail', args: [], help: 'Run the selected units again and again until a test fails.', apply: (o) => { o.untilFail = true; } },
  {
    name: '--repeat', args: ['<n>'],
    help: 'Run n copies of the selected units at once, each under its own seed; ends with a flake table.',
    apply: (o, [v]) => { o.repeat = positiveInteger('--repeat', v); },
  },
  { name: '--shard', args: ['<k>/<n>'], help: 'Run only the k-th of n equal shares of the units (for CI splits).', apply: (o, [v]) => { o.shard = shard(v); } },
  { name: '--test-timeout', args: ['<sec>'], help: 'Fail a single test that runs longer than this.', apply: (o, [v]) => { o.testTimeout = seconds('--test-timeout', v); } },
  {
    name: '--tls-cert-dir', args: ['<dir>'],
    help: 'With --tls: use the certificates in this directory (ca.crt, client.crt/key; for an external server).',
    apply: (o, [v]) => { o.tlsCertDir = v; },
  },
  { name: '--flush-external', args: [], help: 'With --host: FLUSHALL the external server before each unit.', apply: (o) => { o.flushExternal = true; } },
  { name: '--junit', args: ['<file>'], help: 'Also write the results as JUnit XML to this file.', apply: (o, [v]) => { o.junit = v; } },
  { name: '--json', args: ['<file>'], help: 'Also write the results as JSON to this file.', apply: (o, [v]) => { o.json = v; } },
  { name: '--tap', args: [], help: 'Print the results as TAP instead of the usual lines.', apply: (o) => { o.tap = true; } },
  { name: '--html', args: ['<dir>'], help: 'Also write an HTML report (failures with server timelines) into this directory.', apply: (o, [v]) => { o.html = v; } },
  { name: '--github', args: [], help: 'Print a GitHub Actions ::error annotation per failed test (on with GITHUB_ACTIONS=true).', apply: (o) => { o.github = true; } },
  { name: '--durations', args: ['<file>'], help: 'Write every test and unit duration to this file.', apply: (o, [v]) => { o.durations = v; } },
  { name: '--artifacts', args: ['<dir>'], help: 'Copy the logs and directories of failed tests into this directory.', apply: (o, [v]) => { o.artifacts = v; } },
];

const FLAGS = new Map<string, Flag>([...TCL_FLAGS, ...ADDED_FLAGS].map((flag) => [flag.name, flag]));

function usage(flag: Flag): string {
  return [flag.name, ...flag.args].join(' ');
}

// ---------------------------------------------------------------------------
// Parsing

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function closestFlag(arg: string): string | undefined {
  if (arg === '-h') return '--help';
  const candidate = arg.startsWith('--') ? arg : `-${arg}`;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of FLAGS.keys()) {
    const d = editDistance(candidate, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  // Close enough to be a typo: one edit, or two in a longer name.
  return bestDistance <= Math.max(1, Math.floor(candidate.length / 4)) ? best : undefined;
}

function wrongArgument(arg: string): UsageError {
  const eq = arg.indexOf('=');
  const flag = eq > 0 ? FLAGS.get(arg.slice(0, eq)) : undefined;
  if (flag !== undefined) {
    const fix = flag.args.length > 0 ? `give the value as a separate argument: ${usage(flag)}` : `${flag.name} takes no value`;
    return new UsageError(`Wrong argument: ${arg} (${fix})`);
  }
  if (!arg.startsWith('-')) {
    return new UsageError(`Wrong argument: ${arg} (to run one unit use --single ${arg}; see ./runtest --help)`);
  }
  const best = closestFlag(arg);
  const hint = best !== undefined ? `did you mean ${best}? ` : '';
  return new UsageError(`Wrong argument: ${arg} (${hint}see ./runtest --help)`);
}

/**
 * Reads the command line (without `node` and the script). Like Tcl, later
 * values of single-valued flags win and `--help` ends the parsing.
 * Throws `UsageError` on any mistake.
 */
export function parseArgs(argv: readonly string[]): Options {
  const o = defaultOptions();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = FLAGS.get(arg);
    if (flag === undefined) throw wrongArgument(arg);
    const values = argv.slice(i + 1, i + 1 + flag.args.length);
    flag.args.forEach((_, k) => {
      const v = values[k];
      const emptyOk = flag.lastMayBeEmpty === true && k === flag.args.length - 1;
      // A flag name where a value belongs means the value was forgotten.
      if (v === undefined || FLAGS.has(v) || (v === '' && !emptyOk)) {
        const what = flag.args.length === 1 ? 'a value' : 'two values';
        throw new UsageError(`${flag.name} needs ${what}: ${usage(flag)}`);
      }
    });
    i += flag.args.length;
    flag.apply(o, values);
    if (o.help) return o;
  }
  if (o.repeat > 1 && o.external) {
    throw new UsageError('--repeat runs copies side by side on servers the harness starts: drop --host, or --repeat');
  }
  if (o.tlsCertDir !== undefined && !o.tls) throw new UsageError('--tls-cert-dir only applies in TLS mode: add --tls');
  if (o.tls && o.external && o.tlsCertDir === undefined) {
    throw new UsageError('--tls against an external server needs its certificates: add --tls-cert-dir <dir> (with ca.crt, client.crt and client.key)');
  }
  if (o.flushExternal && !o.external) {
    throw new UsageError('--flush-external only applies to an external server: add --host <addr>');
  }
  return o;
}

// ---------------------------------------------------------------------------
// Help

export function helpText(): string {
  const all = [...TCL_FLAGS, ...ADDED_FLAGS];
  const width = Math.max(...all.map((flag) => usage(flag).length)) + 1;
  const line = (flag: Flag) => `${usage(flag).padEnd(width)}${flag.help}`;
  return [
    'Usage: ./runtest [options]',
    '',
    ...TCL_FLAGS.map(line),
    '',
    'Added by runtest-ts:',
    ...ADDED_FLAGS.map(line),
    '',
  ].join('\n');
}
