import { didYouMean } from '../compiler/suggest.js';

/**
 * The AWS regions pipec knows, from botocore's endpoints.json (all partitions). A region not
 * listed is refused before any call: the SDK would otherwise build a host name for it and fail
 * with whatever that host answers (a DNS error, or someone else's HTML).
 */
export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1',
  'us-west-2', 'cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1', 'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1',
  'us-isob-west-1', 'eu-isoe-west-1', 'us-isof-east-1', 'us-isof-south-1', 'eusc-de-east-1',
];

/**
 * Undefined for a known region; otherwise one line naming the region, where it came from and
 * the nearest known one. `PIPEC_EXTRA_REGIONS` (comma-separated) admits regions newer than this list.
 */
export function unknownRegion(region: string, from: string, extra: string | undefined): string | undefined {
  const known = [...KNOWN_REGIONS, ...(extra ?? '').split(',').map((s) => s.trim()).filter(Boolean)];
  if (known.includes(region)) return undefined;
  const guess = didYouMean(region, known);
  return `unknown AWS region '${region}' (from ${from})${guess ? `; did you mean '${guess}'?` : '.'} For a region newer than this pipec, set PIPEC_EXTRA_REGIONS=${region}`;
}
