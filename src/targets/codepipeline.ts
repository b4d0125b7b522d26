import type { Diagnostics } from '../compiler/diagnostics.js';
import type { IrAction, IrCondition, IrCriteria, IrGitFilter, IrPipeline, IrRule, IrStage, IrStore } from '../compiler/ir.js';
import { partitionOf, storeKeyArn } from './kms-key.js';
import type { OutputFile, Target } from './types.js';
import { shellWord } from './shell.js';

type Json = Record<string, unknown>;

/** The pipeline declaration as CreatePipeline takes it, fields in the API model's order. */
export function pipelineDeclaration(p: IrPipeline): Json {
  const out: Json = { name: p.name, roleArn: p.roleArn ?? '' };
  const stores = Object.keys(p.regionStores);
  if (stores.length > 0) {
    const all: Record<string, IrStore> = { ...p.regionStores };
    if (p.store && p.region) all[p.region] = p.store;
    out.artifactStores = Object.fromEntries(
      Object.keys(all)
        .sort()
        .map((r) => [r, store(all[r] as IrStore, r, p)]),
    );
  } else if (p.store) out.artifactStore = store(p.store, p.region, p);
  out.stages = p.stages.map(stage);
  if (p.executionMode) out.executionMode = p.executionMode;
  out.pipelineType = p.pipelineType;
  if (p.variables.length > 0)
    out.variables = p.variables.map((v) => ({
      name: v.name,
      ...(v.defaultValue !== undefined ? { defaultValue: v.defaultValue } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
    }));
  if (p.triggers.length > 0)
    out.triggers = p.triggers.map((t) => ({
      providerType: 'CodeStarSourceConnection',
      gitConfiguration: {
        sourceActionName: t.sourceActionName,
        ...(t.push.length > 0 ? { push: t.push.map(filter) } : {}),
        ...(t.pullRequest.length > 0 ? { pullRequest: t.pullRequest.map(filter) } : {}),
      },
    }));
  return out;
}

function store(s: IrStore, region: string | undefined, p: IrPipeline): Json {
  const key = s.kmsKey ? storeKeyArn(s.kmsKey, region, p.account ?? ACCOUNT_OF_ROLE.exec(p.roleArn ?? '')?.[1], partitionOf(p.roleArn)) : undefined;
  return { type: 'S3', location: s.bucket, ...(key ? { encryptionKey: { id: key, type: 'KMS' } } : {}) };
}

const ACCOUNT_OF_ROLE = /^arn:[^:]+:iam::(\d{12}):/;

function criteria(c: IrCriteria): Json {
  return { ...(c.includes ? { includes: c.includes } : {}), ...(c.excludes ? { excludes: c.excludes } : {}) };
}

function filter(f: IrGitFilter): Json {
  return {
    ...(f.events ? { events: f.events } : {}),
    ...(f.tags ? { tags: criteria(f.tags) } : {}),
    ...(f.branches ? { branches: criteria(f.branches) } : {}),
    ...(f.filePaths ? { filePaths: criteria(f.filePaths) } : {}),
  };
}

function stage(s: IrStage): Json {
  const out: Json = { name: s.name, actions: s.actions.map(action) };
  if (s.onFailure)
    out.onFailure = {
      ...(s.onFailure.result ? { result: s.onFailure.result } : {}),
      ...(s.onFailure.retryMode ? { retryConfiguration: { retryMode: s.onFailure.retryMode } } : {}),
      ...(s.onFailure.condition ? { conditions: [condition(s.onFailure.condition)] } : {}),
    };
  if (s.onSuccess) out.onSuccess = { conditions: [condition(s.onSuccess)] };
  if (s.beforeEntry) out.beforeEntry = { conditions: [condition(s.beforeEntry)] };
  return out;
}

function condition(c: IrCondition): Json {
  return { ...(c.result ? { result: c.result } : {}), rules: c.rules.map(rule) };
}

function rule(r: IrRule): Json {
  return {
    name: r.name,
    ruleTypeId: { category: 'Rule', owner: 'AWS', provider: r.provider, version: r.version },
    ...(Object.keys(r.configuration).length > 0 ? { configuration: sortedMap(r.configuration) } : {}),
    ...(r.commands ? { commands: r.commands } : {}),
    ...(r.inputs.length > 0 ? { inputArtifacts: r.inputs.map((i) => ({ name: i.name })) } : {}),
    ...(r.roleArn ? { roleArn: r.roleArn } : {}),
    ...(r.region ? { region: r.region } : {}),
    ...(r.timeoutInMinutes !== undefined ? { timeoutInMinutes: r.timeoutInMinutes } : {}),
  };
}

function sortedMap(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k] as string]));
}

