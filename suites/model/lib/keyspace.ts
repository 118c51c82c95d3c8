/**
 * A reference model of one Redis database: strings and counters, lists, hashes, sets, sorted
 * sets and key expiry, with Redis 7.0's replies and error texts (https://redis.io/commands/).
 * The model never reads a clock: every command is applied at an absolute time `now` (Unix ms)
 * given by the caller, so expiry is decided by the times the caller chooses.
 */
import {
  addLongDouble,
  formatDouble,
  formatLongDouble,
  LLONG_MAX,
  LLONG_MIN,
  longDoubleFromInteger,
  parseDouble,
  parseLongDouble,
  parseLongLong,
  type ScoreFormat,
} from './numbers.ts';

/** A reply as the harness client returns it: integers as bigint here, errors as ModelError. */
export type ModelReply = string | bigint | null | ModelError | ModelReply[];

export class ModelError {
  constructor(readonly message: string) {}
}

type Value =
  | { type: 'string'; s: string }
  | { type: 'list'; items: string[] }
  | { type: 'hash'; fields: Map<string, string> }
  | { type: 'set'; members: Set<string> }
  | { type: 'zset'; scores: Map<string, number> };

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

const WRONGTYPE = new ModelError('WRONGTYPE Operation against a key holding the wrong kind of value');
const NOT_INTEGER = new ModelError('ERR value is not an integer or out of range');
const NOT_FLOAT = new ModelError('ERR value is not a valid float');
const SYNTAX = new ModelError('ERR syntax error');
const NAN_SCORE = new ModelError('ERR resulting score is not a number (NaN)');
/** Redis's default proto-max-bulk-len: 512 MB. */
const MAX_STRING = 512n * 1024n * 1024n;

const expireTimeError = (command: string) => new ModelError(`ERR invalid expire time in '${command}' command`);

/** Redis's list index rules: negative counts from the end. */
function listRange(length: number, start: bigint, stop: bigint): [number, number] | null {
  const n = BigInt(length);
  let s = start < 0n ? n + start : start;
  let e = stop < 0n ? n + stop : stop;
  if (s < 0n) s = 0n;
  if (s > e || s >= n) return null;
  if (e >= n) e = n - 1n;
  return [Number(s), Number(e)];
}

function zsetOrder(scores: Map<string, number>): Array<[string, number]> {
  return [...scores].sort(([ma, sa], [mb, sb]) => (sa !== sb ? sa - sb : ma < mb ? -1 : ma > mb ? 1 : 0));
}

type Handler = (ks: Keyspace, args: string[], now: bigint) => ModelReply;

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

// --- lists ---

function listOf(ks: Keyspace, key: string, now: bigint) {
  return ks.typed(key, 'list', now);
}

function push(ks: Keyspace, [key, ...elements]: string[], now: bigint, left: boolean): ModelReply {
  const list = listOf(ks, key, now);
  if (list instanceof ModelError) return list;
  const items = list ? list.items : [];
  for (const e of elements) left ? items.unshift(e) : items.push(e);
  ks.update(key, { type: 'list', items }, now);
  return BigInt(items.length);
}

function pop(ks: Keyspace, [key, countArg]: string[], now: bigint, left: boolean): ModelReply {
  let count: bigint | null = null;
  if (countArg !== undefined) {
    count = parseLongLong(countArg);
    // The range message also answers a count that is not an integer at all (https://redis.io/commands/lpop/).
    if (count === null || count < 0n) return new ModelError('ERR value is out of range, must be positive');
  }
  const list = listOf(ks, key, now);
  if (list instanceof ModelError) return list;
  if (!list) return null;
  // A count of 0 on an existing list answers an empty array, not nil (https://redis.io/commands/lpop/).
  if (count === 0n) return [];
  const n = count === null ? 1 : Math.min(Number(count), list.items.length);
  const taken = left ? list.items.splice(0, n) : list.items.splice(list.items.length - n, n).reverse();
  ks.dropIfEmpty(key);
  return count === null ? taken[0] : taken;
}

function lrange(ks: Keyspace, [key, startArg, stopArg]: string[], now: bigint): ModelReply {
  const start = parseLongLong(startArg);
  const stop = parseLongLong(stopArg);
  if (start === null || stop === null) return NOT_INTEGER;
  const list = listOf(ks, key, now);
  if (list instanceof ModelError) return list;
  if (!list) return [];
  const range = listRange(list.items.length, start, stop);
  return range ? list.items.slice(range[0], range[1] + 1) : [];
}

