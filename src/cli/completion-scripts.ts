/** One option of a command, as a completion script offers it. */
export interface OptionSpec {
  long: string;
  short?: string;
  takesValue: boolean;
  values?: readonly string[];
  description: string;
}

/** A command with its summary and options. */
export interface CommandSpec {
  name: string;
  summary: string;
  options: OptionSpec[];
}

/**
 * The options a command's help lists (`  -f, --format FMT    text, json ...`), with the choices its
 * flag table gives when it exports one. The help is what users read, so completion offers exactly that.
 */
export function optionsFromHelp(help: string, flags: Record<string, { type: string; short?: string; values?: readonly string[] }> = {}): OptionSpec[] {
  const out = new Map<string, OptionSpec>();
  for (const line of help.split('\n')) {
    const m = /^\s{2,}(?:-([A-Za-z]), )?--([a-z][\w-]*)(?:,\s*--([a-z][\w-]*))?(?:[ =]([A-Z][A-Z_.|]*))?(?:\s{2,}(.*))?$/.exec(line);
    if (!m) continue;
    const [, short, long, alt, placeholder, description] = m as unknown as [string, string | undefined, string, string | undefined, string | undefined, string | undefined];
    const spec = Object.hasOwn(flags, long) ? flags[long] : undefined;
    for (const name of [long, alt].filter((n): n is string => n !== undefined))
      out.set(name, {
        long: name,
        ...(short && name === long ? { short } : {}),
        takesValue: placeholder !== undefined || (spec !== undefined && spec.type !== 'bool'),
        ...(spec?.values ? { values: spec.values } : {}),
        description: (description ?? '').trim(),
      });
  }
  return [...out.values()];
}

const shellWords = (xs: readonly string[]): string => xs.join(' ');
const single = (s: string): string => s.replace(/'/g, "'\\''");

/** bash: `source <(pipec completion bash)`. */
export function bashScript(commands: readonly CommandSpec[], globals: readonly string[]): string {
  const cases = commands.map((c) => {
    const opts = c.options.flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]);
    const values = c.options.filter((o) => o.values).map((o) => `        ${[`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])].join('|')}) COMPREPLY=($(compgen -W '${shellWords(o.values ?? [])}' -- "$cur")); return ;;`);
    const valueless = c.options.filter((o) => o.takesValue && !o.values).map((o) => `--${o.long}`);
    return `    ${c.name})
      case "$prev" in
${values.join('\n')}${values.length ? '\n' : ''}${valueless.length ? `        ${valueless.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;\n` : ''}      esac
      opts='${shellWords(opts)}' ;;`;
  });
  return `# bash completion for pipec: source <(pipec completion bash), or save it in
# /etc/bash_completion.d/pipec (or ~/.local/share/bash-completion/completions/pipec)
_pipec() {
  local cur prev cmd i opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      --pipeline) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W '${shellWords([...commands.map((c) => c.name), ...globals])}' -- "$cur"))
    return
  fi
  case "$cmd" in
${cases.join('\n')}
    *) opts='' ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _pipec pipec
`;
}

/** zsh: `source <(pipec completion zsh)`, or save as _pipec in a directory of $fpath. */
export function zshScript(commands: readonly CommandSpec[]): string {
  const esc = (s: string): string => single(s.replace(/[[\]:]/g, (ch) => `\\${ch}`));
  const blocks = commands.map((c) => {
    const args = c.options.map((o) => {
      const names = o.short ? `{-${o.short},--${o.long}}` : `--${o.long}`;
      const value = o.values ? `:${o.long}:(${o.values.join(' ')})` : o.takesValue ? `:${o.long}:_files` : '';
      return `'${o.short ? '(-' + o.short + ' --' + o.long + ')' : ''}'${names}'[${esc(o.description)}]${value}'`;
    });
    return `    ${c.name}) _arguments -s ${[...args, "'*:file:_files'"].join(' ')} ;;`;
  });
  return `#compdef pipec
# zsh completion for pipec: save as _pipec in a directory of $fpath, or source <(pipec completion zsh)
_pipec() {
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${esc(c.summary)}'`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case $words[2] in
${blocks.join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _pipec "$@"
else
  compdef _pipec pipec
fi
`;
}

/** fish: `pipec completion fish > ~/.config/fish/completions/pipec.fish`. */
export function fishScript(commands: readonly CommandSpec[]): string {
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = ['# fish completion for pipec: pipec completion fish > ~/.config/fish/completions/pipec.fish', 'complete -c pipec -f'];
  for (const c of commands) lines.push(`complete -c pipec -n __fish_use_subcommand -a ${c.name} -d ${q(c.summary)}`);
  for (const c of commands)
    for (const o of c.options)
      lines.push(
        `complete -c pipec -n ${q(`__fish_seen_subcommand_from ${c.name}`)} -l ${o.long}${o.short ? ` -s ${o.short}` : ''}${o.values ? ` -x -a ${q(o.values.join(' '))}` : o.takesValue ? ' -r -F' : ''}${o.description ? ` -d ${q(o.description)}` : ''}`,
      );
  for (const c of commands) lines.push(`complete -c pipec -n ${q(`__fish_seen_subcommand_from ${c.name}`)} -F`);
  return `${lines.join('\n')}\n`;
}
