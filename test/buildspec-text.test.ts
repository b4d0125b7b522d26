import { describe, expect, it } from 'vitest';
import type { ArtifactView, BuildspecView, KeyValue } from '../src/targets/buildspec.js';
import { buildspecText } from '../src/targets/buildspec-text.js';
import { TemplateSet } from '../src/targets/templates.js';
import { prng } from './support/mutate.js';

// Texts that YAML writes plain, quoted or escaped: the template's scalars go through the yaml helper.
const TEXTS = ['npm ci', 'make test', 'echo "a: b"', '', 'yes', 'out/**/*', '- x', '#{codepipeline.PipelineExecutionId}', 'a\tb', 'ünïcode', '${SECRET}', 'x: ', '.5', 'key', 'ci/npm:token', 'reports/*.xml'];

function view(next: () => number): BuildspecView {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const texts = (max: number): string[] => Array.from({ length: Math.floor(next() * (max + 1)) }, () => pick(TEXTS));
  const pairs = (max: number): KeyValue[] => Array.from({ length: Math.floor(next() * (max + 1)) }, () => ({ name: pick(['A', 'NPM_TOKEN', 'with space', 'true']), value: pick(TEXTS) }));
  const artifact = (): ArtifactView => ({
    files: texts(3),
    ...(next() < 0.5 ? { baseDirectory: pick(TEXTS) } : {}),
    ...(next() < 0.5 ? { discardPaths: pick(['yes', 'no'] as const) } : {}),
  });
  const phases = ['install', 'pre_build', 'build', 'post_build'].filter(() => next() < 0.6).map((name) => ({ name, runtimeVersions: name === 'install' ? pairs(2) : [], commands: texts(3), finally: name === 'build' ? texts(2) : [] }));
  return {
    pipeline: pick(['web', 'svc-00001']),
    stage: pick(['Build', 'Test']),
    action: pick(['Build', 'unit']),
    project: pick(['web-Build-Build', 'p']),
    ...(next() < 0.7 ? { env: { variables: pairs(2), parameterStore: pairs(2), secretsManager: pairs(2), exportedVariables: texts(2) } } : {}),
    phases,
    reports: Array.from({ length: Math.floor(next() * 3) }, () => ({
      name: pick(['unit', 'cover age']),
      files: texts(2),
      ...(next() < 0.5 ? { baseDirectory: pick(TEXTS) } : {}),
      ...(next() < 0.5 ? { fileFormat: pick(['JUNITXML', 'COBERTURAXML']) } : {}),
    })),
    ...(next() < 0.8 ? { artifacts: { ...artifact(), secondary: next() < 0.5 ? [] : Array.from({ length: 1 + Math.floor(next() * 2) }, () => ({ name: pick(['web', 'site 2']), ...artifact() })) } } : {}),
    ...(next() < 0.4 ? { cache: { paths: texts(2) } } : {}),
  };
}

describe('buildspecText', () => {
  it("writes what Handlebars renders from pipec's own buildspec templates, for 3,000 generated views", () => {
    const handlebars = new TemplateSet();
    const next = prng(7);
    for (let i = 0; i < 3000; i++) {
      const v = view(next);
      const expected = handlebars.render('buildspec.yml.hbs', v).text;
      if (buildspecText(v) !== expected) expect([i, buildspecText(v)]).toEqual([i, expected]);
    }
  });
});
