import type { SourceHolds } from './source.js';

/** A pipeline shape `pipec init` writes: templates/init/<name>.yml.hbs. */
export interface InitTemplate {
  name: string;
  /** One line for `pipec init --help`, the question on a terminal and the file's first comment. */
  summary: string;
  /** The sources it fits: code to build, and for container templates also an image from ECR. */
  sources: readonly SourceHolds[];
}

/** The templates, in the order help and the question list them; `minimal` is the default. */
export const INIT_TEMPLATES: readonly InitTemplate[] = [
  { name: 'minimal', summary: 'source and an inline CodeBuild build: the smallest useful pipeline', sources: ['code'] },
  { name: 'build-test', summary: 'a build, then unit tests (with a report) and lint in parallel', sources: ['code'] },
  { name: 'static-site', summary: 'build a static site and copy it into an S3 bucket', sources: ['code'] },
  { name: 'cloudformation', summary: 'lint a CloudFormation template, then deploy it through a reviewed change set', sources: ['code'] },
  { name: 'serverless', summary: 'package a SAM application and deploy its stack', sources: ['code'] },
  { name: 'promotion', summary: 'one build promoted through dev, staging and prod, prod behind an approval', sources: ['code'] },
  { name: 'multi-region', summary: 'staging, then prod in three regions as one wave behind an approval', sources: ['code'] },
  { name: 'ecs', summary: 'build a container image and roll it out to an ECS service', sources: ['code', 'image'] },
  { name: 'blue-green-ecs', summary: 'an ECS service released blue/green through CodeDeploy, 10% first', sources: ['code', 'image'] },
  { name: 'blue-green-lambda', summary: 'a Lambda function released by shifting its alias through CodeDeploy', sources: ['code'] },
];

/** The template of that name, if there is one. */
export function initTemplate(name: string): InitTemplate | undefined {
  return INIT_TEMPLATES.find((t) => t.name === name);
}
