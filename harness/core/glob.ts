// Tcl `string match` (case-sensitive), ported from its behaviour in Tcl 8.6.
//
//   *      any run of characters, the empty run included
//   ?      exactly one character (one Unicode code point)
//   [...]  one character from a set: single characters and ranges `a-z`
//          (either order: `[z-a]` equals `[a-z]`). No negation, no escapes
//          inside; `[]` never matches; an unclosed `[abc` ends the pattern.
//   \x     the character x itself; a trailing `\` never matches
//
// Like Tcl, a set is read lazily: after the first item that matches, the
// pattern resumes after the next `]`, wherever it is. That makes the rest of
// the pattern depend on the character matched, so a plain "retry from the
// last star" loop is not exact. Instead each star's continuations are tried
// depth-first (Tcl's order), and every (pattern, value) position is explored
// at most once, which bounds the work by pattern length x value length;
// common patterns (one or two stars) stay linear.

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const DASH = 0x2d; // -
const BACKSLASH = 0x5c; // \

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/**
 * Matches `ch` against the set starting just after a `[` at `pos`.
 * Returns the pattern position after the set, or -1 when `ch` is not in it.
 */
function matchSet(pat: number[], pos: number, ch: number): number {
  let p = pos;
  for (;;) {
    if (p >= pat.length || pat[p] === CLOSE) return -1;
    const start = pat[p++];
    if (pat[p] === DASH) {
      p++;
      if (p >= pat.length) return -1;
      const end = pat[p++];
      if ((start <= ch && ch <= end) || (end <= ch && ch <= start)) break;
    } else if (start === ch) {
      break;
    }
  }
  while (p < pat.length && pat[p] !== CLOSE) p++;
  return p < pat.length ? p + 1 : pat.length;
}

/** Tcl `string match pattern value`: true when the whole value matches. */
export function globMatch(pattern: string, value: string): boolean {
  const pat = codePoints(pattern);
  const str = codePoints(value);
  // Per pattern position after a star: value positions from here on are
  // already tried or queued, so a later star reaching it tries fewer.
  const coveredFrom = new Int32Array(pat.length + 1).fill(str.length + 1);
  // Queued star continuations as triples: pattern position, next and last value position.
  const queue: number[] = [];
  let pi = 0;
  let si = 0;

  for (;;) {
    // Linear match from (pi, si) until the end, a failure, or a star.
    for (;;) {
      if (pi === pat.length) {
        if (si === str.length) return true;
        break;
      }
      const p = pat[pi];
      if (p === STAR) {
        while (pi < pat.length && pat[pi] === STAR) pi++;
        if (pi === pat.length) return true;
        if (si < coveredFrom[pi]) {
          queue.push(pi, si, coveredFrom[pi] - 1);
          coveredFrom[pi] = si;
        }
        break;
      }
      if (si === str.length) break;
      if (p === QUESTION) {
        pi++;
        si++;
        continue;
      }
      if (p === OPEN) {
        const next = matchSet(pat, pi + 1, str[si]);
        if (next < 0) break;
        pi = next;
        si++;
        continue;
      }
      if (p === BACKSLASH) {
        pi++;
        if (pi === pat.length) break;
      }
      if (pat[pi] !== str[si]) break;
      pi++;
      si++;
    }

    // Next queued continuation, depth-first as Tcl's recursion goes.
    for (;;) {
      if (queue.length === 0) return false;
      const last = queue.pop()!;
      let from = queue.pop()!;
      const at = queue.pop()!;
      // A literal after the star can only match where that character is.
      const literal = pat[at] !== OPEN && pat[at] !== QUESTION && pat[at] !== BACKSLASH ? pat[at] : -1;
      if (literal >= 0) while (from < last && from < str.length && str[from] !== literal) from++;
      if (from > last) continue;
      if (from < last) queue.push(at, from + 1, last);
      pi = at;
      si = from;
      break;
    }
  }
}
