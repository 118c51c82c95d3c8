import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { AssertionError } from '../core/values.ts';
import { NODE_ARGS, PROJECT_ROOT, RunDir, runnableFile } from '../core/processes.ts';
import { ctx } from '../worker/context.ts';

export type LoadGenerator = 'gen-write-load' | 'bg-complex-data' | 'bg-block-op';

/** Errors a generator may exit with when the server it writes to goes away: not its fault. */
const CONNECTION_LOST = /I\/O error|connection closed|Connection closed|ECONNRESET|ECONNREFUSED|EPIPE|LOADING|MASTERDOWN|READONLY/;

/** A load generator process from helpers/, seeded from the run, tracked, killed at the unit's end. */
export class LoadHandle {
  private stopped = false;
  /** Its stderr, kept for the reason of a failure. */
  private errors = '';
  /** Resolves once it has exited and its output is closed. */
  private readonly ended: Promise<{ exitCode: number | undefined }>;

  constructor(readonly name: LoadGenerator, readonly proc: ChildProcess, private readonly run: RunDir) {
    proc.stderr?.on('data', (chunk: Buffer) => {
      this.errors += chunk.toString();
    });
    // Plain spawn, not execa: a generator is started often, and only its exit and stderr matter.
    this.ended = new Promise((resolve) => {
      proc.once('close', (code) => resolve({ exitCode: code ?? undefined }));
      proc.once('error', (err) => {
        this.errors += err.message;
        resolve({ exitCode: undefined });
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  get stderr(): string {
    return this.errors;
  }

  /** SIGKILLs it (Tcl stop_*), then checks it did not fail on its own for another reason than a lost server. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exitedAlready = this.proc.exitCode !== null || this.proc.signalCode !== null;
    if (!exitedAlready) this.proc.kill('SIGKILL');
    const result = await this.ended;
    this.run.untrack(this.pid);
    if (exitedAlready && result.exitCode !== 0 && !CONNECTION_LOST.test(this.errors)) {
      throw new AssertionError(`load generator ${this.name} failed (exit ${result.exitCode}): ${this.errors.trim()}`);
    }
  }

  /** Waits for a generator that ends by itself (bg-complex-data after its ops, write load after its seconds). */
  async wait(): Promise<{ exitCode: number | undefined; stderr: string }> {
    const result = await this.ended;
    this.stopped = true;
    this.run.untrack(this.pid);
    return { exitCode: result.exitCode, stderr: this.errors };
  }
}

/** How long a generator may take to start and connect (a node start is slow on a loaded machine). */
const CONNECT_BUDGET_MS = 60_000;

/**
 * Starts a generator and resolves once it has connected (it prints `connected`), so that a test
 * sleeping to let data accumulate really has the load running, as with Tcl's near-instant start.
 */
export async function startLoadGenerator(name: LoadGenerator, args: Array<string | number>): Promise<LoadHandle> {
  const c = ctx();
  // Drawn from the unit's generator: the same run seed gives the generators the same seeds, whatever
  // else this worker process ran before.
  const seed = c.rng.nextUint32();
  const file = runnableFile(path.join(PROJECT_ROOT, 'helpers', `${name}.ts`));
  const tls = c.settings.tls ? ['--tls-dir', c.settings.tlsDir] : [];
  const proc = spawn(process.execPath, [...NODE_ARGS, file, ...args.map(String), '--seed', String(seed), '--run-dir', c.run.dir, ...tls], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = new LoadHandle(name, proc, c.run);
  if (handle.pid) c.run.track(handle.pid, `load generator ${name}`);
  c.deferCleanup(() => handle.stop().catch(() => undefined));
  await connected(handle);
  return handle;
}

function connected(handle: LoadHandle): Promise<void> {
  const { proc, name } = handle;
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`load generator ${name} did not connect within ${CONNECT_BUDGET_MS} ms`)), CONNECT_BUDGET_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('connected\n')) finish();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`load generator ${name} exited before connecting (${signal ?? `exit code ${code}`}): ${handle.stderr.trim() || 'no output on stderr'}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      proc.off('close', onExit);
      if (err) reject(err);
      else {
        // Nobody reads its stdout from now on: let it flow so the generator never blocks on a full pipe.
        proc.stdout?.off('data', onData);
        proc.stdout?.resume();
        resolve();
      }
    }
    proc.stdout?.on('data', onData);
    proc.once('close', onExit);
  });
}

/** Tcl start_write_load: SETs of random keys for `seconds` seconds. */
export function startWriteLoad(host: string, port: number, seconds: number): Promise<LoadHandle> {
  return startLoadGenerator('gen-write-load', [host, port, seconds]);
}

/** Tcl start_bg_complex_data: createComplexDataset with `ops` operations on `db`. */
export function startBgComplexData(host: string, port: number, db: number, ops: number): Promise<LoadHandle> {
  return startLoadGenerator('bg-complex-data', [host, port, db, ops]);
}

/** Tcl start_bg_block_op: a mix of pushes and blocking pops on a small key space. */
export function startBgBlockOp(host: string, port: number, db: number, ops: number): Promise<LoadHandle> {
  return startLoadGenerator('bg-block-op', [host, port, db, ops]);
}

export function stopLoad(handle: LoadHandle): Promise<void> {
  return handle.stop();
}
