import { existsSync, readFileSync } from 'node:fs';

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

/**
 * Tcl sanitizer_errors_from_file: the whole stderr text when it holds a sanitizer report (the
 * huge-allocation warnings do not count), else ''.
 */
export function sanitizerErrorsIn(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => !l.includes('AddressSanitizer failed to allocate'));
  return lines.some((l) => l.includes('runtime error') || l.includes('Sanitizer')) ? stderr : '';
}

export function sanitizerErrorsFromFile(file: string): string {
  return existsSync(file) ? sanitizerErrorsIn(readFileSync(file, 'latin1')) : '';
}

/**
 * Tcl find_valgrind_errors: the stderr text when valgrind reported an error, or, once the process
 * ended, a leak summary that is not clean; else ''.
 */
export function findValgrindErrors(stderr: string, onTermination: boolean): string {
  if (/ at 0x|Invalid|Mismatched|uninitialized|has a fishy|overlap/.test(stderr)) return stderr;
  if (/Warning/.test(stderr) && !/set address range perms/.test(stderr)) return stderr;
  if (onTermination && !/definitely lost: 0 bytes/.test(stderr) && !/no leaks are possible/.test(stderr)) return stderr;
  return '';
}

/** The last `n` lines of a file (Tcl `exec tail -n`), without the final newline. */
export function tailLines(file: string, n: number): string {
  let text = readFileSync(file, 'latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return text.split('\n').slice(-n).join('\n');
}
