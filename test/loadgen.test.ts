import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../harness/core/processes.ts';

const RUNTEST = path.join(PROJECT_ROOT, 'runtest');

t.test('load generators: write, stop, fail as suites expect; their host leaves nothing behind', async (t) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'runtest-loadgen-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const env = { RUNTEST_SUITES_DIR: path.join(PROJECT_ROOT, 'test', 'fixture-suites'), RUNTEST_TMPDIR: tmp, NO_COLOR: '1' };
  const r = await execa(RUNTEST, ['--baseport', '57000', '--portcount', '200', '--single', 'integration/load-generators', '--seed', '3'], { env, reject: false, all: true });
  t.equal(r.exitCode, 0, r.all);
  t.match(r.all, /^5 passed, 0 failed$/m);
  const hosts = await execa('pgrep', ['-f', `load-host.*${tmp}`], { reject: false });
  t.equal(hosts.stdout.trim(), '', 'no load generator host left running');
});
