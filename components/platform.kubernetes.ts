import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesConfig } from "../config/kubernetes";
import type { ClusterPlan } from "../planner/plan";
import type { KubernetesPlatform } from "./platform";

export interface KubernetesPlatformArgs {
  readonly plan: ClusterPlan;
  readonly config: KubernetesConfig;
}

/**
 * Pod Security Admission labels for the namespace. k3s servers run privileged pods (containerd, kubelet and cgroups
 * inside the pod), so the namespace must admit `privileged`; audit and warn at `baseline` so anything else that drifts
 * from baseline is still reported. Kine is restricted-compliant, YugabyteDB baseline-compliant (see docs/kubernetes.md).
 */
export const NAMESPACE_POD_SECURITY: Readonly<Record<string, string>> = Object.freeze({
  "pod-security.kubernetes.io/enforce": "privileged",
  "pod-security.kubernetes.io/audit": "baseline",
  "pod-security.kubernetes.io/warn": "baseline",
});

/**
 * The kubernetes target: an explicit provider built from config (kubeconfig path and/or context — never whatever
 * context happens to be current) and the stack's namespace.
 */
export class KubernetesPlatformResources extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly namespace: k8s.core.v1.Namespace;
  readonly platform: KubernetesPlatform;

  constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:kubernetes:Platform", name, {}, opts);
    const { plan, config } = args;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        ...(config.kubeconfig !== undefined ? { kubeconfig: config.kubeconfig } : {}),
        context: config.context,
      },
      { parent: this },
    );
    // Deleting a namespace deletes the PersistentVolumeClaims in it, whatever the StatefulSets' retention policy says:
    // with protectData the namespace is protected and left behind on destroy.
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: config.namespace,
          labels: { ...NAMESPACE_POD_SECURITY, "app.kubernetes.io/part-of": "yb-k3s", "yb-k3s.io/stack": plan.stack },
        },
      },
      { parent: this, provider: this.provider, protect: plan.protectData, retainOnDelete: plan.protectData },
    );
    this.platform = {
      kind: "kubernetes",
      provider: this.provider,
      namespace: this.namespace.metadata.name,
      config,
    };
    this.registerOutputs({ namespace: this.namespace.metadata.name });
  }
}
