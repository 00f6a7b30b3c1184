import { describe, expect, it } from "vitest";
import { ConfigError, parseTopology } from "../../config/load";
import { buildPlan } from "../../planner/plan";
import { analyzeFaultTolerance, faultToleranceProblems, masterNodes, worstTabletReplicasLost } from "../../planner/survivability";
import { devConfig, localConfig, planOf, prodConfig, stagingConfig } from "../support/topologies";

const report = (raw: Record<string, unknown>) => analyzeFaultTolerance(planOf(raw));
const scenario = (r: ReturnType<typeof report>, kind: string, lost: string) => {
  const s = r.scenarios.find((x) => x.kind === kind && x.lost === lost);
  if (!s) throw new Error(`no scenario ${kind} ${lost}`);
  return s;
};

describe("verdicts per shipped stack shape", () => {
  it("local (docker, 1 k3s server): survives a node, not a zone; the datastore survives a zone", () => {
    const r = report(localConfig());
    expect(r.survives).toEqual({ node: true, zone: false, region: false });
    expect(r.datastoreSurvives).toEqual({ node: true, zone: true, region: false });
    const a = scenario(r, "zone", "zone-a");
    expect(a.verdict).toBe("fails");
    expect(a.datastoreSurvives).toBe(true);
    expect(a.reason).toMatch(/no k3s server/);
    expect(scenario(r, "zone", "zone-b").verdict).toBe("survives");
  });

  it("dev (kubernetes): survives a zone; the k3s Service name keeps the endpoint", () => {
    const r = report(devConfig());
    expect(r.survives).toEqual({ node: true, zone: true, region: false });
    const a = scenario(r, "zone", "zone-a");
    expect(a.verdict).toBe("survives");
    expect(a.apiEndpoint).toBe("unchanged");
    expect(a.reason).toMatch(/k3s\.yb-k3s\.svc\.cluster\.local/);
  });

  it("staging (aws, one region, 3 AZs): survives a zone, not the region", () => {
    const r = report(stagingConfig());
    expect(r.survives).toEqual({ node: true, zone: true, region: false });
  });

  it("prod (aws, 3 regions): survives a region, including the primary", () => {
    const r = report(prodConfig());
    expect(r.survives).toEqual({ node: true, zone: true, region: true });
    const primary = scenario(r, "region", "us-east-1");
    expect(primary.survives).toBe(true);
    expect(primary.database.mastersLost).toBe(1);
    expect(primary.database.tabletReplicasLost).toBe(1);
  });

  it("prod (aws) runs Kine and k3s in the primary and a standby region (defaulted) so a region loss leaves some", () => {
    const p = planOf(prodConfig());
    expect(p.kine.replicas.map((k) => k.region)).toEqual(["us-east-1", "us-east-1", "us-east-1", "us-west-2", "us-west-2", "us-west-2"]);
    expect(p.k3s.servers.map((s) => s.region)).toEqual(["us-east-1", "us-east-1", "us-east-1", "us-west-2", "us-west-2", "us-west-2"]);
  });

  it("multi-region outside aws spreads Kine and k3s round robin over the regions, primary first", () => {
    const raw = { ...devConfig(), faultTolerance: "region", regions: [{ name: "r1", zones: ["a1", "a2"] }, { name: "r2", zones: ["b1", "b2"] }, { name: "r3", zones: ["c1", "c2"] }], kine: { replicas: 3 }, k3s: { servers: 3 } };
    const p = planOf(raw);
    expect(p.kine.replicas.map((k) => k.region)).toEqual(["r1", "r2", "r3"]);
    expect(p.k3s.servers.map((s) => s.region)).toEqual(["r1", "r2", "r3"]);
  });
});

