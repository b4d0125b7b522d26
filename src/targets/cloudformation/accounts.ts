import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrAction, IrPipeline, IrRule, IrStore } from '../../compiler/ir.js';
import { addProject, type CloneSources } from './codebuild.js';
import { actionGrants, ruleGrants, type PermissionContext } from './permissions.js';
import { artifactsParameters, regionKeyParameter } from './artifacts-stack.js';
import { storeGrants, userKeyGrant, userKeyId, type StoreRefs } from './storage.js';
import { getAtt, pascalId, PolicyBuilder, ref, sub, type Json, Template } from './template.js';
import { fixed } from '../yaml-writer.js';

/** The account of an IAM role ARN. */
export function accountOf(roleArn: string | undefined): string | undefined {
  return roleArn ? /^arn:[\w-]+:iam::(\d{12}):role\//.exec(roleArn)?.[1] : undefined;
}

/** Path and name of the role an ARN names (`role/path/name` -> `/path/`, `name`). */
export function roleNameOf(roleArn: string): { path: string; name: string } {
  const rest = roleArn.slice(roleArn.indexOf(':role/') + ':role/'.length);
  const slash = rest.lastIndexOf('/');
  return slash < 0 ? { path: '/', name: rest } : { path: `/${rest.slice(0, slash + 1)}`, name: rest.slice(slash + 1) };
}

/** What one target account's stack holds: the roles the pipeline assumes there, and the actions that use each. */
export interface AccountPlan {
  account: string;
  /** Role ARN -> actions that assume it, in pipeline order. */
  roles: Map<string, IrAction[]>;
  /** Role ARN -> stage-condition rules that assume it (alarms in the account an environment deploys to). */
  rules?: Map<string, IrRule[]>;
  /** Regions (undefined: the pipeline's own) whose artifact stores these actions read and write. */
  regions: Set<string | undefined>;
}

export interface AccountStackOptions {
  pipeline: IrPipeline;
  pipelineAccount: string;
  plan: AccountPlan;
  /** The stores of the pipeline's region (undefined) and the other regions, as pipeline.yml names them. */
  stores: Map<string | undefined, IrStore | undefined>;
  stageOf: Map<IrAction, string>;
  buildspecs: Map<IrAction, string>;
  clonesOf(a: IrAction): CloneSources;
  diags: Diagnostics;
  /** The store of the pipeline's region is the artifacts stack's: named by that stack's outputs, as parameters. */
  artifactsStack?: boolean;
  /** Other regions whose support stack makes the store's KMS key: named by that stack's output ArtifactKeyArn, as a parameter. */
  regionKeys?: ReadonlySet<string>;
}

/**
 * `cloudformation.account-<id>.yml`: in a target account, each role the pipeline's actions assume
 * there (named as pipeline.yml names it, trusted only by the pipeline's account), allowed what
 * those actions do and to use the artifact stores and keys, plus the inline CodeBuild projects those
 * actions run. A store is named as pipeline.yml names it; a key pipec makes by its key ARN, an output
 * of the stack that makes it (the artifacts stack for the pipeline's region, the region's support stack
 * for another), deployed before this one and read as a parameter.
 */
