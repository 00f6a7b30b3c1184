import { flagValues, lastFlag, parseCloudLocation, workloadsOf, type Process, type Workload } from "../extract";
import type { FaultTolerance, Finding, PolicyContext, StackRule } from "../types";

const RANK: Record<FaultTolerance, number> = { none: 0, zone: 1, region: 2 };
const isFT = (v: string | undefined): v is FaultTolerance => v === "none" || v === "zone" || v === "region";

/** The level the stack must reach: policy config, else `region` for prod and `zone` elsewhere. */
export const baseFaultTolerance = (ctx: PolicyContext): FaultTolerance =>
  ctx.faultTolerance ?? (ctx.stack === "prod" ? "region" : "zone");

export interface NodeSummary {
  nodes: number;
  zones: Map<string, number>;
  regions: Map<string, number>;
  /** Some launches could not be read (unknown during preview, secret, hashed user data): counts are a lower bound. */
  incomplete: boolean;
  launches: { w: Workload; p: Process }[];
  configure: { w: Workload; p: Process }[];
}

/** What the resources say about YugabyteDB nodes: one per `yugabyted start` x replicas, placed by --cloud_location. */
export function summarizeNodes(resources: Parameters<StackRule["check"]>[0]): NodeSummary {
  const workloads = workloadsOf(resources);
  const s: NodeSummary = { nodes: 0, zones: new Map(), regions: new Map(), incomplete: false, launches: [], configure: [] };
  for (const w of workloads) {
    if (w.opaque) s.incomplete = true;
    for (const p of w.processes) {
      if (p.kind === "yb-configure") s.configure.push({ w, p });
      if (p.kind !== "yb-start") continue;
      s.launches.push({ w, p });
      if (w.replicas <= 0) continue;
      s.nodes += w.replicas;
      const raw = lastFlag(p.args, "--cloud_location");
      const loc = parseCloudLocation(raw);
      if (!loc) {
        if (raw?.includes("$")) s.incomplete = true;
        continue;
      }
      const zone = `${loc.cloud}.${loc.region}.${loc.zone}`;
      const region = `${loc.cloud}.${loc.region}`;
      s.zones.set(zone, (s.zones.get(zone) ?? 0) + w.replicas);
      s.regions.set(region, (s.regions.get(region) ?? 0) + w.replicas);
    }
  }
  return s;
}

const list = (m: Map<string, number>) => [...m.entries()].map(([k, n]) => `${k} (${n})`).join(", ") || "none";

/**
 * YugabyteDB placement: >= 3 zones for zone fault tolerance, >= 3 regions for region fault tolerance, an odd
 * replication factor set by `yugabyted configure data_placement --rf=N` that the nodes can hold.
 */
