import { z } from 'zod';
import { ACCOUNT, BOOL, lazy, NAME, REGION, whole } from './common.js';
import { ON_FAILURE } from './pipeline.js';

/**
 * Environment names become stage names, namespaces (`<env>-deploy`) and artifact names
 * (`Deploy-<env>`), so they use what all three allow.
 */
export const ENV_NAME = lazy(() =>
  z
    .string()
    .min(1)
    .max(60)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'environment names use only letters, digits, - and _ (they name stages, namespaces and artifacts)' }),
);

/** `before:` / `after:` steps, by name: commands (a CodeBuild test), a test spec, or `{ lambda: ... }`. */
const STEPS = lazy(() => z.record(NAME(), z.unknown()).nullable());

const ALARMS = lazy(() => z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(5)]));

/** `rollback-on-alarm:` an on-success condition that rolls the stage back when an alarm fires after the deploy. */
export const ROLLBACK_ON_ALARM = lazy(() => z.union([ALARMS(), z.strictObject({ alarms: ALARMS(), wait: whole(0, 1440).optional() })]));

/** `deployment-window:` a before-entry condition: the stage runs only inside a cron window. */
export const DEPLOYMENT_WINDOW = lazy(() => z.union([z.string().min(1), z.strictObject({ cron: z.string().min(1), timezone: z.string().min(1).optional() })]));

/** `on-failure:` a word for the common cases, or the stage form. */
export const ENV_ON_FAILURE = lazy(() => z.union([z.enum(['rollback', 'retry', 'retry-all']), ON_FAILURE()]));

/** The settings of one stage that an environment (or a wave) gates with; they are never inherited. */
export const STAGE_SETTINGS = ['approval', 'rollback-on-alarm', 'deployment-window', 'on-failure'] as const;

const STAGE_SHAPE = lazy(() => ({
  production: BOOL().optional(),
  approval: z.union([BOOL(), z.record(z.string(), z.unknown())]).optional(),
  'rollback-on-alarm': ROLLBACK_ON_ALARM().nullable().optional(),
  'deployment-window': DEPLOYMENT_WINDOW().nullable().optional(),
  'on-failure': ENV_ON_FAILURE().nullable().optional(),
}));

/** One entry of `environments:`. */
export const ENVIRONMENT = lazy(() =>
  z.strictObject({
    name: ENV_NAME(),
    inherit: ENV_NAME().optional(),
    account: ACCOUNT().optional(),
    region: REGION().optional(),
    role: z.string().min(1).max(1024).optional(),
    deploy: z.record(z.string(), z.unknown()).optional(),
    before: STEPS().optional(),
    after: STEPS().optional(),
    ...STAGE_SHAPE(),
  }),
);

/** An entry of `environments:` that deploys several environments in one stage. */
/** `environments:` the list of environments and waves, in the order they are promoted through. */
export const ENVIRONMENTS = lazy(() => z.array(z.unknown()).min(1));

export const WAVE = lazy(() =>
  z.strictObject({
    wave: ENV_NAME(),
    'at-a-time': whole(1, 50).optional(),
    environments: z.array(z.unknown()).min(1).max(50),
    ...STAGE_SHAPE(),
  }),
);

/** `promotion:` the conventions environments follow, for the user to override. */
export const PROMOTION = lazy(() =>
  z.strictObject({
    'cross-account-role': z.string().min(1).max(1024).optional(),
    'region-store': z.union([z.string().min(1), z.strictObject({ bucket: z.string().min(1), 'kms-key': z.string().min(1).optional() })]).optional(),
  }),
);

/** The role a cross-account action assumes, unless `promotion.cross-account-role` or the environment's `role` says otherwise. */
export const DEFAULT_CROSS_ACCOUNT_ROLE = 'arn:aws:iam::${env.account}:role/pipec-deploy';

/** The artifact bucket of another region, unless `artifacts.stores` names it or `promotion.region-store` sets the pattern. */
export const DEFAULT_REGION_STORE = '${bucket}-${region}';

/** One environment as its schema reads it. */
export type EnvironmentRead = z.output<ReturnType<typeof ENVIRONMENT>>;
/** A wave as its schema reads it (its environments are read one by one, as ENVIRONMENT). */
export type WaveRead = z.output<ReturnType<typeof WAVE>>;
/** `before:` / `after:` steps by name, as read (each step's value is checked when it becomes an action). */
export type Steps = NonNullable<z.output<ReturnType<typeof STEPS>>>;
/** The stage settings of an environment or a wave, as read. */
export type StageSettingsRead = Partial<{ [K in keyof ReturnType<typeof STAGE_SHAPE>]: z.output<ReturnType<typeof STAGE_SHAPE>[K]> }>;
/** `promotion:` as read. */
export type Promotion = z.output<ReturnType<typeof PROMOTION>>;
/** `rollback-on-alarm:` as read. */
export type RollbackOnAlarm = z.output<ReturnType<typeof ROLLBACK_ON_ALARM>>;
/** `deployment-window:` as read. */
export type DeploymentWindow = z.output<ReturnType<typeof DEPLOYMENT_WINDOW>>;
/** An environment's (or wave's) `on-failure:` as read. */
export type EnvOnFailure = z.output<ReturnType<typeof ENV_ON_FAILURE>>;
