import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.js';
import { expectGolden } from './support/golden.js';

/**
 * `pipec graph` goldens: every example in every format, in test/golden-graph/<example>/
 * (graph.txt box drawing, graph.ascii.txt with --ascii, graph.mmd Mermaid, graph.dot Graphviz).
 * `npm run snapshots:update` rewrites them; review the diff.
 */

const GOLDEN = join(ROOT, 'test', 'golden-graph');
const FORMATS: Array<[string, string[]]> = [
  ['graph.txt', []],
  ['graph.ascii.txt', ['--ascii']],
  ['graph.mmd', ['--format', 'mermaid']],
  ['graph.dot', ['--format', 'dot']],
];

describe('pipec graph: every example in every format', () => {
  for (const example of readdirSync(join(ROOT, 'examples')).sort())
    for (const [file, args] of FORMATS)
      it(`${example}/${file}`, async () => {
        const r = await runCli(['graph', join('examples', example, 'pipeline.yml'), ...args]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expectGolden(join(GOLDEN, example, file), r.stdout);
        if (file === 'graph.ascii.txt') expect(r.stdout).toMatch(/^[\x20-\x7e\n]*$/);
      });
});

describe('pipec graph', () => {
  const pipeline = `name: gated
role: arn:aws:iam::111111111111:role/pipeline
account: "111111111111"
region: us-east-1
artifacts: { bucket: acme-artifacts, stores: { eu-west-1: acme-artifacts-eu } }
source: codecommit:web@main
build: { commands: [make], artifacts: [dist/**/*] }
stages:
  - name: Release
    disable-inbound: waiting for the window
    actions:
      - name: Approve
        approval: true
      - name: Site
        deploy: { s3: { bucket: web-site, extract: true } }
        inputs: [Build]
        region: eu-west-1
        role: arn:aws:iam::222222222222:role/deployer
        run-order: 2
`;
  it('shows a disabled transition, an approval, cross-region and cross-account marks, and the artifact on the edge', async () => {
    const r = await runCli(['graph', '-'], { input: pipeline });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('╳');
    expect(r.stdout).toContain("the transition into 'Release' starts disabled: waiting for the window");
    expect(r.stdout).toContain('Approval: Manual');
    expect(r.stdout).toContain('region eu-west-1');
    expect(r.stdout).toContain('account 222222222222');
    expect(r.stdout).toContain('then');
    const m = await runCli(['graph', '-', '--format', 'mermaid'], { input: pipeline });
    expect(m.stdout).toContain('s2a0{{"Approve');
    expect(m.stdout).toContain('-.-x|"disabled: waiting for the window"| s2');
    expect(m.stdout).toContain('s1a0 -->|Build| s2a1');
    const d = await runCli(['graph', '-', '--format', 'dot'], { input: pipeline });
    expect(d.stdout).toContain('shape=hexagon');
    expect(d.stdout).toContain('style=dashed, color=red, label="disabled: waiting for the window"');
  });

  it('a file with errors draws nothing: diagnostics on stderr, exit 1', async () => {
    const r = await runCli(['graph', '-'], { input: 'name: x\nbuild: { comands: [make] }\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('PC2001');
  });

  it('--pipeline picks pipelines; an unknown format is bad usage', async () => {
    const r = await runCli(['graph', join('examples', 'many-pipelines', 'pipeline.yml'), '--pipeline', 'nope']);
    expect(r.code).toBe(2);
    expect((await runCli(['graph', '--format', 'svg'])).code).toBe(2);
  });
});
