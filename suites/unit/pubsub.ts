// Port of tests/unit/pubsub.tcl (Redis 7.0.15).
import {
  suite,
  startServer,
  test,
  settings,
  assertEqual,
  configGet,
  waitForCondition,
  subscribe,
  unsubscribe,
  psubscribe,
  punsubscribe,
  type Reply,
} from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['pubsub', 'network'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);
    const db = settings().singledb ? 0 : 9;

    await test('Pub/Sub PING', async () => {
      const rd1 = await server.newClient();
      await subscribe(rd1, ['somechannel']);
      // Subscribed: PING answers in the Pub/Sub form.
      rd1.send('ping');
      rd1.send('ping', 'foo');
      const reply1 = await rd1.read();
      const reply2 = await rd1.read();
      await unsubscribe(rd1, ['somechannel']);
      // No subscriptions left: a plain PONG again.
      rd1.send('ping');
      const reply3 = await rd1.read();
      await rd1.close();
      return [reply1, reply2, reply3];
    }, { okPattern: '{pong {}} {pong foo} PONG' });

    await test('PUBLISH/SUBSCRIBE basics', async () => {
      const rd1 = await server.newClient();

      assertEqual([1, 2], await subscribe(rd1, ['chan1', 'chan2']));
      assertEqual(1, await r('publish', 'chan1', 'hello'));
      assertEqual(1, await r('publish', 'chan2', 'world'));
      assertEqual('message chan1 hello', await rd1.read());
      assertEqual('message chan2 world', await rd1.read());

      await unsubscribe(rd1, ['chan1']);
      assertEqual(0, await r('publish', 'chan1', 'hello'));
      assertEqual(1, await r('publish', 'chan2', 'world'));
      assertEqual('message chan2 world', await rd1.read());

      await unsubscribe(rd1, ['chan2']);
      assertEqual(0, await r('publish', 'chan1', 'hello'));
      assertEqual(0, await r('publish', 'chan2', 'world'));

      await rd1.close();
    });

    await test('PUBLISH/SUBSCRIBE with two clients', async () => {
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();

      assertEqual([1], await subscribe(rd1, ['chan1']));
      assertEqual([1], await subscribe(rd2, ['chan1']));
      assertEqual(2, await r('publish', 'chan1', 'hello'));
      assertEqual('message chan1 hello', await rd1.read());
      assertEqual('message chan1 hello', await rd2.read());

      await rd1.close();
      await rd2.close();
    });

    await test('PUBLISH/SUBSCRIBE after UNSUBSCRIBE without arguments', async () => {
      const rd1 = await server.newClient();
      assertEqual([1, 2, 3], await subscribe(rd1, ['chan1', 'chan2', 'chan3']));
      await unsubscribe(rd1);
      assertEqual(0, await r('publish', 'chan1', 'hello'));
      assertEqual(0, await r('publish', 'chan2', 'hello'));
      assertEqual(0, await r('publish', 'chan3', 'hello'));

      await rd1.close();
    });

    await test('SUBSCRIBE to one channel more than once', async () => {
      const rd1 = await server.newClient();
      assertEqual([1, 1, 1], await subscribe(rd1, ['chan1', 'chan1', 'chan1']));
      assertEqual(1, await r('publish', 'chan1', 'hello'));
      assertEqual('message chan1 hello', await rd1.read());

      await rd1.close();
    });

    await test('UNSUBSCRIBE from non-subscribed channels', async () => {
      const rd1 = await server.newClient();
      assertEqual([0, 0, 0], await unsubscribe(rd1, ['foo', 'bar', 'quux']));

      await rd1.close();
    });

    await test('PUBLISH/PSUBSCRIBE basics', async () => {
      const rd1 = await server.newClient();

      assertEqual([1, 2], await psubscribe(rd1, ['foo.*', 'bar.*']));
      assertEqual(1, await r('publish', 'foo.1', 'hello'));
      assertEqual(1, await r('publish', 'bar.1', 'hello'));
      assertEqual(0, await r('publish', 'foo1', 'hello'));
      assertEqual(0, await r('publish', 'barfoo.1', 'hello'));
      assertEqual(0, await r('publish', 'qux.1', 'hello'));
      assertEqual('pmessage foo.* foo.1 hello', await rd1.read());
      assertEqual('pmessage bar.* bar.1 hello', await rd1.read());

      assertEqual([1], await punsubscribe(rd1, ['foo.*']));
      assertEqual(0, await r('publish', 'foo.1', 'hello'));
      assertEqual(1, await r('publish', 'bar.1', 'hello'));
      assertEqual('pmessage bar.* bar.1 hello', await rd1.read());

      assertEqual([0], await punsubscribe(rd1, ['bar.*']));
      assertEqual(0, await r('publish', 'foo.1', 'hello'));
      assertEqual(0, await r('publish', 'bar.1', 'hello'));

      await rd1.close();
    });

    await test('PUBLISH/PSUBSCRIBE with two clients', async () => {
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();

      assertEqual([1], await psubscribe(rd1, ['chan.*']));
      assertEqual([1], await psubscribe(rd2, ['chan.*']));
      assertEqual(2, await r('publish', 'chan.foo', 'hello'));
      assertEqual('pmessage chan.* chan.foo hello', await rd1.read());
      assertEqual('pmessage chan.* chan.foo hello', await rd2.read());

      await rd1.close();
      await rd2.close();
    });

    await test('PUBLISH/PSUBSCRIBE after PUNSUBSCRIBE without arguments', async () => {
      const rd1 = await server.newClient();
      assertEqual([1, 2, 3], await psubscribe(rd1, ['chan1.*', 'chan2.*', 'chan3.*']));
      await punsubscribe(rd1);
      assertEqual(0, await r('publish', 'chan1.hi', 'hello'));
      assertEqual(0, await r('publish', 'chan2.hi', 'hello'));
      assertEqual(0, await r('publish', 'chan3.hi', 'hello'));

      await rd1.close();
    });

    await test('PubSub messages with CLIENT REPLY OFF', async () => {
      const rd = await server.newClient();
      rd.send('hello', 3);
      await rd.read();

      // Subscribe confirmations are pushes: replies being off must not hide them.
      rd.send('client', 'reply', 'off');
      assertEqual([1], await subscribe(rd, ['channel']));
      assertEqual([2], await psubscribe(rd, ['ch*']));

      rd.send('client', 'reply', 'off');
      assertEqual(2, await r('publish', 'channel', 'hello'));
      assertEqual('message channel hello', await rd.read());
      assertEqual('pmessage ch* channel hello', await rd.read());

      rd.send('client', 'reply', 'off');
      assertEqual([1], await unsubscribe(rd, ['channel']));
      assertEqual([0], await punsubscribe(rd, ['ch*']));

      await rd.close();
    });

    await test('PUNSUBSCRIBE from non-subscribed channels', async () => {
      const rd1 = await server.newClient();
      assertEqual([0, 0, 0], await punsubscribe(rd1, ['foo.*', 'bar.*', 'quux.*']));

      await rd1.close();
    });

    await test('NUMSUB returns numbers, not strings (#1561)', async () => {
      return r('pubsub', 'numsub', 'abc', 'def');
    }, { okPattern: 'abc 0 def 0' });

    await test('NUMPATs returns the number of unique patterns', async () => {
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();

      // foo* twice: three distinct patterns.
      await psubscribe(rd1, ['foo*']);
      await psubscribe(rd2, ['foo*']);
      await psubscribe(rd1, ['bar*']);
      await psubscribe(rd2, ['baz*']);

      const patterns = await r('pubsub', 'numpat');

      await punsubscribe(rd1);
      await punsubscribe(rd2);
      assertEqual(3, patterns);
      await rd1.close();
      await rd2.close();
    });

    await test('Mix SUBSCRIBE and PSUBSCRIBE', async () => {
      const rd1 = await server.newClient();
      assertEqual([1], await subscribe(rd1, ['foo.bar']));
      assertEqual([2], await psubscribe(rd1, ['foo.*']));

      assertEqual(2, await r('publish', 'foo.bar', 'hello'));
      assertEqual('message foo.bar hello', await rd1.read());
      assertEqual('pmessage foo.* foo.bar hello', await rd1.read());

      await rd1.close();
    });

    await test('PUNSUBSCRIBE and UNSUBSCRIBE should always reply', async () => {
      // Start from no subscriptions at all.
      await r('punsubscribe');
      await r('unsubscribe');
      const reply1 = (await r('punsubscribe')) as Reply[];
      const reply2 = (await r('unsubscribe')) as Reply[];
      return [...reply1, ...reply2];
    }, { okPattern: 'punsubscribe {} 0 unsubscribe {} 0' });

    // Keyspace events notification tests

    await test('Keyspace notifications: we receive keyspace notifications', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'KA');
      const rd1 = await server.newClient();
      rd1.send('CLIENT', 'REPLY', 'OFF'); // silenced replies must not matter
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      assertEqual(`pmessage * __keyspace@${db}__:foo set`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: we receive keyevent notifications', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'EA');
      const rd1 = await server.newClient();
      rd1.send('CLIENT', 'REPLY', 'SKIP'); // silenced replies must not matter
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      assertEqual(`pmessage * __keyevent@${db}__:set foo`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: we can receive both kind of events', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'KEA');
      const rd1 = await server.newClient();
      rd1.send('CLIENT', 'REPLY', 'ON');
      assertEqual('OK', await rd1.read());
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      assertEqual(`pmessage * __keyspace@${db}__:foo set`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:set foo`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: we are able to mask events', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'KEl');
      await r('del', 'mylist');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      await r('lpush', 'mylist', 'a');
      // Only list events are on: the SET is not notified.
      assertEqual(`pmessage * __keyspace@${db}__:mylist lpush`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:lpush mylist`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: general events test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'KEg');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      await r('expire', 'foo', 1);
      await r('del', 'foo');
      assertEqual(`pmessage * __keyspace@${db}__:foo expire`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:expire foo`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:foo del`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:del foo`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: list events test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'KEl');
      await r('del', 'mylist');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('lpush', 'mylist', 'a');
      await r('rpush', 'mylist', 'a');
      await r('rpop', 'mylist');
      assertEqual(`pmessage * __keyspace@${db}__:mylist lpush`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:lpush mylist`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mylist rpush`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:rpush mylist`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mylist rpop`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:rpop mylist`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: set events test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Ks');
      await r('del', 'myset');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('sadd', 'myset', 'a', 'b', 'c', 'd');
      await r('srem', 'myset', 'x');
      await r('sadd', 'myset', 'x', 'y', 'z');
      await r('srem', 'myset', 'x');
      assertEqual(`pmessage * __keyspace@${db}__:myset sadd`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:myset sadd`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:myset srem`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: zset events test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Kz');
      await r('del', 'myzset');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('zadd', 'myzset', 1, 'a', 2, 'b');
      await r('zrem', 'myzset', 'x');
      await r('zadd', 'myzset', 3, 'x', 4, 'y', 5, 'z');
      await r('zrem', 'myzset', 'x');
      assertEqual(`pmessage * __keyspace@${db}__:myzset zadd`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:myzset zadd`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:myzset zrem`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: hash events test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Kh');
      await r('del', 'myhash');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('hmset', 'myhash', 'yes', 1, 'no', 0);
      await r('hincrby', 'myhash', 'yes', 10);
      assertEqual(`pmessage * __keyspace@${db}__:myhash hset`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:myhash hincrby`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: stream events test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Kt');
      await r('del', 'mystream');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('xgroup', 'create', 'mystream', 'mygroup', '$', 'mkstream');
      await r('xgroup', 'createconsumer', 'mystream', 'mygroup', 'Bob');
      const id = String(await r('xadd', 'mystream', 1, 'field1', 'A'));
      await r('xreadgroup', 'group', 'mygroup', 'Alice', 'STREAMS', 'mystream', '>');
      await r('xclaim', 'mystream', 'mygroup', 'Mike', 0, id, 'force');
      // No event: consumer Lee does not exist.
      await r('xgroup', 'delconsumer', 'mystream', 'mygroup', 'Lee');
      // No event: consumer Bob exists already.
      await r('xautoclaim', 'mystream', 'mygroup', 'Bob', 0, id);
      await r('xgroup', 'delconsumer', 'mystream', 'mygroup', 'Bob');
      assertEqual(`pmessage * __keyspace@${db}__:mystream xgroup-create`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mystream xgroup-createconsumer`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mystream xadd`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mystream xgroup-createconsumer`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mystream xgroup-createconsumer`, await rd1.read());
      assertEqual(`pmessage * __keyspace@${db}__:mystream xgroup-delconsumer`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: expired events (triggered expire)', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Ex');
      await r('del', 'foo');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('psetex', 'foo', 100, 1);
      await waitForCondition(50, 100, async () => Number(await r('exists', 'foo')) === 0, 'Key does not expire?!');
      assertEqual(`pmessage * __keyevent@${db}__:expired foo`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: expired events (background expire)', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Ex');
      await r('del', 'foo');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('psetex', 'foo', 100, 1);
      assertEqual(`pmessage * __keyevent@${db}__:expired foo`, await rd1.read());
      await rd1.close();
    });

    await test('Keyspace notifications: evicted events', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'Ee');
      await r('config', 'set', 'maxmemory-policy', 'allkeys-lru');
      await r('flushdb');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      await r('config', 'set', 'maxmemory', 1);
      assertEqual(`pmessage * __keyevent@${db}__:evicted foo`, await rd1.read());
      await r('config', 'set', 'maxmemory', 0);
      await rd1.close();
      return r('config', 'set', 'maxmemory-policy', 'noeviction');
    }, { okPattern: 'OK', tags: ['needs:config-maxmemory'] });

    await test('Keyspace notifications: test CONFIG GET/SET of event flags', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'gKE');
      assertEqual('gKE', await configGet(server, 'notify-keyspace-events'));
      await r('config', 'set', 'notify-keyspace-events', '$lshzxeKE');
      assertEqual('$lshzxeKE', await configGet(server, 'notify-keyspace-events'));
      await r('config', 'set', 'notify-keyspace-events', 'KA');
      assertEqual('AK', await configGet(server, 'notify-keyspace-events'));
      await r('config', 'set', 'notify-keyspace-events', 'EA');
      assertEqual('AE', await configGet(server, 'notify-keyspace-events'));
    });

    await test('Keyspace notifications: new key test', async () => {
      await r('config', 'set', 'notify-keyspace-events', 'En');
      const rd1 = await server.newClient();
      assertEqual([1], await psubscribe(rd1, ['*']));
      await r('set', 'foo', 'bar');
      // Overwriting foo is not a new key.
      await r('set', 'foo', 'baz');
      await r('set', 'bar', 'bar');
      assertEqual(`pmessage * __keyevent@${db}__:new foo`, await rd1.read());
      assertEqual(`pmessage * __keyevent@${db}__:new bar`, await rd1.read());
      await rd1.close();
    });
  });
});
