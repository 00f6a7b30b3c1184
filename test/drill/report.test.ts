/** The drill's report (pure): the availability math, property-tested, and the parsers of what it reads back. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evaluateAvailability,
  evaluateContainers,
  evaluateTabletServers,
  evaluateWorkloads,
  nodesInZones,
  parseDockerInspect,
  parseTabletServers,
  podsOnNodes,
  summarizeProbes,
  type Probe,
} from "../../lib/drill/report";
import { devConfig, planOf } from "../support/topologies";

const W = { startMs: 1_000, endMs: 61_000 };

/** Probes inside a window: sorted start offsets, each passing or failing its /readyz and its write. */
const probesIn = (w: { startMs: number; endMs: number }, o: { ties?: boolean } = {}) => {
  const one = fc.record({ at: fc.integer({ min: 0, max: o.ties ? 20 : w.endMs - w.startMs - 1 }), readyz: fc.boolean(), write: fc.boolean(), took: fc.integer({ min: 0, max: 5_000 }) });
  return (o.ties ? fc.array(one, { maxLength: 30 }) : fc.uniqueArray(one, { maxLength: 80, selector: (x) => x.at }))
    .map((xs) => xs.map((x): Probe => ({ startMs: w.startMs + x.at, endMs: w.startMs + x.at + x.took, readyz: x.readyz, write: x.write, message: x.readyz ? (x.write ? undefined : "write: boom") : "readyz: HTTP 500" })));
};

describe("availability", () => {
  it("never more unavailable than the hold; the longest outage never more than the total; both never negative", () => {
    fc.assert(
      fc.property(probesIn(W), (probes) => {
        const a = summarizeProbes(probes, W);
        expect(a.unavailableMs).toBeGreaterThanOrEqual(0);
        expect(a.longestOutageMs).toBeGreaterThanOrEqual(0);
        expect(a.longestOutageMs).toBeLessThanOrEqual(a.unavailableMs);
        expect(a.unavailableMs).toBeLessThanOrEqual(a.windowMs);
        expect(a.windowMs).toBe(W.endMs - W.startMs);
        expect(a.outages.reduce((s, o) => s + (o.endMs - o.startMs), 0)).toBe(a.unavailableMs);
        for (const o of a.outages) expect(o.startMs >= W.startMs && o.endMs <= W.endMs && o.startMs <= o.endMs).toBe(true);
      }),
    );
  });
  it("0 when every probe passes (and then no failure is reported)", () => {
    fc.assert(
      fc.property(probesIn(W), (probes) => {
        const a = summarizeProbes(probes.map((p) => ({ ...p, readyz: true, write: true })), W);
        expect([a.unavailableMs, a.longestOutageMs, a.failedProbes, a.failedWrites, a.outages.length]).toEqual([0, 0, 0, 0, 0]);
        expect(a.firstFailure).toBeUndefined();
        expect(evaluateAvailability(a).every((r) => r.status === "ok") || probes.length === 0).toBe(true);
      }),
    );
  });
  it("everything from the first probe on when every probe fails, as one outage", () => {
    fc.assert(
      fc.property(probesIn(W).filter((ps) => ps.length > 0), (probes) => {
        const a = summarizeProbes(probes.map((p) => ({ ...p, write: false })), W);
        const first = Math.min(...probes.map((p) => p.startMs));
        expect(a.unavailableMs).toBe(W.endMs - first);
        expect(a.longestOutageMs).toBe(a.unavailableMs);
        expect(a.outages).toHaveLength(1);
        expect(a.failedWrites).toBe(probes.length);
      }),
    );
  });
  it("does not depend on the order the probes are given in", () => {
    fc.assert(
      fc.property(fc.oneof(probesIn(W), probesIn(W, { ties: true })).chain((ps) => fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length }))), ([ps, shuffled]) => {
        const a = summarizeProbes(ps, W);
        const b = summarizeProbes(shuffled, W);
        expect([b.unavailableMs, b.longestOutageMs, b.failedProbes]).toEqual([a.unavailableMs, a.longestOutageMs, a.failedProbes]);
      }),
    );
  });
  it("failing one more probe never makes it more available", () => {
    fc.assert(
      fc.property(probesIn(W).filter((ps) => ps.length > 0), fc.nat(), (ps, k) => {
        const i = k % ps.length;
        const worse = ps.map((p, j) => (j === i ? { ...p, readyz: false } : p));
        expect(summarizeProbes(worse, W).unavailableMs).toBeGreaterThanOrEqual(summarizeProbes(ps, W).unavailableMs);
        expect(summarizeProbes(worse, W).longestOutageMs).toBeGreaterThanOrEqual(summarizeProbes(ps, W).longestOutageMs);
      }),
    );
  });
  it("counts each failed probe's interval up to the next probe's start, and the longest run", () => {
    const p = (at: number, ok: boolean, message?: string): Probe => ({ startMs: W.startMs + at, endMs: W.startMs + at + 10, readyz: ok, write: ok, message });
    // ok, fail, fail, ok, fail (to the end of the window): outages 0.2 s+0.5 s... in ms: [1000,3000) and [5000,60000).
    const a = summarizeProbes([p(0, true), p(1_000, false, "readyz: HTTP 500; write: HTTP 500"), p(2_000, false, "write: timeout"), p(3_000, true), p(5_000, false, "write: last")], W);
    expect(a.unavailableMs).toBe(2_000 + 55_000);
    expect(a.longestOutageMs).toBe(55_000);
    expect(a.outages).toEqual([{ startMs: 2_000, endMs: 4_000 }, { startMs: 6_000, endMs: 61_000 }]);
    expect(a.firstFailure).toEqual({ atMs: 1_000, message: "readyz: HTTP 500; write: HTTP 500" });
    expect(a.lastFailure).toEqual({ atMs: 5_000, message: "write: last" });
    const [availability, writes] = evaluateAvailability(a);
    expect(availability).toEqual({
      check: "availability",
      status: "fail",
      detail: "57.0 s unavailable (longest outage 55.0 s, 2 outage(s)): 3 of 5 probe(s) over 60.0 s failed (3 /readyz); first failure at +1.0 s: readyz: HTTP 500; write: HTTP 500; last at +5.0 s: write: last",
    });
    expect(writes).toEqual({ check: "writes", status: "fail", detail: "3 of 5 write(s) failed while the plan says the stack survives this domain" });
    expect(evaluateAvailability(summarizeProbes([], W))).toEqual([{ check: "availability", status: "fail", detail: "no probe ran while the domain was down" }]);
  });
});

