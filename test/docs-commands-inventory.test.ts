import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/main.js';
import { ROOT, runCli } from './support/cli.js';
import { commandsOf, docCommands, keyOf, type DocCommand } from './support/doc-commands.js';

/**
 * Every command the documentation shows (README.md, docs/*.md, BENCHMARKS.md, any README under
 * examples/, and the header `pipec init` writes; test/support/doc-commands.ts finds them) is
 * listed here with the test that runs it verbatim, or with why it is not one to paste. A new one
 * fails here until it is listed, so no command can reach the docs untested. Two kinds are told
 * apart without a list, and still checked: a command named in prose with no arguments
 * (`pipec plan`), which must exist, and a usage line with placeholders the reader fills in
 * (`pipec runs NAME [ID]`), whose options must exist. Every option of every pipec command the
 * docs show must be one its --help lists.
 */

type Entry = { runs: string } | { not: string };

const OFFLINE = 'test/docs-commands.test.ts';
const LIVE = 'test/live/docs-commands.test.ts';
const DEV = 'a command of the repository’s development (install, build, test, benchmark), run by CI (.ci/run: npm ci, npm test) or by hand; a test cannot run the suite, the build or the benchmarks it is part of, nor reach the npm registry';
const BENCH = 'names what a benchmark timed (BENCHMARKS.md, bench/); timings are not asserted in tests';
const PROSE_MODE = 'prose naming the mode; the code block that follows runs its commands, in ' + LIVE;

