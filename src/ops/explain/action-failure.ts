import type { ActionDeclaration, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { Explanation } from './catalog.js';

/** A failed action, with what pipec knows about it beside what the service reported. */
export interface FailedAction {
  pipeline: string;
  stage: string;
  action: string;
  errorCode?: string;
  message?: string;
  /** The approval's comment, or the provider's summary. */
  summary?: string;
  /** Who answered, for approvals. */
  updatedBy?: string;
  externalUrl?: string;
  /** pipeline.yml file:line:col of the action, when the configuration has it. */
  location?: string;
}

/**
 * The action timeouts of the CodePipeline quotas page (limits.html, "Length of time before an
 * action times out"), by provider; every other action times out after 1 hour.
 */
const TIMEOUTS: Record<string, string> = {
  Manual: '7 days unless the action sets timeoutInMinutes (up to 60 days)',
  CloudFormation: '3 days',
  CodeBuild: '8 hours',
  CodeDeploy: '5 days',
  CodeDeployToECS: '5 days',
  Lambda: '24 hours',
  S3: '90 minutes',
  StepFunctions: '7 days',
};

/** Why an action failed, from its error and the live declaration: one explanation, the most specific that fits. */
export function explainActionFailure(f: FailedAction, declaration: PipelineDeclaration | undefined): Explanation {
  const decl = findAction(declaration, f.stage, f.action);
  const subject = `${f.stage}.${f.action}`;
  const base = { subject, ...(f.location ? { location: f.location } : {}) };
  const text = `${f.errorCode ?? ''} ${f.message ?? ''}`;
  const message = f.message ?? f.errorCode ?? 'no reason given';
  const retry = `pipec retry ${f.pipeline} ${f.stage}`;

  if (decl?.actionTypeId?.category === 'Approval' && /^Rejected\b/.test(f.message ?? '')) {
    const who = f.updatedBy ? ` by ${f.updatedBy}` : '';
    return { ...base, code: 'PF005', message: `the approval was rejected${who}${f.summary ? `: "${f.summary}"` : ''}`, fix: `address the reviewer's comment, then start a new execution (pipec start ${f.pipeline}) or retry this stage (${retry})` };
  }
  const denied = /is not authorized to perform:?\s*([\w-]+:[\w*]+)/i.exec(text);
  if (denied || /AccessDenied|Access Denied|not authorized/i.test(text)) {
    const permission = denied?.[1];
    const role = /assumed-role\/([^/\s]+)/.exec(text)?.[1] ?? roleName(decl?.roleArn ?? declaration?.roleArn);
    const resource = /on resource:?\s*([^\s;,)]+)/i.exec(text)?.[1];
    const what = permission ? `lacks ${permission}${resource ? ` on ${resource}` : ''}` : 'was denied access';
    return {
      ...base,
      code: 'PF001',
      message: `the role ${role ? `'${role}' ` : ''}${what}${permission ? '' : `: ${message}`}`,
      fix: `allow ${permission ?? 'the denied call'}${resource ? ` on ${resource}` : ''} in the policy of ${role ? `role '${role}'` : 'the role the action runs as'}, then ${retry}`,
    };
  }
  if (/no matching artifact paths found/i.test(text))
    return { ...base, code: 'PF002', message: `the build's artifact files matched nothing, so it produced no output artifact: ${message}`, fix: `check the buildspec's artifacts files (and base-directory) against what the build writes, then ${retry}` };
  const missingFile = /(?:file\s+)?\[?([^\]\s]+)\]?\s+does not exist in (?:the )?artifact\s+\[?([\w.-]+)\]?/i.exec(text);
  if (missingFile) {
    const producer = producerOf(declaration, missingFile[2] as string);
    return {
      ...base,
      code: 'PF002',
      message: `the file '${missingFile[1]}' is not in artifact '${missingFile[2]}'${producer ? ` (made by ${producer})` : ''}: ${message}`,
      fix: `make ${producer ?? 'the action that produces it'} write '${missingFile[1]}' into that artifact, or fix the path in this action's configuration, then start a new execution`,
    };
  }
  const missing = /artifact\s+\[?([\w.-]+)\]?\s+(?:was\s+)?(?:not found|does not exist|is missing|could not be found)/i.exec(text);
  if (missing) {
    const name = missing[1] as string;
    const producer = producerOf(declaration, name);
    return {
      ...base,
      code: 'PF002',
      message: producer ? `artifact '${name}' (made by ${producer}) was not available: ${message}` : `no action produces artifact '${name}': ${message}`,
      fix: producer ? `check that ${producer} succeeded in this execution and wrote '${name}', then ${retry}` : `name an output artifact '${name}' on an earlier action, or read an artifact that exists, then apply and start again`,
    };
  }
  if (/exceed|larger than|too large|maximum (?:allowed )?size|size limit/i.test(text) && /artifact|size|zip|bytes|MB\b/i.test(text)) {
    const name = /artifact\s+\[?([\w.-]+)\]?/i.exec(text)?.[1];
    return {
      ...base,
      code: 'PF003',
      message: `${name ? `artifact '${name}'` : 'an artifact'} is larger than ${f.action} accepts: ${message}`,
      fix: 'make the artifact smaller (only the files the next action needs, e.g. a narrower artifacts files list), or hand large files over through S3 instead of the artifact',
    };
  }
  if (/TimeoutError|timed out|time-?out|expired/i.test(text)) {
    const provider = decl?.actionTypeId?.provider ?? '';
    const limit = TIMEOUTS[provider] ?? '1 hour';
    const minutes = decl?.timeoutInMinutes ? `${decl.timeoutInMinutes} minutes (this action's timeoutInMinutes)` : limit;
    return {
      ...base,
      code: 'PF004',
      message: `the action did not finish within its time limit of ${minutes}: ${message}`,
      fix: decl?.actionTypeId?.category === 'Approval' ? `answer approvals sooner (pipec approve ${f.pipeline}), or raise the approval's timeout in pipeline.yml; then ${retry}` : `find out why ${f.action} hangs (its log${f.externalUrl ? `: ${f.externalUrl}` : ''}), then ${retry}`,
    };
  }
  return {
    ...base,
    code: 'PF007',
    message: `${f.errorCode ? `${f.errorCode}: ` : ''}${f.message ?? 'the action failed without a message'}`,
    fix: `${f.externalUrl ? `read the provider's log at ${f.externalUrl}` : "read the action's log in its provider (pipec runs shows the execution's actions)"}, fix the cause, then ${retry}`,
  };
}

/** The action declaration of that stage and name, if the pipeline has it. */
export function findAction(declaration: PipelineDeclaration | undefined, stage: string, action: string): ActionDeclaration | undefined {
  return declaration?.stages?.find((s) => s.name === stage)?.actions?.find((a) => a.name === action);
}

function producerOf(declaration: PipelineDeclaration | undefined, artifact: string): string | undefined {
  for (const s of declaration?.stages ?? []) for (const a of s.actions ?? []) if (a.outputArtifacts?.some((o) => o.name === artifact)) return `${s.name}.${a.name}`;
  return undefined;
}

function roleName(arn: string | undefined): string | undefined {
  return arn ? arn.split('/').pop() : undefined;
}
