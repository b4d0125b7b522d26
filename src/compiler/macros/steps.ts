import { PROVIDERS } from '../catalog/index.js';
import type { ActionKind, ExAction } from '../model.js';
import type { Span } from '../source.js';
import { copyKeySpan, setSpan, valueSpan } from '../positions.js';
import { splitMacroValue } from './common.js';
import { deployRefs, refuseDeployRefs, toVariables, type OnceReporter } from './interpolate.js';
import { isObj, mapStrings, put, rebuild, type Obj } from './values.js';

/** How the steps of one environment are named and what they may read. */
export interface StepContext {
  macro: string;
  /** The action name of a step (steps of a wave's environments carry the environment's name). */
  actionName: (step: string) => string;
  /** The namespace of the deploy whose variables `${deploy.Name}` reads; unset where none can be read. */
  deployNamespace?: string;
  /** Why `${deploy.Name}` cannot be read here, for the diagnostic. */
  refuse: string;
  report: OnceReporter;
  fallback: Span;
}

const INVOKE_KINDS = PROVIDERS.Invoke.map((p) => p.kind);
const TEST_KINDS = PROVIDERS.Test.map((p) => p.kind);
const COMMAND_FIELDS = ['install', 'pre-build', 'commands', 'post-build'];

/**
 * `before:` / `after:` / `validate:` steps as actions that run together: commands or a mapping
 * without a provider become an inline CodeBuild test, `{ lambda: ... }` (or another invoke) a Lambda invoke.
 */
export function stepActions(steps: Obj, ctx: StepContext): ExAction[] {
  return Object.entries(steps).map(([name, value]) => {
    const at = valueSpan(steps, name) ?? ctx.fallback;
    const { spec: written, common } = splitMacroValue(typeof value === 'string' || Array.isArray(value) ? setSpan({ commands: value }, at) : value);
    const kind: ActionKind = isObj(written) && INVOKE_KINDS.some((k) => k in written) ? 'invoke' : 'test';
    let spec: unknown = written;
    if (ctx.deployNamespace === undefined) refuseDeployRefs(spec, ctx.refuse, ctx.report, at);
    else if (kind === 'test' && isObj(spec) && !TEST_KINDS.some((k) => k in (spec as Obj))) spec = hoistIntoEnv(spec, ctx.deployNamespace, ctx.report, at);
    else spec = toVariables(spec, ctx.deployNamespace, ctx.report, at);
    const inputs = common.inputs;
    const outputs = common.outputs;
    const source = rebuild(undefined, [], at);
    for (const k of Object.keys(common)) copyKeySpan(source, common, k);
    return {
      name: ctx.actionName(name),
      kind,
      spec,
      ...(inputs !== undefined ? { inputs: (Array.isArray(inputs) ? inputs : [inputs]).map(String) } : {}),
      ...(outputs !== undefined ? { outputs: (Array.isArray(outputs) ? outputs : [outputs]).map(String) } : {}),
      ...(typeof common.namespace === 'string' ? { namespace: common.namespace } : {}),
      ...(typeof common.role === 'string' ? { role: common.role } : {}),
      ...(typeof common.region === 'string' ? { region: common.region } : {}),
      runOrder: 1,
      source,
      span: at,
      macro: ctx.macro,
    };
  });
}

/**
 * CodePipeline fills `#{...}` in action configuration only, never inside a buildspec, so an inline
 * build's commands read a deploy variable through an environment variable: `${deploy.ApiUrl}` in a
 * command becomes `$DEPLOY_ApiUrl`, and the build gets `DEPLOY_ApiUrl: '#{<namespace>.ApiUrl}'`.
 */
function hoistIntoEnv(spec: Obj, namespace: string, report: OnceReporter, fallback: Span): Obj {
  const added = new Map<string, string>();
  const out = rebuild(spec, []);
  for (const [k, v] of Object.entries(spec)) {
    if (COMMAND_FIELDS.includes(k)) {
      put(
        out,
        k,
        mapStrings(
          v,
          (text, at) => {
            let t = text;
            for (const r of deployRefs(text, report, at ?? fallback)) {
              const env = `DEPLOY_${r.variable.replace(/[^A-Za-z0-9_]/g, '_')}`;
              added.set(env, `#{${namespace}.${r.variable}}`);
              t = t.split(r.whole).join(`$${env}`);
            }
            return t;
          },
          valueSpan(spec, k) ?? fallback,
        ),
      );
    } else put(out, k, toVariables(v, namespace, report, valueSpan(spec, k) ?? fallback));
  }
  if (added.size > 0) {
    const env = isObj(out.env) ? rebuild(out.env, Object.entries(out.env)) : rebuild(undefined, [], fallback);
    for (const [name, value] of added) if (!(name in env)) put(env, name, value);
    put(out, 'env', env);
  }
  return out;
}
