// Test helper: loaded with `node --import`, makes any import of the AWS SDK fail loudly, so a
// test can tell which commands load it.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aws-sdk/')) throw new Error('AWS SDK loaded: ' + specifier);
  return next(specifier, context);
}`)}`,
  import.meta.url,
);
