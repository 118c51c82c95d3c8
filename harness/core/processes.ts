import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Running the compiled copy of the tree (scripts/build.mjs writes it to <root>/.build). */
export const COMPILED = path.basename(CODE_ROOT) === '.build';
export const PROJECT_ROOT = COMPILED ? path.dirname(CODE_ROOT) : CODE_ROOT;

/** The file that runs for a source file of the tree: itself, or its compiled twin in .build/. */
export function runnableFile(tsFile: string): string {
  if (!COMPILED) return tsFile;
  const rel = path.relative(PROJECT_ROOT, tsFile);
  if (rel.startsWith('..')) throw new Error(`${tsFile} is outside the project, so it was not compiled: run it from inside ${PROJECT_ROOT}`);
  return path.join(CODE_ROOT, rel).replace(/\.ts$/, '.js');
}

/**
 * How node starts a TypeScript file of the tree (workers, load generators): plain when compiled,
 * through tsx otherwise. RUNTEST_NODE_ARGS adds flags to them, e.g. '--cpu-prof --cpu-prof-dir=DIR'
 * to profile them (node refuses --cpu-prof in NODE_OPTIONS).
 */
export const NODE_ARGS: readonly string[] = [
  ...(COMPILED ? ['--enable-source-maps'] : ['--import', 'tsx']),
  ...(process.env.RUNTEST_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
];
/** One argument of a printed command line (rerun commands), quoted for a POSIX shell when it needs it. */
export function shellQuote(s: string): string {
  return /^[\w./:=@-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

export const TMP_ROOT = process.env.RUNTEST_TMPDIR ? path.resolve(process.env.RUNTEST_TMPDIR) : path.join(PROJECT_ROOT, 'tmp');

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Process state letter from /proc (R, S, T for stopped, Z for zombie...), or undefined when gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** True when the pid is a process this run directory owns: its cwd or its command line lies inside it. */
function belongsTo(pid: number, runDir: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === runDir || cwd.startsWith(runDir + path.sep)) return true;
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(runDir);
  } catch {
    return false;
  }
}

export type ProcessKind = 'servers' | 'loadgens' | 'tools';

function kindOf(what: string): ProcessKind {
  if (what.startsWith('redis-server port')) return 'servers';
  if (what.startsWith('load generator')) return 'loadgens';
  return 'tools';
}

/** USER_HZ: the unit of /proc/PID/stat times on Linux. */
const TICKS_PER_SECOND = 100;

/** CPU seconds from /proc/PID/stat: the process's own, and that of its children it has reaped. */
export function processCpuSeconds(pid: number | 'self'): { own: number; children: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { own: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND, children: (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/**
 * The files of one run: tmp/run.<runner pid>/ holds server dirs, config files and a pids/ folder
 * naming every process spawned, so that the runner, or the next run, can kill what is left.
 */
export class RunDir {
  readonly pidsDir: string;
  private counter = 0;
  /** CPU seconds last seen for each process this one tracked (sampled at test ends and stops). */
  private readonly cpuSeen = new Map<number, { kind: ProcessKind; seconds: number }>();
  /** The tracked processes not known to have exited: the only ones worth reading /proc for. */
  private readonly cpuLive = new Set<number>();

  constructor(readonly dir: string) {
    this.pidsDir = path.join(dir, 'pids');
  }

  static create(runnerPid = process.pid): RunDir {
    const run = new RunDir(path.join(TMP_ROOT, `run.${runnerPid}`));
    mkdirSync(run.pidsDir, { recursive: true });
    writeFileSync(path.join(run.dir, 'runner.pid'), String(runnerPid));
    return run;
  }

  /** A new directory unique to this process, like Tcl's tmpdir. */
  tmpdir(basename: string): string {
    const dir = path.join(this.dir, `${basename}.${process.pid}.${++this.counter}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** A new file name unique to this process, like Tcl's tmpfile. */
  tmpfile(basename: string): string {
    return path.join(this.dir, `${basename}.${process.pid}.${++this.counter}`);
  }

  track(pid: number, what: string): void {
    this.cpuSeen.set(pid, { kind: kindOf(what), seconds: 0 });
    this.cpuLive.add(pid);
    mkdirSync(this.pidsDir, { recursive: true });
    writeFileSync(path.join(this.pidsDir, String(pid)), what);
  }

  /**
   * Reads the CPU time of tracked processes still alive (or only `pid`); call before stopping them.
   * A server's time includes the children it reaped (its BGSAVE, AOF rewrite and diskless-sync forks).
   */
  sampleCpu(pid?: number): void {
    for (const p of pid === undefined ? this.cpuLive : [pid]) {
      const seen = this.cpuSeen.get(p);
      if (!seen) continue;
      const cpu = processCpuSeconds(p);
      if (cpu === null) {
        this.cpuLive.delete(p); // gone: nothing more to read
        continue;
      }
      const seconds = seen.kind === 'servers' ? cpu.own + cpu.children : cpu.own;
      if (seconds > seen.seconds) seen.seconds = seconds;
    }
  }

  /** CPU seconds of the processes this one tracked, by kind, as last sampled; `exited`: only those gone. */
  cpuByKind(opts: { exited?: boolean } = {}): Record<ProcessKind, number> {
    const sums: Record<ProcessKind, number> = { servers: 0, loadgens: 0, tools: 0 };
    for (const [pid, { kind, seconds }] of this.cpuSeen) if (!opts.exited || !this.cpuLive.has(pid)) sums[kind] += seconds;
    return sums;
  }

  untrack(pid: number): void {
    this.cpuLive.delete(pid); // untracked once it exited (or is about to be reaped)
    try {
      unlinkSync(path.join(this.pidsDir, String(pid)));
    } catch {
      /* already untracked */
    }
  }

  trackedPids(): number[] {
    if (!existsSync(this.pidsDir)) return [];
    return readdirSync(this.pidsDir).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  }

  /** SIGKILLs every tracked process still alive that belongs to this run; returns the pids killed. */
  killLeftovers(): number[] {
    const killed: number[] = [];
    for (const pid of this.trackedPids()) {
      if (isAlive(pid) && belongsTo(pid, this.dir)) {
        try {
          process.kill(pid, 'SIGKILL');
          killed.push(pid);
        } catch {
          /* exited meanwhile */
        }
      }
      this.untrack(pid);
    }
    return killed;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Kills what runs that died without cleaning up left behind and removes their directories. */
export function cleanStaleRuns(): number[] {
  const killed: number[] = [];
  if (!existsSync(TMP_ROOT)) return killed;
  for (const name of readdirSync(TMP_ROOT)) {
    const match = /^run\.(\d+)$/.exec(name);
    if (!match) continue;
    const runnerPid = Number(match[1]);
    if (runnerPid !== process.pid && isNodeProcess(runnerPid)) continue;
    const run = new RunDir(path.join(TMP_ROOT, name));
    killed.push(...run.killLeftovers());
    run.remove();
  }
  return killed;
}

/** A live runner: its pid might be recycled, so it must also be a node process. */
function isNodeProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return false;
  }
}

/** Alive and not a zombie (Tcl process_is_alive). */
export function processIsAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** First child of a process, e.g. a server's fork for BGSAVE (Tcl get_child_pid); null when none. */
export function childPid(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(/\s+/)[0]) : null;
  } catch {
    return null;
  }
}

const isStopped = (state: string) => state === 'T' || state === 't';

async function signalAndConfirm(pid: number, signal: NodeJS.Signals, confirmed: (state: string) => boolean): Promise<void> {
  process.kill(pid, signal);
  for (let i = 0; i < 2500; i++) {
    const state = processState(pid);
    if (state === undefined) throw new Error(`process ${pid} is gone, cannot ${signal} it`);
    if (confirmed(state)) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`process ${pid} did not change state after ${signal}`);
}

/** SIGSTOP, confirmed through /proc (Tcl pause_process). */
export function pauseProcess(pid: number): Promise<void> {
  return signalAndConfirm(pid, 'SIGSTOP', isStopped);
}

/** SIGCONT, confirmed through /proc (Tcl resume_process). */
export function resumeProcess(pid: number): Promise<void> {
  return signalAndConfirm(pid, 'SIGCONT', (state) => !isStopped(state));
}
