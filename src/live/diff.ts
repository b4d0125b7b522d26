import type { Change } from './changes.js';
import { jsonEqual, type Json, type JsonObject } from './json.js';
import { diffFields } from './json-diff.js';
import type { NormAction, NormPipeline, NormStage } from './normalise.js';
import { MASKED } from './normalise-config.js';

/**
 * The changes that turn the live pipeline into the desired one, both normalised. Stages keep
 * their order; actions are keyed by name (their order is runOrder's business). Stages and
 * actions that only changed name, or moved, are reported as such rather than as remove + add:
 * a stage or action with no namesake on the other side matches one with the same contents
 * (for stages, the same action names), and an action name missing from one stage but found in
 * another is a move. A masked live secret (`****`) is taken to equal whatever is configured.
 */
export function diffPipeline(desired: NormPipeline, live: NormPipeline): Change[] {
  const changes = diffFields(live.fields, desired.fields, {});
  const pairs = matchStages(desired.stages, live.stages);
  const moved = movedStages(pairs);
  const liveOf = new Map(pairs.map(([d, l]) => [d, l]));
  const pairedLive = new Set(pairs.map(([, l]) => l));

  // Actions that lost their namesake in their own stage, to find moves across stages.
  const orphans = { desired: [] as Array<{ stage: string; action: NormAction }>, live: [] as Array<{ stage: string; action: NormAction }> };
  const perStage = new Map<number, { matched: Array<[NormAction, NormAction, 'same' | 'renamed']>; added: NormAction[]; removed: NormAction[] }>();
  desired.stages.forEach((ds, di) => {
    const li = liveOf.get(di);
    if (li === undefined) {
      for (const a of ds.actions) orphans.desired.push({ stage: ds.name, action: a });
      return;
    }
    const m = matchActions(ds.actions, (live.stages[li] as NormStage).actions);
    perStage.set(di, m);
    for (const a of m.added) orphans.desired.push({ stage: ds.name, action: a });
    for (const a of m.removed) orphans.live.push({ stage: (live.stages[li] as NormStage).name, action: a });
  });
  live.stages.forEach((ls, li) => {
    if (!pairedLive.has(li)) for (const a of ls.actions) orphans.live.push({ stage: ls.name, action: a });
  });
  const moves = new Map<NormAction, { from: string; live: NormAction }>();
  const movedOut = new Set<NormAction>();
  for (const o of orphans.desired) {
    const sameName = orphans.live.filter((l) => l.action.name === o.action.name && l.stage !== o.stage);
    const rivals = orphans.desired.filter((d) => d.action.name === o.action.name);
    if (sameName.length === 1 && rivals.length === 1) {
      const from = sameName[0] as { stage: string; action: NormAction };
      moves.set(o.action, { from: from.stage, live: from.action });
      movedOut.add(from.action);
    }
  }

  desired.stages.forEach((ds, di) => {
    const li = liveOf.get(di);
    const where = { stage: ds.name };
    if (li === undefined) {
      changes.push({ op: 'add', ...where, new: stageJson(ds) });
      for (const a of ds.actions) {
        const mv = moves.get(a);
        if (mv) changes.push(...movedAction(ds.name, a, mv));
      }
      return;
    }
    const ls = live.stages[li] as NormStage;
    if (ls.name !== ds.name) changes.push({ op: 'rename', ...where, old: ls.name, new: ds.name });
    if (moved.has(di)) changes.push({ op: 'move', ...where, old: li + 1, new: di + 1 });
    changes.push(...diffFields(ls.fields, ds.fields, where));
    const m = perStage.get(di) as NonNullable<ReturnType<typeof perStage.get>>;
    const rows: Array<{ name: string; out: Change[] }> = [];
    for (const [d, l, how] of m.matched) {
      const out: Change[] = how === 'renamed' ? [{ op: 'rename', stage: ds.name, action: d.name, old: l.name, new: d.name }] : [];
      out.push(...diffFields(unmask(d.body, l.body), d.body, { stage: ds.name, action: d.name }));
      rows.push({ name: d.name, out });
    }
    for (const a of m.added) {
      const mv = moves.get(a);
      rows.push({ name: a.name, out: mv ? movedAction(ds.name, a, mv) : [{ op: 'add', stage: ds.name, action: a.name, new: a.shown }] });
    }
    for (const a of m.removed) if (!movedOut.has(a)) rows.push({ name: a.name, out: [{ op: 'remove', stage: ds.name, action: a.name, old: a.shown }] });
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const r of rows) changes.push(...r.out);
  });
  live.stages.forEach((ls, li) => {
    if (!pairedLive.has(li)) changes.push({ op: 'remove', stage: ls.name, old: stageJson({ ...ls, actions: ls.actions.filter((a) => !movedOut.has(a)) }) });
  });
  return changes;
}

