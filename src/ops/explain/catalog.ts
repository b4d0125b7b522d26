/** An explanation pipec gives for something that went wrong at run time. */
export interface Explanation {
  code: ExplanationCode;
  /** Where the failing action (or source) is written in pipeline.yml, when pipec knows: file:line:col. */
  location?: string;
  /** The stage and action it is about ("Build.Lint"), or the source action. */
  subject: string;
  /** What happened, in plain words. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/**
 * The run-time explanations, each with a stable code, a rule name and its page in
 * docs/failures.md (a test keeps the two in step). Codes are never renumbered or reused.
 */
export const EXPLANATIONS = {
  PF001: { rule: 'access-denied', summary: 'the role an action runs as lacks a permission' },
  PF002: { rule: 'artifact-missing', summary: 'an artifact (or a file in it) that nobody produced' },
  PF003: { rule: 'artifact-too-large', summary: 'an artifact larger than the action accepts' },
  PF004: { rule: 'timeout', summary: 'an action that did not finish within its time limit' },
  PF005: { rule: 'approval-rejected', summary: 'a manual approval that was rejected' },
  PF006: { rule: 'source-change-not-detected', summary: 'a source change that does not start the pipeline' },
  PF007: { rule: 'action-failed', summary: 'an action failed for a reason its provider reported' },
} as const;

export type ExplanationCode = keyof typeof EXPLANATIONS;

/** The documentation page of a code: docs/failures.md#pf001-access-denied. */
export function docLink(code: ExplanationCode): string {
  return `docs/failures.md#${code.toLowerCase()}-${EXPLANATIONS[code].rule}`;
}
