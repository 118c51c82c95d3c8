import { configGet, connectClient, ServerHandle } from '../servers/handle.ts';
import { overrideEntries } from '../servers/config.ts';
import { ExternalServerNotEmpty, type ServerBlockOptions, type UnitContext } from '../worker/context.ts';
import { waitForBgrewriteaof } from './wait.ts';
import type { Caller } from '../core/values.ts';

export async function runExternal(c: UnitContext, options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const { host, port, singledb } = c.settings;
  const tlsDir = c.settings.tls ? c.settings.tlsDir : '';
  const client = await connectClient({ host, port }, singledb, {}, false, tlsDir);
  const handle = new ServerHandle(null, client, host, port, singledb, tlsDir);
  c.servers.push(handle);
  const saved: Array<[string, string]> = [];
  try {
    await checkExternalServer(c, client);
    await client.call('flushall');
    await client.call('function', 'flush');
    for (const [param, value] of overrideEntries(options.overrides)) {
      saved.push([param, await configGet(client, param)]);
      await client.call('config', 'set', param, value);
      // A BG* command right after would fail while the rewrite that appendonly starts runs.
      if (param === 'appendonly' && value === 'yes') await waitForBgrewriteaof(handle);
    }
    await body(handle);
  } finally {
    for (const [param, value] of saved) await client.call('config', 'set', param, value).catch(() => undefined);
    c.servers.pop();
    handle.closeClients();
  }
}

/** Refuses a server that holds keys unless --flush-external: the suites flush it. */
async function checkExternalServer(c: UnitContext, client: Caller): Promise<void> {
  if (c.externalChecked) return;
  c.externalChecked = true;
  if (c.settings.flushExternal) return;
  const keyspace = String(await client.call('info', 'keyspace'));
  const keys = [...keyspace.matchAll(/keys=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  if (keys > 0) {
    throw new ExternalServerNotEmpty(
      `the server at ${c.settings.host}:${c.settings.port} holds ${keys} key(s); the suites flush it: pass --flush-external to allow that`,
    );
  }
}
