import { UsageError } from './exit-codes.js';

/** `--template-bucket`, taken by compile, validate and plan/apply --stack. */
export const TEMPLATE_BUCKET_FLAGS = {
  'template-bucket': { type: 'list' },
} as const;

/** Its lines in --help (under Options). */
export const TEMPLATE_BUCKET_HELP = `      --template-bucket [REGION=]BUCKET
                      S3 bucket for stack templates over CloudFormation's 51,200-byte inline
                      limit (the pipeline's region; REGION=BUCKET for another; repeatable)
`;

/** S3's rules for a bucket name (general purpose buckets): 3-63 of a-z 0-9 . -, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * `--template-bucket BUCKET` and `--template-bucket REGION=BUCKET` as a map by region ('' for the
 * pipeline's own); undefined when not given. A malformed value or two buckets for one region is a usage error.
 */
export function templateBuckets(flags: Record<string, unknown>): Record<string, string> | undefined {
  const raw = (flags['template-bucket'] as string[] | undefined) ?? [];
  if (raw.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const value of raw) {
    const eq = value.indexOf('=');
    const region = eq < 0 ? '' : value.slice(0, eq);
    const bucket = eq < 0 ? value : value.slice(eq + 1);
    if (eq >= 0 && !REGION.test(region))
      throw new UsageError(`option '--template-bucket' takes BUCKET or REGION=BUCKET with a region such as eu-west-1, not '${value}'`);
    if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket))
      throw new UsageError(`option '--template-bucket': '${bucket}' is not an S3 bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit)`);
    if (map[region] !== undefined && map[region] !== bucket)
      throw new UsageError(`--template-bucket names two buckets for ${region === '' ? "the pipeline's region" : region}: ${map[region]} and ${bucket}`);
    map[region] = bucket;
  }
  return map;
}
