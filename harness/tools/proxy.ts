import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ServerHandle } from '../servers/handle.ts';
import { ctx } from '../worker/context.ts';

/**
 * A TCP proxy a test puts between a replica and its master (the replica does REPLICAOF
 * proxy.host proxy.port) to fault the link: added latency, a bandwidth cap, a pause, cut
 * connections (FIN or RST), a one-way blackhole, refused reconnections.
 *
 * Every accepted connection is paired with a new connection to the target; bytes flow through
 * one queue per direction, so order is always kept. Each fault call is recorded in `events`
 * and passed to `onEvent`, with the wall-clock time, for failure timelines.
 */

/** `to-target`: from the connecting side (the replica) to the target (the master); `to-client`: back. */
export type ProxyDirection = 'to-target' | 'to-client';

export interface ProxyEvent {
  /** Date.now() when it happened, comparable with server log times. */
  at: number;
  kind: string;
  detail: string;
}

export interface LinkProxyOptions {
  targetHost: string;
  targetPort: number;
  /** Loopback by default; the port is always ephemeral. */
  listenHost?: string;
  onEvent?: (event: ProxyEvent) => void;
}

export interface LinkProxyStats {
  /** Connections accepted and paired with the target (refused ones are not counted here). */
  accepted: number;
  /** Connections destroyed on accept while refuseNew(true) was on. */
  refused: number;
  /** Pairs currently open. */
  active: number;
  bytesToTarget: number;
  bytesToClient: number;
  /** Bytes thrown away by a blackhole (drops discard queued bytes uncounted). */
  discardedToTarget: number;
  discardedToClient: number;
}

/** Above this many queued bytes in one direction the source is paused (TCP backpressure). */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** How long a FIN-dropped pair may wait for its peers to close before it is destroyed. */
const FIN_LINGER_MS = 2000;

type Chunk = { readyAt: number; data: Buffer } | { readyAt: number; eof: true };

/** What a pipe reads from the proxy's current fault settings. */
interface LinkState {
  readonly latencyMs: number;
  readonly bytesPerSecond: number | null;
  readonly paused: boolean;
  readonly blackholed: ProxyDirection | null;
  account(direction: ProxyDirection, forwarded: number, discarded: number): void;
}

/** Bytes per slice under a rate limit: 20 ms worth, so the flow is smooth rather than bursty. */
function sliceSize(bytesPerSecond: number): number {
  return Math.max(1, Math.min(64 * 1024, Math.floor(bytesPerSecond / 50)));
}

/** One direction of one connection pair. */
class Pipe {
  private queue: Chunk[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextSlotAt = 0;
  private waitingDrain = false;
  private sourcePaused = false;
  private stopped = false;

  constructor(
    readonly direction: ProxyDirection,
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
    private readonly link: LinkState,
  ) {
    source.on('data', (data: Buffer) => this.push({ readyAt: performance.now() + link.latencyMs, data }));
    source.on('end', () => this.push({ readyAt: performance.now() + link.latencyMs, eof: true }));
  }

  private push(chunk: Chunk): void {
    if (this.stopped) return;
    this.queue.push(chunk);
    if ('data' in chunk) {
      this.queuedBytes += chunk.data.length;
      if (this.queuedBytes > HIGH_WATER && !this.sourcePaused) {
        this.sourcePaused = true;
        this.source.pause();
      }
    }
    this.pump();
  }

  /** Forwards what is due, then sleeps until the next chunk is (latency, rate) or the sink drains. */
  pump(): void {
    if (this.stopped || this.waitingDrain) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const link = this.link;
    while (this.queue.length > 0 && !link.paused) {
      if (this.sink.destroyed) return this.stop();
      const head = this.queue[0];
      const now = performance.now();
      if (head.readyAt > now) return this.wake(head.readyAt - now);
      if (!('data' in head)) {
        this.queue.shift();
        this.sink.end();
        continue;
      }
      if (link.blackholed === this.direction) {
        this.queue.shift();
        this.queuedBytes -= head.data.length;
        link.account(this.direction, 0, head.data.length);
        continue;
      }
      let n = head.data.length;
      const rate = link.bytesPerSecond;
      if (rate !== null) {
        if (this.nextSlotAt > now) return this.wake(this.nextSlotAt - now);
        n = Math.min(n, sliceSize(rate));
        this.nextSlotAt = Math.max(this.nextSlotAt, now) + (n * 1000) / rate;
      }
      let piece: Buffer;
      if (n === head.data.length) {
        this.queue.shift();
        piece = head.data;
      } else {
        piece = head.data.subarray(0, n);
        head.data = head.data.subarray(n);
      }
      this.queuedBytes -= n;
      link.account(this.direction, n, 0);
      if (!this.sink.write(piece)) {
        this.waitingDrain = true;
        this.sink.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
        break;
      }
    }
    if (this.sourcePaused && this.queuedBytes < LOW_WATER) {
      this.sourcePaused = false;
      this.source.resume();
    }
  }

  private wake(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(1, Math.ceil(ms)));
  }

