import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import getPort from 'get-port';
import { LinkProxy, type ProxyEvent } from '../harness/tools/proxy.ts';
import { Client } from '../harness/client/client.ts';

interface WithTeardown {
  teardown(fn: () => unknown): void;
}

/** A target server: every accepted socket is kept, with what it received and when. */
interface Target {
  port: number;
  sockets: net.Socket[];
  received: Buffer[][];
  /** performance.now() of each data event, per connection. */
  arrivals: number[][];
}

/** A local target; `echo` sends every byte back. Closed at teardown. */
async function startTarget(t: WithTeardown, echo = true): Promise<Target> {
  const target: Target = { port: 0, sockets: [], received: [], arrivals: [] };
  const server = net.createServer((socket) => {
    const i = target.sockets.length;
    target.sockets.push(socket);
    target.received.push([]);
    target.arrivals.push([]);
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      target.received[i].push(d);
      target.arrivals[i].push(performance.now());
      if (echo) socket.write(d);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.port = (server.address() as net.AddressInfo).port;
  t.teardown(async () => {
    for (const s of target.sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return target;
}

async function startProxy(t: WithTeardown, port: number, onEvent?: (e: ProxyEvent) => void): Promise<LinkProxy> {
  const proxy = await LinkProxy.start({ targetHost: '127.0.0.1', targetPort: port, onEvent });
  t.teardown(() => proxy.close());
  return proxy;
}

function connect(t: WithTeardown, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
    t.teardown(() => socket.destroy());
  });
}

/** Resolves with exactly n bytes read from the socket (rejects on close before that). */
function readBytes(socket: net.Socket, n: number, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => done(new Error(`timeout: ${got} of ${n} bytes`)), timeoutMs);
    const onData = (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= n) done();
    };
    const onClose = () => done(new Error(`closed after ${got} of ${n} bytes`));
    function done(err?: Error) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(parts));
    }
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

function total(chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks);
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

/** How a socket ended: a clean FIN ('end') or an error code. */
function howItEnds(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('end', () => resolve('end'));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.resume();
  });
}

t.test('forwards both ways, propagates a half close, counts connections and bytes', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy(t, target.port);
  t.equal(proxy.host, '127.0.0.1');
  t.ok(proxy.port > 0 && proxy.port !== target.port, 'ephemeral port of its own');
  const client = await connect(t, proxy.port);
  client.write('hello proxy');
  t.equal((await readBytes(client, 11)).toString(), 'hello proxy', 'echoed through the proxy');
  const big = Buffer.alloc(3 * 1024 * 1024, 7);
  client.write(big);
  const back = await readBytes(client, big.length);
  t.ok(back.equals(big), '3 MiB both ways intact (backpressure path)');
  t.match(proxy.stats, { accepted: 1, refused: 0, active: 1, bytesToTarget: 11 + big.length, bytesToClient: 11 + big.length });

  const targetEnded = new Promise((resolve) => target.sockets[0].once('end', resolve));
  client.end();
  await targetEnded;
  t.pass('client FIN reaches the target');
  t.ok(await until(() => proxy.stats.active === 0), 'pair gone once both sides closed');
});

t.test('latency: each direction delayed by at least the set ms, order kept', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy(t, target.port);
  const client = await connect(t, proxy.port);
  client.write('warm');
  await readBytes(client, 4);
  proxy.setLatency(100);

  const sentAt = performance.now();
  client.write('x');
  await readBytes(client, 1);
  const rtt = performance.now() - sentAt;
  const oneWay = target.arrivals[0][1] - sentAt;
  t.ok(oneWay >= 100, `one-way ${oneWay.toFixed(1)} ms >= 100`);
  t.ok(rtt >= 200, `round trip ${rtt.toFixed(1)} ms >= 200`);

  // Chunks written 10 ms apart keep their order, and keep being delayed.
  const parts = ['a1', 'b2', 'c3', 'd4', 'e5'];
  const started = performance.now();
  for (const p of parts) {
    client.write(p);
    await sleep(10);
  }
  const echoed = await readBytes(client, 10);
  t.equal(echoed.toString(), parts.join(''), 'order preserved');
  t.ok(performance.now() - started >= 200, 'still delayed both ways');

  proxy.setLatency(0);
  const again = performance.now();
  client.write('y');
  await readBytes(client, 1);
  t.ok(performance.now() - again < 100, 'latency removed (loose check: < 100 ms on loopback)');
});

