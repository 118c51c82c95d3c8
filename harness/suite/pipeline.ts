// Tcl's deferring-client pipelines: `$rd cmd` N times, then `$rd read` N times.
import type { Client } from '../client/client.ts';
import type { Arg } from '../client/resp.ts';

/** Commands sent before waiting for the socket to drain: the memory a long pipeline holds at once. */
const SEND_BATCH = 1000;

/** Sends every command without reading replies, SEND_BATCH at a time with socket backpressure. */
export async function sendPipelined(rd: Client, commands: Iterable<Arg[]>): Promise<void> {
  let n = 0;
  for (const args of commands) {
    rd.send(...args);
    if (++n % SEND_BATCH === 0) await rd.drained();
  }
}

/** Reads and discards `count` replies (an error reply throws, as Tcl's read does). */
export function readReplies(rd: Client, count: number): Promise<void> {
  return rd.discardReplies(count);
}
