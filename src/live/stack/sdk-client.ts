import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { describeFailure } from '../errors.js';
import { withoutNodeVersionWarning } from '../sdk-client.js';
import type { AwsSettings } from '../settings.js';
import type { LiveChangeSet, LiveStack, ResourceChange, StackClient, StackClientProvider, StackEvent } from './client.js';

type Sdk = typeof import('@aws-sdk/client-cloudformation');

const QUIET_LOGGER = { debug() {}, info() {}, warn() {}, error() {} };

/** Where CloudFormation calls go: AWS_ENDPOINT_URL_CLOUDFORMATION, else --endpoint-url / AWS_ENDPOINT_URL, else the service's own. */
export function cloudFormationEndpoint(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return flag;
  return env.AWS_ENDPOINT_URL_CLOUDFORMATION?.trim() || flag || env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * CloudFormation through the AWS SDK for JavaScript v3, imported here and only when `--stack`
 * needs it. A location with a profile (--account-profile) uses that profile's credentials; the
 * pipeline's own account uses the settings' credentials, as CodePipeline calls do.
 */
export async function sdkStackClientProvider(settings: AwsSettings, endpoint: string | undefined): Promise<StackClientProvider> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const clients = new Map<string, StackClient>();
  const endpointFor = (region: string) => endpoint ?? `https://cloudformation.${region}.amazonaws.com`;
  return {
    describeEndpoint: endpointFor,
    async forLocation(location) {
      const key = `${location.profile ?? ''}\0${location.region}`;
      let c = clients.get(key);
      if (!c) {
        const profile = location.profile ?? settings.profile;
        const client = withoutNodeVersionWarning(
          () =>
            new sdk.CloudFormationClient({
              region: location.region,
              ...(profile ? { profile } : {}),
              ...(endpoint ? { endpoint } : {}),
              ...(!location.profile && settings.credentials ? { credentials: settings.credentials } : {}),
              // --account-profile names the profile on purpose; the SDK would otherwise warn that keys in the environment are ignored.
              ...(location.profile ? { logger: QUIET_LOGGER } : {}),
              retryMode: 'adaptive',
              maxAttempts: settings.maxAttempts,
              requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
            }),
        );
        c = stackClient(sdk, client, location.region, endpointFor(location.region));
        clients.set(key, c);
      }
      return c;
    },
  };
}

function stackClient(sdk: Sdk, client: CloudFormationClient, region: string, endpoint: string): StackClient {
  const call = async <T>(operation: string, stack: string | undefined, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw describeFailure(e, { operation, endpoint, service: 'CloudFormation', ...(stack ? { stack } : {}) });
    }
  };
  const missing = (e: unknown) => (e as { name?: string }).name === 'ValidationError' && /does not exist/.test((e as Error).message ?? '');
  return {
    region,
    describeStack: (name) =>
      call('DescribeStacks', name, async (): Promise<LiveStack | undefined> => {
        try {
          const out = await client.send(new sdk.DescribeStacksCommand({ StackName: name }));
          const s = out.Stacks?.[0];
          if (!s || s.StackStatus === 'DELETE_COMPLETE') return undefined;
          return {
            stackId: s.StackId ?? name,
            status: s.StackStatus ?? 'UNKNOWN',
            ...(s.StackStatusReason ? { statusReason: s.StackStatusReason } : {}),
            lastChanged: (s.LastUpdatedTime ?? s.CreationTime)?.toISOString() ?? '',
            outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
            parameters: Object.fromEntries((s.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
            tags: (s.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })),
          };
        } catch (e) {
          if (missing(e)) return undefined;
          throw e;
        }
      }),
    getTemplate: (name) =>
      call('GetTemplate', name, async () => {
        const out = await client.send(new sdk.GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }));
        return typeof out.TemplateBody === 'string' ? out.TemplateBody : JSON.stringify(out.TemplateBody ?? {});
      }),
    createChangeSet: (input) =>
      call('CreateChangeSet', input.stackName, async () => {
        const out = await client.send(
          new sdk.CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            ChangeSetType: input.type,
            ...(input.templateUrl ? { TemplateURL: input.templateUrl } : { TemplateBody: input.templateBody }),
            Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
            Parameters: Object.entries(input.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
            Tags: input.tags.map((t) => ({ Key: t.key, Value: t.value })),
            Description: 'pipec plan --stack',
          }),
        );
        return { id: out.Id ?? '', stackId: out.StackId ?? input.stackName };
      }),
    describeChangeSet: (id) =>
      call('DescribeChangeSet', undefined, async (): Promise<LiveChangeSet | undefined> => {
        const changes: ResourceChange[] = [];
        let next: string | undefined;
        let head: LiveChangeSet | undefined;
        do {
          let out;
          try {
            out = await client.send(new sdk.DescribeChangeSetCommand({ ChangeSetName: id, ...(next ? { NextToken: next } : {}) }));
          } catch (e) {
            if ((e as { name?: string }).name === 'ChangeSetNotFoundException' || missing(e)) return undefined;
            throw e;
          }
          head ??= {
            id,
            stackId: out.StackId ?? '',
            status: out.Status ?? 'UNKNOWN',
            ...(out.StatusReason ? { statusReason: out.StatusReason } : {}),
            executionStatus: out.ExecutionStatus ?? 'UNAVAILABLE',
            changes,
          };
          for (const c of out.Changes ?? []) {
            const r = c.ResourceChange;
            if (!r) continue;
            const properties = [...new Set((r.Details ?? []).map((d) => d.Target?.Name ?? d.Target?.Attribute ?? '').filter((n) => n !== ''))].sort();
            changes.push({
              action: (r.Action ?? 'Modify') as ResourceChange['action'],
              logicalId: r.LogicalResourceId ?? '',
              ...(r.PhysicalResourceId ? { physicalId: r.PhysicalResourceId } : {}),
              resourceType: r.ResourceType ?? '',
              ...(r.Replacement ? { replacement: r.Replacement } : {}),
              ...(properties.length > 0 ? { properties } : {}),
            });
          }
          next = out.NextToken;
        } while (next);
        return head;
      }),
    deleteChangeSet: (id) =>
      call('DeleteChangeSet', undefined, async () => {
        await client.send(new sdk.DeleteChangeSetCommand({ ChangeSetName: id }));
      }),
    executeChangeSet: (id) =>
      call('ExecuteChangeSet', undefined, async () => {
        await client.send(new sdk.ExecuteChangeSetCommand({ ChangeSetName: id }));
      }),
    events: (stackId, since) =>
      call('DescribeStackEvents', undefined, async () => {
        const out: StackEvent[] = [];
        let next: string | undefined;
        do {
          const page = await client.send(new sdk.DescribeStackEventsCommand({ StackName: stackId, ...(next ? { NextToken: next } : {}) }));
          for (const e of page.StackEvents ?? []) {
            if (since !== undefined && e.EventId === since) return out;
            out.push({
              eventId: e.EventId ?? '',
              timestamp: e.Timestamp?.toISOString() ?? '',
              logicalId: e.LogicalResourceId ?? '',
              ...(e.PhysicalResourceId ? { physicalId: e.PhysicalResourceId } : {}),
              resourceType: e.ResourceType ?? '',
              status: e.ResourceStatus ?? '',
              ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
            });
          }
          next = page.NextToken;
        } while (next);
        return out;
      }),
    deleteStack: (stackId) =>
      call('DeleteStack', undefined, async () => {
        await client.send(new sdk.DeleteStackCommand({ StackName: stackId }));
      }),
  };
}
