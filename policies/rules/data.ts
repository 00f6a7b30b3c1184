import { asArray, get, T } from "../extract";
import type { ResourceRule } from "../types";

const HOW =
  "set the resource option protect: true (retainOnDelete: true also keeps the data, but the CrossGuard analyzer only " +
  "sees protect, so `pulumi preview --policy-pack` would still flag it)";

/** When the stack holds real data, nothing that stores it is deleted by `pulumi destroy` or a replacement. */
export const dataVolumesRetainedRule: ResourceRule = {
  kind: "resource",
  name: "data-volumes-retained",
  description:
    "When the stack holds real data: Docker volumes, EBS volumes and PVCs are protected or retained, StatefulSet PVCs are retained on delete.",
  configSchema: {
    holdsRealData: { type: "boolean", default: false, description: "The stack stores data that must survive destroy/replace." },
  },
  types: [T.dockerVolume, T.ebsVolume, T.k8sPvc, T.statefulSet],
  check(r, ctx) {
    if (!ctx.holdsRealData) return [];
    const kept = r.protect === true || r.retainOnDelete === true;
    if (r.type === T.dockerVolume || r.type === T.ebsVolume || r.type === T.k8sPvc) {
      return kept ? [] : [`this volume holds the stack's data but would be deleted on destroy/replace; ${HOW}.`];
    }
    if (r.type === T.statefulSet) {
      if (!asArray(get(r.inputs, "spec", "volumeClaimTemplates")).length || r.protect === true) return [];
      const policy = get(r.inputs, "spec", "persistentVolumeClaimRetentionPolicy");
      const bad = (["whenDeleted", "whenScaled"] as const).filter((k) => get(policy, k) === "Delete");
      return bad.map(
        (k) =>
          `persistentVolumeClaimRetentionPolicy.${k} is Delete, so the YugabyteDB data volumes go with the pods; set ${k}: "Retain" ` +
          `(the Kubernetes default) or protect the StatefulSet.`,
      );
    }
    return [];
  },
};
