import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrAction, IrPipeline, IrStage } from '../../compiler/ir.js';
import { pipelineInputOf } from '../codepipeline.js';
import type { StoreRefs } from './storage.js';
import type { Json } from './template.js';

type Obj = Record<string, unknown>;

/**
 * The API's lowerCamelCase declaration in CloudFormation's spelling: every key gets an upper-case
 * first letter (roleArn -> RoleArn, timeoutInMinutes -> TimeoutInMinutes); configuration keys are
 * provider keys and stay as written (the same object: copy it to change it).
 */
export function toCloudFormationCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCloudFormationCase);
  if (typeof value !== 'object' || value === null) return value;
  const out: Obj = {};
  const o = value as Obj;
  for (const k in o) {
    if (k === 'configuration') out.Configuration = o[k];
    else out[pascalKey(k)] = toCloudFormationCase(o[k]);
  }
  return out;
}

const keys = new Map<string, string>();
function pascalKey(k: string): string {
  let p = keys.get(k);
  if (p === undefined) {
    p = k.charAt(0).toUpperCase() + k.slice(1);
    keys.set(k, p);
  }
  return p;
}

/**
 * One action of the declaration in CloudFormation's spelling: empty artifact lists left out (they mean
 * nothing in a template; leaving them out keeps it short), ProjectName set to the project the stack
 * defines (`project`), and an empty Configuration left out.
 */
function cloudFormationAction(a: Obj, project: Json | undefined): Obj {
  const out: Obj = {};
  let configured = false;
  for (const k in a) {
    const v = a[k];
    if (k === 'configuration') {
      configured = true;
      const config: Record<string, Json> = project !== undefined ? { ...(v as Obj), ProjectName: project } : { ...(v as Obj) };
      for (const _ in config) {
        out.Configuration = config;
        break;
      }
    } else if (!Array.isArray(v) || v.length > 0) out[pascalKey(k)] = toCloudFormationCase(v);
  }
  if (!configured && project !== undefined) out.Configuration = { ProjectName: project };
  return out;
}

/** One stage of the declaration in CloudFormation's spelling, its actions as {@link cloudFormationAction} writes them. */
function cloudFormationStage(s: Obj, stage: IrStage, projectNames: Map<IrAction, Json>): Obj {
  const out: Obj = {};
  for (const k in s) {
    const v = s[k];
    if (k === 'actions') out.Actions = (v as Obj[]).map((a, i) => cloudFormationAction(a, projectNames.get(stage.actions[i] as IrAction)));
    else out[pascalKey(k)] = toCloudFormationCase(v);
  }
  return out;
}

export interface PipelineMapping {
  roleArn: Json;
  /** The store of the pipeline's region first, then the other regions'; written sorted by region, as the codepipeline target does. */
  stores: StoreRefs[];
  /** The pipeline's region, needed in ArtifactStores when there are several stores. */
  region?: string;
  /** ProjectName values that refer to projects this stack defines. */
  projectNames: Map<IrAction, Json>;
}

function artifactStore(s: StoreRefs): Json {
  return { Type: 'S3', Location: s.bucketName, ...(s.keyId ? { EncryptionKey: { Id: s.keyId, Type: 'KMS' } } : {}) };
}

/**
 * The properties of the AWS::CodePipeline::Pipeline resource: the codepipeline target's declaration
 * mapped to CloudFormation's names, with the structural differences: ArtifactStores as a list of
 * {Region, ArtifactStore}, Tags on the resource, and DisableInboundStageTransitions, which only
 * CloudFormation has. What its schema does not accept is reported (PC4005) rather than dropped.
 */
export function pipelineProperties(p: IrPipeline, diags: Diagnostics, m: PipelineMapping): Obj {
  // The declaration the codepipeline target and the API-model rule share (read-only): the mapping copies what it changes.
  const api = pipelineInputOf(p).pipeline as Obj;
  const decl: Obj = {};
  for (const k in api) {
    const v = api[k];
    decl[pascalKey(k)] = k === 'stages' ? (v as Obj[]).map((s, si) => cloudFormationStage(s, p.stages[si] as IrStage, m.projectNames)) : toCloudFormationCase(v);
  }
  p.stages.forEach((stage) => {
    for (const c of [stage.beforeEntry, stage.onSuccess, stage.onFailure?.condition])
      for (const r of c?.rules ?? [])
        if (r.timeoutInMinutes !== undefined)
          diags.add('PC4005', `rule '${r.name}' of stage '${stage.name}' sets a timeout, which CloudFormation's pipeline schema has no property for`, r.span, {
            suggestion: "remove 'timeout' from the rule, or deploy this pipeline with the codepipeline target",
          });
  });
  const main = m.stores[0];
  const stores =
    m.stores.length > 1
      ? {
          ArtifactStores: m.stores
            .map((s) => ({ Region: s.region ?? m.region, ArtifactStore: artifactStore(s) }))
            .sort((a, b) => String(a.Region).localeCompare(String(b.Region))),
        }
      : main
        ? { ArtifactStore: artifactStore(main) }
        : {};
  const disabled = p.stages.filter((s) => s.disableInbound).map((s) => ({ StageName: s.name, Reason: s.disableInbound!.reason }));
  const { Name, RoleArn: _role, ArtifactStore: _store, ArtifactStores: _stores, Stages, ...rest } = decl;
  void _role;
  void _store;
  void _stores;
  return {
    Name,
    RoleArn: m.roleArn,
    ...stores,
    Stages,
    ...rest,
    ...(disabled.length > 0 ? { DisableInboundStageTransitions: disabled } : {}),
  };
}
