import { CATEGORY_KEYS, PROVIDERS, providerByKind, type Category, type Owner, type Provider } from './catalog/index.js';
import { check, typeName } from './check.js';
import type { Diagnostics } from './diagnostics.js';
import type { ActionKind, WrittenMapping } from './model.js';
import { COMPUTE, INLINE_BUILD, providerSchema, RAW_ACTION } from './schema/actions.js';
import type { Span } from './source.js';
import { choices, didYouMean } from './suggest.js';
import { Built, madeAt, type Place } from './positions.js';
import { yamlBoolean } from './yaml-data.js';
import type { z } from 'zod';

export type InlineBuild = z.infer<ReturnType<typeof INLINE_BUILD>>;
export type ComputeSpec = z.infer<ReturnType<typeof COMPUTE>>;
export type RawSpec = z.infer<ReturnType<typeof RAW_ACTION>>;

/** An action's spec, read and checked: which action type it is and its settings in pipeline.yml terms. */
export interface ReadSpec {
  category: Category;
  owner: Owner;
  provider: string;
  version: string;
  /** The catalog entry; undefined for the raw form of a type pipec does not know. */
  catalog?: Provider;
  /** The provider's settings by pipeline.yml name (catalog providers). */
  fields: Record<string, unknown>;
  /** The flat settings mapping as written. */
  fieldsSource: WrittenMapping;
  /** Where each of the flat settings was written. */
  fieldsAt: Place;
  inline?: InlineBuild;
  compute?: ComputeSpec;
  raw?: RawSpec;
  /** The spec had errors (already reported); the action is kept only so its names and artifacts stay known. */
  invalid?: boolean;
}

/** Settings the file or pipeline supplies to specs that leave them out. */
export interface SpecDefaults {
  connection?: string;
}

const DEFAULT_KIND: Partial<Record<Category, string>> = { Approval: 'manual', Compute: 'commands' };

/** The provider kinds of each category (`s3`, `ecs`, ...), each once, in the catalog's order. */
const KINDS_OF = Object.fromEntries(Object.entries(PROVIDERS).map(([category, list]) => [category, [...new Set(list.map((p) => p.kind))]])) as Record<Category, string[]>;

/**
 * Reads `source:`, `build:`, `deploy:` ... values (macro or stage action) into a checked spec.
 * A spec with any error is not used, even when only unknown keys were left out: 'templat' must
 * not be followed by "needs 'template'" from the provider's own checks.
 */
export function readSpec(diags: Diagnostics, kind: ActionKind, spec: unknown, span: Place, defaults: SpecDefaults): ReadSpec | undefined {
  const before = diags.errorCount;
  const read = readSpecValue(diags, kind, spec, span, defaults);
  return diags.errorCount === before ? read : undefined;
}

