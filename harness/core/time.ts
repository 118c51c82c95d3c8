import { setTimeout as delay } from 'node:timers/promises';

/** Tcl `after ms`. */
export function sleep(ms: number): Promise<void> {
  return delay(ms);
}
