import { arn, arnPart, sub, userArn, type Grant } from './template.js';
import { managedComputeLogs, NO_RESOURCE_LEVEL, passRole, type GrantFn } from './grants.js';

/** What deploy actions need, by `Deploy/Provider` (reference: action-providers.md, cloudformation-mapping.md section 6). */

const CFN_ACTIONS: Record<string, string[]> = {
  CREATE_UPDATE: ['cloudformation:CreateStack', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateStack'],
  REPLACE_ON_FAILURE: ['cloudformation:CreateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateStack'],
  DELETE_ONLY: ['cloudformation:DeleteStack', 'cloudformation:DescribeStacks'],
  CHANGE_SET_REPLACE: ['cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStacks'],
  CHANGE_SET_EXECUTE: ['cloudformation:DescribeChangeSet', 'cloudformation:DescribeStacks', 'cloudformation:ExecuteChangeSet'],
};

const codeDeploy: GrantFn = (a, _c, r) => {
  const app = arnPart(a.configuration.ApplicationName ?? '*');
  const group = arnPart(a.configuration.DeploymentGroupName ?? '*');
  return [
    {
      sid: 'CodeDeploy',
      actions: ['codedeploy:CreateDeployment', 'codedeploy:GetApplication', 'codedeploy:GetApplicationRevision', 'codedeploy:GetDeployment', 'codedeploy:GetDeploymentConfig', 'codedeploy:RegisterApplicationRevision'],
      resources: [arn('codedeploy', `application:${app}`, r), arn('codedeploy', `deploymentgroup:${app}/${group}`, r), arn('codedeploy', 'deploymentconfig:*', r)],
    },
  ];
};

const passRoleToEcsTasks: Grant = {
  sid: 'PassRoleToEcsTasks',
  actions: ['iam:PassRole'],
  resources: ['*'],
  condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  comment: 'the task and execution roles are named in the task definition inside the artifact, unknown here;\nthe condition limits passing roles to ECS tasks',
};

const ecsTaskDefinitions = (r: string): Grant[] => [
  {
    sid: 'EcsTaskDefinitions',
    actions: ['ecs:DescribeTaskDefinition'],
    resources: ['*'],
    comment: `ecs:DescribeTaskDefinition ${NO_RESOURCE_LEVEL}`,
  },
  {
    sid: 'EcsRegisterTaskDefinitions',
    actions: ['ecs:RegisterTaskDefinition'],
    resources: [arn('ecs', 'task-definition/*', r)],
    comment: "the task definition's family is in the artifact, unknown here: any family of this account and region",
  },
];

export const DEPLOY_GRANTS: Record<string, GrantFn> = {
  'Deploy/S3': (a) => {
    const bucket = arnPart(a.configuration.BucketName ?? '*');
    const key = a.configuration.ObjectKey;
    const objects = key === undefined ? '*' : a.configuration.Extract === 'false' ? arnPart(key) : `${arnPart(key)}*`;
    const grants: Grant[] = [
      {
        sid: 'S3Deploy',
        actions: ['s3:PutObject', ...(a.configuration.CannedACL ? ['s3:PutObjectAcl'] : [])],
        resources: [sub(`arn:\${AWS::Partition}:s3:::${bucket}/${objects}`)],
      },
    ];
    if (a.configuration.KMSEncryptionKeyARN)
      grants.push({ sid: 'S3DeployKey', actions: ['kms:Encrypt', 'kms:GenerateDataKey'], resources: [userArn(a.configuration.KMSEncryptionKeyARN)] });
    return grants;
  },
  'Deploy/CloudFormation': (a, _c, r) => {
    const mode = a.configuration.ActionMode ?? 'CREATE_UPDATE';
    const stack = arnPart(a.configuration.StackName ?? '*');
    return [
      { sid: 'CloudFormationStacks', actions: CFN_ACTIONS[mode] ?? CFN_ACTIONS.CREATE_UPDATE!, resources: [arn('cloudformation', `stack/${stack}/*`, r)] },
      ...(mode === 'CHANGE_SET_EXECUTE' ? [] : passRole('PassRoleToCloudFormation', a.configuration.RoleArn, 'cloudformation.amazonaws.com')),
    ];
  },
  'Deploy/CloudFormationStackSet': (a, _c, r) => [
    {
      sid: 'CloudFormationStackSets',
      actions: [
        'cloudformation:CreateStackInstances',
        'cloudformation:CreateStackSet',
        'cloudformation:DescribeStackSet',
        'cloudformation:DescribeStackSetOperation',
        'cloudformation:ListStackInstances',
        'cloudformation:UpdateStackSet',
      ],
      resources: [arn('cloudformation', `stackset/${arnPart(a.configuration.StackSetName ?? '*')}:*`, r)],
    },
    ...passRole('PassRoleToCloudFormation', a.configuration.AdministrationRoleArn, 'cloudformation.amazonaws.com'),
  ],
  'Deploy/CloudFormationStackInstances': (a, _c, r) => [
    {
      sid: 'CloudFormationStackSets',
      actions: ['cloudformation:CreateStackInstances', 'cloudformation:DescribeStackSet', 'cloudformation:DescribeStackSetOperation', 'cloudformation:ListStackInstances'],
      resources: [arn('cloudformation', `stackset/${arnPart(a.configuration.StackSetName ?? '*')}:*`, r)],
    },
  ],
  'Deploy/CodeDeploy': codeDeploy,
  'Deploy/CodeDeployToECS': (a, c, r) => [...codeDeploy(a, c, r), ...ecsTaskDefinitions(r), passRoleToEcsTasks],
  'Deploy/ECS': (a, _c, r) => [
    {
      sid: 'EcsService',
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [arn('ecs', `service/${arnPart(a.configuration.ClusterName ?? '*')}/${arnPart(a.configuration.ServiceName ?? '*')}`, r)],
    },
    ...ecsTaskDefinitions(r),
    {
      sid: 'EcsTasks',
      actions: ['ecs:DescribeTasks', 'ecs:ListTasks'],
      resources: [arn('ecs', `task/${arnPart(a.configuration.ClusterName ?? '*')}/*`, r), arn('ecs', `container-instance/${arnPart(a.configuration.ClusterName ?? '*')}/*`, r)],
    },
    passRoleToEcsTasks,
  ],
  'Deploy/ElasticBeanstalk': (a, _c, r) => {
    const app = arnPart(a.configuration.ApplicationName ?? '*');
    return [
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
          arn('elasticbeanstalk', `application/${app}`, r),
          arn('elasticbeanstalk', `applicationversion/${app}/*`, r),
          arn('elasticbeanstalk', `environment/${app}/${arnPart(a.configuration.EnvironmentName ?? '*')}`, r),
        ],
      },
      {
        sid: 'ElasticBeanstalkEnvironmentStacks',
        actions: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStackResources', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:UpdateStack'],
        resources: [arn('cloudformation', 'stack/awseb-*', r)],
        comment: "Elastic Beanstalk updates the environment's own stack (awseb-*) with the caller's permissions",
      },
      {
        sid: 'ElasticBeanstalkStorage',
        actions: ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket', 's3:PutObject'],
        resources: [sub('arn:${AWS::Partition}:s3:::elasticbeanstalk-*'), sub('arn:${AWS::Partition}:s3:::elasticbeanstalk-*/*')],
        comment: "Elastic Beanstalk stores application versions in its own elasticbeanstalk-<region>-<account> bucket",
      },
      {
        sid: 'ElasticBeanstalkScaling',
        actions: ['autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses'],
        resources: [arn('autoscaling', 'autoScalingGroup:*:autoScalingGroupName/awseb-*', r)],
        comment: 'an environment update pauses the scaling group Elastic Beanstalk made for it (awseb-*)',
      },
      {
        sid: 'ElasticBeanstalkDescribe',
        actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLaunchConfigurations', 'autoscaling:DescribeScalingActivities', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups'],
        resources: ['*'],
        comment: "an environment update reads its instances and pauses its scaling group with the caller's permissions;\nthese calls have no resource-level permissions or act on resources Elastic Beanstalk names itself, so Resource is \"*\"",
      },
    ];
  },
  // CodePipeline service role policy, OpsWorks statement (https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html);
  // OpsWorks Stacks actions take the stack's ARN, arn:aws:opsworks:<region>:<account>:stack/<stack-id>/
  'Deploy/OpsWorks': (a, _c, r) => [
    {
      sid: 'OpsWorks',
      actions: ['opsworks:CreateDeployment', 'opsworks:DescribeApps', 'opsworks:DescribeCommands', 'opsworks:DescribeDeployments', 'opsworks:DescribeInstances', 'opsworks:DescribeStacks', 'opsworks:UpdateApp', 'opsworks:UpdateStack'],
      resources: [arn('opsworks', `stack/${arnPart(a.configuration.Stack ?? '*')}/`, r)],
    },
  ],
  'Deploy/AppConfig': (a, _c, r) => {
    const app = arnPart(a.configuration.Application ?? '*');
    const env = arnPart(a.configuration.Environment ?? '*');
    return [
      {
        sid: 'AppConfig',
        actions: ['appconfig:GetDeployment', 'appconfig:StartDeployment', 'appconfig:StopDeployment'],
        resources: [
          arn('appconfig', `application/${app}`, r),
          arn('appconfig', `application/${app}/environment/${env}`, r),
          arn('appconfig', `application/${app}/environment/${env}/deployment/*`, r),
          arn('appconfig', `application/${app}/configurationprofile/${arnPart(a.configuration.ConfigurationProfile ?? '*')}`, r),
          arn('appconfig', `deploymentstrategy/${arnPart(a.configuration.DeploymentStrategy ?? '*')}`, r),
        ],
      },
    ];
  },
  'Deploy/ServiceCatalog': (a, _c, r) => [
    {
      sid: 'ServiceCatalog',
      actions: ['servicecatalog:CreateProvisioningArtifact', 'servicecatalog:DeleteProvisioningArtifact', 'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ListProvisioningArtifacts', 'servicecatalog:UpdateProduct'],
      resources: [arn('catalog', `product/${arnPart(a.configuration.ProductId ?? '*')}`, r)],
    },
    {
      sid: 'ServiceCatalogValidateTemplate',
      actions: ['cloudformation:ValidateTemplate'],
      resources: ['*'],
      comment: `Service Catalog checks the product template with the caller's permissions; cloudformation:ValidateTemplate ${NO_RESOURCE_LEVEL}`,
    },
  ],
  'Deploy/EC2': (a, c, r) => {
    const tag = a.configuration.InstanceTagKey ?? '';
    const value = a.configuration.InstanceTagValue;
    return [
      managedComputeLogs(c, r),
      {
        sid: 'Ec2DeployCommands',
        actions: ['ssm:SendCommand'],
        // EC2 instances are instance/i-*, SSM managed nodes (InstanceType SSM_MANAGED_NODE) managed-instance/mi-*
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html)
        resources: [a.configuration.InstanceType === 'SSM_MANAGED_NODE' ? arn('ssm', 'managed-instance/*', r) : arn('ec2', 'instance/*', r)],
        condition: value === undefined ? { Null: { [`aws:ResourceTag/${tag}`]: 'false' } } : { StringEquals: { [`aws:ResourceTag/${tag}`]: value } },
        comment: `only ${a.configuration.InstanceType === 'SSM_MANAGED_NODE' ? 'managed nodes' : 'instances'} tagged ${tag}${value === undefined ? '' : `=${value}`}`,
      },
      { sid: 'Ec2DeployDocuments', actions: ['ssm:SendCommand'], resources: [sub('arn:${AWS::Partition}:ssm:*::document/*')] },
      {
        sid: 'Ec2DeployDescribe',
        actions: ['ec2:DescribeInstances', 'ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands', ...(a.configuration.TargetGroupNameList ? ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'] : [])],
        resources: ['*'],
        comment: `these read-only calls ${NO_RESOURCE_LEVEL.replace('has', 'have')}`,
      },
      ...(a.configuration.TargetGroupNameList
        ? [
            {
              sid: 'Ec2DeployTargetGroups',
              actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
              resources: a.configuration.TargetGroupNameList.split(',').map((t) => arn('elasticloadbalancing', `targetgroup/${arnPart(t.trim())}/*`, r)),
            },
          ]
        : []),
    ];
  },
  'Deploy/EKS': (a, c, r) => [
    managedComputeLogs(c, r),
    { sid: 'EksCluster', actions: ['eks:DescribeCluster'], resources: [arn('eks', `cluster/${arnPart(a.configuration.ClusterName ?? '*')}`, r)] },
    ...(a.configuration.Subnets
      ? [
          {
            sid: 'EksVpcAccess',
            actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
            resources: ['*'],
            comment: `the action runs in the cluster's VPC; these network-interface calls ${NO_RESOURCE_LEVEL.replace('has', 'have')} (or name interfaces created at run time)`,
          },
        ]
      : []),
  ],
};
