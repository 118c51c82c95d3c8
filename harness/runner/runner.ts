import { ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { githubAnnotation, makeChalk, TclFormat } from './output.ts';
import { cleanStaleRuns, NODE_ARGS, PROJECT_ROOT, RunDir, runnableFile } from '../core/processes.ts';
import type { Task, WorkerCpu, WorkerEvent } from '../core/messages.ts';
import { TapStream, type TestRecord, writeJsonReport, writeJunitReport } from './reports.ts';
import type { RunSettings } from '../core/settings.ts';
import { serverTitle, type ServerIdentity } from '../core/forks.ts';
import { deriveSeed } from '../core/rng.ts';
import { flakeTable, formatFlakeTable } from './flakes.ts';
import { writeHtmlReport } from './html.ts';
import { queueBlocks, scheduleOrder } from '../core/units.ts';

const WORKER_FILE = runnableFile(path.join(PROJECT_ROOT, 'harness', 'worker', 'main.ts'));

export interface RunPlan {
  units: string[];
  settings: Omit<RunSettings, 'runDir' | 'workerIndex' | 'workers'>;
  clients: number;
  /** Global watchdog: seconds without progress before the run is stopped (Tcl --timeout). */
  timeoutSeconds: number;
  quiet: boolean;
  fastfail: boolean;
  stopOnFailure: boolean;
  dontClean: boolean;
  dontPreClean: boolean;
  /** Number of passes over the units; Infinity for --loop. */
  loops: number;
  /** Stop at the first failure and keep everything. */
  untilFail: boolean;
  /** --repeat: copies of each unit per pass, run at once, each under its own seed (1: no copies). */
  repeat?: number;
  /** --html: write the report into this directory at the end. */
  htmlDir?: string;
  /** The command line as given, for the HTML report. */
  commandLine?: string;
  /** --github (or GITHUB_ACTIONS=true): a `::error file=...,line=...::` line per failed test. */
  github?: boolean;
  /** TAP 14 on stdout instead of the Tcl lines. */
  tap?: boolean;
  junitFile?: string;
  jsonFile?: string;
  /** The server's name and version (its --version), recorded in --json; none for an external server. */
  serverIdentity?: ServerIdentity;
  otherServerIdentity?: ServerIdentity & { binary: string };
  /**
   * The command that reruns one failed test under `seed` (printed with each failure); with `test`
   * undefined, the one that reruns a whole --repeat copy: the unit, the run's filters, its seed.
   */
  rerunCommand: (unit: string, test: string | undefined, seed: number) => string;
  out?: (line: string) => void;
  /**
   * Runs once in the new run directory before any worker starts (TLS mode makes the run's
   * certificates there); what it returns is added to the workers' settings. On failure the run
   * directory is removed and the error thrown.
   */
  prepareRun?: (runDir: string) => Promise<Partial<RunSettings>>;
}

export interface RunResult {
  passed: number;
  failed: number;
  skipped: number;
  ignored: number;
  exceptions: number;
  failures: string[];
  unitSeconds: Array<[string, number]>;
  /** CPU seconds each unit (and each solo block) used, by kind. */
  unitCpu: Map<string, WorkerCpu>;
  tests: TestRecord[];
  runDir: string;
  exitCode: number;
}

/** A task as the runner tracks it: which pass of the run it belongs to, and whether its suite declared it long. */
type RunTask = Task & { pass: number; long?: boolean };

/** The unit a task belongs to, told apart from other copies and passes of it (split blocks share it). */
const taskKey = (t: RunTask) => `${t.unit}\u0000${t.pass}\u0000${t.copy ?? 0}`;

interface WorkerSlot {
  index: number;
  child: ChildProcess;
  task: RunTask | null;
  state: string;
  startedAt: number;
  retiring: boolean;
  /** The worker said 'ready': before that it must not be handed work (a second hand-out would overwrite slot.task). */
  ready: boolean;
}

/**
 * Four workers per core, at most 16: measured on 2 cores (bench/gate.ts, the whole default list),
 * 8 workers took 185 s wall and 338 machine CPU-s against 242 s and 410 CPU-s for 4, since workers
 * mostly wait on servers; 16 were no faster than 8 on the integration units.
 */
export function defaultClients(): number {
  return Math.max(1, Math.min(16, availableParallelism() * 4));
}

/** The runner: hands units to worker processes and reports what they say, like test_helper.tcl. */
export async function runUnits(plan: RunPlan): Promise<RunResult> {
  const write = plan.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const tap = plan.tap ? new TapStream(write) : null;
  // In TAP mode the Tcl lines become TAP comments; results become TAP test points.
  const out = tap ? (line: string) => tap.comment(line) : write;
  const fmt = new TclFormat(makeChalk());
  if (!plan.dontPreClean) {
    for (const pid of cleanStaleRuns()) out(`Killed process ${pid} left running by an earlier run`);
  }
  const run = RunDir.create();
  if (plan.prepareRun) {
    try {
      Object.assign(plan.settings, await plan.prepareRun(run.dir));
    } catch (err) {
      run.remove();
      throw err;
    }
  }
  const startedAt = new Date().toISOString();
  const result: RunResult = { passed: 0, failed: 0, skipped: 0, ignored: 0, exceptions: 0, failures: [], unitSeconds: [], unitCpu: new Map(), tests: [], runDir: run.dir, exitCode: 0 };
  const workers: WorkerSlot[] = [];
  const queue: RunTask[] = [];
  /** run_solo blocks, run one at a time once every other task is done (Tcl's run_solo). */
  const soloQueue: RunTask[] = [];
  const seed = plan.settings.seed;
  const copies = plan.repeat ?? 1;
  /** Copy k's seed: derived from the run seed, so `--seed S --repeat N` replays the whole set. */
  const copySeeds = Array.from({ length: copies }, (_, k) => deriveSeed(seed, 'repeat', k + 1));
  let pass = 0;
  let completed = 0;
  let totalUnits = 0;
  const pendingBlocks = new Map<string, { left: number; count: number; startedAt: number }>();
  /** `integration/x (copy 3/16)`: a unit as the [k/n done] and timing lines name it. */
  const unitLabel = (t: RunTask) => (t.copy === undefined ? t.unit : `${t.unit} (copy ${t.copy}/${copies})`);
  /** The latest CPU report of each worker process (cumulative for its life). */
  const workerCpu = new Map<number, WorkerCpu>();
  // CPU of each unit in progress, summed over its blocks (a worker's cumulative figures, differenced).
  const unitCpu = new Map<string, WorkerCpu>();
  let lastProgress = Date.now();
  let finished = false;
  let resolveEnd!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  let paused: Promise<void> = Promise.resolve();

  const enqueuePass = (): boolean => {
    if (pass >= plan.loops) return false;
    pass++;
    for (const unit of scheduleOrder(plan.units)) {
      if (copies === 1) queue.push({ unit, block: null, pass });
      else for (let k = 1; k <= copies; k++) queue.push({ unit, block: null, pass, copy: k, seed: copySeeds[k - 1] });
    }
    // Every pass counts from the start when their number is known (valkey-io/valkey#2524: [1/3], not [-1/1]).
    const perPass = plan.units.length * copies;
    totalUnits = Number.isFinite(plan.loops) ? perPass * plan.loops : totalUnits + perPass;
    return true;
  };
  enqueuePass();

  const finish = () => {
    if (finished) return;
    finished = true;
    resolveEnd();
  };

  const record = (task: RunTask | null, r: Omit<TestRecord, 'seed' | 'pass' | 'endedAt'>) => {
    const full: TestRecord = { ...r, endedAt: Date.now(), seed: task?.seed ?? seed, pass: task?.pass ?? pass, ...(task?.copy !== undefined ? { copy: task.copy } : {}) };
    result.tests.push(full);
    tap?.record(full);
  };

  const recordFailure = (line: string) => {
    result.failures.push(line);
    if (plan.fastfail || plan.untilFail) {
      queue.length = 0;
      plan.loops = pass;
      if (plan.fastfail) finish();
      else if (copies > 1 && !finished) stopCopies();
    }
  };

  /** --repeat with --until-fail: the first failure stops every copy still running; logs stay. */
  const stopCopies = () => {
    const running = workers.filter((w) => w.task !== null && w.task.copy !== undefined);
    finish();
    for (const w of running) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    stoppedCopies = running.length;
    run.killLeftovers();
  };
  let stoppedCopies = 0;

  const waitForEnter = (message: string): Promise<void> => {
    out(message);
    const rl = createInterface({ input: process.stdin });
    return new Promise((resolve) => rl.once('line', () => (rl.close(), resolve())));
  };

  const allIdle = () => workers.every((w) => w.task === null);

  const assign = (slot: WorkerSlot) => {
    if (finished || slot.retiring || !slot.ready || slot.task !== null) return;
    if (queue.length === 0 && soloQueue.length === 0 && allIdle()) enqueuePass();
    // A solo block starts only when no other worker is busy; until then this one sleeps.
    const task = queue.shift() ?? (allIdle() ? soloQueue.shift() : undefined);
    if (!task) {
      slot.task = null;
      slot.state = soloQueue.length > 0 ? 'SLEEPING, a solo block waits for the others' : 'SLEEPING, no more units to assign';
      if (allIdle() && soloQueue.length === 0) finish();
      return;
    }
    slot.task = task;
    slot.startedAt = Date.now();
    slot.state = `ASSIGNED: ${unitLabel(task)}${task.solo ? ` solo block ${task.solo.name}` : task.block === null ? '' : ` block ${task.block}`}`;
    if (task.solo) out(fmt.testing(`${unitLabel(task)} (solo: ${task.solo.name})`));
    else if (task.block === null && !plan.quiet) out(fmt.testing(unitLabel(task)));
    slot.child.send({ type: 'run', task });
  };

  const onEvent = async (slot: WorkerSlot, event: WorkerEvent) => {
    lastProgress = Date.now();
    await paused;
    switch (event.type) {
      case 'ready':
        slot.ready = true;
        assign(slot);
        return;
      case 'testing':
        slot.state = `(IN PROGRESS) ${event.name}`;
        return;
      case 'ok':
        result.passed++;
        slot.state = `(OK) ${event.name}`;
        record(slot.task, { unit: event.unit, name: event.name, status: 'passed', ms: event.ms, servers: event.servers });
        if (!plan.quiet && !tap) out(fmt.ok(event.name, event.ms));
        return;
      case 'skip':
        result.skipped++;
        record(slot.task, { unit: event.unit, name: event.name, status: 'skipped', ms: 0 });
        if (!plan.quiet && !tap) out(fmt.skip(event.name));
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
        const task = slot.task;
        const testSeed = task?.seed ?? seed;
        // A copy's failure reruns as that whole copy: the same filters under its seed.
        const rerun = task?.copy !== undefined ? plan.rerunCommand(event.unit, undefined, testSeed) : plan.rerunCommand(event.unit, event.name, testSeed);
        record(task, { unit: event.unit, name: event.name, status: 'failed', ms: event.ms, message: event.message, rerun, servers: event.servers, artifacts: event.artifacts });
        const where = task?.copy !== undefined ? `copy ${task.copy}/${copies}, seed ${testSeed}` : `seed ${testSeed}`;
        if (!tap) out(fmt.err(event.name, event.file, `${event.message}\n(${where}) rerun: ${rerun}`));
        if (plan.github) write(githubAnnotation(event.location?.file ?? event.file, event.location?.line, `${event.name}: ${event.message}\n(${where}) rerun: ${rerun}`));
        recordFailure(fmt.err(event.name, event.file, event.message));
        if (plan.stopOnFailure) paused = waitForEnter('(Test stopped, press enter to resume the tests)');
        return;
      }
      case 'exception': {
        result.exceptions++;
        record(slot.task, { unit: event.unit, name: '(unit aborted)', status: 'exception', ms: 0, message: event.message });
        const fatal = event.message.startsWith('FATAL ');
        // A fatal refusal is one line: the run stops before touching anything.
        out(fmt.exception(fatal ? event.message.slice(6) : `${event.unit}: ${event.message}\n(seed ${seed})`));
        recordFailure(fmt.exception(`${event.unit}: ${event.message.split('\n')[0]}`));
        if (fatal) {
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
      case 'retire':
        slot.retiring = true;
        return;
      case 'blocks': {
        const parent = slot.task!;
        pendingBlocks.set(taskKey(parent), { left: event.count, count: event.count, startedAt: slot.startedAt });
        // Block 0 runs here already; the others are queued ahead of the units not started yet.
        const others = Array.from({ length: event.count - 1 }, (_, i) => i + 1).map((b) => ({ ...parent, block: b, long: event.long.includes(b) }));
        queueBlocks(queue, others);
        for (const idle of workers) if (idle.task === null) assign(idle);
        return;
      }
      case 'solo':
        soloQueue.push({ ...slot.task!, block: null, solo: { index: event.index, name: event.name } });
        return;
      case 'done': {
        const finishedTask = slot.task;
        const key = finishedTask ? taskKey(finishedTask) : event.unit;
        if (slot.child.pid) {
          addCpu(unitCpu, key, event.cpu, workerCpu.get(slot.child.pid));
          workerCpu.set(slot.child.pid, event.cpu);
        }
        const split = pendingBlocks.get(key);
        slot.task = null;
        if (finishedTask?.solo) {
          const seconds = Math.round((Date.now() - slot.startedAt) / 1000);
          const soloLabel = `${unitLabel(finishedTask)} (solo: ${finishedTask.solo.name})`;
          result.unitSeconds.push([soloLabel, seconds]);
          result.unitCpu.set(soloLabel, unitCpu.get(key) ?? zeroCpu());
          unitCpu.delete(key);
          slot.state = `(DONE) ${event.unit} solo block`;
          // The other workers slept while it ran: wake them all (the next solo takes one of them).
          for (const w of workers) assign(w);
          return;
        }
        if (event.block !== null && split) {
          if (event.blocks >= 0 && event.blocks !== split.count) {
            const line = fmt.exception(
              `${event.unit}: block ${event.block} ran in a worker that counted ${event.blocks} top-level blocks, but the unit was split into ${split.count}: ` +
                'its top-level code must not depend on what ran before (or drop independentBlocks)',
            );
            result.exceptions++;
            record(finishedTask, { unit: event.unit, name: '(unit aborted)', status: 'exception', ms: 0, message: line });
            out(line);
            recordFailure(line);
          }
          split.left--;
          if (split.left > 0) {
            assign(slot);
            return;
          }
          pendingBlocks.delete(key);
        }
        completed++;
        const seconds = Math.round((Date.now() - (split?.startedAt ?? slot.startedAt)) / 1000);
        const label = finishedTask ? unitLabel(finishedTask) : event.unit;
        result.unitSeconds.push([label, seconds]);
        result.unitCpu.set(label, unitCpu.get(key) ?? zeroCpu());
        unitCpu.delete(key);
        out(fmt.done(completed, totalUnits, label, seconds));
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
    write(`\nInterrupted by ${signal}: stopping workers and servers...`);
    const killed = killEverything();
    write(`Killed ${killed.length} process(es) (servers, load generators); logs kept in ${run.dir}`);
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

  const workerCount = Math.max(1, Math.min(plan.clients, plan.units.length * copies));
  const forkWorker = () => fork(WORKER_FILE, ['--runtest-worker'], { execArgv: [...NODE_ARGS], stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  /** Gives the slot a fresh worker process (at start, or replacing one that died or retired). */
  const startWorker = (slot: WorkerSlot, child = forkWorker()) => {
    slot.child = child;
    slot.retiring = false;
    slot.ready = false;
    child.on('message', (event: WorkerEvent) => void onEvent(slot, event));
    child.on('exit', (code, signal) => onWorkerExit(slot, code, signal));
    // A message to a worker that is being killed (--until-fail stops every copy) fails with EPIPE;
    // its 'exit' accounts for it. Unhandled, the error would end the runner.
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_IPC_CHANNEL_CLOSED') process.stderr.write(`worker ${slot.index}: ${err.message}\n`);
    });
    const settings: RunSettings = { ...plan.settings, runDir: run.dir, workerIndex: slot.index, workers: workerCount };
    child.send({ type: 'init', settings });
  };

  const onWorkerExit = (slot: WorkerSlot, code: number | null, signal: NodeJS.Signals | null) => {
    if (finished) return;
    const task = slot.task;
    if (task && !slot.retiring) {
      result.exceptions++;
      const line = fmt.exception(`${unitLabel(task)}: worker ${slot.index} died (${signal ?? `exit code ${code}`}) while running it`);
      record(task, { unit: task.unit, name: '(unit aborted)', status: 'exception', ms: 0, message: line });
      out(line);
      recordFailure(line);
      run.killLeftovers();
      // A split unit is done once its last block is: the dead block counts as one of them.
      const split = task.solo ? undefined : pendingBlocks.get(taskKey(task));
      if (split && --split.left > 0) {
        /* its other blocks still run */
      } else if (!task.solo) {
        pendingBlocks.delete(taskKey(task));
        completed++;
      }
    }
    slot.task = null;
    // Replace the worker so the remaining units go on.
    if (!finished && (queue.length > 0 || pass < plan.loops)) startWorker(slot);
    else if (allIdle()) finish();
  };

  for (let i = 0; i < workerCount; i++) {
    const slot: WorkerSlot = { index: i, child: forkWorker(), task: null, state: 'STARTING', startedAt: Date.now(), retiring: false, ready: false };
    workers.push(slot);
    startWorker(slot, slot.child);
  }

  await ended;
  clearInterval(watchdog);
  for (const w of workers) if (w.child.connected) w.child.send({ type: 'exit' });
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
  for (const pid of run.killLeftovers()) out(`Killing still running ${serverTitle(plan.settings.binary)} server ${pid}`);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);

  out('\n                   The End\n');
  out('Execution time of different units:');
  for (const [unit, seconds] of result.unitSeconds) out(`  ${seconds} seconds - ${unit}`);
  if (pass > 1 || copies > 1) {
    out('');
    for (const line of formatFlakeTable(flakeTable(result.tests), pass, copies)) out(line);
    if (stoppedCopies > 0) out(`  (--until-fail: ${stoppedCopies} ${stoppedCopies === 1 ? 'copy' : 'copies'} still running at the first failure ${stoppedCopies === 1 ? 'was' : 'were'} stopped; their logs are kept)`);
  }
  const failedCount = result.failed + result.exceptions;
  if (plan.htmlDir) {
    const index = writeHtmlReport(plan.htmlDir, {
      server: plan.settings.binary, seed, commandLine: plan.commandLine ?? '', startedAt, passes: pass, copies,
      passed: result.passed, failed: failedCount, skipped: result.skipped, units: result.unitSeconds, tests: result.tests,
    });
    out(`HTML report: ${index}`);
  }
  if (result.failures.length > 0) {
    out(fmt.failedHeader());
    for (const f of result.failures) out(`*** ${f}`);
    out(`\nServer logs kept in ${run.dir}`);
  } else {
    out(fmt.allPassed());
    if (!plan.dontClean && !plan.jsonFile && !plan.junitFile) run.remove();
  }
  const cpu = cpuTotals(workerCpu.values());
  if (plan.settings.verbose) {
    out(`CPU seconds: harness ${cpu.harness.toFixed(1)} (runner ${cpu.runner.toFixed(1)}, workers ${cpu.workers.toFixed(1)}, load generators ${cpu.loadgens.toFixed(1)}), ` +
      `servers ${cpu.servers.toFixed(1)}, tools ${cpu.tools.toFixed(1)}; harness / servers ${cpu.ratio.toFixed(2)}`);
  }
  const meta = {
    seed,
    cpu,
    server: plan.settings.binary,
    serverName: plan.serverIdentity?.name,
    serverVersion: plan.serverIdentity?.version,
    tools: plan.settings.tools,
    otherServer: plan.otherServerIdentity,
    startedAt,
    units: result.unitSeconds.map(([unit, seconds]) => ({ unit, seconds, cpu: roundCpu(result.unitCpu.get(unit)) })),
    passed: result.passed,
    failed: failedCount,
    skipped: result.skipped,
  };
  if (plan.jsonFile) writeJsonReport(plan.jsonFile, meta, result.tests);
  if (plan.junitFile) writeJunitReport(plan.junitFile, result.tests);
  tap?.end();
  write(fmt.summary(result.passed, failedCount, result.skipped));
  result.exitCode = result.failures.length > 0 ? 1 : 0;
  return result;
}

const CPU_KINDS = ['worker', 'servers', 'loadgens', 'tools'] as const;
const zeroCpu = (): WorkerCpu => ({ worker: 0, servers: 0, loadgens: 0, tools: 0 });
const roundCents = (x: number) => Math.round(x * 100) / 100;

/** Adds what a worker used since its previous report (`before`) to `key`'s total. */
function addCpu(totals: Map<string, WorkerCpu>, key: string, now: WorkerCpu, before = zeroCpu()): void {
  const t = totals.get(key) ?? zeroCpu();
  for (const k of CPU_KINDS) t[k] += now[k] - before[k];
  totals.set(key, t);
}

function roundCpu(c: WorkerCpu | undefined): WorkerCpu | undefined {
  if (!c) return undefined;
  const rounded = zeroCpu();
  for (const k of CPU_KINDS) rounded[k] = roundCents(c[k]);
  return rounded;
}

/**
 * CPU seconds of the run: the harness's own processes (this runner, its workers, the load
 * generators) against the servers under test; tools (redis-cli, redis-benchmark) apart. Server and
 * tool times are read from /proc before each stop, so a process that died by itself counts up to
 * its last sample.
 */
export function cpuTotals(workers: Iterable<WorkerCpu>) {
  const own = process.cpuUsage();
  const t = { runner: (own.user + own.system) / 1e6, workers: 0, loadgens: 0, servers: 0, tools: 0 };
  for (const w of workers) {
    t.workers += w.worker;
    t.loadgens += w.loadgens;
    t.servers += w.servers;
    t.tools += w.tools;
  }
  const harness = t.runner + t.workers + t.loadgens;
  return {
    runner: roundCents(t.runner), workers: roundCents(t.workers), loadgens: roundCents(t.loadgens), harness: roundCents(harness),
    servers: roundCents(t.servers), tools: roundCents(t.tools), ratio: t.servers > 0 ? roundCents(harness / t.servers) : 0,
  };
}

