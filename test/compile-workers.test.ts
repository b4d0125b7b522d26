import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './support/cli.js';
import { fileTree } from './support/file-tree.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types
import { pipelineYaml, SHARED, writeWorkspace } from '../bench/workspace.mjs';

/**
 * A large compile is shared out to worker threads, file by file (and a large file in parts), each
 * thread staging the files it emits, and merged in file order (src/cli/compile-pool.ts,
 * compile-workspace.ts). PIPEC_JOBS=N sets the number of threads (1: one thread) and
 * PIPEC_SPLIT_BYTES=1 splits every file into parts, so each case runs both ways and must give the
 * same bytes: files written, exit status, stdout, stderr.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-workers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: string[], cwd: string, jobs: number, out?: string, env: Record<string, string> = {}, keep = false) {
  if (out && !keep) rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, PIPEC_JOBS: String(jobs), ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: out ? tree(out) : {} };
}

const tree = fileTree;

/**
 * Runs the command with one thread and with `workers` more, and expects the same result; returns it.
 * `split`: every file in parts too. `keep`: into the output directories of the run before (not removed first).
 */
function same(args: string[], cwd: string, workers = 2, opts: { split?: boolean; keep?: boolean } = {}) {
  const outA = join(scratch, 'a');
  const outB = join(scratch, 'b');
  const withOut = (o: string) => args.map((a) => (a === 'OUT' ? o : a));
  const one = run(withOut(outA), cwd, 1, args.includes('OUT') ? outA : undefined, {}, opts.keep);
  const many = run(withOut(outB), cwd, workers + 1, args.includes('OUT') ? outB : undefined, opts.split ? { PIPEC_SPLIT_BYTES: '1' } : {}, opts.keep);
  expect(many.status).toBe(one.status);
  expect(many.stdout.replaceAll(outB, 'OUT')).toBe(one.stdout.replaceAll(outA, 'OUT'));
  expect(many.stderr.replaceAll(outB, 'OUT')).toBe(one.stderr.replaceAll(outA, 'OUT'));
  expect(Object.keys(many.files).sort()).toEqual(Object.keys(one.files).sort());
  for (const [k, v] of Object.entries(one.files)) expect(many.files[k], k).toBe(v);
  return one;
}

