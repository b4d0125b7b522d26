import { z } from 'zod';
import { ARTIFACT, BOOL, NAME, whole } from './common.js';

/*
 * `blue-green:` on a deploy: the settings of each kind (CloudFormation's four-step pattern, and
 * CodeDeploy's ECS, Lambda and server deployments); the macros in macros/blue-green*.ts read them.
 */

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

/** The `blue-green:` settings of each CodeDeploy kind. */
export const BLUE_GREEN_BLOCKS: Record<Platform, z.ZodType> = {
  ecs: z.strictObject({
    ...COMMON,
    container: TEXT.optional(),
    image: ARTIFACT.optional(),
    'task-definition': TEXT.optional(),
    appspec: TEXT.optional(),
    listener: TEXT.optional(),
    'test-listener': TEXT.optional(),
    'target-groups': z.array(TEXT).length(2).optional(),
    wait: WAIT,
  }),
  lambda: z.strictObject({ ...COMMON, package: TEXT.optional(), hooks: z.strictObject({ 'pre-traffic': TEXT.optional(), 'post-traffic': TEXT.optional() }).optional() }),
  servers: z.strictObject({ ...COMMON, wait: WAIT }),
};

/** What the provider key of each kind holds. */
export const BLUE_GREEN_SETTINGS: Record<Platform, z.ZodType> = {
  ecs: z.strictObject({ cluster: TEXT.optional(), service: TEXT.optional() }),
  lambda: z.strictObject({ function: TEXT, alias: TEXT }),
  servers: z.strictObject({ 'auto-scaling-groups': NAMES.optional(), 'target-group': TEXT.optional() }),
};