function action(a: IrAction): Json {
  return {
    name: a.name,
    actionTypeId: { category: a.category, owner: a.owner, provider: a.provider, version: a.version },
    runOrder: a.runOrder,
    configuration: sortedMap(a.configuration),
    ...(a.commands ? { commands: a.commands } : {}),
    outputArtifacts: a.outputs.map((o) => ({ name: o.name, ...(o.files ? { files: o.files } : {}) })),
    inputArtifacts: a.inputs.map((i) => ({ name: i.name })),
    ...(a.outputVariables ? { outputVariables: a.outputVariables } : {}),
    ...(a.roleArn ? { roleArn: a.roleArn } : {}),
    ...(a.region ? { region: a.region } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(a.timeoutInMinutes !== undefined ? { timeoutInMinutes: a.timeoutInMinutes } : {}),
    ...(a.environmentVariables
      ? { environmentVariables: a.environmentVariables.map((e) => ({ name: e.name, value: e.value, type: e.type === 'SECRETS_MANAGER' ? 'SECRETS_MANAGER' : 'PLAINTEXT' })) }
      : {}),
  };
}

/** The exact input of `aws codepipeline create-pipeline --cli-input-json`. */
export function createPipelineInput(p: IrPipeline): Json {
  return { pipeline: pipelineDeclaration(p), ...(p.tags.length > 0 ? { tags: p.tags.map((t) => ({ key: t.key, value: t.value })) } : {}) };
}

const INPUTS = new WeakMap<IrPipeline, Json>();

/**
 * createPipelineInput of a pipeline, made once and shared, read-only, by the rule that holds it to the
 * API model and this target's emit (the two would otherwise build the same ~10 KB object each).
 * Callers that change what they get use createPipelineInput.
 */
export function pipelineInputOf(p: IrPipeline): Readonly<Json> {
  let input = INPUTS.get(p);
  if (!input) {
    input = createPipelineInput(p);
    INPUTS.set(p, input);
  }
  return input;
}

/** Reports what the codepipeline target needs that the pipeline does not give. */
export function checkCodePipeline(p: IrPipeline, diags: Diagnostics, cloudformationToo = false): void {
  if (!p.roleArn)
    diags.add('PC4001', `pipeline '${p.name}' has no 'role'; the codepipeline target needs the ARN of the role CodePipeline assumes`, p.span, {
      suggestion: "set 'role: arn:aws:iam::123456789012:role/name' on the pipeline or at the top of the file",
    });
  if (!p.store && Object.keys(p.regionStores).length === 0)
    diags.add('PC4002', `pipeline '${p.name}' has no artifact store; the codepipeline target needs the bucket CodePipeline keeps artifacts in`, p.span, {
      suggestion: "set 'artifacts: my-artifact-bucket' (or { bucket, kms-key })",
    });
  else if (p.region && Object.keys(p.regionStores).length > 0 && !p.store && !p.regionStores[p.region])
    diags.add('PC4002', `pipeline '${p.name}' has stores for other regions but none for its own region ${p.region}`, p.spans.artifacts ?? p.span, {
      suggestion: "set 'artifacts.bucket' (the store in the pipeline's region)",
    });
  defaultKeyReadElsewhere(p, diags);
  for (const stage of p.stages)
    for (const a of stage.actions)
      for (const key of a.secretKeys)
        diags.add('PC4003', `action '${a.name}' needs secret '${key}', which a CodePipeline JSON file can only hold in plain text`, a.configSpans[key] ?? a.span, {
          suggestion: a.provider === 'GitHub' ? "use a connection source ('github: owner/repo' with 'connection:') instead of github-v1" : 'deploy this pipeline with the cloudformation target, which resolves the secret from Secrets Manager',
        });
  // Settings outside the pipeline declaration: CreatePipeline has no place for them (said once, unless
  // the cloudformation target, which carries them, is written in the same run).
  if (cloudformationToo) return;
  for (const stage of p.stages)
    if (stage.disableInbound)
      diags.add('PC4004', `stage '${stage.name}' disables its inbound transition, which codepipeline.json cannot carry (it is not part of the pipeline declaration)`, stage.disableInbound.span, {
        suggestion: `after creating the pipeline run ${disableTransitionCommand(p, stage.name, stage.disableInbound.reason)}, or deploy with the cloudformation target`,
      });
  if (p.permissions)
    diags.add('PC4004', `permissions of pipeline '${p.name}' are added to its role by the cloudformation target's stack; codepipeline.json uses your role ${p.roleArn ?? ''} as it is`, p.permissionsSpan ?? p.span, {
      suggestion: 'add the statements and managed policies to that role yourself, or deploy with the cloudformation target',
    });
  if (p.notifications)
    diags.add('PC4004', `notifications of pipeline '${p.name}' are a CodeStar notification rule, which codepipeline.json cannot carry`, p.notifications.span, {
      suggestion: 'deploy with the cloudformation target, which creates the rule (and the topic), or create the rule with aws codestar-notifications create-notification-rule',
    });
}

/** The AWS CLI command that disables a stage's inbound transition, quoted for bash (a reason may hold `!`, which history expansion reads in double quotes). */
export function disableTransitionCommand(p: Pick<IrPipeline, 'name' | 'region'>, stage: string, reason: string): string {
  return ['aws codepipeline disable-stage-transition', ...(p.region ? [`--region ${p.region}`] : []), `--pipeline-name ${shellWord(p.name)}`, `--stage-name ${shellWord(stage)}`, '--transition-type Inbound', `--reason ${shellWord(reason)}`].join(' ');
}

/**
 * PC4008: a store without `kms-key` that actions in another account read. Its artifacts are
 * encrypted with S3's default key, which only the pipeline's account can use ("Create a pipeline
 * in CodePipeline that uses resources from another AWS account": a customer managed key is
 * required). The cloudformation target makes a key for such a store; codepipeline.json has only
 * what pipeline.yml names. An existing bucket and an action in the pipeline's account are fine.
 */
function defaultKeyReadElsewhere(p: IrPipeline, diags: Diagnostics): void {
  const home = p.account ?? ACCOUNT_OF_ROLE.exec(p.roleArn ?? '')?.[1];
  if (!home) return;
  const readers = new Map<string, Map<string, IrAction>>();
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const account = ACCOUNT_OF_ROLE.exec(a.roleArn ?? '')?.[1];
      if (!account || account === home) continue;
      const region = a.region ?? p.region ?? '';
      const byAccount = readers.get(region) ?? new Map<string, IrAction>();
      if (!byAccount.has(account)) byAccount.set(account, a);
      readers.set(region, byAccount);
    }
  for (const [region, byAccount] of [...readers].sort(([a], [b]) => a.localeCompare(b))) {
    const s = region && region !== p.region ? p.regionStores[region] : (p.store ?? (p.region ? p.regionStores[p.region] : undefined));
    if (!s || s.kmsKey) continue;
    const accounts = [...byAccount.keys()].sort();
    const where = region ? ` in ${region}` : '';
    diags.add('PC4008', `actions in account ${accounts.join(', ')} read the artifact store${where} (bucket ${s.bucket}), which has no 'kms-key': they cannot read artifacts encrypted with S3's default key`, p.spans.artifacts ?? p.span, {
      notes: accounts.flatMap((acct) => {
        const a = byAccount.get(acct) as IrAction;
        return a.spans.role ? [{ message: `'${a.name}' assumes a role in account ${acct} here`, span: a.spans.role }] : [];
      }),
      suggestion: `give the store a customer managed key whose key policy lets account ${accounts.join(', ')} use it (${region && region !== p.region ? `artifacts.stores.${region}: { bucket: ${s.bucket}, kms-key: <key ARN> }` : `artifacts: { bucket: ${s.bucket}, kms-key: <key ARN> }`}), or deploy with the cloudformation target (pipec apply --stack), which makes the key`,
    });
  }
}

/** `<pipeline>/codepipeline.json`: the CreatePipeline input, two-space JSON with a final newline. */
export const codepipelineTarget: Target = {
  name: 'codepipeline',
  description: 'the input of aws codepipeline create-pipeline --cli-input-json',
  emit(p, diags, options): OutputFile[] {
    checkCodePipeline(p, diags, options.targets?.includes('cloudformation') ?? false);
    return [{ path: 'codepipeline.json', content: JSON.stringify(pipelineInputOf(p), null, 2) + '\n' }];
  },
};
