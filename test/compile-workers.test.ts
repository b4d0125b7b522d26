import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types
import { pipelineYaml, writeWorkspace } from '../bench/workspace.mjs';

/**
 * A large compile is shared out to worker threads, file by file, and merged in file order
 * (src/cli/compile-workspace.ts). PIPEC_WORKERS=N sets the number of workers (0: one thread), so
 * each case runs both ways and must give the same bytes: files written, exit status, stdout, stderr.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-workers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: string[], cwd: string, workers: number, out?: string) {
  if (out) rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, PIPEC_WORKERS: String(workers) }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: out ? tree(out) : {} };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  try {
    walk(dir);
  } catch {}
  return out;
}

/** Runs the command with one thread and with workers, and expects the same result; returns it. */
function same(args: string[], cwd: string, workers = 2) {
  const outA = join(scratch, 'a');
  const outB = join(scratch, 'b');
  const withOut = (o: string) => args.map((a) => (a === 'OUT' ? o : a));
  const one = run(withOut(outA), cwd, 0, args.includes('OUT') ? outA : undefined);
  const many = run(withOut(outB), cwd, workers, args.includes('OUT') ? outB : undefined);
  expect(many.status).toBe(one.status);
  expect(many.stdout.replaceAll(outB, 'OUT')).toBe(one.stdout.replaceAll(outA, 'OUT'));
  expect(many.stderr.replaceAll(outB, 'OUT')).toBe(one.stderr.replaceAll(outA, 'OUT'));
  expect(Object.keys(many.files).sort()).toEqual(Object.keys(one.files).sort());
  for (const [k, v] of Object.entries(one.files)) expect(many.files[k], k).toBe(v);
  return one;
}

// Each case starts pipec several times; the machine the suite runs on may be busy.
describe('compile on worker threads (PIPEC_WORKERS)', { timeout: 600_000 }, () => {
  const ws = join(scratch, 'ws');
  writeWorkspace(ws, 24, 'files');

  it('writes the same files as one thread, for every target', () => {
    const r = same(['compile', '--target', 'all', '--out', 'OUT'], ws);
    expect(r.status).toBe(0);
    expect(Object.keys(r.files).length).toBeGreaterThan(24 * 3);
  });

  it('selects pipelines (--pipeline) and validates the same way', () => {
    expect(same(['compile', '--pipeline', 'svc-00007,svc-00019', '--out', 'OUT', '--format', 'json'], ws).status).toBe(0);
    expect(same(['validate', '--target', 'all'], ws).stdout).toBe('ok: 24 pipelines, no problems\n');
    expect(same(['compile', '--pipeline', 'svc-0004', '--out', 'OUT'], ws).status).toBe(2);
  });

  it('reports every error fixture compiled together as one thread does', () => {
    const files = readdirSync(join(ROOT, 'test', 'fixtures', 'errors')).filter((f) => f.endsWith('.yml')).sort().map((f) => join('test', 'fixtures', 'errors', f));
    expect(files.length).toBeGreaterThan(50);
    for (const format of ['json', 'text']) same(['validate', '--format', format, '--no-color', ...files], ROOT, 3);
    same(['compile', '--out', 'OUT', ...files], ROOT, 3);
  });

  it('merges the checks across files: a name used twice, another project, a file named twice', () => {
    const dir = join(scratch, 'cross');
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    const shared = 'defaults:\n  role: arn:aws:iam::111111111111:role/pipeline\n  artifacts: { bucket: acme-artifacts }\n';
    // Files 2 and 4 repeat names of files 1 and 3; file 5 names another project; pipelines reuse one anchor.
    const file = (names: number[], project?: string) =>
      `${shared}${project ? `project: ${project}\n` : ''}pipelines:\n${names.map((n) => pipelineYaml(n, '    ')).join('')}`;
    writeFileSync(join(dir, 'pipelines', '1.yml'), file([0, 1, 2]));
    writeFileSync(join(dir, 'pipelines', '2.yml'), file([3, 1, 4]));
    writeFileSync(join(dir, 'pipelines', '3.yml'), file([5, 6, 6]));
    writeFileSync(join(dir, 'pipelines', '4.yml'), file([7, 0]));
    writeFileSync(join(dir, 'pipelines', '5.yml'), file([8, 9], 'other'));
    const r = same(['validate', '--format', 'json'], dir, 3);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('PC3020');
    same(['validate', '--no-color', 'pipelines/1.yml', 'pipelines/2.yml', 'pipelines/1.yml', 'pipelines/3.yml'], dir, 2);
    same(['compile', '--out', 'OUT', 'pipelines/1.yml', 'pipelines/1.yml'], dir, 1);
  });

  it('turns a plaintext secret into the same masked report', () => {
    const dir = join(scratch, 'secret');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++)
      writeFileSync(join(dir, `p${i}.yml`), `${pipelineYaml(i).replace('NPM_TOKEN: { secret: ci/npm:token }', 'NPM_TOKEN: npm_abcdefghijklmnopqrstuvwxyz0123456789')}role: arn:aws:iam::111111111111:role/pipeline\nartifacts: { bucket: acme-artifacts }\n`);
    same(['validate', '--no-color', 'p0.yml', 'p1.yml', 'p2.yml', 'p3.yml'], dir, 3);
  });
});
