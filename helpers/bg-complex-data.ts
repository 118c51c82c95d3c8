import { createComplexDataset } from '../harness/suite/data.ts';
import type { Client } from '../harness/client/client.ts';

// Tcl's bg_complex_data at the rate its generators reach in Tcl's own default run on this 2-core
// machine (`./runtest --clients 16`, all 84 units, each generator logging its progress: 75 of them,
// 216,900 ops over 532 generator-seconds, 407 ops a second on average, 64 to 1,593; 4.4 commands an
// op). Paced, the ops of every 250 ms go out side by side as one pipeline: the load is the same
// whatever else the machine runs, and the harness pays a round trip per step, not per command.
const OPS_PER_SECOND = 400;

export async function bgComplexData(client: Client, [ops]: string[]): Promise<void> {
  await createComplexDataset(client, Number(ops), [], { opsPerSecond: OPS_PER_SECOND });
}
