import type { Rule } from './types.js';

/** Cross-region actions need the pipeline's region and a store per region; sources and custom/third-party actions cannot be cross-region (S15, S16). */
export const crossRegion: Rule = (p, diags) => {
  const used = new Set<string>();
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (!a.region) continue;
      // The pipeline's own region, written out, is where every action runs anyway.
      if (p.region && a.region === p.region) continue;
      if (a.category === 'Source' || a.owner !== 'AWS') {
        diags.add('PC3016', `action '${a.name}' cannot set a region: ${a.category === 'Source' ? 'source actions' : `${a.owner} actions`} run in the pipeline's region`, a.spans.region ?? a.span);
        continue;
      }
      if (!p.region) {
        diags.add('PC3016', `action '${a.name}' runs in ${a.region}, but the pipeline's own region is not set`, a.spans.region ?? a.span, {
          suggestion: "set 'region:' on the pipeline (or at the top of the file) so cross-region actions can be told apart",
        });
        continue;
      }
      if (a.region !== p.region) used.add(a.region);
    }
  if (used.size > 0)
    for (const region of [...used].sort())
      if (!p.regionStores[region])
        diags.add('PC3016', `actions run in ${region}, which has no artifact store`, p.spans.artifacts ?? p.span, {
          suggestion: `add it under 'artifacts: { stores: { ${region}: bucket-in-${region} } }'`,
        });
  if (!p.region && hasOtherKey(p.regionStores, p.region))
    diags.add('PC3016', "'artifacts.stores' names per-region stores, but the pipeline's own region is not set", p.spans.artifacts ?? p.span, { suggestion: "set 'region:'" });
  if (p.region && p.regionStores[p.region] && p.store)
    diags.add('PC3016', `the store for the pipeline's region ${p.region} is given twice ('artifacts.bucket' and 'artifacts.stores.${p.region}')`, p.spans.artifacts ?? p.span);
};

/** Whether `o` has a key other than `except` (without listing its keys). */
function hasOtherKey(o: object, except: string | undefined): boolean {
  for (const k in o) if (Object.hasOwn(o, k) && k !== except) return true;
  return false;
}
