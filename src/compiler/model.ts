import type { Span } from './source.js';

/** The category keys an action in `stages:` can use, plus `action` for the raw form. */
export type ActionKind = 'source' | 'build' | 'test' | 'deploy' | 'approval' | 'invoke' | 'compute' | 'action';
export const ACTION_KINDS: readonly ActionKind[] = ['source', 'build', 'test', 'deploy', 'approval', 'invoke', 'compute', 'action'];

/**
 * An action in the explicit form (what `pipec expand` prints): a name, one kind key with its
 * spec as written, and every default made explicit.
 */
export interface ExAction {
  name: string;
  kind: ActionKind;
  spec: unknown;
  inputs?: string[];
  outputs?: string[];
  namespace?: string;
  role?: string;
  region?: string;
  timeout?: number;
  runOrder: number;
  /** The action mapping (or macro value) this came from; key spans are read from it. */
  source: unknown;
  span: Span;
  /** The macro that wrote it, for comments in `pipec expand`. */
  macro?: string;
}

export interface ExStage {
  name: string;
  actions: ExAction[];
  beforeEntry?: unknown;
  onSuccess?: unknown;
  onFailure?: unknown;
  /** `disable-inbound:` the reason the stage's inbound transition starts disabled. */
  disableInbound?: string;
  source: unknown;
  span: Span;
  macro?: string;
  /** What in the macro wrote it (an environment, a wave, a blue/green kind), for `pipec expand` comments. */
  origin?: string;
}

/** A pipeline after its file's shared settings and its macros are applied. */
export interface ExPipeline {
  name: string;
  role?: string;
  region?: string;
  account?: string;
  connection?: string;
  /** `project:` as written on the pipeline or at the file's top level. */
  project?: string;
  artifacts?: unknown;
  type: 'V1' | 'V2';
  execution?: string;
  variables?: Record<string, unknown>;
  triggers?: unknown[];
  /** `notifications:` as written (checked by the schema). */
  notifications?: unknown;
  /** `permissions:` and `managed-policies:` for the pipeline role (checked by the schema). */
  permissions?: unknown;
  managedPolicies?: unknown;
  tags?: Record<string, string>;
  /** `deployment-groups:` CodeDeploy groups the cloudformation target creates (written, or added by blue/green). */
  deploymentGroups?: unknown[];
  stages: ExStage[];
  /** The pipeline's own mapping, for key spans. */
  source: Record<string, unknown>;
  /** The file's top-level mapping when settings came from there. */
  shared?: Record<string, unknown>;
  /** Part of it could not be read (errors already reported): whole-pipeline rules wait until those are fixed. */
  incomplete?: boolean;
  span: Span;
}
