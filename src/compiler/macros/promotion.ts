import type { Span } from '../source.js';
import type { Place } from '../positions.js';
import { DEFAULT_REGION_STORE } from '../schema/environments.js';
import type { PipelineInput } from '../schema/pipeline-input.js';
import type { Store } from '../schema/pipeline.js';
import type { OnceReporter } from './interpolate.js';
import { roleAccount } from './values.js';

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

/** The pipeline's account, region, artifact stores and `promotion:` conventions (read by the schema phase, from the pipeline or the file's top). */
export function pipelineFacts(p: PipelineInput): PipelineFacts {
  const { settings, promotion, promotionAt } = p;
  const artifacts = settings.artifacts;
  const bucket = typeof artifacts === 'string' ? artifacts : artifacts?.bucket;
  const kmsKey = typeof artifacts === 'object' ? artifacts['kms-key'] : undefined;
  const stores: Readonly<Record<string, Store>> = (typeof artifacts === 'object' ? artifacts.stores : undefined) ?? {};
  const account = settings.account ?? roleAccount(settings.role);
  const region = settings.region;
  const pattern = promotion['region-store'] ?? DEFAULT_REGION_STORE;
  const storeBucket = typeof pattern === 'string' ? pattern : pattern.bucket;
  const storeKey = typeof pattern === 'string' ? undefined : pattern['kms-key'];
  const addedStores = new Map<string, Store>();
  const fill = (text: string, r: string): string | undefined => (text.includes('${bucket}') && !bucket ? undefined : text.split('${bucket}').join(bucket ?? '').split('${region}').join(r));
  const keyOf = (store: Store | undefined): string | undefined => (typeof store === 'object' ? store['kms-key'] : undefined);
  return {
    name: p.read.name ?? 'pipeline',
    ...(account ? { account } : {}),
    ...(!account && (settings.role !== undefined || ['role', 'account'].some((k) => p.dropped.has(k) || p.file?.dropped.has(k))) ? { accountUnreadable: true } : {}),
    ...(region ? { region } : {}),
    ...(settings.connection !== undefined ? { connection: settings.connection } : {}),
    ...(promotion['cross-account-role'] !== undefined ? { crossAccountRole: promotion['cross-account-role'], crossAccountRoleSpan: promotionAt.child('cross-account-role') } : {}),
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
