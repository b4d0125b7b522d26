import type { IrAction, IrDeploymentGroup, IrPipeline } from '../../compiler/ir.js';
import { HELPER_ENV } from '../../compiler/macros/blue-green-codedeploy.js';
import { SERVICE_ROLE_GRANTS } from '../../compiler/catalog/service-role-grants.js';
import { renderGrants } from './grant-render.js';
import { arn, arnPart, getAtt, pascalId, PolicyBuilder, ref, serviceTrust, sub, userArn, type Json, type Template } from './template.js';

/**
 * `deployment-groups:` (written, or added by blue/green deploys): a CodeDeploy application per
 * application name and a blue/green deployment group per entry, rolling back on failure and on
 * the group's alarms, with a service role for the groups that do not name one. Also the grants of
 * the Commands actions blue/green writes (publishing a Lambda version, reading the live colour).
 */
export function addDeploymentGroups(t: Template, p: IrPipeline, pipelinePolicy: PolicyBuilder): void {
  const groups = p.deploymentGroups ?? [];
  const apps = new Map<string, string>();
  const needsRole = groups.filter((g) => !g.serviceRoleArn);
  let serviceRole: Json | undefined;
  if (needsRole.length > 0) {
    const platforms = [...new Set(needsRole.map((g) => g.platform))].sort();
    const data = SERVICE_ROLE_GRANTS.codedeploy;
    const facts: Record<string, Json[]> = { servers: platforms.includes('Server') ? ['Server'] : [], 'lambda-hooks': platforms.includes('Lambda') ? lambdaHooks(p, needsRole) : [] };
    const byPolicy = new Map<string, PolicyBuilder>();
    for (const g of renderGrants(data.grants, { config: {}, region: '${AWS::Region}', pipeline: p.name, facts })) {
      const name = data.grants.find((d) => d.sid === g.sid)?.policy ?? 'codedeploy';
      const policy = byPolicy.get(name) ?? new PolicyBuilder();
      policy.add(g);
      byPolicy.set(name, policy);
    }
    const inline = [...byPolicy].map(([PolicyName, policy]) => ({ PolicyName, PolicyDocument: policy.document() }));
    const id = t.add(t.uniqueId('CodeDeployServiceRole'), 'AWS::IAM::Role', {
      Description: `pipec: the role CodeDeploy assumes for the blue/green deployment groups of pipeline ${p.name}`,
      AssumeRolePolicyDocument: serviceTrust(data.service),
      ManagedPolicyArns: platforms.map((pl) => sub((data.managedPolicies?.[pl] ?? '').replace('{partition}', '${AWS::Partition}'))),
      ...(inline.length > 0 ? { Policies: inline } : {}),
    });
    serviceRole = getAtt(id, 'Arn');
  }
  for (const g of groups) {
    let app = apps.get(g.application);
    if (!app) {
      app = t.add(t.uniqueId(`${pascalId(g.application)}CodeDeployApplication`), 'AWS::CodeDeploy::Application', { ApplicationName: g.application, ComputePlatform: g.platform });
      apps.set(g.application, app);
    }
    t.add(t.uniqueId(`${pascalId(g.application, g.name)}DeploymentGroup`), 'AWS::CodeDeploy::DeploymentGroup', groupProperties(g, ref(app), g.serviceRoleArn ? userArn(g.serviceRoleArn) : (serviceRole as Json)));
  }
  // the pipeline role runs the blue/green Commands actions: their grants join its policy
  helperGrants(p, pipelinePolicy);
}

