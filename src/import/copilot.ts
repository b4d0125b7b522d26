/**
 * An AWS Copilot pipeline manifest (`copilot/pipelines/<name>/manifest.yml`) in pipec's language.
 * Copilot made the pipeline's role, bucket, connection and deploy roles itself, so those are
 * FILL-IN placeholders, and no round trip is possible. Format: Copilot's pipeline manifest
 * reference (name, version, source { provider, properties }, build { image, buildspec,
 * additional_policy }, stages [{ name, requires_approval, test_commands, deployments,
 * pre_deployments, post_deployments }], `depends_on` ordering deployments within a stage).
 */
import type { Document } from 'yaml';
import type { Diagnostics } from '../compiler/diagnostics.js';
import type { SourceFile } from '../compiler/source.js';
import { isObject, type Json, type JsonObject } from '../live/json.js';
import { noted, writeYaml } from './yaml.js';

/** pipeline.yml written from a Copilot manifest (no round trip: Copilot made the pipeline itself). */
export interface CopilotImport {
  text: string;
  name: string;
  origin: string;
}

/** True for an AWS Copilot pipeline manifest (`source: { provider, properties }`). */
export function isCopilotManifest(obj: JsonObject): boolean {
  return isObject(obj.source) && typeof obj.source.provider === 'string' && typeof obj.name === 'string';
}

const DEFAULT_IMAGE = 'aws/codebuild/amazonlinux2-x86_64-standard:5.0';
const KNOWN = { top: ['name', 'version', 'source', 'build', 'stages'], source: ['provider', 'properties'], props: ['branch', 'repository', 'connection_name', 'connection_arn', 'output_artifact_format', 'access_token_secret'], build: ['image', 'buildspec', 'additional_policy'], stage: ['name', 'requires_approval', 'require_approval', 'test_commands', 'deployments', 'pre_deployments', 'post_deployments'], deployment: ['stack_name', 'template_path', 'template_config', 'depends_on'], script: ['buildspec', 'depends_on'] };

/** `owner/repo` from a GitHub or Bitbucket URL (or `owner/repo` as written). */
function repoPath(url: string): string {
  return url.replace(/^https?:\/\/[^/]+\//, '').replace(/\.git$/, '').replace(/\/$/, '');
}

/** Names in dependency order: each group's members depend only on earlier groups. */
function levels(entries: Array<[string, JsonObject]>): string[][] {
  const done = new Set<string>();
  const out: string[][] = [];
  let left = entries;
  while (left.length > 0) {
    const ready = left.filter(([, v]) => (Array.isArray(v.depends_on) ? v.depends_on.map(String) : []).every((d) => done.has(d) || !entries.some(([n]) => n === d)));
    const group = ready.length > 0 ? ready : left;
    out.push(group.map(([n]) => n));
    for (const [n] of group) done.add(n);
    left = left.filter(([n]) => !done.has(n));
  }
  return out;
}

/** The manifest as pipeline.yml text; settings without a counterpart become comments (and warnings). */
export function fromCopilot(doc: Document, file: SourceFile, diags: Diagnostics): CopilotImport {
  const m = doc.toJS() as JsonObject;
  const name = String(m.name);
  const nowhere = (what: string, path: string[]): string => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const at = node?.range?.[0] ?? 0;
    diags.add('PC7005', `${what} has no counterpart in pipeline.yml; it is kept as a comment`, { file, start: at, end: node?.range?.[1] ?? at });
    return `from Copilot, no counterpart in pipeline.yml: ${what}`;
  };
  const topNotes: string[] = [];
  for (const k of Object.keys(m)) if (!KNOWN.top.includes(k)) topNotes.push(nowhere(`'${k}'`, [k]));
  const source = isObject(m.source) ? m.source : {};
  const props = isObject(source.properties) ? source.properties : {};
  for (const k of Object.keys(props)) if (!KNOWN.props.includes(k)) topNotes.push(nowhere(`source property '${k}'`, ['source', 'properties', k]));
  const provider = String(source.provider).toLowerCase();
  const branch = String(props.branch ?? 'main');
  const repo = String(props.repository ?? '');
  let src: unknown;
  const sourceNotes: string[] = [];
  if (provider === 'codecommit') src = `codecommit:${repoPath(repo).split('/').pop() ?? repo}@${branch}`;
  else if (provider === 'github' && props.access_token_secret !== undefined) src = { 'github-v1': repoPath(repo), branch, token: { secret: String(props.access_token_secret) } };
  else {
    const connection = typeof props.connection_arn === 'string' ? props.connection_arn : `arn:aws:codestar-connections:us-east-1:000000000000:connection/FILL-IN-${String(props.connection_name ?? `${name}-connection`)}`;
    if (typeof props.connection_arn !== 'string') sourceNotes.push(`FILL IN the ARN of the CodeStar connection${props.connection_name !== undefined ? ` named '${String(props.connection_name)}'` : ' Copilot created for this pipeline'}`);
    src = { [provider === 'bitbucket' ? 'bitbucket' : provider === 'github' ? 'github' : 'connection']: repoPath(repo), branch, connection, ...(props.output_artifact_format === 'CODEBUILD_CLONE_REF' ? { format: 'clone-ref' } : {}) };
  }
  const build = isObject(m.build) ? m.build : {};
  const buildNotes: string[] = [];
  for (const k of Object.keys(build)) if (!KNOWN.build.includes(k)) buildNotes.push(nowhere(`build setting '${k}'`, ['build', k]));
  if (build.additional_policy !== undefined) buildNotes.push(nowhere("build 'additional_policy' (extra permissions for the build role)", ['build', 'additional_policy']));
  const out: Record<string, unknown> = {
    name,
    role: noted('arn:aws:iam::000000000000:role/FILL-IN-pipeline-role', ['FILL IN the pipeline role Copilot created (see the pipeline stack in CloudFormation)']),
    artifacts: noted('fill-in-artifact-bucket', ['FILL IN the artifact bucket of the Copilot application in this region']),
    source: noted(src, sourceNotes),
    build: noted({ image: String(build.image ?? DEFAULT_IMAGE), buildspec: String(build.buildspec ?? `copilot/pipelines/${name}/buildspec.yml`), outputs: ['Build'] }, buildNotes),
  };
  const stages = (Array.isArray(m.stages) ? m.stages : []).filter(isObject).map((s, i) => stageOf(s, (what, key) => nowhere(what, ['stages', i, ...(Array.isArray(key) ? key : [key])] as unknown as string[])));
  if (stages.length > 0) out.stages = stages;
  const header = [`Imported from ${file.path} (an AWS Copilot pipeline manifest).`, 'Copilot created the role, bucket, connection and deploy roles itself: fill in each FILL-IN', 'value. No round trip is possible.', ...topNotes];
  return { text: writeYaml(out, header), name, origin: file.path };
}

