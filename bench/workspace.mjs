// Generates benchmark workspaces: N pipelines of 10 stages each, with a realistic mix of
// sources, builds, parallel tests, deploys behind approvals and several providers.
// Deterministic: the same N always gives the same bytes, so runs compare.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ACCOUNT = '111111111111';
const PROD_ACCOUNT = '222222222222';
const CONNECTION = `arn:aws:codestar-connections:us-east-1:${ACCOUNT}:connection/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9`;
const ARTIFACT_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/5c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:releases`;

/** Four shapes in turn, so every workspace mixes them evenly. */
const SHAPES = [containerService, serverlessApi, staticSite, legacyApp];

/**
 * The YAML of pipeline number `i` (0-based), as one mapping indented by `pad`. Each pipeline runs as
 * a role of its own (`role/<name>-pipeline`), to which its stack attaches what it needs: one role
 * shared by 1,000 pipelines could not hold their inline policies (IAM's 10,240 characters per role,
 * PC4009), and the per-pipeline policy is the work the cloudformation target does by default
 * (`role-policy: attach`), so the benchmark measures it.
 */
export function pipelineYaml(i, pad = '') {
  const name = `svc-${String(i).padStart(5, '0')}`;
  const body = SHAPES[i % SHAPES.length](name, i).replace(`name: ${name}\n`, `name: ${name}\nrole: arn:aws:iam::${ACCOUNT}:role/${name}-pipeline\n`);
  const lines = body.trim().split('\n');
  return lines.map((l, k) => (k === 0 && pad ? `${pad.slice(0, -2)}- ${l}` : `${pad}${l}`)).join('\n') + '\n';
}

/** Container service: CodeCommit + GitHub sources, CodeBuild, 3 parallel tests, ECS dev, CodeDeploy blue/green behind approval. */
function containerService(name, i) {
  return `
name: ${name}
tags: { team: team-${i % 17}, cost-center: cc-${i % 5} }
sources:
  App: codecommit:${name}@main
  Config: { github: acme/${name}-config, branch: main }
build:
  image: aws/codebuild/standard:7.0
  privileged: true
  inputs: [App, Config]
  primary-source: App
  env: { SERVICE: ${name}, NPM_TOKEN: { secret: ci/npm:token } }
  commands: [npm ci, npm run build, docker build -t ${name} ., ./push.sh]
  artifacts: [imagedefinitions.json, taskdef.json, appspec.yaml]
tests:
  unit: [npm ci, npm run test:unit]
  lint: npm run lint
  contract: { commands: [npm ci, npm run test:contract], inputs: [App], compute: medium }
stages:
  - name: Dev
    actions:
      - name: DeployDev
        deploy: { ecs: { cluster: dev, service: ${name} } }
        inputs: Build
  - name: Smoke
    steps:
      - name: SmokeTest
        test: { commands: [./smoke.sh dev] }
        inputs: App
      - name: Report
        invoke: { lambda: report-${i % 9}, params: { env: dev, service: ${name} } }
  - name: Staging
    steps:
      - name: DeployStaging
        deploy: { ecs: { cluster: staging, service: ${name} } }
        inputs: Build
      - parallel:
          - name: LoadTest
            test: { codebuild: load-tests }
            inputs: App
          - name: SecurityScan
            test: { codebuild: security-scan }
            inputs: App
  - name: Approve
    actions:
      - name: Release
        approval: { notify: ${TOPIC}, message: Release ${name} to production }
  - name: Prod
    actions:
      - name: BlueGreen
        deploy:
          ecs-blue-green: { application: ${name}, group: ${name}-prod, task-definition: Build::taskdef.json, appspec: Build::appspec.yaml }
        inputs: Build
    on-failure: { result: rollback }
  - name: Verify
    actions:
      - name: Canary
        invoke: { step-functions: { state-machine: arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:canary } }
  - name: Cleanup
    actions:
      - name: PruneImages
        invoke: { lambda: prune-images }
