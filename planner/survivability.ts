/**
 * Which failures the planned control plane survives, decided from the plan alone (pure, no @pulumi import).
 *
 * Model (documented in the README section "Fault tolerance"):
 * - YugabyteDB runs RF masters, placed the way yugabyted places them: round robin over regions (primary first), then
 *   over the zones of each region, then over the nodes of a zone. The master quorum survives while a strict majority
 *   of the masters survives.
 * - Every tablet has RF replicas, never two on one node, at least `minReplicas` in each placement block, and otherwise
 *   spread by the cluster balancer: evenly over regions then zones with `region` fault tolerance, evenly over zones with
 *   `zone`, and with no guarantee at all with `none`. The tablet verdict is the WORST CASE over every placement those
 *   rules allow (an adversary puts as many replicas as it may on the lost nodes).
 * Who dials whom is the plan's wiring (planner/wiring.ts), the same links the resources are configured with:
 * - A Kine replica serves while it is outside the failed domain, the database has quorum and its database link reaches
 *   a node that is up: a node it dials directly (docker: the zone-local node), or any node behind the service / load
 *   balancer it dials (aws: its own region's YSQL load balancer, over that region's nodes).
 * - A k3s server serves while it is outside the failed domain and one of its datastore links reaches a serving Kine
 *   replica (aws: its own region's Kine load balancer; docker: every replica; kubernetes: the Kine Service).
 * - The operator's endpoint is the kubeconfig link: while it reaches a serving server the endpoint is `unchanged`; when
 *   it reaches none but other servers serve, the control plane keeps running and the endpoint `moved` (verdict
 *   `degraded`: docker, where the kubeconfig names server 0's published port; aws, an internet-facing API load balancer
 *   over the primary region's servers).
 * - A `node` failure is the loss of one host: a YugabyteDB node and, on aws where each runs on an instance of its own,
 *   a Kine replica or a k3s server. Elsewhere Kine and k3s run beside the nodes (one Docker host, Kubernetes pods) and
 *   are only lost with their zone or region.
 *
 * Scenarios: the loss of each node, zone and region, and — when RF tolerates f > 1 failures — of every combination of
 * up to f of them. Nodes (zones, regions) that play no special role and sit in the same place are interchangeable in
 * this model, so large combination sets are reduced to representatives; the verdicts stay exact.
 */
import type { FaultTolerance } from "../config/schema";
import type { ClusterPlan, NodePlan } from "./plan";
import { linksFrom, reach } from "./wiring";

export type FailureKind = "node" | "zone" | "region";
export const FAILURE_KINDS: readonly FailureKind[] = ["node", "zone", "region"];
/** `survives`: everything keeps working as configured; `degraded`: the control plane works but the operator's endpoint moved. */
export type Verdict = "survives" | "degraded" | "fails";

export interface Scenario {
  readonly kind: FailureKind;
  /** What is lost, `a + b` for combinations. */
  readonly lost: string;
  readonly members: readonly string[];
  /** Number of simultaneous failures (1 for a single node/zone/region). */
  readonly size: number;
  readonly verdict: Verdict;
  /** The control plane keeps serving (verdict survives or degraded). */
  readonly survives: boolean;
  /** YugabyteDB (master and tablet quorum) and at least one Kine replica with a reachable database survive. */
  readonly datastoreSurvives: boolean;
  readonly reason: string;
  readonly database: {
    readonly replicationFactor: number;
    readonly mastersLost: number;
    readonly masterQuorum: boolean;
    /** Worst case over the placements the rules allow. */
    readonly tabletReplicasLost: number;
    readonly tabletQuorum: boolean;
    readonly quorum: boolean;
  };
  readonly kineReplicasLeft: number;
  readonly k3sServersLeft: number;
  /** The Kine replicas and k3s servers still serving, by name. */
  readonly kineServing: readonly string[];
  readonly k3sServing: readonly string[];
  /** The Kine replicas and k3s servers not serving, and why: lost with the domain, or what they depend on is gone. */
  readonly stopped: readonly Stopped[];
  /** With `apiEndpoint: moved`: where the control plane still answers. */
  readonly apiNote?: string;
  /** The kubeconfig's API endpoint: still answering, moved to another server's address, or gone. */
  readonly apiEndpoint: "unchanged" | "moved" | "lost";
}

