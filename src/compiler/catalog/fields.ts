import { API_FIELDS } from '../api-limits.js';
import type { Field } from './types.js';

/** An IAM role ARN setting, held to the API model's role ARN pattern (as the pipeline's and actions' roles are). */
export const roleArn = (name: string, key: string, required = false): Field => ({
  name,
  key,
  type: 'string',
  required,
  pattern: API_FIELDS['pipeline.roleArn']?.pattern ?? 'arn:aws.*:iam::[0-9]{12}:role/.+',
  patternName: 'an IAM role ARN (arn:aws:iam::123456789012:role/name)',
});

/** Field constructors keep the provider tables short and uniform. */
export const str = (name: string, key: string, required = false): Field => ({ name, key, type: 'string', required });
export const bool = (name: string, key: string, required = false): Field => ({ name, key, type: 'bool', required });
export const int = (name: string, key: string, min?: number, max?: number, required = false): Field => ({
  name,
  key,
  type: 'int',
  required,
  ...(min !== undefined ? { min } : {}),
  ...(max !== undefined ? { max } : {}),
});
export const enm = (name: string, key: string, values: Record<string, string>, required = false): Field => ({
  name,
  key,
  type: 'enum',
  values,
  required,
});
export const list = (name: string, key: string, required = false, separator = ','): Field => ({ name, key, type: 'list', required, separator });
export const json = (name: string, key: string, required = false): Field => ({ name, key, type: 'json', required });
export const path = (name: string, key: string, required = false, artifactKey?: string): Field => ({
  name,
  key,
  type: 'artifact-path',
  required,
  ...(artifactKey ? { artifactKey } : {}),
});
export const artifact = (name: string, key: string, required = false): Field => ({ name, key, type: 'artifact', required });
export const secret = (name: string, key: string, required = false): Field => ({ name, key, type: 'secret', required });

/** kebab-case friendly words for an API enum written in UPPER_SNAKE or CamelCase. */
export function words(...api: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of api) {
    const friendly = a
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/_/g, '-')
      .toLowerCase();
    out[friendly] = a;
  }
  return out;
}
