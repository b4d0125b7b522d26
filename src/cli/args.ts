import { didYouMean } from '../compiler/suggest.js';
import { UsageError } from './exit-codes.js';

export interface FlagSpec {
  /** list: comma-separated and repeatable; repeat: repeatable, each value whole (commas kept). */
  type: 'bool' | 'string' | 'list' | 'repeat';
  short?: string;
  /** For string flags: the only values allowed. */
  values?: readonly string[];
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
}

/** Parses argv strictly: unknown flags and missing values are usage errors with a suggestion. */
export function parseArgs(argv: readonly string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  const shorts = new Map(Object.entries(spec).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else {
      const long = shorts.get(arg.slice(1));
      if (!long) throw new UsageError(`unknown option '${arg}'`);
      name = long;
    }
    // Own keys only: '--toString' is an unknown option, not Object.prototype's.
    const specOf = (n: string): FlagSpec | undefined => (Object.hasOwn(spec, n) ? spec[n] : undefined);
    let s = specOf(name);
    if (!s && name.startsWith('no-') && specOf(name.slice(3))?.type === 'bool') {
      flags[name.slice(3)] = false;
      continue;
    }
    if (!s) {
      const guess = didYouMean(name, Object.keys(spec));
      throw new UsageError(`unknown option '--${name}'${guess ? `; did you mean '--${guess}'?` : ''}`);
    }
    if (s.type === 'bool') {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`option '--${name}' needs a value`);
    if (s.values && !s.values.includes(value)) {
      const guess = didYouMean(value, s.values);
      throw new UsageError(`option '--${name}' takes ${s.values.map((v) => `'${v}'`).join(', ')}, not '${value}'${guess ? `; did you mean '${guess}'?` : ''}`);
    }
    if (s.type === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), ...value.split(',').filter(Boolean)];
    else if (s.type === 'repeat') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
    s = undefined;
  }
  return { flags, positionals };
}

/**
 * A command's arguments, or undefined when `--help` was asked for: then the command's help is
 * written to `out` and the command ends with success.
 */
export function parseCommandArgs(argv: readonly string[], spec: Record<string, FlagSpec>, help: string, out: { write(text: string): unknown }): ParsedArgs | undefined {
  const parsed = parseArgs(argv, spec);
  if (!parsed.flags.help) return parsed;
  out.write(help);
  return undefined;
}
