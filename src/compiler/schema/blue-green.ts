import { z } from 'zod';
import { ARTIFACT, BOOL, lazy, NAME, whole } from './common.js';

/*
 * `blue-green:` on a deploy: the settings of each kind (CloudFormation's four-step pattern, and
 * CodeDeploy's ECS, Lambda and server deployments); the macros in macros/blue-green*.ts read them.
 */

/** `strategy:` on a deploy: the one strategy there is besides a plain deploy. */
export const STRATEGY = lazy(() => z.literal('blue-green'));

/** The `blue-green:` settings of a CloudFormation blue/green deploy. */
export const CFN_BLUE_GREEN = lazy(() =>
  z.strictObject({
    routing: z.record(z.string(), z.unknown()).optional(),
    'color-parameter': z
      .string()
      .regex(/^[A-Za-z0-9]{1,255}$/, { message: 'a CloudFormation parameter name: letters and digits' })
      .optional(),
    validate: z.record(NAME(), z.unknown()).optional(),
    rollback: BOOL().optional(),
  }),
);

/** The compute platforms a CodeDeploy blue/green deploy targets. */
export type Platform = 'ecs' | 'lambda' | 'servers';

const TEXT = lazy(() => z.string().min(1).max(1000));

/** The `blue-green:` settings of each CodeDeploy kind. */
export const BLUE_GREEN_BLOCKS = lazy(() => {
  const text = TEXT();
  const common = {
    application: text.optional(),
    group: text.optional(),
    existing: BOOL().optional(),
    traffic: text.optional(),
    'service-role': text.optional(),
    alarms: z.union([text, z.array(text).min(1).max(10)]).optional(),
  };
  const wait = whole(0, 2880).optional();
  return {
    ecs: z.strictObject({
      ...common,
      container: text.optional(),
      image: ARTIFACT().optional(),
      'task-definition': text.optional(),
      appspec: text.optional(),
      listener: text.optional(),
      'test-listener': text.optional(),
      'target-groups': z.array(text).length(2).optional(),
      wait,
    }),
    lambda: z.strictObject({ ...common, package: text.optional(), hooks: z.strictObject({ 'pre-traffic': text.optional(), 'post-traffic': text.optional() }).optional() }),
    servers: z.strictObject({ ...common, wait }),
  } as const satisfies Record<Platform, z.ZodType>;
});

/** What the provider key of each kind holds. */
export const BLUE_GREEN_SETTINGS = lazy(() => {
  const text = TEXT();
  return {
    ecs: z.strictObject({ cluster: text.optional(), service: text.optional() }),
    lambda: z.strictObject({ function: text, alias: text }),
    servers: z.strictObject({ 'auto-scaling-groups': z.union([text, z.array(text).min(1)]).optional(), 'target-group': text.optional() }),
  } as const satisfies Record<Platform, z.ZodType>;
});

type Blocks = ReturnType<typeof BLUE_GREEN_BLOCKS>;
type Settings = ReturnType<typeof BLUE_GREEN_SETTINGS>;

/** The `blue-green:` settings of a CloudFormation blue/green deploy, as read. */
export type CfnBlueGreen = z.output<ReturnType<typeof CFN_BLUE_GREEN>>;
/** The `blue-green:` settings of a CodeDeploy kind as read: each kind's keys, those of the other kinds absent. */
export type BlueGreenBlock = Partial<z.output<Blocks['ecs']> & z.output<Blocks['lambda']> & z.output<Blocks['servers']>>;
/** What the provider key of a CodeDeploy kind holds, as read. */
export type BlueGreenSettings = Partial<z.output<Settings['ecs']> & z.output<Settings['lambda']> & z.output<Settings['servers']>>;
