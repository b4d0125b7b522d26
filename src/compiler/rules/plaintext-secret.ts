import type { Diagnostics } from '../diagnostics.js';
import type { IrAction, IrEnvVar } from '../ir.js';
import type { Rule } from './types.js';

const SECRET_NAME = /(secret|token|password|passwd|pwd|api_?key|private_?key|access_?key|credential)/i;
const HARMLESS = /^(true|false|yes|no|none|null|\d{1,6}|#\{.*\}|\$\{.*\}|[a-z]+)$/i;
/** Values that are credentials by their form, whatever the variable is called (AWS keys, GitHub, Slack, Stripe, npm, private keys). */
const SECRET_VALUE = /^(AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,}|npm_[A-Za-z0-9]{16,}|glpat-[A-Za-z0-9_-]{16,})$|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Whether a plain environment value looks like a credential, by its variable's name or by its own form. */
export function looksSecret(name: string, value: string): boolean {
  return (SECRET_NAME.test(name) && !HARMLESS.test(value)) || SECRET_VALUE.test(value);
}

/**
 * A value that looks like a secret in plain env is an error: it would be written into the pipeline,
 * the stack and the buildspec, and shown in build logs. `{ plaintext: ... }` states that it is not a
 * secret; `{ secret: ... }` and `{ parameter: ... }` keep it out of every output.
 */
export const plaintextSecret: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const projectEnv = a.project?.env;
      if (projectEnv) look(projectEnv, a.name, false, diags);
      if (a.environmentVariables) look(a.environmentVariables, a.name, false, diags);
      const envKey = a.catalog?.env;
      if (!a.project && a.raw && envKey !== undefined && a.configuration[envKey]) lookRaw(a, envKey, diags);
    }
};

function look(vars: readonly IrEnvVar[], action: string, raw: boolean, diags: Diagnostics): void {
  for (const v of vars)
    if (v.type === 'PLAINTEXT' && !v.plaintext && looksSecret(v.name, v.value))
      diags.add('PC3027', `'${v.name}' of action '${action}' looks like a secret written in plain text; pipec writes no output that holds it`, v.span, {
        redact: true,
        suggestion: raw
          ? `keep it in Secrets Manager or Parameter Store ("type": "SECRETS_MANAGER" or "PARAMETER_STORE"), or use the typed form, where '{ plaintext: ... }' states that a value is not a secret`
          : `use '${v.name}: { secret: secret-id:json-key }' (Secrets Manager) or '{ parameter: /path }' (Parameter Store); if it is not a secret, say so: '${v.name}: { plaintext: ... }'`,
      });
}

/** A raw action's environment variables, which are JSON text in its configuration. */
function lookRaw(a: IrAction, envKey: string, diags: Diagnostics): void {
  try {
    const list = JSON.parse(a.configuration[envKey] as string) as Array<{ name: string; value: string; type?: string }>;
    look(list.map((e) => ({ name: String(e.name), value: String(e.value), type: (e.type ?? 'PLAINTEXT') as IrEnvVar['type'], span: a.configSpans[envKey] ?? a.span })), a.name, true, diags);
  } catch {
    // A raw EnvironmentVariables value that is not JSON is reported by the configuration-types rule.
  }
}
