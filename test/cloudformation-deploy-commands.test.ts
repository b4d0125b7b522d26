import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { compileExample, examples, templatesIn, type TemplateFile } from './support/targets.js';

/**
 * What a user runs to deploy the cloudformation target, read from each template's header as
 * printed: every command is a complete `aws cloudformation deploy` (file, stack, region when
 * known, the capability the template needs, every parameter without a default), a value read
 * from another stack names a stack and output that some printed command creates, in the region
 * it is deployed to and earlier in the printed order; the artifacts stack comes first, region stacks, then account
 * stacks (which take the keys the region stacks make by key ARN), then the pipeline's. Also every reference AWS resolves at deploy time points at
 * something: Ref and Fn::GetAtt at a resource or parameter, each ${...} of Fn::Sub at a
 * parameter, resource (attribute) or pseudo parameter.
 */

const scratch = mkdtempSync(join(tmpdir(), 'pipec-cmds-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const templates: TemplateFile[] = [];
beforeAll(async () => {
  for (const name of examples) {
    await compileExample(name, join(scratch, name));
    templates.push(...templatesIn(name, join(scratch, name)));
  }
  // a pipeline without artifacts: whose actions run in other accounts: its artifacts stack comes first;
  // environments in other accounts and regions: account stacks read a region stack's key ARN
  for (const fixture of ['cross-account-own-store', 'cross-account-other-region']) {
    const out = join(scratch, fixture);
    const r = await runCli(['compile', join(ROOT, 'test', 'fixtures', 'stack', `${fixture}.yml`), '-t', 'cloudformation', '-o', out, '-q', '--no-color']);
    if (r.code !== 0) throw new Error(r.stderr);
    templates.push(...templatesIn(`fixture:${fixture}`, out));
  }
});

interface Command {
  file: string;
  region?: string;
  stack: string;
  capabilities: string[];
  overrides: Map<string, string>;
  tags: string[];
}

/** Splits a shell command line into words, keeping $(...) and "..." together. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      cur += c;
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === '$' && line[i + 1] === '(') {
      depth++;
      cur += '$(';
      i++;
    } else if (c === ')' && depth > 0) {
      depth--;
      cur += c;
    } else if (c === ' ' && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  expect(quote, `unbalanced quote in ${line}`).toBe('');
  expect(depth, `unbalanced $( in ${line}`).toBe(0);
  return out;
}

function parseDeploy(line: string): Command {
  const w = words(line);
  expect(w.slice(0, 3)).toEqual(['aws', 'cloudformation', 'deploy']);
  const c: Command = { file: '', stack: '', capabilities: [], overrides: new Map(), tags: [] };
  for (let i = 3; i < w.length; i++) {
    const flag = w[i] as string;
    const value = (): string => {
      const v = w[++i];
      expect(v, `${flag} without a value in ${line}`).toBeDefined();
      return v as string;
    };
    if (flag === '--template-file') c.file = value();
    else if (flag === '--stack-name') c.stack = value();
    else if (flag === '--region') c.region = value();
    else if (flag === '--capabilities') while (w[i + 1] && !w[i + 1]!.startsWith('--')) c.capabilities.push(w[++i] as string);
    else if (flag === '--parameter-overrides')
      while (w[i + 1] && !w[i + 1]!.startsWith('--')) {
        const kv = w[++i] as string;
        const eq = kv.indexOf('=');
        c.overrides.set(kv.slice(0, eq), kv.slice(eq + 1));
      }
    else if (flag === '--tags') while (w[i + 1] && !w[i + 1]!.startsWith('--')) c.tags.push(w[++i] as string);
    else throw new Error(`unexpected word ${flag} in ${line}`);
  }
  return c;
}

/**
 * The deploy command and the deploy order printed in a template's header. A parameter given as
 * "$VAR" is the value the header reads first into VAR (`#   VAR=$(aws cloudformation describe-stacks ...)`,
 * an account stack reading the artifacts stack with the pipeline account's credentials): the
 * command's override is that read.
 */
function header(t: TemplateFile): { command: Command; order: string[] } {
  const head = t.text.split('\n').filter((l) => l.startsWith('#'));
  const line = head.find((l) => l.includes('aws cloudformation deploy'));
  expect(line, `${t.pipeline}/${t.file} prints no deploy command`).toBeDefined();
  const command = parseDeploy((line as string).slice((line as string).indexOf('aws cloudformation deploy')));
  const reads = new Map(head.flatMap((l) => [.../^# {3}([A-Z0-9_]+)=(\$\(aws cloudformation describe-stacks .*\))$/.exec(l) ?? []].slice(1, 3)).reduce<Array<[string, string]>>((acc, x, i, all) => (i % 2 === 0 ? [...acc, [x, all[i + 1] as string]] : acc), []));
  for (const [param, value] of command.overrides) {
    const v = /^"\$([A-Z0-9_]+)"$/.exec(value)?.[1];
    if (v === undefined) continue;
    expect(reads.get(v), `${t.pipeline}/${t.file}: ${param}=${value} is read in the header`).toBeDefined();
    command.overrides.set(param, reads.get(v) as string);
  }
  const orderLine = head.find((l) => l.startsWith('# Deploy order: '));
  const order = orderLine ? [...orderLine.matchAll(/\d+\. (\S+)/g)].map((m) => (m[1] as string).replace(/[.,]$/, '')) : [t.file];
  return { command, order };
}

const NAMED = ['RoleName', 'ManagedPolicyName', 'UserName', 'GroupName', 'InstanceProfileName'];

describe('the deploy commands pipec prints', () => {
  it("tag every stack as pipec's, of one project (test/stack-header-tags.test.ts: the tags plan --stack gives)", () => {
    for (const t of templates) {
      const { tags } = header(t).command;
      expect(tags, `${t.pipeline}/${t.file}`).toContain('managed-by=pipec');
      expect(tags.filter((w) => w.startsWith('pipec:project=')), `${t.pipeline}/${t.file}`).toHaveLength(1);
    }
  });

  it('are complete: file, stack, region, capability, every parameter without a default', () => {
    expect(templates.length).toBeGreaterThan(20);
    for (const t of templates) {
      const { command } = header(t);
      const where = `${t.example}/${t.pipeline}/${t.file}`;
      expect(command.file, where).toBe(t.file);
      expect(command.stack, where).toMatch(/^[A-Za-z][A-Za-z0-9-]{0,127}$/);
      const iam = Object.values(t.tree.Resources).filter((r) => r.Type.startsWith('AWS::IAM::'));
      const named = iam.some((r) => NAMED.some((k) => k in (r.Properties ?? {})));
      if (iam.length > 0) expect(command.capabilities, where).toEqual([named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM']);
      const params = Object.entries((t.tree.Parameters ?? {}) as Record<string, { Default?: unknown }>);
      for (const [id, p] of params) if (p.Default === undefined) expect([...command.overrides.keys()], `${where} needs parameter ${id}`).toContain(id);
      for (const id of command.overrides.keys()) expect(params.map(([k]) => k), `${where} passes unknown parameter ${id}`).toContain(id);
    }
  });

  it('read other stacks only where a printed command creates them, earlier in the order, with the output they name', () => {
    const byPipeline = new Map<string, TemplateFile[]>();
    for (const t of templates) byPipeline.set(`${t.example}/${t.pipeline}`, [...(byPipeline.get(`${t.example}/${t.pipeline}`) ?? []), t]);
    for (const [key, files] of byPipeline) {
      const deployed = new Map(files.map((t) => [t.file, { t, ...header(t) }]));
      const order = deployed.get('cloudformation.yml')?.order ?? [];
      expect([...order].sort(), `${key}: the printed order lists every stack`).toEqual([...deployed.keys()].sort());
      // the artifacts stack, region stacks, then account stacks, then the pipeline's
      const orderAsPrinted = deployed.get('cloudformation.yml')!.order;
      const rank = (f: string): number => (f === 'cloudformation.artifacts.yml' ? 0 : f.startsWith('cloudformation.account-') ? 2 : f === 'cloudformation.yml' ? 3 : 1);
      expect(orderAsPrinted.map(rank), key).toEqual([...orderAsPrinted.map(rank)].sort());
      for (const { t, command } of deployed.values())
        for (const [param, value] of command.overrides) {
          const m = /^\$\(aws cloudformation describe-stacks --region (\S+) --stack-name (\S+) --query "Stacks\[0\]\.Outputs\[\?OutputKey=='(\w+)'\]\.OutputValue" --output text\)$/.exec(value);
          expect(m, `${key}/${t.file} ${param}=${value} is a describe-stacks of one output`).not.toBeNull();
          const [, region, stack, output] = m as unknown as [string, string, string, string];
          const source = [...deployed.values()].find((d) => d.command.stack === stack && d.command.region === region);
          expect(source, `${key}/${t.file} reads stack ${stack} in ${region}, which no printed command deploys there`).toBeDefined();
          expect(Object.keys(source!.t.tree.Outputs ?? {}), `${key}: ${stack} has output ${output}`).toContain(output);
          expect(orderAsPrinted.indexOf(source!.t.file), `${key}: ${source!.t.file} is deployed before ${t.file}`).toBeLessThan(orderAsPrinted.indexOf(t.file));
        }
    }
  });

  it('give stacks of one account and region distinct names', () => {
    const seen = new Map<string, string>();
    for (const t of templates) {
      const { command } = header(t);
      const account = /account-(\d{12})/.exec(t.file)?.[1] ?? 'pipeline';
      const k = `${account}/${command.region ?? ''}/${command.stack}`;
      expect(seen.get(k), `${t.example}/${t.pipeline}/${t.file} and ${seen.get(k)} deploy to the same stack ${k}`).toBeUndefined();
      seen.set(k, `${t.example}/${t.pipeline}/${t.file}`);
    }
  });
});

const PSEUDO = new Set(['AWS::AccountId', 'AWS::Partition', 'AWS::Region', 'AWS::StackName', 'AWS::StackId', 'AWS::URLSuffix', 'AWS::NoValue', 'AWS::NotificationARNs']);

describe('references resolved at deploy time', () => {
  it('point at a parameter, a resource (with an attribute it has) or a pseudo parameter', () => {
    for (const t of templates) {
      const where = `${t.example}/${t.pipeline}/${t.file}`;
      const ids = new Set([...Object.keys(t.tree.Resources), ...Object.keys(t.tree.Parameters ?? {})]);
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if (typeof o.Ref === 'string') expect(ids.has(o.Ref) || PSEUDO.has(o.Ref), `${where}: Ref ${o.Ref}`).toBe(true);
          if (Array.isArray(o['Fn::GetAtt'])) expect(t.tree.Resources[o['Fn::GetAtt'][0] as string], `${where}: GetAtt ${String(o['Fn::GetAtt'])}`).toBeDefined();
          const s = o['Fn::Sub'];
          if (typeof s === 'string')
            for (const m of s.matchAll(/\$\{(?!!)([^}]*)\}/g)) {
              const name = m[1] as string;
              const base = name.split('.')[0] as string;
              expect(PSEUDO.has(name) || ids.has(base), `${where}: \${${name}} in ${s}`).toBe(true);
              if (name.includes('.')) expect(t.tree.Resources[base], `${where}: \${${name}} names a resource attribute`).toBeDefined();
            }
          for (const x of Object.values(o)) walk(x);
        }
      };
      walk(t.tree.Resources);
      walk(t.tree.Outputs ?? {});
    }
  });

  it('name KMS keys by key ARN wherever another account reads the artifacts', () => {
    for (const t of templates) {
      const pipeline = t.tree.Resources.Pipeline?.Properties as { ArtifactStores?: Array<{ ArtifactStore: { EncryptionKey?: { Id: unknown } } }> } | undefined;
      const crossAccount = templates.some((o) => o.example === t.example && o.pipeline === t.pipeline && o.file.startsWith('cloudformation.account-'));
      if (!pipeline?.ArtifactStores || !crossAccount) continue;
      for (const s of pipeline.ArtifactStores) expect(JSON.stringify(s.ArtifactStore.EncryptionKey?.Id ?? ''), `${t.example}/${t.pipeline}: ${JSON.stringify(s)}`).not.toContain(':alias/');
    }
  });
});
