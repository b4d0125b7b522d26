import { expandToYaml } from '../../compiler/expand.js';
import { parseArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { compileInputs, inputPaths, printDiagnostics } from '../pipeline-input.js';

export const HELP = `Usage: pipec expand [FILE] [options]

Prints FILE with every macro (source, sources, build, tests, deploy, environments,
blue/green) written out as explicit stages, each with a comment naming the macro (and the
environment or wave) it came from, and every default (artifact names, inputs, run order,
stores and CodeDeploy groups the macros add) made explicit.
The printed file compiles to the same output as FILE.

With no FILE, reads ./pipeline.yml.

Options:
      --color, --no-color   colour of diagnostics
`;

const FLAGS = { color: { type: 'bool' }, help: { type: 'bool', short: 'h' } } as const;

/** `pipec expand`: the desugared file on stdout. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help) {
    ctx.stdout.write(HELP);
    return EXIT.OK;
  }
  if (positionals.length > 1) throw new UsageError('expand reads one file; name one');
  const paths = inputPaths(ctx, positionals);
  if (paths.length > 1) throw new UsageError(`found ${paths.length} pipeline files (${paths.join(', ')}); name the one to expand`);
  const result = compileInputs(ctx, paths);
  printDiagnostics(ctx, result.diagnostics.list, 'text', flags.color as boolean | undefined, 'stderr');
  if (result.diagnostics.hasErrors()) return EXIT.PROBLEMS;
  ctx.stdout.write(expandToYaml(result.pipelines.map((p) => p.explicit), paths[0] ?? 'pipeline.yml'));
  return EXIT.OK;
}
