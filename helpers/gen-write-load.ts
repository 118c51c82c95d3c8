import { Pacer } from '../harness/core/time.ts';
import { rng } from '../harness/suite/random.ts';
import type { Client } from '../harness/client/client.ts';

// Tcl's gen_write_load: SETs of random keys for `seconds` seconds, paced at a fixed rate rather than
// as fast as replies come: the rate Tcl's writers (replies unread) reach in Tcl's own default run on
// this 2-core machine (`./runtest --clients 16`, all 84 units, each writer logging its progress: 24 of
// them, 1,254,000 SETs over 109 writer-seconds, 11,500 a second on average, 8,300 to 18,400). They go
// out every 100 ms as one pipeline (few wake-ups: each costs CPU), their replies checked as raw
// protocol, so the load is the same whatever else the machine runs and costs the harness little CPU.
const WRITES_PER_SECOND = 12_000;
const TICK_MS = 100;

export async function genWriteLoad(client: Client, [seconds]: string[]): Promise<void> {
  const end = Date.now() + (Number(seconds) + 1) * 1000;
  const g = rng();
  const pacer = new Pacer(TICK_MS);
  const perTick = (WRITES_PER_SECOND * TICK_MS) / 1000;
  const ok = Buffer.from('+OK\r\n'.repeat(perTick));
  while (Date.now() < end) {
    // Sent unread (the client joins a tick's writes into one buffer); the replies are read raw.
    // Keys and values are decimal fractions like Tcl's rand() (so values stay strings, not
    // int-encoded), built from integer draws: a double's shortest decimal form costs a microsecond.
    for (let i = 0; i < perTick; i++) client.send('set', `0.${g.nextUint32()}`, `0.${g.nextUint32()}`);
    const replies = await client.readBytes(ok.length);
    if (!replies.equals(ok)) {
      const line = replies.toString().split('\r\n').find((l) => l !== '+OK') ?? '';
      throw new Error(line.startsWith('-') ? line.slice(1) : `unexpected reply to SET: ${line}`);
    }
    await pacer.tick();
  }
}