function readSpecValue(diags: Diagnostics, kind: ActionKind, spec: unknown, span: Place, defaults: SpecDefaults): ReadSpec | undefined {
  if (kind === 'action') {
    const raw = check(diags, RAW_ACTION(), spec, 'action', span);
    if (!raw) return undefined;
    const owner = raw.owner ?? 'AWS';
    const catalog = PROVIDERS[raw.category].find((p) => p.owner === owner && p.provider === raw.provider && !p.customProvider);
    if (!checkRawType(diags, raw, owner, catalog, span)) return undefined;
    return {
      category: raw.category,
      owner,
      provider: raw.provider,
      version: raw.version ?? '1',
      ...(catalog ? { catalog } : {}),
      fields: {},
      // RAW_ACTION accepted it: a mapping.
      fieldsSource: spec as WrittenMapping,
      fieldsAt: span,
      raw,
    };
  }
  const category = CATEGORY_KEYS[kind] as Category;
  const providers = PROVIDERS[category];
  if (category === 'Source' && typeof spec === 'string') return readShorthand(diags, spec, span, defaults);
  if (category === 'Approval' && (spec === null || yamlBoolean(spec) === true)) {
    spec = {};
    span = madeAt(span);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    const hint = category === 'Source' ? " or a shorthand such as 'codecommit:repo@main'" : '';
    diags.add('PC2002', `'${kind}' must be a mapping${hint}, not ${typeName(spec)}`, span);
    return undefined;
  }
  const obj = spec as Record<string, unknown>;
  const kinds = KINDS_OF[category];
  let present: string[] = [];
  for (const k of Object.keys(obj)) if (kinds.includes(k)) present.push(k);
  // `connection:` is both a kind and the ARN setting of github/bitbucket/...: beside another kind it is that setting.
  if (present.length > 1) present = present.filter((k) => !present.some((o) => o !== k && providerByKind(category, o)?.fields.some((f) => f.name === k)));
  if (present.length > 1) {
    diags.add('PC2007', `'${kind}' names ${present.length} providers (${present.map((k) => `'${k}'`).join(' and ')}); an action has exactly one`, span.child(present[1] as string));
    return undefined;
  }
  const inlineBuild = (category === 'Build' || category === 'Test') && present.length === 0;
  if (inlineBuild) {
    const inline = check(diags, INLINE_BUILD(), obj, `'${kind}'`, span);
    if (!inline) return undefined;
    const catalog = providers.find((p) => p.inlineBuilds) as Provider;
    return { category, owner: 'AWS', provider: 'CodeBuild', version: '1', catalog, fields: {}, fieldsSource: obj, fieldsAt: span, inline };
  }
  let providerKind = present[0] ?? DEFAULT_KIND[category];
  if (!providerKind) {
    const unknown = Object.keys(obj)[0];
    const guess = unknown ? didYouMean(unknown, kinds) : undefined;
    diags.add('PC2010', `'${kind}' needs a provider: one of ${choices(kinds)}`, span.node(), {
      ...(guess ? { suggestion: `did you mean '${guess}'?` } : { suggestion: `for example: ${kind}: { ${kinds[0]}: ... }` }),
    });
    return undefined;
  }
  if (category === 'Compute') {
    const compute = check(diags, COMPUTE(), obj, `'${kind}'`, span);
    if (!compute) return undefined;
    const catalog = providers[0] as Provider;
    return { category, owner: 'AWS', provider: 'Commands', version: '1', catalog, fields: {}, fieldsSource: obj, fieldsAt: span, compute };
  }
  const catalog = providerByKind(category, providerKind) as Provider;
  const flattened = flatten(diags, obj, providerKind, catalog, span, defaults);
  if (!flattened) return undefined;
  const [flat, flatAt] = flattened;
  const fields = check(diags, providerSchema(catalog), flat, `'${providerKind}'`, flatAt) as Record<string, unknown> | undefined;
  if (!fields) return undefined;
  const provider = catalog.customProvider ? String(fields.provider) : catalog.provider;
  const version = catalog.customProvider && fields.version !== undefined ? String(fields.version) : catalog.version;
  return { category, owner: catalog.owner, provider, version, catalog, fields, fieldsSource: flat, fieldsAt: flatAt };
}

const KNOWN_TYPES: readonly Provider[] = Object.values(PROVIDERS).flatMap((list) => list.filter((p) => !p.customProvider));

/**
 * A raw action of a type pipec knows is held to what that type is: the category, owner and version
 * CodePipeline registers it under (S31). Custom types are the user's own, so anything goes there.
 */
