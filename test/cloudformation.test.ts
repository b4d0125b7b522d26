import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileExample, examples, templatesIn, type TemplateFile } from './support/targets.js';
import { ROOT, runCli } from './support/cli.js';
import { runTool } from './support/tools.js';

/**
 * The cloudformation target over every example: the templates (main, region and account stacks)
 * pass cfn-lint 1.51.0, linted in one process, and hold up to a security review written as code.
 */

/** Warnings cfn-lint may report, each with the reason it is acceptable (also listed in the README). None today. */
const ACCEPTED_WARNINGS: Record<string, string> = {};

const scratch = mkdtempSync(join(tmpdir(), 'pipec-cfn-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const templates: TemplateFile[] = [];
const jsonTemplates: TemplateFile[] = [];

beforeAll(async () => {
  for (const name of examples) {
    await compileExample(name, join(scratch, 'yaml', name));
    templates.push(...templatesIn(name, join(scratch, 'yaml', name)));
    await compileExample(name, join(scratch, 'json', name), ['--cfn-format', 'json']);
    jsonTemplates.push(...templatesIn(name, join(scratch, 'json', name)));
  }
  // what no example shows: a stack that makes the pipeline's role and its artifact store with its key;
  // a pipeline without artifacts: whose actions run in other accounts (the artifacts stack);
  // environments in another account and region, whose account stacks take a region stack's key ARN
  for (const fixture of ['own-role-and-store', 'cross-account-own-store', 'cross-account-other-region'])
    for (const [format, list] of [['yaml', templates], ['json', jsonTemplates]] as const) {
      const out = join(scratch, `fixture-${fixture}-${format}`);
      const r = await runCli(['compile', join(ROOT, 'test', 'fixtures', 'stack', `${fixture}.yml`), '-t', 'cloudformation', '-o', out, '-q', '--no-color', '--cfn-format', format]);
      if (r.code !== 0) throw new Error(r.stderr);
      list.push(...templatesIn(`fixture:${fixture}`, out));
    }
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Where a logical ID is referenced by Fn::GetAtt [id, Arn], as "Type Property.path". */
function arnUses(t: TemplateFile, id: string): string[] {
  const uses: string[] = [];
  const walk = (v: unknown, path: string, type: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, type));
    else if (isObj(v)) {
      const g = v['Fn::GetAtt'];
      if (Array.isArray(g) && g[0] === id && g[1] === 'Arn') uses.push(`${type} ${path}`);
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, type);
    }
  };
  for (const [rid, r] of Object.entries(t.tree.Resources)) if (rid !== id) walk(r.Properties, '', r.Type);
  return uses;
}

/** The service a role must trust, from what uses it. */
function expectedService(use: string): string | undefined {
  if (/^AWS::CodePipeline::Pipeline RoleArn$/.test(use)) return 'codepipeline.amazonaws.com';
  if (/^AWS::CodeBuild::Project ServiceRole$/.test(use)) return 'codebuild.amazonaws.com';
  if (/^AWS::Events::Rule Targets\[\d+\]\.RoleArn$/.test(use)) return 'events.amazonaws.com';
  if (/^AWS::CodeDeploy::DeploymentGroup ServiceRoleArn$/.test(use)) return 'codedeploy.amazonaws.com';
  return undefined;
}

/** The pipeline's account: from codepipeline.json, or (a fixture compiled for the cloudformation target only) its stack's RoleArn. */
function pipelineAccountOf(t: TemplateFile): string {
  const dir = dirname(t.path);
  const roleArn = existsSync(join(dir, 'codepipeline.json'))
    ? (JSON.parse(readFileSync(join(dir, 'codepipeline.json'), 'utf8')) as { pipeline: { roleArn: string } }).pipeline.roleArn
    : String((parse(readFileSync(join(dir, 'cloudformation.yml'), 'utf8')) as TemplateFile['tree']).Resources.Pipeline?.Properties.RoleArn);
  return /::(\d{12}):/.exec(roleArn)?.[1] ?? '';
}

const isWildcardAction = (a: unknown): boolean => a === '*' || (typeof a === 'string' && /^[a-z0-9-]+:\*$/.test(a));

/** Identity-policy statements of a template's roles and policies, with where they are. */
function identityStatements(t: TemplateFile): Array<{ where: string; st: Obj }> {
  const out: Array<{ where: string; st: Obj }> = [];
  for (const [id, r] of Object.entries(t.tree.Resources)) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Role') for (const p of list(r.Properties.Policies)) docs.push((p as Obj).PolicyDocument);
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties.PolicyDocument);
    for (const d of docs) for (const st of list((d as Obj).Statement)) out.push({ where: `${t.example}/${t.pipeline}/${t.file} ${id}`, st: st as Obj });
  }
  return out;
}

