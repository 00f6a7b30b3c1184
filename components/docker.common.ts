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

/**
 * `dependsOn` for whatever must wait until the attached one-shot container `c` has exited 0. A non-zero exit rejects,
 * so nothing that waits on it is created or changed. It is an explicit dependency only: no input of the waiting
 * resource derives from `c`, so replacing `c` (it is delete-before-replace, fixed name) never replaces them too.
 */
export function afterSuccess(c: docker.Container, what: string, containerName: string): pulumi.Output<pulumi.Resource[]> {
  return c.exitCode.apply((code) => {
    // Unknown during preview; a real non-zero exit stops the deployment here.
    if (code !== undefined && code !== null && code !== 0) throw new Error(`${what} exited with ${code}; see: docker logs ${containerName}`);
    return [c];
  });
}
