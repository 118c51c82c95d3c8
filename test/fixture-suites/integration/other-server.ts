import { assertEqual, puts, settings, startServer, suite, test } from '../../../harness/index.ts';
import { readFileSync } from 'node:fs';

/** The program a server was started as: its title is "<argv[0]> <addr>", and links keep their own name there. */
const startedAs = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/)[0];

// A --server master with an --other-server replica inside it.
export default suite(async () => {
  await startServer({ tags: ['needs:other-server'] }, async (server) => {
    await startServer({ otherServer: true }, async (other) => {
      await test('otherServer blocks start the --other-server binary', async () => {
        puts(`server started as ${startedAs(server.pid)}, other server as ${startedAs(other.pid)}`);
        assertEqual(startedAs(server.pid), settings().binary);
        assertEqual(startedAs(other.pid), settings().otherBinary);
      });
    });
  });
});
