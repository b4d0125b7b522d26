import { z } from 'zod';
import type { Field, Provider, RuleProvider } from '../catalog/index.js';
import { ACTION, ACTION_COMMON, apiCount, apiRange, apiText, ARTIFACT, BOOL, ENV, lazy, NAME, REGION, ROLE_ARN, RULE, SECRET_REF, STRINGS, TEXT, whole } from './common.js';
import { MANAGED_POLICIES, PERMISSIONS } from './iam.js';

const SCALAR_TEXT = lazy(() => z.union([z.string().min(1).max(1000), z.number()]).transform(String));

/** The zod type of one catalog field, as pipeline.yml writes it. */
function fieldSchema(f: Field): z.ZodType {
  switch (f.type) {
    case 'string':
      return SCALAR_TEXT();
    case 'bool':
      return BOOL();
    case 'int':
      return whole(f.min, f.max);
    case 'enum': {
      const values = Object.keys(f.values ?? {});
      return z.enum([...values, ...Object.values(f.values ?? {}).filter((v) => !values.includes(v))] as [string, ...string[]]);
    }
    case 'list': {
      if (f.values) {
        const item = z.enum([...Object.keys(f.values), ...Object.values(f.values)] as [string, ...string[]]);
        return z.union([item, z.array(item).min(1)]);
      }
      return z.union([z.string().min(1), z.array(SCALAR_TEXT()).min(1)]);
    }
    case 'json':
      return z.union([z.string().min(1), z.number(), z.boolean(), z.record(z.string(), z.unknown()), z.array(z.unknown())]);
    case 'artifact-path':
      return z.string().min(1).max(1000);
    case 'artifact':
      return ARTIFACT();
    case 'secret':
      return SECRET_REF();
  }
}

const cache = new Map<object, z.ZodType>();

/** The flat settings object of a provider: its fields, and for custom types the name, version and free configuration. */
export function providerSchema(p: Provider | RuleProvider): z.ZodType {
  let s = cache.get(p);
  if (s) return s;
  const shape: Record<string, z.ZodType> = {};
  for (const f of p.fields) shape[f.name] = f.required ? fieldSchema(f) : fieldSchema(f).optional();
  if ('customProvider' in p && p.customProvider) {
    shape.provider = z.string().min(1).max(35).regex(/^[0-9A-Za-z_-]+$/, { message: 'provider names use letters, digits, _ and -' });
    shape.version = VERSION().optional();
    shape.configuration = z.record(z.string().min(1).max(50), SCALAR_TEXT().or(z.boolean().transform(String))).optional();
  }
  if ('category' in p && p.category === 'Approval') shape.timeout = whole(5, 86400).optional();
  if ('env' in p && p.env) shape.env = ENV().optional();
  s = z.strictObject(shape);
  cache.set(p, s);
  return s;
}