`;
}

/** Serverless API: GitHub connection source, V2 triggers, variables and stage conditions, CloudFormation change sets, cross-account prod. */
function serverlessApi(name, i) {
  return `
name: ${name}
execution: queued
variables: { Stage: { default: dev, description: target stage } }
triggers:
  - push: { branches: [main, release/*], paths: { include: [src/**, template.yml] } }
tags: { team: team-${i % 17} }
source: { github: acme/${name}, branch: main }
build:
  runtimes: { nodejs: 20 }
  commands: [npm ci, npm run build, sam package --output-template-file packaged.yml --s3-bucket acme-sam]
  artifacts: [packaged.yml, config/*.json]
tests:
  unit: npm test
  integration: [npm ci, npm run test:int]
stages:
  - name: Dev
    steps:
      - name: CreateChangeSet
        deploy: { cloudformation: { stack: ${name}-dev, mode: change-set-replace, change-set: dev, template: Build::packaged.yml, stack-role: arn:aws:iam::${ACCOUNT}:role/cfn, capabilities: [iam, auto-expand] } }
        inputs: Build
      - name: ExecuteChangeSet
        deploy: { cloudformation: { stack: ${name}-dev, mode: change-set-execute, change-set: dev } }
  - name: ApiTests
    actions:
      - name: Postman
        test: { codebuild: api-tests }
        inputs: Source
      - name: Fuzz
        test: { commands: [./fuzz.sh] }
        inputs: Source
  - name: Smoke
    actions:
      - name: SmokeDev
        test: { codebuild: smoke-tests }
        inputs: Source
    on-failure: { result: retry, retry-mode: failed-actions }
  - name: Approve
    actions:
      - name: ProdGate
        approval: { notify: ${TOPIC}, link: https://example.com/${name} }
  - name: Prod
    actions:
      - name: DeployProd
        deploy: { cloudformation: { stack: ${name}, mode: create-update, template: Build::packaged.yml, stack-role: arn:aws:iam::${PROD_ACCOUNT}:role/cfn, capabilities: [iam, auto-expand], parameters: { Stage: prod } } }
        inputs: Build
        role: arn:aws:iam::${PROD_ACCOUNT}:role/pipeline-deploy
    before-entry:
      result: fail
      rules:
        - deployment-window: { cron: "0 0 9-17 ? * MON-FRI *", timezone: Europe/Berlin }
    on-success:
      result: rollback
      rules:
        - alarm: { name: ${name}-5xx, states: [alarm], wait: 10 }
  - name: Notify
    actions:
      - name: Announce
        invoke: { lambda: announce }
  - name: Tag
    actions:
      - name: TagRelease
        compute: { commands: ['git tag "v#{codepipeline.PipelineExecutionId}"'] }
        inputs: Source
`;
}

/** Static site: S3 source, Jenkins build, parallel checks, S3 deploys in two steps with approval. */
function staticSite(name, i) {
  return `
name: ${name}
type: V1
tags: { team: team-${i % 17}, site: ${name} }
source: { s3: { bucket: acme-uploads, key: ${name}/site.zip } }
stages:
  - name: Build
    actions:
      - name: Jenkins
        build: { jenkins: acme-jenkins, project: ${name}-site }
        inputs: Source
        outputs: Site
  - name: Checks
    actions:
      - name: Links
        test: { commands: [./check-links.sh] }
        inputs: Site
      - name: Html
        test: { commands: [npx html-validate dist] }
        inputs: Site
      - name: A11y
        test: { commands: [npx pa11y-ci] }
        inputs: Site
  - name: Preview
    actions:
      - name: Upload
        deploy: { s3: { bucket: preview-${name}, extract: true } }
        inputs: Site
  - name: Review
    actions:
      - name: LookAtPreview
        approval: { link: https://preview.example.com/${name}, message: Check the preview }
  - name: Publish
    steps:
      - name: Upload
        deploy: { s3: { bucket: www-${name}, extract: true, cache-control: [public, max-age=300] } }
        inputs: Site
      - name: Invalidate
        invoke: { lambda: { function: invalidate-cdn, params: { site: ${name} } } }
  - name: Lighthouse
    actions:
      - name: Score
        test: { commands: [npx lhci autorun] }
        inputs: Site
  - name: Archive
    actions:
      - name: Zip
        deploy: { s3: { bucket: acme-archive, extract: false, key: ${name}/site.zip } }
        inputs: Site
  - name: Audit
    actions:
      - name: Record
        invoke: { lambda: audit-log }
  - name: Done
    actions:
      - name: Notify
        invoke: { lambda: notify-team-${i % 17} }
`;
}

/** Legacy app: Bitbucket source, CodeBuild project, Elastic Beanstalk and CodeDeploy, AppConfig. */
function legacyApp(name, i) {
  return `
name: ${name}
execution: superseded
tags: { team: team-${i % 17} }
source: { bitbucket: acme/${name}, branch: master }
build: { buildspec: ci/buildspec.yml, image: aws/codebuild/amazonlinux2-x86_64-standard:5.0, outputs: [Build] }
tests:
  unit: [mvn -q test]
  it: [mvn -q verify -Pit]
  sonar: { codebuild: sonar-scan }
stages:
  - name: QA
    actions:
      - name: Beanstalk
        deploy: { beanstalk: { application: ${name}, environment: ${name}-qa } }
        inputs: Build
  - name: Config
    actions:
      - name: FeatureFlags
        deploy: { appconfig: { application: ${name}, environment: qa, profile: flags, path: flags.json, strategy: AppConfig.Linear50PercentEvery30Seconds } }
        inputs: Build
  - name: Approve
    actions:
      - name: QASignOff
        approval: { message: QA sign-off for ${name} }
  - name: Migrate
    actions:
      - name: Schema
        invoke: { step-functions: { state-machine: arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:migrate-${name}, input-type: file-path, input: migrate.json } }
        inputs: Build
  - name: Prod
    actions:
      - name: FleetA
        deploy: { codedeploy: { application: ${name}, group: fleet-a } }
        inputs: Build
      - name: FleetB
        deploy: { codedeploy: { application: ${name}, group: fleet-b } }
        inputs: Build
        run-order: 2
  - name: PostDeploy
    actions:
      - name: Warmup
        invoke: { lambda: warmup }
  - name: Close
    actions:
      - name: Ticket
        invoke: { lambda: { function: close-ticket, params: '{"app":"${name}"}' } }
`;
}

// The serverless pipelines deploy to the production account, which cannot read artifacts under S3's
// default key (PC4008): the shared store has a customer managed key, as a cross-account setup needs.
/** The settings at the top of each generated file, which its pipelines share. */
export const SHARED = `artifacts: { bucket: acme-artifacts, kms-key: ${ARTIFACT_KEY} }
connection: ${CONNECTION}
`;

/**
 * Writes a workspace of `count` pipelines under `dir`: as `pipelines/*.yml`, 10 pipelines per file
 * ("files"), or as one `pipeline.yml` holding them all under `pipelines:` ("single").
 */
export function writeWorkspace(dir, count, shape = 'files') {
  rmSync(dir, { recursive: true, force: true });
  if (shape === 'single') {
    mkdirSync(dir, { recursive: true });
    let text = `${SHARED}pipelines:\n`;
    for (let i = 0; i < count; i++) text += pipelineYaml(i, '    ');
    writeFileSync(join(dir, 'pipeline.yml'), text);
    return;
  }
  const perFile = 10;
  mkdirSync(join(dir, 'pipelines'), { recursive: true });
  for (let f = 0; f * perFile < count; f++) {
    let text = `${SHARED}pipelines:\n`;
    for (let i = f * perFile; i < Math.min(count, (f + 1) * perFile); i++) text += pipelineYaml(i, '    ');
    writeFileSync(join(dir, 'pipelines', `group-${String(f).padStart(4, '0')}.yml`), text);
  }
}
