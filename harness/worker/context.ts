import path from 'node:path';
import { AssertionError } from '../core/values.ts';
import type { TagPolicy } from '../core/filters.ts';
import { ServerHandle } from '../servers/handle.ts';
import { PortAllocator } from '../servers/ports.ts';
import { RunDir } from '../core/processes.ts';
import { deriveSeed, Rng } from '../core/rng.ts';
import { serverLabel, slug, writeFailureArtifacts } from './artifacts.ts';
import type { TimelineEvent } from './timeline.ts';
import type { ServerInfo, WorkerEvent } from '../core/messages.ts';
import { RedisServer, type StartOptions } from '../servers/server.ts';
import type { RunSettings } from '../core/settings.ts';
import type { Overrides } from '../servers/config.ts';

export interface SuiteOptions {
  /** Top-level blocks share no state, so the runner may run them on different workers. */
  independentBlocks?: boolean;
}

export interface SuiteDefinition {
  options: SuiteOptions;
  body: () => Promise<void>;
}


export interface ServerBlockOptions extends Omit<StartOptions, 'overrides'> {
  overrides?: Overrides;
  tags?: string[];
  keepPersistence?: boolean;
  /** Start it from --other-server's binary (the block gets the needs:other-server tag). */
  otherServer?: boolean;
  /**
   * A top-level block known to run long: a unit split across workers hands it out before its
   * other blocks, so that it starts early instead of becoming the run's tail.
   */
  long?: boolean;
}


/** Failure folders this worker process wrote: numbered per process, so loops and copies of a unit never share one. */
let artifactFolders = 0;

