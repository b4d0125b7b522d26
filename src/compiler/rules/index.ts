import { actionCount } from './action-count.js';
import { actionFields } from './action-fields.js';
import { actionRole } from './action-role.js';
import { apiModel } from './api-model.js';
import { artifactCount } from './artifact-count.js';
import { artifactWiring } from './artifacts.js';
import { buildOutputs } from './build-outputs.js';
import { buildspecFile } from './buildspec-file.js';
import { conditions } from './conditions.js';
import { configuration } from './configuration.js';
import { configurationTypes } from './configuration-types.js';
import { crossRegion } from './cross-region.js';
import { disableInbound } from './disable-inbound.js';
import { executionMode } from './execution-mode.js';
import { firstStageSources } from './first-stage-sources.js';
import { keyAlias } from './key-alias.js';
import { namespaces } from './namespaces.js';
import { pipelineRoleAccount } from './pipeline-role-account.js';
import { plaintextSecret } from './plaintext-secret.js';
import { rolePolicy } from './role-policy.js';
import { stageCount } from './stage-count.js';
import { tags } from './tags.js';
import { triggers } from './triggers.js';
import { uniqueNames } from './unique-names.js';
import { v2Only } from './v2-only.js';
import { variableRefs } from './variable-refs.js';
import type { Rule } from './types.js';

/** Every semantic rule, run in this order over each pipeline. */
export const RULES: readonly Rule[] = [
  stageCount,
  firstStageSources,
  actionCount,
  uniqueNames,
  artifactWiring,
  artifactCount,
  configuration,
  configurationTypes,
  v2Only,
  triggers,
  executionMode,
  crossRegion,
  keyAlias,
  pipelineRoleAccount,
  rolePolicy,
  actionRole,
  namespaces,
  variableRefs,
  tags,
  conditions,
  actionFields,
  plaintextSecret,
  buildOutputs,
  buildspecFile,
  disableInbound,
  apiModel,
];

/**
 * Rules whose findings are about one action or setting by itself: they still run on a pipeline that could
 * not be read whole (an error in a macro, a stage dropped), so one mistake does not hide the warnings and
 * errors elsewhere. The other rules look at the whole pipeline (stage counts, artifact wiring, references)
 * and would only repeat, as missing stages or artifacts, what could not be read.
 */
export const LOCAL_RULES: readonly Rule[] = [
  uniqueNames,
  configuration,
  configurationTypes,
  v2Only,
  executionMode,
  keyAlias,
  rolePolicy,
  actionRole,
  tags,
  conditions,
  actionFields,
  plaintextSecret,
  buildspecFile,
];
