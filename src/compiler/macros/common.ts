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

const COMMON_KEYS: ReadonlySet<string> = new Set(MACRO_COMMON);

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
  // The action keys that are a provider's own setting here (see OWN_KEYS); seldom any.
  let settings: Set<string> | undefined;
  for (const k of Object.keys(value)) {
    const own = OWN_KEYS.get(k);
    const inner = value[k];
    if (own === undefined || !isObj(inner)) continue;
    for (const f of own) if (!(f in inner)) (settings ??= new Set()).add(f);
  }
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (COMMON_KEYS.has(k) && !settings?.has(k)) {
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
  // Optional keys set one by one, in the order the model has always listed them (no object per absent key).
  const action = { name: typeof common.name === 'string' ? common.name : name, kind, spec } as ExAction;
  if (inputs !== undefined) action.inputs = Array.isArray(inputs) ? inputs.map(String) : [String(inputs)];
  if (outputs !== undefined) action.outputs = Array.isArray(outputs) ? outputs.map(String) : [String(outputs)];
  if (typeof common.role === 'string') action.role = common.role;
  if (typeof common.region === 'string') action.region = common.region;
  if (typeof common.namespace === 'string') action.namespace = common.namespace;
  action.runOrder = 1;
  action.source = common;
  action.sourceAt = commonAt;
  action.specAt = specAt;
  action.span = span;
  action.macro = macro;
  return action;
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
