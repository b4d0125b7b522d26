import type { PipelineRule } from '../ops/event-rules.js';
import { ruleMatchesSource } from '../ops/explain/rule-match.js';
import { isObject, type JsonObject } from './json.js';

/** A source action that only an EventBridge rule starts the pipeline for (CodeCommit or S3 not polling, or ECR). */
export interface EventSource {
  action: string;
  provider: 'CodeCommit' | 'S3' | 'ECR';
  configuration: Record<string, string>;
}

/**
 * The first stage's sources that need an EventBridge rule to start the pipeline: CodeCommit and S3
 * sources whose configuration says `PollForSourceChanges: false` (pipec writes it unless `poll:
 * true`) and ECR sources, which never poll ("Change detection methods" in the user guide).
 */
export function eventSourcesOf(declaration: JsonObject): EventSource[] {
  const first = Array.isArray(declaration.stages) ? declaration.stages[0] : undefined;
  const out: EventSource[] = [];
  for (const a of isObject(first) && Array.isArray(first.actions) ? first.actions : []) {
    if (!isObject(a) || !isObject(a.actionTypeId) || a.actionTypeId.category !== 'Source' || a.actionTypeId.owner !== 'AWS') continue;
    const provider = a.actionTypeId.provider;
    const configuration = Object.fromEntries(Object.entries(isObject(a.configuration) ? a.configuration : {}).map(([k, v]) => [k, String(v)]));
    const polls = !/^false$/i.test(configuration.PollForSourceChanges ?? 'true');
    if (provider === 'ECR' || ((provider === 'CodeCommit' || provider === 'S3') && !polls)) out.push({ action: String(a.name), provider: provider as EventSource['provider'], configuration });
  }
  return out;
}

/** Whether an enabled rule among `rules` starts the pipeline on changes of `source`. */
export function startedBy(source: EventSource, rules: readonly PipelineRule[]): boolean {
  const action = { actionTypeId: { category: 'Source' as const, owner: 'AWS' as const, provider: source.provider, version: '1' }, configuration: source.configuration, name: source.action };
  return rules.some((r) => r.enabled && (r.pattern === undefined || ruleMatchesSource(action, r.pattern)));
}

/** What the source's changes are, for messages. */
export function changesOf(s: EventSource): string {
  const c = s.configuration;
  if (s.provider === 'CodeCommit') return `pushes to ${c.RepositoryName ?? ''}@${c.BranchName ?? ''}`;
  if (s.provider === 'S3') return `new versions of s3://${c.S3Bucket ?? ''}/${c.S3ObjectKey ?? ''}`;
  return `image pushes to ${c.RepositoryName ?? ''}:${c.ImageTag ?? 'latest'}`;
}

/** The event pattern of the user guide's change-detection pages for a source, with the account and region filled in. */
function pattern(s: EventSource, region: string, account: string, partition: string): JsonObject {
  const c = s.configuration;
  if (s.provider === 'CodeCommit')
    return {
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      resources: [`arn:${partition}:codecommit:${region}:${account}:${c.RepositoryName ?? ''}`],
      detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'], referenceName: [c.BranchName ?? ''] },
    };
  if (s.provider === 'S3')
    return {
      source: ['aws.s3'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['s3.amazonaws.com'], eventName: ['CompleteMultipartUpload', 'CopyObject', 'PutObject'], requestParameters: { bucketName: [c.S3Bucket ?? ''], key: [c.S3ObjectKey ?? ''] } },
    };
  return { source: ['aws.ecr'], 'detail-type': ['ECR Image Action'], detail: { 'action-type': ['PUSH'], result: ['SUCCESS'], 'repository-name': [c.RepositoryName ?? ''], 'image-tag': [c.ImageTag ?? 'latest'] } };
}

/** A name of at most `max` characters of [A-Za-z0-9._-] (EventBridge rule names; IAM role names allow these too). */
function nameOf(text: string, max: number): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, max);
}

/** One argument for bash: single-quoted (JSON never holds a single quote here but may hold anything else). */
const quoted = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * The AWS CLI commands that make what the cloudformation target's stack makes for these sources
 * (the user guide's "Create an EventBridge rule for a CodeCommit source (CLI)"): a role EventBridge
 * assumes that may start only this pipeline, and per source a rule with the source's event pattern
 * targeting the pipeline. An S3 source's rule also needs a CloudTrail trail that logs the object's
 * data events ("Create an EventBridge rule for an Amazon S3 source (CLI)"), said by the caller.
 */
export function ruleCommands(pipeline: string, region: string, account: string, partition: string, sources: readonly EventSource[]): string[] {
  const pipelineArn = `arn:${partition}:codepipeline:${region}:${account}:${pipeline}`;
  const role = nameOf(`pipec-${pipeline}`, 57) + '-events';
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const start = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codepipeline:StartPipelineExecution', Resource: pipelineArn }] };
  const out = [
    `aws iam create-role --role-name ${role} --assume-role-policy-document ${quoted(JSON.stringify(trust))}`,
    `aws iam put-role-policy --role-name ${role} --policy-name start-pipeline --policy-document ${quoted(JSON.stringify(start))}`,
  ];
  for (const s of sources) {
    const rule = nameOf(`pipec-${pipeline}-${s.action}`, 64);
    out.push(`aws events put-rule --region ${region} --name ${rule} --event-pattern ${quoted(JSON.stringify(pattern(s, region, account, partition)))}`);
    out.push(`aws events put-targets --region ${region} --rule ${rule} --targets ${quoted(JSON.stringify([{ Id: 'pipeline', Arn: pipelineArn, RoleArn: `arn:${partition}:iam::${account}:role/${role}` }]))}`);
  }
  return out;
}
