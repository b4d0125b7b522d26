/** The sections of an AWS shared config or credentials file: name -> key -> value; nested values (`s3 =` + indented lines) as `s3.endpoint_url`. */
export type IniSections = Map<string, Map<string, string>>;

/** Parses the AWS shared config/credentials INI dialect: `[section]`, `key = value`, indented sub-keys, `#`/`;` comments. */
export function parseIni(text: string): IniSections {
  const out: IniSections = new Map();
  let section: Map<string, string> | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const head = /^\[\s*([^\]]+?)\s*\]/.exec(raw);
    if (head) {
      const name = (head[1] as string).replace(/\s+/g, ' ');
      section = out.get(name) ?? new Map<string, string>();
      out.set(name, section);
      parent = undefined;
      continue;
    }
    const kv = /^(\s*)([^=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!section || !kv) continue;
    const [, indent, key, value] = kv as unknown as [string, string, string, string];
    if (indent.length > 0 && parent !== undefined) section.set(`${parent}.${key.toLowerCase()}`, value);
    else {
      section.set(key.toLowerCase(), value);
      parent = value === '' ? key.toLowerCase() : undefined;
    }
  }
  return out;
}

/** What the shared files say about one profile. */
export interface ProfileView {
  /** The profile is in the config file or the credentials file. */
  exists: boolean;
  region?: string;
  /** `endpoint_url` for a service (`services` section first, then the profile's own). */
  endpointFor(service: string): string | undefined;
}

/**
 * Looks a profile up as the AWS CLI and SDKs do: `[profile NAME]` (or `[default]`) in the config
 * file, `[NAME]` in the credentials file; a `services = S` setting points at `[services S]`,
 * whose `codepipeline = / endpoint_url = ...` entries win over the profile's `endpoint_url`.
 * `ignore_configured_endpoint_urls = true` turns the configured endpoints off.
 */
export function profileView(name: string, config: IniSections, credentials: IniSections): ProfileView {
  const section = config.get(name === 'default' ? 'default' : `profile ${name}`) ?? (name === 'default' ? config.get('profile default') : undefined);
  const exists = section !== undefined || credentials.has(name);
  const services = section?.get('services') ? config.get(`services ${section.get('services') as string}`) : undefined;
  const ignore = section?.get('ignore_configured_endpoint_urls')?.toLowerCase() === 'true';
  return {
    exists,
    ...(section?.get('region') ? { region: section.get('region') as string } : {}),
    endpointFor: (service) => (ignore ? undefined : services?.get(`${service}.endpoint_url`) || section?.get('endpoint_url') || undefined),
  };
}
