import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { ROOT, runCli } from './cli.js';

/** Every example directory that has a pipeline.yml, in name order. */
export const EXAMPLES_DIR = join(ROOT, 'examples');
export const examples = readdirSync(EXAMPLES_DIR)
  .filter((name) => statSync(join(EXAMPLES_DIR, name, 'pipeline.yml'), { throwIfNoEntry: false })?.isFile())
  .sort();

/** Every file under dir, as sorted paths relative to it. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return out.sort();
}

/** Compiles one example with the given targets into `out`; fails the test on any error. */
export async function compileExample(name: string, out: string, extra: string[] = []): Promise<{ stderr: string }> {
  const r = await runCli(['compile', join(EXAMPLES_DIR, name, 'pipeline.yml'), '-t', 'all', '-o', out, '-q', '--no-color', ...extra]);
  if (r.code !== 0) throw new Error(`compiling example ${name} failed (${r.code}):\n${r.stderr}`);
  return { stderr: r.stderr };
}

/** A compiled CloudFormation template, parsed (pipec writes only long-form intrinsics, so plain YAML reads it). */
export interface TemplateFile {
  example: string;
  pipeline: string;
  /** cloudformation.yml, cloudformation.<region>.yml or cloudformation.account-<id>.yml */
  file: string;
  path: string;
  text: string;
  tree: { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown }>; Parameters?: Record<string, unknown>; Outputs?: Record<string, unknown> };
}

/** The CloudFormation templates under an output directory of one example. */
export function templatesIn(example: string, outDir: string): TemplateFile[] {
  return listFiles(outDir)
    .filter((f) => /(^|\/)cloudformation[^/]*\.(yml|json)$/.test(f))
    .map((f) => {
      const text = readFileSync(join(outDir, f), 'utf8');
      const [pipeline, file] = f.split('/') as [string, string];
      return { example, pipeline, file, path: join(outDir, f), text, tree: parse(text) as TemplateFile['tree'] };
    });
}
