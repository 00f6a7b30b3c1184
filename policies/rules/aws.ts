import { asArray, get, isOpaque, T } from "../extract";
import type { ResourceRule } from "../types";

const truthy = (v: unknown): boolean => v === true || v === "true";

/** EBS volumes, instance root/EBS devices and launch template block devices are encrypted. */
export const ebsEncryptedRule: ResourceRule = {
  kind: "resource",
  name: "ebs-encrypted",
  description: "Every EBS volume (standalone, instance root/EBS block devices, launch template mappings) is encrypted.",
  types: [T.ebsVolume, T.ec2Instance, T.launchTemplate],
  check(r) {
    const i = r.inputs;
    const out: string[] = [];
    if (r.type === T.ebsVolume) {
      if (!truthy(i.encrypted) && !isOpaque(i.encrypted)) out.push("EBS volume is not encrypted; set encrypted: true (and kmsKeyId for a customer-managed key).");
    } else if (r.type === T.ec2Instance) {
      if (!truthy(get(i, "rootBlockDevice", "encrypted")) && !isOpaque(i.rootBlockDevice))
        out.push("root volume is not encrypted (or rootBlockDevice is unset and the AMI default applies); set rootBlockDevice: { encrypted: true }.");
      asArray(i.ebsBlockDevices).forEach((d, idx) => {
        if (!truthy(get(d, "encrypted")))
          out.push(`ebsBlockDevices[${idx}] (${String(get(d, "deviceName") ?? "?")}) is not encrypted; set encrypted: true.`);
      });
    } else if (r.type === T.launchTemplate) {
      const mappings = asArray(i.blockDeviceMappings).filter((m) => get(m, "ebs") !== undefined);
      if (!mappings.length && !isOpaque(i.blockDeviceMappings))
        out.push("launch template has no blockDeviceMappings, so the root volume follows the AMI (maybe unencrypted); add a mapping with ebs: { encrypted: \"true\" }.");
      mappings.forEach((m, idx) => {
        if (!truthy(get(m, "ebs", "encrypted")))
          out.push(`blockDeviceMappings[${idx}] (${String(get(m, "deviceName") ?? "?")}) is not encrypted; set ebs: { encrypted: "true" }.`);
      });
    }
    return out;
  },
};

/** Instances and launch templates require IMDSv2 tokens. */
export const imdsv2Rule: ResourceRule = {
  kind: "resource",
  name: "imdsv2-required",
  description: "EC2 instances and launch templates require IMDSv2 (metadataOptions.httpTokens = required).",
  types: [T.ec2Instance, T.launchTemplate],
  check(r) {
    const tokens = get(r.inputs, "metadataOptions", "httpTokens");
    if (tokens === "required" || isOpaque(tokens) || isOpaque(r.inputs.metadataOptions)) return [];
    return [
      `metadataOptions.httpTokens is ${tokens === undefined ? "unset (IMDSv1 allowed)" : JSON.stringify(tokens)}; set metadataOptions: ` +
        `{ httpTokens: "required", httpEndpoint: "enabled" } so instance credentials need an IMDSv2 session token.`,
    ];
  },
};
