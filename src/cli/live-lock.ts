import { hostname, userInfo } from 'node:os';
import type { ClientProvider } from '../live/client.js';
import { AwsFailure, FATAL_KINDS } from '../live/errors.js';
import { isObject } from '../live/json.js';
import { acquireLock, describeHolder, lockKey, newLockInfo, releaseLock, type LockLocation, type LockStore } from '../live/lock.js';
import type { DesiredPipeline } from '../live/plan.js';
import { VERSION } from '../version.js';
import type { CliContext } from './context.js';
import { UsageError } from './exit-codes.js';

/** --lock-timeout: `0` (the default: do not wait), `90` or `90s`, `5m`; in ms. */
export function lockTimeoutMs(raw: unknown): number {
  if (raw === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(String(raw).trim());
  const n = m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : Number.NaN;
  if (!Number.isFinite(n) || n > 86_400) throw new UsageError(`option '--lock-timeout' takes a duration such as 0, 30s or 5m (at most 24 h), not '${String(raw)}'`);
  return Math.round(n * 1000);
}

/**
 * Where a project's lock lives: in the artifact bucket of `first`, the configuration's first
 * pipeline by name, selected with --pipeline or not (its own region's store), under `.pipec/locks/<project>.json`. Every run of the same
 * configuration finds the same object; CodePipeline keeps its artifacts under other prefixes.
 */
export async function lockLocation(first: DesiredPipeline | undefined, project: string, clients: ClientProvider): Promise<LockLocation> {
  if (!first) throw new UsageError('the configuration has no pipeline, so there is no artifact bucket to keep the apply lock in');
  const region = first.region ?? (await clients.defaultRegion());
  const store = first.pipeline.artifactStore;
  const stores = first.pipeline.artifactStores;
  const own = isObject(store) ? store : isObject(stores) ? (Array.isArray(stores) ? undefined : (isObject(stores[region]) ? stores[region] : Object.values(stores).find(isObject))) : undefined;
  const bucket = isObject(own) && typeof own.location === 'string' ? own.location : undefined;
  if (!bucket) throw new UsageError(`pipeline '${first.name}' has no artifact bucket to keep the apply lock in`);
  return { bucket, region, key: lockKey(project) };
}

/** A held lock: release it when done (only if it is still this one). */
export interface HeldLock {
  store: LockStore;
  id: string;
  release(): Promise<void>;
}

/**
 * Takes the project's apply lock, waiting up to `timeoutMs`. Undefined after printing why not:
 * who holds it and since when, or the S3 failure.
 */
export async function takeLock(ctx: CliContext, clients: ClientProvider, at: LockLocation, project: string, timeoutMs: number, stopped: () => boolean): Promise<HeldLock | undefined> {
  let store: LockStore;
  try {
    store = await clients.lockStore(at);
    const who = `${safeUser()}@${hostname()}`;
    const info = newLockInfo(project, 'apply', who, process.pid, new Date(), VERSION);
    const got = await acquireLock(store, info, { timeoutMs, stopped });
    if (!got.ok) {
      const waited = timeoutMs > 0 ? ` (waited ${Math.round(timeoutMs / 1000)} s)` : '';
      ctx.stderr.write(
        `pipec: project '${project}' is locked${waited}: ${describeHolder(got.holder)} holds ${store.where}. Nothing was changed.\n` +
          `  Wait for that apply to finish (--lock-timeout 5m waits for it), or, if it is gone, remove its lock with 'pipec unlock'.\n`,
      );
      return undefined;
    }
    return {
      store,
      id: info.id,
      release: async () => {
        try {
          if (!(await releaseLock(store, info.id))) ctx.stderr.write(`pipec: the lock ${store.where} is no longer this apply's (someone removed or replaced it); left as it is\n`);
        } catch (e) {
          ctx.stderr.write(`pipec: could not release the lock ${store.where}: ${(e as Error).message}; remove it with 'pipec unlock'\n`);
        }
      },
    };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/[.?!]+$/, '');
    if (e instanceof AwsFailure && FATAL_KINDS.has(e.kind)) {
      ctx.stderr.write(`pipec: ${e.message}\n`);
      return undefined;
    }
    ctx.stderr.write(`pipec: cannot take the apply lock in s3://${at.bucket}/${at.key}: ${message}. Nothing was changed.\n  pipec keeps the lock in the artifact bucket; apply needs s3:PutObject, s3:GetObject and s3:DeleteObject on it (or --no-lock, which gives up that protection).\n`);
    return undefined;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
