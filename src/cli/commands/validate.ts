import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { FORMATS } from '../format/index.js';
import { compileWorkspace } from '../compile-workspace.js';
import { JOBS_FLAGS, JOBS_HELP } from '../compile-pool.js';
import { COMMON_FLAGS, COMMON_HELP, REPORT_FLAGS, REPORT_HELP, report, requireFormat, SELECT_FLAGS, SELECT_HELP } from '../pipeline-input.js';
import { TARGETS } from '../../targets/index.js';
import { bucketOption, selectTargets } from './compile.js';
import { TEMPLATE_BUCKET_FLAGS, TEMPLATE_BUCKET_HELP } from '../template-bucket.js';

export const HELP = `Usage: pipec validate [FILES...] [options]

Checks pipeline files and reports every problem, with file:line:col, a stable code
and a suggestion where there is one. Writes no files.

With no FILES, reads ./pipeline.yml and ./pipelines/*.yml; '-' reads standard input.

Options:
  -f, --format FMT    ${FORMATS.join(', ')} (default text); text goes to stderr, the others to stdout
  -t, --target NAME   also check what a target needs: ${TARGETS.map((t) => t.name).join(', ')}, all (default codepipeline)
${TEMPLATE_BUCKET_HELP}${SELECT_HELP}${JOBS_HELP}${REPORT_HELP}${COMMON_HELP}
Exit status: 0 no errors (warnings allowed unless --strict/--max-warnings), 1 errors found
(or too many warnings), 2 bad usage.
`;

export const FLAGS = {
  format: { type: 'string', short: 'f', values: FORMATS },
  target: { type: 'list', short: 't' },
  ...TEMPLATE_BUCKET_FLAGS,
  ...SELECT_FLAGS,
  ...JOBS_FLAGS,
  ...REPORT_FLAGS,
  ...COMMON_FLAGS,
} as const;

/** `pipec validate`: every diagnostic, on stdout, in the chosen format. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const format = requireFormat(flags.format);
  const targets = selectTargets(flags.target as string[] | undefined);
  // Emitted for the targets' diagnostics; the files are not written.
  const { result, names } = await compileWorkspace(ctx, positionals, flags, targets, bucketOption(flags, targets));
  // Text diagnostics go to stderr, as compile's do; the machine formats are the output, on stdout.
  const r = report(ctx, result, flags, format, format === 'text' ? 'stderr' : 'stdout');
  if (format === 'text' && !flags.quiet && r.list.length === 0) {
    const n = names.length;
    ctx.stdout.write(`ok: ${n} pipeline${n === 1 ? '' : 's'}, no problems\n`);
  }
  return r.failed ? EXIT.PROBLEMS : EXIT.OK;
}
