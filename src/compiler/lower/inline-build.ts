import type { InlineBuild, ReadSpec } from '../actions.js';
import type { IrBuildArtifact, IrProject } from '../ir.js';
import type { ExAction, ExPipeline, ExStage } from '../model.js';
import { envVars, writtenEnv } from './env.js';
import { lowerPermissions } from './permissions.js';
import { shortHash } from '../short-hash.js';

const COMPUTE_TYPES = {
  small: 'BUILD_GENERAL1_SMALL',
  medium: 'BUILD_GENERAL1_MEDIUM',
  large: 'BUILD_GENERAL1_LARGE',
  xlarge: 'BUILD_GENERAL1_XLARGE',
  '2xlarge': 'BUILD_GENERAL1_2XLARGE',
};

type BuildArtifacts = NonNullable<InlineBuild['artifacts']>;
type Files = Exclude<BuildArtifacts, Record<string, unknown>> | { files: string | string[]; 'base-directory'?: string | undefined; 'discard-paths'?: boolean | undefined };

/** `artifacts: { Name: files, ... }`: files per output artifact (the outputs are named after the keys), not one artifact's files. */
function isPerOutput(v: BuildArtifacts): v is Record<string, Files> {
  return typeof v === 'object' && !Array.isArray(v) && !('files' in v);
}

/** The default CodeBuild image for inline builds. */
export const DEFAULT_IMAGE = 'aws/codebuild/standard:7.0';

/** A `string | string[]` setting as a list (none: empty). */
function lines(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function artifactOf(v: Files): IrBuildArtifact {
  if (typeof v === 'string' || Array.isArray(v)) return { files: lines(v) };
  const out: IrBuildArtifact = { files: lines(v.files) };
  if (v['base-directory']) out.baseDirectory = v['base-directory'];
  if (v['discard-paths'] !== undefined) out.discardPaths = v['discard-paths'];
  return out;
}

function reportsOf(written: NonNullable<InlineBuild['reports']>): IrProject['reports'] {
  const reports: IrProject['reports'] = {};
  for (const name of Object.keys(written)) {
    const r = written[name] as NonNullable<InlineBuild['reports']>[string];
    const report: IrProject['reports'][string] = { files: lines(r.files) };
    if (r.format) report.format = r.format.toUpperCase();
    if (r['base-directory']) report.baseDirectory = r['base-directory'];
    reports[name] = report;
  }
  return reports;
}

/**
 * The CodeBuild project an inline build (`build: { commands: ... }`) defines. (Optional keys are
 * set one by one, in the order the IR has always listed them: a literal of conditional spreads is
 * many times the work to run and for V8 to optimise, once per action.)
 */
export function inlineProject(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec, b: InlineBuild): IrProject {
  const env = envVars(b.env ?? {}, writtenEnv(spec));
  // `artifacts: { Name: files, ... }`: files per output artifact (the outputs are named after the keys)
  const perOutput = b.artifacts !== undefined && isPerOutput(b.artifacts) ? b.artifacts : undefined;
  const artifacts = b.artifacts === undefined || isPerOutput(b.artifacts) ? undefined : artifactOf(b.artifacts);
  const reports = b.reports === undefined ? {} : reportsOf(b.reports);
  const buildPermissions = lowerPermissions(b.permissions, b['managed-policies']);
  const project: IrProject = {
    name: b.project ?? projectName(ex.name, stage.name, a.name),
    image: b.image ?? DEFAULT_IMAGE,
    computeType: COMPUTE_TYPES[b.compute ?? 'small'],
    privileged: b.privileged ?? false,
  } as IrProject;
  if (b.timeout !== undefined) project.timeoutInMinutes = b.timeout;
  project.env = env;
  project.phases = { install: lines(b.install), preBuild: lines(b['pre-build']), build: lines(b.commands), postBuild: lines(b['post-build']) };
  project.runtimes = b.runtimes ?? {};
  if (artifacts) project.artifacts = artifacts;
  if (perOutput) {
    const outputArtifacts: Record<string, IrBuildArtifact> = {};
    for (const k of Object.keys(perOutput)) outputArtifacts[k] = artifactOf(perOutput[k] as Files);
    project.outputArtifacts = outputArtifacts;
  }
  if (b.finally) project.finally = lines(b.finally);
  if (b.exports) project.exportedVariables = b.exports;
  project.reports = reports;
  project.cache = lines(b.cache);
  if (b.buildspec) project.buildspecPath = b.buildspec;
  if (b.push !== undefined) project.push = lines(b.push);
  if (buildPermissions) project.permissions = buildPermissions;
  return project;
}

/**
 * CodeBuild project names: 2..150 of letters, digits, - and _, the first a letter or digit
 * (`[A-Za-z0-9][A-Za-z0-9\-_]{1,149}`, CreateProject; a name of pipeline `.x` starts with `pipec`);
 * long names keep a hash so they stay unique.
 */
export function projectName(pipeline: string, stage: string, action: string): string {
  const joined = `${pipeline}-${stage}-${action}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const raw = /^[A-Za-z0-9]/.test(joined) ? joined : `pipec${joined}`;
  if (raw.length <= 150) return raw;
  return `${raw.slice(0, 141)}-${shortHash(raw)}`;
}

