/**
 * Every `AWS::CodePipeline::Pipeline` of a CloudFormation template (JSON or YAML, short-form tags
 * too) as a pipeline declaration. Intrinsic functions that the template alone decides (parameter
 * defaults, mappings, conditions on those, names of resources it declares) are resolved; every
 * other one is reported at its position and left as a placeholder for the user to fill in.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type ScalarTag, type CollectionTag } from 'yaml';
import type { Diagnostics } from '../compiler/diagnostics.js';
import type { SourceFile } from '../compiler/source.js';
import { isObject, type Json, type JsonObject } from '../live/json.js';
import { declarationProblem, pipelineRegion } from './read.js';
import { placeholderFor } from './notes.js';
import type { SourcePipeline } from './pipeline.js';

const FUNCTIONS = ['Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString'];

/** The short-form tags (`!Ref`, `!Sub` ...) as the YAML parser should accept them: kept as written, read by {@link toValue}. */
export const CFN_TAGS: (ScalarTag | CollectionTag)[] = FUNCTIONS.flatMap((f) => [
  { tag: `!${f}`, resolve: (s: string) => s } as ScalarTag,
  { tag: `!${f}`, collection: 'seq', resolve: (v: unknown) => v } as unknown as CollectionTag,
  { tag: `!${f}`, collection: 'map', resolve: (v: unknown) => v } as unknown as CollectionTag,
]);

/** A template value with the offset of each intrinsic function call, for messages. */
interface Read {
  value: Json;
  offsets: Map<object, number>;
}

/** The YAML/JSON tree as plain values, short-form tags as their long form (`{ "Fn::Sub": ... }`). */
function toValue(node: unknown, offsets: Map<object, number>): Json {
  const n = node as Node & { tag?: string; range?: [number, number, number] };
  let out: Json;
  if (isMap(n)) {
    const o: JsonObject = {};
    for (const pair of n.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      o[key] = toValue(pair.value, offsets);
    }
    out = o;
  } else if (isSeq(n)) out = n.items.map((x) => toValue(x, offsets));
  else if (isScalar(n)) out = n.value as Json;
  else out = null;
  if (n && typeof n.tag === 'string' && n.tag.startsWith('!')) {
    const f = n.tag.slice(1);
    const name = f === 'Ref' || f === 'Condition' ? f : `Fn::${f}`;
    const arg = f === 'GetAtt' && typeof out === 'string' ? [out.slice(0, out.indexOf('.')), out.slice(out.indexOf('.') + 1)] : out;
    out = { [name]: arg };
  }
  if (out !== null && typeof out === 'object' && n?.range) offsets.set(out, n.range[0]);
  return out;
}

/** What resolving needs from the template: parameters, mappings, conditions and resources. */
interface Template {
  parameters: JsonObject;
  mappings: JsonObject;
  conditions: JsonObject;
  resources: JsonObject;
  region: string | undefined;
}

/** An intrinsic left unresolved: where, what, and the path of the property it sits in. */
interface Unresolved {
  offset: number;
  text: string;
  path: string[];
}

const UNRESOLVED = Symbol('unresolved');
type Value = Json | typeof UNRESOLVED | undefined;

const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::CodeCommit::Repository': 'RepositoryName',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CodePipeline::Pipeline': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
};

function describe(v: Json): string {
  if (!isObject(v)) return JSON.stringify(v);
  const [k, a] = Object.entries(v)[0] ?? ['', null];
  const short = k === 'Ref' ? '!Ref' : `!${k.replace(/^Fn::/, '')}`;
  const arg = Array.isArray(a) && k === 'Fn::GetAtt' ? a.join('.') : typeof a === 'string' ? a : JSON.stringify(a);
  return `${short} ${arg}`;
}

class Resolver {
  readonly unresolved: Unresolved[] = [];
  constructor(
    private readonly t: Template,
    private readonly offsets: Map<object, number>,
  ) {}

