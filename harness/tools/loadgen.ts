import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AssertionError } from '../core/values.ts';
import { NODE_ARGS, PROJECT_ROOT, RunDir, runnableFile } from '../core/processes.ts';
import { atWorkerExit, ctx } from '../worker/context.ts';

export type LoadGenerator = 'gen-write-load' | 'bg-complex-data' | 'bg-block-op';

/** Errors a generator may end with when the server it writes to goes away: not its fault. */
const CONNECTION_LOST = /I\/O error|connection closed|Connection closed|ECONNRESET|ECONNREFUSED|EPIPE|LOADING|MASTERDOWN|READONLY/;

/** How long a generator may take to start and connect (a node start is slow on a loaded machine). */
const CONNECT_BUDGET_MS = 60_000;

type HostEvent = { id: number; event: 'connected' | 'stopped' } | { id: number; event: 'ended'; error?: string };

/**
 * The worker's load generator host (helpers/load-host.ts): one process, started at the first
 * generator and kept for the worker's life, running each generator on its own connection.
 */
class LoadHost {
  private static current: LoadHost | null = null;
  private readonly listeners = new Map<number, (event: HostEvent) => void>();
  private nextId = 1;
  private exited: string | null = null;
  private errors = '';

  private constructor(private readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as HostEvent;
      this.listeners.get(event.id)?.(event);
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      this.errors = (this.errors + chunk.toString()).slice(-4000);
    });
    const gone = (why: string) => {
      if (LoadHost.current === this) LoadHost.current = null;
      this.exited = `load generator host ${why}${this.errors.trim() ? `: ${this.errors.trim()}` : ''}`;
      for (const [id, listener] of this.listeners) listener({ id, event: 'ended', error: this.exited });
    };
    proc.once('close', (code, signal) => gone(`exited (${signal ?? `exit code ${code}`})`));
    proc.once('error', (err) => gone(`failed to start: ${err.message}`));
  }

  /** The running host, started on first use with the run's TLS settings. */
  static get(run: RunDir, tlsDir: string | null): LoadHost {
    if (LoadHost.current) return LoadHost.current;
    const file = runnableFile(path.join(PROJECT_ROOT, 'helpers', 'load-host.ts'));
    const proc = spawn(process.execPath, [...NODE_ARGS, file, '--run-dir', run.dir, ...(tlsDir ? ['--tls-dir', tlsDir] : [])], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const host = new LoadHost(proc);
    if (proc.pid) run.track(proc.pid, 'load generator host');
    LoadHost.current = host;
    atWorkerExit(() => LoadHost.shutdown(run));
    return host;
  }

  /** Sends a command; `listener` hears the events of the generator it names. */
  command(cmd: Record<string, unknown> & { op: string }, listener?: (event: HostEvent) => void): number {
    const id = cmd.op === 'start' ? this.nextId++ : (cmd.id as number);
    if (listener) this.listeners.set(id, listener);
    if (this.exited) listener?.({ id, event: 'ended', error: this.exited });
    else this.proc.stdin!.write(JSON.stringify({ ...cmd, id }) + '\n');
    return id;
  }

  forget(id: number): void {
    this.listeners.delete(id);
  }

  /** Ends the host (its generators are stopped by then): closes its stdin and waits for it to exit. */
  static async shutdown(run: RunDir): Promise<void> {
    const host = LoadHost.current;
    if (!host) return;
    LoadHost.current = null;
    const { proc } = host;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
      proc.stdin!.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (proc.pid) run.untrack(proc.pid);
  }
}

/** A load generator (Tcl's helpers), seeded from the run, stopped at the unit's end at the latest. */
export class LoadHandle {
  private stopped = false;
  private ending: { error?: string } | null = null;
  private readonly ended: Promise<{ error?: string }>;
  private resolveEnded!: (result: { error?: string }) => void;
  private readonly id: number;
  readonly connected: Promise<void>;

  constructor(readonly name: LoadGenerator, private readonly host: LoadHost, start: Record<string, unknown>) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    let onConnected!: () => void;
    let onFailed!: (err: Error) => void;
    this.connected = new Promise((resolve, reject) => {
      onConnected = resolve;
      onFailed = reject;
    });
    this.id = host.command({ op: 'start', kind: name, ...start }, (event) => {
      if (event.event === 'connected') onConnected();
      else {
        if (event.event === 'ended') onFailed(new Error(`load generator ${name} ended before connecting: ${event.error ?? 'no error'}`));
        this.finish(event.event === 'ended' ? { error: event.error } : {});
      }
    });
  }

  private finish(result: { error?: string }): void {
    if (this.ending) return;
    this.ending = result;
    this.host.forget(this.id);
    this.resolveEnded(result);
  }

  /** Closes its connection at once (Tcl's kill -9), then checks it did not fail for another reason than a lost server. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.ending) this.host.command({ op: 'stop', id: this.id });
    const result = await this.ended;
    if (result.error && !CONNECTION_LOST.test(result.error)) {
      throw new AssertionError(`load generator ${this.name} failed: ${result.error}`);
    }
  }

  /** Waits for a generator that ends by itself (bg-complex-data after its ops, write load after its seconds). */
  async wait(): Promise<{ error?: string }> {
    const result = await this.ended;
    this.stopped = true;
    return result;
  }
}

/**
 * Starts a generator and resolves once it has connected, so that a test sleeping to let data
 * accumulate really has the load running, as with Tcl's near-instant start.
 */
export async function startLoadGenerator(name: LoadGenerator, host: string, port: number, db: number, args: Array<string | number>): Promise<LoadHandle> {
  const c = ctx();
  // Drawn from the unit's generator: the same run seed gives the generators the same seeds, whatever
  // else this worker process ran before.
  const seed = c.rng.nextUint32();
  const loadHost = LoadHost.get(c.run, c.settings.tls ? c.settings.tlsDir : null);
  const handle = new LoadHandle(name, loadHost, { host, port, db, args: args.map(String), seed });
  c.deferCleanup(() => handle.stop().catch(() => undefined));
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`load generator ${name} did not connect within ${CONNECT_BUDGET_MS} ms`)), CONNECT_BUDGET_MS);
  });
  try {
    await Promise.race([handle.connected, budget]);
  } finally {
    clearTimeout(timer);
  }
  return handle;
}

/** Tcl start_write_load: SETs of random keys for `seconds` seconds. */
export function startWriteLoad(host: string, port: number, seconds: number): Promise<LoadHandle> {
  return startLoadGenerator('gen-write-load', host, port, 9, [seconds]);
}

/** Tcl start_bg_complex_data: createComplexDataset with `ops` operations on `db`. */
export function startBgComplexData(host: string, port: number, db: number, ops: number): Promise<LoadHandle> {
  return startLoadGenerator('bg-complex-data', host, port, db, [ops]);
}

/** Tcl start_bg_block_op: a mix of pushes and blocking pops on a small key space. */
export function startBgBlockOp(host: string, port: number, db: number, ops: number): Promise<LoadHandle> {
  return startLoadGenerator('bg-block-op', host, port, db, [ops]);
}

export function stopLoad(handle: LoadHandle): Promise<void> {
  return handle.stop();
}
