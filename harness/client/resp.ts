// RESP2/RESP3 codec: command encoding and an incremental reply parser. No I/O.

export type Arg = string | number | bigint | Buffer;

export { Double, Verbatim } from '../core/values.ts';
import { Double, Verbatim } from '../core/values.ts';

/** An error reply (`-` or RESP3 `!`). `message` is the server's exact text. */
export class ReplyError extends Error {
  /** First word of the message, e.g. `ERR`, `WRONGTYPE`, `NOSCRIPT`. */
  readonly code: string;
  /** For an error found inside an aggregate: the whole aggregate reply. */
  reply?: Reply;
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
    const space = message.indexOf(' ');
    this.code = space === -1 ? message : message.slice(0, space);
  }
}

/** Malformed protocol data: the stream cannot be trusted after this. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(`Protocol error: ${message}`);
    this.name = 'ProtocolError';
  }
}

export class RespSet extends Array<Reply> {}
export class RespPush extends Array<Reply> {}
export class RespMap extends Map<Reply, Reply> {}

export type Reply =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | Double
  | Verbatim
  | ReplyError
  | RespMap
  | Reply[];

export interface ParserOptions {
  /** Strings (simple, bulk, verbatim) as Buffer instead of UTF-8 string. */
  buffers?: boolean;
  /** Keep RESP3 verbatim strings as `Verbatim` (with their format) instead of plain text. */
  resp3Types?: boolean;
  /** RESP3 booleans as 1/0, as the Tcl client returns them. */
  tclBool?: boolean;
}

export interface ParsedReply {
  value: Reply;
  /** The last attribute map (`|`) met while parsing this reply, if any. */
  attributes?: RespMap;
}

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

function argToBuffer(arg: Arg): Buffer | string {
  if (Buffer.isBuffer(arg)) return arg;
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'bigint') return arg.toString();
  if (typeof arg === 'number') {
    // Redis spells non-finite floats this way (strtold accepts them).
    if (Number.isNaN(arg)) return 'nan';
    if (arg === Infinity) return 'inf';
    if (arg === -Infinity) return '-inf';
    return String(arg);
  }
  throw new TypeError(`cannot encode command argument of type ${typeof arg}`);
}

/**
 * RESP multibulks, appended one command at a time and taken as one buffer; binary safe. String
 * arguments of every command go into one text segment, Buffers in between uncopied until take():
 * a pipeline costs one allocation, not one or more per command.
 */
export class CommandEncoder {
  private parts: Buffer[] = [];
  private text = '';

  get empty(): boolean {
    return this.text === '' && this.parts.length === 0;
  }

  add(args: Arg[]): void {
    // Built aside and committed at the end: an argument that cannot be encoded adds nothing.
    let text = `${this.text}*${args.length}\r\n`;
    let parts: Buffer[] | null = null;
    for (const arg of args) {
      const value = argToBuffer(arg);
      if (typeof value === 'string') {
        text += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
      } else {
        (parts ??= []).push(Buffer.from(`${text}$${value.length}\r\n`), value);
        text = '\r\n';
      }
    }
    if (parts) this.parts.push(...parts);
    this.text = text;
  }

  /** Raw protocol bytes, sent as they are. */
  addRaw(data: string | Buffer): void {
    if (typeof data === 'string') {
      this.text += data;
    } else {
      this.parts.push(Buffer.from(this.text), data);
      this.text = '';
    }
  }

  /** Everything added, as one buffer; the encoder is empty after. */
  take(): Buffer {
    const tail = Buffer.from(this.text);
    const out = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.text = '';
    return out;
  }
}

/** Encodes one command as a RESP multibulk; binary safe. */
export function encodeCommand(args: Arg[]): Buffer {
  const encoder = new CommandEncoder();
  encoder.add(args);
  return encoder.take();
}

