/**
 * Which harness folder may import which: imports run downward only. test/layers.test.ts reads
 * every import line of harness/ and fails on one that runs the wrong way.
 *
 *   runner   the runner process: command line, unit selection and shards, scheduling, reporters
 *   worker   the worker process: worker main, the unit context, failure artifacts
 *   tools    tools and faults: AOF files, replication stream, load generators, redis-cli, link proxy
 *   suite    the suite API: blocks, test(), external mode, assertions, waits, data helpers
 *   servers  a server process, its config, ports, the handle tests see
 *   client   the RESP protocol client
 *   core     shared by both processes: runner<->worker messages, settings, globs, tag rules,
 *            seeded generator, the process registry, Tcl values
 */
export const LAYERS: Record<string, readonly string[]> = {
  runner: ['core'],
  tools: ['suite', 'worker', 'servers', 'client', 'core'],
  suite: ['worker', 'servers', 'client', 'core'],
  worker: ['servers', 'client', 'core'],
  servers: ['client', 'core'],
  client: ['core'],
  core: [],
};

/** harness/index.ts is what suites import: every layer but the runner. */
export const INDEX_MAY_IMPORT: readonly string[] = ['tools', 'suite', 'worker', 'servers', 'client', 'core'];
