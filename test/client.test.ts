import t from 'tap';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import getPort from 'get-port';
import { Client, IO_ERROR } from '../harness/client/client.ts';
import { Double, ProtocolError, ReplyError, RespMap, RespParser, RespPush, RespSet } from '../harness/client/resp.ts';

/** What a fake connection can do from a command handler. */
interface FakeConnection {
  socket: net.Socket;
  index: number;
  /** Writes the reply split into small random pieces, to exercise reassembly. */
  reply(wire: string | Buffer): void;
  /** Holds back every later reply for `ms`, keeping replies in order like a server. */
  delay(ms: number): void;
}

type Handler = (command: string[], conn: FakeConnection) => void;

/** The part of a tap test the helpers need. */
interface WithTeardown {
  teardown(fn: () => unknown): void;
}

interface FakeServer {
  port: number;
  /** Every command received, per connection. */
  commands: string[][][];
  connections: net.Socket[];
}

/** A server speaking canned RESP: commands are parsed, the handler answers. */
async function fakeServer(t: WithTeardown, handler: Handler, onConnect?: (conn: FakeConnection) => void): Promise<FakeServer> {
  return listen(t, handler, onConnect);
}

/** Like fakeServer, but bytes are not parsed: `onData` sees them as they come. */
async function rawServer(t: WithTeardown, onData: (data: Buffer, conn: FakeConnection) => void): Promise<FakeServer> {
  return listen(t, () => undefined, undefined, onData);
}