export interface Stopped {
  readonly name: string;
  readonly why: "lost" | "no database" | "no Kine";
}

export interface FaultToleranceReport {
  readonly requested: FaultTolerance;
  /** Simultaneous failures RF tolerates: floor((RF - 1) / 2). */
  readonly tolerates: number;
  /** The whole control plane survives the loss of any one node / zone / region (verdict survives or degraded). */
  readonly survives: Readonly<Record<FailureKind, boolean>>;
  /** The datastore (YugabyteDB + Kine) survives the loss of any one node / zone / region: what `faultTolerance` guarantees. */
  readonly datastoreSurvives: Readonly<Record<FailureKind, boolean>>;
  /** Largest k (up to `tolerates`, at least 1 evaluated) such that the control plane survives any k simultaneous losses. */
  readonly survivesUpTo: Readonly<Record<FailureKind, number>>;
  /** Nodes running a YugabyteDB master. */
  readonly masters: readonly string[];
  /** True when combination scenarios were reduced to representatives (the verdicts are exact either way). */
  readonly reduced: boolean;
  /**
   * False when even the representatives had too many combinations for some size and only a greedy worst case was
   * evaluated for it (single failures are always exhaustive; the greedy case is a strong but not proven bound).
   */
  readonly exhaustive: boolean;
  readonly scenarios: readonly Scenario[];
}

/** Combinations of one size above which interchangeable members are reduced to representatives. */
const COMBINATION_LIMIT = 1000;

/** The RF master nodes: round robin over regions (plan order, primary first), then zones, then nodes. */
export function masterNodes(plan: ClusterPlan): NodePlan[] {
  const byRegion = new Map<string, Map<string, NodePlan[]>>();
  for (const n of plan.nodes) {
    const zones = byRegion.get(n.region) ?? new Map<string, NodePlan[]>();
    byRegion.set(n.region, zones);
    zones.set(n.zone, [...(zones.get(n.zone) ?? []), n]);
  }
  const want = Math.min(plan.replicationFactor, plan.nodes.length);
  const regions = [...byRegion.values()].map((zones) => ({ zones: [...zones.values()], next: 0 }));
  const picked: NodePlan[] = [];
  while (picked.length < want) {
    for (const r of regions) {
      if (picked.length >= want) break;
      // The next zone of this region (round robin) that still has an unpicked node.
      for (let tries = 0; tries < r.zones.length; tries++) {
        const zone = r.zones[r.next % r.zones.length];
        r.next++;
        const node = zone.find((n) => !picked.includes(n));
        if (node) {
          picked.push(node);
          break;
        }
      }
    }
  }
  return picked;
}

interface ZoneSlot {
  readonly zone: string;
  readonly region: string;
  readonly capacity: number;
  readonly min: number;
  readonly lost: number;
  count: number;
}

/** Worst-case number of one tablet's replicas on the lost nodes, over every placement the balancer may choose. */
const zoneSlotCache = new WeakMap<ClusterPlan, { slots: Omit<ZoneSlot, "lost" | "count">[]; zoneOf: Map<string, string> }>();

function zoneSlots(plan: ClusterPlan) {
  let cached = zoneSlotCache.get(plan);
  if (!cached) {
    const blocks = plan.yugabyte.placement;
    const inPlacement = new Set(blocks.map((b) => `${b.region}/${b.zone}`));
    const slots = new Map<string, Omit<ZoneSlot, "lost" | "count">>();
    const zoneOf = new Map<string, string>();
    for (const n of plan.nodes) {
      if (blocks.length > 0 && !inPlacement.has(`${n.region}/${n.zone}`)) continue;
      zoneOf.set(n.name, n.zone);
      const s = slots.get(n.zone);
      if (s) slots.set(n.zone, { ...s, capacity: s.capacity + 1 });
      else slots.set(n.zone, { zone: n.zone, region: n.region, capacity: 1, min: blocks.find((b) => b.zone === n.zone)?.minReplicas ?? 0 });
    }
    cached = { slots: [...slots.values()], zoneOf };
    zoneSlotCache.set(plan, cached);
  }
  return cached;
}

