import type { IrStore } from '../ir.js';
import type { Rule } from './types.js';

const accountOf = (arn: string | undefined): string | undefined => /^arn:[^:]+:iam::(\d{12}):/.exec(arn ?? '')?.[1];
const isAlias = (key: string): boolean => key.startsWith('alias/') || /^arn:[^:]+:kms:[^:]*:\d{12}:alias\//.test(key);
/** A key named without an ARN: by key ID (`1234abcd-...`, `mrk-...`), which each account looks up among its own keys. */
const isBareId = (key: string): boolean => !key.startsWith('arn:') && !key.startsWith('alias/') && !key.includes('#{');

/**
 * A KMS key named by alias is found only in the account that owns it, and a bare key ID is looked up
 * in the account of the caller: "Cross-account actions involve using the role from the other account
 * (AccountB), so specifying the key ID will use the key from the other account (AccountB)" (API
 * reference, EncryptionKey). An action whose role is in another account reads and writes its
 * artifacts through that key, so the store it uses must name the key by its ARN.
 */
export const keyAlias: Rule = (p, diags) => {
  const home = p.account ?? accountOf(p.roleArn);
  if (!home) return;
  const storeFor = (region: string | undefined): IrStore | undefined => (region && region !== p.region ? p.regionStores[region] : (p.store ?? (p.region ? p.regionStores[p.region] : undefined)));
  let reported: Set<IrStore> | undefined;
  for (const stage of p.stages)
    for (const a of stage.actions) {
      if (!a.roleArn) continue;
      const account = accountOf(a.roleArn);
      if (!account || account === home) continue;
      const store = storeFor(a.region);
      const key = store?.kmsKey;
      if (!store || !key || reported?.has(store)) continue;
      const alias = isAlias(key);
      if (!alias && !isBareId(key)) continue;
      (reported ??= new Set()).add(store);
      const region = a.region ?? p.region ?? '<region>';
      const why = alias
        ? `is named by alias ('${key}'); another account cannot resolve an alias`
        : `is named by key ID ('${key}'); account ${account} would look for a key with that ID among its own keys, not account ${home}'s`;
      diags.add('PC3035', `action '${a.name}' runs in account ${account}, but the artifact store's KMS key ${why}`, p.spans.artifacts ?? p.span, {
        notes: a.spans.role ? [{ message: `'${a.name}' assumes a role in account ${account} here`, span: a.spans.role }] : [],
        suggestion: `name the key by its ARN: arn:aws:kms:${region}:${home}:key/${alias ? '<key-id>' : key}`,
      });
    }
};
