import type { ComputeSpec, InlineBuild, RawSpec, ReadSpec } from '../actions.js';
import type { Field, Provider } from '../catalog/index.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrAction, IrArtifactRef } from '../ir.js';
import type { ExAction, ExPipeline, ExStage } from '../model.js';
import { secretsManagerDynamicReference } from '../secret-reference.js';
import type { Env } from '../schema/common.js';
import type { Place } from '../positions.js';
import type { Span } from '../source.js';
import { writtenJson } from '../written-json.js';
import { envJson, envVars, writtenEnv } from './env.js';
import { inlineProject } from './inline-build.js';

/** Where a setting names an input artifact (`template: Build::t.yml`), for inputs read from settings rather than written. */
function referenceSpan(spec: ReadSpec, artifact: string): Span | undefined {
  for (const f of spec.catalog?.fields ?? []) {
    const v = spec.fields[f.name];
    if ((f.type === 'artifact-path' || f.type === 'artifact') && typeof v === 'string' && (v === artifact || v.startsWith(`${artifact}::`)))
      return spec.fieldsAt.child(f.name);
  }
  return undefined;
}

/** Where input `i` (named `name`) was written: in `inputs:`, or in the setting that names it. */
function inputSpan(a: ExAction, spec: ReadSpec, name: string, i: number): Span {
  const written = a.source.inputs;
  if (Array.isArray(written)) return a.sourceAt.child('inputs').child(i);
  if (written !== undefined) return a.sourceAt.child('inputs');
  return referenceSpan(spec, name) ?? a.span;
}

/**
 * Lowers one action: its type, artifacts and configuration (inline builds become CodeBuild projects).
 * (The IR's keys are set in the order it has always listed them; optional ones one by one, not as
 * conditional spreads, which cost an object each and much of V8's work to optimise this function.)
 */
export function lowerAction(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec, diags: Diagnostics): IrAction {
  const at = a.sourceAt;
  const names = a.inputs ?? [];
  const inputs: IrArtifactRef[] = [];
  const inputNames: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    inputs.push({ name, span: inputSpan(a, spec, name, i) });
    inputNames.push(name);
  }
  const outputNames = a.outputs ?? [];
  const outputs: IrArtifactRef[] = [];
  const listed = Array.isArray(a.source.outputs);
  for (let i = 0; i < outputNames.length; i++) outputs.push({ name: outputNames[i] as string, span: listed ? at.child('outputs').child(i) : at.child('outputs') });
  const ir = { name: a.name, span: a.span, category: spec.category, owner: spec.owner, provider: spec.provider, version: spec.version } as IrAction;
  if (spec.catalog) ir.catalog = spec.catalog;
  ir.runOrder = a.runOrder;
  ir.configuration = {};
  ir.configSpans = {};
  ir.inputs = inputs;
  ir.outputs = outputs;
  ir.secretKeys = [];
  ir.spans = {
    role: at.key('role'),
    region: at.key('region'),
    namespace: at.key('namespace'),
    timeout: at.key('timeout'),
    inputs: at.key('inputs'),
    outputs: at.key('outputs'),
  };
  if (spec.invalid) ir.invalid = true;
  if (a.role) ir.roleArn = a.role;
  if (a.region) ir.region = a.region;
  if (a.namespace) ir.namespace = a.namespace;
  if (a.timeout !== undefined) ir.timeoutInMinutes = a.timeout;
  if (spec.raw) lowerRaw(spec, spec.raw, ir, outputs);
  else if (spec.inline) lowerInline(ex, stage, a, spec, spec.inline, ir);
  else if (spec.compute) lowerCompute(spec, spec.compute, ir, outputs);
  else if (spec.catalog) lowerFields(spec, spec.catalog, ir, inputNames);
  void diags;
  return ir;
}

/** The raw `action:` form: its configuration as written. */
function lowerRaw(spec: ReadSpec, raw: RawSpec, ir: IrAction, outputs: IrArtifactRef[]): void {
  ir.raw = true;
  for (const [k, v] of Object.entries(raw.configuration ?? {})) {
    ir.configuration[k] = v;
    ir.configSpans[k] = spec.fieldsAt.child('configuration').child(k);
  }
  if (raw.commands) ir.commands = raw.commands;
  if (raw['output-variables']) ir.outputVariables = raw['output-variables'];
  if (raw.env) ir.environmentVariables = envVars(raw.env, writtenEnv(spec));
  if (raw.files && outputs[0]) outputs[0].files = raw.files;
}

