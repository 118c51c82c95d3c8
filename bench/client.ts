// Benchmark (prints numbers, asserts nothing): the protocol client's own CPU per command, the
// part of the harness's CPU that grows with every command a suite sends. One server, then:
// sequential SET/GET round trips, pipelined SETs, LRANGE of a 100-element list, error replies.
// Prints wall µs and client CPU µs per command, and the server's CPU for the same work.
//   npx tsx bench/client.ts [--count N]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '../harness/client/client.ts';
import { processCpuSeconds, RunDir } from '../harness/core/processes.ts';
import { PortAllocator } from '../harness/servers/ports.ts';
import { RedisServer } from '../harness/servers/server.ts';

const binary = process.env.RUNTEST_SERVER ?? '/usr/bin/redis-server';
const countArg = process.argv.indexOf('--count');
const COUNT = countArg === -1 ? 20_000 : Number(process.argv[countArg + 1]);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-bench-client-'));
const run = new RunDir(tmp);
const server = await RedisServer.start({ binary, run, ports: new PortAllocator(57000, 200) });
try {
  const client = await Client.connect({ host: server.host, port: server.port });
  const cases: Array<[string, (n: number) => Promise<unknown>]> = [
    ['sequential SET', async (n) => { for (let i = 0; i < n; i++) await client.call('set', `key:${i}`, 'value'); }],
    ['sequential GET', async (n) => { for (let i = 0; i < n; i++) await client.call('get', `key:${i}`); }],
    ['pipelined SET (batches of 1000)', async (n) => {
      for (let start = 0; start < n; start += 1000) {
        const batch: Array<Promise<unknown>> = [];
        for (let i = start; i < Math.min(n, start + 1000); i++) batch.push(client.call('set', `key:${i}`, 'value'));
        await Promise.all(batch);
      }
    }],
    ['LRANGE of 100 elements', async (n) => {
      if ((await client.call('llen', 'list')) === 0) for (let i = 0; i < 100; i++) await client.call('rpush', 'list', `element:${i}`);
      for (let i = 0; i < n / 10; i++) await client.call('lrange', 'list', 0, -1);
    }],
    ['error replies', async (n) => { for (let i = 0; i < n / 2; i++) await client.call('incr', 'list').catch(() => undefined); }],
  ];
  console.log(`${COUNT} commands per case (LRANGE: ${COUNT / 10}, errors: ${COUNT / 2}) against ${binary}`);
  for (const [label, body] of cases) {
    const per = label.startsWith('LRANGE') ? COUNT / 10 : label.startsWith('error') ? COUNT / 2 : COUNT;
    await body(Math.min(per, 1000)); // warm up
    const serverBefore = processCpuSeconds(server.pid)?.own ?? 0;
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    await body(per);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpu = (processCpuSeconds(server.pid)?.own ?? 0) - serverBefore;
    const us = (x: number) => ((x * 1000) / per).toFixed(1).padStart(6);
    console.log(`${label.padEnd(34)} wall ${us(wall)} µs/cmd  client CPU ${us((cpu.user + cpu.system) / 1000)} µs/cmd  server CPU ${us(serverCpu * 1000)} µs/cmd`);
  }
  await client.close();
} finally {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
}
