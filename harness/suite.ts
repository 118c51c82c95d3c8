import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AssertionError, tclString } from './assert.ts';
import { globMatch } from './glob.ts';
import { matchesPatternList, tagsAcceptable, TagPolicy } from './filters.ts';
import { configGet, connectClient, ServerHandle } from './instance.ts';
import { waitForBgrewriteaof } from './wait.ts';
import { PortAllocator } from './ports.ts';
import { RunDir } from './procs.ts';
import { deriveSeed, Rng } from './rng.ts';
import { serverLabel, slug, writeFailureArtifacts } from './artifacts.ts';
import type { TimelineEvent } from './timeline.ts';
import { START_SERVER_FAILURE, type ServerInfo, type WorkerEvent } from './protocol.ts';
import { RedisServer, ServerStartError, StartOptions } from './server.ts';
import type { RunSettings } from './settings.ts';
import { overrideEntries, type Overrides } from './config.ts';

export interface SuiteOptions {
  /** Top-level blocks share no state, so the runner may run them on different workers. */
  independentBlocks?: boolean;
}

export interface SuiteDefinition {
  options: SuiteOptions;
  body: () => Promise<void>;
}

/** A suite file's default export. */
export function suite(body: () => Promise<void>): SuiteDefinition;
export function suite(options: SuiteOptions, body: () => Promise<void>): SuiteDefinition;
export function suite(a: SuiteOptions | (() => Promise<void>), b?: () => Promise<void>): SuiteDefinition {
  return typeof a === 'function' ? { options: {}, body: a } : { options: a, body: b! };
}

export interface ServerBlockOptions extends Omit<StartOptions, 'overrides'> {
  overrides?: Overrides;
  tags?: string[];
  keepPersistence?: boolean;
}

export interface TestOptions {
  tags?: string[];
  /** The test passes when its return value equals or glob-matches this (Tcl's okpattern). */
  okPattern?: string;
}

/** Everything one unit (or one of its blocks) runs with. One per worker at a time. */
export class UnitContext {
  readonly rng: Rng;
  tags: string[] = [];
  servers: ServerHandle[] = [];
  /** `<name> in <file>`, as written into server logs. */
  currentTest: string | undefined;
  currentTestName: string | undefined;
  failed = 0;
  private topBlocks = 0;
  private inTestDepth = 0;
  private looseServers = new Set<ServerHandle>();
  private cleanups: Array<() => Promise<void> | void> = [];
  readonly timeline: TimelineEvent[] = [];
  private failures = 0;
  private externalChecked = false;

  constructor(
    readonly settings: RunSettings,
    readonly unit: string,
    readonly run: RunDir,
    readonly ports: PortAllocator,
    readonly emit: (event: WorkerEvent) => void,
    /** Run only this top-level block (null: all). */
    readonly onlyBlock: number | null = null,
  ) {
    this.rng = new Rng(deriveSeed(settings.seed, unit));
  }

  get file(): string {
    return `suites/${this.unit}.ts`;
  }

  get blockCount(): number {
    return this.topBlocks;
  }

  tagPolicy(): TagPolicy {
    const s = this.settings;
    return { allowTags: s.allowTags, denyTags: s.denyTags, external: s.external, singledb: s.singledb, largeMemory: s.largeMemory };
  }

  /**
   * Called on entering a block at top level. Reseeds per block so a block draws the same values
   * whether its unit runs whole or split across workers; false when another worker runs it.
   */
  enterTopLevel(): boolean {
    if (this.servers.length > 0 || this.inTestDepth > 0) return true;
    const index = this.topBlocks++;
    this.rng.reseed(deriveSeed(this.settings.seed, this.unit, index));
    return this.onlyBlock === null || this.onlyBlock === index;
  }

  /** A harness event for the failure timeline (server lifecycle, tests, link faults). */
  recordEvent(source: string, text: string): void {
    this.timeline.push({ at: Date.now(), source, text });
  }

  /** The servers of the test in progress; their roles come from their logs, read only when asked (failures). */
  serverInfos(withRoles: boolean): ServerInfo[] {
    return this.servers
      .filter((h) => h.server)
      .map((h, i, all) => ({ label: serverLabel(h, i, all.length, withRoles), port: h.port, pid: h.server!.pid, dir: h.server!.dir }));
  }

  /** The folder of a failed test's artifacts, written now; undefined in external mode. */
  keepArtifacts(test: string, reason: string): string | undefined {
    if (this.settings.external || this.servers.every((h) => !h.server)) return undefined;
    const root = this.settings.artifactsDir || path.join(this.run.dir, 'artifacts');
    const folder = path.join(root, slug(this.unit), `${slug(test)}.${process.pid}.${++this.failures}`);
    try {
      return writeFailureArtifacts(folder, this.servers, this.timeline, `${test} in ${this.file} (seed ${this.settings.seed}): ${reason.split('\n')[0]}`);
    } catch (err) {
      this.emit({ type: 'info', unit: this.unit, text: `could not write artifacts to ${folder}: ${(err as Error).message}` });
      return undefined;
    }
  }

