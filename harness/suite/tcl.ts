// Tcl list and number idioms the suites lean on, on replies as the client returns them.
import { globMatch } from '../core/glob.ts';
import { tclString } from '../core/values.ts';

/** Tcl `dict get` on a RESP2 flat map reply (or a RESP3 map). */
export function dictGet(reply: unknown, key: string): unknown {
  if (reply instanceof Map) {
    for (const [k, v] of reply) if (tclString(k) === key) return v;
  } else if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) if (tclString(reply[i]) === key) return reply[i + 1];
  }
  throw new Error(`key "${key}" not known in dictionary`);
}

/** Tcl `lindex value i j ...`: '' past the end, negative indexes count from the end (as `end-k`). */
export function lindex(value: unknown, ...path: number[]): unknown {
  let v = value;
  for (const i of path) {
    const list = Array.isArray(v) ? v : tclString(v) === '' ? [] : tclString(v).trim().split(/\s+/);
    v = list[i < 0 ? list.length + i : i];
    if (v === undefined) return '';
  }
  return v;
}

/** Tcl `llength` of a reply: an array's length; nil and '' are empty lists. */
export function llength(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  const s = tclString(value);
  return s === '' ? 0 : s.trim().split(/\s+/).length;
}

/** Tcl lremove (util.tcl): the list without its first element equal to `value`. */
export function lremove<T>(list: readonly T[], value: T): T[] {
  const i = list.findIndex((x) => tclString(x) === tclString(value));
  return i === -1 ? [...list] : [...list.slice(0, i), ...list.slice(i + 1)];
}

/** Tcl roundFloat: C's "%.10g" of a number or numeric string. */
export function roundFloat(value: unknown): string {
  const x = Number(tclString(value));
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential(9).split('e');
  const exp = Number(expText);
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 10) return `${trim(mantissa!)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return trim(x.toFixed(9 - exp));
}

/** Tcl chi_square_value: chi-square of how often each value occurs against an even spread (integer division, as upstream). */
export function chiSquareValue(samples: readonly unknown[]): number {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(tclString(s), (counts.get(tclString(s)) ?? 0) + 1);
  const p = Math.floor(samples.length / counts.size);
  let x2 = 0;
  for (const n of counts.values()) x2 += (n - p) ** 2 / p;
  return x2;
}

/** Tcl `string compare`: by character codes. */
export function stringCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tcl zlistAlikeSort (util.tcl): by score, then by member as strings. */
export function zlistAlikeSort(a: readonly [number, unknown], b: readonly [number, unknown]): number {
  if (a[0] > b[0]) return 1;
  if (a[0] < b[0]) return -1;
  return stringCompare(tclString(a[1]), tclString(b[1]));
}

/** A generated Tcl string as the bytes Tcl's client sends: one byte per character (latin1). */
export function tclBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** The elements of a reply as Tcl sees a list: an array's items, nothing for nil or '', else the one value. */
function listItems(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === null || value === '' ? [] : [value];
}

/** Tcl `lsort` (default: ASCII order of the string forms). */
export function lsort(value: unknown): string[] {
  return listItems(value).map((item) => tclString(item)).sort();
}

/** Tcl `lsearch` (default: glob match): the index of the first matching element, or -1. */
export function lsearch(value: unknown, pattern: string): number {
  return listItems(value).findIndex((item) => globMatch(pattern, tclString(item)));
}

/** Tcl `lsearch -exact`. */
export function lsearchExact(value: unknown, word: string): number {
  return listItems(value).findIndex((item) => tclString(item) === word);
}
