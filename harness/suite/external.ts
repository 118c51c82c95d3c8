import { configGet, connectClient, ServerHandle } from '../servers/handle.ts';
import { overrideEntries } from '../servers/config.ts';
import { ExternalServerNotEmpty, type ServerBlockOptions, type UnitContext } from '../worker/context.ts';
import { waitForBgrewriteaof } from './wait.ts';
import { tclString, type Caller } from '../core/values.ts';

export async function runExternal(c: UnitContext, options: ServerBlockOptions, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const { host, port, singledb } = c.settings;
  const tlsDir = c.settings.tls ? c.settings.tlsDir : '';
  const client = await connectClient({ host, port }, singledb, {}, false, tlsDir);
  const handle = new ServerHandle(null, client, host, port, singledb, tlsDir);
  c.servers.push(handle);
  const saved: Array<[string, string]> = [];
  try {
    await checkExternalServer(c, client);
    if (c.servers.length === 1) await restoreConfigAtUnitEnd(c, client);
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

/**
 * Tests leave settings behind (type/set's large-memory block raises proto-max-bulk-len even when
 * its tests are skipped), and on a shared external server they would leak into the next unit,
 * whose tests then depend on the order of --single flags. Each unit ends with the configuration
 * it found, as each unit gets a fresh server when the harness starts them.
 */
async function restoreConfigAtUnitEnd(c: UnitContext, client: Caller): Promise<void> {
  if (c.externalConfig) return;
  const found = await configAll(client);
  c.externalConfig = found;
  c.deferCleanup(async () => {
    const restorer = await connectClient({ host: c.settings.host, port: c.settings.port }, c.settings.singledb);
    try {
      for (const [param, value] of await configAll(restorer)) {
        const before = found.get(param);
        if (before !== undefined && before !== value) await restorer.call('config', 'set', param, before).catch(() => undefined);
      }
    } finally {
      await restorer.close();
    }
  });
}

async function configAll(client: Caller): Promise<Map<string, string>> {
  const reply = await client.call('config', 'get', '*');
  const pairs = reply instanceof Map ? [...reply.entries()] : pairsOf(reply as unknown[]);
  return new Map(pairs.map(([k, v]) => [tclString(k), tclString(v)]));
}

function pairsOf(list: unknown[]): Array<[unknown, unknown]> {
  const pairs: Array<[unknown, unknown]> = [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
  return pairs;
}

/**
 * Once per worker process (external mode runs one): later units find the keys earlier units left,
 * which are the run's own. A replacement worker checks again, so it can refuse, never flush, wrongly.
 */
let externalChecked = false;

/** Refuses a server that holds keys unless --flush-external: the suites flush it. */
async function checkExternalServer(c: UnitContext, client: Caller): Promise<void> {
  if (externalChecked) return;
  externalChecked = true;
  if (c.settings.flushExternal) return;
  const keyspace = String(await client.call('info', 'keyspace'));
  const keys = [...keyspace.matchAll(/keys=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  if (keys > 0) {
    throw new ExternalServerNotEmpty(
      `the server at ${c.settings.host}:${c.settings.port} holds ${keys} key(s); the suites flush it: pass --flush-external to allow that`,
    );
  }
}