// Each case starts pipec several times; the machine the suite runs on may be busy.
describe('compile on worker threads (PIPEC_JOBS, --jobs)', { timeout: 900_000 }, () => {
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
    // Every file in parts, each part on the thread that takes it.
    same(['validate', '--format', 'json', '--target', 'all', ...files], ROOT, 2, { split: true });
  });

  it('splits one file of many pipelines across threads: the same files and diagnostics', () => {
    const dir = join(scratch, 'single');
    writeWorkspace(dir, 40, 'single');
    const r = same(['compile', '--target', 'all', '--out', 'OUT'], dir, 2, { split: true });
    expect(r.status).toBe(0);
    expect(Object.keys(r.files).filter((f) => f.endsWith('codepipeline.json'))).toHaveLength(40);
    same(['compile', '--pipeline', 'svc-00003,svc-00031', '--out', 'OUT'], dir, 3, { split: true });
    // Mistakes in several parts of the file, and one at the file's top that every pipeline meets.
    const text = readFileSync(join(dir, 'pipeline.yml'), 'utf8');
    const broken = text
      .replace('connection: ', 'promotion: { cross-account-role: 7 }\nconnection: ')
      .replace('name: svc-00002', 'name: svc-00002\n    bogus: 1')
      .replace('name: svc-00025', 'name: svc-00001')
      .replace('name: svc-00037', 'name: svc-00037\n    stages: 5');
    writeFileSync(join(dir, 'broken.yml'), broken);
    for (const format of ['json', 'text']) expect(same(['validate', '--format', format, '--no-color', 'broken.yml'], dir, 2, { split: true }).status).toBe(1);
    // Every example and fixture with a 'pipelines:' list, each split into parts.
    const lists = [...readdirSync(join(ROOT, 'test', 'fixtures', 'ok')).map((f) => join('test', 'fixtures', 'ok', f))].filter((f) => /\.ya?ml$/.test(f) && /^pipelines:/m.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(lists.length).toBeGreaterThan(0);
    same(['compile', '--target', 'all', '--out', 'OUT', ...lists], ROOT, 2, { split: true });
    const many = join(ROOT, 'examples', 'many-pipelines');
    same(['compile', '--target', 'all', '--out', 'OUT'], many, 2, { split: true });
  });

  it('writes into an existing output directory as one thread does: unchanged pipelines left alone, changed ones replaced', () => {
    const dir = join(scratch, 'again');
    writeWorkspace(dir, 30, 'files');
    same(['compile', '--target', 'all', '--out', 'OUT'], dir, 2);
    const before = statSync(join(scratch, 'b', 'svc-00004', 'codepipeline.json')).ino;
    const file = join(dir, 'pipelines', 'group-0001.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('team: team-12,', 'team: team-x12,'));
    same(['compile', '--target', 'all', '--out', 'OUT'], dir, 2, { keep: true });
    expect(statSync(join(scratch, 'b', 'svc-00004', 'codepipeline.json')).ino).toBe(before);
    expect(readFileSync(join(scratch, 'b', 'svc-00012', 'codepipeline.json'), 'utf8')).toContain('team-x12');
    expect(readdirSync(join(scratch, 'b')).filter((n) => n.includes('pipec-'))).toEqual([]);
    expect(readdirSync(scratch).filter((n) => n.includes('pipec-'))).toEqual([]);
  });

  it('a failed compile on several threads writes nothing and leaves no staging directory', () => {
    const dir = join(scratch, 'fails');
    writeWorkspace(dir, 30, 'files');
    const file = join(dir, 'pipelines', 'group-0002.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('name: svc-00025', 'name: svc-00025\n    stages: 5'));
    const out = join(scratch, 'fails-out', 'deeper');
    const r = run(['compile', '--out', out], dir, 3, out);
    expect(r.status).toBe(1);
    expect(readdirSync(scratch)).not.toContain('fails-out');
  });

  it('--jobs and PIPEC_JOBS take a whole number from 1 to 64', () => {
    const dir = join(scratch, 'ws');
    for (const [args, env, message] of [
      [['validate', '-j', '0'], {}, "option '--jobs' takes a whole number from 1 to 64, not '0'"],
      [['validate', '--jobs', 'many'], {}, "option '--jobs' takes a whole number from 1 to 64, not 'many'"],
      [['compile', '-j', '65', '--out', join(scratch, 'never')], {}, "option '--jobs' takes a whole number from 1 to 64, not '65'"],
      [['validate'], { PIPEC_JOBS: 'two' }, "PIPEC_JOBS takes a whole number from 1 to 64, not 'two'"],
    ] as const) {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const r = spawnSync(process.execPath, [BIN, 'validate', '-j', '3'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.stdout).toBe('ok: 24 pipelines, no problems\n');
    expect(r.status).toBe(0);
  });

  it('merges the checks across files: a name used twice, another project, a file named twice', () => {
    const dir = join(scratch, 'cross');
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    const shared: string = SHARED;
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

  it('adds up the inline policies of a role that pipelines of several files share (PC4009) as one thread does; role-policy: none lets them share it', () => {
    const dir = join(scratch, 'shared-role');
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    // The generated pipelines each name a role of their own; here every file's pipelines run as one.
    const file = (names: number[], top: string) =>
      `${top}${SHARED}pipelines:\n${names.map((n) => pipelineYaml(n, '    ').replace(/^ {4}role: .*\n/m, '')).join('')}`;
    const write = (top: string) => {
      for (let f = 0; f < 4; f++) writeFileSync(join(dir, 'pipelines', `${f}.yml`), file([3 * f, 3 * f + 1, 3 * f + 2], top));
    };
    write('role: arn:aws:iam::111111111111:role/shared\n');
    const over = same(['compile', '--target', 'cloudformation', '--out', 'OUT', '--no-color'], dir, 3);
    expect(over.status).toBe(1);
    expect(over.stderr).toContain('error[PC4009]: the 12 pipelines that run as role arn:aws:iam::111111111111:role/shared need about');
    expect(over.stderr.match(/note: '\S+', '\S+', '\S+' run as it too/g)).toHaveLength(3);
    expect(Object.keys(over.files)).toEqual([]);
    write('role: arn:aws:iam::111111111111:role/shared\nrole-policy: none\n');
    const none = same(['compile', '--target', 'all', '--out', 'OUT', '--no-color'], dir, 3);
    expect(none.status).toBe(0);
    expect(Object.keys(none.files).length).toBeGreaterThan(12 * 3);
  });

  it('turns a plaintext secret into the same masked report', () => {
    const dir = join(scratch, 'secret');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++)
      writeFileSync(join(dir, `p${i}.yml`), `${pipelineYaml(i).replace('NPM_TOKEN: { secret: ci/npm:token }', 'NPM_TOKEN: npm_abcdefghijklmnopqrstuvwxyz0123456789')}${SHARED}`);
    same(['validate', '--no-color', 'p0.yml', 'p1.yml', 'p2.yml', 'p3.yml'], dir, 3);
  });
});
