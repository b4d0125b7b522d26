/**
 * The artifact store's KMS key as CodePipeline should be given it. Its EncryptionKey takes "the key
 * ID, the key ARN, or the alias ARN" (API reference, EncryptionKey), not an alias name, and a key ID
 * is looked up in the account of whoever uses it. Both targets write a key named `alias/x` or by key
 * ID as the ARN it stands for in the store's region and the pipeline's account, so codepipeline.json
 * and the stack's pipeline name the same key the same way. An ARN, or a key with a run-time
 * variable, is taken as written; so is any key whose region or account is not known (then there
 * is no ARN to write, and the CLI's region and account resolve it as they would).
 */
export function storeKeyArn(key: string, region: string | undefined, account: string | undefined, partition = 'aws'): string {
  if (key.startsWith('arn:') || key.includes('#{') || !region || !account) return key;
  return `arn:${partition}:kms:${region}:${account}:${key.startsWith('alias/') ? key : `key/${key}`}`;
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined when it is not one. */
export function partitionOf(arn: string | undefined): string | undefined {
  return /^arn:([a-z-]+):/.exec(arn ?? '')?.[1];
}
