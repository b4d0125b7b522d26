import type { ReadSpec } from './actions.js';
import { ruleByKind, RULES, type Field } from './catalog/index.js';
import { check } from './check.js';
import { lowerDeploymentGroups } from './deployment-groups.js';
import type { Diagnostics } from './diagnostics.js';
import type { IrPermissions, IrStatement, IrAction, IrArtifactRef, IrBuildArtifact, IrCondition, IrEnvVar, IrNotifications, IrPipeline, IrProject, IrRule, IrStage, IrStore, IrTrigger, IrCriteria, IrGitFilter } from './ir.js';
import { NOTIFICATION_EVENTS } from './schema/pipeline.js';
import type { ExAction, ExPipeline, ExStage } from './model.js';
import { RAW_RULE, RULE_COMMON, providerSchema } from './schema/actions.js';
import type { Span } from './source.js';
import { choices, didYouMean } from './suggest.js';
import { keySpan, spanOf, valueSpan, writtenJson } from './tree.js';
import { secretsManagerDynamicReference } from './secret-reference.js';
import { z } from 'zod';

/** Lowers an explicit pipeline and its read specs to the IR the targets emit. */
export function lowerPipeline(ex: ExPipeline, specs: Map<ExAction, ReadSpec>, diags: Diagnostics): IrPipeline {
  const src = ex.source;
  const sharedSpan = (k: string): Span | undefined => (k in src ? keySpan(src, k) : ex.shared ? keySpan(ex.shared, k) : undefined);
  const { store, regionStores } = lowerArtifacts(ex.artifacts, sharedArtifacts(ex));
  const ir: IrPipeline = {
    name: ex.name,
    span: ex.span,
    ...(ex.role ? { roleArn: ex.role } : {}),
    ...(ex.region ? { region: ex.region } : {}),
    ...(ex.account ? { account: ex.account } : {}),
    ...(ex.project ? { project: ex.project } : {}),
    pipelineType: ex.type,
    ...(ex.execution ? { executionMode: ex.execution as 'QUEUED' | 'SUPERSEDED' | 'PARALLEL' } : {}),
    ...(store ? { store } : {}),
    regionStores,
    variables: lowerVariables(ex),
    triggers: [],
    stages: ex.stages.map((s) => lowerStage(ex, s, specs, diags)),
    tags: Object.entries(ex.tags ?? {})
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    spans: {
      role: sharedSpan('role'),
      artifacts: sharedSpan('artifacts'),
      type: sharedSpan('type'),
      execution: sharedSpan('execution'),
      region: sharedSpan('region'),
      variables: sharedSpan('variables'),
      triggers: sharedSpan('triggers'),
      tags: sharedSpan('tags'),
      project: sharedSpan('project'),
    },
  };
  ir.triggers = lowerTriggers(ex, ir, diags);
  if (ex.notifications !== undefined) ir.notifications = lowerNotifications(ex);
  const permissions = lowerPermissions(ex.permissions, ex.managedPolicies);
  if (permissions) {
    ir.permissions = permissions;
    ir.permissionsSpan = keySpan(src, ex.permissions !== undefined ? 'permissions' : 'managed-policies') ?? ex.span;
  }
  if (ex.deploymentGroups?.length) ir.deploymentGroups = lowerDeploymentGroups(ex, diags);
  return ir;
}

/** A bucket named at the top of a file with `pipelines:` is shared, so no one pipeline's stack may create it. */
export function sharedArtifacts(ex: ExPipeline): boolean {
  return !('artifacts' in ex.source) && ex.shared !== undefined && 'artifacts' in ex.shared;
}

