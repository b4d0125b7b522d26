import { z } from 'zod';
import { ARTIFACT, BOOL, NAME, whole } from './common.js';

/*
 * `blue-green:` on a deploy: the settings of each kind (CloudFormation's four-step pattern, and
 * CodeDeploy's ECS, Lambda and server deployments); the macros in macros/blue-green*.ts read them.
 */

/** `strategy:` on a deploy: the one strategy there is besides a plain deploy. */
export const STRATEGY = z.literal('blue-green');

/** The `blue-green:` settings of a CloudFormation blue/green deploy. */
export const CFN_BLUE_GREEN = z.strictObject({
  routing: z.record(z.string(), z.unknown()).optional(),
  'color-parameter': z
    .string()
    .regex(/^[A-Za-z0-9]{1,255}$/, { message: 'a CloudFormation parameter name: letters and digits' })
    .optional(),
  validate: z.record(NAME, z.unknown()).optional(),
  rollback: BOOL.optional(),
});

/** The compute platforms a CodeDeploy blue/green deploy targets. */
export type Platform = 'ecs' | 'lambda' | 'servers';

const TEXT = z.string().min(1).max(1000);
const NAMES = z.union([TEXT, z.array(TEXT).min(1)]);
const COMMON = {
  application: TEXT.optional(),
  group: TEXT.optional(),
  existing: BOOL.optional(),
  traffic: TEXT.optional(),
  'service-role': TEXT.optional(),
  alarms: z.union([TEXT, z.array(TEXT).min(1).max(10)]).optional(),
};
const WAIT = whole(0, 2880).optional();

const ECS_BLOCK = z.strictObject({
  ...COMMON,
  container: TEXT.optional(),
  image: ARTIFACT.optional(),
  'task-definition': TEXT.optional(),
  appspec: TEXT.optional(),
  listener: TEXT.optional(),
  'test-listener': TEXT.optional(),
  'target-groups': z.array(TEXT).length(2).optional(),
  wait: WAIT,
});
const LAMBDA_BLOCK = z.strictObject({ ...COMMON, package: TEXT.optional(), hooks: z.strictObject({ 'pre-traffic': TEXT.optional(), 'post-traffic': TEXT.optional() }).optional() });
const SERVERS_BLOCK = z.strictObject({ ...COMMON, wait: WAIT });

/** The `blue-green:` settings of each CodeDeploy kind. */
export const BLUE_GREEN_BLOCKS = { ecs: ECS_BLOCK, lambda: LAMBDA_BLOCK, servers: SERVERS_BLOCK } as const satisfies Record<Platform, z.ZodType>;

const ECS_SETTINGS = z.strictObject({ cluster: TEXT.optional(), service: TEXT.optional() });
const LAMBDA_SETTINGS = z.strictObject({ function: TEXT, alias: TEXT });
const SERVERS_SETTINGS = z.strictObject({ 'auto-scaling-groups': NAMES.optional(), 'target-group': TEXT.optional() });

/** What the provider key of each kind holds. */
export const BLUE_GREEN_SETTINGS = { ecs: ECS_SETTINGS, lambda: LAMBDA_SETTINGS, servers: SERVERS_SETTINGS } as const satisfies Record<Platform, z.ZodType>;

/** The `blue-green:` settings of a CloudFormation blue/green deploy, as read. */
export type CfnBlueGreen = z.output<typeof CFN_BLUE_GREEN>;
/** The `blue-green:` settings of a CodeDeploy kind as read: each kind's keys, those of the other kinds absent. */
export type BlueGreenBlock = Partial<z.output<typeof ECS_BLOCK> & z.output<typeof LAMBDA_BLOCK> & z.output<typeof SERVERS_BLOCK>>;
/** What the provider key of a CodeDeploy kind holds, as read. */
export type BlueGreenSettings = Partial<z.output<typeof ECS_SETTINGS> & z.output<typeof LAMBDA_SETTINGS> & z.output<typeof SERVERS_SETTINGS>>;
