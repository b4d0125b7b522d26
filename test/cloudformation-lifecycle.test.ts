import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './support/cli.js';
import { examples, EXAMPLES_DIR, templatesIn, type TemplateFile } from './support/targets.js';
import { runTool } from './support/tools.js';

/**
 * What issue 10 found in the stacks' life cycle, held for every resource of every example: every
 * resource CloudFormation can tag carries the pipeline's `tags:` (not only the pipeline and the
 * projects), named buckets and log groups are deleted with the stack (a retained fixed name would
 * make deploying the stack again fail), and the KMS keys pipec makes are kept (data encrypted with
 * them stays readable). Which types take tags, and in which property, comes from cfn-lint's
 * copy of CloudFormation's resource schemas (their `tagging`), not from a list of ours. Every
 * example is compiled with one tag more, so examples without `tags:` are held too.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-lifecycle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXTRA = { key: 'audit', value: 'lifecycle' };
let templates: TemplateFile[] = [];
/** Each pipeline's tags, as its codepipeline.json carries them. */
const tagsOf = new Map<string, Array<{ key: string; value: string }>>();
/** Each resource type's tag property (`Tags`), or undefined for a type CloudFormation cannot tag. */
let tagProperty: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const name of examples) {
    const text = readFileSync(join(EXAMPLES_DIR, name, 'pipeline.yml'), 'utf8');
    const tree = parse(text) as Record<string, unknown>;
    // one tag more for every pipeline: on the file's top level, which every pipeline of it inherits
    const tagged = tree.tags === undefined ? `${text}\ntags: { ${EXTRA.key}: ${EXTRA.value} }\n` : text;
    const out = join(scratch, name);
    const r = await runCli(['compile', '-', '--stdin-filename', join(EXAMPLES_DIR, name, 'pipeline.yml'), '-t', 'codepipeline', '-t', 'cloudformation', '-o', out, '-q'], { input: tagged });
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    const found = templatesIn(name, out);
    templates.push(...found);
    for (const t of found) {
      const cp = JSON.parse(readFileSync(join(out, t.pipeline, 'codepipeline.json'), 'utf8')) as { tags?: Array<{ key: string; value: string }> };
      tagsOf.set(`${name}/${t.pipeline}`, cp.tags ?? []);
    }
  }
  const types = [...new Set(templates.flatMap((t) => Object.values(t.tree.Resources).map((r) => r.Type)))].sort();
  const py = [
    'import json, sys',
    'from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m',
    'out = {}',
    'for t in json.loads(sys.argv[1]):',
    "    tagging = m.get_resource_schema('us-east-1', t).schema.get('tagging', {})",
    "    out[t] = tagging.get('tagProperty', '/properties/Tags').split('/')[-1] if tagging.get('taggable') else None",
    'print(json.dumps(out))',
  ].join('\n');
  const r = runTool('python3', ['-c', py, JSON.stringify(types)]);
  expect(r.status, r.stderr).toBe(0);
  tagProperty = JSON.parse(r.stdout) as Record<string, string | undefined>;
}, 600_000);

describe('the life cycle of every stack of every example', () => {
  it('covers the stacks of every example and the resource types they use', () => {
    expect(new Set(templates.map((t) => t.example)).size).toBe(examples.length);
    for (const type of ['AWS::CodePipeline::Pipeline', 'AWS::CodeBuild::Project', 'AWS::IAM::Role', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::Events::Rule']) expect(Object.keys(tagProperty)).toContain(type);
  });

  it("tags every resource CloudFormation can tag with each of the pipeline's tags", () => {
    const untagged: string[] = [];
    let checked = 0;
    for (const t of templates) {
      const want = tagsOf.get(`${t.example}/${t.pipeline}`) ?? [];
      expect(want.length, `${t.example}/${t.pipeline} has tags`).toBeGreaterThan(0);
      for (const [id, r] of Object.entries(t.tree.Resources)) {
        const prop = tagProperty[r.Type];
        if (!prop) continue;
        checked++;
        const have = r.Properties?.[prop];
        // most types take a list of { Key, Value }; a few a map
        const got = new Map<string, unknown>(Array.isArray(have) ? (have as Array<{ Key: string; Value: unknown }>).map((x) => [x.Key, x.Value]) : Object.entries((have ?? {}) as Record<string, unknown>));
        for (const { key, value } of want) if (got.get(key) !== value) untagged.push(`${t.example}/${t.pipeline}/${t.file}: ${id} (${r.Type}) lacks ${key}=${value}`);
      }
    }
    expect(untagged).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('deletes named buckets and log groups with the stack, on replacement too, and keeps the keys it makes', () => {
    const wrong: string[] = [];
    for (const t of templates)
      for (const [id, r] of Object.entries(t.tree.Resources) as Array<[string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }]>) {
        const where = `${t.example}/${t.pipeline}/${t.file}: ${id}`;
        const want = r.Type === 'AWS::KMS::Key' ? 'Retain' : r.Type === 'AWS::Logs::LogGroup' || (r.Type === 'AWS::S3::Bucket' && r.Properties?.BucketName !== undefined) ? 'Delete' : undefined;
        if (want && (r.DeletionPolicy !== want || r.UpdateReplacePolicy !== want)) wrong.push(`${where} (${r.Type}) is ${r.DeletionPolicy}/${r.UpdateReplacePolicy}, not ${want}`);
      }
    expect(wrong).toEqual([]);
  });
});
