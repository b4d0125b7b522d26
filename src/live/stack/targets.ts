import { parse } from 'yaml';
import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrPipeline } from '../../compiler/ir.js';
import type { EmitFacts } from '../../targets/types.js';
import { cloudformationTarget } from '../../targets/cloudformation/index.js';
import type { Tag } from '../json.js';
import { stackTags } from '../ownership.js';
import { ARTIFACTS_FILE_STEM, artifactsStackName, pipelineStackName, regionStackName, rolesStackName } from '../../targets/cloudformation/artifacts-stack.js';
import { overInlineLimit, templateBucketFor } from '../../targets/cloudformation/template-size.js';

/**
 * The kinds of stack a pipeline has, in deploy order: the artifact store other accounts use (when
 * pipec makes its key), other regions' stores, roles in other accounts (granted the keys of those
 * stores by key ARN, their outputs), the pipeline.
 */
export type StackKind = 'artifacts' | 'account' | 'region' | 'pipeline';

/** Where one of a stack's parameters comes from: an output of a stack deployed before it. */
export interface ParameterSource {
  stack: string;
  output: string;
}

/** One stack of one pipeline, as the cloudformation target writes it, with where and how to deploy it. */
export interface StackTarget {
  pipeline: string;
  kind: StackKind;
  /** The file the cloudformation target writes (cloudformation.yml, cloudformation.artifacts.yml, cloudformation.<region>.yml, cloudformation.account-<id>.yml). */
  file: string;
  stackName: string;
  region: string;
  /** The account the stack goes to when it is not the pipeline's own (account stacks). */
  account?: string;
  template: string;
  /** Where CloudFormation reads the template when it is too large to pass inline (uploaded by stack mode to --template-bucket). */
  templateUrl?: string;
  /** The bucket of --template-bucket for a template over CloudFormation's inline limit (its region's). */
  templateBucket?: string;
  /** Parameters without a default, filled from earlier stacks' outputs. */
  inputs: Record<string, ParameterSource>;
  /** Stack tags (propagated by CloudFormation to the resources that take tags): the pipeline's tags, managed-by: pipec and pipec:project, as pipeline mode tags its pipelines. */
  tags: Tag[];
}

const ORDER: Record<StackKind, number> = { artifacts: 0, region: 1, account: 2, pipeline: 3 };

/** The CloudFormation stack name of each kind, as the stacks' headers print it in their deploy commands. */
export function stackName(pipeline: string, kind: StackKind, region?: string): string {
  if (kind === 'artifacts') return artifactsStackName(pipeline);
  return kind === 'pipeline' ? pipelineStackName(pipeline) : kind === 'region' ? regionStackName(pipeline, region ?? '') : rolesStackName(pipeline);
}

/** `eu-west-1` -> `EuWest1`, as the target names per-region parameters. */
function pascal(region: string): string {
  return region
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Every stack of one pipeline in deploy order (its artifacts stack, region stacks, account
 * stacks, then the pipeline's), from the files the cloudformation target emits. A parameter without a default is
 * wired to an output of an earlier stack: `<Output><Region>` to output `<Output>` of that region's
 * stack, or a parameter named like an output of an earlier stack of another kind to that output. One that cannot be
 * wired is returned in `unwired`, so plan can say so instead of failing in CloudFormation.
 * The stacks carry the ownership tags of pipeline mode (managed-by: pipec, pipec:project: `project`),
 * so a pipeline a stack made is this project's pipeline for `pipec plan` too. A template over
 * CloudFormation's inline limit needs a bucket of `templateBuckets` for its region (else PC4011).
 */
export function stackTargets(p: IrPipeline, defaultRegion: string, diags: Diagnostics, project: string, facts?: EmitFacts, templateBuckets?: Readonly<Record<string, string>>): { targets: StackTarget[]; unwired: string[] } {
  const region = p.region ?? defaultRegion;
  const files = cloudformationTarget.emit(p, diags, { cfnFormat: 'yaml', targets: ['cloudformation'], project, ...(templateBuckets ? { templateBuckets } : {}) }, facts);
  const tags = stackTags(p.tags, project);
  const targets: StackTarget[] = [];
  for (const f of files) {
    const account = /^cloudformation\.account-(\d{12})\.yml$/.exec(f.path)?.[1];
    const other = /^cloudformation\.([a-z0-9-]+)\.yml$/.exec(f.path)?.[1];
    const kind: StackKind | undefined = f.path === 'cloudformation.yml' ? 'pipeline' : f.path === `${ARTIFACTS_FILE_STEM}.yml` ? 'artifacts' : account ? 'account' : other ? 'region' : undefined;
    if (!kind) continue;
    const stackRegion = kind === 'region' ? (other as string) : region;
    const bucket = overInlineLimit(f.content) ? templateBucketFor(templateBuckets, stackRegion, region) : undefined;
    targets.push({ pipeline: p.name, kind, file: f.path, stackName: stackName(p.name, kind, stackRegion), region: stackRegion, ...(account ? { account } : {}), template: f.content, ...(bucket ? { templateBucket: bucket } : {}), inputs: {}, tags });
  }
  targets.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.file.localeCompare(b.file));
  const unwired: string[] = [];
  const outputsOf = new Map(targets.map((t) => [t.stackName, Object.keys(templateOf(t.template).Outputs ?? {})]));
  targets.forEach((t, i) => {
    const earlier = targets.slice(0, i);
    for (const [name, def] of Object.entries(templateOf(t.template).Parameters ?? {})) {
      if (def && typeof def === 'object' && 'Default' in def) continue;
      const byRegion = earlier.find((e) => e.kind === 'region' && name.endsWith(pascal(e.region)) && outputsOf.get(e.stackName)?.includes(name.slice(0, -pascal(e.region).length)));
      // a region stack's outputs are read only by the region-suffixed names (its ArtifactKeyArn is not the artifacts stack's)
      const byName = earlier.find((e) => e.kind !== 'region' && outputsOf.get(e.stackName)?.includes(name));
      if (byRegion) t.inputs[name] = { stack: byRegion.stackName, output: name.slice(0, -pascal(byRegion.region).length) };
      else if (byName) t.inputs[name] = { stack: byName.stackName, output: name };
      else unwired.push(`stack ${t.stackName} (${t.file}) needs parameter ${name}, and no stack deployed before it has an output to fill it`);
    }
  });
  return { targets, unwired };
}

function templateOf(text: string): { Parameters?: Record<string, unknown>; Outputs?: Record<string, unknown> } {
  return (parse(text) ?? {}) as { Parameters?: Record<string, unknown>; Outputs?: Record<string, unknown> };
}
