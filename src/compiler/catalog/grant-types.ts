/**
 * The shape of run-time grants as catalog data: what the role that runs an action (or a service
 * role pipec creates) needs, written as IAM statements with placeholders instead of code. A target
 * fills in the placeholders (see src/targets/cloudformation/grant-render.ts).
 *
 * Placeholders in ARN templates, conditions and comments:
 * - `{partition}`, `{account}`: the stack's partition and account; `{region}`: the region of the
 *   action's resources (its own region, or the stack's);
 * - `{pipeline}`: the pipeline's name; `{project}`: the CodeBuild project's name (project grants);
 * - `{Key}` (PascalCase): the action's configuration value of Key, with run-time variables
 *   (`#{...}`) widened to `*`; `*` when the key is absent.
 */

/** A test of the action's configuration (or of a fact a target knows, for service roles); all given parts must hold. */
export interface When {
  /** The configuration key tested. */
  key?: string;
  /** The value is one of these; `null` stands for "absent". */
  in?: ReadonlyArray<string | null>;
  /** The value is none of these. */
  notIn?: readonly string[];
  /** The key is present (true) or absent (false). */
  present?: boolean;
  /** The value matches (or does not match) this regular expression. */
  matches?: string;
  notMatches?: string;
  /** Service-role grants: a fact (a list of resources the target computes) is not empty. */
  fact?: string;
}

/**
 * Where a resource ARN comes from.
 * - `arn`: an ARN template;
 * - `userArn`: a configuration key whose value may be an ARN: then it is used as written (after
 *   `replace` and `suffix`), otherwise `arn` (or, without `arn`, the value itself);
 * - `each`: one resource per comma-separated item of that configuration key, `{item}` in `arn`;
 * - `stack`: a resource the stack defines when it can (`codebuild-project`: the inline project's ARN), else `arn`;
 * - `fact`: service-role grants: a list the target computes (the build's secrets, its ECR repositories, ...);
 * - `kmsKey`: a configuration key naming a KMS key by key ID, key ARN, alias name or alias ARN: the
 *   key's ARN, or (for an alias) any key of that account and region under a condition on its alias.
 */
export interface ResourceSpec {
  arn?: string;
  userArn?: string;
  replace?: readonly [string, string];
  suffix?: string;
  each?: string;
  stack?: 'codebuild-project';
  fact?: string;
  kmsKey?: string;
  when?: When | readonly When[];
}

/** A resource: an ARN template, `*` (only for calls without resource-level permissions, with a comment saying so), or a spec. */
export type GrantResource = string | ResourceSpec;

/** One IAM statement's worth of permissions, as data. Grants with the same sid share one statement. */
export interface GrantSpec {
  sid: string;
  /** IAM actions; an entry with `when` is granted only when its test holds. */
  actions: ReadonlyArray<string | { action: string; when: When }>;
  resources: readonly GrantResource[];
  /** The grant applies only when every test holds. */
  when?: When | readonly When[];
  /** An IAM condition; keys and values may hold placeholders. */
  condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Why, when it is not obvious (every `*` resource says why); written beside the statement. */
  comment?: string;
  /** Service roles: the inline policy that holds the statement (default: the role's one policy). */
  policy?: string;
}

/** What one provider's action needs at run time, and where AWS documents it. */
export interface ProviderGrants {
  /**
   * The AWS documentation pages the grants come from (the action reference's "service role
   * permissions" section, the service's authorization reference). A test checks every AWS-owned
   * provider has grants and a docs.aws.amazon.com page.
   */
  docs: readonly string[];
  /**
   * Grants of the role that runs the action: the pipeline role, or the action's own role when it
   * runs in another account. Empty only for providers that need no permission of the role.
   */
  action: readonly GrantSpec[];
  /** Why `action` is empty, when it is. */
  none?: string;
}

/** The grants of a service role pipec creates (a CodeBuild project's, CodeDeploy's), and where AWS documents them. */
export interface ServiceRoleGrants {
  docs: readonly string[];
  /** The service that assumes the role. */
  service: string;
  /** AWS managed policies the role carries, by a key the target picks (a compute platform), as ARN templates. */
  managedPolicies?: Readonly<Record<string, string>>;
  grants: readonly GrantSpec[];
}
