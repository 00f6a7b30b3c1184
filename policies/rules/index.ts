import type { Rule } from "../types";
import { ebsEncryptedRule, imdsv2Rule } from "./aws";
import { dataVolumesRetainedRule } from "./data";
import { imagesPinnedRule } from "./images";
import { antiAffinityRule, podDisruptionBudgetRule } from "./kubernetes";
import { noPublicDatabasePortsRule } from "./network";
import { controlPlaneHaRule, placementRule } from "./placement";
import { noPlaintextSecretsRule } from "./secrets";
import { tlsRequiredRule } from "./tls";
import { sequenceCacheRule, ysqlAuthRule } from "./yugabyte";

/** Every rule of the pack, in reporting order. Names are the keys of policies/config/<stack>.json. */
export const rules: readonly Rule[] = [
  sequenceCacheRule,
  ysqlAuthRule,
  imagesPinnedRule,
  noPublicDatabasePortsRule,
  ebsEncryptedRule,
  imdsv2Rule,
  placementRule,
  controlPlaneHaRule,
  antiAffinityRule,
  podDisruptionBudgetRule,
  dataVolumesRetainedRule,
  noPlaintextSecretsRule,
  tlsRequiredRule,
];

export {
  antiAffinityRule,
  controlPlaneHaRule,
  dataVolumesRetainedRule,
  ebsEncryptedRule,
  imagesPinnedRule,
  imdsv2Rule,
  noPlaintextSecretsRule,
  noPublicDatabasePortsRule,
  placementRule,
  podDisruptionBudgetRule,
  sequenceCacheRule,
  tlsRequiredRule,
  ysqlAuthRule,
};
