import type { IrEnvVar } from '../ir.js';
import type { Rule } from './types.js';

const SECRET_NAME = /(secret|token|password|passwd|pwd|api_?key|private_?key|access_?key|credential)/i;
const HARMLESS = /^(true|false|yes|no|none|null|\d{1,6}|#\{.*\}|\$\{.*\}|[a-z]+)$/i;

/** A value that looks like a secret in plain env is a warning: it would land in the pipeline and logs. */
export const plaintextSecret: Rule = (p, diags) => {
  const look = (vars: readonly IrEnvVar[] | undefined, action: string): void => {
    for (const v of vars ?? [])
      if (v.type === 'PLAINTEXT' && SECRET_NAME.test(v.name) && !HARMLESS.test(v.value))
        diags.add('PC3027', `'${v.name}' of action '${action}' looks like a secret written in plain text; it would be stored in the pipeline and shown in build logs`, v.span, {
          suggestion: `use '${v.name}: { secret: secret-id:json-key }' (Secrets Manager) or '{ parameter: /path }' (Parameter Store)`,
        });
  };
  for (const stage of p.stages)
    for (const a of stage.actions) {
      look(a.project?.env, a.name);
      look(a.environmentVariables, a.name);
      if (!a.project && a.configuration.EnvironmentVariables && a.provider === 'CodeBuild') {
        try {
          const list = JSON.parse(a.configuration.EnvironmentVariables) as Array<{ name: string; value: string; type?: string }>;
          look(list.map((e) => ({ name: e.name, value: e.value, type: (e.type ?? 'PLAINTEXT') as IrEnvVar['type'], span: a.configSpans.EnvironmentVariables ?? a.span })), a.name);
        } catch {
          // A raw EnvironmentVariables value that is not JSON is reported by the configuration rule's provider check.
        }
      }
    }
};
