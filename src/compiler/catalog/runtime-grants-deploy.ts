import { CODEPIPELINE_GUIDE, MANAGED_COMPUTE_LOGS, NO_RESOURCE_LEVEL, passRoleIn } from './grant-common.js';
import type { GrantSpec, ProviderGrants, When } from './grant-types.js';

/** Run-time grants of the deploy action types, by `Deploy/Provider` (see grant-types.ts for the placeholders). */

const SERVICE_ROLE_POLICY = `${CODEPIPELINE_GUIDE}how-to-custom-role.html`;

/** What each CloudFormation action mode calls (action-reference-CloudFormation, "Service role permissions"). */
const CFN_MODES: ReadonlyArray<[ReadonlyArray<string | null>, string[]]> = [
  [['CREATE_UPDATE', null], ['cloudformation:CreateStack', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateStack']],
  [['REPLACE_ON_FAILURE'], ['cloudformation:CreateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateStack']],
  [['DELETE_ONLY'], ['cloudformation:DeleteStack', 'cloudformation:DescribeStacks']],
  [['CHANGE_SET_REPLACE'], ['cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStacks']],
  [['CHANGE_SET_EXECUTE'], ['cloudformation:DescribeChangeSet', 'cloudformation:DescribeStacks', 'cloudformation:ExecuteChangeSet']],
];

const CODEDEPLOY: GrantSpec = {
  sid: 'CodeDeploy',
  actions: ['codedeploy:CreateDeployment', 'codedeploy:GetApplication', 'codedeploy:GetApplicationRevision', 'codedeploy:GetDeployment', 'codedeploy:GetDeploymentConfig', 'codedeploy:RegisterApplicationRevision'],
  resources: [
    'arn:{partition}:codedeploy:{region}:{account}:application:{ApplicationName}',
    'arn:{partition}:codedeploy:{region}:{account}:deploymentgroup:{ApplicationName}/{DeploymentGroupName}',
    'arn:{partition}:codedeploy:{region}:{account}:deploymentconfig:*',
  ],
};

const PASS_ROLE_TO_ECS_TASKS: GrantSpec = {
  sid: 'PassRoleToEcsTasks',
  actions: ['iam:PassRole'],
  // IAM passes only a role of the caller's own account, so no role outside it is left out
  resources: ['arn:{partition}:iam::{account}:role/*'],
  condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  comment: "the task and execution roles are named in the task definition inside the artifact, unknown here: any role of this account;\nthe condition limits passing them to ECS tasks",
};

const ECS_TASK_DEFINITIONS: GrantSpec[] = [
  { sid: 'EcsTaskDefinitions', actions: ['ecs:DescribeTaskDefinition'], resources: ['*'], comment: `ecs:DescribeTaskDefinition ${NO_RESOURCE_LEVEL}` },
  {
    sid: 'EcsRegisterTaskDefinitions',
    actions: ['ecs:RegisterTaskDefinition'],
    resources: ['arn:{partition}:ecs:{region}:{account}:task-definition/*'],
    comment: "the task definition's family is in the artifact, unknown here: any family of this account and region",
  },
];

const NO_KEY: When = { key: 'ObjectKey', present: false };
const HAS_KEY: When = { key: 'ObjectKey', present: true };
const SSM_NODES: When = { key: 'InstanceType', in: ['SSM_MANAGED_NODE'] };
const EC2_INSTANCES: When = { key: 'InstanceType', notIn: ['SSM_MANAGED_NODE'] };
const TARGET_GROUPS: When = { key: 'TargetGroupNameList', present: true };

/** The EC2 action's SendCommand on its instances (or SSM managed nodes) with the tag it names, with or without a value. */
const EC2_COMMANDS: GrantSpec[] = [EC2_INSTANCES, SSM_NODES].flatMap((kind): GrantSpec[] => {
  const what = kind === SSM_NODES ? 'managed nodes' : 'instances';
  const base = {
    sid: 'Ec2DeployCommands',
    actions: ['ssm:SendCommand'],
    // EC2 instances are instance/i-*, SSM managed nodes (InstanceType SSM_MANAGED_NODE) managed-instance/mi-*
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html)
    resources: [kind === SSM_NODES ? 'arn:{partition}:ssm:{region}:{account}:managed-instance/*' : 'arn:{partition}:ec2:{region}:{account}:instance/*'],
  };
  return [
    { ...base, when: [kind, { key: 'InstanceTagValue', present: true }], condition: { StringEquals: { 'aws:ResourceTag/{InstanceTagKey}': '{InstanceTagValue}' } }, comment: `only ${what} tagged {InstanceTagKey}={InstanceTagValue}` },
    { ...base, when: [kind, { key: 'InstanceTagValue', present: false }], condition: { Null: { 'aws:ResourceTag/{InstanceTagKey}': 'false' } }, comment: `only ${what} tagged {InstanceTagKey}` },
  ];
});

export const DEPLOY_GRANTS: Record<string, ProviderGrants> = {
  'Deploy/S3': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-S3Deploy.html`],
    action: [
      {
        sid: 'S3Deploy',
        actions: ['s3:PutObject', { action: 's3:PutObjectAcl', when: { key: 'CannedACL', present: true } }],
        resources: [
          { arn: 'arn:{partition}:s3:::{BucketName}/*', when: NO_KEY },
          // not extracted: the one object; extracted: the files under the key
          { arn: 'arn:{partition}:s3:::{BucketName}/{ObjectKey}', when: [HAS_KEY, { key: 'Extract', in: ['false'] }] },
          { arn: 'arn:{partition}:s3:::{BucketName}/{ObjectKey}*', when: [HAS_KEY, { key: 'Extract', notIn: ['false'] }] },
        ],
      },
      // KMSEncryptionKeyARN takes a key ID, key ARN or alias ARN (action-reference-S3Deploy): IAM names the key by its ARN
      { sid: 'S3DeployKey', actions: ['kms:Encrypt', 'kms:GenerateDataKey'], resources: [{ kmsKey: 'KMSEncryptionKeyARN' }], when: { key: 'KMSEncryptionKeyARN', present: true } },
    ],
  },
  'Deploy/CloudFormation': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-CloudFormation.html`],
    action: [
      ...CFN_MODES.map(([modes, actions]) => ({
        sid: 'CloudFormationStacks',
        actions,
        resources: ['arn:{partition}:cloudformation:{region}:{account}:stack/{StackName}/*'],
        when: { key: 'ActionMode', in: modes },
      })),
      { ...passRoleIn('PassRoleToCloudFormation', 'RoleArn', 'cloudformation.amazonaws.com'), when: [{ key: 'RoleArn', present: true }, { key: 'ActionMode', notIn: ['CHANGE_SET_EXECUTE'] }] },
    ],
  },
  'Deploy/CloudFormationStackSet': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-StackSets.html`],
    action: [
      {
        sid: 'CloudFormationStackSets',
        actions: [
          'cloudformation:CreateStackInstances',
          'cloudformation:DescribeStackSet',
          'cloudformation:DescribeStackSetOperation',
          'cloudformation:ListStackInstances',
          'cloudformation:UpdateStackSet',
        ],
        resources: ['arn:{partition}:cloudformation:{region}:{account}:stackset/{StackSetName}:*'],
      },
      {
        sid: 'CloudFormationCreateStackSets',
        actions: ['cloudformation:CreateStackSet'],
        resources: ['*'],
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html
        comment: `the first run creates the StackSet; cloudformation:CreateStackSet ${NO_RESOURCE_LEVEL}`,
      },
      passRoleIn('PassRoleToCloudFormation', 'AdministrationRoleArn', 'cloudformation.amazonaws.com'),
    ],
  },
  'Deploy/CloudFormationStackInstances': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-StackSets.html`],
    action: [
      {
        sid: 'CloudFormationStackSets',
        actions: ['cloudformation:CreateStackInstances', 'cloudformation:DescribeStackSet', 'cloudformation:DescribeStackSetOperation', 'cloudformation:ListStackInstances'],
        resources: ['arn:{partition}:cloudformation:{region}:{account}:stackset/{StackSetName}:*'],
      },
    ],
  },
  'Deploy/CodeDeploy': { docs: [`${CODEPIPELINE_GUIDE}action-reference-CodeDeploy.html`], action: [CODEDEPLOY] },
  'Deploy/CodeDeployToECS': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-ECSbluegreen.html`],
    action: [CODEDEPLOY, ...ECS_TASK_DEFINITIONS, PASS_ROLE_TO_ECS_TASKS],
  },
  'Deploy/ECS': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-ECS.html`],
    action: [
      { sid: 'EcsService', actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: ['arn:{partition}:ecs:{region}:{account}:service/{ClusterName}/{ServiceName}'] },
      ...ECS_TASK_DEFINITIONS,
      {
        sid: 'EcsTasks',
        actions: ['ecs:DescribeTasks', 'ecs:ListTasks'],
        resources: ['arn:{partition}:ecs:{region}:{account}:task/{ClusterName}/*', 'arn:{partition}:ecs:{region}:{account}:container-instance/{ClusterName}/*'],
      },
      PASS_ROLE_TO_ECS_TASKS,
    ],
  },
  'Deploy/ElasticBeanstalk': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-Beanstalk.html`, SERVICE_ROLE_POLICY],
    action: [
      {
        sid: 'ElasticBeanstalk',
        actions: [
          'elasticbeanstalk:CreateApplicationVersion',
          'elasticbeanstalk:DescribeApplicationVersions',
          'elasticbeanstalk:DescribeEnvironments',
          'elasticbeanstalk:DescribeEvents',
          'elasticbeanstalk:UpdateEnvironment',
        ],
        resources: [
          'arn:{partition}:elasticbeanstalk:{region}:{account}:application/{ApplicationName}',
          'arn:{partition}:elasticbeanstalk:{region}:{account}:applicationversion/{ApplicationName}/*',
          'arn:{partition}:elasticbeanstalk:{region}:{account}:environment/{ApplicationName}/{EnvironmentName}',
        ],
      },
      {
        sid: 'ElasticBeanstalkEnvironmentStacks',
        actions: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStackResources', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:UpdateStack'],
        resources: ['arn:{partition}:cloudformation:{region}:{account}:stack/awseb-*'],
        comment: "Elastic Beanstalk updates the environment's own stack (awseb-*) with the caller's permissions",
      },
      {
        sid: 'ElasticBeanstalkStorage',
        actions: ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket', 's3:PutObject'],
        resources: ['arn:{partition}:s3:::elasticbeanstalk-{region}-{account}', 'arn:{partition}:s3:::elasticbeanstalk-{region}-{account}/*'],
        comment: 'Elastic Beanstalk stores application versions in its own bucket of the region and account, elasticbeanstalk-<region>-<account>',
      },
      {
        sid: 'ElasticBeanstalkScaling',
        actions: ['autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses'],
        resources: ['arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/awseb-*'],
        comment: 'an environment update pauses the scaling group Elastic Beanstalk made for it (awseb-*)',
      },
      {
        sid: 'ElasticBeanstalkDescribe',
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'ec2:DescribeImages',
          'ec2:DescribeInstances',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeTargetGroups',
        ],
        resources: ['*'],
        comment:
          "an environment update reads its instances and pauses its scaling group with the caller's permissions;\nthese calls have no resource-level permissions or act on resources Elastic Beanstalk names itself, so Resource is \"*\"",
      },
    ],
  },
  // OpsWorks Stacks actions take the stack's ARN, arn:aws:opsworks:<region>:<account>:stack/<stack-id>/
  'Deploy/OpsWorks': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-OpsWorks.html`, SERVICE_ROLE_POLICY],
    action: [
      {
        sid: 'OpsWorks',
        actions: ['opsworks:CreateDeployment', 'opsworks:DescribeApps', 'opsworks:DescribeCommands', 'opsworks:DescribeDeployments', 'opsworks:DescribeInstances', 'opsworks:DescribeStacks', 'opsworks:UpdateApp', 'opsworks:UpdateStack'],
        resources: ['arn:{partition}:opsworks:{region}:{account}:stack/{Stack}/'],
      },
    ],
  },
  'Deploy/AppConfig': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-AppConfig.html`],
    action: [
      {
        sid: 'AppConfig',
        actions: ['appconfig:GetDeployment', 'appconfig:StartDeployment', 'appconfig:StopDeployment'],
        resources: [
          'arn:{partition}:appconfig:{region}:{account}:application/{Application}',
          'arn:{partition}:appconfig:{region}:{account}:application/{Application}/environment/{Environment}',
          'arn:{partition}:appconfig:{region}:{account}:application/{Application}/environment/{Environment}/deployment/*',
          'arn:{partition}:appconfig:{region}:{account}:application/{Application}/configurationprofile/{ConfigurationProfile}',
          'arn:{partition}:appconfig:{region}:{account}:deploymentstrategy/{DeploymentStrategy}',
        ],
      },
    ],
  },
  'Deploy/ServiceCatalog': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-ServiceCatalog.html`],
    action: [
      {
        sid: 'ServiceCatalog',
        actions: ['servicecatalog:CreateProvisioningArtifact', 'servicecatalog:DeleteProvisioningArtifact', 'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ListProvisioningArtifacts', 'servicecatalog:UpdateProduct'],
        resources: ['arn:{partition}:catalog:{region}:{account}:product/{ProductId}'],
      },
      {
        sid: 'ServiceCatalogValidateTemplate',
        actions: ['cloudformation:ValidateTemplate'],
        resources: ['*'],
        comment: `Service Catalog checks the product template with the caller's permissions; cloudformation:ValidateTemplate ${NO_RESOURCE_LEVEL}`,
      },
    ],
  },
  'Deploy/EC2': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-EC2Deploy.html`],
    action: [
      MANAGED_COMPUTE_LOGS,
      ...EC2_COMMANDS,
      // the command document: AWS-owned documents have no account in their ARN (arn:aws:ssm:<region>::document/AWS-...), shared ones their owner's
      { sid: 'Ec2DeployDocuments', actions: ['ssm:SendCommand'], resources: ['arn:{partition}:ssm:{region}:*:document/*'] },
      {
        sid: 'Ec2DeployDescribe',
        actions: [
          'ec2:DescribeInstances',
          'ssm:GetCommandInvocation',
          'ssm:ListCommandInvocations',
          'ssm:ListCommands',
          { action: 'elasticloadbalancing:DescribeTargetGroups', when: TARGET_GROUPS },
          { action: 'elasticloadbalancing:DescribeTargetHealth', when: TARGET_GROUPS },
        ],
        resources: ['*'],
        comment: `these read-only calls ${NO_RESOURCE_LEVEL.replace('has', 'have')}`,
      },
      {
        sid: 'Ec2DeployTargetGroups',
        actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
        resources: [{ each: 'TargetGroupNameList', arn: 'arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{item}/*' }],
        when: TARGET_GROUPS,
      },
    ],
  },
  'Deploy/EKS': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-EKS.html`],
    action: [
      MANAGED_COMPUTE_LOGS,
      { sid: 'EksCluster', actions: ['eks:DescribeCluster'], resources: ['arn:{partition}:eks:{region}:{account}:cluster/{ClusterName}'] },
      // In the cluster's VPC the action's compute makes its network interfaces in the subnets and security groups named
      // (CodeBuild's VPC policy: https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html)
      {
        sid: 'EksVpcInterfaces',
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          'arn:{partition}:ec2:{region}:{account}:network-interface/*',
          { each: 'Subnets', arn: 'arn:{partition}:ec2:{region}:{account}:subnet/{item}' },
          { each: 'SecurityGroupIds', arn: 'arn:{partition}:ec2:{region}:{account}:security-group/{item}' },
        ],
        when: { key: 'Subnets', present: true },
      },
      {
        sid: 'EksVpcInterfaceUse',
        actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        resources: ['arn:{partition}:ec2:{region}:{account}:network-interface/*'],
        when: { key: 'Subnets', present: true },
      },
      {
        sid: 'EksVpcAccess',
        actions: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        resources: ['*'],
        when: { key: 'Subnets', present: true },
        comment: `reading the cluster's VPC; these calls ${NO_RESOURCE_LEVEL.replace('has', 'have')}`,
      },
    ],
  },
};
