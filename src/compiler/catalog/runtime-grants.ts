import { CODEPIPELINE_GUIDE, ECR_AUTH, ECR_PULL, ECR_PUSH, ecrRepository, lambdaFunction, MANAGED_COMPUTE_LOGS, NO_RESOURCE_LEVEL } from './grant-common.js';
import type { ProviderGrants } from './grant-types.js';
import { DEPLOY_GRANTS } from './runtime-grants-deploy.js';

export type * from './grant-types.js';

const codeBuild: ProviderGrants = {
  docs: [`${CODEPIPELINE_GUIDE}action-reference-CodeBuild.html`],
  action: [
    {
      sid: 'CodeBuild',
      actions: [
        'codebuild:BatchGetBuilds',
        'codebuild:StartBuild',
        { action: 'codebuild:BatchGetBuildBatches', when: { key: 'BatchEnabled', in: ['true'] } },
        { action: 'codebuild:StartBuildBatch', when: { key: 'BatchEnabled', in: ['true'] } },
      ],
      resources: [{ stack: 'codebuild-project', arn: 'arn:{partition}:codebuild:{region}:{account}:project/{ProjectName}' }],
    },
  ],
};

const PUBLIC_REGISTRY = { key: 'RegistryType', in: ['public'] };
const PRIVATE_REGISTRY = { key: 'RegistryType', notIn: ['public'] };

/** Grants by `Category/Provider` of the AWS-owned action types other than deploys (those are in runtime-grants-deploy.ts). */
const OTHER_GRANTS: Record<string, ProviderGrants> = {
  'Source/CodeCommit': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-CodeCommit.html`],
    action: [
      {
        sid: 'CodeCommitSource',
        actions: [
          'codecommit:CancelUploadArchive',
          'codecommit:GetBranch',
          'codecommit:GetCommit',
          'codecommit:GetUploadArchiveStatus',
          'codecommit:UploadArchive',
          // a full clone hands the build a repository to clone: CodePipeline reads its clone URL
          { action: 'codecommit:GetRepository', when: { key: 'OutputArtifactFormat', in: ['CODEBUILD_CLONE_REF'] } },
        ],
        resources: ['arn:{partition}:codecommit:{region}:{account}:{RepositoryName}'],
      },
    ],
  },
  'Source/CodeStarSourceConnection': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-CodestarConnectionSource.html`],
    action: [
      {
        sid: 'UseConnection',
        // connections made since the rename carry codeconnections ARNs, older ones codestar-connections ARNs
        actions: [
          { action: 'codeconnections:UseConnection', when: { key: 'ConnectionArn', matches: ':codeconnections:' } },
          { action: 'codestar-connections:UseConnection', when: { key: 'ConnectionArn', notMatches: ':codeconnections:' } },
        ],
        resources: [{ userArn: 'ConnectionArn' }],
      },
    ],
  },
  'Source/S3': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-S3.html`],
    action: [
      { sid: 'S3SourceObject', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: ['arn:{partition}:s3:::{S3Bucket}/{S3ObjectKey}'] },
      { sid: 'S3SourceBucket', actions: ['s3:GetBucketVersioning'], resources: ['arn:{partition}:s3:::{S3Bucket}'] },
    ],
  },
  'Source/ECR': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-ECR.html`],
    action: [{ sid: 'EcrSource', actions: ['ecr:DescribeImages'], resources: [ecrRepository('RepositoryName')] }],
  },
  'Build/CodeBuild': codeBuild,
  'Test/CodeBuild': codeBuild,
  'Build/ECRBuildAndPublish': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-ECRBuildAndPublish.html`, 'https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html'],
    action: [
      MANAGED_COMPUTE_LOGS,
      {
        sid: 'EcrPublicAuthorizationToken',
        actions: ['ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'],
        resources: ['*'],
        when: PUBLIC_REGISTRY,
        comment: `ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken ${NO_RESOURCE_LEVEL}`,
      },
      {
        sid: 'EcrPublicPush',
        actions: ['ecr-public:BatchCheckLayerAvailability', 'ecr-public:CompleteLayerUpload', 'ecr-public:InitiateLayerUpload', 'ecr-public:PutImage', 'ecr-public:UploadLayerPart'],
        resources: ['arn:{partition}:ecr-public::{account}:repository/{ECRRepositoryName}'],
        when: PUBLIC_REGISTRY,
      },
      { ...ECR_AUTH, when: PRIVATE_REGISTRY },
      { sid: 'EcrPush', actions: ECR_PUSH, resources: [ecrRepository('ECRRepositoryName')], when: PRIVATE_REGISTRY },
    ],
  },
  'Test/DeviceFarm': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-DeviceFarm.html`, 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsdevicefarm.html'],
    // Device Farm runs only in us-west-2. Resource types per call from the service authorization
    // reference: CreateUpload and ListDevicePools take the project; ScheduleRun the project and,
    // optionally, the device pool and the uploads; GetRun a run; GetUpload an upload; ListProjects none.
    action: [
      {
        sid: 'DeviceFarmProject',
        actions: ['devicefarm:CreateUpload', 'devicefarm:ListDevicePools', 'devicefarm:ScheduleRun'],
        resources: ['arn:{partition}:devicefarm:us-west-2:{account}:project:{ProjectId}'],
      },
      {
        sid: 'DeviceFarmRunInputs',
        actions: ['devicefarm:ScheduleRun'],
        resources: [{ userArn: 'DevicePoolArn' }, 'arn:{partition}:devicefarm:us-west-2:{account}:upload:{ProjectId}/*'],
        comment: "the device pool the action names, and the project's uploads, which get their IDs when the action makes them",
      },
      { sid: 'DeviceFarmUploads', actions: ['devicefarm:GetUpload'], resources: ['arn:{partition}:devicefarm:us-west-2:{account}:upload:{ProjectId}/*'], comment: 'the uploads of the project, by generated ID' },
      { sid: 'DeviceFarmRuns', actions: ['devicefarm:GetRun'], resources: ['arn:{partition}:devicefarm:us-west-2:{account}:run:{ProjectId}/*'], comment: 'the runs of the project, by generated ID' },
      { sid: 'DeviceFarmProjects', actions: ['devicefarm:ListProjects'], resources: ['*'], comment: `devicefarm:ListProjects ${NO_RESOURCE_LEVEL}` },
    ],
  },
  'Approval/Manual': {
    docs: [`${CODEPIPELINE_GUIDE}approvals-service-role-permissions.html`],
    action: [{ sid: 'ApprovalNotifications', actions: ['sns:Publish'], resources: [{ userArn: 'NotificationArn' }], when: { key: 'NotificationArn', present: true } }],
  },
  'Invoke/Lambda': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-Lambda.html`],
    action: [
      { sid: 'InvokeLambda', actions: ['lambda:InvokeFunction'], resources: lambdaFunction('FunctionName') },
      { sid: 'ListLambdaFunctions', actions: ['lambda:ListFunctions'], resources: ['*'], comment: `CodePipeline lists functions before invoking one; lambda:ListFunctions ${NO_RESOURCE_LEVEL}` },
    ],
  },
  'Invoke/StepFunctions': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-StepFunctions.html`],
    action: [
      { sid: 'StepFunctionsStart', actions: ['states:DescribeStateMachine', 'states:StartExecution'], resources: [{ userArn: 'StateMachineArn' }] },
      {
        sid: 'StepFunctionsExecutions',
        actions: ['states:DescribeExecution'],
        // executions of arn:...:stateMachine:name are arn:...:execution:name:<id>
        resources: [{ userArn: 'StateMachineArn', replace: [':stateMachine:', ':execution:'], suffix: ':*' }],
        when: { key: 'StateMachineArn', matches: ':stateMachine:' },
      },
    ],
  },
  'Invoke/CodePipeline': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-PipelineInvoke.html`],
    action: [{ sid: 'StartPipelines', actions: ['codepipeline:StartPipelineExecution'], resources: ['arn:{partition}:codepipeline:{region}:{account}:{PipelineName}'] }],
  },
  'Invoke/InspectorScan': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-InspectorScan.html`],
    action: [
      MANAGED_COMPUTE_LOGS,
      { sid: 'InspectorScan', actions: ['inspector-scan:ScanSbom'], resources: ['*'], comment: `inspector-scan:ScanSbom ${NO_RESOURCE_LEVEL}` },
      { ...ECR_AUTH, when: { key: 'InspectorRunMode', in: ['ECRImageScan'] } },
      { sid: 'InspectorImagePull', actions: ECR_PULL, resources: [ecrRepository('ECRRepositoryName')], when: { key: 'InspectorRunMode', in: ['ECRImageScan'] } },
    ],
  },
  'Compute/Commands': {
    docs: [`${CODEPIPELINE_GUIDE}action-reference-Commands.html`],
    action: [MANAGED_COMPUTE_LOGS],
  },
};

