/** CodePipeline action categories (API enum ActionCategory). */
export type Category = 'Source' | 'Build' | 'Test' | 'Deploy' | 'Approval' | 'Invoke' | 'Compute';
export type Owner = 'AWS' | 'ThirdParty' | 'Custom';

/**
 * How a friendly pipeline.yml value becomes configuration text:
 * - string: as written; bool: "true"/"false"; int: decimal text
 * - enum: friendly kebab-case word mapped to the API word (`values`)
 * - list: list of strings joined with `separator` (default ",")
 * - json: any value serialised as compact JSON with sorted keys (strings pass through)
 * - artifact-path: `Artifact::path`, or a bare path read from the action's first input
 * - artifact: the name of one of the action's input artifacts
 * - secret: `{ secret: id }` only; never plain text
 */
export type FieldType = 'string' | 'bool' | 'int' | 'enum' | 'list' | 'json' | 'artifact-path' | 'artifact' | 'secret';

/**
 * The JSON a configuration value must hold: any object, any array, or CodeBuild's list of
 * environment variables (`[{"name","value","type"}]`, type PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER).
 */
export type JsonShape = 'object' | 'array' | 'codebuild-env';

/** One configuration key of a provider, with its pipeline.yml name. */
export interface Field {
  /** The kebab-case name in pipeline.yml. */
  name: string;
  /** The configuration key CodePipeline expects. */
  key: string;
  type: FieldType;
  required?: boolean;
  /** enum: friendly word -> API word. */
  values?: Record<string, string>;
  /** list: what joins the items (default ","). */
  separator?: string;
  /** int: inclusive bounds. */
  min?: number;
  max?: number;
  /** The pipeline.yml value used when the setting is left out (shown in docs/providers.md). */
  default?: string | boolean | number;
  /** string: the whole value must match this pattern (an IAM role ARN, say), and `patternName` says what it is. */
  pattern?: string;
  patternName?: string;
  /** artifact-path: also fills this key with the artifact name, leaving `key` with the path. */
  artifactKey?: string;
}

/** A problem a provider's own check finds in a finished configuration map. */
export interface ConfigProblem {
  message: string;
  /** The configuration key the problem is about (points the diagnostic at it), if any. */
  key?: string;
  code?: 'PC3011' | 'PC3012' | 'PC3010';
}

/**
 * How `source: kind:location` reads for a source provider: `bucket/key` split at the first slash into
 * two settings, or `name@ref` (and, with `colonRef`, `name:ref`) into a name and a ref setting.
 */
export interface Shorthand {
  split?: [string, string];
  name?: string;
  ref?: string;
  /** The ref may be left out (`ecr:repo` reads the provider's default tag). */
  optionalRef?: boolean;
  colonRef?: boolean;
  /** What the location is, for messages: 'repository', 'owner/repository', 'bucket/path/to/object.zip'. */
  example: string;
}

/** One action provider: the action type CodePipeline knows and how pipeline.yml spells it. */
export interface Provider {
  /** The key that selects it in pipeline.yml (`codecommit`, `cloudformation`, ...). */
  kind: string;
  category: Category;
  owner: Owner;
  provider: string;
  version: string;
  /** Allowed input and output artifact counts, inclusive. */
  inputs: [number, number];
  outputs: [number, number];
  fields: Field[];
  /** The field the kind key's scalar value sets (`codecommit: my-repo`). */
  primary?: string;
  /** Instead of `primary`: the scalar is `a/b`, split at the first slash into these two fields. */
  primarySplit?: [string, string];
  /** Only on V2 pipelines. */
  v2Only?: boolean;
  /** The provider's name is the user's (custom action types): the kind key's value names it. */
  customProvider?: boolean;
  /** Configuration keys the service masks as `****` when read back. */
  secretKeys?: string[];
  /** Values the service assumes when a key is absent (used when comparing with live pipelines). */
  defaults?: Record<string, string>;
  /** Configuration keys whose value is JSON text, and the shape it must have (checked in raw actions too). */
  json?: Record<string, JsonShape>;
  /** Needs no settings: its kind key may be empty (`manual:`) or left out. */
  bare?: boolean;
  /** The provider inline builds (`build: { commands: ... }`, no provider key) become. */
  inlineBuilds?: boolean;
  /** The action's output variables are its stack's outputs: environments give it a namespace when later steps read them. */
  stackOutputs?: boolean;
  /** `source: kind:location` is a way to write it. */
  shorthand?: Shorthand;
  /** `env:` sets environment variables, held as JSON in this configuration key (CodeBuild's EnvironmentVariables). */
  env?: string;
  /** With several inputs and none named in this setting, the first input is named there (CodeBuild's primary-source). */
  primarySource?: string;
  /** The action produces an output artifact only when this setting is written (CloudFormation's output-file). */
  outputWhen?: string;
  /** A test of this type reads the first source (the code test commands run in) beside what the stage before produced. */
  testsReadSource?: boolean;
  /** Reads a CODEBUILD_CLONE_REF source artifact (a full git clone); other types cannot. */
  readsCloneRef?: boolean;
  /** Pipeline triggers (git push and pull-request filters) start the pipeline at this source. */
  gitTriggers?: boolean;
  /** CodePipeline honours the action's own `timeout` (manual approvals). */
  honoursTimeout?: boolean;
  /** Takes no configuration keys: its commands and variables are the action's own fields (Commands). */
  noConfiguration?: boolean;
  /** Rules between keys that a table cannot say (modes, either/or). */
  check?: (config: Readonly<Record<string, string>>, inputs: readonly string[]) => ConfigProblem[];
  /** One line for documentation and `did you mean` listings. */
  doc: string;
}

/** A stage-condition rule type (ruleTypeId). */
export interface RuleProvider {
  kind: string;
  provider: string;
  version: string;
  fields: Field[];
  primary?: string;
  /** The rule's value is its list of shell commands, not settings (Commands). */
  commands?: boolean;
  doc: string;
}
