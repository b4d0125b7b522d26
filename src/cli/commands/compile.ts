import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { didYouMean } from '../../compiler/suggest.js';
import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { FORMATS } from '../format/index.js';
import { checkOutputDir, OutputError } from '../output-path.js';
import { OutputStage, writeOutputs, type Staged } from '../output-stage.js';
import { readUserTemplates } from '../user-templates.js';
import { compileWorkspace } from '../compile-workspace.js';
import { JOBS_FLAGS, JOBS_HELP } from '../compile-pool.js';
import { COMMON_FLAGS, COMMON_HELP, REPORT_FLAGS, REPORT_HELP, report, requireFormat, SELECT_FLAGS, SELECT_HELP } from '../pipeline-input.js';
import { TARGETS, targetByName } from '../../targets/index.js';
import { TEMPLATE_BUCKET_FLAGS, TEMPLATE_BUCKET_HELP, templateBuckets } from '../template-bucket.js';

export const HELP = `Usage: pipec compile [FILES...] [options]

Compiles pipeline files into deployable output, one directory per pipeline:
  <out>/<pipeline>/codepipeline.json   input of 'aws codepipeline create-pipeline --cli-input-json'
  <out>/<pipeline>/cloudformation.yml  a deployable stack (plus cloudformation.<region>.yml and
                                       cloudformation.account-<id>.yml support stacks when needed)
  <out>/<pipeline>/buildspecs/<stage>-<action>.yml   a buildspec per inline CodeBuild action

With no FILES, reads ./pipeline.yml and ./pipelines/*.yml; '-' reads standard input.
Nothing is written unless every file compiles without errors.

Options:
  -t, --target NAME   target to emit: ${TARGETS.map((t) => t.name).join(', ')}, or all (repeatable; default codepipeline)
  -o, --out DIR       output directory (default: out)
      --templates DIR your own templates, overriding the shipped ones
      --cfn-format F  cloudformation templates as yaml (default) or json
${TEMPLATE_BUCKET_HELP}  -f, --format FMT    diagnostics format: ${FORMATS.join(', ')} (default text)
${SELECT_HELP}${JOBS_HELP}${REPORT_HELP}${COMMON_HELP}
Exit status: 0 compiled, 1 errors (or more warnings than --strict/--max-warnings allow;
nothing is written then), 2 bad usage.
`;

export const FLAGS = {
  target: { type: 'list', short: 't' },
  out: { type: 'string', short: 'o' },
  templates: { type: 'string' },
  'cfn-format': { type: 'string', values: ['yaml', 'json'] },
  ...TEMPLATE_BUCKET_FLAGS,
  format: { type: 'string', short: 'f', values: FORMATS },
  ...SELECT_FLAGS,
  ...JOBS_FLAGS,
  ...REPORT_FLAGS,
  ...COMMON_FLAGS,
} as const;

/** `pipec compile`: writes every target's files for every pipeline, or nothing. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const format = requireFormat(flags.format);
  const targets = selectTargets(flags.target as string[] | undefined);
  const outDir = (flags.out as string | undefined) ?? 'out';
  if (outDir === '') throw new UsageError("option '--out' needs a directory");
  // Checked before compiling, so a file in the way is one clear line rather than a failed mkdir.
  checkOutputDir(ctx.cwd, '--out', outDir);
  if (flags.templates && !statSync(resolvePath(ctx.cwd, flags.templates as string), { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--templates: '${flags.templates as string}' is not a directory`);
  const templatesDir = flags.templates ? resolvePath(ctx.cwd, flags.templates as string) : undefined;
  const options = {
    ...(templatesDir ? { templatesDir: flags.templates as string, templates: readUserTemplates(templatesDir, flags.templates as string) } : {}),
    ...(flags['cfn-format'] ? { cfnFormat: flags['cfn-format'] as 'yaml' | 'json' } : {}),
    ...bucketOption(flags, targets),
    targets: targets.map((t) => t.name),
  };
  // Files are staged as they are made (by every thread); a staging directory that cannot be made is
  // reported after the diagnostics, when the files are written at the end as one thread would.
  let stage: OutputStage | undefined;
  try {
    stage = OutputStage.open(outDir, ctx.cwd);
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
  }
  let written: string[];
  let files: Map<string, { staged?: Staged; files?: readonly unknown[] }>;
  try {
    const compiled = await compileWorkspace(ctx, positionals, flags, targets, options, { ...(stage ? { stage } : {}), keep: true });
    files = compiled.outputs;
    // Text diagnostics go to stderr, as validate's do; the machine formats to stdout.
    if (report(ctx, compiled.result, flags, format, format === 'text' ? 'stderr' : 'stdout').failed) {
      stage?.abandon();
      return EXIT.PROBLEMS;
    }
  } catch (e) {
    stage?.abandon();
    throw e;
  }
  if (stage) written = stage.finish(new Map([...files].map(([name, o]) => [name, o.staged ?? { paths: [], unchanged: false }])));
  else written = writeOutputs(outDir, new Map([...files].map(([name, o]) => [name, (o.files ?? []) as Array<{ path: string; content: string }>])), ctx.cwd);
  if (!flags.quiet && format === 'text') {
    const n = files.size;
    for (const [name, o] of files)
      if ((o.staged?.paths ?? o.files ?? []).length === 0)
        ctx.stderr.write(`pipeline '${name}' has nothing for ${targets.map((t) => t.name).join(', ')}${targets.every((t) => t.name === 'buildspec') ? ' (no inline CodeBuild action)' : ''}: its directory is empty\n`);
    ctx.stderr.write(`compiled ${n} pipeline${n === 1 ? '' : 's'} (${targets.map((t) => t.name).join(', ')}): ${written.length} file${written.length === 1 ? '' : 's'} in ${outDir}/\n`);
  }
  return EXIT.OK;
}

export function selectTargets(names: string[] | undefined) {
  if (!names || names.length === 0) return [targetByName('codepipeline')!];
  if (names.includes('all')) return [...TARGETS];
  return [...new Set(names)].map((n) => {
    const t = targetByName(n);
    if (!t) {
      const guess = didYouMean(n, [...TARGETS.map((x) => x.name), 'all']);
      throw new UsageError(`unknown target '${n}' (targets: ${TARGETS.map((x) => x.name).join(', ')}, all)${guess ? `; did you mean '${guess}'?` : ''}`);
    }
    return t;
  });
}

/** `--template-bucket` as emit options; a usage error without the cloudformation target, which alone reads it. */
export function bucketOption(flags: Record<string, unknown>, targets: ReadonlyArray<{ name: string }>): { templateBuckets?: Record<string, string> } {
  const buckets = templateBuckets(flags);
  if (!buckets) return {};
  if (!targets.some((t) => t.name === 'cloudformation')) throw new UsageError("option '--template-bucket' is for the cloudformation target's stacks: add --target cloudformation");
  return { templateBuckets: buckets };
}
