import type { IrStore } from '../../compiler/ir.js';
import { arn, getAtt, ref, sub, type Grant, type Json, type Template } from './template.js';

/** What a key user needs (pipeline role, CodeBuild roles, cross-account roles). */
export const KEY_USER_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

/** An artifact store as the resources of one stack see it. */
export interface StoreRefs {
  /** The region the bucket is in; undefined for the stack's own region. */
  region?: string;
  bucketName: Json;
  bucketArn: Json;
  objectsArn: Json;
  /** The key as CodePipeline and CodeBuild name it (ARN or alias ARN); absent for S3-managed encryption. */
  keyId?: Json;
  /** How an IAM policy names the key: resources, and a condition when it is named through its alias. */
  keyGrant?: { resources: Json[]; condition?: Record<string, Json> };
  /** Logical ID of the key when this stack creates it. */
  keyResource?: string;
  /** Logical ID of the bucket when this stack creates it. */
  bucketResource?: string;
}

/** The bucket-policy statement that refuses every request not made over TLS. */
export function denyInsecureTransport(bucketArn: Json, objectsArn: Json): Json {
  return {
    Sid: 'DenyInsecureConnections',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, objectsArn],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** The alias pipec gives the artifact key it creates: one per pipeline and region. */
export function keyAlias(pipeline: string): string {
  return `alias/pipec/${pipeline.replace(/[^a-zA-Z0-9:/_-]/g, '-')}/artifacts`;
}

/**
 * How IAM names a key known only by its alias (a key of the user's): any key of the alias's account and
 * region, on the condition that the alias names it (kms:ResourceAliases, "Use aliases to control access
 * to KMS keys" in the KMS developer guide). The key's ID is not known when pipec writes the policy.
 */
function aliasGrant(alias: string, region: string, account = '${AWS::AccountId}'): StoreRefs['keyGrant'] {
  return {
    resources: [arn('kms', 'key/*', region, account)],
    condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [alias] } },
  };
}

/**
 * A key the user gave, as an artifact store and CodeBuild name it: an ARN as written; an alias name or
 * key ID as the ARN it stands for in the store's region and the pipeline's account. CodePipeline's
 * EncryptionKey takes "the key ID, the key ARN, or the alias ARN" (API reference), not an alias name,
 * and a key ID or alias name would be looked up in the account of whoever uses it.
 */
export function userKeyId(key: string, region: string, account = '${AWS::AccountId}'): Json {
  if (key.startsWith('arn:') || key.includes('#{')) return key;
  return sub(`arn:\${AWS::Partition}:kms:${region}:${account}:${key.startsWith('alias/') ? key : `key/${key}`}`);
}

/** How IAM names a key the user gave as an ARN, alias ARN, alias name or key ID. */
export function userKeyGrant(key: string, region: string): StoreRefs['keyGrant'] {
  const aliasArn = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/.exec(key);
  if (aliasArn) return aliasGrant(aliasArn[3] as string, aliasArn[1] as string, aliasArn[2] as string);
  if (key.startsWith('arn:')) return { resources: [key] };
  if (key.startsWith('alias/')) return aliasGrant(key, region);
  return { resources: [arn('kms', `key/${key}`, region)] };
}

/** The grants that let a role read and write artifacts in a store. */
export function storeGrants(s: StoreRefs, sidSuffix: string, forCodeBuild = false): Grant[] {
  const grants: Grant[] = [
    {
      sid: `ArtifactObjects${sidSuffix}`,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
      resources: [s.objectsArn],
    },
    {
      sid: `ArtifactBucket${sidSuffix}`,
      actions: forCodeBuild ? ['s3:GetBucketAcl', 's3:GetBucketLocation'] : ['s3:GetBucketLocation', 's3:GetBucketVersioning'],
      resources: [s.bucketArn],
    },
  ];
  if (s.keyGrant)
    grants.push({
      sid: `ArtifactKey${sidSuffix}`,
      actions: KEY_USER_ACTIONS,
      resources: s.keyGrant.resources,
      ...(s.keyGrant.condition ? { condition: s.keyGrant.condition } : {}),
    });
  return grants;
}

export interface StoreOptions {
  pipeline: string;
  /** The bucket as pipeline.yml names it (created under that name unless it exists). */
  store?: IrStore;
  /** The stack's region when known (cross-region stores), for user keys named by alias. */
  region?: string;
  /** Accounts whose deploy roles read and write artifacts (cross-account). */
  accounts: string[];
  /** More key-policy statements (CloudTrail, when its log bucket uses this key). */
  extraKeyStatements?: Json[];
  /** Lifecycle: days after which artifacts expire (a parameter reference). */
  retentionDays: Json;
}

function rootOf(account: string): Json {
  return sub(`arn:\${AWS::Partition}:iam::${account}:root`);
}

/** The key policy: the account administers the key (AWS's required default), target accounts may use it. */
function keyPolicy(accounts: string[], extra: Json[]): Json {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersKey',
        Effect: 'Allow',
        Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
        Action: 'kms:*',
        Resource: '*',
      },
      ...accounts.map((acct) => ({
        Sid: `DeployAccount${acct}UsesKey`,
        Effect: 'Allow',
        Principal: { AWS: rootOf(acct) },
        Action: KEY_USER_ACTIONS,
        Resource: '*',
      })),
      ...extra,
    ],
  };
}