  spawnContext() {
    return {
      binary: this.settings.binary,
      run: this.run,
      ports: this.ports,
      host: this.settings.host,
      globalOverrides: this.settings.globalOverrides,
      currentTest: () => this.currentTest,
      afterSpawn: this.settings.waitServer ? waitForEnter : undefined,
      onEvent: (e: { kind: string; pid: number; port: number; detail?: string }) => {
        this.recordEvent(`:${e.port}`, `${e.kind} pid ${e.pid}${e.detail ? ` (${e.detail})` : ''}`);
        if (e.kind === 'spawn') this.emit({ type: 'server-spawned', unit: this.unit, pid: e.pid, port: e.port });
        if (e.kind === 'exit') this.emit({ type: 'server-killed', unit: this.unit, pid: e.pid });
      },
    };
  }

  /** Start a server outside a block (Tcl start_server without code); it is stopped at the unit's end at the latest. */
  async spawnLoose(opts: ServerBlockOptions): Promise<ServerHandle> {
    const waitReady = opts.waitReady ?? true;
    const server = await RedisServer.start(this.spawnContext(), { ...opts, waitReady });
    const handle = await ServerHandle.open(server, this.settings.singledb, waitReady);
    this.looseServers.add(handle);
    return handle;
  }

  forgetLoose(handle: ServerHandle): void {
    this.looseServers.delete(handle);
  }

