import { BUILDS, TESTS } from './builds.js';
import { DEPLOYS } from './deploys.js';
import { APPROVALS, COMPUTES, INVOKES, RULES } from './others.js';
import { SOURCES } from './sources.js';
import type { Category, Provider, RuleProvider } from './types.js';

export type * from './types.js';

/** Every action provider pipec knows, by category. Validation, emission and plan read this one table. */
export const PROVIDERS: Readonly<Record<Category, readonly Provider[]>> = {
  Source: SOURCES,
  Build: BUILDS,
  Test: TESTS,
  Deploy: DEPLOYS,
  Approval: APPROVALS,
  Invoke: INVOKES,
  Compute: COMPUTES,
};

export { RULES };

/** The pipeline.yml action key for each category (`source:`, `build:`, ...). */
export const CATEGORY_KEYS: Readonly<Record<string, Category>> = {
  source: 'Source',
  build: 'Build',
  test: 'Test',
  deploy: 'Deploy',
  approval: 'Approval',
  invoke: 'Invoke',
  compute: 'Compute',
};

/** A provider by its pipeline.yml kind within a category. */
export function providerByKind(category: Category, kind: string): Provider | undefined {
  return PROVIDERS[category].find((p) => p.kind === kind);
}

const byType = new Map<string, Provider>();
for (const list of Object.values(PROVIDERS))
  for (const p of list) if (!p.customProvider) byType.set(`${p.category}/${p.owner}/${p.provider}`, p);

/** The catalog entry for an action type as CodePipeline names it, if pipec knows it. */
export function providerByType(category: string, owner: string, provider: string): Provider | undefined {
  return byType.get(`${category}/${owner}/${provider}`);
}

/** A rule type by its pipeline.yml kind. */
export function ruleByKind(kind: string): RuleProvider | undefined {
  return RULES.find((r) => r.kind === kind);
}

/**
 * Keys of CodePipeline's own JSON (codepipeline.json, `get-pipeline` output) and the pipeline.yml key that
 * says the same thing, for authors who copy from the API: structure keys here, configuration keys from the catalog.
 */
const API_STRUCTURE: ReadonlyArray<[string, string]> = [
  ['roleArn', 'role'],
  ['artifactStore', 'artifacts'],
  ['artifactStores', 'artifacts'],
  ['executionMode', 'execution'],
  ['pipelineType', 'type'],
  ['runOrder', 'run-order'],
  ['inputArtifacts', 'inputs'],
  ['outputArtifacts', 'outputs'],
  ['timeoutInMinutes', 'timeout'],
  ['actionTypeId', 'action'],
  ['configuration', 'configuration'],
  ['onFailure', 'on-failure'],
  ['beforeEntry', 'before-entry'],
  ['onSuccess', 'on-success'],
  ['variables', 'variables'],
  ['triggers', 'triggers'],
  ['gitConfiguration', 'push'],
  ['sourceActionName', 'source'],
  ['pullRequest', 'pull-request'],
  ['filePaths', 'paths'],
];

let spellings: Map<string, Set<string>> | undefined;

/** The pipeline.yml keys that a key in CodePipeline's spelling (`StackName`, `runOrder`) may stand for. */
export function pipecSpellings(apiKey: string): ReadonlySet<string> {
  if (!spellings) {
    spellings = new Map();
    const add = (api: string, name: string): void => {
      const set = spellings?.get(api) ?? new Set<string>();
      set.add(name);
      spellings?.set(api, set);
    };
    for (const [api, name] of API_STRUCTURE) add(api, name);
    for (const list of Object.values(PROVIDERS))
      for (const p of list)
        for (const f of p.fields) {
          add(f.key, f.name);
          if (f.artifactKey) add(f.artifactKey, f.name);
        }
    for (const r of RULES) for (const f of r.fields) add(f.key, f.name);
  }
  return spellings.get(apiKey) ?? new Set();
}