const INVENTORY: Record<string, Entry> = {
  // README.md
  'README.md: npm ci && npm run build': { not: DEV },
  'README.md: npx pipec --help': { runs: OFFLINE },
  'README.md: npm test': { not: DEV },
  'README.md: npm pack': { not: DEV + ' (test/distribution.test.ts packs and installs the package)' },
  'README.md: npx pipec init --template promotion --source github:acme/api@main': { runs: OFFLINE },
  'README.md: npx pipec compile examples/*/pipeline.yml --target all --out out': { runs: OFFLINE },
  'README.md: npm run snapshots:update': { not: DEV },
  'README.md: npm run bench': { not: DEV },
  'README.md: npm run build': { not: DEV },
  'README.md: source <(pipec completion bash)': { runs: OFFLINE },
  'README.md: pipec apply --stack': { not: PROSE_MODE },
  'README.md: pipec plan --stack': { not: PROSE_MODE },
  'README.md: pipec plan --out plan.json': { runs: LIVE },
  'README.md: pipec apply plan.json': { runs: LIVE },
  'README.md: pipec apply --auto-approve': { runs: LIVE },
  'README.md: pipec plan --stack --out plan.json': { runs: LIVE },
  'README.md: pipec apply --stack --auto-approve --account-profile 222222222222=prod': { runs: LIVE },
  'README.md: pipec status': { runs: LIVE },
  'README.md: pipec start shop --watch': { runs: LIVE },
  'README.md: pipec approve shop -m "Checked staging"': { runs: LIVE },
  'README.md: pipec retry shop Build': { runs: LIVE },
  'README.md: pipec runs shop --status Failed': { runs: LIVE },
  'README.md: pipec --no-color validate': { runs: OFFLINE },
  'README.md: pipec -v': { runs: OFFLINE },
  'README.md: aws codepipeline create-pipeline --cli-input-json': { not: 'names the command codepipeline.json is the input of; the whole command (--cli-input-json file://...) runs in test/live/printed-commands.test.ts and test/acceptance.test.ts' },
  // BENCHMARKS.md
  'BENCHMARKS.md: npm run bench -- --write': { not: DEV },
  'BENCHMARKS.md: npm ci': { not: DEV },
  'BENCHMARKS.md: npm run bench': { not: DEV },
  'BENCHMARKS.md: node bench/import.mjs --quick': { not: BENCH },
  'BENCHMARKS.md: node bench/stack-plan.mjs --quick': { not: BENCH },
  'BENCHMARKS.md: pipec validate examples/deploy-providers/pipeline.yml': { not: BENCH },
  'BENCHMARKS.md: pipec compile examples/minimal/pipeline.yml': { not: BENCH },
  'BENCHMARKS.md: node -e ""': { not: BENCH },
  'BENCHMARKS.md: node bench/profile.mjs': { not: BENCH },
  'BENCHMARKS.md: node bench/phases.mjs': { not: BENCH },
  'BENCHMARKS.md: node bench/phases.mjs --rules --dist': { not: BENCH },
  'BENCHMARKS.md: node bench/phases.mjs --rules --rounds 3': { not: BENCH },
  'BENCHMARKS.md: node --single-threaded': { not: BENCH },
  'BENCHMARKS.md: node --single-threaded bench/phases.mjs --rounds 1 --count 250': { not: BENCH },
  'BENCHMARKS.md: node --single-threaded bench/emit.mjs --count 250 --rounds 2': { not: BENCH },
  'BENCHMARKS.md: node pipec.js': { not: BENCH },
  // docs/ci.md
  'docs/ci.md: pipec validate --format github': { runs: OFFLINE },
  'docs/ci.md: pipec plan --format markdown': { runs: LIVE },
  'docs/ci.md: INPUT_PLAN=true INPUT_STRICT=true PIPEC="npx pipec" node node_modules/pipec/action/run.mjs': { runs: LIVE },
  'docs/ci.md: npx pipec validate': { runs: OFFLINE },
  // docs/diagnostics.md: transcripts (their output is compared too) and the commands fixes name
  'docs/diagnostics.md: $ pipec validate pipelines/api.yml -> PC0001': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate huge.yml -> PC0002': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate pipeline.yml -> PC0003': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate build.zip -> PC0004': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate pipelines -> PC0006': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate -> PC0007': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec init --template promotion -> PC0010': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate pipeline.yml -> PC3004': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec validate pipeline.yml -> PC3029': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec compile --target buildspec --templates my-templates -> PC4006': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec import notes.json -> PC7001': { runs: OFFLINE },
  'docs/diagnostics.md: $ pipec import orders.json -> PC7002': { runs: OFFLINE },
  'docs/diagnostics.md: pipec validate pipelines/*.yml': { runs: OFFLINE },
  'docs/diagnostics.md: pipec init pipelines/api.yml': { runs: OFFLINE },
  'docs/diagnostics.md: pipec init -': { runs: OFFLINE },
  'docs/diagnostics.md: aws codepipeline disable-stage-transition': { runs: LIVE },
  'docs/diagnostics.md: aws iam attach-role-policy': { runs: LIVE },
  // docs/editors.md
  'docs/editors.md: pipec schema > pipeline.schema.json': { runs: OFFLINE },
  // docs/failures.md
  'docs/failures.md: pipec start --watch': { not: 'prose naming the option (with the pipeline left out); README’s `pipec start shop --watch` runs in ' + LIVE },
  'docs/failures.md: pipec retry': { not: 'pipec’s output shown (a fix: line); the retry command status and watch print runs in test/ops/printed-commands.test.ts' },
  // docs/import.md
  'docs/import.md: pipec import --live web api -o pipelines/': { runs: LIVE },
  'docs/import.md: pipec import --live --all -o pipeline.yml': { runs: LIVE },
  'docs/import.md: pipec import pipeline.json': { runs: OFFLINE },
  'docs/import.md: pipec import stack.yml --region eu-west-1': { runs: OFFLINE },
  // docs/init.md
  'docs/init.md: pipec init': { runs: OFFLINE },
  'docs/init.md: pipec init --template promotion --source github:acme/api@main': { runs: OFFLINE },
  'docs/init.md: pipec init pipelines/site.yml -t static-site -s s3:acme-drops/site.zip -n site': { runs: OFFLINE },
  'docs/init.md: pipec init - -t blue-green-lambda': { runs: OFFLINE },
  'docs/init.md: pipec init -': { runs: OFFLINE },
  // docs/plan-and-apply.md, docs/plan-format.md
  'docs/plan-and-apply.md: pipec plan --stack': { not: PROSE_MODE },
  'docs/plan-and-apply.md: pipec apply --stack': { not: PROSE_MODE },
  'docs/plan-and-apply.md: pipec compile -t cloudformation -o out': { runs: OFFLINE },
  'docs/plan-and-apply.md: pipec plan --out plan.json': { runs: LIVE },
  'docs/plan-and-apply.md: pipec apply plan.json': { runs: LIVE },
  'docs/plan-format.md: pipec plan --out plan.json': { runs: LIVE },
  'docs/plan-format.md: pipec apply plan.json': { runs: LIVE },
  // docs/providers.md, docs/testing.md, docs/operating.md
  'docs/providers.md: npm run docs': { not: DEV },
  'docs/testing.md: npm test': { not: DEV },
  'docs/testing.md: npx vitest run test/foo.test.ts': { not: DEV + '; foo is a placeholder for the file one works on' },
  'docs/testing.md: npm run snapshots:update': { not: DEV },
  'docs/testing.md: npm run build': { not: DEV },
  'docs/testing.md: npm pack': { not: DEV },
  'docs/testing.md: npm run docs': { not: DEV },
  'docs/testing.md: npm run golden:update': { not: DEV },
  'docs/testing.md: npm run bench': { not: DEV },
  'docs/operating.md: npm run snapshots:update': { not: DEV },
  // the header pipec init writes: run from each template's output
  'templates/init/_header.yml.hbs: pipec validate': { runs: OFFLINE },
  'templates/init/_header.yml.hbs: pipec graph': { runs: OFFLINE },
  'templates/init/_header.yml.hbs: pipec expand': { runs: OFFLINE },
  'templates/init/_header.yml.hbs: pipec plan / apply': { not: 'two commands in one line, to run once the placeholders (account 123456789012, names) are replaced and, in pipeline mode, the role, bucket and projects exist; plan and apply run in ' + LIVE },
  'templates/init/_header.yml.hbs: pipec plan --stack / apply --stack': { not: 'two commands in one line, to run once the placeholders are replaced; README’s stack-mode commands run in ' + LIVE },
};

