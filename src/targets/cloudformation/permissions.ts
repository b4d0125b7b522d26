import type { IrAction, IrRule } from '../../compiler/ir.js';
import { arn, arnPart, sub, userArn, type Grant, type Json } from './template.js';

/**
 * What the role that runs an action needs, per provider (reference: action-providers.md and the
 * "minimum pipeline-role permissions" table of cloudformation-mapping.md). Resources are scoped to
 * what the action names; a `*` resource appears only for calls that have no resource-level
 * permissions, and then with a comment saying so.
 */
export interface PermissionContext {
  pipeline: string;
  /** The region an action's resources are in: its own, or the stack's. */
  region(regionOfAction: string | undefined): string;
  /** The ARN of an inline CodeBuild project defined in the same stack. */
  projectArn(a: IrAction): Json | undefined;
}

type GrantFn = (a: IrAction, c: PermissionContext, r: string) => Grant[];

const NO_RESOURCE_LEVEL = 'has no resource-level permissions, so IAM requires Resource "*"';

/** Logs of actions that run on CodePipeline-managed compute go to /aws/codepipeline/<pipeline>. */
function managedComputeLogs(c: PermissionContext, r: string): Grant {
  const group = `log-group:/aws/codepipeline/${arnPart(c.pipeline)}`;
  return {
    sid: 'ManagedComputeLogs',
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [arn('logs', group, r), arn('logs', `${group}:*`, r)],
  };
}

function passRole(sid: string, roleArn: string | undefined, service: string): Grant[] {
  if (!roleArn) return [];
  return [{ sid, actions: ['iam:PassRole'], resources: [userArn(roleArn)], condition: { StringEquals: { 'iam:PassedToService': service } } }];
}

const ecrAuth: Grant = {
  sid: 'EcrAuthorizationToken',
  actions: ['ecr:GetAuthorizationToken'],
  resources: ['*'],
  comment: `ecr:GetAuthorizationToken ${NO_RESOURCE_LEVEL}`,
};

function ecrRepo(name: string, r: string): Json {
  return name.startsWith('arn:') ? userArn(name) : arn('ecr', `repository/${arnPart(name)}`, r);
}

function lambdaFunctions(name: string, r: string): Json[] {
  if (name.startsWith('arn:')) return [userArn(name)];
  return [arn('lambda', `function:${arnPart(name)}`, r), arn('lambda', `function:${arnPart(name)}:*`, r)];
}

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

const ecsTaskDefinitions: Grant = {
  sid: 'EcsTaskDefinitions',
  actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
  resources: ['*'],
  comment: `ecs:RegisterTaskDefinition and ecs:DescribeTaskDefinition ${NO_RESOURCE_LEVEL}`,
};

