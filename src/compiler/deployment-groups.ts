import { check } from './check.js';
import type { Diagnostics } from './diagnostics.js';
import type { IrDeploymentGroup } from './ir.js';
import { isObj } from './macros/values.js';
import type { ExDeploymentGroup, ExPipeline } from './model.js';
import { DEPLOYMENT_GROUP } from './schema/deployment-groups.js';
import type { Place } from './positions.js';
import type { Span } from './source.js';

const PLATFORMS = { ecs: 'ECS', lambda: 'Lambda', servers: 'Server' } as const;

/**
 * Checks `deployment-groups:` entries (written, or added by blue/green macros): each against its schema,
 * and its platform's block present and no other's. Entries with a mistake are reported and left out.
 */
export function readDeploymentGroups(entries: ReadonlyArray<{ group: unknown; at: Place }>, diags: Diagnostics): ExDeploymentGroup[] {
  const out: ExDeploymentGroup[] = [];
  for (const { group: entry, at } of entries) {
    const span = at.node();
    const g = check(diags, DEPLOYMENT_GROUP(), entry, 'deployment group', at);
    if (!g || !isObj(entry)) continue;
    const block = g.platform === 'lambda' ? undefined : g.platform;
    const stray = (['ecs', 'servers'] as const).find((k) => k !== block && g[k] !== undefined);
    if (stray) {
      diags.add('PC2008', `'${stray}' describes a ${PLATFORMS[stray]} group, but this one is for ${g.platform}`, at.key(stray));
      continue;
    }
    if (block && g[block] === undefined) {
      diags.add('PC2003', `a ${g.platform} deployment group needs '${block}' (${block === 'ecs' ? 'cluster, service, listener, target-groups' : 'auto-scaling-groups, target-group'})`, span);
      continue;
    }
    if (g.platform === 'lambda' && g.wait !== undefined) {
      diags.add('PC2008', "'wait' keeps old tasks or instances; a Lambda group has none", at.key('wait'));
      continue;
    }
    if (g.hooks !== undefined && g.platform !== 'lambda') {
      diags.add('PC2008', `'hooks' names the Lambda functions of a Lambda group's traffic hooks; this group is for ${g.platform}`, at.key('hooks'), {
        suggestion: g.platform === 'ecs' ? "remove 'hooks': the role CodeDeploy uses for ECS (AWSCodeDeployRoleForECS) may invoke any function an appspec names" : "remove 'hooks': EC2/on-premises hooks are scripts in the revision's appspec",
      });
      continue;
    }
    if (g.hooks !== undefined && g['service-role'] !== undefined) {
      diags.add('PC2008', "'hooks' lets the service role pipec creates invoke them; this group names its own 'service-role', whose policy pipec does not write", at.key('hooks'), {
        suggestion: "remove 'hooks' and let your role allow lambda:InvokeFunction on them, or remove 'service-role' so that pipec creates the role",
      });
      continue;
    }
    out.push({ group: g, written: entry, span });
  }
  return out;
}

/** A pipeline's checked deployment groups in the IR; a group named twice, or an application of two platforms, is an error. */
export function lowerDeploymentGroups(ex: ExPipeline, diags: Diagnostics): IrDeploymentGroup[] {
  const out: IrDeploymentGroup[] = [];
  const seen = new Map<string, Span>();
  const platformOf = new Map<string, { platform: string; span: Span }>();
  for (const { group: g, span } of ex.deploymentGroups ?? []) {
    const id = `${g.application}/${g.name}`;
    const first = seen.get(id);
    if (first) {
      diags.add('PC5008', `deployment group '${g.name}' of application '${g.application}' is defined twice`, span, {
        // An inherited block is defined twice at one place; a note pointing at the same text says nothing.
        notes: first.file === span.file && first.start === span.start ? [] : [{ message: 'first defined here', span: first }],
        suggestion: "give each deploy its own 'group' (environments inherit blue/green settings, names included)",
      });
      continue;
    }
    seen.set(id, span);
    const app = platformOf.get(g.application);
    if (app && app.platform !== g.platform) {
      diags.add('PC5008', `application '${g.application}' holds a ${app.platform} group already; a CodeDeploy application has one compute platform`, span, {
        notes: [{ message: `the ${app.platform} group`, span: app.span }],
      });
      continue;
    }
    platformOf.set(g.application, { platform: g.platform, span });
    out.push({
      application: g.application,
      name: g.name,
      platform: PLATFORMS[g.platform],
      ...(g.config ? { config: g.config } : {}),
      ...(g['service-role'] ? { serviceRoleArn: g['service-role'] } : {}),
      alarms: g.alarms ?? [],
      ...(g.wait !== undefined ? { terminateAfterMinutes: g.wait } : {}),
      ...(g.ecs
        ? {
            ecs: {
              cluster: g.ecs.cluster,
              service: g.ecs.service,
              listener: g.ecs.listener,
              ...(g.ecs['test-listener'] ? { testListener: g.ecs['test-listener'] } : {}),
              targetGroups: [g.ecs['target-groups'][0] as string, g.ecs['target-groups'][1] as string],
            },
          }
        : {}),
      ...(g.servers ? { servers: { autoScalingGroups: g.servers['auto-scaling-groups'], targetGroup: g.servers['target-group'] } } : {}),
      ...(g.hooks ? { hooks: [g.hooks['pre-traffic'], g.hooks['post-traffic']].filter((h): h is string => h !== undefined) } : {}),
      span,
    });
  }
  return out;
}
