import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrAction, IrPipeline, IrStore } from '../../compiler/ir.js';
import { renderBuildspecs } from '../buildspec.js';
import type { EmitFacts, EmitOptions, OutputFile, Target } from '../types.js';
import { accountOf, accountStack, LOG_RETENTION_PARAMETER, unknownPermissions, unknownPush, type AccountPlan } from './accounts.js';
import { addProject, unresolvedPushes, type CloneSources } from './codebuild.js';
import { addSourceRules, addSourceTrail, eventSources, PIPELINE_ARN, trailKeyStatements } from './detection.js';
import { addDeploymentGroups } from './codedeploy.js';
import { addNotifications } from './notifications.js';
import { actionGrants, ruleGrants, type PermissionContext } from './permissions.js';
import { pipelineProperties } from './pipeline.js';
import { addArtifactStore, makesKey, remoteStore, storeGrants, type StoreRefs } from './storage.js';
import { stackTags } from '../../live/ownership.js';
import { deployTagArgs } from '../shell.js';
import { fitTemplates } from './template-size.js';
import { getAtt, pascalId, PolicyBuilder, ref, userArn, type Json, Template } from './template.js';
import { fixed } from '../yaml-writer.js';
import { addPipelineRole } from './pipeline-role.js';
import { ARTIFACTS_FILE_STEM, artifactsParameterNames, artifactsParameters, artifactsStackName, needsArtifactsStack, pipelineStackName, regionKeyParameter, regionKeyParameterName, regionStackName, rolesStackName } from './artifacts-stack.js';
import { accountDeployNote, namedIam, stackOutput, userKeyNote, type StackInput } from './headers.js';

const RETENTION_PARAMETER = fixed({ Type: 'Number', Description: 'days to keep pipeline artifacts before the bucket expires them', Default: 90, MinValue: 1 });

/** Where an action's AWS resources live: the pipeline's stack, a region's support stack, or a target account's stack. */
interface Placement {
  account?: string;
  region?: string;
}

/** Builds every stack of one pipeline. */
class StackSet {
  private readonly main: Template;
  private readonly regionStacks = new Map<string, Template>();
  private readonly accounts = new Map<string, AccountPlan>();
  private readonly placement = new Map<IrAction, Placement>();
  private readonly stageOf = new Map<IrAction, string>();
  private readonly pipelineAccount: string | undefined;
  private readonly otherRegions: string[];

  constructor(
    private readonly p: IrPipeline,
    private readonly diags: Diagnostics,
    private readonly buildspecs: Map<IrAction, string>,
    private readonly facts?: EmitFacts,
  ) {
    this.pipelineAccount = p.account ?? accountOf(p.roleArn);
    this.otherRegions = Object.keys(p.regionStores)
      .filter((r) => r !== p.region)
      .sort();
    for (const stage of p.stages)
      for (const a of stage.actions) {
        this.stageOf.set(a, stage.name);
        const acct = accountOf(a.roleArn);
        const region = a.region && a.region !== p.region ? a.region : undefined;
        const account = acct && this.pipelineAccount && acct !== this.pipelineAccount ? acct : undefined;
        this.placement.set(a, { ...(account ? { account } : {}), ...(region ? { region } : {}) });
        if (account && a.roleArn) {
          let plan = this.accounts.get(account);
          if (!plan) {
            plan = { account, roles: new Map(), regions: new Set() };
            this.accounts.set(account, plan);
          }
          const list = plan.roles.get(a.roleArn) ?? [];
          list.push(a);
          plan.roles.set(a.roleArn, list);
          plan.regions.add(region);
        }
      }
    // Stage-condition rules that assume a role in another account (alarms watched where an environment deploys).
    for (const stage of p.stages)
      for (const c of [stage.beforeEntry, stage.onSuccess, stage.onFailure?.condition])
        for (const rule of c?.rules ?? []) {
          const account = accountOf(rule.roleArn);
          if (!account || !rule.roleArn || !this.pipelineAccount || account === this.pipelineAccount) continue;
          let plan = this.accounts.get(account);
          if (!plan) {
            plan = { account, roles: new Map(), regions: new Set() };
            this.accounts.set(account, plan);
          }
          if (!plan.roles.has(rule.roleArn)) plan.roles.set(rule.roleArn, []);
          plan.rules ??= new Map();
          plan.rules.set(rule.roleArn, [...(plan.rules.get(rule.roleArn) ?? []), rule]);
        }
    this.main = new Template(this.describe(), p.tags);
  }

