import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/main.js';
import { ROOT } from './support/cli.js';

/**
 * Every `aws <service> <operation>` and `pipec <command>` pipec's messages and suggestions name
 * (src/, outside comments and --help texts), with the test that runs it verbatim, or why it is
 * not a command to paste (a pointer to a command, a placeholder only the user can fill in, a
 * command the pipeline itself runs). A new one fails here until it is listed, so that each
 * command pipec tells a user to run is run by some test.
 */

type Entry = { runs: string } | { not: string };

const PRINTED = 'test/live/printed-commands.test.ts';
const OPS = 'test/ops/printed-commands.test.ts';
const PLAN = 'test/live/printed-plan-commands.test.ts';
const BY_PIPELINE = 'run by the pipeline (a Commands action or CodeBuild), not pasted by a user; the blue/green tests check them';

const INVENTORY: Record<string, Entry> = {
  // stacks: headers, plan --stack and apply --stack
  'src/targets/cloudformation/index.ts: aws cloudformation deploy': { runs: PRINTED },
  'src/targets/cloudformation/headers.ts: aws cloudformation describe-stacks': { runs: PRINTED },
  'src/targets/cloudformation/index.ts: aws cloudformation update-stack': { not: "a pointer, for a tag whose key holds '=' (which the deploy command cannot pass): the stack's other settings are the user's" },
  'src/live/stack/commands.ts: aws cloudformation deploy': { runs: PRINTED },
  'src/live/stack/commands.ts: pipec compile': { runs: PRINTED },
  'src/targets/cloudformation/template-size.ts: aws cloudformation deploy': { runs: 'test/live/template-bucket.test.ts' },
  'src/live/stack/template-upload.ts: aws s3 mb': { runs: 'test/live/template-bucket.test.ts' },
  // (compileCommand and deployCommand, of commands.ts, are what plan and apply print for a manual account stack;
  // with --template-bucket they run verbatim in test/live/template-bucket-stacks.test.ts)
  'src/live/stack/plan.ts: aws cloudformation delete-stack': { runs: PRINTED },
  'src/live/stack/plan.ts: aws cloudformation continue-update-rollback': { runs: PRINTED },
  'src/live/stack/plan.ts: aws cloudformation describe-stack-events': { runs: PRINTED },
  'src/live/stack/apply.ts: aws cloudformation describe-stack-events': { runs: PRINTED },
  'src/cli/stack-mode.ts: pipec apply': { runs: PLAN },
  'src/cli/stack-apply.ts: pipec plan': { runs: PLAN },
  'src/cli/stack-apply.ts: pipec apply': { runs: PLAN },
  'src/live/stack/render.ts: pipec plan': { not: 'the heading of the markdown plan' },
  'src/live/stack/sdk-client.ts: pipec plan': { not: "the change set's description" },
  'src/cli/commands/apply.ts: aws cloudformation delete-stack': { not: 'a pointer (--prune with --stack): which stacks to delete is the user’s choice' },
  'src/cli/commands/plan.ts: aws cloudformation delete-stack': { not: 'a pointer (--prune with --stack): which stacks to delete is the user’s choice' },
  // codepipeline.json
  'src/targets/codepipeline.ts: aws codepipeline disable-stage-transition': { runs: PRINTED },
  'src/targets/codepipeline.ts: pipec apply': { not: "PC4008's suggestion names stack mode ('pipec apply --stack', run in test/live/stack-mode.test.ts), not a whole command line" },
  'src/live/source-rules.ts: aws iam create-role': { runs: 'test/live/preflight.test.ts' },
  'src/live/source-rules.ts: aws iam put-role-policy': { runs: 'test/live/preflight.test.ts' },
  'src/live/source-rules.ts: aws events put-rule': { runs: 'test/live/preflight.test.ts' },
  'src/live/source-rules.ts: aws events put-targets': { runs: 'test/live/preflight.test.ts' },
  'src/targets/cloudformation/pipeline-role.ts: aws iam attach-role-policy': { runs: 'test/live/stack-mode.test.ts' },
  'src/targets/codepipeline.ts: aws codepipeline create-pipeline': { not: "the file's description; the full command (create-pipeline --cli-input-json file://...) runs in " + PRINTED },
  'src/targets/codepipeline.ts: aws codestar-notifications create-notification-rule': { not: 'a pointer to the API (moto has no CodeStar Notifications to run it against); the cloudformation target creates the rule' },
  'src/compiler/macros/blue-green-cloudformation.ts: aws cloudformation describe-stacks': { not: BY_PIPELINE },
  'src/compiler/macros/blue-green-codedeploy.ts: aws sts assume-role': { not: BY_PIPELINE },
  'src/compiler/macros/blue-green-codedeploy.ts: aws lambda get-alias': { not: BY_PIPELINE },
  'src/compiler/macros/blue-green-codedeploy.ts: aws lambda update-function-code': { not: BY_PIPELINE },
  'src/compiler/macros/blue-green-codedeploy.ts: aws lambda wait': { not: BY_PIPELINE },
  'src/compiler/macros/blue-green-codedeploy.ts: aws lambda publish-version': { not: BY_PIPELINE },
  // plan and apply (pipeline mode)
  'src/cli/commands/apply.ts: pipec plan': { runs: PLAN },
  'src/cli/commands/apply.ts: pipec apply': { runs: PLAN },
  'src/cli/commands/plan.ts: pipec apply': { runs: PLAN },
  'src/live/preflight.ts: pipec plan': { runs: PLAN },
  'src/live/preflight.ts: pipec apply': { runs: PLAN },
  'src/live/readback.ts: pipec plan': { not: 'a pointer after an outcome pipec could not read back (plan is run by every plan test)' },
  'src/live/render/outcomes.ts: pipec plan': { not: 'a pointer after a partial apply (plan is run by every plan test)' },
  'src/live/render/markdown.ts: pipec plan': { not: 'the heading of the markdown plan' },
  'src/live/plan-file.ts: pipec plan': { not: "prose: 'it is not a pipec plan'" },
  'src/cli/live-lock.ts: pipec unlock': { runs: PLAN },
  'src/cli/transition-notes.ts: pipec apply': { not: "prose: 'pipec apply' does not change transitions" },
  // operating commands
  'src/cli/commands/start.ts: pipec watch': { runs: OPS },
  'src/cli/commands/watch.ts: pipec start': { runs: OPS },
  'src/ops/render/status-text.ts: pipec approve': { runs: OPS },
  'src/ops/render/execution-text.ts: pipec approve': { runs: OPS },
  'src/ops/explain/action-failure.ts: pipec retry': { runs: OPS },
  'src/ops/explain/action-failure.ts: pipec start': { not: 'the same start as watch’s (run in ' + OPS + '), after a rejected approval' },
  'src/ops/explain/action-failure.ts: pipec approve': { not: 'a pointer (answer approvals sooner): the approve command status prints runs in ' + OPS },
  'src/ops/explain/action-failure.ts: pipec runs': { not: "a pointer: 'pipec runs' shows the execution's actions" },
  'src/ops/explain/source-detection.ts: pipec start': { not: 'the same start as watch’s, run in ' + OPS },
  'src/ops/explain/source-detection.ts: pipec apply': { not: "prose: 'pipec apply does not create it'" },
  'src/ops/refusals.ts: pipec status': { runs: OPS },
  'src/ops/refusals.ts: pipec runs': { not: 'a pointer after an unknown execution id' },
  'src/ops/transition-drift.ts: pipec transition': { runs: OPS },
  'src/cli/commands/stop.ts: pipec watch': { not: 'the same watch as start’s, run in ' + OPS },
  'src/cli/commands/stop.ts: pipec stop': { not: 'EXECUTION-ID is a placeholder: several executions run, and only the user knows which to stop (the list comes from pipec runs, named beside it)' },
  'src/cli/commands/retry.ts: pipec retry': { not: 'usage: STAGE is the placeholder the user fills in' },
  'src/cli/commands/rollback.ts: pipec rollback': { not: 'usage: STAGE is the placeholder the user fills in' },
  'src/cli/commands/transition.ts: pipec transition': { not: 'usage: STAGE and TEXT are placeholders the user fills in' },
  'src/cli/commands/transition.ts: pipec status': { not: "a pointer: 'pipec status' and 'pipec plan' show the difference" },
  'src/cli/commands/transition.ts: pipec plan': { not: "a pointer: 'pipec status' and 'pipec plan' show the difference" },
  'src/cli/commands/approve.ts: pipec approve': { not: 'usage text of approve' },
  'src/cli/commands/status.ts: pipec status': { not: 'usage text of status' },
  // compile, validate, init, import
  'src/cli/commands/init.ts: pipec validate': { runs: PLAN },
  'src/cli/commands/init.ts: pipec init': { runs: PLAN },
  'src/compiler/codes.ts: pipec init': { not: "a code's summary" },
  'src/cli/ops-options.ts: pipec validate': { runs: PLAN },
  'src/cli/compile-workspace.ts: pipec validate': { not: 'an example (path/to/pipeline.yml): where the files are is the user’s' },
  'src/cli/pipeline-input.ts: pipec validate': { not: 'an example (path/to/pipeline.yml): where the files are is the user’s' },
  'src/import/cloudformation.ts: pipec import': { not: "a placeholder pipec cannot fill in: the stack's region is what it lacks" },
  'src/import/read.ts: pipec import': { not: "a placeholder pipec cannot fill in: the pipeline's region is what it lacks" },
};

