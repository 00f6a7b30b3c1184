/**
 * Issue 5: the `prod` stack on AWS (three regions, region fault tolerance), planned offline under the strict mock
 * engine: a provider per region, full-mesh peering with routes both ways, peer CIDRs on database ports only,
 * region-level placement with the primary region as preferred leader, and a standby control-plane region (us-west-2)
 * so the control plane, not only the database, survives the loss of the primary region.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanReport } from "../../lib/plan";
import { databasePortNames, ports } from "../../planner/ports";
import { renderPlacement } from "../../planner/plan";
import { assertTools, cloudInitProblems, idOf, ofType, planShipped, sgNamed, shellcheckProblems, T, userDataOf, writtenFiles } from "./support";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
const CIDRS: Record<string, string> = { "us-east-1": "10.50.0.0/16", "us-west-2": "10.51.0.0/16", "eu-west-1": "10.52.0.0/16" };
const DB_PORTS = databasePortNames.map((n) => ports[n]);
const CONTROL_PLANE = ["us-east-1", "us-west-2"];
const K3S_PEER = [ports.k3sApi, ports.k3sSupervisor, ports.kubelet, 8472];
let r: PlanReport;

beforeAll(async () => {
  assertTools();
  r = await planShipped("prod");
}, 120_000);

const providerUrn = (region: string): string => {
  const p = ofType(r, T.provider).find((x) => x.inputs.region === region);
  if (!p) throw new Error(`no provider for ${region}`);
  return p.urn;
};
const providerOf = (x: { provider?: string }) => (x.provider ?? "").split("::").slice(0, -1).join("::");

describe("prod: regions and providers", () => {
  it("has one explicit aws provider per region and puts every regional resource on its region's provider", () => {
    expect(ofType(r, T.provider).map((p) => p.inputs.region).sort()).toEqual([...REGIONS].sort());
    for (const n of r.plan.nodes) {
      const i = ofType(r, T.instance).find((x) => x.name === n.name);
      expect(providerOf(i as never), n.name).toBe(providerUrn(n.region));
    }
  });

  it("runs YugabyteDB nodes in every AZ of every region, Kine and k3s in the primary and standby regions across AZs", () => {
    expect(new Set(r.nodes.map((n) => n.region))).toEqual(new Set(REGIONS));
    expect(r.nodes).toHaveLength(9);
    expect(r.plan.controlPlaneRegions).toEqual(CONTROL_PLANE);
    for (const region of CONTROL_PLANE) {
      const kine = r.plan.kine.replicas.filter((k) => k.region === region);
      const k3s = r.plan.k3s.servers.filter((k) => k.region === region);
      expect(kine.length, region).toBe(2);
      expect(k3s.length, region).toBe(2);
      expect(new Set(kine.map((k) => k.zone)).size, region).toBe(2);
      expect(new Set(k3s.map((k) => k.zone)).size, region).toBe(2);
    }
    expect([...r.plan.kine.replicas, ...r.plan.k3s.servers].filter((x) => x.region === "eu-west-1")).toEqual([]);
  });

  it("keeps each control-plane region self-contained: Kine dials its region's YSQL NLB, k3s its region's Kine NLB", () => {
    for (const k of r.plan.kine.replicas) expect(k.database.host).toBe(k.region === "us-east-1" ? "ysql.yb-k3s-prod.internal" : `ysql.${k.region}.yb-k3s-prod.internal`);
    for (const s of r.plan.k3s.servers) {
      const kine = s.region === "us-east-1" ? "kine.yb-k3s-prod.internal" : `kine.${s.region}.yb-k3s-prod.internal`;
      expect(s.args).toContain(`--datastore-endpoint=https://${kine}:2379`);
      expect(s.args).toContain("--tls-san=k3s.yb-k3s-prod.internal");
      expect(s.args).toContain("--tls-san=k3s.us-west-2.yb-k3s-prod.internal");
    }
    const lbs = ofType(r, T.lb);
    for (const region of CONTROL_PLANE)
      expect(lbs.filter((l) => providerOf(l) === providerUrn(region)).length, region).toBe(3);
    expect(lbs.filter((l) => providerOf(l) === providerUrn("eu-west-1"))).toEqual([]);
  });

  it("points the k3s API name at the primary NLB with failover to the standby region's NLB", () => {
    const records = ofType(r, "aws:route53/record:Record").filter((x) => x.inputs.name === "k3s.yb-k3s-prod.internal");
    expect(records.map((x) => (x.inputs.failoverRoutingPolicies as { type: string }[])[0].type).sort()).toEqual(["PRIMARY", "SECONDARY"]);
    for (const x of records) expect((x.inputs.aliases as { evaluateTargetHealth: boolean }[])[0].evaluateTargetHealth).toBe(true);
  });

  it("survives the loss of any one region, the primary included", () => {
    expect(r.faultTolerance.survives).toEqual({ node: true, zone: true, region: true });
    const primaryLoss = r.faultTolerance.scenarios.find((s) => s.kind === "region" && s.lost === "us-east-1");
    expect(primaryLoss).toMatchObject({ survives: true, kineReplicasLeft: 2, k3sServersLeft: 2 });
  });

  it("gives every region its own VPC with its configured CIDR", () => {
    const vpcs = ofType(r, "aws:ec2/vpc:Vpc");
    expect(vpcs.map((v) => v.inputs.cidrBlock).sort()).toEqual(Object.values(CIDRS).sort());
    for (const v of vpcs) expect(providerOf(v)).toBe(providerUrn(REGIONS.find((reg) => CIDRS[reg] === v.inputs.cidrBlock) as string));
  });

  it("associates the private zone with every VPC", () => {
    const zone = ofType(r, "aws:route53/zone:Zone")[0];
    expect((zone.inputs.vpcs as { vpcRegion: string }[]).map((v) => v.vpcRegion).sort()).toEqual([...REGIONS].sort());
  });
});

describe("prod: peering", () => {
  it("is a full mesh: n*(n-1)/2 connections, each accepted in the peer region's provider", () => {
    const conns = ofType(r, T.peering);
    const accepters = ofType(r, T.accepter);
    expect(conns).toHaveLength((REGIONS.length * (REGIONS.length - 1)) / 2);
    expect(accepters).toHaveLength(conns.length);
    const pairs = new Set<string>();
    for (const c of conns) {
      const requesterRegion = REGIONS.find((reg) => providerOf(c) === providerUrn(reg)) as string;
      const peerRegion = String(c.inputs.peerRegion);
      expect(peerRegion).not.toBe(requesterRegion);
      expect(c.inputs.autoAccept).toBe(false);
      pairs.add([requesterRegion, peerRegion].sort().join("|"));
      const acc = accepters.find((a) => a.inputs.vpcPeeringConnectionId === idOf(c));
      expect(acc, c.name).toBeTruthy();
      expect(providerOf(acc as never), c.name).toBe(providerUrn(peerRegion));
      expect(acc?.inputs.autoAccept).toBe(true);
    }
    expect(pairs.size).toBe(3);
  });

  it("routes both ways: every private route table has a route to every other region's CIDR over the right peering", () => {
    const routes = ofType(r, T.route).filter((x) => x.inputs.vpcPeeringConnectionId !== undefined);
    const tables = ofType(r, T.routeTable).filter((t) => t.name.includes("-private-"));
    expect(tables).toHaveLength(9);
    for (const t of tables) {
      const region = REGIONS.find((reg) => providerOf(t) === providerUrn(reg)) as string;
      const mine = routes.filter((x) => x.inputs.routeTableId === idOf(t));
      expect(mine.map((x) => x.inputs.destinationCidrBlock).sort(), t.name).toEqual(REGIONS.filter((x) => x !== region).map((x) => CIDRS[x]).sort());
      for (const route of mine) {
        expect(providerOf(route)).toBe(providerUrn(region));
        const conn = ofType(r, T.peering).find((c) => idOf(c) === route.inputs.vpcPeeringConnectionId);
        const peer = REGIONS.find((x) => CIDRS[x] === route.inputs.destinationCidrBlock) as string;
        const ends = [REGIONS.find((reg) => providerOf(conn as never) === providerUrn(reg)), String(conn?.inputs.peerRegion)].sort();
        expect(ends, route.name).toEqual([region, peer].sort());
        expect(route.dependsOn.length, `${route.name} waits for the accepter`).toBeGreaterThan(0);
      }
    }
  });

  it("admits peer CIDRs on the database ports of the database groups only", () => {
    const peerCidrs = new Set(Object.values(CIDRS));
    const rules = ofType(r, T.ingress);
    for (const region of REGIONS) {
      const db = idOf(sgNamed(r, region, "database") as never);
      const fromPeers = rules.filter((x) => x.inputs.securityGroupId === db && peerCidrs.has(String(x.inputs.cidrIpv4)));
      expect(new Set(fromPeers.map((x) => x.inputs.cidrIpv4))).toEqual(new Set(REGIONS.filter((x) => x !== region).map((x) => CIDRS[x])));
      for (const x of fromPeers) expect(DB_PORTS, x.name).toContain(x.inputs.fromPort);
      expect(fromPeers).toHaveLength(DB_PORTS.length * 2);
      expect(CIDRS[region] && fromPeers.some((x) => x.inputs.cidrIpv4 === CIDRS[region])).toBe(false);
    }
    // Elsewhere a VPC CIDR only reaches the internal k3s API load balancers on 6443, and the k3s servers of the other
    // control-plane region on the k3s server-to-server ports.
    for (const x of rules.filter((y) => peerCidrs.has(String(y.inputs.cidrIpv4)) && !REGIONS.some((reg) => y.inputs.securityGroupId === idOf(sgNamed(r, reg, "database") as never)))) {
      const k3sLbs = CONTROL_PLANE.map((reg) => idOf(sgNamed(r, reg, "k3s-lb") as never));
      const k3s = CONTROL_PLANE.map((reg) => idOf(sgNamed(r, reg, "k3s") as never));
      if (k3sLbs.includes(String(x.inputs.securityGroupId))) expect(x.inputs.fromPort, x.name).toBe(ports.k3sApi);
      else {
        expect(k3s, x.name).toContain(x.inputs.securityGroupId);
        expect(K3S_PEER, x.name).toContain(x.inputs.fromPort);
        const region = CONTROL_PLANE[k3s.indexOf(String(x.inputs.securityGroupId))];
        expect(x.inputs.cidrIpv4, x.name).toBe(CIDRS[CONTROL_PLANE.find((c) => c !== region) as string]);
      }
    }
    expect(rules.filter((x) => x.inputs.cidrIpv4 === "0.0.0.0/0" || x.inputs.cidrIpv6 === "::/0")).toEqual([]);
  });

  it("creates the control-plane role groups in the control-plane regions only", () => {
    for (const region of CONTROL_PLANE) for (const k of ["kine", "kine-lb", "k3s", "k3s-lb", "ysql-lb"]) expect(sgNamed(r, region, k), `${region} ${k}`).toBeTruthy();
    expect(sgNamed(r, "eu-west-1", "database")).toBeTruthy();
    for (const k of ["kine", "kine-lb", "k3s", "k3s-lb", "ysql-lb"]) expect(sgNamed(r, "eu-west-1", k), `eu-west-1 ${k}`).toBeUndefined();
  });
});

describe("prod: placement", () => {
  it("starts every node with --fault_tolerance=region and its own cloud location", () => {
    for (const n of r.plan.nodes) {
      expect(n.yugabytedArgs).toContain("--fault_tolerance=region");
      expect(n.yugabytedArgs).toContain(`--cloud_location=aws.${n.region}.${n.zone}`);
      expect(n.yugabytedArgs.find((a) => a.startsWith("--tserver_flags="))).toContain("ysql_sequence_cache_minval=1");
      expect(n.yugabytedArgs.find((a) => a.startsWith("--tserver_flags="))).toContain("leader_failure_max_missed_heartbeat_periods=10");
      expect(n.yugabytedArgs.find((a) => a.startsWith("--master_flags="))).toContain("leader_failure_max_missed_heartbeat_periods=10");
    }
  });

  it("places one replica per region (no region holds a majority) and prefers leaders in the primary region", () => {
    const blocks = r.plan.yugabyte.placement;
    expect(blocks.reduce((s, b) => s + (b.minReplicas ?? 1), 0)).toBe(3);
    for (const region of REGIONS) expect(blocks.filter((b) => b.region === region).reduce((s, b) => s + (b.minReplicas ?? 1), 0)).toBe(1);
    expect(r.plan.yugabyte.preferredLeaders.map((b) => [b.region, b.priority])).toEqual([
      ["us-east-1", 1],
      ["us-west-2", 2],
    ]);
    expect(r.faultTolerance.scenarios.filter((s) => s.kind === "region").every((s) => s.database.quorum)).toBe(true);
  });

  it("node 0 (primary region) runs the bootstrap with that placement and the preferred zones", () => {
    const node0 = ofType(r, T.instance).find((x) => x.name === r.plan.nodes[0].name);
    expect(r.plan.nodes[0].region).toBe("us-east-1");
    const script = writtenFiles(userDataOf(node0 as never)).find((f) => f.path === "/usr/local/lib/yb-k3s/bootstrap.sh")?.content ?? "";
    expect(script).toContain(`modify_placement_info '${renderPlacement(r.plan.yugabyte.placement)}' 3`);
    expect(script).toContain("set_preferred_zones 'aws.us-east-1.us-east-1a:1' 'aws.us-west-2.us-west-2a:2'");
  });

  it("reads secrets from SSM in the host's own control-plane region (database nodes: the primary region)", () => {
    const regionOf = new Map([...r.plan.kine.replicas, ...r.plan.k3s.servers].map((x) => [x.name, x.region]));
    for (const i of ofType(r, T.instance)) expect(userDataOf(i), i.name).toContain(`SSM_REGION='${regionOf.get(i.name) ?? "us-east-1"}'`);
    const params = ofType(r, T.param);
    for (const region of CONTROL_PLANE) {
      const names = params.filter((p) => providerOf(p) === providerUrn(region)).map((p) => String(p.inputs.name));
      expect(names, region).toContain("/yb-k3s/prod/kine/dsn");
      expect(names, region).toContain("/yb-k3s/prod/k3s/token");
      expect(names, region).toContain("/yb-k3s/prod/k3s/tls/server-ca.key");
      // Database passwords exist once, where the bootstrap (node 0) reads them.
      expect(names.includes("/yb-k3s/prod/yugabyte/admin-password"), region).toBe(region === "us-east-1");
    }
    expect(params.filter((p) => providerOf(p) === providerUrn("eu-west-1"))).toEqual([]);
  });
});

describe("prod: user data", () => {
  it("every instance's user data passes `cloud-init schema`", () => {
    const instances = ofType(r, T.instance);
    expect(instances).toHaveLength(9 + 4 + 4);
    for (const i of instances) expect(cloudInitProblems(userDataOf(i)), i.name).toBe("");
  }, 120_000);

  it("every shell script in user data passes `shellcheck -S error`", () => {
    for (const i of ofType(r, T.instance))
      for (const f of writtenFiles(userDataOf(i))) if (f.content.startsWith("#!")) expect(shellcheckProblems(f.content), `${i.name}:${f.path}`).toBe("");
  }, 120_000);

  it("protects and retains every data volume, encrypted, in its node's AZ", () => {
    const volumes = ofType(r, T.volume);
    expect(volumes).toHaveLength(9);
    for (const v of volumes) expect([v.protect, v.retainOnDelete, v.inputs.encrypted]).toEqual([true, true, true]);
  });
});
