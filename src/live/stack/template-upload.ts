import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { overInlineLimit, templateBucketFor } from '../../targets/cloudformation/template-size.js';
import { AwsFailure, describeFailure } from '../errors.js';
import { clientConfig, withoutNodeVersionWarning } from '../sdk-client.js';
import type { AwsSettings } from '../settings.js';
import type { StackTarget } from './targets.js';

/** What uploading needs: `--template-bucket`'s buckets, the settings and account profiles of stack mode. */
export interface UploadOptions {
  buckets: Readonly<Record<string, string>> | undefined;
  settings: AwsSettings;
  /** --account-profile: an account stack's template goes up with its account's credentials. */
  profiles: ReadonlyMap<string, string>;
  /** The region of a pipeline that names none (the stacks' region then). */
  defaultRegion: string;
}

/**
 * The URL CloudFormation reads an uploaded template from: virtual-hosted style, as AWS documents
 * for S3 (TemplateURL must start with https://); path style for a bucket with a dot in its name,
 * which no wildcard certificate of S3 covers as a host name.
 */
export function templateUrl(bucket: string, region: string, key: string): string {
  const host = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return bucket.includes('.') ? `https://s3.${region}.${host}/${bucket}/${key}` : `https://${bucket}.s3.${region}.${host}/${key}`;
}

/** Where a template goes in its bucket: `pipec/<stack>/<sha256 of the text>.yml`, so a plan and its apply name the same object. */
export function templateKey(t: Pick<StackTarget, 'stackName' | 'template' | 'file'>): string {
  const ext = t.file.endsWith('.json') ? 'json' : 'yml';
  return `pipec/${t.stackName}/${createHash('sha256').update(t.template).digest('hex')}.${ext}`;
}

/**
 * Puts every template over CloudFormation's 51,200-byte inline limit into the bucket
 * `--template-bucket` names for its region (PutObject; @aws-sdk/client-s3 is imported only when
 * there is one), and sets the stack's `templateUrl`, which change sets then use instead of the
 * text. Each upload is read back (HeadObject) with the credentials that made it, which
 * CloudFormation reads it with. All uploads happen before any change set, so a bucket that is
 * missing or refuses the write or the read stops stack mode with no stack changed. An account
 * stack's template goes up with its --account-profile, as its header's command does it with
 * that account's credentials. Account stacks without an --account-profile are
 * deployed by the user, not pipec, and are left alone. Small templates are not touched.
 */
