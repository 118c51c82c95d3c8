// Benchmark (prints numbers, asserts nothing): the gate's cost. Runs a unit list through
// runtest-ts and, with --tcl-tree, through the Tcl harness, one after the other on this machine (with --runs/--tcl-runs, alternating),
// and prints wall time, whole-machine CPU (from /proc/stat), CPU by process kind (node, tclsh,
// redis-server, other, sampled from /proc every 100 ms), the machine's speed before and after each
// run (ms of CPU for a fixed loop: lower is faster) and the ratios.
//   npx tsx bench/gate.ts [--single U ...] [--clients N] [--runs N] [--tcl-tree DIR] [--tcl-clients N] [--tcl-runs N] [--server PATH]
//   npx tsx bench/gate.ts --scale        harness CPU per test for 1x, 2x and 4x copies of a fixture suite
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/core/processes.ts';

const TICK = 100; // USER_HZ on Linux

/** Machine CPU ticks so far: the work done here, and the steal (time the hypervisor gave another guest). */
function machineTicks(): { work: number; steal: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: steal is not this machine's work and varies
  // with the neighbours, so it is shown beside the work, not in it.
  return { work: cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6], steal: cpu[7] ?? 0 };
}

/** Follows every process's CPU ticks and sums them by kind when stopped (ticks after the last sample are lost). */
function processSampler() {
  const last = new Map<number, { kind: string; ticks: number; base: number }>();
  const kindOf = (comm: string) => (comm === 'node' ? 'node' : comm === 'tclsh' || comm.startsWith('tclsh') ? 'tclsh' : comm.startsWith('redis-') ? 'redis' : 'other');
  // This benchmark's own processes (tsx's node, its esbuild service) are not the harness under test.
  const own = new Set([process.pid, process.ppid]);
  const sample = (first = false) => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || own.has(Number(entry))) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm === 'esbuild') continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        const pid = Number(entry);
        const seen = last.get(pid);
        if (seen) seen.ticks = ticks;
        else last.set(pid, { kind: kindOf(comm), ticks, base: first ? ticks : 0 });
      } catch {
        /* gone */
      }
    }
  };
  sample(true);
  const timer = setInterval(() => sample(), 100);
  return () => {
    clearInterval(timer);
    sample();
    const byKind: Record<string, number> = { node: 0, tclsh: 0, redis: 0, other: 0 };
    for (const p of last.values()) byKind[p.kind] += (p.ticks - p.base) / TICK;
    return byKind;
  };
}

/**
 * This machine's speed now: ms of CPU for a fixed integer loop (lower is faster). Timed before and
 * after each run, it shows a run that fell into a slow spell of the VM, as the same work's CPU does.
 */
function speedProbe(): number {
  const c0 = process.cpuUsage();
  let x = 1;
  for (let i = 0; i < 50_000_000; i++) x = (x * 1103515245 + 12345) | 0;
  const c = process.cpuUsage(c0);
  if (x === 0.5) console.log(x); // keeps the loop from being optimised away
  return (c.user + c.system) / 1000;
}

interface Measure {
  label: string;
  /** speedProbe() before and after the run. */
  speed: [number, number];
  wall: number;
  cpu: number;
  steal: number;
  byKind: Record<string, number>;
  summary: string;
  harnessCpu?: number;
}

