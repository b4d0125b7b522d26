import { MANAGED_POLICIES, PERMISSIONS } from './iam.js';
import { z } from 'zod';
import { ACCOUNT, apiCount, apiText, BOOL, BUCKET, lazy, MACRO_VALUE, NAME, PROJECT, REGION, ROLE_ARN, TEXT } from './common.js';

const KMS_KEY = lazy(() => z.string().min(1).max(400));

/** `existing: true`: the bucket is there already, so the cloudformation target refers to it instead of creating it. */
const EXISTING = lazy(() => BOOL().optional());

/** One artifact store: a bucket, or a bucket with its KMS key. */
export const STORE = lazy(() => z.union([BUCKET(), z.strictObject({ bucket: BUCKET(), 'kms-key': KMS_KEY().optional(), existing: EXISTING() })]));

/** `artifacts:` the bucket (and key) CodePipeline keeps artifacts in, per region when cross-region. */
export const ARTIFACTS = lazy(() =>
  z.union([
    BUCKET(),
    z.strictObject({
      bucket: BUCKET().optional(),
      'kms-key': KMS_KEY().optional(),
      existing: EXISTING(),
      stores: z.record(REGION(), STORE()).optional(),
    }),
  ]),
);

/** `notifications:` events by their pipeline.yml names, and the CodeStar notification event type each stands for. */
export const NOTIFICATION_EVENTS: Readonly<Record<string, string>> = {
  'pipeline-started': 'codepipeline-pipeline-pipeline-execution-started',
  'pipeline-succeeded': 'codepipeline-pipeline-pipeline-execution-succeeded',
  'pipeline-failed': 'codepipeline-pipeline-pipeline-execution-failed',
  'pipeline-canceled': 'codepipeline-pipeline-pipeline-execution-canceled',
  'pipeline-resumed': 'codepipeline-pipeline-pipeline-execution-resumed',
  'pipeline-superseded': 'codepipeline-pipeline-pipeline-execution-superseded',
  'stage-started': 'codepipeline-pipeline-stage-execution-started',
  'stage-succeeded': 'codepipeline-pipeline-stage-execution-succeeded',
  'stage-failed': 'codepipeline-pipeline-stage-execution-failed',
  'stage-canceled': 'codepipeline-pipeline-stage-execution-canceled',
  'stage-resumed': 'codepipeline-pipeline-stage-execution-resumed',
  'action-started': 'codepipeline-pipeline-action-execution-started',
  'action-succeeded': 'codepipeline-pipeline-action-execution-succeeded',
  'action-failed': 'codepipeline-pipeline-action-execution-failed',
  'action-canceled': 'codepipeline-pipeline-action-execution-canceled',
  'approval-needed': 'codepipeline-pipeline-manual-approval-needed',
  'approval-succeeded': 'codepipeline-pipeline-manual-approval-succeeded',
  'approval-failed': 'codepipeline-pipeline-manual-approval-failed',
};

/** `notifications:` pipeline events to an SNS topic (the user's, or one the cloudformation target creates). */
export const NOTIFICATIONS = lazy(() =>
  z.strictObject({
    topic: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, { message: 'expected an SNS topic ARN (arn:aws:sns:us-east-1:123456789012:name)' })
      .optional(),
    events: z.array(z.enum(Object.keys(NOTIFICATION_EVENTS) as [string, ...string[]])).min(1),
    detail: z.enum(['basic', 'full']).optional(),
  }),
);

const GIT = 'pipeline.triggers[].gitConfiguration.push[].branches.includes';
/** `triggers:` git push / pull-request filters on a connection source (V2). */
export const TRIGGER = lazy(() => {
  const patterns = z.array(apiText(`${GIT}[]`)).min(apiCount(GIT).min).max(apiCount(GIT).max);
  const criteria = z.union([
    patterns,
    z
      .strictObject({
        include: patterns.optional(),
        exclude: patterns.optional(),
      })
      .refine((v) => v.include || v.exclude, { message: "give 'include', 'exclude' or both" }),
  ]);
  const push = z.strictObject({ branches: criteria.optional(), tags: criteria.optional(), paths: criteria.optional() });
  const pull = z.strictObject({
    events: z.array(z.enum(['open', 'updated', 'closed'])).min(1).max(3).optional(),
    branches: criteria,
    paths: criteria.optional(),
  });
  return z.strictObject({
    source: NAME().optional(),
    push: z.union([push, z.array(push).min(1).max(3)]).optional(),
    'pull-request': z.union([pull, z.array(pull).min(1).max(3)]).optional(),
  });
});

/** `variables:` pipeline-level variables (V2), at most as many as the API takes. */
export const VARIABLES = lazy(() => {
  const value = TEXT().pipe(apiText('pipeline.variables[].defaultValue'));
  const variable = z.union([
    value,
    z.strictObject({ default: value.optional(), description: TEXT().pipe(apiText('pipeline.variables[].description')).optional() }),
  ]);
  return z
    .record(apiText('pipeline.variables[].name', 'variable names use only letters, digits and @ - _'), variable)
    .refine((v) => Object.keys(v).length <= apiCount('pipeline.variables').max, {
      message: `a pipeline has at most ${apiCount('pipeline.variables').max} variables`,
      params: { code: 'PC2006' },
    });
});

export const TAGS = lazy(() => z.record(apiText('tags[].key'), TEXT().pipe(apiText('tags[].value'))));

