// Pub/Sub helpers on a deferred client (the subscribe family of Tcl's util.tcl): send the command,
// then read one confirmation per channel given and return the subscription counts they carry.
//
// Works in RESP2 (confirmations are arrays) and RESP3 (push replies, RespPush arrays). As in Tcl,
// an unsubscribe without channels reads nothing: its confirmations stay in the stream for the
// caller, and the result is an empty list.

import type { Client } from '../client/client.ts';
import type { Reply } from '../client/resp.ts';
import { assert, assertEqual } from './assert.ts';

/** What the helpers use of a client: a deferred send and the next reply. */
export type DeferredClient = Pick<Client, 'send' | 'read'>;

type SubscribeKind = 'subscribe' | 'ssubscribe' | 'psubscribe' | 'unsubscribe' | 'sunsubscribe' | 'punsubscribe';

/** A reply item as text: buffers clients give Buffers, which carry the UTF-8 of the names sent. */
function text(item: Reply | undefined): string | undefined {
  if (item === undefined || item === null) return undefined;
  if (Buffer.isBuffer(item)) return item.toString('utf8');
  return String(item);
}

function asCount(item: Reply | undefined): number {
  if (typeof item === 'number') return item;
  return Number(text(item));
}

/**
 * Reads one confirmation per channel. Subscribe confirmations come in the order the channels were
 * sent; unsubscribe ones in any order, each for a channel still expected.
 */
async function consumeSubscribeMessages(client: DeferredClient, kind: SubscribeKind, channels: readonly string[]): Promise<number[]> {
  const pending = [...channels];
  const counts: number[] = [];
  const unordered = kind.endsWith('unsubscribe');
  for (let left = channels.length; left > 0; left--) {
    const msg = await client.read();
    const items: Reply[] = Array.isArray(msg) ? msg : [msg];
    // Tcl's wording: the expected kind first, then what arrived.
    assertEqual(kind, text(items[0]) ?? '');
    const channel = text(items[1]);
    const idx = channel === undefined ? -1 : pending.indexOf(channel);
    if (unordered) assert(idx >= 0, `${idx} >= 0 (${kind} confirmation for '${channel ?? ''}', expecting one of: ${pending.join(' ')})`);
    else assert(idx === 0, `${idx} == 0 (${kind} confirmation for '${channel ?? ''}', expecting '${pending[0]}' first)`);
    pending.splice(idx, 1);
    counts.push(asCount(items[2]));
  }
  assert(pending.length === 0, `${pending.length} == 0 (no ${kind} confirmation for: ${pending.join(' ')})`);
  return counts;
}

async function run(client: DeferredClient, kind: SubscribeKind, channels: readonly string[]): Promise<number[]> {
  client.send(kind, ...channels);
  return consumeSubscribeMessages(client, kind, channels);
}

/** SUBSCRIBE on a deferred client; the subscription count after each channel (Tcl `subscribe`). */
export function subscribe(client: DeferredClient, channels: readonly string[]): Promise<number[]> {
  return run(client, 'subscribe', channels);
}

/** SSUBSCRIBE (shard channels), as subscribe. */
export function ssubscribe(client: DeferredClient, channels: readonly string[]): Promise<number[]> {
  return run(client, 'ssubscribe', channels);
}

/** PSUBSCRIBE (patterns), as subscribe. */
export function psubscribe(client: DeferredClient, patterns: readonly string[]): Promise<number[]> {
  return run(client, 'psubscribe', patterns);
}

/** UNSUBSCRIBE; with no channels it unsubscribes from all and reads nothing (returns []). */
export function unsubscribe(client: DeferredClient, channels: readonly string[] = []): Promise<number[]> {
  return run(client, 'unsubscribe', channels);
}

/** SUNSUBSCRIBE, as unsubscribe. */
export function sunsubscribe(client: DeferredClient, channels: readonly string[] = []): Promise<number[]> {
  return run(client, 'sunsubscribe', channels);
}

/** PUNSUBSCRIBE, as unsubscribe. */
export function punsubscribe(client: DeferredClient, patterns: readonly string[] = []): Promise<number[]> {
  return run(client, 'punsubscribe', patterns);
}
