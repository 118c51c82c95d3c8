import { execa, type Options as ExecaOptions } from 'execa';
import { ctx, settings } from '../worker/context.ts';
import type { ServerHandle } from '../servers/handle.ts';
import type { ToolName, ToolPaths } from '../core/forks.ts';
import { toolTlsArgs } from '../servers/tls.ts';

export type { ToolName } from '../core/forks.ts';

/** The program a tool runs as: the server's own (valkey-cli beside valkey-server), as the runner chose it. */
export function toolPath(tool: ToolName, tools: ToolPaths = settings().tools): string {
  return tools[tool];
}

/**
 * Starts a tool with an argument array (never a shell): await it to run it to completion, or keep
 * it running in the background. It never throws on a non-zero exit. Tracked like a server: one
 * still running at the unit's end is killed, and a killed run's leftovers are found.
 */
export function runTool(tool: ToolName, args: string[], opts: ExecaOptions = {}) {
  const c = ctx();
  const proc = execa(toolPath(tool), args, { reject: false, stripFinalNewline: false, ...opts });
  const pid = proc.pid;
  if (pid) {
    c.run.track(pid, tool);
    void proc.finally(() => c.run.untrack(pid));
    c.deferCleanup(async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await proc;
    });
  }
  return proc;
}

/** In TLS mode, what redis-cli and redis-benchmark need to speak TLS with the run's client certificate. */
export function tlsArgs(): string[] {
  const s = settings();
  return s.tls ? toolTlsArgs(s.tlsDir) : [];
}

/** Tcl rediscli: arguments to reach a server over TCP (TLS in TLS mode). */
export function cliArgs(handle: Pick<ServerHandle, 'host' | 'port'>, opts: string[] = []): string[] {
  return ['-h', handle.host, '-p', String(handle.port), ...tlsArgs(), ...opts];
}

/** Tcl redisbenchmark: arguments to reach a server over TCP (TLS in TLS mode). */
export function benchmarkArgs(handle: Pick<ServerHandle, 'host' | 'port'>, opts: string[] = []): string[] {
  return ['-h', handle.host, '-p', String(handle.port), ...tlsArgs(), ...opts];
}

export function benchmarkUriArgs(handle: Pick<ServerHandle, 'host' | 'port'>, opts: string[] = [], user?: string, pass?: string): string[] {
  const auth = user !== undefined ? `${user}:${pass}@` : '';
  return ['-u', `redis://${auth}${handle.host}:${handle.port}`, ...tlsArgs(), ...opts];
}

/** A tool's output as text: Tcl pipes read bytes, so Buffers are read as latin1. */
export function outputText(data: unknown): string {
  if (Buffer.isBuffer(data)) return data.toString('latin1');
  if (data instanceof Uint8Array) return Buffer.from(data).toString('latin1');
  return String(data ?? '');
}

const chompNewline = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);

export interface ExitInfo {
  exitCode?: number;
  signal?: string;
}

/** How Tcl words an abnormal exit of a child; null for exit 0. */
export function abnormalExit(result: ExitInfo): string | null {
  if (result.signal) return `child killed: ${result.signal}`;
  if (result.exitCode !== 0) return 'child process exited abnormally';
  return null;
}

/**
 * Tcl `exec` of one command or a pipeline (results in pipe order): the last stdout without its
 * final newline; throws, like exec, when a child exited abnormally or anything was written to stderr.
 */
export function tclExec(results: Array<{ stdout?: unknown; stderr?: unknown } & ExitInfo>): string {
  const last = results[results.length - 1];
  const stdout = chompNewline(outputText(last.stdout));
  const stderr = chompNewline(results.map((r) => outputText(r.stderr)).join(''));
  const abnormal = results.map(abnormalExit).find((a) => a !== null) ?? null;
  if (!abnormal && stderr === '') return stdout;
  const parts = [stdout];
  if (abnormal && stderr === '') parts.push(abnormal);
  parts.push(stderr);
  throw new Error(parts.filter((p) => p !== '').join('\n'));
}

export interface OneShotResult extends ExitInfo {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as written. */
  all: string;
  timedOut: boolean;
}

/**
 * Tcl `exec src/redis-server ...`: runs the server binary once with these arguments (in a fresh
 * directory of the run, so nothing lands in the project) and resolves with its output and exit.
 * One that is still running after `timeoutMs` is killed. `tclExec([result])` words it as Tcl's
 * `catch {exec ...} err` does.
 */
export async function runServerOnce(args: string[], opts: { timeoutMs?: number } = {}): Promise<OneShotResult> {
  const c = ctx();
  const cwd = c.run.tmpdir('oneshot');
  const proc = execa(settings().binary, args, { reject: false, all: true, stdin: 'ignore', cwd, timeout: opts.timeoutMs ?? 10_000, killSignal: 'SIGKILL' });
  if (proc.pid) c.run.track(proc.pid, 'redis-server (one-shot)');
  const result = await proc;
  if (proc.pid) c.run.untrack(proc.pid);
  return {
    stdout: outputText(result.stdout),
    stderr: outputText(result.stderr),
    all: outputText(result.all),
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
  };
}
