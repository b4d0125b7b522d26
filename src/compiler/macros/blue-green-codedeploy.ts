import { check } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { ActionKind, ExAction } from '../model.js';
import type { z } from 'zod';
import { BLUE_GREEN_BLOCKS, BLUE_GREEN_SETTINGS, type BlueGreenBlock, type BlueGreenSettings, type Platform } from '../schema/blue-green.js';
import type { Span } from '../source.js';
import { Built, madeAt, type Place } from '../positions.js';
import { choices } from '../suggest.js';
import type { DeployPlace, DeployPlan } from './blue-green.js';
import { put, rebuild, type Obj, type Placed } from './values.js';

/** Friendly traffic words to CodeDeploy's predefined deployment configurations, per compute platform. */
export const TRAFFIC: Record<Platform, Record<string, string>> = {
  ecs: {
    'all-at-once': 'CodeDeployDefault.ECSAllAtOnce',
    'canary-10-5': 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    'canary-10-15': 'CodeDeployDefault.ECSCanary10Percent15Minutes',
    'linear-10-1': 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    'linear-10-3': 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
  },
  lambda: {
    'all-at-once': 'CodeDeployDefault.LambdaAllAtOnce',
    'canary-10-5': 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    'canary-10-10': 'CodeDeployDefault.LambdaCanary10Percent10Minutes',
    'canary-10-15': 'CodeDeployDefault.LambdaCanary10Percent15Minutes',
    'canary-10-30': 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
    'linear-10-1': 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    'linear-10-2': 'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes',
    'linear-10-3': 'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes',
    'linear-10-10': 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
  },
  servers: {
    'all-at-once': 'CodeDeployDefault.AllAtOnce',
    'half-at-a-time': 'CodeDeployDefault.HalfAtATime',
    'one-at-a-time': 'CodeDeployDefault.OneAtATime',
  },
};

const LABEL: Record<Platform, string> = { ecs: 'ECS', lambda: 'Lambda', servers: 'EC2/on-premises' };

