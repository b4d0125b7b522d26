import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutputs } from '../dist/cli/io.js';

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
});
