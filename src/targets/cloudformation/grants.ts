import type { IrAction } from '../../compiler/ir.js';
import type { Json } from './template.js';

/** What grant tables need to know about the stack they write into. */
export interface PermissionContext {
  pipeline: string;
  /** The region an action's resources are in: its own, or the stack's. */
  region(regionOfAction: string | undefined): string;
  /** The ARN of an inline CodeBuild project defined in the same stack. */
  projectArn(a: IrAction): Json | undefined;
}
