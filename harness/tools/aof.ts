// Multi-part AOF tooling for the persistence suites: building AOF files and manifests by hand,
// reading them back, finding the files a running server uses, and servers started on a
// directory that outlives them (the port of tests/support/aofmanifest.tcl and the AOF helpers of
// tests/support/util.tcl).

import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertEqual, assertMatch, type Caller } from '../suite/assert.ts';
import { overrideEntries, type Overrides } from '../servers/config.ts';
import { countMessageLines } from '../core/logs.ts';
import { configGet, type ServerHandle } from '../servers/handle.ts';
import { killServer, spawnServer, startServer } from '../suite/blocks.ts';
import { runTool } from './programs.ts';

/** The config both AOF suites start their servers with (upstream's `defaults`). */
export const AOF_DEFAULTS = {
  appendonly: 'yes',
  appendfilename: 'appendonly.aof',
  appenddirname: 'appendonlydir',
  'auto-aof-rewrite-percentage': '0',
} as const;

// ---- names ----------------------------------------------------------------------------------

export const BASE_AOF_SUFFIX = '.base';
export const INCR_AOF_SUFFIX = '.incr';
export const MANIFEST_SUFFIX = '.manifest';
export const AOF_FORMAT_SUFFIX = '.aof';
export const RDB_FORMAT_SUFFIX = '.rdb';

/** `<appendfilename>.<seq>.base.<aof|rdb>`, the name the server gives a BASE file. */
export function baseAofName(appendfilename: string, seq: number, format: 'aof' | 'rdb' = 'aof'): string {
  return `${appendfilename}.${seq}${BASE_AOF_SUFFIX}${format === 'aof' ? AOF_FORMAT_SUFFIX : RDB_FORMAT_SUFFIX}`;
}

/** `<appendfilename>.<seq>.incr.aof`, the name the server gives an INCR file. */
export function incrAofName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}${INCR_AOF_SUFFIX}${AOF_FORMAT_SUFFIX}`;
}

export function manifestName(appendfilename: string): string {
  return appendfilename + MANIFEST_SUFFIX;
}

// ---- RESP commands as the AOF stores them ---------------------------------------------------

/** One command in the AOF's RESP form (Tcl formatCommand); lengths count bytes. */
export function formatCommand(...args: Array<string | number>): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const text = String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

/**
 * Reads commands back from AOF bytes one at a time (Tcl read_from_aof): each as its argument
 * list with the command name lower-cased; null at the end of the data. `#` annotation lines
 * are skipped. Arguments are decoded
 * byte for byte (latin1), so binary values survive.
 */
export class AofReader {
  private pos = 0;

  constructor(private readonly data: Buffer) {}

  static fromFile(file: string): AofReader {
    return new AofReader(readFileSync(file));
  }

  get offset(): number {
    return this.pos;
  }

  next(): string[] | null {
    // Annotations (`#TS:<unix time>` lines) are skipped, as the server skips them when loading.
    while (this.pos < this.data.length && this.data[this.pos] === 0x23) this.line();
    if (this.pos >= this.data.length) return null;
    const header = this.line();
    if (!header.startsWith('*')) throw new Error(`AOF: expected '*<count>' at byte ${this.pos}, got '${header}'`);
    const count = Number(header.slice(1));
    if (!Number.isInteger(count) || count < 0) throw new Error(`AOF: bad argument count '${header}'`);
    const args: string[] = [];
    for (let j = 0; j < count; j++) {
      const bulk = this.line();
      if (!bulk.startsWith('$')) throw new Error(`AOF: expected '$<length>' at byte ${this.pos}, got '${bulk}'`);
      const length = Number(bulk.slice(1));
      if (!Number.isInteger(length) || length < 0) throw new Error(`AOF: bad bulk length '${bulk}'`);
      if (this.pos + length > this.data.length) throw new Error('AOF: truncated bulk string');
      const arg = this.data.toString('latin1', this.pos, this.pos + length);
      this.pos += length + 2;
      args.push(j === 0 ? arg.toLowerCase() : arg);
    }
    return args;
  }

  /** Every remaining command. */
  all(): string[][] {
    const out: string[][] = [];
    for (let cmd = this.next(); cmd !== null; cmd = this.next()) out.push(cmd);
    return out;
  }

  private line(): string {
    const end = this.data.indexOf('\n', this.pos);
    const stop = end < 0 ? this.data.length : end;
    let text = this.data.toString('latin1', this.pos, stop);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.pos = stop + 1;
    return text;
  }
}