/** ECS, Lambda and EC2/on-premises blue/green: CodeDeploy actions, and the deployment group pipec creates unless it exists. */
export function codeDeployBlueGreen(platform: Platform, settingsIn: Placed<Obj>, blockIn: Placed<Obj>, place: DeployPlace, diags: Diagnostics, at: Span): DeployPlan | undefined {
  // Checked here, not before: both are the deploy's after inheritance and `${env}`, and the kind says which schema.
  const settingsSchema: z.ZodType<BlueGreenSettings> = BLUE_GREEN_SETTINGS()[platform];
  const blockSchema: z.ZodType<BlueGreenBlock> = BLUE_GREEN_BLOCKS()[platform];
  const settings = check(diags, settingsSchema, settingsIn.value, platform, settingsIn.at);
  const block = check(diags, blockSchema, blockIn.value, 'blue-green', blockIn.at);
  if (!settings || !block) return undefined;
  // The kinds' settings and blocks share no key: what is given in either.
  const given: Readonly<Record<string, unknown>> = { ...settings, ...block };
  const need = (what: string[]): boolean => {
    const missing = what.filter((k) => given[k] === undefined);
    if (missing.length === 0) return true;
    place.report.add('PC5006', `needs:${missing.join(',')}`, `${LABEL[platform]} blue/green needs ${missing.map((m) => `'${m}'`).join(' and ')}${block.existing ? '' : ' for the deployment group pipec creates'}`, at, {
      suggestion: block.existing ? undefined : `or name an existing deployment group: blue-green: { existing: true, application: ..., group: ... }`,
    } as { suggestion?: string });
    return false;
  };
  const defaultName = place.key ? `${place.pipeline}-${place.key}` : place.pipeline;
  const application = String(block.application ?? defaultName);
  const group = String(block.group ?? defaultName);
  const groups: DeployPlan['groups'] = [];
  if (block.existing) {
    if (!need(['application', 'group'])) return undefined;
    for (const k of ['traffic', 'alarms', 'service-role', 'wait', 'listener', 'test-listener', 'target-groups'] as const)
      if (block[k] !== undefined) {
        place.report.add('PC2008', `existing:${k}`, `'${k}' is a setting of the deployment group; pipec sets it only on groups it creates, not on an existing one`, blockIn.at.child(k), { suggestion: `remove '${k}', or remove 'existing: true' so that pipec creates the group with it` });
        return undefined;
      }
  } else {
    if (place.elsewhere) {
      place.report.add('PC5006', 'elsewhere', `pipec creates CodeDeploy deployment groups only in the pipeline's own account and region; this ${LABEL[platform]} blue/green deploy runs in another`, at, {
        suggestion: 'create the group there and name it: blue-green: { existing: true, application: ..., group: ... }',
      });
      return undefined;
    }
    const required = platform === 'ecs' ? ['cluster', 'service', 'listener', 'target-groups'] : platform === 'servers' ? ['auto-scaling-groups', 'target-group'] : [];
    if (!need(required)) return undefined;
    const config = trafficConfig(platform, block.traffic, place, blockIn.at.child('traffic'));
    if (block.traffic !== undefined && !config) return undefined;
    groups.push({ group: groupEntry(platform, application, group, config, settings, block), at: madeAt(at) });
  }
  if (platform === 'ecs' && !need(['container'])) return undefined;
  const { artifacts, action } = actionFactory(place, at);
  const target = { application, group };
  if (platform === 'ecs') {
    const image = block.image ?? place.handoff[0];
    if (image === undefined) {
      place.report.add('PC5006', 'image', "ECS blue/green needs 'image': the artifact holding imageDetail.json (no earlier stage produced one)", at);
      return undefined;
    }
    const spec = {
      application,
      group,
      'task-definition': block['task-definition'] ?? 'taskdef.json',
      appspec: block.appspec ?? 'appspec.yaml',
      'image1-artifact': image,
      'image1-container': block.container,
    };
    return { phases: [[action('Deploy', 'deploy', { 'ecs-blue-green': spec })]], groups, artifacts, label: 'blue/green, ECS' };
  }
  if (platform === 'servers') return { phases: [[action('Deploy', 'deploy', { codedeploy: target })]], groups, artifacts, label: 'blue/green, EC2/on-premises' };
  const pkg = String(block.package ?? 'function.zip');
  const sep = pkg.indexOf('::');
  const pkgArtifact = sep >= 0 ? pkg.slice(0, sep) : place.handoff[0];
  if (pkgArtifact === undefined) {
    place.report.add('PC5006', 'package', "Lambda blue/green needs 'package' as Artifact::path/to/function.zip (no earlier stage produced an artifact)", at);
    return undefined;
  }
  const appspec = place.artifactName('Publish');
  const hooks = block.hooks ?? {};
  const env: Obj = { FUNCTION: settings.function, ALIAS: settings.alias, PACKAGE: sep >= 0 ? pkg.slice(sep + 2) : pkg };
  if (hooks['pre-traffic'] !== undefined) env[HELPER_ENV.preTrafficHook] = hooks['pre-traffic'];
  if (hooks['post-traffic'] !== undefined) env[HELPER_ENV.postTrafficHook] = hooks['post-traffic'];
  const publish = action('Publish', 'compute', { commands: publishCommands(env, place), env: withPlaceEnv(env, place), files: ['appspec.yml'] }, { inputs: [pkgArtifact], outputs: [appspec] });
  const deploy = action('Deploy', 'deploy', { codedeploy: target }, { inputs: [appspec] });
  return { phases: [[publish], [deploy]], groups, artifacts, label: 'blue/green, Lambda' };
}

/** The deployment configuration a `traffic:` word names; other names pass as they are (custom configurations). */
function trafficConfig(platform: Platform, value: unknown, place: DeployPlace, at: Span): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const known = Object.hasOwn(TRAFFIC[platform], text) ? TRAFFIC[platform][text] : undefined;
  if (known) return known;
  if (/^[A-Z]/.test(text) || text.includes('.')) return text;
  place.report.add('PC2004', `traffic:${text}`, `'traffic' for ${LABEL[platform]} must be ${choices(Object.keys(TRAFFIC[platform]))} or the name of a deployment configuration, not '${text}'`, at);
  return undefined;
}

/** The `deployment-groups:` entry of the group pipec creates (checked by DEPLOYMENT_GROUP, as a written one is). */
function groupEntry(platform: Platform, application: string, name: string, config: string | undefined, settings: BlueGreenSettings, block: BlueGreenBlock): Obj {
  const g: Obj = { application, name, platform };
  if (config) g.config = config;
  if (block['service-role'] !== undefined) g['service-role'] = block['service-role'];
  if (block.alarms !== undefined) g.alarms = typeof block.alarms === 'string' ? [block.alarms] : block.alarms;
  if (block.wait !== undefined) g.wait = block.wait;
  if (platform === 'ecs')
    g.ecs = {
      cluster: settings.cluster,
      service: settings.service,
      listener: block.listener,
      ...(block['test-listener'] !== undefined ? { 'test-listener': block['test-listener'] } : {}),
      'target-groups': block['target-groups'],
    };
  if (platform === 'servers') {
    const asg = settings['auto-scaling-groups'];
    g.servers = { 'auto-scaling-groups': typeof asg === 'string' ? [asg] : asg, 'target-group': settings['target-group'] };
  }
  return g;
}

