/**
 * A reference model of one Redis database: strings and counters, lists, hashes, sets, sorted
 * sets and key expiry, with Redis 7.0's replies and error texts (https://redis.io/commands/).
 * The model never reads a clock: every command is applied at an absolute time `now` (Unix ms)
 * given by the caller, so expiry is decided by the times the caller chooses. This file holds the
 * keyspace, expiry and strings; collections.ts the other types.
 */
import { addLongDouble, formatDouble, formatLongDouble, LLONG_MAX, LLONG_MIN, longDoubleFromInteger, parseLongDouble, parseLongLong, type ScoreFormat } from './numbers.ts';
import { COLLECTION_COMMANDS, size, zsetOrder } from './collections.ts';
import { ModelError, NOT_FLOAT, NOT_INTEGER, SYNTAX, WRONGTYPE, type Handler, type ModelReply, type Value } from './values.ts';

export { ModelError, type ModelReply } from './values.ts';

interface Entry {
  value: Value;
  /** Unix ms, or null when the key is persistent. */
  expireAt: bigint | null;
}

/** One key as a keyspace dump shows it: type, value in a canonical order, absolute expiry. */
export interface DumpedKey {
  type: string;
  value: string[];
  expireAt: bigint | null;
}

/** Redis's default proto-max-bulk-len: 512 MB. */
const MAX_STRING = 512n * 1024n * 1024n;

const expireTimeError = (command: string) => new ModelError(`ERR invalid expire time in '${command}' command`);

export class Keyspace {
  private readonly keys = new Map<string, Entry>();

  /** `formatScore`: how the server under test prints a double (scoreFormatFor its version). */
  constructor(readonly formatScore: ScoreFormat = formatDouble) {}

  /** The key whose expiry the last command set relative to `now` (EXPIRE, SET EX/PX), if any. */
  relativeExpireKey: string | null = null;

  /** Applies one command (argv[0] is the name, any case) at time `now`. */
  apply(argv: string[], now: bigint): ModelReply {
    this.relativeExpireKey = null;
    const name = argv[0].toLowerCase();
    const command = COMMANDS[name];
    if (!command) return new ModelError(`ERR unknown command '${argv[0]}'`);
    const [arity, handler] = command;
    if (arity >= 0 ? argv.length !== arity : argv.length < -arity) return new ModelError(`ERR wrong number of arguments for '${name}' command`);
    return handler(this, argv.slice(1), now);
  }

  /** The server's clock reading for a relative expiry is only known from the server: the caller pins it. */
  pinExpire(key: string, at: bigint): void {
    const entry = this.keys.get(key);
    if (entry) entry.expireAt = at;
  }

