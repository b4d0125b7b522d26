import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutputs } from '../src/cli/output-stage.js';
import { OutputError, checkOutputDir, checkOutputFile, writeFileAtomically } from '../src/cli/output-path.js';

const scratch = mkdtempSync(join(tmpdir(), 'pipec-writer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Files = Map<string, { path: string; content: string }[]>;
const files = (entries: Record<string, Record<string, string>>): Files =>
  new Map(Object.entries(entries).map(([pipeline, f]) => [pipeline, Object.entries(f).map(([path, content]) => ({ path, content }))]));
const inode = (path: string): number => statSync(path).ino;

describe('writeOutputs', () => {
  it('writes each pipeline directory, then leaves one whose files are unchanged untouched', () => {
    const out = join(scratch, 'unchanged');
    const first = files({ web: { 'codepipeline.json': '{"a":1}\n', 'buildspecs/Build-Build.yml': 'version: 0.2\n' }, api: { 'codepipeline.json': '{"b":1}\n' } });
    expect(writeOutputs(out, first)).toHaveLength(3);
    const before = { dir: inode(join(out, 'web')), file: inode(join(out, 'web', 'codepipeline.json')), api: inode(join(out, 'api')) };

    const second = files({ web: { 'codepipeline.json': '{"a":1}\n', 'buildspecs/Build-Build.yml': 'version: 0.2\n' }, api: { 'codepipeline.json': '{"b":2}\n' } });
    expect(writeOutputs(out, second)).toHaveLength(3);
    // web: same bytes, so the same directory and file; api changed, so it was swapped for a new directory.
    expect(inode(join(out, 'web'))).toBe(before.dir);
    expect(inode(join(out, 'web', 'codepipeline.json'))).toBe(before.file);
    expect(inode(join(out, 'api'))).not.toBe(before.api);
    expect(readFileSync(join(out, 'api', 'codepipeline.json'), 'utf8')).toBe('{"b":2}\n');
    expect(readdirSync(scratch).filter((n) => n.includes('pipec-'))).toEqual([]);
  });

  it('replaces a directory that holds the same files plus anything else', () => {
    const out = join(scratch, 'extra');
    const list = files({ web: { 'codepipeline.json': '{}\n' } });
    writeOutputs(out, list);
    writeFileSync(join(out, 'web', 'cloudformation.yml'), 'stale\n');
    writeOutputs(out, list);
    expect(readdirSync(join(out, 'web'))).toEqual(['codepipeline.json']);

    mkdirSync(join(out, 'web', 'buildspecs'));
    writeOutputs(out, list);
    expect(readdirSync(join(out, 'web'))).toEqual(['codepipeline.json']);
  });

  it('rewrites a file whose bytes differ even when its length is the same', () => {
    const out = join(scratch, 'same-length');
    writeOutputs(out, files({ web: { 'codepipeline.json': '{"a":1}\n' } }));
    writeOutputs(out, files({ web: { 'codepipeline.json': '{"a":2}\n' } }));
    expect(readFileSync(join(out, 'web', 'codepipeline.json'), 'utf8')).toBe('{"a":2}\n');
  });

  it('a pipeline with no files gets an empty directory (compile --target buildspec without inline builds)', () => {
    const out = join(scratch, 'empty');
    expect(writeOutputs(out, files({ web: {} }))).toEqual([]);
    expect(readdirSync(join(out, 'web'))).toEqual([]);
    expect(writeOutputs(out, files({ web: {} }))).toEqual([]);
  });

  it('a failed write is one OutputError naming the path, leaves no staging and removes the directories it made', () => {
    const parent = join(scratch, 'fails');
    mkdirSync(parent);
    const out = join(parent, 'a', 'b');
    // 'x' as a file and as a directory: the second write fails inside staging.
    const clash = files({ web: { x: '1', 'x/y': '2' } });
    expect(() => writeOutputs(out, clash, parent)).toThrow(OutputError);
    expect(() => writeOutputs(out, clash, parent)).toThrow(/^cannot write 'a\/b\/web\/x\/y': /);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a file system that refuses a directory under an existing one is an error, not an endless loop', () => {
    expect(() => writeOutputs('/proc/pipec-nope/out', files({ web: { a: '1' } }))).toThrow(/^cannot create directory '\/proc\/pipec-nope': '\/proc' is not writable$/);
  });
});

describe('output paths', () => {
  const dir = mkdtempSync(join(scratch, 'paths-'));
  writeFileSync(join(dir, 'afile'), 'x');
  mkdirSync(join(dir, 'adir'));

  it('--out DIR: a file in the way, or above, is named', () => {
    expect(() => checkOutputDir(dir, '--out', 'afile')).toThrow("--out: 'afile' is a file; name a directory to write into");
    expect(() => checkOutputDir(dir, '--out', 'afile/sub/deeper')).toThrow("--out: 'afile' is a file, so 'afile/sub/deeper' cannot be created under it");
    expect(checkOutputDir(dir, '--out', 'adir')).toBe(join(dir, 'adir'));
    expect(checkOutputDir(dir, '--out', 'new/deeper')).toBe(join(dir, 'new', 'deeper'));
  });

  it('--out FILE: a directory is not a file', () => {
    expect(() => checkOutputFile(dir, '--out', 'adir')).toThrow("--out: 'adir' is a directory; name the file to write");
    expect(() => checkOutputFile(dir, '--out', 'afile/plan.json')).toThrow("--out: 'afile' is a file, so 'afile/plan.json' cannot be created under it");
  });

  it('writes a file whole, makes its directory, and leaves no temporary file when the rename fails', () => {
    writeFileAtomically(dir, join(dir, 'plans', 'p.json'), '{}\n');
    expect(readFileSync(join(dir, 'plans', 'p.json'), 'utf8')).toBe('{}\n');
    mkdirSync(join(dir, 'full', 'p.json'), { recursive: true });
    writeFileSync(join(dir, 'full', 'p.json', 'inside'), 'x');
    expect(() => writeFileAtomically(dir, join(dir, 'full', 'p.json'), '{}\n')).toThrow(/^cannot write 'full\/p\.json': /);
    expect(readdirSync(join(dir, 'full'))).toEqual(['p.json']);
  });
});
