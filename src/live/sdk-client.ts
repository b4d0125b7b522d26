import { setMaxListeners } from 'node:events';
import type { CodePipelineClient, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { ClientProvider, LivePipeline, PipelineClient } from './client.js';
import { describeFailure, type CallContext } from './errors.js';
import { toJson, type JsonObject, type Tag } from './json.js';
import { retryPolicy } from './retry.js';
import { s3LockStore } from './sdk-lock.js';
import type { AwsSettings } from './settings.js';

/** The AWS SDK module for CodePipeline, once loaded. */
export type Sdk = typeof import('@aws-sdk/client-codepipeline');

/** Options every SDK client of pipec gets: region, profile, credentials, timeouts, retry policy. */
export function clientConfig(settings: AwsSettings, region: string | undefined, endpoint: string | undefined, kind: 'read' | 'write') {
  return {
    ...(region ? { region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    retryStrategy: retryPolicy(kind, settings.maxAttempts),
    maxAttempts: settings.maxAttempts,
    // throwOnRequestTimeout: without it the SDK only logs a warning and waits forever.
    requestHandler: { connectionTimeout: settings.connectTimeoutMs, requestTimeout: settings.requestTimeoutMs, throwOnRequestTimeout: true },
    logger: QUIET_LOGGER,
  };
}

/** The SDK's warnings (e.g. about timeouts) are pipec's to report, as one line; never printed raw. */
const QUIET_LOGGER = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * CodePipeline (plus STS for the account and S3 for the lock) through the AWS SDK for
 * JavaScript v3, imported here and only when a command first needs it, so `compile` and
 * `validate` start without it. Each region has a read client and a write client, which differ
 * in their retry policy (retry.ts). Every call can be abandoned at once with `abort()`.
 */
export async function sdkClientProvider(settings: AwsSettings): Promise<ClientProvider> {
  const sdk = await import('@aws-sdk/client-codepipeline');
  const clients = new Map<string, PipelineClient>();
  const aborter = new AbortController();
  // Every call in flight listens on this one signal (the SDK removes its listener when the call
  // ends), so `--concurrency 8` reading a pipeline and its tags already passes Node's default of
  // 10 listeners and would print a MaxListenersExceededWarning: the count is bounded by the
  // calls in flight, not a leak.
  setMaxListeners(0, aborter.signal);
  const endpointFor = (region: string) => settings.endpoint ?? `https://codepipeline.${region}.amazonaws.com`;
  const timeouts = { connectMs: settings.connectTimeoutMs, requestMs: settings.requestTimeoutMs };
  const make = (region: string | undefined, kind: 'read' | 'write'): CodePipelineClient => newSdkClient(sdk, settings, region, kind);
  let defaultRegion: Promise<string> | undefined;
  let account: Promise<string> | undefined;
  const provider: ClientProvider = {
    describeEndpoint: endpointFor,
    defaultRegion() {
      defaultRegion ??= settings.region
        ? Promise.resolve(settings.region)
        : (async () => {
            const probe = make(undefined, 'read');
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
        c = regionClient(sdk, make(region, 'read'), make(region, 'write'), region, { endpoint: endpointFor(region), timeouts }, aborter.signal);
        clients.set(region, c);
      }
      return c;
    },
    account() {
      account ??= (async () => {
        const sts = await import('@aws-sdk/client-sts');
        const region = settings.region ?? (await provider.defaultRegion().catch(() => 'us-east-1'));
        const endpoint = settings.endpoints.sts;
        const client = withoutNodeVersionWarning(() => new sts.STSClient(clientConfig(settings, region, endpoint, 'read')));
        try {
          const out = await client.send(new sts.GetCallerIdentityCommand({}), { abortSignal: aborter.signal });
          if (!out.Account) throw new Error('GetCallerIdentity returned no account');
          return out.Account;
        } catch (e) {
          throw describeFailure(e, { operation: 'GetCallerIdentity', service: 'STS', endpoint: endpoint ?? `https://sts.${region}.amazonaws.com`, timeouts });
        } finally {
          client.destroy();
        }
      })();
      return account;
    },
    // Not abandoned with the rest: the lock must still be released after a second Ctrl-C.
    lockStore: (at) => s3LockStore(settings, at),
    abort: () => aborter.abort(),
  };
  return provider;
}

/**
 * A CodePipeline SDK client for the settings: credentials, endpoint, retries and timeouts are the
 * same for every command that talks to AWS (plan/apply and the operating commands). `kind`
 * picks the retry policy: reads are retried after transient failures, writes only when throttled.
 */
export function newSdkClient(sdk: Sdk, settings: AwsSettings, region: string | undefined, kind: 'read' | 'write' = 'read'): CodePipelineClient {
  return withoutNodeVersionWarning(() => new sdk.CodePipelineClient(clientConfig(settings, region, settings.endpoint, kind)));
}

function regionClient(sdk: Sdk, reader: CodePipelineClient, writer: CodePipelineClient, region: string, where: Pick<CallContext, 'endpoint' | 'timeouts'>, signal: AbortSignal): PipelineClient {
  const call = async <T>(operation: string, pipeline: string | undefined, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw describeFailure(e, { operation, ...where, ...(pipeline ? { pipeline } : {}) });
    }
  };
  const opts = { abortSignal: signal };
  return {
    region,
    getPipeline: (name) =>
      call('GetPipeline', name, async (): Promise<LivePipeline | undefined> => {
        try {
          const out = await reader.send(new sdk.GetPipelineCommand({ name }), opts);
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
          const out = await reader.send(new sdk.ListPipelinesCommand({ ...(nextToken ? { nextToken } : {}) }), opts);
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
          const out = await reader.send(new sdk.ListTagsForResourceCommand({ resourceArn: arn, ...(nextToken ? { nextToken } : {}) }), opts);
          for (const t of out.tags ?? []) if (t.key !== undefined) tags.push({ key: t.key, value: t.value ?? '' });
          nextToken = out.nextToken;
        } while (nextToken);
        return tags;
      }),
    createPipeline: (declaration, tags) =>
      call('CreatePipeline', String(declaration.name), async () => {
        const out = await writer.send(new sdk.CreatePipelineCommand({ pipeline: declaration as unknown as PipelineDeclaration, ...(tags.length > 0 ? { tags: [...tags] } : {}) }), opts);
        return { version: out.pipeline?.version ?? 1 };
      }),
    updatePipeline: (declaration) =>
      call('UpdatePipeline', String(declaration.name), async () => {
        const out = await writer.send(new sdk.UpdatePipelineCommand({ pipeline: declaration as unknown as PipelineDeclaration }), opts);
        return { version: out.pipeline?.version ?? 0 };
      }),
    deletePipeline: (name) =>
      call('DeletePipeline', name, async () => {
        await writer.send(new sdk.DeletePipelineCommand({ name }), opts);
      }),
    tagResource: (arn, tags) =>
      call('TagResource', arn.split(':').pop(), async () => {
        await writer.send(new sdk.TagResourceCommand({ resourceArn: arn, tags: [...tags] }), opts);
      }),
    untagResource: (arn, keys) =>
      call('UntagResource', arn.split(':').pop(), async () => {
        await writer.send(new sdk.UntagResourceCommand({ resourceArn: arn, tagKeys: [...keys] }), opts);
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
