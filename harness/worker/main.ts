import { pathToFileURL } from 'node:url';
import { PortAllocator } from '../servers/ports.ts';
import { processCpuSeconds, RunDir } from '../core/processes.ts';
import type { RunnerCommand, Task, WorkerCpu, WorkerEvent } from '../core/messages.ts';
import type { RunSettings } from '../core/settings.ts';
import { endWorkerResources, errorText, ExternalServerNotEmpty, setContext, type SuiteDefinition, TestTimeout, UnitContext } from './context.ts';
import { unitFile, unitModule } from '../core/units.ts';

/** Runs units (or single top-level blocks of them) one at a time, as the runner hands them out. */
export class Worker {
  private readonly run: RunDir;
  private readonly ports: PortAllocator;
  private active: UnitContext | null = null;

  constructor(readonly settings: RunSettings, private readonly emit: (event: WorkerEvent) => void, private readonly suitesDir?: string) {
    this.run = new RunDir(settings.runDir);
    this.ports = PortAllocator.forWorker(settings.baseport, settings.portcount, settings.workerIndex, settings.workers);
  }

  async load(unit: string): Promise<SuiteDefinition> {
    const mod = await import(pathToFileURL(unitModule(unit, this.suitesDir)).href);
    const def = mod.default as SuiteDefinition | undefined;
    if (!def || typeof def.body !== 'function') throw new Error(`${unitFile(unit, this.suitesDir)} has no default export made by suite(): export default suite(async () => { ... })`);
    return def;
  }

  /** Counts a suite's top-level blocks without starting anything. */
  async countBlocks(unit: string, def: SuiteDefinition, settings = this.settings): Promise<{ count: number; long: number[] }> {
    const counting = new UnitContext(settings, unit, this.run, this.ports, () => undefined, -1);
    setContext(counting);
    try {
      await def.body();
    } finally {
      setContext(null);
    }
    return { count: counting.blockCount, long: counting.longBlocks };
  }

  /** Set when a test hung: this process may still run its code, so it must not take more work. */
  retired = false;

  async runTask(task: Task): Promise<void> {
    const started = Date.now();
    let block = task.block;
    let blocks = -1;
    // A --repeat copy runs as the whole run would under `--seed <its seed>`.
    const settings = task.seed === undefined ? this.settings : { ...this.settings, seed: task.seed };
    try {
      const def = await this.load(task.unit);
      if (task.solo) {
        await this.runBody(task.unit, def, -1, task.solo.index, settings);
        return;
      }
      if (block === null && def.options.independentBlocks && this.settings.workers > 1) {
        const { count, long } = await this.countBlocks(task.unit, def, settings);
        if (count > 1) {
          this.emit({ type: 'blocks', unit: task.unit, count, long });
          block = 0;
        }
      }
      blocks = await this.runBody(task.unit, def, block, undefined, settings);
    } catch (err) {
      if (err instanceof TestTimeout) {
        this.retired = true;
        this.emit({ type: 'retire', unit: task.unit });
      } else {
        this.emit({ type: 'exception', unit: task.unit, message: `${err instanceof ExternalServerNotEmpty ? 'FATAL ' : ''}${errorText(err)}` });
      }
    } finally {
      this.run.sampleCpu();
      this.emit({ type: 'done', unit: task.unit, block, ms: Date.now() - started, blocks, cpu: this.cpu() });
    }
  }

  /** Runs the body (or one top-level block of it); returns how many top-level blocks it met. */
  private async runBody(unit: string, def: SuiteDefinition, block: number | null, solo?: number, settings = this.settings): Promise<number> {
    const context = new UnitContext(settings, unit, this.run, this.ports, this.emit, block, solo);
    this.active = context;
    setContext(context);
    try {
      await def.body();
      return context.blockCount;
    } finally {
      await context.stopAll();
      setContext(null);
      this.active = null;
    }
  }

  cpu(): WorkerCpu {
    const own = process.cpuUsage();
    const sampled = this.run.cpuByKind();
    // Tools end by themselves before any sample: count them as what the reaped children used
    // beyond the sampled CPU of the servers and load generators that have exited (so it also holds
    // a server's CPU after its last sample). The live ones are not in `reaped` yet: subtracting
    // them too made a unit's tools figure negative while a load host ran.
    const reaped = processCpuSeconds('self')?.children ?? 0;
    const exited = this.run.cpuByKind({ exited: true });
    return { worker: (own.user + own.system) / 1e6, servers: sampled.servers, loadgens: sampled.loadgens, tools: Math.max(sampled.tools, reaped - exited.servers - exited.loadgens) };
  }

  /** Stops every server of the unit in progress (on shutdown of the worker). */
  /** Ends what the worker keeps between units. */
  async close(): Promise<void> {
    await endWorkerResources();
  }

  async abort(): Promise<void> {
    await this.active?.stopAll();
    this.run.killLeftovers();
  }
}

function send(event: WorkerEvent | { type: 'ready' }): void {
  process.send?.(event);
}

// Entry point when forked by the runner.
if (process.send && process.argv.includes('--runtest-worker')) {
  let worker: Worker | null = null;
  let queue = Promise.resolve();
  let running: Task | null = null;
  process.on('SIGINT', () => undefined); // the runner decides what stops
  process.on('disconnect', () => {
    void (worker?.abort() ?? Promise.resolve()).finally(() => process.exit(1));
  });
  process.on('message', (msg: RunnerCommand | { type: 'init'; settings: RunSettings }) => {
    if (msg.type === 'init') {
      worker = new Worker(msg.settings, send);
      // Fault injection for the runner's self-test: the last worker comes up late, as on a loaded machine.
      const lateStart = Number(process.env.RUNTEST_LATE_WORKER_MS ?? 0);
      const late = lateStart > 0 && msg.settings.workers > 1 && msg.settings.workerIndex === msg.settings.workers - 1;
      setTimeout(() => send({ type: 'ready' }), late ? lateStart : 0);
    } else if (msg.type === 'run') {
      // The runner hands out one task at a time; a second one means its bookkeeping is wrong
      // and could end the run while this one still waits: say so loudly.
      const busy = running;
      running = msg.task;
      if (busy) {
        const what = (t: Task) => `${t.unit}${t.block === null ? '' : ` block ${t.block}`}`;
        send({ type: 'exception', unit: msg.task.unit, message: `runner error: worker ${worker!.settings.workerIndex} was handed ${what(msg.task)} while it still has ${what(busy)}` });
      }
      queue = queue.then(async () => {
        await worker!.runTask(msg.task);
        if (running === msg.task) running = null;
        if (worker!.retired) {
          await worker!.abort();
          // The callback fires once every earlier message has been handed over.
          process.send!({ type: 'retire', unit: msg.task.unit }, () => process.exit(0));
        }
      });
    } else if (msg.type === 'exit') {
      void queue.then(() => worker?.close()).finally(() => process.exit(0));
    }
  });
}
