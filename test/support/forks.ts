import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where Debian's redis-server and redis-tools put the binaries the fork directories stand in for. */
export const DEBIAN_BIN = '/usr/bin';

export type ForkProgram = 'server' | 'cli' | 'benchmark' | 'check-aof' | 'check-rdb';
export const FORK_PROGRAMS: readonly ForkProgram[] = ['server', 'cli', 'benchmark', 'check-aof', 'check-rdb'];

/**
 * A fork's build directory without a fork build: dir/<prefix>-server, -cli... standing for
 * Debian's redis-* programs. Server, cli and benchmark are links. The check tools are small
 * scripts instead: Debian's redis-check-aof and -rdb are the server binary, which picks its role
 * from the name it was started by, and would start as a server under another name.
 */
export function makeForkDir(dir: string, prefix: string, programs: readonly ForkProgram[] = FORK_PROGRAMS): string {
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    const name = path.join(dir, `${prefix}-${program}`);
    const target = path.join(DEBIAN_BIN, `redis-${program}`);
    if (program.startsWith('check-')) {
      writeFileSync(name, `#!/bin/bash\nexec -a ${target} ${target} "$@"\n`);
      chmodSync(name, 0o755);
    } else {
      symlinkSync(target, name);
    }
  }
  return path.join(dir, `${prefix}-server`);
}
