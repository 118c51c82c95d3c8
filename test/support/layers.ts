import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { INDEX_MAY_IMPORT, LAYERS } from '../../harness/layers.ts';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** The layer a harness file belongs to: its top folder, or '' for files at harness/'s root. */
function layerOf(harnessDir: string, file: string): string {
  const rel = path.relative(harnessDir, file).split(path.sep);
  return rel.length > 1 ? rel[0] : '';
}

/** Every relative import in harness/ that runs against harness/layers.ts, as one line each. */
export function layerViolations(harnessDir: string): string[] {
  const problems: string[] = [];
  for (const file of tsFiles(harnessDir)) {
    const from = layerOf(harnessDir, file);
    const name = path.relative(path.dirname(harnessDir), file);
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = path.resolve(path.dirname(file), m[2]);
      const rel = path.relative(harnessDir, target);
      if (rel.startsWith('..')) {
        problems.push(`${name} imports ${m[2]}, outside harness/`);
        continue;
      }
      const to = layerOf(harnessDir, target);
      if (to === from) continue;
      if (from === '') {
        if (path.basename(file) === 'index.ts' && INDEX_MAY_IMPORT.includes(to)) continue;
        problems.push(`${name} imports ${m[2]}: harness/${path.basename(file)} may import only ${INDEX_MAY_IMPORT.join(', ')}`);
        continue;
      }
      const allowed = LAYERS[from];
      if (!allowed) problems.push(`${name} is in harness/${from}/, a folder harness/layers.ts does not list`);
      else if (to === '' ) problems.push(`${name} imports ${m[2]}: layers never import harness/'s root files`);
      else if (!allowed.includes(to)) {
        problems.push(`${name} imports ${m[2]}: ${from} may import only ${allowed.length ? allowed.join(', ') : 'nothing in harness/'} (harness/layers.ts)`);
      }
    }
  }
  return problems;
}

/** Suites reach the harness through harness/index.ts only (fixtures and sibling modules are fine). */
export function suiteImportViolations(suitesDir: string, harnessDir: string): string[] {
  const problems: string[] = [];
  const index = path.join(harnessDir, 'index.ts');
  for (const file of tsFiles(suitesDir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = path.resolve(path.dirname(file), m[2]);
      if (target === index || path.relative(harnessDir, target).startsWith('..')) continue;
      problems.push(`${path.relative(path.dirname(suitesDir), file)} imports ${m[2]}: suites import only harness/index.ts`);
    }
  }
  return problems;
}