/** Run-time grants of every AWS-owned action type pipec knows, by `Category/Provider`. */
export const RUNTIME_GRANTS: Readonly<Record<string, ProviderGrants>> = { ...OTHER_GRANTS, ...DEPLOY_GRANTS };

/** Run-time grants of the stage-condition rule types, by provider. */
export const RULE_GRANTS: Readonly<Record<string, ProviderGrants>> = {
  CloudWatchAlarm: {
    docs: [`${CODEPIPELINE_GUIDE}rule-reference-CloudWatchAlarm.html`],
    action: [{ sid: 'ConditionAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: ['arn:{partition}:cloudwatch:{region}:{account}:alarm:{AlarmName}'] }],
  },
  LambdaInvoke: {
    docs: [`${CODEPIPELINE_GUIDE}rule-reference-LambdaInvoke.html`],
    action: [{ sid: 'ConditionLambda', actions: ['lambda:InvokeFunction'], resources: lambdaFunction('FunctionName') }],
  },
  Commands: {
    docs: [`${CODEPIPELINE_GUIDE}rule-reference-Commands.html`],
    action: [MANAGED_COMPUTE_LOGS],
  },
  DeploymentWindow: {
    docs: [`${CODEPIPELINE_GUIDE}rule-reference-DeploymentWindow.html`],
    action: [],
    none: 'CodePipeline evaluates the cron expression itself; no other service is called',
  },
  VariableCheck: {
    docs: [`${CODEPIPELINE_GUIDE}rule-reference-VariableCheck.html`],
    action: [],
    none: "CodePipeline compares the pipeline's own variables; no other service is called",
  },
};

/** The run-time grants of an AWS-owned action type, if the catalog has them. */
export function runtimeGrants(category: string, provider: string): ProviderGrants | undefined {
  return Object.hasOwn(RUNTIME_GRANTS, `${category}/${provider}`) ? RUNTIME_GRANTS[`${category}/${provider}`] : undefined;
}

/** The run-time grants of a rule type, if the catalog has them. */
export function ruleGrantsOf(provider: string): ProviderGrants | undefined {
  return Object.hasOwn(RULE_GRANTS, provider) ? RULE_GRANTS[provider] : undefined;
}