function stageOf(s: JsonObject, nowhere: (what: string, key: string | string[]) => string): unknown {
  const env = String(s.name);
  const notes: string[] = [];
  for (const k of Object.keys(s)) if (!KNOWN.stage.includes(k)) notes.push(nowhere(`stage '${env}' setting '${k}'`, k));
  const steps: unknown[] = [];
  const group = (list: unknown[]): void => {
    if (list.length === 1) steps.push(list[0]);
    else if (list.length > 1) steps.push({ parallel: list });
  };
  if (s.requires_approval === true || s.require_approval === true) steps.push({ name: `ApprovePromotionTo-${env}`, approval: {} });
  const named = (v: Json | undefined): Array<[string, JsonObject]> => (isObject(v) ? Object.entries(v).map(([k, x]) => [k, isObject(x) ? x : {}]) : []);
  // settings of a deployment or script that pipeline.yml has no place for
  for (const [key, allowed] of [['deployments', KNOWN.deployment], ['pre_deployments', KNOWN.script], ['post_deployments', KNOWN.script]] as const)
    for (const [n, v] of named(s[key])) for (const k of Object.keys(v)) if (!allowed.includes(k)) notes.push(nowhere(`stage '${env}' ${key.replace('_', '-')} '${n}' setting '${k}'`, [key, n, k]));
  const scripts = (v: Json | undefined): void => {
    const entries = named(v);
    for (const level of levels(entries)) group(level.map((n) => ({ name: n, test: { buildspec: String(entries.find(([x]) => x === n)?.[1].buildspec ?? 'buildspec.yml') } })));
  };
  scripts(s.pre_deployments);
  const deployments = named(s.deployments);
  if (deployments.length === 0) {
    steps.push(noted(deploy('FILL-IN-workload', env, {}), [`Copilot deploys every service and job of the workspace to '${env}': one deploy per workload, named after it`]));
  } else for (const level of levels(deployments)) group(level.map((n) => deploy(n, env, deployments.find(([x]) => x === n)?.[1] ?? {})));
  scripts(s.post_deployments);
  if (Array.isArray(s.test_commands) && s.test_commands.length > 0) steps.push({ name: 'TestCommands', test: { commands: s.test_commands.map(String), image: DEFAULT_IMAGE } });
  return noted({ name: `DeployTo-${env}`, steps }, notes);
}

function deploy(workload: string, env: string, d: JsonObject): unknown {
  const stack = typeof d.stack_name === 'string' ? d.stack_name : `FILL-IN-app-${env}-${workload}`;
  const template = typeof d.template_path === 'string' ? d.template_path.replace(/^\.\//, '') : `infrastructure/${workload}-${env}.stack.yml`;
  const config = typeof d.template_config === 'string' ? d.template_config.replace(/^\.\//, '') : `infrastructure/${workload}-${env}.params.json`;
  return noted(
    {
      name: workload,
      deploy: {
        cloudformation: stack,
        template: `Build::${template}`,
        'template-configuration': `Build::${config}`,
        capabilities: ['iam', 'named-iam', 'auto-expand'],
        'stack-role': `arn:aws:iam::000000000000:role/FILL-IN-${env}-CFNExecutionRole`,
      },
      role: `arn:aws:iam::000000000000:role/FILL-IN-${env}-EnvManagerRole`,
    },
    [`FILL IN the ${env} environment's account in the stack role and action role${typeof d.stack_name === 'string' ? '' : ", and the application's name in the stack name"}`],
  );
}