/** An inline CodeBuild project: pipec defines the project and its buildspec. */
export const INLINE_BUILD = lazy(() => {
  const commands = STRINGS();
  /** An ECR repository a build pushes to: its name, its URI (account.dkr.ecr.region.amazonaws.com/name) or its ARN. */
  const ecrRepository = z
    .string()
    .min(2)
    .max(1024)
    .regex(/^((\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/)?[a-z0-9][a-z0-9._\/-]*$|^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/.+$/, {
      message: 'expected an ECR repository name (web/api), URI (111111111111.dkr.ecr.us-east-1.amazonaws.com/web/api) or ARN',
    });
  const buildArtifact = z.strictObject({ files: STRINGS(), 'base-directory': z.string().min(1).optional(), 'discard-paths': BOOL().optional() });
  return z
    .strictObject({
      commands: commands.optional(),
      install: commands.optional(),
      'pre-build': commands.optional(),
      'post-build': commands.optional(),
      runtimes: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).optional(),
      image: z.string().min(1).optional(),
      compute: z.enum(['small', 'medium', 'large', 'xlarge', '2xlarge']).optional(),
      privileged: BOOL().optional(),
      env: ENV().optional(),
      artifacts: z
        .union([
          STRINGS(),
          buildArtifact,
          // several outputs: files per output artifact, by name (buildspec secondary-artifacts)
          z.record(ARTIFACT(), z.union([STRINGS(), buildArtifact])).refine((m) => Object.keys(m).length > 0, { message: 'name at least one output artifact' }),
        ])
        .optional(),
      finally: commands.optional(),
      exports: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'exported variable names use letters, digits and _' })).min(1).optional(),
      reports: z
        .record(
          z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'report group names use letters, digits, _ and -' }),
          z.strictObject({
            files: STRINGS(),
            format: z.enum(['junitxml', 'cucumberjson', 'testngxml', 'nunitxml', 'nunit3xml', 'visualstudiotrx', 'clover', 'cobertura', 'jacoco', 'simplecov']).optional(),
            'base-directory': z.string().min(1).optional(),
          }),
        )
        .optional(),
      cache: STRINGS().optional(),
      timeout: whole(5, 2160).optional(),
      buildspec: z.string().min(1).optional(),
      project: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,149}$/, { message: 'CodeBuild project names are 2-150 letters, digits, - and _, starting with a letter or digit' })
        .optional(),
      'primary-source': ARTIFACT().optional(),
      push: z.union([ecrRepository, z.array(ecrRepository).min(1).max(20)]).optional(),
      permissions: PERMISSIONS().optional(),
      'managed-policies': MANAGED_POLICIES().optional(),
    })
    .refine((b) => b.commands !== undefined || b.buildspec !== undefined, {
      message: "an inline build needs 'commands' (or 'buildspec', a buildspec file in the source)",
      params: { code: 'PC2007' },
    })
    .refine((b) => !(b.buildspec && (b.commands || b.install || b['pre-build'] || b['post-build'] || b.finally)), {
      message: "'buildspec' reads the build from a file in the source; it cannot be combined with 'commands', 'install', 'pre-build', 'post-build' or 'finally'",
      params: { code: 'PC2008' },
    })
    // These live only in the buildspec pipec writes; with a buildspec file of the user's they would be dropped.
    .superRefine((b, ctx) => {
      if (!b.buildspec) return;
      const inFile: Record<string, string> = { artifacts: 'artifacts', runtimes: 'phases.install.runtime-versions', exports: 'env.exported-variables' };
      for (const [key, section] of Object.entries(inFile))
        if (b[key as keyof typeof b] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `'${key}' would be dropped: 'buildspec' reads the build from a file in the source, whose '${section}' applies instead${key === 'artifacts' ? " (name the build's output artifacts with the action's 'outputs:')" : ''}`,
            params: { code: 'PC2008' },
          });
    });
});

/** The V2 Commands action's commands, output variables and output files, as the API model limits them. */
const COMMAND = lazy(() => apiText(`${ACTION}.commands[]`));
const COMMAND_LIST = lazy(() => z.array(COMMAND()).min(apiCount(`${ACTION}.commands`).min).max(apiCount(`${ACTION}.commands`).max));
const OUTPUT_VARIABLES = lazy(() =>
  z.array(apiText(`${ACTION}.outputVariables[]`)).min(apiCount(`${ACTION}.outputVariables`).min).max(apiCount(`${ACTION}.outputVariables`).max),
);
const OUTPUT_FILES = lazy(() =>
  z.array(apiText(`${ACTION}.outputArtifacts[].files[]`)).min(apiCount(`${ACTION}.outputArtifacts[].files`).min).max(apiCount(`${ACTION}.outputArtifacts[].files`).max),
);
const VERSION = lazy(() => SCALAR_TEXT().pipe(apiText(`${ACTION}.actionTypeId.version`, 'versions use letters, digits, _ and - (at most 9)')));