function lowerArtifacts(value: unknown, shared: boolean): { store?: IrStore; regionStores: Record<string, IrStore> } {
  const regionStores: Record<string, IrStore> = {};
  const existing = (flag: boolean | undefined): { existing?: true } => (flag || shared ? { existing: true } : {});
  if (value === undefined) return { regionStores };
  if (typeof value === 'string') return { store: { bucket: value, ...existing(false) }, regionStores };
  const a = value as { bucket?: string; 'kms-key'?: string; existing?: boolean; stores?: Record<string, unknown> };
  for (const [region, s] of Object.entries(a.stores ?? {})) {
    const o = (typeof s === 'string' ? { bucket: s } : s) as { bucket: string; 'kms-key'?: string; existing?: boolean };
    regionStores[region] = { bucket: String(o.bucket), ...(o['kms-key'] ? { kmsKey: String(o['kms-key']) } : {}), ...existing(o.existing) };
  }
  return { ...(a.bucket ? { store: { bucket: a.bucket, ...(a['kms-key'] ? { kmsKey: a['kms-key'] } : {}), ...existing(a.existing) } } : {}), regionStores };
}

/** `notifications:` with event names turned into CodeStar event type IDs, in a fixed order. */
function lowerNotifications(ex: ExPipeline): IrNotifications {
  const n = ex.notifications as { topic?: string; events: string[]; detail?: 'basic' | 'full' };
  const order = Object.keys(NOTIFICATION_EVENTS);
  const events = [...new Set(n.events)].sort((x, y) => order.indexOf(x) - order.indexOf(y)).map((e) => NOTIFICATION_EVENTS[e] as string);
  return { ...(n.topic ? { topicArn: n.topic } : {}), events, detail: n.detail === 'basic' ? 'BASIC' : 'FULL', span: valueSpan(ex.source, 'notifications') ?? ex.span };
}

function lowerVariables(ex: ExPipeline): IrPipeline['variables'] {
  const vars = ex.variables ?? {};
  return Object.entries(vars).map(([name, v]) => {
    const span = keySpan(vars, name) ?? ex.span;
    if (v !== null && typeof v === 'object') {
      const o = v as { default?: unknown; description?: string };
      return { name, ...(o.default !== undefined ? { defaultValue: String(o.default) } : {}), ...(o.description !== undefined ? { description: o.description } : {}), span };
    }
    return { name, defaultValue: String(v), span };
  });
}

function lowerStage(ex: ExPipeline, stage: ExStage, specs: Map<ExAction, ReadSpec>, diags: Diagnostics): IrStage {
  const actions: IrAction[] = [];
  for (const a of stage.actions) {
    const spec = specs.get(a);
    if (spec) actions.push(lowerAction(ex, stage, a, spec, diags));
  }
  const obj = stage.source as Record<string, unknown>;
  const out: IrStage = { name: stage.name, span: stage.span, actions };
  if (stage.disableInbound !== undefined) out.disableInbound = { reason: stage.disableInbound, span: valueSpan(obj, 'disable-inbound') ?? stage.span };
  if (stage.beforeEntry !== undefined) out.beforeEntry = lowerCondition(stage.beforeEntry, valueSpan(obj, 'before-entry') ?? stage.span, diags);
  if (stage.onSuccess !== undefined) out.onSuccess = lowerCondition(stage.onSuccess, valueSpan(obj, 'on-success') ?? stage.span, diags);
  if (stage.onFailure !== undefined) {
    const f = stage.onFailure as { result?: string; 'retry-mode'?: string; rules?: unknown[]; condition?: unknown };
    const span = valueSpan(obj, 'on-failure') ?? stage.span;
    // Rules beside 'result' are the condition, and the result is the condition's (as in before-entry and on-success).
    const rulesHere = f.rules !== undefined ? lowerCondition(f, span, diags) : undefined;
    out.onFailure = {
      span,
      ...(rulesHere ? { condition: rulesHere } : {}),
      ...(f.result && !rulesHere ? { result: f.result.toUpperCase() as 'ROLLBACK' } : {}),
      ...(f['retry-mode'] ? { retryMode: f['retry-mode'].toUpperCase().replace('-', '_') as 'FAILED_ACTIONS' } : {}),
      ...(f.condition ? { condition: lowerCondition(f.condition, valueSpan(f, 'condition') ?? span, diags) } : {}),
    };
  }
  return out;
}

