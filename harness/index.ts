/** Everything a suite file needs: import from here only. */
export * from './suite/assert.ts';
export { Client } from './client/client.ts';
export { ReplyError } from './client/resp.ts';
export type { Reply, Arg } from './client/resp.ts';
export { ServerHandle, infoField, configGet, type ClientOptions } from './servers/handle.ts';
export { suite, startServer, spawnServer, killServer, tags, srv, r } from './suite/blocks.ts';
export { test, type TestOptions } from './suite/test.ts';
export { settings, ctx, puts, verbose, type ServerBlockOptions } from './worker/context.ts';
export * from './suite/wait.ts';
export * from './suite/random.ts';
export * from './suite/data.ts';
export { processIsAlive, childPid, pauseProcess, resumeProcess, isAlive } from './core/processes.ts';
export * from './tools/programs.ts';
export { sleep } from './core/time.ts';
export { startWriteLoad, startBgComplexData, startBgBlockOp, stopLoad, LoadHandle } from './tools/loadgen.ts';
export { ReplicationStream } from './tools/replstream.ts';
export * from './tools/aof.ts';
export * from './tools/proxy.ts';
