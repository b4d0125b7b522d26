// Regenerates what is generated from the compiler's own tables (run `npm run docs` after changing
// the catalog or a schema): docs/providers.md from the provider catalog, and
// schema/pipeline.schema.json (the JSON Schema that `pipec schema` prints and the package ships).
import { writeFileSync } from 'node:fs';
import { providersMarkdown } from '../dist/compiler/catalog/docs.js';
import { schemaText } from '../dist/cli/schema-text.js';

writeFileSync(new URL('../docs/providers.md', import.meta.url), providersMarkdown());
console.log('wrote docs/providers.md');
writeFileSync(new URL('../schema/pipeline.schema.json', import.meta.url), schemaText());
console.log('wrote schema/pipeline.schema.json');