// LINDEX and LSET look the key up before they read the index, LRANGE and LREM the other way round
// (https://redis.io/commands/lindex/, https://redis.io/commands/lset/).
function lindex(ks: Keyspace, [key, indexArg]: string[], now: bigint): ModelReply {
  const list = listOf(ks, key, now);
  if (list instanceof ModelError) return list;
  if (!list) return null;
  const index = parseLongLong(indexArg);
  if (index === null) return NOT_INTEGER;
  const i = index < 0n ? BigInt(list.items.length) + index : index;
  return i >= 0n && i < BigInt(list.items.length) ? list.items[Number(i)] : null;
}

function lset(ks: Keyspace, [key, indexArg, element]: string[], now: bigint): ModelReply {
  const list = listOf(ks, key, now);
  if (list instanceof ModelError) return list;
  if (!list) return new ModelError('ERR no such key');
  const index = parseLongLong(indexArg);
  if (index === null) return NOT_INTEGER;
  const i = index < 0n ? BigInt(list.items.length) + index : index;
  if (i < 0n || i >= BigInt(list.items.length)) return new ModelError('ERR index out of range');
  list.items[Number(i)] = element;
  return 'OK';
}

function lrem(ks: Keyspace, [key, countArg, element]: string[], now: bigint): ModelReply {
  const count = parseLongLong(countArg);
  if (count === null) return NOT_INTEGER;
  const list = listOf(ks, key, now);
  if (list instanceof ModelError) return list;
  if (!list) return 0n;
  // count > 0 removes from the head, < 0 from the tail, 0 removes all (https://redis.io/commands/lrem/).
  const limit = count === 0n ? Infinity : Number(count < 0n ? -count : count);
  const order = count < 0n ? [...list.items.keys()].reverse() : [...list.items.keys()];
  const drop = new Set<number>();
  for (const i of order) if (drop.size < limit && list.items[i] === element) drop.add(i);
  list.items = list.items.filter((_, i) => !drop.has(i));
  ks.dropIfEmpty(key);
  return BigInt(drop.size);
}

// --- hashes ---

function hashOf(ks: Keyspace, key: string, now: bigint) {
  return ks.typed(key, 'hash', now);
}

function hset(ks: Keyspace, [key, ...pairs]: string[], now: bigint): ModelReply {
  if (pairs.length % 2 !== 0) return new ModelError("ERR wrong number of arguments for 'hset' command");
  const hash = hashOf(ks, key, now);
  if (hash instanceof ModelError) return hash;
  const fields = hash ? hash.fields : new Map<string, string>();
  let added = 0n;
  for (let i = 0; i < pairs.length; i += 2) {
    if (!fields.has(pairs[i])) added++;
    fields.set(pairs[i], pairs[i + 1]);
  }
  ks.update(key, { type: 'hash', fields }, now);
  return added;
}

function hget(ks: Keyspace, [key, field]: string[], now: bigint): ModelReply {
  const hash = hashOf(ks, key, now);
  if (hash instanceof ModelError) return hash;
  return hash?.fields.get(field) ?? null;
}

function hdel(ks: Keyspace, [key, ...fields]: string[], now: bigint): ModelReply {
  const hash = hashOf(ks, key, now);
  if (hash instanceof ModelError) return hash;
  if (!hash) return 0n;
  let n = 0n;
  for (const f of fields) if (hash.fields.delete(f)) n++;
  ks.dropIfEmpty(key);
  return n;
}

function hincrby(ks: Keyspace, [key, field, arg]: string[], now: bigint): ModelReply {
  const by = parseLongLong(arg);
  if (by === null) return NOT_INTEGER;
  const hash = hashOf(ks, key, now);
  if (hash instanceof ModelError) return hash;
  const old = hash?.fields.get(field);
  const current = old === undefined ? 0n : parseLongLong(old);
  if (current === null) return new ModelError('ERR hash value is not an integer');
  const next = current + by;
  if (next > LLONG_MAX || next < LLONG_MIN) return new ModelError('ERR increment or decrement would overflow');
  const fields = hash ? hash.fields : new Map<string, string>();
  fields.set(field, next.toString());
  ks.update(key, { type: 'hash', fields }, now);
  return next;
}

