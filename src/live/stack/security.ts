import { parse, type CollectionTag, type ScalarTag } from 'yaml';

/**
 * One IAM statement or security group rule that a stack update adds or removes, as `cdk diff`
 * lists them under "IAM Statement Changes" and "Security Group Changes": where it is (logical id
 * and what kind of policy), effect, actions, principals, resources and condition, with
 * intrinsics written `${Logical.Attr}` / `${Param}`.
 */
export interface SecurityChange {
  op: 'add' | 'remove';
  kind: 'iam' | 'security-group';
  /** Logical id of the resource holding it, and which document (`policy`, `trust`, `bucket policy`, `ingress`...). */
  resource: string;
  document: string;
  effect?: string;
  actions?: string[];
  principals?: string[];
  resources?: string[];
  condition?: string;
  /** Security group rules: protocol, ports and peer. */
  rule?: string;
}

type Tree = { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> };

/** The IAM statements and security group rules `after` adds and removes compared with `before` (undefined: a new stack). */
export function securityChanges(before: string | undefined, after: string): SecurityChange[] {
  const old = rows(before === undefined ? {} : read(before));
  const now = rows(read(after));
  const key = (r: SecurityChange) => JSON.stringify({ ...r, op: undefined });
  const oldKeys = new Set(old.map(key));
  const nowKeys = new Set(now.map(key));
  const out = [...now.filter((r) => !oldKeys.has(key(r))).map((r) => ({ ...r, op: 'add' as const })), ...old.filter((r) => !nowKeys.has(key(r))).map((r) => ({ ...r, op: 'remove' as const }))];
  return out.sort((a, b) => a.resource.localeCompare(b.resource) || a.document.localeCompare(b.document) || (a.op === b.op ? 0 : a.op === 'add' ? -1 : 1));
}

/**
 * CloudFormation's short-form tags as the long form they stand for (`!Ref X` is `{ Ref: X }`,
 * `!GetAtt A.B` is `{ "Fn::GetAtt": "A.B" }`): the template a stack was deployed with, which
 * GetTemplate returns as written, may use them (pipec writes the long form).
 */
const FUNCTIONS = ['Ref', 'Condition', ...['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'Or', 'Select', 'Split', 'Sub', 'Transform'].map((f) => `Fn::${f}`)];
const CFN_TAGS: (ScalarTag | CollectionTag)[] = FUNCTIONS.flatMap((name) => {
  const tag = `!${name.replace(/^Fn::/, '')}`;
  const resolve = (v: unknown) => ({ [name]: v });
  return [{ tag, resolve } as unknown as ScalarTag, { tag, collection: 'seq', resolve: (v: { toJSON(): unknown }) => resolve(v.toJSON()) } as unknown as CollectionTag, { tag, collection: 'map', resolve: (v: { toJSON(): unknown }) => resolve(v.toJSON()) } as unknown as CollectionTag];
});

function read(text: string): Tree {
  try {
    return (parse(text, { customTags: CFN_TAGS }) ?? {}) as Tree;
  } catch {
    return {};
  }
}

/** A value with intrinsics as `${...}` text. */
export function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return `\${${o.Ref}}`;
    if (Array.isArray(o['Fn::GetAtt'])) return `\${${(o['Fn::GetAtt'] as unknown[]).map(String).join('.')}}`;
    if (typeof o['Fn::GetAtt'] === 'string') return `\${${o['Fn::GetAtt']}}`;
    if (typeof o['Fn::Sub'] === 'string') return o['Fn::Sub'];
    if (Array.isArray(o['Fn::Sub'])) return String(o['Fn::Sub'][0]);
    if (Array.isArray(o['Fn::Join'])) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return (Array.isArray(parts) ? parts : []).map(show).join(sep);
    }
    if (o['Fn::ImportValue'] !== undefined) return `\${Import:${show(o['Fn::ImportValue'])}}`;
  }
  return JSON.stringify(v);
}

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(show).sort();
}

