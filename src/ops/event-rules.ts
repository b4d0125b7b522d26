import { withoutNodeVersionWarning } from '../live/sdk-client.js';
import type { AwsSettings } from '../live/settings.js';

/** An EventBridge rule that targets a pipeline: its name, whether it is enabled, its event pattern. */
export interface PipelineRule {
  name: string;
  enabled: boolean;
  pattern?: string;
}

/** Reads the EventBridge rules that start a pipeline; undefined when EventBridge cannot be asked. */
export type RulesReader = (pipelineArn: string, region: string) => Promise<PipelineRule[] | undefined>;

/** Where EventBridge calls go: AWS_ENDPOINT_URL_EVENTBRIDGE, else --endpoint-url, else AWS_ENDPOINT_URL, else the service's own. */
export function eventBridgeEndpoint(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return flag;
  return env.AWS_ENDPOINT_URL_EVENTBRIDGE?.trim() || flag || env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * EventBridge through the AWS SDK (imported on first use): ListRuleNamesByTarget with the
 * pipeline's ARN, then DescribeRule for each. Any failure (no permission to read EventBridge, say)
 * gives undefined, so the caller falls back to what it can tell without the rules.
 */
export function sdkRulesReader(settings: AwsSettings, endpoint: string | undefined): RulesReader {
  return async (pipelineArn, region) => {
    try {
      const sdk = await import('@aws-sdk/client-eventbridge');
      const client = withoutNodeVersionWarning(
        () =>
          new sdk.EventBridgeClient({
            region,
            ...(settings.profile ? { profile: settings.profile } : {}),
            ...(endpoint ? { endpoint } : {}),
            ...(settings.credentials ? { credentials: settings.credentials } : {}),
            retryMode: 'adaptive',
            maxAttempts: settings.maxAttempts,
            requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
          }),
      );
      try {
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new sdk.ListRuleNamesByTargetCommand({ TargetArn: pipelineArn, ...(nextToken ? { NextToken: nextToken } : {}) }));
          names.push(...(out.RuleNames ?? []));
          nextToken = out.NextToken;
        } while (nextToken);
        const rules: PipelineRule[] = [];
        for (const name of names) {
          const r = await client.send(new sdk.DescribeRuleCommand({ Name: name }));
          rules.push({ name, enabled: r.State !== 'DISABLED', ...(r.EventPattern ? { pattern: r.EventPattern } : {}) });
        }
        return rules;
      } finally {
        client.destroy();
      }
    } catch {
      return undefined;
    }
  };
}
