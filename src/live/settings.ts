/** How to reach AWS, resolved from flags and the environment before any SDK code loads. */
export interface AwsSettings {
  /** --region, else AWS_REGION / AWS_DEFAULT_REGION; undefined: the SDK reads the profile's. */
  region?: string;
  profile?: string;
  /** --endpoint-url, else AWS_ENDPOINT_URL_CODEPIPELINE / AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Keys from the environment, when no profile was asked for; otherwise the SDK's own chain finds them. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per call, throttling retries included (AWS_MAX_ATTEMPTS; default 5). */
  maxAttempts: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Applies the usual AWS precedence to the flags and the given environment. The environment is
 * passed in rather than read from `process.env`, so a command sees exactly the one it was given.
 */
export function resolveAwsSettings(flags: { region?: string; profile?: string; endpoint?: string }, env: Record<string, string | undefined>): AwsSettings {
  const profile = flags.profile ?? (nonEmpty(env.AWS_PROFILE) || undefined);
  const ignoreConfigured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true';
  const endpoint = flags.endpoint ?? (ignoreConfigured ? undefined : nonEmpty(env.AWS_ENDPOINT_URL_CODEPIPELINE) || nonEmpty(env.AWS_ENDPOINT_URL) || undefined);
  const region = flags.region ?? (nonEmpty(env.AWS_REGION) || nonEmpty(env.AWS_DEFAULT_REGION) || undefined);
  const attempts = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? '', 10);
  const out: AwsSettings = { maxAttempts: Number.isFinite(attempts) && attempts >= 1 ? attempts : DEFAULT_MAX_ATTEMPTS };
  if (region) out.region = region;
  if (profile) out.profile = profile;
  if (endpoint) out.endpoint = endpoint;
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