  /** A parameter's default, a pseudo parameter, or a declared resource's name; undefined when unknown. */
  private ref(name: string, path: string[]): Value {
    const p = this.t.parameters[name];
    if (isObject(p)) {
      if (p.Default === undefined) return UNRESOLVED;
      return Array.isArray(p.Default) ? p.Default.map(String).join(',') : String(p.Default);
    }
    if (name === 'AWS::NoValue') return undefined;
    if (name === 'AWS::Partition') return 'aws';
    if (name === 'AWS::URLSuffix') return 'amazonaws.com';
    if (name === 'AWS::Region') return this.t.region ?? UNRESOLVED;
    const r = this.t.resources[name];
    if (isObject(r) && isObject(r.Properties)) {
      const prop = NAME_PROPERTY[String(r.Type)];
      if (prop && r.Properties[prop] !== undefined) {
        const v = this.value(r.Properties[prop] as Json, path);
        return typeof v === 'string' ? v : UNRESOLVED;
      }
    }
    return UNRESOLVED;
  }

  private getAtt(resource: string, attr: string, path: string[]): Value {
    const r = this.t.resources[resource];
    if (isObject(r) && r.Type === 'AWS::S3::Bucket' && attr === 'Arn') {
      const name = this.ref(resource, path);
      return typeof name === 'string' ? `arn:aws:s3:::${name}` : UNRESOLVED;
    }
    return UNRESOLVED;
  }

  private condition(name: string, path: string[], depth = 0): boolean | undefined {
    const c = this.t.conditions[name];
    if (c === undefined || depth > 20) return undefined;
    return this.truth(c, path, depth + 1);
  }

  private truth(v: Json, path: string[], depth: number): boolean | undefined {
    if (!isObject(v)) return undefined;
    const [k, a] = Object.entries(v)[0] ?? ['', null];
    const args = Array.isArray(a) ? a : [];
    if (k === 'Condition' && typeof a === 'string') return this.condition(a, path, depth);
    if (k === 'Fn::Equals') {
      const [x, y] = args.map((e) => this.value(e, path, true));
      return typeof x === 'string' && typeof y === 'string' ? x === y : undefined;
    }
    if (k === 'Fn::Not') {
      const x = this.truth(args[0] as Json, path, depth);
      return x === undefined ? undefined : !x;
    }
    if (k === 'Fn::And' || k === 'Fn::Or') {
      const xs = args.map((e) => this.truth(e, path, depth));
      if (xs.some((x) => x === undefined)) return undefined;
      return k === 'Fn::And' ? xs.every(Boolean) : xs.some(Boolean);
    }
    return undefined;
  }

