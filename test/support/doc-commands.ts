import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BIN, ROOT } from './cli.js';

/**
 * The commands the documentation shows a reader: every `pipec ...`, `npx ...`, `npm ...`,
 * `node ...` and `aws <service> <operation> ...` line of a shell code block, every `$ command` of
 * a transcript (a text block), every command in a code span of the prose, every command pipec's
 * output examples name (text blocks), and the commands the `pipec init` templates' header
 * comments name. test/docs-commands-inventory.test.ts holds each to the test that runs it
 * verbatim, or to why it is not one to paste; test/live/docs-commands.test.ts runs them.
 */

/** How a command appears in a document. */
export type DocCommandKind =
  /** a line of a sh/bash/shell code block: the reader pastes it */
  | 'sh'
  /** `$ command` in a text block: a transcript whose output the block shows */
  | 'transcript'
  /** a command named in a line of pipec's output shown in a text block (a `help:` or `fix:`) */
  | 'output'
  /** a code span in the prose */
  | 'inline'
  /** a command in the comment header `pipec init` writes (templates/init/*.hbs) */
  | 'template';

/** One command as a document shows it. */
export interface DocCommand {
  /** the file, relative to the repository root */
  file: string;
  /** 1-based line */
  line: number;
  kind: DocCommandKind;
  /** the command as written (a sh line without its trailing comment; a code span's text) */
  command: string;
  /** a transcript's output lines as the block shows them */
  output?: string[];
}

/** The Markdown files whose commands are held: README, docs/, BENCHMARKS and any README under examples/. */
export function documentFiles(): string[] {
  const files = ['README.md', 'BENCHMARKS.md'];
  for (const f of readdirSync(join(ROOT, 'docs')).sort()) if (f.endsWith('.md')) files.push(`docs/${f}`);
  for (const e of readdirSync(join(ROOT, 'examples')).sort())
    for (const f of existsSync(join(ROOT, 'examples', e)) ? readdirSync(join(ROOT, 'examples', e)).sort() : [])
      if (f.toLowerCase().endsWith('.md')) files.push(`examples/${e}/${f}`);
  return files;
}

/** The pipec commands (`pipec <name>`), read from the CLI source so a new command is found too. */
function pipecCommandNames(): string[] {
  const main = readFileSync(join(ROOT, 'src', 'cli', 'main.ts'), 'utf8');
  const block = main.slice(main.indexOf('export const COMMANDS'), main.indexOf('};', main.indexOf('export const COMMANDS')));
  return [...block.matchAll(/^\s+([a-z]+): \{ summary/gm)].map((m) => m[1] as string);
}

const SH_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'shell-session']);
const TEXT_LANGS = new Set(['text', '']);
/** A line of a shell block that is a command (not a comment, not output). */
const SH_COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:pipec|npx|npm|node|aws|source|git|curl|python3?)\b/;
/** Environment assignments before a command (`PIPEC_FUZZ_SEED=S npx ...`). */
const ASSIGNMENTS = '(?:[A-Z_][A-Z0-9_]*=\\S*\\s+)*';

/** A sh line without its trailing `  # comment` (a `#` after white space, outside quotes). */
export function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && i > 0 && /\s/.test(line[i - 1] as string)) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** Every command of one Markdown document. */
export function commandsOf(file: string, text: string): DocCommand[] {
  const names = pipecCommandNames().join('|');
  // a pipec command or an AWS CLI operation anywhere in a line of text
  const named = new RegExp(`(?:^|[\\s('"\`])((?:npx )?pipec (?:${names})\\b|aws [a-z0-9-]+ [a-z0-9-]+)`, 'g');
  const spanIsCommand = new RegExp(`^${ASSIGNMENTS}(?:(?:npx )?pipec(?: |$)|aws [a-z0-9-]+ [a-z0-9-]+|npx |npm |node |source <\\(pipec )`);
  const out: DocCommand[] = [];
  let fence: string | undefined; // the open block's language
  let transcript: DocCommand | undefined; // the transcript whose output lines follow
  let continued: DocCommand | undefined; // a sh command whose line ended in a backslash
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (continued) {
      // a shell line that goes on: one command
      continued.command = `${continued.command.slice(0, -1).trimEnd()} ${withoutComment(raw.trim())}`;
      if (!continued.command.endsWith('\\')) continued = undefined;
      return;
    }
    const open = /^\s*```(\S*)/.exec(raw);
    if (open) {
      fence = fence === undefined ? (open[1] as string) : undefined;
      transcript = undefined;
      return;
    }
    if (fence !== undefined) {
      if (SH_LANGS.has(fence)) {
        // a prompt is not part of the command
        const t = raw.trim().replace(/^\$ /, '');
        if (SH_COMMAND.test(t)) {
          const c: DocCommand = { file, line, kind: 'sh', command: withoutComment(t) };
          out.push(c);
          if (c.command.endsWith('\\')) continued = c;
        }
      } else if (TEXT_LANGS.has(fence)) {
        const t = raw.trim();
        if (t.startsWith('$ ')) out.push((transcript = { file, line, kind: 'transcript', command: t.slice(2), output: [] }));
        else transcript?.output?.push(raw);
        if (!t.startsWith('$ '))
          for (const m of t.matchAll(named)) out.push({ file, line, kind: 'output', command: m[1] as string });
      }
      return;
    }
    for (const m of raw.matchAll(/`([^`]+)`/g)) {
      const span = (m[1] as string).replace(/\\\|/g, '|');
      if (spanIsCommand.test(span)) out.push({ file, line, kind: 'inline', command: span });
    }
  });
  return out;
}

