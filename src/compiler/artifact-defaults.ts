import { readSpec, type ReadSpec } from './actions.js';
import { CATEGORY_KEYS, type Category } from './catalog/index.js';
import type { Diagnostics } from './diagnostics.js';
import type { ExAction, ExPipeline, ExStage } from './model.js';
import { madeAt } from './positions.js';
import { isMapping } from './yaml-data.js';

/** A pipeline with every action's inputs and outputs written out, and the read spec of each of its actions. */
export interface ResolvedPipeline {
  /** A new pipeline: actions whose artifacts were left out are new objects with them; the input is not changed. */
  pipeline: ExPipeline;
  specs: Map<ExAction, ReadSpec>;
}

/**
 * Reads every action's spec and fills in the artifacts left out: each action reads what the stage
 * before produced (or what its settings name) and produces what its type makes. The pipeline given
 * is left as it is; the result is a new one.
 */
export function resolveArtifacts(ex: ExPipeline, diags: Diagnostics): ResolvedPipeline {
  const defaults = ex.connection ? { connection: ex.connection } : {};
  // The spec's own place (the value of 'source:' in an action), so a bad shorthand is pointed at, not its action.
  // An action whose spec has errors stays in the pipeline, so later rules do not report it missing.
  const read = new Map<ExAction, ReadSpec>();
  for (const stage of ex.stages)
    for (const action of stage.actions) read.set(action, readSpec(diags, action.kind, action.spec, action.specAt, defaults) ?? invalidSpec(action));
  const specs = new Map<ExAction, ReadSpec>();
  let previous: string[] = [];
  let sources: string[] = [];
  // Builds since the stage that produced `previous` that produced nothing: a deploy reading `previous` skips them.
  let empty: ExAction[] = [];
  const stages = ex.stages.map((stage, si): ExStage => {
    const produced: string[] = [];
    const actions = stage.actions.map((action): ExAction => {
      let spec = read.get(action) ?? invalidSpec(action);
      const outputs = action.outputs ?? defaultOutputs(action, spec);
      let inputs = action.inputs;
      if (!inputs) {
        inputs = defaultInputs(spec, previous, sources);
        if (spec.category === 'Deploy' && !spec.invalid && empty.length > 0 && readsPastBuild(spec, inputs, previous)) skippedBuild(diags, action, empty, previous);
      }
      let actionSpec = action.spec;
      const primary = inputs[0];
      if (spec.catalog?.primarySource !== undefined && primary !== undefined && inputs.length > 1) [spec, actionSpec] = withPrimarySource(action, spec, spec.catalog.primarySource, primary);
      produced.push(...outputs);
      const out: ExAction = action.inputs === inputs && action.outputs === outputs && action.spec === actionSpec ? action : { ...action, inputs, outputs, spec: actionSpec };
      specs.set(out, spec);
      return out;
    });
    // The first source: the code that test commands run in.
    if (si === 0) sources = produced.slice(0, 1);
    if (produced.length > 0) {
      previous = produced;
      empty = [];
    }
    for (const a of actions) {
      const spec = specs.get(a);
      if (spec?.category === 'Build' && !spec.invalid && (a.outputs?.length ?? 0) === 0) empty.push(a);
    }
    return actions.every((a, i) => a === stage.actions[i]) ? stage : { ...stage, actions };
  });
  return { pipeline: { ...ex, stages }, specs };
}

/** Some default input of a deploy is what the stage before produced, and no setting of it names that artifact. */
function readsPastBuild(spec: ReadSpec, inputs: readonly string[], previous: readonly string[]): boolean {
  const named = namedArtifacts(spec);
  return inputs.some((i) => previous.includes(i) && !named.has(i));
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
  return { category, owner: 'AWS', provider: '', version: '1', fields: {}, fieldsSource: {}, fieldsAt: madeAt(action.span), invalid: true };
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
  if (spec.catalog?.outputWhen !== undefined && spec.fields[spec.catalog.outputWhen] !== undefined) return [name];
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
  if (spec.category === 'Test' && spec.catalog?.testsReadSource && sources.length > 0) {
    const both = [...new Set([...sources, ...previous])];
    return both.length <= max ? both : [...sources].slice(0, max);
  }
  return [...previous];
}

/**
 * A build of several inputs reads the first as its primary source unless one is named: the spec
 * and the action's written spec, as new objects with 'primary-source' set.
 */
function withPrimarySource(action: ExAction, spec: ReadSpec, key: string, primary: string): [ReadSpec, unknown] {
  const current: unknown = spec.inline ? Reflect.get(spec.inline, key) : spec.fields[key];
  if (current !== undefined || !isMapping(action.spec)) return [spec, action.spec];
  const written = { ...action.spec, [key]: primary };
  const read: ReadSpec = spec.inline ? { ...spec, inline: { ...spec.inline, [key]: primary } } : { ...spec, fields: { ...spec.fields, [key]: primary } };
  return [read, written];
}