function hincrbyfloat(ks: Keyspace, [key, field, arg]: string[], now: bigint): ModelReply {
  const by = parseLongDouble(arg);
  if (by === null) return NOT_FLOAT;
  // Unlike INCRBYFLOAT, an infinite increment is refused before the field is read (https://redis.io/commands/hincrbyfloat/).
  if (by.kind !== 'finite') return new ModelError('ERR value is NaN or Infinity');
  const hash = hashOf(ks, key, now);
  if (hash instanceof ModelError) return hash;
  const old = hash?.fields.get(field);
  const current = old === undefined ? longDoubleFromInteger(0n) : parseLongDouble(old);
  if (current === null) return new ModelError('ERR hash value is not a float');
  const sum = addLongDouble(current, by);
  if (sum.kind !== 'finite') return new ModelError('ERR increment would produce NaN or Infinity');
  const text = formatLongDouble(sum);
  const fields = hash ? hash.fields : new Map<string, string>();
  fields.set(field, text);
  ks.update(key, { type: 'hash', fields }, now);
  return text;
}

function hgetall(ks: Keyspace, [key]: string[], now: bigint): ModelReply {
  const hash = hashOf(ks, key, now);
  if (hash instanceof ModelError) return hash;
  return hash ? [...hash.fields].flat() : [];
}

// --- sets ---

function setOf(ks: Keyspace, key: string, now: bigint) {
  return ks.typed(key, 'set', now);
}

function sadd(ks: Keyspace, [key, ...members]: string[], now: bigint): ModelReply {
  const set = setOf(ks, key, now);
  if (set instanceof ModelError) return set;
  const all = set ? set.members : new Set<string>();
  const before = all.size;
  for (const m of members) all.add(m);
  ks.update(key, { type: 'set', members: all }, now);
  return BigInt(all.size - before);
}

function srem(ks: Keyspace, [key, ...members]: string[], now: bigint): ModelReply {
  const set = setOf(ks, key, now);
  if (set instanceof ModelError) return set;
  if (!set) return 0n;
  let n = 0n;
  for (const m of members) if (set.members.delete(m)) n++;
  ks.dropIfEmpty(key);
  return n;
}

// --- sorted sets ---

/**
 * A small (listpack) sorted set stores an integral score as an integer, so -0 is kept as 0
 * (https://redis.io/commands/zadd/ is silent; t_zset.c zzlInsertAt); the generators only make
 * sets small enough to stay listpacks.
 */
const storedScore = (score: number) => (score === 0 ? 0 : score);

function zsetOf(ks: Keyspace, key: string, now: bigint) {
  return ks.typed(key, 'zset', now);
}

