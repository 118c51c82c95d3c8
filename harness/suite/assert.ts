import { globMatch } from '../core/glob.ts';
import { AssertionError, tclString, type Caller } from '../core/values.ts';

export { AssertionError, tclString, tclDouble, fail, type Caller } from '../core/values.ts';

function detailSuffix(detail?: string): string {
  return detail ? ` (detail: ${detail})` : '';
}

export function assert(condition: unknown, description = 'condition'): asserts condition {
  if (!condition) throw new AssertionError(`Expected ${description}`);
}

/** Equality on Tcl's string view, so 1 equals '1' as it does in the Tcl suites. */
export function assertEqual(value: unknown, expected: unknown, detail?: string): void {
  if (tclString(value) !== tclString(expected)) {
    throw new AssertionError(`Expected '${tclString(value)}' to be equal to '${tclString(expected)}'${detailSuffix(detail)}`);
  }
}

export function assertNotEqual(value: unknown, expected: unknown, detail?: string): void {
  if (tclString(value) === tclString(expected)) {
    throw new AssertionError(`Expected '${tclString(value)}' not equal to '${tclString(expected)}'${detailSuffix(detail)}`);
  }
}

/** Tcl `string match` on a value's Tcl string form, as a boolean (for conditions, not assertions). */
export function stringMatch(pattern: string, value: unknown): boolean {
  return globMatch(pattern, tclString(value));
}

export function assertMatch(pattern: string, value: unknown, detail?: string): void {
  if (!globMatch(pattern, tclString(value))) {
    throw new AssertionError(`Expected '${tclString(value)}' to match '${pattern}'${detail ? ` ${detail}` : ''}`);
  }
}

export function assertNoMatch(pattern: string, value: unknown): void {
  if (globMatch(pattern, tclString(value))) {
    throw new AssertionError(`Expected '${tclString(value)}' to not match '${pattern}'`);
  }
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(tclString(value));
}

function compare(ok: boolean, value: unknown, relation: string, expected: unknown, detail?: string): void {
  if (!ok) throw new AssertionError(`Expected '${tclString(value)}' to be ${relation} '${tclString(expected)}'${detailSuffix(detail)}`);
}

export function assertLessThan(value: unknown, expected: unknown, detail?: string): void {
  compare(num(value) < num(expected), value, 'less than', expected, detail);
}
export function assertLessThanEqual(value: unknown, expected: unknown, detail?: string): void {
  compare(num(value) <= num(expected), value, 'less than or equal to', expected, detail);
}
export function assertMoreThan(value: unknown, expected: unknown, detail?: string): void {
  compare(num(value) > num(expected), value, 'more than', expected, detail);
}
export function assertMoreThanEqual(value: unknown, expected: unknown, detail?: string): void {
  compare(num(value) >= num(expected), value, 'more than or equal to', expected, detail);
}

export function assertRange(value: unknown, min: unknown, max: unknown, detail?: string): void {
  const v = num(value);
  if (!(v <= num(max) && v >= num(min))) {
    throw new AssertionError(`Expected '${tclString(value)}' to be between to '${tclString(min)}' and '${tclString(max)}'${detailSuffix(detail)}`);
  }
}

/** The code must fail with an error whose message matches the glob pattern. */
export async function assertError(pattern: string, code: () => unknown, detail?: string): Promise<void> {
  let result: unknown;
  try {
    result = await code();
  } catch (err) {
    if (err instanceof AssertionError) throw err;
    assertMatch(pattern, err instanceof Error ? err.message : String(err), detail);
    return;
  }
  throw new AssertionError(`Expected an error matching '${pattern}' but got '${tclString(result)}'${detailSuffix(detail)}`);
}

/**
 * Tcl `catch {code} result`: whether the code failed, and the result as a string (the error's
 * message when it failed). Assertion failures are not caught.
 */
export async function tclCatch(code: () => unknown): Promise<{ failed: boolean; value: string }> {
  try {
    return { failed: false, value: tclString(await code()) };
  } catch (err) {
    if (err instanceof AssertionError) throw err;
    return { failed: true, value: err instanceof Error ? err.message : String(err) };
  }
}

/** Tcl `catch {code} e; set e`: the result, or the error's message when it failed. */
export async function tclCatchValue(code: () => unknown): Promise<string> {
  return (await tclCatch(code)).value;
}

export async function assertEncoding(encoding: string, key: string, r: Caller, ignoreEncoding = false): Promise<void> {
  if (ignoreEncoding) return;
  assertMatch(encoding, await r.call('object', 'encoding', key));
}

export async function assertType(type: string, key: string, r: Caller): Promise<void> {
  assertEqual(await r.call('type', key), type);
}

export async function assertRefcount(refcount: number, key: string, r: Caller): Promise<void> {
  assertEqual(await r.call('object', 'refcount', key), refcount);
}
