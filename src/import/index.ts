/**
 * `pipec import` without I/O: pipelines read from files or fetched live become pipeline.yml
 * text, one file for all or one per pipeline, each checked to compile back to its source.
 */
import type { Diagnostics } from '../compiler/diagnostics.js';
import type { CopilotImport } from './copilot.js';
import type { SourcePipeline } from './pipeline.js';
import { secretFindings } from './secrets.js';
import { describeChange } from './verify.js';
import { importPipelines } from './workspace.js';

export type { SourcePipeline } from './pipeline.js';

/** How to write the import. */
export interface ImportOptions {
  /** Write pipelines that do not round-trip, with the differences as comments (a warning, not an error). */
  force: boolean;
  /** One file per pipeline (`<name>.yml`) instead of one file for all. */
  split: boolean;
  /** The single file's name, for messages (default pipeline.yml). */
  fileName?: string;
}

/** A file to write, relative to the output directory (or the one output file). */
export interface ImportedFile {
  path: string;
  content: string;
}

/** Turns the pipelines into files; every problem is in `diags` (nothing should be written when it has errors). */
export function importAll(sources: readonly SourcePipeline[], copilot: readonly CopilotImport[], options: ImportOptions, diags: Diagnostics): ImportedFile[] {
  const seen = new Map<string, string>();
  for (const s of sources) {
    const name = String(s.declaration.name ?? '');
    const first = seen.get(name);
    if (first !== undefined) diags.add('PC7007', `pipeline '${name}' is imported twice (${first} and ${s.origin}); pipeline names are unique in an account and region`, undefined, { file: s.origin });
    else seen.set(name, s.origin);
  }
  for (const c of copilot) {
    if (seen.has(c.name)) diags.add('PC7007', `pipeline '${c.name}' is imported twice (${seen.get(c.name) ?? ''} and ${c.origin})`, undefined, { file: c.origin });
    seen.set(c.name, c.origin);
  }
  if (diags.hasErrors()) return [];
  for (const s of sources)
    for (const f of secretFindings(s.declaration)) {
      const where = `pipeline '${String(s.declaration.name ?? '')}', action '${f.stage}/${f.action}'`;
      diags.add(
        'PC7009',
        f.masked
          ? `${where}: '${f.name}' came back masked (****); the import holds a placeholder to fill in (a comment marks it)`
          : `${where}: '${f.name}' looks like a secret kept in plain text; it is imported as it is (a comment marks it) so that the pipeline stays the same`,
        undefined,
        { file: s.origin, suggestion: f.masked ? 'name the Secrets Manager secret (or Parameter Store parameter) that holds the value before applying' : 'move the value to Secrets Manager ({ secret: id }) or Parameter Store ({ parameter: /path })' },
      );
    }
  const files: ImportedFile[] = [];
  const report = (results: ReturnType<typeof importPipelines>): void => {
    for (const p of results.pipelines) {
      if (p.differences.length === 0 && p.errors.length === 0) continue;
      const lines = [...p.errors.map((e) => `the imported text does not compile: ${e}`), ...p.differences.map(describeChange)];
      diags.add(
        options.force ? 'PC7008' : 'PC7002',
        options.force
          ? `pipeline '${p.name}' was written with --force although it compiles to something other than its source; the differences are listed in comments`
          : `pipeline '${p.name}' would compile to something other than its source, so it is not written`,
        undefined,
        {
          file: p.origin,
          notes: lines.map((message) => ({ message })),
          ...(options.force ? {} : { suggestion: 'write it anyway with --force (the differences become comments to resolve by hand), or report the pipeline to pipec' }),
        },
      );
    }
  };
  if (options.split) {
    for (const s of sources) {
      const path = `${String(s.declaration.name)}.yml`;
      const r = importPipelines([s], path, options.force);
      report(r);
      files.push({ path, content: r.text });
    }
    for (const c of copilot) files.push({ path: `${c.name}.yml`, content: c.text });
    return files;
  }
  if (copilot.length > 0 && sources.length + copilot.length > 1) {
    diags.add('PC7001', 'a Copilot manifest is imported into a file of its own: name a directory with --out to import it together with other pipelines', undefined, { file: copilot[0]?.origin ?? '' });
    return [];
  }
  if (copilot.length === 1) return [{ path: options.fileName ?? 'pipeline.yml', content: (copilot[0] as CopilotImport).text }];
  if (sources.length === 0) return [];
  const r = importPipelines(sources, options.fileName ?? 'pipeline.yml', options.force);
  report(r);
  files.push({ path: options.fileName ?? 'pipeline.yml', content: r.text });
  return files;
}
