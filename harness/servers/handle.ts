import { appendFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { fail, AssertionError, tclString, type Caller } from '../core/values.ts';
import { Client } from '../client/client.ts';
import type { Arg, Reply } from '../client/resp.ts';
import { globMatch } from '../core/glob.ts';
import { countMessageLines } from '../core/logs.ts';
import { RedisServer, type ShutdownMode } from './server.ts';
import { clientTlsOptions, type TlsClientChoice } from './tls.ts';

export interface ClientOptions {
  /** RESP3 after HELLO 3. */
  resp3?: boolean;
  buffers?: boolean;
  readTimeoutMs?: number;
  /** Skip SELECT 9 (or PING with --singledb), e.g. for a server that needs AUTH first. */
  noSelect?: boolean;
  /**
   * TLS mode only: another certificate (or none), ciphers or protocol versions than the run's
   * client defaults; false connects over plain TCP (to see a TLS port refuse it).
   */
  tls?: TlsClientChoice | false;
}

/** Reads one INFO field (Tcl getInfoProperty). */
export function infoField(info: string, field: string): string | undefined {
  // Found in place: INFO polls run thousands of times, and splitting 150 lines each adds up.
  const key = `${field}:`;
  let at = info.startsWith(key) ? 0 : info.indexOf(`\r\n${key}`);
  if (at < 0) return undefined;
  if (at > 0) at += 2;
  const end = info.indexOf('\r\n', at);
  return info.slice(at + key.length, end < 0 ? undefined : end);
}

/**
 * A server as test code sees it: the process (absent in external mode), its default client
 * and the Tcl conveniences (srv, r, s, restart_server, log helpers).
 */
export class ServerHandle {
  private extraClients = new Set<Client>();

  constructor(
    readonly server: RedisServer | null,
    public client: Client,
    readonly host: string,
    readonly port: number,
    private readonly singledb: boolean,
    /** TLS mode: the certificate directory clients use; '' for plain TCP. */
    readonly tlsDir = '',
  ) {}

  /** node:tls options of this server's clients; undefined when it speaks plain TCP. */
  clientTls(choice?: TlsClientChoice): ConnectionOptions | undefined {
    return this.tlsDir ? clientTlsOptions(this.tlsDir, choice) : undefined;
  }

  get pid(): number {
    return this.requireServer().pid;
  }
  get dir(): string {
    return this.requireServer().dir;
  }
  get stdout(): string {
    return this.requireServer().stdout;
  }
  get stderr(): string {
    return this.requireServer().stderr;
  }
  get configFile(): string {
    return this.requireServer().configFile;
  }
  get config(): Map<string, string> {
    return this.requireServer().config;
  }
  get unixsocket(): string {
    return this.requireServer().unixsocket;
  }

  /** The handle of a server the harness started, with its default client connected (or not yet, when not ready). */
  static async open(server: RedisServer, singledb: boolean, connected = true): Promise<ServerHandle> {
    const tlsDir = server.ctx.tlsDir ?? '';
    const target = { host: server.host, port: server.port };
    const client = connected
      ? await connectClient(target, singledb, {}, server.config.has('requirepass'), tlsDir)
      : Client.unconnected({ ...target, tls: tlsDir ? clientTlsOptions(tlsDir) : undefined });
    return new ServerHandle(server, client, server.host, server.port, singledb, tlsDir);
  }

  /** A server started with requirepass: its clients must AUTH before SELECT. */
  private get needsAuth(): boolean {
    return this.server?.config.has('requirepass') ?? false;
  }

  private async connect(target: ConnectTarget, opts: ClientOptions = {}): Promise<Client> {
    return connectClient(target, this.singledb, opts, this.needsAuth, this.tlsDir);
  }

  private requireServer(): RedisServer {
    if (!this.server) throw new Error('this server was not started by the harness (external mode): tag the test external:skip');
    return this.server;
  }

  /** Runs a command on the default client (Tcl `r`). */
  call(...args: Arg[]): Promise<Reply> {
    return this.client.call(...args);
  }

  /** A new client, SELECTed like Tcl's redis_client (deferred use: send/read on it). */
  async newClient(opts: ClientOptions = {}): Promise<Client> {
    const client = await this.connect({ host: this.host, port: this.port }, opts);
    this.extraClients.add(client);
    return client;
  }

  /** A client on the unix socket. */
  async newSocketClient(opts: ClientOptions = {}): Promise<Client> {
    const client = await this.connect({ path: this.unixsocket }, opts);
    this.extraClients.add(client);
    return client;
  }

  async reconnect(): Promise<void> {
    await this.client.close();
    this.client = await this.connect({ host: this.host, port: this.port });
  }

  async info(section?: string): Promise<string> {
    return String(await this.call('info', ...(section ? [section] : [])));
  }

  /** One INFO field, '' when absent (Tcl `s` / `status`). */
  async status(field: string): Promise<string> {
    return infoField(await this.info(), field) ?? '';
  }

  async statusNumber(field: string): Promise<number> {
    return Number(await this.status(field));
  }

  /** One field of the ROLE reply as a string (Tcl `lindex [r role] index`): 0 is the role. */
  async roleField(index: number): Promise<string> {
    return tclString(((await this.call('role')) as Reply[])[index]);
  }

  isAlive(): boolean {
    return this.server?.isAlive() ?? true;
  }

  /** Tcl restart_server: same port/dir/config; reconnects the default client unless told not to. */
  async restart(opts: { waitReady?: boolean; rotateLogs?: boolean; reconnect?: boolean; shutdown?: ShutdownMode } = {}): Promise<void> {
    this.client.destroy();
    await this.requireServer().restart(opts);
    if (opts.reconnect ?? true) this.client = await this.connect({ host: this.host, port: this.port });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.requireServer().kill(signal);
  }

  /** Stops the server and closes every client the handle made. */
  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    this.closeClients();
    if (this.server) await this.server.stop(opts);
  }

  private markerClient: Promise<Client> | null = null;

  /**
   * Marks a line in the server's log: appended to its stdout when the harness started it, else
   * sent as DEBUG LOG on a client of its own (never the default client, whose replies the test
   * reads), as Tcl does in external mode.
   */
  async markLog(line: string): Promise<void> {
    if (this.server) {
      try {
        appendFileSync(this.server.stdout, line + '\n');
      } catch {
        /* dir removed by the test */
      }
      return;
    }
    try {
      this.markerClient ??= this.newClient();
      await (await this.markerClient).call('debug', 'log', line);
    } catch {
      this.markerClient = null; // DEBUG refused or the link lost: the mark is best effort
    }
  }

  closeClients(): void {
    this.markerClient = null;
    this.client.destroy();
    for (const client of this.extraClients) client.destroy();
    this.extraClients.clear();
  }

  pause(): Promise<void> {
    return this.requireServer().pause();
  }

  resume(): Promise<void> {
    return this.requireServer().resume();
  }

  // ---- log helpers with Tcl's line semantics (line numbers count from 1) ----

  logLineCount(): number {
    return this.requireServer().logLineCount();
  }

  /** Lines of the log matching a grep (basic regular expression) pattern, as Tcl's count_log_message. */
  countLogMessage(pattern: string): number {
    return countMessageLines(this.stdout, pattern);
  }

  /** The log after line fromLine must glob-match the pattern as a whole (Tcl verify_log_message). */
  verifyLogMessage(pattern: string, fromLine: number): void {
    const tail = this.logFrom(fromLine + 1).join('\n');
    if (!globMatch(pattern, tail)) throw new AssertionError(`expected message not found in log file: ${pattern}`);
  }

  /** Waits for a line after fromLine matching one of the glob patterns; returns it and its line number. */
  async waitForLogMessages(patterns: string[], fromLine: number, maxTries: number, delayMs: number): Promise<{ line: string; lineNumber: number }> {
    let nextLine = fromLine + 1;
    for (let attempt = 0; attempt < maxTries; attempt++) {
      // Re-read the last line: it may have been incomplete.
      nextLine = Math.max(nextLine - 1, fromLine + 1);
      const lines = this.logFrom(nextLine);
      for (const line of lines) {
        if (patterns.some((p) => globMatch(p, line))) return { line, lineNumber: nextLine };
        nextLine++;
      }
      await sleep(delayMs);
    }
    fail(`log message of '${patterns.join(' ')}' not found in ${this.stdout} after line: ${fromLine} till line: ${nextLine - 1}`);
  }

  writeLogLine(message: string): void {
    appendFileSync(this.stdout, `### ${message}\n`);
  }

  private logFrom(lineNumber: number): string[] {
    const text = this.requireServer().log();
    const lines = text.split('\n');
    if (text.endsWith('\n')) lines.pop();
    return lines.slice(Math.max(0, lineNumber - 1));
  }
}

