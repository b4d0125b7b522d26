import type { S3Client } from '@aws-sdk/client-s3';
import { describeFailure } from './errors.js';
import type { LockLocation, LockStore } from './lock.js';
import { clientConfig, withoutNodeVersionWarning } from './sdk-client.js';
import type { AwsSettings } from './settings.js';

/**
 * A lock object in S3, as terraform's S3 backend keeps its lock: created with a conditional
 * PutObject (`If-None-Match: *`), which S3 performs only if no object has the key, so of two
 * racing writers exactly one succeeds and the other gets 412 Precondition Failed (or 409
 * ConditionalRequestConflict while the first is still in progress; both mean "taken").
 * @aws-sdk/client-s3 is imported only when a lock is taken.
 */
export async function s3LockStore(settings: AwsSettings, at: LockLocation): Promise<LockStore> {
  const s3 = await import('@aws-sdk/client-s3');
  const endpoint = settings.endpoints.s3;
  // A custom endpoint (an emulator, a proxy) is addressed path-style: bucket names are no host names there.
  const client: S3Client = withoutNodeVersionWarning(() => new s3.S3Client({ ...clientConfig(settings, at.region, endpoint, 'write'), ...(endpoint ? { forcePathStyle: true } : {}) }));
  const where = `s3://${at.bucket}/${at.key}`;
  const ctx = (operation: string) => ({ operation: `${operation} of the lock ${where}`, service: 'S3', endpoint: endpoint ?? `https://s3.${at.region}.amazonaws.com`, timeouts: { connectMs: settings.connectTimeoutMs, requestMs: settings.requestTimeoutMs } });
  const opts = {};
  const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return {
    where,
    async createIfAbsent(body) {
      try {
        await client.send(new s3.PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }), opts);
        return true;
      } catch (e) {
        if (status(e) === 412 || status(e) === 409) return false;
        throw describeFailure(e, ctx('PutObject'));
      }
    },
    async read() {
      try {
        const out = await client.send(new s3.GetObjectCommand({ Bucket: at.bucket, Key: at.key }), opts);
        return await out.Body?.transformToString('utf8');
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
        throw describeFailure(e, ctx('GetObject'));
      }
    },
    async remove() {
      try {
        await client.send(new s3.DeleteObjectCommand({ Bucket: at.bucket, Key: at.key }), opts);
      } catch (e) {
        throw describeFailure(e, ctx('DeleteObject'));
      }
    },
  };
}