const COMPUTE_TYPES: Record<string, string> = {
  small: 'BUILD_GENERAL1_SMALL',
  medium: 'BUILD_GENERAL1_MEDIUM',
  large: 'BUILD_GENERAL1_LARGE',
  xlarge: 'BUILD_GENERAL1_XLARGE',
  '2xlarge': 'BUILD_GENERAL1_2XLARGE',
};

/** The default CodeBuild image for inline builds. */
export const DEFAULT_IMAGE = 'aws/codebuild/standard:7.0';

/** Where a setting names an input artifact (`template: Build::t.yml`), for inputs read from settings rather than written. */
function referenceSpan(spec: ReadSpec, artifact: string): Span | undefined {
  for (const f of spec.catalog?.fields ?? []) {
    const v = spec.fields[f.name];
    if ((f.type === 'artifact-path' || f.type === 'artifact') && typeof v === 'string' && (v === artifact || v.startsWith(`${artifact}::`)))
      return valueSpan(spec.fieldsSource, f.name);
  }
  return undefined;
}

function lowerAction(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec, diags: Diagnostics): IrAction {
  const src = a.source;
  const written = (src as Record<string, unknown>).inputs;
  const inputSpan = (name: string, i: number): Span | undefined =>
    Array.isArray(written) ? valueSpan(written, i) : written !== undefined ? valueSpan(src, 'inputs') : referenceSpan(spec, name);
  const inputs = (a.inputs ?? []).map((name, i) => ({ name, span: inputSpan(name, i) ?? a.span }));
  const outputs: IrArtifactRef[] = (a.outputs ?? []).map((name, i) => ({ name, span: (Array.isArray((src as Record<string, unknown>).outputs) ? valueSpan((src as Record<string, unknown>).outputs, i) : valueSpan(src, 'outputs')) ?? a.span }));
  const ir: IrAction = {
    name: a.name,
    span: a.span,
    category: spec.category,
    owner: spec.owner,
    provider: spec.provider,
    version: spec.version,
    ...(spec.catalog ? { catalog: spec.catalog } : {}),
    runOrder: a.runOrder,
    configuration: {},
    configSpans: {},
    inputs,
    outputs,
    secretKeys: [],
    spans: {
      role: keySpan(src, 'role'),
      region: keySpan(src, 'region'),
      namespace: keySpan(src, 'namespace'),
      timeout: keySpan(src, 'timeout'),
      inputs: keySpan(src, 'inputs'),
      outputs: keySpan(src, 'outputs'),
    },
  };
  if (spec.invalid) ir.invalid = true;
  if (a.role) ir.roleArn = a.role;
  if (a.region) ir.region = a.region;
  if (a.namespace) ir.namespace = a.namespace;
  if (a.timeout !== undefined) ir.timeoutInMinutes = a.timeout;
  const inputNames = inputs.map((i) => i.name);
  if (spec.raw) {
    ir.raw = true;
    for (const [k, v] of Object.entries(spec.raw.configuration ?? {})) {
      ir.configuration[k] = v;
      ir.configSpans[k] = valueSpan((spec.fieldsSource as Record<string, unknown>).configuration, k) ?? a.span;
    }
    if (spec.raw.commands) ir.commands = spec.raw.commands;
    if (spec.raw['output-variables']) ir.outputVariables = spec.raw['output-variables'];
    if (spec.raw.env) ir.environmentVariables = envVars(spec.raw.env, a.span, writtenEnv(spec));
    if (spec.raw.files && outputs[0]) outputs[0].files = spec.raw.files;
  } else if (spec.inline) {
    const project = inlineProject(ex, stage, a, spec);
    ir.project = project;
    ir.configuration.ProjectName = project.name;
    ir.configSpans.ProjectName = a.span;
    if (spec.inline['primary-source']) ir.configuration.PrimarySource = spec.inline['primary-source'];
    if (project.env.length > 0) ir.configuration.EnvironmentVariables = envJson(project.env);
  } else if (spec.compute) {
    const c = spec.compute;
    ir.commands = typeof c.commands === 'string' ? [c.commands] : c.commands;
    if (c.exports) ir.outputVariables = c.exports;
    if (c.env) ir.environmentVariables = envVars(c.env, valueSpan(spec.fieldsSource, 'env') ?? a.span, writtenEnv(spec));
    if (c.files && outputs[0]) outputs[0].files = c.files;
  } else if (spec.catalog) {
    for (const f of spec.catalog.fields) {
      const v = spec.fields[f.name] ?? f.default;
      if (v === undefined) continue;
      const at = valueSpan(spec.fieldsSource, f.name) ?? a.span;
      // JSON settings are written from the mapping as written, which knows the numbers kept as text.
      const written = (spec.fieldsSource as Record<string, unknown>)[f.name];
      convertField(f, f.type === 'json' && written !== undefined && typeof v !== 'string' ? written : v, inputNames, ir, at);
    }
    if (spec.catalog.customProvider && spec.fields.configuration) {
      const cfg = spec.fields.configuration as Record<string, string>;
      for (const [k, v] of Object.entries(cfg)) {
        ir.configuration[k] = v;
        ir.configSpans[k] = valueSpan(cfg, k) ?? a.span;
      }
    }
    if (spec.provider === 'CodeBuild' && spec.fields.env) {
      const env = envVars(spec.fields.env as Record<string, unknown>, valueSpan(spec.fieldsSource, 'env') ?? a.span, writtenEnv(spec));
      ir.configuration.EnvironmentVariables = envJson(env);
    }
    if (spec.category === 'Approval' && spec.fields.timeout !== undefined) {
      ir.timeoutInMinutes = Number(spec.fields.timeout);
      ir.spans.timeout = keySpan(spec.fieldsSource, 'timeout');
    }
  }
  void diags;
  return ir;
}