function checkRawType(diags: Diagnostics, raw: RawSpec, owner: Owner, catalog: Provider | undefined, span: Place): boolean {
  if (owner === 'Custom') return true;
  const at = (key: string): Span => ((raw as Record<string, unknown>)[key] !== undefined ? span.child(key) : span.node());
  if (catalog) {
    const version = raw.version ?? '1';
    if (version === catalog.version) return true;
    diags.add('PC3032', `${catalog.category} action type '${catalog.provider}' (owner ${catalog.owner}) has only version ${catalog.version}, not '${version}'`, at('version'), {
      suggestion: `write version: "${catalog.version}", or leave 'version' out`,
    });
    return false;
  }
  const same = KNOWN_TYPES.filter((p) => p.provider === raw.provider);
  if (same.length > 0) {
    const kinds = [...new Set(same.map((p) => `${p.category} (owner ${p.owner})`))];
    const wrongOwner = same.some((p) => p.category === raw.category);
    const fix = wrongOwner ? `owner: ${same.find((p) => p.category === raw.category)?.owner}` : `category: ${same[0]?.category}`;
    diags.add('PC3032', `there is no ${raw.category} action type '${raw.provider}' owned by ${owner}; '${raw.provider}' is a ${kinds.join(' or ')} action type`, at(wrongOwner ? 'owner' : 'category'), {
      suggestion: `write '${fix}', or use the typed form (${CATEGORY_KEY_OF[same[0]?.category ?? 'Deploy']}: { ${same[0]?.kind}: ... })`,
    });
    return false;
  }
  if (owner === 'AWS') {
    // AWS's own types are a closed set; a near spelling of one is a typo, not a type pipec does not know.
    const names = [...new Set(KNOWN_TYPES.filter((p) => p.owner === 'AWS').map((p) => p.provider))];
    const guess = names.find((n) => n.toLowerCase() === raw.provider.toLowerCase()) ?? didYouMean(raw.provider, names);
    if (guess) {
      diags.add('PC3032', `there is no AWS action type '${raw.provider}' (provider names are case-sensitive)`, at('provider'), { suggestion: `did you mean '${guess}'?` });
      return false;
    }
  }
  return true;
}

const CATEGORY_KEY_OF: Readonly<Record<Category, string>> = Object.fromEntries(Object.entries(CATEGORY_KEYS).map(([k, c]) => [c, k])) as Record<Category, string>;

/**
 * Merges the two ways of writing settings, beside the provider key or inside it, into one mapping.
 * `{ s3: site-bucket, extract: true }` and `{ s3: { bucket: site-bucket, extract: true } }` read the same.
 */
function flatten(diags: Diagnostics, obj: Record<string, unknown>, providerKind: string, p: Provider, span: Place, defaults: SpecDefaults): [Record<string, unknown>, Place] | undefined {
  const flat: Record<string, unknown> = {};
  // Where each setting was written: inside the provider key, as its value, or beside it.
  const places = new Map<string, Place>();
  const inner = obj[providerKind];
  let ok = true;
  if (inner !== undefined && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
    const innerAt = span.child(providerKind);
    for (const k of Object.keys(inner)) {
      flat[k] = (inner as Record<string, unknown>)[k];
      places.set(k, innerAt.child(k));
    }
  } else if (inner !== undefined && inner !== null) {
    const target = p.customProvider ? 'provider' : p.primary;
    if (p.primarySplit) {
      const text = String(inner);
      const slash = text.indexOf('/');
      if (slash <= 0 || slash === text.length - 1) {
        diags.add('PC2009', `'${providerKind}: ${text}' should be written ${p.primarySplit[0]}/${p.primarySplit[1]}`, span.child(providerKind));
        return undefined;
      }
      flat[p.primarySplit[0]] = text.slice(0, slash);
      flat[p.primarySplit[1]] = text.slice(slash + 1);
      places.set(p.primarySplit[0], span.child(providerKind));
      places.set(p.primarySplit[1], span.child(providerKind));
    } else if (target) {
      flat[target] = inner;
      places.set(target, span.child(providerKind));
    } else {
      diags.add('PC2002', `'${providerKind}' takes a mapping of settings here, not ${typeName(inner)}`, span.child(providerKind));
      return undefined;
    }
  } else if (p.customProvider) {
    flat.provider = providerKind;
  }
  for (const k of Object.keys(obj)) {
    if (k === providerKind) continue;
    const v = obj[k];
    if (Object.hasOwn(flat, k)) {
      diags.add('PC2008', `'${k}' is given twice, beside '${providerKind}' and inside it`, span.child(k));
      ok = false;
      continue;
    }
    flat[k] = v;
    places.set(k, span.child(k));
  }
  if (flat.connection === undefined && defaults.connection && takesConnection(p)) flat.connection = defaults.connection;
  return ok ? [flat, new Built(span.node(), places)] : undefined;
}

