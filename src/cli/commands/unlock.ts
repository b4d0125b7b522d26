import { describeHolder, parseLockInfo } from '../../live/lock.js';
import { sdkClientProvider } from '../../live/sdk-client.js';
import { parseCommandArgs } from '../args.js';
import { confirmYes } from '../confirm.js';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { lockLocation } from '../live-lock.js';
import { LIVE_FLAGS, awsSettings, compileDesired, printFailures } from '../live-options.js';
import { COMMON_FLAGS, COMMON_HELP } from '../common-flags.js';
import { AwsFailure } from '../../live/errors.js';

export const HELP = `Usage: pipec unlock [FILES...] [options]

Removes the apply lock of this configuration's project, left behind by an apply that was
killed or lost its connection. It shows who holds the lock and since when, and asks for
confirmation ('yes') on a terminal. Remove a lock only when the apply holding it is gone:
two applies at once can leave a mixed fleet.

With no FILES, reads ./pipeline.yml and ./pipelines/*.yml (to find the project and the artifact
bucket the lock lives in).

Options:
      --lock-id ID    remove the lock only if it is this one (as printed by the refused apply)
      --auto-approve  remove it without asking (needed when not on a terminal)
      --pipeline NAME read only these pipelines (repeatable; the lock is the project's either way)
      --region R, --profile P, --endpoint-url URL, --connect-timeout S, --request-timeout S
                      as for 'pipec plan'
${COMMON_HELP}
Exit status: 0 removed (or there was no lock), 1 not removed or an error, 2 bad usage.
`;

const FLAGS = {
  region: LIVE_FLAGS.region,
  profile: LIVE_FLAGS.profile,
  'endpoint-url': LIVE_FLAGS['endpoint-url'],
  'connect-timeout': LIVE_FLAGS['connect-timeout'],
  'request-timeout': LIVE_FLAGS['request-timeout'],
  'lock-id': { type: 'string' },
  'auto-approve': { type: 'bool' },
  pipeline: LIVE_FLAGS.pipeline,
  ...COMMON_FLAGS,
} as const;

/** `pipec unlock`: shows the project's apply lock and removes it after confirmation. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, FLAGS, HELP, ctx.stdout);
  if (!args) return EXIT.OK;
  const { flags, positionals } = args;
  const settings = awsSettings(flags, ctx);
  if (!flags['auto-approve'] && !ctx.stdinIsTTY) throw new UsageError('unlock asks for confirmation, but there is no terminal to ask on: pass --auto-approve (and --lock-id, to remove only the lock you saw)');
  const compiled = compileDesired(ctx, positionals, [], flags);
  const say = (line: string): void => void (flags.quiet === true ? undefined : ctx.stdout.write(line));
  if (!compiled) return EXIT.PROBLEMS;
  const clients = await sdkClientProvider(settings);
  try {
    const at = await lockLocation(compiled.lockHolder, compiled.project, clients);
    const store = await clients.lockStore(at);
    const text = await store.read();
    if (text === undefined) {
      say(`Project '${compiled.project}' is not locked (no ${store.where}).\n`);
      return EXIT.OK;
    }
    const holder = parseLockInfo(text);
    if (!(flags.quiet === true && flags['auto-approve'] === true)) ctx.stdout.write(`Project '${compiled.project}' is locked: ${describeHolder(holder)} (${store.where}).\n`);
    const wanted = flags['lock-id'] as string | undefined;
    if (wanted !== undefined && holder?.id !== wanted) {
      ctx.stderr.write(`pipec: the lock is not '${wanted}' (it is ${holder ? `'${holder.id}'` : 'unreadable'}); left as it is\n`);
      return EXIT.PROBLEMS;
    }
    if (!flags['auto-approve'] && !(await confirmYes(ctx, "Remove it? Only if that apply is no longer running. Only 'yes' is accepted: "))) {
      ctx.stdout.write('Unlock cancelled; the lock stays.\n');
      return EXIT.PROBLEMS;
    }
    // Still the lock that was shown: another apply may have released it and taken a new one meanwhile.
    if ((await store.read()) !== text) {
      ctx.stderr.write('pipec: the lock changed while asking (another apply finished or started); left as it is. Run unlock again to see it\n');
      return EXIT.PROBLEMS;
    }
    await store.remove();
    say(`Removed the lock ${store.where}.\n`);
    return EXIT.OK;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    printFailures(ctx, [e instanceof AwsFailure ? e : new AwsFailure(String((e as Error)?.message ?? e), 'other')]);
    return EXIT.PROBLEMS;
  }
}