/** Turns one friendly setting into its configuration text (and, for secrets, a dynamic reference). */
function convertField(f: Field, v: unknown, inputs: readonly string[], ir: IrAction, at: Span): void {
  const set = (key: string, value: string): void => {
    ir.configuration[key] = value;
    ir.configSpans[key] = at;
  };
  const mapEnum = (s: string): string => f.values?.[s] ?? s;
  switch (f.type) {
    case 'bool':
      return set(f.key, v ? 'true' : 'false');
    case 'enum':
      return set(f.key, mapEnum(String(v)));
    case 'list':
      return set(f.key, Array.isArray(v) ? v.map((x) => mapEnum(String(x))).join(f.separator ?? ',') : mapEnum(String(v)));
    case 'json':
      return set(f.key, typeof v === 'string' ? v : writtenJson(v));
    case 'secret':
      ir.secretKeys.push(f.key);
      return set(f.key, secretsManagerDynamicReference((v as { secret: string }).secret));
    case 'artifact-path': {
      const text = String(v);
      const sep = text.indexOf('::');
      const artifact = sep >= 0 ? text.slice(0, sep) : (inputs[0] ?? '');
      const file = sep >= 0 ? text.slice(sep + 2) : text;
      if (f.artifactKey) {
        set(f.artifactKey, artifact);
        return set(f.key, file);
      }
      return set(f.key, `${artifact}::${file}`);
    }
    default:
      return set(f.key, String(v));
  }
}

/** `permissions:` and `managed-policies:` as the IR keeps them (both already checked by the schema). */
export function lowerPermissions(permissions: unknown, managed: unknown): IrPermissions | undefined {
  if (permissions === undefined && managed === undefined) return undefined;
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);
  const statements = ((permissions ?? []) as Array<Record<string, unknown>>).map((s): IrStatement => ({
    ...(s.sid !== undefined ? { sid: String(s.sid) } : {}),
    effect: String(s.effect ?? 'allow').toLowerCase() === 'deny' ? 'Deny' : 'Allow',
    actions: list(s.actions),
    resources: list(s.resources),
    ...(s.condition !== undefined ? { condition: s.condition as IrStatement['condition'] } : {}),
  }));
  return { statements, managedPolicies: managed === undefined ? [] : list(managed) };
}

