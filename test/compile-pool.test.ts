import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeShares, taskRunner } from '../src/cli/compile-unit.js';
import { BYTES_PER_THREAD, planTasks, requestedJobs, SPLIT_BYTES, threadCount } from '../src/cli/compile-pool.js';
import { OutputStage } from '../src/cli/output-stage.js';
import { OutputError } from '../src/cli/output-path.js';
import { compileFileUnit, type FileUnit } from '../src/compiler/compile.js';
import type { Diagnostic } from '../src/compiler/diagnostics.js';
import { SourceFile } from '../src/compiler/source.js';
import { targetByName, type Target } from '../src/targets/index.js';
// @ts-expect-error: a plain .mjs module of the benchmark, without types
import { pipelineYaml } from '../bench/workspace.mjs';

/** How many threads, which tasks, and how a file's parts make its unit (src/cli/compile-pool.ts, compile-unit.ts). */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-pool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const file = (path: string, bytes: number): SourceFile => new SourceFile(path, 'x'.repeat(bytes));
const shared = 'role: arn:aws:iam::111111111111:role/pipeline\nartifacts: { bucket: acme-artifacts }\nconnection: arn:aws:codestar-connections:us-east-1:111111111111:connection/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9\n';
const workspace = (count: number, edit: (text: string) => string = (t) => t): SourceFile => {
  let text = `${shared}pipelines:\n`;
  for (let i = 0; i < count; i++) text += pipelineYaml(i, '    ');
  return new SourceFile('pipelines/all.yml', edit(text));
};

/** What a unit says, comparable: names, kept, and every diagnostic with its place. */
function summary(u: FileUnit): unknown {
  const d = (x: Diagnostic) => `${x.code} ${x.span ? `${x.span.start}-${x.span.end}` : '-'} ${x.message}`;
  return { head: u.head.map(d), pipelines: u.pipelines.map((p) => ({ name: p.name, kept: p.kept, incomplete: p.incomplete, body: p.body.map(d), rules: p.rules.map(d) })) };
}

