import { z } from 'zod';
import { ROLE_ARN, whole } from './common.js';

const NAME = z.string().min(1).max(100);
const TEXT = z.string().min(1).max(1000);

/**
 * One entry of `deployment-groups:`: a CodeDeploy application and blue/green deployment group the
 * cloudformation target creates. Blue/green deploys add theirs; `pipec expand` writes them out.
 */
export const DEPLOYMENT_GROUP = z.strictObject({
  application: NAME,
  name: NAME,
  platform: z.enum(['ecs', 'lambda', 'servers']),
  config: NAME.optional(),
  'service-role': ROLE_ARN.optional(),
  alarms: z.array(z.string().min(1).max(255)).min(1).max(10).optional(),
  wait: whole(0, 2880).optional(),
  ecs: z
    .strictObject({ cluster: TEXT, service: TEXT, listener: TEXT, 'test-listener': TEXT.optional(), 'target-groups': z.array(TEXT).length(2) })
    .optional(),
  servers: z.strictObject({ 'auto-scaling-groups': z.array(TEXT).min(1), 'target-group': TEXT }).optional(),
  // A Lambda group's traffic hooks, as blue/green's lambda block names them: the functions its
  // deployments' appspecs name (BeforeAllowTraffic, AfterAllowTraffic), which the service role
  // pipec creates may then invoke (AWSCodeDeployRoleForLambda allows only CodeDeployHook_*).
  hooks: z.strictObject({ 'pre-traffic': TEXT.optional(), 'post-traffic': TEXT.optional() }).optional(),
});


export type DeploymentGroup = z.output<typeof DEPLOYMENT_GROUP>;