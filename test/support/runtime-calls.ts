/**
 * The calls AWS makes at run time with the roles pipec writes, for the IAM simulation
 * (test/iam-simulation.test.ts). Per provider, what the action reference's "service role
 * permissions" section lists (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html),
 * made on the resources the action's configuration names; then what CodeBuild and CodeDeploy do
 * with their service roles. Written independently of src/compiler/catalog/runtime-grants*.ts:
 * the test checks the catalog's grants against these calls, not against themselves.
 */

export interface Call {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** Why the call is made (in failure messages). */
  why: string;
  /** The resource is not knowable when pipec writes the policy (named inside an artifact): a "*" resource under a condition is the narrowest that works. */
  wide?: string;
}

type Config = Record<string, string>;
type CallTable = (c: Config, region: string, account: string, pipeline: string) => Call[];

const STACK_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const on = (resource: string, why: string, ...actions: string[]): Call[] => actions.map((action) => ({ action, resource, why }));
const fn = (name: string, r: string, a: string): string => (name.startsWith('arn:') ? name : `arn:aws:lambda:${r}:${a}:function:${name}`);
const repo = (name: string, r: string, a: string): string => (name.startsWith('arn:') ? name : `arn:aws:ecr:${r}:${a}:repository/${name}`);

/** Logs of CodePipeline-managed compute (Commands, EC2, EKS, ECRBuildAndPublish, InspectorScan). */
export function managedLogs(r: string, a: string, pipeline: string): Call[] {
  return on(`arn:aws:logs:${r}:${a}:log-group:/aws/codepipeline/${pipeline}:log-stream:0b1c2d3e`, 'managed compute logs', 'logs:CreateLogStream', 'logs:PutLogEvents');
}

const taskRole = (a: string): Call => ({
  action: 'iam:PassRole',
  resource: `arn:aws:iam::${a}:role/task-role`,
  context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
  why: 'the task role of the new task definition',
  wide: 'the task definition naming the roles is inside the artifact',
});

const CFN_MODE_CALLS: Record<string, string[]> = {
  CREATE_UPDATE: ['CreateStack', 'UpdateStack', 'DescribeStacks', 'DescribeStackEvents'],
  REPLACE_ON_FAILURE: ['CreateStack', 'DeleteStack', 'UpdateStack', 'DescribeStacks'],
  DELETE_ONLY: ['DeleteStack', 'DescribeStacks'],
  CHANGE_SET_REPLACE: ['CreateChangeSet', 'DeleteChangeSet', 'DescribeChangeSet', 'DescribeStacks'],
  CHANGE_SET_EXECUTE: ['ExecuteChangeSet', 'DescribeChangeSet', 'DescribeStacks'],
};

const codeDeployCalls: CallTable = (c, r, a) => [
  ...on(`arn:aws:codedeploy:${r}:${a}:deploymentgroup:${c.ApplicationName}/${c.DeploymentGroupName}`, 'CodeDeploy deployment', 'codedeploy:CreateDeployment', 'codedeploy:GetDeployment'),
  ...on(`arn:aws:codedeploy:${r}:${a}:application:${c.ApplicationName}`, 'CodeDeploy revision', 'codedeploy:RegisterApplicationRevision', 'codedeploy:GetApplicationRevision', 'codedeploy:GetApplication'),
  ...on(`arn:aws:codedeploy:${r}:${a}:deploymentconfig:CodeDeployDefault.OneAtATime`, 'CodeDeploy configuration', 'codedeploy:GetDeploymentConfig'),
];

/** Encrypting the deployed objects with the key KMSEncryptionKeyARN names: by key ID, key ARN, alias or alias ARN. */
function s3DeployKeyCalls(key: string | undefined, r: string, a: string): Call[] {
  if (!key) return [];
  const aliasArn = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/.exec(key);
  const alias = aliasArn ? aliasArn[3] : key.startsWith('alias/') ? key : undefined;
  if (alias) {
    const where = aliasArn ? `${aliasArn[1]}:${aliasArn[2]}` : `${r}:${a}`;
    return [{ action: 'kms:GenerateDataKey', resource: `arn:aws:kms:${where}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`, context: { 'kms:ResourceAliases': [alias] }, why: `S3 deploy key by alias ${key}` }];
  }
  return on(key.startsWith('arn:') ? key : `arn:aws:kms:${r}:${a}:key/${key}`, 'S3 deploy key', 'kms:GenerateDataKey');
}

