import { readSpec, type ReadSpec } from './actions.js';
import { CATEGORY_KEYS, type Category } from './catalog/index.js';
import type { Diagnostics } from './diagnostics.js';
import type { ExAction, ExPipeline } from './model.js';
import { copyKeySpan, setSpan, spanOf, valueSpan } from './tree.js';

/** Reads every action's spec and makes its artifacts explicit; returns the spec of each readable action. */
export function resolvePipeline(ex: ExPipeline, diags: Diagnostics): Map<ExAction, ReadSpec> {
  const specs = new Map<ExAction, ReadSpec>();
  const defaults = ex.connection ? { connection: ex.connection } : {};
  for (const stage of ex.stages)
    for (const action of stage.actions) {
      // The spec's own place (the value of 'source:' in an action), so a bad shorthand is pointed at, not its action.
      const spec = readSpec(diags, action.kind, action.spec, valueSpan(action.source, action.kind) ?? action.span, defaults);
      // An action whose spec has errors stays in the pipeline, so later rules do not report it missing.
      specs.set(action, spec ?? invalidSpec(action));
    }
  let previous: string[] = [];
  let sources: string[] = [];
  // Builds since the stage that produced `previous` that produced nothing: a deploy reading `previous` skips them.
  let empty: ExAction[] = [];
  ex.stages.forEach((stage, si) => {
    const produced: string[] = [];
    for (const action of stage.actions) {
      const spec = specs.get(action);
      if (!spec) continue;
      if (!action.outputs) action.outputs = defaultOutputs(action, spec);
      if (!action.inputs) {
        action.inputs = defaultInputs(spec, previous, sources);
        const named = namedArtifacts(spec);
        if (spec.category === 'Deploy' && !spec.invalid && empty.length > 0 && action.inputs.some((i) => previous.includes(i) && !named.has(i))) skippedBuild(diags, action, empty, previous);
      }
      if (spec.provider === 'CodeBuild' && action.inputs.length > 1) setPrimarySource(action, spec);
      produced.push(...action.outputs);
    }
    // The first source: the code that test commands run in.
    if (si === 0) sources = produced.slice(0, 1);
    if (produced.length > 0) {
      previous = produced;
      empty = [];
    }
    empty.push(...stage.actions.filter((a) => specs.get(a)?.category === 'Build' && !specs.get(a)?.invalid && (a.outputs?.length ?? 0) === 0));
  });
  return specs;
}

/**
 * A deploy that reads by default what was produced before a build that produced nothing would ship
 * the source, not the build: said, with both fixes, instead of done silently.
 */
export function skippedBuild(diags: Diagnostics, action: ExAction, builds: readonly ExAction[], read: readonly string[]): void {
  const build = builds[builds.length - 1] as ExAction;
  diags.add('PC3036', `deploy '${action.name}' would read ${read.map((r) => `'${r}'`).join(', ')}, made before build '${build.name}', because '${build.name}' produces no artifact`, action.span, {
    notes: [{ message: `build '${build.name}' is here; it has no 'artifacts'`, span: build.span }],
    suggestion: `name the files to deploy with 'artifacts:' on '${build.name}', or write 'inputs: [${read.join(', ')}]' on '${action.name}' if the unbuilt ${read.length === 1 ? 'artifact is' : 'artifacts are'} what it should deploy`,
  });
}

/** Artifact names allow fewer characters than action names. */
export function artifactName(actionName: string): string {
  return actionName.replace(/[^A-Za-z0-9_-]/g, '_');
}

function invalidSpec(action: ExAction): ReadSpec {
  const category = action.kind === 'action' ? 'Deploy' : (CATEGORY_KEYS[action.kind] as Category);
  return { category, owner: 'AWS', provider: '', version: '1', fields: {}, fieldsSource: {}, invalid: true };
}

/** The artifacts an action produces when its `outputs` are not written. */
export function defaultOutputs(action: ExAction, spec: ReadSpec): string[] {
  const name = artifactName(action.name);
  if (spec.invalid) return action.kind === 'source' || action.kind === 'build' ? [name] : [];
  if (spec.inline) {
    const files = spec.inline.artifacts;
    // `artifacts: { Name: files, ... }` names the outputs of a build that writes several
    if (typeof files === 'object' && !Array.isArray(files) && !('files' in files)) return Object.keys(files);
    return files !== undefined ? [name] : [];
  }
  if (spec.compute) return spec.compute.files ? [name] : [];
  if (spec.raw) return [];
  if (spec.provider === 'CloudFormation' && spec.fields['output-file'] !== undefined) return [name];
  const min = spec.catalog?.outputs[0] ?? 0;
  return min > 0 ? [name] : [];
}

/** Artifacts a spec names in its settings (`template: Source::t.yml`): reading those is what was written. */
export function namedArtifacts(spec: ReadSpec): Set<string> {
  const out = new Set<string>();
  for (const f of spec.catalog?.fields ?? []) {
    const v = spec.fields[f.name];
    if (typeof v !== 'string') continue;
    if (f.type === 'artifact-path' && v.includes('::')) out.add(v.split('::')[0] as string);
    else if (f.type === 'artifact') out.add(v);
  }
  return out;
}

function defaultInputs(spec: ReadSpec, previous: string[], sources: readonly string[]): string[] {
  // (`sources` holds the first source's artifact, or nothing.)
  const catalog = spec.catalog;
  const referenced = new Set<string>();
  const fieldList = catalog?.fields ?? [];
  let barePath = false;
  for (const f of fieldList) {
    const v = spec.fields[f.name];
    if (typeof v !== 'string') continue;
    if (f.type === 'artifact-path') {
      if (v.includes('::')) referenced.add(v.split('::')[0] as string);
      else barePath = true;
    } else if (f.type === 'artifact') referenced.add(v);
  }
  if (spec.raw || spec.invalid) return [];
  const min = catalog?.inputs[0] ?? 0;
  const max = catalog?.inputs[1] ?? 5;
  if (referenced.size > 0) {
    const out = [...referenced];
    if (barePath && previous[0] && !referenced.has(previous[0])) out.unshift(previous[0]);
    return out;
  }
  // Build and test servers (custom Jenkins/TeamCity types take 0..5) build the code before them.
  if (min === 0 && !barePath && !spec.inline && spec.category !== 'Build' && spec.category !== 'Test') return [];
  // Test commands (npm test, pytest, go test) run in the code: a CodeBuild test reads the first source
  // as its primary input, and what the stage before it produced beside it.
  if (spec.category === 'Test' && spec.provider === 'CodeBuild' && sources.length > 0) {
    const both = [...new Set([...sources, ...previous])];
    return both.length <= max ? both : [...sources].slice(0, max);
  }
  return [...previous];
}

function setPrimarySource(action: ExAction, spec: ReadSpec): void {
  const current = spec.inline ? spec.inline['primary-source'] : spec.fields['primary-source'];
  if (current !== undefined) return;
  const primary = action.inputs?.[0];
  if (!primary || typeof action.spec !== 'object' || action.spec === null) return;
  const copy: Record<string, unknown> = {};
  setSpan(copy, spanOf(action.spec) ?? action.span);
  for (const [k, v] of Object.entries(action.spec)) {
    copy[k] = v;
    copyKeySpan(copy, action.spec, k);
  }
  copy['primary-source'] = primary;
  action.spec = copy;
  if (spec.inline) spec.inline['primary-source'] = primary;
  else spec.fields['primary-source'] = primary;
}
