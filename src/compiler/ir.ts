import type { Category, Owner, Provider } from './catalog/index.js';
import type { Span } from './source.js';

/** An artifact named in an action, with where the name came from. */
export interface IrArtifactRef {
  name: string;
  span: Span;
  files?: string[];
}

/** An environment variable of a CodeBuild project or Commands action. */
export interface IrEnvVar {
  name: string;
  value: string;
  type: 'PLAINTEXT' | 'PARAMETER_STORE' | 'SECRETS_MANAGER';
  /** Written `{ plaintext: ... }`: the file states that the value is not a secret. */
  plaintext?: boolean;
  span: Span;
}

/** The files of one build output artifact. */
export interface IrBuildArtifact {
  files: string[];
  baseDirectory?: string;
  discardPaths?: boolean;
}

/** A CodeBuild project pipec defines from an inline build (`commands:`); the CloudFormation and buildspec targets read it. */
/** One IAM statement the user added (`permissions:`). */
export interface IrStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  condition?: Record<string, Record<string, string | string[]>>;
}

/** What pipeline.yml adds to a role pipec creates: statements and managed policies. */
export interface IrPermissions {
  statements: IrStatement[];
  managedPolicies: string[];
}

export interface IrProject {
  name: string;
  image: string;
  computeType: string;
  privileged: boolean;
  timeoutInMinutes?: number;
  env: IrEnvVar[];
  phases: { install: string[]; preBuild: string[]; build: string[]; postBuild: string[] };
  /** Build-phase commands that run even when a command failed (buildspec `finally`). */
  finally?: string[];
  /** Variables the build exports to the pipeline, read as `#{namespace.NAME}` (buildspec exported-variables). */
  exportedVariables?: string[];
  runtimes: Record<string, string>;
  artifacts?: IrBuildArtifact;
  /** Files per output artifact, by output name, when the build writes several (buildspec secondary-artifacts). */
  outputArtifacts?: Record<string, IrBuildArtifact>;
  reports: Record<string, { files: string[]; format?: string; baseDirectory?: string }>;
  cache: string[];
  /** A buildspec file in the source instead of an inline one. */
  buildspecPath?: string;
  /** ECR repositories the build pushes images to (`push:`). */
  push?: string[];
  /** `permissions:` / `managed-policies:` for the project's role. */
  permissions?: IrPermissions;
}

/** One action, in CodePipeline's terms, remembering the YAML that defined it. */
export interface IrAction {
  name: string;
  span: Span;
  category: Category;
  owner: Owner;
  provider: string;
  version: string;
  /** The catalog entry (undefined for custom types and raw actions of unknown providers). */
  catalog?: Provider;
  runOrder: number;
  configuration: Record<string, string>;
  /** Where each configuration key was written. */
  configSpans: Record<string, Span>;
  inputs: IrArtifactRef[];
  outputs: IrArtifactRef[];
  roleArn?: string;
  region?: string;
  namespace?: string;
  timeoutInMinutes?: number;
  commands?: string[];
  outputVariables?: string[];
  environmentVariables?: IrEnvVar[];
  /** Configuration keys whose value is a secret reference (`{{resolve:secretsmanager:...}}`). */
  secretKeys: string[];
  project?: IrProject;
  /** Written in the raw `action:` form: its configuration is as written, not made from typed settings. */
  raw?: boolean;
  /** Its spec had errors (already reported): rules about its provider and configuration skip it. */
  invalid?: boolean;
  spans: { role?: Span; region?: Span; namespace?: Span; timeout?: Span; inputs?: Span; outputs?: Span };
}

export interface IrRule {
  name: string;
  span: Span;
  provider: string;
  version: string;
  configuration: Record<string, string>;
  commands?: string[];
  inputs: IrArtifactRef[];
  roleArn?: string;
  region?: string;
  timeoutInMinutes?: number;
}

export interface IrCondition {
  result?: 'ROLLBACK' | 'FAIL' | 'RETRY' | 'SKIP';
  rules: IrRule[];
  /** A rule had errors (reported) and is left out, so the rule list is not what was written. */
  incomplete?: boolean;
  span: Span;
}

