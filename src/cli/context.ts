/** What a command may touch: injected so CLI tests can run commands in-process. */
export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdinIsTTY: boolean;
  /** Where `apply` reads its confirmation; process.stdin when absent. */
  stdin?: NodeJS.ReadableStream;
  /** The current time in ms (Date.now when absent); tests pass a virtual clock. */
  now?: () => number;
  /** Waits between polls (setTimeout when absent); tests advance a virtual clock instead. */
  sleep?: (ms: number) => Promise<void>;
  /** Subscribes to Ctrl-C (SIGINT) while apply runs; returns the unsubscribe. Absent: the process's own signal. */
  onInterrupt?: (handler: () => void) => () => void;
}

/** Calls `handler` on each Ctrl-C until the returned function is called. */
export function subscribeInterrupt(ctx: CliContext, handler: () => void): () => void {
  if (ctx.onInterrupt) return ctx.onInterrupt(handler);
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

/** Colour only on a terminal, never with NO_COLOR or TERM=dumb; --color/--no-color decide when given. */
export function useColor(ctx: CliContext, stream: { isTTY?: boolean }, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '') return false;
  if (ctx.env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
