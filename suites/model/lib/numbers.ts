/**
 * The numeric text rules the model needs, exactly as Redis 7.0 applies them on x86-64:
 * string2ll (integers), strtod / "%.17g" (sorted-set scores) and strtold / "%.17Lf" on the
 * 80-bit x87 long double (INCRBYFLOAT, HINCRBYFLOAT). JavaScript numbers are IEEE doubles, so
 * long doubles are emulated exactly with BigInt: a value is mantissa * 2^exponent.
 */

export const LLONG_MAX = (1n << 63n) - 1n;
export const LLONG_MIN = -(1n << 63n);

/** Redis string2ll: no sign but '-', no leading zeros, no spaces, at most 20 characters, in range. */
export function parseLongLong(text: string): bigint | null {
  if (text.length === 0 || text.length >= 21 || !/^(0|-?[1-9][0-9]*)$/.test(text)) return null;
  const v = BigInt(text);
  return v < LLONG_MIN || v > LLONG_MAX ? null : v;
}

/** An exact binary float: sign * mantissa * 2^exponent, or a special value. */
export type BinaryFloat = { kind: 'finite'; negative: boolean; mantissa: bigint; exponent: number } | { kind: 'inf'; negative: boolean } | { kind: 'nan' };

const ZERO: Extract<BinaryFloat, { kind: 'finite' }> = { kind: 'finite', negative: false, mantissa: 0n, exponent: 0 };

/** x87 extended precision: 64 significant bits, largest finite exponent 2^16383. */
const LD_BITS = 64;
const LD_MAX_EXP = 16384;
const LD_MIN_EXP = -16382;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Round num/den (positive) to `bits` significant bits, ties to even. */
function roundRational(negative: boolean, num: bigint, den: bigint, bits: number, maxExp: number, minExp: number): BinaryFloat | null {
  if (num === 0n) return { ...ZERO, negative };
  // e such that 2^(bits-1) <= num/den / 2^e < 2^bits
  let e = bitLength(num) - bitLength(den) - bits;
  const scaled = () => (e >= 0 ? [num, den << BigInt(e)] : [num << BigInt(-e), den]);
  let [n, d] = scaled();
  if (n / d >= 1n << BigInt(bits)) e++;
  else if (n / d < 1n << BigInt(bits - 1)) e--;
  [n, d] = scaled();
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(bits)) {
    q >>= 1n;
    e++;
  }
  if (e + bits > maxExp) return { kind: 'inf', negative };
  // Below the normal range strtold reports ERANGE; the generators never go there.
  if (e + bits - 1 < minExp) return null;
  return { kind: 'finite', negative, mantissa: q, exponent: e };
}

/**
 * Redis string2ld: strtold on the whole text, refusing a leading space, trailing bytes, NaN and
 * ERANGE results. The model reads decimal forms and inf/infinity/nan; the command generators
 * never produce the hexadecimal forms strtold also reads.
 */
export function parseLongDouble(text: string): BinaryFloat | null {
  if (text.length === 0 || text.length >= 5 * 1024) return null;
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2].toLowerCase() === 'nan' ? null : { kind: 'inf', negative: special[1] === '-' };
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const digits = BigInt((m[2] || '0') + (m[3] ?? ''));
  const exp10 = Number(m[4] ?? '0') - (m[3] ?? '').length;
  if (Math.abs(exp10) > 100_000) return null;
  const [num, den] = exp10 >= 0 ? [digits * 10n ** BigInt(exp10), 1n] : [digits, 10n ** BigInt(-exp10)];
  const v = roundRational(m[1] === '-', num, den, LD_BITS, LD_MAX_EXP, LD_MIN_EXP);
  if (!v || v.kind === 'inf') return null; // ERANGE overflow or underflow
  return v;
}

/** long double addition, rounded once as the x87 unit does. */
export function addLongDouble(a: BinaryFloat, b: BinaryFloat): BinaryFloat {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' && b.kind === 'inf') return a.negative === b.negative ? a : { kind: 'nan' };
  if (a.kind === 'inf') return a;
  if (b.kind === 'inf') return b;
  const e = Math.min(a.exponent, b.exponent);
  const signed = (x: typeof a) => (x.negative ? -1n : 1n) * (x.mantissa << BigInt(x.exponent - e));
  const sum = signed(a) + signed(b);
  if (sum === 0n) return { ...ZERO, negative: a.negative && b.negative };
  const [num, den] = e >= 0 ? [(sum < 0n ? -sum : sum) << BigInt(e), 1n] : [sum < 0n ? -sum : sum, 1n << BigInt(-e)];
  return roundRational(sum < 0n, num, den, LD_BITS, LD_MAX_EXP, -Infinity) as BinaryFloat;
}

