/**
 * Secrets Manager references. pipeline.yml writes a secret as CodeBuild does
 * (`secret-id[:json-key[:version-stage[:version-id]]]`, the secret ID a name or a full ARN);
 * a CloudFormation dynamic reference needs the secret type between the ID and the key:
 * `{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
 */

/** The secret's ID (name or ARN) and the parts after it (json key, version stage, version ID). */
export function splitSecretReference(text: string): { id: string; rest: string[] } {
  const parts = text.split(':');
  // A secret ARN has seven colon-separated parts: arn:partition:secretsmanager:region:account:secret:name
  const idParts = text.startsWith('arn:') ? 7 : 1;
  return { id: parts.slice(0, idParts).join(':'), rest: parts.slice(idParts) };
}

/** The CloudFormation dynamic reference that resolves a pipeline.yml secret at deploy time. */
export function secretsManagerDynamicReference(text: string): string {
  const { id, rest } = splitSecretReference(text);
  while (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  return `{{resolve:secretsmanager:${id}${rest.length > 0 ? `:SecretString:${rest.join(':')}` : ''}}}`;
}
