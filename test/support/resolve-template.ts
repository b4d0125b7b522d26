import type { TemplateFile } from './targets.js';

/**
 * Resolves a compiled template's intrinsic functions to the strings CloudFormation would put in
 * their place, for evaluating its IAM policies: pseudo parameters from where the stack is
 * deployed, parameters from their defaults (or a stand-in key ARN for the key ARNs read from
 * another stack), Ref and Fn::GetAtt of resources from their names.
 */
export interface StackPlace {
  account: string;
  region: string;
  /** Parameter values from the outputs of a stack deployed before (the artifacts stack's bucket name and key ARN). */
  parameters?: Record<string, string>;
}

type Resources = TemplateFile['tree']['Resources'];

/** A resource's physical name, as its Ref returns it. */
function physical(id: string, resources: Resources): string {
  const r = resources[id];
  if (!r) return id;
  const p = r.Properties ?? {};
  if (r.Type === 'AWS::KMS::Key') return `key-${id.toLowerCase()}`;
  if (r.Type === 'AWS::IAM::Role' && typeof p.RoleName !== 'string') return id;
  for (const k of ['BucketName', 'Name', 'RoleName', 'LogGroupName', 'TopicName', 'ApplicationName', 'DeploymentGroupName', 'TrailName']) if (typeof p[k] === 'string') return p[k] as string;
  return `${id.toLowerCase()}-generated`;
}

/** The ARN Fn::GetAtt [id, Arn] returns. */
function arnOf(id: string, resources: Resources, at: StackPlace): string {
  const r = resources[id];
  const name = physical(id, resources);
  switch (r?.Type) {
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${at.region}:${at.account}:key/${name}`;
    case 'AWS::CodeBuild::Project':
      return `arn:aws:codebuild:${at.region}:${at.account}:project/${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${at.account}:role/${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${at.region}:${at.account}:log-group:${name}:*`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${at.region}:${at.account}:${name}`;
    default:
      return `arn:aws:unknown:${at.region}:${at.account}:${name}`;
  }
}

/** The value of a parameter: its default, or a stand-in for a key ARN passed from another stack's outputs. */
function parameterValue(id: string, t: TemplateFile, at: StackPlace): string {
  const p = (t.tree.Parameters ?? {})[id] as { Default?: unknown } | undefined;
  if (p?.Default !== undefined) return String(p.Default);
  if (at.parameters?.[id] !== undefined) return at.parameters[id] as string;
  // the artifacts stack's bucket, when the user names none: a generated name
  if (id.startsWith('ArtifactBucketName')) return 'artifactbucket-generated';
  const region = /^ArtifactKeyArn(.+)$/.exec(id)?.[1]?.replace(/([a-z])([A-Z])/g, '$1-$2').replace(/([a-z])(\d)/g, '$1-$2').toLowerCase();
  return `arn:aws:kms:${region ?? at.region}:${at.account}:key/key-artifactkey`;
}

/** The template's tree with every intrinsic function replaced by its value. */
export function resolveTemplate(t: TemplateFile, at: StackPlace): TemplateFile['tree'] {
  const resources = t.tree.Resources;
  const ids = new Set(Object.keys(t.tree.Parameters ?? {}));
  const pseudo: Record<string, string> = { 'AWS::AccountId': at.account, 'AWS::Region': at.region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'stack' };
  const ref = (name: string): string => pseudo[name] ?? (ids.has(name) ? parameterValue(name, t, at) : physical(name, resources));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return ref(o.Ref);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      return attr === 'Arn' ? arnOf(id, resources, at) : `${physical(id, resources)}.${attr}`;
    }
    if (typeof o['Fn::Sub'] === 'string')
      return (o['Fn::Sub'] as string).replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
        if (bang) return `\${${name}}`;
        const [base, attr] = name.split('.') as [string, string | undefined];
        return attr === 'Arn' ? arnOf(base, resources, at) : attr ? `${physical(base, resources)}.${attr}` : ref(base);
      });
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(t.tree) as TemplateFile['tree'];
}