describe("database model", () => {
  it("spreads masters over regions first, like yugabyted", () => {
    const masters = masterNodes(planOf(prodConfig()));
    expect(new Set(masters.map((m) => m.region)).size).toBe(3);
    expect(masters).toHaveLength(3);
  });

  it("spreads masters over zones in one region", () => {
    const raw = { ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], nodesPerZone: 3 }] };
    expect(masterNodes(planOf(raw)).map((m) => m.zone)).toEqual(["zone-a", "zone-b", "zone-c"]);
  });

  it("with faultTolerance none the explicit placement still bounds what one zone holds, but a 2-zone layout cannot survive a zone", () => {
    const raw = { ...localConfig(), faultTolerance: "none", regions: [{ name: "dc1", zones: ["zone-a", "zone-b"], nodesPerZone: 3 }], k3s: { servers: 2 } };
    const plan = planOf(raw);
    // yb-admin needs explicit counts adding up to RF: 2 + 1 over the two zones.
    expect(plan.yugabyte.placement.map((b) => b.minReplicas)).toEqual([2, 1]);
    const zoneA = new Set(plan.nodes.filter((n) => n.zone === "zone-a").map((n) => n.name));
    expect(worstTabletReplicasLost(plan, zoneA)).toBe(2);
    const r = analyzeFaultTolerance(plan);
    expect(r.survives.node).toBe(true);
    expect(r.survives.zone).toBe(false);
  });

  it("zone fault tolerance over more zones than RF still loses at most one replica per zone", () => {
    const raw = { ...devConfig(), regions: [{ name: "k8s", zones: ["z1", "z2", "z3", "z4", "z5"], nodesPerZone: 2 }] };
    const plan = planOf(raw);
    expect(plan.yugabyte.placement.reduce((n, b) => n + (b.minReplicas ?? 0), 0)).toBe(3);
    expect(plan.yugabyte.placement.every((b) => (b.minReplicas ?? 0) <= 1)).toBe(true);
    const r = analyzeFaultTolerance(plan);
    for (const s of r.scenarios.filter((x) => x.kind === "zone")) expect(s.database.tabletReplicasLost).toBeLessThanOrEqual(1);
    expect(r.survives.zone).toBe(true);
  });

  it("RF 5 evaluates every pair of zones and survives any two", () => {
    const raw = { ...devConfig(), replicationFactor: 5, regions: [{ name: "k8s", zones: ["z1", "z2", "z3", "z4", "z5"] }], kine: { replicas: 3 }, k3s: { servers: 3 } };
    const r = report(raw);
    expect(r.tolerates).toBe(2);
    const pairs = r.scenarios.filter((s) => s.kind === "zone" && s.size === 2);
    expect(pairs).toHaveLength(10);
    expect(pairs.every((s) => s.database.quorum)).toBe(true);
    expect(r.survivesUpTo.zone).toBe(2);
    expect(r.scenarios.filter((s) => s.kind === "node" && s.size === 2)).toHaveLength(10);
  });

  it("RF 5 over 3 regions survives one region (2+2+1), not two", () => {
    const raw = { ...prodConfig(), replicationFactor: 5 };
    const r = report(raw);
    expect(r.survives.region).toBe(true);
    const pair = r.scenarios.filter((s) => s.kind === "region" && s.size === 2);
    expect(pair).toHaveLength(3);
    expect(pair.every((s) => !s.database.quorum)).toBe(true);
    expect(r.survivesUpTo.region).toBe(1);
  });

  it("reduces large combination sets to representatives with the same verdicts", () => {
    const raw = { ...devConfig(), replicationFactor: 5, regions: [{ name: "k8s", zones: ["z1", "z2", "z3", "z4", "z5"], nodesPerZone: 20 }], kine: { replicas: 3 }, k3s: { servers: 3 } };
    const r = report(raw);
    expect(r.reduced).toBe(true);
    const pairs = r.scenarios.filter((s) => s.kind === "node" && s.size === 2);
    expect(pairs.length).toBeLessThanOrEqual(1000);
    expect(pairs.every((s) => s.survives)).toBe(true);
  });
});

