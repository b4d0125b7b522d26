import type { Diagnostics } from '../../compiler/diagnostics.js';
import type { Span } from '../../compiler/source.js';
import type { Json } from './template.js';

/** IAM's quota on the inline policies of one role together, whitespace not counted ("IAM and AWS STS quotas": role policy size). */
export const ROLE_POLICY_LIMIT = 10_240;

/** Inline policy a pipeline's stack attaches to a role of the user's (`role:`), as counted for {@link ROLE_POLICY_LIMIT}. */
export interface RolePolicyUse {
  role: string;
  pipeline: string;
  /** Estimated characters of its policy documents, whitespace not counted. */
  chars: number;
  /** Where `role:` is written for this pipeline. */
  span?: Span;
}

// Typical lengths of what CloudFormation fills in: an account ID, a region, the ARN of a resource the stack makes.
const FILLED: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': '123456789012', 'AWS::Region': 'ap-southeast-2', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'pipeline-name-pipeline' };
const MADE_ARN = 'arn:aws:service:ap-southeast-2:123456789012:resource/pipeline-name-resource-0123456789AB';

/** A value JSON leaves out of an object (and writes as null in a list). */
function unwritten(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** The length of a string's JSON text: its length and two quotes when nothing in it is escaped (the usual case), else JSON's own. */
function jsonStringLength(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return (JSON.stringify(text) as string).length;
  }
  return text.length + 2;
}

/**
 * The length of a value's JSON (no whitespace) once its intrinsic functions are replaced by text of
 * the length CloudFormation resolves them to, counted without building that JSON.
 */
function filledLength(v: Json): number {
  if (Array.isArray(v)) {
    let n = v.length > 0 ? v.length + 1 : 2;
    for (const x of v) n += unwritten(x) ? 4 : filledLength(x);
    return n;
  }
  if (typeof v === 'string') return jsonStringLength(v);
  if (typeof v !== 'object' || v === null) return (JSON.stringify(v) as string).length;
  const o = v as Record<string, Json>;
  const text = o['Fn::Sub'];
  if (typeof text === 'string') return jsonStringLength(text.includes('${') ? text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => FILLED[name] ?? MADE_ARN).replace(/\$\{!/g, '${') : text);
  if ('Fn::GetAtt' in o || 'Ref' in o || 'Fn::ImportValue' in o) return MADE_ARN.length + 2;
  let n = 1;
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (!unwritten(x)) n += jsonStringLength(k) + 2 + filledLength(x);
  }
  return n === 1 ? 2 : n;
}

/** The characters IAM counts for a policy document: its JSON without whitespace outside strings, intrinsics filled in. */
export function policyChars(doc: Json): number {
  return filledLength(doc);
}

/** Whether two places are the same text (a shared `role:` at the top of a file is one place for all its pipelines). */
function samePlace(a: Span, b: Span | undefined): boolean {
  return b !== undefined && a.file === b.file && a.start === b.start && a.end === b.end;
}

/** One note per other place that names the role (a shared `role:` at the top of a file is one place for all its pipelines), at most 10. */
function placeNotes(uses: readonly RolePolicyUse[], first: Span | undefined): Array<{ message: string; span: Span }> {
  const places: Array<{ span: Span; pipelines: string[] }> = [];
  for (const u of uses) {
    if (!u.span || (first && samePlace(u.span, first))) continue;
    const at = places.find((p) => samePlace(p.span, u.span));
    if (at) at.pipelines.push(u.pipeline);
    else places.push({ span: u.span, pipelines: [u.pipeline] });
  }
  return places.slice(0, 10).map(({ span, pipelines }) => ({
    message: pipelines.length === 1 ? `'${pipelines[0]}' runs as it too` : `${pipelines.map((n) => `'${n}'`).join(', ')} run as it too`,
    span,
  }));
}

/**
 * PC4009: the pipelines compiled together whose stacks attach inline policies to the same role of the
 * user's need more than IAM allows one role; the stack that crosses the limit would fail. Reported
 * once per role, at the first pipeline's `role:`, with the others as notes. Only the cloudformation
 * target reports uses (codepipeline.json attaches nothing), and none for `role-policy: none`.
 */
export function checkRoleBudget(uses: readonly RolePolicyUse[], diags: Diagnostics): void {
  const byRole = new Map<string, RolePolicyUse[]>();
  for (const u of uses) byRole.set(u.role, [...(byRole.get(u.role) ?? []), u]);
  for (const [role, list] of byRole) {
    const total = list.reduce((n, u) => n + u.chars, 0);
    if (total <= ROLE_POLICY_LIMIT) continue;
    const [first, ...rest] = list as [RolePolicyUse, ...RolePolicyUse[]];
    const shown = list.slice(0, 5).map((u) => `${u.pipeline} ${u.chars.toLocaleString('en-US')}`);
    const who = list.length === 1 ? `pipeline '${first.pipeline}' runs as role ${role} and needs` : `the ${list.length} pipelines that run as role ${role} need`;
    diags.add('PC4009', `${who} about ${total.toLocaleString('en-US')} characters of inline policy on it (${shown.join(', ')}${list.length > 5 ? ', ...' : ''}); IAM allows ${ROLE_POLICY_LIMIT.toLocaleString('en-US')} per role, so ${list.length === 1 ? 'its stack cannot attach it' : 'their stacks cannot all attach theirs'}`, first.span, {
      notes: placeNotes(rest, first.span),
      suggestion:
        list.length === 1
          ? "give actions that do much roles of their own ('role:' on the action), which carry their grants instead, or split the pipeline; or say 'role-policy: none' and grant the role what the pipeline needs yourself (its stack's header lists the actions)"
          : "give each pipeline a role of its own ('role:' on the pipeline, or leave 'role:' out so that each stack makes one); or keep the shared role, say 'role-policy: none' beside it and grant it what the pipelines need yourself (each stack's header lists the actions)",
    });
  }
}
