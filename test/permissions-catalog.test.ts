import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../src/compiler/catalog/index.js';
import { knowsGrants } from '../src/targets/cloudformation/permissions.js';

/**
 * Every AWS-owned provider of the catalog has run-time grants in the cloudformation target
 * (permissions.ts, deploy-permissions.ts): a provider added without them fails here, instead of
 * a role that PC4007 warns about. Third-party and custom providers need none (a job worker or a
 * token does the work).
 */
describe('run-time permissions of the catalog', () => {
  const aws = Object.values(PROVIDERS)
    .flat()
    .filter((p) => p.owner === 'AWS' && !p.customProvider);

  it('cover every AWS-owned provider', () => {
    expect(aws.length).toBeGreaterThan(25);
    expect(aws.filter((p) => !knowsGrants(p.category, p.provider)).map((p) => `${p.category}/${p.provider} (${p.kind})`)).toEqual([]);
  });
});
