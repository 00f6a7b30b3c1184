import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseYugabytedFlags } from "../../planner/flags";
import { renderPlacement } from "../../planner/plan";
import { planOf, validTopology } from "../support/topology";

const arg = (args: readonly string[], flag: string) => args.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);

describe("planner properties", () => {
  it("places every node in its configured region and zone with cloud.region.zone", () => {
    fc.assert(
      fc.property(validTopology, (t) => {
        const plan = planOf(t);
        const expected = t.regions.reduce((n, r) => n + r.zones.length * (r.nodesPerZone ?? 1), 0);
        expect(plan.nodes.length).toBe(expected);
        for (const n of plan.nodes) {
          const region = t.regions.find((r) => r.name === n.region);
          expect(region?.zones).toContain(n.zone);
          expect(arg(n.yugabytedArgs, "cloud_location")).toBe(`${plan.cloud}.${n.region}.${n.zone}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("gives unique DNS-label names and addresses, and every node but the first joins the first", () => {
    fc.assert(
      fc.property(validTopology, (t) => {
        const plan = planOf(t);
        expect(new Set(plan.nodes.map((n) => n.name)).size).toBe(plan.nodes.length);
        expect(new Set(plan.nodes.map((n) => n.address)).size).toBe(plan.nodes.length);
        for (const n of plan.nodes) expect(n.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        expect(arg(plan.nodes[0].yugabytedArgs, "join")).toBeUndefined();
        for (const n of plan.nodes.slice(1)) expect(arg(n.yugabytedArgs, "join")).toBe(plan.nodes[0].address);
        for (const n of plan.nodes) expect(arg(n.yugabytedArgs, "advertise_address")).toBe(n.address);
      }),
      { numRuns: 150 },
    );
  });

  it("starts every node with the sequence-cache flag and the requested fault tolerance", () => {
    fc.assert(
      fc.property(validTopology, (t) => {
        const plan = planOf(t);
        for (const n of plan.nodes) {
          expect(n.yugabytedArgs[0]).toBe("start");
          expect(n.yugabytedArgs).toContain("--background=false");
          expect(parseYugabytedFlags(arg(n.yugabytedArgs, "tserver_flags") ?? "").ysql_sequence_cache_minval).toBe("1");
          expect(arg(n.yugabytedArgs, "fault_tolerance")).toBe(plan.faultTolerance);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("spreads Kine replicas and k3s servers over the primary region's zones, as evenly as possible", () => {
    fc.assert(
      fc.property(validTopology, (t) => {
        const plan = planOf(t);
        const zones = t.regions.find((r) => r.name === plan.primaryRegion)?.zones ?? [];
        for (const members of [plan.kine.replicas, plan.k3s.servers]) {
          const counts = zones.map((z) => members.filter((m) => m.zone === z).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          expect(members.every((m) => m.region === plan.primaryRegion)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("points k3s at every Kine endpoint and never uses embedded etcd", () => {
    fc.assert(
      fc.property(validTopology, (t) => {
        const plan = planOf(t);
        for (const s of plan.k3s.servers) {
          expect(s.args[0]).toBe("server");
          expect(arg(s.args, "datastore-endpoint")).toBe(plan.kine.endpoints.join(","));
          expect(s.args).not.toContain("--cluster-init");
          expect(s.args).toContain(`--tls-san=${plan.k3s.apiAddress}`);
          expect(s.args.some((a) => a.startsWith("--token"))).toBe(false); // token only via K3S_TOKEN
        }
      }),
      { numRuns: 100 },
    );
  });

  it("places RF replicas over distinct zones when zones equal RF", () => {
    const plan = planOf({ target: "docker", regions: [{ name: "dc1", zones: ["a", "b", "c"] }] });
    expect(renderPlacement(plan.yugabyte.placement)).toBe("local.dc1.a:1,local.dc1.b:1,local.dc1.c:1");
    expect(plan.yugabyte.masterAddresses).toEqual(["yb-a-0:7100", "yb-b-0:7100", "yb-c-0:7100"]);
  });

  it("publishes distinct host ports per node from the configured bases (docker)", () => {
    const plan = planOf({ target: "docker", regions: [{ name: "dc1", zones: ["a", "b", "c"] }], docker: { hostPorts: { ysql: 6000 } } });
    expect(plan.nodes.map((n) => n.hostPorts?.ysql)).toEqual([6000, 6001, 6002]);
    expect(plan.nodes.map((n) => n.hostPorts?.masterUi)).toEqual([7001, 7002, 7003]);
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(validTopology, (t) => {
        expect(planOf(t)).toEqual(planOf(t));
      }),
      { numRuns: 50 },
    );
  });
});
