import { parse as parseYaml } from 'yaml';
import type { Diagnostics } from '../compiler/diagnostics.js';
import type { IrAction, IrBuildArtifact, IrPipeline, IrProject, IrStage } from '../compiler/ir.js';
import { join } from 'node:path';
import { BUILDSPEC_TEMPLATE_FILES, buildspecText } from './buildspec-text.js';
import { SHIPPED_TEMPLATES, TemplateError, templateSet, type TemplateSet, type UserTemplates } from './templates.js';
import type { EmitOptions, OutputFile, Target } from './types.js';

/** The template every buildspec is rendered from; a file of this name in `--templates DIR` replaces it. */
export const BUILDSPEC_TEMPLATE = 'buildspec.yml.hbs';

export interface KeyValue {
  name: string;
  value: string;
}

export interface ArtifactView {
  files: string[];
  baseDirectory?: string;
  discardPaths?: 'yes' | 'no';
}

/** What a buildspec template receives: the buildspec 0.2 sections, already ordered, empty ones left out. */
export interface BuildspecView {
  pipeline: string;
  stage: string;
  action: string;
  project: string;
  env?: { variables: KeyValue[]; parameterStore: KeyValue[]; secretsManager: KeyValue[]; exportedVariables: string[] };
  phases: Array<{ name: string; runtimeVersions: KeyValue[]; commands: string[]; finally: string[] }>;
  reports: Array<{ name: string; files: string[]; baseDirectory?: string; fileFormat?: string }>;
  artifacts?: ArtifactView & { secondary: Array<ArtifactView & { name: string }> };
  cache?: { paths: string[] };
}

// Coverage formats end in XML in the buildspec; pipeline.yml spells them without it.
const REPORT_FORMATS: Record<string, string> = { CLOVER: 'CLOVERXML', COBERTURA: 'COBERTURAXML', JACOCO: 'JACOCOXML' };

function artifactView(a: IrBuildArtifact): ArtifactView {
  return {
    files: a.files,
    ...(a.baseDirectory ? { baseDirectory: a.baseDirectory } : {}),
    ...(a.discardPaths !== undefined ? { discardPaths: a.discardPaths ? 'yes' : 'no' } : {}),
  };
}

/** The artifacts section: one output is the top-level block; several outputs are secondary artifacts named after them. */
function artifactsView(project: IrProject, action: IrAction): BuildspecView['artifacts'] {
  const names = action.outputs.map((o) => o.name);
  const specOf = (name: string | undefined): IrBuildArtifact | undefined => (name && project.outputArtifacts?.[name]) || project.artifacts;
  const primary = specOf(names[0]) ?? (project.outputArtifacts ? Object.values(project.outputArtifacts)[0] : undefined);
  if (!primary) return undefined;
  const secondary =
    names.length > 1
      ? names.flatMap((name) => {
          const spec = specOf(name);
          return spec ? [{ name, ...artifactView(spec) }] : [];
        })
      : [];
  return { ...artifactView(primary), secondary };
}

/** The view of one inline CodeBuild action for the buildspec template. */
export function buildspecView(p: IrPipeline, stage: IrStage, action: IrAction, project: IrProject): BuildspecView {
  const env = project.env;
  const pick = (type: string): KeyValue[] => env.filter((e) => e.type === type).map((e) => ({ name: e.name, value: e.value }));
  const variables = pick('PLAINTEXT');
  const parameterStore = pick('PARAMETER_STORE');
  const secretsManager = pick('SECRETS_MANAGER');
  const exportedVariables = project.exportedVariables ?? [];
  const hasEnv = variables.length + parameterStore.length + secretsManager.length + exportedVariables.length > 0;
  const runtimeVersions = Object.keys(project.runtimes)
    .sort()
    .map((name) => ({ name, value: project.runtimes[name] as string }));
  const phases: BuildspecView['phases'] = [];
  const phase = (name: string, commands: string[], extra: { runtimeVersions?: KeyValue[]; finally?: string[] } = {}): void => {
    const rv = extra.runtimeVersions ?? [];
    const fin = extra.finally ?? [];
    if (commands.length + rv.length + fin.length > 0) phases.push({ name, runtimeVersions: rv, commands, finally: fin });
  };
  phase('install', project.phases.install, { runtimeVersions });
  phase('pre_build', project.phases.preBuild);
  phase('build', project.phases.build, { finally: project.finally ?? [] });
  phase('post_build', project.phases.postBuild);
  const reports = Object.keys(project.reports)
    .sort()
    .map((name) => {
      const r = project.reports[name] as IrProject['reports'][string];
      return {
        name,
        files: r.files,
        ...(r.baseDirectory ? { baseDirectory: r.baseDirectory } : {}),
        ...(r.format ? { fileFormat: REPORT_FORMATS[r.format] ?? r.format } : {}),
      };
    });
  const artifacts = artifactsView(project, action);
  return {
    pipeline: p.name,
    stage: stage.name,
    action: action.name,
    project: project.name,
    ...(hasEnv ? { env: { variables, parameterStore, secretsManager, exportedVariables } } : {}),
    phases,
    reports,
    ...(artifacts ? { artifacts } : {}),
    ...(project.cache.length > 0 ? { cache: { paths: project.cache } } : {}),
  };
}

