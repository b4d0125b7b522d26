import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

/**
 * Examples for the keys that neither the key table (schema/descriptions.ts) nor any file of
 * examples/ gives one: provider settings no example uses. Each must be valid wherever the key stands without
 * an example; a test validates every example of the schema against its own key's schema.
 */
const MORE: Record<string, unknown> = {
  'deployment-groups': [{ application: 'orders', name: 'orders', platform: 'lambda', config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute', alarms: ['orders-api-errors'] }],
  batch: true,
  'combine-artifacts': true,
  cloudbees: 'MyCloudBeesProvider',
  repository: 'web',
  registry: 'private',
  ecs: { cluster: 'main', service: 'web', listener: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/web/0123456789abcdef/fedcba9876543210', 'target-groups': ['web-blue', 'web-green'] },
  servers: { 'auto-scaling-groups': ['web-asg'], 'target-group': 'web' },
  condition: { result: 'rollback', rules: [{ alarm: 'HighErrors' }] },
  'detect-changes': true,
  'github-enterprise': { repository: 'acme/web', branch: 'main' },
  bitbucket: { repository: 'acme/web', branch: 'main' },
  gitlab: { repository: 'acme/web', branch: 'main' },
  'gitlab-self-managed': { repository: 'acme/web', branch: 'main' },
  owner: 'acme',
  repo: 'web',
  token: { secret: 'github/oauth-token' },
  'github-v1': { owner: 'acme', repo: 'web', branch: 'main', token: { secret: 'github/oauth-token' } },
  'project-id': 'a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  'appium-version': '1.22',
  'record-performance': true,
  'radio-wifi': true,
  'radio-bluetooth': false,
  'radio-nfc': false,
  'radio-gps': true,
  'fuzz-event-count': 6000,
  'fuzz-event-throttle': 50,
  'fuzz-randomizer-seed': '1234',
  'custom-host-machine-artifacts': 'logs',
  'custom-device-artifacts': '/sdcard/logs',
  'unmetered-devices-only': false,
  'job-timeout': 60,
  latitude: '47.6204',
  longitude: '-122.3491',
  'kms-key': 'arn:aws:kms:us-east-1:111111111111:key/1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b',
  parameters: 'Source::stackset/parameters.json',
  'administration-role': 'arn:aws:iam::111111111111:role/AWSCloudFormationStackSetAdministrationRole',
  'execution-role-name': 'AWSCloudFormationStackSetExecutionRole',
  'image2-artifact': 'SidecarImage',
  'image2-container': 'sidecar',
  'image3-artifact': 'AgentImage',
  'image3-container': 'agent',
  'image4-artifact': 'ProxyImage',
  'image4-container': 'proxy',
  layer: 'a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  'configuration-file': 'catalog/config.json',
  'skill-id': 'amzn1.ask.skill.12345678-1234-1234-1234-123456789012',
  'client-id': 'amzn1.application-oa2-client.0123456789abcdef',
  'client-secret': { secret: 'alexa/client-secret' },
  'refresh-token': { secret: 'alexa/refresh-token' },
  'alexa-skills': { 'skill-id': 'amzn1.ask.skill.12345678-1234-1234-1234-123456789012' },
  'target-groups': ['web-blue', 'web-green'],
  subnets: ['subnet-0123456789abcdef0'],
  'security-groups': ['sg-0123456789abcdef0'],
  role: 'arn:aws:iam::222222222222:role/deployer',
  function: 'release-check',
  'state-machine': 'arn:aws:states:us-east-1:111111111111:stateMachine:release',
  'input-type': 'literal',
  'source-revisions': [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: '0123456789abcdef0123456789abcdef01234567' }],
  'medium-threshold': 10,
  'low-threshold': 20,
  manual: { message: 'Ship it?' },
  inputs: ['Source'],
  lambda: 'release-check',
  'variable-check': { variable: '#{Build.RELEASE}', value: 'true', operator: 'EQ' },
  variable: '#{Build.RELEASE}',
  value: 'true',
  operator: 'EQ',
  commands: ['./check-release.sh'],
  push: ['web/api'],
  'primary-source': 'Source',
  stack: 'api',
  opsworks: { stack: 'a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d', app: 'b2c3d4e5-6f7a-4b8c-9d0e-2f3a4b5c6d7e' },
  image: 'Build',
};

/** The pipeline files whose values become examples: the documented examples in examples/ (each validates against the schema, a test says). */
function exampleDocuments(root: string): unknown[] {
  const docs: unknown[] = [];
  const examples = join(root, 'examples');
  const files = existsSync(examples) ? readdirSync(examples).sort().map((e) => join(examples, e, 'pipeline.yml')) : [];
  for (const f of files) if (existsSync(f)) docs.push(parse(readFileSync(f, 'utf8')));
  return docs;
}

/**
 * Gives every key of the schema that has no examples one: the first value an example file writes
 * for it (found by walking each file with the schema: through $ref, allOf, anyOf and items), else
 * the value of a key with the same name and description elsewhere, else MORE's. Changes `schema`.
 */
export function addExamples(schema: Json, root: string): void {
  const resolve = (n: unknown): Json | undefined => {
    let cur = n as Json | undefined;
    for (let i = 0; cur && typeof cur.$ref === 'string' && i < 64; i++)
      cur = (cur.$ref as string)
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((o, k) => (o as Json | undefined)?.[k], schema) as Json | undefined;
    return cur && typeof cur === 'object' ? cur : undefined;
  };
  const alternatives = (n: unknown, seen = new Set<Json>()): Json[] => {
    const r = resolve(n);
    if (!r || seen.has(r)) return [];
    seen.add(r);
    return [r, ...(['allOf', 'anyOf', 'oneOf'] as const).flatMap((k) => ((r[k] as unknown[] | undefined) ?? []).flatMap((x) => alternatives(x, seen)))];
  };
  const found = new Map<Json, unknown>();
  const walk = (value: unknown, node: unknown, depth: number): void => {
    if (depth > 64) return;
    const alts = alternatives(node);
    if (Array.isArray(value)) {
      for (const a of alts) if (a.items) for (const v of value) walk(v, a.items, depth + 1);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value as Json))
      for (const a of alts) {
        const own = (a.properties as Json | undefined)?.[k] as Json | undefined;
        const extra = a.additionalProperties && typeof a.additionalProperties === 'object' ? a.additionalProperties : undefined;
        if (own && !found.has(own)) found.set(own, v);
        if (own ?? extra) walk(v, own ?? extra, depth + 1);
      }
  };
  for (const doc of exampleDocuments(root)) walk(doc, schema, 0);

  const properties: Array<[string, Json]> = [];
  const collect = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(collect);
    if (!n || typeof n !== 'object') return;
    const props = (n as Json).properties;
    if (props && typeof props === 'object') for (const [k, v] of Object.entries(props as Json)) properties.push([k, v as Json]);
    for (const v of Object.values(n as Json)) collect(v);
  };
  collect(schema);
  const sameKey = new Map<string, unknown>();
  for (const [k, p] of properties) if (found.has(p) && !sameKey.has(`${k}\u0000${String(p.description)}`)) sameKey.set(`${k}\u0000${String(p.description)}`, found.get(p));
  const fits = (value: unknown, node: unknown): boolean => valid(value, node, resolve);
  for (const [k, p] of properties) {
    // An example the key table gives by name alone may belong to another key of that name (a trigger's
    // push beside a build's): it stays only where it is valid.
    if (Array.isArray(p.examples)) {
      const kept = p.examples.filter((e) => fits(e, p));
      if (kept.length > 0) {
        p.examples = kept;
        continue;
      }
      delete p.examples;
    }
    const sig = `${k}\u0000${String(p.description)}`;
    const candidates = [found.has(p) ? found.get(p) : undefined, sameKey.get(sig), Object.hasOwn(MORE, k) ? MORE[k] : undefined];
    const example = candidates.find((c) => c !== undefined && fits(c, p));
    if (example !== undefined) p.examples = [example];
  }
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/**
 * Whether `value` is valid for `node`, for the keywords the generated schema uses ($ref, allOf,
 * anyOf, oneOf, type, enum, const, pattern, lengths, ranges, properties, additionalProperties,
 * required, items); a keyword it does not know does not fail. The test holds every example against
 * a standard validator too.
 */
function valid(value: unknown, node: unknown, resolve: (n: unknown) => Json | undefined, depth = 0): boolean {
  const n = resolve(node);
  if (!n || depth > 64) return true;
  const t = typeOf(value);
  if (n.type !== undefined) {
    const types = Array.isArray(n.type) ? (n.type as string[]) : [n.type as string];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return false;
  }
  if (Array.isArray(n.enum) && !n.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return false;
  if (n.const !== undefined && JSON.stringify(n.const) !== JSON.stringify(value)) return false;
  if (typeof value === 'string') {
    if (typeof n.pattern === 'string' && !new RegExp(n.pattern, 'u').test(value)) return false;
    if (typeof n.minLength === 'number' && value.length < n.minLength) return false;
    if (typeof n.maxLength === 'number' && value.length > n.maxLength) return false;
  }
  if (typeof value === 'number') {
    if (typeof n.minimum === 'number' && value < n.minimum) return false;
    if (typeof n.maximum === 'number' && value > n.maximum) return false;
  }
  if (Array.isArray(value)) {
    if (typeof n.minItems === 'number' && value.length < n.minItems) return false;
    if (typeof n.maxItems === 'number' && value.length > n.maxItems) return false;
    if (n.items && typeof n.items === 'object' && !value.every((v) => valid(v, n.items, resolve, depth + 1))) return false;
  }
  if (t === 'object') {
    const o = value as Json;
    const props = (n.properties as Json | undefined) ?? {};
    if (Array.isArray(n.required) && !n.required.every((r) => Object.hasOwn(o, r as string))) return false;
    for (const [k, v] of Object.entries(o)) {
      if (Object.hasOwn(props, k)) {
        if (!valid(v, props[k], resolve, depth + 1)) return false;
      } else if (n.additionalProperties === false) return false;
      else if (n.additionalProperties && typeof n.additionalProperties === 'object' && !valid(v, n.additionalProperties, resolve, depth + 1)) return false;
    }
  }
  if (Array.isArray(n.allOf) && !n.allOf.every((x) => valid(value, x, resolve, depth + 1))) return false;
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(n[k]) && !(n[k] as unknown[]).some((x) => valid(value, x, resolve, depth + 1))) return false;
  return true;
}