describe("what it reads back", () => {
  const pod = (name: string, app: string, node?: string, phase = "Running") => ({ metadata: { name, labels: { "app.kubernetes.io/name": app } }, spec: node ? { nodeName: node } : {}, status: { phase } });
  it("the zone's nodes by the zone label; the stack's pods still on them (finished Job pods and Pending pods aside)", () => {
    const nodes = { items: [{ metadata: { name: "n-a", labels: { z: "a" } } }, { metadata: { name: "n-b", labels: { z: "b" } } }, { metadata: { name: "n-b2", labels: { z: "b" } } }] };
    expect(nodesInZones(nodes, "z", ["b"])).toEqual(["n-b", "n-b2"]);
    expect(nodesInZones(nodes, "other", ["b"])).toEqual([]);
    const pods = { items: [pod("yb-b-0", "yugabytedb", "n-b"), pod("yb-b-0x", "yugabytedb"), pod("kine-1", "kine", "n-b2"), pod("k3s-0", "k3s", "n-a"), pod("gate", "yugabytedb-rollout", "n-b", "Succeeded"), pod("done", "kine", "n-b", "Succeeded")] };
    expect(podsOnNodes(pods, ["n-b", "n-b2"], ["yugabytedb", "kine", "k3s"]).map((p) => p.name)).toEqual(["yb-b-0", "kine-1"]);
    expect(podsOnNodes({ items: [] }, ["n-b"], ["kine"])).toEqual([]);
  });
  it("every planned workload at its planned ready count", () => {
    const planned = [{ kind: "statefulset" as const, name: "yb-a", replicas: 1 }, { kind: "statefulset" as const, name: "k3s", replicas: 2 }, { kind: "deployment" as const, name: "kine", replicas: 2 }];
    const list = (k3sReady: number, kineSpec = 2) => ({
      items: [
        { kind: "StatefulSet", metadata: { name: "yb-a" }, spec: { replicas: 1 }, status: { readyReplicas: 1 } },
        { kind: "StatefulSet", metadata: { name: "k3s" }, spec: { replicas: 2 }, status: { readyReplicas: k3sReady } },
        { kind: "Deployment", metadata: { name: "kine" }, spec: { replicas: kineSpec }, status: { readyReplicas: 2 } },
      ],
    });
    expect(evaluateWorkloads(planned, list(2)).map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
    expect(evaluateWorkloads(planned, list(1))[1]).toEqual({ check: "workload/statefulset/k3s", status: "fail", detail: "1/2 ready" });
    expect(evaluateWorkloads(planned, list(2, 3))[2].detail).toBe("2/2 ready; spec.replicas is 3, planned 2");
    expect(evaluateWorkloads(planned, { items: [] })[0]).toEqual({ check: "workload/statefulset/yb-a", status: "fail", detail: "not found" });
  });
  it("docker inspect: running and healthy, or running without a health check", () => {
    const states = parseDockerInspect("/p-yb-a-0 running healthy\n/p-kine-0 running starting\n/p-k3s-0 exited none\n/p-x running none\n");
    expect(evaluateContainers(["p-yb-a-0", "p-kine-0", "p-k3s-0", "p-x", "p-gone"], states).map((r) => `${r.status} ${r.check}: ${r.detail}`)).toEqual([
      "ok container/p-yb-a-0: running, healthy",
      "fail container/p-kine-0: running, starting",
      "fail container/p-k3s-0: exited",
      "ok container/p-x: running",
      "fail container/p-gone: not found",
    ]);
  });
  it("yb-admin list_all_tablet_servers: every planned node's tablet server registered and ALIVE", () => {
    const plan = planOf(devConfig());
    const hp = (i: number) => `${plan.nodes[i].address}:9100`;
    const out = (status1: string) =>
      [
        "Tablet Server UUID               RPC Host/Port        Heartbeat delay  Status   Reads/s  Writes/s  Uptime  SST total size  SST uncomp size  SST #files      Memory",
        `2c8a6f6d0d4f4b4f9c1c0d2a2e1b3c4d ${hp(0)}  0.52s            ALIVE    0.00     0.00      3600    1.00 MB         1.00 MB          2               40.00 MB`,
        `5b1e9a3c7d2f4e6a8b0c1d2e3f4a5b6c ${hp(1)}  31.0s            ${status1}     0.00     0.00      3600    1.00 MB         1.00 MB          2               40.00 MB`,
        `9f8e7d6c5b4a39281706f5e4d3c2b1a0 ${hp(2)}  0.40s            ALIVE    0.00     0.00      3600    1.00 MB         1.00 MB          2               40.00 MB`,
      ].join("\n");
    expect(parseTabletServers(out("ALIVE")).map((s) => s.status)).toEqual(["ALIVE", "ALIVE", "ALIVE"]);
    expect(evaluateTabletServers(plan, parseTabletServers(out("ALIVE")))).toEqual({ check: "tservers", status: "ok", detail: `3/3 ALIVE: ${plan.nodes.map((n) => n.name).join(", ")}` });
    expect(evaluateTabletServers(plan, parseTabletServers(out("DEAD")))).toEqual({ check: "tservers", status: "fail", detail: `2/3 ALIVE; ${plan.nodes[1].name} (${hp(1)}) DEAD` });
    expect(evaluateTabletServers(plan, parseTabletServers(out("ALIVE").split("\n").slice(0, 3).join("\n"))).detail).toBe(`2/3 ALIVE; ${plan.nodes[2].name} (${hp(2)}) not registered`);
  });
});
