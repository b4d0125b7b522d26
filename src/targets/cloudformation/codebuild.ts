import type { IrAction, IrProject } from '../../compiler/ir.js';
import { splitSecretReference } from '../../compiler/secret-reference.js';
import { SERVICE_ROLE_GRANTS } from '../../compiler/catalog/service-role-grants.js';
import { renderGrants } from './grant-render.js';
import { storeGrants, type StoreRefs } from './storage.js';
import { arn, arnPart, getAtt, PolicyBuilder, ref, roleProperties, serviceTrust, userArn, withUserPermissions, type Grant, type Json, type Template } from './template.js';

/** Source artifacts an inline build reads as git clones (CODEBUILD_CLONE_REF): the build itself fetches them. */
export interface CloneSources {
  repositories: string[];
  connections: string[];
}

export interface ProjectOptions {
  pipeline: string;
  stage: string;
  action: IrAction;
  project: IrProject;
  /** The rendered buildspec, when the project carries it inline. */
  buildspec?: string;
  /** The artifact store of the project's region, as this stack names it. */
  store: StoreRefs;
  logRetention: Json;
  clones: CloneSources;
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** The CodeBuild environment type an image needs. */
function environmentType(image: string): string {
  if (/windows/i.test(image)) return /2019/.test(image) ? 'WINDOWS_SERVER_2019_CONTAINER' : 'WINDOWS_SERVER_2022_CONTAINER';
  if (/aarch64|arm64/i.test(image)) return 'ARM_CONTAINER';
  return 'LINUX_CONTAINER';
}

/** The secret a secrets-manager reference (`secret-id:json-key:stage:version`) reads; a name matches the random suffix AWS adds. */
function secretResource(text: string): Json {
  const { id } = splitSecretReference(text);
  if (id.startsWith('arn:')) return userArn(/-[A-Za-z0-9]{6}$/.test(id) ? id : `${id}-??????`);
  return arn('secretsmanager', `secret:${arnPart(id)}-??????`);
}

function parameterResource(name: string): Json {
  return name.startsWith('arn:') ? userArn(name) : arn('ssm', `parameter/${arnPart(name.replace(/^\//, ''))}`);
}

const ECR_PUSH = /\bdocker\s+(?:image\s+)?push\s+(?:--?\S+\s+)*(\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/[a-z0-9][a-z0-9._\/-]*)/g;

const BUILDX_PUSH = /\bdocker\s+(?:buildx\s+)?build\b[^\n;&|]*\s--push\b/;
const TAGS = /\s(?:-t|--tag)[\s=]+(\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/[a-z0-9][a-z0-9._\/-]*)/g;

/**
 * The build's commands (every phase's, then `finally`'s) with its plain environment variables (`$REPO`,
 * `${REPO}`) replaced by their values, as the shell will; made once per project (two readers).
 */
function expandedCommands(project: IrProject): string[] {
  let list = EXPANDED.get(project);
  if (!list) {
    const vars = new Map(project.env.filter((e) => e.type === 'PLAINTEXT').map((e) => [e.name, e.value]));
    const expand = (command: string): string => (command.includes('$') ? command.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, name: string) => vars.get(name) ?? m) : command);
    list = [...Object.values(project.phases).flat(), ...(project.finally ?? [])].map(expand);
    EXPANDED.set(project, list);
  }
  return list;
}

const EXPANDED = new WeakMap<IrProject, string[]>();

/**
 * The ECR repositories a build pushes to, as IAM resources: those `push:` names, and those its
 * commands push to by a repository URI, written out or in one of the build's plain variables
 * (`docker push $REPO:tag` with `REPO: 111111111111.dkr.ecr.us-east-1.amazonaws.com/web`, `docker buildx build --push -t ...`).
 * ECR push permissions: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html
 */
function pushedRepositories(project: IrProject): Json[] {
  const names = [...(project.push ?? [])];
  for (const c of expandedCommands(project)) {
    for (const m of c.matchAll(ECR_PUSH)) names.push(m[1] as string);
    if (BUILDX_PUSH.test(c)) for (const m of c.matchAll(TAGS)) names.push(m[1] as string);
  }
  const out = new Map<string, Json>();
  for (const n of names) {
    const uri = ECR_IMAGE.exec(n);
    const resource = n.startsWith('arn:') ? userArn(n) : uri ? arn('ecr', `repository/${arnPart(uri[3] as string)}`, uri[2] as string, uri[1] as string) : arn('ecr', `repository/${arnPart(n)}`);
    out.set(JSON.stringify(resource), resource);
  }
  return [...out.values()];
}

/**
 * The images a build pushes to a target pipec cannot read even with the build's variables filled in
 * (`docker push $IMAGE_URI`, a variable set by the commands or another kind of variable): its role
 * gets no push permission for them unless `push:` names the repository.
 */
