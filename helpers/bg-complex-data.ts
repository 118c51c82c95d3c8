import { createComplexDataset } from '../harness/suite/data.ts';
import type { Client } from '../harness/client/client.ts';

// Tcl's bg_complex_data, at the rate it reaches on a quiet machine (about 1,000 ops a second here,
// 4.4 commands each). Paced, the ops of every 250 ms go out side by side as one pipeline: the load
// holds whatever else the machine runs, and the harness pays a round trip per step, not per command.
const OPS_PER_SECOND = 1000;

export async function bgComplexData(client: Client, [ops]: string[]): Promise<void> {
  await createComplexDataset(client, Number(ops), [], { opsPerSecond: OPS_PER_SECOND });
}
