import { asArray, asString, get, isRecord, POD_KINDS, T, toNumber, workloadOf, workloadsOf, type Workload } from "../extract";
import type { Finding, ResourceRule, StackRule } from "../types";

/** Kubernetes label selector semantics (matchLabels + matchExpressions); an empty selector matches everything. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isRecord(selector)) return false;
  const ml = selector.matchLabels;
  if (isRecord(ml) && !Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  for (const e of asArray(selector.matchExpressions)) {
    const key = String(get(e, "key"));
    const values = asArray(get(e, "values")).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (get(e, "operator")) {
      case "In":
        if (!has || !values.includes(labels[key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const runsYugabyte = (w: Workload | undefined): w is Workload =>
  !!w && w.source === "pod" && w.replicas > 0 && w.processes.some((p) => p.kind === "yb-start");

/** YugabyteDB pods never share a node: a hard anti-affinity term on kubernetes.io/hostname that selects them. */
export const antiAffinityRule: ResourceRule = {
  kind: "resource",
  name: "k8s-yb-anti-affinity",
  description:
    "YugabyteDB pods carry requiredDuringSchedulingIgnoredDuringExecution pod anti-affinity on kubernetes.io/hostname selecting the YugabyteDB pods.",
  types: Object.keys(POD_KINDS),
  check(r) {
    const w = workloadOf(r);
    if (!runsYugabyte(w) || w.opaque) return [];
    const labels = w.podLabels ?? {};
    const terms = asArray(get(w.podSpec, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"));
    const ok = terms.some((t) => get(t, "topologyKey") === "kubernetes.io/hostname" && selectorMatches(get(t, "labelSelector"), labels));
    if (ok) return [];
    const preferred = asArray(get(w.podSpec, "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution")).length > 0;
    return [
      `YugabyteDB pods have no hard anti-affinity${preferred ? " (preferred anti-affinity is only a hint)" : ""}; add ` +
        `affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", ` +
        `labelSelector: { matchLabels: ${JSON.stringify(labels)} } }] so losing one Kubernetes node loses at most one replica.`,
    ];
  },
};

/** Every YugabyteDB workload is covered by a PodDisruptionBudget that allows at most one voluntary disruption. */
export const podDisruptionBudgetRule: StackRule = {
  kind: "stack",
  name: "k8s-yb-pod-disruption-budget",
  description: "A policy/v1 PodDisruptionBudget selects the YugabyteDB pods and allows at most one of them down at a time.",
  check(resources): Finding[] {
    const pdbs = resources.filter((r) => r.type === T.k8sPdb);
    const out: Finding[] = [];
    for (const w of workloadsOf(resources)) {
      if (!runsYugabyte(w) || w.opaque) continue;
      const labels = w.podLabels ?? {};
      const ns = w.namespace;
      const matching = pdbs.filter((p) => {
        const pns = asString(get(p.inputs, "metadata", "namespace"));
        return (!pns || !ns || pns === ns) && selectorMatches(get(p.inputs, "spec", "selector"), labels);
      });
      if (!matching.length) {
        out.push({
          resource: w.resource.urn,
          message:
            `no PodDisruptionBudget selects these YugabyteDB pods (labels ${JSON.stringify(labels)}); add a policy/v1 ` +
            `PodDisruptionBudget with spec.selector.matchLabels matching them and maxUnavailable: 1 so drains never take down a quorum.`,
        });
        continue;
      }
      for (const p of matching) {
        const max = toNumber(get(p.inputs, "spec", "maxUnavailable"));
        if (max !== undefined && max > 1)
          out.push({
            resource: p.urn,
            message: `PodDisruptionBudget allows ${max} YugabyteDB pods down at once; set maxUnavailable: 1 (RF 3 keeps a majority only with one replica down).`,
          });
      }
    }
    return out;
  },
};
