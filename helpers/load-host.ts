import { createInterface } from 'node:readline';
import { Client } from '../harness/client/client.ts';
import { Rng } from '../harness/core/rng.ts';
import { useRandomSource } from '../harness/suite/random.ts';
import { clientTlsOptions } from '../harness/servers/tls.ts';
import { genWriteLoad } from './gen-write-load.ts';
import { bgComplexData } from './bg-complex-data.ts';
import { bgBlockOp } from './bg-block-op.ts';

// The load generators of one worker, in one process: each runs on its own connection named
// LOAD_HANDLER, as each of Tcl's tclsh helpers runs on its own, but they share one node start and
// its warm-up instead of paying for one per generator.
//   node load-host.js --run-dir DIR [--tls-dir DIR]
// Commands on stdin, a JSON line each:
//   {"op":"start","id":1,"kind":"gen-write-load","host":"127.0.0.1","port":21111,"db":9,"args":["10"],"seed":7}
//   {"op":"stop","id":1}   closes that generator's connection at once, as Tcl's kill -9 of its helper
// Events on stdout: {"id":1,"event":"connected"}, {"id":1,"event":"ended","error":"..."} (error only
// when it failed), {"id":1,"event":"stopped"}. The host exits when its stdin closes.

const GENERATORS = {
  'gen-write-load': genWriteLoad,
  'bg-complex-data': bgComplexData,
  'bg-block-op': bgBlockOp,
} satisfies Record<string, (client: Client, args: string[]) => Promise<void>>;

interface StartCommand {
  op: 'start';
  id: number;
  kind: keyof typeof GENERATORS;
  host: string;
  port: number;
  db: number;
  args: string[];
  seed: number;
}

const argv = process.argv.slice(2);
const tlsDir = argv.includes('--tls-dir') ? argv[argv.indexOf('--tls-dir') + 1] : '';
const running = new Map<number, { client: Client | null; stopped: boolean }>();

function emit(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

async function start(cmd: StartCommand): Promise<void> {
  const state: { client: Client | null; stopped: boolean } = { client: null, stopped: false };
  running.set(cmd.id, state);
  // Generators running together share this source; each start reseeds it from the run's generator.
  useRandomSource(new Rng(cmd.seed));
  let error: string | undefined;
  try {
    const client = await Client.connect({ host: cmd.host, port: cmd.port, tls: tlsDir ? clientTlsOptions(tlsDir) : undefined });
    state.client = client;
    if (state.stopped) return; // the finally below closes it
    await client.call('client', 'setname', 'LOAD_HANDLER');
    await client.call('select', cmd.db);
    emit({ id: cmd.id, event: 'connected' });
    await GENERATORS[cmd.kind](client, cmd.args);
    await client.close();
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    running.delete(cmd.id);
    state.client?.destroy(); // a failed generator's connection goes too, as with its process in Tcl
  }
  if (!state.stopped) emit({ id: cmd.id, event: 'ended', ...(error ? { error } : {}) });
}

function stop(id: number): void {
  const state = running.get(id);
  if (state) {
    state.stopped = true;
    state.client?.destroy();
  }
  emit({ id, event: 'stopped' });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as StartCommand | { op: 'stop'; id: number };
  if (cmd.op === 'start') void start(cmd);
  else stop(cmd.id);
});
lines.on('close', () => process.exit(0));
