import type { PipelineRule } from '../ops/event-rules.js';
import { isObject, type JsonObject } from './json.js';
import type { Plan } from './plan.js';
import { changesOf, eventSourcesOf, ruleCommands, startedBy } from './source-rules.js';

/** What a pipeline relies on existing before CodePipeline can run it: its role, its artifact buckets, its CodeBuild projects. */
export interface Dependencies {
  pipeline: string;
  region: string;
  roleArn?: string;
  /** Every artifact bucket with the region its store is for. */
  buckets: Array<{ bucket: string; region: string }>;
  /** CodeBuild projects of actions that run in the pipeline's account, in the region each runs in. */
  projects: Array<{ project: string; region: string }>;
  /** Accounts other than the pipeline's that its actions assume roles in (they read the artifacts). */
  otherAccounts: string[];
  /** Regions whose artifact store has no encryptionKey (the default S3 key, which only the pipeline's account can use). */
  defaultKeyStores: string[];
}

/**
 * Answers "does it exist?": true; false; for a bucket, the other region it is in; or why it could
 * not be told (access denied, unreachable), which is a warning, never a stop.
 */
export type Exists = boolean | { elsewhere: string } | { unknown: string };

/** The look-ups preflight makes; the SDK implementation is preflight-sdk.ts, loaded only by plan and apply. */
export interface PreflightClient {
  /** The account the credentials are in (STS GetCallerIdentity), where the pipeline is made. */
  account(): Promise<string>;
  roleExists(arn: string): Promise<Exists>;
  bucketExists(bucket: string, region: string): Promise<Exists>;
  /** Which of the named projects exist in the region (BatchGetProjects), or why it could not be told. */
  projectsExisting(names: readonly string[], region: string): Promise<Set<string> | { unknown: string }>;
  /** The EventBridge rules that target the pipeline (ListRuleNamesByTarget, DescribeRule); undefined when they could not be read. */
  rules(pipelineArn: string, region: string): Promise<PipelineRule[] | undefined>;
}

const ACCOUNT_OF_ARN = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/;

/**
 * The dependencies of a pipeline declaration (CreatePipeline's `pipeline`) created in `region`.
 * A CodeBuild action with a role of its own in another account runs its project in that account,
 * which these credentials cannot look into, so it is left out; so are project names that hold a
 * variable (`#{...}`), which are only known at run time.
 */
export function dependenciesOf(declaration: JsonObject, region: string): Dependencies {
  const buckets: Dependencies['buckets'] = [];
  const defaultKeyStores: string[] = [];
  const store = declaration.artifactStore;
  const stores = isObject(declaration.artifactStores) ? Object.entries(declaration.artifactStores) : isObject(store) ? [[region, store] as const] : [];
  for (const [r, s] of stores)
    if (isObject(s) && typeof s.location === 'string') {
      buckets.push({ bucket: s.location, region: r });
      if (s.encryptionKey === undefined) defaultKeyStores.push(r);
    }
  const others = new Set<string>();
  const roleArn = typeof declaration.roleArn === 'string' ? declaration.roleArn : undefined;
  const home = roleArn ? ACCOUNT_OF_ARN.exec(roleArn)?.[1] : undefined;
  const projects: Dependencies['projects'] = [];
  for (const stage of Array.isArray(declaration.stages) ? declaration.stages : [])
    for (const action of isObject(stage) && Array.isArray(stage.actions) ? stage.actions : []) {
      const actionAccount = isObject(action) && typeof action.roleArn === 'string' ? ACCOUNT_OF_ARN.exec(action.roleArn)?.[1] : undefined;
      if (actionAccount !== undefined && home !== undefined && actionAccount !== home) others.add(actionAccount);
      if (!isObject(action) || !isObject(action.actionTypeId) || action.actionTypeId.owner !== 'AWS' || action.actionTypeId.provider !== 'CodeBuild') continue;
      const elsewhere = typeof action.roleArn === 'string' ? ACCOUNT_OF_ARN.exec(action.roleArn)?.[1] : undefined;
      if (elsewhere !== undefined && elsewhere !== home) continue;
      const name = isObject(action.configuration) ? action.configuration.ProjectName : undefined;
      if (typeof name === 'string' && !name.includes('#{')) projects.push({ project: name, region: typeof action.region === 'string' ? action.region : region });
    }
  return { pipeline: String(declaration.name), region, ...(roleArn ? { roleArn } : {}), buckets, projects, otherAccounts: [...others].sort(), defaultKeyStores: defaultKeyStores.sort() };
}

