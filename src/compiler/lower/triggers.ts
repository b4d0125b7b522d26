import type { Diagnostics } from '../diagnostics.js';
import type { IrCriteria, IrGitFilter, IrPipeline, IrTrigger } from '../ir.js';
import type { ExPipeline } from '../model.js';
import type { Trigger } from '../schema/pipeline.js';
import { choices, didYouMean } from '../suggest.js';

type Push = Exclude<NonNullable<Trigger['push']>, readonly unknown[]>;
type Pull = Exclude<NonNullable<Trigger['pull-request']>, readonly unknown[]>;
type Criteria = NonNullable<Push['branches']>;

const PULL_EVENTS = { open: 'OPEN', updated: 'UPDATED', closed: 'CLOSED' } as const;

function criteria(v: Criteria | undefined): IrCriteria | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return { includes: [...v] };
  return { ...(v.include ? { includes: v.include } : {}), ...(v.exclude ? { excludes: v.exclude } : {}) };
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `triggers:` as git push and pull-request filters on the pipeline's connection source. */
export function lowerTriggers(ex: ExPipeline, ir: IrPipeline, diags: Diagnostics): IrTrigger[] {
  const list = ex.triggers ?? [];
  const connectionSources = (ir.stages[0]?.actions ?? []).filter((a) => a.category === 'Source' && a.catalog?.gitTriggers);
  const unreadableSource = (ir.stages[0]?.actions ?? []).some((a) => a.invalid);
  const out: IrTrigger[] = [];
  list.forEach((t, i) => {
    const span = ex.sourceAt.child('triggers').child(i);
    const tr = t;
    let source = tr.source;
    if (!source) {
      // A first-stage source that could not be read (reported already) may well be the connection source.
      if (connectionSources.length === 0 && unreadableSource) return;
      if (connectionSources.length !== 1) {
        diags.add('PC3014', connectionSources.length === 0 ? 'a trigger needs a connection source (github, bitbucket, gitlab ...) in the first stage' : `this pipeline has ${connectionSources.length} connection sources; name the trigger's with 'source'`, span, {
          ...(connectionSources.length > 1 ? { suggestion: `one of ${choices(connectionSources.map((a) => a.name))}` } : {}),
        });
        return;
      }
      source = connectionSources[0]?.name ?? '';
    }
    if (tr.push === undefined && tr['pull-request'] === undefined) {
      // A misspelled 'pull_request' is already reported as an unknown key with the right spelling.
      if (!Object.keys(tr).some((k) => didYouMean(k, ['push', 'pull-request']))) diags.add('PC2007', "a trigger needs 'push', 'pull-request' or both", span);
      return;
    }
    const push: IrGitFilter[] = asList<Push>(tr.push).map((o) => {
      const out: IrGitFilter = {};
      const b = criteria(o.branches);
      const tg = criteria(o.tags);
      const p = criteria(o.paths);
      if (tg) out.tags = tg;
      if (b) out.branches = b;
      if (p) out.filePaths = p;
      return out;
    });
    const pullRequest: IrGitFilter[] = asList<Pull>(tr['pull-request']).map((o) => {
      const out: IrGitFilter = { events: (o.events ?? (['open', 'updated', 'closed'] as const)).map((e) => PULL_EVENTS[e]) };
      const b = criteria(o.branches);
      const p = criteria(o.paths);
      if (b) out.branches = b;
      if (p) out.filePaths = p;
      return out;
    });
    out.push({ sourceActionName: source, span, push, pullRequest });
  });
  return out;
}

