import { check, wasDropped } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import type { Span } from '../source.js';
import type { Place } from '../positions.js';
import { DEFAULT_REGION_STORE, PROMOTION } from '../schema/environments.js';
import type { SharedSettings, Store } from '../schema/pipeline.js';
import type { OnceReporter } from './interpolate.js';
import { isObj, roleAccount, type Obj } from './values.js';

/** What environments need to know about their pipeline, and the stores they add to it. */
export interface PipelineFacts {
  name: string;
  account?: string;
  /** The account would come from the pipeline's role ARN, which is not a valid ARN (reported where it is written). */
  accountUnreadable?: boolean;
  region?: string;
  connection?: string;
  /** `promotion.cross-account-role`, and where it is written. */
  crossAccountRole?: string;
  crossAccountRoleSpan?: Place;
  /** Stores for other regions that `artifacts.stores` does not name, made by the `region-store` convention. */
  addedStores: Map<string, Store>;
  /** Asks for an artifact store in a region an environment deploys to. */
  needStore(region: string, at: Span | undefined): void;
  /** Warns when a cross-account deploy would read artifacts without a customer-managed KMS key. */
  needKey(region: string | undefined, env: string, at: Span | undefined, report: OnceReporter): void;
}

const checked = new WeakSet<object>();

/** The pipeline's account, region, artifact stores and `promotion:` conventions (from the pipeline or the file's top). */
export function pipelineFacts(p: Obj, pAt: Place, shared: Obj | undefined, sharedAt: Place | undefined, settings: SharedSettings, diags: Diagnostics): PipelineFacts {
  const pick = (k: string): unknown => (p[k] !== undefined ? p[k] : shared?.[k]);
  const promotionValue = pick('promotion');
  let promotion: Obj = {};
  // Where `promotion:` is written: on the pipeline, or at the file's top.
  const promotionAt = (p.promotion !== undefined ? pAt : (sharedAt ?? pAt)).child('promotion');
  if (isObj(promotionValue)) {
    // A shared `promotion:` is checked once, not once per pipeline of the file.
    if (checked.has(promotionValue)) promotion = promotionValue;
    else if (check(diags, PROMOTION, promotionValue, 'promotion', promotionAt)) {
      promotion = promotionValue;
      checked.add(promotionValue);
    }
  } else if (promotionValue !== undefined) check(diags, PROMOTION, promotionValue, 'promotion', promotionAt);
  const artifacts = settings.artifacts;
  const bucket = typeof artifacts === 'string' ? artifacts : artifacts?.bucket;
  const kmsKey = typeof artifacts === 'object' ? artifacts['kms-key'] : undefined;
  const stores: Readonly<Record<string, Store>> = (typeof artifacts === 'object' ? artifacts.stores : undefined) ?? {};
  const account = settings.account ?? roleAccount(settings.role);
  const region = settings.region;
  const pattern = promotion['region-store'] ?? DEFAULT_REGION_STORE;
  const storeBucket = String(isObj(pattern) ? pattern.bucket : pattern);
  const storeKey = isObj(pattern) && typeof pattern['kms-key'] === 'string' ? pattern['kms-key'] : undefined;
  const addedStores = new Map<string, Store>();
  const fill = (text: string, r: string): string | undefined => (text.includes('${bucket}') && !bucket ? undefined : text.split('${bucket}').join(bucket ?? '').split('${region}').join(r));
  const keyOf = (store: unknown): string | undefined => (isObj(store) && typeof store['kms-key'] === 'string' ? store['kms-key'] : undefined);
  return {
    name: typeof p.name === 'string' ? p.name : 'pipeline',
    ...(account ? { account } : {}),
    ...(!account && (settings.role !== undefined || wasDropped(p, 'role') || wasDropped(p, 'account') || wasDropped(shared, 'role') || wasDropped(shared, 'account')) ? { accountUnreadable: true } : {}),
    ...(region ? { region } : {}),
    ...(settings.connection !== undefined ? { connection: settings.connection } : {}),
    ...(typeof promotion['cross-account-role'] === 'string' ? { crossAccountRole: promotion['cross-account-role'], crossAccountRoleSpan: promotionAt.child('cross-account-role') } : {}),
    addedStores,
    needStore(r) {
      // Without the pipeline's own region, or with the store named, the cross-region rule has the last word.
      if (!region || r === region || stores[r] !== undefined || addedStores.has(r)) return;
      const b = fill(storeBucket, r);
      if (b === undefined) return;
      const k = storeKey !== undefined ? fill(storeKey, r) : undefined;
      addedStores.set(r, k ? { bucket: b, 'kms-key': k } : b);
    },
    needKey(r, env, at, report) {
      const key = r && r !== region ? (keyOf(stores[r]) ?? keyOf(addedStores.get(r))) : (kmsKey ?? (region ? keyOf(stores[region]) : undefined));
      if (key) return;
      report.add('PC5005', `kms:${r ?? ''}`, `environment '${env}' deploys to another account, which cannot read artifacts encrypted with the default S3 key${r && r !== region ? ` (the store for ${r})` : ''}`, at, {
        suggestion: r && r !== region ? `give the ${r} store a 'kms-key' (artifacts.stores, or promotion.region-store: { bucket, kms-key })` : "set 'artifacts: { bucket: ..., kms-key: <customer-managed key ARN> }' and let the other account use the key",
      });
    },
  };
}
