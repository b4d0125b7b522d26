import type { PipelineClient } from './client.js';
import { diffPipeline } from './diff.js';
import type { AwsFailure } from './errors.js';
import { normaliseDeclaration } from './normalise.js';
import type { PipelinePlan } from './plan.js';

/** What reading a pipeline back after a failed write found: what happened, in apply's terms. */
export interface ReadBack {
  status: 'created' | 'updated' | 'deleted' | 'failed' | 'unknown';
  version?: number;
  message: string;
}

/**
 * After a write failed in a way that says nothing about whether it took effect (a 5xx, a lost
 * answer, an abandoned call), reads the pipeline and decides: the write happened (the live
 * pipeline is what was sent, at a new version), it did not (still the planned version, or
 * still absent), or pipec cannot tell. Never writes.
 */
export async function readBack(p: PipelinePlan, client: PipelineClient, failure: AwsFailure): Promise<ReadBack> {
  const after = `after: ${failure.message}`;
  let live;
  try {
    live = await client.getPipeline(p.name);
  } catch (e) {
    return { status: 'unknown', message: `outcome unknown: ${failure.message}; reading it back failed too (${(e as Error).message}). Run 'pipec plan' to see where it stands` };
  }
  const matches = () => live !== undefined && p.desired !== undefined && diffPipeline(normaliseDeclaration(p.desired.pipeline, p.region), normaliseDeclaration(live.declaration, p.region)).length === 0;
  if (p.action === 'delete') {
    if (!live) return { status: 'deleted', message: `deleted (confirmed by reading it back ${after})` };
    if (live.version === p.liveVersion) return { status: 'failed', message: `not deleted (still there at version ${live.version}): ${failure.message}` };
    return { status: 'unknown', message: `outcome unknown: it is there at version ${live.version}, planned against ${p.liveVersion} (${failure.message})` };
  }
  if (p.action === 'create') {
    if (!live) return { status: 'failed', message: `not created (reading it back finds no pipeline): ${failure.message}` };
    if (matches()) return { status: 'created', version: live.version, message: `created (confirmed by reading it back ${after})` };
    return { status: 'unknown', message: `outcome unknown: a pipeline of that name exists now (version ${live.version}) but is not what was sent (${failure.message})` };
  }
  if (!live) return { status: 'unknown', message: `outcome unknown: the pipeline is gone (${failure.message})` };
  if (live.version === p.liveVersion && p.declarationChanged) return { status: 'failed', message: `not updated (still version ${live.version}): ${failure.message}` };
  if (matches()) return { status: 'updated', version: live.version, message: `updated (confirmed by reading it back ${after})` };
  return { status: 'unknown', message: `outcome unknown: it is at version ${live.version} and not what was sent (${failure.message})` };
}
