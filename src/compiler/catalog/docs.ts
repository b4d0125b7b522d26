import type { ProviderGrants } from './grant-types.js';
import { PROVIDERS, RULES } from './index.js';
import { RULE_GRANTS, RUNTIME_GRANTS } from './runtime-grants.js';
import type { Field } from './types.js';

const CATEGORY_KEY: Record<string, string> = {
  Source: 'source',
  Build: 'build',
  Test: 'test',
  Deploy: 'deploy',
  Approval: 'approval',
  Invoke: 'invoke',
  Compute: 'compute',
};

/** The IAM actions the cloudformation target grants for a provider (some only with the settings that need them), and the page they come from. */
function describeGrants(g: ProviderGrants | undefined): string {
  if (!g) return 'IAM: none from pipec (a job worker or a token does the work; give the action a role of its own if it needs one)';
  const actions = [...new Set(g.action.flatMap((s) => s.actions.map((a) => (typeof a === 'string' ? a : a.action))))].sort();
  const pages = g.docs.map((d, i) => `[${i === 0 ? 'AWS' : i + 1}](${d})`).join(', ');
  if (actions.length === 0) return `IAM: none needed (${g.none ?? ''}; ${pages})`;
  return `IAM granted to the role that runs it (cloudformation target; some only with the settings that need them): ${actions.map((a) => `\`${a}\``).join(', ')} (${pages})`;
}

function describeField(f: Field): string {
  const values = f.values ? ` (${Object.keys(f.values).join(' \\| ')})` : '';
  const type = f.type === 'artifact-path' ? 'Artifact::path' : f.type;
  const dflt = f.default !== undefined ? ` (default \`${String(f.default)}\`)` : '';
  return `\`${f.name}\`${f.required ? ' **required**' : ''}${dflt}: ${type}${values} → \`${f.key}\`${f.artifactKey ? ` + \`${f.artifactKey}\`` : ''}`;
}

/** docs/providers.md, generated from the catalog so that it cannot drift from what pipec accepts. */
export function providersMarkdown(): string {
  const out: string[] = [
    '# Action providers',
    '',
    '<!-- Generated from src/compiler/catalog by `npm run docs`; a test keeps it in step. Do not edit by hand. -->',
    '',
    'Each action kind is written under its category key (`source:`, `build:`, `test:`, `deploy:`, `approval:`, `invoke:`, `compute:`).',
    'Settings stand inside the provider key or beside it; a scalar value of the provider key sets the setting marked *primary*.',
    'Values are converted to CodePipeline configuration text: booleans to `"true"`/`"false"`, lists joined with commas,',
    'JSON settings serialised with sorted keys, `Artifact::path` settings default to the action\'s first input artifact.',
    '',
  ];
  for (const [category, list] of Object.entries(PROVIDERS)) {
    out.push(`## ${category} (\`${CATEGORY_KEY[category]}:\`)`, '');
    for (const p of list) {
      const primary = p.primarySplit ? `${p.primarySplit[0]}/${p.primarySplit[1]}` : p.primary;
      out.push(`### \`${p.kind}\`: ${p.doc}`, '');
      out.push(
        `Action type: ${p.category} / ${p.owner} / ${p.customProvider ? '(your registered provider name)' : p.provider} / version ${p.version}. ` +
          `Input artifacts ${p.inputs[0]}..${p.inputs[1]}, output artifacts ${p.outputs[0]}..${p.outputs[1]}.` +
          `${p.v2Only ? ' V2 pipelines only.' : ''}${primary ? ` Primary: \`${primary}\`.` : ''}`,
        '',
      );
      for (const f of p.fields) out.push(`- ${describeField(f)}`);
      if (p.customProvider) out.push('- `provider`: the registered custom action name (the scalar value of the kind key)', '- `version`: its version (default "1")', '- `configuration`: any further configuration keys, as a mapping');
      if (p.provider === 'CodeBuild') out.push('- `env`: environment variables (text, `{ secret: id }` or `{ parameter: /path }`) → `EnvironmentVariables`');
      if (p.category === 'Approval') out.push('- `timeout`: minutes before the approval expires (5..86400) → action `timeoutInMinutes`');
      if (p.fields.length === 0 && p.provider === 'Commands') out.push('- `commands` **required**, `env`, `exports` (output variables), `files` (output artifact files)');
      out.push('', describeGrants(p.owner === 'AWS' && !p.customProvider ? RUNTIME_GRANTS[`${p.category}/${p.provider}`] : undefined), '');
    }
  }
  out.push('## Stage condition rules', '');
  for (const r of RULES) {
    out.push(`### \`${r.kind}\`: ${r.doc}`, '', `Rule type: ${r.provider} version ${r.version}.${r.primary ? ` Primary: \`${r.primary}\`.` : ''}`, '');
    for (const f of r.fields) out.push(`- ${describeField(f)}`);
    if (r.provider === 'Commands') out.push('- the value is the list of commands');
    out.push('', describeGrants(RULE_GRANTS[r.provider]), '');
  }
  return out.join('\n');
}
