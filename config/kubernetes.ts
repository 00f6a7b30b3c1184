import { z } from "zod";
import { dnsLabel, ipCidr, nonEmpty } from "./common";

const QUANTITY = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const FACTOR: Readonly<Record<string, number>> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };

/** A Kubernetes quantity in base units (bytes, cores), or undefined when it is not one. */
export function quantityValue(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  return m ? Number(m[1]) * FACTOR[m[2] ?? ""] : undefined;
}

/** A Kubernetes quantity of at least `min` (base units), described by `what` when too small. */
const quantity = (min: number, what: string) =>
  z.string().superRefine((q, ctx) => {
    const v = quantityValue(q);
    if (v === undefined) ctx.addIssue({ code: "custom", message: "must be a Kubernetes quantity such as 500m, 2, 4Gi" });
    else if (v < min) ctx.addIssue({ code: "custom", message: `must be at least ${what}; got ${q}` });
  });

/** A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** `yb-k3s:kubernetes` — an existing cluster, always through an explicit provider. */
export const KubernetesConfig = z.strictObject({
  /** Path to a kubeconfig file; the provider's default lookup (KUBECONFIG, ~/.kube/config) when unset. */
  kubeconfig: nonEmpty("remove the key to use KUBECONFIG or ~/.kube/config").optional(),
  /** kubeconfig context; required so a deployment never lands in whatever context happens to be current. */
  context: z.string().min(1, "must name a kubeconfig context"),
  namespace: dnsLabel.default("yb-k3s"),
  /**
   * StorageClass for YugabyteDB volumes; the cluster default when unset. Prefer a WaitForFirstConsumer class.
   * Never '': Kubernetes reads an empty class as "no class, bind only pre-provisioned volumes".
   */
  storageClass: z
    .string()
    .regex(DNS_SUBDOMAIN, "must name a StorageClass (a DNS subdomain); remove the key to use the cluster's default class ('' would mean no class at all)")
    .max(253)
    .optional(),
  storageSize: quantity(2 ** 30, "1Gi (a YugabyteDB data volume)").default("50Gi"),
  /** Node label holding the zone; every configured zone must exist as a value of it. */
  zoneLabel: z
    .string()
    .regex(LABEL_KEY, "must be a node label key such as topology.kubernetes.io/zone (pods are pinned to their zone by it)")
    .max(317)
    .default("topology.kubernetes.io/zone"),
  /** Per k3s server: its agent's images and its node identity (a restarted server must keep its node password). */
  k3sStorageSize: quantity(2 ** 30, "1Gi (a k3s server's images and node identity)").default("20Gi"),
  yugabyteResources: z
    .strictObject({
      cpu: quantity(0.1, "100m (one pod runs a YugabyteDB master, tserver and PostgreSQL)").default("2"),
      memory: quantity(2 ** 30, "1Gi (one pod runs a YugabyteDB master, tserver and PostgreSQL)").default("4Gi"),
    })
    .prefault({}),
  /** Service type in front of the k3s API (6443 only). LoadBalancer only on request. */
  k3sServiceType: z.enum(["ClusterIP", "LoadBalancer"]).default("ClusterIP"),
  /** Source ranges allowed to reach a LoadBalancer k3s API. Required when k3sServiceType is LoadBalancer. */
  k3sAllowedCidrs: z.array(ipCidr).default([]),
});
export type KubernetesConfig = z.infer<typeof KubernetesConfig>;
