import { ECR_AUTH, ECR_PULL, ECR_PUSH } from './grant-common.js';
import type { ServiceRoleGrants } from './grant-types.js';

/**
 * The service roles pipec creates, as data: what a CodeBuild project's role and CodeDeploy's role
 * need while they work on the user's behalf. Facts (`{ fact: name }`) are lists the target computes
 * from the build or the deployment groups: they name what pipec read in pipeline.yml.
 */
export const SERVICE_ROLE_GRANTS: Readonly<Record<'codebuild-project' | 'codedeploy', ServiceRoleGrants>> = {
  'codebuild-project': {
    docs: [
      // logs, parameters, secrets, CodeCommit and connections
      'https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html',
      // report groups the build's reports create
      'https://docs.aws.amazon.com/codebuild/latest/userguide/test-permissions.html',
      // pulling the build image from ECR with the service role's credentials (ImagePullCredentialsType SERVICE_ROLE)
      'https://docs.aws.amazon.com/codebuild/latest/userguide/sample-ecr.html',
      // pushing images
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html',
    ],
    service: 'codebuild.amazonaws.com',
    grants: [
      {
        sid: 'BuildLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: ['arn:{partition}:logs:{region}:{account}:log-group:/aws/codebuild/{project}', 'arn:{partition}:logs:{region}:{account}:log-group:/aws/codebuild/{project}:*'],
      },
      // facts 'parameters' and 'secrets': the build's PARAMETER_STORE and SECRETS_MANAGER variables
      { sid: 'ParameterStore', actions: ['ssm:GetParameters'], resources: [{ fact: 'parameters' }] },
      { sid: 'Secrets', actions: ['secretsmanager:GetSecretValue'], resources: [{ fact: 'secrets' }] },
      {
        sid: 'TestReports',
        actions: ['codebuild:BatchPutCodeCoverages', 'codebuild:BatchPutTestCases', 'codebuild:CreateReport', 'codebuild:CreateReportGroup', 'codebuild:UpdateReport'],
        // fact 'reports': the report groups of the build's `reports:` (a report named r of project p goes to report group p-r)
        resources: [{ fact: 'reports' }],
        when: { fact: 'reports' },
      },
      // full clones (CODEBUILD_CLONE_REF): the build fetches the repository itself
      { sid: 'CloneRepositories', actions: ['codecommit:GitPull'], resources: [{ fact: 'clone-repositories' }] },
      { sid: 'CloneThroughConnections', actions: ['codestar-connections:UseConnection'], resources: [{ fact: 'clone-codestar-connections' }] },
      { sid: 'CloneThroughConnections', actions: ['codeconnections:UseConnection'], resources: [{ fact: 'clone-codeconnections' }] },
      // 'push:' and `docker push <account>.dkr.ecr.<region>.amazonaws.com/<repository>` in the commands
      { sid: 'PushImages', actions: ECR_PUSH, resources: [{ fact: 'pushed-repositories' }] },
      { ...ECR_AUTH, when: { fact: 'pushed-repositories' } },
      { ...ECR_AUTH, when: { fact: 'build-image-repository' } },
      { sid: 'PullBuildImage', actions: ECR_PULL, resources: [{ fact: 'build-image-repository' }] },
    ],
  },
  codedeploy: {
    docs: [
      'https://docs.aws.amazon.com/codedeploy/latest/userguide/getting-started-create-service-role.html',
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRole.html',
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambda.html',
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForECS.html',
    ],
    service: 'codedeploy.amazonaws.com',
    // By compute platform. AWSCodeDeployRoleForECS lets CodeDeploy invoke any Lambda function (the
    // hooks an ECS appspec names need nothing more); AWSCodeDeployRoleForLambda only functions named
    // CodeDeployHook_*, so the hooks of Lambda deployments are granted by name below.
    managedPolicies: {
      ECS: 'arn:{partition}:iam::aws:policy/AWSCodeDeployRoleForECS',
      Lambda: 'arn:{partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda',
      Server: 'arn:{partition}:iam::aws:policy/service-role/AWSCodeDeployRole',
    },
    grants: [
      // Copying an Auto Scaling group launches the green fleet with its launch template and instance
      // profile ("Create a service role for CodeDeploy", launch templates): the fact 'servers' is
      // there when a group of the EC2/on-premises platform uses this role.
      {
        policy: 'green-fleet',
        sid: 'LaunchGreenFleet',
        actions: ['ec2:RunInstances'],
        resources: [
          ...['instance/*', 'volume/*', 'network-interface/*', 'security-group/*', 'subnet/*', 'launch-template/*', 'key-pair/*', 'placement-group/*'].map((r) => `arn:{partition}:ec2:{region}:{account}:${r}`),
          'arn:{partition}:ec2:{region}::image/*',
          'arn:{partition}:ec2:{region}::snapshot/*',
        ],
        when: { fact: 'servers' },
        comment: "the green fleet's instances, volumes and network interfaces are created from the copied group's launch template, unknown here",
      },
      {
        policy: 'green-fleet',
        sid: 'TagGreenFleet',
        actions: ['ec2:CreateTags'],
        resources: ['arn:{partition}:ec2:{region}:{account}:instance/*', 'arn:{partition}:ec2:{region}:{account}:volume/*', 'arn:{partition}:ec2:{region}:{account}:network-interface/*'],
        when: { fact: 'servers' },
        condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      },
      {
        policy: 'green-fleet',
        sid: 'PassInstanceProfileRole',
        actions: ['iam:PassRole'],
        resources: ['arn:{partition}:iam::{account}:role/*'],
        when: { fact: 'servers' },
        condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        comment: "the instance profile's role is named in the launch template, unknown here; only EC2 may receive it",
      },
      // fact 'lambda-hooks': the hook functions the Lambda deployments of these groups name
      { policy: 'traffic-hooks', sid: 'InvokeTrafficHooks', actions: ['lambda:InvokeFunction'], resources: [{ fact: 'lambda-hooks' }] },
    ],
  },
};
