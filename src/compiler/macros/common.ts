import { PROVIDERS } from '../catalog/index.js';
import { MACRO_COMMON } from '../schema/common.js';
import type { Artifacts, Store } from '../schema/pipeline.js';
import type { ExAction, ExStage, ActionKind } from '../model.js';
import { Built, type Place } from '../positions.js';
import { isObj } from './values.js';
import type { Span } from '../source.js';

/**
 * Provider kinds with a setting of their own called like an action key (stackset's `name`). Beside
 * such a kind written as a mapping without it (`stackset: { template: ... }, name: my-set`) the key
 * is that setting, as it always was; otherwise (`stackset: my-set, name: Ship`) it names the action.
 */
const OWN_KEYS = new Map<string, Set<string>>();
for (const p of Object.values(PROVIDERS).flat())
  for (const f of p.fields) if ((MACRO_COMMON as readonly string[]).includes(f.name)) OWN_KEYS.set(p.kind, (OWN_KEYS.get(p.kind) ?? new Set()).add(f.name));

/**
 * Separates the action keys a macro value may carry (name, role, region, ...) from the provider settings;
 * `at` is where the value was written, and the places of both parts point into it.
 */
export function splitMacroValue(value: unknown, at: Place): { spec: unknown; common: Record<string, unknown>; specAt: Place; commonAt: Place } {
  if (!isObj(value)) return { spec: value, common: {}, specAt: at, commonAt: new Built(at) };
  const spec: Record<string, unknown> = {};
  const common: Record<string, unknown> = {};
  const specKeys = new Map<string, Place>();
  const commonKeys = new Map<string, Place>();
  const settings = new Set(
    Object.keys(value).flatMap((k) => {
      const inner = value[k];
      return isObj(inner) ? [...(OWN_KEYS.get(k) ?? [])].filter((f) => !(f in inner)) : [];
    }),
  );
  for (const [k, v] of Object.entries(value)) {
    if ((MACRO_COMMON as readonly string[]).includes(k) && !settings.has(k)) {
      common[k] = v;
      commonKeys.set(k, at.child(k));
    } else {
      spec[k] = v;
      specKeys.set(k, at.child(k));
    }
  }
  return { spec, common, specAt: new Built(at.node(), specKeys), commonAt: new Built(commonKeys.size > 0 ? at.node() : at, commonKeys) };
}

/** The place of `{ commands: value }` made from commands written alone at `at`: its commands are the text there. */
export function commandsAt(at: Place): Place {
  return new Built(at, new Map([['commands', at]]));
}

/** Builds one explicit action from a macro value. */
export function macroAction(macro: string, name: string, kind: ActionKind, value: unknown, span: Place): ExAction {
  const { spec, common, specAt, commonAt } = splitMacroValue(value, span);
  const inputs = common.inputs;
  const outputs = common.outputs;
  return {
    name: typeof common.name === 'string' ? common.name : name,
    kind,
    spec,
    ...(inputs !== undefined ? { inputs: Array.isArray(inputs) ? inputs.map(String) : [String(inputs)] } : {}),
    ...(outputs !== undefined ? { outputs: Array.isArray(outputs) ? outputs.map(String) : [String(outputs)] } : {}),
    ...(typeof common.role === 'string' ? { role: common.role } : {}),
    ...(typeof common.region === 'string' ? { region: common.region } : {}),
    ...(typeof common.namespace === 'string' ? { namespace: common.namespace } : {}),
    runOrder: 1,
    source: common,
    sourceAt: commonAt,
    specAt,
    span,
    macro,
  };
}

/** Builds a stage that a macro wrote. */
export function macroStage(macro: string, name: string, actions: ExAction[], span: Span): ExStage {
  return { name, actions, source: {}, sourceAt: new Built(span), span, macro };
}

/** The pipeline's `artifacts` with the stores macros added for other regions (stores the user named win). */
export function withStores(artifacts: Artifacts | undefined, stores: Readonly<Record<string, Store>>): Artifacts | undefined {
  if (Object.keys(stores).length === 0) return artifacts;
  const base = typeof artifacts === 'string' ? { bucket: artifacts } : (artifacts ?? {});
  const named = base.stores ?? {};
  return { ...base, stores: { ...named, ...Object.fromEntries(Object.entries(stores).filter(([r]) => !(r in named))) } };
}