t.test('bandwidth: N bytes take at least about N/rate, in each direction', async (t) => {
  const target = await startTarget(t, false);
  const proxy = await startProxy(t, target.port);
  const client = await connect(t, proxy.port);
  t.ok(await until(() => target.sockets.length === 1), 'target connected');
  const targetSocket = target.sockets[0];
  const rate = 32 * 1024;
  const n = 64 * 1024;
  proxy.setBandwidth(rate);
  t.equal(proxy.bytesPerSecond, rate);

  const started = performance.now();
  const up = (async () => {
    client.write(Buffer.alloc(n, 1));
    await until(() => total(target.received[0]).length >= n, 30_000);
    return performance.now() - started;
  })();
  const down = (async () => {
    targetSocket.write(Buffer.alloc(n, 2));
    const got = await readBytes(client, n, 30_000);
    t.ok(got.every((b) => b === 2), 'to-client bytes intact');
    return performance.now() - started;
  })();
  const [upMs, downMs] = await Promise.all([up, down]);
  // Ideal: (64 KiB - one 20 ms slice) / 32 KiB/s = 1.98 s; only a lower bound, with margin.
  t.ok(upMs >= 1500, `to-target ${upMs.toFixed(0)} ms >= 1500 ms`);
  t.ok(downMs >= 1500, `to-client ${downMs.toFixed(0)} ms >= 1500 ms`);
  t.equal(total(target.received[0]).length, n);

  proxy.setBandwidth(null);
  const again = performance.now();
  client.write(Buffer.alloc(n, 3));
  t.ok(await until(() => total(target.received[0]).length >= 2 * n), 'flows after the cap is lifted');
  t.ok(performance.now() - again < 1500, 'no longer rate limited (loose check)');
});

t.test('pause buffers both directions; resume flushes in order', async (t) => {
  const target = await startTarget(t, false);
  const proxy = await startProxy(t, target.port);
  const client = await connect(t, proxy.port);
  client.write('0');
  t.ok(await until(() => target.received[0]?.length === 1));
  const targetSocket = target.sockets[0];

  proxy.pause();
  const fromClient: Buffer[] = [];
  client.on('data', (d) => fromClient.push(d));
  for (const p of ['a', 'b', 'c', 'd']) {
    client.write(p);
    targetSocket.write(p.toUpperCase());
    await sleep(20);
  }
  await sleep(200);
  t.equal(total(target.received[0]).toString(), '0', 'nothing reached the target while paused');
  t.equal(total(fromClient).length, 0, 'nothing reached the client while paused');

  proxy.resume();
  t.ok(await until(() => total(target.received[0]).length === 5 && total(fromClient).length === 4));
  t.equal(total(target.received[0]).toString(), '0abcd', 'flushed in order to the target');
  t.equal(total(fromClient).toString(), 'ABCD', 'flushed in order to the client');
});

t.test('dropConnections fin: both peers see a clean end; new connections work', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy(t, target.port);
  const client = await connect(t, proxy.port);
  client.write('x');
  await readBytes(client, 1);
  const clientEnd = howItEnds(client);
  const targetEnd = howItEnds(target.sockets[0]);
  t.equal(proxy.dropConnections({ mode: 'fin' }), 1, 'one pair dropped');
  t.equal(await clientEnd, 'end', 'client sees FIN');
  t.equal(await targetEnd, 'end', 'target sees FIN');
  client.end();
  t.ok(await until(() => proxy.stats.active === 0), 'pair removed');

  const second = await connect(t, proxy.port);
  second.write('again');
  t.equal((await readBytes(second, 5)).toString(), 'again', 'the proxy still accepts');
});