/** Shows a protocol line in an error message, shortened and escaped. */
function showLine(line: Buffer): string {
  const shown = JSON.stringify(line.subarray(0, 64).toString('latin1'));
  return line.length > 64 ? `${shown}...` : shown;
}

function showByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}' (${hex})` : hex;
}

/**
 * Received bytes as a list of chunks: bytes are taken without concatenating
 * until a taken piece spans chunks, so big payloads cost O(n).
 */
class ByteQueue {
  private chunks: Buffer[] = [];
  private offset = 0; // bytes of chunks[0] already taken
  length = 0;
  // Where the last unsuccessful newline search stopped.
  private scanChunk = 0;
  private scanPos = 0;
  private scanBefore = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /**
   * Fast path for the common case: where the next line's LF lies when the whole line is in the
   * first chunk (the caller reads it from `firstChunk` at `readOffset`, then skips it); -1 otherwise.
   */
  lineEndInFirstChunk(): number {
    if (this.scanChunk !== 0 || this.scanPos !== 0 || this.chunks.length === 0) return -1;
    return this.chunks[0]!.indexOf(LF, this.offset);
  }

  get firstChunk(): Buffer | undefined {
    return this.chunks[0];
  }

  /** Where the unread bytes of the first chunk start. */
  get readOffset(): number {
    return this.offset;
  }

  /** True when the next `count` bytes all lie in the first chunk. */
  contiguous(count: number): boolean {
    return this.chunks.length > 0 && this.chunks[0]!.length - this.offset >= count;
  }

