import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WRITER_BYTES, wantsWriter } from '../src/cli/compile-pool.js';
import { OutputStage, type Staged, type StagedFile } from '../src/cli/output-stage.js';
import { StageWriter } from '../src/cli/write-thread.js';
import { SourceFile } from '../src/compiler/source.js';
import { BIN, ROOT } from './support/cli.js';
import { fileTree } from './support/file-tree.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types
import { writeWorkspace } from '../bench/workspace.mjs';

/**
 * The writer thread (src/cli/write-thread.ts, write-worker.ts): a large compile on one compile thread
 * hands each pipeline's files to a thread that stages them, so the thread the run waits for does not
 * make the system calls. What is written, which failure is reported and what is left behind must be
 * what OutputStage.put on one thread gives. The sources have no worker entry, so these tests start
 * the bundle's (dist/bundle/write-worker.js, which the suite's global setup builds).
 */

const ENTRY = pathToFileURL(join(ROOT, 'dist', 'bundle', 'write-worker.js'));
const scratch = mkdtempSync(join(tmpdir(), 'pipec-writer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const files = (spec: Record<string, string>): StagedFile[] => Object.entries(spec).map(([path, content]) => ({ path, content }));

const tree = fileTree;

/** Stages `pipelines` through a writer (or on this thread), then finishes: the paths written, or the error thrown. */
async function write(out: string, pipelines: Array<[string, StagedFile[]]>, threaded: boolean): Promise<{ written?: string[]; error?: string; staged: Array<Staged | undefined> }> {
  const stage = OutputStage.open(out, scratch);
  const writer = threaded ? await StageWriter.start(stage, ENTRY) : undefined;
  if (threaded) expect(writer).toBeDefined();
  const staged = pipelines.map(([name, list]) => (writer ? writer.put(name, list) : stage.put(name, list)));
  const unstaged = writer ? await writer.finish() : new Set<Staged>();
  const kept = staged.map((s) => (s && !unstaged.has(s) ? s : undefined));
  const order = new Map(pipelines.flatMap(([name], i) => (kept[i] ? [[name, kept[i] as Staged]] : [])));
  try {
    return { written: stage.finish(order), staged: kept };
  } catch (e) {
    return { error: (e as Error).message, staged: kept };
  }
}

describe('StageWriter', { timeout: 60_000 }, () => {
  const pipelines: Array<[string, StagedFile[]]> = [
    ['web', files({ 'codepipeline.json': '{"web":1}\n', 'cloudformation.yml': 'a: 1\n', 'buildspecs/build-unit.yml': 'version: 0.2\n' })],
    ['api', files({ 'codepipeline.json': '{"api":1}\n' })],
    ['none', []],
  ];

  it('stages and puts in place the same files as one thread', async () => {
    const one = await write(join(scratch, 'one'), pipelines, false);
    const two = await write(join(scratch, 'two'), pipelines, true);
    expect(two.written?.map((p) => p.replace('two', 'one'))).toEqual(one.written);
    expect(tree(join(scratch, 'two'))).toEqual(tree(join(scratch, 'one')));
    expect(readdirSync(join(scratch, 'two', 'none'))).toEqual([]);
    expect(readdirSync(scratch).filter((n) => n.includes('pipec-'))).toEqual([]);
  });

  it('an existing output directory: a pipeline whose directory holds exactly its files is left alone, as on one thread', async () => {
    const out = join(scratch, 'again');
    await write(out, pipelines, true);
    const before = statSync(join(out, 'web', 'codepipeline.json')).ino;
    const changed: Array<[string, StagedFile[]]> = [pipelines[0] as [string, StagedFile[]], ['api', files({ 'codepipeline.json': '{"api":2}\n' })]];
    const r = await write(out, changed, true);
    expect(r.staged.map((s) => s?.unchanged)).toEqual([true, false]);
    expect(statSync(join(out, 'web', 'codepipeline.json')).ino).toBe(before);
    expect(readFileSync(join(out, 'api', 'codepipeline.json'), 'utf8')).toBe('{"api":2}\n');
    expect(readdirSync(out).filter((n) => n.includes('pipec-'))).toEqual([]);
  });

  it('a failed write: the same error as one thread, nothing staged after it, nothing written, no staging directory', async () => {
    // 'x' as a file and as a directory: the second write of 'clash' fails inside staging.
    const failing: Array<[string, StagedFile[]]> = [pipelines[0] as [string, StagedFile[]], ['clash', files({ x: '1', 'x/y': '2' })], ['after', files({ 'codepipeline.json': '{}\n' })]];
    const one = await write(join(scratch, 'fails', 'out'), failing, false);
    const two = await write(join(scratch, 'fails', 'out'), failing, true);
    expect(one.error).toMatch(/^cannot write 'fails\/out\/clash\/x\/y': /);
    expect(two.error).toBe(one.error);
    expect(two.staged.map((s) => s !== undefined)).toEqual([true, false, false]);
    expect(existsSync(join(scratch, 'fails'))).toBe(false);
  });

  it('abandon stops the writer first: nothing is written into the staging directory after it is removed', async () => {
    const out = join(scratch, 'stopped');
    const stage = OutputStage.open(out, scratch);
    const writer = await StageWriter.start(stage, ENTRY);
    const many = Array.from({ length: 200 }, (_, i) => files({ [`f${i}/a.json`]: 'x'.repeat(10_000), [`f${i}/b.json`]: 'y' }));
    many.forEach((list, i) => writer?.put(`p${i}`, list));
    stage.abandon();
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(join(scratch, 'stopped'))).toBe(false);
    expect(readdirSync(scratch).filter((n) => n.includes('stopped'))).toEqual([]);
  });

  it('more than 4 MB not written yet: put waits for the writer, and everything is written once', async () => {
    const out = join(scratch, 'big');
    const stage = OutputStage.open(out, scratch);
    const writer = (await StageWriter.start(stage, ENTRY)) as StageWriter;
    const big = Array.from({ length: 48 }, (_, i): [string, StagedFile[]] => [`p${i}`, files({ 'a.json': String(i).repeat(1 << 20) })]);
    const staged = big.map(([name, list]) => writer.put(name, list) as Staged);
    expect((await writer.finish()).size).toBe(0);
    stage.finish(new Map(big.map(([name], i) => [name, staged[i] as Staged])));
    expect(readdirSync(out)).toHaveLength(48);
    expect(readFileSync(join(out, 'p47', 'a.json'), 'utf8')).toBe('47'.repeat(1 << 20));
  });

  it('a writer that stopped while put waits for it: put gives up after a while, and finish stages the rest here', async () => {
    const out = join(scratch, 'dead');
    const stage = OutputStage.open(out, scratch);
    const writer = (await StageWriter.start(stage, ENTRY)) as StageWriter;
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const big = Array.from({ length: 24 }, (_, i): [string, StagedFile[]] => [`p${i}`, files({ 'a.json': 'x'.repeat(1 << 20) })]);
    const staged = big.map(([name, list]) => writer.put(name, list) as Staged);
    expect((await writer.finish()).size).toBe(0);
    stage.finish(new Map(big.map(([name], i) => [name, staged[i] as Staged])));
    expect(readdirSync(out)).toHaveLength(24);
  });

  it('a writer that stops unexpectedly: what it had not staged is staged on this thread', async () => {
    const out = join(scratch, 'crashed');
    const stage = OutputStage.open(out, scratch);
    const writer = (await StageWriter.start(stage, ENTRY)) as StageWriter;
    const staged = pipelines.map(([name, list]) => writer.put(name, list) as Staged);
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect((await writer.finish()).size).toBe(0);
    stage.finish(new Map(pipelines.map(([name], i) => [name, staged[i] as Staged])));
    expect(tree(out)).toEqual(tree(join(scratch, 'one')));
  });
});

describe('when a compile has a writer thread', () => {
  const input = (bytes: number): SourceFile[] => [new SourceFile('a.yml', 'x'.repeat(bytes))];

  it('one compile thread unless --jobs 1 asked for one thread, two cores or more, and at least WRITER_BYTES of input (PIPEC_WRITER_BYTES)', () => {
    expect(wantsWriter(input(WRITER_BYTES), 1, undefined, {}, 2)).toBe(true);
    expect(wantsWriter(input(WRITER_BYTES - 1), 1, undefined, {}, 2)).toBe(false);
    expect(wantsWriter(input(WRITER_BYTES), 1, undefined, {}, 1)).toBe(false);
    expect(wantsWriter(input(WRITER_BYTES), 1, 1, {}, 2)).toBe(false);
    expect(wantsWriter(input(WRITER_BYTES), 2, 2, {}, 4)).toBe(false);
    expect(wantsWriter(input(WRITER_BYTES), 2, undefined, {}, 4)).toBe(false);
    expect(wantsWriter(input(10), 1, undefined, { PIPEC_WRITER_BYTES: '1' }, 2)).toBe(true);
    expect(wantsWriter(input(10), 1, 1, { PIPEC_WRITER_BYTES: '1' }, 2)).toBe(false);
  });
});

describe('pipec compile with the writer thread (the bundle)', { timeout: 900_000 }, () => {
  const ws = join(scratch, 'ws');
  writeWorkspace(ws, 24, 'files');

  /** The command on one thread (PIPEC_JOBS=1) and with the writer (PIPEC_WRITER_BYTES=1): the same exit status, output and files. OUT: the output directory (`out(dir)` makes its path). */
  function same(args: string[], cwd: string, out: (dir: string) => string = (d) => d) {
    // a: one thread, b: the writer too (output directories of names of one length, for the messages that name them).
    const results = ['a', 'b'].map((w) => {
      const dir = join(scratch, `out-${w}`);
      rmSync(dir, { recursive: true, force: true });
      const r = spawnSync(process.execPath, [BIN, ...args.map((a) => (a === 'OUT' ? out(dir) : a))], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, ...(w === 'a' ? { PIPEC_JOBS: '1' } : { PIPEC_WRITER_BYTES: '1' }) } });
      const mine = (s: string) => s.replaceAll(`out-${w}`, 'out-W');
      return { status: r.status, stdout: mine(r.stdout), stderr: mine(r.stderr), files: tree(dir), left: readdirSync(scratch).filter((n) => n.includes('pipec-')) };
    });
    expect(results[1]).toEqual(results[0]);
    return results[0] as NonNullable<(typeof results)[0]>;
  }

  it('writes the same files, for every target, and reports the same', () => {
    const r = same(['compile', '--target', 'all', '--out', 'OUT'], ws);
    expect(r.status).toBe(0);
    expect(Object.keys(r.files).length).toBeGreaterThan(24 * 3);
    expect(same(['compile', '--pipeline', 'svc-00007,svc-00019', '--out', 'OUT', '--format', 'json'], ws).status).toBe(0);
  });

  it('a write that fails on the writer thread: the same one error, exit 1, nothing written, no staging directory', () => {
    // An output path so long that the staging directory's svc-00000/codepipeline.json and cloudformation.yml
    // fit in PATH_MAX (4,095 characters) and its buildspecs/Build-Build.yml does not, whatever the length
    // of the process id in the staging directory's name (.NAME.pipec-staging-PID, beside the output directory).
    const deep = (dir: string): string => {
      let p = dir;
      while (p.length < 4040 - 201) p = join(p, 'd'.repeat(200));
      return join(p, 'o'.repeat(4040 - p.length - 1));
    };
    expect(deep(join(scratch, 'out-a')).length).toBe(4040);
    const r = same(['compile', '--target', 'all', '--out', 'OUT'], ws, deep);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^pipec: cannot write '.*\/svc-00000\/buildspecs\/Build-Build\.yml': the name is too long\n$/);
    expect(r.files).toEqual({});
    expect(r.left).toEqual([]);
  });
});
