import { expandToYaml } from '../../compiler/expand.js';
import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { COMMON_FLAGS, COMMON_HELP, inputPaths, loadPipelines, REPORT_FLAGS, REPORT_HELP, report, SELECT_FLAGS, SELECT_HELP } from '../pipeline-input.js';

export const HELP = `Usage: pipec expand [FILE] [options]

Prints FILE with every macro (source, sources, build, tests, deploy, environments,
blue/green) written out as explicit stages, each with a comment naming the macro (and the
environment or wave) it came from, and every default (artifact names, inputs, run order,
stores and CodeDeploy groups the macros add) made explicit.
The printed file compiles to the same output as FILE.

With no FILE, reads ./pipeline.yml; '-' reads standard input. Diagnostics go to stderr.

Options:
${SELECT_HELP}${REPORT_HELP}${COMMON_HELP}`;

export const FLAGS = { ...SELECT_FLAGS, ...REPORT_FLAGS, ...COMMON_FLAGS } as const;

/** `pipec expand`: the desugared file on stdout. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  if (positionals.length > 1) throw new UsageError('expand reads one file; name one');
  const paths = inputPaths(ctx, positionals);
  if (paths.length > 1) throw new UsageError(`found ${paths.length} pipeline files (${paths.join(', ')}); name the one to expand`);
  const result = await loadPipelines(ctx, paths, flags);
  if (report(ctx, result, flags, 'text', 'stderr').failed) return EXIT.PROBLEMS;
  ctx.stdout.write(expandToYaml(result.pipelines.map((p) => p.explicit), paths[0] === '-' ? ((flags['stdin-filename'] as string | undefined) ?? '<stdin>') : (paths[0] ?? 'pipeline.yml')));
  return EXIT.OK;
}