/** Settings a pipeline can take from the file's top level when the file holds `pipelines:`. */
export const SHARED = lazy(() => ({
  role: ROLE_ARN().optional(),
  /**
   * What the cloudformation target does with `role:`: `attach` (default) attaches the grants pipec
   * computes to it; `none` attaches nothing (the user grants the role, e.g. one role many pipelines share).
   */
  'role-policy': z.enum(['attach', 'none']).optional(),
  region: REGION().optional(),
  account: ACCOUNT().optional(),
  connection: z.string().min(1).optional(),
  artifacts: ARTIFACTS().optional(),
  type: z.enum(['V1', 'V2', 'v1', 'v2']).optional(),
  execution: z.enum(['superseded', 'queued', 'parallel', 'SUPERSEDED', 'QUEUED', 'PARALLEL']).optional(),
  tags: TAGS().optional(),
  /** The project the pipelines belong to: apply tags them with it and prunes only its own. */
  project: PROJECT().optional(),
  /** Conventions of `environments:`: read by PROMOTION where it is written (schema/pipeline-input.ts; once per file when shared). */
  promotion: z.unknown().optional(),
}));

/**
 * One pipeline's top-level keys. The lists whose entries are read one by one (environments, stages,
 * deployment groups) have their entries checked by their own schemas where each is written, so a
 * mistake in one entry leaves the others read and messages name the entry ("in environment", "in
 * stage"): `environments` and `promotion` by schema/pipeline-input.ts, `stages` by desugar.ts,
 * `deployment-groups` by deployment-groups.ts.
 */
export const PIPELINE = lazy(() =>
  z.strictObject({
    name: NAME(),
    ...SHARED(),
    variables: VARIABLES().optional(),
    triggers: z.array(TRIGGER()).max(apiCount('pipeline.triggers').max).optional(),
    notifications: NOTIFICATIONS().optional(),
    permissions: PERMISSIONS().optional(),
    'managed-policies': MANAGED_POLICIES().optional(),
    source: MACRO_VALUE().optional(),
    sources: z.record(z.string(), MACRO_VALUE()).optional(),
    build: MACRO_VALUE().optional(),
    tests: z.record(z.string(), MACRO_VALUE()).optional(),
    /** A deploy, or a blue/green deploy (`strategy:`/`blue-green:`, whose settings its kind's schemas check once the macro knows the kind). */
    deploy: MACRO_VALUE().optional(),
    environments: z.unknown().optional(),
    'deployment-groups': z.array(z.unknown()).optional(),
    stages: z.array(z.unknown()).optional(),
  }),
);

/** A file holding several pipelines, with shared settings beside them. */
export const WORKSPACE = lazy(() =>
  z.strictObject({
    ...SHARED(),
    pipelines: z.array(z.unknown()).min(1),
  }),
);

const RULE_RESULT = lazy(() => z.enum(['rollback', 'fail', 'retry', 'skip']));

/** A stage condition: the result when it fails, and 1..5 rules. */
export const CONDITION = lazy(() =>
  z.strictObject({
    result: RULE_RESULT().optional(),
    rules: z.array(z.unknown()).min(1).max(5),
  }),
);

/**
 * `on-failure`: the stage's result (rollback or retry), or a condition whose rules decide: written
 * like the other hooks (`{ result: rollback, rules: [...] }`), or as `condition:` beside a stage result.
 */
export const ON_FAILURE = lazy(() =>
  z
    .strictObject({
      result: RULE_RESULT().optional(),
      'retry-mode': z.enum(['failed-actions', 'all-actions']).optional(),
      rules: CONDITION().shape.rules.optional(),
      condition: CONDITION().optional(),
    })
    .refine((f) => !(f.rules && f.condition), { message: "give the rules either beside 'result' or inside 'condition', not both", params: { code: 'PC2008' } }),
);

/** A stage: exactly one of `actions` (parallel unless run-order says otherwise) or `steps` (in order). */
export const STAGE = lazy(() =>
  z.strictObject({
    name: NAME(),
    actions: z.array(z.unknown()).min(1).max(50).optional(),
    steps: z.array(z.unknown()).min(1).max(50).optional(),
    'before-entry': CONDITION().optional(),
    'on-success': CONDITION().optional(),
    'on-failure': ON_FAILURE().optional(),
    /** The inbound transition starts disabled, with this reason (DisableStageTransition's limits). */
    'disable-inbound': z
      .string()
      .min(1)
      .max(300)
      .regex(/^[a-zA-Z0-9!@ ().*?-]+$/, { message: 'a transition reason uses only letters, digits, spaces and ! @ ( ) . * ? -' })
      .optional(),
  }),
);

/** A step that groups actions which run together. */
export const PARALLEL = lazy(() => z.strictObject({ parallel: z.array(z.unknown()).min(1).max(50) }));

/*
 * The model's types are the schemas' output types: what `check` returns for a value the schema accepts.
 * Schemas without transforms (conditions, triggers, notifications) give the same shape as written.
 */
export type Artifacts = z.output<ReturnType<typeof ARTIFACTS>>;
export type Store = z.output<ReturnType<typeof STORE>>;
export type Variables = z.output<ReturnType<typeof VARIABLES>>;
export type Trigger = z.output<ReturnType<typeof TRIGGER>>;
export type Notifications = z.output<ReturnType<typeof NOTIFICATIONS>>;
export type Condition = z.output<ReturnType<typeof CONDITION>>;
export type OnFailure = z.output<ReturnType<typeof ON_FAILURE>>;
export type PipelineRead = z.output<ReturnType<typeof PIPELINE>>;
export type WorkspaceRead = z.output<ReturnType<typeof WORKSPACE>>;
export type StageRead = z.output<ReturnType<typeof STAGE>>;
/** The settings a pipeline can take from its file's top level, as read. */
export type SharedSettings = Partial<Pick<PipelineRead, 'role' | 'role-policy' | 'region' | 'account' | 'connection' | 'artifacts' | 'type' | 'execution' | 'project'>>;