  private describe(): string {
    const parts = needsArtifactsStack(this.mainStore(), this.accountsUsing(undefined))
      ? [`pipec: pipeline ${this.p.name} with its roles, CodeBuild projects, change detection and notifications; its artifact store is in stack ${artifactsStackName(this.p.name)}, deployed first.`]
      : [`pipec: pipeline ${this.p.name} with its roles, artifact store, CodeBuild projects, change detection and notifications.`];
    if (this.otherRegions.length > 0) parts.push(`Deploy the support stacks for ${this.otherRegions.join(', ')} first.`);
    return parts.join(' ');
  }

  /** Accounts whose roles use the store of a region (undefined: the pipeline's). */
  private accountsUsing(region: string | undefined): string[] {
    return [...this.accounts.values()]
      .filter((plan) => plan.regions.has(region))
      .map((plan) => plan.account)
      .sort();
  }

  private mainStore(): IrStore | undefined {
    return this.p.store ?? (this.p.region ? this.p.regionStores[this.p.region] : undefined);
  }

  /** Source repositories and connections an inline build clones (its inputs produced as CODEBUILD_CLONE_REF). */
  private clonesOf(a: IrAction): CloneSources {
    const out: CloneSources = { repositories: [], connections: [] };
    const inputs = new Set(a.inputs.map((i) => i.name));
    for (const s of this.p.stages[0]?.actions ?? []) {
      if (s.configuration.OutputArtifactFormat !== 'CODEBUILD_CLONE_REF' || !s.outputs.some((o) => inputs.has(o.name))) continue;
      if (s.provider === 'CodeCommit' && s.configuration.RepositoryName) out.repositories.push(s.configuration.RepositoryName);
      if (s.provider === 'CodeStarSourceConnection' && s.configuration.ConnectionArn) out.connections.push(s.configuration.ConnectionArn);
    }
    return out;
  }

  private regionStack(region: string): Template {
    let t = this.regionStacks.get(region);
    if (!t) {
      t = new Template(`pipec: the ${region} artifact store and CodeBuild projects of pipeline ${this.p.name} (region ${this.p.region ?? 'unknown'}). Deploy before the pipeline's stack.`, this.p.tags);
      this.regionStacks.set(region, t);
    }
    return t;
  }

