import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/main.js';
import { runCli } from './support/cli.js';

/**
 * Every command takes the global options, before it or after it (`pipec --quiet --no-color CMD`),
 * and says so in its help; every command that reads pipeline files takes `--pipeline NAME`.
 */

describe('global options, for every command', () => {
  for (const name of Object.keys(COMMANDS))
    it(name, async () => {
      const help = await runCli([name, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--quiet');
      expect(help.stdout).toContain('--no-color');
      for (const args of [
        ['--quiet', '--no-color', name, '--help'],
        ['--color', name, '--help'],
        [name, '--help', '-q', '--no-color'],
      ]) {
        const r = await runCli(args);
        expect(r.stderr, args.join(' ')).toBe('');
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.stdout).toBe(help.stdout);
      }
      // Commands whose input is pipeline files (or pipelines) select them with --pipeline, also before the command.
      if (/pipeline\.yml|FILES|NAME/.test(help.stdout.split('\n')[0] ?? '') && !['init', 'completion', 'schema'].includes(name)) {
        expect(help.stdout, name).toMatch(/--pipeline NAME/);
        expect((await runCli(['--pipeline', 'web', name, '--help'])).code).toBe(0);
      }
    });
});
