import { bool, enm, secret, str } from './fields.js';
import type { Provider } from './types.js';

const FORMAT = { zip: 'CODE_ZIP', 'clone-ref': 'CODEBUILD_CLONE_REF' };

/**
 * Change detection of CodeCommit and S3 sources, one decision both targets write: without
 * `poll: true` an EventBridge rule starts the pipeline (the cloudformation target makes it; in
 * pipeline mode plan checks one exists), so the action says `PollForSourceChanges: false`
 * explicitly, since CodePipeline polls when the key is absent (the provider's `defaults`, the
 * service's). AWS recommends event-based detection ("Migrate polling pipelines to use
 * event-based change detection").
 */
const POLL = { ...bool('poll', 'PollForSourceChanges'), default: false };

/** Connection sources share one provider; the kind only names the host, for readers. */
function connection(kind: string, host: string): Provider {
  return {
    kind,
    category: 'Source',
    owner: 'AWS',
    provider: 'CodeStarSourceConnection',
    version: '1',
    inputs: [0, 0],
    outputs: [1, 1],
    primary: 'repository',
    shorthand: { name: 'repository', ref: 'branch', example: 'owner/repository' },
    gitTriggers: true,
    fields: [
      str('repository', 'FullRepositoryId', true),
      str('branch', 'BranchName', true),
      // an ARN: the action's role is granted UseConnection on it (an IAM resource must be an ARN)
      {
        ...str('connection', 'ConnectionArn', true),
        pattern: 'arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[A-Za-z0-9-]+',
        patternName: 'a connection ARN (arn:aws:codeconnections:us-east-1:123456789012:connection/<id>)',
      },
      enm('format', 'OutputArtifactFormat', FORMAT),
      bool('detect-changes', 'DetectChanges'),
    ],
    defaults: { DetectChanges: 'true', OutputArtifactFormat: 'CODE_ZIP' },
    doc: `${host} repository through a CodeStar connection`,
  };
}

/** Source providers (first stage only). */
export const SOURCES: Provider[] = [
  {
    kind: 'codecommit',
    category: 'Source',
    owner: 'AWS',
    provider: 'CodeCommit',
    version: '1',
    inputs: [0, 0],
    outputs: [1, 1],
    primary: 'repository',
    shorthand: { name: 'repository', ref: 'branch', example: 'repository' },
    fields: [
      str('repository', 'RepositoryName', true),
      str('branch', 'BranchName', true),
      POLL,
      enm('format', 'OutputArtifactFormat', FORMAT),
    ],
    defaults: { PollForSourceChanges: 'true', OutputArtifactFormat: 'CODE_ZIP' },
    doc: 'CodeCommit repository branch',
  },
  connection('github', 'GitHub'),
  connection('github-enterprise', 'GitHub Enterprise Server'),
  connection('bitbucket', 'Bitbucket Cloud'),
  connection('gitlab', 'GitLab.com'),
  connection('gitlab-self-managed', 'GitLab self-managed'),
  connection('connection', 'any CodeStar-connection'),
  {
    kind: 's3',
    category: 'Source',
    owner: 'AWS',
    provider: 'S3',
    version: '1',
    inputs: [0, 0],
    outputs: [1, 1],
    primarySplit: ['bucket', 'key'],
    shorthand: { split: ['bucket', 'key'], example: 'bucket/path/to/object.zip' },
    fields: [str('bucket', 'S3Bucket', true), str('key', 'S3ObjectKey', true), POLL],
    defaults: { PollForSourceChanges: 'true' },
    doc: 'object in a versioned S3 bucket (`s3: bucket/path/to/object.zip`)',
  },
  {
    kind: 'ecr',
    category: 'Source',
    owner: 'AWS',
    provider: 'ECR',
    version: '1',
    inputs: [0, 0],
    outputs: [1, 1],
    primary: 'repository',
    // Messages have always said owner/repository@branch here too.
    shorthand: { name: 'repository', ref: 'tag', optionalRef: true, colonRef: true, example: 'owner/repository' },
    fields: [str('repository', 'RepositoryName', true), str('tag', 'ImageTag')],
    defaults: { ImageTag: 'latest' },
    doc: 'image tag in an ECR repository',
  },
  {
    kind: 'github-v1',
    category: 'Source',
    owner: 'ThirdParty',
    provider: 'GitHub',
    version: '1',
    inputs: [0, 0],
    outputs: [1, 1],
    primarySplit: ['owner', 'repo'],
    fields: [
      str('owner', 'Owner', true),
      str('repo', 'Repo', true),
      str('branch', 'Branch', true),
      secret('token', 'OAuthToken', true),
      bool('poll', 'PollForSourceChanges'),
    ],
    secretKeys: ['OAuthToken'],
    defaults: { PollForSourceChanges: 'true' },
    doc: 'GitHub through an OAuth token (legacy; prefer `github` with a connection)',
  },
];
