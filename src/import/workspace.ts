/**
 * Pipelines into one pipeline.yml text: settings the pipelines share lifted to the file's top, each
 * pipeline in its shortest form that compiles back to its declaration, and the whole text checked
 * once more before it is handed back.
 */
import { providerByType } from '../compiler/catalog/index.js';
import { artifactName } from '../compiler/artifact-defaults.js';
import type { Change } from '../live/changes.js';
import { NOTES_KEY, pipelineDocument, pipelineSettings, shortestChoices, type Choices, type Inherited, type SourcePipeline } from './pipeline.js';
import { describeChange, verify, type Verification } from './verify.js';
import { noted, writeYaml } from './yaml.js';

/** A pipeline's outcome: imported exactly, or with the differences listed. */
export interface ImportedPipeline {
  name: string;
  origin: string;
  differences: Change[];
  /** Compiler errors the written text had (only when no form of the pipeline compiled). */
  errors: string[];
}

/** The text to write and how each pipeline fared. */
export interface ImportResult {
  text: string;
  pipelines: ImportedPipeline[];
}

const SHARED_ORDER = ['role', 'region', 'connection', 'artifacts', 'type', 'execution'] as const;

/** Values most pipelines share, for the top of a multi-pipeline file (only where every pipeline has one). */
export function sharedSettings(sources: readonly SourcePipeline[]): Inherited {
  if (sources.length < 2) return {};
  const settings = sources.map(pipelineSettings);
  const shared: Record<string, unknown> = {};
  for (const key of SHARED_ORDER) {
    const values = settings.map((s) => (s as Record<string, unknown>)[key]);
    const defined = values.filter((v) => v !== undefined);
    if (key !== 'connection' && defined.length !== values.length) continue;
    const counts = new Map<string, number>();
    for (const v of defined) counts.set(JSON.stringify(v), (counts.get(JSON.stringify(v)) ?? 0) + 1);
    let best: string | undefined;
    for (const [k, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = k;
    if (best === undefined || (counts.get(best) ?? 0) < 2) continue;
    const value = JSON.parse(best) as unknown;
    if ((key === 'type' && value === 'V2') || (key === 'execution' && value === 'superseded')) continue;
    shared[key] = value;
  }
  const first = settings[0]?.tags ?? {};
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (settings.every((s) => s.tags?.[k] === v)) tags[k] = v;
  if (Object.keys(tags).length > 0) shared.tags = tags;
  return shared as Inherited;
}

function docFor(src: SourcePipeline, choices: Choices, shared: Inherited, multi: boolean): unknown {
  const doc = pipelineDocument(src, choices, shared);
  const notes = (doc[NOTES_KEY] as string[] | undefined) ?? [];
  delete doc[NOTES_KEY];
  return multi ? noted(doc, notes) : { doc, notes };
}

/** The file text for these pipeline documents. */
function render(docs: unknown[], shared: Inherited, multi: boolean, header: readonly string[]): string {
  if (!multi) {
    const { doc, notes } = docs[0] as { doc: Record<string, unknown>; notes: string[] };
    return writeYaml(doc, [...header, ...notes]);
  }
  return writeYaml({ ...(shared as Record<string, unknown>), pipelines: docs }, header);
}

/** Narrows the choices after a failed round trip; false when nothing more can be made explicit. */
function narrow(choices: Choices, differences: readonly Change[], src: SourcePipeline): boolean {
  let progress = false;
  const add = (set: Set<string>, key: string): void => {
    if (!set.has(key)) {
      set.add(key);
      progress = true;
    }
  };
  const stages = Array.isArray(src.declaration.stages) ? (src.declaration.stages as { name?: unknown; actions?: { name?: unknown }[] }[]) : [];
  const stageActions = (stage: string): string[] => (stages.find((s) => s.name === stage)?.actions ?? []).map((a) => `${stage}/${String(a.name)}`);
  // Only the first stage that differs: later differences are often its consequences (default inputs).
  const order = stages.map((s) => String(s.name));
  const at = (c: Change): number => (c.stage === undefined ? -1 : order.indexOf(c.stage) < 0 ? order.length : order.indexOf(c.stage));
  if (differences.length === 1 && differences[0]?.op === 'remove' && differences[0].stage === undefined && choices.envStages.size > 0) {
    // The text did not compile: the release macros read the artifacts the stages before hand over,
    // so those stages' builds first name what they produce (the round trip keeps what is needed).
    const decl = src.declaration.stages as Array<{ name?: unknown; actions?: Array<{ name?: unknown; outputArtifacts?: unknown[]; actionTypeId?: { category?: unknown } }> }>;
    for (const s of decl ?? [])
      if (!choices.envStages.has(String(s.name)))
        for (const a of s.actions ?? []) if (a.actionTypeId?.category !== 'Source' && (a.outputArtifacts?.length ?? 0) > 0) add(choices.explicitOutputs, `${String(s.name)}/${String(a.name)}`);
    if (progress) return true;
  }
  const first = Math.min(...differences.filter((c) => c.stage !== undefined).map(at));
  const firstStage = order[first];
  if (firstStage !== undefined && choices.envStages.has(firstStage) && choices.environments > 0) {
    // with the deploys' inputs written, then without blue/green patterns, then no environments
    choices.environments = choices.environments >= 4 ? 0 : choices.environments + 1;
    return true;
  }
  for (const c of differences.filter((d) => d.stage !== undefined && at(d) === first)) {
    if (c.stage === undefined) continue;
    if (c.action === undefined || c.op === 'rename' || c.op === 'move' || (c.field === undefined && (c.op === 'add' || c.op === 'remove'))) {
      if (choices.sugar) {
        choices.sugar = false;
        progress = true;
      }
      add(choices.noSteps, c.stage);
      for (const k of stageActions(c.stage)) {
        add(choices.explicitInputs, k);
        add(choices.explicitOutputs, k);
      }
      continue;
    }
    const key = `${c.stage}/${c.action}`;
    if (c.field?.startsWith('inputArtifacts')) add(choices.explicitInputs, key);
    else if (c.field?.startsWith('outputArtifacts')) add(choices.explicitOutputs, key);
    else if (c.field?.startsWith('runOrder')) add(choices.noSteps, c.stage);
    else {
      add(choices.raw, key);
      add(choices.explicitInputs, key);
      add(choices.explicitOutputs, key);
    }
  }
  return progress;
}

/**
 * Starts with `outputs` written for the actions whose declared outputs are not what the compiler
 * gives their typed form by default (a CodeBuild project's build names no output unless told),
 * which the round trip would otherwise find one compile later.
 */
function seedOutputs(choices: Choices, src: SourcePipeline): void {
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  for (const s of list(src.declaration.stages))
    for (const a of list(s.actions)) {
      const t = (a.actionTypeId ?? {}) as Record<string, unknown>;
      const provider = providerByType(String(t.category), String(t.owner), String(t.provider));
      if (!provider || t.category === 'Compute' || (t.provider === 'CloudFormation' && (a.configuration as Record<string, unknown> | undefined)?.OutputFileName !== undefined)) continue;
      const declared = list(a.outputArtifacts).map((o) => String(o.name));
      const dflt = provider.outputs[0] > 0 ? [artifactName(String(a.name))] : [];
      if (JSON.stringify(declared) !== JSON.stringify(dflt)) choices.explicitOutputs.add(`${String(s.name)}/${String(a.name)}`);
    }
}

/** Everything explicit: the form to fall back on when the short forms do not compile. */
function mostExplicit(src: SourcePipeline): Choices {
  const c = shortestChoices();
  c.sugar = false;
  c.environments = 0;
  const stages = Array.isArray(src.declaration.stages) ? (src.declaration.stages as { name?: unknown; actions?: { name?: unknown }[] }[]) : [];
  for (const s of stages) {
    c.noSteps.add(String(s.name));
    for (const a of s.actions ?? []) {
      const key = `${String(s.name)}/${String(a.name)}`;
      c.explicitInputs.add(key);
      c.explicitOutputs.add(key);
      c.raw.add(key);
    }
  }
  return c;
}

const MAX_ROUNDS = 8;

/** The choices for one pipeline whose text compiles back to its declaration (or the closest found). */
function settle(src: SourcePipeline, shared: Inherited, multi: boolean, path: string): { choices: Choices; check: Verification; text: string } {
  let choices = shortestChoices();
  seedOutputs(choices, src);
  let text = '';
  const attempt = (c: Choices): Verification => {
    text = render([docFor(src, c, shared, multi)], shared, multi, []);
    return verify(text, path, [src]);
  };
  let check = attempt(choices);
  const rounds = MAX_ROUNDS + (Array.isArray(src.declaration.stages) ? src.declaration.stages.length : 0);
  for (let round = 0; round < rounds; round++) {
    const diffs = check.pipelines[0]?.differences ?? [];
    if (process.env.PIPEC_IMPORT_DEBUG) process.stderr.write(`round ${round}: ${JSON.stringify(diffs)} ${check.errors.map((e) => e.message).join('; ')}\n`);
    if (check.errors.length === 0 && diffs.length === 0) return { choices, check, text };
    if (!narrow(choices, diffs, src)) break;
    check = attempt(choices);
  }
  if (check.errors.length === 0 && (check.pipelines[0]?.differences.length ?? 0) === 0) return { choices, check, text };
  const closest = text;
  const fallback = mostExplicit(src);
  const second = attempt(fallback);
  const better = second.errors.length < check.errors.length || (second.errors.length === check.errors.length && (second.pipelines[0]?.differences.length ?? 0) < (check.pipelines[0]?.differences.length ?? 0));
  return better ? { choices: fallback, check: second, text } : { choices, check, text: closest };
}

/**
 * Imports pipelines into one file's text (`path` names it in the compiler's messages). Each
 * pipeline's differences are reported; with `force`, the text carries them as comments instead.
 */
export function importPipelines(sources: readonly SourcePipeline[], path: string, force: boolean, header: readonly string[] = []): ImportResult {
  const multi = sources.length > 1;
  const shared = sharedSettings(sources);
  const settled = sources.map((src) => ({ src, ...settle(src, shared, multi, path) }));
  const docs = settled.map(({ src, choices, check }) => {
    const diffs = check.pipelines[0]?.differences ?? [];
    const errors = check.errors.map((e) => e.message);
    const doc = docFor(src, choices, shared, multi);
    if (!force || (diffs.length === 0 && errors.length === 0)) return doc;
    const lines = ['NOT EXACT (--force): compiled, this pipeline differs from its source:', ...errors.map((e) => `  does not compile: ${e}`), ...diffs.map((d) => `  ${describeChange(d)}`)];
    if (multi) return noted(doc, lines);
    const single = doc as { doc: Record<string, unknown>; notes: string[] };
    return { doc: single.doc, notes: [...single.notes, ...lines] };
  });
  const text = render(docs, shared, multi, header);
  // one pipeline written as its last attempt was: that attempt's check is the text's
  const only = settled.length === 1 ? settled[0] : undefined;
  const final = only && only.text === text ? only.check : verify(text, path, sources);
  const pipelines = settled.map(({ src }, i): ImportedPipeline => ({
    name: String(src.declaration.name ?? ''),
    origin: src.origin,
    differences: final.pipelines[i]?.differences ?? [],
    errors: final.errors.map((e) => e.message),
  }));
  return { text, pipelines };
}
