// One-shot server runs and raw connection access, against the real binary.
import t from 'tap';
import { Client } from '../harness/client/client.ts';
import { defaultSettings } from '../harness/core/settings.ts';
import { RedisServer } from '../harness/servers/server.ts';
import { runServerOnce, tclExec } from '../harness/tools/programs.ts';
import { setContext, UnitContext } from '../harness/worker/context.ts';
import { SERVER_BINARY, testRun } from './support/env.ts';

function unitContext(t: Parameters<typeof testRun>[0], basePort: number) {
  const { run, ports, ctx } = testRun(t, basePort);
  const unit = new UnitContext(defaultSettings({ binary: SERVER_BINARY }), 'selftest/programs', run, ports, () => undefined);
  setContext(unit);
  t.teardown(async () => {
    await unit.stopAll();
    setContext(null);
  });
  return { unit, spawn: ctx };
}

t.test('runServerOnce: output and exit code of a server that refuses its arguments', async (t) => {
  unitContext(t, 53000);
  const r = await runServerOnce(['--port']);
  t.equal(r.exitCode, 1);
  t.equal(r.timedOut, false);
  t.match(r.all, /FATAL CONFIG FILE ERROR/);
  t.match(r.all, /'port'/);
  t.match(r.all, /wrong number of arguments/);
  t.throws(() => tclExec([r]), /wrong number of arguments/, "words it as Tcl's catch {exec ...} err does");
  const duplicate = await runServerOnce(['--user', 'foo', '--user', 'foo']);
  t.match(duplicate.all, /Error in user declaration 'foo': Duplicate user found/);
});

t.test('runServerOnce: a server that starts is killed at the timeout and leaves nothing', async (t) => {
  const { unit } = unitContext(t, 53100);
  const port = await unit.ports.take();
  const r = await runServerOnce(['--port', String(port), '--bind', '127.0.0.1', '--save', ''], { timeoutMs: 1500 });
  t.equal(r.timedOut, true);
  t.match(r.stdout, /Ready to accept/);
  t.same(unit.run.trackedPids(), [], 'nothing tracked any more');
});

t.test('rawRead returns what has arrived without waiting; endWrites half-closes', async (t) => {
  const { spawn } = unitContext(t, 53200);
  const server = await RedisServer.start(spawn, { overrides: { save: '' } });
  t.teardown(() => server.kill('SIGKILL'));
  const c = await Client.connect({ port: server.port });
  t.teardown(() => c.destroy());
  t.same(c.rawRead(), Buffer.alloc(0), 'nothing buffered: empty, at once');
  c.writeRaw('PING\r\nECHO\r\n');
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(c.rawRead().toString(), "+PONG\r\n-ERR wrong number of arguments for 'echo' command\r\n");
  t.same(c.rawRead(), Buffer.alloc(0), 'taken once');
  c.send('ping');
  const pending = c.read();
  t.throws(() => c.rawRead(), /reads are pending/);
  t.equal(await pending, 'PONG');
  c.send('set', 'k', 'v');
  c.endWrites();
  t.equal(await c.read(), 'OK', 'the reply to a command sent before the half-close still arrives');
});