function zadd(ks: Keyspace, [key, ...rest]: string[], now: bigint): ModelReply {
  const flags = new Set<string>();
  let i = 0;
  for (; i < rest.length && ['NX', 'XX', 'CH', 'INCR', 'GT', 'LT'].includes(rest[i].toUpperCase()); i++) flags.add(rest[i].toUpperCase());
  const pairs = rest.slice(i);
  if (pairs.length === 0 || pairs.length % 2 !== 0) return SYNTAX;
  const [nx, xx, gt, lt, incr] = ['NX', 'XX', 'GT', 'LT', 'INCR'].map((f) => flags.has(f));
  if (nx && xx) return new ModelError('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return new ModelError('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && pairs.length > 2) return new ModelError('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = 0; j < pairs.length; j += 2) {
    const s = parseDouble(pairs[j]);
    if (s === null) return NOT_FLOAT;
    scores.push(s);
  }
  const zset = zsetOf(ks, key, now);
  if (zset instanceof ModelError) return zset;
  let added = 0n, updated = 0n, processed = 0;
  let score = 0;
  if (zset || !xx) {
    const members = zset ? zset.scores : new Map<string, number>();
    ks.update(key, { type: 'zset', scores: members }, now);
    for (let j = 0; j < scores.length; j++) {
      const member = pairs[j * 2 + 1];
      score = scores[j];
      const current = members.get(member);
      if (current === undefined) {
        if (xx) continue;
        // GT and LT only stop updates: a new member is added whatever its score (https://redis.io/commands/zadd/).
        members.set(member, storedScore(score));
        added++;
        processed++;
        continue;
      }
      if (nx) continue;
      if (incr) {
        score += current;
        if (Number.isNaN(score)) return NAN_SCORE;
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      processed++;
      if (score !== current) {
        members.set(member, storedScore(score));
        updated++;
      }
    }
  }
  if (incr) return processed ? ks.formatScore(score) : null;
  return flags.has('CH') ? added + updated : added;
}

function zincrby(ks: Keyspace, [key, by, member]: string[], now: bigint): ModelReply {
  return zadd(ks, [key, 'INCR', by, member], now);
}

function zscore(ks: Keyspace, [key, member]: string[], now: bigint): ModelReply {
  const zset = zsetOf(ks, key, now);
  if (zset instanceof ModelError) return zset;
  const s = zset?.scores.get(member);
  return s === undefined ? null : ks.formatScore(s);
}

function zrem(ks: Keyspace, [key, ...members]: string[], now: bigint): ModelReply {
  const zset = zsetOf(ks, key, now);
  if (zset instanceof ModelError) return zset;
  if (!zset) return 0n;
  let n = 0n;
  for (const m of members) if (zset.scores.delete(m)) n++;
  ks.dropIfEmpty(key);
  return n;
}

function zrange(ks: Keyspace, [key, startArg, stopArg, ...options]: string[], now: bigint): ModelReply {
  const withScores = options.length === 1 && options[0].toUpperCase() === 'WITHSCORES';
  if (options.length > 0 && !withScores) return SYNTAX;
  const start = parseLongLong(startArg);
  const stop = parseLongLong(stopArg);
  if (start === null || stop === null) return NOT_INTEGER;
  const zset = zsetOf(ks, key, now);
  if (zset instanceof ModelError) return zset;
  if (!zset) return [];
  const ordered = zsetOrder(zset.scores);
  const range = listRange(ordered.length, start, stop);
  if (!range) return [];
  return ordered.slice(range[0], range[1] + 1).flatMap(([m, s]) => (withScores ? [m, ks.formatScore(s)] : [m]));
}

function zrank(ks: Keyspace, [key, member]: string[], now: bigint): ModelReply {
  const zset = zsetOf(ks, key, now);
  if (zset instanceof ModelError) return zset;
  if (!zset) return null;
  const i = zsetOrder(zset.scores).findIndex(([m]) => m === member);
  return i < 0 ? null : BigInt(i);
}

function size(ks: Keyspace, key: string, type: Value['type'], now: bigint): ModelReply {
  const v = ks.typed(key, type, now);
  if (v instanceof ModelError) return v;
  if (!v) return 0n;
  return BigInt(v.type === 'list' ? v.items.length : v.type === 'hash' ? v.fields.size : v.type === 'set' ? v.members.size : v.type === 'zset' ? v.scores.size : v.s.length);
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
  lpush: [-3, (ks, a, now) => push(ks, a, now, true)],
  rpush: [-3, (ks, a, now) => push(ks, a, now, false)],
  lpop: [-2, (ks, a, now) => (a.length > 2 ? new ModelError("ERR wrong number of arguments for 'lpop' command") : pop(ks, a, now, true))],
  rpop: [-2, (ks, a, now) => (a.length > 2 ? new ModelError("ERR wrong number of arguments for 'rpop' command") : pop(ks, a, now, false))],
  llen: [2, (ks, [k], now) => size(ks, k, 'list', now)],
  lrange: [4, lrange],
  lindex: [3, lindex],
  lset: [4, lset],
  lrem: [4, lrem],
  hset: [-4, hset],
  hget: [3, hget],
  hdel: [-3, hdel],
  hlen: [2, (ks, [k], now) => size(ks, k, 'hash', now)],
  hincrby: [4, hincrby],
  hincrbyfloat: [4, hincrbyfloat],
  hgetall: [2, hgetall],
  sadd: [-3, sadd],
  srem: [-3, srem],
  sismember: [3, (ks, [k, m], now) => {
    const s = setOf(ks, k, now);
    return s instanceof ModelError ? s : s?.members.has(m) ? 1n : 0n;
  }],
  scard: [2, (ks, [k], now) => size(ks, k, 'set', now)],
  smembers: [2, (ks, [k], now) => {
    const s = setOf(ks, k, now);
    return s instanceof ModelError ? s : [...(s?.members ?? [])];
  }],
  zadd: [-4, zadd],
  zincrby: [4, zincrby],
  zscore: [3, zscore],
  zrem: [-3, zrem],
  zcard: [2, (ks, [k], now) => size(ks, k, 'zset', now)],
  zrange: [-4, zrange],
  zrank: [3, zrank],
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
