import type { IrPipeline, IrStore } from '../../compiler/ir.js';
import { shellVariable } from './artifacts-stack.js';
import type { Template } from './template.js';

// What the header of a template says and prints: stack names, commands that read outputs, reminders.

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

/** A parameter an account stack takes from an output of a stack of the pipeline's account deployed before it. */
export interface StackInput {
  /** The parameter's name. */
  name: string;
  /** The output it is read from, its stack, that stack's region and template file. */
  output: string;
  stack: string;
  region: string | undefined;
  file: string;
}

/**
 * How an account stack's header says to deploy it: before the pipeline's stack, with the account's credentials; or, when it
 * takes outputs of stacks of the pipeline's account (`inputs`: the artifacts stack's, the key of another
 * region's support stack), after those stacks: read the outputs with the pipeline account's credentials
 * into shell variables (one `VAR=$(aws cloudformation describe-stacks ...)` a line), then deploy with
 * the account's, passing `Name="$VAR"`. A `$(...)` inside the deploy command would run with the
 * account's credentials, which cannot read a stack of the pipeline's account.
 */
export function accountDeployNote(o: { pipelineAccount: string; account: string; inputs: StackInput[]; deploy(overrides: string[]): string }): string {
  if (o.inputs.length === 0) return `Deploy before the pipeline's stack, with credentials of account ${o.account}: ${o.deploy([])}`;
  const files = [...new Set(o.inputs.map((i) => i.file))];
  const one = o.inputs.length === 1;
  const plain = files.length === 1 && o.inputs.every((i) => i.name === i.output);
  const what = plain ? `${one ? 'its output' : 'its outputs'} ${o.inputs.map((i) => i.name).join(' and ')}` : `${one ? 'the parameter' : 'the parameters'} ${o.inputs.map((i) => `${i.name} (output ${i.output} of ${i.file})`).join(', ')}`;
  return [
    `Deploy after ${files.join(' and ')}, with ${what}. Read ${one ? 'it' : 'them'} with credentials of account ${o.pipelineAccount} (the pipeline's):`,
    ...o.inputs.map((i) => `  ${shellVariable(i.name)}=$(${stackOutput(i.stack, i.region, i.output)})`),
    `then deploy, with credentials of account ${o.account}: ${o.deploy(o.inputs.map((i) => `${i.name}="$${shellVariable(i.name)}"`))}`,
  ].join('\n');
}
