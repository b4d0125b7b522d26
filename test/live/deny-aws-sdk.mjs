// Test helper: loaded with `node --import`, makes a load of the AWS SDK fail loudly, so a test can
// tell which commands load it: every @aws-sdk/ package, or only those PIPEC_DENY_SDK names
// (comma-separated, e.g. client-cloudformation,client-iam). Both ways a package can load are
// watched: import (a resolve hook) and require (the bundle's chunks are CommonJS and require the SDK).
import Module, { register } from 'node:module';

const only = (process.env.PIPEC_DENY_SDK ?? '').split(',').filter(Boolean).map((p) => `@aws-sdk/${p}`);
const denied = (specifier) => specifier.startsWith('@aws-sdk/') && (only.length === 0 || only.some((p) => specifier === p || specifier.startsWith(`${p}/`)));
register(
  `data:text/javascript,${encodeURIComponent(`
const only = ${JSON.stringify(only)};
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aws-sdk/') && (only.length === 0 || only.some((p) => specifier === p || specifier.startsWith(p + '/')))) throw new Error('AWS SDK loaded: ' + specifier);
  return next(specifier, context);
}`)}`,
  import.meta.url,
);
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (denied(request)) throw new Error(`AWS SDK loaded: ${request}`);
  return load.call(this, request, parent, isMain);
};
