import { toolsOnPath, type ToolPaths } from './forks.ts';

/** What a worker needs to know of the command line to run suites. */
export interface RunSettings {
  binary: string;
  /** --other-server: the binary needs:other-server blocks start ('' when not given). */
  otherBinary: string;
  /** The program for each tool, found by the server binary's prefix (runner/binary.ts resolveTools). */
  tools: ToolPaths;
  host: string;
  port: number;
  external: boolean;
  flushExternal: boolean;
  singledb: boolean;
  only: string[];
  skipTests: string[];
  allowTags: string[];
  denyTags: string[];
  largeMemory: boolean;
  /** --cluster-mode: cluster:skip tests are left out (and --singledb is implied). */
  clusterMode: boolean;
  /** --tls: every server, client and tool speaks TLS; tls:skip tests are left out. */
  tls: boolean;
  /** TLS mode: the certificate directory (made per run, or an external server's --tls-cert-dir). */
  tlsDir: string;
  /** Always false: runtest-ts has no valgrind mode (Tcl tests that check ::valgrind read it). */
  valgrind: boolean;
  /** --force-failure: unit/other's deliberately failing test runs. */
  forceFailure: boolean;
  durable: boolean;
  accurate: boolean;
  noLatency: boolean;
  dumpLogs: boolean;
  verbose: boolean;
  ignoreEncoding: boolean;
  ignoreDigest: boolean;
  globalOverrides: Array<[string, string]>;
  baseport: number;
  portcount: number;
  seed: number;
  runDir: string;
  workerIndex: number;
  workers: number;
  /** Per-test limit in seconds; 0 disables it. */
  testTimeout: number;
  /** Where failed tests' artifact folders go ('' means <run dir>/artifacts). */
  artifactsDir: string;
  /** Pause after each server starts until a line is read on stdin (to attach a debugger). */
  waitServer: boolean;
}

export function defaultSettings(partial: Partial<RunSettings> = {}): RunSettings {
  return {
    binary: 'redis-server',
    otherBinary: '',
    tools: toolsOnPath(),
    host: '127.0.0.1',
    port: 6379,
    external: false,
    flushExternal: false,
    singledb: false,
    only: [],
    skipTests: [],
    allowTags: [],
    denyTags: [],
    largeMemory: false,
    clusterMode: false,
    tls: false,
    tlsDir: '',
    valgrind: false,
    forceFailure: false,
    durable: false,
    accurate: false,
    noLatency: false,
    dumpLogs: false,
    verbose: false,
    ignoreEncoding: false,
    ignoreDigest: false,
    globalOverrides: [],
    baseport: 21111,
    portcount: 8000,
    seed: 1,
    runDir: '',
    workerIndex: 0,
    workers: 1,
    testTimeout: 0,
    artifactsDir: '',
    waitServer: false,
    ...partial,
  };
}
