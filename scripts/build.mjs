#!/usr/bin/env node
// Compiles the TypeScript tree into .build/ (plain ESM, relative imports rewritten to .js), so
// the runner, its workers and the load generators start as plain node processes instead of
// paying for tsx in each. Only sources whose content changed are compiled again; outputs are
// written through a rename, so concurrent runs never read a half-written file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, '.build');
const SOURCES = ['run-tests.ts', 'harness', 'suites', 'helpers', 'fixtures', 'test/fixture-suites'];
const SKIP = new Set(['node_modules', '.build', 'tmp', '.git']);

function tsFiles(entry) {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return entry.endsWith('.ts') ? [entry] : [];
  return readdirSync(entry, { withFileTypes: true }).flatMap((e) => (SKIP.has(e.name) ? [] : tsFiles(path.join(entry, e.name))));
}

const extra = process.env.RUNTEST_SUITES_DIR ? [path.resolve(process.env.RUNTEST_SUITES_DIR)] : [];
const files = [...new Set([...SOURCES.map((s) => path.join(ROOT, s)), ...extra].flatMap(tsFiles))];
const manifestFile = path.join(OUT, 'manifest.json');
let manifest = {};
try {
  manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
} catch {
  /* first build */
}
const outputOf = (file) => path.join(OUT, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
const hashes = new Map(files.map((f) => [f, createHash('sha1').update(readFileSync(f)).digest('hex')]));
const stale = files.filter((f) => manifest[path.relative(ROOT, f)] !== hashes.get(f) || !existsSync(outputOf(f)));

function writeAtomic(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

if (stale.length > 0) {
  const { build } = await import('esbuild'); // only when there is work: it costs more than the check
  const result = await build({
    entryPoints: stale,
    outdir: OUT,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    write: false,
    logLevel: 'error',
  });
  for (const out of result.outputFiles) {
    // Relative imports of .ts files become imports of their compiled .js twins.
    writeAtomic(out.path, out.text.replace(/(["'])(\.{1,2}\/[^"'\n]*?)\.ts\1/g, '$1$2.js$1'));
  }
  const next = { ...manifest };
  for (const f of stale) next[path.relative(ROOT, f)] = hashes.get(f);
  writeAtomic(manifestFile, JSON.stringify(next));
}
