import { suite, startServer, test, srv, assert, fail, waitForCondition, createComplexDataset, sleep, stringMatch, tclCatch } from '../../harness/index.ts';

export default suite(async () => {
  await startServer({ tags: ['psync2', 'external:skip'] }, async () => {
    await startServer({}, async () => {
      await startServer({}, async () => {
        const master = srv(0);
        const replica = srv(-1);
        const subReplica = srv(-2);

        // The master must write an RDB when it shuts down.
        await master.call('config', 'set', 'save', '3600 1');

        // No disconnection by timeout: an extra reconnection would skew sync_partial_ok below.
        await master.call('config', 'set', 'repl-timeout', 3600);
        await replica.call('config', 'set', 'repl-timeout', 3600);
        await subReplica.call('config', 'set', 'repl-timeout', 3600);

        // No PINGs either.
        await master.call('config', 'set', 'repl-ping-replica-period', 3600);
        await master.call('config', 'rewrite');

        // master -> replica -> subReplica
        await replica.call('replicaof', master.host, master.port);
        await subReplica.call('replicaof', replica.host, replica.port);

        const bothLinksUp = async () => (await replica.status('master_link_status')) === 'up' && (await subReplica.status('master_link_status')) === 'up';
        await waitForCondition(50, 100, bothLinksUp, () => fail('Replication not started.'));

        await test('PSYNC2: Partial resync after Master restart using RDB aux fields when offset is 0', async () => {
          assert((await master.statusNumber('master_repl_offset')) === 0, 'master_repl_offset == 0');

          const replid = await master.status('master_replid');
          await replica.call('config', 'resetstat');

          await tclCatch(() => master.restart({ waitReady: true, rotateLogs: false, shutdown: 'now' }));
          await waitForCondition(50, 1000, bothLinksUp, () => fail("Replicas didn't sync after master restart"));

          // Replication state restored from the RDB.
          assert((await master.status('master_replid')) !== replid, 'master_replid != old replid');
          assert((await master.statusNumber('master_repl_offset')) === 0, 'master_repl_offset == 0');
          assert((await master.status('master_replid2')) === replid, 'master_replid2 eq old replid');
          assert((await master.statusNumber('second_repl_offset')) === 1, 'second_repl_offset == 1');

          // Backlog set up again.
          assert((await master.statusNumber('repl_backlog_active')) === 1, 'repl_backlog_active == 1');
          assert((await master.statusNumber('repl_backlog_first_byte_offset')) === 1, 'repl_backlog_first_byte_offset == 1');
          assert((await master.statusNumber('repl_backlog_histlen')) === 0, 'repl_backlog_histlen == 0');

          // The replica continued with a partial resync.
          assert((await master.statusNumber('sync_partial_ok')) === 1, 'master sync_partial_ok == 1');
          assert((await replica.statusNumber('sync_partial_ok')) === 1, 'replica sync_partial_ok == 1');
        });

        await createComplexDataset(master, 1000);

        await test('PSYNC2: Partial resync after Master restart using RDB aux fields with data', async () => {
          await waitForCondition(
            500,
            100,
            async () => {
              const mo = await master.statusNumber('master_repl_offset');
              return mo === (await replica.statusNumber('master_repl_offset')) && mo === (await subReplica.statusNumber('master_repl_offset'));
            },
            () => fail('Replicas and master offsets were unable to match *exactly*.'),
          );

          const replid = await master.status('master_replid');
          const offset = await master.statusNumber('master_repl_offset');
          await replica.call('config', 'resetstat');

          // SHUTDOWN NOW: no GETACK to the replicas on the way out, which would move the offset.
          await tclCatch(() => master.restart({ waitReady: true, rotateLogs: false, shutdown: 'now' }));
          await waitForCondition(50, 1000, bothLinksUp, () => fail("Replicas didn't sync after master restart"));

          assert((await master.status('master_replid')) !== replid, 'master_replid != old replid');
          assert((await master.statusNumber('master_repl_offset')) === offset, `master_repl_offset == ${offset}`);
          assert((await master.status('master_replid2')) === replid, 'master_replid2 eq old replid');
          assert((await master.statusNumber('second_repl_offset')) === offset + 1, `second_repl_offset == ${offset + 1}`);

          assert((await master.statusNumber('repl_backlog_active')) === 1, 'repl_backlog_active == 1');
          assert((await master.statusNumber('repl_backlog_first_byte_offset')) === offset + 1, `repl_backlog_first_byte_offset == ${offset + 1}`);
          assert((await master.statusNumber('repl_backlog_histlen')) === 0, 'repl_backlog_histlen == 0');

          assert((await master.statusNumber('sync_partial_ok')) === 1, 'master sync_partial_ok == 1');
          assert((await replica.statusNumber('sync_partial_ok')) === 1, 'replica sync_partial_ok == 1');
        });

        await test('PSYNC2: Partial resync after Master restart using RDB aux fields with expire', async () => {
          await master.call('debug', 'set-active-expire', 0);
          for (let j = 0; j < 1024; j++) {
            await master.call('select', j % 16);
            await master.call('set', j, 'somevalue', 'px', 10);
          }

          await sleep(20);

          // The master must have the replica's ACK for this offset: a master that believes a replica
          // lags sends it GETACK while shutting down, which would move the offsets.
          const offset0 = await master.statusNumber('master_repl_offset');
          await waitForCondition(
            500,
            100,
            async () =>
              stringMatch(`*slave0:*,offset=${offset0},*`, await master.info('replication')) &&
              offset0 === (await replica.statusNumber('master_repl_offset')) &&
              offset0 === (await subReplica.statusNumber('master_repl_offset')),
            () => fail('Replicas and master offsets were unable to match *exactly*.'),
          );

          const offset = await master.statusNumber('master_repl_offset');
          await replica.call('config', 'resetstat');

          // SIGTERM this time (the shutdown path differs from SHUTDOWN NOW; no replica lags here).
          await tclCatch(() => master.restart({ waitReady: true, rotateLogs: false }));
          await waitForCondition(50, 1000, bothLinksUp, () => fail("Replicas didn't sync after master restart"));

          const expiredOffset = await master.statusNumber('repl_backlog_histlen');
          // The stale keys expired on load and their DELs advanced the offset.
          assert((await master.statusNumber('rdb_last_load_keys_expired')) === 1024, 'rdb_last_load_keys_expired == 1024');
          assert((await master.statusNumber('master_repl_offset')) === offset + expiredOffset, `master_repl_offset == ${offset} + ${expiredOffset}`);

          assert((await master.statusNumber('sync_partial_ok')) === 1, 'master sync_partial_ok == 1');
          assert((await replica.statusNumber('sync_partial_ok')) === 1, 'replica sync_partial_ok == 1');

          const digest = await master.call('debug', 'digest');
          assert(digest === (await replica.call('debug', 'digest')), 'replica digest eq master digest');
          assert(digest === (await subReplica.call('debug', 'digest')), 'sub-replica digest eq master digest');
        });

        await test('PSYNC2: Full resync after Master restart when too many key expired', async () => {
          await master.call('config', 'set', 'repl-backlog-size', 16384);
          await master.call('config', 'rewrite');

          await master.call('debug', 'set-active-expire', 0);
          // Enough writes to fill the backlog, so that it gets trimmed.
          for (let j = 0; j < 2048; j++) {
            await master.call('select', j % 16);
            await master.call('set', j, 'somevalue', 'px', 10);
          }

          await sleep(20);

          await waitForCondition(
            500,
            100,
            async () => {
              const mo = await master.statusNumber('master_repl_offset');
              return mo === (await replica.statusNumber('master_repl_offset')) && mo === (await subReplica.statusNumber('master_repl_offset'));
            },
            () => fail('Replicas and master offsets were unable to match *exactly*.'),
          );

          await replica.call('config', 'resetstat');

          // SIGTERM again.
          await tclCatch(() => master.restart({ waitReady: true, rotateLogs: false }));
          await waitForCondition(50, 1000, bothLinksUp, () => fail("Replicas didn't sync after master restart"));

          // The backlog no longer reaches back to the old history.
          assert(
            (await master.statusNumber('repl_backlog_first_byte_offset')) > (await master.statusNumber('second_repl_offset')),
            'repl_backlog_first_byte_offset > second_repl_offset',
          );
          assert((await master.statusNumber('sync_partial_ok')) === 0, 'master sync_partial_ok == 0');
          assert((await master.statusNumber('sync_full')) === 1, 'master sync_full == 1');
          assert((await master.statusNumber('rdb_last_load_keys_expired')) === 2048, 'rdb_last_load_keys_expired == 2048');
          assert((await replica.statusNumber('sync_full')) === 1, 'replica sync_full == 1');

          const digest = await master.call('debug', 'digest');
          assert(digest === (await replica.call('debug', 'digest')), 'replica digest eq master digest');
          assert(digest === (await subReplica.call('debug', 'digest')), 'sub-replica digest eq master digest');
        });
      });
    });
  });
});
