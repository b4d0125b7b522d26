import { deployTagArgs, shellWord } from '../../targets/shell.js';
import type { StackTarget } from './targets.js';

// The commands stack mode prints for a user to run (each run verbatim in test/live/printed-commands*.test.ts
// and test/live/template-bucket-stacks.test.ts).

/**
 * The AWS CLI command a user runs, as printed, with credentials of the stack's account (a profile
 * in AWS_PROFILE, or keys in the environment): it names no profile, so it runs verbatim. A template
 * over the inline limit goes up through its --template-bucket, as the stack header's command does.
 */
export function deployCommand(t: StackTarget, path: string, parameters: Record<string, string> = {}): string {
  const params = Object.entries(parameters).map(([k, v]) => shellWord(`${k}=${v}`));
  return [
    'aws cloudformation deploy',
    `--region ${t.region}`,
    `--template-file ${shellWord(path)}`,
    `--stack-name ${t.stackName}`,
    ...(t.templateBucket ? [`--s3-bucket ${shellWord(t.templateBucket)} --s3-prefix ${shellWord(`pipec/${t.stackName}`)}`] : []),
    '--capabilities CAPABILITY_NAMED_IAM',
    ...(params.length > 0 ? [`--parameter-overrides ${params.join(' ')}`] : []),
    ...deployTagArgs(t.tags).args,
  ].join(' ');
}

/**
 * `pipec compile -t cloudformation -o DIR`, as printed for a user to make the templates of a stack
 * they deploy themselves, with the `--template-bucket REGION=BUCKET` of every stack over the inline
 * limit (without them, compile refuses those stacks: PC4011).
 */
export function compileCommand(templatesDir: string, targets: readonly StackTarget[]): string {
  const buckets = [...new Set(targets.flatMap((t) => (t.templateBucket ? [`--template-bucket ${shellWord(`${t.region}=${t.templateBucket}`)}`] : [])))].sort();
  return ['pipec compile -t cloudformation', ...buckets, `-o ${shellWord(templatesDir)}`].join(' ');
}

/** `aws cloudformation <command> --region R --stack-name S`, as plan and apply print it for a user to run. */
export function stackCommand(command: string, t: Pick<StackTarget, 'region' | 'stackName'>): string {
  return `aws cloudformation ${command} --region ${t.region} --stack-name ${t.stackName}`;
}
