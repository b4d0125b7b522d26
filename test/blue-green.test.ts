import { describe, expect, it } from 'vitest';
import { at, compileYaml, HEAD } from './support/macros.js';

/** The blue/green macro: each kind's actions and deployment group, and what each kind cannot do without. */

const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/1/2';

describe('ECS blue/green', () => {
  const yaml = `${HEAD}deploy:
  ecs: { cluster: shop, service: web }
  strategy: blue-green
  blue-green: { container: web, listener: ${LISTENER}, target-groups: [web-blue, web-green], traffic: canary-10-5, wait: 30 }
`;
  const r = compileYaml(yaml);

  it('deploys with CodeDeployToECS, the image placeholder filled from the build artifact', () => {
    expect(r.codes).toEqual([]);
    const deploy = r.stages[2]?.actions[0];
    expect(deploy?.actionTypeId.provider).toBe('CodeDeployToECS');
    expect(deploy?.configuration).toEqual({
      AppSpecTemplateArtifact: 'Build',
      AppSpecTemplatePath: 'appspec.yaml',
      ApplicationName: 'app',
      DeploymentGroupName: 'app',
      Image1ArtifactName: 'Build',
      Image1ContainerName: 'web',
      TaskDefinitionTemplateArtifact: 'Build',
      TaskDefinitionTemplatePath: 'taskdef.json',
    });
    expect(deploy?.inputArtifacts).toEqual([{ name: 'Build' }]);
  });

  it('carries the deployment group the cloudformation target creates in the IR, and writes it out in pipec expand', () => {
    expect(r.ir?.deploymentGroups).toEqual([
      expect.objectContaining({
        application: 'app',
        name: 'app',
        platform: 'ECS',
        config: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
        terminateAfterMinutes: 30,
        ecs: { cluster: 'shop', service: 'web', listener: LISTENER, targetGroups: ['web-blue', 'web-green'] },
      }),
    ]);
    expect(r.expanded).toContain('deployment-groups:\n  - application: app\n');
    expect(r.expanded).toContain("# from macro 'blue-green': blue/green, ECS\n");
  });

  it('without a container (PC5006), at the blue-green key', () => {
    const bad = yaml.replace('container: web, ', '');
    expect(compileYaml(bad).codes).toEqual([at('PC5006', bad, 'blue-green:')]);
  });

  it('without listener and target groups for the group pipec creates (PC5006)', () => {
    const bad = `${HEAD}deploy:\n  ecs: { cluster: shop, service: web }\n  blue-green: { container: web }\n`;
    const r2 = compileYaml(bad);
    expect(r2.codes).toEqual([at('PC5006', bad, 'blue-green:')]);
    expect(r2.found[0]?.message).toBe("ECS blue/green needs 'listener' and 'target-groups' for the deployment group pipec creates");
  });

  it('an existing group: only its names, and no group to create; its settings are not pipec\'s to change (PC2008)', () => {
    const existing = `${HEAD}deploy:\n  ecs: {}\n  blue-green: { existing: true, application: shop, group: web-bg, container: web }\n`;
    const r2 = compileYaml(existing);
    expect(r2.codes).toEqual([]);
    expect(r2.ir?.deploymentGroups).toBeUndefined();
    expect(r2.stages[2]?.actions[0]?.configuration.DeploymentGroupName).toBe('web-bg');
    const bad = existing.replace('container: web }', 'container: web, traffic: all-at-once }');
    expect(compileYaml(bad).codes).toEqual([at('PC2008', bad, 'all-at-once')]);
  });

  it('an unknown traffic word (PC2004) lists the choices', () => {
    const bad = yaml.replace('canary-10-5', 'canary-5-10');
    const r2 = compileYaml(bad);
    expect(r2.codes).toEqual([at('PC2004', bad, 'canary-5-10')]);
    expect(r2.found[0]?.message).toContain("'all-at-once', 'canary-10-5'");
  });
});

