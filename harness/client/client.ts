// One connection to a server: the port of tests/support/redis.tcl.
//
// Replies are consumed strictly in the order reads are requested: `call`
// requests its read when invoked, `read` when invoked, so mixed use follows
// the byte stream like the Tcl client does. No auto-reconnect, no offline queue.

import net from 'node:net';
import tls from 'node:tls';
import { CommandEncoder, ProtocolError, ReplyError, RespParser, RespMap } from './resp.ts';
import type { Arg, ParsedReply, Reply } from './resp.ts';

export interface ClientOptions {
  host?: string;
  port?: number;
  /** Unix socket path; host and port are then only labels. */
  path?: string;
  buffers?: boolean;
  resp3Types?: boolean;
  tclBool?: boolean;
  /** Reject a read that waits longer than this; none by default. */
  readTimeoutMs?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Sent as CLIENT SETNAME on every (re)connect. */
  name?: string;
  /**
   * Speak TLS with these node:tls options. As with Tcl's TLS channels, connecting means the TCP
   * connect; a failed handshake shows as IO_ERROR on the first read.
   */
  tls?: tls.ConnectionOptions;
}

/** Tcl's wording when a reply cannot be read because the link is gone; suites match it. */
export const IO_ERROR = 'I/O error reading reply';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// close() waits this long for buffered writes before destroying the socket.
const CLOSE_FLUSH_MS = 1000;

type Waiter = {
  resolve: (value: any) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
  /** Set once the waiter has left the queue (served or failed). */
  done?: boolean;
} & (
  // command: the call's arguments, described only when a message needs them (not on every call).
  | { kind: 'reply'; command: Arg[] | null; abandoned: boolean }
  | { kind: 'line' }
  | { kind: 'bytes'; count: number }
  // replies read and dropped: `left` still to come, the first error reply among them.
  | { kind: 'discard'; left: number; error: ReplyError | null }
);

/**
 * Pending reads, oldest first. A head index instead of Array.shift: a pipeline of thousands of
 * calls would otherwise move the whole array at every reply.
 */
class WaiterQueue {
  private items: Waiter[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(waiter: Waiter): void {
    this.items.push(waiter);
  }

  first(): Waiter | undefined {
    return this.items[this.head];
  }

  shift(): Waiter {
    const waiter = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as Waiter;
    waiter.done = true;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return waiter;
  }

  /** Takes out one waiter wherever it is (a read that timed out); false when it already left. */
  remove(waiter: Waiter): boolean {
    if (waiter.done) return false;
    const index = this.items.indexOf(waiter, this.head);
    if (index === -1) return false;
    this.items.splice(index, 1);
    waiter.done = true;
    return true;
  }

  /** Empties the queue, returning what it held. */
  takeAll(): Waiter[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    for (const waiter of all) waiter.done = true;
    return all;
  }
}

const unset = () => undefined;

/** Sockets whose reads come through net's `onread` callback rather than 'data' events. */
const READS_VIA_ONREAD = new WeakSet<net.Socket>();

/** A read of the next reply, every field set up front (one object shape for the hot path). */
function replyWaiter(command: Arg[] | null): Waiter {
  return { kind: 'reply', command, abandoned: false, resolve: unset, reject: unset, timer: undefined, done: false };
}

type State = 'open' | 'lost' | 'closed';

/** A command for messages: its first words, shortened. */
function describe(args: Arg[]): string {
  let text = args.map((arg) => (Buffer.isBuffer(arg) ? `<${arg.length} bytes>` : String(arg))).join(' ');
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return text;
}

/** The first ReplyError inside an aggregate, depth first (the Tcl client raises it). */
function findNestedError(value: Reply): ReplyError | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = item instanceof ReplyError ? item : findNestedError(item);
      if (found) return found;
    }
  } else if (value instanceof RespMap) {
    for (const [key, item] of value) {
      const found = key instanceof ReplyError ? key : item instanceof ReplyError ? item : findNestedError(key) ?? findNestedError(item);
      if (found) return found;
    }
  }
  return undefined;
}

function connectError(err: NodeJS.ErrnoException, where: string): Error {
  // Tcl says "couldn't open socket: connection refused"; suites match the tail.
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOENT: 'no such file or directory',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host is unreachable',
    EACCES: 'permission denied',
  };
  const reason = (err.code ? reasons[err.code] : undefined) ?? err.message;
  const wrapped = new Error(`couldn't open socket: ${reason} (${where})`, { cause: err });
  (wrapped as NodeJS.ErrnoException).code = err.code;
  return wrapped;
}