  /** Drops `count` bytes of the first chunk, which must hold them (see contiguous). */
  skip(count: number): void {
    this.scanChunk = 0;
    this.scanPos = 0;
    this.scanBefore = 0;
    this.length -= count;
    this.offset += count;
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  /** Takes a line up to LF; `cr` tells whether a CR preceded the LF (it is stripped). */
  takeLine(): { line: Buffer; cr: boolean } | undefined {
    let before = this.scanBefore; // bytes from the read position to chunk `index`
    for (let index = this.scanChunk; index < this.chunks.length; index++) {
      const chunk = this.chunks[index]!;
      const start = index === 0 ? this.offset : 0;
      const from = index === this.scanChunk ? Math.max(start, this.scanPos) : start;
      const at = chunk.indexOf(LF, from);
      if (at !== -1) {
        const count = before + at - start;
        const taken = this.take(count + 1);
        const cr = count > 0 && taken[count - 1] === CR;
        return { line: taken.subarray(0, cr ? count - 1 : count), cr };
      }
      if (index < this.chunks.length - 1) before += chunk.length - start;
    }
    // Resume from the end of the last chunk next time, so long lines cost O(n).
    if (this.chunks.length > 0) {
      this.scanChunk = this.chunks.length - 1;
      this.scanPos = this.chunks[this.scanChunk]!.length;
      this.scanBefore = before;
    }
    return undefined;
  }

  /** Takes exactly `count` bytes; the caller checks `length` first. */
  take(count: number): Buffer {
    if (count > this.length) throw new RangeError(`take(${count}) with ${this.length} bytes buffered`);
    this.scanChunk = 0;
    this.scanPos = 0;
    this.scanBefore = 0;
    if (count === 0) return EMPTY;
    this.length -= count;
    const first = this.chunks[0]!;
    const available = first.length - this.offset;
    if (count < available) {
      const out = first.subarray(this.offset, this.offset + count);
      this.offset += count;
      return out;
    }
    if (count === available) {
      const out = first.subarray(this.offset);
      this.chunks.shift();
      this.offset = 0;
      return out;
    }
    const parts = [first.subarray(this.offset)];
    let missing = count - available;
    let fullyTaken = 1;
    let nextOffset = 0;
    while (missing > 0) {
      const chunk = this.chunks[fullyTaken]!;
      if (chunk.length <= missing) {
        parts.push(chunk);
        missing -= chunk.length;
        fullyTaken++;
      } else {
        parts.push(chunk.subarray(0, missing));
        nextOffset = missing;
        missing = 0;
      }
    }
    this.chunks.splice(0, fullyTaken);
    this.offset = nextOffset;
    return Buffer.concat(parts, count);
  }

  clear(): void {
    this.chunks = [];
    this.offset = 0;
    this.length = 0;
    this.scanChunk = 0;
    this.scanPos = 0;
    this.scanBefore = 0;
  }
}

type FrameKind = 'array' | 'set' | 'push' | 'map' | 'attribute';

interface Frame {
  kind: FrameKind;
  /** Elements still expected (map entries count twice); Infinity when streamed. */
  remaining: number;
  items: Reply[];
}

/** Marks "no complete value yet" inside the parser. */
const NONE: unique symbol = Symbol('none');

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Incremental RESP2/RESP3 parser: `push` received bytes, then call `next`
 * until it returns undefined. Error replies are values (ReplyError); malformed
 * input throws ProtocolError.
 */
/** Tcl `string trim` of a protocol line's bytes: spaces, tabs, CR/LF, VT, FF at both ends. */
function trimAscii(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  const space = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  while (start < end && space(bytes[start]!)) start++;
  while (end > start && space(bytes[end - 1]!)) end--;
  return start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
}

const isTclSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** Plain decimal digits (optionally signed when `signed`) of at most 15 digits, else undefined (the slow path decides). */
function smallDecimal(buf: Buffer, start: number, end: number, signed: boolean): number | undefined {
  let i = start;
  let negative = false;
  if (signed && i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) negative = buf[i++] === 0x2d;
  if (i === end || end - i > 15) return undefined;
  let value = 0;
  for (; i < end; i++) {
    const digit = buf[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

export class RespParser {
  private readonly queue = new ByteQueue();
  private readonly stack: Frame[] = [];
  /** A bulk-like payload whose header was read: `$`, `!`, `=` or a `;` chunk. */
  private payload: { type: number; length: number } | null = null;
  /** Chunks of a streamed string (`$?`) collected so far. */
  private streamed: Buffer[] | null = null;
  private attributes: RespMap | undefined;
  private readonly buffers: boolean;
  private readonly resp3Types: boolean;
  private readonly tclBool: boolean;

  constructor(options: ParserOptions = {}) {
    this.buffers = options.buffers ?? false;
    this.resp3Types = options.resp3Types ?? false;
    this.tclBool = options.tclBool ?? false;
  }

  push(chunk: Buffer): void {
    this.queue.push(chunk);
  }

  /** Bytes received and not yet consumed. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /** True while a reply has been partly consumed. */
  get midReply(): boolean {
    return this.stack.length > 0 || this.payload !== null || this.streamed !== null || this.attributes !== undefined;
  }

  /** Drops everything buffered and any partial reply. */
  reset(): void {
    this.queue.clear();
    this.stack.length = 0;
    this.payload = null;
    this.streamed = null;
    this.attributes = undefined;
  }

  /** The next complete reply, or undefined until more bytes arrive. */
  next(): ParsedReply | undefined {
    for (;;) {
      const value = this.step();
      if (value === undefined) return undefined;
      if (value === NONE) continue;
      const folded = this.fold(value);
      if (folded === NONE) continue;
      const parsed: ParsedReply = { value: folded };
      if (this.attributes !== undefined) parsed.attributes = this.attributes;
      this.attributes = undefined;
      return parsed;
    }
  }

  /** Raw read: the next line without its CRLF (a lone LF also ends it). */
  nextLine(): string | undefined {
    this.assertIdle('nextLine');
    return this.queue.takeLine()?.line.toString('utf8');
  }

  /** Raw read: exactly `count` bytes, or undefined until they have all arrived. */
  nextBytes(count: number): Buffer | undefined {
    this.assertIdle('nextBytes');
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad byte count ${count}`);
    if (this.queue.length < count) return undefined;
    return this.queue.take(count);
  }

  /** Raw read: every byte buffered now (possibly none). */
  takeBuffered(): Buffer {
    this.assertIdle('takeBuffered');
    return this.queue.take(this.queue.length);
  }

  private assertIdle(what: string): void {
    if (this.midReply) throw new Error(`${what}() called while a reply is partly parsed`);
  }

  /** Reads one token: a scalar value, NONE when a header was consumed, undefined when starved. */
  private step(): Reply | typeof NONE | undefined {
    if (this.payload) return this.stepPayload(this.payload);
    // The line is read in place from the received chunk when it lies within one (almost always):
    // no copy, no slice per line.
    let buf: Buffer;
    let start: number;
    let end: number; // before the CR
    const lf = this.queue.lineEndInFirstChunk();
    if (lf !== -1) {
      buf = this.queue.firstChunk!;
      start = this.queue.readOffset;
      if (lf === start || buf[lf - 1] !== CR) throw new ProtocolError(`line not terminated by CRLF: ${showLine(buf.subarray(start, lf))}`);
      end = lf - 1;
      this.queue.skip(lf + 1 - start);
    } else {
      const taken = this.queue.takeLine();
      if (!taken) return undefined;
      if (!taken.cr) throw new ProtocolError(`line not terminated by CRLF: ${showLine(taken.line)}`);
      buf = taken.line;
      start = 0;
      end = buf.length;
    }
    if (end === start) throw new ProtocolError('empty line where a reply type byte was expected');
    const type = buf[start]!;
    if (this.streamed && type !== 0x3b /* ; */) {
      throw new ProtocolError(`expected a ';' chunk inside a streamed string, got ${showLine(buf.subarray(start, end))}`);
    }
    switch (type) {
      // Status and error lines are trimmed, as Tcl's client reads them (redis_read_line): a
      // script's error_reply("") arrives as "-ERR \r\n" and reads "ERR".
      case 0x2b: {
        // + simple string
        let from = start + 1;
        let to = end;
        while (from < to && isTclSpace(buf[from]!)) from++;
        while (to > from && isTclSpace(buf[to - 1]!)) to--;
        return this.buffers ? buf.subarray(from, to) : buf.toString('utf8', from, to);
      }
      case 0x2a: {
        // * array: the commonest header, counted in place
        const count = smallDecimal(buf, start + 1, end, false);
        if (count !== undefined) return this.openCounted('array', count, 1);
        break;
      }
      case 0x24: {
        // $ bulk string
        const length = smallDecimal(buf, start + 1, end, false);
        if (length === undefined) break;
        if (this.queue.contiguous(length + 2)) return this.bulkInPlace(length);
        this.payload = { type, length };
        return this.stepPayload(this.payload);
      }
      case 0x3a: {
        // : integer
        const value = smallDecimal(buf, start + 1, end, true);
        if (value !== undefined) return value;
        break;
      }
    }
    return this.stepSlow(buf.subarray(start, end));
  }

  /** Every line the fast path above does not settle: other types, long numbers, errors in the protocol. */
  private stepSlow(line: Buffer): Reply | typeof NONE | undefined {
    const type = line[0]!;
    const rest = line.subarray(1);
    switch (type) {
      case 0x2b: // + simple string
        return this.text(trimAscii(rest));
      case 0x2d: // - error
        return new ReplyError(trimAscii(rest).toString('utf8'));
      case 0x3a: // : integer
        return parseInteger(rest, line);
      case 0x24: // $ bulk string
      case 0x21: // ! blob error
      case 0x3d: // = verbatim string
      case 0x3b: {
        // ; chunk of a streamed string
        const header = rest.toString('latin1');
        if (type === 0x24 && header === '?') {
          if (this.streamed) throw new ProtocolError(`nested streamed string: ${showLine(line)}`);
          this.streamed = [];
          return NONE;
        }
        if (type === 0x3b && !this.streamed) throw new ProtocolError(`';' chunk outside a streamed string: ${showLine(line)}`);
        const length = parseLength(header, line);
        if (length === -1) {
          if (type === 0x24) return null;
          throw new ProtocolError(`bad length in ${showLine(line)}`);
        }
        if (type === 0x3b && length === 0) {
          const whole = Buffer.concat(this.streamed!);
          this.streamed = null;
          return this.text(whole);
        }
        this.payload = { type, length };
        return this.stepPayload(this.payload);
      }
      case 0x2a: // * array
        return this.open('array', rest, line, 1);
      case 0x7e: // ~ set
        return this.open('set', rest, line, 1);
      case 0x3e: // > push
        return this.open('push', rest, line, 1);
      case 0x25: // % map
        return this.open('map', rest, line, 2);
      case 0x7c: // | attribute
        return this.open('attribute', rest, line, 2);
      case 0x2e: // . end of a streamed aggregate
        return this.closeStreamed(line);
      case 0x5f: // _ null
        if (rest.length !== 0) throw new ProtocolError(`null with trailing data: ${showLine(line)}`);
        return null;
      case 0x2c: // , double
        return this.parseDouble(rest, line);
      case 0x23: {
        // # boolean
        const flag = rest.toString('latin1');
        if (flag === 't') return this.tclBool ? 1 : true;
        if (flag === 'f') return this.tclBool ? 0 : false;
        throw new ProtocolError(`bad boolean ${showLine(line)}`);
      }
      case 0x28: {
        // ( big number
        const digits = rest.toString('latin1');
        if (!INTEGER.test(digits)) throw new ProtocolError(`bad big number ${showLine(line)}`);
        return BigInt(digits);
      }
      default:
        throw new ProtocolError(`unknown reply type byte ${showByte(type)} in line ${showLine(line)}`);
    }
  }

  private stepPayload(payload: { type: number; length: number }): Reply | typeof NONE | undefined {
    if (this.queue.length < payload.length + 2) return undefined;
    if (payload.type === 0x24 && this.queue.contiguous(payload.length + 2)) {
      this.payload = null;
      return this.bulkInPlace(payload.length);
    }
    const data = this.queue.take(payload.length);
    const end = this.queue.take(2);
    if (end[0] !== CR || end[1] !== LF) {
      throw new ProtocolError(
        `expected CRLF after a ${payload.length}-byte payload, got ${showByte(end[0]!)} ${showByte(end[1]!)}`,
      );
    }
    this.payload = null;
    switch (payload.type) {
      case 0x21:
        return new ReplyError(data.toString('utf8'));
      case 0x3d: {
        // "fmt:" prefix, three bytes and a colon
        if (data.length < 4 || data[3] !== 0x3a) {
          throw new ProtocolError(`verbatim string without a 'fmt:' prefix: ${showLine(data)}`);
        }
        const text = this.text(data.subarray(4));
        return this.resp3Types ? new Verbatim(data.subarray(0, 3).toString('latin1'), text) : text;
      }
      case 0x3b:
        this.streamed!.push(data);
        return NONE;
      default:
        return this.text(data);
    }
  }

  /** A bulk string whose bytes and CRLF all lie in the first chunk: decoded in place. */
  private bulkInPlace(length: number): string | Buffer {
    const chunk = this.queue.firstChunk!;
    const at = this.queue.readOffset;
    const end = at + length;
    if (chunk[end] !== CR || chunk[end + 1] !== LF) {
      throw new ProtocolError(`expected CRLF after a ${length}-byte payload, got ${showByte(chunk[end]!)} ${showByte(chunk[end + 1]!)}`);
    }
    const value = this.buffers ? chunk.subarray(at, end) : chunk.toString('utf8', at, end);
    this.queue.skip(length + 2);
    return value;
  }

  private text(bytes: Buffer): string | Buffer {
    return this.buffers ? bytes : bytes.toString('utf8');
  }

  private parseDouble(rest: Buffer, line: Buffer): Double {
    const raw = rest.toString('latin1');
    let value: number;
    const lower = raw.toLowerCase();
    if (lower === 'inf' || lower === '+inf') value = Infinity;
    else if (lower === '-inf') value = -Infinity;
    else if (lower === 'nan' || lower === '-nan') value = NaN;
    else if (DOUBLE.test(raw)) value = Number(raw);
    else throw new ProtocolError(`bad double ${showLine(line)}`);
    return new Double(value, raw);
  }

  /** An aggregate whose count was read (>= 0); returns its value when it is empty. */
  private openCounted(kind: FrameKind, count: number, perEntry: number): Reply | typeof NONE {
    const frame: Frame = { kind, remaining: count * perEntry, items: newItems(kind) };
    if (count === 0) return this.finish(frame);
    this.stack.push(frame);
    return NONE;
  }

  /** Handles an aggregate header; returns its value when it is empty or null. */
  private open(kind: FrameKind, rest: Buffer, line: Buffer, perEntry: number): Reply | typeof NONE {
    const header = rest.toString('latin1');
    const count = header === '?' ? Infinity : parseLength(header, line);
    if (count === -1) {
      if (kind === 'attribute') throw new ProtocolError(`bad attribute length in ${showLine(line)}`);
      return null;
    }
    const frame: Frame = { kind, remaining: count * perEntry, items: newItems(kind) };
    if (count === 0) return this.finish(frame);
    this.stack.push(frame);
    return NONE;
  }

  private closeStreamed(line: Buffer): Reply | typeof NONE {
    const top = this.stack[this.stack.length - 1];
    if (line.length !== 1 || !top || top.remaining !== Infinity) {
      throw new ProtocolError(`unexpected end marker ${showLine(line)} outside a streamed aggregate`);
    }
    if ((top.kind === 'map' || top.kind === 'attribute') && top.items.length % 2 !== 0) {
      throw new ProtocolError('streamed map ended after a key without its value');
    }
    this.stack.pop();
    return this.finish(top);
  }

  /** Adds a finished value to the open aggregates; returns it once it is top level. */
  private fold(value: Reply | typeof NONE): Reply | typeof NONE {
    let current = value;
    while (current !== NONE) {
      const top = this.stack[this.stack.length - 1];
      if (!top) return current;
      top.items.push(current);
      top.remaining--;
      if (top.remaining > 0) return NONE;
      this.stack.pop();
      current = this.finish(top);
    }
    return NONE;
  }

  /** Turns a complete frame into its value; attributes are stored, not returned. */
  private finish(frame: Frame): Reply | typeof NONE {
    if (frame.kind !== 'map' && frame.kind !== 'attribute') return frame.items;
    const map = new RespMap();
    for (let i = 0; i < frame.items.length; i += 2) map.set(frame.items[i]!, frame.items[i + 1]!);
    if (frame.kind === 'map') return map;
    this.attributes = map;
    return NONE;
  }
}

function newItems(kind: FrameKind): Reply[] {
  if (kind === 'set') return new RespSet();
  if (kind === 'push') return new RespPush();
  return [];
}

function parseInteger(rest: Buffer, line: Buffer): number | bigint {
  const digits = rest.toString('latin1');
  if (!INTEGER.test(digits)) throw new ProtocolError(`bad integer ${showLine(line)}`);
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : BigInt(digits);
}

/** A length header: a count >= 0, or -1 for null. */
function parseLength(header: string, line: Buffer): number {
  if (header === '-1') return -1;
  if (!/^\d+$/.test(header)) throw new ProtocolError(`bad length in ${showLine(line)}`);
  const length = Number(header);
  if (!Number.isSafeInteger(length)) throw new ProtocolError(`length too large in ${showLine(line)}`);
  return length;
}
