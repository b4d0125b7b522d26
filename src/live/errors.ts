/** What went wrong talking to AWS, in words a user can act on. */
export type FailureKind = 'unreachable' | 'credentials' | 'region' | 'denied' | 'throttled' | 'rejected' | 'other';

/** A failed AWS call, described in one line; `kind` lets callers stop early when the endpoint is gone. */
export class AwsFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly original?: unknown,
  ) {
    super(message);
    this.name = 'AwsFailure';
  }
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused; is it running?',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
};

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown']);
const BAD_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch']);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException']);

/** What the failed call was, for the message. */
export interface CallContext {
  operation: string;
  pipeline?: string;
  /** A CloudFormation stack the call was about (stack mode). */
  stack?: string;
  endpoint: string;
  /** The service called, for messages (default CodePipeline). */
  service?: string;
}

/** Turns whatever the SDK threw into an AwsFailure with one clear line. */
export function describeFailure(e: unknown, call: CallContext): AwsFailure {
  if (e instanceof AwsFailure) return e;
  const err = (e ?? {}) as { name?: string; message?: string; code?: string; errors?: Array<{ code?: string }>; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = err.name ?? '';
  const message = (err.message ?? String(e)).split('\n')[0]?.trim() ?? '';
  const code = err.code ?? err.errors?.find((x) => x.code)?.code;
  const what = `${call.operation}${call.pipeline ? ` ('${call.pipeline}')` : call.stack ? ` (stack '${call.stack}')` : ''}`;
  const service = call.service ?? 'CodePipeline';
  if ((code && NETWORK[code]) || name === 'TimeoutError' || name === 'RequestTimeout')
    return new AwsFailure(`cannot reach ${service} at ${call.endpoint}: ${code ? NETWORK[code] : 'timed out'}`, 'unreachable', e);
  if (name === 'CredentialsProviderError')
    return new AwsFailure(`no AWS credentials found (${message}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE or --profile`, 'credentials', e);
  if (/region is missing/i.test(message)) return new AwsFailure('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile', 'region', e);
  if (BAD_CREDENTIALS.has(name)) return new AwsFailure(`AWS rejected the credentials (${name}): ${message}`, 'credentials', e);
  if (DENIED.has(name) || err.$metadata?.httpStatusCode === 403) return new AwsFailure(`access denied for ${what}: ${message}`, 'denied', e);
  if (THROTTLING.has(name)) {
    const attempts = err.$metadata?.attempts;
    return new AwsFailure(
      `${service} kept throttling ${what}${attempts ? ` after ${attempts} attempts` : ''}; lower --concurrency or raise AWS_MAX_ATTEMPTS`,
      'throttled',
      e,
    );
  }
  if (err.$metadata?.httpStatusCode !== undefined) return new AwsFailure(`${service} refused ${what}: ${name}: ${message}`, 'rejected', e);
  return new AwsFailure(`${what} failed: ${message || name}`, 'other', e);
}
