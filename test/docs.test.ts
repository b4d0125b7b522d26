import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providersMarkdown } from '../src/compiler/catalog/docs.js';
import { VERSION } from '../src/version.js';
import { ROOT } from './support/cli.js';
import { expectGolden } from './support/golden.js';

describe('documentation stays true', () => {
  it('docs/providers.md matches the catalog (`npm run docs` or `npm run snapshots:update` refreshes it)', () => {
    expectGolden(join(ROOT, 'docs', 'providers.md'), providersMarkdown());
  });
  it('the CLI version is package.json version', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