export const placementRule: StackRule = {
  kind: "stack",
  name: "yb-placement",
  description:
    "YugabyteDB nodes span >= 3 zones (zone fault tolerance) or >= 3 regions (region fault tolerance), with an odd replication factor set by yugabyted configure data_placement.",
  configSchema: {
    faultTolerance: {
      type: "string",
      enum: ["none", "zone", "region"],
      description: "The failure the stack must survive. Unset: region for stack prod, zone otherwise.",
    },
  },
  check(resources, ctx): Finding[] {
    const s = summarizeNodes(resources);
    const out: Finding[] = [];
    for (const { w, p } of s.launches) {
      const raw = lastFlag(p.args, "--cloud_location");
      if (!parseCloudLocation(raw) && !raw?.includes("$"))
        out.push({
          resource: w.resource.urn,
          message:
            `yugabyted start has ${raw === undefined ? "no --cloud_location" : `an unusable --cloud_location=${raw}`}; pass ` +
            `--cloud_location=<cloud>.<region>.<zone> (e.g. aws.us-east-1.us-east-1a) so replicas are placed across failure domains.`,
        });
    }
    const declared = [...s.launches, ...s.configure].map(({ p }) => lastFlag(p.args, "--fault_tolerance")).filter(isFT);
    const distinct = [...new Set(declared)];
    if (distinct.length > 1)
      out.push({
        message: `yugabyted launches and configure data_placement disagree on --fault_tolerance (${distinct.join(", ")}); use one value everywhere.`,
      });
    const required = [baseFaultTolerance(ctx), ...declared].reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
    if (s.nodes === 0) {
      if (!s.incomplete)
        out.push({
          message:
            "found no YugabyteDB node (no `yugabyted start` in any container, pod template or user data), so placement cannot be " +
            "checked; launch yugabyted with --cloud_location and --fault_tolerance on the command line.",
        });
      return out;
    }
    if (required === "zone" && s.zones.size < 3 && !s.incomplete)
      out.push({
        message:
          `YugabyteDB nodes span ${s.zones.size} zone(s) [${list(s.zones)}]; zone fault tolerance needs nodes in >= 3 zones: ` +
          `give each node a --cloud_location in a different zone (topology zones / availability zones).`,
      });
    if (required === "region" && s.regions.size < 3 && !s.incomplete)
      out.push({
        message:
          `YugabyteDB nodes span ${s.regions.size} region(s) [${list(s.regions)}]; region fault tolerance needs nodes in >= 3 ` +
          `regions: add regions to the topology.`,
      });
    const rfs = s.configure.flatMap(({ w, p }) => flagValues(p.args, "--rf").map((v) => ({ w, v })));
    if (!rfs.length) {
      if (required !== "none" && !s.incomplete)
        out.push({
          message:
            `no replication factor is set: run \`yugabyted configure data_placement --fault_tolerance=${required} --rf=3\` once all ` +
            `nodes are up (a one-shot container, Kubernetes Job or the first node's user data).`,
        });
      return out;
    }
    for (const { w, v } of rfs) {
      const rf = Number(v);
      const urn = w.resource.urn;
      if (!Number.isInteger(rf) || rf < 1 || rf % 2 === 0) {
        out.push({ resource: urn, message: `--rf=${v} is not an odd number; Raft needs a majority, use an odd replication factor (3 or 5).` });
        continue;
      }
      if (required !== "none" && rf < 3)
        out.push({ resource: urn, message: `--rf=${rf} cannot survive a ${required} failure; use --rf=3 (or 5).` });
      if (rf > s.nodes && !s.incomplete) {
        out.push({ resource: urn, message: `--rf=${rf} needs at least ${rf} nodes but the stack runs ${s.nodes}; add nodes or lower the RF.` });
        continue;
      }
      if (required === "zone" && s.zones.size < rf && s.zones.size >= 3 && !s.incomplete)
        out.push({ resource: urn, message: `--rf=${rf} with zone fault tolerance needs nodes in ${rf} zones, found ${s.zones.size}; add zones or lower the RF.` });
      if (required === "region" && s.regions.size < rf && s.regions.size >= 3 && !s.incomplete)
        out.push({ resource: urn, message: `--rf=${rf} with region fault tolerance needs nodes in ${rf} regions, found ${s.regions.size}; add regions or lower the RF.` });
    }
    return out;
  },
};

/** How many k3s servers and Kine replicas the stack runs. */
export function countControlPlane(resources: Parameters<StackRule["check"]>[0]): { k3s: number; kine: number; incomplete: boolean } {
  let k3s = 0;
  let kine = 0;
  let incomplete = false;
  for (const w of workloadsOf(resources)) {
    if (w.opaque) incomplete = true;
    if (w.processes.some((p) => p.kind === "k3s-server")) k3s += w.replicas;
    if (w.processes.some((p) => p.kind === "kine")) kine += w.replicas;
  }
  return { k3s, kine, incomplete };
}

/** Outside the single-host `local` stack the control plane has no single point of failure. */
export const controlPlaneHaRule: StackRule = {
  kind: "stack",
  name: "control-plane-ha",
  description: "Outside stack local: at least 2 k3s servers and 2 Kine replicas.",
  check(resources, ctx): Finding[] {
    if (ctx.stack === "local") return [];
    const c = countControlPlane(resources);
    const out: Finding[] = [];
    if (c.k3s < 2 && !c.incomplete)
      out.push({
        message:
          `the stack runs ${c.k3s} k3s server(s); run at least 2 (same --token, a fixed registration address in --tls-san) so the ` +
          `API server survives losing one.`,
      });
    if (c.kine < 2 && !c.incomplete)
      out.push({
        message: `the stack runs ${c.kine} Kine replica(s); run at least 2 against the same database so the datastore endpoint survives losing one.`,
      });
    return out;
  },
};