/** What one pipeline lacks, and what could not be checked. */
export interface PreflightFinding {
  pipeline: string;
  region: string;
  missing: string[];
  unchecked: string[];
  /** Sources that do not poll and that no EventBridge rule starts the pipeline for (a warning), with the commands that make the rules. */
  unstarted?: { sources: string[]; s3: string[]; commands: string[] };
}

/**
 * Checks, for every pipeline the plan creates or updates, that its role (in the account the
 * pipeline is made in), artifact buckets (in their stores' regions) and CodeBuild projects exist.
 * Each role, bucket and region's projects is looked up once. Returns one finding per pipeline
 * that lacks something or could not be fully checked, in plan order.
 */
export async function preflight(plan: Plan, client: PreflightClient): Promise<PreflightFinding[]> {
  const once = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, f: () => Promise<T>): Promise<T> => {
    if (!once.has(key)) once.set(key, f());
    return once.get(key) as Promise<T>;
  };
  const account = () => memo('account', () => client.account().then((a): { account: string } | { unknown: string } => ({ account: a }), (e: unknown) => ({ unknown: e instanceof Error ? e.message : String(e) })));
  const checks = plan.pipelines.map(async (p): Promise<PreflightFinding | undefined> => {
    if ((p.action !== 'create' && p.action !== 'update') || !p.desired) return undefined;
    const deps = dependenciesOf(p.desired.pipeline, p.region);
    const missing: string[] = [];
    const unchecked: string[] = [];
    const note = (what: string, e: Exists) => {
      if (e === false) missing.push(what);
      else if (typeof e === 'object' && 'elsewhere' in e) missing.push(`${what}: the bucket is in ${e.elsewhere}, and a store's bucket must be in the store's region`);
      else if (e !== true) unchecked.push(`${what} (${e.unknown})`);
    };
    // "Create a pipeline in CodePipeline that uses resources from another AWS account": the other
    // accounts read the artifacts through the store's key, which must be a customer managed key.
    if (deps.otherAccounts.length > 0)
      for (const r of deps.defaultKeyStores)
        missing.push(`a customer managed KMS key for the artifact store in ${r}: actions in account ${deps.otherAccounts.join(', ')} cannot read artifacts encrypted with the default S3 key (set 'artifacts: { kms-key }' with the key's ARN)`);
    if (deps.roleArn) {
      const roleAccount = ACCOUNT_OF_ARN.exec(deps.roleArn)?.[1];
      const mine = await account();
      if ('account' in mine && roleAccount !== undefined && roleAccount !== mine.account)
        missing.push(`role ${deps.roleArn}: it is in account ${roleAccount}, but the pipeline is made in account ${mine.account} (these credentials), and CodePipeline assumes a role of the pipeline's own account`);
      else note(`role ${deps.roleArn}`, await memo(`role ${deps.roleArn}`, () => client.roleExists(deps.roleArn as string)));
    }
    for (const b of deps.buckets) note(`artifact bucket ${b.bucket} (${b.region})`, await memo(`bucket ${b.region} ${b.bucket}`, () => client.bucketExists(b.bucket, b.region)));
    // Change detection: pipeline mode makes no EventBridge rules (the stack does), so one of the user's must start the pipeline.
    const sources = eventSourcesOf(p.desired.pipeline);
    let unstarted: PreflightFinding['unstarted'];
    if (sources.length > 0) {
      const mine = await account();
      const partition = /^arn:([^:]+):/.exec(deps.roleArn ?? '')?.[1] ?? 'aws';
      const rules = 'account' in mine ? await client.rules(`arn:${partition}:codepipeline:${p.region}:${mine.account}:${p.name}`, p.region) : undefined;
      if (!rules || !('account' in mine)) unchecked.push(`the EventBridge rules that start it (${'account' in mine ? 'these credentials may not list them, or EventBridge could not be reached' : mine.unknown})`);
      else {
        const bare = sources.filter((s) => !startedBy(s, rules));
        if (bare.length > 0)
          unstarted = {
            sources: bare.map((s) => `${changesOf(s)} (source '${s.action}'${s.provider === 'ECR' ? '' : ', PollForSourceChanges false'})`),
            s3: bare.filter((s) => s.provider === 'S3').map((s) => `s3://${s.configuration.S3Bucket ?? ''}/${s.configuration.S3ObjectKey ?? ''}`),
            commands: ruleCommands(p.name, p.region, mine.account, partition, bare),
          };
      }
    }
    const byRegion = new Map<string, Set<string>>();
    for (const pr of deps.projects) byRegion.set(pr.region, (byRegion.get(pr.region) ?? new Set()).add(pr.project));
    for (const [region, names] of [...byRegion].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const sorted = [...names].sort();
      const found = await memo(`projects ${region} ${sorted.join(',')}`, () => client.projectsExisting(sorted, region));
      for (const name of sorted) note(`CodeBuild project ${name} (${region})`, found instanceof Set ? found.has(name) : found);
    }
    return missing.length + unchecked.length > 0 || unstarted ? { pipeline: p.name, region: p.region, missing, unchecked, ...(unstarted ? { unstarted } : {}) } : undefined;
  });
  return (await Promise.all(checks)).filter((f): f is PreflightFinding => f !== undefined);
}