/** The action keys of a deploy in another account or region. */
/** Builds the actions a blue/green plan writes, remembering the artifact name each one would produce. */
export function actionFactory(place: DeployPlace, at: Span): {
  artifacts: Map<ExAction, string>;
  action: (base: string, kind: ActionKind, spec: Obj, extra?: Partial<ExAction>) => ExAction;
} {
  const artifacts = new Map<ExAction, string>();
  const action = (base: string, kind: ActionKind, spec: Obj, extra: Partial<ExAction> = {}): ExAction => {
    // Commands actions run in the pipeline's account and region; they reach the deploy's themselves (withPlaceEnv).
    const where = kind === 'compute' ? {} : placeKeys(place);
    // Made here; a Commands action's env is the place's (withPlaceEnv).
    const specAt = new Built(at, 'env' in spec ? new Map([['env', madeAt(place.at)]]) : new Map());
    const a: ExAction = { name: place.actionName(base), kind, spec, runOrder: 1, source: {}, sourceAt: actionSource(place), specAt, span: at, macro: place.macro, ...where, ...extra };
    artifacts.set(a, place.artifactName(base));
    return a;
  };
  return { artifacts, action };
}

export function placeKeys(place: DeployPlace): Partial<ExAction> {
  return { ...(place.role ? { role: place.role } : {}), ...(place.region ? { region: place.region } : {}) };
}

/** Where an action's `role` and `region` are written: the place's, or the deploy's. */
export function actionSource(place: DeployPlace): Built {
  const keys = new Map<string, Place>();
  for (const k of ['role', 'region']) if (Object.prototype.hasOwnProperty.call(place.placeSource, k)) keys.set(k, place.placeSourceAt.child(k));
  return new Built(place.at, keys);
}

/** Environment variables of the Commands actions blue/green writes; the cloudformation target grants what they do by them. */
export const HELPER_ENV = {
  function: 'FUNCTION',
  alias: 'ALIAS',
  routingStack: 'ROUTING_STACK',
  region: 'AWS_DEFAULT_REGION',
  role: 'DEPLOY_ROLE',
  preTrafficHook: 'PRE_TRAFFIC_HOOK',
  postTrafficHook: 'POST_TRAFFIC_HOOK',
} as const;

/**
 * Commands actions run in the pipeline's account and region: in another region they name it, in
 * another account they first assume the deploy role there.
 */
export function withPlaceEnv(env: Obj, place: DeployPlace): Obj {
  const out = rebuild(Object.entries(env));
  if (place.region) put(out, HELPER_ENV.region, place.region);
  if (place.role) put(out, HELPER_ENV.role, place.role);
  return out;
}

/** The command that switches a Commands action to the deploy role, when there is one. */
export function assumeRole(place: DeployPlace): string[] {
  if (!place.role) return [];
  return [
    `eval "$(aws sts assume-role --role-arn "$DEPLOY_ROLE" --role-session-name pipec --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text | awk '{print "export AWS_ACCESS_KEY_ID=" $1 " AWS_SECRET_ACCESS_KEY=" $2 " AWS_SESSION_TOKEN=" $3}')"`,
  ];
}

/**
 * Publishes a new version from the package and writes the appspec CodeDeploy shifts the alias with
 * (the current version from the alias, the target just published, the hooks if any).
 */
function publishCommands(env: Obj, place: DeployPlace): string[] {
  const hooks: string[] = [];
  if (env.PRE_TRAFFIC_HOOK !== undefined) hooks.push(`printf '  - BeforeAllowTraffic: "%s"\\n' "$PRE_TRAFFIC_HOOK" >> appspec.yml`);
  if (env.POST_TRAFFIC_HOOK !== undefined) hooks.push(`printf '  - AfterAllowTraffic: "%s"\\n' "$POST_TRAFFIC_HOOK" >> appspec.yml`);
  return [
    ...assumeRole(place),
    'CURRENT=$(aws lambda get-alias --function-name "$FUNCTION" --name "$ALIAS" --query FunctionVersion --output text)',
    'aws lambda update-function-code --function-name "$FUNCTION" --zip-file "fileb://$PACKAGE" > /dev/null',
    'aws lambda wait function-updated --function-name "$FUNCTION"',
    'TARGET=$(aws lambda publish-version --function-name "$FUNCTION" --query Version --output text)',
    `printf 'version: 0.0\\nResources:\\n  - target:\\n      Type: AWS::Lambda::Function\\n      Properties:\\n        Name: "%s"\\n        Alias: "%s"\\n        CurrentVersion: "%s"\\n        TargetVersion: "%s"\\n' "$FUNCTION" "$ALIAS" "$CURRENT" "$TARGET" > appspec.yml`,
    ...(hooks.length > 0 ? [`printf 'Hooks:\\n' >> appspec.yml`, ...hooks] : []),
  ];
}

