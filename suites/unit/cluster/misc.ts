// Port of tests/unit/cluster/misc.tcl.
import { suite, startCluster, test, srv, assertError, sleep } from '../../../harness/index.ts';

export default suite(async () => {
  await startCluster(2, 2, { tags: ['external:skip cluster'] }, async () => {
    await test(
      'Key lazy expires during key migration',
      async () => {
        const R0 = srv(0);
        await R0.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);

        const keySlot = Number(await R0.call('CLUSTER', 'KEYSLOT', 'FOO'));
        await R0.call('set', 'FOO', 'BAR', 'PX', 10);
        const srcId = String(await R0.call('CLUSTER', 'MYID'));
        const trgId = String(await srv(-1).call('CLUSTER', 'MYID'));
        await R0.call('CLUSTER', 'SETSLOT', keySlot, 'MIGRATING', trgId);
        await srv(-1).call('CLUSTER', 'SETSLOT', keySlot, 'IMPORTING', srcId);
        await sleep(11);
        await assertError('ASK*', () => R0.call('GET', 'FOO'));
        return R0.call('ping');
      },
      { okPattern: 'PONG' },
    );
  });
});
