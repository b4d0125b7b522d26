import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { shippedFile } from '../cli/shipped.js';
import type { InitSource } from './source.js';
import type { InitTemplate } from './templates.js';

/** What a template is filled in with. */
export interface InitValues {
  template: InitTemplate;
  /** The pipeline's name. */
  name: string;
  /** The name in a form S3 buckets, stacks and repositories accept (lower case, digits, hyphens). */
  slug: string;
  region: string;
  account: string;
  source: InitSource;
}

/** Regions a multi-region template fans out to after the pipeline's own, first two that differ from it. */
const OTHER_REGIONS = ['us-west-2', 'eu-west-1', 'us-east-1', 'ap-southeast-2'];

/** The shipped templates of `pipec init` (templates/init/ in the package). */
export const INIT_TEMPLATE_DIR = shippedFile('templates/init');

/** Partials every template may use: `{{> header}}` is _header.yml.hbs. */
const PARTIALS = ['header', 'pipeline'];

/**
 * Fills in a template: the pipeline.yml text `pipec init` writes. Handlebars (loaded here, on first
 * use) with strict variables, so a name a template misspells is an error, not an empty string.
 */
export function renderInit(values: InitValues): string {
  const hb = (createRequire(import.meta.url)('handlebars') as typeof import('handlebars')).create();
  const read = (file: string): string => readFileSync(join(INIT_TEMPLATE_DIR, file), 'utf8');
  for (const p of PARTIALS) hb.registerPartial(p, read(`_${p}.yml.hbs`));
  const fn = hb.compile(read(`${values.template.name}.yml.hbs`), { noEscape: true, strict: true });
  const others = OTHER_REGIONS.filter((r) => r !== values.region).slice(0, 2);
  const text = fn({
    template: values.template.name,
    summary: values.template.summary,
    name: values.name,
    slug: values.slug,
    region: values.region,
    account: values.account,
    source: values.source.block,
    image: values.source.holds === 'image',
    region2: others[0],
    region3: others[1],
  });
  // One final newline, no trailing spaces: the file reads the same in every editor.
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/**
 * The longest slug: resource names built from it stay within AWS's limits, the tightest being a
 * region's artifact bucket (`<slug>-artifacts-<account>-ap-southeast-2`, 63) and a target group
 * (`<slug>-green`, 32).
 */
const SLUG_MAX = 25;

/** A pipeline name in the form of bucket, stack and repository names: lower case, digits and hyphens, starting with a letter. */
export function slugOf(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const lead = /^[a-z]/.test(s) ? s : `p-${s || 'pipeline'}`;
  return lead.slice(0, SLUG_MAX).replace(/-+$/, '');
}
