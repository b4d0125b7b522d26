import { sdkRulesReader } from '../ops/event-rules.js';
import { describeFailure } from './errors.js';
import type { Exists, PreflightClient } from './preflight.js';
import { clientConfig, withoutNodeVersionWarning } from './sdk-client.js';
import type { AwsSettings } from './settings.js';

const nameOf = (e: unknown) => (e as { name?: string }).name;
const statusOf = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized/;

/**
 * The preflight look-ups through the AWS SDK: IAM GetRole, S3 HeadBucket, CodeBuild
 * BatchGetProjects and EventBridge ListRuleNamesByTarget/DescribeRule, each SDK client imported the first time plan or apply needs it (so no other
 * command loads them). A definite "not found" is `false`; access denied or any other failure is
 * `{ unknown }` with its reason: pipec cannot tell, so it warns and goes on. `account` is the
 * account plan and apply already ask STS for.
 */
export function sdkPreflightClient(settings: AwsSettings, account: () => Promise<string>, defaultRegion: string): PreflightClient {
  const timeouts = { connectMs: settings.connectTimeoutMs, requestMs: settings.requestTimeoutMs };
  const unknown = (e: unknown, operation: string, service: string, endpoint: string): { unknown: string } => {
    if (DENIED.test(nameOf(e) ?? '') || statusOf(e) === 403) return { unknown: `these credentials may not call ${operation}` };
    return { unknown: describeFailure(e, { operation, endpoint, service, timeouts }).message };
  };
  const lazy = <T>(load: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= load());
  };
  const perRegion = <T>(load: (region: string) => Promise<T>) => {
    const m = new Map<string, Promise<T>>();
    return (region: string) => m.get(region) ?? (m.set(region, load(region)), m.get(region) as Promise<T>);
  };
  const iam = lazy(async () => {
    const sdk = await import('@aws-sdk/client-iam');
    return { sdk, client: withoutNodeVersionWarning(() => new sdk.IAMClient(clientConfig(settings, defaultRegion, settings.endpoints.iam, 'read'))) };
  });
  const s3 = perRegion(async (region) => {
    const sdk = await import('@aws-sdk/client-s3');
    const endpoint = settings.endpoints.s3;
    // A custom endpoint (an emulator, a proxy) is addressed path-style, as the lock's client is.
    return { sdk, client: withoutNodeVersionWarning(() => new sdk.S3Client({ ...clientConfig(settings, region, endpoint, 'read'), ...(endpoint ? { forcePathStyle: true } : {}) })) };
  });
  const codebuild = perRegion(async (region) => {
    const sdk = await import('@aws-sdk/client-codebuild');
    return { sdk, client: withoutNodeVersionWarning(() => new sdk.CodeBuildClient(clientConfig(settings, region, settings.endpoints.codebuild, 'read'))) };
  });
  const rules = sdkRulesReader(settings, settings.endpoints.eventbridge);
  return {
    account,
    rules,
    async roleExists(arn): Promise<Exists> {
      const { sdk, client } = await iam();
      try {
        await client.send(new sdk.GetRoleCommand({ RoleName: arn.slice(arn.lastIndexOf('/') + 1) }));
        return true;
      } catch (e) {
        if (nameOf(e) === 'NoSuchEntityException' || nameOf(e) === 'NoSuchEntity') return false;
        return unknown(e, 'iam:GetRole', 'IAM', settings.endpoints.iam ?? 'https://iam.amazonaws.com');
      }
    },
    async bucketExists(bucket, region): Promise<Exists> {
      const { sdk, client } = await s3(region);
      try {
        const out = await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }));
        return out.BucketRegion && out.BucketRegion !== region ? { elsewhere: out.BucketRegion } : true;
      } catch (e) {
        if (statusOf(e) === 404 || nameOf(e) === 'NotFound' || nameOf(e) === 'NoSuchBucket') return false;
        // 301: S3 answers from another region than the bucket's, and names it
        const elsewhere = (e as { $response?: { headers?: Record<string, string> } }).$response?.headers?.['x-amz-bucket-region'];
        if (statusOf(e) === 301 && elsewhere) return elsewhere === region ? true : { elsewhere };
        if (statusOf(e) === 403) return { unknown: 'the bucket exists, but these credentials may not use it (HeadBucket was denied); the pipeline role may still be able to' };
        return unknown(e, 's3:HeadBucket', 'S3', settings.endpoints.s3 ?? `https://s3.${region}.amazonaws.com`);
      }
    },
    async projectsExisting(names, region) {
      const { sdk, client } = await codebuild(region);
      const found = new Set<string>();
      try {
        // BatchGetProjects takes at most 100 names; the ones it does not find are in projectsNotFound
        for (let i = 0; i < names.length; i += 100) {
          const out = await client.send(new sdk.BatchGetProjectsCommand({ names: names.slice(i, i + 100) }));
          for (const p of out.projects ?? []) if (p.name) found.add(p.name);
        }
        return found;
      } catch (e) {
        return unknown(e, 'codebuild:BatchGetProjects', 'CodeBuild', settings.endpoints.codebuild ?? `https://codebuild.${region}.amazonaws.com`);
      }
    },
  };
}
