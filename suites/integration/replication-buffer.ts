import {
  suite,
  startServer,
  test,
  assert,
  assertEqual,
  waitForCondition,
  waitForSync,
  waitForOfsSync,
  populate,
  type ServerHandle,
} from '../../harness/index.ts';

/** SHUTDOWN NOSAVE, ignoring the error of the connection going away (Tcl `catch`). */
async function shutdownNosave(handle: ServerHandle): Promise<void> {
  try {
    await handle.call('shutdown', 'nosave');
  } catch {
    // expected: the server closes the link
  }
}

/** One field of the CLIENT LIST line(s) of a client type; an error when it is absent. */
async function clientField(handle: ServerHandle, type: string, field: string): Promise<string> {
  const list = String(await handle.call('client', 'list', 'type', type));
  const m = new RegExp(`${field}=([a-zA-Z0-9-]+)`).exec(list);
  if (!m) throw new Error(`field ${field} not found for in ${list}`);
  return m[1]!;
}

/** A value of `size` bytes: one 'c' then zeros. */
function prepareValue(size: number): string {
  return 'c' + '0'.repeat(size - 1);
}

export default suite({ independentBlocks: true }, async () => {
  // Replicas share one global replication buffer: two replicas do not double it, and it shrinks
  // once no replica needs it.
  await startServer({ tags: ['repl', 'external:skip'] }, async (replica1) => {
    await startServer({}, async (replica2) => {
      await startServer({}, async (replica3) => {
        await startServer({}, async (master) => {
          await master.call('config', 'set', 'save', '');
          await master.call('config', 'set', 'repl-backlog-size', 16384);
          await master.call('config', 'set', 'repl-diskless-sync-delay', 5);
          await master.call('config', 'set', 'repl-diskless-sync-max-replicas', 1);
          await master.call('config', 'set', 'client-output-buffer-limit', 'replica 0 0 0');

          // replica3 is in sync first.
          await replica3.call('replicaof', master.host, master.port);
          await waitForSync(replica3);

          // From now on producing the RDB takes about 100 seconds.
          await master.call('config', 'set', 'rdb-key-save-delay', 1000000);
          await populate(master, 100, '', 16);

          // replica1 and replica2 both wait for the BGSAVE.
          await master.call('config', 'set', 'repl-diskless-sync-max-replicas', 2);
          await replica1.call('replicaof', master.host, master.port);
          await replica2.call('replicaof', master.host, master.port);
          await waitForCondition(
            50,
            100,
            async () =>
              (await master.statusNumber('rdb_bgsave_in_progress')) === 1 &&
              (await replica1.roleField(3)) === 'sync' &&
              (await replica2.roleField(3)) === 'sync',
            'fail to sync with replicas',
          );

          await test('All replicas share one global replication buffer', async () => {
            const beforeUsed = await master.statusNumber('used_memory');
            await populate(master, 1024, '', 1024); // about 1MB more data
            // The new data takes 1MB; with one shared replication buffer for all replicas, their
            // output memory stays under twice the replication buffer.
            const replBufMem = await master.status('mem_total_replication_buffers');
            const extraMem = (await master.statusNumber('used_memory')) - beforeUsed - 1024 * 1024;
            assert(extraMem < 2 * Number(replBufMem), `extra memory ${extraMem} < 2 * replication buffers ${replBufMem}`);

            // Losing replica1 does not shrink the replication buffer.
            await shutdownNosave(replica1);
            await waitForCondition(50, 100, async () => (await master.status('connected_slaves')) === '2', "replica doesn't disconnect with master");
            assertEqual(replBufMem, await master.status('mem_total_replication_buffers'));
          });

          await test('Replication buffer will become smaller when no replica uses', async () => {
            // replica3 has caught up with the master.
            await waitForOfsSync(master, replica3);

            const replBufMem = await master.statusNumber('mem_total_replication_buffers');
            // Without replica2, nobody needs the buffered data: it is released.
            await shutdownNosave(replica2);
            await waitForCondition(50, 100, async () => (await master.status('connected_slaves')) === '1', "replica2 doesn't disconnect with master");
            const now = await master.statusNumber('mem_total_replication_buffers');
            assert(replBufMem - 1024 * 1024 > now, `replication buffers ${now} < ${replBufMem} - 1MB`);
          });
        });
      });
    });
  });

  // A slow replica holding a lot of replication buffer lets the backlog grow past its configured
  // size; other replicas may partially resync from that data; and the backlog shrinks again once
  // the slow replica is dropped for reaching its output buffer limit.
  await startServer({ tags: ['repl', 'external:skip'] }, async (replica1) => {
    await startServer({}, async (replica2) => {
      await startServer({}, async (master) => {
        await master.call('config', 'set', 'save', '');
        await master.call('config', 'set', 'repl-backlog-size', 16384);
        await master.call('config', 'set', 'client-output-buffer-limit', 'replica 0 0 0');

        // DEBUG DIGEST on a master with many keys is slow (more so under valgrind): keep the
        // replicas from timing out meanwhile.
        await master.call('config', 'set', 'repl-timeout', 1000);
        await replica1.call('config', 'set', 'repl-timeout', 1000);
        await replica2.call('config', 'set', 'repl-timeout', 1000);

        await replica1.call('replicaof', master.host, master.port);
        await waitForSync(replica1);

        await test('Replication backlog size can outgrow the backlog limit config', async () => {
          // From now on producing the RDB takes 1000 seconds.
          await master.call('config', 'set', 'rdb-key-save-delay', 1000000);
          await populate(master, 1000, 'master', 10000);
          await replica2.call('replicaof', master.host, master.port);
          // replica2 waits for the BGSAVE.
          await waitForCondition(
            5000,
            100,
            async () => (await master.statusNumber('rdb_bgsave_in_progress')) === 1 && (await replica2.roleField(3)) === 'sync',
            'fail to sync with replicas',
          );
          // replica2 holds on to the replication buffer, so the backlog outgrows its setting.
          await populate(master, 10000, 'master', 10000);
          const histlen = await master.statusNumber('repl_backlog_histlen');
          assert(histlen > 10000 * 10000, `repl_backlog_histlen ${histlen} > ${10000 * 10000}`);
        });

        // replica1 catches up with the master.
        await waitForCondition(
          1000,
          100,
          async () => (await replica1.status('master_repl_offset')) === (await master.status('master_repl_offset')),
          "Replica offset didn't catch up with the master after too long time",
        );

        await test('Replica could use replication buffer (beyond backlog config) for partial resynchronization', async () => {
          // replica1 leaves the master...
          await replica1.call('replicaof', replica2.host, replica2.port);
          // ... more than repl-backlog-size is written meanwhile ...
          await populate(master, 10000, 'master', 10000);
          // ... and replica1 comes back.
          await replica1.call('replicaof', master.host, master.port);
          await waitForCondition(
            1000,
            100,
            async () => (await replica1.status('master_repl_offset')) === (await master.status('master_repl_offset')),
            "Replica offset didn't catch up with the master after too long time",
          );

          // replica2 is still waiting for the BGSAVE.
          assert(
            (await master.status('rdb_bgsave_in_progress')) === '1' && (await replica2.roleField(3)) === 'sync',
            'BGSAVE still in progress and replica2 still in sync state',
          );
          // The master accepted replica1's partial resync.
          assertEqual(await master.status('sync_partial_ok'), '1');
          assertEqual(await master.call('debug', 'digest'), await replica1.call('debug', 'digest'));
        });

        await test('Replication backlog memory will become smaller if disconnecting with replica', async () => {
          const histlen = await master.statusNumber('repl_backlog_histlen');
          assert(histlen > 2 * 10000 * 10000, `repl_backlog_histlen ${histlen} > ${2 * 10000 * 10000}`);
          assertEqual(await master.status('connected_slaves'), '2');

          await replica2.pause();
          await master.call('config', 'set', 'client-output-buffer-limit', 'replica 128k 0 0');
          // A write makes the master check the output buffer limits.
          await master.call('set', 'key', 'A'.repeat(64 * 1024));
          // replica2's output buffer is over the limit: the master drops it, replica1 remains.
          await waitForCondition(100, 100, async () => (await master.status('connected_slaves')) === '1', "master didn't disconnect with replica2");

          // The backlog is trimmed incrementally: its memory is released over time.
          await waitForCondition(
            1000,
            100,
            async () => (await master.statusNumber('repl_backlog_histlen')) < 10000 * 10000,
            'Replication backlog memory is not smaller',
          );
          await replica2.resume();
        });
        // Faster shutdown.
        await master.call('config', 'set', 'shutdown-timeout', 0);
      });
    });
  });

  await test('Partial resynchronization is successful even client-output-buffer-limit is less than repl-backlog-size', async () => {
    await startServer({ tags: ['repl', 'external:skip'] }, async (replica) => {
      await startServer({}, async (master) => {
        await master.call('config', 'set', 'save', '');
        await master.call('config', 'set', 'repl-backlog-size', '100mb');
        await master.call('config', 'set', 'client-output-buffer-limit', 'replica 512k 0 0');

        await replica.call('replicaof', master.host, master.port);
        await waitForSync(replica);

        const bigStr = 'A'.repeat(10 * 1024 * 1024); // 10MB
        await master.call('multi');
        await master.call('client', 'kill', 'type', 'replica');
        await master.call('set', 'key', bigStr);
        await master.call('set', 'key', bigStr);
        await master.call('debug', 'sleep', 2); // the replica reconnects meanwhile
        await master.call('exec');
        // The master grants the reconnecting replica a partial resync and keeps it even though
        // its output buffer goes over the limit.
        await master.call('set', 'key', bigStr); // makes the master check the limit
        await waitForOfsSync(master, replica);
        // One full sync, then a partial one.
        assertEqual(await master.status('sync_full'), '1');
        assertEqual(await master.status('sync_partial_ok'), '1');

        await master.call('multi');
        await master.call('set', 'key', bigStr);
        await master.call('set', 'key', bigStr);
        await master.call('exec');
        // The replica's output is over client-output-buffer-limit but within repl-backlog-size:
        // the master keeps it.
        await waitForCondition(
          1000,
          100,
          async () => (await replica.status('master_repl_offset')) === (await master.status('master_repl_offset')),
          "Replica offset didn't catch up with the master after too long time",
        );
        assertEqual(await master.status('sync_full'), '1');
        assertEqual(await master.status('sync_partial_ok'), '1');
      });
    });
  });

  // Big keys put in the backlog must not trigger a psync loop.
  await test('Replica client-output-buffer size is limited to backlog_limit/16 when no replication data is pending', async () => {
    await startServer({ tags: ['repl', 'external:skip'] }, async (replica) => {
      await startServer({}, async (master) => {
        await master.call('config', 'set', 'repl-backlog-size', 16384);
        await master.call('config', 'set', 'client-output-buffer-limit', 'replica 32768 32768 60');
        // The key is bigger than the replica client-output-buffer limit.
        const keysize = 256 * 1024;

        await replica.call('replicaof', master.host, master.port);
        await waitForCondition(
          50,
          100,
          async () => (await replica.roleField(0)) === 'slave' && (await replica.info('replication')).includes('master_link_status:up'),
          "Can't turn the instance into a replica",
        );

        const value = prepareValue(keysize);
        await master.call('set', 'key', value);
        await waitForOfsSync(master, replica);

        // One more write, so that serverCron gets an event loop iteration to drop replicas whose
        // output buffer is over the limits.
        await master.call('set', 'key1', '1');
        await waitForOfsSync(master, replica);

        assert((await master.statusNumber('connected_slaves')) === 1, 'connected_slaves == 1 on the master');

        await waitForCondition(
          50,
          100,
          async () => Number(await clientField(master, 'replica', 'tot-mem')) < keysize,
          'replica client-output-buffer usage is higher than expected.',
        );

        assert((await master.statusNumber('sync_partial_ok')) === 0, 'sync_partial_ok == 0 on the master');

        // Used to hit an assertion in 'o->used >= c->ref_block_pos' before #11905.
        await test("The update of replBufBlock's repl_offset is ok - Regression test for #11666", async () => {
          const rd = await master.newClient();
          const replid = await master.status('master_replid');
          const offset = await master.status('repl_backlog_first_byte_offset');
          rd.send('psync', replid, offset);
          assertEqual('PONG', await master.call('ping')); // the master is still alive
          await rd.close();
        });
      });
    });
  });
});