/** An inline build: the CodeBuild project it defines, named in the configuration. */
function lowerInline(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec, inline: InlineBuild, ir: IrAction): void {
  const project = inlineProject(ex, stage, a, spec, inline);
  ir.project = project;
  ir.configuration.ProjectName = project.name;
  ir.configSpans.ProjectName = a.span;
  if (inline['primary-source']) ir.configuration.PrimarySource = inline['primary-source'];
  if (project.env.length > 0) ir.configuration.EnvironmentVariables = envJson(project.env);
}

/** A Commands (compute) action. */
function lowerCompute(spec: ReadSpec, c: ComputeSpec, ir: IrAction, outputs: IrArtifactRef[]): void {
  ir.commands = typeof c.commands === 'string' ? [c.commands] : c.commands;
  if (c.exports) ir.outputVariables = c.exports;
  if (c.env) ir.environmentVariables = envVars(c.env, writtenEnv(spec));
  if (c.files && outputs[0]) outputs[0].files = c.files;
}

/** A catalog provider's settings as its configuration keys. */
function lowerFields(spec: ReadSpec, catalog: Provider, ir: IrAction, inputNames: readonly string[]): void {
  for (const f of catalog.fields) {
    const v = spec.fields[f.name] ?? f.default;
    if (v === undefined) continue;
    const place = spec.fieldsAt.child(f.name);
    // JSON settings are written from the value as written, whose place knows the numbers kept as text.
    const written = spec.fieldsSource[f.name];
    const asWritten = f.type === 'json' && written !== undefined && typeof v !== 'string';
    convertField(f, asWritten ? written : v, inputNames, ir, place, asWritten);
  }
  if (catalog.customProvider && spec.fields.configuration) {
    const cfg = spec.fields.configuration as Record<string, string>;
    for (const [k, v] of Object.entries(cfg)) {
      ir.configuration[k] = v;
      ir.configSpans[k] = spec.fieldsAt.child('configuration').child(k);
    }
  }
  if (catalog.env !== undefined && spec.fields.env) {
    const env = envVars(spec.fields.env as Env, writtenEnv(spec));
    ir.configuration[catalog.env] = envJson(env);
  }
  if (spec.category === 'Approval' && spec.fields.timeout !== undefined) {
    ir.timeoutInMinutes = Number(spec.fields.timeout);
    ir.spans.timeout = spec.fieldsAt.key('timeout');
  }
}

/** Sets one configuration key and where it was written. */
function setConfig(ir: IrAction, key: string, value: string, at: Place): void {
  ir.configuration[key] = value;
  ir.configSpans[key] = at;
}

/** An enum setting's value in CodePipeline's words. */
function enumValue(f: Field, s: string): string {
  return f.values?.[s] ?? s;
}

/** Turns one friendly setting into its configuration text (and, for secrets, a dynamic reference). */
function convertField(f: Field, v: unknown, inputs: readonly string[], ir: IrAction, at: Place, written: boolean): void {
  switch (f.type) {
    case 'bool':
      return setConfig(ir, f.key, v ? 'true' : 'false', at);
    case 'enum':
      return setConfig(ir, f.key, enumValue(f, String(v)), at);
    case 'list':
      return setConfig(ir, f.key, Array.isArray(v) ? v.map((x) => enumValue(f, String(x))).join(f.separator ?? ',') : enumValue(f, String(v)), at);
    case 'json':
      return setConfig(ir, f.key, typeof v === 'string' ? v : writtenJson(v, written ? at : undefined), at);
    case 'secret':
      ir.secretKeys.push(f.key);
      return setConfig(ir, f.key, secretsManagerDynamicReference((v as { secret: string }).secret), at);
    case 'artifact-path': {
      const text = String(v);
      const sep = text.indexOf('::');
      const artifact = sep >= 0 ? text.slice(0, sep) : (inputs[0] ?? '');
      const file = sep >= 0 ? text.slice(sep + 2) : text;
      if (f.artifactKey) {
        setConfig(ir, f.artifactKey, artifact, at);
        return setConfig(ir, f.key, file, at);
      }
      return setConfig(ir, f.key, `${artifact}::${file}`, at);
    }
    default:
      return setConfig(ir, f.key, String(v), at);
  }
}
