import { assertEqual, cliArgs, puts, runTool, startServer, suite, tclExec, test, toolPath } from '../../../harness/index.ts';

// The tools a suite runs are the server's own: prints each tool's program, then runs redis-cli.
export default suite(async () => {
  await startServer({}, async (server) => {
    await test('tools run as the server build names them', async () => {
      for (const tool of ['redis-cli', 'redis-benchmark', 'redis-check-aof', 'redis-check-rdb'] as const) puts(`tool ${tool}: ${toolPath(tool)}`);
      assertEqual(tclExec([await runTool('redis-cli', cliArgs(server, ['ping']), { stdin: 'ignore' })]), 'PONG');
    });
  });
});
