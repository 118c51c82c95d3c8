import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { fail } from './assert.ts';
import type { ServerHandle } from '../servers/handle.ts';

/**
 * Tcl wait_for_condition: checks `maxTries` times with `delayMs` of sleep between checks, so its
 * last check starts after (maxTries - 1) * delayMs of sleep, however long the checks take. This
 * polls faster (a condition met early is seen early) and counts only the time spent sleeping, so
 * its last check never comes before Tcl's. The condition must return a boolean: Tcl's `expr` and
 * JavaScript disagree on the truth of '0'.
 */
export async function waitForCondition(
  maxTries: number,
  delayMs: number,
  condition: () => boolean | Promise<boolean>,
  onTimeout: string | (() => unknown) = 'condition not met in time',
  /** 'tcl': sleep the full delay between checks, as Tcl does, for a test that measures the server right after the wait. */
  pace: 'fast' | 'tcl' = 'fast',
): Promise<void> {
  const lastCheckAfter = (maxTries - 1) * delayMs;
  let slept = 0;
  let interval = pace === 'tcl' ? delayMs : Math.min(delayMs, 2);
  for (let attempt = 1; ; attempt++) {
    if (conditionHolds(await condition())) return;
    if (attempt >= maxTries && slept >= lastCheckAfter) break;
    const before = performance.now();
    await sleep(interval);
    slept += performance.now() - before;
    interval = Math.min(delayMs, interval * 2);
  }
  if (typeof onTimeout === 'string') fail(onTimeout);
  await onTimeout();
}

function conditionHolds(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const shown = typeof value === 'string' ? `'${value}'` : value instanceof Promise ? 'a Promise' : String(value);
  throw new TypeError(`waitForCondition: the condition returned ${shown} (${typeof value}), not a boolean: compare explicitly, e.g. (await r('get', 'x')) === '1'`);
}

/** Polls an INFO field until it satisfies the predicate, within tries * delay. */
export async function waitForInfoField(
  handle: ServerHandle,
  field: string,
  accept: (value: string) => boolean,
  opts: { tries?: number; delayMs?: number; message?: string } = {},
): Promise<string> {
  let last = '';
  await waitForCondition(opts.tries ?? 50, opts.delayMs ?? 100, async () => accept((last = await handle.status(field))), () =>
    fail(opts.message ?? `INFO field ${field} did not reach the expected state in time (last value: '${last}')`),
  );
  return last;
}

export function waitForSync(replica: ServerHandle): Promise<unknown> {
  return waitForInfoField(replica, 'master_link_status', (v) => v === 'up', { message: "replica didn't sync in time" });
}

export async function waitReplicaOnline(master: ServerHandle): Promise<void> {
  await waitForCondition(50, 100, async () => /slave0:.*,state=online/.test(await master.info('replication')), "replica didn't online in time");
}

export async function waitForOfsSync(a: ServerHandle, b: ServerHandle): Promise<void> {
  await waitForCondition(
    50,
    100,
    async () => (await a.status('master_repl_offset')) === (await b.status('master_repl_offset')),
    "replica offset didn't match in time",
  );
}

export async function waitDoneLoading(handle: ServerHandle): Promise<void> {
  await waitForCondition(
    50,
    100,
    async () => {
      try {
        await handle.call('ping');
        return true;
      } catch {
        return false;
      }
    },
    'Loading DB is taking too much time.',
  );
}

/** Tcl waitForBgsave / waitForBgrewriteaof: no budget, as upstream (the global timeout guards it). */
async function waitWhileOne(handle: ServerHandle, field: string): Promise<void> {
  while ((await handle.status(field)) === '1') await sleep(20);
}

export function waitForBgsave(handle: ServerHandle): Promise<void> {
  return waitWhileOne(handle, 'rdb_bgsave_in_progress');
}

export function waitForBgrewriteaof(handle: ServerHandle): Promise<void> {
  return waitWhileOne(handle, 'aof_rewrite_in_progress');
}

export async function waitLazyfreeDone(handle: ServerHandle): Promise<void> {
  await waitForInfoField(handle, 'lazyfree_pending_objects', (v) => v === '0', { message: "lazyfree isn't done" });
}

export async function waitForBlockedClient(handle: ServerHandle): Promise<void> {
  await waitForInfoField(handle, 'blocked_clients', (v) => v !== '0', { message: 'no blocked clients' });
}

export async function waitForBlockedClientsCount(handle: ServerHandle, count: number, maxTries = 100, delayMs = 10): Promise<void> {
  await waitForInfoField(handle, 'blocked_clients', (v) => Number(v) === count, { tries: maxTries, delayMs, message: 'Timeout waiting for blocked clients' });
}

/** Load generators name their connections LOAD_HANDLER; wait until none is connected. */
export async function waitLoadHandlersDisconnected(handle: ServerHandle): Promise<void> {
  await waitForCondition(50, 100, async () => !String(await handle.call('client', 'list')).includes('name=LOAD_HANDLER'), 'load_handler(s) still connected after too long time.');
}
