import { z } from "zod";
import { dnsLabel } from "./common";

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a Kubernetes quantity such as 500m, 2, 4Gi");

/** `yb-k3s:kubernetes` — an existing cluster, always through an explicit provider. */
export const KubernetesConfig = z.strictObject({
  /** Path to a kubeconfig file; the provider's default lookup (KUBECONFIG, ~/.kube/config) when unset. */
  kubeconfig: z.string().optional(),
  /** kubeconfig context; required so a deployment never lands in whatever context happens to be current. */
  context: z.string().min(1, "must name a kubeconfig context"),
  namespace: dnsLabel.default("yb-k3s"),
  /** StorageClass for YugabyteDB volumes; the cluster default when unset. Prefer a WaitForFirstConsumer class. */
  storageClass: z.string().optional(),
  storageSize: quantity.default("50Gi"),
  /** Node label holding the zone; every configured zone must exist as a value of it. */
  zoneLabel: z.string().default("topology.kubernetes.io/zone"),
  /** Per k3s server: its agent's images and its node identity (a restarted server must keep its node password). */
  k3sStorageSize: quantity.default("20Gi"),
  yugabyteResources: z
    .strictObject({ cpu: quantity.default("2"), memory: quantity.default("4Gi") })
    .prefault({}),
  /** Service type in front of the k3s API (6443 only). LoadBalancer only on request. */
  k3sServiceType: z.enum(["ClusterIP", "LoadBalancer"]).default("ClusterIP"),
  /** Source ranges allowed to reach a LoadBalancer k3s API. Required when k3sServiceType is LoadBalancer. */
  k3sAllowedCidrs: z.array(z.string()).default([]),
});
export type KubernetesConfig = z.infer<typeof KubernetesConfig>;