/** Grants by `Category/Provider` (AWS-owned action types). */
const ACTIONS: Record<string, GrantFn> = {
  'Source/CodeCommit': (a, _c, r) => [
    {
      sid: 'CodeCommitSource',
      actions: [
        'codecommit:CancelUploadArchive',
        'codecommit:GetBranch',
        'codecommit:GetCommit',
        'codecommit:GetUploadArchiveStatus',
        'codecommit:UploadArchive',
        ...(a.configuration.OutputArtifactFormat === 'CODEBUILD_CLONE_REF' ? ['codecommit:GetRepository'] : []),
      ],
      resources: [arn('codecommit', arnPart(a.configuration.RepositoryName ?? '*'), r)],
    },
  ],
  'Source/CodeStarSourceConnection': (a) => {
    const conn = a.configuration.ConnectionArn ?? '';
    const service = conn.includes(':codeconnections:') ? 'codeconnections' : 'codestar-connections';
    return [{ sid: 'UseConnection', actions: [`${service}:UseConnection`], resources: [userArn(conn)] }];
  },
  'Source/S3': (a) => {
    const bucket = arnPart(a.configuration.S3Bucket ?? '*');
    return [
      { sid: 'S3SourceObject', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [sub(`arn:\${AWS::Partition}:s3:::${bucket}/${arnPart(a.configuration.S3ObjectKey ?? '*')}`)] },
      { sid: 'S3SourceBucket', actions: ['s3:GetBucketVersioning'], resources: [sub(`arn:\${AWS::Partition}:s3:::${bucket}`)] },
    ];
  },
  'Source/ECR': (a, _c, r) => [{ sid: 'EcrSource', actions: ['ecr:DescribeImages'], resources: [ecrRepo(a.configuration.RepositoryName ?? '*', r)] }],
  'Build/CodeBuild': (a, c, r) => codeBuild(a, c, r),
  'Test/CodeBuild': (a, c, r) => codeBuild(a, c, r),
  'Build/ECRBuildAndPublish': (a, c, r) => {
    const repo = a.configuration.ECRRepositoryName ?? '*';
    if (a.configuration.RegistryType === 'public')
      return [
        managedComputeLogs(c, r),
        {
          sid: 'EcrPublicAuthorizationToken',
          actions: ['ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'],
          resources: ['*'],
          comment: `ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken ${NO_RESOURCE_LEVEL}`,
        },
        {
          sid: 'EcrPublicPush',
          actions: ['ecr-public:BatchCheckLayerAvailability', 'ecr-public:CompleteLayerUpload', 'ecr-public:InitiateLayerUpload', 'ecr-public:PutImage', 'ecr-public:UploadLayerPart'],
          resources: [sub(`arn:\${AWS::Partition}:ecr-public::\${AWS::AccountId}:repository/${arnPart(repo)}`)],
        },
      ];
    return [
      managedComputeLogs(c, r),
      ecrAuth,
      {
        sid: 'EcrPush',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'],
        resources: [ecrRepo(repo, r)],
      },
    ];
  },
  'Test/DeviceFarm': () => [
    {
      sid: 'DeviceFarm',
      actions: ['devicefarm:CreateUpload', 'devicefarm:GetRun', 'devicefarm:GetUpload', 'devicefarm:ListDevicePools', 'devicefarm:ListProjects', 'devicefarm:ScheduleRun'],
      resources: [sub('arn:${AWS::Partition}:devicefarm:us-west-2:${AWS::AccountId}:*')],
      comment: 'Device Farm runs only in us-west-2; its project, device pool, run and upload ARNs use generated IDs',
    },
  ],
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
  'Deploy/CodeDeployToECS': (a, c, r) => [...codeDeploy(a, c, r), ecsTaskDefinitions, passRoleToEcsTasks],
  'Deploy/ECS': (a, _c, r) => [
    {
      sid: 'EcsService',
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [arn('ecs', `service/${arnPart(a.configuration.ClusterName ?? '*')}/${arnPart(a.configuration.ServiceName ?? '*')}`, r)],
    },
    ecsTaskDefinitions,
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
        sid: 'ElasticBeanstalkDescribe',
        actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLaunchConfigurations', 'autoscaling:DescribeScalingActivities', 'autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups'],
        resources: ['*'],
        comment: "an environment update reads its instances and pauses its scaling group with the caller's permissions;\nthese calls have no resource-level permissions or act on resources Elastic Beanstalk names itself, so Resource is \"*\"",
      },
    ];
  },
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
        resources: [arn('ec2', 'instance/*', r)],
        condition: value === undefined ? { Null: { [`aws:ResourceTag/${tag}`]: 'false' } } : { StringEquals: { [`aws:ResourceTag/${tag}`]: value } },
        comment: `only instances tagged ${tag}${value === undefined ? '' : `=${value}`}`,
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
  'Approval/Manual': (a) => (a.configuration.NotificationArn ? [{ sid: 'ApprovalNotifications', actions: ['sns:Publish'], resources: [userArn(a.configuration.NotificationArn)] }] : []),
  'Invoke/Lambda': (a, _c, r) => [
    { sid: 'InvokeLambda', actions: ['lambda:InvokeFunction'], resources: lambdaFunctions(a.configuration.FunctionName ?? '*', r) },
    { sid: 'ListLambdaFunctions', actions: ['lambda:ListFunctions'], resources: ['*'], comment: `CodePipeline lists functions before invoking one; lambda:ListFunctions ${NO_RESOURCE_LEVEL}` },
  ],
  'Invoke/StepFunctions': (a) => {
    const sm = a.configuration.StateMachineArn ?? '';
    const executions = sm.includes(':stateMachine:') ? `${sm.replace(':stateMachine:', ':execution:')}:*` : undefined;
    return [
      { sid: 'StepFunctionsStart', actions: ['states:DescribeStateMachine', 'states:StartExecution'], resources: [userArn(sm)] },
      ...(executions ? [{ sid: 'StepFunctionsExecutions', actions: ['states:DescribeExecution'], resources: [userArn(executions)] }] : []),
    ];
  },
  'Invoke/CodePipeline': (a, _c, r) => [
    { sid: 'StartPipelines', actions: ['codepipeline:StartPipelineExecution'], resources: [arn('codepipeline', arnPart(a.configuration.PipelineName ?? '*'), r)] },
  ],
  'Invoke/InspectorScan': (a, c, r) => [
    managedComputeLogs(c, r),
    { sid: 'InspectorScan', actions: ['inspector-scan:ScanSbom'], resources: ['*'], comment: `inspector-scan:ScanSbom ${NO_RESOURCE_LEVEL}` },
    ...(a.configuration.InspectorRunMode === 'ECRImageScan'
      ? [ecrAuth, { sid: 'InspectorImagePull', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [ecrRepo(a.configuration.ECRRepositoryName ?? '*', r)] }]
      : []),
  ],
  'Compute/Commands': (_a, c, r) => [managedComputeLogs(c, r)],
};

function codeBuild(a: IrAction, c: PermissionContext, r: string): Grant[] {
  const project = c.projectArn(a) ?? arn('codebuild', `project/${arnPart(a.configuration.ProjectName ?? '*')}`, r);
  const batch = a.configuration.BatchEnabled === 'true';
  return [
    {
      sid: 'CodeBuild',
      actions: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild', ...(batch ? ['codebuild:BatchGetBuildBatches', 'codebuild:StartBuildBatch'] : [])],
      resources: [project],
    },
  ];
}

/** Provider types that need no permissions of the role (they use a token, or a job worker polls for them). */
function needsNothing(a: IrAction): boolean {
  return a.owner !== 'AWS';
}

/** The grants an action needs, or undefined when pipec does not know its provider. */
export function actionGrants(a: IrAction, c: PermissionContext): Grant[] | undefined {
  if (needsNothing(a)) return [];
  const fn = ACTIONS[`${a.category}/${a.provider}`];
  return fn ? fn(a, c, c.region(a.region)) : undefined;
}

/** The grants a stage-condition rule needs. */
export function ruleGrants(rule: IrRule, c: PermissionContext): Grant[] {
  const r = c.region(rule.region);
  switch (rule.provider) {
    case 'CloudWatchAlarm':
      return [{ sid: 'ConditionAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: [arn('cloudwatch', `alarm:${arnPart(rule.configuration.AlarmName ?? '*')}`, r)] }];
    case 'LambdaInvoke':
      return [{ sid: 'ConditionLambda', actions: ['lambda:InvokeFunction'], resources: lambdaFunctions(rule.configuration.FunctionName ?? '*', r) }];
    case 'Commands':
      return [managedComputeLogs(c, r)];
    default:
      return [];
  }
}
