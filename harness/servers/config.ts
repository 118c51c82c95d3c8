import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../core/processes.ts';

export const FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');

/** Directive -> value, in file order; a later set of the same directive replaces it in place. */
export type ServerConfig = Map<string, string>;
export type Overrides = Record<string, string | number> | Array<[string, string | number]>;

export function overrideEntries(overrides: Overrides | undefined): Array<[string, string]> {
  if (!overrides) return [];
  const entries = Array.isArray(overrides) ? overrides : Object.entries(overrides);
  return entries.map(([k, v]) => [k, String(v)]);
}

/** Parses a template the way start_server does: first word is the directive, the rest its value. */
export function parseConfigTemplate(text: string): ServerConfig {
  const config: ServerConfig = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    if (space < 0) config.set(line, '');
    else config.set(line.slice(0, space), line.slice(space + 1).trim());
  }
  return config;
}

export function loadConfigTemplate(name: string): ServerConfig {
  const file = path.isAbsolute(name) ? name : path.join(FIXTURES_DIR, name);
  try {
    return parseConfigTemplate(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`config template '${name}' not found at ${file}: name a file in fixtures/ or an absolute path`);
  }
}

export interface BuildConfigInput {
  template: ServerConfig;
  dir: string;
  port: number;
  unixsocket: string;
  globalOverrides?: Array<[string, string]>;
  overrides?: Overrides;
  omit?: string[];
}

/** Template, then dir/port/socket, then global --config lines, then the block's overrides, minus omitted directives. */
export function buildServerConfig(input: BuildConfigInput): ServerConfig {
  const config: ServerConfig = new Map(input.template);
  config.set('dir', input.dir);
  config.set('port', String(input.port));
  config.set('unixsocket', input.unixsocket);
  for (const [k, v] of [...(input.globalOverrides ?? []), ...overrideEntries(input.overrides)]) config.set(k, v);
  for (const k of input.omit ?? []) config.delete(k);
  return config;
}

function formatValue(value: string): string {
  return value === '' ? '""' : value;
}

export function renderConfig(config: ServerConfig, configLines: Array<[string, string | number]> = []): string {
  const lines = [...config].map(([k, v]) => `${k} ${formatValue(v)}`);
  for (const [k, v] of configLines) lines.push(`${k} ${formatValue(String(v))}`);
  return lines.join('\n') + '\n';
}

export function writeConfigFile(file: string, config: ServerConfig, configLines?: Array<[string, string | number]>): void {
  writeFileSync(file, renderConfig(config, configLines));
}
