import { z } from 'zod';
import { PROVIDERS, RULES, type Category, type Provider, type RuleProvider } from '../catalog/index.js';
import { DEPLOYMENT_GROUP } from './deployment-groups.js';
import { BLUE_GREEN_BLOCKS, BLUE_GREEN_SETTINGS, CFN_BLUE_GREEN } from './blue-green.js';
import { DEPLOYMENT_WINDOW, ENV_NAME, ENV_ON_FAILURE, ENVIRONMENT, PROMOTION, ROLLBACK_ON_ALARM, WAVE } from './environments.js';
import { ACTION_KINDS, type ActionKind } from '../model.js';
import { COMPUTE, INLINE_BUILD, providerSchema, RAW_ACTION, RAW_RULE, RULE_COMMANDS, RULE_COMMON } from './actions.js';
import { ACTION_COMMON, MACRO_COMMON, NAME } from './common.js';
import { STATEMENT } from './iam.js';
import { CONDITION, ON_FAILURE, PARALLEL, PIPELINE, STAGE, WORKSPACE } from './pipeline.js';

/**
 * The whole of pipeline.yml as one zod schema, for `pipec schema` (JSON Schema) and editors.
 *
 * The compiler checks a file in phases, each with its own schema (PIPELINE, STAGE, a provider's
 * settings, ...), and leaves `z.unknown()` where a later phase takes over. This puts the very same
 * schemas together, replacing each `z.unknown()` with the schema that later phase checks with.
 * Rules between keys that zod refinements or macros check (exactly one provider, required either
 * inside or beside the provider key) are looser here than in the compiler; every key, type and
 * choice is the compiler's own.
 *
 * Each object schema is registered under a context name, which the JSON Schema writer uses to
 * give its keys their descriptions.
 */
export const CONTEXTS = new Map<z.ZodType, string>();

function named<T extends z.ZodType>(context: string, schema: T): T {
  CONTEXTS.set(schema, context);
  return schema;
}

type Shape = Record<string, z.ZodType>;
const shapeOf = (s: z.ZodType): Shape => (s as unknown as { shape: Shape }).shape;

/** A strict object with every key optional (settings may stand inside the provider key or beside it). */
function loose(shape: Shape): Shape {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()]));
}

const macroCommon = (): Shape => Object.fromEntries(MACRO_COMMON.map((k) => [k, (ACTION_COMMON()[k] as z.ZodType).optional()]));

/** Built once per key, so each part is one schema object, which the JSON Schema writes once. */
const memo = new Map<string, z.ZodType>();
function once(key: string, make: () => z.ZodType): z.ZodType {
  let s = memo.get(key);
  if (!s) {
    s = make();
    memo.set(key, s);
  }
  return s;
}

/** One provider's action spec: its kind key (a primary scalar or the settings) and its settings beside it. */
function providerSpec(p: Provider | RuleProvider, extra: Shape = {}): z.ZodType {
  return once(`provider:${'category' in p ? p.category : 'rule'}:${p.kind}:${Object.keys(extra).join(',')}`, () => makeProviderSpec(p, extra));
}

function makeProviderSpec(p: Provider | RuleProvider, extra: Shape): z.ZodType {
  const settings = shapeOf(providerSchema(p));
  const inner = named(`provider:${p.kind}`, z.strictObject(loose(settings)));
  const primary = 'customProvider' in p && p.customProvider ? settings.provider : p.primary ? settings[p.primary] : undefined;
  const scalar = 'primarySplit' in p && p.primarySplit ? z.string().regex(/^[^/]+\/.+$/) : primary;
  const bare = 'bare' in p && p.bare === true;
  const kindValue = scalar ? z.union([scalar, inner]) : bare ? z.union([z.null(), inner]) : inner;
  const beside = { ...loose(settings) };
  delete beside[p.kind];
  return named(`provider:${p.kind}`, z.strictObject({ ...beside, ...extra, [p.kind]: bare ? kindValue.optional() : kindValue }));
}

