import type { ReadSpec } from '../actions.js';
import type { IrEnvVar } from '../ir.js';
import type { Env } from '../schema/common.js';
import type { Place } from '../positions.js';

/** Where the `env` mapping of a spec was written (its checked values are copies: each variable's place is read from here). */
export function writtenEnv(spec: ReadSpec): Place {
  return spec.fieldsAt.child('env');
}

/** Environment variables as the IR keeps them: plain text, or read from Parameter Store or Secrets Manager. */
export function envVars(env: Env, at: Place): IrEnvVar[] {
  return Object.entries(env).map(([name, v]) => {
    const where = at.child(name);
    if (typeof v === 'string') return { name, value: v, type: 'PLAINTEXT' as const, span: where };
    if ('secret' in v) return { name, value: v.secret, type: 'SECRETS_MANAGER' as const, span: where };
    if ('parameter' in v) return { name, value: v.parameter, type: 'PARAMETER_STORE' as const, span: where };
    return { name, value: v.plaintext, type: 'PLAINTEXT' as const, plaintext: true, span: where };
  });
}

/** The environment variables as CodeBuild's EnvironmentVariables configuration JSON. */
export function envJson(env: IrEnvVar[]): string {
  return JSON.stringify(env.map((e) => ({ name: e.name, type: e.type, value: e.value })));
}