/**
 * Whether the stack makes a KMS key for a store: when pipec makes the bucket under a name of its own
 * (no `artifacts:`), and when the user named the bucket without a `kms-key` but actions in other
 * accounts read it (they cannot use S3's default key, "Create a pipeline in CodePipeline that uses
 * resources from another AWS account"). A named bucket that only this account reads is encrypted
 * with S3's default key (aws/s3), as codepipeline.json leaves it, so both modes make the same pipeline.
 */
export function makesKey(store: IrStore | undefined, readingAccounts: readonly string[]): boolean {
  if (!store) return true;
  return !store.existing && !store.kmsKey && readingAccounts.length > 0;
}

/**
 * The artifact store of one stack: a KMS key and alias (when {@link makesKey}), a versioned
 * bucket with public access blocked, KMS default encryption and a lifecycle rule, and a bucket
 * policy that refuses plain-HTTP requests and unencrypted uploads and lets deploy accounts in.
 * An existing bucket (`existing: true`, or shared by several pipelines) is only referred to.
 */
export function addArtifactStore(t: Template, o: StoreOptions): StoreRefs {
  const region = o.region ?? '${AWS::Region}';
  const s = o.store;
  if (s?.existing) {
    const name = s.bucket;
    return {
      ...(o.region ? { region: o.region } : {}),
      bucketName: name,
      bucketArn: sub(`arn:\${AWS::Partition}:s3:::${name}`),
      objectsArn: sub(`arn:\${AWS::Partition}:s3:::${name}/*`),
      ...(s.kmsKey ? { keyId: userKeyId(s.kmsKey, region), keyGrant: userKeyGrant(s.kmsKey, region) } : {}),
    };
  }
  let keyId: Json | undefined;
  let keyGrant: StoreRefs['keyGrant'];
  let keyResource: string | undefined;
  if (s?.kmsKey) {
    keyId = userKeyId(s.kmsKey, region);
    keyGrant = userKeyGrant(s.kmsKey, region);
  } else if (makesKey(s, o.accounts)) {
    keyResource = t.add(
      'ArtifactKey',
      'AWS::KMS::Key',
      {
        Description: `pipec: encrypts the artifacts of pipeline ${o.pipeline}`,
        EnableKeyRotation: true,
        KeyPolicy: keyPolicy(o.accounts, o.extraKeyStatements ?? []),
      },
      { retain: true, comment: 'kept when the stack is deleted: artifacts encrypted with it stay readable' },
    );
    t.add('ArtifactKeyAlias', 'AWS::KMS::Alias', { AliasName: keyAlias(o.pipeline), TargetKeyId: ref(keyResource) });
    keyId = getAtt(keyResource, 'Arn');
    keyGrant = { resources: [keyId] };
  }
  const bucket = t.add(
    'ArtifactBucket',
    'AWS::S3::Bucket',
    {
      ...(s?.bucket ? { BucketName: s.bucket } : {}),
      // without a key of its own: SSE-KMS with S3's default key (aws/s3), which CodePipeline uses for a store without an encryption key
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', ...(keyId !== undefined ? { KMSMasterKeyID: keyId } : {}) }, BucketKeyEnabled: true }],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'ExpireOldArtifacts',
            Status: 'Enabled',
            ExpirationInDays: o.retentionDays,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    },
    s?.bucket
      ? {
          deletion: 'Delete',
          comment: `deleted with the stack, so that the stack can be deployed again under the fixed name ${s.bucket};\nCloudFormation refuses while it holds artifacts: empty it (every object version) first, or name it with 'existing: true' to keep it`,
        }
      : { retain: true },
  );
  const bucketArn = getAtt(bucket, 'Arn');
  const objectsArn = sub(`\${${bucket}.Arn}/*`);
  t.add('ArtifactBucketPolicy', 'AWS::S3::BucketPolicy', {
    Bucket: ref(bucket),
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(bucketArn, objectsArn),
        {
          Sid: 'DenyUnencryptedObjectUploads',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: objectsArn,
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        },
        ...o.accounts.flatMap((acct) => [
          { Sid: `DeployAccount${acct}Objects`, Effect: 'Allow', Principal: { AWS: rootOf(acct) }, Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], Resource: objectsArn },
          { Sid: `DeployAccount${acct}Bucket`, Effect: 'Allow', Principal: { AWS: rootOf(acct) }, Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: bucketArn },
        ]),
      ],
    },
  });
  return {
    ...(o.region ? { region: o.region } : {}),
    bucketName: ref(bucket),
    bucketArn,
    objectsArn,
    ...(keyId !== undefined ? { keyId } : {}),
    ...(keyGrant ? { keyGrant } : {}),
    ...(keyResource ? { keyResource } : {}),
    bucketResource: bucket,
  };
}

/**
 * A store of another region as the pipeline's stack names it: by bucket name, and by the key the user
 * gave. A key pipec makes there is named by its ARN, an output of that region's support stack that
 * the caller passes as a parameter (artifacts-stack.ts regionKeyParameter).
 */
export function remoteStore(store: IrStore, region: string): StoreRefs {
  const name = store.bucket;
  return {
    region,
    bucketName: name,
    bucketArn: sub(`arn:\${AWS::Partition}:s3:::${name}`),
    objectsArn: sub(`arn:\${AWS::Partition}:s3:::${name}/*`),
    ...(store.kmsKey ? { keyId: userKeyId(store.kmsKey, region), keyGrant: userKeyGrant(store.kmsKey, region) } : {}),
  };
}