  /** Discards what is queued and forwards nothing more; the source keeps being read (and ignored). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.sourcePaused) {
      this.sourcePaused = false;
      this.source.resume();
    }
  }
}

/** An accepted connection and its connection to the target. */
class Pair {
  readonly toTarget: Pipe;
  readonly toClient: Pipe;
  private closedSockets = 0;
  private lingerTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: number,
    readonly client: net.Socket,
    readonly target: net.Socket,
    link: LinkState,
    onClosed: (pair: Pair) => void,
  ) {
    this.toTarget = new Pipe('to-target', client, target, link);
    this.toClient = new Pipe('to-client', target, client, link);
    for (const [self, other] of [
      [client, target],
      [target, client],
    ] as const) {
      // An abnormal end on one side (reset, refused, timeout) is passed on as a reset.
      self.on('error', () => reset(other));
      self.on('close', () => {
        if (++this.closedSockets === 2) {
          if (this.lingerTimer) clearTimeout(this.lingerTimer);
          this.toTarget.stop();
          this.toClient.stop();
          onClosed(this);
        }
      });
    }
  }

  pump(): void {
    this.toTarget.pump();
    this.toClient.pump();
  }

  /** Cuts the pair: FIN to both peers (destroyed if they do not close in time), or RST to both. */
  drop(mode: 'fin' | 'rst'): void {
    this.toTarget.stop();
    this.toClient.stop();
    if (mode === 'rst') {
      reset(this.client);
      reset(this.target);
      return;
    }
    this.client.end();
    this.target.end();
    this.lingerTimer = setTimeout(() => this.destroy(), FIN_LINGER_MS).unref();
  }

  destroy(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.toTarget.stop();
    this.toClient.stop();
    this.client.destroy();
    this.target.destroy();
  }
}

