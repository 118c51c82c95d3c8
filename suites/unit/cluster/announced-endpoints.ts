// Port of tests/unit/cluster/announced-endpoints.tcl (not in upstream's default unit list).
// Tcl looks for a free port from the node's own port on (find_available_port $baseport $count);
// here the harness's findAvailablePort gives a free port of this worker's range, which the
// tests need only to differ from the node's port. In TLS mode the node's port is its tls-port
// (port is 0), as upstream's later fix of this file reads it (redis #12927).
import { suite, startCluster, test, srv, configGet, assertMatch, stringMatch, waitForCondition, fail, findAvailablePort, settings } from '../../../harness/index.ts';

/** The port the node listens on: tls-port in TLS mode. */
function nodePort(): Promise<string> {
  return configGet(srv(0), settings().tls ? 'tls-port' : 'port');
}

export default suite(async () => {
  await startCluster(2, 2, { tags: ['external:skip cluster'] }, async () => {
    await test('Test change cluster-announce-port and cluster-announce-tls-port at runtime', async () => {
      const baseport = await nodePort();
      const usedPort = await findAvailablePort();

      await srv(0).call('config', 'set', 'cluster-announce-tls-port', usedPort);
      await srv(0).call('config', 'set', 'cluster-announce-port', usedPort);

      assertMatch(`*:${usedPort}@*`, await srv(0).call('CLUSTER', 'NODES'));
      await waitForCondition(
        50,
        100,
        async () => stringMatch(`*:${usedPort}@*`, await srv(-1).call('CLUSTER', 'NODES')),
        () => fail('Cluster announced port was not propagated via gossip'),
      );

      await srv(0).call('config', 'set', 'cluster-announce-tls-port', 0);
      await srv(0).call('config', 'set', 'cluster-announce-port', 0);
      assertMatch(`*:${baseport}@*`, await srv(0).call('CLUSTER', 'NODES'));
    });

    await test('Test change cluster-announce-bus-port at runtime', async () => {
      const baseport = await nodePort();
      const usedPort = await findAvailablePort();

      // A bus port set at runtime is announced...
      await srv(0).call('config', 'set', 'cluster-announce-bus-port', usedPort);
      assertMatch(`*@${usedPort} *`, await srv(0).call('CLUSTER', 'NODES'));
      await waitForCondition(
        50,
        100,
        async () => stringMatch(`*@${usedPort} *`, await srv(-1).call('CLUSTER', 'NODES')),
        () => fail('Cluster announced port was not propagated via gossip'),
      );

      // ...and 0 brings back the default, port + 10000.
      const baseBusPort = Number(baseport) + 10000;
      await srv(0).call('config', 'set', 'cluster-announce-bus-port', 0);
      assertMatch(`*@${baseBusPort} *`, await srv(0).call('CLUSTER', 'NODES'));
    });
  });
});
