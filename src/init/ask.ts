import { createInterface } from 'node:readline';

/** Asks questions on a terminal, one line each; the answer is '' when the user just presses Enter. */
export interface Asker {
  /** Writes `prompt`, reads one line; undefined when input ended (Ctrl-D) before an answer. */
  ask(prompt: string): Promise<string | undefined>;
  close(): void;
}

/**
 * An asker reading lines from `input` and writing prompts to `output` (pipec init writes them to
 * stderr, so `pipec init -` keeps standard output for the file). Lines that arrive before they are
 * asked for wait in a queue, so piped answers work as typed ones do.
 */
export function lineAsker(input: NodeJS.ReadableStream, output: { write(s: string): unknown }): Asker {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  return {
    ask(prompt) {
      output.write(prompt);
      if (lines.length > 0) return Promise.resolve(lines.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((done) => waiting.push(done));
    },
    close() {
      rl.close();
    },
  };
}

/**
 * Asks until the answer is accepted: `read` turns it into a value or says what is wrong. Enter takes
 * `fallback`; ended input (or three answers that were not accepted) is undefined.
 */
export async function askUntil<T>(
  asker: Asker,
  prompt: string,
  fallback: string,
  read: (answer: string) => { value: T } | { problem: string },
  say: (s: string) => void,
): Promise<T | undefined> {
  for (let tries = 0; tries < 3; tries++) {
    const answer = await asker.ask(`${prompt} [${fallback}]: `);
    if (answer === undefined) return undefined;
    const r = read(answer.trim() === '' ? fallback : answer.trim());
    if ('value' in r) return r.value;
    say(`  ${r.problem}\n`);
  }
  return undefined;
}
