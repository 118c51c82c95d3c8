import { randomInt, randomValue, randpath } from '../harness/suite/random.ts';
import type { Client } from '../harness/client/client.ts';

// Tcl's bg_block_op: pushes and blocking pops on ten lists and ten sorted sets, balanced so that
// clients really block (it waits on the server most of the time: no pacing needed).
export async function bgBlockOp(r: Client, [ops]: string[]): Promise<void> {
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
}
