// Port of tests/unit/cluster-scripting.tcl: one cluster-enabled node owning every slot.
// SELECT is refused in cluster mode, so (as upstream sets ::singledb) the run's singledb setting
// is on while the block's server is started and used, then put back.
import { suite, startServer, test, settings, r, assertError, waitForCondition, csi } from '../../harness/index.ts';

export default suite(async () => {
  const run = settings();
  const oldSingledb = run.singledb;
  run.singledb = true;
  try {
    await startServer({ overrides: { 'cluster-enabled': 'yes' }, tags: ['external:skip', 'cluster'] }, async (node) => {
      await node.call('cluster', 'addslotsrange', 0, 16383);
      await waitForCondition(50, 100, async () => (await csi(0, 'cluster_state')) === 'ok', "Cluster never became 'ok'");

      await test('Eval scripts with shebangs and functions default to no cross slots', async () => {
        // A shebang script may not touch keys of different slots...
        await assertError('ERR Script attempted to access keys that do not hash to the same slot*', () =>
          node.call('eval', "#!lua\n                redis.call('set', 'foo', 'bar')\n                redis.call('set', 'bar', 'foo')\n                return 'OK'\n            ", 0),
        );

        // ...nor may a function by default.
        await node.call(
          'function',
          'load',
          'REPLACE',
          `#!lua name=crossslot
            local function test_cross_slot(keys, args)
                redis.call('set', 'foo', 'bar')
                redis.call('set', 'bar', 'foo')
                return 'OK'
            end

            redis.register_function('test_cross_slot', test_cross_slot)`,
        );
        await assertError('ERR Script attempted to access keys that do not hash to the same slot*', () => r('FCALL', 'test_cross_slot', 0));
      });

      await test('Cross slot commands are allowed by default for eval scripts and with allow-cross-slot-keys flag', async () => {
        // Scripts without a shebang keep the old behaviour.
        await node.call('eval', "redis.call('set', 'foo', 'bar'); redis.call('set', 'bar', 'foo')", 0);

        // So do shebang scripts with allow-cross-slot-keys...
        await node.call('eval', "#!lua flags=allow-cross-slot-keys\n            redis.call('set', 'foo', 'bar'); redis.call('set', 'bar', 'foo')\n        ", 0);

        // ...and functions with that flag.
        await node.call(
          'function',
          'load',
          'REPLACE',
          `#!lua name=crossslot
            local function test_cross_slot(keys, args)
                redis.call('set', 'foo', 'bar')
                redis.call('set', 'bar', 'foo')
                return 'OK'
            end

            redis.register_function{function_name='test_cross_slot', callback=test_cross_slot, flags={ 'allow-cross-slot-keys' }}`,
        );
        await r('FCALL', 'test_cross_slot', 0);
      });

      await test('Cross slot commands are also blocked if they disagree with pre-declared keys', async () => {
        await assertError('ERR Script attempted to access keys that do not hash to the same slot*', () =>
          node.call('eval', "#!lua\n                redis.call('set', 'foo', 'bar')\n                return 'OK'\n            ", 1, 'bar'),
        );
      });
    });
  } finally {
    run.singledb = oldSingledb;
  }
});
