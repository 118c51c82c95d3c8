import { suite, startServer, test, waitForBgrewriteaof } from '../../harness/index.ts';
import { checkModel } from './lib/checker.ts';
import { ttlHeavyCommands } from './lib/commands.ts';

// No Tcl upstream: random histories of every type with TTLs, compared with the reference model
// (suites/model/lib) after the data went through DEBUG RELOAD, a restart from the RDB, and
// BGREWRITEAOF plus a restart from the AOF. TTLs are compared as absolute times (PEXPIRETIME).

const KEYS = ['p1', 'p2', 'p3', 'p4'];
const commands = ttlHeavyCommands(KEYS);

export default suite(async () => {
  await startServer({ tags: ['external:skip'] }, async (server) => {
    await test(
      'histories match the model after DEBUG RELOAD',
      () =>
        checkModel({
          commands,
          runs: 40,
          client: () => server.client,
          roundTrip: {
            label: 'DEBUG RELOAD',
            run: async () => {
              await server.call('debug', 'reload');
              return [server.client];
            },
          },
        }),
      { tags: ['needs:debug'] },
    );

    await test('histories match the model after a restart from the RDB', () =>
      checkModel({
        commands,
        runs: 15,
        client: () => server.client,
        roundTrip: {
          label: 'SAVE and a restart',
          run: async () => {
            await server.call('save');
            await server.restart({ shutdown: 'nosave' });
            return [server.client];
          },
        },
      }));
  });

  // Without the RDB preamble the rewritten AOF is commands, as the incremental file after it.
  await startServer({ tags: ['external:skip'], overrides: { appendonly: 'yes', 'aof-use-rdb-preamble': 'no' } }, async (server) => {
    await test('histories match the model after BGREWRITEAOF and a restart from the AOF', () =>
      checkModel({
        commands,
        runs: 15,
        client: () => server.client,
        midway: async () => {
          await server.call('bgrewriteaof');
          await waitForBgrewriteaof(server);
        },
        roundTrip: {
          label: 'a restart from the AOF',
          run: async () => {
            await server.restart({ shutdown: 'nosave' });
            return [server.client];
          },
        },
      }));
  });
});
