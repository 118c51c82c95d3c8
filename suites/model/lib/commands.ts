/**
 * fast-check generators of command histories: few keys, so commands meet each other's values,
 * and wide values (near 2^31, 2^32, 2^53, 2^63, negative, floats, text that almost parses).
 * Times are generated relative to the history's start and resolved when the command is sent.
 */
import fc from 'fast-check';

/** An absolute time `offsetMs` after the history starts, sent in ms or (rounded down) in seconds. */
export interface TimeArg {
  offsetMs: number;
  unit: 'ms' | 's';
}
export type HistoryArg = string | TimeArg;
export type Command = HistoryArg[];

/** The argv a command is sent as, with its times resolved against the history's start. */
export function resolveCommand(command: Command, startMs: bigint): string[] {
  return command.map((a) => {
    if (typeof a === 'string') return a;
    const at = startMs + BigInt(a.offsetMs);
    return (a.unit === 'ms' ? at : at / 1000n).toString();
  });
}

const P = (e: number) => 2n ** BigInt(e);
const INTEGER_EDGES = [0n, 1n, -1n, P(31) - 1n, P(31), -P(31), P(32) - 1n, P(32), -P(32), P(53) - 1n, P(53), -P(53), P(63) - 1n, -P(63), P(63), P(64)];

/** Integers as text: edges and their neighbours (out of range included), random 64-bit ones, small ones. */
export const integerText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...INTEGER_EDGES), fc.integer({ min: -2, max: 2 })).map(([e, d]) => (e + BigInt(d)).toString()) },
  { weight: 1, arbitrary: fc.bigInt({ min: -P(64), max: P(64) }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: -20, max: 20 }).map(String) },
);

/** Floats as text, in the forms strtod/strtold read (never hexadecimal, which the model does not parse). */
export const floatText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('0.1', '-0.1', '1.5', '2.5e-3', '1e17', '1.0e18', '-3.75', '-0', '3.0', '.5', '5.', '1e308', '1e-20', 'inf', '-inf', '+inf', 'nan', '1e400', '0.30000000000000004') },
  { weight: 2, arbitrary: fc.double({ min: -1e20, max: 1e20, noNaN: true }).map((d) => String(d)) },
  { weight: 2, arbitrary: integerText },
);

/** Short text from characters that make near-numbers: " 1", "1.", "-", "01", "e1"... */
export const wordText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'hello', 'a b', 'abc'),
  fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '9', '-', '.', 'e', ' '), maxLength: 6 }),
);

export const valueText: fc.Arbitrary<string> = fc.oneof(integerText, floatText, wordText);

/** Small indexes mostly, and a few huge ones. */
const indexText = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -6, max: 6 }).map(String) }, { weight: 1, arbitrary: integerText });

/** Relative expiry in seconds: past (deletes), far future (>= 1000 s, never reached during a run), or overflowing. */
const relativeSeconds = fc.oneof(
  fc.constantFrom('-1', '0', '-100', '1000', '86400', '2147483648', '4294967296', '9007199254740992', '9223372036854775', '9223372036854776', '9223372036854775807', '-9223372036854775808', 'abc'),
  fc.integer({ min: 1000, max: 1_000_000_000 }).map(String),
);
const relativeMs = fc.oneof(
  fc.constantFrom('-1', '0', '1000000', '9223372036854775807', '1.5'),
  fc.integer({ min: 1_000_000, max: 2_000_000_000 }).map(String),
);
/** Absolute times, from the history's start: far past or at least 1000 s ahead. */
const offsets = fc.oneof(fc.integer({ min: -1_000_000_000, max: -10_000_000 }), fc.integer({ min: 1_000_000, max: 1_000_000_000_000 }));
const absoluteMs: fc.Arbitrary<HistoryArg> = fc.oneof(
  { weight: 3, arbitrary: offsets.map((offsetMs): TimeArg => ({ offsetMs, unit: 'ms' })) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1', '9007199254740993', '9223372036854775807', '-9223372036854775808') },
);
const absoluteSeconds: fc.Arbitrary<HistoryArg> = fc.oneof(
  { weight: 3, arbitrary: offsets.map((offsetMs): TimeArg => ({ offsetMs, unit: 's' })) },
  { weight: 1, arbitrary: fc.constantFrom('0', '1', '9223372036854775', '9223372036854776') },
);

const cmd = (...parts: Array<fc.Arbitrary<HistoryArg | HistoryArg[]>>): fc.Arbitrary<Command> => fc.tuple(...parts).map((p) => p.flat() as Command);
const word = (s: string) => fc.constant(s);
/** One of these option lists. */
const optionLists = (...lists: string[][]): fc.Arbitrary<string[]> => fc.constantFrom(...lists);
const some = <T>(a: fc.Arbitrary<T>, max = 3) => fc.array(a, { minLength: 1, maxLength: max });
const weighted = (items: Array<[number, fc.Arbitrary<Command>]>) => fc.oneof(...items.map(([weight, arbitrary]) => ({ weight, arbitrary })));

export function stringCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  const key = fc.constantFrom(...keys);
  const setOptions = fc
    .tuple(
      optionLists([], ['NX'], ['XX']),
      fc.boolean().map((g) => (g ? ['GET'] : [])),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.tuple(word('EX'), relativeSeconds) },
        { weight: 1, arbitrary: fc.tuple(word('PX'), relativeMs) },
        { weight: 1, arbitrary: fc.tuple(word('EXAT'), absoluteSeconds) },
        { weight: 1, arbitrary: fc.tuple(word('PXAT'), absoluteMs) },
        { weight: 1, arbitrary: fc.constant(['KEEPTTL']) },
      ),
    )
    .map((parts) => parts.flat() as HistoryArg[]);
  return weighted([
    [3, cmd(word('SET'), key, valueText, setOptions)],
    [2, cmd(word('GET'), key)],
    [3, cmd(word('INCR'), key)],
    [2, cmd(word('INCRBY'), key, integerText)],
    [1, cmd(word('DECR'), key)],
    [1, cmd(word('DECRBY'), key, integerText)],
    [2, cmd(word('INCRBYFLOAT'), key, floatText)],
    [1, cmd(word('APPEND'), key, valueText)],
    [1, cmd(word('GETRANGE'), key, indexText, indexText)],
    [1, cmd(word('SETRANGE'), key, fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), integerText), wordText)],
    [1, cmd(word('STRLEN'), key)],
    [1, cmd(word('DEL'), key)],
  ]);
}