function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export class LinkProxy implements LinkState {
  latencyMs = 0;
  bytesPerSecond: number | null = null;
  paused = false;
  blackholed: ProxyDirection | null = null;
  /** Every event so far (faults, connections), oldest first. */
  readonly events: ProxyEvent[] = [];

  private refusing = false;
  private closed = false;
  private nextId = 1;
  private readonly pairs = new Set<Pair>();
  private readonly counters = { accepted: 0, refused: 0, bytesToTarget: 0, bytesToClient: 0, discardedToTarget: 0, discardedToClient: 0 };

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    readonly targetHost: string,
    readonly targetPort: number,
    private readonly onEvent?: (event: ProxyEvent) => void,
  ) {}

  /** Listens on an ephemeral port of listenHost (127.0.0.1 by default) and forwards to the target. */
  static async start(options: LinkProxyOptions): Promise<LinkProxy> {
    const listenHost = options.listenHost ?? '127.0.0.1';
    const server = net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: listenHost, port: 0, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as net.AddressInfo;
    const proxy = new LinkProxy(server, listenHost, address.port, options.targetHost, options.targetPort, options.onEvent);
    server.on('connection', (socket) => proxy.accept(socket));
    server.on('error', (err) => proxy.emit('error', err.message));
    proxy.emit('start', `${proxy.describe()}`);
    return proxy;
  }

  /** host:port -> targetHost:targetPort */
  describe(): string {
    return `${this.host}:${this.port} -> ${this.targetHost}:${this.targetPort}`;
  }

  get stats(): LinkProxyStats {
    return { ...this.counters, active: this.pairs.size };
  }

  /** Adds `ms` of one-way delay to every chunk read from now on, in both directions; 0 removes it. */
  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be a number >= 0, got ${ms}`);
    this.latencyMs = ms;
    this.emit('latency', `${ms} ms one-way`);
    this.pumpAll();
  }

  /** Caps each direction at bytesPerSecond; null removes the cap. */
  setBandwidth(bytesPerSecond: number | null): void {
    if (bytesPerSecond !== null && !(bytesPerSecond > 0)) throw new RangeError(`bandwidth must be > 0 bytes/s or null, got ${bytesPerSecond}`);
    this.bytesPerSecond = bytesPerSecond;
    this.emit('bandwidth', bytesPerSecond === null ? 'unlimited' : `${bytesPerSecond} bytes/s each way`);
    this.pumpAll();
  }

  /** Stops forwarding in both directions; what arrives is buffered (the sources are paused past 1 MiB). */
  pause(): void {
    this.paused = true;
    this.emit('pause', 'forwarding stopped, buffering');
  }

  /** Forwards what was buffered, in order, and carries on. */
  resume(): void {
    this.paused = false;
    this.emit('resume', 'forwarding resumed');
    this.pumpAll();
  }

  /**
   * Closes every current pair: `fin` ends both peers' connections gracefully, `rst` resets them.
   * Bytes still queued in the proxy are lost, as on a cut link. New connections are accepted.
   */
  dropConnections(options: { mode: 'fin' | 'rst' } = { mode: 'fin' }): number {
    const pairs = [...this.pairs];
    for (const pair of pairs) pair.drop(options.mode);
    this.emit('drop', `${pairs.length} connection(s), ${options.mode.toUpperCase()}`);
    return pairs.length;
  }

  /**
   * Silently discards the bytes of one direction (null: none) while the connections stay open.
   * Only data is discarded: a peer that closes its connection is still seen closing by the other.
   */
  blackhole(direction: ProxyDirection | null): void {
    this.blackholed = direction;
    this.emit('blackhole', direction === null ? 'cleared' : `discarding ${direction}`);
    this.pumpAll();
  }

  /** While on, new connections are accepted and destroyed at once (pairs already open stay). */
  refuseNew(on: boolean): void {
    this.refusing = on;
    this.emit('refuse-new', on ? 'on' : 'off');
  }

  /** Stops listening and destroys every pair; the port is free when this resolves. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const pair of this.pairs) pair.destroy();
    await closing;
    this.emit('close', `${this.describe()} closed`);
  }

  account(direction: ProxyDirection, forwarded: number, discarded: number): void {
    if (direction === 'to-target') {
      this.counters.bytesToTarget += forwarded;
      this.counters.discardedToTarget += discarded;
    } else {
      this.counters.bytesToClient += forwarded;
      this.counters.discardedToClient += discarded;
    }
  }

  private accept(client: net.Socket): void {
    const from = `${client.remoteAddress}:${client.remotePort}`;
    if (this.refusing || this.closed) {
      this.counters.refused++;
      client.on('error', () => undefined);
      client.destroy();
      this.emit('conn-refused', from);
      return;
    }
    this.counters.accepted++;
    const id = this.nextId++;
    client.setNoDelay(true);
    const target = net.connect({ host: this.targetHost, port: this.targetPort, allowHalfOpen: true, noDelay: true });
    const pair = new Pair(id, client, target, this, (p) => {
      this.pairs.delete(p);
      this.emit('conn-close', `#${p.id} from ${from}`);
    });
    this.pairs.add(pair);
    this.emit('conn-open', `#${id} from ${from}`);
  }

  private pumpAll(): void {
    for (const pair of this.pairs) pair.pump();
  }

  private emit(kind: string, detail: string): void {
    const event = { at: Date.now(), kind, detail };
    this.events.push(event);
    this.onEvent?.(event);
  }
}

/**
 * A proxy in front of `target` for the running suite, closed at the unit's end at the latest.
 * The replica then does REPLICAOF proxy.host proxy.port.
 */
export async function startLinkProxy(target: ServerHandle, options: Omit<LinkProxyOptions, 'targetHost' | 'targetPort'> = {}): Promise<LinkProxy> {
  const c = ctx();
  const source = `proxy -> :${target.port}`;
  // Every fault also lands in the unit's timeline, so a failure's timeline.log shows it.
  const proxy = await LinkProxy.start({
    ...options,
    targetHost: target.host,
    targetPort: target.port,
    onEvent: (e) => {
      c.recordEvent(source, `${e.kind}: ${e.detail}`, `link-${e.kind}`);
      options.onEvent?.(e);
    },
  });
  c.deferCleanup(() => proxy.close());
  return proxy;
}
