import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

describe('the bundled examples as one workspace (the README command)', () => {
  it('compile together with every target: no duplicate pipeline names, no diagnostics', async () => {
    const files = readdirSync(join(ROOT, 'examples')).map((d) => join('examples', d, 'pipeline.yml'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const out = mkdtempSync(join(tmpdir(), 'pipec-examples-'));
    try {
      const r = await runCli(['compile', ...files, '--target', 'all', '--out', out]);
      expect(r.stderr).not.toMatch(/error|warning/);
      expect(r.code).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
