// Benchmark (prints numbers, asserts nothing): spawn-to-ready time of 50 servers, teardown time,
// and the wall time of a 50-block suite of one trivial test each.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PortAllocator } from '../harness/servers/ports.ts';
import { PROJECT_ROOT, RunDir } from '../harness/core/processes.ts';
import { RedisServer } from '../harness/servers/server.ts';

const STARTS = 50;
const binary = process.env.RUNTEST_SERVER ?? '/usr/bin/redis-server';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(`${label}: median ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (n=${sorted.length})`);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-bench-'));
const run = new RunDir(tmp);
const ports = new PortAllocator(56000, 500);
const ready: number[] = [];
const teardown: number[] = [];
try {
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now();
    const server = await RedisServer.start({ binary, run, ports });
    ready.push(performance.now() - t0);
    const t1 = performance.now();
    await server.stop();
    teardown.push(performance.now() - t1);
  }
  report('spawn to ready (alive + "Ready to accept" + PING)', ready);
  report('teardown (SHUTDOWN NOSAVE, process gone)', teardown);

  // A 50-block suite, one trivial test per block, run through ./runtest with one client.
  const suites = path.join(tmp, 'suites');
  mkdirSync(path.join(suites, 'bench'), { recursive: true });
  writeFileSync(path.join(suites, 'package.json'), '{ "type": "module" }\n'); // ESM, like the project
  const harness = path.join(PROJECT_ROOT, 'harness', 'index.ts');
  writeFileSync(
    path.join(suites, 'bench', 'fifty-blocks.ts'),
    `import { suite, startServer, test, assertEqual } from ${JSON.stringify(harness)};
export default suite(async () => {
  for (let i = 0; i < 50; i++) {
    await startServer({}, async (server) => {
      await test(\`block \${i} answers PING\`, async () => assertEqual(await server.call('ping'), 'PONG'));
    });
  }
});
`,
  );
  const t0 = performance.now();
  const result = await execa(path.join(PROJECT_ROOT, 'runtest'), ['--single', 'bench/fifty-blocks', '--clients', '1', '--baseport', '56600', '--portcount', '300'], {
    env: { RUNTEST_SUITES_DIR: suites, RUNTEST_TMPDIR: path.join(tmp, 'runs'), NO_COLOR: '1' },
    reject: false,
  });
  const wall = performance.now() - t0;
  const summary = result.stdout.split('\n').filter((l) => /passed, \d+ failed/.test(l)).pop();
  console.log(`50-block suite via ./runtest (process start included): ${(wall / 1000).toFixed(2)} s wall, ${summary}`);
} finally {
  run.killLeftovers();
  rmSync(tmp, { recursive: true, force: true });
}
