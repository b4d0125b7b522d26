import { renderGraphDot } from '../../graph/dot.js';
import { renderGraphMermaid } from '../../graph/mermaid.js';
import { graphModel } from '../../graph/model.js';
import { renderGraphText } from '../../graph/text.js';
import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { COMMON_FLAGS, COMMON_HELP, loadPipelines, REPORT_FLAGS, REPORT_HELP, report, SELECT_FLAGS, SELECT_HELP } from '../pipeline-input.js';

export const GRAPH_FORMATS = ['text', 'mermaid', 'dot'] as const;

export const HELP = `Usage: pipec graph [FILES...] [options]

Draws each pipeline: stages left to right, the actions that run together stacked, later run
orders below, artifacts on the edges, approvals, actions in other regions or accounts, and
transitions that start disabled.

With no FILES, reads ./pipeline.yml and ./pipelines/*.yml; '-' reads standard input.
Diagnostics go to stderr; a file with errors draws nothing.

Options:
  -f, --format FMT    text (box drawing, for a terminal), mermaid (GitHub Markdown renders it)
                      or dot (Graphviz: pipec graph -f dot | dot -Tsvg > pipeline.svg); default text
      --ascii         text with plain ASCII instead of box-drawing characters
${SELECT_HELP}${REPORT_HELP}${COMMON_HELP}`;

export const FLAGS = {
  format: { type: 'string', short: 'f', values: GRAPH_FORMATS },
  ascii: { type: 'bool' },
  ...SELECT_FLAGS,
  ...REPORT_FLAGS,
  ...COMMON_FLAGS,
} as const;

/** `pipec graph`: every (selected) pipeline as a picture on stdout. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const format = (flags.format as (typeof GRAPH_FORMATS)[number] | undefined) ?? 'text';
  const result = await loadPipelines(ctx, positionals, flags);
  if (report(ctx, result, flags, 'text', 'stderr').failed) return EXIT.PROBLEMS;
  const pictures = result.pipelines.map((p) => {
    const g = graphModel(p.ir);
    return format === 'mermaid' ? renderGraphMermaid(g) : format === 'dot' ? renderGraphDot(g) : renderGraphText(g, { ascii: flags.ascii === true });
  });
  ctx.stdout.write(pictures.join(format === 'text' ? '\n' : '\n'));
  return EXIT.OK;
}
