import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { identityFromVersionLine, serverPrefix, TOOL_NAMES, toolRole, type ServerIdentity, type ToolPaths } from '../core/forks.ts';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, searchPath = process.env.PATH ?? ''): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

export class BinaryNotFound extends Error {
  override name = 'BinaryNotFound';
}

/** An explicit binary path: resolved against cwd (links kept: a fork's tools are named after the link). */
function explicitBinary(flag: string, given: string, cwd: string): string {
  const resolved = path.resolve(cwd, given);
  if (!existsSync(resolved)) throw new BinaryNotFound(`server binary not found: ${given} does not exist (pass ${flag} with the path of a redis-server, valkey-server...)`);
  if (!isExecutable(resolved)) throw new BinaryNotFound(`server binary not executable: ${resolved} (chmod +x it or pass another ${flag})`);
  return resolved;
}

/** --server PATH, else ./src/redis-server inside a server source tree, else redis-server on PATH. */
export function resolveServerBinary(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) return explicitBinary('--server', explicit, cwd);
  const inTree = path.join(cwd, 'src', 'redis-server');
  if (isExecutable(inTree)) return inTree;
  const found = onPath('redis-server');
  if (found) return found;
  throw new BinaryNotFound('redis-server not found: install it (apt-get install redis-server redis-tools) or pass --server PATH');
}

/** --other-server PATH: the second binary that needs:other-server blocks start; '' when not given. */
export function resolveOtherServerBinary(explicit: string | undefined, cwd = process.cwd()): string {
  return explicit ? explicitBinary('--other-server', explicit, cwd) : '';
}

export interface ToolLookup {
  tools: ToolPaths;
  /** One line per tool that is another fork's (redis-cli for a valkey-server) or missing. */
  warnings: string[];
}

/**
 * The tools a run uses with this server binary (null: an external server). For DIR/<prefix>-server:
 * DIR/<prefix>-<tool>, then <prefix>-<tool> on PATH, and only then DIR/redis-<tool> and redis-<tool>
 * on PATH, with a warning (another fork's tool may not speak to this server as its own does).
 */
export function resolveTools(binary: string | null, searchPath = process.env.PATH ?? ''): ToolLookup {
  const prefix = binary ? serverPrefix(binary) : 'redis';
  const dir = binary ? path.dirname(binary) : null;
  const find = (name: string) => {
    const beside = dir ? path.join(dir, name) : null;
    if (beside && isExecutable(beside)) return beside;
    return onPath(name, searchPath);
  };
  const where = binary ? `beside ${binary} or on PATH` : 'on PATH';
  const tools = {} as ToolPaths;
  const warnings: string[] = [];
  for (const tool of TOOL_NAMES) {
    const own = `${prefix}-${toolRole(tool)}`;
    const found = find(own);
    if (found) {
      tools[tool] = found;
      continue;
    }
    const fallback = prefix === 'redis' ? null : find(tool);
    if (fallback) {
      tools[tool] = fallback;
      warnings.push(`warning: no ${own} ${where}: using ${fallback}, another fork's tool`);
    } else {
      tools[tool] = own;
      warnings.push(`warning: no ${own}${prefix === 'redis' ? '' : ` (nor ${tool})`} ${where}: tests that run it will fail`);
    }
  }
  return { tools, warnings };
}

/** The binary's name and version from `<binary> --version` (no server started); null when it gives none. */
export function describeServer(binary: string): ServerIdentity | null {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return identityFromVersionLine(out);
  } catch {
    return null;
  }
}

/** A header line naming a binary with its name and version. */
export function serverLine(label: string, binary: string, identity: ServerIdentity | null): string {
  return `${label}: ${binary} (${identity ? `${identity.name} ${identity.version}` : 'name and version unknown: --version gave none'})`;
}

/** The header line listing the tools a run uses, in TOOL_NAMES order. */
export function toolsLine(tools: ToolPaths): string {
  return `tools: ${TOOL_NAMES.map((tool) => tools[tool]).join(' ')}`;
}
