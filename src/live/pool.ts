/** What became of one item given to {@link runPool}. */
export type PoolResult<T> = { status: 'done'; value: T } | { status: 'failed'; error: unknown } | { status: 'not-started' };

/**
 * Runs `work` over the items with at most `limit` at a time, results in item order. Once
 * `stop()` says so (checked before each item starts), the items not yet started are left alone.
 */
export async function runPool<I, T>(items: readonly I[], limit: number, work: (item: I, index: number) => Promise<T>, stop: () => boolean = () => false): Promise<PoolResult<T>[]> {
  const results: PoolResult<T>[] = items.map(() => ({ status: 'not-started' }));
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      try {
        results[i] = { status: 'done', value: await work(items[i] as I, i) };
      } catch (error) {
        results[i] = { status: 'failed', error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
