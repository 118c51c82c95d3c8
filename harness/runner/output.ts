import { Chalk, type ChalkInstance } from 'chalk';

/** Colour only on a TTY and never with NO_COLOR. */
export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const enabled = Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** The lines the Tcl runner prints, in its words. */
export class TclFormat {
  constructor(private readonly c: ChalkInstance) {}

  ok(name: string, ms: number): string {
    return `[${this.c.green('ok')}]: ${name} (${ms} ms)`;
  }
  err(name: string, file: string, message: string): string {
    return `[${this.c.red('err')}]: ${name} in ${file}\n${message}`;
  }
  skip(name: string): string {
    return `[${this.c.yellow('skip')}]: ${name}`;
  }
  ignore(text: string): string {
    return `[${this.c.cyan('ignore')}]: ${text}`;
  }
  exception(text: string): string {
    return `[${this.c.red('exception')}]: ${text}`;
  }
  testing(unit: string): string {
    return this.c.bold.white(`Testing ${unit}`);
  }
  done(completed: number, total: number, unit: string, seconds: number): string {
    return `[${completed}/${total} ${this.c.yellow('done')}]: ${unit} (${seconds} seconds)`;
  }
  timeout(): string {
    return `[${this.c.red('TIMEOUT')}]: clients state report follows.`;
  }
  allPassed(): string {
    return `\n${this.c.bold.white('\\o/')} ${this.c.bold.green('All tests passed without errors!')}\n`;
  }
  failedHeader(): string {
    return `\n${this.c.bold.red('!!! WARNING')} The following tests failed:\n`;
  }
  summary(passed: number, failed: number, skipped: number): string {
    return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  }
}

/** GitHub's workflow-command escaping: data keeps one line, property values lose their separators. */
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=suites/x.ts,line=N::...`: GitHub Actions annotates that line of the suite with the failure. */
export function githubAnnotation(file: string, line: number | undefined, message: string): string {
  return `::error file=${escapeProperty(file)}${line ? `,line=${line}` : ''}::${escapeData(message)}`;
}
