import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { isAlive, processState } from '../harness/core/processes.ts';
import { pingOnce, RedisServer, ServerStartError } from '../harness/servers/server.ts';
import { infoField } from '../harness/servers/handle.ts';
import { testRun } from './support/env.ts';

t.test('start: own dir, port and socket; ready means PING answers', async (t) => {
  const { ctx } = testRun(t, 52000);
  const server = await RedisServer.start(ctx, { overrides: { save: '' } });
  t.teardown(() => server.kill('SIGKILL'));
  t.ok(server.isAlive());
  t.ok(await pingOnce(server.host, server.port));
  t.match(server.log(), /Ready to accept/);
  t.ok(existsSync(server.unixsocket), 'unix socket in its dir');
  t.match(readFileSync(server.configFile, 'utf8'), new RegExp(`^port ${server.port}$`, 'm'));
  t.match(readFileSync(server.configFile, 'utf8'), /^save ""$/m);
  t.equal(server.dir.startsWith(ctx.run.dir), true);
  t.ok(ctx.run.trackedPids().includes(server.pid), 'pid is tracked for cleanup');
});

t.test('stop: fast by default, graceful on request; both leave no process', async (t) => {
  const { ctx } = testRun(t, 52200);
  const fast = await RedisServer.start(ctx);
  const pid = fast.pid;
  const started = Date.now();
  await fast.stop();
  t.notOk(isAlive(pid), 'fast stop ended the process');
  t.ok(Date.now() - started < 1000, 'fast stop does not wait for SIGTERM handling');
  t.notOk(ctx.run.trackedPids().includes(pid), 'untracked after exit');

  const graceful = await RedisServer.start(ctx);
  await graceful.stop({ graceful: true });
  t.notOk(graceful.isAlive());
  t.match(graceful.log(), /Redis is now ready to exit, bye bye/);
});

t.test('restart keeps port, dir and config; data saved on SIGTERM survives', async (t) => {
  const { ctx } = testRun(t, 52400);
  const server = await RedisServer.start(ctx);
  t.teardown(() => server.kill('SIGKILL'));
  const { port, dir, configFile } = server;
  const oldPid = server.pid;
  const client = net.connect(port, server.host);
  await new Promise((resolve) => client.once('connect', resolve));
  client.write('SET k v\r\n');
  await new Promise((resolve) => client.once('data', resolve));
  client.destroy();
  await server.restart();
  t.not(server.pid, oldPid, 'new process');
  t.equal(server.port, port);
  t.equal(server.dir, dir);
  t.equal(server.configFile, configFile);
  t.notOk(isAlive(oldPid));
  const reply = await new Promise<string>((resolve) => {
    const c = net.connect(port, server.host, () => c.write('GET k\r\n'));
    c.once('data', (b) => (c.destroy(), resolve(b.toString())));
  });
  t.equal(reply, '$1\r\nv\r\n', 'dataset reloaded from the RDB written at shutdown');
});

t.test('restart with rotated logs moves the old log aside', async (t) => {
  const { ctx } = testRun(t, 52500);
  const server = await RedisServer.start(ctx);
  t.teardown(() => server.kill('SIGKILL'));
  await server.restart({ rotateLogs: true });
  t.equal(server.log().split('\n').filter((l) => l.includes('Ready to accept')).length, 1, 'fresh log');
});

t.test('kill with any signal; pause and resume confirmed by process state', async (t) => {
  const { ctx } = testRun(t, 52600);
  const server = await RedisServer.start(ctx);
  t.teardown(() => server.kill('SIGKILL'));
  await server.pause();
  t.equal(processState(server.pid), 'T');
  t.notOk(await pingOnce(server.host, server.port, 200), 'paused server does not answer');
  await server.resume();
  t.not(processState(server.pid), 'T');
  t.ok(await pingOnce(server.host, server.port));
  await server.kill('SIGSEGV');
  t.notOk(server.isAlive());
  t.equal(server.exitStatus.signal, 'SIGSEGV');
  t.match(server.crashReport(), /REDIS BUG REPORT START/, 'crash report found in the log');
});

t.test('a port taken between probe and bind: the start retries on another port', async (t) => {
  const { ctx } = testRun(t, 52800);
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(52850, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const offered = [52850, 52851];
  const events: string[] = [];
  const server = await RedisServer.start(
    { ...ctx, ports: { take: async () => offered.shift()! }, onEvent: (e) => events.push(`${e.kind}:${e.port}`) },
    {},
  );
  t.teardown(() => server.kill('SIGKILL'));
  t.equal(server.port, 52851);
  t.ok(events.includes('port-busy:52850'), 'busy port reported');
  t.ok(await pingOnce(server.host, 52851));
});

t.test('an override that stops the server from starting fails with its config and log', async (t) => {
  const { ctx } = testRun(t, 53000);
  const err = await RedisServer.start(ctx, { overrides: { 'no-such-directive': 'yes' } }).catch((e) => e);
  t.type(err, ServerStartError);
  t.match(err.message, /^Can't start the Redis server\nCONFIGURATION:\n/);
  t.match(err.message, /no-such-directive yes/, 'config shown');
  t.match(err.message, /Bad directive or wrong number of arguments/, 'server log shown');
  t.same(ctx.run.trackedPids(), [], 'nothing left tracked');
});

t.test('waitReady false returns once the process runs', async (t) => {
  const { ctx } = testRun(t, 53200);
  const server = await RedisServer.start(ctx, { waitReady: false });
  t.teardown(() => server.kill('SIGKILL'));
  t.ok(server.isAlive());
});

t.test('infoField: the value of a whole field name on any line, none for a prefix or a missing field', async (t) => {
  const info = '# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\nlast_field:x';
  t.equal(infoField(info, 'redis_version'), '7.0.15');
  t.equal(infoField(info, 'used_memory'), '1024');
  t.equal(infoField(info, 'used_memory_human'), '1.00K');
  t.equal(infoField(info, 'last_field'), 'x');
  t.equal(infoField('first:1\r\nsecond:2', 'first'), '1');
  t.equal(infoField(info, 'memory'), undefined);
  t.equal(infoField(info, 'used'), undefined);
});