describe('cloudformation templates of every example', () => {
  it('cover the pipeline stack, region support stacks and account stacks', () => {
    expect(templates.some((t) => t.file === 'cloudformation.yml')).toBe(true);
    expect(templates.some((t) => /^cloudformation\.[a-z]{2}-[a-z]+-\d\.yml$/.test(t.file))).toBe(true);
    expect(templates.some((t) => /^cloudformation\.account-\d{12}\.yml$/.test(t.file))).toBe(true);
    expect(templates.some((t) => t.file === 'cloudformation.artifacts.yml')).toBe(true);
  });

  it('together hold every resource kind the target writes', () => {
    const types = new Set(templates.flatMap((t) => Object.values(t.tree.Resources).map((r) => r.Type)));
    for (const type of [
      'AWS::CodePipeline::Pipeline',
      'AWS::CodeBuild::Project',
      'AWS::Logs::LogGroup',
      'AWS::IAM::Role',
      'AWS::S3::Bucket',
      'AWS::S3::BucketPolicy',
      'AWS::KMS::Key',
      'AWS::KMS::Alias',
      'AWS::Events::Rule',
      'AWS::CloudTrail::Trail',
      'AWS::SNS::Topic',
      'AWS::SNS::TopicPolicy',
      'AWS::CodeStarNotifications::NotificationRule',
    ])
      expect(types, type).toContain(type);
    const pipelines = templates.flatMap((t) => Object.values(t.tree.Resources).filter((r) => r.Type === 'AWS::CodePipeline::Pipeline'));
    expect(pipelines.some((p) => Array.isArray(p.Properties.DisableInboundStageTransitions))).toBe(true);
    expect(pipelines.some((p) => Array.isArray(p.Properties.ArtifactStores))).toBe(true);
  });

  it(
    'pass cfn-lint 1.51.0 (one process for all, --format parseable) with no errors and only accepted warnings',
    () => {
      const version = runTool('cfn-lint', ['--version']);
      expect(`${version.stdout}${version.stderr}`, 'cfn-lint must be 1.51.0: pip install cfn-lint==1.51.0').toContain('1.51.0');
      // every YAML template, and the JSON form of two examples' templates (the same trees, so a sample suffices)
      const jsonSample = jsonTemplates.filter((t) => t.example === 'release-train' || t.example === 'cross-account-builds');
      expect(jsonSample.length).toBeGreaterThanOrEqual(4);
      const paths = [...templates, ...jsonSample].map((t) => t.path);
      const r = runTool('cfn-lint', ['--format', 'parseable', ...paths]);
      // exit code is a bitmask: 1 failure to run, 2 errors, 4 warnings, 8 informational
      expect(r.status! & 1, r.stderr).toBe(0);
      const findings = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const m = /^(.*?):(\d+):(\d+):\d+:\d+:([EWI]\d+):(.*)$/.exec(line);
          return m ? { file: m[1], line: m[2], code: m[4] as string, message: m[5] } : { file: '?', line: '?', code: 'E????', message: line };
        });
      expect(findings.filter((f) => f.code.startsWith('E'))).toEqual([]);
      expect(r.status! & 2).toBe(0);
      expect(findings.filter((f) => f.code.startsWith('W') && !(f.code in ACCEPTED_WARNINGS))).toEqual([]);
    },
    600_000,
  );

  it('are the same in YAML and JSON (--cfn-format json), the YAML header comments being the JSON Metadata.pipec', () => {
    expect(jsonTemplates.length).toBe(templates.length);
    for (const t of templates) {
      const j = jsonTemplates.find((x) => x.example === t.example && x.pipeline === t.pipeline && x.file === t.file.replace(/\.yml$/, '.json'));
      expect(j, `${t.example}/${t.pipeline}/${t.file} has a JSON twin`).toBeDefined();
      const { Metadata, ...tree } = JSON.parse(j!.text) as { Metadata: { pipec: string[] } };
      expect(tree).toEqual(t.tree);
      // JSON has no comments: the header (what the file is, its deploy command, the order) is its Metadata
      const header = t.text.split('\n').slice(0, t.text.split('\n').findIndex((l) => !l.startsWith('#'))).map((l) => l.replace(/^# ?/, ''));
      expect(Metadata.pipec).toEqual(header.map((l) => l.replace(/(cloudformation[\w.-]*)\.yml\b/g, '$1.json')));
      // what aws cloudformation deploy (without --s3-bucket) and CreateChangeSet take in a request
      for (const f of [t, j!]) expect(Buffer.byteLength(f.text), `${f.example}/${f.pipeline}/${f.file}`).toBeLessThanOrEqual(51_200);
    }
  });
});

