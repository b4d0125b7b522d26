import { createInterface } from 'node:readline';
import type { CliContext } from './context.js';

/**
 * Writes `prompt` and reads one line; only `yes` goes ahead. With `interrupted`, a Ctrl-C while
 * waiting is a no.
 */
export async function confirmYes(ctx: CliContext, prompt: string, interrupted?: () => boolean): Promise<boolean> {
  ctx.stdout.write(prompt);
  const rl = createInterface({ input: ctx.stdin ?? process.stdin, terminal: false });
  const answer = await new Promise<string>((done) => {
    rl.once('line', done);
    rl.once('close', () => done(''));
    if (!interrupted) return;
    const poll = setInterval(() => {
      if (interrupted()) done('');
    }, 100);
    rl.once('close', () => clearInterval(poll));
    rl.once('line', () => clearInterval(poll));
  });
  rl.close();
  return answer.trim() === 'yes' && !interrupted?.();
}
