// Port of tests/unit/oom-score-adj.tcl (Linux only, as upstream).
import { readFileSync, writeFileSync } from 'node:fs';
import { suite, startServer, test, r, srv, assert, assertEqual, assertError, assertMatch, childPid, fail, tclCatch, tclString, waitForCondition } from '../../harness/index.ts';

/** The first line of /proc/PID/oom_score_adj (the innermost server by default). */
function getOomScoreAdj(pid: number = srv(0).pid): string {
  return readFileSync(`/proc/${pid}/oom_score_adj`, 'latin1').split('\n')[0]!;
}

function setOomScoreAdj(score: number, pid: number = srv(0).pid): void {
  writeFileSync(`/proc/${pid}/oom_score_adj`, `${score}\n`);
}

const systemName = process.platform;
const userId = process.getuid?.() ?? 0;

export default suite(async () => {
  if (systemName !== 'linux') return;
  await startServer({ tags: ['oom-score-adj', 'external:skip'] }, async () => {
    await test('CONFIG SET oom-score-adj works as expected', async () => {
      const base = Number(getOomScoreAdj());

      // Turned on, the default class applies.
      await r('config', 'set', 'oom-score-adj-values', '10 20 30');
      await r('config', 'set', 'oom-score-adj', 'yes');

      assert(Number(getOomScoreAdj()) === base + 10, `oom_score_adj ${getOomScoreAdj()} == ${base + 10}`);

      // A new value for the current class.
      await r('config', 'set', 'oom-score-adj-values', '15 20 30');
      assert(Number(getOomScoreAdj()) === base + 15, `oom_score_adj ${getOomScoreAdj()} == ${base + 15}`);

      // The replica class.
      await r('replicaof', 'localhost', 1);
      assert(Number(getOomScoreAdj()) === base + 20, `oom_score_adj ${getOomScoreAdj()} == ${base + 20}`);
      await r('replicaof', 'no', 'one');
      assert(Number(getOomScoreAdj()) === base + 15, `oom_score_adj ${getOomScoreAdj()} == ${base + 15}`);

      // The background child's class.
      await r('set', 'key-a', 'value-a');
      await r('config', 'set', 'rdb-key-save-delay', 1000000);
      await r('bgsave');

      const child = childPid(srv(0).pid);
      // The child sets its score shortly after the fork.
      await waitForCondition(
        100,
        10,
        () => child !== null && Number(getOomScoreAdj(child)) === base + 30,
        () => fail('Set oom-score-adj of background child process is not ok'),
      );
    });

    // Only an unprivileged server can fail to lower its score.
    if (userId !== 0) {
      await test('CONFIG SET oom-score-adj handles configuration failures', async () => {
        // A value that cannot be applied.
        await r('config', 'set', 'oom-score-adj', 'no');
        await r('config', 'set', 'oom-score-adj-values', '-1000 -1000 -1000');

        // Turning it on fails...
        let e = (await tclCatch(() => r('config', 'set', 'oom-score-adj', 'yes'))).value;
        assertMatch('*Failed to set*', e);

        // ...and it stays off.
        assert(tclString(await r('config', 'get', 'oom-score-adj')) === 'oom-score-adj no', 'oom-score-adj stays no');

        // A value that can be applied.
        await r('config', 'set', 'oom-score-adj-values', '0 100 100');
        await r('config', 'set', 'oom-score-adj', 'yes');

        // Lowering it now fails...
        e = (await tclCatch(() => r('config', 'set', 'oom-score-adj-values', '-1000 -1000 -1000'))).value;
        assertMatch('*Failed*', e);

        // ...and the previous values stay.
        assert(tclString(await r('config', 'get', 'oom-score-adj-values')) === 'oom-score-adj-values {0 100 100}', 'oom-score-adj-values stay 0 100 100');
      });
    }

    await test("CONFIG SET oom-score-adj-values doesn't touch proc when disabled", async () => {
      const origOsa = Number(getOomScoreAdj());

      const otherVal1 = origOsa + 1;
      const otherVal2 = origOsa + 2;

      await r('config', 'set', 'oom-score-adj', 'no');

      setOomScoreAdj(otherVal2);
      assertEqual(getOomScoreAdj(), otherVal2);

      await r('config', 'set', 'oom-score-adj-values', `${otherVal1} ${otherVal1} ${otherVal1}`);

      assertEqual(getOomScoreAdj(), otherVal2);
    });

    await test('CONFIG SET oom score restored on disable', async () => {
      await r('config', 'set', 'oom-score-adj', 'no');
      setOomScoreAdj(22);
      assertEqual(getOomScoreAdj(), 22);

      await r('config', 'set', 'oom-score-adj-values', '9 9 9', 'oom-score-adj', 'yes');
      assertEqual(getOomScoreAdj(), 9 + 22);

      await r('config', 'set', 'oom-score-adj', 'no');
      assertEqual(getOomScoreAdj(), 22);
    });

    await test('CONFIG SET oom score relative and absolute', async () => {
      const customOom = 9;
      await r('config', 'set', 'oom-score-adj', 'no');
      const baseOom = Number(getOomScoreAdj());

      await r('config', 'set', 'oom-score-adj-values', `${customOom} ${customOom} ${customOom}`, 'oom-score-adj', 'relative');
      assertEqual(getOomScoreAdj(), baseOom + customOom);

      await r('config', 'set', 'oom-score-adj', 'absolute');
      assertEqual(getOomScoreAdj(), customOom);
    });

    await test('CONFIG SET out-of-range oom score', async () => {
      await assertError('ERR *must be between -2000 and 2000*', () => r('config', 'set', 'oom-score-adj-values', '-2001 -2001 -2001'));
      await assertError('ERR *must be between -2000 and 2000*', () => r('config', 'set', 'oom-score-adj-values', '2001 2001 2001'));
    });
  });
});
