import { randomUUID } from 'node:crypto';

/** What a lock object says about its holder. */
export interface LockInfo {
  id: string;
  project: string;
  operation: string;
  /** `user@host`. */
  who: string;
  pid: number;
  /** ISO-8601 UTC time the lock was taken. */
  since: string;
  pipecVersion: string;
}

/** Where a project's lock lives: an object in an S3 bucket (the artifact bucket). */
export interface LockLocation {
  bucket: string;
  region: string;
  key: string;
}

/** The three calls a lock needs; the SDK implementation uses S3's conditional PutObject. */
export interface LockStore {
  /** `s3://bucket/key`, for messages. */
  readonly where: string;
  /** Writes the object only if there is none (`If-None-Match: *`); false when one exists. */
  createIfAbsent(body: string): Promise<boolean>;
  /** The object's text, or undefined when there is none. */
  read(): Promise<string | undefined>;
  remove(): Promise<void>;
}

/** The key of a project's lock object. */
export function lockKey(project: string): string {
  return `.pipec/locks/${project}.json`;
}

/** A new lock description for this process. */
export function newLockInfo(project: string, operation: string, who: string, pid: number, now: Date, pipecVersion: string): LockInfo {
  return { id: randomUUID(), project, operation, who, pid, since: now.toISOString().replace(/\.\d+Z$/, 'Z'), pipecVersion };
}

/** Reads a lock object's text; text that is not a lock still names something (`an unreadable lock`). */
export function parseLockInfo(text: string | undefined): LockInfo | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.id === 'string' && typeof v.who === 'string' && typeof v.since === 'string') return v as LockInfo;
  } catch {
    // not JSON
  }
  return undefined;
}

/** `apply by alice@ci-7 (pid 4242) since 2026-12-01T21:30:00Z, lock id 6f1c…`. */
export function describeHolder(info: LockInfo | undefined): string {
  if (!info) return 'an unreadable lock object';
  return `${info.operation} by ${info.who} (pid ${info.pid}) since ${info.since}, lock id ${info.id}`;
}

export type AcquireResult = { ok: true } | { ok: false; holder: LockInfo | undefined };

/**
 * Takes the lock, waiting up to `timeoutMs` (polling every second) while someone else holds
 * it. A create that failed because our own earlier attempt had in fact landed counts as taken.
 */
export async function acquireLock(store: LockStore, info: LockInfo, opts: { timeoutMs: number; sleep?: (ms: number) => Promise<void>; now?: () => number; stopped?: () => boolean }): Promise<AcquireResult> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  const body = JSON.stringify(info, null, 2) + '\n';
  for (;;) {
    if (await store.createIfAbsent(body)) return { ok: true };
    const holder = parseLockInfo(await store.read());
    if (holder?.id === info.id) return { ok: true };
    const left = deadline - now();
    if (left <= 0 || opts.stopped?.()) return { ok: false, holder };
    await sleep(Math.min(1000, left));
  }
}

/** Removes the lock if it is still ours; true when removed. */
export async function releaseLock(store: LockStore, id: string): Promise<boolean> {
  const holder = parseLockInfo(await store.read());
  if (holder?.id !== id) return false;
  await store.remove();
  return true;
}
