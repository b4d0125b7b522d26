/**
 * What `pipec import` reads from a file: a CreatePipeline input or GetPipeline output (JSON or
 * YAML), a bare pipeline declaration, a CloudFormation template, or an AWS Copilot pipeline
 * manifest. Pure: the CLI reads the bytes, this decides what they are.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Diagnostics } from '../compiler/diagnostics.js';
import { SourceFile, type Span } from '../compiler/source.js';
import { isObject, type JsonObject, type Tag } from '../live/json.js';
import { fromCloudFormation, CFN_TAGS } from './cloudformation.js';
import { fromCopilot, isCopilotManifest, type CopilotImport } from './copilot.js';
import { userTags, type SourcePipeline } from './pipeline.js';

/** What one file held. */
export interface ReadResult {
  pipelines: SourcePipeline[];
  /** Set for a Copilot manifest: pipeline.yml written from it, with no round trip possible. */
  copilot?: CopilotImport;
}

/** Reads one file's bytes into pipelines to import; problems go to `diags` with their position. */
export function readImportFile(path: string, bytes: Uint8Array, diags: Diagnostics, region: string | undefined): ReadResult {
  const text = Buffer.from(bytes).toString('utf8').replace(/^\ufeff/, '');
  const lineCounter = new LineCounter();
  const file = new SourceFile(path, text);
  const doc = parseDocument(text, { customTags: CFN_TAGS, lineCounter, uniqueKeys: false, keepSourceTokens: false, prettyErrors: false, strict: false });
  const at = (offset: number): Span => ({ file, start: offset, end: offset });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    diags.add('PC7001', `cannot read '${path}': ${e?.message.split('\n')[0] ?? 'not JSON or YAML'}`, at(e?.pos[0] ?? 0));
    return { pipelines: [] };
  }
  const root = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isObject(root as JsonObject)) {
    diags.add('PC7001', `'${path}' holds no pipeline: expected a create-pipeline input, get-pipeline output, CloudFormation template or Copilot pipeline manifest`, at(0));
    return { pipelines: [] };
  }
  const obj = root as JsonObject;
  if (isObject(obj.Resources) || obj.AWSTemplateFormatVersion !== undefined) return { pipelines: fromCloudFormation(doc, file, diags, region) };
  if (isCopilotManifest(obj)) return { pipelines: [], copilot: fromCopilot(doc, file, diags) };
  const decl = isObject(obj.pipeline) ? obj.pipeline : typeof obj.name === 'string' && Array.isArray(obj.stages) ? obj : undefined;
  if (!decl || !Array.isArray(decl.stages) || typeof decl.name !== 'string') {
    diags.add('PC7001', `'${path}' holds no pipeline: expected a create-pipeline input ({ pipeline, tags }), get-pipeline output, a pipeline declaration, a CloudFormation template or a Copilot pipeline manifest`, at(0));
    return { pipelines: [] };
  }
  const problem = declarationProblem(decl);
  if (problem) {
    diags.add('PC7001', `'${path}' holds no valid pipeline declaration: ${problem}`, at(0));
    return { pipelines: [] };
  }
  const tags: Tag[] = Array.isArray(obj.tags) ? obj.tags.filter(isObject).map((t) => ({ key: String(t.key), value: String(t.value ?? '') })) : [];
  const arn = isObject(obj.metadata) ? obj.metadata.pipelineArn : undefined;
  const arnRegion = typeof arn === 'string' ? arn.split(':')[3] : undefined;
  const src: SourcePipeline = { declaration: decl, tags: userTags(tags), origin: path, notes: new Map() };
  const r = pipelineRegion(decl, region ?? (arnRegion || undefined));
  if (r) src.region = r;
  else if (isObject(decl.artifactStores)) {
    diags.add('PC7006', `pipeline '${decl.name}' has artifact stores in several regions and its own region cannot be told from '${path}'`, at(0), {
      suggestion: `name it: pipec import ${path} --region <the pipeline's region>`,
    });
    return { pipelines: [] };
  }
  return { pipelines: [src] };
}

/** The pipeline's region: given, or the one artifact-store region no action names as another region. */
export function pipelineRegion(decl: JsonObject, given: string | undefined): string | undefined {
  if (given) return given;
  if (!isObject(decl.artifactStores)) return undefined;
  const used = new Set<string>();
  for (const s of Array.isArray(decl.stages) ? decl.stages.filter(isObject) : [])
    for (const a of Array.isArray(s.actions) ? s.actions.filter(isObject) : []) if (typeof a.region === 'string') used.add(a.region);
  const candidates = Object.keys(decl.artifactStores).filter((r) => !used.has(r));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** What makes a declaration unreadable (the shape GetPipeline returns), or undefined when it is readable. */
export function declarationProblem(decl: JsonObject): string | undefined {
  if (typeof decl.name !== 'string' || decl.name === '') return "'name' must be a non-empty string";
  if (!Array.isArray(decl.stages)) return "'stages' must be a list";
  for (const [i, s] of decl.stages.entries()) {
    if (!isObject(s) || typeof s.name !== 'string') return `stages[${i}] must be a mapping with a 'name'`;
    if (!Array.isArray(s.actions)) return `stage '${s.name}' must have a list of 'actions'`;
    for (const [j, a] of s.actions.entries()) {
      if (!isObject(a) || typeof a.name !== 'string') return `stage '${s.name}', actions[${j}] must be a mapping with a 'name'`;
      const t = a.actionTypeId;
      if (!isObject(t) || ['category', 'owner', 'provider', 'version'].some((k) => typeof t[k] !== 'string')) return `action '${a.name}' of stage '${s.name}' needs 'actionTypeId' with category, owner, provider and version`;
      for (const k of ['inputArtifacts', 'outputArtifacts'])
        if (a[k] !== undefined && (!Array.isArray(a[k]) || !(a[k] as unknown[]).every((x) => isObject(x as JsonObject) && typeof (x as JsonObject).name === 'string'))) return `action '${a.name}': '${k}' must be a list of { name }`;
      if (a.configuration !== undefined && !isObject(a.configuration)) return `action '${a.name}': 'configuration' must be a mapping`;
      if (a.runOrder !== undefined && typeof a.runOrder !== 'number') return `action '${a.name}': 'runOrder' must be a number`;
    }
  }
  return undefined;
}
