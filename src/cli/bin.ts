// The `pipec` binary's entry. The package's bin (dist/bundle/pipec.js, written by
// scripts/bundle/) loads this module's chunk through the bundle's loader and calls `runBin`; the
// loader is also how the build makes its V8 code cache, running `main` on the examples in-process.
import { createRequire } from 'node:module';
import type { CliContext } from './context.js';
import { main } from './main.js';

export { main };

/**
 * Whether `fd` is a terminal. node:tty is loaded on the first question: it loads net and the stream
 * modules, a few ms of a cold start that a command which asks none (`pipec compile --quiet`) need not pay.
 */
function isatty(fd: number): boolean {
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
}

/**
 * Runs pipec with this process's arguments and streams, and ends the process with its exit code once
 * what it printed is written. Ended, not left to run out: a process that ends by itself first tears
 * down V8's heap page by page (a compile of 1,000 pipelines spent 60-90 ms of its main thread
 * unmapping a heap nobody reads again, after its work was done); process.exit skips that, and runs
 * the 'exit' listeners all the same. Whatever the command left running is not waited for: it
 * returned its exit code.
 */
export async function runBin(): Promise<void> {
  const stdout = standardStream(1);
  const stderr = standardStream(2);
  const code = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout,
    stderr,
    // isatty, not process.stdin.isTTY: making process.stdin opens a stream on it (a pipe's is a socket).
    get stdinIsTTY() {
      return isatty(0);
    },
  });
  process.exitCode = code;
  // Where writes to a pipe or terminal are asynchronous (pipes on macOS, terminals on Windows), they finish first.
  await Promise.all([stdout.flushed(), stderr.flushed()]);
  process.exit(code);
}

/**
 * process.stdout or process.stderr, made on the first write. Node makes them on first use, and for a
 * pipe or a file that loads its stream and socket modules: 10-20 ms of CPU, about a tenth of a cold
 * start, which a command that prints nothing (`pipec compile --quiet`) need not pay.
 */
function standardStream(fd: 1 | 2): CliContext['stdout'] & { flushed(): Promise<void> } {
  let stream: NodeJS.WriteStream | undefined;
  const open = (): NodeJS.WriteStream => {
    if (stream) return stream;
    stream = fd === 1 ? process.stdout : process.stderr;
    // A reader that stops early ('pipec schema | head') closes the pipe: stop quietly, as other tools do.
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
    return stream;
  };
  return {
    write: (s: string) => open().write(s),
    get isTTY() {
      return stream ? stream.isTTY === true : isatty(fd);
    },
    // Resolves once every write so far is done (at once when nothing was written or nothing waits).
    flushed: () => new Promise<void>((resolve) => (stream && stream.writableLength > 0 ? stream.write('', () => resolve()) : resolve())),
  };
}