export function accountStack(o: AccountStackOptions): Template {
  const { pipeline: p, plan } = o;
  const t = new Template(
    `pipec: roles that pipeline ${p.name} (account ${o.pipelineAccount}) assumes in account ${plan.account}. Deploy it before the pipeline's stack: CodePipeline checks that it can assume these roles when the pipeline is created.`,
    p.tags,
  );
  const storeRefs = new Map<string | undefined, StoreRefs>();
  for (const region of sortRegions(plan.regions)) {
    const store = o.stores.get(region);
    if (region === undefined && o.artifactsStack) {
      storeRefs.set(region, artifactsParameters(t, p.name, store));
      continue;
    }
    const keyRegion = region ?? p.region ?? '${AWS::Region}';
    const bucket = store?.bucket ?? '';
    const madeKey = region !== undefined && o.regionKeys?.has(region) ? regionKeyParameter(t, p.name, region) : undefined;
    storeRefs.set(region, {
      ...(region ? { region } : {}),
      bucketName: bucket,
      bucketArn: sub(`arn:\${AWS::Partition}:s3:::${bucket}`),
      objectsArn: sub(`arn:\${AWS::Partition}:s3:::${bucket}/*`),
      ...(madeKey !== undefined ? { keyId: madeKey, keyGrant: { resources: [madeKey] } } : userKey(store, keyRegion, o.pipelineAccount)),
    });
  }
  const retention = (): Json => {
    if (!t.parameters.LogRetentionInDays) t.parameter('LogRetentionInDays', LOG_RETENTION_PARAMETER);
    return ref('LogRetentionInDays');
  };
  const projectArns = new Map<IrAction, Json>();
  for (const actions of plan.roles.values())
    for (const a of actions) {
      if (!a.project) continue;
      if (a.region && a.region !== p.region) {
        o.diags.add('PC4005', `inline build '${a.name}' runs in account ${plan.account} and region ${a.region}; pipec defines cross-account projects in the account's stack, which is deployed in the pipeline's region`, a.spans.region ?? a.span, {
          suggestion: "run it in the pipeline's region, or name an existing project with 'codebuild: project-name'",
        });
        continue;
      }
      const { projectId } = addProject(t, {
        pipeline: p.name,
        stage: o.stageOf.get(a) ?? '',
        action: a,
        project: a.project,
        ...(o.buildspecs.has(a) ? { buildspec: o.buildspecs.get(a) as string } : {}),
        store: storeRefs.get(undefined) as StoreRefs,
        logRetention: retention(),
        clones: o.clonesOf(a),
      });
      projectArns.set(a, getAtt(projectId, 'Arn'));
    }
  const ctx: PermissionContext = { pipeline: p.name, region: (r) => r ?? p.region ?? '${AWS::Region}', projectArn: (a) => projectArns.get(a) };
  for (const [roleArn, actions] of plan.roles) {
    const policy = new PolicyBuilder();
    const regions = new Set(actions.map((a) => (a.region && a.region !== p.region ? a.region : undefined)));
    for (const r of sortRegions(regions)) policy.addAll(storeGrants(storeRefs.get(r) as StoreRefs, r ? pascalId(r) : ''));
    for (const a of actions) {
      const grants = actionGrants(a, ctx);
      if (grants) policy.addAll(grants);
      else unknownPermissions(o.diags, a, `role ${roleArn}`);
    }
    const rules = plan.rules?.get(roleArn) ?? [];
    for (const rule of rules) policy.addAll(ruleGrants(rule, ctx));
    const { path, name } = roleNameOf(roleArn);
    const id = t.add(t.uniqueId(`${pascalId(name)}Role`), 'AWS::IAM::Role', {
      RoleName: name,
      ...(path !== '/' ? { Path: path } : {}),
      Description: `pipec: assumed by pipeline ${p.name} for ${[...actions.map((a) => a.name), ...rules.map((r) => `rule ${r.name}`)].join(', ')}`.slice(0, 1000),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: sub(`arn:\${AWS::Partition}:iam::${o.pipelineAccount}:root`) }, Action: 'sts:AssumeRole' }],
      },
      ...(policy.size > 0 ? { Policies: [{ PolicyName: 'pipeline-actions', PolicyDocument: policy.document() }] } : {}),
    });
    t.output(`${id}Arn`, `role ${name}, assumed by pipeline ${p.name}`, getAtt(id, 'Arn'));
  }
  return t;
}

/**
 * A key of the user's as a role in another account names it: the store's `kms-key` (a key ARN, or an
 * alias or key ID written as the ARN it stands for in the pipeline's account, checked by the compiler).
 * An existing bucket without a key has none. Keys pipec makes are named by their stacks' outputs (above):
 * AWS documents no alias across accounts for CodeBuild, S3 or CodePipeline (see artifacts-stack.ts).
 */
function userKey(store: IrStore | undefined, region: string, account: string): Pick<StoreRefs, 'keyId' | 'keyGrant'> {
  return store?.kmsKey ? { keyId: userKeyId(store.kmsKey, region, account), keyGrant: userKeyGrant(store.kmsKey, region) } : {};
}

/** Regions in name order, the pipeline's own (undefined) first. */
function sortRegions(regions: Iterable<string | undefined>): Array<string | undefined> {
  return [...regions].map((r) => r ?? '').sort().map((r) => r || undefined);
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_PARAMETER = fixed({
  Type: 'Number',
  Description: 'days to keep CodeBuild logs',
  Default: 30,
  AllowedValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
});

/** PC4007: an image push whose repository pipec cannot tell, so the build's role gets no ECR push permission for it. */
export function unknownPush(diags: Diagnostics, a: IrAction, target: string): void {
  diags.add('PC4007', `build '${a.name}' pushes an image to '${target}', which pipec cannot resolve to an ECR repository, so its role gets no permission to push it`, a.span, {
    suggestion: "name the repository the build pushes to: push: [<repository name or URI>] (or add the permission with 'permissions:')",
  });
}

/** PC4007: an action type whose permissions pipec does not know. */
export function unknownPermissions(diags: Diagnostics, a: IrAction, role: string): void {
  diags.add('PC4007', `pipec does not know what action type ${a.category}/${a.owner}/${a.provider} needs, so ${role} gets no permissions for action '${a.name}'`, a.span, {
    suggestion: 'give the action a role of your own with \'role:\', or add the permissions to the generated role after deploying',
  });
}
