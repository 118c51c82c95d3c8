// Port of tests/unit/wait.tcl.
import { suite, startServer, test, srv, assert, fail, waitForCondition } from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['wait', 'network', 'external:skip'] }, async (master) => {
    await startServer({}, async (slave) => {
      await test('Setup slave', async () => {
        await slave.call('slaveof', master.host, master.port);
        await waitForCondition(50, 100, async () => (await srv(0).status('master_link_status')) === 'up', () => fail('Replication not started.'));
      });

      await test('WAIT should acknowledge 1 additional copy of the data', async () => {
        await master.call('set', 'foo', 0);
        await master.call('incr', 'foo');
        await master.call('incr', 'foo');
        await master.call('incr', 'foo');
        const acked = Number(await master.call('wait', 1, 5000));
        assert(acked === 1, `wait 1 5000 returned ${acked}, expected 1`);
        const foo = Number(await slave.call('get', 'foo'));
        assert(foo === 3, `slave foo ${foo} == 3`);
      });

      await test('WAIT should not acknowledge 2 additional copies of the data', async () => {
        await master.call('incr', 'foo');
        const acked = Number(await master.call('wait', 2, 1000));
        assert(acked <= 1, `wait 2 1000 returned ${acked}, expected <= 1`);
      });

      await test('WAIT should not acknowledge 1 additional copy if slave is blocked', async () => {
        process.kill(slave.pid, 'SIGSTOP');
        await master.call('set', 'foo', 0);
        await master.call('incr', 'foo');
        await master.call('incr', 'foo');
        await master.call('incr', 'foo');
        let acked = Number(await master.call('wait', 1, 1000));
        assert(acked === 0, `wait 1 1000 returned ${acked} with the slave stopped, expected 0`);
        process.kill(slave.pid, 'SIGCONT');
        acked = Number(await master.call('wait', 1, 1000));
        assert(acked === 1, `wait 1 1000 returned ${acked}, expected 1`);
      });

      await test("WAIT implicitly blocks on client pause since ACKs aren't sent", async () => {
        process.kill(slave.pid, 'SIGSTOP');
        await master.call('multi');
        await master.call('incr', 'foo');
        await master.call('client', 'pause', 10000, 'write');
        await master.call('exec');
        let acked = Number(await master.call('wait', 1, 1000));
        assert(acked === 0, `wait 1 1000 returned ${acked} during the pause, expected 0`);
        await master.call('client', 'unpause');
        process.kill(slave.pid, 'SIGCONT');
        acked = Number(await master.call('wait', 1, 1000));
        assert(acked === 1, `wait 1 1000 returned ${acked}, expected 1`);
      });
    });
  });
});
