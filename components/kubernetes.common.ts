/** Kubernetes helpers shared by the role builders of the kubernetes target. Pure apart from types. */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../planner/plan";
import type { KubernetesPlatform } from "./platform";

/** Component names, used as `app.kubernetes.io/name` (and so in every selector). */
export const K8S_APPS = {
  yugabyte: "yugabytedb",
  bootstrap: "yugabytedb-bootstrap",
  /** The per-zone rollout gate Jobs (planner/rollout.ts). */
  rollout: "yugabytedb-rollout",
  kine: "kine",
  k3s: "k3s",
  /** The off-cluster backup CronJob's pods (components/kineBackups.kubernetes.ts). */
  backup: "kine-backup",
} as const;

/** StatefulSet name of a zone: its pods are `yb-<zone>-<ordinal>`, exactly the plan's node names. */
export const yugabyteStatefulSetName = (zone: string): string => `yb-${zone}`;

/** Label that carries the zone on YugabyteDB pods (selectors of the per-zone StatefulSets must not overlap). */
export const ZONE_POD_LABEL = "yb-k3s.io/zone";

/** The labels every selector uses: component + stack instance. Stable: selectors are immutable. */
export const selectorLabels = (plan: ClusterPlan, app: string): Record<string, string> => ({
  "app.kubernetes.io/name": app,
  "app.kubernetes.io/instance": plan.prefix,
});

/** {@link selectorLabels} as a `kubectl -l` selector. */
export const selectorString = (plan: ClusterPlan, app: string): string =>
  Object.entries(selectorLabels(plan, app))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** Selector labels plus descriptive ones (never used in a selector). */
export const objectLabels = (plan: ClusterPlan, app: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...selectorLabels(plan, app),
  "app.kubernetes.io/part-of": "yb-k3s",
  "app.kubernetes.io/managed-by": "pulumi",
  "yb-k3s.io/stack": plan.stack,
  ...extra,
});

/** Metadata for a namespaced object with a fixed name (names are a contract: DNS, StatefulSet pod names). */
export const meta = (p: KubernetesPlatform, name: string, labels: Record<string, string>): k8s.types.input.meta.v1.ObjectMeta => ({
  name,
  namespace: p.namespace,
  labels,
});

/** Resource options every Kubernetes object gets: the explicit provider, never the ambient kubeconfig. */
export const k8sOpts = (parent: pulumi.Resource, p: KubernetesPlatform, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({
  parent,
  provider: p.provider,
  ...extra,
});

/** Single-quote a word for /bin/sh. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The pod's own namespace (downward API). */
export const POD_NAMESPACE_ENV: k8s.types.input.core.v1.EnvVar = { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } };

/** Pod-level env var carrying the pod's own name (the StatefulSet ordinal is in it). */
export const POD_NAME_ENV: k8s.types.input.core.v1.EnvVar = { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } };

/** Required node affinity pinning pods to one zone value of the configured zone label. */
export const zoneAffinity = (zoneLabel: string, zones: readonly string[]): k8s.types.input.core.v1.NodeAffinity => ({
  requiredDuringSchedulingIgnoredDuringExecution: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: zoneLabel, operator: "In", values: [...zones] }] }],
  },
});

/** Spread replicas evenly over zones, refusing to schedule rather than stacking them in one zone. */
export const zoneSpread = (zoneLabel: string, labels: Record<string, string>): k8s.types.input.core.v1.TopologySpreadConstraint[] => [
  { maxSkew: 1, topologyKey: zoneLabel, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
];

/** Prefer different hosts too (soft: a small cluster must still schedule). */
export const preferHostSpread = (labels: Record<string, string>): k8s.types.input.core.v1.Affinity => ({
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } } },
    ],
  },
});

/** Container security context for images that run fine as an unprivileged user (PSS "restricted"). */
export const restrictedContainer = (uid: number): k8s.types.input.core.v1.SecurityContext => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});
