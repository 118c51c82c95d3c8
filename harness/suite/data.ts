import { AssertionError, tclString, type Caller } from './assert.ts';
import { configGet, infoField, type ServerHandle } from '../servers/handle.ts';
import { randomInt, randomKey, randomValue, randpath, rng } from './random.ts';
import { settings, verbose } from '../worker/context.ts';
import { srv } from './blocks.ts';
import { Pacer } from '../core/time.ts';
import { readReplies, sendPipelined } from './pipeline.ts';


/** RANDOMKEY draws sent together by findKeyWithType (a round trip each batch, not each draw). */
const FIND_BATCH = 5;

/**
 * A random key of `type` among 20 RANDOMKEY draws, as Tcl's findKeyWithType, drawn FIND_BATCH at a
 * time; `claim` (when ops run side by side) takes a key for the caller or refuses one another op
 * holds, which then counts as a miss.
 */
async function findKeyWithType(r: Caller, type: string, claim: (key: string) => boolean): Promise<string | null> {
  for (let tried = 0; tried < 20; tried += FIND_BATCH) {
    const keys = await Promise.all(Array.from({ length: FIND_BATCH }, () => r.call('randomkey')));
    if (keys.some((k) => k === null || k === '')) return null;
    const candidates = keys.map(String).filter(claim);
    const types = await Promise.all(candidates.map((k) => r.call('type', k)));
    const found = types.indexOf(type);
    if (found >= 0) return candidates[found];
  }
  return null;
}

/**
 * How often a paced dataset starts its next ops: they go out together, as one pipeline. At 250 ms
 * a paced op costs the client and the server about 15% less CPU than at 100 ms (fewer, fuller
 * round trips); longer ticks cost the client more again.
 */
const PACE_TICK_MS = 250;

/**
 * Tcl createComplexDataset: ops random writes across all types, drawn from the run's generator.
 * With `pace`, ops run opsPerSecond a second, those of one tick side by side on the connection
 * (pipelined), each on keys no other op of the tick touches, so every op sees what it would see alone.
 */
export async function createComplexDataset(r: Caller, ops: number, opt: Array<'useexpire' | 'usetag'> = [], pace?: { opsPerSecond: number }): Promise<void> {
  if (!pace) {
    for (let j = 0; j < ops; j++) await complexOp(r, opt, new Set());
    return;
  }
  const perTick = Math.max(1, Math.round((pace.opsPerSecond * PACE_TICK_MS) / 1000));
  const pacer = new Pacer(PACE_TICK_MS);
  const held = new Set<string>();
  for (let j = 0; j < ops; j += perTick) {
    await Promise.all(Array.from({ length: Math.min(perTick, ops - j) }, () => complexOp(r, opt, held)));
    await pacer.tick();
  }
}

/** One op of createComplexDataset; `held` holds the keys of the ops running beside it. */
async function complexOp(r: Caller, opt: Array<'useexpire' | 'usetag'>, held: Set<string>): Promise<void> {
  const useExpire = opt.includes('useexpire');
  const tag = opt.includes('usetag') ? '{t}' : '';
  const g = rng();
  const mine = new Set<string>();
  const claim = (key: string) => {
    if (held.has(key) && !mine.has(key)) return false;
    held.add(key);
    mine.add(key);
    return true;
  };
  try {
    let k: string;
    let k2: string;
    do {
      k = `${randomKey()}${tag}`;
      k2 = `${randomKey()}${tag}`;
    } while (!claim(k) || !claim(k2));
    const f = randomValue();
    const v = randomValue();
    if (useExpire && g.random() < 0.1) await r.call('expire', randomKey(), randomInt(2));
    const d: string | number = randpath<string | number>(
      () => g.random(),
      () => g.random(),
      () => g.random(),
      () => g.random(),
      () => g.random(),
      () => randpath(() => '+inf', () => '-inf'),
    );
    let t = await r.call('type', k);
    if (t === 'none') {
      await randpath(
        () => r.call('set', k, v),
        () => r.call('lpush', k, v),
        () => r.call('sadd', k, v),
        () => r.call('zadd', k, d, v),
        () => r.call('hset', k, f, v),
        () => r.call('del', k),
      );
      t = await r.call('type', k);
    }
    switch (t) {
      case 'list':
        await randpath(
          () => r.call('lpush', k, v),
          () => r.call('rpush', k, v),
          () => r.call('lrem', k, 0, v),
          () => r.call('rpop', k),
          () => r.call('lpop', k),
        );
        break;
      case 'set':
        await randpath<Promise<unknown>>(
          () => r.call('sadd', k, v),
          () => r.call('srem', k, v),
          async () => {
            const other = await findKeyWithType(r, 'set', claim);
            if (other !== null) {
              await randpath(
                () => r.call('sunionstore', k2, k, other),
                () => r.call('sinterstore', k2, k, other),
                () => r.call('sdiffstore', k2, k, other),
              );
            }
          },
        );
        break;
      case 'zset':
        await randpath<Promise<unknown>>(
          () => r.call('zadd', k, d, v),
          () => r.call('zrem', k, v),
          async () => {
            const other = await findKeyWithType(r, 'zset', claim);
            if (other !== null) await randpath(() => r.call('zunionstore', k2, 2, k, other), () => r.call('zinterstore', k2, 2, k, other));
          },
        );
        break;
      case 'hash':
        await randpath(() => r.call('hset', k, f, v), () => r.call('hdel', k, f));
        break;
    }
  } finally {
    for (const key of mine) held.delete(key);
  }
}