/** The calls each AWS-owned action type makes with the role that runs it (the pipeline role, or its role in another account). */
export const ACTION_CALLS: Record<string, CallTable> = {
  'Source/CodeCommit': (c, r, a) => [
    ...on(`arn:aws:codecommit:${r}:${a}:${c.RepositoryName}`, 'CodeCommit source', 'codecommit:GetBranch', 'codecommit:GetCommit', 'codecommit:UploadArchive', 'codecommit:GetUploadArchiveStatus', 'codecommit:CancelUploadArchive'),
    ...(c.OutputArtifactFormat === 'CODEBUILD_CLONE_REF' ? on(`arn:aws:codecommit:${r}:${a}:${c.RepositoryName}`, 'full clone', 'codecommit:GetRepository') : []),
  ],
  'Source/S3': (c) => [
    ...on(`arn:aws:s3:::${c.S3Bucket}/${c.S3ObjectKey}`, 'S3 source object', 's3:GetObject', 's3:GetObjectVersion'),
    ...on(`arn:aws:s3:::${c.S3Bucket}`, 'S3 source bucket', 's3:GetBucketVersioning'),
  ],
  'Source/CodeStarSourceConnection': (c) => on(c.ConnectionArn as string, 'connection source', `${(c.ConnectionArn ?? '').includes(':codeconnections:') ? 'codeconnections' : 'codestar-connections'}:UseConnection`),
  'Source/ECR': (c, r, a) => on(repo(c.RepositoryName as string, r, a), 'ECR source', 'ecr:DescribeImages'),
  'Build/CodeBuild': (c, r, a) => [
    ...on(`arn:aws:codebuild:${r}:${a}:project/${c.ProjectName}`, 'CodeBuild action', 'codebuild:StartBuild', 'codebuild:BatchGetBuilds'),
    ...(c.BatchEnabled === 'true' ? on(`arn:aws:codebuild:${r}:${a}:project/${c.ProjectName}`, 'batch build', 'codebuild:StartBuildBatch', 'codebuild:BatchGetBuildBatches') : []),
  ],
  'Build/ECRBuildAndPublish': (c, r, a, p) => [
    ...managedLogs(r, a, p),
    ...(c.RegistryType === 'public'
      ? [...on('*', 'public registry login', 'ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'), ...on(`arn:aws:ecr-public::${a}:repository/${c.ECRRepositoryName}`, 'public push', 'ecr-public:InitiateLayerUpload', 'ecr-public:UploadLayerPart', 'ecr-public:CompleteLayerUpload', 'ecr-public:PutImage')]
      : [...on('*', 'registry login', 'ecr:GetAuthorizationToken'), ...on(repo(c.ECRRepositoryName as string, r, a), 'image push', 'ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage')]),
  ],
  // the project the action names (ProjectId), its uploads and runs by generated ID, the device pool it names
  'Test/DeviceFarm': (c, _r, a) => [
    ...on(`arn:aws:devicefarm:us-west-2:${a}:project:${c.ProjectId}`, 'Device Farm test', 'devicefarm:ScheduleRun', 'devicefarm:CreateUpload', 'devicefarm:ListDevicePools'),
    ...on(`arn:aws:devicefarm:us-west-2:${a}:upload:${c.ProjectId}/4f50`, 'the app and test uploads', 'devicefarm:ScheduleRun', 'devicefarm:GetUpload'),
    // a curated pool of AWS's has no account in its ARN, which the simulator cannot place (the grant names it as written)
    ...(/:devicefarm:[a-z0-9-]+:\d{12}:/.test(c.DevicePoolArn ?? '') ? on(c.DevicePoolArn as string, 'the device pool', 'devicefarm:ScheduleRun') : []),
    ...on(`arn:aws:devicefarm:us-west-2:${a}:run:${c.ProjectId}/4f50`, 'Device Farm run', 'devicefarm:GetRun'),
    ...on('*', 'listing projects', 'devicefarm:ListProjects'),
  ],
  'Deploy/S3': (c, r, a) => [
    { action: 's3:PutObject', resource: `arn:aws:s3:::${c.BucketName}/${c.ObjectKey ?? 'index.html'}${c.Extract === 'true' && c.ObjectKey ? '/index.html' : ''}`, why: 'S3 deploy' },
    ...(c.CannedACL ? [{ action: 's3:PutObjectAcl', resource: `arn:aws:s3:::${c.BucketName}/${c.ObjectKey ?? 'index.html'}`, why: 'canned ACL' }] : []),
    ...s3DeployKeyCalls(c.KMSEncryptionKeyARN, r, a),
  ],
  'Deploy/CloudFormation': (c, r, a) => [
    ...(CFN_MODE_CALLS[c.ActionMode ?? 'CREATE_UPDATE'] ?? []).flatMap((x) => on(`arn:aws:cloudformation:${r}:${a}:stack/${c.StackName}/${STACK_ID}`, `CloudFormation ${c.ActionMode}`, `cloudformation:${x}`)),
    ...(c.RoleArn && c.ActionMode !== 'CHANGE_SET_EXECUTE' ? [{ action: 'iam:PassRole', resource: c.RoleArn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, why: 'passing the stack role' }] : []),
  ],
  'Deploy/CloudFormationStackSet': (c, r, a) => [
    ...on(`arn:aws:cloudformation:${r}:${a}:stackset/${c.StackSetName}:${STACK_ID}`, 'StackSet deploy', 'cloudformation:UpdateStackSet', 'cloudformation:DescribeStackSet', 'cloudformation:DescribeStackSetOperation', 'cloudformation:ListStackInstances'),
    ...on('*', 'the first run creates the StackSet', 'cloudformation:CreateStackSet'),
    ...(c.AdministrationRoleArn ? [{ action: 'iam:PassRole', resource: c.AdministrationRoleArn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, why: 'passing the StackSet administration role' }] : []),
  ],
  'Deploy/CloudFormationStackInstances': (c, r, a) =>
    on(`arn:aws:cloudformation:${r}:${a}:stackset/${c.StackSetName}:${STACK_ID}`, 'StackSet instances', 'cloudformation:CreateStackInstances', 'cloudformation:DescribeStackSet', 'cloudformation:DescribeStackSetOperation', 'cloudformation:ListStackInstances'),
  'Deploy/CodeDeploy': codeDeployCalls,
  'Deploy/CodeDeployToECS': (c, r, a, p) => [
    ...codeDeployCalls(c, r, a, p),
    ...on(`arn:aws:ecs:${r}:${a}:task-definition/storefront:7`, 'ECS blue/green task definition', 'ecs:RegisterTaskDefinition'),
    ...on('*', 'ECS blue/green task definition', 'ecs:DescribeTaskDefinition'),
    taskRole(a),
  ],
  'Deploy/ECS': (c, r, a) => [
    ...on(`arn:aws:ecs:${r}:${a}:service/${c.ClusterName}/${c.ServiceName}`, 'ECS deploy', 'ecs:UpdateService', 'ecs:DescribeServices'),
    ...on(`arn:aws:ecs:${r}:${a}:task-definition/web:7`, 'ECS deploy', 'ecs:RegisterTaskDefinition'),
    ...on('*', 'ECS deploy', 'ecs:DescribeTaskDefinition'),
    ...on(`arn:aws:ecs:${r}:${a}:task/${c.ClusterName}/0b1c2d3e4f50`, 'ECS deploy', 'ecs:DescribeTasks'),
    ...on(`arn:aws:ecs:${r}:${a}:container-instance/${c.ClusterName}/0b1c2d3e4f50`, 'ECS deploy', 'ecs:ListTasks'),
    taskRole(a),
  ],
  'Deploy/ElasticBeanstalk': (c, r, a) => [
    ...on(`arn:aws:elasticbeanstalk:${r}:${a}:applicationversion/${c.ApplicationName}/v7`, 'new version', 'elasticbeanstalk:CreateApplicationVersion'),
    ...on(`arn:aws:elasticbeanstalk:${r}:${a}:environment/${c.ApplicationName}/${c.EnvironmentName}`, 'environment update', 'elasticbeanstalk:UpdateEnvironment', 'elasticbeanstalk:DescribeEnvironments'),
    ...on(`arn:aws:cloudformation:${r}:${a}:stack/awseb-e-0b1c2d3e-stack/${STACK_ID}`, "the environment's stack", 'cloudformation:UpdateStack', 'cloudformation:DescribeStacks'),
    ...on(`arn:aws:s3:::elasticbeanstalk-${r}-${a}/app.zip`, 'the version bundle', 's3:PutObject', 's3:GetObject'),
    ...on(`arn:aws:autoscaling:${r}:${a}:autoScalingGroup:0b1c2d3e:autoScalingGroupName/awseb-e-0b1c2d3e-stack-AWSEBAutoScalingGroup`, "the environment's scaling group", 'autoscaling:SuspendProcesses', 'autoscaling:ResumeProcesses'),
    ...on('*', 'reading the environment', 'ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingGroups'),
  ],
  'Deploy/OpsWorks': (c, r, a) =>
    on(`arn:aws:opsworks:${r}:${a}:stack/${c.Stack}/`, 'OpsWorks deploy', 'opsworks:CreateDeployment', 'opsworks:DescribeDeployments', 'opsworks:DescribeApps', 'opsworks:DescribeCommands', 'opsworks:UpdateApp'),
  'Deploy/AppConfig': (c, r, a) => [
    ...on(`arn:aws:appconfig:${r}:${a}:application/${c.Application}/environment/${c.Environment}`, 'AppConfig deploy', 'appconfig:StartDeployment'),
    ...on(`arn:aws:appconfig:${r}:${a}:application/${c.Application}/environment/${c.Environment}/deployment/1`, 'AppConfig deployment', 'appconfig:GetDeployment', 'appconfig:StopDeployment'),
  ],
  'Deploy/ServiceCatalog': (c, r, a) => [
    ...on(`arn:aws:catalog:${r}:${a}:product/${c.ProductId}`, 'Service Catalog deploy', 'servicecatalog:UpdateProduct', 'servicecatalog:CreateProvisioningArtifact', 'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ListProvisioningArtifacts'),
    ...on('*', 'template check', 'cloudformation:ValidateTemplate'),
  ],
  'Deploy/EC2': (c, r, a, p) => [
    ...managedLogs(r, a, p),
    {
      action: 'ssm:SendCommand',
      resource: c.InstanceType === 'SSM_MANAGED_NODE' ? `arn:aws:ssm:${r}:${a}:managed-instance/mi-0123456789abcdef0` : `arn:aws:ec2:${r}:${a}:instance/i-0123456789abcdef0`,
      context: { [`aws:ResourceTag/${c.InstanceTagKey}`]: c.InstanceTagValue ?? 'any' },
      why: 'EC2 deploy to a tagged instance',
    },
    // an AWS-owned document's ARN has no account (arn:aws:ssm:<region>::document/AWS-RunShellScript), which the simulator
    // does not parse: a document shared by another account stands in for it
    ...on(`arn:aws:ssm:${r}:999999999999:document/AWS-RunShellScript`, 'the command document', 'ssm:SendCommand'),
    ...on('*', 'following the commands', 'ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ec2:DescribeInstances'),
    ...(c.TargetGroupNameList ?? '')
      .split(',')
      .filter(Boolean)
      .flatMap((t) => on(`arn:aws:elasticloadbalancing:${r}:${a}:targetgroup/${t.trim()}/0123456789abcdef`, 'taking instances out of the target group', 'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets')),
  ],
  'Deploy/EKS': (c, r, a, p) => [
    ...managedLogs(r, a, p),
    ...on(`arn:aws:eks:${r}:${a}:cluster/${c.ClusterName}`, 'EKS deploy', 'eks:DescribeCluster'),
    ...(c.Subnets
      ? [
          ...on(`arn:aws:ec2:${r}:${a}:network-interface/eni-0123456789abcdef0`, "an interface in the cluster's VPC", 'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'),
          ...c.Subnets.split(',').flatMap((sn) => on(`arn:aws:ec2:${r}:${a}:subnet/${sn.trim()}`, 'an interface in the subnet', 'ec2:CreateNetworkInterface')),
          ...(c.SecurityGroupIds ?? '').split(',').filter(Boolean).flatMap((sg) => on(`arn:aws:ec2:${r}:${a}:security-group/${sg.trim()}`, 'an interface in the security group', 'ec2:CreateNetworkInterface')),
          ...on('*', "reading the cluster's VPC", 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions'),
        ]
      : []),
  ],
  'Approval/Manual': (c) => (c.NotificationArn ? on(c.NotificationArn, 'approval notification', 'sns:Publish') : []),
  'Invoke/Lambda': (c, r, a) => [...on(fn(c.FunctionName as string, r, a), 'Lambda invoke', 'lambda:InvokeFunction'), ...on('*', 'Lambda invoke', 'lambda:ListFunctions')],
  'Invoke/StepFunctions': (c) => [
    ...on(c.StateMachineArn as string, 'Step Functions invoke', 'states:StartExecution', 'states:DescribeStateMachine'),
    ...on(`${(c.StateMachineArn as string).replace(':stateMachine:', ':execution:')}:0b1c2d3e`, 'following the execution', 'states:DescribeExecution'),
  ],
  'Invoke/CodePipeline': (c, r, a) => on(`arn:aws:codepipeline:${r}:${a}:${c.PipelineName}`, 'pipeline invoke', 'codepipeline:StartPipelineExecution'),
  'Invoke/InspectorScan': (c, r, a, p) => [
    ...managedLogs(r, a, p),
    ...on('*', 'Inspector scan', 'inspector-scan:ScanSbom'),
    ...(c.InspectorRunMode === 'ECRImageScan' ? [...on('*', 'registry login', 'ecr:GetAuthorizationToken'), ...on(repo(c.ECRRepositoryName as string, r, a), 'image pull', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer')] : []),
  ],
  'Compute/Commands': (_c, r, a, p) => managedLogs(r, a, p),
};
ACTION_CALLS['Test/CodeBuild'] = ACTION_CALLS['Build/CodeBuild'] as CallTable;

/** The calls each stage-condition rule type makes. */
export const RULE_CALLS: Record<string, CallTable> = {
  CloudWatchAlarm: (c, r, a) => on(`arn:aws:cloudwatch:${r}:${a}:alarm:${c.AlarmName}`, 'alarm rule', 'cloudwatch:DescribeAlarms'),
  LambdaInvoke: (c, r, a) => on(fn(c.FunctionName as string, r, a), 'Lambda rule', 'lambda:InvokeFunction'),
  Commands: (_c, r, a, p) => managedLogs(r, a, p),
  DeploymentWindow: () => [],
  VariableCheck: () => [],
};

/** An artifact store as a role sees it. */
export interface Store {
  location: string;
  encryptionKey?: { id: string };
}

/** Calls every role that handles artifacts makes on the store: read inputs, write outputs, through its key. */
export function artifactCalls(store: Store | undefined, pipeline: string, reads = true, writes = true): Call[] {
  if (!store) return [];
  const objects = `arn:aws:s3:::${store.location}/${pipeline.slice(0, 20)}/Build/abc123`;
  const key = store.encryptionKey && /:key\//.test(store.encryptionKey.id) ? store.encryptionKey.id : undefined;
  return [
    ...(reads ? on(objects, 'reading an input artifact', 's3:GetObject') : []),
    ...(writes ? on(objects, 'writing an output artifact', 's3:PutObject') : []),
    ...(key && reads ? on(key, 'decrypting an artifact', 'kms:Decrypt') : []),
    ...(key && writes ? on(key, 'encrypting an artifact', 'kms:GenerateDataKey') : []),
  ];
}
