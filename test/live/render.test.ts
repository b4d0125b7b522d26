import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/live/json.js';
import { planPipeline, type Plan } from '../../src/live/plan.js';
import { renderJson } from '../../src/live/render/json.js';
import { renderMarkdown } from '../../src/live/render/markdown.js';
import { renderText } from '../../src/live/render/text.js';
import { savePlanContents, serializePlan } from '../../src/live/plan-file.js';
import { expectGolden } from '../support/golden.js';

// Golden files of the three plan renderings. After an intended change, rewrite them with
// `npm run snapshots:update` and review the diff.
const GOLDEN = join(__dirname, 'golden');

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

const managed = [{ key: 'managed-by', value: 'pipec' }, { key: 'pipec:project', value: 'storefront' }];
const ours = { adopt: false, project: 'storefront' };

// Secrets: a token and a password changed, and an action added with secret values.
const TOKEN_OLD = 'ghp_oldTokenValue1234';
const TOKEN_NEW = 'ghp_newTokenValue5678';
const PASSWORD = 'hunter2-db-password';
const API_KEY = 'sk-live-abcdef123456';
const gh = (token: string): JsonObject => ({ name: 'Source', actionTypeId: { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' }, runOrder: 1, configuration: { Owner: 'acme', Repo: 'vault', Branch: 'main', OAuthToken: token }, outputArtifacts: [{ name: 'Src' }], inputArtifacts: [] });
const withEnv = (password: string): JsonObject => ({ ...cb('Build', 'vault-build'), configuration: { ProjectName: 'vault-build', EnvironmentVariables: JSON.stringify([{ name: 'DB_PASSWORD', value: password, type: 'PLAINTEXT' }, { name: 'MODE', value: 'prod', type: 'PLAINTEXT' }]) } });
const secretAction: JsonObject = { name: 'Notify', actionTypeId: { category: 'Invoke', owner: 'Custom', provider: 'Pager', version: '1' }, runOrder: 1, configuration: { ApiKey: API_KEY, ClientSecret: 'client-secret-value', Channel: 'ops' }, outputArtifacts: [], inputArtifacts: [] };
export const SECRET_VALUES = [TOKEN_OLD, TOKEN_NEW, PASSWORD, 'hunter3-db-password', API_KEY, 'client-secret-value', 'tag-secret-value'];
const plan: Plan = {
  project: 'storefront',
  projectFrom: 'configuration',
  prune: true,
  defaultRegion: 'us-east-1',
  pipelines: [
    planPipeline({ name: 'web', pipeline: decl('web', [{ name: 'Source', actions: [src('main')] }, { name: 'Deploy', actions: [s3('web-site')] }]), tags: [{ key: 'team', value: 'web' }] }, 'us-east-1', undefined, [], ours),
    planPipeline({ name: 'shop', pipeline: desired, tags: [{ key: 'team', value: 'shop' }] }, 'us-east-1', { declaration: live, version: 7, arn: 'arn:aws:codepipeline:us-east-1:111111111111:shop' }, [...managed, { key: 'team', value: 'store' }], ours),
    planPipeline({ name: 'api', pipeline: decl('api', [{ name: 'Source', actions: [src('main')] }, { name: 'Build', actions: [cb('Build', 'api')] }]), tags: [] }, 'eu-west-1', { declaration: decl('api', [{ name: 'Source', actions: [src('main')] }, { name: 'Build', actions: [cb('Build', 'api')] }], { version: 2 }), version: 2, arn: 'arn:aws:codepipeline:eu-west-1:111111111111:api' }, managed, ours),
    planPipeline({ name: 'billing', pipeline: decl('billing', [{ name: 'Source', actions: [src('main')] }, { name: 'Build', actions: [cb('Build', 'billing')] }]), tags: [] }, 'us-east-1', { declaration: decl('billing', [{ name: 'Source', actions: [src('main')] }]), version: 12, arn: 'arn:aws:codepipeline:us-east-1:111111111111:billing' }, [], ours),
    planPipeline(
      { name: 'vault', pipeline: decl('vault', [{ name: 'Source', actions: [gh(TOKEN_NEW)] }, { name: 'Build', actions: [withEnv('hunter3-db-password'), secretAction] }]), tags: [{ key: 'apiToken', value: 'tag-secret-value' }] },
      'us-east-1',
      { declaration: decl('vault', [{ name: 'Source', actions: [gh(TOKEN_OLD)] }, { name: 'Build', actions: [withEnv(PASSWORD)] }]), version: 3, arn: 'arn:aws:codepipeline:us-east-1:111111111111:vault' },
      managed,
      ours,
    ),
    planPipeline({ name: 'vault-new', pipeline: decl('vault-new', [{ name: 'Source', actions: [gh(TOKEN_NEW)] }, { name: 'Build', actions: [withEnv(PASSWORD), secretAction] }]), tags: [] }, 'us-east-1', undefined, [], ours),
    planPipeline({ name: 'theirs', pipeline: decl('theirs', [{ name: 'Source', actions: [src('main')] }]), tags: [] }, 'us-east-1', { declaration: decl('theirs', [{ name: 'Source', actions: [src('main')] }]), version: 1, arn: 'arn:aws:codepipeline:us-east-1:111111111111:theirs' }, [{ key: 'managed-by', value: 'pipec' }, { key: 'pipec:project', value: 'payments' }], ours),
    { name: 'retired', region: 'us-east-1', action: 'delete', liveVersion: 4, arn: 'arn:aws:codepipeline:us-east-1:111111111111:retired', changes: [] },
  ],
};

const golden = (file: string, actual: string): void => expectGolden(join(GOLDEN, file), actual);

describe('plan renderings (golden)', () => {
  it('text', () => golden('plan.txt', renderText(plan, { color: false })));
  it('text with colour', () => golden('plan.color.txt', renderText(plan, { color: true })));
  it('json', () => golden('plan.json', renderJson(plan)));
  it('markdown', () => golden('plan.md', renderMarkdown(plan)));
  it('no changes', () => golden('no-changes.txt', renderText({ project: 'web', projectFrom: 'directory', prune: false, pipelines: [plan.pipelines[2]!] }, { color: false }) + renderMarkdown({ project: 'web', projectFrom: 'directory', prune: false, pipelines: [plan.pipelines[2]!] })));

  it('the text summary line is the last line', () => {
    expect(renderText(plan, { color: false }).trimEnd().split('\n').pop()).toBe('Plan: 2 to create, 2 to update, 1 to delete.');
  });
});

describe('secrets', () => {
  const renderings: Record<string, string> = {
    text: renderText(plan, { color: false }),
    'text with colour': renderText(plan, { color: true }),
    json: renderJson(plan),
    markdown: renderMarkdown(plan),
    'saved plan file': serializePlan(savePlanContents(plan, { account: '111111111111', endpoint: null, defaultRegion: 'us-east-1' }, { discovered: true, files: [], sha256: 'x' }, { adopt: [] }, '0.1.0')),
  };

  for (const [name, text] of Object.entries(renderings))
    it(`never appear in the ${name}`, () => {
      for (const secret of SECRET_VALUES) expect(text, secret).not.toContain(secret);
      expect(text).toContain('(sensitive)');
    });

  it('a changed secret shows as (sensitive) changed, still a change', () => {
    expect(renderings.text).toContain('~ configuration.OAuthToken: (sensitive) changed');
    expect(renderings.text).toContain('apiToken: (sensitive)');
    expect(renderings.json).toContain('"field": "configuration.OAuthToken",\n          "old": "(sensitive)",\n          "new": "(sensitive)"');
  });
});
