// Fuzzes RESTORE: DUMP a random key, flip one or two random bytes (the DUMP checksum is not
// verified), RESTORE it under a new name and, when accepted, run random commands on it. With
// sanitize-dump-payload yes the server must never go down; without it, it may stop on an
// assertion, never on a signal. Every random choice comes from the run's seeded generator.
import { platform } from 'node:os';
import { readFileSync } from 'node:fs';
import {
  suite,
  tags,
  test,
  startServer,
  settings,
  rng,
  randomValue,
  randpath,
  fail,
  assertEqual,
  AssertionError,
  tclString,
  type Arg,
  type Client,
  type ServerHandle,
  puts,
} from '../../harness/index.ts';

/** Commands to try per key type (no blocking ones). */
const COMMANDS_BY_TYPE: Record<string, string[]> = {
  string: 'APPEND BITCOUNT BITFIELD BITOP BITPOS DECR DECRBY GET GETBIT GETRANGE GETSET INCR INCRBY INCRBYFLOAT MGET MSET MSETNX PSETEX SET SETBIT SETEX SETNX SETRANGE LCS STRLEN'.split(' '),
  hash: 'HDEL HEXISTS HGET HGETALL HINCRBY HINCRBYFLOAT HKEYS HLEN HMGET HMSET HSCAN HSET HSETNX HSTRLEN HVALS HRANDFIELD'.split(' '),
  zset: 'ZADD ZCARD ZCOUNT ZINCRBY ZINTERSTORE ZLEXCOUNT ZPOPMAX ZPOPMIN ZRANGE ZRANGEBYLEX ZRANGEBYSCORE ZRANK ZREM ZREMRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREVRANGE ZREVRANGEBYLEX ZREVRANGEBYSCORE ZREVRANK ZSCAN ZSCORE ZUNIONSTORE ZRANDMEMBER'.split(' '),
  list: 'LINDEX LINSERT LLEN LPOP LPOS LPUSH LPUSHX LRANGE LREM LSET LTRIM RPOP RPOPLPUSH RPUSH RPUSHX'.split(' '),
  set: 'SADD SCARD SDIFF SDIFFSTORE SINTER SINTERSTORE SISMEMBER SMEMBERS SMOVE SPOP SRANDMEMBER SREM SSCAN SUNION SUNIONSTORE'.split(' '),
  stream: 'XACK XADD XCLAIM XDEL XGROUP XINFO XLEN XPENDING XRANGE XREAD XREADGROUP XREVRANGE XTRIM'.split(' '),
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A random value as the bytes Tcl would send: one byte per character. */
const valueArg = (v: string | number): Buffer => Buffer.from(String(v), 'latin1');

/**
 * Tcl's string2printable: the bytes unchanged when they are all plain, else the whole string
 * as "\xHH..." escapes.
 */
function printable(data: Buffer | string): string {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  const special = buf.some((b) => b < 32 || b > 122 || b === 34 || b === 36 || b === 92);
  if (!special) return buf.toString('latin1');
  return `"${[...buf].map((b) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')}"`;
}

/** One or (one time in ten) two random bytes of the payload replaced by random values. */
function corruptPayload(payload: Buffer): Buffer {
  const g = rng();
  const out = Buffer.from(payload);
  let count = g.random() > 0.9 ? 2 : 1;
  while (count > 0) {
    const idx = Math.floor(g.random() * out.length);
    out[idx] = Math.floor(g.random() * 255);
    count--;
  }
  return out;
}

/** Collections of every type named <type><suffix>, `elements` entries each, written in one pipeline. */
async function generateCollections(h: ServerHandle, suffix: string, elements: number): Promise<void> {
  const rd = await h.newClient();
  const replies: Array<Promise<unknown>> = [];
  for (let j = 0; j < elements; j++) {
    // Mix integer and string values.
    const val = j % 2 === 0 ? String(j) : `_${j}`;
    replies.push(rd.call('hset', `hash${suffix}`, j, val));
    replies.push(rd.call('lpush', `list${suffix}`, val));
    replies.push(rd.call('zadd', `zset${suffix}`, j, val));
    replies.push(rd.call('sadd', `set${suffix}`, val));
    replies.push(rd.call('xadd', `stream${suffix}`, '*', 'item', 1, 'value', val));
  }
  await Promise.all(replies);
  await rd.close();
}

/** Keys of every type, in the compact (listpack / ziplist) encodings and in the big ones. */
async function generateTypes(h: ServerHandle): Promise<void> {
  await h.call('config', 'set', 'list-max-ziplist-size', 5);
  await h.call('config', 'set', 'hash-max-ziplist-entries', 5);
  await h.call('config', 'set', 'zset-max-ziplist-entries', 5);
  await h.call('config', 'set', 'stream-node-max-entries', 5);

  // Three items: every collection stays compact.
  await generateCollections(h, '', 3);

  // Consumer group metadata on the stream.
  await h.call('xgroup', 'create', 'stream', 'mygroup', 0);
  const records = (await h.call('xreadgroup', 'GROUP', 'mygroup', 'Alice', 'COUNT', 2, 'STREAMS', 'stream', '>')) as any[];
  const entries = records[0][1] as any[];
  await h.call('xdel', 'stream', entries[1][0]);
  await h.call('xack', 'stream', 'mygroup', entries[0][0]);

  await h.call('incr', 'int');
  await h.call('set', 'string', 'str');

  // Ten items: more than one listpack / ziplist node.
  await generateCollections(h, 'big', 10);

  // A stream listpack whose entries use field names other than the master entry's.
  await h.call('xadd', 'streambig', '*', 'item', 1, 'value', 1);
  await h.call('xadd', 'streambig', '*', 'item', 1, 'unique', 'value');
}

/**
 * Random commands of the key's type, with random arguments, for `duration` whole seconds (as
 * counted by the clock's seconds). Returns the commands sent; stops early when the server is gone.
 */
async function fuzzyTrafficOnKey(r: Client, key: Buffer, duration: number): Promise<Arg[][]> {
  const type = String(await r.call('type', key));
  const cmds = COMMANDS_BY_TYPE[type];
  const start = nowSeconds();
  const sent: Arg[][] = [];
  while (nowSeconds() - start < duration) {
    const name = cmds[Math.floor(rng().random() * cmds.length)];
    let info: any[];
    try {
      info = ((await r.call('command', 'info', name)) as any[])[0];
    } catch {
      // The previous command brought the server down.
      return sent;
    }
    const arity = Math.abs(Number(info[1]));
    const firstKey = Number(info[3]);
    const lastKey = Number(info[4]);
    const cmd: Arg[] = [name];
    let i = 1;
    if (name === 'XINFO') {
      cmd.push('STREAM', key, 'FULL');
      i += 3;
    }
    if (name === 'XREAD') {
      cmd.push('STREAMS', key);
      cmd.push(randpath<Arg>(() => '$', () => valueArg(randomValue())));
      i += 3;
    }
    if (name === 'XADD') {
      cmd.push(key);
      cmd.push(randpath<Arg>(() => '*', () => valueArg(randomValue())));
      cmd.push(valueArg(randomValue()));
      cmd.push(valueArg(randomValue()));
      i += 4;
    }
    for (; i < arity; i++) cmd.push(i === firstKey || i === lastKey ? key : valueArg(randomValue()));
    sent.push(cmd);
    // Syntax errors and the like are expected.
    await r.call(...cmd).catch(() => undefined);
  }
  return sent;
}

/** Tcl find_valgrind_errors while the server still runs: a memory checker's report in stderr. */
function valgrindErrors(stderrFile: string): string {
  let buf: string;
  try {
    buf = readFileSync(stderrFile, 'latin1');
  } catch {
    return '';
  }
  const warning = buf.includes('Warning') && !buf.includes('set address range perms');
  if (/ at 0x/.test(buf) || warning || /Invalid|Mismatched|uninitialized|has a fishy|overlap/.test(buf)) return buf;
  return '';
}

interface Crash {
  phase: 'restore' | 'traffic' | 'memcheck';
  payload: string;
  bySignal: number;
  report: string;
  commands: Arg[][];
}

/** A crash for a message: its payload, the commands sent after it (the last maxCommands) and the server's crash report. */
function describeCrash(crash: Crash, maxCommands = Infinity): string {
  const lines = [`${crash.phase}: crashed by signal ${crash.bySignal} time(s), payload: ${crash.payload}`];
  if (crash.commands.length > 0) {
    const shown = crash.commands.slice(-maxCommands);
    lines.push(`violating commands${shown.length < crash.commands.length ? ` (last ${shown.length} of ${crash.commands.length})` : ''}:`);
    lines.push(...shown.map((cmd) => cmd.map((arg) => printable(Buffer.isBuffer(arg) ? arg : String(arg))).join(' ')));
  }
  lines.push(crash.report ? `crash report:\n${crash.report}` : 'crash report: (none in the log)');
  return lines.join('\n');
}

export default suite(async () => {
  await tags(['dump', 'corruption', 'external:skip'], async () => {
    for (const sanitizeDump of ['no', 'yes']) {
      let minDuration: number;
      let minCycles: number;
      if (settings().accurate) {
        // At least 10 minutes and 1000 cycles (about 16 minutes at most).
        minDuration = 60 * 10;
        minCycles = 1000;
      } else {
        minDuration = 10;
        minCycles = 10;
      }
      // Upstream keeps FreeBSD to a single short cycle (a memory issue of its Tcl there).
      if (platform() === 'freebsd') {
        minCycles = 1;
        minDuration = 1;
      }

      await test(`Fuzzer corrupt restore payloads - sanitize_dump: ${sanitizeDump}`, async () => {
        // The per-test limit would cut the run short: say so plainly instead.
        const limit = settings().testTimeout;
        if (limit > 0 && minDuration * 2 > limit) fail('insufficient timeout');

        const seed = settings().seed;
        const crashes: Crash[] = [];
        const stats = { terminatedInRestore: 0, terminatedInTraffic: 0, terminatedBySignal: 0, successfulRestore: 0, rejectedRestore: 0, trafficCommandsSent: 0 };
        let cycle = 0;
        const startTime = nowSeconds();

        await startServer({ overrides: { save: '', 'use-exit-on-panic': 'yes', 'crash-memcheck-enabled': 'no', loglevel: 'verbose' } }, async (h) => {
          // DUMP payloads are binary: they go through a client that keeps replies as bytes.
          let bin = await h.newClient({ buffers: true });
          const configure = async () => {
            await h.call('config', 'set', 'sanitize-dump-payload', sanitizeDump);
            await h.call('debug', 'set-skip-checksum-validation', 1);
          };
          await configure();
          await generateTypes(h);
          const dbsize = Number(await h.call('dbsize'));
          // Saved once: a restarted server loads this dataset again.
          await h.call('save');

          while (true) {
            const k = (await bin.call('randomkey')) as Buffer;
            const target = Buffer.concat([Buffer.from('_'), k]);
            const dump = corruptPayload((await bin.call('dump', k)) as Buffer);
            const printableDump = printable(dump);
            let restoreFailed = false;
            let reportAndRestart = false;
            let printCommands = false;
            let bySignal = 0;
            let phase: Crash['phase'] = 'restore';
            let sent: Arg[][] = [];

            // RESTORE may refuse the payload; it should not take the server down.
            let restoreError: string | null = null;
            try {
              await bin.call('restore', target, 0, dump, 'REPLACE');
            } catch (err) {
              restoreError = (err as Error).message;
            }
            if (restoreError !== null) {
              restoreFailed = true;
              if (restoreError.startsWith('ERR')) {
                stats.rejectedRestore++;
              } else {
                reportAndRestart = true;
                stats.terminatedInRestore++;
                h.writeLogLine(`corrupt payload: ${printableDump}`);
                if (sanitizeDump === 'yes') puts(`Server crashed in RESTORE with payload: ${printableDump} (seed ${seed})`);
              }
            } else {
              try {
                await h.call('ping');
              } catch (err) {
                throw new Error(`${(err as Error).message}: the server went down right after accepting a RESTORE (seed ${seed}, payload ${printableDump})\n${h.server!.crashReport()}`);
              }
            }

            if (!restoreFailed) {
              stats.successfulRestore++;
              try {
                sent = await fuzzyTrafficOnKey(bin, target, 1);
                stats.trafficCommandsSent += sent.length;
                // A server that went down during the traffic is noticed here.
                await h.call('del', target);
                const now = Number(await h.call('dbsize'));
                if (dbsize !== now) {
                  const keys = tclString(await h.call('keys', '*'));
                  fail(`unexpected keys: ${keys} (seed ${seed}, payload ${printableDump})\n${sent.map((c) => c.map((a) => printable(Buffer.isBuffer(a) ? a : String(a))).join(' ')).join('\n')}`);
                }
              } catch (err) {
                if (err instanceof AssertionError) throw err;
                reportAndRestart = true;
                phase = 'traffic';
                stats.terminatedInTraffic++;
                bySignal = h.countLogMessage('crashed by signal');
                stats.terminatedBySignal += bySignal;
                if (bySignal !== 0 || sanitizeDump === 'yes') {
                  puts(`Server crashed (by signal: ${bySignal}), with payload: ${printableDump} (seed ${seed})`);
                  printCommands = true;
                }
              }
            }

            // Memory checker reports after each payload keep a failure easy to reproduce.
            const memErrors = valgrindErrors(h.stderr) || h.server!.sanitizerErrors();
            if (memErrors !== '') {
              puts(`valgrind or asan found an issue for payload: ${printableDump} (seed ${seed})`);
              if (!reportAndRestart) phase = 'memcheck';
              reportAndRestart = true;
              printCommands = true;
            }

            if (reportAndRestart) {
              const crash: Crash = { phase, payload: printableDump, bySignal, report: h.server!.crashReport() || memErrors, commands: sent };
              crashes.push(crash);
              if (printCommands) puts(describeCrash(crash));
              // Restart on the saved dataset and configure the new process like the old one.
              h.writeLogLine(`corrupt payload: ${printableDump}`);
              bin.destroy();
              await h.restart({ waitReady: true, rotateLogs: true, reconnect: true });
              bin = await h.newClient({ buffers: true });
              await configure();
            }

            cycle++;
            if (nowSeconds() - startTime >= minDuration && cycle >= minCycles) break;
          }
        });

        if (settings().verbose) {
          puts(`Done ${cycle} cycles in ${nowSeconds() - startTime} seconds.`);
          puts(`RESTORE: successful: ${stats.successfulRestore}, rejected: ${stats.rejectedRestore}`);
          puts(`Total commands sent in traffic: ${stats.trafficCommandsSent}, crashes during traffic: ${stats.terminatedInTraffic} (${stats.terminatedBySignal} by signal).`);
        }

        const detail = (relevant: Crash[]) => `seed ${seed}; ${relevant.length} crash(es):\n${relevant.map((c) => describeCrash(c, 20)).join('\n\n')}`;
        // With full sanitization the server must survive every payload.
        if (sanitizeDump === 'yes') {
          assertEqual(stats.terminatedInRestore, 0, detail(crashes.filter((c) => c.phase === 'restore')));
          assertEqual(stats.terminatedInTraffic, 0, detail(crashes.filter((c) => c.phase === 'traffic')));
        }
        // Every stop must be an assertion, none a signal such as SIGSEGV.
        assertEqual(stats.terminatedBySignal, 0, detail(crashes.filter((c) => c.bySignal > 0)));
      });
    }
  });
});