async function listen(
  t: WithTeardown,
  handler: Handler,
  onConnect?: (conn: FakeConnection) => void,
  onRawData?: (data: Buffer, conn: FakeConnection) => void,
): Promise<FakeServer> {
  const fake: FakeServer = { port: 0, commands: [], connections: [] };
  const server = net.createServer((socket) => {
    const index = fake.connections.length;
    fake.connections.push(socket);
    fake.commands.push([]);
    const parser = new RespParser();
    let held: Promise<unknown> | null = null;
    const writePieces = (data: Buffer) => {
      for (let at = 0; at < data.length; ) {
        const size = 1 + Math.floor(Math.random() * 7);
        if (!socket.destroyed) socket.write(data.subarray(at, at + size));
        at += size;
      }
    };
    const conn: FakeConnection = {
      socket,
      index,
      reply(wire) {
        const data = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;
        if (held) held = held.then(() => writePieces(data));
        else writePieces(data);
      },
      delay(ms) {
        held = (held ?? Promise.resolve()).then(() => sleep(ms));
      },
    };
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      if (onRawData) return onRawData(chunk, conn);
      parser.push(chunk);
      for (let parsed = parser.next(); parsed; parsed = parser.next()) {
        const command = (parsed.value as string[]).map(String);
        fake.commands[index]!.push(command);
        handler(command, conn);
      }
    });
    onConnect?.(conn);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.address() as net.AddressInfo).port;
  t.teardown(async () => {
    for (const socket of fake.connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return fake;
}

/** Answers like a tiny Redis: PING, ECHO, SELECT, CLIENT SETNAME; `hang` never answers. */
const basicHandler: Handler = (command, conn) => {
  const name = command[0]!.toLowerCase();
  if (name === 'ping') conn.reply('+PONG\r\n');
  else if (name === 'echo') conn.reply(`$${Buffer.byteLength(command[1]!)}\r\n${command[1]}\r\n`);
  else if (name === 'select' || name === 'client') conn.reply('+OK\r\n');
  else if (name === 'hang') return;
  else conn.reply(`-ERR unknown command '${command[0]}', with args beginning with: \r\n`);
};

async function connect(t: WithTeardown, port: number, options: Parameters<typeof Client.connect>[0] = {}): Promise<Client> {
  const client = await Client.connect({ port, ...options });
  t.teardown(() => client.destroy());
  return client;
}

t.test('pipelined calls resolve in order', async (t) => {
  const fake = await fakeServer(t, basicHandler);
  const client = await connect(t, fake.port);
  const words = Array.from({ length: 200 }, (_, i) => `word-${i}-${'x'.repeat(i % 13)}`);
  const replies = await Promise.all(words.map((word) => client.call('echo', word)));
  t.same(replies, words);
  t.equal(await client.call('ping'), 'PONG');
  t.ok(client.isConnected);
  t.equal(client.host, '127.0.0.1');
  t.equal(client.port, fake.port);
  t.ok(client.socket instanceof net.Socket, 'socket accessor');
});

t.test('deferred send/read, mixed with call', async (t) => {
  const fake = await fakeServer(t, basicHandler);
  const client = await connect(t, fake.port);
  client.send('echo', 'a');
  client.send('echo', 'b');
  t.equal(await client.read(), 'a');
  t.equal(await client.read(), 'b');

  // A read requested before a call gets the earlier reply; the call gets its own.
  client.send('echo', 'deferred');
  const pendingRead = client.read();
  const pendingCall = client.call('echo', 'called');
  t.equal(await pendingRead, 'deferred');
  t.equal(await pendingCall, 'called');

  // A read requested before the reply arrives waits for it.
  const early = client.read();
  await sleep(20);
  client.send('ping');
  t.equal(await early, 'PONG');
});

t.test('drained() hands the writes queued so far to the socket before it waits', async (t) => {
  const fake = await fakeServer(t, basicHandler);
  const client = await connect(t, fake.port);
  // A loop awaiting drained() after each batch never ends its tick: the batches must leave anyway.
  let queued = 0;
  for (let batch = 0; batch < 3; batch++) {
    for (let i = 0; i < 1000; i++) client.send('echo', `batch-${batch}-${i}`);
    await client.drained();
    queued = client.socket.bytesWritten + client.socket.writableLength;
    t.ok(queued > 0, `batch ${batch}: ${queued} bytes handed to the socket`);
  }
  for (let i = 0; i < 3000; i++) await client.read();
  t.equal(await client.call('ping'), 'PONG');
});

t.test('discardReplies drops a pipeline\'s replies in order and rejects with the first error once all came', async (t) => {
  const fake = await fakeServer(t, basicHandler);
  const client = await connect(t, fake.port);
  for (let i = 0; i < 5000; i++) client.send('echo', `e${i}`);
  client.send('echo', 'after');
  await client.discardReplies(5000);
  t.equal(await client.read(), 'after', 'the reply after the dropped ones is the next read');

  // Errors in the middle: the waiter still consumes every reply it was given before it rejects.
  client.send('echo', 'x');
  client.send('nosuch');
  client.send('nosuch2');
  client.send('echo', 'y');
  client.send('echo', 'next');
  await t.rejects(client.discardReplies(4), /unknown command 'nosuch'/);
  t.equal(await client.read(), 'next');

  // Replies that arrive late, one by one, complete it.
  const pending = client.discardReplies(3);
  for (const w of ['a', 'b', 'c']) {
    await sleep(5);
    client.send('echo', w);
  }
  await pending;
  await client.discardReplies(0);
  await t.rejects(client.discardReplies(-1), RangeError);
  t.equal(await client.call('ping'), 'PONG');
});

t.test('error replies reject with the exact message', async (t) => {
  const fake = await fakeServer(t, (command, conn) => {
    if (command[0] === 'exec') conn.reply('*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n-ERR second\r\n');
    else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port);
  const err = await client.call('nosuchcommand', 'arg').catch((e: unknown) => e);
  t.ok(err instanceof ReplyError);
  t.equal((err as ReplyError).message, "ERR unknown command 'nosuchcommand', with args beginning with:");
  t.equal((err as ReplyError).code, 'ERR');
  t.equal(await client.call('ping'), 'PONG', 'the connection stays usable');

  client.send('nosuch');
  await t.rejects(client.read(), { message: "ERR unknown command 'nosuch', with args beginning with:" }, 'read() rejects too');

  // Like the Tcl client: an error inside an aggregate raises the first one.
  const nested = (await client.call('exec').catch((e: unknown) => e)) as ReplyError;
  t.ok(nested instanceof ReplyError);
  t.equal(nested.message, 'WRONGTYPE Operation against a key holding the wrong kind of value');
  t.equal((nested.reply as unknown[]).length, 3, 'the whole reply is kept on the error');
  t.equal(await client.call('ping'), 'PONG');
});

t.test('raw mode returns protocol lines', async (t) => {
  const fake = await fakeServer(t, (command, conn) => {
    if (command[0] === 'smembers') conn.reply('*2\r\n$1\r\na\r\n$3\r\nb c\r\n');
    else if (command[0] === 'srandmember') conn.reply('*-1\r\n');
    else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port);
  client.readRaw(true);
  t.ok(client.readingRaw);
  t.equal(await client.call('srandmember', 'nokey'), '*-1', 'call returns the first line');
  client.send('smembers', 's');
  const lines = [];
  for (let i = 0; i < 5; i++) lines.push(await client.read());
  t.same(lines, ['*2', '$1', 'a', '$3', 'b c']);
  client.readRaw(false);
  t.same(await client.call('smembers', 's'), ['a', 'b c'], 'parsed again after readRaw(false)');
});

t.test('writeRaw, readLine and readBytes for replication streams', async (t) => {
  const rdb = Buffer.from([0x52, 0x45, 0x44, 0x49, 0x53, 0x00, 0x0d, 0x0a, 0xff]);
  let gotData: (data: string) => void;
  const received = new Promise<string>((resolve) => (gotData = resolve));
  const fake = await rawServer(t, (data) => gotData(data.toString('latin1')));
  const client = await connect(t, fake.port);
  client.writeRaw('SYNC\r\n');
  t.equal(await received, 'SYNC\r\n', 'raw bytes reach the server as written');
  const sock = fake.connections[0]!;
  sock.write(Buffer.concat([Buffer.from(`$${rdb.length}\r\n`), rdb, Buffer.from('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n')]));
  t.equal(await client.readLine(), `$${rdb.length}`);
  t.same(await client.readBytes(rdb.length), rdb, 'payload with CRLF inside, byte exact');
  t.same(await client.read(), ['PING']);
  t.same(await client.read(), ['SET', 'k', 'v']);
});

t.test('push messages and attributes', async (t) => {
  const fake = await fakeServer(t, (command, conn) => {
    if (command[0] === 'subscribe') {
      conn.reply('>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      conn.reply('>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n');
      conn.reply('*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nresp2\r\n');
    } else if (command[0] === 'attrib') {
      conn.reply('|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n');
    } else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port);
  client.send('subscribe', 'ch');
  const first = await client.read();
  t.ok(first instanceof RespPush);
  t.same(first, ['subscribe', 'ch', 1]);
  t.same(await client.read(), ['message', 'ch', 'hello']);
  t.same(await client.read(), ['message', 'ch', 'resp2'], 'RESP2 pubsub array read in order');

  t.equal(client.lastAttributes, null);
  t.equal(await client.call('attrib'), 'Some real reply following the attribute');
  t.ok(client.lastAttributes instanceof RespMap);
  t.same([...client.lastAttributes!], [['key-popularity', ['key:123', 90]]]);
  await client.call('ping');
  t.equal(client.lastAttributes, null, 'attributes are not kept past the next reply');
});

t.test('connection drop rejects pending calls with the I/O error wording', async (t) => {
  let dead = false;
  const fake = await fakeServer(t, (command, conn) => {
    if (dead) return;
    if (command[0] === 'die') {
      // Half a reply, then the server goes away.
      dead = true;
      conn.socket.end('*2\r\n$3\r\nfoo\r\n');
    } else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port);
  const answered = client.call('ping');
  const dying = client.call('die').catch((e: unknown) => e);
  const after = client.call('ping').catch((e: unknown) => e);
  t.equal(await answered, 'PONG', 'a reply received before the drop is delivered');
  const err = (await dying) as Error;
  t.equal(err.message, IO_ERROR);
  t.equal(err.message, 'I/O error reading reply');
  t.match(String((err.cause as Error)?.message), /closed by the server/, 'the cause says what happened');
  t.equal(((await after) as Error).message, 'I/O error reading reply', 'every pending call fails');
  t.notOk(client.isConnected);
  await t.rejects(client.call('ping'), { message: 'I/O error reading reply' }, 'later calls fail at once');
  await t.rejects(client.read(), { message: 'I/O error reading reply' });
});

t.test('a reply sent just before the server closes is still read', async (t) => {
  const fake = await fakeServer(t, basicHandler, (conn) => {
    conn.socket.end('-ERR max number of clients reached\r\n');
  });
  const client = await connect(t, fake.port);
  await sleep(50); // let the close arrive before the command is sent
  await t.rejects(client.call('ping'), { message: 'ERR max number of clients reached' });
  await t.rejects(client.call('ping'), { message: IO_ERROR });
  t.equal(fake.connections.length, 1);
});

t.test('read timeout', async (t) => {
  const fake = await fakeServer(t, (command, conn) => {
    if (command[0] === 'slow') {
      conn.delay(150);
      conn.reply('+LATE\r\n');
    } else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port, { readTimeoutMs: 50 });
  const err = (await client.call('hang', 'forever').catch((e: unknown) => e)) as Error;
  t.match(err.message, /timeout/i);
  t.match(err.message, /50 ms/);
  t.match(err.message, /'hang forever'/, 'names the command');

  // A call that timed out keeps its place: its late reply is skipped.
  client.setReadTimeout(undefined);
  const client2 = await connect(t, fake.port, { readTimeoutMs: 50 });
  await t.rejects(client2.call('slow'), /Read timeout/);
  client2.setReadTimeout(1000);
  t.equal(await client2.call('ping'), 'PONG', 'the next call gets its own reply, not the late one');

  // A read() that timed out gives up its place: the reply goes to the next read.
  const client3 = await connect(t, fake.port, { readTimeoutMs: 50 });
  client3.send('slow');
  await t.rejects(client3.read(), /Read timeout: no reply within 50 ms waiting for the next reply \(last command sent: 'slow'\)/);
  client3.setReadTimeout(0);
  t.equal(await client3.read(), 'LATE');
  await t.rejects(Promise.race([client.read(), sleep(100).then(() => Promise.reject(new Error('no timeout')))]), /no timeout/, 'setReadTimeout(undefined) disables it');
});

t.test('no auto-reconnect; explicit reconnect re-selects the db', async (t) => {
  const fake = await fakeServer(t, (command, conn) => {
    if (command[0] === 'quit') {
      conn.reply('+OK\r\n');
      conn.socket.end();
    } else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port, { name: 'tester' });
  t.same(fake.commands[0]![0], ['client', 'setname', 'tester'], 'name set on connect');
  t.equal(await client.select(9), 'OK');
  t.equal(await client.call('quit'), 'OK');
  await sleep(30);
  t.notOk(client.isConnected);
  await t.rejects(client.call('ping'), { message: IO_ERROR });
  await sleep(30);
  t.equal(fake.connections.length, 1, 'no new connection was made');

  await client.reconnect();
  t.ok(client.isConnected);
  t.equal(fake.connections.length, 2);
  t.same(fake.commands[1], [['client', 'setname', 'tester'], ['select', '9']], 'name and db restored');
  t.equal(await client.call('ping'), 'PONG');

  // reconnect while calls are pending: they fail, the new link works.
  const pending = t.rejects(client.call('hang'), /^Connection closed .*reconnect/);
  await client.reconnect();
  await pending;
  t.equal(await client.call('ping'), 'PONG');
});

t.test('reconnect failures', async (t) => {
  const fake = await fakeServer(t, basicHandler);
  const client = await connect(t, fake.port);

  // destroy() while reconnect() is still connecting wins.
  const reconnecting = client.reconnect();
  client.destroy();
  await t.rejects(reconnecting, /^Connection closed .*destroy/);
  t.notOk(client.isConnected);
  await sleep(20);
  t.ok(fake.connections.slice(1).every((s) => s.destroyed || s.readableEnded), 'the overtaken connection is not kept');

  // A server that is gone: the Tcl wording, and the client stays closed.
  const sockets: net.Socket[] = [];
  const shortLived = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => shortLived.listen(0, '127.0.0.1', resolve));
  const orphan = await Client.connect({ port: (shortLived.address() as net.AddressInfo).port });
  t.teardown(() => orphan.destroy());
  await new Promise<void>((resolve) => {
    shortLived.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
  await t.rejects(orphan.reconnect(), /^couldn't open socket: connection refused/);
  await t.rejects(orphan.call('ping'), /^Connection closed .*connection refused/);
});

t.test('close and destroy', async (t) => {
  const fake = await fakeServer(t, basicHandler);
  const client = await connect(t, fake.port);
  const pending = t.rejects(client.call('hang'), /^Connection closed/);
  await Promise.all([client.close(), client.close()]);
  await client.close();
  await pending;
  t.notOk(client.isConnected);
  await t.rejects(client.call('ping'), /^Connection closed \(127\.0\.0\.1:\d+\): close\(\) was called/);
  await t.rejects(client.read(), /^Connection closed/);
  t.throws(() => client.send('ping'), /^Connection closed/);

  const other = await connect(t, fake.port);
  const pending2 = t.rejects(other.call('hang'), /^Connection closed .*destroy/);
  other.destroy();
  other.destroy();
  await pending2;
  t.notOk(other.isConnected);
});

t.test('malformed reply rejects with ProtocolError and drops the link', async (t) => {
  const fake = await fakeServer(t, (command, conn) => {
    if (command[0] === 'bad') conn.reply('?what\r\n');
    else basicHandler(command, conn);
  });
  const client = await connect(t, fake.port);
  const bad = client.call('bad').catch((e: unknown) => e);
  const next = t.rejects(client.call('ping'), { message: IO_ERROR });
  const err = (await bad) as Error;
  t.ok(err instanceof ProtocolError);
  t.match(err.message, /unknown reply type byte '\?'/);
  await next;
  t.notOk(client.isConnected);
});

t.test('connect errors use the Tcl wording', async (t) => {
  const port = await getPort();
  const err = (await Client.connect({ port }).catch((e: unknown) => e)) as Error;
  t.match(err.message, /^couldn't open socket: connection refused/);
  const missing = (await Client.connect({ path: path.join(os.tmpdir(), `no-such-${process.pid}.sock`) }).catch((e: unknown) => e)) as Error;
  t.match(missing.message, /^couldn't open socket: no such file or directory/);
});

t.test('unix socket', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-test-'));
  const sockPath = path.join(dir, 'fake.sock');
  const server = net.createServer((socket) => {
    socket.on('data', () => socket.write('+PONG\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(sockPath, resolve));
  t.teardown(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const client = await Client.connect({ path: sockPath });
  t.teardown(() => client.destroy());
  t.equal(await client.call('ping'), 'PONG');
  t.equal(client.path, sockPath);
});

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

t.test('against a real redis-server', { skip: onPath('redis-server') ? false : 'redis-server not on PATH' }, async (t) => {
  const port = await getPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-redis-'));
  const server = execa('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--dir', dir], {
    reject: false,
  });
  t.teardown(async () => {
    server.kill('SIGKILL');
    await server;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let client: Client | undefined;
  for (let attempt = 0; attempt < 200 && !client; attempt++) {
    client = await Client.connect({ port }).catch(() => undefined);
    if (!client) await sleep(25);
  }
  if (!client) throw new Error(`redis-server on port ${port} did not accept connections`);
  const r = client;
  t.teardown(() => r.destroy());

  t.equal(await r.call('ping'), 'PONG');
  await t.rejects(r.call('nosuchcmd', 'x'), { message: "ERR unknown command 'nosuchcmd', with args beginning with: 'x'" });
  t.equal(await r.call('hset', 'h', 'f1', 'v1', 'f2', 2), 2);
  t.same(await r.call('hgetall', 'h'), ['f1', 'v1', 'f2', '2'], 'RESP2 flat array');

  const hello = await r.call('hello', 3);
  t.ok(hello instanceof RespMap);
  t.equal((hello as RespMap).get('proto'), 3);
  const hash = await r.call('hgetall', 'h');
  t.ok(hash instanceof RespMap, 'HGETALL is a map after HELLO 3');
  t.same([...(hash as RespMap)], [['f1', 'v1'], ['f2', '2']]);
  const config = await r.call('config', 'get', 'maxmemory-policy');
  t.ok(config instanceof RespMap);
  t.equal((config as RespMap).get('maxmemory-policy'), 'noeviction');
  await r.call('sadd', 's', 'a', 'b', 'c');
  const members = await r.call('smembers', 's');
  t.ok(members instanceof RespSet, 'SMEMBERS is a set');
  t.same([...(members as RespSet)].sort(), ['a', 'b', 'c']);
  await r.call('zadd', 'z', 1.5, 'm', '+inf', 'top');
  t.equal(Number(await r.call('zscore', 'z', 'm')), 1.5, 'double');
  t.equal(Number(await r.call('zscore', 'z', 'top')), Infinity, 'double inf');
  t.equal(await r.call('zscore', 'z', 'nosuch'), null, 'RESP3 null');
  t.equal(await r.call('incrby', 'big', '9007199254740993'), 9007199254740993n, 'integer past 2^53');

  const typed = await Client.connect({ port, resp3Types: true, tclBool: true });
  t.teardown(() => typed.destroy());
  await typed.call('hello', 3);
  const score = await typed.call('zscore', 'z', 'm');
  t.ok(score instanceof Double && score.value === 1.5 && score.raw === '1.5', 'Double');

  // Pub/sub pushes in RESP3, read in order with the deferred API.
  const sub = await Client.connect({ port });
  t.teardown(() => sub.destroy());
  await sub.call('hello', 3);
  sub.send('subscribe', 'ch');
  const confirmation = await sub.read();
  t.ok(confirmation instanceof RespPush);
  t.same(confirmation, ['subscribe', 'ch', 1]);
  t.equal(await r.call('publish', 'ch', 'hi'), 1);
  t.same(await sub.read(), ['message', 'ch', 'hi']);

  // Binary values round trip with buffers.
  const bin = await Client.connect({ port, buffers: true });
  t.teardown(() => bin.destroy());
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await bin.call('set', all, all);
  t.same(await bin.call('get', all), all, 'all 256 byte values');

  // The server dropping us gives Tcl's wording.
  const victim = await Client.connect({ port });
  t.teardown(() => victim.destroy());
  const id = await victim.call('client', 'id');
  const blocked = t.rejects(victim.call('blpop', 'nolist', 0), { message: 'I/O error reading reply' });
  await sleep(20);
  await r.call('client', 'kill', 'id', id as number);
  await blocked;
  await t.rejects(victim.call('ping'), { message: 'I/O error reading reply' });
  await victim.reconnect();
  t.equal(await victim.call('ping'), 'PONG');
});

t.test('an unconnected client rejects calls with a clear reason and closes quietly', async (t) => {
  const client = Client.unconnected({ host: '127.0.0.1', port: 1 });
  t.notOk(client.isConnected);
  await t.rejects(client.call('ping'), /not connected yet: call reconnect\(\) once the server is ready/);
  await client.close();
  client.destroy();
});
