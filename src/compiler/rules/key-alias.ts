import type { IrStore } from '../ir.js';
import type { Rule } from './types.js';

const accountOf = (arn: string | undefined): string | undefined => /^arn:[^:]+:iam::(\d{12}):/.exec(arn ?? '')?.[1];
const isAlias = (key: string): boolean => key.startsWith('alias/') || /^arn:[^:]+:kms:[^:]*:\d{12}:alias\//.test(key);

/**
 * A KMS key named by alias is found only in the account that owns it; "for cross-account actions,
 * you can only use the key ID or key ARN" (API reference, EncryptionKey). An action whose role is in
 * another account reads its artifacts through that key, so the store it uses must name the key by ARN.
 */
export const keyAlias: Rule = (p, diags) => {
  const home = p.account ?? accountOf(p.roleArn);
  if (!home) return;
  const storeFor = (region: string | undefined): IrStore | undefined => (region && region !== p.region ? p.regionStores[region] : (p.store ?? (p.region ? p.regionStores[p.region] : undefined)));
  const reported = new Set<IrStore>();
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const account = accountOf(a.roleArn);
      if (!account || account === home) continue;
      const store = storeFor(a.region);
      if (!store?.kmsKey || !isAlias(store.kmsKey) || reported.has(store)) continue;
      reported.add(store);
      diags.add('PC3035', `action '${a.name}' runs in account ${account}, but the artifact store's KMS key is named by alias ('${store.kmsKey}'); another account cannot resolve an alias`, p.spans.artifacts ?? p.span, {
        notes: a.spans.role ? [{ message: `'${a.name}' assumes a role in account ${account} here`, span: a.spans.role }] : [],
        suggestion: `name the key by its ARN: arn:aws:kms:<region>:${home}:key/<key-id>`,
      });
    }
};