  build(format: 'yaml' | 'json', project?: string): OutputFile[] {
    const p = this.p;
    const t = this.main;
    const sources = eventSources(p);
    const trail = sources.some((a) => a.provider === 'S3');
    const mainStore = this.mainStore();
    const createsKey = makesKey(mainStore, this.accountsUsing(undefined));
    // Roles of other accounts use a key pipec makes: it goes, with its bucket, into the artifacts stack deployed before theirs.
    const artifacts = needsArtifactsStack(mainStore, this.accountsUsing(undefined)) ? new Template(`pipec: the artifact store (bucket and KMS key) of pipeline ${p.name}, which roles in other accounts use. Deploy it before the account stacks and the pipeline's stack.`, p.tags) : undefined;
    const storeStack = artifacts ?? t;
    if (!mainStore?.existing) storeStack.parameter('ArtifactRetentionInDays', RETENTION_PARAMETER);
    let store = addArtifactStore(storeStack, {
      pipeline: p.name,
      ...(mainStore ? { store: mainStore } : {}),
      ...(p.region ? { region: p.region } : {}),
      accounts: this.accountsUsing(undefined),
      ...(trail && createsKey ? { extraKeyStatements: trailKeyStatements(p) } : {}),
      retentionDays: ref('ArtifactRetentionInDays'),
    });
    if (artifacts) {
      artifacts.output('ArtifactBucketName', 'bucket that holds the artifacts', store.bucketName);
      artifacts.output('ArtifactKeyArn', 'KMS key that encrypts the artifacts', store.keyId);
      store = artifactsParameters(t, p.name, mainStore, p.region);
    }
    // Stores of other regions: created by their support stacks, named here by bucket, and by key ARN when
    // pipec makes the key there (read from that stack's output; CodePipeline and roles of other accounts need the ARN).
    const regionLocal = new Map<string, StoreRefs>();
    const regionRemote = new Map<string, StoreRefs>();
    const regionKeys = new Set<string>();
    for (const r of this.otherRegions) {
      const s = p.regionStores[r] as IrStore;
      if (makesKey(s, this.accountsUsing(r))) {
        regionKeys.add(r);
        const key = regionKeyParameter(t, p.name, r);
        regionRemote.set(r, { ...remoteStore(s, r), keyId: key, keyGrant: { resources: [key] } });
      } else regionRemote.set(r, remoteStore(s, r));
      if (!s.existing) {
        const rt = this.regionStack(r);
        rt.parameter('ArtifactRetentionInDays', RETENTION_PARAMETER);
        regionLocal.set(r, addArtifactStore(rt, { pipeline: p.name, store: s, region: r, accounts: this.accountsUsing(r), retentionDays: ref('ArtifactRetentionInDays') }));
      } else regionLocal.set(r, remoteStore(s, r));
    }

    // Inline CodeBuild projects, in the stack of the region they run in (cross-account ones in their account's stack).
    const projectNames = new Map<IrAction, Json>();
    const projectArns = new Map<IrAction, Json>();
    const outputs: Array<[Template, string, string, Json]> = [];
    for (const stage of p.stages)
      for (const a of stage.actions) if (a.project) for (const target of unresolvedPushes(a.project)) unknownPush(this.diags, a, target);
    for (const stage of p.stages)
      for (const a of stage.actions) {
        const place = this.placement.get(a) as Placement;
        if (!a.project || place.account) continue;
        const target = place.region ? this.regionStack(place.region) : t;
        if (!target.parameters.LogRetentionInDays) target.parameter('LogRetentionInDays', LOG_RETENTION_PARAMETER);
        const { projectId, roleId } = addProject(target, {
          pipeline: p.name,
          stage: stage.name,
          action: a,
          project: a.project,
          ...(this.buildspecs.has(a) ? { buildspec: this.buildspecs.get(a) as string } : {}),
          store: place.region ? (regionLocal.get(place.region) as StoreRefs) : store,
          logRetention: ref('LogRetentionInDays'),
          clones: this.clonesOf(a),
        });
        outputs.push([target, `${roleId}Arn`, `service role of CodeBuild project ${a.project.name}`, getAtt(roleId, 'Arn')]);
        if (!place.region) {
          projectNames.set(a, ref(projectId));
          projectArns.set(a, getAtt(projectId, 'Arn'));
        }
      }

    // The pipeline role: the stores, what each action run with it needs, and the roles other actions assume.
    const policy = new PolicyBuilder();
    policy.addAll(storeGrants(store, ''));
    for (const r of this.otherRegions) policy.addAll(storeGrants(regionRemote.get(r) as StoreRefs, pascalId(r)));
    const ctx: PermissionContext = { pipeline: p.name, region: (r) => r ?? '${AWS::Region}', projectArn: (a) => projectArns.get(a) };
    const assumed = new Map<string, Json>();
    for (const stage of p.stages) {
      for (const a of stage.actions) {
        if (a.roleArn) {
          assumed.set(a.roleArn, userArn(a.roleArn));
          continue;
        }
        const grants = actionGrants(a, ctx);
        if (grants) policy.addAll(grants);
        else unknownPermissions(this.diags, a, 'the pipeline role');
      }
      for (const c of [stage.beforeEntry, stage.onSuccess, stage.onFailure?.condition])
        for (const rule of c?.rules ?? []) {
          if (rule.roleArn) assumed.set(rule.roleArn, userArn(rule.roleArn));
          else policy.addAll(ruleGrants(rule, ctx));
        }
    }
    if (assumed.size > 0) policy.add({ sid: 'AssumeActionRoles', actions: ['sts:AssumeRole'], resources: [...assumed.values()] });
    addDeploymentGroups(t, p, policy);
    const role = addPipelineRole(t, p, policy, this.diags);
    if (p.roleArn && role.attachedChars > 0) this.facts?.rolePolicies.push({ role: p.roleArn, pipeline: p.name, chars: role.attachedChars, ...(p.spans.role ? { span: p.spans.role } : {}) });

    const stores = [store, ...this.otherRegions.map((r) => regionRemote.get(r) as StoreRefs)];
    t.add(
      'Pipeline',
      'AWS::CodePipeline::Pipeline',
      pipelineProperties(p, this.diags, {
        roleArn: role.arn,
        stores,
        ...(p.region ? { region: p.region } : {}),
        projectNames,
      }),
      { dependsOn: role.dependsOn },
    );

    const eventsRole = addSourceRules(t, p, sources);
    if (trail) addSourceTrail(t, p, sources, createsKey && store.keyId !== undefined ? store.keyId : undefined);
    const topic = addNotifications(t, p);

    t.output('PipelineName', 'name of the pipeline', ref('Pipeline'));
    t.output('PipelineArn', 'ARN of the pipeline', PIPELINE_ARN);
    t.output('PipelineRoleArn', 'the role CodePipeline assumes', role.arn);
    t.output('ArtifactBucketName', 'bucket that holds the artifacts', store.bucketName);
    if (store.keyId !== undefined) t.output('ArtifactKeyArn', 'KMS key that encrypts the artifacts', store.keyId);
    if (eventsRole) t.output('SourceEventsRoleArn', 'role EventBridge assumes to start the pipeline', getAtt(eventsRole, 'Arn'));
    if (topic !== undefined) t.output('NotificationTopicArn', 'SNS topic that receives pipeline events', topic);
    for (const [target, id, description, value] of outputs) target.output(id, description, value);
    for (const [r, rt] of this.regionStacks) {
      const local = regionLocal.get(r) as StoreRefs;
      if (local.bucketResource) rt.output('ArtifactBucketName', `artifact bucket in ${r}`, local.bucketName);
      if (local.keyResource) rt.output('ArtifactKeyArn', `KMS key of the artifacts in ${r}`, local.keyId);
    }

    const files: OutputFile[] = [];
    const ext = format === 'json' ? 'json' : 'yml';
    const accountFiles = [...this.accounts.values()].sort((a, b) => a.account.localeCompare(b.account)).map((plan) => ({ plan, file: `cloudformation.account-${plan.account}.${ext}` }));
    const regionFiles = [...this.regionStacks]
      .filter(([, rt]) => Object.keys(rt.resources).length > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([r, rt]) => ({ region: r, template: rt, file: `cloudformation.${r}.${ext}` }));
    // Stack tags, as plan --stack gives them: a stack deployed by hand is then the project's too.
    const tags = deployTagArgs(stackTags(p.tags, p.project ?? project));
    const deploy = (file: string, stack: string, template: Template, region: string | undefined, overrides: string[] = []): string =>
      [
        'aws cloudformation deploy',
        ...(region ? [`--region ${region}`] : []),
        `--template-file ${file}`,
        `--stack-name ${stack}`,
        `--capabilities ${namedIam(template) ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'}`,
        ...(overrides.length > 0 ? [`--parameter-overrides ${overrides.join(' ')}`] : []),
        ...tags.args,
      ].join(' ');
    const tagNote = tags.unpassable.map((k) => `\nTag ${k} cannot be given to aws cloudformation deploy (its key holds '='): add it to the stack with aws cloudformation update-stack --tags.`).join('');
    // Region stacks before account stacks: an account's roles are granted the key a region stack makes
    // by its ARN, that stack's output. Nothing in a region stack needs the account stacks (its key and
    // bucket policies name the accounts, whose root principals always exist, not their roles).
    const order = [
      ...(artifacts ? [`${ARTIFACTS_FILE_STEM}.${ext}`] : []),
      ...regionFiles.map((r) => `${r.file} (in ${r.region})`),
      ...accountFiles.map((a) => `${a.file} (in account ${a.plan.account})`),
      `cloudformation.${ext}`,
    ];
    const orderNote = order.length > 1 ? `\nDeploy order: ${order.map((o, i) => `${i + 1}. ${o}`).join(', ')}.` : '';
    const header = (file: string, note: string): string =>
      `${file}: written by pipec for pipeline ${p.name}. Change pipeline.yml and compile again rather than editing this file.\n${note}${tagNote}${orderNote}`;
    const artifactsFile = artifacts ? `${ARTIFACTS_FILE_STEM}.${ext}` : undefined;
    const fromArtifacts = artifacts ? artifactsParameterNames(mainStore).map((name) => `${name}=$(${stackOutput(artifactsStackName(p.name), p.region, name)})`) : [];
    const keyOverrides = [...regionKeys].map((r) => `${regionKeyParameterName(r)}=$(${stackOutput(regionStackName(p.name, r), r, 'ArtifactKeyArn')})`);
    files.push({
      path: `cloudformation.${ext}`,
      content: t.render(format, header(`cloudformation.${ext}`, `Deploy: ${deploy(`cloudformation.${ext}`, pipelineStackName(p.name), t, p.region, [...fromArtifacts, ...keyOverrides])}${role.note ?? ''}`)),
    });
    if (artifacts && artifactsFile)
      files.push({ path: artifactsFile, content: artifacts.render(format, header(artifactsFile, `Deploy first: ${deploy(artifactsFile, artifactsStackName(p.name), artifacts, p.region)}`)) });
    for (const { region: r, template: rt, file } of regionFiles) {
      const before = regionKeys.has(r) ? `the stacks of account${this.accountsUsing(r).length > 1 ? 's' : ''} ${this.accountsUsing(r).join(', ')} (they take its key's ARN) and the pipeline's stack` : "the pipeline's stack";
      files.push({ path: file, content: rt.render(format, header(file, `Deploy before ${before}, in ${r}: ${deploy(file, regionStackName(p.name, r), rt, r)}`)) });
    }
    const storesByRegion = new Map<string | undefined, IrStore | undefined>([[undefined, mainStore], ...this.otherRegions.map((r) => [r, p.regionStores[r]] as [string, IrStore])]);
    for (const { plan, file } of accountFiles) {
      const at = accountStack({
        pipeline: p,
        pipelineAccount: this.pipelineAccount as string,
        plan,
        stores: storesByRegion,
        stageOf: this.stageOf,
        buildspecs: this.buildspecs,
        clonesOf: (a) => this.clonesOf(a),
        diags: this.diags,
        ...(artifacts ? { artifactsStack: true } : {}),
        regionKeys,
      });
      const inputs: StackInput[] = [
        ...artifactsParameterNames(mainStore)
          .filter((name) => at.parameters[name])
          .map((name) => ({ name, output: name, stack: artifactsStackName(p.name), region: p.region, file: `${ARTIFACTS_FILE_STEM}.${ext}` })),
        ...regionFiles
          .filter((rf) => at.parameters[regionKeyParameterName(rf.region)])
          .map((rf) => ({ name: regionKeyParameterName(rf.region), output: 'ArtifactKeyArn', stack: regionStackName(p.name, rf.region), region: rf.region, file: rf.file })),
      ];
      const run = (overrides: string[]): string => deploy(file, rolesStackName(p.name), at, p.region, overrides);
      const how = accountDeployNote({ pipelineAccount: this.pipelineAccount as string, account: plan.account, inputs, deploy: run });
      files.push({ path: file, content: at.render(format, header(file, `${how}${userKeyNote(p, plan.account)}`)) });
    }
    return files;
  }
}

/** `<pipeline>/cloudformation.yml` (and support stacks per extra region and target account). */
export const cloudformationTarget: Target = {
  name: 'cloudformation',
  description: 'a deployable CloudFormation stack: pipeline, roles, artifact store, CodeBuild projects, change detection, notifications',
  emit(p, diags, options: EmitOptions, facts?: EmitFacts): OutputFile[] {
    const buildspecs = renderBuildspecs(p, diags, options);
    if (!buildspecs) return [];
    return fitTemplates(new StackSet(p, diags, buildspecs, facts).build(options.cfnFormat ?? 'yaml', options.project), p, diags, options.templateBuckets);
  },
};

