import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandIamActions, type InvalidActionBehavior } from '@cloud-copilot/iam-expand';
import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, RULES } from '../src/compiler/catalog/index.js';
import { managedPolicy } from './support/managed-policies.js';
import { ROOT, runCli } from './support/cli.js';
import { resolveTemplate } from './support/resolve-template.js';
import { ACTION_CALLS, artifactCalls, RULE_CALLS, type Call, type Store } from './support/runtime-calls.js';
import { blueGreenCommandCalls, codeBuildCalls, codeDeployCalls, type GroupView } from './support/service-role-calls.js';
import { compileExample, examples, templatesIn, type TemplateFile } from './support/targets.js';

/**
 * The IAM policies of every example's stacks, evaluated with an IAM policy simulator
 * (@cloud-copilot/iam-simulate) against the calls each action makes at run time (the table
 * below, per provider, from each provider's action reference in the CodePipeline user guide),
 * made by the role that makes them: the pipeline role (`role:`, with the policies the stack
 * attaches to it, or the role the stack makes when there is none), the role an action assumes in another
 * account, the CodeBuild project's role. Every call must be allowed. Also: every action a
 * policy names exists (@cloud-copilot/iam-expand), a "*" resource only for calls that have no
 * resource-level permissions or under a condition, and iam:PassRole always limited by
 * iam:PassedToService. Identity policies only: the key and bucket policies that let other
 * accounts in are checked by test/cloudformation.test.ts.
 */

interface PipelineAction {
  name: string;
  actionTypeId: { category: string; owner: string; provider: string };
  configuration?: Record<string, string>;
  roleArn?: string;
  region?: string;
  inputArtifacts?: Array<{ name: string }>;
  outputArtifacts?: Array<{ name: string }>;
  environmentVariables?: Array<{ name: string; value: string; type?: string }>;
}
interface Rule {
  name: string;
  ruleTypeId: { provider: string };
  configuration?: Record<string, string>;
  roleArn?: string;
  region?: string;
}
interface Declaration {
  pipeline: {
    name: string;
    roleArn: string;
    stages: Array<{ name: string; actions: PipelineAction[]; onSuccess?: { conditions: Array<{ rules: Rule[] }> }; beforeEntry?: { conditions: Array<{ rules: Rule[] }> }; onFailure?: { conditions?: Array<{ rules: Rule[] }> } }>;
  };
}

const arnAccount = (arn: string | undefined): string | undefined => (arn ? /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1] : undefined);

