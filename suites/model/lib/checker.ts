/**
 * Runs random command histories against a server and the reference model (fast-check), and
 * compares every reply and then the whole keyspace, TTLs as absolute times, optionally after a
 * round trip (reload, restart, replication). A failing history is shrunk by fast-check to the
 * shortest one that still fails, and reported as a redis-cli script with a one-line rerun command.
 */
import fc from 'fast-check';
import { AssertionError, ctx, deriveSeed, infoField, puts, ReplyError, settings, shellQuote, type Client, type Reply } from '../../../harness/index.ts';
import { histories, resolveCommand, type Command } from './commands.ts';
import { scoreFormatFor, type ScoreFormat } from './numbers.ts';
import { CLOCK_READERS, Keyspace, ModelError, orderInsensitive, type DumpedKey, type ModelReply } from './keyspace.ts';

/** Replays one shrunk counterexample: the fast-check path printed with a failure. */
export const REPLAY_ENV = 'RUNTEST_MODEL_REPLAY';

export interface ModelCheck {
  commands: fc.Arbitrary<Command>;
  /** Histories per property; --accurate runs ten times as many. */
  runs: number;
  maxCommands?: number;
  /** The connection histories are sent on (asked each run: a restart replaces it). */
  client: () => Client;
  /** Also compare the whole keyspace after the history (off in external mode: replies only). */
  keyspace?: boolean;
  /** Before each history, after FLUSHDB. */
  beforeRun?: () => Promise<void>;
  /** Between the two halves of each history (BGREWRITEAOF, a link cut...). */
  midway?: () => Promise<void>;
  /** After the history: a round trip; the clients returned must then hold the model's keyspace. */
  roundTrip?: { label: string; run: () => Promise<Client[]> };
}

/** What one history did, for the failure report. */
interface Step {
  argv: string[];
  got: ModelReply;
  expected: ModelReply;
}

/** A history the server and the model disagree on; fast-check shrinks on it. */
class Mismatch extends Error {
  constructor(
    readonly detail: string,
    readonly steps: Step[],
  ) {
    super(detail);
  }
}

function fromServer(reply: Reply): ModelReply {
  if (typeof reply === 'number') return BigInt(reply);
  if (typeof reply === 'bigint' || typeof reply === 'string' || reply === null) return reply;
  if (Array.isArray(reply)) return reply.map(fromServer);
  throw new Error(`unexpected reply type: ${String(reply)}`);
}

/** A reply as redis-cli shows it. */
export function render(reply: ModelReply): string {
  if (reply instanceof ModelError) return `(error) ${reply.message}`;
  if (reply === null) return '(nil)';
  if (typeof reply === 'bigint') return `(integer) ${reply}`;
  if (Array.isArray(reply)) return `[${reply.map(render).join(', ')}]`;
  return JSON.stringify(reply);
}

