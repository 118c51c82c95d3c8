import { setTimeout as delay } from 'node:timers/promises';

/** Tcl `after ms`. */
export function sleep(ms: number): Promise<void> {
  return delay(ms);
}

/**
 * Spreads work evenly over time: each `tick()` resolves `intervalMs` after the previous one was
 * due. When the work runs late the schedule restarts from now, without a burst to catch up.
 */
export class Pacer {
  private due = performance.now();

  constructor(private readonly intervalMs: number) {}

  async tick(): Promise<void> {
    this.due += this.intervalMs;
    const wait = this.due - performance.now();
    if (wait > 0) await delay(wait);
    else this.due = performance.now();
  }
}