/**
 * Renders one action's buildspec: with Handlebars when `--templates DIR` replaces the template or one
 * of its partials, else as code (buildspec-text.ts, the same text). Throws TemplateError when a template fails.
 */
export function renderBuildspec(p: IrPipeline, stage: IrStage, action: IrAction, project: IrProject, templates: TemplateSet): { text: string; file: string; user: boolean } {
  const view = buildspecView(p, stage, action, project);
  if (templates.allShipped(BUILDSPEC_TEMPLATE_FILES)) return { text: buildspecText(view), file: SHIPPED_BUILDSPEC, user: false };
  return templates.render(BUILDSPEC_TEMPLATE, view);
}

const SHIPPED_BUILDSPEC = join(SHIPPED_TEMPLATES, BUILDSPEC_TEMPLATE);

/** The file a buildspec is written to, relative to the pipeline's output directory. */
export function buildspecPath(stage: IrStage, action: IrAction): string {
  return `buildspecs/${stage.name}-${action.name}.yml`;
}

/**
 * Renders the buildspec of every inline CodeBuild action of a pipeline, reporting template problems
 * as diagnostics; returns what rendered (by action), or undefined after a template error.
 */
export function renderBuildspecs(p: IrPipeline, diags: Diagnostics, options: EmitOptions): Map<IrAction, string> | undefined {
  // the buildspec and cloudformation targets both need them: render (and report) once per pipeline and template directory
  let byDir = rendered.get(p);
  if (!byDir) rendered.set(p, (byDir = new Map()));
  const key = options.templates;
  if (byDir.has(key)) return byDir.get(key);
  const result = renderAll(p, diags, options);
  byDir.set(key, result);
  return result;
}

const rendered = new WeakMap<IrPipeline, Map<UserTemplates | undefined, Map<IrAction, string> | undefined>>();

function renderAll(p: IrPipeline, diags: Diagnostics, options: EmitOptions): Map<IrAction, string> | undefined {
  const out = new Map<IrAction, string>();
  let templates: TemplateSet | undefined;
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (!a.project || a.project.buildspecPath) continue;
      templates ??= templateSet(options.templates);
      try {
        const r = renderBuildspec(p, stage, a, a.project, templates);
        if (r.user) {
          try {
            parseYaml(r.text, { version: '1.1' });
          } catch (e) {
            diags.add('PC4006', `template '${r.file}' wrote a buildspec for action '${a.name}' that is not valid YAML: ${(e as Error).message.split('\n')[0]}`, a.span);
            return undefined;
          }
        }
        out.set(a, r.text);
      } catch (e) {
        if (!(e instanceof TemplateError) || !e.userTemplate) throw e;
        diags.add('PC4006', e.message, undefined, { file: e.file, suggestion: `fix the template, or remove it from ${options.templatesDir} to use pipec's own` });
        return undefined;
      }
    }
  return out;
}

/** `<pipeline>/buildspecs/<stage>-<action>.yml` for every CodeBuild action pipec defines. */
export const buildspecTarget: Target = {
  name: 'buildspec',
  description: 'a buildspec.yml (version 0.2) for every inline CodeBuild action',
  emit(p, diags, options): OutputFile[] {
    const rendered = renderBuildspecs(p, diags, options);
    if (!rendered) return [];
    const files: OutputFile[] = [];
    for (const stage of p.stages) for (const a of stage.actions) {
      const text = rendered.get(a);
      if (text !== undefined) files.push({ path: buildspecPath(stage, a), content: text });
    }
    return files;
  },
};
