// harness/ folders are layers: imports run one way only (harness/layers.ts), suites use harness/index.ts.
import t from 'tap';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/core/processes.ts';
import { layerViolations, suiteImportViolations } from './support/layers.ts';

const HARNESS = path.join(PROJECT_ROOT, 'harness');

t.test('every import in harness/ runs the way harness/layers.ts allows', async (t) => {
  t.same(layerViolations(HARNESS), []);
});

t.test('suites import the harness through harness/index.ts only', async (t) => {
  t.same(suiteImportViolations(path.join(PROJECT_ROOT, 'suites'), HARNESS), []);
});

t.test('a wrong-way import is caught and named', async (t) => {
  const copy = mkdtempSync(path.join(tmpdir(), 'layers-'));
  t.teardown(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(HARNESS, path.join(copy, 'harness'), { recursive: true });
  const client = path.join(copy, 'harness', 'client', 'wrong.ts');
  writeFileSync(client, "import { ctx } from '../worker/context.ts';\nexport const c = ctx;\n");
  const runner = path.join(copy, 'harness', 'runner', 'wrong.ts');
  writeFileSync(runner, "export const load = () => import('../servers/server.ts');\n");
  t.same(layerViolations(path.join(copy, 'harness')), [
    'harness/client/wrong.ts imports ../worker/context.ts: client may import only core (harness/layers.ts)',
    'harness/runner/wrong.ts imports ../servers/server.ts: runner may import only core (harness/layers.ts)',
  ]);
});
