import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsManagerDynamicReference } from '../src/compiler/secret-reference.js';
import { runCli } from './support/cli.js';
import { compileExample, examples, templatesIn, type TemplateFile } from './support/targets.js';
import { runTool } from './support/tools.js';

/**
 * Every form of secret pipeline.yml accepts, as CloudFormation resolves it at deploy time: the
 * dynamic reference must be `{{resolve:secretsmanager:secret-id:SecretString:json-key:stage:version}}`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html),
 * the CodeBuild role may read exactly those secrets, and cfn-lint 1.51.0 finds nothing at all in the stack.
 */

const ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:search/api-key';

describe('secretsManagerDynamicReference', () => {
  it.each([
    ['github/oauth', '{{resolve:secretsmanager:github/oauth}}'],
    ['github/oauth:token', '{{resolve:secretsmanager:github/oauth:SecretString:token}}'],
    ['github/oauth:token:AWSPREVIOUS', '{{resolve:secretsmanager:github/oauth:SecretString:token:AWSPREVIOUS}}'],
    ['github/oauth::AWSPREVIOUS', '{{resolve:secretsmanager:github/oauth:SecretString::AWSPREVIOUS}}'],
    ['github/oauth:token::0123-abcd', '{{resolve:secretsmanager:github/oauth:SecretString:token::0123-abcd}}'],
    ['github/oauth:', '{{resolve:secretsmanager:github/oauth}}'],
    [ARN, `{{resolve:secretsmanager:${ARN}}}`],
    [`${ARN}-AbCdEf:token`, `{{resolve:secretsmanager:${ARN}-AbCdEf:SecretString:token}}`],
  ])('%s -> %s', (text, expected) => {
    expect(secretsManagerDynamicReference(text)).toBe(expected);
  });
});

const PIPELINE = `name: secrets
region: us-east-1
role: arn:aws:iam::111111111111:role/pipeline
artifacts: acme-artifacts
source: { github-v1: acme/app, branch: main, token: { secret: "github/oauth:token" } }
build:
  commands: [make]
  env:
    WHOLE: { secret: ci/whole }
    KEYED: { secret: "ci/npm:token" }
    STAGED: { secret: "ci/npm:token:AWSPREVIOUS" }
    BY_ARN: { secret: "${ARN}" }
    BY_ARN_KEYED: { secret: "${ARN}-AbCdEf:api-key" }
    PARAM: { parameter: /web/api-url }
    PARAM_ARN: { parameter: "arn:aws:ssm:us-east-1:111111111111:parameter/web/db-host" }
  artifacts: [dist/**/*]
deploy:
  alexa-skills: { skill-id: amzn1.ask.skill.1, client-id: amzn1.application-oa2-client.1, client-secret: { secret: "alexa/lwa:client-secret" }, refresh-token: { secret: "${ARN}:refresh" } }
`;