/** Commands of an AOF file must match the glob patterns in order (Tcl assert_aof_content). */
export function assertAofContent(aofPath: string, patterns: string[]): void {
  const reader = AofReader.fromFile(aofPath);
  for (const pattern of patterns) assertMatch(pattern, reader.next() ?? '');
}

// ---- manifest lines -------------------------------------------------------------------------

export interface AofManifestEntry {
  file: string;
  seq: number;
  type: string;
}

/**
 * Splits a line into arguments the way the server reads its manifest (sdssplitargs): words
 * separated by blanks, "double quotes" with \n \r \t \b \a \xHH and \<c> escapes, 'single
 * quotes' with \' only. A closing quote must be followed by a blank. Null when unbalanced.
 */
export function splitArgs(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const blank = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0' || c === '\v' || c === '\f';
  while (true) {
    while (i < line.length && blank(line[i])) i++;
    if (i >= line.length) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < line.length) {
          i++;
          const e = line[i]!;
          current += ({ n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' } as Record<string, string>)[e] ?? e;
        } else if (c === '"') {
          if (i + 1 < line.length && !blank(line[i + 1])) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (i + 1 < line.length && !blank(line[i + 1])) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (c === undefined || blank(c)) {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (i < line.length) i++;
    }
    args.push(current);
  }
}

/** True when the server writes the name quoted in a manifest (sdsneedsrepr). */
export function nameNeedsQuoting(name: string): boolean {
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"' || code <= 0x20 || code >= 0x7f) return true;
  }
  return false;
}

/** The name as the server writes it in a manifest: as is, or double-quoted with escapes (sdscatrepr). */
export function quoteManifestName(name: string): string {
  if (!nameNeedsQuoting(name)) return name;
  const escapes: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\b': '\\b' };
  let out = '"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (escapes[ch] !== undefined) out += escapes[ch];
    else if (code < 0x20 || code >= 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** One manifest line without its newline: `file <name> seq <n> type <t>`. */
export function formatManifestLine(entry: AofManifestEntry): string {
  return `file ${quoteManifestName(entry.file)} seq ${entry.seq} type ${entry.type}`;
}

/** A whole manifest, one line per entry, each ending with a newline. */
export function formatManifest(entries: AofManifestEntry[]): string {
  return entries.map((e) => formatManifestLine(e) + '\n').join('');
}

/** Parses one manifest line (unknown keys are ignored, as the server does); throws when malformed. */
export function parseManifestLine(line: string): AofManifestEntry {
  const args = splitArgs(line);
  if (args === null || args.length < 6 || args.length % 2 !== 0) throw new Error(`invalid AOF manifest line: ${JSON.stringify(line)}`);
  const fields = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) fields.set(args[i]!, args[i + 1]!);
  const file = fields.get('file');
  const seq = fields.get('seq');
  const type = fields.get('type');
  if (file === undefined || seq === undefined || type === undefined || !/^\d+$/.test(seq)) {
    throw new Error(`invalid AOF manifest line: ${JSON.stringify(line)}`);
  }
  return { file, seq: Number(seq), type };
}

/**
 * The lines of a manifest as Tcl's line loop sees them: each line that ends with a newline,
 * without it (an unterminated last line is not counted).
 */
export function manifestLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

export function parseManifest(text: string): AofManifestEntry[] {
  return manifestLines(text).map(parseManifestLine);
}

function readManifestLines(manifestPath: string): string[] {
  return manifestLines(readFileSync(manifestPath, 'latin1'));
}

/** The manifest must hold exactly these lines (Tcl assert_aof_manifest_content). */
export function assertAofManifestContent(manifestPath: string, expected: string[]): void {
  const lines = readManifestLines(manifestPath);
  assertEqual(lines.length, expected.length, `lines of ${manifestPath}: ${JSON.stringify(lines)}`);
  for (let i = 0; i < lines.length; i++) assertEqual(lines[i], expected[i]);
}

/** The file of the manifest's first (`first`) or last line when that line has the type, else ''. */
function manifestEnd(manifestPath: string, end: 'first' | 'last', type: 'b' | 'i'): string {
  const lines = readManifestLines(manifestPath);
  if (lines.length === 0) return '';
  const entry = parseManifestLine(lines[end === 'first' ? 0 : lines.length - 1]!);
  return entry.type === type ? entry.file : '';
}

/** The BASE file named by the manifest's first line, or '' when that line is not a BASE. */
export function currentBaseAofName(manifestPath: string): string {
  return manifestEnd(manifestPath, 'first', 'b');
}

/** The INCR file named by the manifest's last line, or '' when that line is not an INCR. */
export function lastIncrAofName(manifestPath: string): string {
  return manifestEnd(manifestPath, 'last', 'i');
}

// ---- files of a running server --------------------------------------------------------------

/** Path of a file the running server's manifest names, '' when none. */
async function serverAofPath(r: Caller, name: (manifestPath: string) => string): Promise<string> {
  const aofDir = path.join(await configGet(r, 'dir'), await configGet(r, 'appenddirname'));
  const file = name(path.join(aofDir, manifestName(await configGet(r, 'appendfilename'))));
  return file === '' ? '' : path.join(aofDir, file);
}

/** Path of the server's last INCR AOF, from its manifest; '' when there is none (Tcl get_last_incr_aof_path). */
export function getLastIncrAofPath(r: Caller): Promise<string> {
  return serverAofPath(r, lastIncrAofName);
}

/** Path of the server's BASE AOF, from its manifest; '' when there is none (Tcl get_base_aof_path). */
export function getBaseAofPath(r: Caller): Promise<string> {
  return serverAofPath(r, currentBaseAofName);
}

// ---- building files by hand -----------------------------------------------------------------

export function createAofDir(dirPath: string): void {
  mkdirSync(dirPath, { recursive: true });
}

function joinChunks(chunks: Array<string | Buffer>): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}

/** Writes an AOF file from chunks (formatCommand output, annotations, raw bytes), creating its dir (Tcl create_aof). */
export function createAof(dirPath: string, aofFile: string, chunks: Array<string | Buffer>): void {
  createAofDir(dirPath);
  writeFileSync(aofFile, joinChunks(chunks));
}

/** Writes a manifest from raw text chunks, each usually one line with its newline (Tcl create_aof_manifest). */
export function createAofManifest(dirPath: string, manifestFile: string, chunks: string[]): void {
  createAofDir(dirPath);
  writeFileSync(manifestFile, chunks.join(''), 'utf8');
}

/** Appends to an existing AOF or manifest file. */
export function appendToAof(file: string, chunks: Array<string | Buffer>): void {
  appendFileSync(file, joinChunks(chunks));
}

/** Removes an AOF directory and everything in it (Tcl clean_aof_persistence). */
export function cleanAofPersistence(aofDirPath: string): void {
  rmSync(aofDirPath, { recursive: true, force: true });
}

export function checkFileExist(dir: string, filename: string): boolean {
  return existsSync(path.join(dir, filename));
}

// ---- logs -----------------------------------------------------------------------------------

/** Matching lines in <dir>/stdout, where every server started on that dir logs (Tcl count_message_lines). */
export function countDirLogMessages(dir: string, pattern: string): number {
  return countMessageLines(path.join(dir, 'stdout'), pattern);
}

// ---- servers on a given dir -----------------------------------------------------------------

export interface AofServerOptions {
  /** Config on top of `dir` (a suite passes its AOF defaults merged with the block's own). */
  overrides?: Overrides;
  /**
   * false: return as soon as the server logged its start, without waiting for it to be ready,
   * and accept that it exits by itself (an AOF it refuses to load); the handle's default client
   * is not connected then. Default true.
   */
  waitReady?: boolean;
}

/**
 * Tcl start_server_aof: a server whose `dir` is the given directory, stopped (SIGTERM) after the
 * body, with its persistence left in place for the next server on that directory.
 */
export async function startServerAof(dir: string, opts: AofServerOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const overrides: Array<[string, string]> = [['dir', dir], ...overrideEntries(opts.overrides).filter(([k]) => k !== 'dir')];
  if (opts.waitReady === false) {
    const handle = await spawnServer({ overrides, waitReady: false });
    try {
      await body(handle);
    } finally {
      await killServer(handle);
    }
    return;
  }
  await startServer({ overrides, keepPersistence: true }, body);
}

// ---- redis-check-aof ------------------------------------------------------------------------

export interface CheckAofResult {
  exitCode: number;
  /** stdout and stderr interleaved, as Tcl's exec reports them. */
  output: string;
}

/** Runs redis-check-aof with an argument array (never a shell); `input` is fed to its stdin. */
export async function runCheckAof(args: string[], input?: string): Promise<CheckAofResult> {
  const result = await runTool('redis-check-aof', args, { all: true, ...(input !== undefined ? { input } : { stdin: 'ignore' }) });
  return { exitCode: result.exitCode ?? -1, output: String(result.all ?? '') };
}
