import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildServerConfig, loadConfigTemplate, Overrides, portDirective, ServerConfig, writeConfigFile } from './config.ts';
import { clientTlsOptions } from './tls.ts';
import { PortAllocator } from './ports.ts';
import { sanitizerErrorsIn } from '../core/logs.ts';
import { serverTitle } from '../core/forks.ts';
import { encodeCommand } from '../client/resp.ts';
import { isAlive, pauseProcess, processState, resumeProcess, RunDir } from '../core/processes.ts';

export type ServerEventKind = 'spawn' | 'ready' | 'kill' | 'exit' | 'restart' | 'pause' | 'resume' | 'port-busy';
export interface ServerEvent {
  kind: ServerEventKind;
  pid: number;
  port: number;
  detail?: string;
}

export interface SpawnContext {
  binary: string;
  run: RunDir;
  ports: Pick<PortAllocator, 'take'>;
  host?: string;
  globalOverrides?: Array<[string, string]>;
  /** Written to the log before start so a log names the test that started the server. */
  currentTest?: () => string | undefined;
  onEvent?: (event: ServerEvent) => void;
  readyTimeoutMs?: number;
  /** Runs right after each spawn, before waiting for the server (--wait-server). */
  afterSpawn?: (pid: number) => Promise<void>;
  /** TLS mode: the run's certificate directory; servers then listen for TLS only. */
  tlsDir?: string;
}

export interface StartOptions {
  /** Template in fixtures/ (default.conf) or an absolute path. */
  config?: string;
  overrides?: Overrides;
  omit?: string[];
  /** Extra command-line arguments after the config file. */
  args?: string[];
  configLines?: Array<[string, string | number]>;
  /** false: return once the process logged its PID, without waiting for "Ready to accept" and PING. */
  waitReady?: boolean;
}

export class ServerStartError extends Error {
  /** `binary` names the server in the message: "Can't start the Valkey server" for valkey-server. */
  constructor(readonly configFile: string, readonly detail: string, binary: string) {
    const config = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '(config file missing)';
    super(`Can't start the ${serverTitle(binary)} server\nCONFIGURATION:\n${config}\nERROR:\n${detail.trim()}`);
    this.name = 'ServerStartError';
  }
}

const READY_LINE = 'Ready to accept';
const PORT_BUSY = /Failed listening on port|Address already in use|Could not create server TCP listening socket/;


/** The file's text from a byte offset on ('' when missing): the poll reads only what is new. */
function readTextFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return '';
      const buffer = Buffer.alloc(size - offset);
      readSync(fd, buffer, 0, buffer.length, offset);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Sends one command on a throwaway connection and resolves with the first bytes of the answer,
 * or null when none came (refused, closed, timed out). No client state: for probes only.
 */
function probe(host: string, port: number, args: string[], timeoutMs: number, tlsOptions?: ConnectionOptions): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = tlsOptions ? tls.connect({ ...tlsOptions, host, port }) : net.connect({ host, port });
    const finish = (answer: Buffer | null) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(null));
    socket.once('error', () => finish(null));
    socket.once('close', () => finish(null));
    socket.once('connect', () => socket.write(encodeCommand(args)));
    socket.once('data', (answer) => finish(answer));
  });
}

/** Answers true when a PING gets any status or error reply (LOADING counts as up, as in Tcl). */
export async function pingOnce(host: string, port: number, timeoutMs = 1000, tlsOptions?: ConnectionOptions): Promise<boolean> {
  const answer = await probe(host, port, ['PING'], timeoutMs, tlsOptions);
  return answer !== null && (answer[0] === 0x2b || answer[0] === 0x2d);
}

/** How restart() ends the old process: SIGTERM as Tcl's kill_server, or first SHUTDOWN with this flag. */
export type ShutdownMode = 'sigterm' | 'nosave' | 'save' | 'now' | 'force';