describe('security review of every template', () => {
  it('grants no wildcard action on a wildcard resource, and explains every wildcard resource', () => {
    const problems: string[] = [];
    let starResources = 0;
    for (const t of templates)
      for (const { where, st } of identityStatements(t)) {
        if ('NotAction' in st || 'NotResource' in st) problems.push(`${where}: NotAction/NotResource`);
        if (st.Effect !== 'Allow') continue;
        const resources = list(st.Resource);
        const actions = list(st.Action);
        if (!resources.includes('*')) continue;
        starResources++;
        if (actions.some(isWildcardAction)) problems.push(`${where}: ${JSON.stringify(actions)} on "*"`);
        if (t.file.endsWith('.yml') && !new RegExp(`\\n\\s*#[^\\n]*\\n\\s*- Sid: ${st.Sid as string}\\n`).test(t.text))
          problems.push(`${where}: statement ${String(st.Sid)} has Resource "*" without a comment saying why`);
      }
    expect(problems).toEqual([]);
    expect(starResources).toBeGreaterThan(0);
  });

  it('trusts each role to exactly the service it serves, or to the pipeline account for cross-account roles', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const t of templates)
      for (const [id, r] of Object.entries(t.tree.Resources)) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        checked++;
        const where = `${t.example}/${t.pipeline}/${t.file} ${id}`;
        const statements = list((r.Properties.AssumeRolePolicyDocument as Obj).Statement) as Obj[];
        if (statements.length !== 1) {
          problems.push(`${where}: ${statements.length} trust statements`);
          continue;
        }
        const st = statements[0] as Obj;
        const principal = st.Principal as Obj;
        if (st.Effect !== 'Allow' || st.Action !== 'sts:AssumeRole' || Object.keys(principal).length !== 1) {
          problems.push(`${where}: unexpected trust statement ${JSON.stringify(st)}`);
          continue;
        }
        const uses = arnUses(t, id);
        const services = [...new Set(uses.map(expectedService))];
        if (principal.Service !== undefined) {
          if (services.length !== 1 || services[0] === undefined || principal.Service !== services[0])
            problems.push(`${where}: trusts ${JSON.stringify(principal.Service)} but is used by ${JSON.stringify(uses)}`);
        } else {
          // a role the pipeline assumes in another account: trusted by the pipeline's account only
          const account = /^cloudformation\.account-(\d{12})\./.exec(t.file)?.[1];
          const expected = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${pipelineAccountOf(t)}:root` };
          if (!account || uses.length > 0 || JSON.stringify(principal.AWS) !== JSON.stringify(expected) || account === pipelineAccountOf(t))
            problems.push(`${where}: trusts ${JSON.stringify(principal)}; expected only the pipeline's account in an account stack`);
        }
      }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('encrypts every bucket with KMS, blocks public access, refuses plain HTTP, versions and expires objects', () => {
    const problems: string[] = [];
    let buckets = 0;
    for (const t of templates)
      for (const [id, r] of Object.entries(t.tree.Resources)) {
        if (r.Type !== 'AWS::S3::Bucket') continue;
        buckets++;
        const where = `${t.example}/${t.pipeline}/${t.file} ${id}`;
        const p = r.Properties;
        const sse = ((p.BucketEncryption as Obj | undefined)?.ServerSideEncryptionConfiguration as Obj[] | undefined)?.[0]?.ServerSideEncryptionByDefault as Obj | undefined;
        // SSE-KMS: with the stack's key, or with S3's default key (aws/s3) for a named store only the pipeline's account reads
        if (sse?.SSEAlgorithm !== 'aws:kms') problems.push(`${where}: not KMS-encrypted`);
        const pab = p.PublicAccessBlockConfiguration as Obj | undefined;
        for (const k of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) if (pab?.[k] !== true) problems.push(`${where}: ${k} not set`);
        if ('AccessControl' in p) problems.push(`${where}: uses a canned ACL`);
        if ((p.VersioningConfiguration as Obj | undefined)?.Status !== 'Enabled') problems.push(`${where}: not versioned`);
        if (!((p.LifecycleConfiguration as Obj | undefined)?.Rules as Obj[] | undefined)?.some((rule) => rule.Status === 'Enabled')) problems.push(`${where}: no lifecycle rule`);
        const policies = Object.values(t.tree.Resources).filter((x) => x.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(x.Properties.Bucket) === JSON.stringify({ Ref: id }));
        const statements = policies.flatMap((x) => list((x.Properties.PolicyDocument as Obj).Statement) as Obj[]);
        const tlsOnly = statements.some(
          (s) => s.Effect === 'Deny' && s.Principal === '*' && s.Action === 's3:*' && list(s.Resource).length === 2 && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        );
        if (!tlsOnly) problems.push(`${where}: no TLS-only bucket policy`);
        for (const s of statements)
          if (s.Effect === 'Allow' && (s.Principal === '*' || JSON.stringify(s.Principal).includes('"AWS":"*"'))) problems.push(`${where}: policy allows anyone`);
      }
    expect(problems).toEqual([]);
    expect(buckets).toBeGreaterThan(3);
  });

  it('rotates every key it creates and gives kms:* only to its own account', () => {
    const problems: string[] = [];
    for (const t of templates)
      for (const [id, r] of Object.entries(t.tree.Resources)) {
        if (r.Type !== 'AWS::KMS::Key') continue;
        const where = `${t.example}/${t.pipeline}/${t.file} ${id}`;
        if (r.Properties.EnableKeyRotation !== true) problems.push(`${where}: rotation off`);
        for (const s of list((r.Properties.KeyPolicy as Obj).Statement) as Obj[])
          if (list(s.Action).some(isWildcardAction) && JSON.stringify(s.Principal) !== JSON.stringify({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }))
            problems.push(`${where}: ${JSON.stringify(s.Action)} to ${JSON.stringify(s.Principal)}`);
      }
    expect(problems).toEqual([]);
  });

  it('writes no secret in plain text', () => {
    const problems: string[] = [];
    for (const t of templates)
      for (const [id, r] of Object.entries(t.tree.Resources)) {
        if (r.Type === 'AWS::CodeBuild::Project')
          for (const v of list((r.Properties.Environment as Obj).EnvironmentVariables) as Obj[])
            if (v.Type === 'PLAINTEXT' && /secret|token|password|api_?key/i.test(String(v.Name))) problems.push(`${t.example} ${id}: ${String(v.Name)} in plain text`);
        if (r.Type === 'AWS::CodePipeline::Pipeline')
          for (const s of r.Properties.Stages as Obj[])
            for (const a of s.Actions as Obj[])
              for (const [k, v] of Object.entries((a.Configuration as Obj | undefined) ?? {}))
                if (/token|secret|password/i.test(k) && !String(v).startsWith('{{resolve:secretsmanager:')) problems.push(`${t.example} ${String(a.Name)}: ${k} in plain text`);
      }
    expect(problems).toEqual([]);
  });
});