function inlineProject(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec): IrProject {
  const b = spec.inline as NonNullable<ReadSpec['inline']>;
  const lines = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const env = envVars(b.env ?? {}, valueSpan(spec.fieldsSource, 'env') ?? a.span, writtenEnv(spec));
  type Files = string | string[] | { files: string | string[]; 'base-directory'?: string | undefined; 'discard-paths'?: boolean | undefined };
  const artifactOf = (v: Files): IrBuildArtifact =>
    typeof v === 'string' || Array.isArray(v)
      ? { files: lines(v) }
      : { files: lines(v.files), ...(v['base-directory'] ? { baseDirectory: v['base-directory'] } : {}), ...(v['discard-paths'] !== undefined ? { discardPaths: v['discard-paths'] } : {}) };
  // `artifacts: { Name: files, ... }`: files per output artifact (the outputs are named after the keys)
  const perOutput = typeof b.artifacts === 'object' && !Array.isArray(b.artifacts) && !('files' in b.artifacts) ? (b.artifacts as Record<string, Files>) : undefined;
  const artifacts = b.artifacts === undefined || perOutput ? undefined : artifactOf(b.artifacts as Files);
  const reports: IrProject['reports'] = {};
  for (const [name, r] of Object.entries(b.reports ?? {}))
    reports[name] = { files: lines(r.files), ...(r.format ? { format: r.format.toUpperCase() } : {}), ...(r['base-directory'] ? { baseDirectory: r['base-directory'] } : {}) };
  const buildPermissions = lowerPermissions(b.permissions, b['managed-policies']);
  return {
    name: b.project ?? projectName(ex.name, stage.name, a.name),
    image: b.image ?? DEFAULT_IMAGE,
    computeType: COMPUTE_TYPES[b.compute ?? 'small'] as string,
    privileged: b.privileged ?? false,
    ...(b.timeout !== undefined ? { timeoutInMinutes: b.timeout } : {}),
    env,
    phases: { install: lines(b.install), preBuild: lines(b['pre-build']), build: lines(b.commands), postBuild: lines(b['post-build']) },
    runtimes: b.runtimes ?? {},
    ...(artifacts ? { artifacts } : {}),
    ...(perOutput ? { outputArtifacts: Object.fromEntries(Object.entries(perOutput).map(([k, v]) => [k, artifactOf(v)])) } : {}),
    ...(b.finally ? { finally: lines(b.finally) } : {}),
    ...(b.exports ? { exportedVariables: b.exports } : {}),
    reports,
    cache: lines(b.cache),
    ...(b.buildspec ? { buildspecPath: b.buildspec } : {}),
    ...(b.push !== undefined ? { push: lines(b.push) } : {}),
    ...(buildPermissions ? { permissions: buildPermissions } : {}),
  };
}

/** CodeBuild project names: 2..150 of letters, digits, - and _; long names keep a hash so they stay unique. */
export function projectName(pipeline: string, stage: string, action: string): string {
  const raw = `${pipeline}-${stage}-${action}`.replace(/[^A-Za-z0-9_-]/g, '-');
  if (raw.length <= 150) return raw;
  let h = 2166136261;
  for (let i = 0; i < raw.length; i++) h = Math.imul(h ^ raw.charCodeAt(i), 16777619) >>> 0;
  return `${raw.slice(0, 141)}-${h.toString(16).padStart(8, '0')}`;
}

/** The `env` mapping as written: checked values are copies without positions, so each variable's place is read from here. */
function writtenEnv(spec: ReadSpec): unknown {
  return (spec.fieldsSource as Record<string, unknown>).env;
}

function envVars(env: Record<string, unknown>, span: Span, written?: unknown): IrEnvVar[] {
  return Object.entries(env).map(([name, v]) => {
    const at = (written !== undefined ? valueSpan(written, name) : undefined) ?? valueSpan(env, name) ?? span;
    if (v !== null && typeof v === 'object' && 'secret' in v) return { name, value: String((v as { secret: string }).secret), type: 'SECRETS_MANAGER' as const, span: at };
    if (v !== null && typeof v === 'object' && 'parameter' in v) return { name, value: String((v as { parameter: string }).parameter), type: 'PARAMETER_STORE' as const, span: at };
    if (v !== null && typeof v === 'object' && 'plaintext' in v) return { name, value: String((v as { plaintext: unknown }).plaintext), type: 'PLAINTEXT' as const, plaintext: true, span: at };
    return { name, value: String(v), type: 'PLAINTEXT' as const, span: at };
  });
}