  private sub(text: string, vars: JsonObject, path: string[]): Value {
    let failed = false;
    const out = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return '${' + inner.slice(1) + '}';
      const name = inner.trim();
      let v: Value;
      if (Object.hasOwn(vars, name)) v = this.value(vars[name] as Json, path, true);
      else if (name.includes('.') && !this.t.parameters[name]) v = this.getAtt(name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1), path);
      else v = this.ref(name, path);
      if (typeof v !== 'string') {
        failed = true;
        return whole;
      }
      return v;
    });
    return failed ? UNRESOLVED : out;
  }

  /** The value with every intrinsic it can resolve resolved; UNRESOLVED (reported unless `quiet`) otherwise. */
  value(v: Json, path: string[], quiet = false): Value {
    if (Array.isArray(v)) {
      const out: Json[] = [];
      v.forEach((x, i) => {
        const r = this.value(x, [...path, String(i)], quiet);
        if (r === UNRESOLVED) out.push(this.placeholder(x, [...path, String(i)]));
        else if (r !== undefined) out.push(r);
      });
      return out;
    }
    if (!isObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) {
      const r = this.intrinsic(keys[0] as string, v[keys[0] as string] as Json, path);
      if (r === UNRESOLVED && !quiet) this.report(v, path);
      return r;
    }
    const out: JsonObject = {};
    for (const k of keys) {
      const r = this.value(v[k] as Json, [...path, k], quiet);
      if (r === UNRESOLVED) out[k] = this.placeholder(v[k] as Json, [...path, k]);
      else if (r !== undefined) out[k] = r;
    }
    return out;
  }

  private intrinsic(k: string, a: Json, path: string[]): Value {
    const args = Array.isArray(a) ? a : [];
    switch (k) {
      case 'Ref':
        return typeof a === 'string' ? this.ref(a, path) : UNRESOLVED;
      case 'Fn::GetAtt':
        return args.length === 2 && typeof args[0] === 'string' && typeof args[1] === 'string' ? this.getAtt(args[0], args[1], path) : UNRESOLVED;
      case 'Fn::Sub':
        if (typeof a === 'string') return this.sub(a, {}, path);
        return typeof args[0] === 'string' && isObject(args[1] as Json) ? this.sub(args[0], args[1] as JsonObject, path) : UNRESOLVED;
      case 'Fn::Join': {
        const parts = args[1];
        if (typeof args[0] !== 'string' || !Array.isArray(parts)) return UNRESOLVED;
        const items = parts.map((p) => this.value(p, path, true));
        return items.every((x) => typeof x === 'string' || typeof x === 'number') ? items.join(args[0]) : UNRESOLVED;
      }
      case 'Fn::Select': {
        const i = this.value(args[0] as Json, path, true);
        const listed = this.value(args[1] as Json, path, true);
        const arr = typeof listed === 'string' ? listed.split(',') : listed;
        return Array.isArray(arr) && (typeof i === 'string' || typeof i === 'number') && arr[Number(i)] !== undefined ? (arr[Number(i)] as Json) : UNRESOLVED;
      }
      case 'Fn::Split': {
        const s = this.value(args[1] as Json, path, true);
        return typeof args[0] === 'string' && typeof s === 'string' ? s.split(args[0]) : UNRESOLVED;
      }
      case 'Fn::FindInMap': {
        const [m, k1, k2] = args.map((x) => this.value(x, path, true));
        const map = typeof m === 'string' ? this.t.mappings[m] : undefined;
        const top = isObject(map) && typeof k1 === 'string' ? map[k1] : undefined;
        const val = isObject(top) && typeof k2 === 'string' ? top[k2] : undefined;
        return val === undefined ? UNRESOLVED : (this.value(val, path, true) as Value);
      }
      case 'Fn::If': {
        const which = typeof args[0] === 'string' ? this.condition(args[0], path) : undefined;
        if (which === undefined) return UNRESOLVED;
        return this.value(args[which ? 1 : 2] as Json, path);
      }
      default:
        return UNRESOLVED;
    }
  }

  private report(v: Json, path: string[]): void {
    this.unresolved.push({ offset: (isObject(v) ? this.offsets.get(v) : undefined) ?? 0, text: describe(v), path });
  }

  private placeholder(v: Json, path: string[]): Json {
    const key = path[path.length - 1] ?? 'value';
    const parentKey = /^\d+$/.test(key) ? (path[path.length - 2] ?? 'value') : key;
    const what = describe(v)
      .replace(/^!\w+ /, '')
      .replace(/\$\{([^}]*)\}/g, '$1');
    return placeholderFor(parentKey, what);
  }
}

/** PascalCase CloudFormation property names to the API's camelCase, leaving configuration maps as they are. */
function camel(v: Json, inConfig = false): Json {
  if (Array.isArray(v)) return v.map((x) => camel(x));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (inConfig) {
      out[k] = typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : JSON.stringify(x);
      continue;
    }
    const key = k.charAt(0).toLowerCase() + k.slice(1);
    out[key] = camel(x, k === 'Configuration');
  }
  return out;
}

function numbers(decl: JsonObject): void {
  for (const s of Array.isArray(decl.stages) ? decl.stages.filter(isObject) : [])
    for (const a of Array.isArray(s.actions) ? s.actions.filter(isObject) : [])
      for (const k of ['runOrder', 'timeoutInMinutes']) if (typeof a[k] === 'string' && /^\d+$/.test(a[k] as string)) a[k] = Number(a[k]);
}