/** The spec under a category key (`source:`, `build:`, ...) in any of its forms. */
function categorySpec(category: Category, extra: Shape = {}): z.ZodType {
  return once(`category:${category}:${Object.keys(extra).join(',')}`, () => makeCategorySpec(category, extra));
}

function makeCategorySpec(category: Category, extra: Shape): z.ZodType {
  const forms: z.ZodType[] = PROVIDERS[category].filter((p) => category !== 'Compute').map((p) => providerSpec(p, extra));
  if (category === 'Build' || category === 'Test') forms.push(named('inline-build', z.strictObject({ ...shapeOf(INLINE_BUILD()), ...extra })));
  if (category === 'Compute') forms.push(named('compute', z.strictObject({ ...shapeOf(COMPUTE()), ...extra })));
  if (category === 'Source') forms.unshift(z.string().regex(/^[a-z0-9-]+:.+$/).meta({ description: "shorthand: 'codecommit:repo@branch', 'github:owner/repo@branch', 's3:bucket/key.zip', 'ecr:repo@tag'" }));
  if (category === 'Approval') forms.unshift(z.union([z.null(), z.literal(true)]));
  return z.union(forms as [z.ZodType, ...z.ZodType[]]);
}

/** A deploy: any deploy provider, or a blue/green deploy of its kind. */
function deploySpec(extra: Shape): z.ZodType {
  return once(`deploy:${Object.keys(extra).join(',')}`, () => makeDeploySpec(extra));
}

/** Deploy providers with a blue/green form, and the name and schema of its `blue-green:` settings. */
const BLUE_GREEN_OF: Readonly<Record<string, readonly [string, () => z.ZodType]>> = {
  cloudformation: ['blue-green-cloudformation', CFN_BLUE_GREEN],
  ecs: ['blue-green-ecs', () => BLUE_GREEN_BLOCKS().ecs],
};

function makeDeploySpec(extra: Shape): z.ZodType {
  const bg = { strategy: z.literal('blue-green').optional() };
  const forms: z.ZodType[] = PROVIDERS.Deploy.map((p) => {
    const blueGreen = Object.hasOwn(BLUE_GREEN_OF, p.kind) ? BLUE_GREEN_OF[p.kind] : undefined;
    return providerSpec(p, { ...extra, ...(blueGreen ? { ...bg, 'blue-green': z.union([z.boolean(), named(blueGreen[0], blueGreen[1]())]).optional() } : {}) });
  });
  for (const platform of ['lambda', 'servers'] as const) {
    const settings = named(`blue-green-settings-${platform}`, BLUE_GREEN_SETTINGS()[platform]);
    forms.push(
      named(
        `blue-green-${platform}-deploy`,
        z.strictObject({
          ...extra,
          ...loose(shapeOf(settings)),
          [platform]: platform === 'lambda' ? z.union([z.string().min(1), settings]) : settings,
          ...bg,
          'blue-green': z.union([z.boolean(), named(`blue-green-${platform}`, BLUE_GREEN_BLOCKS()[platform])]).optional(),
        }),
      ),
    );
  }
  return z.union(forms as [z.ZodType, ...z.ZodType[]]);
}

const SPEC_OF: Record<ActionKind, () => z.ZodType> = {
  source: () => categorySpec('Source'),
  build: () => categorySpec('Build'),
  test: () => categorySpec('Test'),
  deploy: () => deploySpec({}),
  approval: () => categorySpec('Approval'),
  invoke: () => categorySpec('Invoke'),
  compute: () => categorySpec('Compute'),
  action: () => named('raw-action', RAW_ACTION()),
};

/** An action of `stages:`: name, common keys and exactly one kind. */
function actionSchema(): z.ZodType {
  return z.union(
    ACTION_KINDS.map((kind) => named('action', z.strictObject({ ...ACTION_COMMON(), [kind]: (SPEC_OF[kind] as () => z.ZodType)() }))) as unknown as [z.ZodType, ...z.ZodType[]],
  );
}