export function unresolvedPushes(project: IrProject): string[] {
  if ((project.push ?? []).length > 0) return [];
  const out: string[] = [];
  for (const c of expandedCommands(project)) {
    const target = /\bdocker\s+(?:image\s+)?push\s+(?:--?\S+\s+)*(\S+)/.exec(c)?.[1];
    // unresolved only when the repository itself is (a variable tag, `repo:$CODEBUILD_RESOLVED_SOURCE_VERSION`, is fine)
    if (target && !ECR_IMAGE.test(target) && (target.split(/[:@]/)[0] ?? '').includes('$')) out.push(target);
  }
  return out;
}

/**
 * What a project's service role needs: the artifact store, then the catalog's CodeBuild-role grants
 * (src/compiler/catalog/service-role-grants.ts) with the facts of this build: its parameters and
 * secrets, reports, clones, pushed repositories and build image.
 */
function projectGrants(o: ProjectOptions): Grant[] {
  const { project } = o;
  const ecr = ECR_IMAGE.exec(project.image);
  const connections = (service: string): Json[] => o.clones.connections.filter((c) => c.includes(`:${service}:`)).map((c) => userArn(c));
  const facts: Record<string, Json[]> = {
    parameters: project.env.filter((e) => e.type === 'PARAMETER_STORE').map((e) => parameterResource(e.value)),
    secrets: project.env.filter((e) => e.type === 'SECRETS_MANAGER').map((e) => secretResource(e.value)),
    // a report named r goes to report group <project>-r, which CodeBuild creates on the first run (names are checked: PC2005)
    reports: Object.keys(project.reports).map((r) => arn('codebuild', `report-group/${arnPart(project.name)}-${r}`)),
    'clone-repositories': o.clones.repositories.map((r) => arn('codecommit', arnPart(r))),
    'clone-codeconnections': connections('codeconnections'),
    'clone-codestar-connections': connections('codestar-connections'),
    'pushed-repositories': pushedRepositories(project),
    'build-image-repository': ecr ? [arn('ecr', `repository/${ecr[3]}`, ecr[2] as string, ecr[1] as string)] : [],
  };
  const grants = renderGrants(SERVICE_ROLE_GRANTS['codebuild-project'].grants, { config: {}, region: '${AWS::Region}', pipeline: o.pipeline, project: project.name, facts });
  // the artifact store's statements follow the logs' (the order the templates have always had)
  grants.splice(grants.findIndex((g) => g.sid === 'BuildLogs') + 1, 0, ...storeGrants(o.store, '', true));
  return grants;
}

/**
 * One inline build: its log group, a service role trusted only by CodeBuild and scoped to what this
 * project touches, and the project itself (CODEPIPELINE source and artifacts). Returns the project's logical ID.
 */
export function addProject(t: Template, o: ProjectOptions): { projectId: string; roleId: string } {
  const { project, action } = o;
  const base = t.uniqueId(`${o.stage}${action.name}`.replace(/[^A-Za-z0-9]/g, '') || 'Build');
  // Deleted with the stack: its name is fixed, so a kept group would stop the stack from being deployed again.
  const logsId = t.add(`${base}Logs`, 'AWS::Logs::LogGroup', { LogGroupName: `/aws/codebuild/${project.name}`, RetentionInDays: o.logRetention }, { deletion: 'Delete' });
  const policy = new PolicyBuilder();
  policy.addAll(projectGrants(o));
  const roleId = t.add(
    `${base}Role`,
    'AWS::IAM::Role',
    withUserPermissions(roleProperties(serviceTrust('codebuild.amazonaws.com'), 'codebuild-project', policy, { Description: `pipec: runs CodeBuild project ${project.name}` }), project.permissions),
  );
  const ecr = ECR_IMAGE.test(project.image);
  const environment: Record<string, Json> = {
    Type: environmentType(project.image),
    Image: project.image,
    ComputeType: project.computeType,
    ...(project.privileged ? { PrivilegedMode: true } : {}),
    ...(ecr ? { ImagePullCredentialsType: 'SERVICE_ROLE' } : {}),
    ...(project.env.length > 0 ? { EnvironmentVariables: project.env.map((e) => ({ Name: e.name, Type: e.type, Value: e.value })) } : {}),
  };
  const projectId = t.add(`${base}Project`, 'AWS::CodeBuild::Project', {
    Name: project.name,
    Description: `pipec: action ${action.name} of stage ${o.stage} in pipeline ${o.pipeline}`,
    ServiceRole: getAtt(roleId, 'Arn'),
    Source: { Type: 'CODEPIPELINE', BuildSpec: project.buildspecPath ?? o.buildspec ?? '' },
    Artifacts: { Type: 'CODEPIPELINE' },
    Environment: environment,
    ...(o.store.keyId ? { EncryptionKey: o.store.keyId } : {}),
    ...(project.timeoutInMinutes !== undefined ? { TimeoutInMinutes: project.timeoutInMinutes } : {}),
    ...(project.cache.length > 0 ? { Cache: { Type: 'LOCAL', Modes: ['LOCAL_CUSTOM_CACHE', ...(project.privileged ? ['LOCAL_DOCKER_LAYER_CACHE'] : [])] } } : {}),
    LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: ref(logsId) } },
  });
  return { projectId, roleId };
}