function groupProperties(g: IrDeploymentGroup, app: Json, role: Json): Record<string, Json> {
  const wait = g.terminateAfterMinutes ?? (g.platform === 'Lambda' ? undefined : 5);
  const props: Record<string, Json> = {
    ApplicationName: app,
    DeploymentGroupName: g.name,
    ServiceRoleArn: role,
    ...(g.config ? { DeploymentConfigName: g.config } : {}),
    DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    AutoRollbackConfiguration: { Enabled: true, Events: g.alarms.length > 0 ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] : ['DEPLOYMENT_FAILURE'] },
    ...(g.alarms.length > 0 ? { AlarmConfiguration: { Enabled: true, Alarms: g.alarms.map((Name) => ({ Name })) } } : {}),
  };
  if (g.ecs) {
    props.BlueGreenDeploymentConfiguration = {
      DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT', WaitTimeInMinutes: 0 },
      TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: wait },
    };
    props.ECSServices = [{ ClusterName: g.ecs.cluster, ServiceName: g.ecs.service }];
    props.LoadBalancerInfo = {
      TargetGroupPairInfoList: [
        {
          ProdTrafficRoute: { ListenerArns: [g.ecs.listener] },
          ...(g.ecs.testListener ? { TestTrafficRoute: { ListenerArns: [g.ecs.testListener] } } : {}),
          TargetGroups: g.ecs.targetGroups.map((Name) => ({ Name })),
        },
      ],
    };
  }
  if (g.servers) {
    props.BlueGreenDeploymentConfiguration = {
      GreenFleetProvisioningOption: { Action: 'COPY_AUTO_SCALING_GROUP' },
      DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT', WaitTimeInMinutes: 0 },
      TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: wait },
    };
    props.AutoScalingGroups = g.servers.autoScalingGroups;
    props.LoadBalancerInfo = { TargetGroupInfoList: [{ Name: g.servers.targetGroup }] };
  }
  return props;
}

/**
 * The hook functions the Lambda deployments of blue/green name (their Publish commands write them
 * into the appspec), and those the Lambda groups of `groups` declare (`hooks:`):
 * AWSCodeDeployRoleForLambda lets CodeDeploy invoke only functions named CodeDeployHook_*
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambda.html).
 */
function lambdaHooks(p: IrPipeline, groups: readonly IrDeploymentGroup[]): Json[] {
  const out: Json[] = [];
  for (const g of groups)
    for (const hook of g.platform === 'Lambda' ? (g.hooks ?? []) : [])
      out.push(...hookArns(hook, '${AWS::Region}'));
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (a.category !== 'Compute') continue;
      const env = envOf(a);
      const region = env[HELPER_ENV.region] ?? '${AWS::Region}';
      for (const hook of [env[HELPER_ENV.preTrafficHook], env[HELPER_ENV.postTrafficHook]])
        if (hook) out.push(...hookArns(hook, region));
    }
  return out;
}

/** A hook function (name or ARN) and its versions and aliases, as IAM names them. */
function hookArns(hook: string, region: string): Json[] {
  return hook.startsWith('arn:') ? [userArn(hook), userArn(`${hook}:*`)] : [arn('lambda', `function:${arnPart(hook)}`, region), arn('lambda', `function:${arnPart(hook)}:*`, region)];
}

/** What the Commands actions of blue/green deploys do with the pipeline role: recognised by their environment. */
function helperGrants(p: IrPipeline, policy: PolicyBuilder): void {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (a.category !== 'Compute') continue;
      const env = envOf(a);
      const region = env[HELPER_ENV.region] ?? '${AWS::Region}';
      if (env[HELPER_ENV.role]) {
        // In another account the commands switch to the deploy role, which must allow the rest.
        policy.add({ sid: 'AssumeDeployRoles', actions: ['sts:AssumeRole'], resources: [userArn(env[HELPER_ENV.role] as string)] });
        continue;
      }
      const fn = env[HELPER_ENV.function];
      if (fn && env[HELPER_ENV.alias]) {
        const name = arnPart(fn);
        policy.add({
          sid: 'PublishLambdaVersions',
          actions: ['lambda:GetAlias', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:PublishVersion', 'lambda:UpdateFunctionCode'],
          resources: fn.startsWith('arn:') ? [userArn(fn), userArn(`${fn}:*`)] : [arn('lambda', `function:${name}`, region), arn('lambda', `function:${name}:*`, region)],
        });
      }
      const routing = env[HELPER_ENV.routingStack];
      if (routing) policy.add({ sid: 'ReadLiveColour', actions: ['cloudformation:DescribeStacks'], resources: [arn('cloudformation', `stack/${arnPart(routing)}/*`, region)] });
    }
}

function envOf(a: IrAction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of a.environmentVariables ?? []) if (e.type === 'PLAINTEXT') out[e.name] = e.value;
  return out;
}
