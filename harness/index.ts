/** Everything a suite file needs: import from here only. */
export * from './assert.ts';
export { Client } from './client.ts';
export { ReplyError } from './resp.ts';
export type { Reply, Arg } from './resp.ts';
export { ServerHandle, infoField, configGet, type ClientOptions } from './instance.ts';
export { suite, startServer, spawnServer, killServer, test, tags, srv, r, settings, ctx, puts, verbose, type ServerBlockOptions } from './suite.ts';
export * from './wait.ts';
export * from './random.ts';
export * from './data.ts';
export { processIsAlive, childPid, pauseProcess, resumeProcess, isAlive } from './procs.ts';
export * from './tools.ts';
export { sleep } from './time.ts';
export { startWriteLoad, startBgComplexData, startBgBlockOp, stopLoad, LoadHandle } from './loadgen.ts';
export { ReplicationStream } from './replstream.ts';
export * from './aof.ts';
export * from './proxy.ts';
