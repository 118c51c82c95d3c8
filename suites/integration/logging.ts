import { execa } from 'execa';
import os from 'node:os';
import { suite, startServer, test, tags, ctx, settings, verbose } from '../../harness/index.ts';

/**
 * Whether the server can print a backtrace: always on macOS; on Linux only when the binary links
 * glibc dynamically. musl has no backtrace(), and a static binary (ldd fails) may be musl too.
 */
async function backtraceSupported(binary: string): Promise<boolean> {
  const system = os.type().toLowerCase();
  if (system === 'darwin') return true;
  if (system !== 'linux') return false;
  const ldd = await execa('ldd', [binary], { reject: false, stdin: 'ignore' });
  // Like Tcl's exec, output on stderr counts as a failure too.
  if (ldd.failed || String(ldd.stderr) !== '') return false;
  return !/libc\..*musl/s.test(String(ldd.stdout));
}

export default suite(async () => {
  await tags(['external:skip'], async () => {
    const supported = await backtraceSupported(settings().binary);

    if (supported) {
      await startServer({ overrides: { dir: ctx().run.tmpdir('server.log') } }, async (server) => {
        await test('Server is able to generate a stack trace on selected systems', async () => {
          await server.call('config', 'set', 'watchdog-period', 200);
          await server.call('debug', 'sleep', 1);
          const res = await server.waitForLogMessages(['*debugCommand*'], 0, 100, 100);
          verbose(`${res.line} ${res.lineNumber}`);
        });
      });
    }

    // Servers under valgrind complain about dying from a signal; runtest-ts never runs valgrind.
    const crashPattern = supported ? '*STACK TRACE*' : '*crashed by signal*';

    await startServer({ overrides: { dir: ctx().run.tmpdir('server1.log'), 'crash-memcheck-enabled': 'no' } }, async (server) => {
      await test('Crash report generated on SIGABRT', async () => {
        const pid = await server.status('process_id');
        process.kill(Number(pid), 'SIGABRT');
        const res = await server.waitForLogMessages([crashPattern], 0, 50, 100);
        verbose(`${res.line} ${res.lineNumber}`);
      });
    });

    await startServer({ overrides: { dir: ctx().run.tmpdir('server2.log'), 'crash-memcheck-enabled': 'no' } }, async (server) => {
      await test('Crash report generated on DEBUG SEGFAULT', async () => {
        await server.call('debug', 'segfault').catch(() => undefined);
        const res = await server.waitForLogMessages([crashPattern], 0, 50, 100);
        verbose(`${res.line} ${res.lineNumber}`);
      });
    });
  });
});