export class Client {
  readonly host: string;
  readonly port: number;
  readonly path: string | undefined;
  /** Attributes (`|`) that came with the reply read last; null when it had none. */
  lastAttributes: RespMap | null = null;

  private readonly options: ClientOptions;
  private sock!: net.Socket;
  private parser!: RespParser;
  private waiters = new WaiterQueue();
  private state: State = 'open';
  private lostCause: Error | undefined;
  private closedWhy = '';
  private closing: Promise<void> | null = null;
  /** Bumped by close/destroy/reconnect, so a connect in flight knows it was overtaken. */
  private generation = 0;
  private raw = false;
  private readTimeoutMs: number | undefined;
  private selectedDb: number | undefined;
  private lastSent: Arg[] | null = null;

  private constructor(options: ClientOptions) {
    this.options = options;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 6379;
    this.path = options.path;
    this.readTimeoutMs = options.readTimeoutMs;
  }

  /** A client for a server that is not ready yet: every call rejects until reconnect() is called. */
  static unconnected(options: ClientOptions = {}): Client {
    const client = new Client(options);
    client.sock = new net.Socket();
    client.sock.destroy();
    client.parser = new RespParser(options);
    client.state = 'closed';
    client.closedWhy = 'not connected yet: call reconnect() once the server is ready';
    return client;
  }

  static async connect(options: ClientOptions = {}): Promise<Client> {
    const client = new Client(options);
    await client.open();
    return client;
  }

  get isConnected(): boolean {
    return this.state === 'open' && !this.sock.destroyed;
  }

  /** The current socket, for tests that need to poke at it. */
  get socket(): net.Socket {
    return this.sock;
  }

  /** The TLS cipher the connection negotiated (OpenSSL's name); undefined on plain TCP. */
  get tlsCipher(): string | undefined {
    return this.sock instanceof tls.TLSSocket ? this.sock.getCipher()?.name : undefined;
  }

  get readingRaw(): boolean {
    return this.raw;
  }

  /** Sends a command and resolves with its reply; error replies reject with ReplyError. */
  call(...args: Arg[]): Promise<Reply> {
    try {
      this.write(args);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.raw) return this.enqueue({ kind: 'line' } as Waiter);
    return this.enqueue(replyWaiter(args));
  }

  /** Deferred use (Tcl redis_deferring_client): writes now, the reply comes from read(). */
  send(...args: Arg[]): void {
    this.write(args);
  }

  /** The next reply in the stream (a protocol line in raw mode); error replies reject. */
  read(): Promise<Reply> {
    if (this.raw) return this.enqueue({ kind: 'line' } as Waiter);
    return this.enqueue(replyWaiter(null));
  }

  /**
   * Reads `count` replies and drops them (a deferring client's `$rd read` in a loop, without a
   * promise per reply); rejects with the first error reply among them once all have come.
   */
  discardReplies(count: number): Promise<void> {
    if (!Number.isSafeInteger(count) || count < 0) return Promise.reject(new RangeError(`bad reply count ${count}`));
    if (this.raw) return Promise.reject(new Error('discardReplies() in raw mode: read the lines with readLine()'));
    if (count === 0) return Promise.resolve();
    return this.enqueue({ kind: 'discard', left: count, error: null } as Waiter);
  }

  /** Tcl `readraw`: while on, read() and call() return protocol lines without CRLF. */
  readRaw(on: boolean): void {
    this.raw = on;
  }

  writeRaw(data: string | Buffer): void {
    this.write(data);
  }

  /** The next protocol line without its CRLF, whatever the mode. */
  readLine(): Promise<string> {
    return this.enqueue({ kind: 'line' } as Waiter);
  }

  /** Exactly `count` raw bytes. */
  readBytes(count: number): Promise<Buffer> {
    if (!Number.isSafeInteger(count) || count < 0) return Promise.reject(new RangeError(`bad byte count ${count}`));
    return this.enqueue({ kind: 'bytes', count } as Waiter);
  }

  /**
   * Tcl's `rawread` on a non-blocking channel: whatever bytes have arrived, without waiting
   * (an empty Buffer when none). Pending reads are served first.
   */
  rawRead(): Buffer {
    if (this.waiters.length > 0) throw new Error('rawRead() while reads are pending: await them first');
    return this.parser.takeBuffered();
  }

