import type { GraphAction, GraphEdge, GraphModel } from './model.js';

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : []);
const names = (v: unknown): string[] => list(v).map((a) => String(a.name ?? ''));
const accountOf = (arn: unknown): string | undefined => /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(typeof arn === 'string' ? arn : '')?.[1];

/**
 * The picture of a CodePipeline declaration (the JSON `create-pipeline` takes, as a plan holds it):
 * the same model `pipec graph` draws from the compiler's IR, for plans of what will be applied.
 */
export function graphFromDeclaration(pipeline: Obj, region?: string): GraphModel {
  const home = accountOf(pipeline.roleArn);
  const producer = new Map<string, string>();
  const edges: GraphEdge[] = [];
  const stages = list(pipeline.stages).map((s, si) => {
    const actions = list(s.actions).map((a, ai): GraphAction & { order: number } => {
      const type = (a.actionTypeId ?? {}) as Obj;
      const account = accountOf(a.roleArn);
      return {
        id: `s${si}a${ai}`,
        name: String(a.name ?? ''),
        kind: `${String(type.category ?? '')}: ${String(type.provider ?? '')}`,
        approval: type.category === 'Approval',
        ...(typeof a.region === 'string' && a.region !== region ? { region: a.region } : {}),
        ...(account && account !== home ? { account } : {}),
        inputs: names(a.inputArtifacts),
        outputs: names(a.outputArtifacts),
        order: typeof a.runOrder === 'number' ? a.runOrder : 1,
      };
    });
    const orders = [...new Set(actions.map((a) => a.order))].sort((a, b) => a - b);
    return {
      id: `s${si}`,
      name: String(s.name ?? ''),
      groups: orders.map((o) => actions.filter((a) => a.order === o).map(({ order: _order, ...a }) => a)),
      gates: [...(s.beforeEntry ? ['before-entry'] : []), ...(s.onSuccess ? ['on-success'] : []), ...(s.onFailure ? ['on-failure'] : [])],
    };
  });
  for (const stage of stages)
    for (const group of stage.groups) {
      for (const a of group)
        for (const input of a.inputs) {
          const from = producer.get(input);
          if (from) edges.push({ from, to: a.id, artifact: input });
        }
      for (const a of group) for (const o of a.outputs) if (!producer.has(o)) producer.set(o, a.id);
    }
  return { name: String(pipeline.name ?? ''), stages, edges };
}
