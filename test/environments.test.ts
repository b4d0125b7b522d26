import { describe, expect, it } from 'vitest';
import { at, compileYaml, HEAD, type Action } from './support/macros.js';

/** The `environments:` macro: what it writes, and where its diagnostics point (always at pipeline.yml). */

const CFN = `cloudformation:
        stack: app-\${env}
        template: template.yml
        stack-role: arn:aws:iam::\${env.account}:role/cfn
        parameters: { Stage: "\${env}", Size: small }`;

const PROMOTION = `${HEAD}environments:
  - name: dev
    deploy:
      ${CFN}
    after:
      smoke: curl -f \${deploy.Url}/health
  - name: staging
    deploy:
      cloudformation:
        parameters: { Size: medium }
  - name: prod
    account: "222222222222"
    region: eu-west-1
    approval: { notify: arn:aws:sns:us-east-1:111111111111:releases, message: "Ship \${env}?", timeout: 60 }
`;

const action = (stages: ReturnType<typeof compileYaml>['stages'], stage: string, name: string): Action => {
  const a = stages.find((s) => s.name === stage)?.actions.find((x) => x.name === name);
  if (!a) throw new Error(`no action ${stage}/${name}`);
  return a;
};

describe('promotion through environments', () => {
  const r = compileYaml(PROMOTION);

  it('makes one stage per environment after the other macro stages, with no diagnostics but the cross-account KMS warning', () => {
    expect(r.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'dev', 'staging', 'prod']);
    expect(r.codes).toEqual([at('PC5005', PROMOTION, 'account: "222222222222"')]);
  });

  it('inherits the deploy, overriding only what an environment writes, and fills in ${env}', () => {
    expect(action(r.stages, 'dev', 'Deploy').configuration).toMatchObject({ StackName: 'app-dev', ParameterOverrides: '{"Size":"small","Stage":"dev"}', RoleArn: 'arn:aws:iam::111111111111:role/cfn' });
    expect(action(r.stages, 'staging', 'Deploy').configuration).toMatchObject({ StackName: 'app-staging', ParameterOverrides: '{"Size":"medium","Stage":"staging"}' });
    expect(action(r.stages, 'prod', 'Deploy').configuration).toMatchObject({ StackName: 'app-prod', RoleArn: 'arn:aws:iam::222222222222:role/cfn' });
  });

  it('gives a cross-account deploy the role in that account and a cross-region one its region and a store', () => {
    const prod = action(r.stages, 'prod', 'Deploy');
    expect(prod.roleArn).toBe('arn:aws:iam::222222222222:role/pipec-deploy');
    expect(prod.region).toBe('eu-west-1');
    expect(action(r.stages, 'dev', 'Deploy').roleArn).toBeUndefined();
    expect(r.pipeline?.artifactStores).toEqual({
      'eu-west-1': { type: 'S3', location: 'acme-artifacts-eu-west-1' },
      'us-east-1': { type: 'S3', location: 'acme-artifacts' },
    });
  });

  it('reads an account written as a number (unquoted) as that account: the deploy runs there, as when quoted', () => {
    // The macros take the schema's output (ACCOUNT reads 222222222222 as "222222222222"); they once read the
    // number as written, took it for no account, and deployed to the pipeline's account with its role.
    const yaml = PROMOTION.replace('account: "222222222222"', 'account: 222222222222');
    const unquoted = compileYaml(yaml);
    expect(unquoted.codes).toEqual([at('PC5005', yaml, 'account: 222222222222')]);
    expect(action(unquoted.stages, 'prod', 'Deploy').roleArn).toBe('arn:aws:iam::222222222222:role/pipec-deploy');
    expect(unquoted.pipeline).toEqual(r.pipeline);
  });

  it('puts the approval first, with its settings, and does not inherit it', () => {
    const approve = action(r.stages, 'prod', 'Approve');
    expect(approve.runOrder).toBe(1);
    expect(approve.configuration).toEqual({ CustomData: 'Ship prod?', NotificationArn: 'arn:aws:sns:us-east-1:111111111111:releases' });
    expect(approve.timeoutInMinutes).toBe(60);
    expect(action(r.stages, 'prod', 'Deploy').runOrder).toBe(2);
    expect(r.stages.find((s) => s.name === 'staging')?.actions.map((a) => a.name)).toEqual(['Deploy', 'smoke']);
  });

  it("lets 'after' steps read the deploy's outputs: a namespace per environment, the variable passed in through the build's environment", () => {
    for (const env of ['dev', 'staging', 'prod']) {
      expect(action(r.stages, env, 'Deploy').namespace).toBe(`${env}-deploy`);
      const smoke = action(r.stages, env, 'smoke');
      expect(smoke.configuration.EnvironmentVariables).toBe(`[{"name":"DEPLOY_Url","type":"PLAINTEXT","value":"#{${env}-deploy.Url}"}]`);
      expect(smoke.inputArtifacts).toEqual([{ name: 'Build' }]);
    }
  });

  it('names the macro and the environment of each stage in pipec expand', () => {
    expect(r.expanded).toContain("# from macro 'environments': environment 'dev'\n");
    expect(r.expanded).toContain("# from macro 'environments': environment 'prod'\n");
  });
});

