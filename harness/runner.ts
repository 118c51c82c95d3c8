import { ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { makeChalk, TclFormat } from './output.ts';
import { cleanStaleRuns, RunDir } from './procs.ts';
import type { Task, WorkerEvent } from './protocol.ts';
import type { RunSettings } from './settings.ts';

const WORKER_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

export interface RunPlan {
  units: string[];
  settings: Omit<RunSettings, 'runDir' | 'workerIndex' | 'workers'>;
  clients: number;
  /** Global watchdog: seconds without progress before the run is stopped (Tcl --timeout). */
  timeoutSeconds: number;
  quiet: boolean;
  verbose: boolean;
  fastfail: boolean;
  stopOnFailure: boolean;
  dontClean: boolean;
  dontPreClean: boolean;
  /** Number of passes over the units; Infinity for --loop. */
  loops: number;
  untilFail: boolean;
  /** The command that reruns one failed test (printed with each failure). */
  rerunCommand: (unit: string, test: string) => string;
  out?: (line: string) => void;
}

export interface RunResult {
  passed: number;
  failed: number;
  skipped: number;
  ignored: number;
  exceptions: number;
  failures: string[];
  unitSeconds: Array<[string, number]>;
  runDir: string;
  exitCode: number;
}

interface WorkerSlot {
  index: number;
  child: ChildProcess;
  task: Task | null;
  state: string;
  startedAt: number;
}

export function defaultClients(): number {
  return Math.max(1, Math.min(16, availableParallelism() * 2));
}

/** The runner: hands units to worker processes and prints what they report, like test_helper.tcl. */
export async function runUnits(plan: RunPlan): Promise<RunResult> {
  const out = plan.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const fmt = new TclFormat(makeChalk());
  if (!plan.dontPreClean) {
    const stale = cleanStaleRuns({ removeDirs: true });
    for (const pid of stale.killed) out(`Killed process ${pid} left running by an earlier run`);
  }
  const run = RunDir.create();
  const result: RunResult = { passed: 0, failed: 0, skipped: 0, ignored: 0, exceptions: 0, failures: [], unitSeconds: [], runDir: run.dir, exitCode: 0 };
  const workers: WorkerSlot[] = [];
  const queue: Task[] = [];
  let pass = 0;
  let scheduled = 0;
  let completed = 0;
  let totalUnits = plan.units.length;
  const pendingBlocks = new Map<string, { left: number; startedAt: number }>();
  let lastProgress = Date.now();
  let finished = false;
  let resolveEnd!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  let paused: Promise<void> = Promise.resolve();

  const enqueuePass = (): boolean => {
    if (pass >= plan.loops) return false;
    pass++;
    for (const unit of plan.units) queue.push({ unit, block: null });
    if (pass > 1) totalUnits += plan.units.length;
    return true;
  };
  enqueuePass();

  const finish = () => {
    if (finished) return;
    finished = true;
    resolveEnd();
  };

  const recordFailure = (line: string) => {
    result.failures.push(line);
    if (plan.fastfail || plan.untilFail) {
      queue.length = 0;
      plan.loops = pass;
      if (plan.fastfail) finish();
    }
  };

  const waitForEnter = (message: string): Promise<void> => {
    out(message);
    const rl = createInterface({ input: process.stdin });
    return new Promise((resolve) => rl.once('line', () => (rl.close(), resolve())));
  };

  const assign = (slot: WorkerSlot) => {
    if (finished) return;
    if (queue.length === 0 && workers.every((w) => w.task === null)) enqueuePass();
    const task = queue.shift();
    if (!task) {
      slot.task = null;
      slot.state = 'SLEEPING, no more units to assign';
      if (workers.every((w) => w.task === null)) finish();
      return;
    }
    slot.task = task;
    slot.startedAt = Date.now();
    slot.state = `ASSIGNED: ${task.unit}${task.block === null ? '' : ` block ${task.block}`}`;
    if (task.block === null) {
      scheduled++;
      if (!plan.quiet) out(fmt.testing(task.unit));
    }
    slot.child.send({ type: 'run', task });
  };

  const onEvent = async (slot: WorkerSlot, event: WorkerEvent) => {
    lastProgress = Date.now();
    await paused;
    switch (event.type) {
      case 'ready':
        assign(slot);
        return;
      case 'testing':
        slot.state = `(IN PROGRESS) ${event.name}`;
        return;
      case 'ok':
        result.passed++;
        slot.state = `(OK) ${event.name}`;
        if (!plan.quiet) out(fmt.ok(event.name, event.ms));
        return;
      case 'skip':
        result.skipped++;
        if (!plan.quiet) out(fmt.skip(event.name));
        return;
      case 'ignore':
        result.ignored++;
        if (!plan.quiet) out(fmt.ignore(event.text));
        return;
      case 'info':
        out(event.text);
        return;
      case 'err': {
        result.failed++;
        const message = `${event.message}\n(seed ${plan.settings.seed}) rerun: ${plan.rerunCommand(event.unit, event.name)}`;
        const line = fmt.err(event.name, event.file, message);
        out(line);
        recordFailure(fmt.err(event.name, event.file, event.message));
        if (plan.stopOnFailure) paused = waitForEnter('(Test stopped, press enter to resume the tests)');
        return;
      }
      case 'exception': {
        result.exceptions++;
        const line = fmt.exception(`${event.unit}: ${event.message}\n(seed ${plan.settings.seed})`);
        out(line);
        recordFailure(fmt.exception(`${event.unit}: ${event.message.split('\n')[0]}`));
        if (event.message.startsWith('FATAL ')) {
          queue.length = 0;
          plan.loops = pass;
          finish();
        }
        return;
      }
      case 'server-spawned':
        slot.state = `(SPAWNED SERVER) pid:${event.pid}`;
        return;
      case 'server-killed':
        slot.state = `(KILLED SERVER) pid:${event.pid}`;
        return;
      case 'blocks': {
        pendingBlocks.set(event.unit, { left: event.count, startedAt: slot.startedAt });
        const extra: Task[] = [];
        for (let b = 1; b < event.count; b++) extra.push({ unit: event.unit, block: b });
        queue.unshift(...extra);
        for (const idle of workers) if (idle.task === null) assign(idle);
        return;
      }
      case 'done': {
        const split = pendingBlocks.get(event.unit);
        if (event.block !== null && split) {
          split.left--;
          if (split.left > 0) {
            assign(slot);
            return;
          }
          pendingBlocks.delete(event.unit);
        }
        completed++;
        const seconds = Math.round((Date.now() - (split?.startedAt ?? slot.startedAt)) / 1000);
        result.unitSeconds.push([event.unit, seconds]);
        out(fmt.done(completed, totalUnits, event.unit, seconds));
        slot.state = `(DONE) ${event.unit}`;
        assign(slot);
        return;
      }
    }
  };

  const killEverything = () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    return run.killLeftovers();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    out(`\nInterrupted by ${signal}: stopping workers and servers...`);
    const killed = killEverything();
    out(`Killed ${killed.length} server(s); logs kept in ${run.dir}`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const watchdog = setInterval(() => {
    if ((Date.now() - lastProgress) / 1000 <= plan.timeoutSeconds) return;
    out(fmt.timeout());
    for (const w of workers) out(`worker ${w.index} => ${w.state}`);
    result.failures.push(`[TIMEOUT]: no progress for ${plan.timeoutSeconds} seconds: ${workers.map((w) => w.state).join('; ')}`);
    killEverything();
    queue.length = 0;
    finish();
  }, 1000);

  const workerCount = Math.max(1, Math.min(plan.clients, plan.units.length));
  for (let i = 0; i < workerCount; i++) {
    const child = fork(WORKER_FILE, ['--runtest-worker'], { execArgv: ['--import', 'tsx'], stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    const slot: WorkerSlot = { index: i, child, task: null, state: 'STARTING', startedAt: Date.now() };
    workers.push(slot);
    child.on('message', (event: WorkerEvent) => void onEvent(slot, event));
    child.on('exit', (code, signal) => {
      if (finished) return;
      const task = slot.task;
      if (task) {
        result.exceptions++;
        const line = fmt.exception(`${task.unit}: worker ${i} died (${signal ?? `exit code ${code}`}) while running it`);
        out(line);
        recordFailure(line);
        run.killLeftovers();
        completed++;
        pendingBlocks.delete(task.unit);
      }
      slot.task = null;
      // Replace the dead worker so the remaining units go on.
      if (!finished && (queue.length > 0 || pass < plan.loops)) respawn(slot);
      else if (workers.every((w) => w.task === null)) finish();
    });
    const settings: RunSettings = { ...plan.settings, runDir: run.dir, workerIndex: i, workers: workerCount };
    child.send({ type: 'init', settings });
  }

  function respawn(slot: WorkerSlot) {
    const child = fork(WORKER_FILE, ['--runtest-worker'], { execArgv: ['--import', 'tsx'], stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    slot.child = child;
    child.on('message', (event: WorkerEvent) => void onEvent(slot, event));
    child.send({ type: 'init', settings: { ...plan.settings, runDir: run.dir, workerIndex: slot.index, workers: workerCount } });
  }

  await ended;
  clearInterval(watchdog);
  for (const w of workers) {
    if (w.child.connected) w.child.send({ type: 'exit' });
  }
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => (w.child.kill('SIGKILL'), resolve()), 5000);
          w.child.once('exit', () => (clearTimeout(timer), resolve()));
        }),
    ),
  );
  const leftovers = run.killLeftovers();
  for (const pid of leftovers) out(`Killing still running Redis server ${pid}`);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);

  out('\n                   The End\n');
  out('Execution time of different units:');
  for (const [unit, seconds] of result.unitSeconds) out(`  ${seconds} seconds - ${unit}`);
  const failedCount = result.failed + result.exceptions;
  if (result.failures.length > 0) {
    out(fmt.failedHeader());
    for (const f of result.failures) out(`*** ${f}`);
    out(`\nServer logs kept in ${run.dir}`);
  } else {
    out(fmt.allPassed());
    if (!plan.dontClean) run.remove();
  }
  out(fmt.summary(result.passed, failedCount, result.skipped));
  result.exitCode = result.failures.length > 0 ? 1 : 0;
  return result;
}