function envJson(env: IrEnvVar[]): string {
  return JSON.stringify(env.map((e) => ({ name: e.name, type: e.type, value: e.value })));
}

const CONDITION_RESULTS = { rollback: 'ROLLBACK', fail: 'FAIL', retry: 'RETRY', skip: 'SKIP' } as const;

function lowerCondition(value: unknown, span: Span, diags: Diagnostics): IrCondition {
  const c = value as { result?: keyof typeof CONDITION_RESULTS; rules: unknown[] };
  const rules: IrRule[] = [];
  c.rules.forEach((r, i) => {
    const rule = lowerRule(r, valueSpan(c.rules, i) ?? span, diags, i);
    if (rule) rules.push(rule);
  });
  return { ...(c.result ? { result: CONDITION_RESULTS[c.result] } : {}), rules, span, ...(rules.length < c.rules.length ? { incomplete: true } : {}) };
}

const RULE_KINDS = [...RULES.map((r) => r.kind), 'rule'];
/** The commands of a `commands:` stage-condition rule. */
export const RULE_COMMANDS = z.union([z.string().min(1).max(1000), z.array(z.string().min(1).max(1000)).min(1).max(50)]);

// Built once per kind: zod compiles each object schema on first use, so a schema per call costs that every time.
const ruleSchemas = new Map<string, z.ZodType>();
function ruleSchema(kind: string): z.ZodType {
  let s = ruleSchemas.get(kind);
  if (!s) {
    s = z.strictObject({ ...RULE_COMMON, [kind]: z.unknown() });
    ruleSchemas.set(kind, s);
  }
  return s;
}

function lowerRule(value: unknown, span: Span, diags: Diagnostics, index: number): IrRule | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diags.add('PC2002', `a rule must be a mapping with one of ${choices(RULE_KINDS)}`, span);
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const kinds = RULE_KINDS.filter((k) => k in obj);
  if (kinds.length !== 1) {
    const guess = Object.keys(obj).map((k) => didYouMean(k, RULE_KINDS)).find(Boolean);
    diags.add('PC2007', `a rule needs exactly one of ${choices(RULE_KINDS)}`, spanOf(obj) ?? span, guess ? { suggestion: `did you mean '${guess}'?` } : {});
    return undefined;
  }
  const kind = kinds[0] as string;
  const common = check(diags, ruleSchema(kind), obj, 'rule', span) as Record<string, unknown> | undefined;
  if (!common) return undefined;
  const inputs = common.inputs === undefined ? [] : (Array.isArray(common.inputs) ? common.inputs : [common.inputs]).map((n) => ({ name: String(n), span: valueSpan(obj, 'inputs') ?? span }));
  const base = {
    span,
    inputs,
    ...(common.role ? { roleArn: String(common.role) } : {}),
    ...(common.region ? { region: String(common.region) } : {}),
    ...(common.timeout !== undefined ? { timeoutInMinutes: Number(common.timeout) } : {}),
  };
  if (kind === 'rule') {
    const raw = check(diags, RAW_RULE, obj.rule, 'rule', span);
    if (!raw) return undefined;
    return { ...base, name: String(common.name ?? `${raw.provider}${index > 0 ? index + 1 : ''}`), provider: raw.provider, version: raw.version ?? '1', configuration: { ...(raw.configuration ?? {}) }, ...(raw.commands ? { commands: raw.commands } : {}) };
  }
  const rp = ruleByKind(kind);
  if (!rp) return undefined;
  const name = String(common.name ?? `${rp.provider}${index > 0 ? index + 1 : ''}`);
  if (rp.provider === 'Commands') {
    const cmds = check(diags, RULE_COMMANDS, obj.commands, 'commands', valueSpan(obj, 'commands') ?? span);
    if (cmds === undefined) return undefined;
    return { ...base, name, provider: rp.provider, version: rp.version, configuration: {}, commands: Array.isArray(cmds) ? cmds : [cmds] };
  }
  let flat: unknown = obj[kind];
  if (typeof flat !== 'object' || flat === null) {
    if (!rp.primary) {
      diags.add('PC2002', `'${kind}' takes a mapping of settings`, valueSpan(obj, kind) ?? span);
      return undefined;
    }
    flat = { [rp.primary]: flat };
  }
  const fields = check(diags, providerSchema(rp), flat, kind, valueSpan(obj, kind) ?? span) as Record<string, unknown> | undefined;
  if (!fields) return undefined;
  const configuration: Record<string, string> = {};
  for (const f of rp.fields) {
    const v = fields[f.name];
    if (v === undefined) continue;
    if (f.type === 'list') configuration[f.key] = (Array.isArray(v) ? v : [v]).map((x) => f.values?.[String(x)] ?? String(x)).join(',');
    else if (f.type === 'json') {
      const written = (flat as Record<string, unknown>)[f.name];
      configuration[f.key] = typeof v === 'string' ? v : writtenJson(written ?? v);
    }
    else configuration[f.key] = String(v);
  }
  return { ...base, name, provider: rp.provider, version: rp.version, configuration };
}

