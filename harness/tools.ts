import { execa, type Options as ExecaOptions, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { settings } from './suite.ts';
import type { ServerHandle } from './instance.ts';

export type ToolName = 'redis-cli' | 'redis-benchmark' | 'redis-check-aof' | 'redis-check-rdb';

/** A tool beside the server binary (so a build tree tests its own tools), else the one on PATH. */
export function toolPath(tool: ToolName, toolsDir: string | null = settings().toolsDir): string {
  if (toolsDir) {
    const candidate = path.join(toolsDir, tool);
    if (existsSync(candidate)) return candidate;
  }
  return tool;
}

/** Runs a tool to completion with an argument array (never a shell); does not throw on a non-zero exit. */
export function runTool(tool: ToolName, args: string[], opts: ExecaOptions = {}) {
  return execa(toolPath(tool), args, { reject: false, stripFinalNewline: false, ...opts });
}

/** Starts a tool in the background; the caller keeps the handle and kills or awaits it. */
export function spawnTool(tool: ToolName, args: string[], opts: ExecaOptions = {}): ResultPromise {
  return execa(toolPath(tool), args, { reject: false, stripFinalNewline: false, ...opts });
}

/** Tcl rediscli: arguments to reach a server over TCP. */
export function cliArgs(handle: Pick<ServerHandle, 'host' | 'port'>, opts: string[] = []): string[] {
  return ['-h', handle.host, '-p', String(handle.port), ...opts];
}

/** Tcl rediscli_exec: redis-cli on the server's unix socket; output split into lines. */
export async function rediscliExec(handle: ServerHandle, args: string[]): Promise<string[]> {
  const result = await runTool('redis-cli', ['-s', handle.unixsocket, ...args]);
  const lines = String(result.stdout).split('\n');
  lines.pop();
  return lines;
}

/** Tcl redisbenchmark: arguments to reach a server over TCP. */
export function benchmarkArgs(handle: Pick<ServerHandle, 'host' | 'port'>, opts: string[] = []): string[] {
  return ['-h', handle.host, '-p', String(handle.port), ...opts];
}

export function benchmarkUriArgs(handle: Pick<ServerHandle, 'host' | 'port'>, opts: string[] = [], user?: string, pass?: string): string[] {
  const auth = user !== undefined ? `${user}:${pass}@` : '';
  return ['-u', `redis://${auth}${handle.host}:${handle.port}`, ...opts];
}