  /** Lazy expiry: a key whose time has come is gone at the next look. */
  lookup(key: string, now: bigint): Entry | undefined {
    const entry = this.keys.get(key);
    if (entry && entry.expireAt !== null && entry.expireAt <= now) {
      this.keys.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The entry when it holds `type`; WRONGTYPE when it holds another; undefined when absent. */
  typed<T extends Value['type']>(key: string, type: T, now: bigint): Extract<Value, { type: T }> | undefined | ModelError {
    const entry = this.lookup(key, now);
    if (!entry) return undefined;
    return entry.value.type === type ? (entry.value as Extract<Value, { type: T }>) : WRONGTYPE;
  }

  /** Sets a value; the expiry goes unless `keepTtl`. */
  store(key: string, value: Value, now: bigint, keepTtl = false): void {
    const old = this.lookup(key, now);
    this.keys.set(key, { value, expireAt: keepTtl && old ? old.expireAt : null });
  }

  /** Replaces a value in place, keeping the expiry (APPEND, INCR, LPUSH on an existing key...). */
  update(key: string, value: Value, now: bigint): void {
    const old = this.lookup(key, now);
    this.keys.set(key, { value, expireAt: old ? old.expireAt : null });
  }

  /** Collections that become empty are deleted (with their expiry). */
  dropIfEmpty(key: string): void {
    const v = this.keys.get(key)?.value;
    if (!v) return;
    const size = v.type === 'list' ? v.items.length : v.type === 'hash' ? v.fields.size : v.type === 'set' ? v.members.size : v.type === 'zset' ? v.scores.size : 1;
    if (size === 0) this.keys.delete(key);
  }

  delete(key: string): void {
    this.keys.delete(key);
  }

  setExpire(key: string, at: bigint): void {
    this.keys.get(key)!.expireAt = at;
  }

  /** Every live key at `now`, values in a canonical order (hash fields and set members sorted). */
  dump(now: bigint): Map<string, DumpedKey> {
    const out = new Map<string, DumpedKey>();
    for (const key of [...this.keys.keys()].sort()) {
      const entry = this.lookup(key, now);
      if (!entry) continue;
      out.set(key, { type: entry.value.type, value: canonicalValue(entry.value, this.formatScore), expireAt: entry.expireAt });
    }
    return out;
  }
}

function canonicalValue(v: Value, formatScore: ScoreFormat): string[] {
  switch (v.type) {
    case 'string':
      return [v.s];
    case 'list':
      return [...v.items];
    case 'hash':
      return [...v.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flat();
    case 'set':
      return [...v.members].sort();
    case 'zset':
      return zsetOrder(v.scores).flatMap(([m, s]) => [m, formatScore(s)]);
  }
}

// --- strings and counters ---

function stringValue(ks: Keyspace, key: string, now: bigint): string | null | ModelError {
  const v = ks.typed(key, 'string', now);
  return v instanceof ModelError ? v : v ? v.s : null;
}

function set(ks: Keyspace, [key, value, ...options]: string[], now: bigint): ModelReply {
  let nx = false, xx = false, get = false, keepTtl = false;
  let expire: { unit: 'EX' | 'PX' | 'EXAT' | 'PXAT'; arg: string } | null = null;
  for (let i = 0; i < options.length; i++) {
    const opt = options[i].toUpperCase();
    const hasNext = i + 1 < options.length;
    if (opt === 'NX' && !xx) nx = true;
    else if (opt === 'XX' && !nx) xx = true;
    else if (opt === 'GET') get = true;
    else if (opt === 'KEEPTTL' && !expire) keepTtl = true;
    // The same expiry option may repeat, the last one counting; two different ones may not (https://redis.io/commands/set/).
    else if ((opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') && !keepTtl && (!expire || expire.unit === opt) && hasNext) expire = { unit: opt, arg: options[++i] };
    else return SYNTAX;
  }
  let expireAt: bigint | null = null;
  if (expire) {
    const n = parseLongLong(expire.arg);
    if (n === null) return NOT_INTEGER;
    const seconds = expire.unit === 'EX' || expire.unit === 'EXAT';
    if (n <= 0n || (seconds && n > LLONG_MAX / 1000n)) return expireTimeError('set');
    expireAt = seconds ? n * 1000n : n;
    if (expire.unit === 'EX' || expire.unit === 'PX') expireAt += now;
    // The clock is added in signed 64-bit arithmetic and a wrapped (negative) sum is refused (https://redis.io/commands/set/).
    if (expireAt > LLONG_MAX) return expireTimeError('set');
  }
  const old = stringValue(ks, key, now);
  if (get && old instanceof ModelError) return old;
  const exists = ks.lookup(key, now) !== undefined;
  if ((nx && exists) || (xx && !exists)) return get ? (old as string | null) : null;
  ks.store(key, { type: 'string', s: value }, now, keepTtl);
  if (expireAt !== null) {
    ks.setExpire(key, expireAt);
    if (expire!.unit === 'EX' || expire!.unit === 'PX') ks.relativeExpireKey = key;
  }
  return get ? (old as string | null) : 'OK';
}

function incrBy(ks: Keyspace, key: string, by: bigint, now: bigint): ModelReply {
  const old = stringValue(ks, key, now);
  if (old instanceof ModelError) return old;
  const current = old === null ? 0n : parseLongLong(old);
  if (current === null) return NOT_INTEGER;
  const next = current + by;
  if (next > LLONG_MAX || next < LLONG_MIN) return new ModelError('ERR increment or decrement would overflow');
  ks.update(key, { type: 'string', s: next.toString() }, now);
  return next;
}

function incrByArg(ks: Keyspace, [key, arg]: string[], now: bigint, sign: 1n | -1n): ModelReply {
  const by = parseLongLong(arg);
  if (by === null) return NOT_INTEGER;
  // DECRBY refuses LLONG_MIN itself, since its negation does not fit (https://redis.io/commands/decrby/).
  if (sign === -1n && by === LLONG_MIN) return new ModelError('ERR decrement would overflow');
  return incrBy(ks, key, sign * by, now);
}

function incrByFloat(ks: Keyspace, [key, arg]: string[], now: bigint): ModelReply {
  const old = stringValue(ks, key, now);
  if (old instanceof ModelError) return old;
  const current = old === null ? longDoubleFromInteger(0n) : parseLongDouble(old);
  const by = parseLongDouble(arg);
  if (current === null || by === null) return NOT_FLOAT;
  const sum = addLongDouble(current, by);
  if (sum.kind !== 'finite') return new ModelError('ERR increment would produce NaN or Infinity');
  // The result is the long double printed with 17 decimals, trailing zeros cut (https://redis.io/commands/incrbyfloat/).
  const text = formatLongDouble(sum);
  ks.update(key, { type: 'string', s: text }, now);
  return text;
}

function append(ks: Keyspace, [key, suffix]: string[], now: bigint): ModelReply {
  const old = stringValue(ks, key, now);
  if (old instanceof ModelError) return old;
  if (old !== null && BigInt(old.length + suffix.length) > MAX_STRING) return new ModelError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  const s = (old ?? '') + suffix;
  ks.update(key, { type: 'string', s }, now);
  return BigInt(s.length);
}

function getrange(ks: Keyspace, [key, startArg, endArg]: string[], now: bigint): ModelReply {
  const start = parseLongLong(startArg);
  const end = parseLongLong(endArg);
  if (start === null || end === null) return NOT_INTEGER;
  const s = stringValue(ks, key, now);
  if (s instanceof ModelError) return s;
  // A missing key reads as "", and two negative indexes out of order give "" before any clamping (https://redis.io/commands/getrange/).
  if (s === null || (start < 0n && end < 0n && start > end)) return '';
  const n = BigInt(s.length);
  let a = start < 0n ? n + start : start;
  let b = end < 0n ? n + end : end;
  if (a < 0n) a = 0n;
  if (b < 0n) b = 0n;
  if (b >= n) b = n - 1n;
  return a > b || n === 0n ? '' : s.slice(Number(a), Number(b) + 1);
}

function setrange(ks: Keyspace, [key, offsetArg, value]: string[], now: bigint): ModelReply {
  const offset = parseLongLong(offsetArg);
  if (offset === null) return NOT_INTEGER;
  if (offset < 0n) return new ModelError('ERR offset is out of range');
  const old = stringValue(ks, key, now);
  if (old instanceof ModelError) return old;
  if (value.length === 0) return BigInt(old?.length ?? 0);
  if (offset + BigInt(value.length) > MAX_STRING) return new ModelError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  const base = (old ?? '').padEnd(Number(offset), '\0');
  const s = base.slice(0, Number(offset)) + value + base.slice(Number(offset) + value.length);
  ks.update(key, { type: 'string', s }, now);
  return BigInt(s.length);
}

// --- keys and expiry ---

function expire(ks: Keyspace, [key, timeArg, ...options]: string[], now: bigint, command: string, unit: 1000n | 1n, relative: boolean): ModelReply {
  const flags = new Set<string>();
  for (const o of options) {
    const opt = o.toUpperCase();
    if (!['NX', 'XX', 'GT', 'LT'].includes(opt)) return new ModelError(`ERR Unsupported option ${o}`);
    flags.add(opt);
  }
  if (flags.has('NX') && (flags.has('XX') || flags.has('GT') || flags.has('LT'))) return new ModelError('ERR NX and XX, GT or LT options at the same time are not compatible');
  if (flags.has('GT') && flags.has('LT')) return new ModelError('ERR GT and LT options at the same time are not compatible');
  let when = parseLongLong(timeArg);
  if (when === null) return NOT_INTEGER;
  if (unit === 1000n) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return expireTimeError(command);
    when *= 1000n;
  }
  const base = relative ? now : 0n;
  if (when > LLONG_MAX - base) return expireTimeError(command);
  when += base;
  const entry = ks.lookup(key, now);
  if (!entry) return 0n;
  const current = entry.expireAt;
  if (flags.has('NX') && current !== null) return 0n;
  if (flags.has('XX') && current === null) return 0n;
  // GT counts a key without a TTL as an infinite TTL, so it never passes (https://redis.io/commands/expire/).
  if (flags.has('GT') && (current === null || when <= current)) return 0n;
  if (flags.has('LT') && current !== null && when >= current) return 0n;
  if (when <= now) {
    // A time already past deletes the key and still answers 1 (https://redis.io/commands/expire/).
    ks.delete(key);
    return 1n;
  }
  ks.setExpire(key, when);
  if (relative) ks.relativeExpireKey = key;
  return 1n;
}

function ttl(ks: Keyspace, [key]: string[], now: bigint): ModelReply {
  const entry = ks.lookup(key, now);
  if (!entry) return -2n;
  if (entry.expireAt === null) return -1n;
  let left = entry.expireAt - now;
  if (left < 0n) left = 0n;
  // Whole seconds rounded to nearest, (ms + 500) / 1000, not truncated (https://redis.io/commands/ttl/).
  return (left + 500n) / 1000n;
}

function persist(ks: Keyspace, [key]: string[], now: bigint): ModelReply {
  const entry = ks.lookup(key, now);
  if (!entry || entry.expireAt === null) return 0n;
  entry.expireAt = null;
  return 1n;
}

function del(ks: Keyspace, keys: string[], now: bigint): ModelReply {
  let n = 0n;
  for (const key of keys) {
    if (ks.lookup(key, now)) {
      ks.delete(key);
      n++;
    }
  }
  return n;
}

/** name -> [Redis arity (negative: at least), handler]. */
const COMMANDS: Record<string, [number, Handler]> = {
  set: [-3, set],
  get: [2, (ks, [k], now) => stringValue(ks, k, now)],
  append: [3, append],
  incr: [2, (ks, [k], now) => incrBy(ks, k, 1n, now)],
  decr: [2, (ks, [k], now) => incrBy(ks, k, -1n, now)],
  incrby: [3, (ks, a, now) => incrByArg(ks, a, now, 1n)],
  decrby: [3, (ks, a, now) => incrByArg(ks, a, now, -1n)],
  incrbyfloat: [3, incrByFloat],
  getrange: [4, getrange],
  setrange: [4, setrange],
  strlen: [2, (ks, [k], now) => size(ks, k, 'string', now)],
  del: [-2, del],
  exists: [-2, (ks, keys, now) => BigInt(keys.filter((k) => ks.lookup(k, now)).length)],
  type: [2, (ks, [k], now) => ks.lookup(k, now)?.value.type ?? 'none'],
  expire: [-3, (ks, a, now) => expire(ks, a, now, 'expire', 1000n, true)],
  pexpireat: [-3, (ks, a, now) => expire(ks, a, now, 'pexpireat', 1n, false)],
  expireat: [-3, (ks, a, now) => expire(ks, a, now, 'expireat', 1000n, false)],
  persist: [2, persist],
  ttl: [2, ttl],
  ...COLLECTION_COMMANDS,
};

/** Commands whose reply depends on the server's clock reading (the checker brackets them). */
export const CLOCK_READERS: ReadonlySet<string> = new Set(['ttl']);

/** Replies whose order Redis leaves unspecified: compared sorted (members) or as sorted pairs (fields). */
export function orderInsensitive(command: string, reply: ModelReply): ModelReply {
  if (!Array.isArray(reply)) return reply;
  const name = command.toLowerCase();
  if (name === 'smembers') return [...(reply as string[])].sort();
  if (name === 'hgetall') {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < reply.length; i += 2) pairs.push([reply[i] as string, reply[i + 1] as string]);
    return pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flat();
  }
  return reply;
}