/** Every (file, command) the sources name outside comments and --help texts. */
function scan(): string[] {
  const names = Object.keys(COMMANDS).join('|');
  const command = new RegExp(`\\b(aws [a-z0-9-]+ [a-z0-9-]+|pipec (?:${names}))\\b`, 'g');
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !/shipped-templates|completion-scripts/.test(p)) files.push(p);
    }
  };
  walk(join(ROOT, 'src'));
  const out = new Set<string>();
  for (const f of files.sort()) {
    let help = false;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (/HELP = `/.test(line)) help = true;
      if (help) {
        if (/`;\s*$/.test(line) && !/HELP = `/.test(line)) help = false;
        continue;
      }
      const t = line.trim();
      if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) continue;
      for (const m of line.matchAll(command)) out.add(`${relative(ROOT, f)}: ${m[1]}`);
      // stackCommand('x', t) prints `aws cloudformation x --region R --stack-name S`
      for (const m of line.matchAll(/stackCommand\('([a-z-]+)'/g)) out.add(`${relative(ROOT, f)}: aws cloudformation ${m[1]}`);
    }
  }
  return [...out].sort();
}

describe('the commands pipec prints', () => {
  const found = scan();

  it('are each listed with the test that runs them, or why they are not a command to paste', () => {
    expect(found.filter((k) => !(k in INVENTORY))).toEqual([]);
  });

  it('list nothing the sources no longer print', () => {
    expect(Object.keys(INVENTORY).filter((k) => !found.includes(k))).toEqual([]);
  });

  it('name tests that exist and run that command', () => {
    for (const [key, entry] of Object.entries(INVENTORY)) {
      if (!('runs' in entry)) continue;
      const text = readFileSync(join(ROOT, entry.runs), 'utf8');
      const words = key.slice(key.indexOf(': ') + 2).split(' ');
      // the test names the command it runs (its operation, or the pipec command)
      expect(text, `${key} in ${entry.runs}`).toContain(words[0] === 'aws' ? words[2] : `pipec ${words[1]}`);
    }
  });
});
