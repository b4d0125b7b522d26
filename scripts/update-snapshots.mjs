// `npm run snapshots:update [-- FILES]`: refreshes every golden file, and nothing else.
//
// A golden is a file in the repository that a test computes in-process from src/ and compares
// byte for byte: compile output (test/golden), graphs (test/golden-graph), CLI scenarios
// (test/cli), diagnostics (test/fixtures/**/*.out), plan renderings (test/live/golden), ops output
// (test/ops/golden), docs/providers.md and schema/pipeline.schema.json. Every such test goes
// through test/support/golden.ts; this runs exactly the test files that import it (directly or
// through another support module) with PIPEC_UPDATE_GOLDEN=1, which makes them write their
// goldens before comparing. Given FILES, only those; with --list, prints the files and runs
// nothing. Review the result with `git diff`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GOLDEN_MODULE = join(ROOT, 'test', 'support', 'golden.ts');

/** Every *.test.ts under test/, sorted. */
function testFiles(dir = join(ROOT, 'test')) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'fixtures' && e.name !== 'node_modules') out.push(...testFiles(p));
    } else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

/** The relative modules a TypeScript file imports, as paths of .ts files that exist. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), m[1]).replace(/\.js$/, '.ts');
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** Whether `file` reaches the golden module through its relative imports. */
function usesGoldens(file, seen = new Set()) {
  if (file === GOLDEN_MODULE) return true;
  if (seen.has(file)) return false;
  seen.add(file);
  return importsOf(file).some((f) => usesGoldens(f, seen));
}

const args = process.argv.slice(2);
const listOnly = args.includes('--list');
const requested = args.filter((a) => a !== '--list').map((f) => resolve(f));
const files = requested.length > 0 ? requested : testFiles().filter((f) => usesGoldens(f));
if (files.length === 0) {
  console.error('update-snapshots: no test file uses test/support/golden.ts');
  process.exit(1);
}
if (listOnly) {
  for (const f of files) console.log(relative(ROOT, f));
  process.exit(0);
}
console.log(`refreshing goldens of ${files.length} test files: ${files.map((f) => relative(ROOT, f)).join(' ')}`);
const vitest = join(ROOT, 'node_modules', '.bin', 'vitest');
const r = spawnSync(vitest, ['run', ...files.map((f) => relative(ROOT, f))], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PIPEC_UPDATE_GOLDEN: '1' } });
if (r.status === 0) console.log('goldens refreshed; review them with `git diff` before committing');
process.exit(r.status ?? 1);
