/**
 * The AWS managed policies the CodeDeploy roles pipec creates carry, for the IAM simulation
 * (test/iam-simulation.test.ts): the statements of their default versions as the AWS Managed
 * Policy Reference shows them. Only AWSCodeDeployRoleForECS is complete here; of the others, the
 * statements the simulated calls depend on (the rest grants more, never less).
 */
type Policy = { Statement: Array<Record<string, unknown>> };

export const MANAGED_POLICIES: Readonly<Record<string, Policy>> = {
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForECS.html (v3)
  AWSCodeDeployRoleForECS: {
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'ecs:DescribeServices',
          'ecs:CreateTaskSet',
          'ecs:UpdateServicePrimaryTaskSet',
          'ecs:DeleteTaskSet',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:ModifyRule',
          'lambda:InvokeFunction',
          'cloudwatch:DescribeAlarms',
          'sns:Publish',
          's3:GetObject',
          's3:GetObjectVersion',
        ],
        Resource: '*',
      },
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: '*', Condition: { StringLike: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com'] } } },
    ],
  },
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambda.html (v3)
  AWSCodeDeployRoleForLambda: {
    Statement: [
      { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'lambda:UpdateAlias', 'lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig', 'sns:Publish'], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: 'arn:aws:s3:::*/CodeDeploy/*' },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/UseWithCodeDeploy': 'true' } } },
      // only hooks named CodeDeployHook_*: pipec grants the hooks blue/green names itself
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: 'arn:aws:lambda:*:*:function:CodeDeployHook_*' },
    ],
  },
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRole.html (v11): its Auto Scaling statement
  AWSCodeDeployRole: {
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'autoscaling:CompleteLifecycleAction',
          'autoscaling:DeleteLifecycleHook',
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeLifecycleHooks',
          'autoscaling:PutLifecycleHook',
          'autoscaling:RecordLifecycleActionHeartbeat',
          'autoscaling:CreateAutoScalingGroup',
          'autoscaling:CreateOrUpdateTags',
          'autoscaling:UpdateAutoScalingGroup',
          'autoscaling:EnableMetricsCollection',
          'autoscaling:DescribePolicies',
          'autoscaling:DescribeScheduledActions',
          'autoscaling:DescribeNotificationConfigurations',
          'autoscaling:SuspendProcesses',
          'autoscaling:ResumeProcesses',
          'autoscaling:AttachLoadBalancers',
          'autoscaling:AttachLoadBalancerTargetGroups',
          'autoscaling:PutScalingPolicy',
          'autoscaling:PutScheduledUpdateGroupAction',
          'autoscaling:PutNotificationConfiguration',
          'autoscaling:PutWarmPool',
        ],
        Resource: '*',
      },
    ],
  },
};

/** The managed policy an ARN names (`arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole`), if this file has it. */
export function managedPolicy(arn: string): Policy | undefined {
  const name = /:policy\/(?:service-role\/)?([A-Za-z0-9]+)$/.exec(arn)?.[1];
  return name && Object.hasOwn(MANAGED_POLICIES, name) ? MANAGED_POLICIES[name] : undefined;
}
