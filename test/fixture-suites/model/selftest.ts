import { suite, startServer, test, Client, assert } from '../../../harness/index.ts';
import { checkModel } from '../../../suites/model/lib/checker.ts';
import { stringCommands } from '../../../suites/model/lib/commands.ts';
import { startIncrRewriter } from './lib/incr-rewriter.ts';

// The model checker's self-test (test/model.test.ts runs it): the server answers through a proxy
// that adds 1 to the second INCR reply above 2^32, so this test must fail, with a shrunk script.

const NAME = 'the checker catches an INCR reply that is off by one';

export default suite(async () => {
  await startServer({}, async (server) => {
    await test(NAME, async () => {
      const proxy = await startIncrRewriter(server.host, server.port);
      const client = await Client.connect({ host: proxy.host, port: proxy.port });
      try {
        await client.select(9);
        await checkModel({ commands: stringCommands(['s1', 's2']), runs: 300, client: () => client });
        assert(proxy.rewritten === 0, `no INCR reply was rewritten when the checker passed (rewritten: ${proxy.rewritten})`);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });
});
