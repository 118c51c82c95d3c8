import { readFileSync } from 'node:fs';

/** A grep basic regular expression as a JS RegExp: + ? | ( ) { } are literals, a leading * too. */
export function basicRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      out += '+?|(){}'.includes(next) ? next : `\\${next}`;
    } else if ('+?|(){}'.includes(ch)) {
      out += `\\${ch}`;
    } else if (ch === '*' && (out === '' || out === '^')) {
      out += '\\*';
    } else {
      out += ch;
    }
  }
  return new RegExp(out);
}

/** Lines of a file matching a grep pattern, 0 when the file is missing (Tcl count_message_lines). */
export function countMessageLines(file: string, pattern: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const re = basicRegExp(pattern);
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.filter((line) => re.test(line)).length;
}
