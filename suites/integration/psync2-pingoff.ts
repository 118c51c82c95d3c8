// Edge cases of PSYNC when the replication streams of two servers differ only by trailing PINGs
// (kept from the abandoned "meaningful offset" work of Redis 6.0, as regression coverage).
import { suite, startServer, test, srv, puts, assertEqual, fail, waitForCondition, type ServerHandle } from '../../harness/index.ts';

/** Tcl `==` between a reply and a number. */
const is = (reply: unknown, n: number) => String(reply) === String(n);

export default suite({ independentBlocks: true }, async () => {
  await startServer({ tags: ['psync2', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      const debugMsg = false;
      const R: ServerHandle[] = [];
      for (let j = 0; j < 2; j++) {
        R.push(srv(-j));
        await R[j].call('config', 'set', 'repl-ping-replica-period', 1);
        if (debugMsg) puts(`Log file: ${R[j].stdout}`);
      }
      const st = (j: number, field: string) => R[j].status(field);

      await test('PSYNC2 pingoff: setup', async () => {
        await R[1].call('replicaof', R[0].host, R[0].port);
        await R[0].call('set', 'foo', 'bar');
        await waitForCondition(
          50,
          1000,
          async () =>
            (await st(1, 'master_link_status')) === 'up' && is(await R[0].call('dbsize'), 1) && is(await R[1].call('dbsize'), 1),
          () => fail('Replicas not replicating from master'),
        );
      });

      await test('PSYNC2 pingoff: write and wait replication', async () => {
        await R[0].call('incr', 'counter');
        await R[0].call('incr', 'counter');
        await R[0].call('incr', 'counter');
        await waitForCondition(
          50,
          1000,
          async () => String(await R[0].call('get', 'counter')) === String(await R[1].call('get', 'counter')),
          () => fail("Master and replica don't agree about counter"),
        );
      });

      // The replica is kept busy while its link stays open, so the master goes on sending it PINGs.
      await test('PSYNC2 pingoff: pause replica and promote it', async () => {
        await R[1].call('multi');
        await R[1].call('debug', 'sleep', 5);
        await R[1].call('slaveof', 'no', 'one');
        await R[1].call('exec');
        await R[1].call('ping');
      });

      await test('Make the old master a replica of the new one and check conditions', async () => {
        // No PING from the new master between the two INFO reads of the final offset check.
        await R[1].call('config', 'set', 'repl-ping-replica-period', 1000);

        assertEqual(await st(1, 'sync_full'), 0);
        await R[0].call('replicaof', R[1].host, R[1].port);

        await waitForCondition(50, 1000, async () => (await st(0, 'master_link_status')) === 'up', () => fail('The new master was not able to sync'));

        await R[1].call('incr', 'x');
        await waitForCondition(
          50,
          1000,
          async () => (await st(0, 'loading')) === '0' && is(await R[0].call('get', 'x'), 1),
          () => fail("replica didn't get incr"),
        );
        assertEqual(await st(0, 'master_repl_offset'), await st(1, 'master_repl_offset'));
      });
    });
  });

  await startServer({ tags: ['psync2', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      await startServer({}, async () => {
        await startServer({}, async () => {
          await startServer({}, async () => {
            await test('test various edge cases of repl topology changes with missing pings at the end', async () => {
              const master = srv(-4);
              const replica1 = srv(-3);
              const replica2 = srv(-2);
              const replica3 = srv(-1);
              const replica4 = srv(0);
              const replicas = [replica1, replica2, replica3, replica4];
              const xEverywhere = async (hs: ServerHandle[], n: number) => {
                for (const h of hs) if (!is(await h.call('get', 'x'), n)) return false;
                return true;
              };
              const linksUp = async (hs: ServerHandle[]) => {
                for (const h of hs) if ((await h.status('master_link_status')) !== 'up') return false;
                return true;
              };
              const checkFullSyncs = async () => {
                assertEqual(await master.status('sync_full'), 6);
                assertEqual(await replica1.status('sync_full'), 2);
                assertEqual(await replica2.status('sync_full'), 0);
                assertEqual(await replica3.status('sync_full'), 0);
                assertEqual(await replica4.status('sync_full'), 0);
              };

              for (const h of replicas) await h.call('replicaof', master.host, master.port);
              await waitForCondition(50, 1000, async () => is(await master.status('connected_slaves'), 4), () => fail("replicas didn't connect"));

              await master.call('incr', 'x');
              await waitForCondition(50, 1000, () => xEverywhere(replicas, 1), () => fail("replicas didn't get incr"));

              // Cut replica1 and replica2 off, then let the master PING replica3 and replica4.
              await replica1.call('replicaof', 'no', 'one');
              // Pointing replica2 at a dead port keeps its replication id (promoting it would not).
              await replica2.call('replicaof', '127.0.0.1', 1);
              await master.call('config', 'set', 'repl-ping-replica-period', 1);
              const replofs = Number(await master.status('master_repl_offset'));
              await waitForCondition(
                50,
                100,
                async () => Number(await replica3.status('master_repl_offset')) > replofs && Number(await replica4.status('master_repl_offset')) > replofs,
                () => fail("replica didn't sync in time"),
              );

              // replica1 missed that PING and becomes the root: replica3 and the old master follow it,
              // replica4 stays under the old master, and replica2 returns to the old master, whose
              // offset has now gone backwards.
              await replica3.call('replicaof', replica1.host, replica1.port);
              await master.call('replicaof', replica1.host, replica1.port);
              await replica2.call('replicaof', master.host, master.port);
              await waitForCondition(50, 1000, () => linksUp([replica2, replica3, replica4, master]), () => fail("replicas didn't connect"));

              await replica1.call('incr', 'x');
              await waitForCondition(50, 1000, () => xEverywhere([replica2, replica3, replica4, master], 2), () => fail("replicas didn't get incr"));
              await checkFullSyncs();

              // Every link reconnects, which must be a partial resync each time.
              await master.call('client', 'kill', 'type', 'master');
              await replica2.call('client', 'kill', 'type', 'master');
              await replica3.call('client', 'kill', 'type', 'master');
              await replica4.call('client', 'kill', 'type', 'master');

              await replica1.call('incr', 'x');
              await waitForCondition(50, 1000, () => xEverywhere([replica2, replica3, replica4, master], 3), () => fail("replicas didn't get incr"));
              await checkFullSyncs();
            });
          });
        });
      });
    });
  });

  await startServer({ tags: ['psync2', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      await startServer({}, async () => {
        const R: ServerHandle[] = [];
        for (let j = 0; j < 3; j++) {
          R.push(srv(-j));
          await R[j].call('config', 'set', 'repl-ping-replica-period', 1);
        }
        const st = (j: number, field: string) => R[j].status(field);
        const num = (j: number, field: string) => R[j].statusNumber(field);

        await test('Chained replicas disconnect when replica re-connect with the same master', async () => {
          // R2 replicates from R1, which replicates from R0.
          await R[1].call('replicaof', R[0].host, R[0].port);
          await R[2].call('replicaof', R[1].host, R[1].port);
          await waitForCondition(50, 1000, async () => (await st(2, 'master_link_status')) === 'up', () => fail('Chained replica not replicating from its master'));

          // A write, then some PINGs from the master down the chain.
          await R[0].call('incr', 'counter2');
          const replofs = await num(0, 'master_repl_offset');
          await waitForCondition(
            50,
            100,
            async () => (await num(1, 'master_repl_offset')) > replofs && (await num(2, 'master_repl_offset')) > replofs,
            () => fail("replica didn't sync in time"),
          );
          const syncPartialMaster = await num(0, 'sync_partial_ok');
          const syncPartialReplica = await num(1, 'sync_partial_ok');
          await R[0].call('config', 'set', 'repl-ping-replica-period', 100);

          // Drop the master's direct replica.
          await R[0].call('client', 'kill', 'type', 'replica');
          await waitForCondition(
            50,
            1000,
            async () =>
              (await st(1, 'master_link_status')) === 'up' &&
              (await st(2, 'master_link_status')) === 'up' &&
              (await num(0, 'sync_partial_ok')) === syncPartialMaster + 1 &&
              (await num(1, 'sync_partial_ok')) === syncPartialReplica,
            () => fail('Disconnected replica failed to PSYNC with master'),
          );

          // The whole chain is at the master's offset.
          assertEqual(await st(0, 'master_repl_offset'), await st(1, 'master_repl_offset'));
          assertEqual(await st(0, 'master_repl_offset'), await st(2, 'master_repl_offset'));

          await R[0].call('incr', 'counter2');
          await waitForCondition(
            50,
            1000,
            async () => is(await R[1].call('get', 'counter2'), 2) && is(await R[2].call('get', 'counter2'), 2),
            () => fail("replicas didn't get incr"),
          );
          assertEqual(await st(0, 'master_repl_offset'), await st(1, 'master_repl_offset'));
          assertEqual(await st(0, 'master_repl_offset'), await st(2, 'master_repl_offset'));
        });
      });
    });
  });
});
