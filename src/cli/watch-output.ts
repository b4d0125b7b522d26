import type { ExecutionView } from '../ops/execution.js';
import { renderExplanations } from '../ops/render/common.js';
import { renderWatchChanges, renderWatchFrame } from '../ops/render/execution-text.js';
import { toJsonText } from '../ops/render/json.js';
import { explanationsJson } from '../ops/render/common.js';
import { followExecution, type FollowOptions } from '../ops/watch.js';
import { useColor, type CliContext } from './context.js';
import { EXIT, UsageError } from './exit-codes.js';
import type { OpsSession } from './ops-options.js';

/** Flags of the commands that can follow an execution. */
export const WATCH_FLAGS = {
  interval: { type: 'string', short: 'i' },
  timeout: { type: 'string' },
} as const;

export const WATCH_HELP = `  -i, --interval S    seconds between looks at the execution (default 5)
      --timeout T     stop following after T (e.g. 30m, 2h; default: until it ends); exit 1
`;

/** How often and how long to follow, from --interval and --timeout. */
export function followTiming(flags: Record<string, unknown>): { intervalMs: number; timeoutMs?: number } {
  const interval = flags.interval === undefined ? 5 : Number(flags.interval);
  if (!Number.isFinite(interval) || interval < 1 || interval > 3600) throw new UsageError(`option '--interval' takes seconds from 1 to 3600, not '${String(flags.interval)}'`);
  const out: { intervalMs: number; timeoutMs?: number } = { intervalMs: interval * 1000 };
  if (flags.timeout !== undefined) {
    const m = /^(\d+)(s|m|h)?$/.exec(String(flags.timeout));
    if (!m || Number(m[1]) === 0) throw new UsageError(`option '--timeout' takes a duration such as 90s, 30m or 2h, not '${String(flags.timeout)}'`);
    out.timeoutMs = Number(m[1]) * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000);
  }
  return out;
}

/**
 * Shows a followed execution: on a terminal a live view redrawn in place (elapsed times, a
 * spinner on running actions, redrawn between looks), elsewhere one appended line per change;
 * with --format json nothing until the end. `finish` prints the outcome and returns the exit code.
 */
export function watchOutput(ctx: CliContext, session: OpsSession, flags: Record<string, unknown>) {
  const json = flags.format === 'json';
  const quiet = flags.quiet === true;
  const live = !json && !quiet && ctx.stdout.isTTY === true && ctx.env.TERM !== 'dumb';
  const color = useColor(ctx, ctx.stdout, flags.color as boolean | undefined);
  let last: ExecutionView | undefined;
  let drawn = 0;
  let tick = 0;
  const draw = () => {
    if (!last) return;
    const lines = renderWatchFrame(last, { color, now: session.now(), tick: tick++ });
    ctx.stdout.write(`${drawn > 0 ? `\u001b[${drawn}F` : ''}${lines.map((l) => `\u001b[2K${l}\n`).join('')}`);
    drawn = lines.length;
  };
  const options: Pick<FollowOptions, 'show' | 'sleep'> = {
    show(view) {
      if (live) {
        last = view;
        draw();
        return;
      }
      if (!json && !quiet) for (const line of renderWatchChanges(last, view, session.now())) ctx.stdout.write(`${line}\n`);
      last = view;
    },
    async sleep(ms) {
      if (!live) return session.sleep(ms);
      // Redraw between looks so the spinner turns and elapsed times count up.
      for (let left = ms; left > 0; left -= 250) {
        await session.sleep(Math.min(250, left));
        draw();
      }
    },
  };
  return {
    ...options,
    finish(view: ExecutionView, timedOut: boolean): number {
      const ok = view.status === 'Succeeded' && !timedOut;
      if (json) {
        ctx.stdout.write(toJsonText({ ...view, explanations: explanationsJson(view.explanations), timedOut }));
        if (!ok) ctx.stderr.write(`pipec: execution ${view.id} of ${view.pipeline} ${timedOut ? `is still ${view.status} after --timeout ${String(flags.timeout)}` : view.status === 'Failed' ? 'failed' : `ended ${view.status}`}\n`);
        return ok ? EXIT.OK : EXIT.PROBLEMS;
      }
      if (view.explanations.length > 0) ctx.stdout.write(`\n${renderExplanations(view.explanations)}`);
      if (timedOut) ctx.stderr.write(`pipec: execution ${view.id} of ${view.pipeline} is still ${view.status}; stopped watching after --timeout ${String(flags.timeout)} (the execution goes on)\n`);
      else if (!ok) ctx.stderr.write(`pipec: execution ${view.id} of ${view.pipeline} ${view.status === 'Failed' ? 'failed' : `ended ${view.status}`}\n`);
      return ok ? EXIT.OK : EXIT.PROBLEMS;
    },
  };
}

/** Follows execution `id` of `name` until it ends; prints as watchOutput says; returns the exit code. */
export async function follow(ctx: CliContext, session: OpsSession, flags: Record<string, unknown>, name: string, id: string): Promise<number> {
  const client = await session.clientFor(name);
  const out = watchOutput(ctx, session, flags);
  const config = session.config.get(name);
  const { view, timedOut } = await followExecution(client, name, id, { ...followTiming(flags), now: session.now, show: out.show, sleep: out.sleep, ...(config ? { config } : {}) });
  return out.finish(view, timedOut);
}
