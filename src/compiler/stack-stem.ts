// What a pipeline's name becomes in the names of its CloudFormation stacks.

/**
 * The start of every CloudFormation stack name of a pipeline (`<stem>-pipeline`, `-pipeline-artifacts`,
 * `-pipeline-<region>`, `-pipeline-roles`). CloudFormation's CreateStack: "A stack name can contain only
 * alphanumeric characters (case-sensitive) and hyphens. It must start with an alphabetical character
 * and can't be longer than 128 characters." A pipeline name may also hold `.`, `@` and `_` and start
 * with any of them or a digit (CodePipeline's `[A-Za-z0-9.@\-_]+`, at most 100): those characters
 * become `-`, and a stem that would not start with a letter starts with `pipec-`. A name CloudFormation
 * takes as it is stays as it is. Two pipelines with one stem are PC3042 (compile.ts).
 */
export function stackStem(pipeline: string): string {
  const stem = pipeline.replace(/[^A-Za-z0-9-]/g, '-');
  return /^[A-Za-z]/.test(stem) ? stem : `pipec-${stem}`;
}
