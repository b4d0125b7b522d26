import type { Tag } from './json.js';

/** The tag that marks a pipeline as pipec's: only pipelines carrying it are updated or pruned. */
export const MANAGED_TAG: Readonly<Tag> = { key: 'managed-by', value: 'pipec' };

/** The tag that says which project (configuration) a managed pipeline belongs to. */
export const PROJECT_TAG_KEY = 'pipec:project';

/**
 * Whose a live pipeline is, from its tags:
 * - `ours`: managed by pipec for this project;
 * - `unmanaged`: no `managed-by: pipec` tag (made by hand or by another tool);
 * - `other-project`: managed by pipec for another project;
 * - `no-project`: managed by pipec before projects existed (no project tag).
 * Only `ours` is updated or pruned without `--adopt`.
 */
export type Ownership = 'ours' | 'unmanaged' | 'other-project' | 'no-project';

/** Classifies a live pipeline's tags against this project. */
export function ownership(tags: readonly Tag[], project: string): Ownership {
  if (!tags.some((t) => t.key === MANAGED_TAG.key && t.value === MANAGED_TAG.value)) return 'unmanaged';
  const p = tags.find((t) => t.key === PROJECT_TAG_KEY);
  if (p === undefined) return 'no-project';
  return p.value === project ? 'ours' : 'other-project';
}

/** The configured tags plus pipec's own (managed-by, and the project when one is given), sorted by key. */
export function desiredTags(tags: readonly Tag[], project?: string): Tag[] {
  const map = new Map(tags.map((t) => [t.key, t.value]));
  map.set(MANAGED_TAG.key, MANAGED_TAG.value);
  if (project !== undefined) map.set(PROJECT_TAG_KEY, project);
  return [...map.keys()].sort().map((key) => ({ key, value: map.get(key) as string }));
}

/**
 * The tags of a pipeline's CloudFormation stacks (propagated to the resources that take tags):
 * desiredTags, less those with an empty value, which a pipeline may carry (CodePipeline's TagValue
 * is 0 to 256 characters) but a stack may not (CloudFormation's TagValue is 1 to 256, API
 * reference, Tag); the pipeline resource still carries them through its own Tags.
 */
export function stackTags(tags: readonly Tag[], project?: string): Tag[] {
  return desiredTags(tags, project).filter((t) => t.value !== '');
}

/** The project a live pipeline's tags name, if any. */
export function projectOf(tags: readonly Tag[]): string | undefined {
  return tags.find((t) => t.key === PROJECT_TAG_KEY)?.value;
}

/** Why pipec leaves an existing pipeline of that name alone, and how to take it over. */
export function notOursReason(name: string, region: string, owner: Exclude<Ownership, 'ours'>, tags: readonly Tag[], project: string): string {
  const adopt = `To let project '${project}' manage it, plan and apply with --adopt ${name}`;
  if (owner === 'unmanaged')
    return `a pipeline named '${name}' already exists in ${region} and pipec did not create it (it has no '${MANAGED_TAG.key}: ${MANAGED_TAG.value}' tag); pipec leaves it alone. ${adopt}`;
  if (owner === 'other-project')
    return `pipeline '${name}' in ${region} belongs to pipec project '${projectOf(tags) ?? ''}', not '${project}'; pipec leaves it alone. ${adopt} (it then leaves project '${projectOf(tags) ?? ''}')`;
  return `pipeline '${name}' in ${region} was made by a pipec without projects (it has no '${PROJECT_TAG_KEY}' tag); pipec leaves it alone. ${adopt}`;
}
