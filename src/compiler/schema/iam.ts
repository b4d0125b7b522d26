import { z } from 'zod';
import { lazy } from './common.js';

/**
 * `permissions:` and `managed-policies:` on an inline build (its CodeBuild role) and on a pipeline
 * (its pipeline role): what pipec cannot infer from the file, such as the buckets a build's
 * commands write to. Only the cloudformation target creates those roles.
 */

/** One IAM policy statement, in pipeline.yml's lower-case keys. */
export const STATEMENT = lazy(() => {
  /** An IAM action, `service:Action` (wildcards allowed in the action part). */
  const action = z
    .string()
    .max(128)
    .regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, { message: "IAM actions are written 'service:Action' (s3:PutObject, ecr:*)" });
  /** An ARN, or `*` for calls that have no resource-level permissions. */
  const resource = z
    .string()
    .min(1)
    .max(2048)
    .regex(/^(\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$/, { message: "resources are ARNs (arn:aws:s3:::bucket/*), or '*'" });
  const conditionValue = z.union([z.string(), z.boolean().transform(String), z.number().transform(String), z.array(z.string()).min(1)]);
  return z.strictObject({
    sid: z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9]+$/, { message: 'statement IDs use only letters and digits' })
      .optional(),
    effect: z.enum(['allow', 'deny', 'Allow', 'Deny']).optional(),
    actions: z.union([action, z.array(action).min(1).max(100)]),
    resources: z.union([resource, z.array(resource).min(1).max(100)]),
    condition: z.record(z.string().min(1), z.record(z.string().min(1), conditionValue)).optional(),
  });
});

/** Extra statements for a role. */
export const PERMISSIONS = lazy(() => z.array(STATEMENT()).min(1).max(50));

/** Managed policies to attach to a role (IAM allows 20 a role; pipec's own roles use up to 3). */
export const MANAGED_POLICIES = lazy(() =>
  z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/, { message: 'expected a managed policy ARN (arn:aws:iam::aws:policy/ReadOnlyAccess)' }))
    .min(1)
    .max(10),
);

/** `permissions:` as read: statements whose condition values are text. */
export type Permissions = z.output<ReturnType<typeof PERMISSIONS>>;
export type ManagedPolicies = z.output<ReturnType<typeof MANAGED_POLICIES>>;
