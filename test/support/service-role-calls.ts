import { parse } from 'yaml';
import { artifactCalls, type Call, type Store } from './runtime-calls.js';

/**
 * What CodeBuild, CodeDeploy and EventBridge do with the service roles pipec creates, derived from
 * the resources of the resolved stack (not from pipec's grants): a CodeBuild project's logs, the
 * artifact store and its key, the build image from ECR, its parameters and secrets, report groups,
 * pushed images, clones; a CodeDeploy deployment group's ECS, Lambda or Auto Scaling calls and its
 * hooks; the source rule starting the pipeline.
 */

type Props = Record<string, unknown>;
const on = (resource: string, why: string, ...actions: string[]): Call[] => actions.map((action) => ({ action, resource, why }));
const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@\s]+)/;

/** The calls a CodeBuild project makes with its service role while it runs in `region` of `account`. */
export function codeBuildCalls(p: Props, region: string, account: string, store: Store | undefined, pipeline: string, clones: { repositories: string[]; connections: string[] }): Call[] {
  const group = (p.LogsConfig as { CloudWatchLogs: { GroupName: string } }).CloudWatchLogs.GroupName;
  const name = p.Name as string;
  const env = (p.Environment ?? {}) as { Image: string; ImagePullCredentialsType?: string; EnvironmentVariables?: Array<{ Name: string; Type?: string; Value: string }> };
  const vars = env.EnvironmentVariables ?? [];
  const key = p.EncryptionKey as string | undefined;
  const calls: Call[] = [
    ...on(`arn:aws:logs:${region}:${account}:log-group:${group}`, 'build logs', 'logs:CreateLogGroup'),
    ...on(`arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:0b1c2d3e`, 'build logs', 'logs:CreateLogStream', 'logs:PutLogEvents'),
    ...artifactCalls(store ? { location: store.location, ...(key && /:key\//.test(key) ? { encryptionKey: { id: key } } : {}) } : undefined, pipeline),
  ];
  const image = ECR_URI.exec(env.Image);
  if (image) {
    calls.push(...on('*', 'registry login for the build image', 'ecr:GetAuthorizationToken'));
    calls.push(...on(`arn:aws:ecr:${image[2]}:${image[1]}:repository/${image[3]}`, 'pulling the build image (ImagePullCredentialsType SERVICE_ROLE)', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'));
  }
  for (const v of vars) {
    if (v.Type === 'PARAMETER_STORE') calls.push(...on(v.Value.startsWith('arn:') ? v.Value : `arn:aws:ssm:${region}:${account}:parameter/${v.Value.replace(/^\//, '')}`, `parameter ${v.Name}`, 'ssm:GetParameters'));
    if (v.Type === 'SECRETS_MANAGER') {
      const id = v.Value.startsWith('arn:') ? v.Value.split(':').slice(0, 7).join(':') : v.Value.split(':')[0];
      const secretArn = id?.startsWith('arn:') ? (/-[A-Za-z0-9]{6}$/.test(id) ? id : `${id}-AbCdEf`) : `arn:aws:secretsmanager:${region}:${account}:secret:${id}-AbCdEf`;
      calls.push(...on(secretArn, `secret ${v.Name}`, 'secretsmanager:GetSecretValue'));
    }
  }
  const spec = (p.Source as { BuildSpec?: string }).BuildSpec ?? '';
  // an inline buildspec (a file in the source is read at run time: its reports and pushes are unknown here)
  const doc = spec.includes('\n') ? (parse(spec) as { phases?: Record<string, { commands?: string[]; finally?: string[] }>; reports?: Record<string, unknown> }) : {};
  for (const report of Object.keys(doc.reports ?? {}))
    calls.push(...on(`arn:aws:codebuild:${region}:${account}:report-group/${name}-${report}`, `report ${report}`, 'codebuild:CreateReportGroup', 'codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases', 'codebuild:BatchPutCodeCoverages'));
  const plain = new Map(vars.filter((v) => (v.Type ?? 'PLAINTEXT') === 'PLAINTEXT').map((v) => [v.Name, v.Value]));
  const commands = Object.values(doc.phases ?? {}).flatMap((ph) => [...(ph.commands ?? []), ...(ph.finally ?? [])]);
  for (const raw of commands) {
    const c = raw.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, n: string) => plain.get(n) ?? m);
    const pushed = /\bdocker\s+(?:image\s+)?push\s+(?:-\S+\s+)*(\S+)/.exec(c)?.[1];
    const uri = pushed ? ECR_URI.exec(pushed) : null;
    if (uri) {
      calls.push(...on('*', 'registry login for the push', 'ecr:GetAuthorizationToken'));
      calls.push(...on(`arn:aws:ecr:${uri[2]}:${uri[1]}:repository/${uri[3]}`, `docker push ${pushed}`, 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchCheckLayerAvailability'));
    }
  }
  for (const r of clones.repositories) calls.push(...on(`arn:aws:codecommit:${region}:${account}:${r}`, 'git clone of a full-clone source', 'codecommit:GitPull'));
  for (const c of clones.connections) calls.push(...on(c, 'git clone through the connection', `${c.includes(':codeconnections:') ? 'codeconnections' : 'codestar-connections'}:UseConnection`));
  return calls;
}

/** A deployment group as the stack defines it, with the hook functions its deployments name. */
export interface GroupView {
  props: Props;
  platform: string;
  hooks: string[];
  /** The Lambda function and alias a Lambda group's deployments shift (from the Publish action's environment). */
  lambda?: { function: string; alias: string };
}

/** The calls CodeDeploy makes with its service role during a blue/green deployment of the group. */
export function codeDeployCalls(g: GroupView, region: string, account: string): Call[] {
  const calls: Call[] = [];
  const alarms = ((g.props.AlarmConfiguration as { Alarms?: Array<{ Name: string }> } | undefined)?.Alarms ?? []).map((a) => a.Name);
  for (const a of alarms) calls.push(...on(`arn:aws:cloudwatch:${region}:${account}:alarm:${a}`, 'watching the alarm', 'cloudwatch:DescribeAlarms'));
  const fnArn = (f: string): string => (f.startsWith('arn:') ? f : `arn:aws:lambda:${region}:${account}:function:${f}`);
  for (const h of g.hooks) calls.push(...on(fnArn(h), `lifecycle hook ${h}`, 'lambda:InvokeFunction'));
  if (g.platform === 'ECS') {
    const svc = (g.props.ECSServices as Array<{ ClusterName: string; ServiceName: string }>)[0] as { ClusterName: string; ServiceName: string };
    calls.push(...on(`arn:aws:ecs:${region}:${account}:service/${svc.ClusterName}/${svc.ServiceName}`, 'ECS task sets', 'ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet'));
    calls.push(...on(`arn:aws:ecs:${region}:${account}:task-set/${svc.ClusterName}/${svc.ServiceName}/ecs-svc/0123456789`, 'ECS task sets', 'ecs:CreateTaskSet', 'ecs:DeleteTaskSet'));
    const route = (g.props.LoadBalancerInfo as { TargetGroupPairInfoList: Array<{ ProdTrafficRoute: { ListenerArns: string[] } }> }).TargetGroupPairInfoList[0];
    for (const l of route?.ProdTrafficRoute.ListenerArns ?? []) calls.push(...on(l, 'moving traffic', 'elasticloadbalancing:ModifyListener'));
    calls.push(...on('*', 'reading the listeners', 'elasticloadbalancing:DescribeListeners'));
    calls.push({ action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/task-role`, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }, why: 'task set roles', wide: 'named in the task definition' });
  }
  if (g.platform === 'Lambda' && g.lambda) {
    const f = fnArn(g.lambda.function);
    calls.push(...on(`${f}:${g.lambda.alias}`, 'shifting the alias', 'lambda:GetAlias', 'lambda:UpdateAlias'));
  }
  if (g.platform === 'Server') {
    const asg = (g.props.AutoScalingGroups as string[])[0];
    calls.push(...on(`arn:aws:autoscaling:${region}:${account}:autoScalingGroup:0b1c2d3e:autoScalingGroupName/${asg}`, 'copying the group', 'autoscaling:CreateAutoScalingGroup'));
    calls.push(...on('*', 'reading the group', 'autoscaling:DescribeAutoScalingGroups'));
    calls.push(...on(`arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`, 'launching the green fleet', 'ec2:RunInstances'));
    calls.push(...on(`arn:aws:ec2:${region}::image/ami-0123456789abcdef0`, 'launching the green fleet', 'ec2:RunInstances'));
    calls.push({ action: 'ec2:CreateTags', resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`, context: { 'ec2:CreateAction': 'RunInstances' }, why: 'tagging while launching' });
    calls.push({ action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/web-instance`, context: { 'iam:PassedToService': 'ec2.amazonaws.com' }, why: "the instance profile's role", wide: 'named in the launch template' });
  }
  return calls;
}

/** The calls of the Commands actions blue/green writes (publishing a Lambda version, reading the live colour, switching roles), by their environment. */
export function blueGreenCommandCalls(env: Record<string, string>, region: string, account: string): Call[] {
  // names from HELPER_ENV (src/compiler/macros/blue-green-codedeploy.ts)
  const r = env.AWS_DEFAULT_REGION ?? region;
  if (env.DEPLOY_ROLE) return on(env.DEPLOY_ROLE, 'switching to the deploy role', 'sts:AssumeRole');
  const calls: Call[] = [];
  if (env.FUNCTION && env.ALIAS) {
    const f = env.FUNCTION.startsWith('arn:') ? env.FUNCTION : `arn:aws:lambda:${r}:${account}:function:${env.FUNCTION}`;
    calls.push(...on(f, 'publishing the new version', 'lambda:UpdateFunctionCode', 'lambda:PublishVersion', 'lambda:GetFunction'));
    calls.push(...on(`${f}:${env.ALIAS}`, 'reading the live version', 'lambda:GetAlias'));
  }
  if (env.ROUTING_STACK) calls.push(...on(`arn:aws:cloudformation:${r}:${account}:stack/${env.ROUTING_STACK}/0b1c2d3e`, 'reading the live colour', 'cloudformation:DescribeStacks'));
  return calls;
}