t.test('dropConnections rst: both peers see ECONNRESET', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy(t, target.port);
  const client = await connect(t, proxy.port);
  client.write('x');
  await readBytes(client, 1);
  const clientEnd = howItEnds(client);
  const targetEnd = howItEnds(target.sockets[0]);
  t.equal(proxy.dropConnections({ mode: 'rst' }), 1);
  t.equal(await clientEnd, 'ECONNRESET', 'client sees RST');
  t.equal(await targetEnd, 'ECONNRESET', 'target sees RST');
  t.ok(await until(() => proxy.stats.active === 0), 'pair removed');
});

t.test('blackhole discards one direction only, connections stay open; cleared, bytes flow again', async (t) => {
  const target = await startTarget(t, false);
  const proxy = await startProxy(t, target.port);
  const client = await connect(t, proxy.port);
  client.write('0');
  t.ok(await until(() => target.received[0]?.length === 1));
  const targetSocket = target.sockets[0];
  const fromClient: Buffer[] = [];
  client.on('data', (d) => fromClient.push(d));

  proxy.blackhole('to-target');
  client.write('lost');
  targetSocket.write('kept');
  t.ok(await until(() => total(fromClient).toString() === 'kept'), 'to-client still flows');
  await sleep(200);
  t.equal(total(target.received[0]).toString(), '0', 'to-target bytes discarded');
  t.equal(proxy.stats.discardedToTarget, 4);
  t.equal(proxy.stats.active, 1, 'connection still open');

  proxy.blackhole('to-client');
  targetSocket.write('gone');
  client.write('seen');
  t.ok(await until(() => total(target.received[0]).toString() === '0seen'), 'to-target flows again');
  await sleep(200);
  t.equal(total(fromClient).toString(), 'kept', 'to-client bytes discarded');
  t.equal(proxy.stats.discardedToClient, 4);

  proxy.blackhole(null);
  targetSocket.write('back');
  t.ok(await until(() => total(fromClient).toString() === 'keptback'), 'both flow once cleared');
  t.equal(client.destroyed, false);
});

t.test('refuseNew: new connections destroyed at once, open ones untouched; off again accepts', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy(t, target.port);
  const open = await connect(t, proxy.port);
  open.write('a');
  await readBytes(open, 1);

  proxy.refuseNew(true);
  const refused = await connect(t, proxy.port);
  const how = await howItEnds(refused);
  t.ok(how === 'end' || how === 'ECONNRESET', `refused connection closed (${how})`);
  t.equal(target.sockets.length, 1, 'no connection reached the target');
  t.match(proxy.stats, { accepted: 1, refused: 1, active: 1 });
  open.write('b');
  t.equal((await readBytes(open, 1)).toString(), 'b', 'existing pair still works');

  proxy.refuseNew(false);
  const later = await connect(t, proxy.port);
  later.write('c');
  t.equal((await readBytes(later, 1)).toString(), 'c', 'accepted again');
  t.equal(proxy.stats.accepted, 2);
});

t.test('a target that refuses: the client connection is reset, nothing leaks', async (t) => {
  const port = await getPort({ host: '127.0.0.1' });
  const proxy = await startProxy(t, port);
  const client = await connect(t, proxy.port);
  const how = await howItEnds(client);
  t.ok(how === 'ECONNRESET' || how === 'end', `client told (${how})`);
  t.ok(await until(() => proxy.stats.active === 0));
});

