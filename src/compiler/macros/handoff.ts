import { Diagnostics } from '../diagnostics.js';
import type { ExAction, ExPipeline, ExStage } from '../model.js';
import { defaultOutputs, namedArtifacts, resolveArtifacts, skippedBuild } from '../artifact-defaults.js';
import { madeAt } from '../positions.js';
import type { Span } from '../source.js';

/**
 * The artifacts a deploy after the given stages reads by default: those of the nearest stage that
 * produced any, exactly as the resolver will find them (it runs on copies; problems are reported later,
 * once). With them, the last build after the stage that produced
 * them that produces nothing itself: a deploy reading them by default would ship what that build did not build.
 */
export function handoff(stages: readonly ExStage[], connection: string | undefined, span: Span): { artifacts: string[]; skipped?: ExAction } {
  // Problems are reported later, once, when the whole pipeline is resolved.
  const { pipeline, specs } = resolveArtifacts(scratch(stages, connection, span), new Diagnostics());
  const copies = pipeline.stages;
  for (let i = copies.length - 1; i >= 0; i--) {
    const produced = copies[i]?.actions.flatMap((a) => a.outputs ?? []) ?? [];
    if (produced.length === 0) continue;
    const empty = copies.slice(i + 1).flatMap((s) => s.actions.filter((a) => specs.get(a)?.category === 'Build' && !specs.get(a)?.invalid && (a.outputs?.length ?? 0) === 0));
    const build = empty[empty.length - 1];
    // Resolved actions are copies of the originals, so the build's name and span are the user's.
    return { artifacts: produced, ...(build ? { skipped: build } : {}) };
  }
  return { artifacts: [] };
}

/**
 * Makes the artifacts of the stages a macro wrote explicit: every action reads what it would read
 * right after `handoff` (so one environment's outputs never become the next one's inputs), and
 * what it produces is named by `artifactBase` (so the same action in two environments produces
 * two artifacts). Settings the user wrote are kept. Returns new stages; those given are left as they are.
 */
export function wireArtifacts(
  made: readonly ExStage[],
  handoff: readonly string[],
  artifactBase: ReadonlyMap<ExAction, string>,
  connection: string | undefined,
  span: Span,
  skipped?: { build: ExAction; diags: Diagnostics },
): ExStage[] {
  const at = madeAt(span);
  const start: ExAction = { name: 'handoff', kind: 'action', spec: { category: 'Source', provider: 'S3' }, inputs: [], outputs: [...handoff], runOrder: 1, source: {}, sourceAt: at, specAt: at, span };
  const stages: ExStage[] = [{ name: 'handoff', actions: [start], source: {}, sourceAt: at, span }, ...made.map((stage) => ({ ...stage, actions: stage.actions.map((a) => ({ ...a, outputs: a.outputs ?? [] })) }))];
  const resolved = resolveArtifacts(scratch(stages, connection, span), new Diagnostics());
  return made.map((stage, si) => ({
    ...stage,
    actions: stage.actions.map((original, ai) => {
      const copy = resolved.pipeline.stages[si + 1]?.actions[ai];
      const spec = copy && resolved.specs.get(copy);
      if (!copy || !spec || spec.invalid) return original;
      let inputs = original.inputs;
      if (inputs === undefined) {
        inputs = copy.inputs ?? [];
        const named = namedArtifacts(spec);
        if (skipped && spec.category === 'Deploy' && inputs.some((i) => handoff.includes(i) && !named.has(i))) skippedBuild(skipped.diags, original, [skipped.build], handoff);
      }
      const outputs = original.outputs ?? defaultOutputs({ ...copy, name: artifactBase.get(original) ?? original.name }, spec);
      return { ...original, inputs, outputs };
    }),
  }));
}

function scratch(stages: readonly ExStage[], connection: string | undefined, span: Span): ExPipeline {
  return { name: 'scratch', type: 'V2', stages: [...stages], source: {}, sourceAt: madeAt(span), span, ...(connection ? { connection } : {}) };
}