type Policy = { Statement: Array<Record<string, unknown>> };
interface RoleView {
  arn: string;
  account: string;
  /** The policies pipec writes (inline, and AWS::IAM::Policy attached to the role). */
  policies: Policy[];
  /** AWS managed policies the role carries (test/support/managed-policies.ts). */
  managed: Policy[];
  where: string;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const scratch = mkdtempSync(join(tmpdir(), 'pipec-iam-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const stacks: Array<{ t: TemplateFile; resolved: TemplateFile['tree']; account: string; region: string; out: string }> = [];

beforeAll(async () => {
  for (const name of examples) {
    const out = join(scratch, name);
    await compileExample(name, out);
    for (const t of templatesIn(name, out)) {
      const decl = JSON.parse(readFileSync(join(out, t.pipeline, 'codepipeline.json'), 'utf8')) as Declaration;
      const account = /account-(\d{12})/.exec(t.file)?.[1] ?? arnAccount(decl.pipeline.roleArn) ?? '111111111111';
      const region = /--region (\S+)/.exec(t.text)?.[1] ?? 'us-east-1';
      stacks.push({ t, resolved: resolveTemplate(t, { account, region }), account, region, out });
    }
  }
  // providers and settings no example shows
  const out = join(scratch, 'fixture');
  const r = await runCli(['compile', join(ROOT, 'test/fixtures/iam/providers.yml'), '-t', 'all', '-o', out, '-q', '--no-color']);
  if (r.code !== 0) throw new Error(r.stderr);
  for (const t of templatesIn('fixture', out)) stacks.push({ t, resolved: resolveTemplate(t, { account: '111111111111', region: 'us-east-1' }), account: '111111111111', region: 'us-east-1', out });
  // pipelines whose actions run in other accounts, with stores whose keys pipec makes (cloudformation
  // target only: no codepipeline.json, the declaration is its stack's pipeline): the outputs of the
  // stacks deployed first (the artifacts stack's, each region stack's key ARN as ArtifactKeyArn<Region>),
  // as CloudFormation resolves them, are the parameters of the account stacks and the pipeline's stack
  // - cross-account-own-store: no artifacts:, an inline build and a deploy in other accounts;
  // - cross-account-other-region: environments in another account and region, with rollback-on-alarm
  for (const fixture of ['cross-account-own-store', 'cross-account-other-region']) {
    const own = join(scratch, `fixture-${fixture}`);
    const c = await runCli(['compile', join(ROOT, 'test/fixtures/stack', `${fixture}.yml`), '-t', 'cloudformation', '-o', own, '-q', '--no-color']);
    if (c.code !== 0) throw new Error(c.stderr);
    const list = templatesIn(`fixture:${fixture}`, own);
    const at = { account: '111111111111', region: 'us-east-1' };
    const parameters: Record<string, string> = {};
    const regionOf = (t: TemplateFile): string => /--region (\S+)/.exec(t.text)?.[1] ?? at.region;
    for (const t of list) {
      const region = /^cloudformation\.([a-z]+-[a-z]+-\d)\.yml$/.exec(t.file)?.[1];
      if (t.file !== 'cloudformation.artifacts.yml' && !region) continue;
      const outputs = (resolveTemplate(t, { ...at, region: regionOf(t) }).Outputs ?? {}) as Record<string, { Value: string }>;
      const suffix = region ? region.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') : '';
      for (const [k, o] of Object.entries(outputs)) if (k.startsWith('Artifact')) parameters[`${k}${suffix}`] = o.Value;
    }
    expect(Object.keys(parameters).sort(), fixture).toEqual(fixture === 'cross-account-own-store' ? ['ArtifactBucketName', 'ArtifactKeyArn'] : ['ArtifactBucketName', 'ArtifactBucketNameEuWest1', 'ArtifactKeyArn', 'ArtifactKeyArnEuWest1']);
    for (const t of list) {
      const account = /account-(\d{12})/.exec(t.file)?.[1] ?? at.account;
      const region = regionOf(t);
      stacks.push({ t, resolved: resolveTemplate(t, { account, region, parameters }), account, region, out: own });
    }
  }
});

/** PascalCase keys of a CloudFormation pipeline as the API's camelCase (an action's Configuration keeps its keys). */
function camel(v: unknown, verbatim = false): unknown {
  if (Array.isArray(v)) return v.map((x) => camel(x));
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [verbatim ? k : k[0]!.toLowerCase() + k.slice(1), verbatim ? x : camel(x, k === 'Configuration')]));
}

/** The pipeline's declaration: codepipeline.json, or (no codepipeline target) the stack's resolved pipeline. */
function declarationOf(main: (typeof stacks)[number]): Declaration {
  const path = join(main.out, main.t.pipeline, 'codepipeline.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Declaration;
  const props = (main.resolved.Resources as Resources).Pipeline!.Properties;
  return { pipeline: { ...(camel(props) as Declaration['pipeline']), name: String(props.Name ?? main.t.pipeline) } };
}

/** The roles of a set of stacks with their policies (inline, AWS::IAM::Policy attached to them, AWS managed). */
function rolesOf(list: typeof stacks): RoleView[] {
  const out: RoleView[] = [];
  for (const s of list) {
    const res = s.resolved.Resources as Resources;
    for (const [id, r] of Object.entries(res)) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const name = (r.Properties.RoleName as string | undefined) ?? id;
      const path = (r.Properties.Path as string | undefined) ?? '/';
      const policies = ((r.Properties.Policies as Array<{ PolicyDocument: Policy }> | undefined) ?? []).map((p) => p.PolicyDocument);
      for (const p of Object.values(res))
        if (p.Type === 'AWS::IAM::Policy' && ((p.Properties.Roles as string[]) ?? []).includes(s.t.tree.Resources[id] ? name : id)) policies.push(p.Properties.PolicyDocument as Policy);
      const managed = ((r.Properties.ManagedPolicyArns as string[] | undefined) ?? []).map((a) => managedPolicy(a)).filter((p): p is Policy => p !== undefined);
      out.push({ arn: `arn:aws:iam::${s.account}:role${path}${name}`, account: s.account, policies, managed, where: `${s.t.example}/${s.t.pipeline}/${s.t.file} ${id}` });
    }
    // a role of the user's ('role:') that the stack attaches policies to: the pipeline's role, named by the pipeline's RoleArn
    const own = new Set(Object.entries(res).filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id, r]) => (r.Properties.RoleName as string | undefined) ?? id));
    const pipelineRoleArn = res.Pipeline?.Properties.RoleArn;
    const attached = new Map<string, Policy[]>();
    for (const p of Object.values(res))
      if (p.Type === 'AWS::IAM::Policy')
        for (const name of (p.Properties.Roles as unknown[]) ?? []) if (typeof name === 'string' && !own.has(name)) attached.set(name, [...(attached.get(name) ?? []), p.Properties.PolicyDocument as Policy]);
    for (const [name, policies] of attached) {
      const arn = typeof pipelineRoleArn === 'string' && pipelineRoleArn.endsWith(`/${name}`) ? pipelineRoleArn : `arn:aws:iam::${s.account}:role/${name}`;
      out.push({ arn, account: s.account, policies, managed: [], where: `${s.t.example}/${s.t.pipeline}/${s.t.file} ${name} (role:, policies attached by the stack)` });
    }
  }
  return out;
}

