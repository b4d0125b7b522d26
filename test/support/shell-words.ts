import { spawnSync } from 'node:child_process';

/**
 * A printed `pipec ...` command line as bash splits it (quotes, escapes and all): the arguments
 * after `pipec`, to run in-process exactly as a user pasting the line would run the binary.
 */
export function pipecArgv(line: string): string[] {
  if (!line.startsWith('pipec ')) throw new Error(`not a pipec command: ${line}`);
  const r = spawnSync('bash', ['-c', `printf '%s\\0' ${line.slice('pipec '.length)}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bash cannot read ${line}: ${r.stderr}`);
  return r.stdout.split('\0').slice(0, -1);
}

/** The command a pattern's first group catches in printed text; throws with the text when none. */
export function printedCommand(text: string, pattern: RegExp): string {
  const m = pattern.exec(text)?.[1];
  if (m === undefined) throw new Error(`no ${pattern} in:\n${text}`);
  return m;
}
