// Test selection: name pattern lists (--only, --skiptest, --skipfile) and tag
// acceptance (--tags and the run mode), with the Tcl harness's rules.

import { globMatch } from './glob.ts';

// ---------------------------------------------------------------------------
// Pattern lists

/**
 * Tcl `search_pattern_list`: true when any pattern accepts the value.
 * Empty patterns are ignored. A pattern `/re` is a regular expression searched
 * anywhere in the value (unanchored); any other pattern must equal the value.
 * With `globOnly` every pattern is a Tcl glob instead.
 * Throws when a `/` pattern is not a valid regular expression.
 */
export function matchesPatternList(value: string, patterns: readonly string[], globOnly = false): boolean {
  for (const pattern of patterns) {
    if (pattern.length === 0) continue;
    if (globOnly) {
      if (globMatch(pattern, value)) return true;
    } else if (pattern.startsWith('/')) {
      if (tclRegExp(pattern.slice(1)).test(value)) return true;
    } else if (pattern === value) {
      return true;
    }
  }
  return false;
}

/** Why a `/` pattern is not a usable regular expression, or undefined. */
export function patternError(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return undefined;
  const re = compileTclRegExp(pattern.slice(1));
  return typeof re === 'string' ? re : undefined;
}

// ---------------------------------------------------------------------------
// Tcl regular expressions (ARE) on top of JavaScript's engine

const compiled = new Map<string, RegExp | string>();

/**
 * A JavaScript RegExp behaving like Tcl's `regexp` for the given ARE source.
 * Tcl defaults kept: `.` matches a newline, `^`/`$` anchor the whole string.
 * Translated: the `***=` / `***:` directors, leading embedded options
 * `(?icnmpswqt)`, `[[:class:]]`, `[[.c.]]`, `[[=c=]]`, a leading `]` in a
 * bracket, and the escapes JS lacks or reads differently
 * (`\m \M \y \Y \A \Z \B \b \a \e \x.. \u.. \U..`).
 */
export function tclRegExp(source: string): RegExp {
  const re = compileTclRegExp(source);
  if (typeof re === 'string') throw new Error(`invalid regular expression '${source}': ${re}`);
  return re;
}