export type ConnectTarget = { host: string; port: number } | { path: string };

/**
 * A client SELECTed as Tcl's are (db 9, or PING with --singledb); no SELECT before AUTH. With a
 * TLS directory it speaks TLS, except on a unix socket (servers never put TLS there).
 */
export async function connectClient(target: ConnectTarget, singledb: boolean, opts: ClientOptions = {}, needsAuth = false, tlsDir = ''): Promise<Client> {
  if (opts.tls && !tlsDir) throw new Error('TLS client options given, but this run is not in TLS mode: run with --tls or drop them');
  const tls = 'path' in target || !tlsDir || opts.tls === false ? undefined : clientTlsOptions(tlsDir, opts.tls);
  const client = await Client.connect({ ...target, buffers: opts.buffers, readTimeoutMs: opts.readTimeoutMs, tls });
  if (opts.resp3) await client.call('hello', 3);
  if (!opts.noSelect && !needsAuth) {
    if (singledb) await client.call('ping');
    else await client.select(9);
  }
  return client;
}


/** CONFIG GET of one parameter as a string (RESP2 pair list or RESP3 map). */
export async function configGet(r: Caller, param: string): Promise<string> {
  const reply = await r.call('config', 'get', param);
  if (reply instanceof Map) return tclString([...reply.values()][0]);
  return tclString((reply as unknown[])[1]);
}
