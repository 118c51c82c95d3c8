// Port of tests/unit/pendingquerybuf.tcl.
import { suite, startServer, test, fail, prepareValue, waitForCondition, waitForOfsSync, type ServerHandle } from '../../harness/index.ts';

/** One field of INFO memory, '' when absent. */
async function infoMemory(h: ServerHandle, property: string): Promise<string> {
  const m = new RegExp(`\r\n${property}:(.*?)\r\n`).exec(await h.info('memory'));
  return m ? m[1] : '';
}

export default suite(async () => {
  await startServer({ tags: ['wait', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      await test('pending querybuf: check size of pending_querybuf after set a big value', async () => {
        await slave.call('slaveof', master.host, master.port);
        const v = prepareValue(32 * 1024 * 1024);
        await master.call('set', 'key', v);
        await waitForOfsSync(master, slave);

        await waitForCondition(
          50,
          100,
          async () => Number(await infoMemory(slave, 'used_memory')) <= Number(await infoMemory(master, 'used_memory')) + 10 * 1024 * 1024,
          () => fail('the used_memory of replica is much larger than master.'),
        );
      });
    });
  });
});