/** A command named in prose with nothing after it: `pipec plan`, `aws cloudformation deploy`, `npx pipec`. */
const PROSE = /^(?:(?:npx )?pipec(?: [a-z]+)?|aws [a-z0-9-]+ [a-z0-9-]+)$/;
/** A usage line: placeholders the reader fills in (NAME, [ID], <command>, a|b, {{template}}, ...). */
const USAGE = /\b[A-Z][A-Z0-9_]*\b(?!=)|[[<|]|\{\{|\.\.\./;

/** Why a command needs no entry, or undefined. */
function needsNoEntry(c: DocCommand): string | undefined {
  if (c.kind === 'sh' || c.kind === 'transcript') return undefined;
  if (PROSE.test(c.command)) return 'prose';
  if (USAGE.test(c.command)) return 'usage';
  return undefined;
}

const commands = docCommands();

describe('the commands the documentation shows', () => {
  it('are each listed with the test that runs them, or why they are not a command to paste', () => {
    const missing = [...new Set(commands.filter((c) => !needsNoEntry(c) && !(keyOf(c) in INVENTORY)).map((c) => `${keyOf(c)}   (line ${c.line}, ${c.kind})`))];
    expect(missing).toEqual([]);
  });

  it('list nothing the documentation no longer shows', () => {
    const keys = new Set(commands.map(keyOf));
    expect(Object.keys(INVENTORY).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('name tests that exist and run that very command', () => {
    for (const [key, entry] of Object.entries(INVENTORY)) {
      if (!('runs' in entry)) continue;
      // the runner looks the command up by this key, so the text it runs is the document's
      expect(readFileSync(join(ROOT, entry.runs), 'utf8'), `${key} in ${entry.runs}`).toContain(`'${key.replace(/'/g, "\\'")}'`);
    }
  });

  it('name pipec commands that exist, each option one its --help lists', async () => {
    const helps = new Map<string, string>();
    const global = (await runCli(['--help'])).stdout;
    const bad: string[] = [];
    let checked = 0;
    for (const c of commands) {
      const words = c.command.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*/, '').replace(/^npx /, '').split(/\s+/);
      const at = words.indexOf('pipec');
      if (at !== 0) continue;
      const rest = words.slice(1);
      const name = rest.find((w) => !w.startsWith('-'));
      if (name === undefined || name === '<command>') continue;
      if (!(name in COMMANDS)) {
        bad.push(`${keyOf(c)}: no command '${name}'`);
        continue;
      }
      if (!helps.has(name)) helps.set(name, (await runCli([name, '--help'])).stdout);
      for (const w of rest) {
        const opt = /^\[*(--?[a-zA-Z][\w-]*)/.exec(w)?.[1];
        if (opt === undefined || opt === '-') continue;
        checked++;
        const listed = new RegExp(`(^|[\\s,])${opt.replace(/-/g, '\\-')}(?=[\\s,=]|$)`, 'm');
        if (!listed.test(helps.get(name) as string) && !listed.test(global)) bad.push(`${keyOf(c)}: '${name}' has no option ${opt}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked, 'options checked').toBeGreaterThan(40);
  });
});

describe('finding the commands of a document', () => {
  it('reads shell lines (a prompt, a comment and a continued line too), transcripts with their output, code spans and pipec output, and no YAML', () => {
    const md = [
      'Run `pipec validate --strict` or `pipec plan`; `make all` is not ours.',
      '```sh',
      '$ pipec compile -o out   # a comment',
      'AWS_PROFILE=prod pipec apply \\',
      '  --auto-approve',
      'echo done',
      '```',
      '```text',
      '$ pipec validate x.yml',
      'x.yml:1:1: error[PC0005]: file is empty',
      "  help: run aws codepipeline get-pipeline --name web, or 'pipec init'",
      '```',
      '```yaml',
      'build: { commands: [aws s3 cp a b, pipec validate] }',
      '```',
    ].join('\n');
    const found = commandsOf('x.md', md).map((c) => `${c.line} ${c.kind} ${keyOf(c)}`);
    expect(found).toEqual([
      '1 inline x.md: pipec validate --strict',
      '1 inline x.md: pipec plan',
      '3 sh x.md: pipec compile -o out',
      '4 sh x.md: AWS_PROFILE=prod pipec apply --auto-approve',
      '9 transcript x.md: $ pipec validate x.yml -> PC0005',
      '11 output x.md: aws codepipeline get-pipeline',
      '11 output x.md: pipec init',
    ]);
  });
});
