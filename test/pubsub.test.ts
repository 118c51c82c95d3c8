// The subscribe family of helpers (harness/suite/pubsub.ts) against the real server, RESP2 and RESP3.
import t from 'tap';
import { Client } from '../harness/client/client.ts';
import { RespPush } from '../harness/client/resp.ts';
import { AssertionError } from '../harness/core/values.ts';
import { RedisServer } from '../harness/servers/server.ts';
import { psubscribe, punsubscribe, ssubscribe, subscribe, sunsubscribe, unsubscribe } from '../harness/suite/pubsub.ts';
import { testRun } from './support/env.ts';

type Tap = Parameters<typeof testRun>[0] & { teardown(fn: () => unknown): void };

async function serverFor(t: Tap, basePort: number): Promise<{ server: RedisServer; r: Client; client: (opts?: { resp3?: boolean; buffers?: boolean }) => Promise<Client> }> {
  const { ctx } = testRun(t, basePort);
  const server = await RedisServer.start(ctx, { overrides: { save: '' } });
  t.teardown(() => server.kill('SIGKILL'));
  const open = async (opts: { resp3?: boolean; buffers?: boolean } = {}) => {
    const c = await Client.connect({ host: server.host, port: server.port, buffers: opts.buffers });
    t.teardown(() => c.destroy());
    if (opts.resp3) await c.call('hello', 3);
    return c;
  };
  return { server, r: await open(), client: open };
}

t.test('RESP2: counts per channel, messages after them, unsubscribe in any order', async (t) => {
  const { r, client } = await serverFor(t, 54600);
  const rd = await client();
  t.same(await subscribe(rd, ['chan1', 'chan2']), [1, 2]);
  t.same(await subscribe(rd, ['chan1', 'chan1']), [2, 2], 'a channel subscribed twice counts once');
  t.same(await psubscribe(rd, ['foo.*', 'bar.*']), [3, 4], 'patterns add to the same count');
  t.equal(await r.call('publish', 'chan1', 'hello'), 1);
  t.same(await rd.read(), ['message', 'chan1', 'hello']);
  t.equal(await r.call('publish', 'foo.1', 'hi'), 1);
  t.same(await rd.read(), ['pmessage', 'foo.*', 'foo.1', 'hi']);
  t.same(await unsubscribe(rd, ['chan2', 'chan1']), [3, 2]);
  t.same(await punsubscribe(rd, ['bar.*']), [1]);
  t.same(await unsubscribe(rd, ['nosuch', 'other']), [1, 1], 'non-subscribed channels: count unchanged');
  t.same(await punsubscribe(rd, ['foo.*']), [0]);
  t.equal(await r.call('publish', 'chan1', 'hello'), 0);
  t.same(await unsubscribe(await client(), ['foo', 'bar', 'quux']), [0, 0, 0]);
});

t.test('without channels an unsubscribe reads nothing: its confirmations stay in the stream', async (t) => {
  const { r, client } = await serverFor(t, 54620);
  const rd = await client();
  t.same(await subscribe(rd, ['a', 'b', 'c']), [1, 2, 3]);
  t.same(await unsubscribe(rd), []);
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const msg = (await rd.read()) as unknown[];
    t.equal(msg[0], 'unsubscribe');
    seen.push(String(msg[1]));
  }
  t.same(seen.sort(), ['a', 'b', 'c']);
  t.equal(await r.call('publish', 'a', 'x'), 0);
  t.same(await psubscribe(rd, ['p*']), [1]);
  t.same(await punsubscribe(rd), []);
  t.same(await rd.read(), ['punsubscribe', 'p*', 0]);
  t.same(await sunsubscribe(rd), []);
  t.same(await rd.read(), ['sunsubscribe', null, 0], 'no shard channels: one confirmation without a name');
});

t.test('shard channels: ssubscribe and sunsubscribe', async (t) => {
  const { r, client } = await serverFor(t, 54640);
  const rd = await client();
  t.same(await ssubscribe(rd, ['chan1']), [1]);
  t.same(await ssubscribe(rd, ['chan2', 'chan2']), [2, 2]);
  t.equal(await r.call('spublish', 'chan2', 'world'), 1);
  t.same(await rd.read(), ['smessage', 'chan2', 'world']);
  t.same(await sunsubscribe(rd, ['chan1']), [1]);
  t.same(await sunsubscribe(rd, ['chan2']), [0]);
  t.same(await sunsubscribe(rd, ['foo']), [0]);
});

t.test('RESP3: confirmations are push replies; replies and pushes share the stream', async (t) => {
  const { r, client } = await serverFor(t, 54660);
  const rd = await client({ resp3: true });
  rd.send('client', 'reply', 'off');
  t.same(await subscribe(rd, ['channel']), [1], 'pushes arrive even with replies off');
  t.same(await psubscribe(rd, ['ch*']), [2]);
  rd.send('client', 'reply', 'on');
  t.equal(await rd.read(), 'OK');
  t.equal(await r.call('publish', 'channel', 'hello'), 2);
  const message = await rd.read();
  t.ok(message instanceof RespPush, 'a message is a RespPush');
  t.same([...(message as RespPush)], ['message', 'channel', 'hello']);
  t.same([...((await rd.read()) as RespPush)], ['pmessage', 'ch*', 'channel', 'hello']);
  rd.send('ping');
  t.equal(await rd.read(), 'PONG', 'a RESP3 subscriber gets plain replies too');
  t.same(await unsubscribe(rd, ['channel']), [1]);
  t.same(await punsubscribe(rd, ['ch*']), [0]);
  t.same(await ssubscribe(rd, ['s1', 's2']), [1, 2]);
  t.same(await sunsubscribe(rd, ['s2', 's1']), [1, 0]);
});

t.test('a buffers client: names and kinds compared as UTF-8 text', async (t) => {
  const { client } = await serverFor(t, 54680);
  for (const resp3 of [false, true]) {
    const rd = await client({ buffers: true, resp3 });
    t.same(await subscribe(rd, ['chän', 'b']), [1, 2], `resp3: ${resp3}`);
    t.same(await unsubscribe(rd, ['b', 'chän']), [1, 0]);
  }
});

t.test('failures are assertion failures worded as in Tcl', async (t) => {
  const { client } = await serverFor(t, 54700);
  const rd = await client();
  rd.send('subscribe', 'stray');
  await t.rejects(ssubscribe(rd, ['x']), new AssertionError("Expected 'ssubscribe' to be equal to 'subscribe'"));
  t.same(await rd.read(), ['ssubscribe', 'x', 1], 'the rest of the stream is left as it was');

  const ordered = await client();
  ordered.send('subscribe', 'a');
  await t.rejects(subscribe(ordered, ['b', 'a']), AssertionError, 'subscribe confirmations must come in order');

  const unordered = await client();
  unordered.send('unsubscribe', 'zzz');
  await t.rejects(unsubscribe(unordered, ['a']), /Expected -1 >= 0/, 'an unsubscribe for a channel not asked for');
});
