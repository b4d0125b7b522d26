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

/** The CodeBuild project an inline build (`build: { commands: ... }`) defines. */
export function inlineProject(ex: ExPipeline, stage: ExStage, a: ExAction, spec: ReadSpec, b: InlineBuild): IrProject {
  const lines = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const env = envVars(b.env ?? {}, writtenEnv(spec));
  const artifactOf = (v: Files): IrBuildArtifact =>
    typeof v === 'string' || Array.isArray(v)
      ? { files: lines(v) }
      : { files: lines(v.files), ...(v['base-directory'] ? { baseDirectory: v['base-directory'] } : {}), ...(v['discard-paths'] !== undefined ? { discardPaths: v['discard-paths'] } : {}) };
  // `artifacts: { Name: files, ... }`: files per output artifact (the outputs are named after the keys)
  const perOutput = b.artifacts !== undefined && isPerOutput(b.artifacts) ? b.artifacts : undefined;
  const artifacts = b.artifacts === undefined || isPerOutput(b.artifacts) ? undefined : artifactOf(b.artifacts);
  const reports: IrProject['reports'] = {};
  for (const [name, r] of Object.entries(b.reports ?? {}))
    reports[name] = { files: lines(r.files), ...(r.format ? { format: r.format.toUpperCase() } : {}), ...(r['base-directory'] ? { baseDirectory: r['base-directory'] } : {}) };
  const buildPermissions = lowerPermissions(b.permissions, b['managed-policies']);
  return {
    name: b.project ?? projectName(ex.name, stage.name, a.name),
    image: b.image ?? DEFAULT_IMAGE,
    computeType: COMPUTE_TYPES[b.compute ?? 'small'],
    privileged: b.privileged ?? false,
    ...(b.timeout !== undefined ? { timeoutInMinutes: b.timeout } : {}),
    env,
    phases: { install: lines(b.install), preBuild: lines(b['pre-build']), build: lines(b.commands), postBuild: lines(b['post-build']) },
    runtimes: b.runtimes ?? {},
    ...(artifacts ? { artifacts } : {}),
    ...(perOutput ? { outputArtifacts: Object.fromEntries(Object.entries(perOutput).map(([k, v]) => [k, artifactOf(v)])) } : {}),
    ...(b.finally ? { finally: lines(b.finally) } : {}),
    ...(b.exports ? { exportedVariables: b.exports } : {}),
    reports,
    cache: lines(b.cache),
    ...(b.buildspec ? { buildspecPath: b.buildspec } : {}),
    ...(b.push !== undefined ? { push: lines(b.push) } : {}),
    ...(buildPermissions ? { permissions: buildPermissions } : {}),
  };
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