describe('conventions a pipeline can override', () => {
  it('takes the cross-account role and the region store from promotion:, and keeps stores artifacts.stores names', () => {
    const yaml = HEAD.replace('artifacts: acme-artifacts', 'artifacts: { bucket: acme-artifacts, kms-key: arn:aws:kms:us-east-1:111111111111:key/k, stores: { ap-southeast-2: { bucket: mine, kms-key: arn:aws:kms:ap-southeast-2:111111111111:key/m } } }') + `promotion:
  cross-account-role: arn:aws:iam::\${env.account}:role/deployer-\${env}
  region-store: { bucket: "art-\${region}", kms-key: "arn:aws:kms:\${region}:111111111111:key/mrk-1" }
environments:
  - name: eu
    account: "222222222222"
    region: eu-west-1
    approval: false
    deploy: { s3: { bucket: "site-\${env.region}", extract: true } }
  - name: ap
    region: ap-southeast-2
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([]);
    expect(action(r.stages, 'eu', 'Deploy').roleArn).toBe('arn:aws:iam::222222222222:role/deployer-eu');
    expect(action(r.stages, 'ap', 'Deploy').configuration.BucketName).toBe('site-ap-southeast-2');
    expect(r.pipeline?.artifactStores).toMatchObject({
      'eu-west-1': { location: 'art-eu-west-1', encryptionKey: { id: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-1', type: 'KMS' } },
      'ap-southeast-2': { location: 'mine' },
    });
  });

  it("'role:' on an environment wins over the convention, and is inherited", () => {
    const yaml = `${HEAD}environments:
  - name: a
    account: "333333333333"
    role: arn:aws:iam::333333333333:role/custom
    deploy: { s3: { bucket: b, extract: true } }
  - name: b
`;
    const r = compileYaml(yaml);
    expect(action(r.stages, 'a', 'Deploy').roleArn).toBe('arn:aws:iam::333333333333:role/custom');
    expect(action(r.stages, 'b', 'Deploy').roleArn).toBe('arn:aws:iam::333333333333:role/custom');
  });
});

describe('waves', () => {
  const yaml = `${HEAD}environments:
  - name: staging
    deploy: { s3: { bucket: "site-\${env}", extract: true } }
    before: { check: echo before }
  - wave: prod
    at-a-time: 2
    approval: { notify: arn:aws:sns:us-east-1:111111111111:releases }
    rollback-on-alarm: { alarms: [prod-5xx], wait: 10 }
    environments:
      - { name: prod-a }
      - { name: prod-b, region: eu-west-1 }
      - { name: prod-c, region: ap-southeast-2 }
`;
  const r = compileYaml(yaml);

  it('deploys the environments of a wave in groups of at-a-time, each after its own before steps, after one approval', () => {
    expect(r.codes).toEqual([]);
    const prod = r.stages.find((s) => s.name === 'prod');
    expect(prod?.actions.map((a) => `${a.runOrder} ${a.name}`)).toEqual([
      '1 Approve',
      '2 prod-a.check',
      '2 prod-b.check',
      '3 prod-a.Deploy',
      '3 prod-b.Deploy',
      '4 prod-c.check',
      '5 prod-c.Deploy',
    ]);
    expect(action(r.stages, 'prod', 'prod-b.Deploy').region).toBe('eu-west-1');
    expect(action(r.stages, 'prod', 'prod-c.Deploy').configuration.BucketName).toBe('site-prod-c');
    // the alarm is watched in every region the wave deploys to (an alarm lives in one region)
    const alarm = { ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'CloudWatchAlarm', version: '1' }, configuration: { AlarmName: 'prod-5xx', AlarmStates: 'ALARM', WaitTime: '10' } };
    expect(prod?.onSuccess).toEqual({
      conditions: [
        {
          result: 'ROLLBACK',
          rules: [
            { name: 'CloudWatchAlarm', ...alarm },
            { name: 'CloudWatchAlarm2', ...alarm, region: 'eu-west-1' },
            { name: 'CloudWatchAlarm3', ...alarm, region: 'ap-southeast-2' },
          ],
        },
      ],
    });
    expect(r.expanded).toContain("# from macro 'environments': wave 'prod' (prod-a, prod-b, prod-c), 2 at a time\n");
  });
});

describe('stage conditions an environment asks for', () => {
  it('writes a deployment window before entry and retry on failure', () => {
    const yaml = `${HEAD}environments:
  - name: prod
    approval: false
    deploy: { s3: { bucket: b, extract: true } }
    deployment-window: "0 0 9-17 ? * MON-FRI *"
    on-failure: retry
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([]);
    const prod = r.stages.find((s) => s.name === 'prod');
    expect(prod?.beforeEntry).toMatchObject({ conditions: [{ rules: [{ ruleTypeId: { provider: 'DeploymentWindow' }, configuration: { Cron: '0 0 9-17 ? * MON-FRI *' } }] }] });
    expect(prod?.onFailure).toEqual({ result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } });
  });

  it('pipec expand writes the settings as they were written, keys in their order (the schemas list them in theirs)', () => {
    const yaml = `${HEAD}environments:
  - name: prod
    approval: false
    deploy: { s3: { bucket: b, extract: true } }
    deployment-window: { timezone: Europe/Paris, cron: "0 0 9-17 ? * MON-FRI *" }
    on-failure: { retry-mode: all-actions, result: retry }
stages:
  - name: Check
    on-failure: { retry-mode: failed-actions, result: retry }
    actions:
      - name: Wait
        approval: {}
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([]);
    expect(r.expanded).toMatch(/deployment-window:\n\s+timezone: Europe\/Paris\n\s+cron:/);
    expect(r.expanded.match(/on-failure:\n\s+retry-mode: (all|failed)-actions\n\s+result: retry/g)).toHaveLength(2);
  });
});

describe('mistakes, each reported once at the line that caused it', () => {
  it('an environment that inherits from one not declared (PC5001), with a suggestion', () => {
    const yaml = `${HEAD}environments:
  - name: dev
    deploy: { s3: { bucket: b, extract: true } }
  - name: qa
    inherit: deV1
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC5001', yaml, 'deV1')]);
    expect(r.found[0]?.suggestion).toBe("did you mean 'dev'?");
  });

  it('an environment that inherits from one written after it (PC5001)', () => {
    const yaml = `${HEAD}environments:
  - name: dev
    inherit: prod
    deploy: { s3: { bucket: b, extract: true } }
  - name: prod
    approval: false
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5001', yaml, 'prod')]);
  });

  it('an approval on one environment of a wave (PC5003): the wave approves', () => {
    const yaml = `${HEAD}environments:
  - wave: prod
    approval: false
    environments:
      - name: prod-a
        deploy: { s3: { bucket: b, extract: true } }
      - name: prod-b
        approval: { notify: arn:aws:sns:us-east-1:111111111111:t }
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5003', yaml, 'approval: { notify')]);
  });

  it('production without an approval warns (PC5002) at its name; approval: false acknowledges it', () => {
    const yaml = `${HEAD}environments:
  - name: production
    deploy: { s3: { bucket: b, extract: true } }
  - name: live
    production: true
  - name: prod-eu
    approval: false
  - name: prodigy
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC5002', yaml, 'production'), at('PC5002', yaml, 'live')]);
    expect(r.found.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('${env.*} that does not exist (PC5004) is reported once however many environments inherit it', () => {
    const yaml = `${HEAD}environments:
  - name: a
    deploy: { s3: { bucket: "site-\${env.acount}", extract: true } }
  - name: b
  - name: c
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC5004', yaml, '"site-')]);
    expect(r.found[0]?.suggestion).toBe("did you mean '${env.account}'?");
  });

  it('${env.region} where neither the environment nor the pipeline has one (PC5004)', () => {
    const yaml = `${HEAD.replace('region: us-east-1\n', '')}environments:
  - name: a
    deploy: { s3: { bucket: "site-\${env.region}", extract: true } }
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5004', yaml, '"site-')]);
  });

  it("${deploy.Name} in a 'before' step, which runs before the deploy (PC5004)", () => {
    const yaml = `${HEAD}environments:
  - name: a
    deploy: { cloudformation: { stack: s, template: template.yml, stack-role: arn:aws:iam::111111111111:role/cfn } }
    before: { check: "curl \${deploy.Url}" }
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5004', yaml, '"curl')]);
  });

  it('${deploy.Name} after a deploy that has no output variables (PC5004)', () => {
    const yaml = `${HEAD}environments:
  - name: a
    deploy: { s3: { bucket: b, extract: true } }
    after: { check: "curl \${deploy.Url}" }
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5004', yaml, '"curl')]);
  });

  it('two environments with one name (PC5007), pointing back at the first', () => {
    const yaml = `${HEAD}environments:
  - name: dev
    deploy: { s3: { bucket: b, extract: true } }
  - name: dev
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC5007', yaml, 'dev', 2)]);
  });

  it("a cross-account deploy whose artifacts have no customer-managed key warns (PC5005) at 'account'", () => {
    const yaml = `${HEAD}environments:
  - name: other
    account: "444444444444"
    deploy: { s3: { bucket: b, extract: true } }
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC5005', yaml, 'account: "444444444444"')]);
  });

  it('the first environment without a deploy (PC2003), and environments beside deploy: (PC2008)', () => {
    const none = `${HEAD}environments:\n  - name: dev\n`;
    expect(compileYaml(none).codes).toEqual([at('PC2003', none, 'dev')]);
    const both = `${HEAD}deploy: { s3: { bucket: b, extract: true } }\nenvironments:\n  - name: dev\n`;
    expect(compileYaml(both).codes).toEqual([at('PC2008', both, 'environments')]);
  });

  it("'region' inside an environment's deploy instead of on the environment (PC2008)", () => {
    const yaml = `${HEAD}environments:
  - name: dev
    deploy: { s3: { bucket: b, extract: true }, region: eu-west-1 }
`;
    expect(compileYaml(yaml).codes).toEqual([at('PC2008', yaml, 'region: eu')]);
  });

  it('an unknown key in an environment (PC2001) and a provider setting mistyped in an inherited deploy, once, at its line', () => {
    const yaml = `${HEAD}environments:
  - name: dev
    aproval: true
    deploy: { s3: { bucket: b, extract: true, cache-contrl: no-cache } }
  - name: staging
  - name: qa
`;
    const r = compileYaml(yaml);
    expect(r.codes).toEqual([at('PC2001', yaml, 'aproval'), at('PC2001', yaml, 'cache-contrl')]);
    expect(r.found.map((f) => f.suggestion)).toEqual(["did you mean 'approval'?", "did you mean 'cache-control'?"]);
  });
});

describe('rollback-on-alarm where an environment deploys', () => {
  const rule = (name: string, alarm: string, extra: Record<string, string> = {}) => ({
    name,
    ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'CloudWatchAlarm', version: '1' },
    configuration: { AlarmName: alarm, AlarmStates: 'ALARM' },
    ...extra,
  });

  it('reads the alarm in the environment\'s region with the role of its account: the deploy\'s role (own, or the cross-account-role convention)', () => {
    const yaml = `${HEAD}environments:
  - name: qa
    account: "333333333333"
    deploy: { s3: { bucket: "site-\${env}", extract: true } }
    rollback-on-alarm: qa-errors
  - name: eu
    region: eu-west-1
    rollback-on-alarm: eu-errors
  - name: prod
    account: "222222222222"
    region: ap-southeast-2
    role: arn:aws:iam::222222222222:role/prod-deployer
    approval: false
    rollback-on-alarm: [prod-5xx, prod-latency]
`;
    const r = compileYaml(yaml);
    const conditions = (stage: string) => r.stages.find((s) => s.name === stage)?.onSuccess;
    expect(action(r.stages, 'qa', 'Deploy').roleArn).toBe('arn:aws:iam::333333333333:role/pipec-deploy');
    expect(conditions('qa')).toEqual({ conditions: [{ result: 'ROLLBACK', rules: [rule('CloudWatchAlarm', 'qa-errors', { roleArn: 'arn:aws:iam::333333333333:role/pipec-deploy' })] }] });
    // eu inherits qa's account, so its role too, and deploys in eu-west-1
    expect(action(r.stages, 'eu', 'Deploy').roleArn).toBe('arn:aws:iam::333333333333:role/pipec-deploy');
    expect(conditions('eu')).toEqual({ conditions: [{ result: 'ROLLBACK', rules: [rule('CloudWatchAlarm', 'eu-errors', { roleArn: 'arn:aws:iam::333333333333:role/pipec-deploy', region: 'eu-west-1' })] }] });
    const prod = { roleArn: 'arn:aws:iam::222222222222:role/prod-deployer', region: 'ap-southeast-2' };
    expect(conditions('prod')).toEqual({ conditions: [{ result: 'ROLLBACK', rules: [rule('CloudWatchAlarm', 'prod-5xx', prod), rule('CloudWatchAlarm2', 'prod-latency', prod)] }] });
  });

  it('in a wave, watches each alarm in every account and region its environments deploy to, once per place', () => {
    const yaml = `${HEAD}environments:
  - wave: prod
    approval: false
    rollback-on-alarm: edge-errors
    environments:
      - { name: prod-a, deploy: { s3: { bucket: "site-\${env}", extract: true } } }
      - { name: prod-b, account: "222222222222" }
      - { name: prod-c, account: "222222222222", region: eu-west-1 }
      - { name: prod-d, account: "222222222222", region: eu-west-1 }
`;
    const r = compileYaml(yaml);
    const role = 'arn:aws:iam::222222222222:role/pipec-deploy';
    expect(r.stages.find((s) => s.name === 'prod')?.onSuccess).toEqual({
      conditions: [
        {
          result: 'ROLLBACK',
          rules: [rule('CloudWatchAlarm', 'edge-errors'), rule('CloudWatchAlarm2', 'edge-errors', { roleArn: role }), rule('CloudWatchAlarm3', 'edge-errors', { roleArn: role, region: 'eu-west-1' })],
        },
      ],
    });
  });
});
