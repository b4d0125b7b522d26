import { artifact, bool, enm, int, json, list, path, roleArn, secret, str, words } from './fields.js';
import type { ConfigProblem, Provider } from './types.js';

const CAPABILITIES = { iam: 'CAPABILITY_IAM', 'named-iam': 'CAPABILITY_NAMED_IAM', 'auto-expand': 'CAPABILITY_AUTO_EXPAND' };
const CFN_MODES = words('CREATE_UPDATE', 'REPLACE_ON_FAILURE', 'DELETE_ONLY', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE');

/** What each CloudFormation action mode needs (user guide, CloudFormation action reference). */
function checkCloudFormation(config: Readonly<Record<string, string>>, inputs: readonly string[]): ConfigProblem[] {
  const mode = config.ActionMode ?? '';
  const friendly = mode.toLowerCase().replace(/_/g, '-');
  const out: ConfigProblem[] = [];
  const needsTemplate = ['CREATE_UPDATE', 'REPLACE_ON_FAILURE', 'CHANGE_SET_REPLACE'].includes(mode);
  if (needsTemplate && !config.TemplatePath) out.push({ message: `mode '${friendly}' needs 'template'`, code: 'PC3011' });
  if (mode !== 'CHANGE_SET_EXECUTE' && !config.RoleArn)
    out.push({ message: `mode '${friendly}' needs 'stack-role', the role CloudFormation assumes to change the stack`, code: 'PC3011' });
  if (mode.startsWith('CHANGE_SET') && !config.ChangeSetName) out.push({ message: `mode '${friendly}' needs 'change-set'`, code: 'PC3011' });
  for (const key of ['TemplatePath', 'TemplateConfiguration'] as const) {
    const value = config[key];
    if (!value || value.includes('#{')) continue;
    const name = value.split('::')[0] ?? '';
    if (!value.includes('::')) out.push({ message: `${key} '${value}' must be written ArtifactName::path`, key });
    else if (!inputs.includes(name)) out.push({ message: `${key} reads artifact '${name}', which is not an input of this action`, key, code: 'PC3010' });
  }
  if (config.ParameterOverrides && config.ParameterOverrides.length > 1024)
    out.push({ message: `parameter overrides are ${config.ParameterOverrides.length} characters; CloudFormation takes at most 1024`, key: 'ParameterOverrides' });
  return out;
}

/** Deploy providers. */
export const DEPLOYS: Provider[] = [
  {
    kind: 's3',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'S3',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'bucket',
    fields: [
      str('bucket', 'BucketName', true),
      bool('extract', 'Extract', true),
      str('key', 'ObjectKey'),
      str('kms-key', 'KMSEncryptionKeyARN'),
      enm('acl', 'CannedACL', {
        private: 'private',
        'public-read': 'public-read',
        'public-read-write': 'public-read-write',
        'authenticated-read': 'authenticated-read',
        'aws-exec-read': 'aws-exec-read',
        'bucket-owner-read': 'bucket-owner-read',
        'bucket-owner-full-control': 'bucket-owner-full-control',
      }),
      list('cache-control', 'CacheControl'),
    ],
    check: (config) => (config.Extract === 'false' && !config.ObjectKey ? [{ message: "'extract: false' needs 'key', the object key to write", code: 'PC3011' }] : []),
    doc: 'copy files to an S3 bucket',
  },
  {
    kind: 'cloudformation',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CloudFormation',
    version: '1',
    inputs: [0, 10],
    outputs: [0, 1],
    primary: 'stack',
    outputWhen: 'output-file',
    stackOutputs: true,
    fields: [
      str('stack', 'StackName', true),
      { ...enm('mode', 'ActionMode', CFN_MODES), default: 'create-update' },
      path('template', 'TemplatePath'),
      roleArn('stack-role', 'RoleArn'),
      str('change-set', 'ChangeSetName'),
      { ...list('capabilities', 'Capabilities'), values: CAPABILITIES },
      json('parameters', 'ParameterOverrides'),
      path('template-configuration', 'TemplateConfiguration'),
      str('output-file', 'OutputFileName'),
    ],
    json: { ParameterOverrides: 'object' },
    check: checkCloudFormation,
    doc: 'create, update or delete a CloudFormation stack, or use change sets',
  },
  {
    kind: 'stackset',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CloudFormationStackSet',
    version: '1',
    inputs: [1, 3],
    outputs: [0, 0],
    primary: 'name',
    fields: [
      str('name', 'StackSetName', true),
      path('template', 'TemplatePath', true),
      str('description', 'Description'),
      path('parameters', 'Parameters'),
      { ...list('capabilities', 'Capabilities'), values: CAPABILITIES },
      enm('permission-model', 'PermissionModel', words('SELF_MANAGED', 'SERVICE_MANAGED')),
      roleArn('administration-role', 'AdministrationRoleArn'),
      str('execution-role-name', 'ExecutionRoleName'),
      enm('auto-deployment', 'OrganizationsAutoDeployment', { enabled: 'Enabled', disabled: 'Disabled', 'enabled-with-stack-retention': 'EnabledWithStackRetention' }),
      list('deployment-targets', 'DeploymentTargets'),
      list('regions', 'Regions'),
      int('failure-tolerance', 'FailureTolerancePercentage', 0, 100),
      int('max-concurrent', 'MaxConcurrentPercentage', 1, 100),
    ],
    defaults: { PermissionModel: 'SELF_MANAGED' },
    doc: 'create or update a CloudFormation StackSet',
  },
  {
    kind: 'stack-instances',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CloudFormationStackInstances',
    version: '1',
    inputs: [0, 2],
    outputs: [0, 0],
    primary: 'name',
    fields: [
      str('name', 'StackSetName', true),
      list('regions', 'Regions', true),
      list('deployment-targets', 'DeploymentTargets'),
      path('parameters', 'ParameterOverrides'),
      int('failure-tolerance', 'FailureTolerancePercentage', 0, 100),
      int('max-concurrent', 'MaxConcurrentPercentage', 1, 100),
    ],
    doc: 'add StackSet instances to accounts and regions',
  },
  {
    kind: 'codedeploy',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CodeDeploy',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'application',
    fields: [str('application', 'ApplicationName', true), str('group', 'DeploymentGroupName', true)],
    doc: 'CodeDeploy to EC2/on-premises or Lambda deployment group',
  },
  {
    kind: 'ecs-blue-green',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CodeDeployToECS',
    version: '1',
    inputs: [1, 5],
    outputs: [0, 0],
    primary: 'application',
    fields: [
      str('application', 'ApplicationName', true),
      str('group', 'DeploymentGroupName', true),
      path('task-definition', 'TaskDefinitionTemplatePath', true, 'TaskDefinitionTemplateArtifact'),
      path('appspec', 'AppSpecTemplatePath', true, 'AppSpecTemplateArtifact'),
      artifact('image1-artifact', 'Image1ArtifactName'),
      str('image1-container', 'Image1ContainerName'),
      artifact('image2-artifact', 'Image2ArtifactName'),
      str('image2-container', 'Image2ContainerName'),
      artifact('image3-artifact', 'Image3ArtifactName'),
      str('image3-container', 'Image3ContainerName'),
      artifact('image4-artifact', 'Image4ArtifactName'),
      str('image4-container', 'Image4ContainerName'),
    ],
    check: (config) => {
      const out: ConfigProblem[] = [];
      for (const n of [1, 2, 3, 4]) {
        const a = config[`Image${n}ArtifactName`];
        const c = config[`Image${n}ContainerName`];
        if (!!a !== !!c) out.push({ message: `'image${n}-artifact' and 'image${n}-container' go together`, code: 'PC3011' });
      }
      return out;
    },
    defaults: { AppSpecTemplatePath: 'appspec.yaml', TaskDefinitionTemplatePath: 'taskdef.json' },
    doc: 'ECS blue/green deployment through CodeDeploy',
  },
  {
    kind: 'ecs',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'ECS',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'service',
    fields: [str('cluster', 'ClusterName', true), str('service', 'ServiceName', true), str('file', 'FileName'), int('deployment-timeout', 'DeploymentTimeout', 1, 60)],
    defaults: { FileName: 'imagedefinitions.json' },
    doc: 'rolling update of an ECS service',
  },
  {
    kind: 'beanstalk',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'ElasticBeanstalk',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'application',
    fields: [str('application', 'ApplicationName', true), str('environment', 'EnvironmentName', true)],
    doc: 'Elastic Beanstalk application version',
  },
  {
    kind: 'opsworks',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'OpsWorks',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'app',
    fields: [str('stack', 'Stack', true), str('app', 'App', true), str('layer', 'Layer')],
    doc: 'OpsWorks Stacks app deployment (stack, app and layer IDs)',
  },
  {
    kind: 'appconfig',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'AppConfig',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'application',
    fields: [
      str('application', 'Application', true),
      str('environment', 'Environment', true),
      str('profile', 'ConfigurationProfile', true),
      str('path', 'InputArtifactConfigurationPath', true),
      str('strategy', 'DeploymentStrategy'),
    ],
    doc: 'AppConfig configuration deployment (IDs, not names)',
  },
  {
    kind: 'service-catalog',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'ServiceCatalog',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'product',
    fields: [
      str('product', 'ProductId', true),
      str('configuration-file', 'ConfigurationFilePath'),
      str('template-file', 'TemplateFilePath'),
      str('version-name', 'ProductVersionName'),
      enm('product-type', 'ProductType', { 'cloudformation-template': 'CLOUD_FORMATION_TEMPLATE' }),
      str('version-description', 'ProductVersionDescription'),
    ],
    check: (config) => {
      const byFile = !!config.ConfigurationFilePath;
      const byTemplate = !!config.TemplateFilePath;
      if (byFile === byTemplate) return [{ message: "give either 'configuration-file', or 'template-file' with 'version-name' and 'product-type'", code: 'PC3011' }];
      if (byTemplate && (!config.ProductVersionName || !config.ProductType))
        return [{ message: "'template-file' needs 'version-name' and 'product-type'", code: 'PC3011' }];
      return [];
    },
    doc: 'new Service Catalog product version',
  },
  {
    kind: 'alexa-skills',
    category: 'Deploy',
    owner: 'ThirdParty',
    provider: 'AlexaSkillsKit',
    version: '1',
    inputs: [1, 2],
    outputs: [0, 0],
    primary: 'skill-id',
    fields: [str('skill-id', 'SkillId', true), str('client-id', 'ClientId', true), secret('client-secret', 'ClientSecret', true), secret('refresh-token', 'RefreshToken', true)],
    secretKeys: ['ClientSecret', 'RefreshToken'],
    doc: 'Alexa skill',
  },
  {
    kind: 'ec2',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'EC2',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'tag-key',
    fields: [
      str('tag-key', 'InstanceTagKey', true),
      str('tag-value', 'InstanceTagValue'),
      enm('instance-type', 'InstanceType', words('EC2', 'SSM_MANAGED_NODE'), true),
      str('target-directory', 'TargetDirectory', true),
      str('pre-script', 'PreScript'),
      str('post-script', 'PostScript', true),
      str('max-batch', 'MaxBatch'),
      str('max-error', 'MaxError'),
      list('target-groups', 'TargetGroupNameList'),
    ],
    check: (config) => (config.TargetDirectory && !config.TargetDirectory.startsWith('/') ? [{ message: "'target-directory' must be an absolute path", key: 'TargetDirectory' }] : []),
    doc: 'deploy to EC2 instances by tag',
  },
  {
    kind: 'eks',
    category: 'Deploy',
    owner: 'AWS',
    provider: 'EKS',
    version: '1',
    inputs: [1, 1],
    outputs: [0, 0],
    primary: 'cluster',
    v2Only: true,
    fields: [
      str('cluster', 'ClusterName', true),
      str('helm-release', 'HelmReleaseName'),
      str('helm-chart', 'HelmChartLocation'),
      list('helm-values', 'HelmValuesFiles'),
      list('manifests', 'ManifestFiles'),
      str('kube-namespace', 'Namespace'),
      list('subnets', 'Subnets'),
      list('security-groups', 'SecurityGroupIds'),
    ],
    check: (config) => {
      const helm = !!config.HelmReleaseName || !!config.HelmChartLocation;
      if (helm && config.ManifestFiles) return [{ message: "use either Helm ('helm-release', 'helm-chart') or 'manifests', not both", code: 'PC3012' }];
      if (!helm && !config.ManifestFiles) return [{ message: "give 'manifests', or 'helm-release' with 'helm-chart'", code: 'PC3011' }];
      if (helm && (!config.HelmReleaseName || !config.HelmChartLocation)) return [{ message: "Helm deploys need both 'helm-release' and 'helm-chart'", code: 'PC3011' }];
      return [];
    },
    doc: 'deploy to EKS with Helm or kubectl manifests (V2 only)',
  },
];