export async function uploadLargeTemplates(pipelines: ReadonlyArray<{ targets: StackTarget[] }>, opts: UploadOptions): Promise<void> {
  const large = pipelines.flatMap((p) => {
    const home = p.targets.find((t) => t.kind === 'pipeline')?.region;
    return p.targets.filter((t) => overInlineLimit(t.template) && (!t.account || opts.profiles.has(t.account))).map((t) => ({ t, home }));
  });
  if (large.length === 0) return;
  const s3 = await import('@aws-sdk/client-s3');
  const endpoint = opts.settings.endpoints.s3;
  const clients = new Map<string, S3Client>();
  try {
    for (const { t, home } of large) {
      // The compiler has refused a large template with no bucket for its region (PC4011); this is the same rule.
      const bucket = t.templateBucket ?? templateBucketFor(opts.buckets, t.region, home);
      if (!bucket) throw new AwsFailure(`stack ${t.stackName} (${t.file}) is over 51,200 bytes and no --template-bucket names a bucket in ${t.region}`, 'other');
      const profile = t.account ? opts.profiles.get(t.account) : undefined;
      const id = `${profile ?? ''}\0${t.region}`;
      let client = clients.get(id);
      if (!client) {
        const base = clientConfig(profile ? ({ ...opts.settings, profile, credentials: undefined } as AwsSettings) : opts.settings, t.region, endpoint, 'write');
        // A custom endpoint (an emulator, a proxy) is addressed path-style: bucket names are no host names there.
        client = withoutNodeVersionWarning(() => new s3.S3Client({ ...base, ...(endpoint ? { forcePathStyle: true } : {}) }));
        clients.set(id, client);
      }
      const key = templateKey(t);
      const at = { stack: t.stackName, bucket, key, region: t.region, endpoint: endpoint ?? `https://s3.${t.region}.amazonaws.com`, settings: opts.settings, ...(profile ? { profile, account: t.account as string } : {}) };
      try {
        await client.send(new s3.PutObjectCommand({ Bucket: bucket, Key: key, Body: t.template, ContentType: t.file.endsWith('.json') ? 'application/json' : 'application/x-yaml' }));
      } catch (e) {
        throw uploadFailure(e, 'PutObject', at);
      }
      // CloudFormation reads the template with the same credentials: a bucket that takes the
      // write but refuses the read (another account's bucket policy) is found here, before any change set.
      try {
        await client.send(new s3.HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (e) {
        throw uploadFailure(e, 'HeadObject', at);
      }
      t.templateUrl = templateUrl(bucket, t.region, key);
    }
  } finally {
    for (const c of clients.values()) c.destroy();
  }
}

/** Where an upload went: its stack, bucket, key and region, and the profile of another account's stack (--account-profile). */
interface UploadAt {
  stack: string;
  bucket: string;
  key: string;
  region: string;
  endpoint: string;
  settings: AwsSettings;
  profile?: string;
  account?: string;
}

/**
 * The bucket policy statement that lets another account's credentials put a template under
 * `pipec/` and CloudFormation read it back with them, as one line of JSON to paste into the policy.
 */
export function templateGrant(bucket: string, account: string): string {
  return JSON.stringify({ Sid: `PipecTemplates${account}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${bucket}/pipec/*` });
}

/** One line saying which upload (PutObject) or read-back (HeadObject) failed, why, and how to fix it; nothing has changed yet. */
function uploadFailure(e: unknown, operation: 'PutObject' | 'HeadObject', at: UploadAt): AwsFailure {
  const name = (e as { name?: string }).name ?? '';
  const where = `s3://${at.bucket}/${at.key}`;
  const fix =
    name === 'NoSuchBucket'
      ? `bucket ${at.bucket} does not exist: create it in ${at.region} (aws s3 mb s3://${at.bucket} --region ${at.region}) or name another with --template-bucket`
      : name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed'
        ? `bucket ${at.bucket} is not in ${at.region}: name a bucket of that region with --template-bucket ${at.region}=BUCKET`
        : undefined;
  const what = operation === 'PutObject' ? `PutObject of stack ${at.stack}'s template to ${where}` : `HeadObject of stack ${at.stack}'s template at ${where} (CloudFormation reads it with these credentials)`;
  const failure = describeFailure(e, { operation: what, service: 'S3', endpoint: at.endpoint, timeouts: { connectMs: at.settings.connectTimeoutMs, requestMs: at.settings.requestTimeoutMs } });
  if (fix) return new AwsFailure(`cannot put stack ${at.stack}'s template (over CloudFormation's 51,200-byte inline limit) into ${where}: ${fix}. Nothing was changed.`, failure.kind, e);
  if (failure.kind === 'denied') {
    const need = `s3:PutObject and s3:GetObject (CloudFormation reads the template with the same credentials) on arn:aws:s3:::${at.bucket}/pipec/*`;
    if (at.account)
      return new AwsFailure(
        `${failure.message} (stack ${at.stack} is deployed with profile ${at.profile ?? ''} of account ${at.account}, whose credentials need ${need}; ` +
          `if the bucket is another account's, add to its bucket policy: ${templateGrant(at.bucket, at.account)}). Nothing was changed.`,
        failure.kind,
        e,
      );
    return new AwsFailure(`${failure.message} (the credentials need ${need}, or name another bucket with --template-bucket). Nothing was changed.`, failure.kind, e);
  }
  return new AwsFailure(`${failure.message}. Nothing was changed.`, failure.kind, e);
}