  /**
   * Stops reading the socket, as a Tcl client reads nothing until told to: replies stay in the
   * kernel and then in the server's output buffer (tests of output buffer limits need that).
   */
  pauseReading(): void {
    this.sock.pause();
  }

  /** Tcl's blocking `flush`: resolves once everything written so far is in the kernel; rejects when the link is gone. */
  flush(): Promise<void> {
    this.uncork();
    return new Promise((resolve, reject) => this.sock.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Hands this tick's writes to the socket, then resolves once its write buffer has drained below
   * its high-water mark, or the link closed. (Without the hand-over, a loop that awaits this after
   * every batch would never reach the end of its tick and would queue its whole pipeline in memory.)
   */
  drained(): Promise<void> {
    if (this.state !== 'closed') this.uncork();
    const sock = this.sock;
    if (!sock.writableNeedDrain || sock.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        sock.off('drain', done);
        sock.off('close', done);
        resolve();
      };
      sock.on('drain', done);
      sock.on('close', done);
    });
  }

  /** Half-closes the connection: no more writes, replies can still be read. */
  endWrites(): void {
    this.uncork();
    this.sock.end();
  }

  /** Applies to reads requested from now on; undefined or 0 means no timeout. */
  setReadTimeout(ms: number | undefined): void {
    this.readTimeoutMs = ms;
  }

  /** SELECT, remembered so that reconnect() selects the same db again. */
  async select(db: number): Promise<Reply> {
    const reply = await this.call('select', db);
    this.selectedDb = db;
    return reply;
  }

  /** Drops the current link (pending reads reject) and opens a new one. */
  async reconnect(): Promise<void> {
    this.markClosed('reconnect() dropped the previous connection');
    this.uncork();
    this.sock.destroy();
    this.closing = null;
    await this.open();
  }

  /** Closes after flushing writes; pending reads reject. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    this.markClosed('close() was called');
    const sock = this.sock;
    if (sock.destroyed) return;
    await new Promise<void>((resolve) => {
      // A paused (SIGSTOP) server never answers our FIN, so don't wait for it.
      const timer = setTimeout(() => sock.destroy(), CLOSE_FLUSH_MS);
      sock.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      sock.end(() => sock.destroy());
    });
  }

  /** Closes at once, discarding unsent data; pending reads reject. */
  destroy(): void {
    this.markClosed('destroy() was called');
    this.uncork(); // what was written reaches the kernel first, as with an uncorked write
    this.sock.destroy();
  }

  private markClosed(why: string): void {
    this.generation++;
    this.state = 'closed';
    this.closedWhy = why;
    this.failAll(this.closedError());
  }

  /** Connects, then names the connection and re-selects the db; on failure nothing stays open. */
  private async open(): Promise<void> {
    const generation = this.generation;
    const where = this.path ?? `${this.host}:${this.port}`;
    let sock: net.Socket;
    try {
      sock = await this.connectSocket(where);
    } catch (err) {
      if (generation === this.generation) this.closedWhy = `connect failed: ${(err as Error).message}`;
      throw err;
    }
    if (generation !== this.generation) {
      // close() or destroy() came while connecting.
      sock.destroy();
      throw this.closedError();
    }
    this.attach(sock, where);
    try {
      if (this.options.name !== undefined) await this.callReply('client', 'setname', this.options.name);
      if (this.selectedDb !== undefined) await this.callReply('select', this.selectedDb);
    } catch (err) {
      if (generation === this.generation) this.markClosed(`connection setup failed: ${(err as Error).message}`);
      sock.destroy();
      throw err;
    }
  }

