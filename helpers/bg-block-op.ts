import { randomInt, randomValue, randpath } from '../harness/suite/random.ts';
import { loadClient, parseHelperArgs, runMain } from './args.ts';

// Pushes and blocking pops on ten lists and ten sorted sets, balanced so that clients really block.
runMain(async () => {
  const [host, port, db, ops] = parseHelperArgs('bg-block-op.ts <host> <port> <db> <ops>', 4);
  const r = await loadClient(host, port, db);
  for (let j = 0; j < Number(ops); j++) {
    const k = `list_${randomInt(10)}`;
    const k2 = `list_${randomInt(10)}`;
    const v = randomValue();
    await randpath<Promise<unknown>>(
      () => randpath(() => r.call('rpush', k, v), () => r.call('lpush', k, v)),
      () => r.call('blpop', k, 2),
      () => r.call('blpop', k, k2, 2),
    );
    const z = `zset_${randomInt(10)}`;
    const v2 = randomValue();
    await randpath<Promise<unknown>>(
      () => r.call('zadd', z, randomInt(10000), v),
      () => r.call('zadd', z, randomInt(10000), v, randomInt(10000), v2),
      () => r.call('bzpopmin', z, 2),
      () => r.call('bzpopmax', z, 2),
    );
  }
});
