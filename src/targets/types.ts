import type { UserTemplates } from './templates.js';
import type { Diagnostics } from '../compiler/diagnostics.js';
import type { IrPipeline } from '../compiler/ir.js';
import type { RolePolicyUse } from './cloudformation/role-budget.js';

/** A file a target writes, relative to the pipeline's output directory. */
export interface OutputFile {
  path: string;
  content: string;
}

/** Options every target receives. */
export interface EmitOptions {
  /** The directory of the user's templates (`--templates DIR`), named in messages about them. */
  templatesDir?: string;
  /** The user's templates, read from that directory by the CLI: targets read no file. */
  templates?: UserTemplates;
  /** Format of the cloudformation target's templates (default yaml). */
  cfnFormat?: 'yaml' | 'json';
  /** Names of every target written in this run, so one need not warn about what another carries. */
  targets?: readonly string[];
  /**
   * The project plan and apply would tag with when the pipeline names none (`project:` wins): the
   * repository directory's name, as the CLI works it out. The deploy commands in stack headers pass it.
   */
  project?: string;
  /**
   * Buckets for stack templates over CloudFormation's 51,200-byte inline limit (`--template-bucket`):
   * by region, '' for the pipeline's own. A large stack without one is PC4011.
   */
  templateBuckets?: Readonly<Record<string, string>>;
}

/** What emitting a pipeline tells about it beyond its files, for checks across the pipelines compiled together. */
export interface EmitFacts {
  /** Inline policies the cloudformation target's stack attaches to a role of the user's (`role:`). */
  rolePolicies: RolePolicyUse[];
}

/** A target turns one pipeline's IR into files; it reports what it cannot express instead of guessing. */
export interface Target {
  name: string;
  description: string;
  emit(pipeline: IrPipeline, diags: Diagnostics, options: EmitOptions, facts?: EmitFacts): OutputFile[];
}
