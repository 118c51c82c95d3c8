/** Deterministic generator (sfc32) so a seed replays every random choice of a run. */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  // The state stays int32 (small integers to V8): uint32 values above 2^31 would be boxed numbers,
  // an allocation at every draw. The arithmetic is mod 2^32 either way, so the draws are the same.
  reseed(seed: number): void {
    this.a = 0x9e3779b9 | 0;
    this.b = 0x243f6a88 | 0;
    this.c = 0xb7e15162 | 0;
    this.d = seed | 0;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), like Tcl's rand(). */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  /** Integer in [min, max). */
  range(min: number, max: number): number {
    return Math.floor(this.random() * (max - min)) + min;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** Stable 32-bit hash (FNV-1a) to derive per-unit, per-block seeds from the run seed. */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const part of parts) {
    for (const ch of `${part}\u0000`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

export function drawSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
