import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainActionFailure } from '../../src/ops/explain/action-failure.js';
import { docLink, EXPLANATIONS } from '../../src/ops/explain/catalog.js';
import { branchMatches, explainSourceDetection } from '../../src/ops/explain/source-detection.js';
import { ruleMatchesSource } from '../../src/ops/explain/rule-match.js';
import { ROOT } from '../support/cli.js';

/** Each cause of a failed action (and of a source change that starts nothing) gets its explanation and code. */
const declaration = {
  name: 'shop',
  roleArn: 'arn:aws:iam::111111111111:role/shop-pipeline',
  stages: [
    { name: 'Source', actions: [{ name: 'App', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, outputArtifacts: [{ name: 'App' }] }] },
    { name: 'Build', actions: [{ name: 'Compile', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, outputArtifacts: [{ name: 'Site' }] }] },
    {
      name: 'Release',
      actions: [
        { name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, timeoutInMinutes: 60 },
        { name: 'Stack', actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' }, roleArn: 'arn:aws:iam::111111111111:role/deployer' },
      ],
    },
  ],
};
const explain = (stage: string, action: string, f: { errorCode?: string; message?: string; summary?: string; updatedBy?: string; externalUrl?: string }) =>
  explainActionFailure({ pipeline: 'shop', stage, action, location: 'pipeline.yml:12:9', ...f }, declaration);

describe('why an action failed', () => {
  it('PF001: AccessDenied names the permission, the resource and the role', () => {
    const e = explain('Build', 'Compile', { errorCode: 'JobFailed', message: 'Error calling startBuild: User: arn:aws:sts::111111111111:assumed-role/shop-pipeline/1 is not authorized to perform: codebuild:StartBuild on resource: arn:aws:codebuild:us-east-1:111111111111:project/shop' });
    expect(e).toEqual({
      code: 'PF001',
      subject: 'Build.Compile',
      location: 'pipeline.yml:12:9',
      message: "the role 'shop-pipeline' lacks codebuild:StartBuild on arn:aws:codebuild:us-east-1:111111111111:project/shop",
      fix: "allow codebuild:StartBuild on arn:aws:codebuild:us-east-1:111111111111:project/shop in the policy of role 'shop-pipeline', then pipec retry shop Build",
    });
  });

  it("PF001: a bare AccessDenied falls back to the action's own role", () => {
    const e = explain('Release', 'Stack', { errorCode: 'AccessDenied', message: 'Access Denied' });
    expect(e.code).toBe('PF001');
    expect(e.message).toBe("the role 'deployer' was denied access: Access Denied");
  });

  it('PF002: an artifact nobody produces, a file missing from one, and a build whose artifact paths matched nothing', () => {
    expect(explain('Release', 'Stack', { message: 'Input artifact [Templates] not found' })).toMatchObject({ code: 'PF002', message: "no action produces artifact 'Templates': Input artifact [Templates] not found" });
    expect(explain('Release', 'Stack', { message: 'File [stack.yml] does not exist in artifact [Site]' })).toMatchObject({ code: 'PF002', message: "the file 'stack.yml' is not in artifact 'Site' (made by Build.Compile): File [stack.yml] does not exist in artifact [Site]" });
    expect(explain('Build', 'Compile', { message: 'CLIENT_ERROR: no matching artifact paths found' }).code).toBe('PF002');
  });

  it('PF003: an artifact that is too large', () => {
    const e = explain('Release', 'Stack', { message: 'Artifact [Site] exceeds the maximum allowed size of 256 MB' });
    expect(e).toMatchObject({ code: 'PF003', message: "artifact 'Site' is larger than Stack accepts: Artifact [Site] exceeds the maximum allowed size of 256 MB" });
  });

  it("PF004: a timeout, with the provider's limit or the action's own timeout", () => {
    expect(explain('Release', 'Stack', { errorCode: 'TimeoutError', message: 'The action timed out' }).message).toBe('the action did not finish within its time limit of 3 days: The action timed out');
    expect(explain('Release', 'Approve', { errorCode: 'TimeoutError', message: 'The approval request expired' }).message).toBe("the action did not finish within its time limit of 60 minutes (this action's timeoutInMinutes): The approval request expired");
  });

  it('PF005: a rejected approval, with who rejected it and why', () => {
    const e = explain('Release', 'Approve', { message: 'Rejected: not today', summary: 'not today', updatedBy: 'arn:aws:iam::111111111111:user/ana' });
    expect(e).toMatchObject({ code: 'PF005', message: 'the approval was rejected by arn:aws:iam::111111111111:user/ana: "not today"' });
  });

  it("PF007: anything else, pointing at the provider's log", () => {
    const e = explain('Build', 'Compile', { errorCode: 'JobFailed', message: 'Build failed: exit status 2', externalUrl: 'https://console.aws.amazon.com/codebuild/x' });
    expect(e).toMatchObject({ code: 'PF007', message: 'JobFailed: Build failed: exit status 2' });
    expect(e.fix).toContain('https://console.aws.amazon.com/codebuild/x');
  });
});

describe('source changes that do not start the pipeline (PF006)', () => {
  const pipeline = (source: Record<string, unknown>, triggers?: unknown[]) => ({ name: 'p', roleArn: '', stages: [{ name: 'Source', actions: [{ name: 'Src', ...source }] }], ...(triggers ? { triggers } : {}) });
  const connection = (config: Record<string, string>) => ({ actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' }, configuration: { FullRepositoryId: 'acme/app', BranchName: 'main', ...config } });
  const where = () => 'pipeline.yml:5:3';

  it('a connection source with DetectChanges off and no trigger', () => {
    const out = explainSourceDetection('p', pipeline(connection({ DetectChanges: 'false' })), [], where);
    expect(out).toHaveLength(1);
    expect(out[0]?.message).toBe("DetectChanges is false and no trigger names this action, so pushes to 'acme/app@main' do not start p");
    expect(explainSourceDetection('p', pipeline(connection({})), [], where)).toEqual([]);
  });

  it("a push trigger whose branch filters leave out the source's branch", () => {
    const trigger = (branches: unknown) => [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Src', push: [{ branches }] } }];
    expect(explainSourceDetection('p', pipeline(connection({}), trigger({ includes: ['release/*'] })), [], where)[0]?.message).toBe("a push to branch 'main' matches none of the trigger's push filters, so it does not start p");
    expect(explainSourceDetection('p', pipeline(connection({}), trigger({ includes: ['main', 'release/*'] })), [], where)).toEqual([]);
    expect(explainSourceDetection('p', pipeline(connection({}), trigger({ excludes: ['ma*'] })), [], where)).toHaveLength(1);
  });

  it('polling off where only an EventBridge rule could start it, unless a recent execution came from a source change', () => {
    const codecommit = { actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' } };
    const manual = [{ trigger: { triggerType: 'StartPipelineExecution' } }];
    const out = explainSourceDetection('p', pipeline(codecommit), manual, where);
    expect(out[0]?.message).toContain('polling is off, so only an EventBridge rule starts p on pushes to app@main');
    expect(explainSourceDetection('p', pipeline(codecommit), [{ trigger: { triggerType: 'CloudWatchEvent' } }], where)).toEqual([]);
    expect(explainSourceDetection('p', pipeline({ ...codecommit, configuration: { RepositoryName: 'app', BranchName: 'main' } }), manual, where)).toEqual([]);
  });

  it('with the EventBridge rules known: only an enabled rule matching the source counts, whatever the history', () => {
    const codecommit = { actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'app', BranchName: 'main', PollForSourceChanges: 'false' } };
    const pattern = (branch: string) => JSON.stringify({ source: ['aws.codecommit'], resources: ['arn:aws:codecommit:us-east-1:1:app'], detail: { referenceName: [branch] } });
    const fromSource = [{ trigger: { triggerType: 'CloudWatchEvent' } }];
    expect(explainSourceDetection('p', pipeline(codecommit), fromSource, where, [])[0]?.message).toBe('polling is off and no EventBridge rule starts p on pushes to app@main, so those changes do not start it');
    expect(explainSourceDetection('p', pipeline(codecommit), [], where, [{ name: 'r', enabled: true, pattern: pattern('main') }])).toEqual([]);
    expect(explainSourceDetection('p', pipeline(codecommit), [], where, [{ name: 'r', enabled: false, pattern: pattern('main') }])[0]?.message).toContain("(the rule that targets it, 'r' (disabled), matches other changes or is disabled)");
  });

  it('reads EventBridge patterns for CodeCommit, S3 and ECR sources', () => {
    const action = (provider: string, configuration: Record<string, string>) => ({ name: 'S', actionTypeId: { category: 'Source', owner: 'AWS', provider, version: '1' }, configuration });
    const cc = action('CodeCommit', { RepositoryName: 'app', BranchName: 'main' });
    expect(ruleMatchesSource(cc, JSON.stringify({ source: ['aws.codecommit'], resources: ['arn:aws:codecommit:us-east-1:1:app'], detail: { referenceName: ['main'] } }))).toBe(true);
    expect(ruleMatchesSource(cc, JSON.stringify({ source: ['aws.codecommit'], resources: ['arn:aws:codecommit:us-east-1:1:other'] }))).toBe(false);
    expect(ruleMatchesSource(cc, JSON.stringify({ source: ['aws.s3'] }))).toBe(false);
    const s3 = action('S3', { S3Bucket: 'b', S3ObjectKey: 'app.zip' });
    expect(ruleMatchesSource(s3, JSON.stringify({ source: ['aws.s3'], detail: { requestParameters: { bucketName: ['b'], key: ['app.zip'] } } }))).toBe(true);
    expect(ruleMatchesSource(s3, JSON.stringify({ source: ['aws.s3'], detail: { requestParameters: { bucketName: ['b'], key: ['other.zip'] } } }))).toBe(false);
    const ecr = action('ECR', { RepositoryName: 'web' });
    expect(ruleMatchesSource(ecr, JSON.stringify({ source: ['aws.ecr'], detail: { 'repository-name': ['web'], 'image-tag': ['latest'] } }))).toBe(true);
    expect(ruleMatchesSource(ecr, JSON.stringify({ source: ['aws.ecr'], detail: { 'repository-name': ['web'], 'image-tag': [{ prefix: 'v' }] } }))).toBe(true);
  });

  it('matches branch globs as CodePipeline triggers do', () => {
    expect(branchMatches('release/1.2', ['release/*'], undefined)).toBe(true);
    expect(branchMatches('release/1/2', ['release/*'], undefined)).toBe(false);
    expect(branchMatches('release/1/2', ['release/**'], undefined)).toBe(true);
    expect(branchMatches('main', undefined, ['main'])).toBe(false);
  });
});

describe('explanation codes', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'failures.md'), 'utf8');
  it('are each documented in docs/failures.md under the heading their link names, with the cause and the fix', () => {
    const sections = new Map<string, string>();
    for (const part of doc.split(/^## /m).slice(1)) sections.set(part.split('\n', 1)[0] as string, part);
    expect([...sections.keys()]).toEqual(Object.keys(EXPLANATIONS).map((c) => `${c} ${EXPLANATIONS[c as keyof typeof EXPLANATIONS].rule}`));
    for (const [code, entry] of Object.entries(EXPLANATIONS)) {
      const text = sections.get(`${code} ${entry.rule}`) as string;
      expect(text.toLowerCase(), code).toContain(`${entry.summary}.`);
      expect(text, code).toMatch(/\*\*Fix:\*\* \S/);
      expect(docLink(code as keyof typeof EXPLANATIONS)).toBe(`docs/failures.md#${code.toLowerCase()}-${entry.rule}`);
    }
  });
});
