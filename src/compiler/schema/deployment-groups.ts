import { z } from 'zod';
import { lazy, ROLE_ARN, whole } from './common.js';


/**
 * One entry of `deployment-groups:`: a CodeDeploy application and blue/green deployment group the
 * cloudformation target creates. Blue/green deploys add theirs; `pipec expand` writes them out.
 */
export const DEPLOYMENT_GROUP = lazy(() => {
  const name = z.string().min(1).max(100);
  const text = z.string().min(1).max(1000);
  return z.strictObject({
    application: name,
    name,
    platform: z.enum(['ecs', 'lambda', 'servers']),
    config: name.optional(),
    'service-role': ROLE_ARN().optional(),
    alarms: z.array(z.string().min(1).max(255)).min(1).max(10).optional(),
    wait: whole(0, 2880).optional(),
    ecs: z
      .strictObject({ cluster: text, service: text, listener: text, 'test-listener': text.optional(), 'target-groups': z.array(text).length(2) })
      .optional(),
    servers: z.strictObject({ 'auto-scaling-groups': z.array(text).min(1), 'target-group': text }).optional(),
    // A Lambda group's traffic hooks, as blue/green's lambda block names them: the functions its
    // deployments' appspecs name (BeforeAllowTraffic, AfterAllowTraffic), which the service role
    // pipec creates may then invoke (AWSCodeDeployRoleForLambda allows only CodeDeployHook_*).
    hooks: z.strictObject({ 'pre-traffic': text.optional(), 'post-traffic': text.optional() }).optional(),
  });
});


export type DeploymentGroup = z.output<ReturnType<typeof DEPLOYMENT_GROUP>>;