/** The V2 Commands action. */
export const COMPUTE = lazy(() =>
  z.strictObject({
    commands: z.union([COMMAND(), COMMAND_LIST()]),
    env: ENV().optional(),
    exports: OUTPUT_VARIABLES().optional(),
    files: OUTPUT_FILES().optional(),
  }),
);

/** The raw action form: any action type and any configuration key. */
export const RAW_ACTION = lazy(() =>
  z.strictObject({
    category: z.enum(['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute']),
    owner: z.enum(['AWS', 'ThirdParty', 'Custom']).optional(),
    provider: apiText(`${ACTION}.actionTypeId.provider`, 'provider names use letters, digits, _ and -'),
    version: VERSION().optional(),
    configuration: z.record(z.string().min(1).max(50), z.union([z.string().min(1).max(1000), z.number(), z.boolean()]).transform(String)).optional(),
    commands: COMMAND_LIST().optional(),
    'output-variables': OUTPUT_VARIABLES().optional(),
    env: ENV().optional(),
    files: OUTPUT_FILES().optional(),
  }),
);

/** A rule of a stage condition, common keys (the kind key is checked separately). */
export const RULE_COMMON = lazy(() => ({
  name: NAME().optional(),
  inputs: z.union([ARTIFACT(), z.array(ARTIFACT())]).optional(),
  role: ROLE_ARN().optional(),
  region: REGION().optional(),
  timeout: whole(apiRange(`${RULE}.timeoutInMinutes`).min, apiRange(`${RULE}.timeoutInMinutes`).max).optional(),
}));

/** The raw rule form. */
export const RAW_RULE = lazy(() =>
  z.strictObject({
    provider: apiText(`${RULE}.ruleTypeId.provider`, 'provider names use letters, digits, _ and -'),
    version: SCALAR_TEXT().pipe(apiText(`${RULE}.ruleTypeId.version`, 'versions use letters, digits, _ and - (at most 9)')).optional(),
    configuration: z.record(apiText(`${RULE}.configuration{key}`), TEXT().pipe(apiText(`${RULE}.configuration{value}`))).optional(),
    commands: z.array(apiText(`${RULE}.commands[]`)).min(apiCount(`${RULE}.commands`).min).max(apiCount(`${RULE}.commands`).max).optional(),
  }),
);

/** The commands of a `commands:` stage-condition rule. */
export const RULE_COMMANDS = lazy(() => z.union([z.string().min(1).max(1000), z.array(z.string().min(1).max(1000)).min(1).max(50)]));

// Built once per kind: zod compiles each object schema on first use, so a schema per call costs that every time.
const ruleSchemas = new Map<string, z.ZodType<RuleCommonRead>>();
/** A rule's common keys as read. */
export type RuleCommonRead = z.output<z.ZodObject<ReturnType<typeof RULE_COMMON>, z.core.$strict>>;

/** A rule's common keys beside its one kind key (`cloudwatch-alarm:`, `commands:`, `rule:`), whose value its own schema checks. */
export function ruleSchema(kind: string): z.ZodType<RuleCommonRead> {
  let s = ruleSchemas.get(kind);
  if (!s) {
    s = z.strictObject({ ...RULE_COMMON(), [kind]: z.unknown() });
    ruleSchemas.set(kind, s);
  }
  return s;
}

const actionSchemas = new Map<string, z.ZodType<ActionCommonRead>>();
/** An action's common keys as read. */
export type ActionCommonRead = z.output<z.ZodObject<ReturnType<typeof ACTION_COMMON>, z.core.$strict>>;

/** An action's common keys (name, inputs, role ...) beside its one kind key (`build:`, `deploy:` ...), whose value `readSpec` checks. */
export function actionSchema(kind: string): z.ZodType<ActionCommonRead> {
  let s = actionSchemas.get(kind);
  if (!s) {
    s = z.strictObject({ ...ACTION_COMMON(), [kind]: z.unknown() });
    actionSchemas.set(kind, s);
  }
  return s;
}
