import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { managedPolicy } from './support/managed-policies.js';
import { resolveTemplate } from './support/resolve-template.js';
import { runTool } from './support/tools.js';

/**
 * Lambda traffic hooks on a hand-written `deployment-groups:` entry (`hooks:`): the role CodeDeploy
 * assumes for Lambda (AWSCodeDeployRoleForLambda) may invoke only functions named
 * CodeDeployHook_*, so the service role pipec creates for the group must be allowed to invoke the
 * hooks the group declares, and nothing else beyond what the managed policy allows.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-hooks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PIPELINE = (group: string) => `name: orders
region: us-east-1
account: "111111111111"
role: arn:aws:iam::111111111111:role/pipeline
artifacts: { bucket: acme-artifacts }
source: codecommit:orders@main
deployment-groups:
${group}
stages:
  - name: Deploy
    actions:
      - name: Canary
        deploy: { codedeploy: orders, group: orders-prod }
        inputs: [Source]
`;

const LAMBDA_GROUP = `  - application: orders
    name: orders-prod
    platform: lambda
    hooks: { pre-traffic: orders-check-before, post-traffic: "arn:aws:lambda:us-east-1:444455556666:function:shared-smoke" }
`;

async function compileTo(name: string, text: string): Promise<{ code: number; stderr: string; dir: string }> {
  const dir = join(scratch, name);
  const file = join(scratch, `${name}.yml`);
  writeFileSync(file, text);
  const r = await runCli(['compile', file, '-t', 'cloudformation', '-o', dir, '--no-color']);
  return { code: r.code, stderr: r.stderr, dir };
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[] };

async function allowed(policies: unknown[], action: string, resource: string): Promise<boolean> {
  const r = await runSimulation(
    {
      identityPolicies: policies.map((policy, i) => ({ name: `p${i}`, policy: { Version: '2012-10-17', ...(policy as object) } as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // identity policies only (a function in another account must also allow the role in its own policy)
      request: { action, principal: 'arn:aws:iam::111111111111:role/codedeploy', resource: { resource, accountId: '111111111111' }, contextVariables: {} },
    },
    {},
  );
  return r.resultType !== 'error' && r.overallResult === 'Allowed';
}

describe('hooks on a hand-written Lambda deployment group', () => {
  it('let the service role pipec creates invoke exactly those functions (and their versions), simulated', async () => {
    const { code, stderr, dir } = await compileTo('lambda', PIPELINE(LAMBDA_GROUP));
    expect(code, stderr).toBe(0);
    const path = join(dir, 'orders', 'cloudformation.yml');
    const resources = resolveTemplate({ tree: parse(readFileSync(path, 'utf8')) } as never, { account: '111111111111', region: 'us-east-1' }).Resources as Record<string, Resource>;
    const role = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Role' && String(r.Properties.Description).includes('CodeDeploy')) as Resource;
    expect(role).toBeDefined();
    const policies = [
      ...((role.Properties.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map((p) => p.PolicyDocument),
      ...((role.Properties.ManagedPolicyArns ?? []) as string[]).map((arn) => managedPolicy(arn)).filter((p) => p !== undefined),
    ];
    const fn = (account: string, name: string) => `arn:aws:lambda:us-east-1:${account}:function:${name}`;
    expect(await allowed(policies, 'lambda:InvokeFunction', fn('111111111111', 'orders-check-before'))).toBe(true);
    expect(await allowed(policies, 'lambda:InvokeFunction', `${fn('111111111111', 'orders-check-before')}:3`)).toBe(true);
    expect(await allowed(policies, 'lambda:InvokeFunction', fn('444455556666', 'shared-smoke'))).toBe(true);
    // what the managed policy allows anyway, and nothing else
    expect(await allowed(policies, 'lambda:InvokeFunction', fn('111111111111', 'CodeDeployHook_orders'))).toBe(true);
    expect(await allowed(policies, 'lambda:InvokeFunction', fn('111111111111', 'orders-api'))).toBe(false);
    const statements = ((role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.find((s) => s.Sid === 'InvokeTrafficHooks')?.Resource).toEqual([
      fn('111111111111', 'orders-check-before'),
      `${fn('111111111111', 'orders-check-before')}:*`,
      fn('444455556666', 'shared-smoke'),
      `${fn('444455556666', 'shared-smoke')}:*`,
    ]);
    // and the stack stays clean for cfn-lint
    const lint = runTool('cfn-lint', ['--format', 'parseable', path, '--include-checks', 'I']);
    expect(lint.stdout + lint.stderr).toBe('');
  });

  it('without hooks, the role may invoke only what the managed policy allows', async () => {
    const { code, dir } = await compileTo('no-hooks', PIPELINE(LAMBDA_GROUP.replace(/\n\s+hooks:.*\n/, '\n')));
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'orders', 'cloudformation.yml'), 'utf8')).not.toContain('InvokeTrafficHooks');
  });

  it('are an error on an ECS group, and beside service-role (a role pipec does not write)', async () => {
    const ecs = await compileTo(
      'ecs',
      PIPELINE(`  - application: orders
    name: orders-prod
    platform: ecs
    ecs: { cluster: c, service: s, listener: l, target-groups: [a, b] }
    hooks: { pre-traffic: check }
`),
    );
    expect(ecs.code).toBe(1);
    expect(ecs.stderr).toMatch(/ecs\.yml:12:5: error\[PC2008\]: 'hooks' names the Lambda functions of a Lambda group's traffic hooks; this group is for ecs\n/);
    expect(ecs.stderr).toContain('AWSCodeDeployRoleForECS');
    const own = await compileTo('own-role', PIPELINE(`${LAMBDA_GROUP}    service-role: arn:aws:iam::111111111111:role/codedeploy\n`));
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/error\[PC2008\]: 'hooks' lets the service role pipec creates invoke them; this group names its own 'service-role'/);
    expect(own.stderr).toContain('lambda:InvokeFunction');
  });
});
