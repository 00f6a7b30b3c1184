/** Docker helpers shared by the role builders of the local target. */
import * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../planner/plan";

/** Pull a pinned image once per stack; containers reference it by image id so a tag move cannot change them. */
export function pinnedImage(parent: pulumi.Resource, name: string, image: string, provider: docker.Provider): docker.RemoteImage {
  return new docker.RemoteImage(name, { name: image, keepLocally: true }, { parent, provider });
}

export const stackLabels = (plan: ClusterPlan, role: string): docker.types.input.ContainerLabel[] => [
  { label: "yb-k3s.project", value: plan.project },
  { label: "yb-k3s.stack", value: plan.stack },
  { label: "yb-k3s.role", value: role },
];
