import { bashScript, fishScript, optionsFromHelp, zshScript, type CommandSpec } from '../completion-scripts.js';
import { parseCommandArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { COMMON_FLAGS, COMMON_HELP } from '../common-flags.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const HELP = `Usage: pipec completion bash|zsh|fish

Prints a shell completion script for pipec's commands, options and their choices.

  bash   source <(pipec completion bash)      (or save it in ~/.local/share/bash-completion/completions/pipec)
  zsh    source <(pipec completion zsh)       (or save it as _pipec in a directory of $fpath)
  fish   pipec completion fish > ~/.config/fish/completions/pipec.fish

Options:
${COMMON_HELP}`;

export const FLAGS = { ...COMMON_FLAGS } as const;

/** Every command with the options its help lists. */
async function commandSpecs(): Promise<CommandSpec[]> {
  const { COMMANDS } = await import('../main.js');
  const out: CommandSpec[] = [];
  for (const [name, c] of Object.entries(COMMANDS)) {
    const mod = await c.load();
    out.push({ name, summary: c.summary, options: optionsFromHelp(mod.HELP, mod.FLAGS) });
  }
  return out;
}

/** `pipec completion SHELL`: the script on stdout. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const shell = positionals[0];
  if (shell === undefined || positionals.length > 1 || !(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(`completion takes one shell: ${SHELLS.join(', ')}${shell !== undefined ? `, not '${positionals.join(' ')}'` : ''}`);
  const specs = await commandSpecs();
  const globals = ['--help', '--version', '--quiet', '--no-color', '--color', '--pipeline', '--debug', '-h', '-v', '-q'];
  ctx.stdout.write(shell === 'bash' ? bashScript(specs, globals) : shell === 'zsh' ? zshScript(specs) : fishScript(specs));
  return EXIT.OK;
}
