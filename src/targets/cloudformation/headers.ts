import type { IrPipeline, IrStore } from '../../compiler/ir.js';
import { artifactsStackName, shellVariable } from './artifacts-stack.js';
import type { Template } from './template.js';

// What the header of a template says and prints: stack names, commands that read outputs, reminders.

/** The stack name of a region's support stack. */
export function regionStackName(pipeline: string, region: string): string {
  return `${pipeline}-pipeline-${region}`;
}

/** The AWS CLI command that prints one output of a stack. */
export function stackOutput(stack: string, region: string | undefined, output: string): string {
  return `aws cloudformation describe-stacks ${region ? `--region ${region} ` : ''}--stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='${output}'].OutputValue" --output text`;
}

/** Whether a template names IAM resources (RoleName, ...), which needs CAPABILITY_NAMED_IAM. */
export function namedIam(t: Template): boolean {
  return Object.values(t.resources).some((r) => {
    const props = ((r as { Properties?: Record<string, unknown> }).Properties ?? {}) as Record<string, unknown>;
    return ['RoleName', 'ManagedPolicyName', 'UserName', 'GroupName', 'InstanceProfileName'].some((k) => k in props);
  });
}

/** A reminder that a key or bucket of the user's own must let the target account in (pipec cannot change its policy). */
export function userKeyNote(p: IrPipeline, account: string): string {
  const stores = [p.store, ...Object.values(p.regionStores)].filter((s): s is IrStore => s !== undefined);
  const notes: string[] = [];
  for (const s of stores) {
    if (s.kmsKey) notes.push(`\nKey ${s.kmsKey} is yours: its key policy must allow arn:aws:iam::${account}:root kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:GenerateDataKey*, kms:ReEncrypt*.`);
    if (s.existing) notes.push(`\nBucket ${s.bucket} exists already: its bucket policy must allow arn:aws:iam::${account}:root s3:GetObject*, s3:PutObject, s3:GetBucketLocation, s3:ListBucket.`);
  }
  return [...new Set(notes)].join('');
}

/**
 * How an account stack's header says to deploy it: first, with the account's credentials; or, when it
 * takes outputs of the artifacts stack (`inputs`), after that stack: read them with the pipeline
 * account's credentials into shell variables (one `VAR=$(aws cloudformation describe-stacks ...)` a
 * line), then deploy with the account's, passing `Name="$VAR"`. A `$(...)` inside the deploy command
 * would run with the account's credentials, which cannot read a stack of the pipeline's account.
 */
export function accountDeployNote(o: { pipeline: string; region: string | undefined; pipelineAccount: string; account: string; artifactsFile: string; inputs: string[]; deploy(overrides: string[]): string }): string {
  if (o.inputs.length === 0) return `Deploy first, with credentials of account ${o.account}: ${o.deploy([])}`;
  const one = o.inputs.length === 1;
  return [
    `Deploy after ${o.artifactsFile}, with ${one ? 'its output' : 'its outputs'} ${o.inputs.join(' and ')}. Read ${one ? 'it' : 'them'} with credentials of account ${o.pipelineAccount} (the pipeline's):`,
    ...o.inputs.map((name) => `  ${shellVariable(name)}=$(${stackOutput(artifactsStackName(o.pipeline), o.region, name)})`),
    `then deploy, with credentials of account ${o.account}: ${o.deploy(o.inputs.map((name) => `${name}="$${shellVariable(name)}"`))}`,
  ].join('\n');
}