function principals(p: unknown): string[] {
  if (p === undefined) return [];
  if (p === '*' || typeof p === 'string') return [show(p)];
  if (p && typeof p === 'object' && !Array.isArray(p) && !('Ref' in p) && !('Fn::Sub' in p) && !('Fn::GetAtt' in p))
    return Object.entries(p as Record<string, unknown>)
      .flatMap(([kind, v]) => list(v).map((x) => `${kind}:${x}`))
      .sort();
  return [show(p)];
}

function statements(doc: unknown): Array<Record<string, unknown>> {
  const st = doc && typeof doc === 'object' ? (doc as { Statement?: unknown }).Statement : undefined;
  return (Array.isArray(st) ? st : st ? [st] : []) as Array<Record<string, unknown>>;
}

function iamRows(resource: string, document: string, doc: unknown): SecurityChange[] {
  return statements(doc).map((s) => ({
    op: 'add',
    kind: 'iam',
    resource,
    document,
    effect: String(s.Effect ?? 'Allow'),
    actions: list(s.Action ?? s.NotAction),
    principals: principals(s.Principal ?? s.NotPrincipal),
    resources: list(s.Resource ?? s.NotResource),
    ...(s.Condition ? { condition: JSON.stringify(s.Condition) } : {}),
  }));
}

function ruleOf(r: Record<string, unknown>, direction: 'ingress' | 'egress'): string {
  const peer = r.CidrIp ?? r.CidrIpv6 ?? r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId ?? r.SourcePrefixListId ?? r.DestinationPrefixListId ?? '?';
  const ports = r.FromPort === undefined ? 'all ports' : r.FromPort === r.ToPort ? `port ${show(r.FromPort)}` : `ports ${show(r.FromPort)}-${show(r.ToPort)}`;
  return `${direction} ${show(r.IpProtocol ?? '-1')} ${ports} ${direction === 'ingress' ? 'from' : 'to'} ${show(peer)}`;
}

function rows(t: Tree): SecurityChange[] {
  const out: SecurityChange[] = [];
  for (const [id, r] of Object.entries(t.Resources ?? {})) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::IAM::Role':
        out.push(...iamRows(id, 'trust', p.AssumeRolePolicyDocument));
        for (const pol of (p.Policies as Array<{ PolicyName?: unknown; PolicyDocument?: unknown }> | undefined) ?? []) out.push(...iamRows(id, `policy ${show(pol.PolicyName)}`, pol.PolicyDocument));
        for (const arn of list(p.ManagedPolicyArns)) out.push({ op: 'add', kind: 'iam', resource: id, document: 'managed policy', resources: [arn] });
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        out.push(...iamRows(id, `policy for ${list(p.Roles).join(', ') || 'its principals'}`, p.PolicyDocument));
        break;
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
        out.push(...iamRows(id, 'resource policy', p.PolicyDocument));
        break;
      case 'AWS::KMS::Key':
        out.push(...iamRows(id, 'key policy', p.KeyPolicy));
        break;
      case 'AWS::Lambda::Permission':
        out.push({ op: 'add', kind: 'iam', resource: id, document: 'lambda permission', effect: 'Allow', actions: list(p.Action), principals: list(p.Principal), resources: list(p.FunctionName) });
        break;
      case 'AWS::EC2::SecurityGroup':
        for (const rule of (p.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? []) out.push({ op: 'add', kind: 'security-group', resource: id, document: 'security group', rule: ruleOf(rule, 'ingress') });
        for (const rule of (p.SecurityGroupEgress as Array<Record<string, unknown>> | undefined) ?? []) out.push({ op: 'add', kind: 'security-group', resource: id, document: 'security group', rule: ruleOf(rule, 'egress') });
        break;
      case 'AWS::EC2::SecurityGroupIngress':
      case 'AWS::EC2::SecurityGroupEgress': {
        const dir = r.Type.endsWith('Ingress') ? 'ingress' : 'egress';
        out.push({ op: 'add', kind: 'security-group', resource: show(p.GroupId ?? id), document: `rule ${id}`, rule: ruleOf(p, dir) });
        break;
      }
    }
  }
  return out;
}