/** Providers with a CodeStar connection setting (`ConnectionArn`), which a file's or pipeline's `connection:` fills in. */
const CONNECTION_PROVIDERS: ReadonlySet<Provider> = new Set(Object.values(PROVIDERS).flatMap((list) => list.filter((p) => p.fields.some((f) => f.key === 'ConnectionArn'))));

function takesConnection(p: Provider): boolean {
  return CONNECTION_PROVIDERS.has(p);
}

/** Source providers with a `kind:location` shorthand, in the catalog's order. */
const SHORTHANDS: readonly Provider[] = PROVIDERS.Source.filter((p) => p.shorthand);
const SHORTHAND_KINDS = SHORTHANDS.map((p) => p.kind);

/** Reads `codecommit:repo@branch`, `github:owner/repo@branch`, `s3:bucket/key`, `ecr:repo@tag` (each provider's `shorthand`). */
function readShorthand(diags: Diagnostics, text: string, span: Place, defaults: SpecDefaults): ReadSpec | undefined {
  const colon = text.indexOf(':');
  const kind = colon > 0 ? text.slice(0, colon) : '';
  const rest = colon > 0 ? text.slice(colon + 1) : '';
  const p = SHORTHANDS.find((s) => s.kind === kind);
  const form = p?.shorthand;
  if (!p || !form) {
    const guess = kind ? didYouMean(kind, SHORTHAND_KINDS) : undefined;
    diags.add('PC2009', `cannot read source '${text}': expected kind:location, with kind one of ${choices(SHORTHAND_KINDS)}`, span, {
      suggestion: guess ? `did you mean '${guess}:${rest}'?` : "for example 'codecommit:my-repo@main' or 'github:owner/repo@main'",
    });
    return undefined;
  }
  const flat: Record<string, unknown> = {};
  const flatAt = madeAt(span);
  if (form.split) {
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) {
      diags.add('PC2009', `cannot read source '${text}': write ${kind}:${form.example}`, span);
      return undefined;
    }
    flat[form.split[0]] = rest.slice(0, slash);
    flat[form.split[1]] = rest.slice(slash + 1);
  } else {
    const at = form.colonRef ? Math.max(rest.lastIndexOf('@'), rest.lastIndexOf(':')) : rest.lastIndexOf('@');
    const name = at > 0 ? rest.slice(0, at) : rest;
    const ref = at > 0 ? rest.slice(at + 1) : '';
    if (!name || (!form.optionalRef && !ref)) {
      diags.add('PC2009', `cannot read source '${text}': write ${kind}:${form.example}@branch`, span, {
        suggestion: `for example '${kind}:${name || form.example}@main'`,
      });
      return undefined;
    }
    if (form.name) flat[form.name] = name;
    if (form.ref && (ref || !form.optionalRef)) flat[form.ref] = ref;
    if (takesConnection(p)) {
      if (!defaults.connection) {
        diags.add('PC2003', `source '${text}' needs a CodeStar connection ARN`, span, {
          suggestion: "set 'connection: arn:aws:codestar-connections:...' at the top of the file or the pipeline, or use the long form { " + kind + ': ..., connection: ... }',
        });
        return undefined;
      }
      flat.connection = defaults.connection;
    }
  }
  const fields = check(diags, providerSchema(p), flat, `'${kind}'`, flatAt) as Record<string, unknown> | undefined;
  if (!fields) return undefined;
  return { category: 'Source', owner: p.owner, provider: p.provider, version: p.version, catalog: p, fields, fieldsSource: flat, fieldsAt: flatAt };
}