/** Solo blocks draw from their own seeds, apart from the top-level blocks' (0, 1, 2 ...). */
const SOLO_SEED_OFFSET = 1_000_000;

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
  /** The top-level blocks met so far that declared themselves long. */
  readonly longBlocks: number[] = [];
  private inTestDepth = 0;
  private looseServers = new Set<ServerHandle>();
  private cleanups: Array<() => Promise<void> | void> = [];
  readonly timeline: TimelineEvent[] = [];
  /** External mode: the server's configuration when the unit began, restored at its end. */
  externalConfig: Map<string, string> | undefined;

  constructor(
    readonly settings: RunSettings,
    readonly unit: string,
    readonly run: RunDir,
    readonly ports: PortAllocator,
    readonly emit: (event: WorkerEvent) => void,
    /** Run only this top-level block (null: all; -1: none, as when counting or running a solo block). */
    readonly onlyBlock: number | null = null,
    /** Run only this run_solo block (by its order in the unit); undefined: none of them. */
    readonly onlySolo?: number,
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
    return {
      allowTags: s.allowTags, denyTags: s.denyTags, external: s.external, singledb: s.singledb, largeMemory: s.largeMemory, clusterMode: s.clusterMode, tls: s.tls,
      otherServer: s.otherBinary !== '',
    };
  }

  /**
   * Called on entering a block at top level. Reseeds per block so a block draws the same values
   * whether its unit runs whole or split across workers; false when another worker runs it.
   */
  enterTopLevel(long = false): boolean {
    if (this.servers.length > 0 || this.inTestDepth > 0 || this.inSoloBody) return true;
    const index = this.topBlocks++;
    if (long) this.longBlocks.push(index);
    this.rng.reseed(deriveSeed(this.settings.seed, this.unit, index));
    return this.onlyBlock === null || this.onlyBlock === index;
  }

  /** A harness event for the failure timeline (server lifecycle, tests, link faults). */
  recordEvent(source: string, text: string, kind?: string): void {
    this.timeline.push({ at: Date.now(), source, text, kind });
  }

  /** The servers of the test in progress; their roles come from their logs, read only when asked (failures). */
  serverInfos(withRoles: boolean): ServerInfo[] {
    return this.servers
      .filter((h) => h.server)
      .map((h, i, all) => ({ label: serverLabel(h, i, all.length, withRoles), port: h.port, pid: h.server!.pid, dir: h.server!.dir }));
  }

  /** The folder of a failed test's artifacts, written now; undefined in external mode. */
  keepArtifacts(test: string, reason: string, startedAt = Date.now(), files?: Record<string, string>): string | undefined {
    if (this.settings.external || this.servers.every((h) => !h.server)) return undefined;
    const root = this.settings.artifactsDir || path.join(this.run.dir, 'artifacts');
    const folder = path.join(root, slug(this.unit), `${slug(test)}.${process.pid}.${++artifactFolders}`);
    try {
      const failed = { name: test, file: this.file, seed: this.settings.seed, message: reason, startedAt };
      return writeFailureArtifacts(folder, this.servers, this.timeline, `${test} in ${this.file} (seed ${this.settings.seed}): ${reason.split('\n')[0]}`, failed, files);
    } catch (err) {
      this.emit({ type: 'info', unit: this.unit, text: `could not write artifacts to ${folder}: ${(err as Error).message}` });
      return undefined;
    }
  }

  /** How this unit spawns a server: from --server's binary, or with otherServer from --other-server's. */
  spawnContext(otherServer = false) {
    return {
      binary: otherServer ? this.otherBinary() : this.settings.binary,
      run: this.run,
      ports: this.ports,
      host: this.settings.host,
      globalOverrides: this.settings.globalOverrides,
      currentTest: () => this.currentTest,
      afterSpawn: this.settings.waitServer ? waitForEnter : undefined,
      tlsDir: this.settings.tls ? this.settings.tlsDir : undefined,
      onEvent: (e: { kind: string; pid: number; port: number; detail?: string }) => {
        this.recordEvent(`:${e.port}`, `${e.kind} pid ${e.pid}${e.detail ? ` (${e.detail})` : ''}`, e.kind);
        if (e.kind === 'spawn') this.emit({ type: 'server-spawned', unit: this.unit, pid: e.pid, port: e.port });
        if (e.kind === 'exit') this.emit({ type: 'server-killed', unit: this.unit, pid: e.pid });
      },
    };
  }

  private otherBinary(): string {
    if (!this.settings.otherBinary) throw new Error('otherServer: true needs --other-server PATH: tag the block needs:other-server so it is left out without it');
    return this.settings.otherBinary;
  }

  /** Start a server outside a block (Tcl start_server without code); it is stopped at the unit's end at the latest. */
  async spawnLoose(opts: ServerBlockOptions): Promise<ServerHandle> {
    const waitReady = opts.waitReady ?? true;
    const server = await RedisServer.start(this.spawnContext(opts.otherServer), { ...opts, waitReady });
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
    this.run.sampleCpu();
    for (const fn of this.cleanups.splice(0).reverse()) await Promise.resolve().then(fn).catch(() => undefined);
    for (const handle of [...this.servers, ...this.looseServers]) await handle.stop().catch(() => undefined);
    this.servers = [];
    this.looseServers.clear();
  }

  private soloBlocks = 0;
  /** Inside the run_solo block this worker runs: its blocks and tests all run. */
  inSoloBody = false;

  /**
   * Called at a run_solo block: true when this worker runs it now. Otherwise it is reported to
   * the runner once (by the worker that runs the whole unit or its block 0) to run alone later.
   */
  enterSolo(name: string): boolean {
    const index = this.soloBlocks++;
    // As Tcl: with one worker, or against an external server, a solo block just runs in place.
    const inPlace = this.onlySolo === undefined && (this.settings.workers === 1 || this.settings.external);
    if (inPlace || this.onlySolo === index) {
      this.rng.reseed(deriveSeed(this.settings.seed, this.unit, SOLO_SEED_OFFSET + index));
      return true;
    }
    if (this.onlySolo === undefined && (this.onlyBlock === null || this.onlyBlock === 0)) this.emit({ type: 'solo', unit: this.unit, index, name });
    return false;
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

export function errorText(err: unknown): string {
  if (err instanceof Error) return err instanceof AssertionError ? err.message : `${err.message}\n${err.stack ?? ''}`;
  return String(err);
}

/** A test that overran --test-timeout: reported failed, then its unit is abandoned. */
export class TestTimeout extends Error {
  override name = 'TestTimeout';
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


/** What the worker process keeps from one unit to the next (a load generator host), ended as the worker exits. */
const atExit = new Set<() => Promise<void>>();

export function atWorkerExit(end: () => Promise<void>): void {
  atExit.add(end);
}

export async function endWorkerResources(): Promise<void> {
  for (const end of atExit) await end();
  atExit.clear();
}
