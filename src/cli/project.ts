import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CompiledPipeline } from '../compiler/compile.js';
import type { ProjectSource } from '../live/plan.js';
import { UsageError } from './exit-codes.js';

/**
 * The project of a configuration: its `project:` (the compiler has checked that the pipelines
 * agree), else the name of the repository's directory: the nearest directory at or above the
 * files that holds `.git`, else the files' own directory (`pipelines/`' parent for files found
 * there). A directory name that cannot be a project name is a usage error asking for `project:`.
 */
export function projectOf(compiled: readonly CompiledPipeline[], cwd: string, paths: readonly string[]): { project: string; projectFrom: ProjectSource } {
  const named = compiled.find((c) => c.ir.project !== undefined)?.ir.project;
  if (named !== undefined) return { project: named, projectFrom: 'configuration' };
  const name = directoryName(cwd, paths);
  if (!isProjectName(name))
    throw new UsageError(`the project name defaults to the repository directory's name, but '${name}' cannot be one (letters, digits and . _ @ + = -, starting with a letter or digit); name the project with 'project:' in the configuration`);
  return { project: name, projectFrom: 'directory' };
}

/**
 * The project of files that name none, as projectOf works it out (the repository directory's name),
 * or undefined when that name cannot be a project's. `pipec compile` prints it in the stacks'
 * deploy commands without compiling anything first.
 */
export function directoryProject(cwd: string, paths: readonly string[]): string | undefined {
  const name = directoryName(cwd, paths);
  return isProjectName(name) ? name : undefined;
}

function isProjectName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._@+=-]{0,127}$/.test(name);
}

/** The nearest directory at or above the files that holds `.git`, else the files' own (`pipelines/`' parent). */
function directoryName(cwd: string, paths: readonly string[]): string {
  const first = [...paths].sort()[0];
  let dir = first === undefined ? cwd : dirname(resolve(cwd, first));
  if (basename(dir) === 'pipelines') dir = dirname(dir);
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(resolve(d, '.git'))) {
      dir = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  return basename(dir);
}
