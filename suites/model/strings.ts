import fc from 'fast-check';
import { suite, startServer, test, settings } from '../../harness/index.ts';
import { checkModel } from './lib/checker.ts';
import { expiryCommands, stringCommands } from './lib/commands.ts';

// No Tcl upstream: random string and counter histories against the reference model
// (suites/model/lib), replies and whole keyspace compared; in external mode replies only.

const KEYS = ['s1', 's2', 's3'];

export default suite(async () => {
  await startServer({}, async (server) => {
    const keyspace = !settings().external;

    await test('string and counter histories match the model', () =>
      checkModel({ commands: stringCommands(KEYS), runs: 100, client: () => server.client, keyspace }));

    await test('string histories with expiry match the model', () =>
      checkModel({
        commands: fc.oneof(stringCommands(KEYS), expiryCommands(KEYS)),
        runs: 100,
        client: () => server.client,
        keyspace,
      }));
  });
});