function csvstring(s: unknown): string {
  return `"${tclString(s)}"`;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Tcl csvdump: every key of every db in a stable text form, for comparing two servers. */
export async function csvdump(r: Caller): Promise<string> {
  const singledb = settings().singledb;
  let out = '';
  for (let db = 0; db < (singledb ? 1 : 16); db++) {
    if (!singledb) await r.call('select', db);
    const keys = ((await r.call('keys', '*')) as string[]).map(String).sort(byteOrder);
    for (const k of keys) {
      const type = String(await r.call('type', k));
      out += `${csvstring(db)},${csvstring(k)},${csvstring(type)},`;
      switch (type) {
        case 'string':
          out += csvstring(await r.call('get', k)) + '\n';
          break;
        case 'list':
          for (const e of (await r.call('lrange', k, 0, -1)) as string[]) out += csvstring(e) + ',';
          out += '\n';
          break;
        case 'set':
          for (const e of ((await r.call('smembers', k)) as string[]).map(String).sort(byteOrder)) out += csvstring(e) + ',';
          out += '\n';
          break;
        case 'zset':
          for (const e of (await r.call('zrange', k, 0, -1, 'withscores')) as string[]) out += csvstring(e) + ',';
          out += '\n';
          break;
        case 'hash': {
          const flat = await r.call('hgetall', k);
          const pairs: Array<[string, string]> = [];
          if (flat instanceof Map) for (const [f, v] of flat) pairs.push([String(f), String(v)]);
          else for (let i = 0; i < (flat as string[]).length; i += 2) pairs.push([String((flat as string[])[i]), String((flat as string[])[i + 1])]);
          pairs.sort((a, b) => byteOrder(a[0], b[0]));
          for (const [f, v] of pairs) out += `${csvstring(f)},${csvstring(v)},`;
          out += '\n';
          break;
        }
      }
    }
  }
  if (!singledb) await r.call('select', 9);
  return out;
}

function digestDisabled(): boolean {
  const s = settings();
  return s.denyTags.includes('needs:debug') || s.ignoreDigest;
}

export async function debugDigest(r: Caller): Promise<string> {
  if (digestDisabled()) return 'dummy-digest';
  return String(await r.call('debug', 'digest'));
}

export async function debugDigestValue(r: Caller, key: string): Promise<string> {
  if (digestDisabled()) return 'dummy-digest-value';
  return String(await r.call('debug', 'digest-value', key));
}

/**
 * Tcl populate: num keys prefix0..N with values of size bytes, on a separate client. The SETs
 * stream out with backpressure while their replies are read alongside, so the server works while
 * the next commands are encoded (a pipeline sent in batches, each awaited, leaves it idle between).
 */
export async function populate(handle: ServerHandle, num: number, prefix = 'key:', size = 3): Promise<void> {
  const client = await handle.newClient();
  const value = 'A'.repeat(size);
  try {
    await Promise.all([
      sendPipelined(
        client,
        (function* () {
          for (let j = 0; j < num; j++) yield ['set', `${prefix}${j}`, value];
        })(),
      ),
      readReplies(client, num),
    ]);
  } finally {
    await client.close();
  }
}


/** Tcl cmdrstat: the commandstats line of one command. */
export async function cmdrstat(cmd: string, r: Caller): Promise<string> {
  return infoField(String(await r.call('info', 'commandstats')), `cmdstat_${cmd}`) ?? '';
}

export async function errorrstat(code: string, r: Caller): Promise<string> {
  return infoField(String(await r.call('info', 'errorstats')), `errorstat_${code}`) ?? '';
}

export async function latencyrstatPercentiles(cmd: string, r: Caller): Promise<string> {
  return infoField(String(await r.call('info', 'latencystats')), `latency_percentiles_usec_${cmd}`) ?? '';
}

/** Tcl memory_usage: MEMORY USAGE of a key, or 1 when the allocator is not jemalloc (libc sizes vary). */
export async function memoryUsage(key: string, r: ServerHandle = srv(0)): Promise<number> {
  const usage = Number(await r.call('memory', 'usage', key));
  return (await r.status('mem_allocator')).includes('jemalloc') ? usage : 1;
}

/** Tcl prepare_value: "c" then zeros, `size` characters in all. */
export function prepareValue(size: number): string {
  return 'c' + '0'.repeat(Math.max(0, size - 1));
}

/** Tcl config_set: CONFIG SET on a server (the innermost by default); with 'mayfail' a refusal is only logged (--verbose). */
export async function configSet(param: string, value: string | number, options: Array<'mayfail'> = [], r: Caller = srv(0)): Promise<void> {
  try {
    await r.call('config', 'set', param, value);
  } catch (err) {
    if (err instanceof AssertionError || !options.includes('mayfail')) throw err;
    verbose(`Ignoring CONFIG SET ${param} ${value} failure: ${(err as Error).message}`);
  }
}

/** Tcl config_get_set: sets the parameter and returns its previous value. */
export async function configGetSet(param: string, value: string | number, options: Array<'mayfail'> = [], r: Caller = srv(0)): Promise<string> {
  const previous = await configGet(r, param);
  await configSet(param, value, options, r);
  return previous;
}
