// Port of tests/unit/pubsubshard.tcl (Redis 7.0.15).
//
// In 'publish message to master and receive on replica' upstream calls redis_deferring_client with
// the variable *names* node_0_host/node_0_port (not their values), so both clients connect to the
// innermost server (srv 0, the master). The port connects both there too, to test the same thing.
import {
  suite,
  startServer,
  test,
  assertEqual,
  waitForSync,
  subscribe,
  ssubscribe,
  sunsubscribe,
} from '../../harness/index.ts';

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['pubsubshard', 'external:skip'] }, async (server) => {
    const r = (...args: Array<string | number>) => server.call(...args);

    await test('SPUBLISH/SSUBSCRIBE basics', async () => {
      const rd1 = await server.newClient();

      assertEqual([1], await ssubscribe(rd1, ['chan1']));
      assertEqual([2], await ssubscribe(rd1, ['chan2']));
      assertEqual(1, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual(1, await r('SPUBLISH', 'chan2', 'world'));
      assertEqual('smessage chan1 hello', await rd1.read());
      assertEqual('smessage chan2 world', await rd1.read());

      await sunsubscribe(rd1, ['chan1']);
      assertEqual(0, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual(1, await r('SPUBLISH', 'chan2', 'world'));
      assertEqual('smessage chan2 world', await rd1.read());

      await sunsubscribe(rd1, ['chan2']);
      assertEqual(0, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual(0, await r('SPUBLISH', 'chan2', 'world'));

      await rd1.close();
    });

    await test('SPUBLISH/SSUBSCRIBE with two clients', async () => {
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();

      assertEqual([1], await ssubscribe(rd1, ['chan1']));
      assertEqual([1], await ssubscribe(rd2, ['chan1']));
      assertEqual(2, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual('smessage chan1 hello', await rd1.read());
      assertEqual('smessage chan1 hello', await rd2.read());

      await rd1.close();
      await rd2.close();
    });

    await test('SPUBLISH/SSUBSCRIBE after UNSUBSCRIBE without arguments', async () => {
      const rd1 = await server.newClient();
      assertEqual([1], await ssubscribe(rd1, ['chan1']));
      assertEqual([2], await ssubscribe(rd1, ['chan2']));
      assertEqual([3], await ssubscribe(rd1, ['chan3']));
      await sunsubscribe(rd1);
      assertEqual(0, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual(0, await r('SPUBLISH', 'chan2', 'hello'));
      assertEqual(0, await r('SPUBLISH', 'chan3', 'hello'));

      await rd1.close();
    });

    await test('SSUBSCRIBE to one channel more than once', async () => {
      const rd1 = await server.newClient();
      assertEqual([1, 1, 1], await ssubscribe(rd1, ['chan1', 'chan1', 'chan1']));
      assertEqual(1, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual('smessage chan1 hello', await rd1.read());

      await rd1.close();
    });

    await test('SUNSUBSCRIBE from non-subscribed channels', async () => {
      const rd1 = await server.newClient();
      assertEqual([0], await sunsubscribe(rd1, ['foo']));
      assertEqual([0], await sunsubscribe(rd1, ['bar']));
      assertEqual([0], await sunsubscribe(rd1, ['quux']));

      await rd1.close();
    });

    await test('PUBSUB command basics', async () => {
      return r('pubsub', 'shardnumsub', 'abc', 'def');
    }, { okPattern: 'abc 0 def 0' });

    await test('SPUBLISH/SSUBSCRIBE with two clients', async () => {
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();

      assertEqual([1], await ssubscribe(rd1, ['chan1']));
      assertEqual([1], await ssubscribe(rd2, ['chan1']));
      assertEqual(2, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual('chan1 2', await r('pubsub', 'shardnumsub', 'chan1'));
      assertEqual('chan1', await r('pubsub', 'shardchannels'));

      await rd1.close();
      await rd2.close();
    });

    await test('SPUBLISH/SSUBSCRIBE with PUBLISH/SUBSCRIBE', async () => {
      const rd1 = await server.newClient();
      const rd2 = await server.newClient();

      assertEqual([1], await ssubscribe(rd1, ['chan1']));
      assertEqual([1], await subscribe(rd2, ['chan1']));
      assertEqual(1, await r('SPUBLISH', 'chan1', 'hello'));
      assertEqual(1, await r('publish', 'chan1', 'hello'));
      assertEqual('chan1 1', await r('pubsub', 'shardnumsub', 'chan1'));
      assertEqual('chan1 1', await r('pubsub', 'numsub', 'chan1'));
      assertEqual('chan1', await r('pubsub', 'shardchannels'));
      assertEqual('chan1', await r('pubsub', 'channels'));

      await rd1.close();
      await rd2.close();
    });

    await test('PubSubShard with CLIENT REPLY OFF', async () => {
      const rd = await server.newClient();
      rd.send('hello', 3);
      await rd.read();

      // With replies off the PING gets no answer; the ssubscribe push still comes.
      rd.send('client', 'reply', 'off');
      rd.send('ping');
      assertEqual([1], await ssubscribe(rd, ['channel']));

      rd.send('client', 'reply', 'off');
      rd.send('ping');
      assertEqual(1, await r('spublish', 'channel', 'hello'));
      assertEqual('smessage channel hello', await rd.read());

      rd.send('client', 'reply', 'off');
      rd.send('ping');
      assertEqual([0], await sunsubscribe(rd, ['channel']));

      await rd.close();
    });
  });

  await startServer({ tags: ['pubsubshard', 'external:skip'] }, async (node1) => {
    await startServer({ tags: ['pubsubshard', 'external:skip'] }, async (node0) => {
      await test('setup replication for following tests', async () => {
        await node1.call('replicaof', node0.host, node0.port);
        await waitForSync(node1);
      });

      await test('publish message to master and receive on replica', async () => {
        // Both on srv 0 (node 0), as upstream: see the header.
        const rd0 = await node0.newClient();
        const rd1 = await node0.newClient();

        assertEqual([1], await ssubscribe(rd1, ['chan1']));
        rd0.send('SPUBLISH', 'chan1', 'hello');
        assertEqual('smessage chan1 hello', await rd1.read());
        rd0.send('SPUBLISH', 'chan1', 'world');
        assertEqual('smessage chan1 world', await rd1.read());
      });
    });
  });
});
