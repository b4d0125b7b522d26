import { expandIamActions, type InvalidActionBehavior } from '@cloud-copilot/iam-expand';
import { describe, expect, it } from 'vitest';
import type { GrantSpec, ProviderGrants } from '../src/compiler/catalog/grant-types.js';
import { PROVIDERS, RULES } from '../src/compiler/catalog/index.js';
import { RULE_GRANTS, RUNTIME_GRANTS } from '../src/compiler/catalog/runtime-grants.js';
import { SERVICE_ROLE_GRANTS } from '../src/compiler/catalog/service-role-grants.js';
import { knowsGrants } from '../src/targets/cloudformation/permissions.js';

/**
 * Run-time grants are catalog data (src/compiler/catalog/runtime-grants*.ts): every AWS-owned
 * provider and every rule type has an entry naming the AWS documentation page it comes from, and
 * grants (or says why it needs none). A provider added without them fails here, instead of making
 * a role that cannot run the action. Third-party and custom providers need none (a job worker or a
 * token does the work).
 */
const aws = Object.values(PROVIDERS)
  .flat()
  .filter((p) => p.owner === 'AWS' && !p.customProvider);

function problemsOf(name: string, g: ProviderGrants | undefined): string[] {
  if (!g) return [`${name}: no run-time grants in the catalog`];
  const out: string[] = [];
  if (g.docs.length === 0 || !g.docs.every((d) => /^https:\/\/docs\.aws\.amazon\.com\/\S+\.html(#\S*)?$/.test(d))) out.push(`${name}: no AWS documentation page (${g.docs.join(', ')})`);
  if (g.action.length === 0 && !g.none) out.push(`${name}: no grants, and no reason why none are needed`);
  for (const s of g.action) out.push(...statementProblems(name, s));
  return out;
}

function statementProblems(name: string, s: GrantSpec): string[] {
  const out: string[] = [];
  if (!/^[A-Za-z0-9]+$/.test(s.sid)) out.push(`${name}: sid '${s.sid}' is not letters and digits`);
  if (s.resources.includes('*') && !s.comment && !s.condition) out.push(`${name}: ${s.sid} has Resource "*" without a comment saying why`);
  if (s.actions.some((a) => (typeof a === 'string' ? a : a.action) === 'iam:PassRole') && !JSON.stringify(s.condition ?? {}).includes('iam:PassedToService'))
    out.push(`${name}: ${s.sid} passes roles without iam:PassedToService`);
  return out;
}

describe('run-time permissions of the catalog', () => {
  it('cover every AWS-owned provider, each with the AWS documentation page they come from', () => {
    expect(aws.length).toBeGreaterThan(25);
    const problems = aws.flatMap((p) => problemsOf(`${p.category}/${p.provider} (${p.kind})`, RUNTIME_GRANTS[`${p.category}/${p.provider}`]));
    expect(problems).toEqual([]);
    expect(aws.filter((p) => !knowsGrants(p.category, p.provider))).toEqual([]);
  });

  it('cover every rule type', () => {
    expect(RULES.flatMap((r) => problemsOf(`rule ${r.provider}`, RULE_GRANTS[r.provider]))).toEqual([]);
  });

  it('cover the service roles pipec creates (CodeBuild projects, CodeDeploy)', () => {
    for (const [name, role] of Object.entries(SERVICE_ROLE_GRANTS)) {
      expect(role.docs.length, name).toBeGreaterThan(0);
      expect(role.grants.length + Object.keys(role.managedPolicies ?? {}).length, name).toBeGreaterThan(0);
      expect(role.grants.flatMap((s) => statementProblems(name, s))).toEqual([]);
    }
  });

  it('name only IAM actions that exist (iam-expand)', async () => {
    const all = [...Object.values(RUNTIME_GRANTS), ...Object.values(RULE_GRANTS)].flatMap((g) => g.action);
    for (const role of Object.values(SERVICE_ROLE_GRANTS)) all.push(...role.grants);
    const missing: string[] = [];
    for (const a of new Set(all.flatMap((s) => s.actions.map((x) => (typeof x === 'string' ? x : x.action)))))
      if ((await expandIamActions(a, { invalidActionBehavior: 'Remove' as InvalidActionBehavior })).length === 0) missing.push(a);
    expect(missing).toEqual([]);
  });

  it('name no entry the catalog does not have (a renamed provider leaves no stale grants)', () => {
    const known = new Set(aws.map((p) => `${p.category}/${p.provider}`));
    expect(Object.keys(RUNTIME_GRANTS).filter((k) => !known.has(k))).toEqual([]);
    expect(Object.keys(RULE_GRANTS).filter((k) => !RULES.some((r) => r.provider === k))).toEqual([]);
  });
});
