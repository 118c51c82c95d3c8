import { rmSync } from 'node:fs';
import path from 'node:path';
import { AssertionError } from '../core/values.ts';
import { NEEDS_OTHER_SERVER, tagsAcceptable } from '../core/filters.ts';
import { ServerHandle } from '../servers/handle.ts';
import { START_SERVER_FAILURE } from '../core/messages.ts';
import { RedisServer, ServerStartError } from '../servers/server.ts';
import { ctx, errorText, type ServerBlockOptions, type SuiteDefinition, type SuiteOptions, type UnitContext } from '../worker/context.ts';
import { runExternal } from './external.ts';

/** A suite file's default export. */
export function suite(body: () => Promise<void>): SuiteDefinition;
export function suite(options: SuiteOptions, body: () => Promise<void>): SuiteDefinition;
export function suite(a: SuiteOptions | (() => Promise<void>), b?: () => Promise<void>): SuiteDefinition {
  return typeof a === 'function' ? { options: {}, body: a } : { options: a, body: b! };
}

function pushTags(c: UnitContext, tags: string[] | undefined): number {
  const clean = (tags ?? []).flatMap((t) => t.replaceAll('"', '').split(/\s+/)).filter(Boolean);
  c.tags.push(...clean);
  return clean.length;
}

function popTags(c: UnitContext, n: number): void {
  c.tags.splice(c.tags.length - n, n);
}

/** Tcl `tags {...} { code }`. */
export async function tags(tagList: string[], body: () => Promise<void>): Promise<void> {
  const c = ctx();
  const n = pushTags(c, tagList);
  try {
    const verdict = tagsAcceptable(c.tags, c.tagPolicy());
    if (!verdict.ok) {
      if (c.reportsTopLevelSkips()) c.emit({ type: 'ignore', unit: c.unit, text: verdict.reason });
      return;
    }
    await body();
  } finally {
    popTags(c, n);
  }
}

/**
 * Tcl start_server with a code block: starts a server with its own dir, port and socket, runs the
 * body with its handle (outer servers stay reachable through srv(-1)...), then stops it.
 */
export async function startServer(options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const c = ctx();
  if (!c.enterTopLevel(options.long)) return;
  const n = pushTags(c, options.otherServer ? [...(options.tags ?? []), NEEDS_OTHER_SERVER] : options.tags);
  try {
    const verdict = tagsAcceptable(c.tags, c.tagPolicy());
    if (!verdict.ok) {
      c.emit({ type: 'ignore', unit: c.unit, text: verdict.reason });
      return;
    }
    if (c.settings.external) return await runExternal(c, options, body);
    await runSpawned(c, options, body);
  } finally {
    popTags(c, n);
  }
}

async function runSpawned(c: UnitContext, options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  let server: RedisServer;
  try {
    server = await RedisServer.start(c.spawnContext(options.otherServer), { ...options, waitReady: true });
  } catch (err) {
    if (!(err instanceof ServerStartError)) throw err;
    c.failed++;
    c.emit({ type: 'err', unit: c.unit, name: c.currentTestName ?? START_SERVER_FAILURE, message: err.message, file: c.file, ms: 0 });
    return;
  }
  let handle: ServerHandle;
  try {
    handle = await ServerHandle.open(server, c.settings.singledb);
  } catch (err) {
    await server.stop();
    throw err;
  }
  c.servers.push(handle);
  const failedBefore = c.failed;
  try {
    await body(handle);
  } catch (err) {
    c.servers.pop();
    await handle.stop();
    reportServerTrouble(c, handle, c.settings.dumpLogs && err instanceof AssertionError);
    if (!(err instanceof AssertionError) && c.settings.durable) {
      c.failed++;
      c.emit({ type: 'err', unit: c.unit, name: c.currentTestName ?? '(block)', message: errorText(err), file: c.file, ms: 0 });
      return;
    }
    throw err;
  }
  c.servers.pop();
  c.run.sampleCpu();
  await handle.stop({ graceful: options.keepPersistence ?? false });
  if (c.settings.dumpLogs && c.failed !== failedBefore) reportServerTrouble(c, handle, true);
  else reportSanitizerErrors(c, handle);
  if (!options.keepPersistence) cleanPersistence(handle);
}

function reportServerTrouble(c: UnitContext, handle: ServerHandle, dumpLog: boolean): void {
  const server = handle.server;
  if (!server) return;
  if (dumpLog) {
    c.emit({ type: 'info', unit: c.unit, text: `\n===== Start of server log (pid ${server.pid}) =====\n\n${server.log()}===== End of server log (pid ${server.pid}) =====\n` });
    return;
  }
  const crash = server.crashReport();
  if (crash) c.emit({ type: 'info', unit: c.unit, text: `\nLogged crash report (pid ${server.pid}):\n${crash}\n` });
  reportSanitizerErrors(c, handle);
}

/** Checked at every stop, as Tcl's kill_server does; crash reports only when a block failed. */
function reportSanitizerErrors(c: UnitContext, handle: ServerHandle): void {
  const server = handle.server;
  const sanitizer = server?.sanitizerErrors();
  if (server && sanitizer) c.emit({ type: 'info', unit: c.unit, text: `\nLogged sanitizer errors (pid ${server.pid}):\n${sanitizer}\n` });
}

function cleanPersistence(handle: ServerHandle): void {
  const server = handle.server!;
  const dir = server.config.get('dir') ?? server.dir;
  const aofDir = server.config.get('appenddirname') ?? 'appendonlydir';
  for (const target of [path.join(dir, 'dump.rdb'), path.join(dir, aofDir)]) rmSync(target, { recursive: true, force: true });
}

/**
 * Tcl run_solo: the block runs after every other unit has finished, alone, one solo block at a
 * time (for tests that need the whole machine: large memory, defrag, timing).
 */
export async function runSolo(name: string, body: () => Promise<void>): Promise<void> {
  const c = ctx();
  if (!c.enterSolo(name)) return;
  c.inSoloBody = true;
  try {
    await body();
  } finally {
    c.inSoloBody = false;
  }
}

/** The server `level` steps out from the innermost (0, -1, -2 ...), as Tcl's srv. */
export function srv(level = 0): ServerHandle {
  const c = ctx();
  const handle = c.servers[c.servers.length - 1 + level];
  if (!handle) throw new Error(`no server at level ${level}: only ${c.servers.length} server(s) are running in this block`);
  return handle;
}

/** Tcl `r`: a command on the innermost server's default client. */
export function r(...args: Array<string | number | Buffer>) {
  return srv(0).call(...args);
}

/** Tcl start_server without a code block: returns a running server that the caller stops. */
export async function spawnServer(options: ServerBlockOptions = {}): Promise<ServerHandle> {
  return ctx().spawnLoose(options);
}

/** Stops a server from spawnServer (Tcl kill_server). */
export async function killServer(handle: ServerHandle): Promise<void> {
  ctx().forgetLoose(handle);
  await handle.stop({ graceful: true });
}

