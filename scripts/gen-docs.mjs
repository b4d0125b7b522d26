// Regenerates docs/providers.md from the provider catalog (run `npm run docs` after changing the catalog).
import { writeFileSync } from 'node:fs';
import { providersMarkdown } from '../dist/compiler/catalog/docs.js';

writeFileSync(new URL('../docs/providers.md', import.meta.url), providersMarkdown());
console.log('wrote docs/providers.md');