function criteria(v: unknown): IrCriteria | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return { includes: v.map(String) };
  const o = v as { include?: string[]; exclude?: string[] };
  return { ...(o.include ? { includes: o.include } : {}), ...(o.exclude ? { excludes: o.exclude } : {}) };
}

function lowerTriggers(ex: ExPipeline, ir: IrPipeline, diags: Diagnostics): IrTrigger[] {
  const list = ex.triggers ?? [];
  const connectionSources = (ir.stages[0]?.actions ?? []).filter((a) => a.category === 'Source' && a.provider === 'CodeStarSourceConnection');
  const unreadableSource = (ir.stages[0]?.actions ?? []).some((a) => a.invalid);
  const out: IrTrigger[] = [];
  list.forEach((t, i) => {
    const span = valueSpan(list, i) ?? ex.span;
    const tr = t as { source?: string; push?: unknown; 'pull-request'?: unknown };
    let source = tr.source;
    if (!source) {
      // A first-stage source that could not be read (reported already) may well be the connection source.
      if (connectionSources.length === 0 && unreadableSource) return;
      if (connectionSources.length !== 1) {
        diags.add('PC3014', connectionSources.length === 0 ? 'a trigger needs a connection source (github, bitbucket, gitlab ...) in the first stage' : `this pipeline has ${connectionSources.length} connection sources; name the trigger's with 'source'`, span, {
          ...(connectionSources.length > 1 ? { suggestion: `one of ${choices(connectionSources.map((a) => a.name))}` } : {}),
        });
        return;
      }
      source = (connectionSources[0] as IrAction).name;
    }
    if (tr.push === undefined && tr['pull-request'] === undefined) {
      // A misspelled 'pull_request' is already reported as an unknown key with the right spelling.
      if (!Object.keys(tr).some((k) => didYouMean(k, ['push', 'pull-request']))) diags.add('PC2007', "a trigger needs 'push', 'pull-request' or both", span);
      return;
    }
    const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const push: IrGitFilter[] = asList(tr.push).map((f) => {
      const o = f as Record<string, unknown>;
      const out: IrGitFilter = {};
      const b = criteria(o.branches);
      const tg = criteria(o.tags);
      const p = criteria(o.paths);
      if (tg) out.tags = tg;
      if (b) out.branches = b;
      if (p) out.filePaths = p;
      return out;
    });
    const pullRequest: IrGitFilter[] = asList(tr['pull-request']).map((f) => {
      const o = f as Record<string, unknown>;
      const out: IrGitFilter = { events: ((o.events as string[] | undefined) ?? ['open', 'updated', 'closed']).map((e) => e.toUpperCase() as 'OPEN') };
      const b = criteria(o.branches);
      const p = criteria(o.paths);
      if (b) out.branches = b;
      if (p) out.filePaths = p;
      return out;
    });
    out.push({ sourceActionName: source, span, push, pullRequest });
  });
  return out;
}
