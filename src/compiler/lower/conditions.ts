import { ruleByKind, RULES } from '../catalog/index.js';
import { check } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { IrCondition, IrRule } from '../ir.js';
import { RAW_RULE, RULE_COMMANDS, providerSchema, ruleSchema, type RuleCommonRead } from '../schema/actions.js';
import type { Condition } from '../schema/pipeline.js';
import { madeAt, type Place } from '../positions.js';
import { choices, didYouMean } from '../suggest.js';
import { isMapping } from '../yaml-data.js';
import { writtenJson } from '../written-json.js';

const CONDITION_RESULTS = { rollback: 'ROLLBACK', fail: 'FAIL', retry: 'RETRY', skip: 'SKIP' } as const;

/** A stage condition (`before-entry`, `on-success`, `on-failure`): its result and its rules, each checked. */
export function lowerCondition(c: Condition, span: Place, diags: Diagnostics): IrCondition {
  const rules: IrRule[] = [];
  c.rules.forEach((r, i) => {
    const rule = lowerRule(r, span.child('rules').child(i), diags, i);
    if (rule) rules.push(rule);
  });
  const out: Partial<IrCondition> = {};
  if (c.result) out.result = CONDITION_RESULTS[c.result];
  out.rules = rules;
  out.span = span;
  if (rules.length < c.rules.length) out.incomplete = true;
  return out as IrCondition;
}

/** A rule's IR, its optional keys set one by one in the order the IR has always listed them. */
function irRule(span: Place, inputs: IrRule['inputs'], common: RuleCommonRead, name: string, provider: string, version: string, configuration: Record<string, string>, commands: string[] | undefined): IrRule {
  const rule: Partial<IrRule> = { span, inputs };
  if (common.role) rule.roleArn = common.role;
  if (common.region) rule.region = common.region;
  if (common.timeout !== undefined) rule.timeoutInMinutes = common.timeout;
  rule.name = name;
  rule.provider = provider;
  rule.version = version;
  rule.configuration = configuration;
  if (commands) rule.commands = commands;
  return rule as IrRule;
}

const RULE_KINDS = [...RULES.map((r) => r.kind), 'rule'];
function lowerRule(value: unknown, span: Place, diags: Diagnostics, index: number): IrRule | undefined {
  if (!isMapping(value)) {
    diags.add('PC2002', `a rule must be a mapping with one of ${choices(RULE_KINDS)}`, span);
    return undefined;
  }
  const obj = value;
  const kinds = RULE_KINDS.filter((k) => k in obj);
  if (kinds.length !== 1) {
    const guess = Object.keys(obj).map((k) => didYouMean(k, RULE_KINDS)).find(Boolean);
    diags.add('PC2007', `a rule needs exactly one of ${choices(RULE_KINDS)}`, span.node(), guess ? { suggestion: `did you mean '${guess}'?` } : {});
    return undefined;
  }
  const kind = kinds[0] ?? '';
  const common = check(diags, ruleSchema(kind), obj, 'rule', span);
  if (!common) return undefined;
  const inputs = common.inputs === undefined ? [] : (Array.isArray(common.inputs) ? common.inputs : [common.inputs]).map((name) => ({ name, span: span.child('inputs') }));
  if (kind === 'rule') {
    const raw = check(diags, RAW_RULE(), obj.rule, 'rule', span.child('rule'));
    if (!raw) return undefined;
    return irRule(span, inputs, common, common.name ?? `${raw.provider}${index > 0 ? index + 1 : ''}`, raw.provider, raw.version ?? '1', { ...(raw.configuration ?? {}) }, raw.commands ? raw.commands : undefined);
  }
  const rp = ruleByKind(kind);
  if (!rp) return undefined;
  const name = common.name ?? `${rp.provider}${index > 0 ? index + 1 : ''}`;
  if (rp.commands) {
    const cmds = check(diags, RULE_COMMANDS(), obj.commands, 'commands', span.child('commands'));
    if (cmds === undefined) return undefined;
    return irRule(span, inputs, common, name, rp.provider, rp.version, {}, Array.isArray(cmds) ? cmds : [cmds]);
  }
  const settings = obj[kind];
  let flat: object;
  if (typeof settings === 'object' && settings !== null) flat = settings;
  else if (rp.primary) flat = { [rp.primary]: settings };
  else {
    diags.add('PC2002', `'${kind}' takes a mapping of settings`, span.child(kind));
    return undefined;
  }
  const fields = check(diags, providerSchema(rp), flat, kind, typeof settings === 'object' && settings !== null ? span.child(kind) : madeAt(span.child(kind))) as Record<string, unknown> | undefined;
  if (!fields) return undefined;
  const configuration: Record<string, string> = {};
  for (const f of rp.fields) {
    const v = fields[f.name];
    if (v === undefined) continue;
    if (f.type === 'list') configuration[f.key] = (Array.isArray(v) ? v : [v]).map((x) => f.values?.[String(x)] ?? String(x)).join(',');
    else if (f.type === 'json') {
      const written: unknown = Reflect.get(flat, f.name);
      configuration[f.key] = typeof v === 'string' ? v : writtenJson(written ?? v, written !== undefined && flat === settings ? span.child(kind).child(f.name) : undefined);
    }
    else configuration[f.key] = String(v);
  }
  return irRule(span, inputs, common, name, rp.provider, rp.version, configuration, undefined);
}

