import { parseArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { FORMATS } from '../format/index.js';
import { compileInputs, printDiagnostics, requireFormat } from '../pipeline-input.js';
import { TARGETS } from '../../targets/index.js';
import { selectTargets } from './compile.js';

export const HELP = `Usage: pipec validate [FILES...] [options]

Checks pipeline files and reports every problem, with file:line:col, a stable code
and a suggestion where there is one. Writes no files.

With no FILES, reads ./pipeline.yml and ./pipelines/*.yml.

Options:
  -f, --format FMT    ${FORMATS.join(', ')} (default text)
  -t, --target NAME   also check what a target needs: ${TARGETS.map((t) => t.name).join(', ')}, all (default codepipeline)
      --color, --no-color

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 bad usage.
`;

const FLAGS = {
  format: { type: 'string', short: 'f', values: FORMATS },
  target: { type: 'list', short: 't' },
  color: { type: 'bool' },
  help: { type: 'bool', short: 'h' },
} as const;

/** `pipec validate`: every diagnostic, on stdout, in the chosen format. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help) {
    ctx.stdout.write(HELP);
    return EXIT.OK;
  }
  const format = requireFormat(flags.format);
  const targets = selectTargets(flags.target as string[] | undefined);
  const result = compileInputs(ctx, positionals);
  const diags = result.diagnostics;
  if (!diags.hasErrors()) for (const p of result.pipelines) for (const t of targets) t.emit(p.ir, diags, {});
  printDiagnostics(ctx, diags.list, format, flags.color as boolean | undefined, 'stdout');
  if (format === 'text' && !diags.hasErrors() && diags.list.length === 0) {
    const n = result.pipelines.length;
    ctx.stdout.write(`ok: ${n} pipeline${n === 1 ? '' : 's'}, no problems\n`);
  }
  return diags.hasErrors() ? EXIT.PROBLEMS : EXIT.OK;
}
