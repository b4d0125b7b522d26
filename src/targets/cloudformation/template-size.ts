import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrPipeline } from '../../compiler/ir.js';
import { shellWord } from '../shell.js';
import type { OutputFile } from '../types.js';

/**
 * The most template text CloudFormation takes inline, in bytes: CreateChangeSet's and CreateStack's
 * TemplateBody, and `aws cloudformation deploy` without `--s3-bucket` ("Templates with a size
 * greater than 51,200 bytes must be deployed via an S3 Bucket"). A larger one (up to 1 MB) must be
 * read from S3 (TemplateURL).
 */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Whether a template's text, as written, is too large to give CloudFormation inline. */
export function overInlineLimit(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') > TEMPLATE_BODY_LIMIT;
}

/**
 * The bucket `--template-bucket` names for a stack in `region`: `REGION=BUCKET` for that region,
 * else the plain form when the region is the pipeline's (`pipelineRegion`, or no region known).
 */
export function templateBucketFor(buckets: Readonly<Record<string, string>> | undefined, region: string | undefined, pipelineRegion: string | undefined): string | undefined {
  if (!buckets) return undefined;
  return (region !== undefined ? buckets[region] : undefined) ?? (region === undefined || region === pipelineRegion ? buckets[''] : undefined);
}

/** The region a stack file of the cloudformation target deploys in: `cloudformation.<region>.<ext>`'s, else the pipeline's. */
function regionOfFile(path: string, p: IrPipeline): string | undefined {
  const m = /^cloudformation\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:yml|json)$/.exec(path);
  return m ? m[1] : p.region;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Holds the stacks of one pipeline to CloudFormation's inline limit. A stack whose text passes
 * 51,200 bytes needs a bucket of `--template-bucket` for its region: with one, its header's
 * `aws cloudformation deploy` gains `--s3-bucket BUCKET --s3-prefix pipec/<stack>` (the AWS CLI
 * uploads it there); without one, PC4011 at the pipeline, and nothing is written.
 */
export function fitTemplates(files: OutputFile[], p: IrPipeline, diags: Diagnostics, buckets: Readonly<Record<string, string>> | undefined): OutputFile[] {
  return files.map((f) => {
    if (!/^cloudformation(\.[^/]+)?\.(yml|json)$/.test(f.path) || !overInlineLimit(f.content)) return f;
    const region = regionOfFile(f.path, p);
    const bucket = templateBucketFor(buckets, region, p.region);
    if (!bucket) {
      const size = Buffer.byteLength(f.content, 'utf8');
      diags.add(
        'PC4011',
        `stack ${f.path} of pipeline '${p.name}' is ${size.toLocaleString('en-US')} bytes; CloudFormation takes at most ${TEMPLATE_BODY_LIMIT.toLocaleString('en-US')} bytes of template inline, a larger one only from an S3 bucket`,
        p.span,
        {
          suggestion: `name a bucket${region ? ` in ${region}` : ''} for the template: --template-bucket ${region && region !== p.region ? `${region}=BUCKET` : 'BUCKET'} (compile, validate, plan --stack and apply --stack take it); or split the pipeline into smaller ones`,
        },
      );
      return f;
    }
    // The deploy command of the header (a YAML comment, or Metadata.pipec in JSON): upload through the bucket.
    const command = new RegExp(`(aws cloudformation deploy (?:--region \\S+ )?--template-file ${escape(f.path)} --stack-name (\\S+))`);
    const content = f.content.replace(command, (all, _c: string, stack: string) => `${all} --s3-bucket ${shellWord(bucket)} --s3-prefix ${shellWord(`pipec/${stack}`)}`);
    const account = /^cloudformation\.account-(\d{12})\./.exec(f.path)?.[1];
    return { path: f.path, content: account ? withBucketNote(content, bucketNote(bucket, account)) : content };
  });
}

/**
 * What an account stack's header says of its bucket: the AWS CLI puts the template there with
 * the credentials of that account, and CloudFormation reads it with them, so a bucket of another
 * account must grant both in its bucket policy.
 */
function bucketNote(bucket: string, account: string): string {
  return `The AWS CLI puts this template into bucket ${bucket} with the credentials of account ${account}, and CloudFormation reads it with them: if the bucket is another account's, its bucket policy must allow arn:aws:iam::${account}:root s3:PutObject and s3:GetObject on arn:aws:s3:::${bucket}/pipec/*.`;
}

/** The header with `note` after its deploy command: a comment line in YAML, the next Metadata.pipec entry in JSON. */
function withBucketNote(content: string, note: string): string {
  if (content.startsWith('#')) return content.replace(/^#.*aws cloudformation deploy .*$/m, (line) => `${line}\n# ${note}`);
  return content.replace(/"(?:[^"\\]|\\.)*aws cloudformation deploy (?:[^"\\]|\\.)*"/, (entry) => `${entry},${JSON.stringify(note)}`);
}
