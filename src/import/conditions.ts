/**
 * Stage conditions (before-entry, on-success, on-failure) of a pipeline declaration in
 * pipeline.yml terms: each rule in its typed form where the rule catalog has one, else raw.
 */
import { RULES } from '../compiler/catalog/index.js';
import { isObject, type Json, type JsonObject } from '../live/json.js';

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const names = (v: Json | undefined): string[] => list(v).map((x) => String(x.name));

/** The conditions of a stage event: pipec writes one condition per event. */
function conditionOf(v: Json | undefined, region: string | undefined): Record<string, unknown> | undefined {
  if (!isObject(v)) return undefined;
  const c = list(v.conditions)[0];
  if (!c) return undefined;
  const rules = list(c.rules).map((r, i) => ruleEntry(r, i, region));
  return { ...(c.result !== undefined ? { result: String(c.result).toLowerCase() } : {}), rules };
}

function ruleEntry(r: JsonObject, index: number, region: string | undefined): Record<string, unknown> {
  const t = isObject(r.ruleTypeId) ? r.ruleTypeId : {};
  const provider = String(t.provider ?? '');
  const version = String(t.version ?? '1');
  const config: Record<string, string> = {};
  if (isObject(r.configuration)) for (const [k, v] of Object.entries(r.configuration)) config[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const out: Record<string, unknown> = {};
  const defaultName = `${provider}${index > 0 ? index + 1 : ''}`;
  if (r.name !== defaultName) out.name = String(r.name);
  const known = RULES.find((p) => p.provider === provider && p.version === version);
  let body: [string, unknown] | undefined;
  if (known && known.provider === 'Commands' && Array.isArray(r.commands) && Object.keys(config).length === 0) body = ['commands', r.commands.map(String)];
  else if (known && known.provider !== 'Commands') {
    const fields: Record<string, unknown> = {};
    let ok = true;
    for (const [k, v] of Object.entries(config)) {
      const f = known.fields.find((x) => x.key === k);
      if (!f || v === '') {
        ok = false;
        break;
      }
      if (f.type === 'int' && /^\d+$/.test(v) && String(Number(v)) === v) fields[f.name] = Number(v);
      else if (f.type === 'list' && f.values) {
        const items = v.split(',').map((x) => Object.entries(f.values ?? {}).find(([, api]) => api === x)?.[0]);
        if (items.some((x) => x === undefined)) ok = false;
        fields[f.name] = items;
      } else if (f.type === 'json') {
        try {
          const parsed = JSON.parse(v) as unknown;
          fields[f.name] = typeof parsed === 'object' && parsed !== null && JSON.stringify(sortKeys(parsed)) === v ? parsed : v;
        } catch {
          fields[f.name] = v;
        }
      } else if (f.type === 'int') ok = false;
      else fields[f.name] = v;
    }
    if (ok && r.commands === undefined) {
      const keys = Object.keys(fields);
      body = [known.kind, known.primary && keys.length === 1 && keys[0] === known.primary && typeof fields[known.primary] === 'string' ? fields[known.primary] : fields];
    }
  }
  if (!body) {
    body = [
      'rule',
      {
        provider,
        ...(version !== '1' ? { version } : {}),
        ...(Object.keys(config).length > 0 ? { configuration: config } : {}),
        ...(Array.isArray(r.commands) ? { commands: r.commands.map(String) } : {}),
      },
    ];
  }
  out[body[0]] = body[1];
  const inputs = names(r.inputArtifacts);
  if (inputs.length > 0) out.inputs = inputs;
  if (r.roleArn !== undefined) out.role = String(r.roleArn);
  if (r.region !== undefined && r.region !== region) out.region = String(r.region);
  if (r.timeoutInMinutes !== undefined) out.timeout = Number(r.timeoutInMinutes);
  return out;
}

/** A stage's conditions (and disabled transition) in pipeline.yml terms. */
export function stageSettings(s: JsonObject, region: string | undefined, disabled: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const before = conditionOf(s.beforeEntry, region);
  if (before) out['before-entry'] = before;
  const success = conditionOf(s.onSuccess, region);
  if (success) out['on-success'] = success;
  if (isObject(s.onFailure)) {
    const f = s.onFailure;
    const retry = isObject(f.retryConfiguration) ? f.retryConfiguration.retryMode : undefined;
    const cond = conditionOf(f, region);
    out['on-failure'] = {
      ...(f.result !== undefined ? { result: String(f.result).toLowerCase() } : {}),
      ...(retry !== undefined ? { 'retry-mode': String(retry).toLowerCase().replace('_', '-') } : {}),
      ...(cond ? { condition: cond } : {}),
    };
  }
  if (disabled !== undefined) out['disable-inbound'] = disabled;
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

