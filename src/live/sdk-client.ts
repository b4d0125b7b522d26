import type { CodePipelineClient, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { ClientProvider, LivePipeline, PipelineClient } from './client.js';
import { describeFailure } from './errors.js';
import { toJson, type JsonObject, type Tag } from './json.js';
import type { AwsSettings } from './settings.js';

/** The AWS SDK module for CodePipeline, once loaded. */
export type Sdk = typeof import('@aws-sdk/client-codepipeline');

/**
 * CodePipeline through the AWS SDK for JavaScript v3, which is imported here and only when a
 * command first needs it, so `compile` and `validate` start without it. Throttled calls are
 * retried by the SDK's adaptive retry mode (client-side rate limiting plus backoff).
 */
export async function sdkClientProvider(settings: AwsSettings): Promise<ClientProvider> {
  const sdk = await import('@aws-sdk/client-codepipeline');
  const clients = new Map<string, PipelineClient>();
  const endpointFor = (region: string) => settings.endpoint ?? `https://codepipeline.${region}.amazonaws.com`;
  const make = (region: string | undefined): CodePipelineClient => newSdkClient(sdk, settings, region);
  let defaultRegion: Promise<string> | undefined;
  return {
    describeEndpoint: endpointFor,
    defaultRegion() {
      defaultRegion ??= settings.region
        ? Promise.resolve(settings.region)
        : (async () => {
            const probe = make(undefined);
            try {
              return await probe.config.region();
            } catch (e) {
              throw describeFailure(e, { operation: 'resolving the AWS region', endpoint: settings.endpoint ?? 'AWS' });
            } finally {
              probe.destroy();
            }
          })();
      return defaultRegion;
    },
    async forRegion(region) {
      let c = clients.get(region);
      if (!c) {
        c = regionClient(sdk, make(region), region, endpointFor(region));
        clients.set(region, c);
      }
      return c;
    },
  };
}

/**
 * A CodePipeline SDK client for the settings: credentials, endpoint, retries and timeouts are the
 * same for every command that talks to AWS (plan/apply and the operating commands).
 */
export function newSdkClient(sdk: Sdk, settings: AwsSettings, region: string | undefined): CodePipelineClient {
  return withoutNodeVersionWarning(
    () =>
      new sdk.CodePipelineClient({
        ...(region ? { region } : {}),
        ...(settings.profile ? { profile: settings.profile } : {}),
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        ...(settings.credentials ? { credentials: settings.credentials } : {}),
        retryMode: 'adaptive',
        maxAttempts: settings.maxAttempts,
        requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
      }),
  );
}

function regionClient(sdk: Sdk, client: CodePipelineClient, region: string, endpoint: string): PipelineClient {
  const call = async <T>(operation: string, pipeline: string | undefined, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw describeFailure(e, { operation, endpoint, ...(pipeline ? { pipeline } : {}) });
    }
  };
  return {
    region,
    getPipeline: (name) =>
      call('GetPipeline', name, async (): Promise<LivePipeline | undefined> => {
        try {
          const out = await client.send(new sdk.GetPipelineCommand({ name }));
          const declaration = toJson(out.pipeline ?? {}) as JsonObject;
          return { declaration, version: out.pipeline?.version ?? 0, arn: out.metadata?.pipelineArn ?? '' };
        } catch (e) {
          if ((e as { name?: string }).name === 'PipelineNotFoundException') return undefined;
          throw e;
        }
      }),
    listPipelines: () =>
      call('ListPipelines', undefined, async () => {
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new sdk.ListPipelinesCommand({ ...(nextToken ? { nextToken } : {}) }));
          for (const p of out.pipelines ?? []) if (p.name) names.push(p.name);
          nextToken = out.nextToken;
        } while (nextToken);
        return names;
      }),
    listTags: (arn) =>
      call('ListTagsForResource', arn.split(':').pop(), async () => {
        const tags: Tag[] = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: arn, ...(nextToken ? { nextToken } : {}) }));
          for (const t of out.tags ?? []) if (t.key !== undefined) tags.push({ key: t.key, value: t.value ?? '' });
          nextToken = out.nextToken;
        } while (nextToken);
        return tags;
      }),
    createPipeline: (declaration, tags) =>
      call('CreatePipeline', String(declaration.name), async () => {
        const out = await client.send(new sdk.CreatePipelineCommand({ pipeline: declaration as unknown as PipelineDeclaration, ...(tags.length > 0 ? { tags: [...tags] } : {}) }));
        return { version: out.pipeline?.version ?? 1 };
      }),
    updatePipeline: (declaration) =>
      call('UpdatePipeline', String(declaration.name), async () => {
        const out = await client.send(new sdk.UpdatePipelineCommand({ pipeline: declaration as unknown as PipelineDeclaration }));
        return { version: out.pipeline?.version ?? 0 };
      }),
    deletePipeline: (name) =>
      call('DeletePipeline', name, async () => {
        await client.send(new sdk.DeletePipelineCommand({ name }));
      }),
    tagResource: (arn, tags) =>
      call('TagResource', arn.split(':').pop(), async () => {
        await client.send(new sdk.TagResourceCommand({ resourceArn: arn, tags: [...tags] }));
      }),
    untagResource: (arn, keys) =>
      call('UntagResource', arn.split(':').pop(), async () => {
        await client.send(new sdk.UntagResourceCommand({ resourceArn: arn, tagKeys: [...keys] }));
      }),
  };
}

/**
 * The SDK warns through process.emitWarning, once per process, that its releases after January
 * 2027 need Node 22. pipec supports Node 20 and users can do nothing about it, so the first
 * client is built with the SDK's own switch for that one warning set; other warnings still show.
 */
export function withoutNodeVersionWarning<T>(make: () => T): T {
  const key = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  if (key in process.env) return make();
  process.env[key] = 'true';
  try {
    return make();
  } finally {
    delete process.env[key];
  }
}