export function expiryCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  const key = fc.constantFrom(...keys);
  const expireOptions = optionLists([], [], ['NX'], ['XX'], ['GT'], ['LT'], ['XX', 'GT'], ['NX', 'GT'], ['GT', 'LT']);
  return weighted([
    [3, cmd(word('EXPIRE'), key, relativeSeconds, expireOptions)],
    [2, cmd(word('PEXPIREAT'), key, absoluteMs, expireOptions)],
    [1, cmd(word('EXPIREAT'), key, absoluteSeconds)],
    [1, cmd(word('PERSIST'), key)],
    [2, cmd(word('TTL'), key)],
    [1, cmd(word('TYPE'), key)],
    [1, cmd(word('EXISTS'), some(key))],
  ]);
}

const element = fc.oneof(fc.constantFrom('a', 'b', 'c', '1', '2', '-3', '100', '4294967296', ''), wordText);

export function listCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  const key = fc.constantFrom(...keys);
  const count = fc.option(fc.oneof(fc.integer({ min: -1, max: 4 }).map(String), integerText), { nil: undefined }).map((c) => (c === undefined ? [] : [c]));
  return weighted([
    [3, cmd(word('LPUSH'), key, some(element))],
    [3, cmd(word('RPUSH'), key, some(element))],
    [2, cmd(word('LPOP'), key, count)],
    [2, cmd(word('RPOP'), key, count)],
    [1, cmd(word('LLEN'), key)],
    [2, cmd(word('LRANGE'), key, indexText, indexText)],
    [1, cmd(word('LINDEX'), key, indexText)],
    [1, cmd(word('LSET'), key, indexText, element)],
    [1, cmd(word('LREM'), key, fc.integer({ min: -2, max: 2 }).map(String), element)],
  ]);
}

const field = fc.constantFrom('f1', 'f2', 'f3');

export function hashCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  const key = fc.constantFrom(...keys);
  return weighted([
    [3, cmd(word('HSET'), key, some(fc.tuple(field, valueText), 2).map((pairs) => pairs.flat()))],
    [2, cmd(word('HGET'), key, field)],
    [1, cmd(word('HDEL'), key, some(field))],
    [1, cmd(word('HLEN'), key)],
    [2, cmd(word('HINCRBY'), key, field, integerText)],
    [2, cmd(word('HINCRBYFLOAT'), key, field, floatText)],
    [1, cmd(word('HGETALL'), key)],
  ]);
}

export function setCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  const key = fc.constantFrom(...keys);
  return weighted([
    [3, cmd(word('SADD'), key, some(element))],
    [2, cmd(word('SREM'), key, some(element))],
    [1, cmd(word('SISMEMBER'), key, element)],
    [1, cmd(word('SCARD'), key)],
    [1, cmd(word('SMEMBERS'), key)],
  ]);
}

export function zsetCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  const key = fc.constantFrom(...keys);
  const member = fc.constantFrom('m1', 'm2', 'm3', 'a', 'b');
  const zaddOptions = optionLists([], [], [], ['NX'], ['XX'], ['CH'], ['INCR'], ['GT'], ['LT', 'CH'], ['XX', 'GT'], ['NX', 'XX'], ['NX', 'GT']);
  return weighted([
    [4, cmd(word('ZADD'), key, zaddOptions, some(fc.tuple(floatText, member), 2).map((pairs) => pairs.flat()))],
    [2, cmd(word('ZINCRBY'), key, floatText, member)],
    [2, cmd(word('ZSCORE'), key, member)],
    [1, cmd(word('ZREM'), key, some(member))],
    [1, cmd(word('ZCARD'), key)],
    [2, cmd(word('ZRANGE'), key, indexText, indexText, optionLists([], ['WITHSCORES']))],
    [1, cmd(word('ZRANK'), key, member)],
  ]);
}

/** Every family on shared keys, so commands also meet values of the wrong type. */
export function mixedCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  return fc.oneof(stringCommands(keys), expiryCommands(keys), listCommands(keys), hashCommands(keys), setCommands(keys), zsetCommands(keys));
}

export function histories(commands: fc.Arbitrary<Command>, maxLength = 40): fc.Arbitrary<Command[]> {
  return fc.array(commands, { minLength: 1, maxLength, size: 'max' });
}

/** Every family, with expiry commands three times as often: round trips must carry many TTLs. */
export function ttlHeavyCommands(keys: readonly string[]): fc.Arbitrary<Command> {
  return fc.oneof({ weight: 2, arbitrary: mixedCommands(keys) }, { weight: 1, arbitrary: expiryCommands(keys) });
}