/** The commands the init templates' header comments name (`#   pipec validate   checks ...`, and code spans). */
export function templateCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  const dir = join(ROOT, 'templates', 'init');
  for (const f of readdirSync(dir).sort()) {
    const file = relative(ROOT, join(dir, f));
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        if (!raw.startsWith('#')) return;
        const listed = /^#\s+(pipec \S.*?)(?:\s{2,}|$)/.exec(raw);
        if (listed) out.push({ file, line: i + 1, kind: 'template', command: listed[1] as string });
        for (const m of raw.matchAll(/`(pipec [^`]+)`/g)) out.push({ file, line: i + 1, kind: 'template', command: m[1] as string });
      });
  }
  return out;
}

/** Every command of every document and init template. */
export function docCommands(): DocCommand[] {
  return [...documentFiles().flatMap((f) => commandsOf(f, readFileSync(join(ROOT, f), 'utf8'))), ...templateCommands()];
}

/**
 * The inventory key of a command: its file and its text (a transcript's with `$ ` and the first
 * code its output shows, as one document shows `pipec validate pipeline.yml` for several codes).
 */
export function keyOf(c: DocCommand): string {
  if (c.kind !== 'transcript') return `${c.file}: ${c.command}`;
  const code = /\[(PC\d{4})\]/.exec((c.output ?? []).join('\n'))?.[1];
  return `${c.file}: $ ${c.command}${code ? ` -> ${code}` : ''}`;
}

/** The one command the documents show under `key` (every occurrence of it); throws when they no longer show it. */
export function shown(key: string): DocCommand {
  const found = docCommands().filter((c) => keyOf(c) === key);
  if (found.length === 0) throw new Error(`the documents no longer show ${key}`);
  return found[0] as DocCommand;
}

/** What a pasted command printed and returned. */
export interface Pasted {
  code: number;
  stdout: string;
  stderr: string;
}

let binDir: string | undefined;
/** A directory holding `pipec`, the package's bin (the bundle), to put on PATH as an installed pipec is. */
export function pipecOnPath(): string {
  if (binDir) return binDir;
  binDir = mkdtempSync(join(tmpdir(), 'pipec-bin-'));
  symlinkSync(BIN, join(binDir, 'pipec'));
  return binDir;
}

/**
 * Runs a command line in bash as a reader pastes it, in `cwd`: `pipec` is the package's bin on
 * PATH, and npx finds pipec in the project (installedProject) without the network. `env` says
 * where AWS is (a loopback moto); nothing else of the test's environment leaks in but PATH and HOME.
 */
export function paste(command: string, cwd: string, env: Record<string, string | undefined> = {}, timeoutMs = 300_000): Pasted {
  const r = spawnSync('bash', ['-c', command], {
    cwd,
    env: { HOME: process.env.HOME, npm_config_offline: 'true', npm_config_update_notifier: 'false', ...env, PATH: `${pipecOnPath()}:${env.PATH ?? process.env.PATH}` } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Makes `dir` a project that installed pipec (node_modules/pipec is this checkout), as `npm install pipec` leaves it. */
export function installedProject(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { pipec: '*' } }));
  symlinkSync(ROOT, join(dir, 'node_modules', 'pipec'));
  symlinkSync(relative(join(dir, 'node_modules', '.bin'), BIN), join(dir, 'node_modules', '.bin', 'pipec'));
}

/** Makes `dir` a checkout of this repository as the README's commands see it: package.json, the build, templates and a copy of examples/. */
export function checkout(dir: string): void {
  writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  for (const d of ['dist', 'templates', 'schema', 'node_modules']) symlinkSync(join(ROOT, d), join(dir, d));
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
}

/**
 * Holds a transcript's output as the document shows it against what the command printed: each
 * shown line appears, in order ('...' in a shown line stands for anything, `/home/me/app` for
 * the directory the command ran in). pipec's source snippets, which the documents leave out,
 * may come between them.
 */
export function showsAsPrinted(shownLines: readonly string[], printed: string, cwd: string): string[] {
  const lines = printed.split('\n');
  const missing: string[] = [];
  let at = 0;
  for (const want of shownLines.filter((l) => l.trim() !== '')) {
    const pattern = new RegExp(`^${want.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*').replace('/home/me/app', cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))}$`);
    const found = lines.findIndex((l, i) => i >= at && pattern.test(l));
    if (found < 0) missing.push(want);
    else at = found + 1;
  }
  return missing;
}
