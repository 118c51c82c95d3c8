import { rng } from '../harness/suite/random.ts';
import { loadClient, parseHelperArgs, runMain } from './args.ts';

// SETs random keys as fast as replies come back, for `seconds` seconds.
runMain(async () => {
  const [host, port, seconds] = parseHelperArgs('gen-write-load.ts <host> <port> <seconds>', 3);
  const client = await loadClient(host, port, 9);
  const end = Date.now() + (Number(seconds) + 1) * 1000;
  const g = rng();
  while (Date.now() < end) {
    const batch: Array<Promise<unknown>> = [];
    for (let i = 0; i < 16; i++) batch.push(client.call('set', String(g.random()), String(g.random())));
    await Promise.all(batch);
  }
});