/** A stage-condition rule: common keys and exactly one rule kind. */
function ruleSchema(): z.ZodType {
  const forms = RULES.map((r) => {
    const settings: z.ZodType = named(`rule:${r.kind}`, providerSchema(r));
    const value: z.ZodType = r.commands ? RULE_COMMANDS() : r.primary ? z.union([shapeOf(providerSchema(r))[r.primary] as z.ZodType, settings]) : settings;
    return named('rule', z.strictObject({ ...RULE_COMMON(), [r.kind]: value })) as z.ZodType;
  });
  forms.push(named('rule', z.strictObject({ ...RULE_COMMON(), rule: named('raw-rule', RAW_RULE()) })));
  return z.union(forms as unknown as [z.ZodType, ...z.ZodType[]]);
}

function conditionSchema(): z.ZodType {
  return named('condition', z.strictObject({ ...shapeOf(CONDITION()), rules: z.array(ruleSchema()).min(1).max(5) }));
}

function stageSchema(): z.ZodType {
  const action = actionSchema();
  const condition = conditionSchema();
  return named(
    'stage',
    z.strictObject({
      ...shapeOf(STAGE()),
      actions: z.array(action).min(1).max(50).optional(),
      steps: z.array(z.union([action, named('parallel', z.strictObject({ ...shapeOf(PARALLEL()), parallel: z.array(action).min(1).max(50) }))])).min(1).max(50).optional(),
      'before-entry': condition.optional(),
      'on-success': condition.optional(),
      'on-failure': named('on-failure', z.strictObject({ ...shapeOf(ON_FAILURE()), condition: condition.optional() })).optional(),
    }),
  );
}

/** `before:` / `after:` steps by name: commands, an inline test build, or an invoke. */
function stepsSchema(): z.ZodType {
  const commands = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
  return z.record(NAME(), z.union([commands, categorySpec('Test', macroCommon()), categorySpec('Invoke', macroCommon())])).nullable();
}

function environmentsSchema(deploy: z.ZodType): z.ZodType {
  const approval = z.union([z.boolean(), categorySpec('Approval')]);
  const gates = {
    approval: approval.optional(),
    'rollback-on-alarm': ROLLBACK_ON_ALARM().nullable().optional(),
    'deployment-window': DEPLOYMENT_WINDOW().nullable().optional(),
    'on-failure': ENV_ON_FAILURE().nullable().optional(),
  };
  const env = named('environment', z.strictObject({ ...shapeOf(ENVIRONMENT()), ...gates, deploy: deploy.optional(), before: stepsSchema().optional(), after: stepsSchema().optional() }));
  const wave = named('wave', z.strictObject({ ...shapeOf(WAVE()), ...gates, wave: ENV_NAME(), environments: z.array(env).min(1).max(50) }));
  return z.array(z.union([env, wave])).min(1);
}

let built: z.ZodType | undefined;

/** pipeline.yml: one pipeline, or `pipelines:` with shared settings beside them. */
export function documentSchema(): z.ZodType {
  if (built) return built;
  // IAM statements (`permissions:`) have keys whose names mean other things elsewhere (actions, condition).
  named('iam-statement', STATEMENT());
  const deploy = deploySpec(macroCommon());
  const pipelineKeys = {
    ...shapeOf(PIPELINE()),
    promotion: named('promotion', PROMOTION()).optional(),
    source: categorySpec('Source', macroCommon()).optional(),
    sources: z.record(NAME(), categorySpec('Source', macroCommon())).optional(),
    build: categorySpec('Build', macroCommon()).optional(),
    tests: z.record(NAME(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1), categorySpec('Test', macroCommon())])).optional(),
    deploy: deploy.optional(),
    environments: environmentsSchema(deploy).optional(),
    'deployment-groups': z.array(named('deployment-group', DEPLOYMENT_GROUP())).optional(),
    stages: z.array(stageSchema()).optional(),
  };
  const pipeline = named('pipeline', z.strictObject(pipelineKeys));
  const workspace = named('workspace', z.strictObject({ ...shapeOf(WORKSPACE()), promotion: named('promotion', PROMOTION()).optional(), pipelines: z.array(pipeline).min(1) }));
  built = z.union([pipeline, workspace]);
  return built;
}
