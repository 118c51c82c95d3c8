import { suite, startServerAof, tags, ctx, assertEqual, fail, waitForCondition, waitForBgrewriteaof, runTool } from '../../harness/index.ts';

// Differs from upstream, which runs both blocks with start_server: that cleans the AOF dir when
// the first server stops, so the second starts empty and fails (upstream leaves the file out of
// its test list). Here startServerAof keeps the persistence, and the first block waits for its
// BGREWRITEAOF to finish, so the second server replays the AOF the rewrite produced under the
// INCR load: a duplicated command shows as foo > 20000. The rewrite starts once the load is seen
// running, not after a fixed 100 ms, so it overlaps the load even on a fast machine.
// Tagged external:skip (upstream never tags it, as Tcl never runs it): it starts servers on an AOF
// directory of its own, which an external server cannot be given (appenddirname is protected).

const DEFAULTS = {
  appendonly: 'yes',
  appendfilename: 'appendonly.aof',
  appenddirname: 'appendonlydir',
  'aof-use-rdb-preamble': 'no',
};

export default suite(async () => {
  const serverPath = ctx().run.tmpdir('server.aof');

  await tags(['aof', 'external:skip'], async () => {
    // A regression test: the buffers of a finished AOF rewrite child were not reset and ended up
    // appended to the new AOF a second time.
    await startServerAof(serverPath, { overrides: DEFAULTS }, async (server) => {
      const client = await server.newClient({ noSelect: true });
      const bench = runTool('redis-benchmark', ['-q', '-s', server.unixsocket, '-c', '20', '-n', '20000', 'incr', 'foo']);

      // Upstream sleeps 100 ms here; on a fast machine the benchmark can be over by then, so wait
      // until it is seen running instead, and rewrite in the background under its load.
      await waitForCondition(50, 100, async () => Number(await client.call('get', 'foo')) > 0, () => fail('redis-benchmark did not start'));
      await client.call('bgrewriteaof');

      const result = await bench;
      if (result.exitCode !== 0) fail(`redis-benchmark exited with ${result.exitCode}: ${String(result.stderr)}`);

      assertEqual(await client.call('get', 'foo'), 20000);

      await waitForBgrewriteaof(server);
    });

    // A new server on the same dir replays the AOF.
    await startServerAof(serverPath, { overrides: DEFAULTS }, async (server) => {
      const client = await server.newClient({ noSelect: true });
      assertEqual(await client.call('get', 'foo'), 20000);
    });
  });
});
