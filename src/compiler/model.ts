import type { DeploymentGroup } from './schema/deployment-groups.js';
import type { ManagedPolicies, Permissions } from './schema/iam.js';
import type { Artifacts, Condition, Notifications, OnFailure, Store, Trigger, Variables } from './schema/pipeline.js';
import type { Place } from './positions.js';
import type { Span } from './source.js';

/** The category keys an action in `stages:` can use, plus `action` for the raw form. */
export type ActionKind = 'source' | 'build' | 'test' | 'deploy' | 'approval' | 'invoke' | 'compute' | 'action';
export const ACTION_KINDS: readonly ActionKind[] = ['source', 'build', 'test', 'deploy', 'approval', 'invoke', 'compute', 'action'];

/** A mapping as YAML wrote it (or a macro rebuilt it), before any schema checked its values; its place travels beside it (a `Place`). */
export type WrittenMapping = Readonly<Record<string, unknown>>;

/**
 * An action in the explicit form (what `pipec expand` prints): a name, one kind key with its
 * spec as written, and every default made explicit.
 */
export interface ExAction {
  name: string;
  kind: ActionKind;
  /**
   * The value of the kind key as written (or as a macro wrote it): its provider is known only from
   * its keys, so `readSpec` (artifact-defaults) checks it into a typed ReadSpec, which lowering reads.
   */
  spec: unknown;
  inputs?: string[];
  outputs?: string[];
  namespace?: string;
  role?: string;
  region?: string;
  timeout?: number;
  runOrder: number;
  /** The action mapping (or macro value) this came from. */
  source: WrittenMapping;
  /** Where `source` (and so each of its keys) was written, or, for a macro's action, what caused each. */
  sourceAt: Place;
  /** Where `spec` was written (or what caused it). */
  specAt: Place;
  span: Span;
  /** The macro that wrote it, for comments in `pipec expand`. */
  macro?: string;
}

export interface ExStage {
  name: string;
  actions: ExAction[];
  beforeEntry?: Condition;
  onSuccess?: Condition;
  onFailure?: OnFailure;
  /** `disable-inbound:` the reason the stage's inbound transition starts disabled. */
  disableInbound?: string;
  /** The stage mapping as written (or as a macro wrote it), for `pipec expand`. */
  source: WrittenMapping;
  /** Where `source` and its keys were written (for a macro's stage, what caused each). */
  sourceAt: Place;
  span: Span;
  macro?: string;
  /** What in the macro wrote it (an environment, a wave, a blue/green kind), for `pipec expand` comments. */
  origin?: string;
}

/** One `deployment-groups:` entry (written, or added by a blue/green macro), checked. */
export interface ExDeploymentGroup {
  group: DeploymentGroup;
  /** The entry as written, for `pipec expand`. */
  written: WrittenMapping;
  /** Where the entry was written (or the blue/green deploy that added it). */
  span: Span;
}

/** A pipeline after its file's shared settings and its macros are applied. */
export interface ExPipeline {
  name: string;
  role?: string;
  /** `role-policy:` (pipeline or file top level): whether the stack attaches its grants to `role:`. */
  rolePolicy?: 'attach' | 'none';
  region?: string;
  account?: string;
  connection?: string;
  /** `project:` as written on the pipeline or at the file's top level. */
  project?: string;
  /** `artifacts:` as read, with the stores macros added for the regions they deploy to. */
  artifacts?: Artifacts;
  /** Stores the macros added (written out by `pipec expand` beside the written `artifacts:`). */
  addedStores?: Record<string, Store>;
  type: 'V1' | 'V2';
  execution?: 'QUEUED' | 'SUPERSEDED' | 'PARALLEL';
  variables?: Variables;
  triggers?: Trigger[];
  notifications?: Notifications;
  /** `permissions:` and `managed-policies:` for the pipeline role. */
  permissions?: Permissions;
  managedPolicies?: ManagedPolicies;
  tags?: Record<string, string>;
  /** `deployment-groups:` CodeDeploy groups the cloudformation target creates (written, or added by blue/green). */
  deploymentGroups?: ExDeploymentGroup[];
  stages: ExStage[];
  /** The pipeline's own mapping, for what `pipec expand` prints as written. */
  source: WrittenMapping;
  /** Where `source` was written. */
  sourceAt: Place;
  /** The file's top-level mapping when settings came from there. */
  shared?: WrittenMapping;
  /** Where `shared` was written. */
  sharedAt?: Place;
  /** Part of it could not be read (errors already reported): whole-pipeline rules wait until those are fixed. */
  incomplete?: boolean;
  span: Span;
}
