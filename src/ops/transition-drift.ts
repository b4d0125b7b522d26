import type { PipelineState } from './client.js';
import type { OpsPipelineConfig } from './config.js';
import { shellWord } from '../targets/shell.js';

/** A stage whose live inbound transition is not what pipeline.yml's `disable-inbound:` says. */
export interface TransitionDrift {
  pipeline: string;
  stage: string;
  /** What pipeline.yml says: disabled (with its reason) or not. */
  configured: { disabled: boolean; reason?: string };
  live: { disabled: boolean; reason?: string };
}

/**
 * The stages whose live transition differs from pipeline.yml. The first stage has no inbound
 * transition and is skipped. Apply cannot change transitions (a codepipeline.json cannot carry
 * them), so plan and status point them out instead.
 */
export function transitionDrift(config: OpsPipelineConfig, state: PipelineState): TransitionDrift[] {
  const out: TransitionDrift[] = [];
  state.stageStates.forEach((s, index) => {
    const stage = s.stageName ?? '';
    if (index === 0) return;
    const reason = config.disableInbound.get(stage);
    const liveDisabled = s.inboundTransitionState?.enabled === false;
    if ((reason !== undefined) === liveDisabled) return;
    const liveReason = s.inboundTransitionState?.disabledReason;
    out.push({ pipeline: config.name, stage, configured: { disabled: reason !== undefined, ...(reason !== undefined ? { reason } : {}) }, live: { disabled: liveDisabled, ...(liveDisabled && liveReason ? { reason: liveReason } : {}) } });
  });
  return out;
}

/** One line saying how a transition differs and the command that makes it match pipeline.yml (quoted for bash: a reason may hold '!'). */
export function describeDrift(d: TransitionDrift): string {
  return d.configured.disabled
    ? `pipeline.yml disables the transition into ${d.stage}${d.configured.reason ? ` ("${d.configured.reason}")` : ''}, but it is enabled live; to disable it: pipec transition ${shellWord(d.pipeline)} ${shellWord(d.stage)} --disable --reason ${shellWord(d.configured.reason ?? '')}`
    : `the transition into ${d.stage} is disabled live${d.live.reason ? ` ("${d.live.reason}")` : ''}, but pipeline.yml does not disable it; to enable it: pipec transition ${shellWord(d.pipeline)} ${shellWord(d.stage)} --enable`;
}