function movedAction(stage: string, a: NormAction, mv: { from: string; live: NormAction }): Change[] {
  return [{ op: 'move', stage, action: a.name, old: mv.from, new: stage }, ...diffFields(unmask(a.body, mv.live.body), a.body, { stage, action: a.name })];
}

/**
 * Pairs desired stage indexes with live ones: same name first; then, for stages without a
 * namesake, the same contents, the same action names, or (at the same position) at least one
 * action in common by name or contents.
 */
function matchStages(desired: readonly NormStage[], live: readonly NormStage[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const usedL = new Set<number>();
  const usedD = new Set<number>();
  desired.forEach((d, di) => {
    const li = live.findIndex((l, i) => !usedL.has(i) && l.name === d.name);
    if (li >= 0) {
      pairs.push([di, li]);
      usedL.add(li);
      usedD.add(di);
    }
  });
  const tests: Array<(d: NormStage, l: NormStage) => boolean> = [sameStageContents, sameActionNames, (d, l) => sharesAnAction(d, l) && desired.indexOf(d) === live.indexOf(l)];
  for (const same of tests)
    desired.forEach((d, di) => {
      if (usedD.has(di)) return;
      const li = live.findIndex((l, i) => !usedL.has(i) && same(d, l));
      if (li >= 0) {
        pairs.push([di, li]);
        usedL.add(li);
        usedD.add(di);
      }
    });
  return pairs.sort((a, b) => a[0] - b[0]);
}

function sameStageContents(d: NormStage, l: NormStage): boolean {
  if (!jsonEqual(d.fields, l.fields) || d.actions.length !== l.actions.length) return false;
  return d.actions.every((a, i) => {
    const b = l.actions[i] as NormAction;
    return a.name === b.name && jsonEqual(a.body, unmask(a.body, b.body));
  });
}

function sharesAnAction(d: NormStage, l: NormStage): boolean {
  return d.actions.some((a) => l.actions.some((b) => a.name === b.name || jsonEqual(a.body, unmask(a.body, b.body))));
}

function sameActionNames(d: NormStage, l: NormStage): boolean {
  return d.actions.length > 0 && d.actions.length === l.actions.length && d.actions.every((a, i) => a.name === (l.actions[i] as NormAction).name);
}

/**
 * The paired stages whose order changed: those outside the longest run of pairs that kept
 * their relative order, so a stage moved from 2 to 4 is one move, not three.
 */
function movedStages(pairs: ReadonlyArray<[number, number]>): Set<number> {
  const liveIdx = pairs.map(([, l]) => l);
  const n = liveIdx.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++)
      if ((liveIdx[j] as number) < (liveIdx[i] as number) && (len[j] as number) + 1 > (len[i] as number)) {
        len[i] = (len[j] as number) + 1;
        prev[i] = j;
      }
  let best = -1;
  for (let i = 0; i < n; i++) if (best < 0 || (len[i] as number) > (len[best] as number)) best = i;
  const kept = new Set<number>();
  for (let i = best; i >= 0; i = prev[i] as number) kept.add(i);
  const moved = new Set<number>();
  pairs.forEach(([d], i) => {
    if (!kept.has(i)) moved.add(d);
  });
  return moved;
}

/** Pairs actions of one stage: same name, then (for the rest) identical contents under another name. */
function matchActions(desired: readonly NormAction[], live: readonly NormAction[]) {
  const matched: Array<[NormAction, NormAction, 'same' | 'renamed']> = [];
  const liveLeft = new Set(live);
  const added: NormAction[] = [];
  for (const d of desired) {
    const l = live.find((x) => x.name === d.name && liveLeft.has(x));
    if (l) {
      matched.push([d, l, 'same']);
      liveLeft.delete(l);
    } else added.push(d);
  }
  for (const d of [...added]) {
    const l = [...liveLeft].find((x) => !desired.some((y) => y.name === x.name) && jsonEqual(d.body, unmask(d.body, x.body)));
    if (l) {
      matched.push([d, l, 'renamed']);
      liveLeft.delete(l);
      added.splice(added.indexOf(d), 1);
    }
  }
  return { matched, added, removed: [...liveLeft] };
}

/** The live action with each masked secret replaced by the configured value: `****` is never a change. */
export function unmask(desired: JsonObject, live: JsonObject): JsonObject {
  const lc = live.configuration as Record<string, Json> | undefined;
  const dc = desired.configuration as Record<string, Json> | undefined;
  if (!lc || !dc || !Object.values(lc).includes(MASKED)) return live;
  const configuration: JsonObject = {};
  for (const [k, v] of Object.entries(lc)) configuration[k] = v === MASKED && dc[k] !== undefined ? (dc[k] as Json) : v;
  return { ...live, configuration };
}

function stageJson(s: NormStage): JsonObject {
  return { ...s.fields, actions: Object.fromEntries(s.actions.map((a) => [a.name, a.shown])) };
}