  private connectSocket(where: string): Promise<net.Socket> {
    this.early = [];
    return new Promise<net.Socket>((resolve, reject) => {
      let sock: net.Socket;
      if (this.options.tls && !this.path) {
        // A TLS socket takes no `onread`: attach() gives it a 'data' listener instead.
        sock = tls.connect({ ...this.options.tls, host: this.host, port: this.port });
      } else {
        const target = this.path ? { path: this.path } : { host: this.host, port: this.port };
        // Reads land straight in one reused buffer (net's `onread`), not in a stream 'data' event per
        // read: no Readable machinery and no 64 KB allocation per reply. pause()/resume() still work.
        const readBuffer = Buffer.allocUnsafe(64 * 1024);
        const plain: net.Socket = net.createConnection({
          ...target,
          onread: { buffer: readBuffer, callback: (nread: number, buf: Uint8Array) => this.received(plain, Buffer.from(buf.subarray(0, nread))) },
        });
        READS_VIA_ONREAD.add(plain);
        sock = plain;
      }
      this.connecting = sock;
      const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const timer = setTimeout(() => {
        sock.destroy();
        const err: NodeJS.ErrnoException = new Error(`connect to ${where} took more than ${timeoutMs} ms`);
        err.code = 'ETIMEDOUT';
        reject(connectError(err, where));
      }, timeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        sock.destroy();
        reject(connectError(err, where));
      };
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.off('error', onError); // only ours: a TLS socket may have listeners of its own
        resolve(sock);
      });
      sock.once('error', onError);
    });
  }

  private attach(sock: net.Socket, where: string): void {
    if (!this.path) sock.setNoDelay(true);
    this.sock = sock;
    this.pending = new CommandEncoder();
    this.parser = new RespParser({
      buffers: this.options.buffers,
      resp3Types: this.options.resp3Types,
      tclBool: this.options.tclBool,
    });
    this.state = 'open';
    this.lostCause = undefined;
    this.closedWhy = '';
    this.lastAttributes = null;
    // What arrived before the link was attached (a refusal sent on accept) is read first.
    if (this.connecting === sock) {
      for (const chunk of this.early.splice(0)) this.parser.push(chunk);
      this.connecting = undefined;
    }
    // A socket made without onread (a TLS one) reads through 'data' events.
    if (!READS_VIA_ONREAD.has(sock)) sock.on('data', (chunk: Buffer) => this.received(sock, chunk));
    sock.on('error', (err) => {
      if (sock === this.sock) this.lose(err);
    });
    const onEnd = () => {
      if (sock === this.sock) this.lose(new Error(`connection to ${where} closed by the server`));
    };
    sock.on('end', onEnd);
    sock.on('close', onEnd);
  }

  /** Bytes that arrived on a socket still connecting, before attach() made it the current one. */
  private early: Buffer[] = [];

  /** The socket connectSocket() is opening, until attach() takes it. */
  private connecting: net.Socket | undefined;

  /** Bytes read from a socket (copied out of its reused read buffer). */
  private received(sock: net.Socket, chunk: Buffer): boolean {
    if (sock === this.sock) {
      this.parser.push(chunk);
      this.drain();
    } else if (sock === this.connecting) {
      this.early.push(chunk);
    }
    return true; // keep reading
  }

  /** A command whose reply is parsed even in raw mode (used for setup commands). */
  private callReply(...args: Arg[]): Promise<Reply> {
    this.write(args);
    return this.enqueue(replyWaiter(args));
  }

  /** Queues a command (its arguments) or raw protocol data for the end of this tick. */
  private write(data: Arg[] | string | Buffer): void {
    if (this.state === 'closed') throw this.closedError();
    if (Array.isArray(data)) this.lastSent = data;
    // Once the server has gone, writes are dropped as the kernel would; the
    // read that follows still gets any reply already received, then IO_ERROR.
    if (this.state === 'lost') return;
    // Writes made in one tick leave as one buffer: a pipeline of N calls costs one socket write
    // (one syscall, one stream request) here and a few reads in the server instead of N of each.
    // A lone call is sent at the end of its tick, before any I/O, so its latency is the same.
    if (this.pending.empty) process.nextTick(this.sendSoon, this.sock);
    if (Array.isArray(data)) this.pending.add(data);
    else this.pending.addRaw(data);
  }

  /** This tick's writes, not yet handed to the socket. */
  private pending = new CommandEncoder();
  private readonly sendSoon = (sock: net.Socket) => {
    if (sock === this.sock) this.uncork();
  };

  /** Hands this tick's writes to the socket, joined. */
  private uncork(): void {
    if (this.pending.empty) return;
    this.sock.write(this.pending.take());
  }

  /** Queues a read; `waiter` is filled in with the promise's callbacks (one object per read, no copy). */
  private enqueue<T>(waiter: Waiter): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
      if (this.state === 'closed') {
        reject(this.closedError());
        return;
      }
      this.waiters.push(waiter);
      this.drain();
      if (waiter.done) return;
      // After a loss the buffered replies are still served, then reads fail.
      if (this.state === 'lost') {
        this.waiters.remove(waiter);
        reject(this.lostError());
        return;
      }
      if (this.readTimeoutMs) this.armTimeout(waiter, this.readTimeoutMs);
    });
  }

  private armTimeout(waiter: Waiter, ms: number): void {
    waiter.timer = setTimeout(() => {
      if (waiter.done) return;
      const what =
        waiter.kind === 'reply' && waiter.command !== null
          ? `the reply to '${describe(waiter.command)}'`
          : `the next ${waiter.kind === 'bytes' ? `${waiter.count} bytes` : waiter.kind === 'line' ? 'line' : waiter.kind === 'discard' ? `${waiter.left} replies` : 'reply'}${this.lastSent ? ` (last command sent: '${describe(this.lastSent)}')` : ''}`;
      if (waiter.kind === 'reply' && waiter.command !== null) {
        // The reply still belongs to this call: skip it when it comes so later calls stay paired.
        waiter.abandoned = true;
      } else {
        this.waiters.remove(waiter);
      }
      waiter.reject(new Error(`Read timeout: no reply within ${ms} ms waiting for ${what}`));
    }, ms);
  }

  /** Serves waiters, oldest first, from what has been received. */
  private drain(): void {
    while (this.waiters.length > 0) {
      const waiter = this.waiters.first()!;
      let taken: { value: unknown; attributes?: RespMap } | undefined;
      try {
        taken = this.take(waiter);
      } catch (err) {
        // Malformed data: nothing after it can be trusted.
        this.waiters.shift();
        clearTimeout(waiter.timer);
        if (!(waiter.kind === 'reply' && waiter.abandoned)) waiter.reject(err as Error);
        this.parser.reset();
        this.lose(err as Error);
        this.sock.destroy();
        return;
      }
      if (!taken) break;
      this.waiters.shift();
      if (waiter.timer) clearTimeout(waiter.timer);
      if (waiter.kind === 'discard' && waiter.error) {
        waiter.reject(waiter.error);
        continue;
      }
      if (waiter.kind !== 'reply') {
        waiter.resolve(taken.value);
        continue;
      }
      if (waiter.abandoned) continue;
      this.lastAttributes = taken.attributes ?? null;
      const value = taken.value as Reply;
      if (value instanceof ReplyError) {
        waiter.reject(value);
        continue;
      }
      const nested = findNestedError(value);
      if (nested) {
        const err = new ReplyError(nested.message);
        err.reply = value;
        waiter.reject(err);
        continue;
      }
      waiter.resolve(value);
    }
  }

  private take(waiter: Waiter): { value: unknown; attributes?: RespMap } | undefined {
    switch (waiter.kind) {
      case 'reply':
        return this.parser.next() satisfies ParsedReply | undefined;
      case 'line': {
        const line = this.parser.nextLine();
        return line === undefined ? undefined : { value: line };
      }
      case 'bytes': {
        const bytes = this.parser.nextBytes(waiter.count);
        return bytes === undefined ? undefined : { value: bytes };
      }
      case 'discard': {
        while (waiter.left > 0) {
          const reply = this.parser.next();
          if (!reply) return undefined;
          waiter.left--;
          if (waiter.error) continue;
          const value = reply.value as Reply;
          waiter.error = value instanceof ReplyError ? value : findNestedError(value) ?? null;
        }
        return { value: undefined };
      }
    }
  }

  /** The link went away: serve what was already received, fail the rest. */
  private lose(cause: Error): void {
    if (this.state !== 'open') return;
    this.state = 'lost';
    this.lostCause = cause;
    this.drain();
    this.failAll(this.lostError());
  }

  private failAll(err: Error): void {
    for (const waiter of this.waiters.takeAll()) {
      clearTimeout(waiter.timer);
      if (waiter.kind === 'reply' && waiter.abandoned) continue;
      waiter.reject(err);
    }
  }

  private lostError(): Error {
    const err: Error & { code?: string } = new Error(IO_ERROR, { cause: this.lostCause });
    err.code = this.lostCause instanceof ProtocolError ? 'EPROTO' : 'ECONNCLOSED';
    return err;
  }

  private closedError(): Error {
    const where = this.path ?? `${this.host}:${this.port}`;
    return new Error(`Connection closed (${where}): ${this.closedWhy}`);
  }
}
