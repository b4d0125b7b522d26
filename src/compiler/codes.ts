import type { Severity } from './diagnostics.js';

interface CodeEntry {
  rule: string;
  severity: Severity;
  summary: string;
}

/**
 * Every diagnostic code pipec can report. Codes are stable: never renumber or reuse one.
 * PC0xxx input files, PC1xxx YAML, PC2xxx schema, PC3xxx pipeline rules, PC4xxx targets,
 * PC5xxx macros that write stages (environments, blue/green).
 * docs/diagnostics.md documents each; a test keeps the two in step.
 */
export const CODES = {
  PC0001: { rule: 'file-unreadable', severity: 'error', summary: 'an input file cannot be read' },
  PC0002: { rule: 'file-too-large', severity: 'error', summary: 'an input file is larger than pipec accepts' },
  PC0003: { rule: 'file-not-utf8', severity: 'error', summary: 'an input file is not valid UTF-8' },
  PC0004: { rule: 'file-binary', severity: 'error', summary: 'an input file holds binary data' },
  PC0005: { rule: 'file-empty', severity: 'error', summary: 'an input file holds no pipeline' },
  PC0006: { rule: 'file-is-directory', severity: 'error', summary: 'a directory was named where a file was expected' },
  PC0007: { rule: 'no-input-files', severity: 'error', summary: 'no pipeline.yml or pipelines/*.yml was found' },
  PC0008: { rule: 'unused-ignore', severity: 'warning', summary: 'a pipec-ignore comment or --ignore option that silences nothing' },
  PC0009: { rule: 'bad-ignore', severity: 'warning', summary: 'a pipec-ignore comment that cannot be read, or names a code that cannot be silenced' },
  PC1001: { rule: 'yaml-syntax', severity: 'error', summary: 'the file is not valid YAML' },
  PC1002: { rule: 'yaml-alias-limit', severity: 'error', summary: 'YAML aliases expand beyond the allowed size' },
  PC1003: { rule: 'yaml-too-deep', severity: 'error', summary: 'YAML nesting is deeper than allowed' },
  PC1004: { rule: 'yaml-duplicate-key', severity: 'error', summary: 'a mapping holds the same key twice' },
  PC1005: { rule: 'yaml-multiple-documents', severity: 'error', summary: 'a file holds more than one YAML document' },
  PC1006: { rule: 'yaml-unsupported', severity: 'error', summary: 'a YAML feature pipec does not accept (custom tags, complex keys)' },
  PC2001: { rule: 'unknown-key', severity: 'error', summary: 'a key that the language does not define' },
  PC2002: { rule: 'wrong-type', severity: 'error', summary: 'a value of the wrong type' },
  PC2003: { rule: 'missing-key', severity: 'error', summary: 'a required key is missing' },
  PC2004: { rule: 'invalid-value', severity: 'error', summary: 'a value outside the allowed choices' },
  PC2005: { rule: 'invalid-format', severity: 'error', summary: 'a value that does not match the required format' },
  PC2006: { rule: 'out-of-range', severity: 'error', summary: 'a number, length or count outside its limits' },
  PC2007: { rule: 'one-of', severity: 'error', summary: 'exactly one of several keys must be given' },
  PC2008: { rule: 'conflicting-keys', severity: 'error', summary: 'keys that cannot be used together' },
  PC2009: { rule: 'bad-shorthand', severity: 'error', summary: 'a shorthand string that cannot be read' },
  PC2010: { rule: 'unknown-provider', severity: 'error', summary: 'an action kind that pipec does not know' },
  PC3001: { rule: 'stage-count', severity: 'error', summary: 'a pipeline needs 2 to 50 stages' },
  PC3002: { rule: 'first-stage-sources', severity: 'error', summary: 'the first stage must hold only source actions' },
  PC3003: { rule: 'source-outside-first-stage', severity: 'error', summary: 'source actions are allowed only in the first stage' },
  PC3004: { rule: 'action-count', severity: 'error', summary: 'a stage needs 1 to 50 actions; a pipeline at most 500' },
  PC3005: { rule: 'duplicate-stage', severity: 'error', summary: 'two stages share a name' },
  PC3006: { rule: 'duplicate-action', severity: 'error', summary: 'two actions in one stage share a name' },
  PC3007: { rule: 'duplicate-artifact', severity: 'error', summary: 'two actions produce an artifact of the same name' },
  PC3008: { rule: 'unknown-artifact', severity: 'error', summary: 'an input artifact that no action produces' },
  PC3009: { rule: 'artifact-order', severity: 'error', summary: 'an input artifact produced by an action that does not run earlier' },
  PC3010: { rule: 'artifact-count', severity: 'error', summary: 'more or fewer artifacts than the provider accepts' },
  PC3011: { rule: 'missing-configuration', severity: 'error', summary: 'a configuration key the provider requires is missing' },
  PC3012: { rule: 'configuration-value', severity: 'error', summary: 'a configuration value the service would reject' },
  PC3013: { rule: 'v2-only', severity: 'error', summary: 'a feature that needs a V2 pipeline on a V1 pipeline' },
  PC3014: { rule: 'trigger-source', severity: 'error', summary: 'a trigger that does not name a connection source action' },
  PC3015: { rule: 'execution-mode-conditions', severity: 'error', summary: 'a stage condition the execution mode does not allow' },
  PC3016: { rule: 'cross-region', severity: 'error', summary: 'a cross-region action without what it needs, or where none is allowed' },
  PC3017: { rule: 'action-role', severity: 'error', summary: 'an action role on an action that cannot have one' },
  PC3018: { rule: 'namespace', severity: 'error', summary: 'a variable namespace that is duplicated, reserved or collides with an artifact' },
  PC3019: { rule: 'variable-reference', severity: 'error', summary: 'a #{...} reference to a namespace or variable that is not available' },
  PC3020: { rule: 'duplicate-pipeline', severity: 'error', summary: 'two pipelines share a name' },
  PC3021: { rule: 'tags', severity: 'error', summary: 'too many tags, or a reserved aws: tag key' },
  PC3024: { rule: 'condition-result', severity: 'error', summary: 'a stage condition result that is not allowed where it is used' },
  PC3025: { rule: 'compute-only-field', severity: 'error', summary: 'commands, output files or environment variables on a non-compute action' },
  PC3026: { rule: 'approval-timeout', severity: 'error', summary: 'a timeout on an action other than a manual approval' },
  PC3027: { rule: 'plaintext-secret', severity: 'warning', summary: 'a value that looks like a secret written in plain text' },
  PC3028: { rule: 'clone-ref-consumer', severity: 'error', summary: 'a CODEBUILD_CLONE_REF source artifact read by an action that is not CodeBuild' },
  PC3029: { rule: 'parallel-limit', severity: 'error', summary: 'more than 50 parallel or sequential action groups in a stage' },
  PC3030: { rule: 'build-outputs', severity: 'error', summary: "an inline build's per-output artifact files that do not match its outputs, or output names CodeBuild cannot use as secondary artifacts" },
  PC3031: { rule: 'disable-inbound', severity: 'error', summary: 'an inbound transition disabled on the first stage, which has none' },
  PC3032: { rule: 'action-type', severity: 'error', summary: 'a raw action whose category, owner, version or provider name does not match the action type CodePipeline registers' },
  PC3033: { rule: 'raw-configuration-key', severity: 'warning', summary: 'a raw action sets a configuration key that pipec does not know for its provider' },
  PC4001: { rule: 'target-needs-role', severity: 'error', summary: 'the codepipeline target needs the pipeline role ARN' },
  PC4002: { rule: 'target-needs-artifact-store', severity: 'error', summary: 'the codepipeline target needs an artifact bucket' },
  PC4003: { rule: 'target-secret', severity: 'error', summary: 'a secret the codepipeline target cannot carry without writing it in plain text' },
  PC4004: { rule: 'target-cannot-express', severity: 'warning', summary: 'a setting the codepipeline target cannot carry (disabled transitions, notifications); the cloudformation target can' },
  PC4005: { rule: 'cloudformation-unsupported', severity: 'error', summary: 'a setting that the CloudFormation resource schema does not accept' },
  PC4006: { rule: 'template-error', severity: 'error', summary: 'a user template that cannot be read or rendered, or renders invalid YAML' },
  PC4007: { rule: 'unknown-permissions', severity: 'warning', summary: 'an action type whose IAM permissions pipec does not know; the generated role lacks them' },
  PC5001: { rule: 'unknown-environment', severity: 'error', summary: 'a reference to an environment that is not declared before it' },
  PC5002: { rule: 'production-without-approval', severity: 'warning', summary: 'a production environment deployed without a manual approval (acknowledge with approval: false)' },
  PC5003: { rule: 'wave-member-setting', severity: 'error', summary: 'a stage setting (approval, conditions) on one environment of a wave instead of the wave' },
  PC5004: { rule: 'environment-interpolation', severity: 'error', summary: 'a ${env...} or ${deploy...} reference that cannot be filled in where it is written' },
  PC5005: { rule: 'cross-account-kms', severity: 'warning', summary: 'a cross-account deploy reading artifacts not encrypted with a customer-managed KMS key' },
  PC5006: { rule: 'blue-green-incomplete', severity: 'error', summary: 'a blue/green deploy without what its kind needs, or of a kind that has no blue/green form' },
  PC5007: { rule: 'duplicate-environment', severity: 'error', summary: 'two environments (or waves) share a name' },
  PC5008: { rule: 'deployment-group-conflict', severity: 'error', summary: 'a CodeDeploy deployment group defined twice, or an application given groups of two platforms' },
} as const satisfies Record<string, CodeEntry>;

export type Code = keyof typeof CODES;
