import type { Code } from '../codes.js';
import type { Diagnostics, Note } from '../diagnostics.js';
import type { Place } from '../positions.js';
import type { Span } from '../source.js';
import { didYouMean } from '../suggest.js';
import { mapStrings } from './values.js';

/** What `${env}`, `${env.account}` and `${env.region}` read for one environment. */
export interface EnvFacts {
  name: string;
  account?: string;
  region?: string;
  /** Written, but unreadable for an error reported where it is written (a role ARN that names no account). */
  unreadable?: ReadonlyArray<'account' | 'region'>;
}

/**
 * Reports each problem once: a setting inherited by five environments is written once in
 * pipeline.yml, so a mistake in it is one diagnostic at that place.
 */
export class OnceReporter {
  private readonly seen = new Set<string>();
  constructor(readonly diags: Diagnostics) {}

  /** Adds the diagnostic unless the same code was already reported at the same place about the same thing. */
  add(code: Code, about: string, message: string, at: Span | undefined, extra: { notes?: Note[]; suggestion?: string } = {}): void {
    const key = `${code}\u0000${at?.file.path ?? ''}\u0000${at?.start ?? -1}\u0000${about}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diags.add(code, message, at, extra);
  }
}

const ENV_REF = /\$\{env(?:\.([^}]*))?\}/g;
const ENV_PROPS = ['name', 'account', 'region'] as const;

/** Replaces `${env}` (the name), `${env.name}`, `${env.account}` and `${env.region}` in every string of a value (a copy of the same shape: strings stay strings). */
export function interpolateEnv<T>(value: T, env: EnvFacts, report: OnceReporter, fallback: Place): T {
  return mapStrings<T, Place>(
    value,
    (text, at) => {
      if (!text.includes('${env')) return text;
      return text.replace(ENV_REF, (whole, prop: string | undefined) => {
        const name = prop ?? 'name';
        if (name === 'name') return env.name;
        if (name === 'account' || name === 'region') {
          const v = env[name];
          if (v !== undefined) return v;
          // Not a second error for the one mistake (a bad role ARN) already reported at its place.
          if (env.unreadable?.includes(name)) return whole;
          report.add('PC5004', `${whole}:${env.name}`, `'${whole}' in environment '${env.name}': neither the environment nor the pipeline sets '${name}'`, at, {
            suggestion: `set '${name}:' on environment '${env.name}' or on the pipeline`,
          });
          return whole;
        }
        const guess = didYouMean(name, ENV_PROPS);
        report.add('PC5004', whole, `'${whole}' is not something pipec can fill in; an environment has ${ENV_PROPS.map((p) => `'\${env.${p}}'`).join(', ')} and '\${env}'`, at, {
          ...(guess ? { suggestion: `did you mean '\${env.${guess}}'?` } : {}),
        });
        return whole;
      });
    },
    fallback,
  );
}

const DEPLOY_REF = /\$\{deploy(?:\.([^}]*))?\}/g;
const VARIABLE = /^[A-Za-z0-9@_-]+$/;

/** One `${deploy.Name}` reference: the deploy action's output variable `Name`. */
export interface DeployRef {
  whole: string;
  variable: string;
}

/** The `${deploy.Name}` references in a string; malformed ones are reported and left out. */
export function deployRefs(text: string, report: OnceReporter, at: Span | undefined): DeployRef[] {
  if (!text.includes('${deploy')) return [];
  const out: DeployRef[] = [];
  for (const m of text.matchAll(DEPLOY_REF)) {
    const variable = m[1] ?? '';
    if (!VARIABLE.test(variable)) {
      report.add('PC5004', m[0], `'${m[0]}' should name an output variable of the deploy: '\${deploy.Name}', with letters, digits, @, - and _`, at);
      continue;
    }
    out.push({ whole: m[0], variable });
  }
  return out;
}

/** Whether any string in a value reads `${deploy.Name}`. */
export function readsDeploy(value: unknown): boolean {
  let found = false;
  mapStrings(
    value,
    (text) => {
      if (text.includes('${deploy')) found = true;
      return text;
    },
    undefined,
  );
  return found;
}

/** Rewrites `${deploy.Name}` to the CodePipeline variable `#{namespace.Name}`. */
export function toVariables(value: unknown, namespace: string, report: OnceReporter, fallback: Place): unknown {
  return mapStrings(
    value,
    (text, at) => {
      let out = text;
      for (const r of deployRefs(text, report, at)) out = out.split(r.whole).join(`#{${namespace}.${r.variable}}`);
      return out;
    },
    fallback,
  );
}

/** Reports `${deploy.Name}` where no deploy has run yet (or the deploy has no variables) and leaves the text as written. */
export function refuseDeployRefs(value: unknown, why: string, report: OnceReporter, fallback: Place): void {
  mapStrings(
    value,
    (text, at) => {
      for (const r of deployRefs(text, report, at)) report.add('PC5004', r.whole, `'${r.whole}' ${why}`, at);
      return text;
    },
    fallback,
  );
}