/**
 * The findings as lines for stderr: what is missing with the fix (deploy the pipeline with its
 * stacks, which make role, buckets and projects, or create them), and what could not be checked.
 */
export function describeFindings(findings: readonly PreflightFinding[]): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    if (f.missing.length > 0)
      lines.push(
        `pipeline '${f.pipeline}' (${f.region}) relies on what does not exist: ${f.missing.join('; ')}. pipec does not make a pipeline that cannot run. Either deploy it with its stacks instead ('pipec plan --stack', then 'pipec apply --stack': the cloudformation target makes the pipeline together with its artifact buckets and CodeBuild projects, and gives its role what it needs; a role named in 'role:' must exist, without 'role:' the stack makes one), or create what is missing and plan again`,
      );
    if (f.unchecked.length > 0) lines.push(`warning: could not check what pipeline '${f.pipeline}' relies on: ${f.unchecked.join('; ')}`);
    if (f.unstarted) {
      const u = f.unstarted;
      const pollable = u.sources.some((s) => s.includes('PollForSourceChanges'));
      lines.push(
        `warning: no EventBridge rule starts pipeline '${f.pipeline}' (${f.region}) on ${u.sources.join('; ')}, so those changes will not start it (pipeline mode makes no rules). Either deploy it with its stacks ('pipec plan --stack', then 'pipec apply --stack', which make the rules)${pollable ? ", set 'poll: true' on the source (CodePipeline then polls)" : ''}, or create the rules and the role EventBridge assumes:`,
        ...u.commands.map((c) => `  ${c}`),
      );
      if (u.s3.length > 0) lines.push(`  (an S3 source's rule also needs a CloudTrail trail that logs the data events of ${u.s3.join(', ')}: "Create an EventBridge rule for an Amazon S3 source (CLI)" in the CodePipeline user guide)`);
    }
  }
  return lines;
}
