import type { ReadSpec } from '../actions.js';
import type { Field } from '../catalog/index.js';
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

/** Lowers one action: its type, artifacts and configuration (inline builds become CodeBuild projects). */
export function lowerAction(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec, diags: Diagnostics): IrAction {
  const src = a.source;
  const at = a.sourceAt;
  const written = src.inputs;
  const inputSpan = (name: string, i: number): Span | undefined =>
    Array.isArray(written) ? at.child('inputs').child(i) : written !== undefined ? at.child('inputs') : referenceSpan(spec, name);
  const inputs = (a.inputs ?? []).map((name, i) => ({ name, span: inputSpan(name, i) ?? a.span }));
  const writtenOutputs = src.outputs;
  const outputs: IrArtifactRef[] = (a.outputs ?? []).map((name, i) => ({ name, span: Array.isArray(writtenOutputs) ? at.child('outputs').child(i) : at.child('outputs') }));
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
      role: at.key('role'),
      region: at.key('region'),
      namespace: at.key('namespace'),
      timeout: at.key('timeout'),
      inputs: at.key('inputs'),
      outputs: at.key('outputs'),
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
      ir.configSpans[k] = spec.fieldsAt.child('configuration').child(k);
    }
    if (spec.raw.commands) ir.commands = spec.raw.commands;
    if (spec.raw['output-variables']) ir.outputVariables = spec.raw['output-variables'];
    if (spec.raw.env) ir.environmentVariables = envVars(spec.raw.env, writtenEnv(spec));
    if (spec.raw.files && outputs[0]) outputs[0].files = spec.raw.files;
  } else if (spec.inline) {
    const project = inlineProject(ex, stage, a, spec, spec.inline);
    ir.project = project;
    ir.configuration.ProjectName = project.name;
    ir.configSpans.ProjectName = a.span;
    if (spec.inline['primary-source']) ir.configuration.PrimarySource = spec.inline['primary-source'];
    if (project.env.length > 0) ir.configuration.EnvironmentVariables = envJson(project.env);
  } else if (spec.compute) {
    const c = spec.compute;
    ir.commands = typeof c.commands === 'string' ? [c.commands] : c.commands;
    if (c.exports) ir.outputVariables = c.exports;
    if (c.env) ir.environmentVariables = envVars(c.env, writtenEnv(spec));
    if (c.files && outputs[0]) outputs[0].files = c.files;
  } else if (spec.catalog) {
    for (const f of spec.catalog.fields) {
      const v = spec.fields[f.name] ?? f.default;
      if (v === undefined) continue;
      const place = spec.fieldsAt.child(f.name);
      // JSON settings are written from the value as written, whose place knows the numbers kept as text.
      const written = spec.fieldsSource[f.name];
      const asWritten = f.type === 'json' && written !== undefined && typeof v !== 'string';
      convertField(f, asWritten ? written : v, inputNames, ir, place, asWritten);
    }
    if (spec.catalog.customProvider && spec.fields.configuration) {
      const cfg = spec.fields.configuration as Record<string, string>;
      for (const [k, v] of Object.entries(cfg)) {
        ir.configuration[k] = v;
        ir.configSpans[k] = spec.fieldsAt.child('configuration').child(k);
      }
    }
    if (spec.catalog.env !== undefined && spec.fields.env) {
      const env = envVars(spec.fields.env as Env, writtenEnv(spec));
      ir.configuration[spec.catalog.env] = envJson(env);
    }
    if (spec.category === 'Approval' && spec.fields.timeout !== undefined) {
      ir.timeoutInMinutes = Number(spec.fields.timeout);
      ir.spans.timeout = spec.fieldsAt.key('timeout');
    }
  }
  void diags;
  return ir;
}

/** Turns one friendly setting into its configuration text (and, for secrets, a dynamic reference). */
function convertField(f: Field, v: unknown, inputs: readonly string[], ir: IrAction, at: Place, written: boolean): void {
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
      return set(f.key, typeof v === 'string' ? v : writtenJson(v, written ? at : undefined));
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

