import { parse } from 'yaml';
import { isObject, type Json, type JsonObject } from '../json.js';

/** Stands for a value CloudFormation computes at deploy time (a Ref or Fn:: of a resource that is not there yet). */
export const KNOWN_AFTER_APPLY = '(known after apply)';

const CFN_ONLY = new Set(['Tags', 'DisableInboundStageTransitions', 'RestartExecutionOnUpdate', 'Name']);

function isIntrinsic(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length === 1 && (Object.keys(v)[0] === 'Ref' || (Object.keys(v)[0] as string).startsWith('Fn::'));
}

/**
 * PascalCase properties as the API's camelCase declaration: the AWS::CodePipeline::Pipeline
 * reference documents each property as the PipelineDeclaration field of the same name; an
 * action's or rule's `Configuration` keeps its keys, and its values are strings ("false", "5").
 */
function camel(v: unknown, verbatim = false): unknown {
  if (Array.isArray(v)) return v.map((x) => camel(x));
  if (!isObject(v) || isIntrinsic(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (verbatim) out[k] = typeof x === 'boolean' || typeof x === 'number' ? String(x) : x;
    else out[k[0]?.toLowerCase() + k.slice(1)] = camel(x, k === 'Configuration');
  }
  return out;
}

/** Fills each intrinsic from the live declaration at the same place (stages and actions matched by name). */
function resolve(desired: unknown, live: unknown): Json {
  if (isIntrinsic(desired)) return (live ?? KNOWN_AFTER_APPLY) as Json;
  if (Array.isArray(desired)) {
    const liveList = Array.isArray(live) ? live : [];
    return desired.map((d, i) => {
      const byName = isObject(d) && typeof d.name === 'string' ? liveList.find((l) => isObject(l) && l.name === d.name) : undefined;
      return resolve(d, byName ?? liveList[i]);
    });
  }
  if (isObject(desired)) {
    const l = isObject(live) ? live : {};
    return Object.fromEntries(Object.entries(desired).map(([k, v]) => [k, resolve(v, l[k])]));
  }
  return desired as Json;
}

/**
 * The pipeline declaration a stack template makes, as GetPipeline would return it: the template's
 * AWS::CodePipeline::Pipeline properties in API form, with what CloudFormation computes at deploy
 * time (role ARNs, bucket names, project names) taken from the live pipeline, or shown as
 * "(known after apply)". Undefined when the template has no pipeline.
 */
export function stackPipelineDeclaration(template: string, name: string, live: JsonObject | undefined): JsonObject | undefined {
  const tree = (parse(template) ?? {}) as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> };
  const resource = Object.values(tree.Resources ?? {}).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  if (!resource) return undefined;
  const props = Object.fromEntries(Object.entries(resource.Properties ?? {}).filter(([k]) => !CFN_ONLY.has(k)));
  const declaration: JsonObject = { ...(camel(props) as JsonObject), name };
  // The template lists ArtifactStores as {Region, ArtifactStore}; the API keys them by region.
  if (Array.isArray(declaration.artifactStores))
    declaration.artifactStores = Object.fromEntries((declaration.artifactStores as JsonObject[]).map((x) => [String(x.region), x.artifactStore as Json])) as JsonObject;
  return resolve(declaration, live) as JsonObject;
}
