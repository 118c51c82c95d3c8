import { suite, startServer, test, r, assert, stringMatch } from '../../harness/index.ts';

const has = (info: string, pattern: string) => stringMatch(pattern, info);

export default suite(async () => {
  await startServer({ tags: ['info and its relative command'] }, async () => {
    await test('info command with at most one sub command', async () => {
      for (const arg of ['', 'all', 'default', 'everything']) {
        const info = String(arg === '' ? await r('info') : await r('info', arg));
        assert(has(info, '*redis_version*'), 'redis_version in INFO');
        assert(has(info, '*used_cpu_user*'), 'used_cpu_user in INFO');
        assert(!has(info, '*sentinel_tilt*'), 'no sentinel_tilt in INFO');
        assert(has(info, '*used_memory*'), 'used_memory in INFO');
        if (arg === '' || arg === 'default') assert(!has(info, '*rejected_calls*'), 'no rejected_calls in INFO');
        else assert(has(info, '*rejected_calls*'), 'rejected_calls in INFO');
      }
    });

    await test('info command with one sub-section', async () => {
      let info = String(await r('info', 'cpu'));
      assert(has(info, '*used_cpu_user*'), 'used_cpu_user in INFO cpu');
      assert(!has(info, '*sentinel_tilt*'), 'no sentinel_tilt in INFO cpu');
      assert(!has(info, '*used_memory*'), 'no used_memory in INFO cpu');

      info = String(await r('info', 'sentinel'));
      assert(!has(info, '*sentinel_tilt*'), 'no sentinel_tilt in INFO sentinel');
      assert(!has(info, '*used_memory*'), 'no used_memory in INFO sentinel');

      // Section names are case insensitive.
      info = String(await r('info', 'commandSTATS'));
      assert(!has(info, '*used_memory*'), 'no used_memory in INFO commandSTATS');
      assert(has(info, '*rejected_calls*'), 'rejected_calls in INFO commandSTATS');
    });

    await test('info command with multiple sub-sections', async () => {
      let info = String(await r('info', 'cpu', 'sentinel'));
      assert(has(info, '*used_cpu_user*'), 'used_cpu_user in INFO cpu sentinel');
      assert(!has(info, '*sentinel_tilt*'), 'no sentinel_tilt in INFO cpu sentinel');
      assert(!has(info, '*master_repl_offset*'), 'no master_repl_offset in INFO cpu sentinel');

      info = String(await r('info', 'cpu', 'all'));
      assert(has(info, '*used_cpu_user*'), 'used_cpu_user in INFO cpu all');
      assert(!has(info, '*sentinel_tilt*'), 'no sentinel_tilt in INFO cpu all');
      assert(has(info, '*used_memory*'), 'used_memory in INFO cpu all');
      assert(has(info, '*master_repl_offset*'), 'master_repl_offset in INFO cpu all');
      assert(has(info, '*rejected_calls*'), 'rejected_calls in INFO cpu all');
      // The cpu section must not come twice.
      assert(!has(info, '*used_cpu_user_children*used_cpu_user_children*'), 'cpu section once in INFO cpu all');

      info = String(await r('info', 'cpu', 'default'));
      assert(has(info, '*used_cpu_user*'), 'used_cpu_user in INFO cpu default');
      assert(!has(info, '*sentinel_tilt*'), 'no sentinel_tilt in INFO cpu default');
      assert(has(info, '*used_memory*'), 'used_memory in INFO cpu default');
      assert(has(info, '*master_repl_offset*'), 'master_repl_offset in INFO cpu default');
      assert(!has(info, '*rejected_calls*'), 'no rejected_calls in INFO cpu default');
      assert(!has(info, '*used_cpu_user_children*used_cpu_user_children*'), 'cpu section once in INFO cpu default');
    });
  });
});
