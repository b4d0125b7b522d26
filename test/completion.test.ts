import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/** `pipec completion bash|zsh|fish`: scripts made from the commands' own help, checked by the shells that are installed. */

const has = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

describe('pipec completion', () => {
  for (const shell of ['bash', 'zsh', 'fish'])
    it(`${shell}: a script naming every command and the choices of --format${has(shell) ? `, which ${shell} parses` : ''}`, async () => {
      const r = await runCli(['completion', shell]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const cmd of ['compile', 'validate', 'expand', 'graph', 'schema', 'plan', 'apply', 'completion']) expect(r.stdout).toContain(cmd);
      expect(r.stdout).toContain('sarif');
      expect(r.stdout).toContain('mermaid');
      expect(r.stdout).toContain('blue-green-lambda');
      if (has(shell)) {
        const check = spawnSync(shell, ['-n'], { input: r.stdout, encoding: 'utf8' });
        expect(check.stderr).toBe('');
        expect(check.status).toBe(0);
      }
    });

  it('bash completes commands, options and their choices', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const complete = (words: string[]): string[] => {
      const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _pipec; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(complete(['pipec', 'va'])).toEqual(['validate']);
    expect(complete(['pipec', 'validate', '--form'])).toEqual(['--format']);
    expect(complete(['pipec', 'validate', '--format', 's'])).toEqual(['sarif']);
    expect(complete(['pipec', '--no-color', 'graph', '--format', ''])).toEqual(['dot', 'mermaid', 'text']);
    expect(complete(['pipec', 'compile', '--st'])).toEqual(['--stdin-filename', '--strict']);
    expect(complete(['pipec', 'in'])).toEqual(['init']);
    expect(complete(['pipec', 'init', '--te'])).toEqual(['--template']);
    expect(complete(['pipec', 'init', '--template', 'blue'])).toEqual(['blue-green-ecs', 'blue-green-lambda']);
  });

  it('an unknown or missing shell is bad usage', async () => {
    expect((await runCli(['completion', 'powershell'])).code).toBe(2);
    expect((await runCli(['completion'])).code).toBe(2);
  });
});