  /** Runs at the unit's end at the latest (load generators, proxies...). */
  deferCleanup(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  async stopAll(): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) await Promise.resolve().then(fn).catch(() => undefined);
    for (const handle of [...this.servers, ...this.looseServers]) await handle.stop().catch(() => undefined);
    this.servers = [];
    this.looseServers.clear();
  }

  async checkExternalServer(client: { call: (...a: Array<string | number>) => Promise<unknown> }): Promise<void> {
    if (this.externalChecked) return;
    this.externalChecked = true;
    if (this.settings.flushExternal) return;
    const keyspace = String(await client.call('info', 'keyspace'));
    const keys = [...keyspace.matchAll(/keys=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    if (keys > 0) {
      throw new ExternalServerNotEmpty(
        `the server at ${this.settings.host}:${this.settings.port} holds ${keys} key(s); the suites flush it: pass --flush-external to allow that`,
      );
    }
  }

  /** A split unit's skipped top-level tags are reported once, by the worker running block 0. */
  reportsTopLevelSkips(): boolean {
    return this.onlyBlock === null || this.onlyBlock === 0 || this.servers.length > 0;
  }

  inTest<T>(fn: () => Promise<T>): Promise<T> {
    this.inTestDepth++;
    return fn().finally(() => this.inTestDepth--);
  }
}

/** Tcl --wait-server: the server is up, the developer attaches a debugger, then presses enter. */
function waitForEnter(pid: number): Promise<void> {
  process.stdout.write(`server started PID: ${pid}. press any key to continue...\n`);
  return new Promise((resolve) => {
    const onData = () => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', onData);
    process.stdin.resume();
  });
}

/** Fatal for the whole run: nothing may touch a server that holds a user's data. */
export class ExternalServerNotEmpty extends Error {
  override name = 'ExternalServerNotEmpty';
}


let current: UnitContext | null = null;

export function setContext(ctx: UnitContext | null): void {
  current = ctx;
}

export function ctx(): UnitContext {
  if (!current) throw new Error('harness call outside a running suite: call it from a suite body');
  return current;
}

function pushTags(c: UnitContext, tags: string[] | undefined): number {
  const clean = (tags ?? []).flatMap((t) => t.replaceAll('"', '').split(/\s+/)).filter(Boolean);
  c.tags.push(...clean);
  return clean.length;
}

function popTags(c: UnitContext, n: number): void {
  c.tags.splice(c.tags.length - n, n);
}

/** Tcl `tags {...} { code }`. */
export async function tags(tagList: string[], body: () => Promise<void>): Promise<void> {
  const c = ctx();
  const n = pushTags(c, tagList);
  try {
    const verdict = tagsAcceptable(c.tags, c.tagPolicy());
    if (!verdict.ok) {
      if (c.reportsTopLevelSkips()) c.emit({ type: 'ignore', unit: c.unit, text: verdict.reason });
      return;
    }
    await body();
  } finally {
    popTags(c, n);
  }
}

/**
 * Tcl start_server with a code block: starts a server with its own dir, port and socket, runs the
 * body with its handle (outer servers stay reachable through srv(-1)...), then stops it.
 */
export async function startServer(options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const c = ctx();
  if (!c.enterTopLevel()) return;
  const n = pushTags(c, options.tags);
  try {
    const verdict = tagsAcceptable(c.tags, c.tagPolicy());
    if (!verdict.ok) {
      c.emit({ type: 'ignore', unit: c.unit, text: verdict.reason });
      return;
    }
    if (c.settings.external) return await runExternal(c, options, body);
    await runSpawned(c, options, body);
  } finally {
    popTags(c, n);
  }
}

async function runSpawned(c: UnitContext, options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  let server: RedisServer;
  try {
    server = await RedisServer.start(c.spawnContext(), { ...options, waitReady: true });
  } catch (err) {
    if (!(err instanceof ServerStartError)) throw err;
    c.failed++;
    c.emit({ type: 'err', unit: c.unit, name: c.currentTestName ?? START_SERVER_FAILURE, message: err.message, file: c.file, ms: 0 });
    return;
  }
  let handle: ServerHandle;
  try {
    handle = await ServerHandle.open(server, c.settings.singledb);
  } catch (err) {
    await server.stop();
    throw err;
  }
  c.servers.push(handle);
  const failedBefore = c.failed;
  try {
    await body(handle);
  } catch (err) {
    c.servers.pop();
    await handle.stop();
    reportServerTrouble(c, handle, c.settings.dumpLogs && err instanceof AssertionError);
    if (!(err instanceof AssertionError) && c.settings.durable) {
      c.failed++;
      c.emit({ type: 'err', unit: c.unit, name: c.currentTestName ?? '(block)', message: errorText(err), file: c.file, ms: 0 });
      return;
    }
    throw err;
  }
  c.servers.pop();
  await handle.stop({ graceful: options.keepPersistence ?? false });
  if (c.settings.dumpLogs && c.failed !== failedBefore) reportServerTrouble(c, handle, true);
  else reportSanitizerErrors(c, handle);
  if (!options.keepPersistence) cleanPersistence(handle);
}

function reportServerTrouble(c: UnitContext, handle: ServerHandle, dumpLog: boolean): void {
  const server = handle.server;
  if (!server) return;
  if (dumpLog) {
    c.emit({ type: 'info', unit: c.unit, text: `\n===== Start of server log (pid ${server.pid}) =====\n\n${server.log()}===== End of server log (pid ${server.pid}) =====\n` });
    return;
  }
  const crash = server.crashReport();
  if (crash) c.emit({ type: 'info', unit: c.unit, text: `\nLogged crash report (pid ${server.pid}):\n${crash}\n` });
  reportSanitizerErrors(c, handle);
}

/** Checked at every stop, as Tcl's kill_server does; crash reports only when a block failed. */
function reportSanitizerErrors(c: UnitContext, handle: ServerHandle): void {
  const server = handle.server;
  const sanitizer = server?.sanitizerErrors();
  if (server && sanitizer) c.emit({ type: 'info', unit: c.unit, text: `\nLogged sanitizer errors (pid ${server.pid}):\n${sanitizer}\n` });
}

function cleanPersistence(handle: ServerHandle): void {
  const server = handle.server!;
  const dir = server.config.get('dir') ?? server.dir;
  const aofDir = server.config.get('appenddirname') ?? 'appendonlydir';
  for (const target of [path.join(dir, 'dump.rdb'), path.join(dir, aofDir)]) rmSync(target, { recursive: true, force: true });
}

async function runExternal(c: UnitContext, options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const { host, port, singledb } = c.settings;
  const client = await connectClient({ host, port }, singledb);
  const handle = new ServerHandle(null, client, host, port, singledb);
  c.servers.push(handle);
  const saved: Array<[string, string]> = [];
  try {
    await c.checkExternalServer(client);
    await client.call('flushall');
    await client.call('function', 'flush');
    for (const [param, value] of overrideEntries(options.overrides)) {
      saved.push([param, await configGet(client, param)]);
      await client.call('config', 'set', param, value);
      // A BG* command right after would fail while the rewrite that appendonly starts runs.
      if (param === 'appendonly' && value === 'yes') await waitForBgrewriteaof(handle);
    }
    await body(handle);
  } finally {
    for (const [param, value] of saved) await client.call('config', 'set', param, value).catch(() => undefined);
    c.servers.pop();
    handle.closeClients();
  }
}


export function errorText(err: unknown): string {
  if (err instanceof Error) return err instanceof AssertionError ? err.message : `${err.message}\n${err.stack ?? ''}`;
  return String(err);
}

/** Tcl `test name code ?okpattern? ?tags?`. */
export async function test(name: string, body: () => unknown, options: TestOptions = {}): Promise<void> {
  const c = ctx();
  if (!c.enterTopLevel()) return;
  const s = c.settings;
  if (matchesPatternList(name, s.skipTests)) {
    c.emit({ type: 'skip', unit: c.unit, name });
    return;
  }
  if (s.only.length > 0 && !matchesPatternList(name, s.only)) {
    c.emit({ type: 'skip', unit: c.unit, name });
    return;
  }
  const verdict = tagsAcceptable([...c.tags, ...(options.tags ?? [])], c.tagPolicy());
  if (!verdict.ok) {
    c.emit({ type: 'ignore', unit: c.unit, text: `${name}: ${verdict.reason}` });
    return;
  }
  const previous = c.currentTest;
  const previousName = c.currentTestName;
  c.currentTest = `${name} in ${c.file}`;
  c.currentTestName = name;
  markServers(c, `### Starting test ${c.currentTest}`);
  c.recordEvent('harness', `test start: ${name}`);
  c.emit({ type: 'testing', unit: c.unit, name });
  const started = Date.now();
  const failed = (message: string) => {
    c.failed++;
    c.recordEvent('harness', `test failed: ${name}`);
    const artifacts = c.keepArtifacts(name, message);
    const text = artifacts ? `${message}\nArtifacts: ${artifacts}` : message;
    c.emit({ type: 'err', unit: c.unit, name, message: text, file: c.file, ms: Date.now() - started, servers: c.serverInfos(true), artifacts });
  };
  try {
    const result = await c.inTest(() => withTestTimeout(s.testTimeout, name, async () => body()));
    const pattern = options.okPattern;
    if (pattern === undefined || pattern === tclString(result) || globMatch(pattern, tclString(result))) {
      c.recordEvent('harness', `test ok: ${name}`);
      c.emit({ type: 'ok', unit: c.unit, name, ms: Date.now() - started, servers: c.serverInfos(false) });
    } else {
      failed(`Expected '${pattern}' to equal or match '${tclString(result)}'`);
    }
  } catch (err) {
    if (err instanceof TestTimeout) {
      failed(err.message);
      // The test's code may still be running: its servers die now and the unit ends here.
      for (const handle of c.servers) await handle.server?.kill('SIGKILL');
      throw err;
    }
    if (err instanceof AssertionError || s.durable) failed(errorText(err));
    // Not an assertion: like Tcl, it ends the unit (reported as an exception by the worker).
    else throw err;
  } finally {
    c.currentTest = previous;
    c.currentTestName = previousName;
  }
}

/** A test that overran --test-timeout: reported failed, then its unit is abandoned. */
export class TestTimeout extends Error {
  override name = 'TestTimeout';
}

async function withTestTimeout<T>(seconds: number, name: string, body: () => Promise<T>): Promise<T> {
  if (!seconds) return body();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TestTimeout(`Test timed out after ${seconds} seconds (--test-timeout): ${name}`)), seconds * 1000);
  });
  try {
    return await Promise.race([body(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function markServers(c: UnitContext, line: string): void {
  for (const handle of c.servers) {
    if (handle.server) {
      try {
        appendFileSync(handle.server.stdout, line + '\n');
      } catch {
        /* dir removed by the test */
      }
    } else {
      handle.client.call('debug', 'log', line).catch(() => undefined);
    }
  }
}

/** The server `level` steps out from the innermost (0, -1, -2 ...), as Tcl's srv. */
export function srv(level = 0): ServerHandle {
  const c = ctx();
  const handle = c.servers[c.servers.length - 1 + level];
  if (!handle) throw new Error(`no server at level ${level}: only ${c.servers.length} server(s) are running in this block`);
  return handle;
}

/** Tcl `r`: a command on the innermost server's default client. */
export function r(...args: Array<string | number | Buffer>) {
  return srv(0).call(...args);
}

/** Tcl start_server without a code block: returns a running server that the caller stops. */
export async function spawnServer(options: ServerBlockOptions = {}): Promise<ServerHandle> {
  return ctx().spawnLoose(options);
}

/** Stops a server from spawnServer (Tcl kill_server). */
export async function killServer(handle: ServerHandle): Promise<void> {
  ctx().forgetLoose(handle);
  await handle.stop({ graceful: true });
}

export function settings(): RunSettings {
  return ctx().settings;
}


/** Tcl `puts` from a test: a line in the run's output. */
export function puts(text: string): void {
  const c = ctx();
  c.emit({ type: 'info', unit: c.unit, text });
}

/** Tcl `if {$::verbose} { puts ... }`. */
export function verbose(text: string): void {
  if (settings().verbose) puts(text);
}
