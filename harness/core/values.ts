/** Tcl values as the suites compare them, and the failure an assertion raises. */

/** A failed assertion: the test fails and the unit goes on (Tcl's "assertion:" errors). */
export class AssertionError extends Error {
  /** `files`: name -> text, written into the failed test's artifact folder (a replay script...). */
  constructor(message: string, readonly files: Record<string, string> = {}) {
    super(message);
    this.name = 'AssertionError';
  }
}

/**
 * A RESP3 double. Its Tcl string is what Tcl's client makes of it (`expr {double(...)}` under the
 * suites' tcl_precision 17: 3 reads as 3.0), so comparisons see what the Tcl suites compare; `raw`
 * is the server's text.
 * Arithmetic works through valueOf.
 */
export class Double {
  constructor(
    readonly value: number,
    readonly raw: string,
  ) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return tclDouble(this.value);
  }
}

/** A RESP3 verbatim string (`=`) with its format; compared by its text, as in Tcl. */
export class Verbatim {
  constructor(
    readonly format: string,
    readonly text: string | Buffer,
  ) {}
  toString(): string {
    return this.text.toString();
  }
}

/**
 * A double as the Tcl suites print it: test_helper.tcl sets tcl_precision 17, so C's "%.17g",
 * with ".0" added when the result looks like an integer (3 -> 3.0, 0.1 -> 0.10000000000000001).
 */
export function tclDouble(v: number): string {
  const magnitude = Math.abs(v);
  // %g's fixed range, where toPrecision(17) has the same digits: only the trailing zeros go.
  if (magnitude >= 1e-4 && magnitude < 1e17) {
    const digits = v.toPrecision(17);
    if (!digits.includes('.')) return `${digits}.0`;
    let end = digits.length;
    while (digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
    // One zero stays after the point: 3.000 -> 3.0.
    return digits.charCodeAt(end - 1) === 46 /* . */ ? digits.slice(0, end + 1) : digits.slice(0, end);
  }
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = v.toExponential(16).split('e');
  const e = Number(exp);
  const trim = (digits: string) => (digits.includes('.') ? digits.replace(/0+$/, '').replace(/\.$/, '') : digits);
  if (e < -4 || e >= 17) return `${trim(mantissa)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const fixed = trim(v.toFixed(16 - e));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

function bracesBalance(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

const PLAIN_ELEMENT = /^[^\s[\]$;\\{}"#]+$/;

/** One element of a Tcl list as Tcl 8.6's `list` writes it: bare, {braced}, or backslash-escaped. */
export function tclListElement(s: string, first: boolean): string {
  if (s === '') return '{}';
  // Most elements (numbers, plain names) hold no character Tcl quotes: one scan decides.
  if (PLAIN_ELEMENT.test(s)) return s;
  const balanced = bracesBalance(s);
  const wantsBraces = /[\s[$;\\]/.test(s) || s.startsWith('{') || s.startsWith('"') || (first && s.startsWith('#'));
  const wantsEscapes = !balanced || /[\]"]/.test(s);
  if (!wantsBraces && !wantsEscapes) return s;
  if (wantsBraces && balanced && !s.endsWith('\\')) return `{${s}}`;
  const specials = balanced ? /[\s[\]$;\\"]/g : /[\s{}[\]$;\\"]/g;
  return s.replace(specials, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r', ' ': '\\ ' })[c] ?? `\\${c}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined (a missing value: an unset variable, a missing await, an index past the end?)';
  if (value instanceof Promise) return 'a Promise (missing await?)';
  const name = (value as object).constructor?.name ?? 'Object';
  return `a ${name === 'Object' ? 'plain object' : name} (${JSON.stringify(value)?.slice(0, 80)})`;
}

/**
 * Tcl prints values as strings: lists space-separated, nested lists braced, null (nil) as empty.
 * Anything else (undefined, a Promise, a plain object) is a mistake in the test, never a value.
 */
export function tclString(value: unknown): string {
  if (value === null) return '';
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (value instanceof Map) return tclString([...value].flat());
  if (value instanceof Set) return tclString([...value]);
  if (Array.isArray(value)) return value.map((item, i) => tclListElement(tclString(item), i === 0)).join(' ');
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Double || value instanceof Verbatim) return value.toString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new TypeError(`cannot compare ${describe(value)} as a Tcl value: compare replies, strings, numbers, lists or maps`);
}

export function fail(message: string): never {
  throw new AssertionError(message);
}

/** Anything that can run a command: a client or a server handle. */
export interface Caller {
  call(...args: Array<string | number | Buffer>): Promise<unknown>;
}