describe('the pipeline resource is the codepipeline target mapped to CloudFormation names', () => {
  /** The API declaration in CloudFormation case, as the mapping reference describes it (written independently of the target). */
  function pascal(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(pascal);
    if (!isObj(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => (k === 'configuration' ? ['Configuration', x] : [k[0]!.toUpperCase() + k.slice(1), pascal(x)])));
  }

  it.each(examples)('%s', (name) => {
    for (const t of templates.filter((x) => x.example === name && x.file === 'cloudformation.yml')) {
      const cp = JSON.parse(readFileSync(join(scratch, 'yaml', name, t.pipeline, 'codepipeline.json'), 'utf8')) as { pipeline: Obj; tags?: Obj[] };
      const expected = pascal(cp.pipeline) as Obj;
      const actual = structuredClone(t.tree.Resources.Pipeline!.Properties) as Obj;
      // the structural differences the target makes on purpose
      // the pipeline runs as 'role:' in both targets (every example names one)
      expect(actual.RoleArn).toBe(cp.pipeline.roleArn);
      for (const k of ['ArtifactStore', 'ArtifactStores']) {
        delete expected[k];
        delete actual[k];
      }
      const stores = t.tree.Resources.Pipeline!.Properties.ArtifactStores as Obj[] | undefined;
      if (stores) expect(stores.map((s) => s.Region)).toEqual(Object.keys(cp.pipeline.artifactStores as Obj).sort());
      else expect(t.tree.Resources.Pipeline!.Properties.ArtifactStore).toBeDefined();
      if (cp.tags) expect(actual.Tags).toEqual(cp.tags.map((x) => ({ Key: x.key, Value: x.value })));
      delete actual.Tags;
      delete actual.DisableInboundStageTransitions;
      for (const s of [...(expected.Stages as Obj[]), ...(actual.Stages as Obj[])])
        for (const a of s.Actions as Obj[]) {
          for (const k of ['InputArtifacts', 'OutputArtifacts']) if (Array.isArray(a[k]) && (a[k] as unknown[]).length === 0) delete a[k];
          const c = a.Configuration as Obj | undefined;
          if (c && isObj(c.ProjectName)) c.ProjectName = '(ref)';
          if (c && Object.keys(c).length === 0) delete a.Configuration;
        }
      for (const s of expected.Stages as Obj[])
        for (const a of s.Actions as Obj[]) {
          const c = a.Configuration as Obj | undefined;
          if (c && a.ActionTypeId && (a.ActionTypeId as Obj).Provider === 'CodeBuild' && typeof c.ProjectName === 'string') {
            const inStack = JSON.stringify(t.tree.Resources).includes(`"Name":"${c.ProjectName}"`);
            if (inStack) c.ProjectName = '(ref)';
          }
        }
      expect(actual).toEqual(expected);
    }
  });
});

describe('parsed templates', () => {
  it('parse back from YAML to what JSON says', () => {
    for (const t of templates) expect(parse(t.text, { version: '1.1' })).toEqual(t.tree);
  });
});
