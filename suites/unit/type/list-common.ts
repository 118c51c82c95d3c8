// Values and helpers shared by the list units (Tcl list-common.tcl and a few util.tcl procs).
// Not a unit: no default export.
import { AssertionError, rng, tclString } from '../../../harness/index.ts';

/**
 * [type, value] pairs, in the order Tcl's `array get largevalue` yields them (linkedlist first):
 * the generated test names depend on it. The linkedlist value is longer, so a list holding it
 * is built the way the old encodings were chosen.
 */
export const largevalue: ReadonlyArray<readonly [string, string]> = [
  ['linkedlist', 'hello'.repeat(4)],
  ['ziplist', 'hello'],
];

export const largeValueOf = Object.fromEntries(largevalue) as Record<'linkedlist' | 'ziplist', string>;

/**
 * Tcl `expr {int(rand()*max)}` for maxes past 2^53, as digits: Tcl's int() keeps the low 64 bits
 * of the integer part, so draws past 2^63 wrap to negative values, as upstream's do.
 */
export function randomWideInt(max: number): string {
  return BigInt.asIntN(64, BigInt(Math.floor(rng().random() * max))).toString();
}

/**
 * Tcl `catch {[cmd]} e`: the brackets run the command, then run its result as a command, so a
 * call that succeeds still fails, with `invalid command name "<result>"`. Returns e.
 */
export async function catchBracketed(code: () => unknown): Promise<string> {
  let result: unknown;
  try {
    result = await code();
  } catch (err) {
    if (err instanceof AssertionError) throw err;
    return err instanceof Error ? err.message : String(err);
  }
  // Tcl runs the result's first word as the command name.
  return `invalid command name "${tclString(result).split(' ')[0]}"`;
}