export function worstTabletReplicasLost(plan: ClusterPlan, lostNodes: ReadonlySet<string>): number {
  const rf = plan.replicationFactor;
  const { slots, zoneOf } = zoneSlots(plan);
  const lostPerZone = new Map<string, number>();
  for (const n of lostNodes) {
    const z = zoneOf.get(n);
    if (z !== undefined) lostPerZone.set(z, (lostPerZone.get(z) ?? 0) + 1);
  }
  const zs: ZoneSlot[] = slots.map((z) => ({ ...z, lost: lostPerZone.get(z.zone) ?? 0, count: 0 }));
  let left = rf;
  for (const z of zs) {
    z.count = Math.min(z.min, z.capacity, left);
    left -= z.count;
  }
  const gain = (z: ZoneSlot) => (z.count < z.lost ? 1 : 0);
  const regionTotal = (r: string) => zs.filter((z) => z.region === r).reduce((a, z) => a + z.count, 0);
  while (left > 0) {
    let open = zs.filter((z) => z.count < z.capacity);
    if (open.length === 0) break;
    if (plan.faultTolerance === "region") {
      const min = Math.min(...open.map((z) => regionTotal(z.region)));
      open = open.filter((z) => regionTotal(z.region) === min);
    }
    if (plan.faultTolerance !== "none") {
      // Evenly over zones (within the chosen regions): only the least-filled zones may take the next replica.
      const byRegionMin = new Map<string, number>();
      for (const z of open) byRegionMin.set(z.region, Math.min(byRegionMin.get(z.region) ?? Infinity, z.count));
      const globalMin = Math.min(...open.map((z) => z.count));
      open = open.filter((z) => z.count === (plan.faultTolerance === "region" ? byRegionMin.get(z.region) : globalMin));
    }
    const pick = open.reduce((best, z) => (gain(z) > gain(best) ? z : best), open[0]);
    pick.count++;
    left--;
  }
  return zs.reduce((a, z) => a + Math.min(z.count, z.lost), 0);
}

interface Domain {
  readonly kind: FailureKind;
  readonly name: string;
  readonly nodes: readonly NodePlan[];
  /** Kine replicas and k3s servers lost with it (a node domain that is a Kine or k3s host). */
  readonly roleHosts?: readonly string[];
  /** Interchangeability class; undefined = plays a special role, always kept. */
  readonly cls?: string;
}

function combinations<T>(items: readonly T[], k: number): T[][] {
  const out: T[][] = [];
  const rec = (start: number, acc: T[]) => {
    if (acc.length === k) {
      out.push([...acc]);
      return;
    }
    for (let i = start; i <= items.length - (k - acc.length); i++) rec(i + 1, [...acc, items[i]]);
  };
  rec(0, []);
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i;
  return r;
}

/** Keep every special domain and, per interchangeability class, the first k members. */
function representatives(domains: readonly Domain[], k: number): Domain[] {
  const seen = new Map<string, number>();
  return domains.filter((d) => {
    if (d.cls === undefined) return true;
    const c = seen.get(d.cls) ?? 0;
    seen.set(d.cls, c + 1);
    return c < k;
  });
}

export interface AnalyzeOptions {
  /** Largest number of simultaneous failures to evaluate (default: what RF tolerates, at least 1). */
  readonly maxSize?: number;
}

