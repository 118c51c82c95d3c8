import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../core/processes.ts';
import { serverTlsConfig, serverTlsPorts } from './tls.ts';

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
  /** TLS mode: the run's certificate directory; the server listens for TLS only, on `port`. */
  tlsDir?: string;
}

/** The directive that holds a server's listening port: tls-port in TLS mode. */
export function portDirective(config: ServerConfig): 'port' | 'tls-port' {
  return config.get('port') === '0' && config.has('tls-port') ? 'tls-port' : 'port';
}

/** (TLS mode: certificates first, as Tcl puts them, so a template may override them.) Template, then dir/port/socket, then global --config lines, then the block's overrides, minus omitted directives. */
export function buildServerConfig(input: BuildConfigInput): ServerConfig {
  // Tcl also sets loglevel debug in TLS mode; its templates set loglevel, so that never shows.
  const tlsFirst: Array<[string, string]> = input.tlsDir ? [...serverTlsConfig(input.tlsDir), ['loglevel', 'debug']] : [];
  const ports: Array<[string, string]> = input.tlsDir ? serverTlsPorts(input.port) : [['port', String(input.port)]];
  const config: ServerConfig = new Map(tlsFirst);
  for (const [k, v] of input.template) config.set(k, v);
  config.set('dir', input.dir);
  for (const [k, v] of ports) config.set(k, v);
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
