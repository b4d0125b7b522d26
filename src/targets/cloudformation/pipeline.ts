import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { IrAction, IrPipeline } from '../../compiler/ir.js';
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
  for (const [k, v] of Object.entries(value)) {
    if (k === 'configuration') out.Configuration = v;
    else out[pascalKey(k)] = toCloudFormationCase(v);
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

/** Empty artifact lists mean nothing in a template; leaving them out keeps it short. */
function dropEmptyLists(o: Obj): void {
  for (const [k, v] of Object.entries(o)) if (Array.isArray(v) && v.length === 0) delete o[k];
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
  const decl = toCloudFormationCase(pipelineInputOf(p).pipeline) as Obj;
  const stages = decl.Stages as Obj[];
  p.stages.forEach((stage, si) => {
    const s = stages[si] as Obj;
    const actions = s.Actions as Obj[];
    stage.actions.forEach((a, ai) => {
      const out = actions[ai] as Obj;
      const project = m.projectNames.get(a);
      const config: Record<string, Json> = { ...(out.Configuration as Record<string, Json>), ...(project !== undefined ? { ProjectName: project } : {}) };
      if (Object.keys(config).length === 0) delete out.Configuration;
      else out.Configuration = config;
      dropEmptyLists(out);
    });
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
