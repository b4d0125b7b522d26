import type { ReadSpec } from '../actions.js';
import type { IrEnvVar } from '../ir.js';
import type { Env } from '../schema/common.js';
import type { Span } from '../source.js';
import { valueSpan } from '../positions.js';

/** The `env` mapping as written: checked values are copies without positions, so each variable's place is read from here. */
export function writtenEnv(spec: ReadSpec): unknown {
  return spec.fieldsSource.env;
}

/** Environment variables as the IR keeps them: plain text, or read from Parameter Store or Secrets Manager. */
export function envVars(env: Env, span: Span, written?: unknown): IrEnvVar[] {
  return Object.entries(env).map(([name, v]) => {
    const at = (written !== undefined ? valueSpan(written, name) : undefined) ?? valueSpan(env, name) ?? span;
    if (typeof v === 'string') return { name, value: v, type: 'PLAINTEXT' as const, span: at };
    if ('secret' in v) return { name, value: v.secret, type: 'SECRETS_MANAGER' as const, span: at };
    if ('parameter' in v) return { name, value: v.parameter, type: 'PARAMETER_STORE' as const, span: at };
    return { name, value: v.plaintext, type: 'PLAINTEXT' as const, plaintext: true, span: at };
  });
}

/** The environment variables as CodeBuild's EnvironmentVariables configuration JSON. */
export function envJson(env: IrEnvVar[]): string {
  return JSON.stringify(env.map((e) => ({ name: e.name, type: e.type, value: e.value })));
}
