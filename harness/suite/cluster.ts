/**
 * Cluster helpers: the port of tests/support/cluster_helper.tcl (start_cluster, cluster_setup and
 * the waits it uses), start_multiple_servers from server.tcl, and cluster_info/csi/CI.
 *
 * Node indexes follow Tcl: `CI i` and the setup's `R i` address srv(-i), so node 0 is the
 * innermost server; masters are nodes 0..masters-1, and replicas are given to masters round robin.
 */
import { tclString, fail, type Caller } from '../core/values.ts';
import { infoField, type ServerHandle } from '../servers/handle.ts';
import { ctx, type ServerBlockOptions } from '../worker/context.ts';
import { startServer, srv } from './blocks.ts';
import { waitForCondition } from './wait.ts';

export interface ClusterOptions {
  tags?: string[];
  overrides?: Record<string, string>;
}

/** Gives slots to the first `masters` nodes (Tcl's slot_allocator argument). */
export type SlotAllocator = (masters: number) => Promise<void>;

/** One CLUSTER INFO field, '' when absent (Tcl cluster_info / getInfoProperty). */
export async function clusterInfo(handle: Caller, field: string): Promise<string> {
  return infoField(String(await handle.call('cluster', 'info')), field) ?? '';
}

/** Tcl `csi ?level? field`: a CLUSTER INFO field of srv(level), as `s` reads INFO. */
export function csi(field: string): Promise<string>;
export function csi(level: number, field: string): Promise<string>;
export function csi(a: number | string, b?: string): Promise<string> {
  return typeof a === 'number' ? clusterInfo(srv(a), b!) : clusterInfo(srv(0), a);
}

/** Tcl `CI index field`: a CLUSTER INFO field of node `index` (srv(-index)). */
export function CI(index: number, field: string): Promise<string> {
  return clusterInfo(node(index), field);
}

function node(index: number): ServerHandle {
  return srv(-index);
}

/** Tcl `llength $::servers`: every server of the enclosing blocks. */
function serverCount(): number {
  return ctx().servers.length;
}

/** Every server reports the same CLUSTER SLOTS (Tcl cluster_config_consistent). */
export async function clusterConfigConsistent(): Promise<boolean> {
  let base: string | undefined;
  for (let j = 0; j < serverCount(); j++) {
    const slots = tclString(await node(j).call('cluster', 'slots'));
    if (j === 0) base = slots;
    else if (slots !== base) return false;
  }
  return true;
}

/** The first clusterSize nodes each know clusterSize nodes (Tcl cluster_size_consistent). */
export async function clusterSizeConsistent(clusterSize: number): Promise<boolean> {
  for (let j = 0; j < clusterSize; j++) {
    if ((await CI(j, 'cluster_known_nodes')) !== String(clusterSize)) return false;
  }
  return true;
}

/** Tcl wait_for_cluster_propagation. */
export async function waitForClusterPropagation(): Promise<void> {
  await waitForCondition(50, 100, () => clusterConfigConsistent(), 'cluster config did not reach a consistent state');
}

/** Tcl wait_for_cluster_size. */
export async function waitForClusterSize(clusterSize: number): Promise<void> {
  await waitForCondition(50, 100, () => clusterSizeConsistent(clusterSize), `cluster size did not reach a consistent size ${clusterSize}`);
}

/** Tcl wait_for_cluster_state: every server, one after the other, reaches the state. */
export async function waitForClusterState(state: string): Promise<void> {
  for (let j = 0; j < serverCount(); j++) {
    await waitForCondition(100, 50, async () => (await CI(j, 'cluster_state')) === state, async () =>
      fail(`Cluster node ${j} cluster_state:${await CI(j, 'cluster_state')}`),
    );
  }
}

/** Tcl continuous_slot_allocation: each master a contiguous block of about 16384/masters slots. */
export async function continuousSlotAllocation(masters: number): Promise<void> {
  const avg = 16384 / masters;
  let slotStart = 0;
  for (let j = 0; j < masters; j++) {
    const slotEnd = Math.ceil((j + 1) * avg) - 1;
    await node(j).call('cluster', 'addslotsrange', slotStart, slotEnd);
    slotStart = slotEnd + 1;
  }
}

/** Tcl cluster_setup: meet, assign slots, attach replicas, wait until every node is ok, run body. */
async function clusterSetup(masters: number, nodeCount: number, slotAllocator: SlotAllocator, body: () => Promise<void>): Promise<void> {
  const first = node(0);
  for (let i = 1; i < nodeCount; i++) await first.call('cluster', 'meet', node(i).host, node(i).port);

  await slotAllocator(masters);
  await waitForClusterPropagation();

  for (let i = 0; i < masters; i++) {
    const nodeId = String(await node(i).call('cluster', 'myid'));
    for (let j = i + masters; j < nodeCount; j += masters) await node(j).call('cluster', 'replicate', nodeId);
  }

  await waitForClusterPropagation();
  await waitForClusterState('ok');
  await body();
}

/** Tcl start_multiple_servers: n nested start_server blocks with the same options. */
export async function startMultipleServers(n: number, options: ServerBlockOptions, body: () => Promise<void>): Promise<void> {
  const nest = async (level: number): Promise<void> => {
    if (level === n) return body();
    await startServer(options, () => nest(level + 1));
  };
  await nest(0);
}

/**
 * Tcl start_cluster: masters + replicas cluster-enabled servers (cluster-node-timeout 500), set up
 * as a cluster before the body runs. As in Tcl, clients skip SELECT meanwhile (singledb).
 * Upstream's options replace its cluster overrides when the caller passes overrides too; here the
 * caller's overrides are merged over them, so cluster-enabled stays on.
 */
export async function startCluster(
  masters: number,
  replicas: number,
  options: ClusterOptions,
  body: () => Promise<void>,
  slotAllocator: SlotAllocator = continuousSlotAllocation,
): Promise<void> {
  const nodeCount = masters + replicas;
  const serverOptions: ServerBlockOptions = {
    tags: options.tags,
    overrides: { 'cluster-enabled': 'yes', 'cluster-node-timeout': '500', ...options.overrides },
  };
  const run = ctx().settings;
  const oldSingledb = run.singledb;
  run.singledb = true;
  try {
    await startMultipleServers(nodeCount, serverOptions, () => clusterSetup(masters, nodeCount, slotAllocator, body));
  } finally {
    run.singledb = oldSingledb;
  }
}
