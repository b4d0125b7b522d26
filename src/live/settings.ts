import type { ProfileView } from './aws-config.js';

/** The AWS services pipec calls, by the identifiers AWS_ENDPOINT_URL_<ID> and `services` sections use. */
export type Service = 'codepipeline' | 'sts' | 's3' | 'iam' | 'codebuild' | 'eventbridge';

/** How to reach AWS, resolved from flags, the environment and the profile before any SDK code loads. */
export interface AwsSettings {
  /** --region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's; undefined: the SDK is asked. */
  region?: string;
  /** Where the region came from, for messages (`--region`, `AWS_REGION`, `profile 'ci'`). */
  regionFrom?: string;
  profile?: string;
  /** The CodePipeline endpoint: --endpoint-url, AWS_ENDPOINT_URL_CODEPIPELINE, AWS_ENDPOINT_URL, the profile's. */
  endpoint?: string;
  /** Where the CodePipeline endpoint came from, for messages. */
  endpointFrom?: string;
  /** Endpoints of the other services, resolved the same way (--endpoint-url counts for all). */
  endpoints: Partial<Record<Exclude<Service, 'codepipeline'>, string>>;
  /** Keys from the environment, when no profile was asked for; otherwise the SDK's own chain finds them. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per read, throttling retries included (AWS_MAX_ATTEMPTS; default 5). Writes are retried only when throttled. */
  maxAttempts: number;
  /** Time to open a connection, per attempt (--connect-timeout, PIPEC_CONNECT_TIMEOUT). */
  connectTimeoutMs: number;
  /** Time to wait for an answer, per attempt (--request-timeout, PIPEC_REQUEST_TIMEOUT). */
  requestTimeoutMs: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_CONNECT_TIMEOUT_S = 10;
export const DEFAULT_REQUEST_TIMEOUT_S = 30;

/** Flags as the CLI read them (timeouts already checked, in seconds). */
export interface AwsFlags {
  region?: string;
  profile?: string;
  endpoint?: string;
  connectTimeout?: number;
  requestTimeout?: number;
}

/**
 * Applies the usual AWS precedence to the flags, the given environment and the profile's
 * settings. The environment is passed in rather than read from `process.env`, so a command sees
 * exactly the one it was given; the profile is read by the caller (it is a file).
 * Endpoints: --endpoint-url, then AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then the
 * profile's `services` section and `endpoint_url`; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
 * ignores all but the flag.
 */
export function resolveAwsSettings(flags: AwsFlags, env: Record<string, string | undefined>, profile?: ProfileView): AwsSettings {
  const profileName = flags.profile ?? (nonEmpty(env.AWS_PROFILE) || undefined);
  const ignoreConfigured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  const endpointOf = (service: Service): { url: string; from: string } | undefined => {
    if (flags.endpoint) return { url: flags.endpoint, from: '--endpoint-url' };
    if (ignoreConfigured) return undefined;
    const own = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
    if (nonEmpty(env[own])) return { url: env[own] as string, from: own };
    if (nonEmpty(env.AWS_ENDPOINT_URL)) return { url: env.AWS_ENDPOINT_URL as string, from: 'AWS_ENDPOINT_URL' };
    const p = profile?.endpointFor(service);
    return p ? { url: p, from: `profile '${profileName ?? 'default'}'` } : undefined;
  };
  const regionFrom = flags.region ? '--region' : nonEmpty(env.AWS_REGION) ? 'AWS_REGION' : nonEmpty(env.AWS_DEFAULT_REGION) ? 'AWS_DEFAULT_REGION' : profile?.region ? `profile '${profileName ?? 'default'}'` : undefined;
  const region = flags.region ?? (nonEmpty(env.AWS_REGION) || nonEmpty(env.AWS_DEFAULT_REGION) || profile?.region || undefined);
  const attempts = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? '', 10);
  const out: AwsSettings = {
    maxAttempts: Number.isFinite(attempts) && attempts >= 1 ? attempts : DEFAULT_MAX_ATTEMPTS,
    endpoints: {},
    connectTimeoutMs: Math.round((flags.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000),
    requestTimeoutMs: Math.round((flags.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_S) * 1000),
  };
  if (region) out.region = region;
  if (regionFrom) out.regionFrom = regionFrom;
  if (profileName) out.profile = profileName;
  const cp = endpointOf('codepipeline');
  if (cp) {
    out.endpoint = cp.url;
    out.endpointFrom = cp.from;
  }
  for (const s of ['sts', 's3', 'iam', 'codebuild', 'eventbridge'] as const) {
    const e = endpointOf(s);
    if (e) out.endpoints[s] = e.url;
  }
  const id = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secret = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (!flags.profile && id && secret) {
    const token = nonEmpty(env.AWS_SESSION_TOKEN);
    out.credentials = { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
  }
  return out;
}

function nonEmpty(v: string | undefined): string {
  return v && v.trim() !== '' ? v : '';
}
