import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * vitest globalSetup: the `pipec` binary (the bundle `npm run build` writes, package.json's bin) is
 * never older than its sources when a test runs it.
 *
 * Tests import src/ (vitest compiles it), so what they check is always the code in the tree; only
 * the tests about the binary itself spawn the bundle (a separate process, the package, exit codes
 * and signals). If src/ changed after the last build, this builds once before any test starts,
 * so a stale bundle can never pass or fail a test. Fresh means, as make has it: the bundle's entry
 * is newer than every file and directory under src/ and templates/ (a directory's time covers a
 * deleted file) and the build's own configuration and scripts (the launcher and code cache maker in scripts/bundle/). A failed build stops the run with the build's
 * first error.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * What the build reads. templates/ too: the build embeds them into src/targets/shipped-templates.ts
 * (scripts/embed-templates.mjs), which the in-process tests import, so a changed template is
 * built in before any test compiles with it.
 */
const INPUTS = ['src', 'templates', 'scripts/embed-templates.mjs', 'scripts/build-bundle.mjs', 'scripts/bundle', 'package.json', 'package-lock.json', 'tsconfig.json', 'rolldown.config.mjs'];

/** The newest input and its time (ms), walking directories. */
function newestInput(): { path: string; mtime: number } {
  let newest = { path: '', mtime: 0 };
  const visit = (path: string): void => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.mtimeMs > newest.mtime) newest = { path, mtime: st.mtimeMs };
    if (st.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  for (const input of INPUTS) visit(join(ROOT, input));
  return newest;
}

/** The bundle's entry point, as package.json's bin names it. */
function binPath(): string {
  return join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { pipec: string } }).bin.pipec);
}

/** Why the bundle must be rebuilt, or undefined when it is fresh. */
export function staleReason(): string | undefined {
  const bin = binPath();
  const built = statSync(bin, { throwIfNoEntry: false });
  if (!built) return `${relative(ROOT, bin)} does not exist`;
  const newest = newestInput();
  return newest.mtime > built.mtimeMs ? `${relative(ROOT, newest.path)} is newer than ${relative(ROOT, bin)}` : undefined;
}

/** Builds when stale; throws one line (the build's first error) when the build fails. */
export function ensureFreshBundle(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  const reason = staleReason();
  if (reason === undefined) return;
  const started = Date.now();
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    const first = output.split('\n').find((l) => /error/i.test(l)) ?? output.trim().split('\n').pop() ?? String(r.error);
    const e = new Error(`npm run build failed, so the pipec binary cannot be tested: ${first.trim()}`);
    e.stack = e.message;
    throw e;
  }
  log(`test setup: built the pipec binary (${reason}; npm run build, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** globalSetup entry: once before the run, and again before each watch-mode rerun. */
export default function setup(project: TestProject): void {
  ensureFreshBundle();
  project.onTestsRerun(() => ensureFreshBundle());
}