describe('threads and tasks', () => {
  it('one thread for a small input; one per BYTES_PER_THREAD up to a core fewer than there are; --jobs wins', () => {
    expect(threadCount([file('a.yml', 20_000)], undefined, 4)).toBe(1);
    expect(threadCount([file('a.yml', BYTES_PER_THREAD * 2 - 1)], undefined, 4)).toBe(1);
    expect(threadCount([file('a.yml', BYTES_PER_THREAD), file('b.yml', BYTES_PER_THREAD)], undefined, 4)).toBe(2);
    expect(threadCount([file('a.yml', BYTES_PER_THREAD * 10)], undefined, 4)).toBe(3);
    expect(threadCount([file('a.yml', BYTES_PER_THREAD * 10)], undefined, 8)).toBe(7);
    // Two cores: one thread (V8's own threads use much of the second), unless asked.
    expect(threadCount([file('a.yml', BYTES_PER_THREAD * 10)], undefined, 2)).toBe(1);
    expect(threadCount([file('a.yml', BYTES_PER_THREAD * 10)], 2, 2)).toBe(2);
    expect(threadCount([file('a.yml', 10)], 3, 2)).toBe(3);
    expect(threadCount([file('a.yml', 10)], 1, 8)).toBe(1);
  });

  it('a large file is split into parts when there are several threads, at most four per thread', () => {
    const files = [file('small.yml', 1000), file('big.yml', SPLIT_BYTES * 2), file('huge.yml', SPLIT_BYTES * 40)];
    expect(planTasks(files, 1)).toEqual([0, 1, 2].map((f) => ({ file: f, part: 0, parts: 1 })));
    const tasks = planTasks(files, 2);
    expect(tasks.filter((t) => t.file === 0)).toEqual([{ file: 0, part: 0, parts: 1 }]);
    expect(tasks.filter((t) => t.file === 1).map((t) => t.part)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(tasks.filter((t) => t.file === 2)).toHaveLength(8);
    expect(planTasks([file('a.yml', 100)], 3, 1)).toHaveLength(12);
  });

  it('--jobs, then PIPEC_JOBS, then PIPEC_WORKERS (workers besides the main thread); bad values are usage errors', () => {
    expect(requestedJobs({}, {})).toBeUndefined();
    expect(requestedJobs({ jobs: '3' }, { PIPEC_JOBS: '5' })).toBe(3);
    expect(requestedJobs({}, { PIPEC_JOBS: '5', PIPEC_WORKERS: '0' })).toBe(5);
    expect(requestedJobs({}, { PIPEC_WORKERS: '0' })).toBe(1);
    expect(requestedJobs({}, { PIPEC_WORKERS: '2' })).toBe(3);
    expect(() => requestedJobs({ jobs: '0' }, {})).toThrow("option '--jobs' takes a whole number from 1 to 64, not '0'");
    expect(() => requestedJobs({ jobs: '1.5' }, {})).toThrow("option '--jobs' takes a whole number from 1 to 64, not '1.5'");
    expect(() => requestedJobs({}, { PIPEC_JOBS: '-2' })).toThrow("PIPEC_JOBS takes a whole number from 1 to 64, not '-2'");
  });
});

describe("a file's parts", () => {
  const targets = [targetByName('codepipeline') as Target];

  /** The file compiled whole, and in `parts` parts on one runner (one parse), merged. */
  function both(source: SourceFile, parts: number) {
    const whole = compileFileUnit(new SourceFile(source.path, source.text));
    const run = taskRunner(() => source, targets, {}, { keep: true });
    const made = Array.from({ length: parts }, (_, part) => run({ file: 0, part, parts }));
    return { whole, made, merged: mergeShares(made) };
  }

  it('the parts of a clean file, one after the other, are its unit; their emissions are numbered as the whole', () => {
    const { whole, made, merged } = both(workspace(13), 5);
    expect(made.map((m) => m.unit.pipelines.length)).toEqual([2, 3, 2, 3, 3]);
    expect(merged && summary(merged.unit)).toEqual(summary(whole));
    expect([...(merged?.emission?.keys() ?? [])]).toEqual([...Array(13).keys()]);
    expect(merged?.emission?.get(12)?.outputs?.[0]?.path).toBe('codepipeline.json');
  });

  it("mistakes in several parts: the same diagnostics in the same order; no emission (one thread emits nothing of a file with an error)", () => {
    const source = workspace(9, (t) => t.replace('name: svc-00001', 'name: svc-00001\n    bogus: 1').replace('name: svc-00007', 'name: svc-00007\n    stages: 5'));
    const { whole, made, merged } = both(source, 3);
    expect(made[1]?.emission).toBeDefined();
    expect(merged && summary(merged.unit)).toEqual(summary(whole));
    expect(merged?.emission).toBeUndefined();
  });

  it('a file of one pipeline is all part 0; a file whose top cannot be read is reported by part 0 only', () => {
    // The benchmark's pipelines name a role of their own: the file's top gives the rest.
    const one = new SourceFile('p.yml', `${shared.replace(/^role: .*\n/, '')}${pipelineYaml(0)}`);
    const { whole, made, merged } = both(one, 3);
    expect(made.map((m) => m.unit.pipelines.length)).toEqual([1, 0, 0]);
    expect(merged && summary(merged.unit)).toEqual(summary(whole));
    const bad = both(new SourceFile('q.yml', 'pipelines: [\n'), 3);
    expect(bad.made.map((m) => m.unit.head.length)).toEqual([bad.whole.head.length, 0, 0]);
    expect(bad.whole.head.length).toBeGreaterThan(0);
  });

  it('parts whose diagnostics meet (a problem at the file top that each pipeline reports) do not merge: the file is compiled again whole', () => {
    // A promotion setting of the file's top is checked for each pipeline and fails each time: one thread keeps it once.
    const source = workspace(6, (t) => t.replace('artifacts: { bucket: acme-artifacts }', 'artifacts: { bucket: acme-artifacts }\npromotion: { cross-account-role: 7 }'));
    const { made, merged } = both(source, 3);
    expect(made.every((m) => m.unit.head.some((d) => d.code === 'PC2002'))).toBe(true);
    expect(merged).toBeUndefined();
    expect(mergeShares([made[0], undefined, made[2]])).toBeUndefined();
  });
});

describe('OutputStage', () => {
  it('a failure met on another thread is thrown by finish, which writes nothing', () => {
    const out = join(scratch, 'failed', 'out');
    const stage = OutputStage.open(out, scratch);
    stage.put('web', [{ path: 'codepipeline.json', content: '{}\n' }]);
    stage.fail("cannot write 'failed/out/api/codepipeline.json': no space left on the device");
    expect(() => stage.finish(new Map())).toThrow(OutputError);
    expect(existsSync(join(scratch, 'failed'))).toBe(false);
  });

  it('finish writes only the pipelines it is given, in place of anything else staged', () => {
    const out = join(scratch, 'only');
    const stage = OutputStage.open(out, scratch);
    const web = stage.put('web', [{ path: 'codepipeline.json', content: '{"web":1}\n' }]);
    stage.put('dropped', [{ path: 'codepipeline.json', content: '{}\n' }]);
    expect(stage.finish(new Map([['web', web!]]))).toEqual([join(out, 'web', 'codepipeline.json')]);
    expect(readdirSync(out)).toEqual(['web']);
    expect(readFileSync(join(out, 'web', 'codepipeline.json'), 'utf8')).toBe('{"web":1}\n');
    expect(readdirSync(scratch).filter((n) => n.includes('pipec-'))).toEqual([]);
  });

  it('abandon removes the staging directory and the directories open made', () => {
    const stage = OutputStage.open(join(scratch, 'gone', 'a', 'out'), scratch);
    stage.put('web', [{ path: 'x', content: '1' }]);
    stage.abandon();
    expect(existsSync(join(scratch, 'gone'))).toBe(false);
  });
});
