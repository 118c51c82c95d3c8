// Port of tests/unit/limits.tcl.
import { suite, startServer, test, settings, sleep, assert, tclCatch } from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['limits network external:skip'], overrides: { maxclients: 10 } }, async (server) => {
    // Under TLS the refused connection reads as an I/O error.
    const expectedCode = settings().tls ? '*I/O error*' : '*ERR max*reached*';

    await test(
      'Check if maxclients works refusing connections',
      async () => {
        let c = 0;
        const { value: e } = await tclCatch(async () => {
          while (c < 50) {
            c++;
            // newClient runs SELECT (or PING) and reads its reply, as redis_deferring_client does.
            const rd = await server.newClient();
            rd.send('ping');
            await rd.read();
            await sleep(100);
          }
        });
        assert(c > 8 && c <= 10, `$c > 8 && $c <= 10 (c=${c})`);
        return e;
      },
      { okPattern: expectedCode },
    );
  });
});
