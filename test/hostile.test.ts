import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin } from './support/cli.js';

/**
 * Hostile input files, written at test time (none is committed: some are tens of megabytes).
 * Each runs through the real binary (`pipec compile`) and must end with exit 1, one clear error
 * line that names the file and a stable code, no stack trace, no output directory, and within
 * the process timeout. How fast is for the benchmarks; here it only has to finish.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TIMEOUT_MS = 60_000;

/** A 'billion laughs' document: ten levels of ten aliases each expand to 10^10 values. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  lines.push('name: *a9');
  return `${lines.join('\n')}\n`;
}

/** Block mappings nested `levels` deep, `step` spaces of indentation per level. */
function blockNesting(levels: number, step: number): string {
  const parts = ['name: web\nx:\n'];
  for (let i = 1; i <= levels; i++) parts.push(`${' '.repeat(i * step)}a:\n`);
  return parts.join('');
}

interface Case {
  name: string;
  /** Writes the input; returns the path to pass to pipec, relative to the case's directory. */
  make(dir: string): string;
  code: string;
  /** Whether the error line carries a line:col. */
  positioned: boolean;
}

const write = (dir: string, file: string, content: string | Buffer): string => {
  writeFileSync(join(dir, file), content);
  return file;
};

const CASES: Case[] = [
  { name: 'a YAML alias bomb (billion laughs)', make: (d) => write(d, 'pipeline.yml', aliasBomb()), code: 'PC1002', positioned: true },
  { name: 'a 20 MB file', make: (d) => write(d, 'pipeline.yml', `name: web\n${`# ${'x'.repeat(97)}\n`.repeat(210_000)}`), code: 'PC0002', positioned: false },
  { name: '10,000 levels of flow lists', make: (d) => write(d, 'pipeline.yml', `name: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`), code: 'PC1003', positioned: true },
  { name: '10,000 levels of flow mappings', make: (d) => write(d, 'pipeline.yml', `name: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`), code: 'PC1003', positioned: true },
  { name: '10,000 levels of `- - - -`', make: (d) => write(d, 'pipeline.yml', `${'- '.repeat(10_000)}x\n`), code: 'PC1003', positioned: true },
  { name: '10,000 levels of `? ? ? ?` explicit keys', make: (d) => write(d, 'pipeline.yml', `${'? '.repeat(10_000)}x\n`), code: 'PC1003', positioned: true },
  // Indenting 10,000 levels takes 50 MB of spaces even at one space a level: over the size limit, rejected unread.
  { name: '10,000 levels of block indentation', make: (d) => write(d, 'pipeline.yml', blockNesting(10_000, 1)), code: 'PC0002', positioned: false },
  { name: '2,000 levels of block indentation (under the size limit)', make: (d) => write(d, 'pipeline.yml', blockNesting(2_000, 1)), code: 'PC1003', positioned: true },
  { name: '2,000 levels of indented `-` lists', make: (d) => write(d, 'pipeline.yml', Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i * 2)}-\n`).join('')), code: 'PC1003', positioned: true },
  { name: 'binary data', make: (d) => write(d, 'pipeline.yml', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), code: 'PC0004', positioned: true },
  { name: 'invalid UTF-8', make: (d) => write(d, 'pipeline.yml', Buffer.concat([Buffer.from('name: web\nsource: codecommit:caf'), Buffer.from([0xe9]), Buffer.from('@main\n')])), code: 'PC0003', positioned: true },
  { name: 'an empty file', make: (d) => write(d, 'pipeline.yml', ''), code: 'PC0005', positioned: true },
  { name: 'a file of comments only', make: (d) => write(d, 'pipeline.yml', '# nothing yet\n\n   # still nothing\n'), code: 'PC0005', positioned: true },
  { name: 'many thousand keys and aliases (linear, not quadratic)', make: (d) => write(d, 'pipeline.yml', `a: &a [1]\n${Array.from({ length: 20_000 }, (_, i) => `k${i}: *a\n`).join('')}`), code: 'PC2003', positioned: true },
  {
    name: 'a directory named as the file',
    make: (d) => {
      mkdirSync(join(d, 'pipeline.yml'));
      return 'pipeline.yml';
    },
    code: 'PC0006',
    positioned: false,
  },
  { name: 'a missing file', make: () => 'missing.yml', code: 'PC0001', positioned: false },
];

describe('hostile input files, through the real binary', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: exit 1, ${c.code}, no stack trace, nothing written`, () => {
      const dir = join(scratch, `case-${i}`);
      mkdirSync(dir);
      const file = c.make(dir);
      const r = runBin(['compile', file, '--out', 'out', '--no-color'], { cwd: dir, timeoutMs: TIMEOUT_MS });
      const all = r.stdout + r.stderr;
      expect(r.code, `did not finish or failed oddly:\n${all.slice(0, 2000)}`).toBe(1);
      const escaped = file.replace(/\./g, '\\.');
      const line = new RegExp(`^${escaped}${c.positioned ? ':\\d+:\\d+' : ''}: error\\[${c.code}\\]: \\S`, 'm');
      expect(r.stderr.slice(0, 4000)).toMatch(line);
      expect(all, 'a stack trace').not.toMatch(/^\s+at /m);
      expect(all).not.toMatch(/internal error/i);
      expect(existsSync(join(dir, 'out')), 'an output directory was written').toBe(false);
    });
  });
});