t.test('close: open pairs destroyed, listener gone, port can be rebound', async (t) => {
  const target = await startTarget(t);
  const proxy = await LinkProxy.start({ targetHost: '127.0.0.1', targetPort: target.port });
  const client = await connect(t, proxy.port);
  client.write('a');
  await readBytes(client, 1);
  const clientClosed = new Promise((resolve) => client.once('close', resolve));
  client.on('error', () => undefined);
  await proxy.close();
  await clientClosed;
  t.pass('client connection closed');
  t.equal(proxy.stats.active, 0);
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: proxy.port });
    s.once('connect', () => (s.destroy(), resolve('connected')));
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? ''));
  });
  t.equal(refused, 'ECONNREFUSED', 'nothing listens any more');
  const rebound = net.createServer();
  await new Promise<void>((resolve, reject) => {
    rebound.once('error', reject);
    rebound.listen({ host: '127.0.0.1', port: proxy.port, exclusive: true }, resolve);
  });
  t.pass(`port ${proxy.port} rebound`);
  await new Promise((resolve) => rebound.close(resolve));
  await proxy.close();
  t.pass('a second close is harmless');
});

t.test('every fault call emits a timestamped event, also kept in proxy.events', async (t) => {
  const target = await startTarget(t);
  const seen: ProxyEvent[] = [];
  const before = Date.now();
  const proxy = await LinkProxy.start({ targetHost: '127.0.0.1', targetPort: target.port, onEvent: (e) => seen.push(e) });
  const client = await connect(t, proxy.port);
  client.on('error', () => undefined);
  client.write('a');
  await readBytes(client, 1);
  proxy.setLatency(5);
  proxy.setBandwidth(1000);
  proxy.setBandwidth(null);
  proxy.pause();
  proxy.resume();
  proxy.blackhole('to-client');
  proxy.blackhole(null);
  proxy.refuseNew(true);
  proxy.refuseNew(false);
  proxy.dropConnections({ mode: 'rst' });
  await proxy.close();
  const faults = seen.filter((e) => !e.kind.startsWith('conn-'));
  t.same(
    faults.map((e) => e.kind),
    ['start', 'latency', 'bandwidth', 'bandwidth', 'pause', 'resume', 'blackhole', 'blackhole', 'refuse-new', 'refuse-new', 'drop', 'close'],
  );
  t.match(faults[1], { kind: 'latency', detail: /5 ms/ });
  t.match(faults[2], { detail: /1000 bytes\/s/ });
  t.match(faults[3], { detail: 'unlimited' });
  t.match(faults[6], { detail: /to-client/ });
  t.match(faults[10], { detail: /1 connection.*RST/ });
  t.ok(seen.some((e) => e.kind === 'conn-open'), 'connection events too');
  t.ok(seen.every((e) => e.at >= before && e.at <= Date.now()), 'wall-clock times');
  t.ok(seen.every((e, i) => i === 0 || e.at >= seen[i - 1].at), 'in order');
  t.same(proxy.events, seen, 'the same events kept on the proxy');
});

t.test('a real redis-server answers PING through the proxy, also with latency', async (t) => {
  const port = await getPort({ host: '127.0.0.1' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runtest-proxy-'));
  const server = execa('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    reject: false,
    stdin: 'ignore',
  });
  t.teardown(async () => {
    server.kill('SIGKILL');
    await server;
    rmSync(dir, { recursive: true, force: true });
  });
  let client: Client | null = null;
  const proxy = await startProxy(t, port);
  for (let i = 0; i < 500 && !client; i++) {
    try {
      client = await Client.connect({ host: proxy.host, port: proxy.port });
      await client.call('ping');
    } catch {
      client?.destroy();
      client = null;
      await sleep(10);
    }
  }
  if (!client) throw new Error('redis-server did not answer through the proxy');
  t.teardown(() => client!.destroy());
  t.equal(await client.call('ping'), 'PONG');
  await client.call('set', 'k', 'v');
  t.equal(await client.call('get', 'k'), 'v');
  proxy.setLatency(50);
  const started = performance.now();
  t.equal(await client.call('ping'), 'PONG');
  t.ok(performance.now() - started >= 100, 'round trip >= 2 x 50 ms');
  t.ok(proxy.stats.bytesToTarget > 0 && proxy.stats.bytesToClient > 0);
});