/** The compiled RegExp, or the reason it cannot be compiled. Cached. */
function compileTclRegExp(source: string): RegExp | string {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      const { body, flags } = translateTclRegexp(source);
      re = new RegExp(body, flags);
    } catch (err) {
      re = (err as Error).message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '');
    }
    compiled.set(source, re);
  }
  return re;
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function charEscape(cp: number): string {
  return escapeLiteral(String.fromCodePoint(cp));
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  digit: '0-9',
  xdigit: '0-9A-Fa-f',
  alnum: 'a-zA-Z0-9',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

function translateTclRegexp(source: string): { body: string; flags: string } {
  let src = source;
  let ignoreCase = false;
  let dotAll = true;
  let multiline = false;
  let literal = false;

  if (src.startsWith('***=')) {
    literal = true;
    src = src.slice(4);
  } else {
    if (src.startsWith('***:')) src = src.slice(4);
    const options = /^\(\?([a-z]+)\)/.exec(src);
    if (options) {
      src = src.slice(options[0].length);
      for (const letter of options[1]) {
        switch (letter) {
          case 'i': ignoreCase = true; break;
          case 'c': ignoreCase = false; break;
          case 'n': case 'm': dotAll = false; multiline = true; break;
          case 'p': dotAll = false; multiline = false; break;
          case 'w': dotAll = true; multiline = true; break;
          case 's': dotAll = true; multiline = false; break;
          case 'q': literal = true; break;
          case 't': break;
          default:
            throw new Error(`embedded option '${letter}' is not supported`);
        }
      }
    }
  }
  const flags = (ignoreCase ? 'i' : '') + (dotAll ? 's' : '') + (multiline ? 'm' : '');
  if (literal) return { body: escapeLiteral(src), flags };

  let out = '';
  let i = 0;
  // Reads a backslash escape at src[i] === '\\'; returns its JS form.
  const escape = (inBracket: boolean): string => {
    const c = src[i + 1];
    i += 2;
    if (c === undefined) return '\\';
    // Tcl's \x takes every hex digit that follows; \u up to 4, \U up to 8.
    const hex = (max?: number): string => {
      const m = new RegExp(`^[0-9a-fA-F]${max === undefined ? '+' : `{1,${max}}`}`).exec(src.slice(i));
      if (!m) return '\\' + c;
      i += m[0].length;
      return charEscape(parseInt(m[0], 16));
    };
    switch (c) {
      case 'x': return hex();
      case 'u': return hex(4);
      case 'U': return hex(8);
      case 'a': return '\\x07';
      case 'b': return '\\x08';
      case 'e': return '\\x1b';
      case 'B': return '\\\\';
    }
    if (!inBracket) {
      switch (c) {
        case 'm': return '\\b(?=\\w)';
        case 'M': return '\\b(?<=\\w)';
        case 'y': return '\\b';
        case 'Y': return '\\B';
        case 'A': return '(?<![\\s\\S])';
        case 'Z': return '(?![\\s\\S])';
      }
    }
    return '\\' + c;
  };

  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      out += escape(false);
    } else if (c === '[') {
      out += '[';
      i++;
      if (src[i] === '^') { out += '^'; i++; }
      if (src[i] === ']') { out += '\\]'; i++; }
      while (i < src.length && src[i] !== ']') {
        if (src[i] === '[' && (src[i + 1] === ':' || src[i + 1] === '.' || src[i + 1] === '=')) {
          const kind = src[i + 1];
          const end = src.indexOf(kind + ']', i + 2);
          if (end < 0) throw new Error(`unterminated [${kind}`);
          const name = src.slice(i + 2, end);
          i = end + 2;
          if (kind === ':') {
            const cls = POSIX_CLASSES[name];
            if (cls === undefined) throw new Error(`unknown character class [:${name}:]`);
            out += cls;
          } else {
            const chars = Array.from(name);
            if (chars.length !== 1) throw new Error(`unsupported collating element [${kind}${name}${kind}]`);
            out += escapeLiteral(chars[0]);
          }
        } else if (src[i] === '\\') {
          out += escape(true);
        } else if (src[i] === '[') {
          out += '\\[';
          i++;
        } else {
          out += src[i++];
        }
      }
      if (i < src.length) {
        out += ']';
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return { body: out, flags };
}

// ---------------------------------------------------------------------------
// Tags

export interface TagPolicy {
  allowTags: string[];
  denyTags: string[];
  external: boolean;
  singledb: boolean;
  largeMemory: boolean;
  clusterMode: boolean;
  tls: boolean;
  /** --other-server was given: needs:other-server blocks may run. */
  otherServer?: boolean;
}

/** The tag of blocks that start a server from --other-server (startServer({ otherServer: true })). */
export const NEEDS_OTHER_SERVER = 'needs:other-server';

export type TagVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Tcl `tags_acceptable`: may a block with these (accumulated) tags run?
 * Allow/deny entries are globs against each tag, as Tcl's `lsearch` does.
 * Checks and reasons in Tcl's order and words.
 */
export function tagsAcceptable(tags: readonly string[], policy: TagPolicy): TagVerdict {
  const hasMatch = (pattern: string) => tags.some((tag) => globMatch(pattern, tag));
  const has = (tag: string) => tags.includes(tag);

  if (policy.allowTags.length > 0 && !policy.allowTags.some(hasMatch)) {
    return { ok: false, reason: 'Tag: none of the tags allowed' };
  }
  for (const tag of policy.denyTags) {
    if (hasMatch(tag)) return { ok: false, reason: `Tag: ${tag} denied` };
  }
  if (policy.external && has('external:skip')) return { ok: false, reason: 'Not supported on external server' };
  if (policy.singledb && has('singledb:skip')) return { ok: false, reason: 'Not supported on singledb' };
  if (policy.clusterMode && has('cluster:skip')) return { ok: false, reason: 'Not supported in cluster mode' };
  if (policy.tls && has('tls:skip')) return { ok: false, reason: 'Not supported in tls mode' };
  if (!policy.largeMemory && has('large-memory')) return { ok: false, reason: 'large memory flag not provided' };
  if (!policy.otherServer && has(NEEDS_OTHER_SERVER)) return { ok: false, reason: `${NEEDS_OTHER_SERVER}: pass --other-server PATH to run it` };
  return { ok: true };
}

/**
 * The value of `--tags`: a Tcl list of words; `-tag` denies, any other word
 * allows. Double quotes are dropped first (as the Tcl `tags` block does), so
 * `'"a -b"'` reads as two words. Throws on an unbalanced brace.
 */
export function parseTagsArg(s: string): { allow: string[]; deny: string[] } {
  const allow: string[] = [];
  const deny: string[] = [];
  for (const word of splitTclList(s.replaceAll('"', ''))) {
    if (word.startsWith('-')) deny.push(word.slice(1));
    else allow.push(word);
  }
  return { allow, deny };
}

// ---------------------------------------------------------------------------
// Tcl lists

const TCL_SPACE = /[ \t\n\v\f\r]/;

function isTclSpace(c: string | undefined): boolean {
  return c !== undefined && TCL_SPACE.test(c);
}

/** Tcl backslash substitution of the sequence starting at s[i] === '\\'. */
function tclBackslash(s: string, i: number): { text: string; next: number } {
  const c = s[i + 1];
  if (c === undefined) return { text: '\\', next: i + 1 };
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  if (c in simple) return { text: simple[c], next: i + 2 };
  const digits = (re: RegExp, base: number, from: number) => {
    const m = re.exec(s.slice(from));
    return m ? { text: String.fromCodePoint(parseInt(m[0], base)), next: from + m[0].length } : undefined;
  };
  if (c === 'x') return digits(/^[0-9a-fA-F]{1,2}/, 16, i + 2) ?? { text: 'x', next: i + 2 };
  if (c === 'u') return digits(/^[0-9a-fA-F]{1,4}/, 16, i + 2) ?? { text: 'u', next: i + 2 };
  if (c === 'U') return digits(/^[0-9a-fA-F]{1,8}/, 16, i + 2) ?? { text: 'U', next: i + 2 };
  if (/[0-7]/.test(c)) return digits(/^[0-7]{1,3}/, 8, i + 1)!;
  if (c === '\n') {
    let next = i + 2;
    while (s[next] === ' ' || s[next] === '\t') next++;
    return { text: ' ', next };
  }
  return { text: c, next: i + 2 };
}

/** Splits a string as Tcl reads a list: braces, quotes, backslashes. */
export function splitTclList(s: string): string[] {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (isTclSpace(s[i])) i++;
    if (i >= s.length) return words;
    let word = '';
    if (s[i] === '{') {
      let depth = 1;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '\\') j++;
        else if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      if (j >= s.length) throw new Error('unmatched open brace in list');
      word = s.slice(i + 1, j);
      i = j + 1;
      if (i < s.length && !isTclSpace(s[i])) throw new Error(`list element in braces followed by "${s.slice(i)}" instead of space`);
    } else if (s[i] === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; ) {
        if (s[j] === '\\') {
          const { text, next } = tclBackslash(s, j);
          word += text;
          j = next;
        } else {
          word += s[j++];
        }
      }
      if (j >= s.length) throw new Error('unmatched open quote in list');
      i = j + 1;
      if (i < s.length && !isTclSpace(s[i])) throw new Error(`list element in quotes followed by "${s.slice(i)}" instead of space`);
    } else {
      while (i < s.length && !isTclSpace(s[i])) {
        if (s[i] === '\\') {
          const { text, next } = tclBackslash(s, i);
          word += text;
          i = next;
        } else {
          word += s[i++];
        }
      }
    }
    words.push(word);
  }
}
