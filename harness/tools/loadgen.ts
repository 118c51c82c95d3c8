import { execa, type ResultPromise } from 'execa';
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

  constructor(readonly name: LoadGenerator, readonly proc: ResultPromise, private readonly run: RunDir) {}

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** SIGKILLs it (Tcl stop_*), then checks it did not fail on its own for another reason than a lost server. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exitedAlready = this.proc.exitCode !== null;
    if (!exitedAlready) this.proc.kill('SIGKILL');
    const result = await this.proc;
    this.run.untrack(this.pid);
    if (exitedAlready && result.exitCode !== 0 && !CONNECTION_LOST.test(String(result.stderr))) {
      throw new AssertionError(`load generator ${this.name} failed (exit ${result.exitCode}): ${String(result.stderr).trim()}`);
    }
  }

  /** Waits for a generator that ends by itself (bg-complex-data after its ops, write load after its seconds). */
  async wait(): Promise<{ exitCode: number | undefined; stderr: string }> {
    const result = await this.proc;
    this.stopped = true;
    this.run.untrack(this.pid);
    return { exitCode: result.exitCode, stderr: String(result.stderr) };
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
  const proc = execa(process.execPath, [...NODE_ARGS, file, ...args.map(String), '--seed', String(seed), '--run-dir', c.run.dir, ...tls], {
    reject: false,
    cwd: PROJECT_ROOT,
    stdin: 'ignore',
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
    let errors = '';
    const timer = setTimeout(() => finish(new Error(`load generator ${name} did not connect within ${CONNECT_BUDGET_MS} ms`)), CONNECT_BUDGET_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('connected\n')) finish();
    };
    const onStderr = (chunk: Buffer) => {
      errors += chunk.toString();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`load generator ${name} exited before connecting (${signal ?? `exit code ${code}`}): ${errors.trim() || 'no output on stderr'}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      proc.stderr?.off('data', onStderr);
      proc.off('close', onExit);
      if (err) reject(err);
      else resolve();
    }
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onStderr);
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
