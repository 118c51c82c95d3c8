import { assertEqual, CI, clusterInfo, csi, srv, startCluster, suite, test } from '../../../harness/index.ts';

// startCluster(3, 3): three masters with one replica each, every node ok.
export default suite(async () => {
  await startCluster(3, 3, { tags: ['cluster'] }, async () => {
    await test('startCluster(3, 3) reaches cluster_state:ok', async () => {
      for (let i = 0; i < 6; i++) {
        assertEqual(await CI(i, 'cluster_state'), 'ok');
        assertEqual(await csi(-i, 'cluster_state'), 'ok');
        assertEqual(await clusterInfo(srv(-i), 'cluster_known_nodes'), 6);
      }
      assertEqual(await csi('cluster_size'), 3);
      assertEqual(await csi('cluster_slots_assigned'), 16384);
      assertEqual(await csi('no_such_field'), '');
    });

    await test('masters own contiguous slot ranges and replicas follow them round robin', async () => {
      const ranges: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = String(await srv(-i).call('cluster', 'myid'));
        const line = String(await srv(-i).call('cluster', 'nodes')).split('\n').find((l) => l.startsWith(id))!;
        ranges.push(line.split(' ').slice(8).join(' '));
        assertEqual(await srv(-i).roleField(0), 'master');
        const replica = srv(-(i + 3));
        assertEqual(await replica.roleField(0), 'slave');
        assertEqual(await replica.roleField(2), srv(-i).port);
      }
      assertEqual(ranges, ['0-5461', '5462-10922', '10923-16383']);
    });

    await test('clients skip SELECT in cluster mode', async () => {
      // SELECT 9 would fail on a cluster node: the new client PINGs instead.
      const client = await srv(0).newClient();
      assertEqual(await client.call('dbsize'), 0);
      client.close();
    });
  });
});
