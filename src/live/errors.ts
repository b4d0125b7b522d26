/** What went wrong talking to AWS, in words a user can act on. */
/**
 * `unreachable`: the request never got there (refused, no such host, no connection in time);
 * `lost`: it was sent but no answer came (reset, timed out, or an answer that is not AWS's);
 * `server`: the service answered 5xx. After `lost`, `server`, `aborted` and `other`, a write may
 * or may not have taken effect.
 */
export type FailureKind = 'unreachable' | 'lost' | 'credentials' | 'region' | 'denied' | 'throttled' | 'rejected' | 'server' | 'aborted' | 'other';

/** Kinds after which a write may or may not have taken effect: apply reads the pipeline back. */
export const UNCERTAIN_KINDS: ReadonlySet<FailureKind> = new Set(['lost', 'server', 'aborted', 'other']);

/** Kinds after which no further call can succeed, so no further call is started. */
export const FATAL_KINDS: ReadonlySet<FailureKind> = new Set(['unreachable', 'lost', 'credentials', 'region', 'aborted']);

const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

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
  /** The service called (default CodePipeline). */
  service?: string;
  /** The timeouts in force, to say which one ran out. */
  timeouts?: { connectMs: number; requestMs: number };
}

const seconds = (ms: number) => `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;

/** Turns whatever the SDK threw into an AwsFailure with one clear line. */
export function describeFailure(e: unknown, call: CallContext): AwsFailure {
  if (e instanceof AwsFailure) return e;
  const err = (e ?? {}) as { name?: string; message?: string; code?: string; errors?: Array<{ code?: string }>; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = err.name ?? '';
  const message = (err.message ?? String(e)).split('\n')[0]?.trim() ?? '';
  const code = err.code ?? err.errors?.find((x) => x.code)?.code;
  const what = `${call.operation}${call.pipeline ? ` ('${call.pipeline}')` : call.stack ? ` (stack '${call.stack}')` : ''}`;
  const service = call.service ?? 'CodePipeline';
  if (name === 'AbortError' || (e as { name?: string })?.name === 'AbortError') return new AwsFailure(`${what} was abandoned (interrupted)`, 'aborted', e);
  // The SDK names a reset connection TimeoutError too: the code says which it was.
  if (code && code !== 'ETIMEDOUT' && NETWORK[code]) return new AwsFailure(`cannot reach ${service} at ${call.endpoint}: ${NETWORK[code]}`, NOT_SENT.has(code) ? 'unreachable' : 'lost', e);
  if (name === 'TimeoutError' || name === 'RequestTimeout' || code === 'ETIMEDOUT') {
    const connecting = /without establishing a connection|connect/i.test(message);
    const t = call.timeouts;
    const limit = t ? ` within ${seconds(connecting ? t.connectMs : t.requestMs)}` : '';
    const knob = connecting ? '--connect-timeout or PIPEC_CONNECT_TIMEOUT' : '--request-timeout or PIPEC_REQUEST_TIMEOUT';
    return new AwsFailure(`${what}: ${service} at ${call.endpoint} ${connecting ? 'did not accept a connection' : 'did not answer'}${limit} (raise it with ${knob})`, connecting ? 'unreachable' : 'lost', e);
  }
  if (name === 'SyntaxError' || /Deserialization error|is not valid JSON|Unexpected token|char \d+|non-whitespace/i.test(message) || (name === 'UnknownError' && err.$metadata?.httpStatusCode !== undefined)) {
    const res = (e as { $response?: { statusCode?: number; headers?: Record<string, string> } }).$response;
    const status = err.$metadata?.httpStatusCode ?? res?.statusCode;
    const type = res?.headers?.['content-type'];
    return new AwsFailure(`${call.endpoint} did not answer ${what} as the ${service} API would (HTTP ${status ?? '?'}${type ? `, ${type.split(';')[0]}` : ''}, not an AWS response); is the endpoint right?`, 'lost', e);
  }
  if (name === 'CredentialsProviderError')
    return new AwsFailure(`no AWS credentials found (${message}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE or --profile`, 'credentials', e);
  if (/region is missing/i.test(message)) return new AwsFailure('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile', 'region', e);
  if (BAD_CREDENTIALS.has(name)) return new AwsFailure(`AWS rejected the credentials (${name}): ${message}`, 'credentials', e);
  // A refusal without a body (S3's answer to HEAD) reaches the SDK as 'UnknownError': say what it was.
  if (DENIED.has(name) || err.$metadata?.httpStatusCode === 403) return new AwsFailure(`access denied for ${what}: ${message && message !== 'UnknownError' ? message : 'Forbidden (HTTP 403)'}`, 'denied', e);
  if (THROTTLING.has(name)) {
    const attempts = err.$metadata?.attempts;
    return new AwsFailure(
      `CodePipeline kept throttling ${what}${attempts ? ` after ${attempts} attempts` : ''}; lower --concurrency or raise AWS_MAX_ATTEMPTS`,
      'throttled',
      e,
    );
  }
  if (err.$metadata?.httpStatusCode !== undefined) {
    const status = err.$metadata.httpStatusCode;
    // A 5xx says nothing about whether a write took effect: apply reads the pipeline back.
    return new AwsFailure(`${service} ${status >= 500 ? 'failed on' : 'refused'} ${what}: ${name}${message && message !== name ? `: ${message}` : ''}${status >= 500 ? ` (HTTP ${status})` : ''}`, status >= 500 ? 'server' : 'rejected', e);
  }
  return new AwsFailure(`${what} failed: ${message || name}`, 'other', e);
}
