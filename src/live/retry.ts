/** The SDK's retry-token shape (RetryStrategyV2), without importing the SDK. */
interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** What the SDK says about a failed attempt. */
interface ErrorInfo {
  errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  error?: { name?: string; code?: string };
}

/**
 * pipec's retry policy, given to the SDK as its retry strategy.
 * - Throttled calls are always retried, with exponential backoff and full jitter: a throttled
 *   request did not take effect.
 * - Reads are also retried after a 5xx or a dropped connection: reading twice is harmless.
 * - Writes are not: a write that took effect may still answer 500 or lose its answer, and sent
 *   again it would be applied twice (or report "already exists"). apply reads the pipeline back
 *   instead and reports what happened.
 * - A call that timed out is never retried, so a stuck endpoint fails within the timeout.
 */
export function retryPolicy(kind: 'read' | 'write', maxAttempts: number) {
  const token = (count: number, delay: number): Token => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async (): Promise<Token> => token(0, 0),
    refreshRetryTokenForRetry: async (previous: Token, info: ErrorInfo): Promise<Token> => {
      const count = previous.getRetryCount() + 1;
      if (count >= maxAttempts || !retryable(kind, info)) throw new Error('not retried');
      const base = info.errorType === 'THROTTLING' ? 500 : 100;
      return token(count, Math.floor(Math.random() * Math.min(20_000, base * 2 ** count)));
    },
    recordSuccess: (): void => undefined,
  };
}

function retryable(kind: 'read' | 'write', info: ErrorInfo): boolean {
  if (info.errorType === 'THROTTLING') return true;
  if (kind === 'write') return false;
  if (info.error?.name === 'TimeoutError' || info.error?.code === 'ETIMEDOUT') return false;
  return info.errorType === 'TRANSIENT' || info.errorType === 'SERVER_ERROR';
}
