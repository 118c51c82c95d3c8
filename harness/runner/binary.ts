import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

export class BinaryNotFound extends Error {
  override name = 'BinaryNotFound';
}

/** --server PATH, else ./src/redis-server inside a server source tree, else redis-server on PATH. */
export function resolveServerBinary(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) {
    const resolved = path.resolve(cwd, explicit);
    if (!existsSync(resolved)) throw new BinaryNotFound(`server binary not found: ${explicit} does not exist (pass --server with the path of a redis-server)`);
    if (!isExecutable(resolved)) throw new BinaryNotFound(`server binary not executable: ${resolved} (chmod +x it or pass another --server)`);
    return resolved;
  }
  const inTree = path.join(cwd, 'src', 'redis-server');
  if (isExecutable(inTree)) return inTree;
  const found = onPath('redis-server');
  if (found) return found;
  throw new BinaryNotFound('redis-server not found: install it (apt-get install redis-server redis-tools) or pass --server PATH');
}

/** Where the tools live: beside the server when they are there, else on PATH (null). */
export function toolsDirFor(binary: string): string | null {
  const dir = path.dirname(binary);
  return existsSync(path.join(dir, 'redis-cli')) ? dir : null;
}
