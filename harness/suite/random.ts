import { Rng } from '../core/rng.ts';
import { ctx } from '../worker/context.ts';

let override: Rng | null = null;

/** Load generators run outside a suite: they bring their own seeded generator. */
export function useRandomSource(source: Rng | null): void {
  override = source;
}

/** The generator random draws come from: the override, else the running unit's. */
export function rng(): Rng {
  return override ?? ctx().rng;
}

export type RandstringType = 'binary' | 'alpha' | 'simplealpha' | 'compr';

/** randstring's bytes; grown when a longer string is asked for. */
let scratch = Buffer.allocUnsafe(1024);

/** Tcl randstring: a string of min..max characters from the type's range, drawn from the run's generator. */
export function randstring(min: number, max: number, type: RandstringType = 'binary'): string {
  const g = rng();
  const len = min + g.int(max - min + 1);
  const lo = type === 'binary' ? 0 : 48;
  const span = (type === 'binary' ? 255 : type === 'compr' ? 52 : 122) - lo + 1;
  // Bytes into one scratch buffer, decoded once (codes are 0..255, so latin1 maps each to its
  // character): a string grown a character at a time is a rope every later use has to flatten.
  if (len > scratch.length) scratch = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; ) {
    const code = lo + g.int(span);
    if (type === 'simplealpha' && !isAlphanumeric(code)) continue;
    if (type === 'alpha' && code === 92) continue;
    scratch[i++] = code;
  }
  return scratch.toString('latin1', 0, len);
}

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function randomInt(max: number): number {
  return rng().int(max);
}

export function randomRange(min: number, max: number): number {
  return rng().range(min, max);
}

export function randomSignedInt(max: number): number {
  const i = randomInt(max);
  return rng().random() > 0.5 ? -i : i;
}

/** Tcl randpath: runs one of the alternatives, chosen at random. */
export function randpath<T>(...alternatives: Array<() => T>): T {
  return alternatives[rng().int(alternatives.length)]();
}

export function randomValue(): string | number {
  return randpath<string | number>(
    () => randomSignedInt(1000),
    () => randpath(() => randomSignedInt(2000000000), () => randomSignedInt(4000000000)),
    () => randomSignedInt(1000000000000),
    () => randpath(() => randstring(0, 256, 'alpha'), () => randstring(0, 256, 'compr'), () => randstring(0, 256, 'binary')),
  );
}

export function randomKey(): string | number {
  return randpath<string | number>(
    () => randomInt(1000),
    () => randpath(() => randomInt(2000000000), () => randomInt(4000000000)),
    () => randomInt(1000000000000),
    () => randpath(() => randstring(1, 256, 'alpha'), () => randstring(1, 256, 'compr')),
  );
}

export function lshuffle<T>(items: readonly T[]): T[] {
  return rng().shuffle(items);
}
