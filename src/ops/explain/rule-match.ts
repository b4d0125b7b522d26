import type { ActionDeclaration } from '@aws-sdk/client-codepipeline';

/** The source providers whose changes reach a pipeline through EventBridge when polling is off. */
export const EVENT_SOURCES = new Set(['CodeCommit', 'S3', 'ECR']);

/**
 * Whether an EventBridge event pattern matches changes of this source action: a CodeCommit push to
 * its repository and branch, a new version of its S3 object, an image push to its ECR repository and
 * tag (the patterns of the user guide's change-detection pages). Pattern values other than plain
 * strings (prefix, anything-but) are taken to match, so pipec never claims a working rule is missing.
 */
export function ruleMatchesSource(action: ActionDeclaration, patternText: string): boolean {
  let pattern: Record<string, unknown>;
  try {
    pattern = JSON.parse(patternText) as Record<string, unknown>;
  } catch {
    return true;
  }
  const c = action.configuration ?? {};
  const detail = (pattern.detail ?? {}) as Record<string, unknown>;
  const has = (field: unknown, value: string | undefined, test: (p: string, v: string) => boolean = (p, v) => p === v) =>
    field === undefined || value === undefined || !Array.isArray(field) || field.some((p) => typeof p !== 'string' || test(p, value));
  switch (action.actionTypeId?.provider) {
    case 'CodeCommit':
      return has(pattern.source, 'aws.codecommit') && has(pattern.resources, c.RepositoryName, (p, v) => p.endsWith(`:${v}`)) && has(detail.referenceName, c.BranchName);
    case 'S3': {
      const req = (detail.requestParameters ?? {}) as Record<string, unknown>;
      return has(pattern.source, 'aws.s3') && has(req.bucketName, c.S3Bucket) && has(req.key, c.S3ObjectKey);
    }
    case 'ECR':
      return has(pattern.source, 'aws.ecr') && has(detail['repository-name'], c.RepositoryName) && has(detail['image-tag'], c.ImageTag ?? 'latest');
    default:
      return true;
  }
}
