import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { didYouMean } from '../../compiler/suggest.js';
import { askUntil, lineAsker } from '../../init/ask.js';
import { renderInit, slugOf } from '../../init/render.js';
import { readSource, SOURCE_KINDS, SourceError, type InitSource } from '../../init/source.js';
import { INIT_TEMPLATES, initTemplate, type InitTemplate } from '../../init/templates.js';
import { parseCommandArgs } from '../args.js';
import { COMMON_FLAGS, COMMON_HELP } from '../common-flags.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { checkOutputFile, shownPath, writeFileAtomically } from '../output-path.js';

const NAMES = INIT_TEMPLATES.map((t) => t.name);
const DEFAULT_REGION = 'us-east-1';
/** AWS's own example account ID, the one its documentation uses: plainly a placeholder. */
const DEFAULT_ACCOUNT = '123456789012';

export const HELP = `Usage: pipec init [FILE] [options]

Writes a commented pipeline.yml to start from: a working pipeline of the chosen shape whose
comments say what each key does, with links to the docs. Replace the placeholder names and
account IDs, then 'pipec validate'. Never overwrites a file (without --force).

FILE is where to write (default ./pipeline.yml); '-' prints it instead.

On a terminal, init asks for what the options do not give (name, template, source; Enter takes
the default shown). Elsewhere (CI, scripts, or with --yes) it asks nothing and uses the defaults.

Templates (--template):
${INIT_TEMPLATES.map((t) => `  ${t.name.padEnd(18)}${t.summary}`).join('\n')}

Sources (--source), as the language writes them; the kind alone gets a placeholder location:
  github:ORG/REPO@BRANCH (default github:my-org/<name>@main), github-enterprise:,
  bitbucket:, gitlab:, gitlab-self-managed:, connection: (through a CodeStar connection),
  codecommit:REPO@BRANCH, s3:BUCKET/KEY.zip, ecr:REPO@TAG (for ecs and blue-green-ecs)

Options:
  -t, --template NAME     one of the templates above (default minimal)
  -s, --source SOURCE     where the code comes from (default github:my-org/<name>@main)
  -n, --name NAME         the pipeline's name (default: the directory's name)
      --region REGION     the pipeline's region (default ${DEFAULT_REGION})
      --account ID        the AWS account in ARNs (default ${DEFAULT_ACCOUNT}, AWS's example account)
  -f, --force             overwrite FILE if it exists
  -y, --yes               ask nothing; take the defaults for what the options do not give
${COMMON_HELP}  -h, --help              print this help

Exit status: 0 written, 1 FILE exists (PC0010) or cannot be written, 2 bad usage.
`;

export const FLAGS = {
  template: { type: 'string', short: 't', values: NAMES },
  source: { type: 'string', short: 's' },
  name: { type: 'string', short: 'n' },
  region: { type: 'string' },
  account: { type: 'string' },
  force: { type: 'bool', short: 'f' },
  yes: { type: 'bool', short: 'y' },
  ...COMMON_FLAGS,
} as const;

const NAME = /^[A-Za-z0-9.@_-]{1,100}$/;
const NAME_RULE = 'a pipeline name is 1-100 of A-Z a-z 0-9 . @ - _';

