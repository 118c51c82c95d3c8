import net from 'node:net';
import os from 'node:os';
import { Client } from '../client/client.ts';
import type { ServerHandle } from '../servers/handle.ts';
import { ctx } from '../worker/context.ts';

/** Tcl `tmpdir name`: a fresh directory inside the run directory. */
export function tmpdir(basename: string): string {
  return ctx().run.tmpdir(basename);
}

/** Tcl find_available_port: a port of this worker's range that is free, with its cluster-bus twin. */
export function findAvailablePort(): Promise<number> {
  return ctx().ports.take();
}

/** A port known to be taken (Tcl's $::test_server_port): a listener on a free port, closed at the unit's end. */
export async function portInUse(): Promise<number> {
  const port = await findAvailablePort();
  const listener = net.createServer((sock) => sock.destroy());
  await new Promise<void>((resolve, reject) => listener.once('error', reject).listen({ port, host: '127.0.0.1', exclusive: true }, resolve));
  ctx().deferCleanup(() => new Promise<void>((resolve) => listener.close(() => resolve())));
  return port;
}

/**
 * Tcl get_nonloopback_addr: this host's first non-loopback IPv4 address, or '' (the Tcl tests
 * then skip their checks, as on a host without one). Only with RUNTEST_NONLOOPBACK=1: by default
 * the harness sends nothing beyond 127.0.0.0/8, which sandboxed CI machines forbid.
 */
export function getNonloopbackAddr(): string {
  if (process.env.RUNTEST_NONLOOPBACK !== '1') return '';
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '';
}

/** Tcl get_nonloopback_client: a client of the server through the non-loopback address. */
export async function getNonloopbackClient(handle: ServerHandle): Promise<Client> {
  const host = getNonloopbackAddr();
  if (!host) throw new Error('no non-loopback address (set RUNTEST_NONLOOPBACK=1 to allow one)');
  const client = await Client.connect({ host, port: handle.port, tls: handle.clientTls() });
  ctx().deferCleanup(() => client.destroy());
  return client;
}