const scratch = mkdtempSync(join(tmpdir(), 'pipec-refs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let text = '';
let path = '';

beforeAll(async () => {
  const file = join(scratch, 'pipeline.yml');
  writeFileSync(file, PIPELINE);
  const r = await runCli(['compile', file, '-t', 'cloudformation', '-o', join(scratch, 'out'), '-q', '--no-color']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  path = join(scratch, 'out', 'secrets', 'cloudformation.yml');
  text = readFileSync(path, 'utf8');
});

describe('a stack with every secret form', () => {
  it('writes each configuration secret as a well-formed dynamic reference', () => {
    const refs = [...text.matchAll(/\{\{resolve:secretsmanager:[^}]*\}\}/g)].map((m) => m[0]);
    expect(refs.sort()).toEqual(
      [
        '{{resolve:secretsmanager:github/oauth:SecretString:token}}',
        '{{resolve:secretsmanager:alexa/lwa:SecretString:client-secret}}',
        `{{resolve:secretsmanager:${ARN}:SecretString:refresh}}`,
      ].sort(),
    );
    // secret-id (name or 7-part ARN), then SecretString, then up to three more parts
    for (const r of refs) expect(r).toMatch(/^\{\{resolve:secretsmanager:(arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:[^:]+|[^:]+)(:SecretString:[^:]*(:[^:]*){0,2})?\}\}$/);
  });

  it('lets the CodeBuild role read exactly the secrets and parameters its environment names', () => {
    const t = parse(text) as { Resources: Record<string, { Type: string; Properties: { Policies?: Array<{ PolicyDocument: { Statement: Array<{ Sid: string; Resource: unknown[] }> } }> } }> };
    const role = Object.values(t.Resources).find((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r).includes('codebuild.amazonaws.com'));
    const statements = role?.Properties.Policies?.[0]?.PolicyDocument.Statement ?? [];
    const secrets = statements.find((s) => s.Sid === 'Secrets')?.Resource;
    expect(secrets).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ci/whole-??????' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:ci/npm-??????' },
      `${ARN}-??????`,
      `${ARN}-AbCdEf`,
    ]);
    expect(statements.find((s) => s.Sid === 'ParameterStore')?.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/web/api-url' },
      'arn:aws:ssm:us-east-1:111111111111:parameter/web/db-host',
    ]);
  });

  it('passes cfn-lint 1.51.0 with no errors, warnings or informational findings', () => {
    const r = runTool('cfn-lint', ['--format', 'parseable', path, '--include-checks', 'I']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/**
 * Every example's stacks, reference by reference, as CloudFormation resolves them at deploy time:
 * Ref, Fn::GetAtt, Fn::Sub variables and DependsOn name something the template defines (or a pseudo
 * parameter); every parameter without a default is given by the deploy command the header prints,
 * and one read from another stack's outputs names a stack and output a sibling template defines;
 * every dynamic reference has a form CloudFormation resolves; the pipeline's artifact keys are key
 * ARNs (an alias ARN only when no action runs in another account) in the store's region.
 */
describe('references in every example stack', () => {
  const PSEUDO = new Set(['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::StackName', 'AWS::StackId', 'AWS::URLSuffix', 'AWS::NoValue', 'AWS::NotificationARNs']);
  const files: TemplateFile[] = [];

  beforeAll(async () => {
    for (const name of examples) {
      const out = join(scratch, 'examples', name);
      await compileExample(name, out);
      files.push(...templatesIn(name, out));
    }
  });

  /** Every intrinsic reference in a tree: [kind, target, attribute?]. */
  function references(node: unknown, out: Array<[string, string, string?]> = []): Array<[string, string, string?]> {
    if (Array.isArray(node)) for (const n of node) references(n, out);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'Ref' && typeof v === 'string') out.push(['Ref', v]);
        else if (k === 'Fn::GetAtt') {
          const [id, attr] = (Array.isArray(v) ? v : String(v).split('.')) as [string, string];
          out.push(['Fn::GetAtt', id, attr]);
        } else if (k === 'Fn::Sub') {
          const text = Array.isArray(v) ? String(v[0]) : String(v);
          const local = Array.isArray(v) ? new Set(Object.keys((v[1] ?? {}) as object)) : new Set<string>();
          for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const [id, attr] = (m[1] as string).split('.') as [string, string?];
            if (!local.has(m[1] as string)) out.push(['Fn::Sub', id, attr]);
          }
        } else if (k === 'Fn::ImportValue') out.push(['Fn::ImportValue', JSON.stringify(v)]);
        references(v, out);
      }
    }
    return out;
  }

  it('name only what the template defines', () => {
    const problems: string[] = [];
    for (const f of files) {
      const resources = f.tree.Resources;
      const params = new Set(Object.keys(f.tree.Parameters ?? {}));
      const where = `${f.example}/${f.pipeline}/${f.file}`;
      for (const [kind, id, attr] of references(f.tree)) {
        if (kind === 'Fn::ImportValue') problems.push(`${where}: Fn::ImportValue ${id} (pipec passes values between stacks as parameters)`);
        else if (kind === 'Fn::GetAtt' || attr !== undefined) {
          if (!resources[id]) problems.push(`${where}: ${kind} ${id}.${attr} names no resource`);
        } else if (!resources[id] && !params.has(id) && !PSEUDO.has(id)) problems.push(`${where}: ${kind} ${id} names no resource, parameter or pseudo parameter`);
      }
      for (const [id, r] of Object.entries(resources))
        for (const dep of ([] as unknown[]).concat(r.DependsOn ?? [])) if (!resources[String(dep)]) problems.push(`${where}: ${id} depends on ${String(dep)}, which is not defined`);
    }
    expect(files.length).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('get every parameter without a default from the printed deploy command, and other stacks outputs from stacks that define them', () => {
    const problems: string[] = [];
    for (const f of files) {
      const where = `${f.example}/${f.pipeline}/${f.file}`;
      const command = /# Deploy[^:]*: (aws cloudformation deploy .*)$/m.exec(f.text)?.[1] ?? '';
      if (!command) problems.push(`${where}: no deploy command in the header`);
      const overrides = new Map<string, string>();
      const list = /--parameter-overrides (.*?)(?= --tags |$)/.exec(command)?.[1] ?? '';
      for (const m of list.matchAll(/(\w+)=(\$\([^)]*\)|\S+)/g)) overrides.set(m[1] as string, m[2] as string);
      const params = (f.tree.Parameters ?? {}) as Record<string, { Default?: unknown }>;
      for (const [p, def] of Object.entries(params)) if (def.Default === undefined && !overrides.has(p)) problems.push(`${where}: parameter ${p} has no default and the deploy command does not pass it`);
      for (const [p, value] of overrides) {
        if (!params[p]) problems.push(`${where}: the deploy command passes ${p}, which the template does not declare`);
        const read = /--region (\S+) --stack-name (\S+) --query "Stacks\[0\]\.Outputs\[\?OutputKey=='(\w+)'\]\.OutputValue"/.exec(value);
        if (!value.startsWith('$(')) continue;
        if (!read) {
          problems.push(`${where}: ${p} is read by a command pipec does not recognise: ${value}`);
          continue;
        }
        const [, region, stack, output] = read as unknown as [string, string, string, string];
        const source = files.find((g) => g.example === f.example && g.pipeline === f.pipeline && new RegExp(`--region ${region} .*--stack-name ${stack}( |$)`).test(g.text.split('\n').slice(0, 3).join('\n')));
        if (!source) problems.push(`${where}: ${p} reads stack ${stack} in ${region}, which no template of the pipeline deploys`);
        else if (!(source.tree.Outputs ?? {})[output]) problems.push(`${where}: ${p} reads output ${output} of ${source.file}, which does not define it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('write only well-formed dynamic references and artifact key ARNs', () => {
    const problems: string[] = [];
    for (const f of files) {
      const where = `${f.example}/${f.pipeline}/${f.file}`;
      for (const m of f.text.matchAll(/\{\{resolve:[^}]*\}\}/g))
        if (!/^\{\{resolve:(secretsmanager:(arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:[^:]+|[^:]+)(:SecretString:[^:]*(:[^:]*){0,2})?|ssm:[^:]+(:\d+)?|ssm-secure:[^:]+(:\d+)?)\}\}$/.test(m[0])) problems.push(`${where}: malformed dynamic reference ${m[0]}`);
      const pipeline = Object.values(f.tree.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
      if (!pipeline) continue;
      const crossAccount = /"RoleArn":"arn:aws:iam::(\d{12})/.test(JSON.stringify(pipeline.Properties.Stages)) && /account-\d{12}/.test(files.filter((g) => g.example === f.example && g.pipeline === f.pipeline).map((g) => g.file).join(' '));
      const stores = [
        ...(pipeline.Properties.ArtifactStore ? [{ region: undefined, store: pipeline.Properties.ArtifactStore }] : []),
        ...((pipeline.Properties.ArtifactStores as Array<{ Region: string; ArtifactStore: unknown }> | undefined) ?? []).map((s) => ({ region: s.Region, store: s.ArtifactStore })),
      ] as Array<{ region?: string; store: { EncryptionKey?: { Id: unknown } } }>;
      for (const { region, store } of stores) {
        const id = store.EncryptionKey?.Id;
        if (id === undefined) continue;
        const sub = (id as { 'Fn::Sub'?: unknown })['Fn::Sub'];
        const text =
          typeof id === 'string'
            ? id
            : typeof sub === 'string'
              ? sub.replace('${AWS::Partition}', 'aws').replace('${AWS::Region}', region ?? 'us-east-1').replace('${AWS::AccountId}', '111111111111')
              : JSON.stringify(id);
        // a key the stack creates (GetAtt Arn), a key ARN read from a regional stack (Ref to a parameter), or the user's ARN
        const ok = /Fn::GetAtt|"Ref"/.test(text) || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(text) || (!crossAccount && /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/.+$/.test(text));
        if (!ok) problems.push(`${where}: artifact store${region ? ` in ${region}` : ''} names its key ${text}${crossAccount ? ' (cross-account: the key ARN only)' : ''}`);
        const inRegion = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(text)?.[1];
        if (region && inRegion && inRegion !== region) problems.push(`${where}: the ${region} store's key is in ${inRegion}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
