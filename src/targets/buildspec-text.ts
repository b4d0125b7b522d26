/**
 * pipec's own buildspec template (templates/buildspec.yml.hbs with its partials buildspec-phase.hbs
 * and buildspec-artifact.hbs), written as code: the same text Handlebars renders from those files,
 * without its runtime (a frame per `each`, a helper call per scalar, each partial's output split into
 * lines to indent it), which was a tenth of the cloudformation target's time at 1,000 pipelines.
 * Used only when `--templates DIR` replaces none of the three; test/buildspec-text.test.ts holds it
 * to Handlebars' rendering of the shipped files.
 */
import type { ArtifactView, BuildspecView, KeyValue } from './buildspec.js';
import { yamlScalar } from './yaml-writer.js';

/** The template files this text stands for: a user's copy of any of them is rendered by Handlebars. */
export const BUILDSPEC_TEMPLATE_FILES: readonly string[] = ['buildspec.yml.hbs', 'buildspec-phase.hbs', 'buildspec-artifact.hbs'];

/** `{{#if list}}`: Handlebars treats an empty list as false. */
const some = (list: readonly unknown[] | undefined): list is readonly unknown[] => list !== undefined && list.length > 0;

function pairs(list: readonly KeyValue[], indent: string): string {
  let out = '';
  for (const kv of list) out += `${indent}${yamlScalar(kv.name)}: ${yamlScalar(kv.value)}\n`;
  return out;
}

function items(list: readonly string[], indent: string): string {
  let out = '';
  for (const x of list) out += `${indent}- ${yamlScalar(x)}\n`;
  return out;
}

/** A partial's text under `{{> partial}}` indented by `indent`: every line, as Handlebars indents it (the final empty one not). */
function indented(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line, i, lines) => (!line && i + 1 === lines.length ? line : indent + line))
    .join('\n');
}

/** buildspec-phase.hbs. */
function phase(p: BuildspecView['phases'][number]): string {
  let out = `${p.name}:\n`;
  if (some(p.runtimeVersions)) out += `  runtime-versions:\n${pairs(p.runtimeVersions, '    ')}`;
  if (some(p.commands)) out += `  commands:\n${items(p.commands, '    ')}`;
  if (some(p.finally)) out += `  finally:\n${items(p.finally, '    ')}`;
  return out;
}

/** buildspec-artifact.hbs. */
function artifact(a: ArtifactView): string {
  let out = `files:\n${items(a.files, '  ')}`;
  if (a.baseDirectory) out += `base-directory: ${yamlScalar(a.baseDirectory)}\n`;
  if (a.discardPaths) out += `discard-paths: ${a.discardPaths}\n`;
  return out;
}

/** buildspec.yml.hbs rendered with `view`. */
export function buildspecText(view: BuildspecView): string {
  let out = `# Written by pipec for action ${view.action} in stage ${view.stage} of pipeline ${view.pipeline}\n# (CodeBuild project ${view.project}). Change pipeline.yml, not this file.\nversion: 0.2\n`;
  const env = view.env;
  if (env) {
    out += 'env:\n';
    if (some(env.variables)) out += `  variables:\n${pairs(env.variables, '    ')}`;
    if (some(env.parameterStore)) out += `  parameter-store:\n${pairs(env.parameterStore, '    ')}`;
    if (some(env.secretsManager)) out += `  secrets-manager:\n${pairs(env.secretsManager, '    ')}`;
    if (some(env.exportedVariables)) out += `  exported-variables:\n${items(env.exportedVariables, '    ')}`;
  }
  out += 'phases:\n';
  for (const p of view.phases) out += indented(phase(p), '  ');
  if (some(view.reports)) {
    out += 'reports:\n';
    for (const r of view.reports) {
      out += `  ${yamlScalar(r.name)}:\n    files:\n${items(r.files, '      ')}`;
      if (r.baseDirectory) out += `    base-directory: ${yamlScalar(r.baseDirectory)}\n`;
      if (r.fileFormat) out += `    file-format: ${r.fileFormat}\n`;
    }
  }
  const artifacts = view.artifacts;
  if (artifacts) {
    out += `artifacts:\n${indented(artifact(artifacts), '  ')}`;
    if (some(artifacts.secondary)) {
      out += '  secondary-artifacts:\n';
      for (const s of artifacts.secondary) out += `    ${yamlScalar(s.name)}:\n${indented(artifact(s), '      ')}`;
    }
  }
  if (view.cache) out += `cache:\n  paths:\n${items(view.cache.paths, '    ')}`;
  return out;
}
