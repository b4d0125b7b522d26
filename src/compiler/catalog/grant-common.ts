import type { GrantSpec, ResourceSpec } from './grant-types.js';

/** Pieces the run-time grant tables share. */

/** The CodePipeline user guide, where each action reference has a "service role permissions" section. */
export const CODEPIPELINE_GUIDE = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/';

/** Why a statement has Resource "*". */
export const NO_RESOURCE_LEVEL = 'has no resource-level permissions, so IAM requires Resource "*"';

/**
 * Logs of actions that run on CodePipeline-managed compute (Commands, ECRBuildAndPublish, EC2, EKS,
 * InspectorScan) go to /aws/codepipeline/<pipeline> (action-reference-Commands, "Service role policy permissions").
 */
export const MANAGED_COMPUTE_LOGS: GrantSpec = {
  sid: 'ManagedComputeLogs',
  actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  resources: ['arn:{partition}:logs:{region}:{account}:log-group:/aws/codepipeline/{pipeline}', 'arn:{partition}:logs:{region}:{account}:log-group:/aws/codepipeline/{pipeline}:*'],
};

/** ECR's registry login (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html). */
export const ECR_AUTH: GrantSpec = {
  sid: 'EcrAuthorizationToken',
  actions: ['ecr:GetAuthorizationToken'],
  resources: ['*'],
  comment: `ecr:GetAuthorizationToken ${NO_RESOURCE_LEVEL}`,
};

/** A repository named by the configuration key: as written when it is an ARN, else in the action's account and region. */
export function ecrRepository(key: string): ResourceSpec {
  return { userArn: key, arn: `arn:{partition}:ecr:{region}:{account}:repository/{${key}}` };
}

/** A Lambda function named by the configuration key (name, `name:qualifier` or ARN), exactly as named. */
export function lambdaFunction(key: string): ResourceSpec[] {
  // Lambda authorizes InvokeFunction on the ARN as the caller names it: unqualified for a name,
  // with its version or alias for `name:qualifier`; CodePipeline invokes the function as the
  // configuration names it, so that one ARN is all it needs (no `:*` for every version and alias).
  return [{ userArn: key, arn: `arn:{partition}:lambda:{region}:{account}:function:{${key}}` }];
}

export const ECR_PUSH = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'];
export const ECR_PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];


/** iam:PassRole on the role a configuration key names, to one service only. */
export function passRoleIn(sid: string, key: string, service: string): GrantSpec {
  return { sid, actions: ['iam:PassRole'], resources: [{ userArn: key }], when: { key, present: true }, condition: { StringEquals: { 'iam:PassedToService': service } } };
}
