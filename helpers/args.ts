import { Client } from '../harness/client/client.ts';
import { useRandomSource } from '../harness/suite/random.ts';
import { Rng } from '../harness/core/rng.ts';
import { clientTlsOptions } from '../harness/servers/tls.ts';

/** TLS mode (--tls-dir DIR): the certificate directory the generator's client uses. */
let tlsDir = '';

/**
 * Positional arguments of a load generator; --seed seeds its draws, --run-dir only marks it as
 * the run's, --tls-dir makes it speak TLS.
 */
export function parseHelperArgs(usage: string, count: number): string[] {
  const argv = process.argv.slice(2);
  const positional: string[] = [];
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seed') seed = Number(argv[++i]);
    else if (argv[i] === '--tls-dir') tlsDir = argv[++i];
    else if (argv[i] === '--run-dir') i++;
    else positional.push(argv[i]);
  }
  if (positional.length !== count) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  useRandomSource(new Rng(seed));
  return positional;
}

/** A connection named LOAD_HANDLER (wait_load_handlers_disconnected looks for it), announced on stdout. */
export async function loadClient(host: string, port: string, db: number | string): Promise<Client> {
  const client = await Client.connect({ host, port: Number(port), tls: tlsDir ? clientTlsOptions(tlsDir) : undefined });
  await client.call('client', 'setname', 'LOAD_HANDLER');
  await client.call('select', db);
  process.stdout.write('connected\n'); // startLoadGenerator waits for this line
  return client;
}

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
