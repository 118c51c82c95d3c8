// Port of tests/unit/cluster/links.tcl.
import { suite, startCluster, test, srv, ctx, assertEqual, waitForCondition, fail } from '../../../harness/index.ts';

/** Every other server of the enclosing blocks is a peer. */
function numberOfPeers(_id: number): number {
  return ctx().servers.length - 1;
}

async function numberOfLinks(id: number): Promise<number> {
  return ((await srv(-id).call('cluster', 'links')) as unknown[]).length;
}

export default suite(async () => {
  await startCluster(1, 2, { tags: ['external:skip cluster'] }, async () => {
    const primaryId = 0;
    const replica1Id = 1;

    const primary = srv(-primaryId);
    const replica1 = srv(-replica1Id);

    await test(
      'Broadcast message across a cluster shard while a cluster link is down',
      async () => {
        const replica1NodeId = String(await replica1.call('CLUSTER', 'MYID'));

        const channelname = 'ch3';

        // A subscriber on each replica.
        const subscribeclient1 = await srv(-1).newClient();
        subscribeclient1.send('SSUBSCRIBE', channelname);
        await subscribeclient1.read();

        const subscribeclient2 = await srv(-2).newClient();
        subscribeclient2.send('SSUBSCRIBE', channelname);
        await subscribeclient2.read();

        // Stable cluster: two links per peer.
        assertEqual(numberOfPeers(primaryId) * 2, await numberOfLinks(primaryId));

        // Cut the link from the primary to replica1 and publish in the same transaction.
        await primary.call('MULTI');
        await primary.call('DEBUG', 'CLUSTERLINK', 'KILL', 'TO', replica1NodeId);
        await primary.call('SPUBLISH', channelname, 'hello');
        const res = await primary.call('EXEC');

        // No subscriber on the primary itself.
        assertEqual(res, 'OK 0');

        // All links come back.
        await waitForCondition(
          50,
          100,
          async () => numberOfPeers(primaryId) * 2 === (await numberOfLinks(primaryId)),
          () => fail("All peer links couldn't be established"),
        );

        // Then publish again.
        await primary.call('SPUBLISH', channelname, 'world');

        // replica1 lost "hello" with its link, and gets only "world".
        assertEqual('smessage ch3 world', await subscribeclient1.read());

        // replica2 gets both.
        assertEqual('smessage ch3 hello', await subscribeclient2.read());
        assertEqual('smessage ch3 world', await subscribeclient2.read());
      },
      { tags: ['needs:debug'] },
    );
  });
});
