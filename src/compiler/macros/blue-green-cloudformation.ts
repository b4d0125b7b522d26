import { check } from '../check.js';
import type { Diagnostics } from '../diagnostics.js';
import { CFN_BLUE_GREEN } from '../schema/blue-green.js';
import type { Span } from '../source.js';
import { Built, madeAt, type Place } from '../positions.js';
import { actionFactory, assumeRole, withPlaceEnv } from './blue-green-codedeploy.js';
import type { DeployPlace, DeployPlan } from './blue-green.js';
import { stepActions } from './steps.js';
import { isObj, put, rebuild, type Obj, type Placed } from './values.js';

/**
 * The four-step pattern for any app deployed with CloudFormation. Two stacks, `<stack>-blue` and
 * `<stack>-green`, take turns; the routing stack takes the live colour as a parameter and gives it
 * back as an output of the same name. Each release:
 *   Select-color    reads the live colour from the routing stack (none yet: blue goes first)
 *   Create-green    creates or updates the idle colour's stack with the new version
 *   <validate>      tests the idle stack, reading its outputs as ${deploy.Name}
 *   Shift-traffic   updates the routing stack to the idle colour
 *   Retire-blue     deletes the stack that was live
 * A failure before the shift leaves traffic where it was; the stage also rolls back on failure
 * (`rollback: false` to not).
 */
export function cloudFormationBlueGreen({ value: settings, at: settingsAt }: Placed<Obj>, blockIn: Placed<Obj>, deploy: Obj, place: DeployPlace, diags: Diagnostics, at: Span): DeployPlan | undefined {
  // Checked here, not before: it is the deploy's after inheritance and `${env}`.
  const block = check(diags, CFN_BLUE_GREEN(), blockIn.value, 'blue-green', blockIn.at);
  if (!block) return undefined;
  const { routing, validate: steps } = block;
  const missing = [
    ...(settings.stack === undefined ? ["'stack' (the app's stack; -blue and -green are added)"] : []),
    ...(routing === undefined ? ["'routing' (the stack that sends traffic to one colour)"] : []),
    ...(steps === undefined ? ["'validate' (the tests of the green stack before traffic moves)"] : []),
  ];
  if (missing.length > 0 || routing === undefined || steps === undefined) {
    place.report.add('PC5006', `cfn:${missing.join()}`, `CloudFormation blue/green needs ${missing.join(' and ')}`, at, {
      suggestion: 'blue-green: { routing: { stack: app-routing, template: routing.yml }, validate: { smoke: curl -f ${deploy.Url}/health } }',
    });
    return undefined;
  }
  // The schema's output is a copy of 'routing' and 'validate': their own keys are placed at the blue/green
  // settings, the values inside them (a mapping of parameters, a step) where they were written.
  const routingAt = new Built(at, new Map([['parameters', blockIn.at.child('routing').child('parameters')]]));
  const validateAt = new Built(at, new Map(Object.keys(steps).map((k) => [k, new Built(at, new Map(), blockIn.at.child('validate').child(k))])));
  for (const [what, s, sAt] of [['the app', settings, settingsAt], ['the routing', routing, routingAt]] as const) {
    if (s.mode !== undefined && s.mode !== 'create-update') {
      place.report.add('PC5006', `mode:${what}`, `blue/green creates, updates and deletes ${what} stack itself; remove 'mode: ${String(s.mode)}'`, sAt.child('mode'));
      return undefined;
    }
    if (s.parameters !== undefined && !isObj(s.parameters)) {
      place.report.add('PC5006', `params:${what}`, `blue/green adds the colour to ${what} stack's parameters, so write 'parameters' as a mapping`, sAt.child('parameters'));
      return undefined;
    }
  }
  if (routing.stack === undefined) {
    place.report.add('PC5006', 'routing.stack', "'routing' needs 'stack', the routing stack's name", blockIn.at.child('routing'));
    return undefined;
  }
  const source = place.handoff[0];
  if (source === undefined) {
    place.report.add('PC5006', 'handoff', 'CloudFormation blue/green reads its templates from an artifact, and no earlier stage produced one', at);
    return undefined;
  }
  const colorParam = String(block['color-parameter'] ?? 'Color');
  const colorNs = place.namespace('color');
  const idle = `#{${colorNs}.IDLE}`;
  const live = `#{${colorNs}.LIVE}`;
  const stackRole = settings['stack-role'];
  const { artifacts, action } = actionFactory(place, at);
  // A stack's settings with the colour added to its parameters, and where they were written.
  const withColor = (s: Obj, sAt: Place, stack: unknown): { spec: Obj; specAt: Place } => {
    const written = isObj(s.parameters);
    const params = isObj(s.parameters) ? rebuild(Object.entries(s.parameters)) : {};
    put(params, colorParam, idle);
    const out = rebuild(Object.entries(s));
    put(out, 'stack', stack);
    put(out, 'parameters', params);
    if (out['stack-role'] === undefined && stackRole !== undefined) put(out, 'stack-role', stackRole);
    const outAt = new Built(sAt.node(), new Map([['parameters', written ? sAt.child('parameters') : madeAt(at)]]), sAt);
    return { spec: { cloudformation: out }, specAt: new Built(at, new Map([['cloudformation', outAt]])) };
  };
  const select = action(
    'Select-color',
    'compute',
    {
      commands: [
        ...assumeRole(place),
        `LIVE=$(aws cloudformation describe-stacks --stack-name "$ROUTING_STACK" --query "Stacks[0].Outputs[?OutputKey=='$COLOR_OUTPUT'].OutputValue" --output text 2>/dev/null || true)`,
        'case "$LIVE" in blue) IDLE=green ;; green) IDLE=blue ;; *) LIVE=none; IDLE=blue ;; esac',
      ],
      env: withPlaceEnv({ ROUTING_STACK: routing.stack, COLOR_OUTPUT: colorParam }, place),
      exports: ['LIVE', 'IDLE'],
    },
    {
      inputs: [source],
      namespace: colorNs,
      // The env is made at the deploy, but a routing stack written as a mapping (a mistake the spec reader reports) is that mapping.
      specAt: new Built(at, new Map([['env', new Built(place.at, isObj(routing.stack) ? new Map([['ROUTING_STACK', blockIn.at.child('routing').child('stack')]]) : new Map())]])),
    },
  );
  const variables = typeof deploy.namespace === 'string' ? deploy.namespace : place.namespace('deploy');
  const greenSpec = withColor(settings, settingsAt, `${String(settings.stack)}-${idle}`);
  const green = action('Create-green', 'deploy', greenSpec.spec, { namespace: variables, specAt: greenSpec.specAt });
  const validate = stepActions({ value: steps, at: validateAt }, { macro: place.macro, actionName: place.actionName, deployNamespace: variables, refuse: '', report: place.report });
  for (const v of validate) artifacts.set(v, place.artifactName(v.name.slice(v.name.lastIndexOf('.') + 1)));
  const shiftSpec = withColor(routing, routingAt, routing.stack);
  const shift = action('Shift-traffic', 'deploy', shiftSpec.spec, { specAt: shiftSpec.specAt });
  const retire = action('Retire-blue', 'deploy', { cloudformation: { stack: `${String(settings.stack)}-${live}`, mode: 'delete-only', ...(stackRole !== undefined ? { 'stack-role': stackRole } : {}) } });
  return {
    phases: [[select], [green], validate, [shift], [retire]],
    variables,
    groups: [],
    ...(block.rollback === false ? {} : { onFailure: { result: 'rollback' } }),
    artifacts,
    label: 'blue/green, CloudFormation four steps',
  };
}