/**
 * The key policy of a KMS key the pipeline's stacks create (by its resolved ARN); for a key of the
 * user's own, the policy the stack header reminds them to give it: the key's account administers
 * it (IAM policies decide), the account of the role that calls may use it.
 */
function keyPolicyOf(keyArn: string, mine: typeof stacks, caller: string): { policy: Policy; account: string } {
  const account = /^arn:aws:kms:[^:]+:(\d{12}):/.exec(keyArn)?.[1] ?? '111111111111';
  for (const s of mine)
    for (const [id, r] of Object.entries(s.resolved.Resources as Resources))
      if (r.Type === 'AWS::KMS::Key' && keyArn === `arn:aws:kms:${s.region}:${s.account}:key/key-${id.toLowerCase()}`) return { policy: r.Properties.KeyPolicy as Policy, account: s.account };
  return {
    policy: {
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${caller}:root` }, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Resource: '*' },
      ],
    },
    account,
  };
}

async function simulate(role: RoleView, policies: Policy[], call: Call, mine: typeof stacks): Promise<string> {
  if (policies.length === 0) return 'ImplicitlyDenied';
  const key = call.action.startsWith('kms:') ? keyPolicyOf(call.resource, mine, role.account) : undefined;
  const r = await runSimulation(
    {
      identityPolicies: policies.map((policy, i) => ({ name: `p${i}`, policy: { Version: '2012-10-17', ...policy } as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: key ? ({ Version: '2012-10-17', ...key.policy } as never) : undefined,
      request: { action: call.action, principal: role.arn, resource: { resource: call.resource, accountId: key?.account ?? role.account }, contextVariables: call.context ?? {} },
    },
    {},
  );
  if (r.resultType === 'error') return `error: ${JSON.stringify(r.errors).slice(0, 400)}`;
  return r.overallResult;
}

/** The role's own statements without those on Resource "*": what allows a call on its own resource. */
const narrowed = (role: RoleView): Policy[] =>
  role.policies.map((p) => ({ Statement: p.Statement.filter((st) => !([] as unknown[]).concat(st.Resource).includes('*')) })).filter((p) => p.Statement.length > 0);

const existing = new Map<string, boolean>();
async function actionExists(action: string): Promise<boolean> {
  if (!existing.has(action)) existing.set(action, (await expandIamActions(action, { invalidActionBehavior: 'Remove' as InvalidActionBehavior })).length > 0);
  return existing.get(action) as boolean;
}

const envOf = (a: PipelineAction): Record<string, string> => Object.fromEntries((a.environmentVariables ?? []).filter((e) => (e.type ?? 'PLAINTEXT') === 'PLAINTEXT').map((e) => [e.name, e.value]));

/** An arbitrary named hook an ECS appspec may name (AfterAllowTestTraffic): AWSCodeDeployRoleForECS must let CodeDeploy invoke it. */
const ECS_HOOK = 'storefront-after-test-traffic';

describe('IAM policies of every example, simulated', () => {
  const aws = Object.values(PROVIDERS)
    .flat()
    .filter((p) => p.owner === 'AWS' && !p.customProvider);

  it('have a table of run-time calls for every AWS-owned provider and rule type', () => {
    expect(aws.map((p) => `${p.category}/${p.provider}`).filter((k) => !ACTION_CALLS[k])).toEqual([]);
    expect(RULES.map((r) => r.provider).filter((k) => !RULE_CALLS[k])).toEqual([]);
  });

  it('allow every call of every action, rule, CodeBuild project, CodeDeploy group and source rule, by the role that makes it, on the narrowest resource', async () => {
    const failures: string[] = [];
    const simulated = new Set<string>();
    const providers = new Set<string>();
    let calls = 0;
    const pipelines = [...new Set(stacks.map((s) => `${s.t.example}/${s.t.pipeline}`))];
    for (const key of pipelines) {
      const mine = stacks.filter((s) => `${s.t.example}/${s.t.pipeline}` === key);
      const main = mine.find((s) => s.t.file === 'cloudformation.yml');
      if (!main) continue;
      const roles = rolesOf(mine);
      const decl = declarationOf(main);
      const name = decl.pipeline.name;
      // the stack's pipeline, as CloudFormation resolves it (its own role, stores with key ARNs)
      const mainRes = main.resolved.Resources as Resources;
      const cfnPipeline = mainRes.Pipeline!.Properties;
      const stores = new Map<string, Store>();
      const single = cfnPipeline.ArtifactStore as { Location: string; EncryptionKey?: { Id: string } } | undefined;
      if (single) stores.set(main.region, { location: single.Location, ...(single.EncryptionKey ? { encryptionKey: { id: single.EncryptionKey.Id } } : {}) });
      for (const s of (cfnPipeline.ArtifactStores as Array<{ Region: string; ArtifactStore: { Location: string; EncryptionKey?: { Id: string } } }> | undefined) ?? [])
        stores.set(s.Region, { location: s.ArtifactStore.Location, ...(s.ArtifactStore.EncryptionKey ? { encryptionKey: { id: s.ArtifactStore.EncryptionKey.Id } } : {}) });
      // the role the stack's pipeline runs as: 'role:' with the policies the stack attaches, or the stack's own
      const pipelineRole = (roles.find((r) => r.arn === cfnPipeline.RoleArn) ?? roles.find((r) => r.where.endsWith(' PipelineRole'))) as RoleView;
      const roleFor = (arn: string | undefined, account: string): RoleView | undefined => (arn && account !== main.account ? roles.find((r) => r.arn === arn) : pipelineRole);
      const roleByArn = (arn: string): RoleView | undefined => roles.find((x) => x.arn === arn || x.arn.endsWith(`:role/${arn.split(':role/')[1]}`));
      const check = async (role: RoleView | undefined, list: Call[], what: string): Promise<void> => {
        if (!role) {
          failures.push(`${key}: no role for ${what}`);
          return;
        }
        simulated.add(role.where);
        for (const call of list) {
          calls++;
          const why = `${key}: ${what}: ${call.action} on ${call.resource} (${call.why}) by ${role.where}`;
          if (!(await actionExists(call.action))) failures.push(`${why}: no such IAM action`);
          const result = await simulate(role, [...role.policies, ...role.managed], call, mine);
          if (result !== 'Allowed') {
            failures.push(`${why}: ${result}`);
            continue;
          }
          // the narrowest resource: allowed by a statement naming it, unless the call takes "*" only or its resource is unknowable
          const [service, action] = call.action.split(':') as [string, string];
          if (call.wide || call.resource === '*' || (await isWildcardOnlyAction(service, action))) continue;
          if ((await simulate(role, narrowed(role), call, mine)) === 'Allowed') continue;
          // allowed only by an AWS managed policy (CodeDeploy's): AWS's scope, not pipec's
          if ((await simulate(role, role.policies, call, mine)) !== 'Allowed') continue;
          failures.push(`${why}: allowed only through a "*" resource`);
        }
      };
      const sources = new Map<string, PipelineAction>();
      for (const stage of decl.pipeline.stages)
        for (const a of stage.actions) {
          if (a.actionTypeId.category === 'Source') for (const o of a.outputArtifacts ?? []) sources.set(o.name, a);
          const type = `${a.actionTypeId.category}/${a.actionTypeId.provider}`;
          if (a.actionTypeId.owner !== 'AWS') continue;
          providers.add(type);
          const fn = ACTION_CALLS[type];
          if (!fn) continue;
          const region = a.region ?? main.region;
          const account = arnAccount(a.roleArn) ?? main.account;
          const list = [...fn({ ...(a.configuration ?? {}) }, region, account, name)];
          const source = type.startsWith('Source/');
          // a source writes its artifact; most others read theirs and write what they produce
          list.push(...artifactCalls(stores.get(region), name, !source && (a.inputArtifacts?.length ?? 0) > 0, (a.outputArtifacts?.length ?? 0) > 0));
          if (type === 'Compute/Commands') list.push(...blueGreenCommandCalls(envOf(a), region, account));
          await check(roleFor(a.roleArn, account), list, `action ${stage.name}.${a.name} (${type})`);
        }
      for (const stage of decl.pipeline.stages)
        for (const c of [...(stage.onSuccess?.conditions ?? []), ...(stage.beforeEntry?.conditions ?? []), ...(stage.onFailure?.conditions ?? [])])
          for (const rule of c.rules) {
            const account = arnAccount(rule.roleArn) ?? main.account;
            const fn = RULE_CALLS[rule.ruleTypeId.provider];
            if (!fn) continue;
            await check(roleFor(rule.roleArn, account), fn(rule.configuration ?? {}, rule.region ?? main.region, account, name), `rule ${stage.name}.${rule.name}`);
          }
      // CodeBuild projects, in the stack and region they are in; full-clone sources they read are fetched by the build
      for (const s of mine)
        for (const [id, r] of Object.entries(s.resolved.Resources as Resources)) {
          if (r.Type !== 'AWS::CodeBuild::Project') continue;
          const builds = decl.pipeline.stages.flatMap((st) => st.actions).filter((a) => a.configuration?.ProjectName === r.Properties.Name);
          const clones = { repositories: [] as string[], connections: [] as string[] };
          for (const b of builds)
            for (const input of b.inputArtifacts ?? []) {
              const src = sources.get(input.name);
              if (src?.configuration?.OutputArtifactFormat !== 'CODEBUILD_CLONE_REF') continue;
              if (src.configuration.RepositoryName) clones.repositories.push(src.configuration.RepositoryName);
              if (src.configuration.ConnectionArn) clones.connections.push(src.configuration.ConnectionArn);
            }
          await check(roleByArn(r.Properties.ServiceRole as string), codeBuildCalls(r.Properties, s.region, s.account, stores.get(s.region), name, clones), `CodeBuild project ${id}`);
        }
      // CodeDeploy deployment groups pipec creates, with the hooks their deployments name
      const hooks = decl.pipeline.stages.flatMap((st) => st.actions).filter((a) => a.actionTypeId.category === 'Compute').map(envOf);
      for (const [id, r] of Object.entries(mainRes)) {
        if (r.Type !== 'AWS::CodeDeploy::DeploymentGroup') continue;
        const app = Object.values(mainRes).find((x) => x.Type === 'AWS::CodeDeploy::Application' && x.Properties.ApplicationName === r.Properties.ApplicationName);
        const platform = String(app?.Properties.ComputePlatform);
        const publish = hooks.find((e) => e.FUNCTION && e.ALIAS);
        const g: GroupView = {
          props: r.Properties,
          platform,
          hooks: platform === 'ECS' ? [ECS_HOOK] : platform === 'Lambda' ? hooks.flatMap((e) => [e.PRE_TRAFFIC_HOOK, e.POST_TRAFFIC_HOOK].filter((h): h is string => !!h)) : [],
          ...(platform === 'Lambda' && publish ? { lambda: { function: publish.FUNCTION as string, alias: publish.ALIAS as string } } : {}),
        };
        await check(roleByArn(r.Properties.ServiceRoleArn as string), codeDeployCalls(g, main.region, main.account), `CodeDeploy group ${id} (${platform})`);
      }
      // the source rule starts the pipeline
      const events = roles.find((x) => x.where.endsWith(' SourceEventsRole'));
      if (events) await check(events, [{ action: 'codepipeline:StartPipelineExecution', resource: `arn:aws:codepipeline:${main.region}:${main.account}:${name}`, why: 'a source change' }], 'source rule');
    }
    // every role pipec wrote was used for some call
    expect(rolesOf(stacks).filter((r) => !simulated.has(r.where)).map((r) => r.where)).toEqual([]);
    expect(failures).toEqual([]);
    expect(aws.map((p) => `${p.category}/${p.provider}`).filter((k) => !providers.has(k))).toEqual([]);
    expect(calls).toBeGreaterThan(1000);
    console.log(`iam-simulation: ${calls} calls by ${simulated.size} roles, ${providers.size} provider types`);
  });

  it('name only actions that exist (iam-expand), and iam:PassRole only with iam:PassedToService', async () => {
    const problems: string[] = [];
    for (const role of rolesOf(stacks))
      for (const p of role.policies)
        for (const st of p.Statement) {
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          for (const a of actions) {
            const expanded = await expandIamActions(a, { invalidActionBehavior: 'Remove' as InvalidActionBehavior });
            if (expanded.length === 0) problems.push(`${role.where}: ${a} names no IAM action`);
          }
          if (st.Effect === 'Allow' && actions.some((a) => a === 'iam:PassRole' || a === 'iam:*' || a === '*')) {
            const cond = JSON.stringify(st.Condition ?? {});
            if (!cond.includes('iam:PassedToService')) problems.push(`${role.where}: iam:PassRole without an iam:PassedToService condition (${st.Sid})`);
          }
        }
    expect(problems).toEqual([]);
  });

  it('grant KMS keys by key ARN: a wildcard key only under a kms:ResourceAliases condition (a key of the user\'s named by alias)', () => {
    const problems: string[] = [];
    let keyStatements = 0;
    for (const role of rolesOf(stacks))
      for (const p of role.policies)
        for (const st of p.Statement) {
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          if (st.Effect !== 'Allow' || !actions.some((a) => a.startsWith('kms:'))) continue;
          keyStatements++;
          const aliased = JSON.stringify(st.Condition ?? {}).includes('kms:ResourceAliases');
          for (const r of ([] as string[]).concat(st.Resource as string | string[]))
            if (!/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(r) && !(aliased && /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/\*$/.test(r))) problems.push(`${role.where}: ${st.Sid} names key ${r}`);
        }
    expect(keyStatements).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('use a "*" resource only for calls without resource-level permissions, or under a condition', async () => {
    const problems: string[] = [];
    for (const role of rolesOf(stacks))
      for (const p of role.policies)
        for (const st of p.Statement) {
          const resources = ([] as string[]).concat(st.Resource as string | string[]);
          if (st.Effect !== 'Allow' || !resources.includes('*') || st.Condition) continue;
          for (const a of ([] as string[]).concat(st.Action as string | string[])) {
            const [service, action] = a.split(':') as [string, string];
            if (!(await isWildcardOnlyAction(service, action))) problems.push(`${role.where}: ${a} on "*" (${st.Sid}) has resource-level permissions`);
          }
        }
    expect(problems).toEqual([]);
  });
});
