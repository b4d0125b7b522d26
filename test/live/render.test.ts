import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../dist/live/json.js';
import { planPipeline, type Plan } from '../../dist/live/plan.js';
import { renderJson } from '../../dist/live/render/json.js';
import { renderMarkdown } from '../../dist/live/render/markdown.js';
import { renderText } from '../../dist/live/render/text.js';

// Golden files of the three plan renderings. After an intended change, rewrite them with
// `PIPEC_UPDATE_GOLDEN=1 npx vitest run test/live/render.test.ts` and review the diff.
const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.PIPEC_UPDATE_GOLDEN === '1';

const typeId = (category: string, provider: string) => ({ category, owner: 'AWS', provider, version: '1' });
const src = (branch: string): JsonObject => ({ name: 'Source', actionTypeId: typeId('Source', 'CodeCommit'), runOrder: 1, configuration: { RepositoryName: 'shop', BranchName: branch }, outputArtifacts: [{ name: 'Src' }], inputArtifacts: [] });
const cb = (name: string, project: string, runOrder = 1): JsonObject => ({ name, actionTypeId: typeId(name === 'Build' ? 'Build' : 'Test', 'CodeBuild'), runOrder, configuration: { ProjectName: project }, outputArtifacts: [], inputArtifacts: [{ name: 'Src' }] });
const s3 = (bucket: string): JsonObject => ({ name: 'Deploy', actionTypeId: typeId('Deploy', 'S3'), runOrder: 1, configuration: { BucketName: bucket, Extract: 'true' }, outputArtifacts: [], inputArtifacts: [{ name: 'Src' }] });
const approve: JsonObject = { name: 'Approve', actionTypeId: typeId('Approval', 'Manual'), runOrder: 1 };

function decl(name: string, stages: JsonObject[], extra: JsonObject = {}): JsonObject {
  return { name, roleArn: 'arn:aws:iam::111111111111:role/pipeline', artifactStore: { type: 'S3', location: 'acme-artifacts' }, stages, pipelineType: 'V2', ...extra };
}

const live = decl('shop', [
  { name: 'Source', actions: [src('main')] },
  { name: 'Build', actions: [cb('Build', 'shop-build')] },
  { name: 'Test', actions: [cb('Unit', 'shop-unit'), cb('Smoke', 'shop-smoke', 2)] },
  { name: 'Staging', actions: [s3('shop-staging')] },
  { name: 'Prod', actions: [s3('shop-prod')] },
  { name: 'Legacy', actions: [approve] },
]);
const desired = decl(
  'shop',
  [
    { name: 'Source', actions: [src('release')] },
    { name: 'Build', actions: [cb('Build', 'shop-build'), cb('Smoke', 'shop-smoke', 2)] },
    { name: 'Verify', actions: [cb('UnitTests', 'shop-unit'), cb('Lint', 'shop-lint')] },
    { name: 'Prod', actions: [s3('shop-prod')] },
    { name: 'Staging', actions: [s3('shop-staging')] },
    { name: 'Approval', actions: [approve] },
  ],
  { artifactStore: { type: 'S3', location: 'acme-artifacts-2' }, executionMode: 'QUEUED' },
);

const managed = [{ key: 'managed-by', value: 'pipec' }];
const plan: Plan = {
  prune: true,
  pipelines: [
    planPipeline({ name: 'web', pipeline: decl('web', [{ name: 'Source', actions: [src('main')] }, { name: 'Deploy', actions: [s3('web-site')] }]), tags: [{ key: 'team', value: 'web' }] }, 'us-east-1', undefined, [], false),
    planPipeline({ name: 'shop', pipeline: desired, tags: [{ key: 'team', value: 'shop' }] }, 'us-east-1', { declaration: live, version: 7, arn: 'arn:aws:codepipeline:us-east-1:111111111111:shop' }, [...managed, { key: 'team', value: 'store' }], false),
    planPipeline({ name: 'api', pipeline: decl('api', [{ name: 'Source', actions: [src('main')] }, { name: 'Build', actions: [cb('Build', 'api')] }]), tags: [] }, 'eu-west-1', { declaration: decl('api', [{ name: 'Source', actions: [src('main')] }, { name: 'Build', actions: [cb('Build', 'api')] }], { version: 2 }), version: 2, arn: 'arn:aws:codepipeline:eu-west-1:111111111111:api' }, managed, false),
    planPipeline({ name: 'billing', pipeline: decl('billing', [{ name: 'Source', actions: [src('main')] }, { name: 'Build', actions: [cb('Build', 'billing')] }]), tags: [] }, 'us-east-1', { declaration: decl('billing', [{ name: 'Source', actions: [src('main')] }]), version: 12, arn: 'arn:aws:codepipeline:us-east-1:111111111111:billing' }, [], false),
    { name: 'retired', region: 'us-east-1', action: 'delete', liveVersion: 4, arn: 'arn:aws:codepipeline:us-east-1:111111111111:retired', changes: [] },
  ],
};

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`missing golden file ${path}; run with PIPEC_UPDATE_GOLDEN=1 to write it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('plan renderings (golden)', () => {
  it('text', () => golden('plan.txt', renderText(plan, { color: false })));
  it('text with colour', () => golden('plan.color.txt', renderText(plan, { color: true })));
  it('json', () => golden('plan.json', renderJson(plan)));
  it('markdown', () => golden('plan.md', renderMarkdown(plan)));
  it('no changes', () => golden('no-changes.txt', renderText({ prune: false, pipelines: [plan.pipelines[2]!] }, { color: false }) + renderMarkdown({ prune: false, pipelines: [plan.pipelines[2]!] })));

  it('the text summary line is the last line', () => {
    expect(renderText(plan, { color: false }).trimEnd().split('\n').pop()).toBe('Plan: 1 to create, 1 to update, 1 to delete.');
  });
});
