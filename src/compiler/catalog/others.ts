import { enm, int, json, str } from './fields.js';
import type { Provider, RuleProvider } from './types.js';

/** Manual approval: the only Approval provider. */
export const APPROVALS: Provider[] = [
  {
    kind: 'manual',
    category: 'Approval',
    owner: 'AWS',
    provider: 'Manual',
    version: '1',
    inputs: [0, 0],
    outputs: [0, 0],
    honoursTimeout: true,
    bare: true,
    fields: [str('notify', 'NotificationArn'), str('message', 'CustomData'), str('link', 'ExternalEntityLink')],
    check: (config) => {
      const out = [];
      if (config.NotificationArn && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(config.NotificationArn))
        out.push({ message: `'notify' must be an SNS topic ARN, got '${config.NotificationArn}'`, key: 'NotificationArn' });
      if (config.ExternalEntityLink && !/^https?:\/\//.test(config.ExternalEntityLink) && !config.ExternalEntityLink.startsWith('#{'))
        out.push({ message: `'link' must be an http(s) URL, got '${config.ExternalEntityLink}'`, key: 'ExternalEntityLink' });
      return out;
    },
    doc: 'manual approval, optionally notifying an SNS topic',
  },
];

/** Invoke providers. */
export const INVOKES: Provider[] = [
  {
    kind: 'lambda',
    category: 'Invoke',
    owner: 'AWS',
    provider: 'Lambda',
    version: '1',
    inputs: [0, 5],
    outputs: [0, 5],
    primary: 'function',
    fields: [str('function', 'FunctionName', true), json('params', 'UserParameters')],
    doc: 'invoke a Lambda function',
  },
  {
    kind: 'step-functions',
    category: 'Invoke',
    owner: 'AWS',
    provider: 'StepFunctions',
    version: '1',
    inputs: [0, 1],
    outputs: [0, 1],
    primary: 'state-machine',
    fields: [
      // an ARN (action-reference-StepFunctions): the action's role is granted StartExecution on it
      {
        ...str('state-machine', 'StateMachineArn', true),
        pattern: 'arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?',
        patternName: 'a state machine ARN (arn:aws:states:us-east-1:123456789012:stateMachine:<name>)',
      },
      str('execution-prefix', 'ExecutionNamePrefix'),
      enm('input-type', 'InputType', { literal: 'Literal', 'file-path': 'FilePath' }),
      json('input', 'Input'),
    ],
    check: (config) => (config.InputType === 'FilePath' && !config.Input ? [{ message: "'input-type: file-path' needs 'input', the file to read", code: 'PC3011' }] : []),
    defaults: { InputType: 'Literal' },
    doc: 'start a Step Functions state machine',
  },
  {
    kind: 'pipeline',
    category: 'Invoke',
    owner: 'AWS',
    provider: 'CodePipeline',
    version: '1',
    inputs: [0, 0],
    outputs: [0, 0],
    primary: 'pipeline',
    fields: [str('pipeline', 'PipelineName', true), json('source-revisions', 'SourceRevisions'), json('variables', 'Variables')],
    json: { SourceRevisions: 'array', Variables: 'array' },
    doc: 'start another pipeline',
  },
  {
    kind: 'inspector',
    category: 'Invoke',
    owner: 'AWS',
    provider: 'InspectorScan',
    version: '1',
    inputs: [0, 1],
    outputs: [1, 1],
    primary: 'mode',
    fields: [
      enm('mode', 'InspectorRunMode', { 'source-code-scan': 'SourceCodeScan', 'ecr-image-scan': 'ECRImageScan' }, true),
      str('repository', 'ECRRepositoryName'),
      str('image-tag', 'ImageTag'),
      int('critical-threshold', 'CriticalThreshold', 0),
      int('high-threshold', 'HighThreshold', 0),
      int('medium-threshold', 'MediumThreshold', 0),
      int('low-threshold', 'LowThreshold', 0),
    ],
    check: (config, inputs) => {
      if (config.InspectorRunMode === 'ECRImageScan' && !config.ECRRepositoryName)
        return [{ message: "'mode: ecr-image-scan' needs 'repository'", code: 'PC3011' }];
      if (config.InspectorRunMode === 'SourceCodeScan' && inputs.length !== 1)
        return [{ message: "'mode: source-code-scan' reads exactly one input artifact", code: 'PC3010' }];
      return [];
    },
    doc: 'Amazon Inspector scan of source code or an ECR image',
  },
];

/** The V2 Commands action: shell commands on managed compute, without a CodeBuild project. */
export const COMPUTES: Provider[] = [
  {
    kind: 'commands',
    category: 'Compute',
    owner: 'AWS',
    provider: 'Commands',
    version: '1',
    inputs: [1, 10],
    outputs: [0, 1],
    v2Only: true,
    noConfiguration: true,
    fields: [],
    doc: 'run shell commands (V2 only)',
  },
];

/** Stage-condition rule types (V2). */
export const RULES: RuleProvider[] = [
  {
    kind: 'alarm',
    provider: 'CloudWatchAlarm',
    version: '1',
    primary: 'name',
    fields: [
      str('name', 'AlarmName', true),
      { name: 'states', key: 'AlarmStates', type: 'list', values: { alarm: 'ALARM', ok: 'OK', 'insufficient-data': 'INSUFFICIENT_DATA' } },
      int('wait', 'WaitTime', 0),
    ],
    doc: 'a CloudWatch alarm state',
  },
  {
    kind: 'deployment-window',
    provider: 'DeploymentWindow',
    version: '1',
    primary: 'cron',
    fields: [str('cron', 'Cron', true), str('timezone', 'TimeZone')],
    doc: 'a cron window in which the stage may run',
  },
  {
    kind: 'lambda',
    provider: 'LambdaInvoke',
    version: '1',
    primary: 'function',
    fields: [str('function', 'FunctionName', true), json('params', 'UserParameters')],
    doc: 'a Lambda function that decides',
  },
  {
    kind: 'variable-check',
    provider: 'VariableCheck',
    version: '1',
    fields: [str('variable', 'Variable', true), str('value', 'Value', true), str('operator', 'Operator', true)],
    doc: 'compare a pipeline variable with a value',
  },
  {
    kind: 'commands',
    provider: 'Commands',
    version: '1',
    commands: true,
    fields: [],
    doc: 'shell commands whose exit status decides',
  },
];
