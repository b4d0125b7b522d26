import type { IrPermissions } from '../../compiler/ir.js';
import { commented, fixed, toJson, toYaml } from '../yaml-writer.js';

/** Any JSON-like value of a template (intrinsic functions included). */
export type Json = unknown;

export const ref = (id: string): Json => ({ Ref: id });
export const getAtt = (id: string, attribute: string): Json => ({ 'Fn::GetAtt': [id, attribute] });
export const sub = (text: string): Json => ({ 'Fn::Sub': text });

/** User text placed inside Fn::Sub: `${` would start a substitution, `${!` writes it literally. */
export function subText(text: string): string {
  return text.replace(/\$\{/g, '${!');
}

/** A name as part of an IAM resource ARN: pipeline variables (`#{...}`) are only known at run time, so they match anything. */
export function arnPart(text: string): string {
  return subText(text.replace(/#\{[^}]*\}/g, '*'));
}

/** An ARN in the stack's partition and account; `region` is a region name or `${AWS::Region}`, '' for global services. */
export function arn(service: string, resource: string, region = '${AWS::Region}', account = '${AWS::AccountId}'): Json {
  return sub(`arn:\${AWS::Partition}:${service}:${region}:${account}:${resource}`);
}

/** An ARN the user wrote: taken as written, with run-time variables widened to `*`. */
export function userArn(text: string): Json {
  return text.replace(/#\{[^}]*\}/g, '*');
}

/** A logical ID from free text: its letters and digits in PascalCase (CloudFormation allows only A-Za-z0-9). */
export function pascalId(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export interface ResourceOptions {
  dependsOn?: string[];
  /** DeletionPolicy and UpdateReplacePolicy: kept when the stack is deleted or the resource replaced, or deleted explicitly. */
  retain?: boolean;
  deletion?: 'Retain' | 'Delete';
  comment?: string;
}

/** A pipeline's `tags:`, as pipeline.yml lists them. */
export type TagList = ReadonlyArray<{ key: string; value: string }>;

/**
 * Resource types pipec writes that carry tags, and the shape of their Tags property (from the
 * cfn-lint 1.51.0 resource schemas; test/cloudformation-tags.test.ts checks every taggable type
 * pipec writes is listed). Policies, aliases and bucket policies have no tags.
 */
const TAGGABLE: Readonly<Record<string, 'list' | 'map'>> = {
  'AWS::CloudTrail::Trail': 'list',
  'AWS::CodeBuild::Project': 'list',
  'AWS::CodeDeploy::Application': 'list',
  'AWS::CodeDeploy::DeploymentGroup': 'list',
  'AWS::CodePipeline::Pipeline': 'list',
  'AWS::CodeStarNotifications::NotificationRule': 'map',
  'AWS::Events::Rule': 'list',
  'AWS::IAM::Role': 'list',
  'AWS::KMS::Key': 'list',
  'AWS::Logs::LogGroup': 'list',
  'AWS::S3::Bucket': 'list',
  'AWS::SNS::Topic': 'list',
};

/** The Tags property of a resource type for the pipeline's tags (nothing when there are none or the type has no tags). */
export function tagsProperty(type: string, tags: TagList): Record<string, Json> {
  const shape = TAGGABLE[type];
  if (!shape || tags.length === 0) return {};
  return { Tags: shape === 'map' ? Object.fromEntries(tags.map((t) => [t.key, t.value])) : tags.map((t) => ({ Key: t.key, Value: t.value })) };
}

/** A CloudFormation template under construction: sections in the order they are written. */
export class Template {
  readonly parameters: Record<string, Json> = {};
  readonly resources: Record<string, Json> = {};
  readonly outputs: Record<string, Json> = {};
  private readonly ids = new Set<string>();
  /** The Tags value of each shape, made once per template: every taggable resource shares it. */
  private listTags: Json;
  private mapTags: Json;

  /** `tags`: the pipeline's tags, written on every taggable resource of the template. */
  constructor(
    readonly description: string,
    private readonly tags: TagList = [],
  ) {}

  /** A logical ID not used yet in this template, derived from `base`. */
  uniqueId(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9]/g, '') || 'Resource';
    let id = clean;
    for (let n = 2; this.ids.has(id); n++) id = `${clean}${n}`;
    this.ids.add(id);
    return id;
  }

  has(id: string): boolean {
    return id in this.resources;
  }

  /** Adds a resource under an ID from `uniqueId` (or a fixed one) and returns the ID. */
  add(id: string, type: string, properties: Record<string, Json>, opts: ResourceOptions = {}): string {
    this.ids.add(id);
    const body: Record<string, Json> = { Type: type };
    if (opts.dependsOn && opts.dependsOn.length > 0) body.DependsOn = opts.dependsOn.length === 1 ? opts.dependsOn[0] : opts.dependsOn;
    const deletion = opts.deletion ?? (opts.retain ? 'Retain' : undefined);
    if (deletion) {
      body.DeletionPolicy = deletion;
      body.UpdateReplacePolicy = deletion;
    }
    // the builders pass a fresh object each: Tags joins it (last, as a spread would put it) rather than a copy
    if (!('Tags' in properties)) {
      const tags = this.tagsOf(type);
      if (tags !== undefined) properties.Tags = tags;
    }
    body.Properties = properties;
    this.resources[id] = opts.comment ? commented(body, opts.comment) : body;
    return id;
  }

  /** The Tags property's value for a resource of `type`, as {@link tagsProperty} makes it; undefined for none. */
  private tagsOf(type: string): Json {
    const shape = TAGGABLE[type];
    if (!shape || this.tags.length === 0) return undefined;
    if (shape === 'map') return (this.mapTags ??= fixed(tagsProperty(type, this.tags).Tags));
    return (this.listTags ??= fixed(tagsProperty(type, this.tags).Tags));
  }

  parameter(id: string, body: Record<string, Json>): string {
    this.parameters[id] = body;
    return id;
  }

  output(id: string, description: string, value: Json): void {
    this.outputs[id] = { Description: description, Value: value };
  }

  /** The template as a plain tree, sections in CloudFormation's usual order, empty ones left out. */
  tree(): Record<string, Json> {
    return {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: this.description,
      ...(Object.keys(this.parameters).length > 0 ? { Parameters: this.parameters } : {}),
      Resources: this.resources,
      ...(Object.keys(this.outputs).length > 0 ? { Outputs: this.outputs } : {}),
    };
  }

  /**
   * The template text: YAML with explanatory comments and the header (what the file is, its deploy
   * command, the deploy order) as comments at the top, or JSON, which has no comments: there the
   * header's lines are the template's `Metadata.pipec`, after its Description. JSON indented takes
   * about twice the bytes of YAML; one that would pass the 51,200 bytes CloudFormation takes in a
   * request (`aws cloudformation deploy` without --s3-bucket, CreateChangeSet's TemplateBody) is
   * written without indentation, which halves it.
   */
  render(format: 'yaml' | 'json', header: string): string {
    if (format === 'yaml') return toYaml(this.tree(), header);
    const { AWSTemplateFormatVersion, Description, ...rest } = this.tree();
    const tree = { AWSTemplateFormatVersion, Description, Metadata: { pipec: header.split('\n') }, ...rest };
    const text = toJson(tree);
    return Buffer.byteLength(text) <= TEMPLATE_BODY_BYTES ? text : toJson(tree, 0);
  }
}

/** The largest template CloudFormation takes in a request (TemplateBody); larger ones go through S3. */
export const TEMPLATE_BODY_BYTES = 51_200;

export interface Grant {
  /** Statement ID: letters and digits; grants with the same Sid share one statement. */
  sid: string;
  actions: string[];
  resources: Json[];
  condition?: Record<string, Json>;
  /** Why the statement is needed when it is not obvious (a `*` resource, for example); written as a YAML comment. */
  comment?: string;
}

/** A statement being collected: its resources in first-seen order, each once (an ARN by its text, an intrinsic by its JSON). */
interface Collected {
  sid: string;
  actions: Set<string>;
  resources: Json[];
  arns: Set<string>;
  /** Fn::Sub resources by their text (most of them), other intrinsics by their JSON. */
  subs: Set<string>;
  intrinsics: Set<string>;
  condition?: Record<string, Json>;
  comment?: string;
}

/**
 * Collects grants into IAM statements: one per Sid and condition, actions sorted, resources
 * deduplicated in first-seen order. Grants with the same Sid but another condition (two EC2 deploys
 * to instances of different tags, a key by ARN and a key by alias) get a statement of their own,
 * Sid numbered: merging them would put one grant's resources under the other's condition.
 */
export class PolicyBuilder {
  private readonly statements = new Map<string, Collected>();
  private readonly sids = new Map<string, number>();

  add(g: Grant): void {
    const key = g.condition ? `${g.sid}\u0000${JSON.stringify(g.condition)}` : g.sid;
    let s = this.statements.get(key);
    if (!s) {
      const n = (this.sids.get(g.sid) ?? 0) + 1;
      this.sids.set(g.sid, n);
      s = { sid: n === 1 ? g.sid : `${g.sid}${n}`, actions: new Set(), resources: [], arns: new Set(), subs: new Set(), intrinsics: new Set(), ...(g.condition ? { condition: g.condition } : {}), ...(g.comment ? { comment: g.comment } : {}) };
      this.statements.set(key, s);
    }
    for (const a of g.actions) s.actions.add(a);
    for (const r of g.resources) {
      const text = typeof r === 'string' ? r : subOnly(r);
      const seen = text === undefined ? s.intrinsics : typeof r === 'string' ? s.arns : s.subs;
      const key = text ?? JSON.stringify(r);
      if (seen.has(key)) continue;
      seen.add(key);
      s.resources.push(r);
    }
  }

  addAll(grants: readonly Grant[]): void {
    for (const g of grants) this.add(g);
  }

  get size(): number {
    return this.statements.size;
  }

  /** Every IAM action the statements allow, sorted, each once. */
  actions(): string[] {
    const all = new Set<string>();
    for (const s of this.statements.values()) for (const a of s.actions) all.add(a);
    return [...all].sort();
  }

  /** The policy document (2012-10-17). */
  document(): Json {
    const list: Json[] = [];
    for (const s of this.statements.values()) {
      const st: Record<string, Json> = {
        Sid: s.sid,
        Effect: 'Allow',
        Action: [...s.actions].sort(),
        Resource: [...s.resources],
      };
      if (s.condition) st.Condition = s.condition;
      list.push(s.comment ? commented(st, s.comment) : st);
    }
    return { Version: '2012-10-17', Statement: list };
  }
}

/** The text of a resource that is `{ 'Fn::Sub': text }` and nothing else; undefined for any other value. */
function subOnly(r: Json): string | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return undefined;
  let text: unknown;
  for (const k in r as Record<string, Json>) {
    if (k !== 'Fn::Sub' || text !== undefined) return undefined;
    text = (r as Record<string, Json>)[k];
  }
  return typeof text === 'string' ? text : undefined;
}

/** A trust policy that lets one AWS service assume the role (one per service, its text made once). */
export function serviceTrust(service: string): Json {
  let trust = TRUSTS.get(service);
  if (trust === undefined) {
    trust = fixed({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
    });
    TRUSTS.set(service, trust);
  }
  return trust;
}

const TRUSTS = new Map<string, Json>();

/** An IAM role with one inline policy. */
export function roleProperties(trust: Json, policyName: string, policy: PolicyBuilder, extra: Record<string, Json> = {}): Record<string, Json> {
  return {
    ...extra,
    AssumeRolePolicyDocument: trust,
    ...(policy.size > 0 ? { Policies: [{ PolicyName: policyName, PolicyDocument: policy.document() }] } : {}),
  };
}

/** A user's ARN, substituted when it names pseudo parameters (`${AWS::AccountId}`). */
function userResource(text: string): Json {
  return text.includes('${AWS::') ? sub(text) : text;
}

/**
 * Adds what pipeline.yml's `permissions:` and `managed-policies:` say to a role's properties: the
 * statements as one more inline policy (`pipeline-yml`), the policies to ManagedPolicyArns.
 */
export function withUserPermissions(props: Record<string, Json>, perms: IrPermissions | undefined): Record<string, Json> {
  if (!perms) return props;
  const out = { ...props };
  if (perms.statements.length > 0) {
    const statements = perms.statements.map((s, i) => ({
      Sid: s.sid ?? `PipelineYml${i + 1}`,
      Effect: s.effect,
      Action: s.actions,
      Resource: s.resources.map(userResource),
      ...(s.condition ? { Condition: s.condition } : {}),
    }));
    out.Policies = [...((out.Policies as Json[] | undefined) ?? []), { PolicyName: 'pipeline-yml', PolicyDocument: { Version: '2012-10-17', Statement: statements } }];
  }
  if (perms.managedPolicies.length > 0) out.ManagedPolicyArns = [...((out.ManagedPolicyArns as Json[] | undefined) ?? []), ...perms.managedPolicies.map(userResource)];
  return out;
}