/** One redis-server process (and its later restarts) with its own dir, port, socket and logs. */
export class RedisServer {
  pid = 0;
  private exited: Promise<number | null> = Promise.resolve(null);
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;

  private constructor(
    readonly ctx: SpawnContext,
    readonly host: string,
    public port: number,
    readonly dir: string,
    readonly configFile: string,
    readonly config: ServerConfig,
    readonly configLines: Array<[string, string | number]>,
    readonly args: string[],
  ) {}

  get stdout(): string {
    return path.join(this.dir, 'stdout');
  }
  get stderr(): string {
    return path.join(this.dir, 'stderr');
  }
  get unixsocket(): string {
    return this.config.get('unixsocket') ?? path.join(this.dir, 'socket');
  }
  /** TLS mode: the node:tls options of a client of this server (the run's client certificate). */
  clientTls(): ConnectionOptions | undefined {
    return this.ctx.tlsDir ? clientTlsOptions(this.ctx.tlsDir) : undefined;
  }
  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } {
    return { code: this.exitCode, signal: this.exitSignal };
  }

  static async start(ctx: SpawnContext, opts: StartOptions = {}): Promise<RedisServer> {
    const dir = ctx.run.tmpdir('server');
    const port = await ctx.ports.take(ctx.host);
    const unixsocket = path.join(dir, 'socket');
    const config = buildServerConfig({
      template: loadConfigTemplate(opts.config ?? 'default.conf'),
      dir,
      port,
      unixsocket,
      globalOverrides: ctx.globalOverrides,
      overrides: opts.overrides,
      omit: opts.omit,
      tlsDir: ctx.tlsDir,
    });
    const configFile = ctx.run.tmpfile('redis.conf');
    const host = config.get('bind')?.split(' ')[0] || ctx.host || '127.0.0.1';
    // As in Tcl, logs go to the final `dir` (an override may point several servers at one dir).
    const dataDir = path.resolve(config.get('dir') ?? dir);
    mkdirSync(dataDir, { recursive: true });
    const server = new RedisServer(ctx, host, port, dataDir, configFile, config, opts.configLines ?? [], opts.args ?? []);
    writeConfigFile(configFile, config, server.configLines);
    const test = ctx.currentTest?.();
    if (test) appendFileSync(server.stdout, `### Starting server for test ${test}\n`);
    for (let attempt = 0; ; attempt++) {
      const outcome = await server.spawnAndWait(opts.waitReady ?? true);
      if (outcome === 'ready') return server;
      // Another process took the port between probe and bind: move to the next one.
      if (attempt >= 20) throw new ServerStartError(configFile, `port busy ${attempt + 1} times in a row:\n${readText(server.stdout)}`, ctx.binary);
      ctx.onEvent?.({ kind: 'port-busy', pid: server.pid, port: server.port });
      const next = await ctx.ports.take(ctx.host);
      server.port = next;
      server.config.set(portDirective(server.config), String(next));
      writeConfigFile(configFile, server.config, server.configLines);
      closeSync(openSync(server.stdout, 'w'));
    }
  }

  private launch(): void {
    const out = openSync(this.stdout, 'a');
    const err = openSync(this.stderr, 'a');
    const child = spawn(this.ctx.binary, [this.configFile, ...this.args], {
      stdio: ['ignore', out, err],
      env: { ...process.env, ASAN_OPTIONS: 'allocator_may_return_null=1' },
    });
    closeSync(out);
    closeSync(err);
    if (child.pid === undefined) throw new ServerStartError(this.configFile, `could not spawn ${this.ctx.binary}: check --server`, this.ctx.binary);
    this.pid = child.pid;
    this.exitCode = null;
    this.exitSignal = null;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.ctx.run.untrack(child.pid!);
        this.ctx.onEvent?.({ kind: 'exit', pid: child.pid!, port: this.port, detail: signal ?? `code ${code}` });
        resolve(code);
      });
      child.once('error', () => resolve(null));
    });
    this.ctx.run.track(this.pid, `redis-server port ${this.port}`);
    this.ctx.onEvent?.({ kind: 'spawn', pid: this.pid, port: this.port });
  }

  private async spawnAndWait(waitReady: boolean): Promise<'ready' | 'port-busy'> {
    // Only what this process logs counts: the log may hold earlier runs (restart, shared dir).
    const logOffset = existsSync(this.stdout) ? statSync(this.stdout).size : 0;
    this.launch();
    await this.ctx.afterSpawn?.(this.pid);
    const deadline = Date.now() + (this.ctx.readyTimeoutMs ?? 120_000);
    const spawned = (text: string) => text.includes(` PID: ${this.pid}`) || text.includes('Server initialized');
    let delay = 1;
    while (true) {
      const fresh = readTextFrom(this.stdout, logOffset);
      if (PORT_BUSY.test(fresh)) {
        await this.waitExit(2000);
        if (this.isAlive()) await this.kill('SIGKILL');
        return 'port-busy';
      }
      if (!this.isAlive()) {
        // Without waitReady a server that logged its start counts as started even if it exited
        // since (as Tcl's wait_server_started): the test looks at why, e.g. a failed AOF load.
        if (!waitReady && spawned(readTextFrom(this.stdout, logOffset))) return 'ready';
        throw new ServerStartError(this.configFile, `${readText(this.stdout)}\n${readText(this.stderr)}`, this.ctx.binary);
      }
      const started = waitReady ? fresh.includes(READY_LINE) : spawned(fresh);
      if (started && (!waitReady || (await pingOnce(this.host, this.port, 1000, this.clientTls())))) {
        if (waitReady) this.ctx.onEvent?.({ kind: 'ready', pid: this.pid, port: this.port });
        return 'ready';
      }
      if (Date.now() > deadline) {
        await this.kill('SIGKILL');
        throw new ServerStartError(this.configFile, `not ready after ${this.ctx.readyTimeoutMs ?? 120_000} ms:\n${readText(this.stdout)}`, this.ctx.binary);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 4); // a server is ready ~10 ms after spawn: look often
    }
  }

  isAlive(): boolean {
    return this.pid > 0 && this.exitCode === null && this.exitSignal === null && isAlive(this.pid);
  }

  /** Resolves true once the process has exited, false when it is still running after timeoutMs. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    if (!this.isAlive()) {
      await this.exited;
      return true;
    }
    const abort = new AbortController();
    const timer = sleep(timeoutMs, false, { signal: abort.signal }).catch(() => false);
    try {
      return await Promise.race([this.exited.then(() => true), timer]);
    } finally {
      abort.abort(); // no timer left behind to hold the process up
    }
  }

  /** Sends a signal; with wait, resolves once the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', opts: { wait?: boolean } = {}): Promise<void> {
    if (!this.isAlive()) return;
    this.ctx.onEvent?.({ kind: 'kill', pid: this.pid, port: this.port, detail: signal });
    try {
      process.kill(this.pid, signal);
    } catch {
      return;
    }
    if (opts.wait ?? true) {
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') return;
      await this.exited;
    }
  }

  /**
   * Ends the server. graceful: SIGTERM as Tcl's kill_server does (the server saves and shuts down
   * cleanly), escalating to SIGSEGV then SIGKILL. Otherwise SHUTDOWN NOSAVE NOW FORCE, then SIGKILL.
   */
  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    if (!this.isAlive()) return;
    if (processState(this.pid) === 'T') process.kill(this.pid, 'SIGCONT');
    if (!opts.graceful) {
      if (await this.shutdownCommand(['SHUTDOWN', 'NOSAVE', 'NOW', 'FORCE'], 1000)) return;
      await this.kill('SIGKILL');
      return;
    }
    process.kill(this.pid, 'SIGTERM');
    this.ctx.onEvent?.({ kind: 'kill', pid: this.pid, port: this.port, detail: 'SIGTERM' });
    if (await this.waitExit(10_000)) return;
    try {
      process.kill(this.pid, 'SIGSEGV');
    } catch {
      /* gone */
    }
    if (await this.waitExit(10_000)) return;
    await this.kill('SIGKILL');
  }

  /**
   * SIGTERM, then however long the server takes to save and exit, as Tcl's restart_server waits:
   * no SIGSEGV after 10 s as stop() does, since the restart needs that save (a 100 MB dump takes
   * longer on a loaded machine). The per-test timeout bounds a server that never exits.
   */
  private async terminate(): Promise<void> {
    if (!this.isAlive()) return;
    if (processState(this.pid) === 'T') process.kill(this.pid, 'SIGCONT');
    process.kill(this.pid, 'SIGTERM');
    this.ctx.onEvent?.({ kind: 'kill', pid: this.pid, port: this.port, detail: 'SIGTERM' });
    await this.exited;
  }

  private async shutdownCommand(args: string[], timeoutMs: number): Promise<boolean> {
    await probe(this.host, this.port, args, timeoutMs, this.clientTls()); // a successful SHUTDOWN answers by closing
    return this.waitExit(timeoutMs);
  }

  /** Restarts with the same port, dir and config (Tcl restart_server). */
  async restart(opts: { waitReady?: boolean; rotateLogs?: boolean; shutdown?: ShutdownMode } = {}): Promise<void> {
    const shutdown = opts.shutdown ?? 'sigterm';
    if (shutdown !== 'sigterm' && this.isAlive()) await this.shutdownCommand(['SHUTDOWN', shutdown.toUpperCase()], 10_000);
    await this.terminate();
    if (opts.rotateLogs) {
      const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(2, 14);
      for (const file of [this.stdout, this.stderr]) if (existsSync(file)) renameSync(file, `${file}.${stamp}.${this.pid}`);
    }
    const test = this.ctx.currentTest?.();
    if (test) appendFileSync(this.stdout, `### Restarting server for test ${test}\n`);
    this.ctx.onEvent?.({ kind: 'restart', pid: this.pid, port: this.port });
    const outcome = await this.spawnAndWait(opts.waitReady ?? true);
    if (outcome === 'port-busy') throw new ServerStartError(this.configFile, `port ${this.port} was taken while restarting`, this.ctx.binary);
  }

  /** SIGSTOP, confirmed by the process state in /proc. */
  async pause(): Promise<void> {
    await pauseProcess(this.pid);
    this.ctx.onEvent?.({ kind: 'pause', pid: this.pid, port: this.port });
  }

  async resume(): Promise<void> {
    await resumeProcess(this.pid);
    this.ctx.onEvent?.({ kind: 'resume', pid: this.pid, port: this.port });
  }

  /** The last bytes of the log (cheap on big logs). */
  logTail(bytes = 16384): string {
    const size = existsSync(this.stdout) ? statSync(this.stdout).size : 0;
    return readTextFrom(this.stdout, Math.max(0, size - bytes));
  }

  log(): string {
    return readText(this.stdout);
  }

  logLineCount(): number {
    const text = this.log();
    if (text === '') return 0;
    return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  }

  /** Lines from the first crash marker on: the bug report (REDIS, VALKEY... BUG REPORT START) or a warning-level line. */
  crashReport(): string {
    const result: string[] = [];
    let capturing = false;
    for (const line of this.log().split('\n')) {
      if (line.includes(' BUG REPORT START') || /^\d+:[A-Z] .* # .*(ASSERTION FAILED|crashed by signal|Guru Meditation)/.test(line)) capturing = true;
      if (capturing) result.push(line);
    }
    return result.join('\n').trim();
  }

  sanitizerErrors(): string {
    return sanitizerErrorsIn(readText(this.stderr));
  }
}
