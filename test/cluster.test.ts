// harness/suite/cluster.ts: startCluster builds a working cluster (run through ./runtest).
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');
const SUITES = path.join(PROJECT_ROOT, 'test', 'fixture-suites');

t.test('startCluster(3, 3) reaches cluster_state:ok on every node', async (t) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-cluster-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const env = { RUNTEST_SUITES_DIR: SUITES, RUNTEST_TMPDIR: tmp, NO_COLOR: '1' };
  // Cluster bus ports are port + 10000: keep the range well below 55535.
  const r = await execa(RUNTEST, ['--baseport', '48000', '--portcount', '400', '--single', 'integration/cluster', '--clients', '1'], {
    env,
    reject: false,
    all: true,
  });
  t.equal(r.exitCode, 0, r.all);
  t.match(r.all, /^\[ok\]: startCluster\(3, 3\) reaches cluster_state:ok \(\d+ ms\)$/m);
  t.match(r.all, /^\[ok\]: masters own contiguous slot ranges and replicas follow them round robin \(\d+ ms\)$/m);
  t.match(r.all, /^\[ok\]: clients skip SELECT in cluster mode \(\d+ ms\)$/m);
  t.match(r.all, /\n3 passed, 0 failed$/);
});
