import path from 'node:path';
import { AssertionError, tclString } from '../core/values.ts';
import { globMatch } from '../core/glob.ts';
import type { SourceLocation } from '../core/messages.ts';
import { PROJECT_ROOT } from '../core/processes.ts';
import { SUITES_DIR } from '../core/units.ts';
import { matchesPatternList, tagsAcceptable } from '../core/filters.ts';
import { ctx, errorText, TestTimeout, type UnitContext } from '../worker/context.ts';

export interface TestOptions {
  tags?: string[];
  /** The test passes when its return value equals or glob-matches this (Tcl's okpattern). */
  okPattern?: string;
}


/** Tcl `test name code ?okpattern? ?tags?`. */
export async function test(name: string, body: () => unknown, options: TestOptions = {}): Promise<void> {
  // Where the test sits in its suite, read from this stack only if it fails (for CI annotations).
  const callSite = new Error();
  const c = ctx();
  if (!c.enterTopLevel()) return;
  const s = c.settings;
  if (matchesPatternList(name, s.skipTests)) {
    c.emit({ type: 'skip', unit: c.unit, name });
    return;
  }
  if (s.only.length > 0 && !matchesPatternList(name, s.only)) {
    c.emit({ type: 'skip', unit: c.unit, name });
    return;
  }
  const verdict = tagsAcceptable([...c.tags, ...(options.tags ?? [])], c.tagPolicy());
  if (!verdict.ok) {
    c.emit({ type: 'ignore', unit: c.unit, text: `${name}: ${verdict.reason}` });
    return;
  }
  const previous = c.currentTest;
  const previousName = c.currentTestName;
  c.currentTest = `${name} in ${c.file}`;
  c.currentTestName = name;
  await markServers(c, `### Starting test ${c.currentTest}`);
  c.recordEvent('harness', `test start: ${name}`, 'test-start');
  c.emit({ type: 'testing', unit: c.unit, name });
  const started = Date.now();
  const failed = (message: string, files?: Record<string, string>) => {
    c.failed++;
    c.recordEvent('harness', `test failed: ${name}`, 'test-end');
    const artifacts = c.keepArtifacts(name, message, started, files);
    const text = artifacts ? `${message}\nArtifacts: ${artifacts}` : message;
    const location = suiteLocation(callSite);
    c.emit({ type: 'err', unit: c.unit, name, message: text, file: c.file, ms: Date.now() - started, servers: c.serverInfos(true), artifacts, location });
  };
  try {
    const result = await c.inTest(() => withTestTimeout(s.testTimeout, name, async () => body()));
    const pattern = options.okPattern;
    // A body that returns nothing has Tcl's empty result.
    const shown = pattern === undefined || result === undefined ? '' : tclString(result);
    if (pattern === undefined || pattern === shown || globMatch(pattern, shown)) {
      c.recordEvent('harness', `test ok: ${name}`, 'test-end');
      c.emit({ type: 'ok', unit: c.unit, name, ms: Date.now() - started, servers: c.serverInfos(false) });
    } else {
      failed(`Expected '${pattern}' to equal or match '${shown}'`);
    }
  } catch (err) {
    if (err instanceof TestTimeout) {
      failed(err.message);
      // The test's code may still be running: its servers die now and the unit ends here.
      for (const handle of c.servers) await handle.server?.kill('SIGKILL');
      throw err;
    }
    if (err instanceof AssertionError || s.durable) failed(errorText(err), err instanceof AssertionError ? err.files : undefined);
    // Not an assertion: like Tcl, it ends the unit (reported as an exception by the worker).
    else throw err;
  } finally {
    c.run.sampleCpu();
    c.currentTest = previous;
    c.currentTestName = previousName;
  }
}

async function withTestTimeout<T>(seconds: number, name: string, body: () => Promise<T>): Promise<T> {
  if (!seconds) return body();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TestTimeout(`Test timed out after ${seconds} seconds (--test-timeout): ${name}`)), seconds * 1000);
  });
  try {
    return await Promise.race([body(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function markServers(c: UnitContext, line: string): Promise<void> {
  await Promise.all(c.servers.map((handle) => handle.markLog(line)));
}

/** The first frame of the stack inside a suite file (a shared module such as list-common counts). */
function suiteLocation(site: Error): SourceLocation | undefined {
  for (const m of (site.stack ?? '').matchAll(/(?:file:\/\/)?(\/[^\s()]+?\.ts):(\d+):\d+/g)) {
    if (m[1].startsWith(SUITES_DIR + path.sep)) return { file: path.relative(PROJECT_ROOT, m[1]), line: Number(m[2]) };
  }
  return undefined;
}