export function analyzeFaultTolerance(plan: ClusterPlan, options: AnalyzeOptions = {}): FaultToleranceReport {
  const rf = plan.replicationFactor;
  const majority = Math.floor(rf / 2) + 1;
  const tolerates = Math.floor((rf - 1) / 2);
  const masters = masterNodes(plan);
  const masterNames = new Set(masters.map((m) => m.name));
  const w = plan.wiring;
  const nodeNames = new Set(plan.nodes.map((n) => n.name));
  /** Per Kine replica, the YugabyteDB nodes its database link reaches; per k3s server, the Kine replicas. */
  const kineDb = new Map(plan.kine.replicas.map((k) => [k.name, linksFrom(w.kineDatabase, k.name).flatMap((l) => reach(w, l.to))]));
  const k3sKine = new Map(plan.k3s.servers.map((s) => [s.name, linksFrom(w.k3sDatastore, s.name).flatMap((l) => reach(w, l.to))]));
  // Nodes a Kine replica dials directly play a special role (their loss takes that replica's database away).
  const kineHosts = new Set(w.kineDatabase.filter((l) => nodeNames.has(l.to)).map((l) => l.to));

  // The operator's endpoint: the servers the kubeconfig link reaches.
  const apiServers = reach(w, w.api.to);
  /** The server the kubeconfig names directly (docker: server 0's published port), if it names one. */
  const endpointServer = plan.k3s.servers.find((s) => s.name === w.api.to);
  /** Host part of the kubeconfig URL (IPv6 keeps its brackets). */
  const hostOf = new URL(plan.k3s.apiUrl).hostname;

  const special = (nodes: readonly NodePlan[]) => nodes.some((n) => masterNames.has(n.name) || kineHosts.has(n.name) || n.index === 0);
  const roleIn = (zone: string) => plan.kine.replicas.some((k) => k.zone === zone) || plan.k3s.servers.some((s) => s.zone === zone);
  // Every zone with a YugabyteDB node, a Kine replica or a k3s server (a zone outside `databaseZones` may hold only the latter).
  const zoneNames = plan.regions.flatMap((r) => r.zones).filter((z) => plan.nodes.some((n) => n.zone === z) || roleIn(z));
  const domains: Record<FailureKind, Domain[]> = {
    node: w.hosts.map((h): Domain => {
      const n = plan.nodes.find((x) => x.name === h.name);
      if (h.role === "yugabyte" && n) return { kind: "node", name: n.name, nodes: [n], cls: special([n]) ? undefined : `${n.region}/${n.zone}` };
      return { kind: "node", name: h.name, nodes: [], roleHosts: [h.name] };
    }),
    zone: zoneNames.map((z) => {
      const nodes = plan.nodes.filter((n) => n.zone === z);
      return { kind: "zone", name: z, nodes, cls: special(nodes) || roleIn(z) || nodes.length === 0 ? undefined : `${nodes[0].region}/${nodes.length}` };
    }),
    region: plan.regions.map((r) => ({ kind: "region", name: r.name, nodes: plan.nodes.filter((n) => n.region === r.name), cls: undefined })),
  };

  let reduced = false;
  let exhaustive = true;
  const evaluate = (kind: FailureKind, lost: readonly Domain[]): Scenario => {
    const lostNodes = new Set(lost.flatMap((d) => d.nodes.map((n) => n.name)));
    const lostZones = new Set(kind === "zone" ? lost.map((d) => d.name) : []);
    const lostRegions = new Set(kind === "region" ? lost.map((d) => d.name) : []);
    const lostHosts = new Set(lost.flatMap((d) => d.roleHosts ?? []));
    const roleHit = (x: { name: string; zone: string; region: string }) => lostZones.has(x.zone) || lostRegions.has(x.region) || lostHosts.has(x.name);

    const mastersLost = masters.filter((m) => lostNodes.has(m.name)).length;
    const masterQuorum = masters.length - mastersLost >= Math.floor(masters.length / 2) + 1;
    const tabletReplicasLost = worstTabletReplicasLost(plan, lostNodes);
    const tabletQuorum = rf - tabletReplicasLost >= majority;
    const quorum = masterQuorum && tabletQuorum;

    const kineUp = plan.kine.replicas.filter((k) => !roleHit(k));
    const kineServing = quorum ? kineUp.filter((k) => (kineDb.get(k.name) ?? []).some((n) => !lostNodes.has(n))) : [];
    const datastoreSurvives = quorum && kineServing.length > 0;
    const kineServingNames = new Set(kineServing.map((k) => k.name));
    const k3sUp = plan.k3s.servers.filter((s) => !roleHit(s));
    const k3sServing = k3sUp.filter((s) => (k3sKine.get(s.name) ?? []).some((k) => kineServingNames.has(k)));
    const survivesCp = k3sServing.length > 0;
    const apiEndpoint: Scenario["apiEndpoint"] = !survivesCp
      ? "lost"
      : k3sServing.some((s) => apiServers.includes(s.name))
        ? "unchanged"
        : "moved";
    const verdict: Verdict = !survivesCp ? "fails" : apiEndpoint === "moved" ? "degraded" : "survives";

    const reasons: string[] = [];
    if (!masterQuorum) reasons.push(`YugabyteDB master quorum lost (${mastersLost} of ${masters.length} masters down, needs ${Math.floor(masters.length / 2) + 1})`);
    if (!tabletQuorum) reasons.push(`YugabyteDB tablets can lose ${tabletReplicasLost} of ${rf} replicas (needs ${majority} left)`);
    if (quorum && kineServing.length === 0) {
      reasons.push(
        kineUp.length === 0
          ? "no Kine replica left outside the failed domain"
          : `no Kine replica left with a reachable database (${kineUp.map((k) => `${k.name} -> ${(kineDb.get(k.name) ?? []).join(",")}`).join("; ")} down)`,
      );
    } else if (!quorum) reasons.push("so Kine has no database");
    if (datastoreSurvives && k3sUp.length === 0) reasons.push("no k3s server left outside the failed domain");
    else if (datastoreSurvives && k3sServing.length === 0)
      reasons.push(`no k3s server left whose Kine serves (${k3sUp.map((s) => `${s.name} -> ${(k3sKine.get(s.name) ?? []).join(",")}`).join("; ")})`);
    const db = `masters ${masters.length - mastersLost}/${masters.length}, tablets >= ${rf - tabletReplicasLost}/${rf}`;
    const stopped: Stopped[] = [
      ...plan.kine.replicas.filter((k) => !kineServingNames.has(k.name)).map((k): Stopped => ({ name: k.name, why: roleHit(k) ? "lost" : "no database" })),
      ...plan.k3s.servers.filter((s) => !k3sServing.includes(s)).map((s): Stopped => ({ name: s.name, why: roleHit(s) ? "lost" : "no Kine" })),
    ];
    let apiNote: string | undefined;
    if (apiEndpoint === "moved") {
      const alt = k3sServing.find((s) => s.hostApiPort !== undefined);
      apiNote = `the kubeconfig endpoint ${w.api.endpoint} (${apiServers.join(",")}) is down: the control plane keeps running${
        alt?.hostApiPort
          ? ` and answers on ${alt.name}'s https://${hostOf}:${alt.hostApiPort} — point the kubeconfig there`
          : plan.target !== "docker"
            ? ` and answers on ${plan.k3s.apiUrl}`
            : ""
      }`;
    }
    let reason: string;
    if (verdict === "fails") reason = reasons.join("; ");
    else {
      reason = `${db}; Kine ${kineServing.map((k) => k.name).join(",")}; k3s ${k3sServing.map((s) => s.name).join(",")}`;
      if (apiNote) reason += `; ${apiNote}`;
      else if (!endpointServer && plan.target !== "docker") reason += `; API ${plan.k3s.apiAddress} answers through a surviving server`;
    }
    return {
      kind,
      lost: lost.map((d) => d.name).join(" + "),
      members: lost.map((d) => d.name),
      size: lost.length,
      verdict,
      survives: survivesCp,
      datastoreSurvives,
      reason,
      database: { replicationFactor: rf, mastersLost, masterQuorum, tabletReplicasLost, tabletQuorum, quorum },
      kineReplicasLeft: kineServing.length,
      k3sServersLeft: k3sServing.length,
      kineServing: kineServing.map((k) => k.name),
      k3sServing: k3sServing.map((s) => s.name),
      stopped,
      apiEndpoint,
      ...(apiNote ? { apiNote } : {}),
    };
  };

  /** Too many combinations even after reduction: an adversary adds, k times, the domain that hurts most. */
  const damage = (s: Scenario) =>
    (s.survives ? 0 : 1e6) + (s.datastoreSurvives ? 0 : 1e5) + (s.database.quorum ? 0 : 1e4) + 100 * (s.database.mastersLost + s.database.tabletReplicasLost) - s.kineReplicasLeft - s.k3sServersLeft;
  const greedyWorst = (kind: FailureKind, pool: readonly Domain[], k: number): Scenario => {
    const chosen: Domain[] = [];
    let worst = evaluate(kind, []);
    for (let i = 0; i < k; i++) {
      let best: { d: Domain; s: Scenario } | undefined;
      for (const d of pool) {
        if (chosen.includes(d)) continue;
        const s = evaluate(kind, [...chosen, d]);
        if (!best || damage(s) > damage(best.s)) best = { d, s };
      }
      if (!best) break;
      chosen.push(best.d);
      worst = best.s;
    }
    return { ...worst, reason: `${worst.reason} (greedy worst case of ${binomial(pool.length, k).toExponential(1)} combinations)` };
  };

  const scenarios: Scenario[] = [];
  const survivesUpTo: Record<FailureKind, number> = { node: 0, zone: 0, region: 0 };
  for (const kind of FAILURE_KINDS) {
    const all = domains[kind];
    let upTo = 0;
    for (let k = 1; k <= Math.min(Math.max(1, tolerates), options.maxSize ?? Infinity); k++) {
      // Losing every domain of a kind is losing everything: only listed for single failures (e.g. the only region).
      if (k > 1 && k >= all.length) break;
      let pool = all;
      if (binomial(all.length, k) > COMBINATION_LIMIT) {
        pool = representatives(all, k);
        reduced = true;
      }
      const batch =
        binomial(pool.length, k) <= COMBINATION_LIMIT ? combinations(pool, k).map((c) => evaluate(kind, c)) : [greedyWorst(kind, pool, k)];
      if (batch.length === 1 && k > 1 && binomial(pool.length, k) > COMBINATION_LIMIT) exhaustive = false;
      for (const s of batch) scenarios.push(s);
      if (upTo === k - 1 && batch.every((s) => s.survives)) upTo = k;
    }
    survivesUpTo[kind] = upTo;
  }
  const singles = (kind: FailureKind) => scenarios.filter((s) => s.kind === kind && s.size === 1);
  const survives = Object.fromEntries(FAILURE_KINDS.map((k) => [k, singles(k).every((s) => s.survives)])) as Record<FailureKind, boolean>;
  const datastoreSurvives = Object.fromEntries(FAILURE_KINDS.map((k) => [k, singles(k).every((s) => s.datastoreSurvives)])) as Record<FailureKind, boolean>;
  return { requested: plan.faultTolerance, tolerates, survives, datastoreSurvives, survivesUpTo, masters: masters.map((m) => m.name), reduced, exhaustive, scenarios };
}

/**
 * What `faultTolerance: zone|region` guarantees, checked on the plan: the DATASTORE (YugabyteDB master and tablet
 * quorum, and at least one Kine replica with a reachable database) survives the loss of any one zone (region). k3s
 * servers hold no state — the report says whether the whole control plane survives, the config check does not demand it.
 * Returns problem lines for ConfigError (`yb-k3s:faultTolerance: ...`).
 */
export function faultToleranceProblems(report: FaultToleranceReport): string[] {
  if (report.requested === "none") return [];
  const kind: FailureKind = report.requested;
  return report.scenarios
    .filter((s) => s.kind === kind && s.size === 1 && !s.datastoreSurvives)
    .map(
      (s) =>
        `yb-k3s:faultTolerance: '${kind}' requires the datastore (YugabyteDB and Kine) to survive the loss of any one ${kind}, but losing ${kind} '${s.lost}' fails: ${s.reason}`,
    );
}

const capList = (xs: string[], max: number) => (xs.length <= max ? xs : [...xs.slice(0, max), `... and ${xs.length - max} more`]);

/** A small, secret-free summary for stack outputs. */
export function faultToleranceSummary(report: FaultToleranceReport) {
  return {
    requested: report.requested,
    tolerates: report.tolerates,
    survives: report.survives,
    datastoreSurvives: report.datastoreSurvives,
    survivesUpTo: report.survivesUpTo,
    masters: report.masters,
    scenarios: report.scenarios.length,
    notSurviving: capList(report.scenarios.filter((s) => s.verdict !== "survives").map((s) => `${s.verdict}: lose ${s.kind} ${s.lost}`), 20),
  };
}
export type FaultToleranceSummary = ReturnType<typeof faultToleranceSummary>;
