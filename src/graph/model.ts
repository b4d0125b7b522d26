import type { IrAction, IrPipeline } from '../compiler/ir.js';

/** One action as a picture shows it. */
export interface GraphAction {
  /** Unique in the pipeline: stage and action index (`s1a0`). */
  id: string;
  name: string;
  /** `Build: CodeBuild`, `Approval: Manual`. */
  kind: string;
  approval: boolean;
  /** Set when the action runs in another region than the pipeline. */
  region?: string;
  /** Set when the action assumes a role in another account than the pipeline's. */
  account?: string;
  inputs: string[];
  outputs: string[];
}

/** A stage: its actions in groups that run together, the groups in run order. */
export interface GraphStage {
  id: string;
  name: string;
  groups: GraphAction[][];
  /** The reason, when the transition into this stage starts disabled. */
  disabled?: string;
  /** Conditions, as short words: `before-entry`, `on-success`, `on-failure: rollback`. */
  gates: string[];
}

/** An artifact going from the action that makes it to one that reads it. */
export interface GraphEdge {
  from: string;
  to: string;
  artifact: string;
}

export interface GraphModel {
  name: string;
  stages: GraphStage[];
  edges: GraphEdge[];
}

const accountOf = (arn: string | undefined): string | undefined => /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn ?? '')?.[1];

/** The picture's content for one pipeline: pure, in the pipeline's own order. */
export function graphModel(p: IrPipeline): GraphModel {
  const home = p.account ?? accountOf(p.roleArn);
  const producer = new Map<string, string>();
  const edges: GraphEdge[] = [];
  const stages = p.stages.map((s, si): GraphStage => {
    const orders = [...new Set(s.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
    const toGraph = (a: IrAction, ai: number): GraphAction => {
      const account = accountOf(a.roleArn);
      return {
        id: `s${si}a${ai}`,
        name: a.name,
        kind: `${a.category}: ${a.provider}`,
        approval: a.category === 'Approval',
        ...(a.region && a.region !== p.region ? { region: a.region } : {}),
        ...(account && account !== home ? { account } : {}),
        inputs: a.inputs.map((i) => i.name),
        outputs: a.outputs.map((o) => o.name),
      };
    };
    const all = s.actions.map(toGraph);
    const gates = [
      ...(s.beforeEntry ? ['before-entry'] : []),
      ...(s.onSuccess ? ['on-success'] : []),
      ...(s.onFailure ? [`on-failure${s.onFailure.result ? `: ${s.onFailure.result.toLowerCase()}` : ''}`] : []),
    ];
    return {
      id: `s${si}`,
      name: s.name,
      groups: orders.map((o) => all.filter((_, i) => s.actions[i]?.runOrder === o)),
      ...(s.disableInbound ? { disabled: s.disableInbound.reason } : {}),
      gates,
    };
  });
  // Edges in order of the reading action, so each artifact's edge follows the pipeline.
  for (const stage of stages)
    for (const group of stage.groups) {
      for (const a of group)
        for (const input of a.inputs) {
          const from = producer.get(input);
          if (from) edges.push({ from, to: a.id, artifact: input });
        }
      for (const a of group) for (const o of a.outputs) if (!producer.has(o)) producer.set(o, a.id);
    }
  return { name: p.name, stages, edges };
}

/** The notes under an action's name: its kind, and where it runs when elsewhere. */
export function actionNotes(a: GraphAction): string[] {
  return [a.kind, ...(a.region ? [`region ${a.region}`] : []), ...(a.account ? [`account ${a.account}`] : [])];
}
