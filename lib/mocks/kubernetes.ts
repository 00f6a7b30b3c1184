/** Mock outputs for the Kubernetes provider (the kubernetes target). Every type the target registers, nothing else. */
import { registerResource } from "./registry";

registerResource("pulumi:providers:kubernetes", (i) => i);
// The API server echoes the object back; status is empty until controllers act (unknown to a preview, too).
for (const type of [
  "kubernetes:core/v1:Namespace",
  "kubernetes:core/v1:Service",
  "kubernetes:core/v1:Secret",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:policy/v1:PodDisruptionBudget",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  "kubernetes:core/v1:ServiceAccount",
  "kubernetes:rbac.authorization.k8s.io/v1:Role",
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
]) {
  registerResource(type, (i) => ({ ...i, status: {} }));
}
