import { didYouMean } from '../compiler/suggest.js';
import { VERSION } from '../version.js';
import type { CliContext } from './context.js';
import { EXIT, UsageError } from './exit-codes.js';
import { fsReason, OutputError } from './output-path.js';

export interface CommandModule {
  FLAGS?: Record<string, { type: string; short?: string; values?: readonly string[] }>;
  HELP: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/** Commands load on demand, so `compile` never loads what `plan` needs (the AWS SDK). */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  init: { summary: 'write a commented pipeline.yml to start from (minimal, promotion, blue-green-ecs, ...)', load: () => import('./commands/init.js') },
  compile: { summary: 'compile pipeline files into CodePipeline JSON (and other targets)', load: () => import('./commands/compile.js') },
  validate: { summary: 'check pipeline files and report every problem', load: () => import('./commands/validate.js') },
  expand: { summary: 'print a pipeline file with its macros written out as stages', load: () => import('./commands/expand.js') },
  graph: { summary: 'draw the pipelines: text, Mermaid or Graphviz DOT', load: () => import('./commands/graph.js') },
  plan: { summary: 'show what apply would change on the live pipelines', load: () => import('./commands/plan.js') },
  completion: { summary: 'print a shell completion script: bash, zsh or fish', load: () => import('./commands/completion.js') },
  schema: { summary: 'print the JSON Schema of pipeline.yml (editor completion and checks)', load: () => import('./commands/schema.js') },
  apply: { summary: 'create, update (and with --prune delete) live pipelines to match', load: () => import('./commands/apply.js') },
  unlock: { summary: "remove a project's apply lock left by an apply that is gone", load: () => import('./commands/unlock.js') },
  status: { summary: 'show stages, actions, approvals and failures of live pipelines', load: () => import('./commands/status.js') },
  runs: { summary: "list a pipeline's recent executions, or show one", load: () => import('./commands/runs.js') },
  start: { summary: 'start a pipeline (and with --watch follow it)', load: () => import('./commands/start.js') },
  watch: { summary: 'follow an execution until it ends; exit 0 if it succeeded', load: () => import('./commands/watch.js') },
  stop: { summary: 'stop an execution (waiting for its actions, or --abandon them)', load: () => import('./commands/stop.js') },
  retry: { summary: "retry a failed stage's failed (or all) actions", load: () => import('./commands/retry.js') },
  rollback: { summary: 'roll a stage back to an earlier successful execution', load: () => import('./commands/rollback.js') },
  transition: { summary: 'disable or enable the transition into a stage', load: () => import('./commands/transition.js') },
  approve: { summary: 'approve or reject a waiting manual approval', load: () => import('./commands/approve.js') },
  import: { summary: 'turn existing pipelines (live, JSON, CloudFormation, Copilot) into pipeline.yml', load: () => import('./commands/import.js') },
};

const HELP = `pipec ${VERSION}: pipelines as code for AWS CodePipeline

Usage: pipec [global options] <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)}${c.summary}`)
  .join('\n')}

Global options (before or after the command):
  -q, --quiet         print only errors: no warnings, no success lines
      --color, --no-color
      --pipeline NAME only these pipelines (repeatable), for commands that read pipelines
      --debug         on a crash in pipec, print where it happened
  -v, --version       print pipec's version
  -h, --help          print this help

Run 'pipec <command> --help' for a command's options.

Exit status: 0 success, 1 problems in the input (or a failed AWS call), 2 bad usage.
`;

/** The command of that name; own keys only, so `pipec toString` is an unknown command, not Object.prototype's. */
function commandNamed(name: string): (typeof COMMANDS)[string] | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Options that may come before the command; they are handed to the command as if written after it. */
const GLOBAL_BOOL = new Set(['--quiet', '-q', '--color', '--no-color']);
const GLOBAL_VALUE = new Set(['--pipeline']);

/**
 * Splits `pipec [global options] <command> [args]`: the global options before the command are
 * moved after it, so every command reads them as its own. Help and version stay where they are.
 */
function splitGlobal(args: readonly string[]): { name: string | undefined; rest: string[] } {
  const global: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-') || a === '-' || a === '--help' || a === '-h' || a === '--version' || a === '-v' || a === '-V') break;
    if (GLOBAL_BOOL.has(a)) global.push(a);
    else if (GLOBAL_VALUE.has(a)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('-')) throw new UsageError(`option '${a}' needs a value`);
      global.push(a, value);
      i++;
    } else if (a.includes('=') && GLOBAL_VALUE.has(a.slice(0, a.indexOf('=')))) global.push(a);
    else throw new UsageError(`'${a}' is not a global option; write command options after the command (pipec <command> ${a})`);
  }
  const name = args[i];
  return { name, rest: name === undefined ? global : [...global, ...args.slice(i + 1)] };
}

/** Runs one pipec invocation and returns its exit code; never throws. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const debug = argv.includes('--debug') || ctx.env.PIPEC_DEBUG === '1';
  const args = argv.filter((a) => a !== '--debug');
  let name: string | undefined;
  let rest: string[] = [];
  try {
    ({ name, rest } = splitGlobal(args));
    if (name === undefined && rest.length > 0) throw new UsageError(`no command after ${rest.join(' ')}; run 'pipec --help' for the commands`);
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      if (name === 'help' && rest[0] && commandNamed(rest[0])) {
        ctx.stdout.write((await (COMMANDS[rest[0]] as { load: () => Promise<CommandModule> }).load()).HELP);
        return EXIT.OK;
      }
      (name === undefined ? ctx.stderr : ctx.stdout).write(HELP);
      return name === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (name === '--version' || name === '-v' || name === '-V' || name === 'version') {
      ctx.stdout.write(`pipec ${VERSION}\n`);
      return EXIT.OK;
    }
    const cmd = commandNamed(name);
    if (!cmd) {
      const guess = didYouMean(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command '${name}'${guess ? `; did you mean '${guess}'?` : ''}`);
    }
    return await (await cmd.load()).run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr.write(`pipec: ${e.message}\nRun 'pipec ${name && commandNamed(name) ? `${name} ` : ''}--help' for usage.\n`);
      return EXIT.USAGE;
    }
    if (e instanceof OutputError) {
      ctx.stderr.write(`pipec: ${e.message}\n`);
      return EXIT.PROBLEMS;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && err.syscall)
      ctx.stderr.write(`pipec: cannot ${err.syscall}${err.path ? ` '${err.path}'` : ''}: ${fsReason(err)}\n`);
    else ctx.stderr.write(`pipec: internal error: ${err instanceof Error ? err.message : String(err)}\n${debug ? '' : 'This is a bug in pipec; run again with --debug and report the output.\n'}`);
    if (debug && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
    return EXIT.PROBLEMS;
  }
}

