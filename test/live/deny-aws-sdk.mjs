// Test helper: loaded with `node --import`, makes an import of the AWS SDK fail loudly, so a
// test can tell which commands load it: every @aws-sdk/ package, or only those PIPEC_DENY_SDK
// names (comma-separated, e.g. client-cloudformation,client-iam).
import { register } from 'node:module';

const only = (process.env.PIPEC_DENY_SDK ?? '').split(',').filter(Boolean).map((p) => `@aws-sdk/${p}`);
register(
  `data:text/javascript,${encodeURIComponent(`
const only = ${JSON.stringify(only)};
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aws-sdk/') && (only.length === 0 || only.some((p) => specifier === p || specifier.startsWith(p + '/')))) throw new Error('AWS SDK loaded: ' + specifier);
  return next(specifier, context);
}`)}`,
  import.meta.url,
);
