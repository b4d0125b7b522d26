import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';

/**
 * The bundle's loader (scripts/bundle/load.js, dist/bundle/load.js) and the V8 code cache the build
 * makes (scripts/build-bundle.mjs): the chunks a compile loads have a cache that this Node accepts, and
 * a cache that does not fit (another Node, a damaged or missing file) costs speed, never correctness:
 * pipec then compiles the chunk from its source, prints nothing more and writes the same bytes.
 */
const BUNDLE = join(ROOT, 'dist', 'bundle');
const MINIMAL = join(ROOT, 'examples', 'minimal', 'pipeline.yml');
const scratch = mkdtempSync(join(tmpdir(), 'pipec-bundle-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compiles the minimal example with the bin at `bin` and returns what it did and wrote. */
function compileMinimal(bin: string, name: string): { status: number | null; stdout: string; stderr: string; json: string } {
  const out = join(scratch, `out-${name}`);
  const r = spawnSync(process.execPath, [bin, 'compile', MINIMAL, '--out', out], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  let json = '';
  try {
    json = readFileSync(join(out, 'web', 'codepipeline.json'), 'utf8');
  } catch {}
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split(out).join('OUT'), json };
}

/** A copy of the bundle in its own package folder (templates beside it, as in the package), changed by `change`. */
function bundleCopy(name: string, change: (dir: string) => void): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'dist'), { recursive: true });
  cpSync(BUNDLE, join(root, 'dist', 'bundle'), { recursive: true });
  symlinkSync(join(ROOT, 'templates'), join(root, 'templates'));
  change(join(root, 'dist', 'bundle'));
  return join(root, 'dist', 'bundle', 'pipec.js');
}

describe('the V8 code cache of the bundle', () => {
  it('exists for every chunk a compile loads, and this Node accepts each', () => {
    const script = `
      const loader = require(${JSON.stringify(join(BUNDLE, 'load.js'))});
      loader.load('bin.js').main(['compile', ${JSON.stringify(MINIMAL)}, '--out', ${JSON.stringify(join(scratch, 'in-process'))}, '--quiet'],
        { cwd: ${JSON.stringify(ROOT)}, env: {}, stdout: process.stdout, stderr: process.stderr, stdinIsTTY: false })
        .then((code) => { const { caches, rejected } = loader.codeCaches(); console.log(JSON.stringify({ code, loaded: caches.map((c) => c.name), rejected })); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.stderr).toBe('');
    const { code, loaded, rejected } = JSON.parse(r.stdout) as { code: number; loaded: string[]; rejected: string[] };
    expect(code).toBe(0);
    expect(loaded).toContain('model.js');
    expect(loaded).toContain('compile.js');
    expect(rejected).toEqual([]);
    const caches = readdirSync(BUNDLE).filter((f) => f.endsWith('.cache'));
    for (const chunk of loaded) expect(caches, chunk).toContain(`${chunk}.cache`);
  });

  it('a cache that does not fit or is missing changes nothing but speed', () => {
    const good = compileMinimal(BIN, 'shipped');
    expect(good.status, good.stderr).toBe(0);
    expect(good.json).toBe(readFileSync(join(ROOT, 'test', 'golden', 'minimal', 'web', 'codepipeline.json'), 'utf8'));
    const variants = {
      // another V8 refuses the cache: the same as bytes that are no cache at all
      damaged: bundleCopy('damaged', (dir) => {
        for (const f of readdirSync(dir)) if (f.endsWith('.cache')) writeFileSync(join(dir, f), Buffer.from('not a V8 code cache'));
      }),
      // a cache made for another chunk's text (V8 compares the source's length, among others)
      swapped: bundleCopy('swapped', (dir) => cpSync(join(dir, 'compile.js.cache'), join(dir, 'model.js.cache'))),
      missing: bundleCopy('missing', (dir) => {
        for (const f of readdirSync(dir)) if (f.endsWith('.cache')) rmSync(join(dir, f));
      }),
    };
    for (const [name, bin] of Object.entries(variants)) {
      const r = compileMinimal(bin, name);
      expect({ name, ...r }).toEqual({ name, ...good });
    }
  });

  it('chunks are CommonJS loaded by the launcher, ASCII only, with no import()', () => {
    expect(JSON.parse(readFileSync(join(BUNDLE, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    const launcher = readdirSync(join(ROOT, 'scripts', 'bundle'));
    for (const f of readdirSync(BUNDLE).filter((n) => n.endsWith('.js') && !launcher.includes(n))) {
      const text = readFileSync(join(BUNDLE, f), 'utf8');
      expect(/[^\x00-\x7f]/.test(text), `${f} has a non-ASCII character`).toBe(false);
      expect(/\bimport\(/.test(text), `${f} has an import()`).toBe(false);
    }
    expect(readFileSync(join(BUNDLE, 'pipec.js'), 'utf8')).toBe(readFileSync(join(ROOT, 'scripts', 'bundle', 'pipec.js'), 'utf8'));
  });
});
