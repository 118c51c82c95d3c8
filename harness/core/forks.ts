import path from 'node:path';

/**
 * Redis and its forks (Valkey, Redict, KeyDB) ship the same programs under their own prefix:
 * valkey-server, valkey-cli, valkey-benchmark, valkey-check-aof, valkey-check-rdb. Suites name a
 * tool by its Redis name (runTool('redis-cli', ...)); the run maps each to the server's own.
 */
export const TOOL_NAMES = ['redis-cli', 'redis-benchmark', 'redis-check-aof', 'redis-check-rdb'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The program each tool runs: an absolute path, or a bare name looked up on PATH at exec time. */
export type ToolPaths = Record<ToolName, string>;

/** The tools by their Redis names, found on PATH (what a run uses when it looked up nothing). */
export function toolsOnPath(): ToolPaths {
  return Object.fromEntries(TOOL_NAMES.map((tool) => [tool, tool])) as ToolPaths;
}

/** `cli` for redis-cli: the part every fork's name shares. */
export function toolRole(tool: ToolName): string {
  return tool.slice('redis-'.length);
}

/** valkey for .../valkey-server; redis for a binary whose name does not end in -server. */
export function serverPrefix(binary: string): string {
  const match = /^(.+)-server$/.exec(path.basename(binary));
  return match ? match[1] : 'redis';
}

const TITLES: Record<string, string> = { redis: 'Redis', valkey: 'Valkey', redict: 'Redict', keydb: 'KeyDB' };

/** How a server name is written in messages: Valkey for valkey, KeyDB for keydb. */
export function nameTitle(name: string): string {
  return TITLES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
}

/** The server's name in messages ("Can't start the Valkey server"), from its binary's prefix. */
export function serverTitle(binary: string): string {
  return nameTitle(serverPrefix(binary));
}

export interface ServerIdentity {
  /** As the server names itself: INFO server_name, or the first word of --version (redis, valkey...). */
  name: string;
  version: string;
}

/**
 * A server's name and version from its INFO text: server_name and <name>_version where the fork
 * reports them (Valkey: server_name:valkey, valkey_version), else redis_version (Redis 7.0, KeyDB).
 */
export function identityFromInfo(info: string): ServerIdentity {
  const field = (name: string) => new RegExp(`^${name}:(.*?)\\r?$`, 'm').exec(info)?.[1] ?? '';
  const name = field('server_name') || 'redis';
  return { name, version: field(`${name}_version`) || field('redis_version') };
}

/** A server's name and version from its `--version` line ("Valkey server v=8.0.1 sha=..."); null if it is not one. */
export function identityFromVersionLine(line: string): ServerIdentity | null {
  const match = /^(\S+) server v=(\S+)/.exec(line.trim());
  return match ? { name: match[1].toLowerCase(), version: match[2] } : null;
}
