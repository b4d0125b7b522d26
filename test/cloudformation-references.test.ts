import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsManagerDynamicReference } from '../src/compiler/secret-reference.js';
import { runCli } from './support/cli.js';
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