export function longDoubleFromInteger(v: bigint): BinaryFloat {
  return roundRational(v < 0n, v < 0n ? -v : v, 1n, LD_BITS, LD_MAX_EXP, LD_MIN_EXP) ?? ZERO;
}

/** round(value * 10^digits), ties to even, as glibc printf rounds. */
function scaledDecimal(mantissa: bigint, exponent: number, digits: number): bigint {
  const num = mantissa * 10n ** BigInt(Math.max(digits, 0)) * (exponent > 0 ? 1n << BigInt(exponent) : 1n);
  const den = (exponent < 0 ? 1n << BigInt(-exponent) : 1n) * 10n ** BigInt(Math.max(-digits, 0));
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
  return q;
}

/** Redis ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare '.') removed, "-0" as "0". */
export function formatLongDouble(v: BinaryFloat): string {
  if (v.kind !== 'finite') throw new Error('formatLongDouble: not finite');
  const n = scaledDecimal(v.mantissa, v.exponent, 17).toString().padStart(18, '0');
  let text = `${v.negative ? '-' : ''}${n.slice(0, -17)}.${n.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (text === '-0') text = '0';
  return text;
}

/** The exact binary value of a JavaScript number (an IEEE double). */
function doubleParts(d: number): { negative: boolean; mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0 ? { negative, mantissa: fraction, exponent: -1074 } : { negative, mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** C's printf("%.17g", d), as Redis 7.0 replies a double score (inf as "inf"). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  const { negative, mantissa, exponent } = doubleParts(d);
  const sign = negative ? '-' : '';
  if (mantissa === 0n) return `${sign}0`;
  // Decimal exponent X of the value rounded to 17 significant digits.
  let x = Math.floor(Math.log10(Math.abs(d)));
  let digits = scaledDecimal(mantissa, exponent, 16 - x);
  if (digits >= 10n ** 17n) {
    x++;
    digits = scaledDecimal(mantissa, exponent, 16 - x);
  } else if (digits < 10n ** 16n) {
    x--;
    digits = scaledDecimal(mantissa, exponent, 16 - x);
  }
  const s = digits.toString();
  if (x < -4 || x >= 17) {
    const frac = s.slice(1).replace(/0+$/, '');
    return `${sign}${s[0]}${frac ? '.' + frac : ''}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  }
  const fixed = x >= 0 ? `${s.slice(0, x + 1)}.${s.slice(x + 1)}` : `0.${'0'.repeat(-x - 1)}${s}`;
  return sign + fixed.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * Redis getDoubleFromObject: strtod on the whole text, refusing a leading space, trailing bytes,
 * NaN and ERANGE. Number() rounds decimal text as strtod does (correctly, ties to even).
 */
export function parseDouble(text: string): number | null {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2].toLowerCase() === 'nan' ? null : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return null;
  const d = Number(text);
  if (!Number.isFinite(d)) return null;
  if (d === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ''))) return null; // underflow to zero
  return d;
}

/**
 * Redis 7.2+ (and the forks built on it) reply a score with d2string: an integral value up to
 * 2^62 as an integer, anything else as fpconv_dtoa's shortest digits (Grisu2) in its own layout
 * (deps/fpconv/fpconv_dtoa.c emit_digits). JavaScript's toExponential() gives the shortest digits.
 */
export function formatDoubleShortest(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d < 0 ? '-inf' : 'inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && Math.abs(d) <= 2 ** 62) return BigInt(d).toString();
  const sign = d < 0 ? '-' : '';
  const [mantissa, exponent] = Math.abs(d).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const n = digits.length;
  const exp10 = Number(exponent);
  const k = exp10 - (n - 1); // the value is digits * 10^k
  const exp = Math.abs(exp10);
  if (k >= 0 && exp < n + 7) return sign + digits + '0'.repeat(k);
  if (k < 0 && (k > -7 || exp < 4)) {
    const offset = n + k;
    return sign + (offset <= 0 ? `0.${'0'.repeat(-offset)}${digits}` : `${digits.slice(0, offset)}.${digits.slice(offset)}`);
  }
  const shown = digits.slice(0, Math.min(n, 18 - (sign ? 1 : 0)));
  return `${sign}${shown[0]}${shown.length > 1 ? '.' + shown.slice(1) : ''}e${exp10 < 0 ? '-' : '+'}${exp}`;
}

/** How a server prints a double score: "%.17g" up to Redis 7.0, d2string from 7.2 on. */
export type ScoreFormat = (d: number) => string;

export function scoreFormatFor(redisVersion: string): ScoreFormat {
  const [major, minor] = redisVersion.split('.').map(Number);
  return major > 7 || (major === 7 && minor >= 2) ? formatDoubleShortest : formatDouble;
}
