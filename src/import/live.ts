/**
 * Live pipelines for `pipec import --live`: GetPipeline and ListTagsForResource for each named
 * pipeline (or every pipeline of the region), read a few at a time.
 */
import { describeFailure, type AwsFailure } from '../live/errors.js';
import { runPool } from '../live/pool.js';
import type { AwsSettings } from '../live/settings.js';
import { userTags, type SourcePipeline } from './pipeline.js';

/** The pipelines read, or why they could not be. */
export type LiveResult = { ok: true; pipelines: SourcePipeline[] } | { ok: false; failures: AwsFailure[] };

/** Reads the named pipelines (or `all` of the region), in name order for `all`, as named otherwise. */
export async function fetchLive(settings: AwsSettings, which: readonly string[] | 'all', limit: number): Promise<LiveResult> {
  const { sdkClientProvider } = await import('../live/sdk-client.js');
  const provider = await sdkClientProvider(settings);
  const endpoint = (region: string): string => provider.describeEndpoint(region);
  let region: string;
  try {
    region = await provider.defaultRegion();
  } catch (e) {
    return { ok: false, failures: [describeFailure(e, { operation: 'resolving the AWS region', endpoint: settings.endpoint ?? 'AWS' })] };
  }
  const client = await provider.forRegion(region);
  let names: string[];
  try {
    names = which === 'all' ? [...(await client.listPipelines())].sort() : [...which];
  } catch (e) {
    return { ok: false, failures: [describeFailure(e, { operation: 'ListPipelines', endpoint: endpoint(region) })] };
  }
  const results = await runPool(names, limit, async (name) => {
    const live = await client.getPipeline(name).catch((e: unknown) => {
      throw describeFailure(e, { operation: 'GetPipeline', pipeline: name, endpoint: endpoint(region) });
    });
    if (!live) throw describeFailure(new Error(`there is no pipeline named '${name}' in ${region}`), { operation: 'GetPipeline', pipeline: name, endpoint: endpoint(region) });
    const tags = await client.listTags(live.arn).catch((e: unknown) => {
      throw describeFailure(e, { operation: 'ListTagsForResource', pipeline: name, endpoint: endpoint(region) });
    });
    const src: SourcePipeline = { declaration: live.declaration, tags: userTags(tags), region, origin: `${name} (live, ${region})`, notes: new Map() };
    return src;
  });
  const failures: AwsFailure[] = [];
  const pipelines: SourcePipeline[] = [];
  for (const r of results) {
    if (r.status === 'done') pipelines.push(r.value);
    else if (r.status === 'failed') failures.push(describeFailure(r.error, { operation: 'GetPipeline', endpoint: endpoint(region) }));
  }
  return failures.length > 0 ? { ok: false, failures } : { ok: true, pipelines };
}
