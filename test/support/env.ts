import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PortAllocator } from '../../harness/servers/ports.ts';
import { RunDir } from '../../harness/core/processes.ts';
import type { SpawnContext } from '../../harness/servers/server.ts';

export const SERVER_BINARY = process.env.RUNTEST_SERVER ?? '/usr/bin/redis-server';

/** A private run directory and port range for one test file; removed at teardown. */
export function testRun(t: { teardown: (fn: () => void) => void }, basePort: number): { run: RunDir; ports: PortAllocator; ctx: SpawnContext } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runtest-selftest-'));
  const run = new RunDir(dir);
  const ports = new PortAllocator(basePort, 200);
  t.teardown(() => {
    run.killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });
  return { run, ports, ctx: { binary: SERVER_BINARY, run, ports } };
}

/** Processes whose cwd lies inside dir (servers chdir into their own dirs): what a run left running. */
export function processesUnder(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readlinkSync(`/proc/${e}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}
