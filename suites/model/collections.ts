import { suite, startServer, test, settings } from '../../harness/index.ts';
import { checkModel } from './lib/checker.ts';
import { hashCommands, listCommands, mixedCommands, setCommands, zsetCommands, type Command } from './lib/commands.ts';
import type fc from 'fast-check';

// No Tcl upstream: random list, hash, set and sorted-set histories against the reference model
// (suites/model/lib), replies and whole keyspace compared; in external mode replies only.

const KEYS = ['c1', 'c2', 'c3'];

const FAMILIES: Array<[string, fc.Arbitrary<Command>]> = [
  ['list histories match the model', listCommands(KEYS)],
  ['hash histories match the model', hashCommands(KEYS)],
  ['set histories match the model', setCommands(KEYS)],
  ['sorted set histories match the model', zsetCommands(KEYS)],
  ['histories of every type on shared keys match the model', mixedCommands(KEYS)],
];

export default suite(async () => {
  await startServer({}, async (server) => {
    const keyspace = !settings().external;
    for (const [name, commands] of FAMILIES) {
      await test(name, () => checkModel({ commands, runs: 60, client: () => server.client, keyspace }));
    }
  });
});