/** Every pipeline resource of the template, as declarations with their notes. */
export function fromCloudFormation(doc: Document, file: SourceFile, diags: Diagnostics, region: string | undefined): SourcePipeline[] {
  const offsets = new Map<object, number>();
  const root = toValue(doc.contents, offsets) as JsonObject;
  const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});
  const t: Template = { parameters: obj(root.Parameters), mappings: obj(root.Mappings), conditions: obj(root.Conditions), resources: obj(root.Resources), region };
  const out: SourcePipeline[] = [];
  const span = (offset: number) => ({ file, start: offset, end: offset });
  for (const [logical, res] of Object.entries(t.resources)) {
    if (!isObject(res) || res.Type !== 'AWS::CodePipeline::Pipeline') continue;
    const resolver = new Resolver(t, offsets);
    const props = resolver.value(obj(res.Properties), []);
    const p = isObject(props as Json) ? (props as JsonObject) : {};
    const notes = new Map<string, string[]>();
    const note = (key: string, text: string): void => {
      notes.set(key, [...(notes.get(key) ?? []), text]);
    };
    const { Tags, DisableInboundStageTransitions, RestartExecutionOnUpdate, ArtifactStores, Name, ...rest } = p;
    const decl = camel(rest) as JsonObject;
    numbers(decl);
    decl.name = typeof Name === 'string' ? Name : logical;
    if (Name === undefined) note('pipeline', `CloudFormation names this pipeline itself (resource ${logical}); the logical ID is used as its name`);
    if (Array.isArray(ArtifactStores)) {
      const stores: JsonObject = {};
      for (const s of ArtifactStores.filter(isObject)) stores[String(s.Region)] = camel(s.ArtifactStore as Json);
      decl.artifactStores = stores;
    }
    const ordered: JsonObject = { name: decl.name, ...decl };
    if (RestartExecutionOnUpdate !== undefined) note('pipeline', `RestartExecutionOnUpdate: ${String(RestartExecutionOnUpdate)} has no counterpart in pipeline.yml (a CloudFormation-only setting)`);
    const disabled: Record<string, string> = {};
    if (Array.isArray(DisableInboundStageTransitions)) for (const d of DisableInboundStageTransitions.filter(isObject)) disabled[String(d.StageName)] = String(d.Reason ?? '');
    const stageNames = (Array.isArray(ordered.stages) ? ordered.stages : []).map((s) => (isObject(s) ? String(s.name) : ''));
    const actionNames = (i: number): string[] => {
      const s = (ordered.stages as Json[])[i];
      return isObject(s) && Array.isArray(s.actions) ? s.actions.map((a) => (isObject(a) ? String(a.name) : '')) : [];
    };
    for (const u of resolver.unresolved) {
      const at = file.position(u.offset);
      let key = 'pipeline';
      if (u.path[0] === 'Stages' && u.path[1] !== undefined) {
        const si = Number(u.path[1]);
        key = `stage:${stageNames[si] ?? ''}`;
        if (u.path[2] === 'Actions' && u.path[3] !== undefined) key = `action:${stageNames[si] ?? ''}/${actionNames(si)[Number(u.path[3])] ?? ''}`;
      }
      const setting = u.path.filter((x) => !/^\d+$/.test(x)).slice(-1)[0] ?? 'value';
      note(key, `FILL IN ${setting}: ${u.text} (${file.path}:${at.line}:${at.col}) cannot be resolved from the template`);
      diags.add('PC7003', `${logical}: ${u.text} in ${u.path.join('.')} cannot be resolved from the template; the import leaves a placeholder to fill in`, span(u.offset), {
        suggestion: 'give the parameter a Default, or replace the FILL-IN placeholder in the imported file',
      });
    }
    const problem = declarationProblem(ordered);
    if (problem) {
      diags.add('PC7001', `pipeline resource ${logical} cannot be read: ${problem}`, span(offsets.get(res) ?? 0));
      continue;
    }
    const tags = Array.isArray(Tags) ? Tags.filter(isObject).map((x) => ({ key: String(x.Key), value: String(x.Value ?? '') })) : [];
    const src: SourcePipeline = { declaration: ordered, tags, origin: `${file.path}#${logical}`, notes };
    if (Object.keys(disabled).length > 0) src.disabledInbound = disabled;
    const r = pipelineRegion(ordered, region);
    if (r) src.region = r;
    else if (isObject(ordered.artifactStores)) {
      diags.add('PC7006', `pipeline resource ${logical} has artifact stores in several regions and its own region cannot be told from the template`, span(offsets.get(res) ?? 0), {
        suggestion: `name it: pipec import ${file.path} --region <the stack's region>`,
      });
      continue;
    }
    out.push(src);
  }
  if (out.length === 0 && !diags.hasErrors()) diags.add('PC7004', `'${file.path}' is a CloudFormation template without an AWS::CodePipeline::Pipeline resource`, span(0));
  return out;
}
