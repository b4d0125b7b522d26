import type { IrAction, IrRule } from '../../compiler/ir.js';
import { DEPLOY_GRANTS } from './deploy-permissions.js';
import { ecrAuth, ecrRepo, lambdaFunctions, managedComputeLogs, NO_RESOURCE_LEVEL, type GrantFn, type PermissionContext } from './grants.js';
import { arn, arnPart, sub, userArn, type Grant } from './template.js';

export type { PermissionContext } from './grants.js';

/**
 * What the role that runs an action needs, per provider (reference: action-providers.md and the
 * "minimum pipeline-role permissions" table of cloudformation-mapping.md). Resources are scoped to
 * what the action names; a `*` resource appears only for calls that have no resource-level
 * permissions, and then with a comment saying so. Deploy providers are in deploy-permissions.ts.
 */

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
  ...DEPLOY_GRANTS,
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

/** Whether pipec knows what an AWS-owned action type needs at run time (test/permissions-catalog.test.ts holds the catalog to it). */
export function knowsGrants(category: string, provider: string): boolean {
  return `${category}/${provider}` in ACTIONS;
}