describe("Kine and k3s", () => {
  it("docker: a Kine replica dies with the node its database host names", () => {
    const r = report({ ...localConfig(), kine: { replicas: 1 }, faultTolerance: "none" });
    const s = scenario(r, "node", "yb-zone-a-0");
    expect(s.datastoreSurvives).toBe(false);
    expect(s.reason).toMatch(/kine-0 -> yb-zone-a-0/);
  });

  it("kubernetes: a Kine replica behind the YSQL Service survives the loss of any node while quorum holds", () => {
    const r = report({ ...devConfig(), faultTolerance: "none", kine: { replicas: 1 } });
    for (const s of r.scenarios.filter((x) => x.kind === "node")) expect(s.kineReplicasLeft).toBe(1);
  });

  it("docker with 3 k3s servers: losing zone-a keeps the control plane but moves the kubeconfig endpoint", () => {
    const r = report({ ...localConfig(), k3s: { servers: 3 } });
    const s = scenario(r, "zone", "zone-a");
    expect(s.verdict).toBe("degraded");
    expect(s.survives).toBe(true);
    expect(s.apiEndpoint).toBe("moved");
    expect(s.reason).toMatch(/https:\/\/127\.0\.0\.1:6443 \(k3s-0\) is down/);
    expect(s.reason).toMatch(/https:\/\/127\.0\.0\.1:6444/);
    expect(r.survives.zone).toBe(true);
  });
});

describe("validation uses the model (datastore tier)", () => {
  it("rejects zone fault tolerance when one Kine replica cannot survive its zone", () => {
    const raw = { ...localConfig(), kine: { replicas: 1 } };
    let err: unknown;
    try {
      parseTopology(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^yb-k3s:faultTolerance: 'zone' requires the datastore .* losing zone 'zone-a' fails: no Kine replica/)]);
  });

  it("rejects region fault tolerance with a single Kine replica", () => {
    const raw = { ...devConfig(), faultTolerance: "region", regions: [{ name: "r1", zones: ["a1"] }, { name: "r2", zones: ["b1"] }, { name: "r3", zones: ["c1"] }], kine: { replicas: 1 }, k3s: { servers: 3 } };
    expect(() => parseTopology(raw)).toThrow(/yb-k3s:faultTolerance: 'region' .* losing region 'r1'/);
  });

  it("accepts every shipped shape, and a whole control plane that fails a zone only because of k3s", () => {
    for (const raw of [localConfig(), devConfig(), stagingConfig(), prodConfig()]) expect(() => parseTopology(raw)).not.toThrow();
  });

  it("faultToleranceProblems is empty for faultTolerance none", () => {
    const plan = buildPlan({ project: "p", stack: "s", topology: parseTopology({ ...localConfig(), faultTolerance: "none", kine: { replicas: 1 } }) });
    expect(faultToleranceProblems(analyzeFaultTolerance(plan))).toEqual([]);
  });
});

describe("placement honesty in the text report", () => {
  it("names the nodes that hold no tablet replicas (zones outside the placement)", async () => {
    const { renderText } = await import("../../lib/render");
    const plan = planOf(prodConfig());
    const text = renderText({ plan, faultTolerance: analyzeFaultTolerance(plan), policies: [], resources: [] } as unknown as Parameters<typeof renderText>[0]);
    expect(text).toMatch(/Note: 6 of 9 YugabyteDB nodes are outside the data placement: they hold no tablet replicas and serve as YSQL endpoints/);
    // `databaseZones` keeps nodes to the placement zones: none outside it.
    const lean = { ...prodConfig(), regions: (prodConfig().regions as { name: string; zones: string[] }[]).map((r) => ({ ...r, databaseZones: [r.zones[0]] })) };
    const leanPlan = planOf(lean);
    expect(leanPlan.nodes.map((n) => n.zone)).toEqual(["us-east-1a", "us-west-2a", "eu-west-1a"]);
    expect(renderText({ plan: leanPlan, faultTolerance: analyzeFaultTolerance(leanPlan), policies: [], resources: [] } as unknown as Parameters<typeof renderText>[0])).not.toMatch(/outside the data placement/);
    const local = planOf(localConfig());
    expect(renderText({ plan: local, faultTolerance: analyzeFaultTolerance(local), policies: [], resources: [] } as unknown as Parameters<typeof renderText>[0])).not.toMatch(/outside the data placement/);
  });
});
