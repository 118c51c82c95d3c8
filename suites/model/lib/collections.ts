/** The model's lists, hashes, sets and sorted sets (see keyspace.ts for the keyspace and strings). */
import { addLongDouble, formatLongDouble, LLONG_MAX, LLONG_MIN, longDoubleFromInteger, parseDouble, parseLongDouble, parseLongLong } from './numbers.ts';
import type { Keyspace } from './keyspace.ts';
import { listRange, ModelError, NOT_FLOAT, NOT_INTEGER, SYNTAX, type Handler, type ModelReply, type Value } from './values.ts';

const NAN_SCORE = new ModelError('ERR resulting score is not a number (NaN)');

/** Sorted by score, then by member bytes. */
export function zsetOrder(scores: Map<string, number>): Array<[string, number]> {
  return [...scores].sort(([ma, sa], [mb, sb]) => (sa !== sb ? sa - sb : ma < mb ? -1 : ma > mb ? 1 : 0));
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

export function size(ks: Keyspace, key: string, type: Value['type'], now: bigint): ModelReply {
  const v = ks.typed(key, type, now);
  if (v instanceof ModelError) return v;
  if (!v) return 0n;
  return BigInt(v.type === 'list' ? v.items.length : v.type === 'hash' ? v.fields.size : v.type === 'set' ? v.members.size : v.type === 'zset' ? v.scores.size : v.s.length);
}


/** name -> [Redis arity (negative: at least), handler]. */
export const COLLECTION_COMMANDS: Record<string, [number, Handler]> = {
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
