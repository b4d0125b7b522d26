import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { resolveTemplate } from './support/resolve-template.js';
import { compileExample, examples, templatesIn, type TemplateFile } from './support/targets.js';

/**
 * Every wildcard resource (`*`, `.../*`, `...-*`) left in an Allow statement of the IAM policies
 * the cloudformation target writes (roles' inline policies, AWS::IAM::Policy), for every example
 * and the fixtures of providers and stacks no example shows, is listed in docs/permissions.md with
 * why it must stay, and every row there still matches one: a new wildcard, or a narrowed one whose
 * row was not removed, fails here. Resources are compared as CloudFormation resolves them (account
 * 111111111111 or the account stack's, the stack's region).
 */

interface Found {
  sid: string;
  resource: string;
  /** The statement has a Condition. */
  conditioned: boolean;
  where: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'pipec-wildcards-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const found: Found[] = [];

type Statement = { Sid?: string; Effect: string; Resource: string | string[]; Condition?: unknown };
type Doc = { Statement: Statement[] };

function collect(t: TemplateFile): void {
  const account = /account-(\d{12})/.exec(t.file)?.[1] ?? '111111111111';
  const region = /--region (\S+)/.exec(t.text)?.[1] ?? 'us-east-1';
  const tree = resolveTemplate(t, { account, region });
  for (const [id, r] of Object.entries(tree.Resources)) {
    const docs: Doc[] = [];
    if (r.Type === 'AWS::IAM::Role') for (const p of (r.Properties.Policies as Array<{ PolicyDocument: Doc }> | undefined) ?? []) docs.push(p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties.PolicyDocument as Doc);
    for (const d of docs)
      for (const st of d.Statement)
        if (st.Effect === 'Allow')
          for (const resource of ([] as string[]).concat(st.Resource)) if (resource.includes('*')) found.push({ sid: st.Sid ?? '', resource, conditioned: st.Condition !== undefined, where: `${t.example}/${t.pipeline}/${t.file} ${id}` });
  }
}

beforeAll(async () => {
  for (const name of examples) {
    await compileExample(name, join(scratch, name));
    templatesIn(name, join(scratch, name)).forEach(collect);
  }
  for (const fixture of ['iam/providers', 'stack/cross-account-own-store', 'stack/cross-account-other-region', 'stack/own-role-and-store']) {
    const out = join(scratch, fixture.replace('/', '-'));
    const r = await runCli(['compile', join(ROOT, 'test', 'fixtures', `${fixture}.yml`), '-t', 'cloudformation', '-o', out, '-q', '--no-color']);
    if (r.code !== 0) throw new Error(r.stderr);
    templatesIn(`fixture:${fixture}`, out).forEach(collect);
  }
}, 300_000);

/** A row of docs/permissions.md's table: the statement, the resource (`<name>` stands for any text without `*`, or none), why. */
interface Row {
  sid: RegExp;
  resource: RegExp;
  /** The row says the statement holds "only under/to/while" a condition: a match without one does not count. */
  conditioned: boolean;
  text: string;
}

function pattern(text: string): RegExp {
  const parts = text.split(/(<[^>]+>)/);
  return new RegExp(`^${parts.map((p) => (p.startsWith('<') && p.endsWith('>') ? '[^*]*?' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
}

function rows(): Row[] {
  const doc = readFileSync(join(ROOT, 'docs', 'permissions.md'), 'utf8');
  const out: Row[] = [];
  for (const line of doc.split('\n')) {
    const m = /^\| `([^`]+)` \| `([^`]+)` \| (.+) \|$/.exec(line);
    if (m) out.push({ sid: pattern(m[1] as string), resource: pattern(m[2] as string), conditioned: /\bonly (under|to|while)\b/.test(m[3] as string), text: line });
  }
  return out;
}

describe('wildcard resources in the policies pipec writes', () => {
  it('are each listed in docs/permissions.md with why they stay, and every row there still matches one', () => {
    const table = rows();
    expect(table.length).toBeGreaterThan(10);
    expect(found.length).toBeGreaterThan(50);
    const matches = (r: Row, f: Found): boolean => r.sid.test(f.sid) && r.resource.test(f.resource) && (!r.conditioned || f.conditioned);
    const unlisted = [...new Set(found.filter((f) => !table.some((r) => matches(r, f))).map((f) => `${f.sid} ${f.resource}${f.conditioned ? ' (with a condition)' : ''} (${f.where})`))];
    expect(unlisted).toEqual([]);
    const stale = table.filter((r) => !found.some((f) => matches(r, f))).map((r) => r.text);
    expect(stale).toEqual([]);
  });
});
