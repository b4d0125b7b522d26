import type { IrAction, IrPipeline } from '../../compiler/ir.js';
import { denyInsecureTransport } from './storage.js';
import { shortHash } from '../../compiler/short-hash.js';
import { arn, arnPart, getAtt, PolicyBuilder, ref, roleProperties, serviceTrust, sub, subText, type Json, type Template } from './template.js';

/** The pipeline's ARN (the resource has no Arn attribute; its Ref is the name). */
export const PIPELINE_ARN = sub('arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}');

/**
 * Source actions an EventBridge rule starts the pipeline for: CodeCommit and S3 sources whose
 * configuration says `PollForSourceChanges: false` (the compiler writes it unless `poll: true`; a
 * raw action without the key polls, CodePipeline's default) and ECR sources (which cannot poll).
 * Connection sources detect changes themselves; GitHub v1 sources poll. codepipeline.json carries
 * the same configuration, so both targets make the same pipeline.
 */
export function eventSources(p: IrPipeline): IrAction[] {
  const out: IrAction[] = [];
  for (const a of p.stages[0]?.actions ?? []) {
    if (a.category !== 'Source' || a.owner !== 'AWS') continue;
    if ((a.provider === 'CodeCommit' || a.provider === 'S3') && /^false$/i.test(a.configuration.PollForSourceChanges ?? '')) out.push(a);
    if (a.provider === 'ECR') out.push(a);
  }
  return out;
}

function pattern(a: IrAction): Json {
  const c = a.configuration;
  switch (a.provider) {
    case 'CodeCommit':
      return {
        source: ['aws.codecommit'],
        'detail-type': ['CodeCommit Repository State Change'],
        resources: [arn('codecommit', subText(c.RepositoryName ?? ''))],
        detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'], referenceName: [c.BranchName ?? ''] },
      };
    case 'S3':
      return {
        source: ['aws.s3'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          eventName: ['CompleteMultipartUpload', 'CopyObject', 'PutObject'],
          requestParameters: { bucketName: [c.S3Bucket ?? ''], key: [c.S3ObjectKey ?? ''] },
        },
      };
    default:
      return {
        source: ['aws.ecr'],
        'detail-type': ['ECR Image Action'],
        detail: { 'action-type': ['PUSH'], result: ['SUCCESS'], 'repository-name': [c.RepositoryName ?? ''], 'image-tag': [c.ImageTag ?? 'latest'] },
      };
  }
}

/** A rule per event source, and the role EventBridge assumes to start the pipeline (trusted by events.amazonaws.com only). */
export function addSourceRules(t: Template, p: IrPipeline, sources: readonly IrAction[]): string | undefined {
  if (sources.length === 0) return undefined;
  const policy = new PolicyBuilder();
  policy.add({ sid: 'StartThisPipeline', actions: ['codepipeline:StartPipelineExecution'], resources: [PIPELINE_ARN] });
  const role = t.add('SourceEventsRole', 'AWS::IAM::Role', roleProperties(serviceTrust('events.amazonaws.com'), 'start-pipeline', policy, { Description: `pipec: lets EventBridge start pipeline ${p.name}` }));
  for (const a of sources) {
    const what = a.provider === 'CodeCommit' ? `a push to ${a.configuration.RepositoryName}@${a.configuration.BranchName}` : a.provider === 'S3' ? `a new s3://${a.configuration.S3Bucket}/${a.configuration.S3ObjectKey}` : `an image push to ${a.configuration.RepositoryName}:${a.configuration.ImageTag ?? 'latest'}`;
    t.add(t.uniqueId(`${a.name}SourceRule`), 'AWS::Events::Rule', {
      Description: `pipec: starts pipeline ${p.name} on ${what}`.slice(0, 512),
      State: 'ENABLED',
      EventPattern: pattern(a),
      Targets: [{ Id: 'pipeline', Arn: PIPELINE_ARN, RoleArn: getAtt(role, 'Arn') }],
    });
  }
  return role;
}