/** One argument as redis-cli reads it from a script line. */
function cliArg(arg: string): string {
  if (/^[A-Za-z0-9_.:+-]+$/.test(arg)) return arg;
  return `"${arg.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^ -~]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

export function cliScript(steps: Array<{ argv: string[] }>, db: number | null): string {
  const lines = [...(db === null ? [] : [`SELECT ${db}`]), 'FLUSHDB', ...steps.map((s) => s.argv.map(cliArg).join(' '))];
  return lines.join('\n') + '\n';
}

/** The command line that replays exactly the shrunk history of a failed property. */
function rerunLine(name: string, path: string): string {
  const s = settings();
  const env = [`${REPLAY_ENV}=${shellQuote(path)}`];
  if (process.env.RUNTEST_SUITES_DIR) env.unshift(`RUNTEST_SUITES_DIR=${shellQuote(process.env.RUNTEST_SUITES_DIR)}`);
  const target = s.external ? ['--host', s.host, '--port', String(s.port)] : ['--server', shellQuote(s.binary)];
  const modes = [...(s.singledb ? ['--singledb'] : []), ...(s.tls ? ['--tls'] : [])];
  return [...env, './runtest', ...target, ...modes, '--single', ctx().unit, '--only', shellQuote(name), '--seed', String(s.seed)].join(' ');
}

async function send(client: Client, argv: string[]): Promise<ModelReply> {
  try {
    return fromServer(await client.call(...argv));
  } catch (err) {
    if (err instanceof ReplyError) return new ModelError(err.message);
    throw err;
  }
}

function same(a: ModelReply, b: ModelReply): boolean {
  return render(a) === render(b);
}

/** A reply that reads the clock must lie between the model's answers at the send and the reply times. */
function acceptable(got: ModelReply, early: ModelReply, late: ModelReply): boolean {
  if (typeof got === 'bigint' && typeof early === 'bigint' && typeof late === 'bigint') {
    const [lo, hi] = early < late ? [early, late] : [late, early];
    return got >= lo && got <= hi;
  }
  return same(got, early) || same(got, late);
}

/** The server's keyspace in the model's dump form: one pipelined read per key. */
async function dumpServer(client: Client): Promise<Map<string, DumpedKey>> {
  const keys = ((await client.call('keys', '*')) as string[]).sort();
  const read = async (key: string): Promise<DumpedKey> => {
    const [type, expireTime] = (await Promise.all([client.call('type', key), client.call('pexpiretime', key)])) as [string, number | bigint];
    const command: Record<string, string[]> = { string: ['get'], list: ['lrange', '0', '-1'], hash: ['hgetall'], set: ['smembers'], zset: ['zrange', '0', '-1', 'withscores'] };
    if (!command[type]) throw new Error(`key ${key} has type ${type}, which the model does not hold`);
    const raw = fromServer(await client.call(command[type][0], key, ...command[type].slice(1)));
    const value = orderInsensitive(command[type][0], raw);
    const expireAt = BigInt(expireTime);
    return { type, value: Array.isArray(value) ? (value as string[]) : [value as string], expireAt: expireAt < 0n ? null : expireAt };
  };
  const values = await Promise.all(keys.map(read));
  return new Map(keys.map((k, i) => [k, values[i]]));
}

function describeKey(k: DumpedKey | undefined): string {
  if (!k) return '(absent)';
  return `${k.type} ${JSON.stringify(k.value)} expire ${k.expireAt === null ? 'none' : `at ${k.expireAt} ms`}`;
}

function keyspaceDifferences(server: Map<string, DumpedKey>, model: Map<string, DumpedKey>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...server.keys(), ...model.keys()])].sort()) {
    const a = describeKey(server.get(key));
    const b = describeKey(model.get(key));
    if (a !== b) out.push(`  key ${key}: server has ${a}; model has ${b}`);
  }
  return out;
}

interface Totals {
  histories: number;
  commands: number;
  commandMs: number;
  /** Keys compared in keyspace dumps, and how many of them had a TTL. */
  keys: number;
  keysWithTtl: number;
}

async function compareKeyspace(client: Client, model: Keyspace, where: string, steps: Step[], totals: Totals): Promise<void> {
  const now = BigInt(Date.now());
  const expected = model.dump(now);
  totals.keys += expected.size;
  totals.keysWithTtl += [...expected.values()].filter((k) => k.expireAt !== null).length;
  const diff = keyspaceDifferences(await dumpServer(client), expected);
  if (diff.length > 0) throw new Mismatch(`keyspace ${where} differs from the model:\n${diff.join('\n')}`, steps);
}

/** Sends the history, checking each reply against the model; returns the model's final state. */
async function sendHistory(check: ModelCheck, client: Client, history: Command[], steps: Step[], totals: Totals, formatScore: ScoreFormat): Promise<Keyspace> {
  const model = new Keyspace(formatScore);
  const start = BigInt(Date.now());
  // Before command `half`: even a one-command history has its midway step.
  const half = Math.floor(history.length / 2);
  for (const [i, command] of history.entries()) {
    if (i === half && check.midway) {
      const midwayStarted = performance.now();
      await check.midway();
      totals.commandMs -= performance.now() - midwayStarted;
    }
    const argv = resolveCommand(command, start);
    const sentAt = BigInt(Date.now());
    const got = await send(client, argv);
    const repliedAt = BigInt(Date.now());
    totals.commands++;
    const clockReader = CLOCK_READERS.has(argv[0].toLowerCase());
    const expected = orderInsensitive(argv[0], model.apply(argv, sentAt));
    const step = { argv, got: orderInsensitive(argv[0], got), expected };
    steps.push(step);
    const ok = clockReader ? acceptable(step.got, expected, model.apply(argv, repliedAt)) : same(step.got, expected);
    if (!ok) throw new Mismatch(`reply ${i + 1} of ${history.length} differs from the model:\n  ${argv.map(cliArg).join(' ')}\n  server: ${render(step.got)}\n  model:  ${render(expected)}`, steps);
    const key = model.relativeExpireKey;
    if (key !== null) {
      // The server read its clock somewhere between send and reply: its expiry must fall in that
      // window, and the model then takes that reading.
      const at = BigInt((await client.call('pexpiretime', key)) as number | bigint);
      const low = model.dump(sentAt).get(key)?.expireAt ?? -1n;
      if (at < low || at > low + (repliedAt - sentAt)) {
        throw new Mismatch(`expiry set by command ${i + 1} (${argv.map(cliArg).join(' ')}) is ${at} ms, outside the send..reply window ${low}..${low + (repliedAt - sentAt)}`, steps);
      }
      model.pinExpire(key, at);
    }
  }
  return model;
}

/** One property run: a fresh database, the history, then the keyspace as is and after the round trip. */
async function runHistory(check: ModelCheck, history: Command[], totals: Totals, formatScore: ScoreFormat): Promise<void> {
  const client = check.client();
  await client.call('flushdb');
  await check.beforeRun?.();
  const steps: Step[] = [];
  totals.histories++;
  const began = performance.now();
  let model: Keyspace;
  try {
    model = await sendHistory(check, client, history, steps, totals, formatScore);
  } finally {
    totals.commandMs += performance.now() - began;
  }
  if (check.keyspace !== false) await compareKeyspace(client, model, 'after the history', steps, totals);
  if (check.roundTrip) {
    const clients = await check.roundTrip.run();
    for (const c of clients) await compareKeyspace(c, model, `after ${check.roundTrip.label} (:${c.port})`, steps, totals);
  }
}

/** Runs the property; on failure throws an AssertionError with the shrunk script, saved as artifacts. */
export async function checkModel(check: ModelCheck): Promise<void> {
  const s = settings();
  // The property's seed comes from the run's seed, the unit and the test's name (its rerun line's --only).
  const name = ctx().currentTestName;
  if (name === undefined) throw new Error('checkModel runs inside a test(): its seed and rerun line come from the test name');
  const runs = s.accurate ? check.runs * 10 : check.runs;
  const seed = deriveSeed(s.seed, ctx().unit, name) | 0;
  const replay = process.env[REPLAY_ENV];
  const totals: Totals = { histories: 0, commands: 0, commandMs: 0, keys: 0, keysWithTtl: 0 };
  const began = performance.now();
  const version = infoField(String(await check.client().call('info', 'server')), 'redis_version') ?? '';
  const formatScore = scoreFormatFor(version);
  const property = fc.asyncProperty(histories(check.commands, check.maxCommands ?? 40), (history) => runHistory(check, history, totals, formatScore));
  const details = await fc.check(property, replay ? { seed, path: replay, endOnFailure: true } : { seed, numRuns: runs });
  const seconds = (performance.now() - began) / 1000;
  const rate = totals.commandMs > 0 ? Math.round((totals.commands * 1000) / totals.commandMs) : 0;
  puts(`model ${name}: ${details.numRuns} runs of up to ${check.maxCommands ?? 40} commands${replay ? ` (replay of path ${replay})` : ''}, ${totals.commands} commands checked, ${rate} commands/s, ${totals.keys} keys compared (${totals.keysWithTtl} with a TTL), ${seconds.toFixed(1)} s`);
  if (!details.failed) return;
  const err = details.errorInstance;
  if (!(err instanceof Mismatch)) throw err instanceof Error ? err : new Error(String(err));
  const script = cliScript(err.steps, s.singledb ? null : 9);
  const rerun = rerunLine(name, details.counterexamplePath ?? '');
  const length = details.counterexample?.[0].length ?? err.steps.length;
  const unrun = length > err.steps.length ? ` (the shrunk history has ${length}; the rest never ran)` : '';
  const message = [
    `model check failed: ${replay ? 'replayed path' : `run ${details.numRuns} of ${runs}`}, shrunk ${details.numShrinks} times to ${err.steps.length} command(s)${unrun}`,
    err.detail,
    'shortest failing script (redis-cli; times are absolute, from the failing run):',
    ...script.trimEnd().split('\n').map((l) => `  ${l}`),
    `replay: ${rerun}`,
  ].join('\n');
  throw new AssertionError(message, { 'history.redis': script, 'rerun.txt': rerun + '\n', 'failure.txt': message + '\n' });
}
