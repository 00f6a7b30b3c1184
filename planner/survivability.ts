/**
 * Which failures the planned control plane survives, decided from the plan alone (pure).
 *
 * Model: YugabyteDB keeps RF replicas of every tablet and RF masters, spread over the placement's fault domains as
 * evenly as the placement allows (never two replicas of a tablet on one node); a tablet or the master quorum survives
 * while a strict majority of its replicas survives. Kine survives while a replica outside the failed domain can reach a
 * live database endpoint; k3s survives while a server outside the failed domain is up.
 */
import type { ClusterPlan } from "./plan";

export type FailureKind = "node" | "zone" | "region";

export interface Scenario {
  readonly kind: FailureKind;
  /** The node, zone or region lost. */
  readonly lost: string;
  readonly survives: boolean;
  readonly reason: string;
  readonly database: { readonly replicasLost: number; readonly replicationFactor: number; readonly quorum: boolean };
  readonly kineReplicasLeft: number;
  readonly k3sServersLeft: number;
}

export interface FaultToleranceReport {
  readonly survives: Readonly<Record<FailureKind, boolean>>;
  readonly scenarios: readonly Scenario[];
}

/** Most replicas of one tablet that can sit in one zone / region under the plan's placement. */
function worstReplicasIn(plan: ClusterPlan, kind: FailureKind, lost: string): number {
  const rf = plan.replicationFactor;
  if (kind === "node") return 1;
  const zonesWithNodes = [...new Set(plan.nodes.map((n) => n.zone))];
  const perZone = Math.ceil(rf / zonesWithNodes.length);
  if (kind === "zone") return Math.min(perZone, rf, plan.nodes.filter((n) => n.zone === lost).length);
  const zonesInRegion = zonesWithNodes.filter((z) => plan.nodes.some((n) => n.zone === z && n.region === lost));
  if (plan.faultTolerance === "region") {
    // Region fault tolerance spreads replicas over regions first.
    return Math.min(Math.ceil(rf / plan.regions.length), plan.nodes.filter((n) => n.region === lost).length);
  }
  return Math.min(rf, zonesInRegion.length * perZone, plan.nodes.filter((n) => n.region === lost).length);
}

export function analyzeFaultTolerance(plan: ClusterPlan): FaultToleranceReport {
  const rf = plan.replicationFactor;
  const majority = Math.floor(rf / 2) + 1;
  const domains: { kind: FailureKind; lost: string; hit: (x: { name?: string; zone: string; region: string }) => boolean }[] = [
    ...plan.nodes.map((n) => ({ kind: "node" as const, lost: n.name, hit: (x: { name?: string }) => x.name === n.name })),
    ...[...new Set(plan.nodes.map((n) => n.zone))].map((z) => ({ kind: "zone" as const, lost: z, hit: (x: { zone: string }) => x.zone === z })),
    ...plan.regions.map((r) => ({ kind: "region" as const, lost: r.name, hit: (x: { region: string }) => x.region === r.name })),
  ];
  const scenarios = domains.map(({ kind, lost, hit }): Scenario => {
    const replicasLost = worstReplicasIn(plan, kind, lost);
    const quorum = rf - replicasLost >= majority;
    const deadNodes = new Set(plan.nodes.filter((n) => hit(n)).map((n) => n.address));
    // A node failure takes out a YugabyteDB node only; Kine and k3s run beside it, not on it.
    const roleHit = (x: { zone: string; region: string }) => kind !== "node" && hit(x);
    const kineLeft = plan.kine.replicas.filter((k) => !roleHit(k) && !deadNodes.has(k.database.host)).length;
    const k3sLeft = plan.k3s.servers.filter((s) => !roleHit(s)).length;
    const reasons: string[] = [];
    if (!quorum) reasons.push(`YugabyteDB loses ${replicasLost} of ${rf} replicas (needs ${majority} left)`);
    if (kineLeft === 0) reasons.push("no Kine replica left with a reachable database");
    if (k3sLeft === 0) reasons.push("no k3s server left");
    const survives = quorum && kineLeft > 0 && k3sLeft > 0;
    return {
      kind,
      lost,
      survives,
      reason: survives ? `quorum ${rf - replicasLost}/${rf}, ${kineLeft} Kine, ${k3sLeft} k3s left` : reasons.join("; "),
      database: { replicasLost, replicationFactor: rf, quorum },
      kineReplicasLeft: kineLeft,
      k3sServersLeft: k3sLeft,
    };
  });
  const all = (k: FailureKind) => scenarios.filter((s) => s.kind === k).every((s) => s.survives);
  return { survives: { node: all("node"), zone: all("zone"), region: plan.regions.length > 1 && all("region") }, scenarios };
}
