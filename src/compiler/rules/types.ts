import type { Diagnostics } from '../diagnostics.js';
import type { IrPipeline } from '../ir.js';

/** A semantic rule: reads one pipeline's IR and reports what the service would reject. */
export type Rule = (pipeline: IrPipeline, diags: Diagnostics) => void;
