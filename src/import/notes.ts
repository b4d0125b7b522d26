/**
 * Values `pipec import` cannot know (a masked secret, an unresolved CloudFormation reference) are
 * written as placeholders that still compile, so the round trip can be checked, with a comment
 * saying what to put there. Each placeholder has the shape its setting needs.
 */

/** The Secrets Manager secret name to fill in for a masked or plain-text secret setting. */
export function secretPlaceholder(setting: string): string {
  return `FILL-IN-${setting}`;
}

/** A placeholder for an unresolved value of a setting: ARN-shaped for roles, a bucket name for buckets. */
export function placeholderFor(key: string, what: string): string {
  const slug = what.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'value';
  if (/role/i.test(key)) return `arn:aws:iam::000000000000:role/FILL-IN-${slug}`;
  if (/^(location|bucket|S3Bucket|BucketName)$/i.test(key)) return `fill-in-${slug.toLowerCase()}`.slice(0, 63);
  if (/^(account)$/i.test(key)) return '000000000000';
  if (/kms|encryption|^id$/i.test(key)) return `FILL-IN-${slug}`;
  return `FILL-IN-${slug}`;
}

/** True for a value made by {@link placeholderFor} or {@link secretPlaceholder}. */
export function isPlaceholder(v: string): boolean {
  return /FILL-IN-|^fill-in-/.test(v);
}
