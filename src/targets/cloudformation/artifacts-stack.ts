import type { IrStore } from '../../compiler/ir.js';
import { stackStem } from '../../compiler/stack-stem.js';
import { makesKey, type StoreRefs } from './storage.js';
import { pascalId, ref, sub, type Json, type Template } from './template.js';

/**
 * The artifacts stack (`cloudformation.artifacts.yml`, stack `<pipeline>-pipeline-artifacts`, in the
 * pipeline's account and region): the artifact store of the pipeline's region when pipec makes its
 * KMS key and actions in other accounts use it. Those accounts' stacks must name that key by its key
 * ARN (AWS documents no alias across accounts: CodeBuild's EncryptionKey takes "the ARN of the CMK
 * or ... alias/<alias-name>" of the project's own account; S3 wants "a fully qualified KMS key ARN"
 * for cross-account SSE-KMS; CodePipeline's EncryptionKey says aliases are "recognized only in the
 * account that created the KMS key"), and they are deployed before the pipeline's stack (CodePipeline
 * checks that it can assume their roles when the pipeline is created). So the key, its alias, the
 * bucket and its policy live in a stack deployed before them all; its outputs ArtifactKeyArn (and
 * ArtifactBucketName, for a bucket without a name of the user's) are the parameters of the account
 * stacks and of the pipeline's stack.
 */
export const ARTIFACTS_FILE_STEM = 'cloudformation.artifacts';

/** The stack name of a pipeline's artifacts stack. */
export function artifactsStackName(pipeline: string): string {
  return `${stackStem(pipeline)}-pipeline-artifacts`;
}

/**
 * Whether the store of the pipeline's region goes into an artifacts stack: pipec makes its key
 * ({@link makesKey}: no `artifacts:`, or a bucket it creates without `kms-key`) and roles of other
 * accounts read it.
 */
export function needsArtifactsStack(store: IrStore | undefined, readingAccounts: readonly string[]): boolean {
  return readingAccounts.length > 0 && makesKey(store, readingAccounts);
}

/** The outputs of the artifacts stack that a stack deployed after it takes as parameters of the same names, in this order. */
export function artifactsParameterNames(store: IrStore | undefined): string[] {
  return store?.bucket ? ['ArtifactKeyArn'] : ['ArtifactBucketName', 'ArtifactKeyArn'];
}

/**
 * Declares the artifacts stack's outputs as parameters of `t` (a stack deployed after it) and
 * returns the store as they name it: the bucket by the name the user gave, else by the parameter;
 * the key by its ARN.
 */
export function artifactsParameters(t: Template, pipeline: string, store: IrStore | undefined, region?: string): StoreRefs {
  const from = (output: string): string => `output ${output} of stack ${artifactsStackName(pipeline)}, deployed before this one`;
  let bucket: string;
  if (store?.bucket) bucket = store.bucket;
  else {
    t.parameter('ArtifactBucketName', {
      Type: 'String',
      Description: `name of the artifact bucket (${from('ArtifactBucketName')})`,
      AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    });
    bucket = '${ArtifactBucketName}';
  }
  t.parameter('ArtifactKeyArn', {
    Type: 'String',
    Description: `ARN of the KMS key of the artifacts (${from('ArtifactKeyArn')})`,
    AllowedPattern: KEY_ARN_PATTERN,
  });
  return {
    ...(region ? { region } : {}),
    bucketName: store?.bucket ? bucket : ref('ArtifactBucketName'),
    bucketArn: sub(`arn:\${AWS::Partition}:s3:::${bucket}`),
    objectsArn: sub(`arn:\${AWS::Partition}:s3:::${bucket}/*`),
    keyId: ref('ArtifactKeyArn'),
    keyGrant: { resources: [ref('ArtifactKeyArn') as Json] },
  };
}

const KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$';

/** The stack name of a region's support stack. */
export function regionStackName(pipeline: string, region: string): string {
  return `${stackStem(pipeline)}-pipeline-${region}`;
}

/** The stack name of a pipeline's own stack (its pipeline, roles, projects, ...). */
export function pipelineStackName(pipeline: string): string {
  return `${stackStem(pipeline)}-pipeline`;
}

/** The stack name of the roles a pipeline's actions assume in another account. */
export function rolesStackName(pipeline: string): string {
  return `${stackStem(pipeline)}-pipeline-roles`;
}

/** `ArtifactKeyArn<Region>`: the parameter a stack takes the key of another region's support stack by. */
export function regionKeyParameterName(region: string): string {
  return `ArtifactKeyArn${pascalId(region)}`;
}

/**
 * Declares the key ARN of another region's store, made by that region's support stack (its output
 * ArtifactKeyArn), as a parameter of `t`, a stack deployed after it (the account stacks, the
 * pipeline's), and returns the reference. The key ARN, not an alias (see above), and not
 * `key/*` of the region: a role in another account is granted this key only.
 */
export function regionKeyParameter(t: Template, pipeline: string, region: string): Json {
  const name = regionKeyParameterName(region);
  t.parameter(name, {
    Type: 'String',
    Description: `ARN of the KMS key of the artifacts in ${region} (output ArtifactKeyArn of stack ${regionStackName(pipeline, region)} in ${region})`,
    AllowedPattern: KEY_ARN_PATTERN,
  });
  return ref(name);
}

/** `ArtifactKeyArn` -> `ARTIFACT_KEY_ARN`: the shell variable an account stack's header reads an output into. */
export function shellVariable(output: string): string {
  return output.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