/** A name from the directory init runs in: its characters that pipeline names allow. */
function defaultName(cwd: string): string {
  const n = basename(cwd).replace(/[^A-Za-z0-9.@_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return n === '' ? 'my-pipeline' : n;
}

/** The source for a template, or why they do not go together. */
function sourceFor(template: InitTemplate, text: string, slug: string, region: string, account: string): { value: InitSource } | { problem: string } {
  let source: InitSource;
  try {
    source = readSource(text, slug, region, account);
  } catch (e) {
    if (e instanceof SourceError) return { problem: e.message };
    throw e;
  }
  if (!template.sources.includes(source.holds)) {
    const fits = INIT_TEMPLATES.filter((t) => t.sources.includes(source.holds)).map((t) => t.name);
    return { problem: `source '${text}' is a container image (ECR), and template '${template.name}' builds code from a repository; use --template ${fits.join(' or ')}, or a repository source` };
  }
  return { value: source };
}

/** `pipec init`: a commented pipeline.yml of a chosen shape, checked by the compiler before it is written. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  if (positionals.length > 1) throw new UsageError(`init writes one file; got ${positionals.map((p) => `'${p}'`).join(', ')}`);
  const file = positionals[0] ?? 'pipeline.yml';
  if (file.trim() === '') throw new UsageError('name the file to write, or leave it out for pipeline.yml');
  const region = (flags.region as string | undefined) ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region '${region}': expected an AWS region such as us-east-1`);
  const account = (flags.account as string | undefined) ?? DEFAULT_ACCOUNT;
  if (!/^\d{12}$/.test(account)) throw new UsageError(`--account '${account}': expected a 12-digit AWS account ID`);
  const given = flags.name as string | undefined;
  if (given !== undefined && !NAME.test(given)) throw new UsageError(`--name '${given}': ${NAME_RULE}`);
  const givenTemplate = flags.template !== undefined ? initTemplate(flags.template as string) : undefined;
  // Options are checked before anything is asked, and the file before anything is asked or made.
  const toStdout = file === '-';
  const target = toStdout ? undefined : checkOutputFile(ctx.cwd, 'init', file);
  if (target && flags.force !== true) {
    const taken = [target, ...(positionals.length === 0 ? [resolve(ctx.cwd, 'pipeline.yaml')] : [])].find((p) => existsSync(p) && !statSync(p).isDirectory());
    if (taken) return refuse(ctx, shownPath(ctx.cwd, taken), flags.color as boolean | undefined);
  }
  if (givenTemplate && flags.source !== undefined) {
    const r = sourceFor(givenTemplate, flags.source as string, slugOf(given ?? defaultName(ctx.cwd)), region, account);
    if ('problem' in r) throw new UsageError(r.problem);
  } else if (flags.source !== undefined) {
    // Checked now, with any template, so a mistyped source is reported before the questions.
    try {
      readSource(flags.source as string, 'x', region, account);
    } catch (e) {
      if (e instanceof SourceError) throw new UsageError(e.message);
      throw e;
    }
  }

  const interactive = ctx.stdinIsTTY && ctx.stdout.isTTY === true && flags.yes !== true;
  const answers = interactive
    ? await askMissing(ctx, given, givenTemplate, flags.source as string | undefined, region, account)
    : settle(ctx, given, givenTemplate, flags.source as string | undefined, region, account);
  if (!answers) {
    ctx.stderr.write('pipec: init stopped before every question was answered; nothing written\n');
    return EXIT.PROBLEMS;
  }
  const text = renderInit({ ...answers, slug: slugOf(answers.name), region, account });
  await selfCheck(text, file);
  if (toStdout) {
    ctx.stdout.write(text);
    return EXIT.OK;
  }
  writeFileAtomically(ctx.cwd, target as string, text);
  if (flags.quiet !== true)
    ctx.stderr.write(
      `wrote ${file}: template ${answers.template.name}, source ${answers.source.shorthand}, pipeline ${answers.name}\n` +
        `next: replace the placeholders (account ${account}${answers.source.block.includes('connection:') ? ', the connection ARN' : ''}, names), then run 'pipec validate${positionals.length ? ` ${file}` : ''}'\n`,
    );
  return EXIT.OK;
}

interface Answers {
  name: string;
  template: InitTemplate;
  source: InitSource;
}

/** Without a terminal: the options, and the defaults for the rest. */
function settle(ctx: CliContext, given: string | undefined, template: InitTemplate | undefined, source: string | undefined, region: string, account: string): Answers {
  const name = given ?? defaultName(ctx.cwd);
  const t = template ?? (initTemplate('minimal') as InitTemplate);
  const r = sourceFor(t, source ?? 'github', slugOf(name), region, account);
  if ('problem' in r) throw new UsageError(r.problem);
  return { name, template: t, source: r.value };
}

/** On a terminal: asks for the name, template and source the options did not give. */
async function askMissing(ctx: CliContext, given: string | undefined, template: InitTemplate | undefined, source: string | undefined, region: string, account: string): Promise<Answers | undefined> {
  const say = (s: string): void => void ctx.stderr.write(s);
  const asker = lineAsker(ctx.stdin ?? process.stdin, ctx.stderr);
  try {
    const name =
      given ??
      (await askUntil(asker, 'Pipeline name', defaultName(ctx.cwd), (a) => (NAME.test(a) ? { value: a } : { problem: `'${a}': ${NAME_RULE}` }), say));
    if (name === undefined) return undefined;
    let t = template;
    if (!t) {
      say(`Templates:\n${INIT_TEMPLATES.map((x, i) => `  ${String(i + 1).padStart(2)}. ${x.name.padEnd(18)}${x.summary}`).join('\n')}\n`);
      t = await askUntil(
        asker,
        'Template (name or number)',
        'minimal',
        (a) => {
          const byNumber = /^\d+$/.test(a) ? INIT_TEMPLATES[Number(a) - 1] : undefined;
          const found = byNumber ?? initTemplate(a);
          if (found) return { value: found };
          const guess = didYouMean(a, NAMES);
          return { problem: `no template '${a}'${guess ? `; did you mean '${guess}'?` : `; answer 1-${INIT_TEMPLATES.length} or a name`}` };
        },
        say,
      );
      if (!t) return undefined;
    }
    const chosen = t;
    let s: InitSource | undefined;
    if (source !== undefined) {
      const r = sourceFor(chosen, source, slugOf(name), region, account);
      if ('problem' in r) throw new UsageError(r.problem);
      s = r.value;
    } else {
      const kinds = SOURCE_KINDS.filter((k) => chosen.sources.includes(k.holds)).map((k) => k.kind);
      say(`Source: ${kinds.join(', ')}; as kind:location (github:org/repo@main, s3:bucket/key.zip), or just the kind\n`);
      s = await askUntil(asker, 'Source', readSource(chosen.sources.includes('code') ? 'github' : 'ecr', slugOf(name), region, account).shorthand, (a) => sourceFor(chosen, a, slugOf(name), region, account), say);
      if (!s) return undefined;
    }
    return { name, template: chosen, source: s };
  } finally {
    asker.close();
  }
}

/** PC0010: the file is there already; nothing is written. */
async function refuse(ctx: CliContext, shown: string, color: boolean | undefined): Promise<number> {
  const { Diagnostics } = await import('../../compiler/diagnostics.js');
  const { printDiagnostics } = await import('../pipeline-input.js');
  const diags = new Diagnostics();
  diags.add('PC0010', `'${shown}' already exists; pipec init does not overwrite it`, undefined, {
    file: shown,
    suggestion: `name another file (pipec init other.yml), print it with 'pipec init -', or replace it with --force`,
  });
  printDiagnostics(ctx, diags.list, 'text', color, 'stderr');
  return EXIT.PROBLEMS;
}

/** The file is compiled before it is written: a template that does not compile cleanly is pipec's bug, never the user's file. */
async function selfCheck(text: string, file: string): Promise<void> {
  const { compile } = await import('../../compiler/compile.js');
  const r = compile([{ path: file === '-' ? '<stdout>' : file, bytes: Buffer.from(text) }]);
  const first = r.diagnostics.list[0];
  if (first) throw new Error(`the template does not compile cleanly: ${first.code} ${first.message}`);
}