export interface IrStage {
  name: string;
  span: Span;
  actions: IrAction[];
  beforeEntry?: IrCondition;
  onSuccess?: IrCondition;
  onFailure?: { result?: 'ROLLBACK' | 'FAIL' | 'RETRY' | 'SKIP'; retryMode?: 'FAILED_ACTIONS' | 'ALL_ACTIONS'; condition?: IrCondition; span: Span };
  /** The inbound transition starts disabled, with this reason (CloudFormation DisableInboundStageTransitions). */
  disableInbound?: { reason: string; span: Span };
}

export interface IrStore {
  bucket: string;
  kmsKey?: string;
  /** The bucket exists already: the cloudformation target uses it instead of creating it. */
  existing?: boolean;
}

/** `notifications:` pipeline events sent to an SNS topic through a CodeStar notification rule. */
export interface IrNotifications {
  /** The user's topic; without one the cloudformation target creates a topic. */
  topicArn?: string;
  /** Event type IDs (`codepipeline-pipeline-pipeline-execution-failed` ...), in a stable order. */
  events: string[];
  detail: 'BASIC' | 'FULL';
  span: Span;
}

export interface IrTrigger {
  sourceActionName: string;
  span: Span;
  push: IrGitFilter[];
  pullRequest: IrGitFilter[];
}

export interface IrCriteria {
  includes?: string[];
  excludes?: string[];
}

export interface IrGitFilter {
  branches?: IrCriteria;
  tags?: IrCriteria;
  filePaths?: IrCriteria;
  events?: Array<'OPEN' | 'UPDATED' | 'CLOSED'>;
}

/** A CodeDeploy application and blue/green deployment group that the cloudformation target creates (`deployment-groups:`). */
export interface IrDeploymentGroup {
  application: string;
  name: string;
  platform: 'ECS' | 'Lambda' | 'Server';
  /** DeploymentConfigName (traffic shifting); CodeDeploy's default for the platform when unset. */
  config?: string;
  /** The role CodeDeploy assumes; the target creates one when unset. */
  serviceRoleArn?: string;
  /** CloudWatch alarms that stop and roll back a deployment. */
  alarms: string[];
  /** Minutes the old (blue) tasks or instances live on after traffic moved. */
  terminateAfterMinutes?: number;
  ecs?: { cluster: string; service: string; listener: string; testListener?: string; targetGroups: [string, string] };
  servers?: { autoScalingGroups: string[]; targetGroup: string };
  /** A Lambda group's traffic hook functions (names or ARNs): the service role pipec creates may invoke them. */
  hooks?: string[];
  span: Span;
}

/** A whole pipeline after macros and defaults: what every target emits from. */
export interface IrPipeline {
  name: string;
  span: Span;
  roleArn?: string;
  /** `role-policy: none`: the cloudformation target attaches nothing to `roleArn` (the user grants it). Absent: `attach`. */
  rolePolicy?: 'none';
  region?: string;
  account?: string;
  /** `project:`: the project plan/apply scope ownership to (absent: the directory's name). */
  project?: string;
  pipelineType: 'V1' | 'V2';
  executionMode?: 'QUEUED' | 'SUPERSEDED' | 'PARALLEL';
  /** The store in the pipeline's own region (artifactStore), when set. */
  store?: IrStore;
  /** Stores for other regions; with any, the target emits artifactStores. */
  regionStores: Record<string, IrStore>;
  variables: Array<{ name: string; defaultValue?: string; description?: string; span: Span }>;
  triggers: IrTrigger[];
  stages: IrStage[];
  tags: Array<{ key: string; value: string }>;
  notifications?: IrNotifications;
  /** `permissions:` / `managed-policies:` for the pipeline role the cloudformation target creates. */
  permissions?: IrPermissions;
  permissionsSpan?: Span;
  deploymentGroups?: IrDeploymentGroup[];
  spans: { role?: Span; rolePolicy?: Span; artifacts?: Span; type?: Span; execution?: Span; region?: Span; variables?: Span; triggers?: Span; tags?: Span; project?: Span };
}