describe('Lambda blue/green', () => {
  const yaml = `${HEAD.replace('[template.yml]', '[function.zip]')}deploy:
  lambda: { function: orders, alias: live }
  blue-green: { traffic: linear-10-1, hooks: { pre-traffic: orders-pre } }
`;
  const r = compileYaml(yaml);

  it('publishes a version, writes the appspec with the hook, and lets CodeDeploy shift the alias', () => {
    expect(r.codes).toEqual([]);
    const [publish, deploy] = r.stages[2]?.actions ?? [];
    expect(publish?.actionTypeId).toEqual({ category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' });
    expect(publish?.environmentVariables).toEqual([
      { name: 'FUNCTION', value: 'orders', type: 'PLAINTEXT' },
      { name: 'ALIAS', value: 'live', type: 'PLAINTEXT' },
      { name: 'PACKAGE', value: 'function.zip', type: 'PLAINTEXT' },
      { name: 'PRE_TRAFFIC_HOOK', value: 'orders-pre', type: 'PLAINTEXT' },
    ]);
    expect(publish?.commands?.join('\n')).toContain('BeforeAllowTraffic');
    expect(publish?.commands?.join('\n')).not.toContain('AfterAllowTraffic');
    expect(publish?.outputArtifacts).toEqual([{ name: 'Publish', files: ['appspec.yml'] }]);
    expect(deploy?.actionTypeId.provider).toBe('CodeDeploy');
    expect(deploy?.inputArtifacts).toEqual([{ name: 'Publish' }]);
    expect(deploy?.runOrder).toBe(2);
    expect(r.ir?.deploymentGroups?.[0]).toMatchObject({ platform: 'Lambda', config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
  });

  it('without function and alias (PC2003)', () => {
    const bad = `${HEAD}deploy:\n  lambda: { function: orders }\n  strategy: blue-green\n`;
    expect(compileYaml(bad).found.map((f) => f.code)).toEqual(['PC2003']);
  });
});

describe('EC2 blue/green', () => {
  it('deploys with CodeDeploy to a group that copies the Auto Scaling group', () => {
    const yaml = `${HEAD}deploy:\n  servers: { auto-scaling-groups: web-asg, target-group: web-tg }\n  blue-green: { traffic: one-at-a-time }\n`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([]);
    expect(r.stages[2]?.actions[0]?.configuration).toEqual({ ApplicationName: 'app', DeploymentGroupName: 'app' });
    expect(r.ir?.deploymentGroups?.[0]).toMatchObject({ platform: 'Server', config: 'CodeDeployDefault.OneAtATime', servers: { autoScalingGroups: ['web-asg'], targetGroup: 'web-tg' } });
  });

  it("without the Auto Scaling group (PC5006); 'codedeploy' or 's3' have no blue/green form (PC5006)", () => {
    const missing = `${HEAD}deploy:\n  servers: { target-group: web-tg }\n  strategy: blue-green\n`;
    expect(compileYaml(missing).codes).toEqual([at('PC5006', missing, 'strategy')]);
    const codedeploy = `${HEAD}deploy:\n  codedeploy: { application: a, group: g }\n  strategy: blue-green\n`;
    const r = compileYaml(codedeploy);
    expect(r.codes).toEqual([at('PC5006', codedeploy, 'codedeploy')]);
    expect(r.found[0]?.suggestion).toContain('servers:');
    const s3 = `${HEAD}deploy:\n  s3: { bucket: b, extract: true }\n  strategy: blue-green\n`;
    expect(compileYaml(s3).codes).toEqual([at('PC5006', s3, 's3:')]);
  });
});

describe('CloudFormation blue/green (four steps)', () => {
  const yaml = `${HEAD}environments:
  - name: staging
    deploy:
      cloudformation: { stack: app, template: template.yml, stack-role: arn:aws:iam::111111111111:role/cfn }
      blue-green:
        routing: { stack: app-routing, template: template.yml }
        validate: { smoke: "curl -f \${deploy.Url}" }
`;
  const r = compileYaml(yaml);

  it('selects the idle colour, creates and validates it, shifts traffic, retires the live one, and rolls back on failure', () => {
    expect(r.codes).toEqual([]);
    const stage = r.stages.find((s) => s.name === 'staging');
    expect(stage?.actions.map((a) => `${a.runOrder} ${a.name}`)).toEqual(['1 Select-color', '2 Create-green', '3 smoke', '4 Shift-traffic', '5 Retire-blue']);
    const [select, green, smoke, shift, retire] = stage?.actions ?? [];
    expect(select?.namespace).toBe('staging-color');
    expect(select?.outputVariables).toEqual(['LIVE', 'IDLE']);
    expect(green?.configuration).toMatchObject({ StackName: 'app-#{staging-color.IDLE}', ParameterOverrides: '{"Color":"#{staging-color.IDLE}"}' });
    expect(green?.namespace).toBe('staging-deploy');
    expect(smoke?.configuration.EnvironmentVariables).toContain('#{staging-deploy.Url}');
    expect(shift?.configuration).toMatchObject({ StackName: 'app-routing', RoleArn: 'arn:aws:iam::111111111111:role/cfn', ParameterOverrides: '{"Color":"#{staging-color.IDLE}"}' });
    expect(retire?.configuration).toMatchObject({ ActionMode: 'DELETE_ONLY', StackName: 'app-#{staging-color.LIVE}' });
    expect(stage?.onFailure).toEqual({ result: 'ROLLBACK' });
    expect(r.expanded).toContain("# from macro 'environments': environment 'staging', blue/green, CloudFormation four steps\n");
  });

  it("'rollback: false' leaves the stage's failure alone", () => {
    const r2 = compileYaml(yaml.replace('        validate:', '        rollback: false\n        validate:'));
    expect(r2.stages.find((s) => s.name === 'staging')?.onFailure).toBeUndefined();
  });

  it('without routing and validate (PC5006)', () => {
    const bad = `${HEAD}deploy:\n  cloudformation: { stack: app, template: template.yml }\n  strategy: blue-green\n`;
    const r2 = compileYaml(bad);
    expect(r2.codes).toEqual([at('PC5006', bad, 'strategy')]);
    expect(r2.found[0]?.message).toContain("'routing'");
    expect(r2.found[0]?.message).toContain("'validate'");
  });
});

describe('deployment groups', () => {
  it('a blue/green environment in another region needs an existing group (PC5006)', () => {
    const yaml = `${HEAD}environments:
  - name: eu
    region: eu-west-1
    deploy:
      servers: { auto-scaling-groups: [asg], target-group: tg }
      strategy: blue-green
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5006', yaml, 'strategy')]);
  });

  it('the same group named in two environments (PC5008), at the second', () => {
    const yaml = `${HEAD}environments:
  - name: a
    deploy:
      servers: { auto-scaling-groups: [asg], target-group: tg }
      blue-green: { application: web, group: web }
  - name: b
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC5008', yaml, 'blue-green')]);
  });

  it('written explicitly, as pipec expand prints them: checked and lowered', () => {
    const yaml = `${HEAD}deployment-groups:
  - { application: web, name: web, platform: lambda, ecs: { cluster: c, service: s, listener: l, target-groups: [a, b] } }
  - { application: web, name: api, platform: lambda, alarms: [errors] }
deploy: { codedeploy: { application: web, group: api } }
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC2008', yaml, 'ecs:')]);
    expect(r.ir?.deploymentGroups).toEqual([expect.objectContaining({ application: 'web', name: 'api', platform: 'Lambda', alarms: ['errors'] })]);
  });
});
