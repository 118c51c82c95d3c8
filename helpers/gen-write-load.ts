import { rng } from '../harness/suite/random.ts';
import { loadClient, parseHelperArgs, runMain } from './args.ts';

// SETs random keys for `seconds` seconds, one at a time as Tcl's gen_write_load sends them: the
// next SET leaves when the last reply is in, so the load follows the server's pace instead of
// spinning a core on a pipeline.
runMain(async () => {
  const [host, port, seconds] = parseHelperArgs('gen-write-load.ts <host> <port> <seconds>', 3);
  const client = await loadClient(host, port, 9);
  const end = Date.now() + (Number(seconds) + 1) * 1000;
  const g = rng();
  while (Date.now() < end) await client.call('set', String(g.random()), String(g.random()));
});
