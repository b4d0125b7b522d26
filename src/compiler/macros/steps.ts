import { PROVIDERS } from '../catalog/index.js';
import type { ActionKind, ExAction } from '../model.js';
import { Built, madeAt, type Place } from '../positions.js';
import { commandsAt, splitMacroValue } from './common.js';
import { deployRefs, refuseDeployRefs, toVariables, type OnceReporter } from './interpolate.js';
import { isObj, mapStrings, put, rebuild, type Obj, type Placed } from './values.js';

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
}

const INVOKE_KINDS = PROVIDERS.Invoke.map((p) => p.kind);
const TEST_KINDS = PROVIDERS.Test.map((p) => p.kind);
const COMMAND_FIELDS = ['install', 'pre-build', 'commands', 'post-build'];

/**
 * `before:` / `after:` / `validate:` steps as actions that run together: commands or a mapping
 * without a provider become an inline CodeBuild test, `{ lambda: ... }` (or another invoke) a Lambda invoke.
 */
export function stepActions({ value: steps, at: stepsAt }: Placed<Obj>, ctx: StepContext): ExAction[] {
  return Object.entries(steps).map(([name, value]) => {
    const at = stepsAt.child(name);
    const commandsOnly = typeof value === 'string' || Array.isArray(value);
    const split = splitMacroValue(commandsOnly ? { commands: value } : value, commandsOnly ? commandsAt(at) : at);
    const { spec: written, common, commonAt } = split;
    const kind: ActionKind = isObj(written) && INVOKE_KINDS.some((k) => k in written) ? 'invoke' : 'test';
    let spec: unknown = written;
    let specAt = split.specAt;
    if (ctx.deployNamespace === undefined) refuseDeployRefs(spec, ctx.refuse, ctx.report, specAt);
    else if (kind === 'test' && isObj(written) && !TEST_KINDS.some((k) => k in written)) ({ value: spec, at: specAt } = hoistIntoEnv({ value: written, at: specAt }, ctx.deployNamespace, ctx.report, at));
    else spec = toVariables(spec, ctx.deployNamespace, ctx.report, specAt);
    const inputs = common.inputs;
    const outputs = common.outputs;
    const source: Obj = {};
    const sourceAt = new Built(at, new Map(Object.keys(common).map((k) => [k, commonAt.child(k)])));
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
      sourceAt,
      specAt,
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
function hoistIntoEnv({ value: spec, at: specAt }: Placed<Obj>, namespace: string, report: OnceReporter, fallback: Place): Placed<Obj> {
  const added = new Map<string, string>();
  const out: Obj = {};
  for (const [k, v] of Object.entries(spec)) {
    if (COMMAND_FIELDS.includes(k)) {
      put(
        out,
        k,
        mapStrings(
          v,
          (text, at) => {
            let t = text;
            for (const r of deployRefs(text, report, at)) {
              const env = `DEPLOY_${r.variable.replace(/[^A-Za-z0-9_]/g, '_')}`;
              added.set(env, `#{${namespace}.${r.variable}}`);
              t = t.split(r.whole).join(`$${env}`);
            }
            return t;
          },
          specAt.child(k),
        ),
      );
    } else put(out, k, toVariables(v, namespace, report, specAt.child(k)));
  }
  if (added.size === 0) return { value: out, at: specAt };
  const written = isObj(out.env);
  const env = isObj(out.env) ? rebuild(Object.entries(out.env)) : {};
  for (const [name, value] of added) if (!(name in env)) put(env, name, value);
  put(out, 'env', env);
  // Variables added to an `env` written here are placed in it; a new `env` at the step.
  return { value: out, at: written ? specAt : new Built(specAt.node(), new Map([['env', madeAt(fallback)]]), specAt) };
}