async function measure(label: string, cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Measure> {
  const speedBefore = speedProbe();
  const stop = processSampler();
  const t0 = performance.now();
  const m0 = machineTicks();
  const r = await execa(cmd, args, { cwd: opts.cwd, env: { NO_COLOR: '1', ...opts.env }, reject: false, all: true, stdin: 'ignore' });
  const wall = (performance.now() - t0) / 1000;
  const m1 = machineTicks();
  const cpu = (m1.work - m0.work) / TICK;
  const steal = (m1.steal - m0.steal) / TICK;
  const byKind = stop();
  const text = String(r.all).replace(/\x1b\[[0-9;]*m/g, '');
  const summary = text.match(/^\d+ passed, \d+ failed.*$/m)?.[0] ?? (text.match(/\[ok\]/g)?.length ?? 0) + ' [ok] lines' + (r.exitCode ? `, exit ${r.exitCode}` : '');
  // A failed run measures something else than the suites: show why, not only its numbers.
  if (r.exitCode) console.log(`${label} exited ${r.exitCode}; its last lines:\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
  return { label, wall, cpu, steal, byKind, summary, speed: [speedBefore, speedProbe()] };
}

function line(m: Measure): string {
  const k = m.byKind;
  return `${m.label.padEnd(28)} wall ${m.wall.toFixed(1).padStart(7)} s  machine CPU ${m.cpu.toFixed(1).padStart(7)} s  node ${k.node.toFixed(1).padStart(6)}  tclsh ${k.tclsh.toFixed(1).padStart(6)}  redis ${k.redis.toFixed(1).padStart(6)}  other ${k.other.toFixed(1).padStart(5)}  steal ${m.steal.toFixed(1).padStart(5)}  speed ${m.speed.map((v) => v.toFixed(0)).join('/')} ms  (${m.summary})`;
}

/** The mean of several runs of one command (a single run is returned as it is). */
function mean(runs: Measure[]): Measure {
  if (runs.length === 1) return runs[0];
  const avg = (f: (m: Measure) => number) => runs.reduce((sum, m) => sum + f(m), 0) / runs.length;
  const byKind = Object.fromEntries(Object.keys(runs[0].byKind).map((k) => [k, avg((m) => m.byKind[k])]));
  const label = runs[0].label.replace(/ run 1$/, ` mean of ${runs.length}`);
  const speed: [number, number] = [avg((m) => m.speed[0]), avg((m) => m.speed[1])];
  return { label, wall: avg((m) => m.wall), cpu: avg((m) => m.cpu), steal: avg((m) => m.steal), byKind, summary: runs.map((m) => m.summary).join(' | '), speed };
}

function argValues(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag && argv[i + 1] ? [argv[i + 1]] : []));
}

async function gate(argv: string[]): Promise<void> {
  const units = argValues(argv, '--single');
  const clients = argValues(argv, '--clients')[0];
  const tclTree = argValues(argv, '--tcl-tree')[0];
  const tclClients = argValues(argv, '--tcl-clients')[0] ?? '16';
  const server = argValues(argv, '--server')[0];
  const runs = Number(argValues(argv, '--runs')[0] ?? 1);
  const tclRuns = Number(argValues(argv, '--tcl-runs')[0] ?? 1);
  const selection = units.flatMap((u) => ['--single', u]);
  const tsRun = (r: number) =>
    measure(`runtest-ts${clients ? ` --clients ${clients}` : ''}${runs > 1 ? ` run ${r}` : ''}`, path.join(PROJECT_ROOT, 'runtest'), [...selection, ...(clients ? ['--clients', clients] : []), ...(server ? ['--server', server] : [])], { cwd: PROJECT_ROOT });
  // The Tcl side runs in a private copy of its tree: its start-up cleanup deletes other runs' files.
  const copy = tclTree ? path.join(os.tmpdir(), `gate-tcl-${process.pid}`) : '';
  if (tclTree) cpSync(tclTree, copy, { recursive: true, verbatimSymlinks: true });
  try {
    const tclUnits = units.filter((u) => tclTree && existsSync(path.join(copy, 'tests', `${u}.tcl`)));
    const tclRun = (r: number) =>
      measure(`Tcl --clients ${tclClients}${tclRuns > 1 ? ` run ${r}` : ''}`, './runtest', [...tclUnits.flatMap((u) => ['--single', u]), '--clients', tclClients], { cwd: copy });
    // Runs alternate (ours, Tcl, ours, ...): this machine's speed drifts by tens of percent over
    // minutes, and alternating spreads a slow spell over both sides instead of one.
    const tsRuns: Measure[] = [];
    const tclMeasures: Measure[] = [];
    for (let r = 1; r <= Math.max(runs, tclTree ? tclRuns : 0); r++) {
      if (r <= runs) {
        tsRuns.push(await tsRun(r));
        console.log(line(tsRuns.at(-1)!));
      }
      if (tclTree && r <= tclRuns) {
        tclMeasures.push(await tclRun(r));
        console.log(line(tclMeasures.at(-1)!));
      }
    }
    const ts = mean(tsRuns);
    if (runs > 1) console.log(line(ts));
    if (!tclTree) return;
    const tcl = mean(tclMeasures);
    if (tclRuns > 1) console.log(line(tcl));
    const harness = (m: Measure) => m.byKind.node + m.byKind.tclsh;
    console.log(`ratios runtest-ts / Tcl: wall ${(ts.wall / tcl.wall).toFixed(2)}, machine CPU ${(ts.cpu / tcl.cpu).toFixed(2)}`);
    console.log(`harness CPU / server CPU: runtest-ts ${(harness(ts) / ts.byKind.redis).toFixed(2)}, Tcl ${(harness(tcl) / tcl.byKind.redis).toFixed(2)}`);
  } finally {
    if (copy) rmSync(copy, { recursive: true, force: true });
  }
}

/** Harness CPU per test as the work grows: 1x, 2x, 4x copies of a 20-test fixture unit. */
async function scale(): Promise<void> {
  // Inside the tree but not under tmp/: the build compiles it, as the runner imports compiled suites.
  const dir = path.join(PROJECT_ROOT, 'bench', `.scale-${process.pid}`);
  const fixture = `import { assertEqual, startServer, suite, test } from '../../../harness/index.ts';
export default suite({ independentBlocks: true }, async () => {
  for (let b = 0; b < 4; b++) {
    await startServer({}, async (server) => {
      for (let i = 0; i < 5; i++) {
        await test(\`scale block \${b} test \${i}\`, async () => {
          for (let k = 0; k < 50; k++) assertEqual(await server.call('incr', 'k'), 50 * i + k + 1);
        });
      }
    });
  }
});
`;
  try {
    for (const copies of [1, 2, 4]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(path.join(dir, 'integration'), { recursive: true });
      for (let c = 0; c < copies; c++) writeFileSync(path.join(dir, 'integration', `scale-${c}.ts`), fixture);
      const m = await measure(`${copies}x (${copies * 20} tests)`, path.join(PROJECT_ROOT, 'runtest'), ['--clients', '4'], { cwd: PROJECT_ROOT, env: { RUNTEST_SUITES_DIR: dir } });
      console.log(`${line(m)}  node CPU per test ${((m.byKind.node / (copies * 20)) * 1000).toFixed(0)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
await (argv.includes('--scale') ? scale() : gate(argv));