/** The trail that turns S3 object writes into the EventBridge events an S3 source rule matches. */
export const TRAIL_NAME = (p: IrPipeline): string => {
  const base = p.name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100);
  const name = `${/^[A-Za-z0-9]/.test(base) ? '' : 'pipec-'}${base}-source-events`;
  if (TRAIL_NAME_RULE.test(name)) return name;
  // A name of two '.', '_' or '-' in a row (web--api, a..b, app-): those become one '-', and the
  // pipeline name's hash keeps apart two pipelines that would otherwise come to one trail name.
  const joined = p.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 100);
  return `pipec-${joined ? `${joined}-` : ''}${shortHash(p.name)}-source-events`;
};

/**
 * CloudTrail's trail names (CreateTrail): letters, digits, '.', '_' and '-', starting and ending with a
 * letter or digit, "no adjacent periods, underscores or dashes" (my-_namespace and my--namespace are
 * not valid), 3 to 128 long.
 */
const TRAIL_NAME_RULE = /^(?=.{3,128}$)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/** Key-policy statements that let CloudTrail encrypt the trail's log files with a key of this stack. */
export function trailKeyStatements(p: IrPipeline): Json[] {
  const trailArn = sub(`arn:\${AWS::Partition}:cloudtrail:\${AWS::Region}:\${AWS::AccountId}:trail/${TRAIL_NAME(p)}`);
  return [
    {
      Sid: 'CloudTrailEncryptsLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': sub('arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*') },
      },
    },
    {
      Sid: 'CloudTrailDescribesKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
  ];
}

/**
 * S3 sources: EventBridge sees object writes only through a CloudTrail trail that logs the
 * object's data events. The trail writes to its own bucket (KMS-encrypted, private, TLS-only,
 * expiring logs after 30 days); `keyArn` is the stack's artifact key when it has one, else a key is created.
 */
export function addSourceTrail(t: Template, p: IrPipeline, sources: readonly IrAction[], keyArn: Json | undefined): void {
  const s3 = sources.filter((a) => a.provider === 'S3');
  if (s3.length === 0) return;
  let key = keyArn;
  if (key === undefined) {
    const id = t.add(
      'TrailKey',
      'AWS::KMS::Key',
      {
        Description: `pipec: encrypts the CloudTrail logs that detect S3 source changes of pipeline ${p.name}`,
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') }, Action: 'kms:*', Resource: '*' },
            ...trailKeyStatements(p),
          ],
        },
      },
      { retain: true },
    );
    key = getAtt(id, 'Arn');
  }
  const bucket = t.add(
    'TrailBucket',
    'AWS::S3::Bucket',
    {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [{ Id: 'ExpireTrailLogs', Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
      },
    },
    { retain: true },
  );
  const trailArn = sub(`arn:\${AWS::Partition}:cloudtrail:\${AWS::Region}:\${AWS::AccountId}:trail/${TRAIL_NAME(p)}`);
  const bucketArn = getAtt(bucket, 'Arn');
  const policy = t.add('TrailBucketPolicy', 'AWS::S3::BucketPolicy', {
    Bucket: ref(bucket),
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(bucketArn, sub(`\${${bucket}.Arn}/*`)),
        { Sid: 'CloudTrailChecksAcl', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: bucketArn, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } },
        {
          Sid: 'CloudTrailWritesLogs',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: sub(`\${${bucket}.Arn}/AWSLogs/\${AWS::AccountId}/*`),
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
        },
      ],
    },
  });
  t.add(
    'SourceTrail',
    'AWS::CloudTrail::Trail',
    {
      TrailName: TRAIL_NAME(p),
      IsLogging: true,
      S3BucketName: ref(bucket),
      KMSKeyId: key,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: false,
      IsMultiRegionTrail: false,
      EventSelectors: [
        {
          ReadWriteType: 'WriteOnly',
          IncludeManagementEvents: false,
          DataResources: [{ Type: 'AWS::S3::Object', Values: s3.map((a) => sub(`arn:\${AWS::Partition}:s3:::${arnPart(a.configuration.S3Bucket ?? '')}/${subText(a.configuration.S3ObjectKey ?? '')}`)) }],
        },
      ],
    },
    { dependsOn: [policy] },
  );
}
