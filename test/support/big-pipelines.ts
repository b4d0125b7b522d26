// Pipelines whose stacks pass CloudFormation's 51,200-byte inline limit (--template-bucket tests).

/** A pipeline of `builds` inline builds, one per component of a monorepo: its pipeline stack is about 7 KB a build. */
export function manyBuilds(builds: number, name = 'bigbuilds'): string {
  const lines = [`name: ${name}`, 'region: us-east-1', 'source: codecommit:monorepo@main', 'stages:', '  - name: Build', '    actions:'];
  for (let i = 0; i < builds; i++) {
    const c = `c${String(i).padStart(2, '0')}`;
    lines.push(`      - name: component-${c}`, '        build:', `          commands: [cd components/${c}, npm ci, npm test, npm run build]`, `          artifacts: [components/${c}/dist/**/*]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Account 222222222222's role that the scans of `wideBuilds` run as. */
export const WIDE_SCAN_ROLE = 'arn:aws:iam::222222222222:role/bigwide-scan';
/** The role pipeline `bigwide` runs as (the user's own). */
export const WIDE_PIPELINE_ROLE = 'arn:aws:iam::111111111111:role/bigwide-pipeline';

/**
 * Pipeline `bigwide` in us-east-1 of account 111111111111, each of whose three stacks is over the
 * inline limit: `count` builds that run in eu-west-1 (their CodeBuild projects are in the region
 * stack, cloudformation.eu-west-1.yml) and `count` tests that run in account 222222222222 (theirs
 * are in the account stack), then eight builds in us-east-1 (the pipeline stack's projects). Both stores name keys of their own, as other accounts read them.
 */
export function wideBuilds(count = 16): string {
  const lines = [
    'name: bigwide',
    'region: us-east-1',
    'account: "111111111111"',
    `role: ${WIDE_PIPELINE_ROLE}`,
    'artifacts:',
    '  bucket: acme-bigwide-us-east-1',
    '  kms-key: arn:aws:kms:us-east-1:111111111111:key/7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    '  stores:',
    '    eu-west-1:',
    '      bucket: acme-bigwide-eu-west-1',
    '      kms-key: arn:aws:kms:eu-west-1:111111111111:key/8d2e3f4a-5b6c-4d7e-9f80-a1b2c3d4e5f6',
    'source: codecommit:monorepo@main',
    'stages:',
  ];
  const components = Array.from({ length: count }, (_, i) => `c${String(i).padStart(2, '0')}`);
  lines.push('  - name: Regional', '    actions:');
  for (const c of components) lines.push(`      - name: bundle-${c}`, '        build:', `          commands: [cd components/${c}, npm ci, npm test, npm run build]`, `          artifacts: [components/${c}/dist/**/*]`, '        region: eu-west-1');
  lines.push('  - name: Verify', '    actions:');
  for (const c of components) lines.push(`      - name: scan-${c}`, '        test:', `          commands: [cd components/${c}, scan --strict .]`, `        inputs: [bundle-${c}]`, `        role: ${WIDE_SCAN_ROLE}`);
  lines.push('  - name: Package', '    actions:');
  for (const c of components.slice(0, 8)) lines.push(`      - name: package-${c}`, '        build:', `          commands: [cd components/${c}, npm pack]`, `          artifacts: [components/${c}/*.tgz]`, `        inputs: [bundle-${c}]`);
  return `${lines.join('\n')}\n`;
}
