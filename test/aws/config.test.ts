/** Config and planner checks specific to the aws target (pure: no Pulumi runtime). */
import { describe, expect, it } from "vitest";
import { parseTopology } from "../../config/load";
import { configProblems } from "../support/topologies";
import { buildPlan, distribute, renderPlacement } from "../../planner/plan";

const aws = (regions: unknown[], extra: Record<string, unknown> = {}) => ({ target: "aws", regions, ...extra });
const problems = configProblems;
const region = (name: string, cidr: string, zones = ["a", "b", "c"]) => ({ name, cidr, zones: zones.map((z) => `${name}${z}`) });

describe("aws config", () => {
  it("rejects overlapping region CIDRs, naming both regions", () => {
    const p = problems(aws([region("us-east-1", "10.0.0.0/16"), region("us-west-2", "10.1.0.0/16"), region("eu-west-1", "10.0.128.0/17")], { faultTolerance: "region" }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^yb-k3s:regions\[2\]\.cidr: /);
    expect(p[0]).toContain("'eu-west-1'");
    expect(p[0]).toContain("'us-east-1'");
  });

  it("accepts the shipped layouts and rejects CIDRs too large or too small for the subnet split", () => {
    expect(problems(aws([region("us-east-1", "10.40.0.0/16")]))).toEqual([]);
    expect(problems(aws([region("us-east-1", "10.0.0.0/8")]))[0]).toMatch(/regions\[0\]\.cidr: must be a \/16 to \/20/);
    expect(problems(aws([region("us-east-1", "10.0.0.0/24")]))[0]).toMatch(/regions\[0\]\.cidr: must be a \/16 to \/20/);
  });

  it("still requires an odd number of regions for region fault tolerance", () => {
    // Two regions are reported as too few (at least 3); four as even.
    const p = problems(
      aws([region("us-east-1", "10.0.0.0/16"), region("us-west-2", "10.1.0.0/16"), region("eu-west-1", "10.2.0.0/16"), region("eu-central-1", "10.3.0.0/16")], { faultTolerance: "region" }),
    );
    expect(p.join("\n")).toContain("odd number of regions");
  });
});

describe("placement", () => {
  const plan = (raw: Record<string, unknown>) => buildPlan({ project: "yb-k3s", stack: "t", topology: parseTopology(raw) });
  const perRegion = (blocks: readonly { region: string; minReplicas?: number }[]) =>
    blocks.reduce<Record<string, number>>((m, b) => ({ ...m, [b.region]: (m[b.region] ?? 0) + (b.minReplicas ?? 1) }), {});

  it("distributes round robin within capacities", () => {
    expect(distribute(3, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(distribute(5, [3, 3, 3])).toEqual([2, 2, 1]);
    expect(distribute(3, [1, 5])).toEqual([1, 2]);
    expect(distribute(4, [1, 1])).toEqual([1, 1]);
  });

  it("RF 3 over 3 regions: one replica per region, counts explicit and summing to RF", () => {
    const p = plan(aws([region("us-east-1", "10.0.0.0/16"), region("us-west-2", "10.1.0.0/16"), region("eu-west-1", "10.2.0.0/16")], { faultTolerance: "region" }));
    expect(perRegion(p.yugabyte.placement)).toEqual({ "us-east-1": 1, "us-west-2": 1, "eu-west-1": 1 });
    expect(renderPlacement(p.yugabyte.placement)).toBe("aws.us-east-1.us-east-1a:1,aws.us-west-2.us-west-2a:1,aws.eu-west-1.eu-west-1a:1");
  });

  it("RF 5 over 3 regions: 2/2/1 with the primary first, never a majority in one region", () => {
    const p = plan(
      aws([region("us-west-2", "10.1.0.0/16"), region("us-east-1", "10.0.0.0/16"), region("eu-west-1", "10.2.0.0/16")], { faultTolerance: "region", replicationFactor: 5, primaryRegion: "us-east-1" }),
    );
    const counts = perRegion(p.yugabyte.placement);
    expect(counts).toEqual({ "us-east-1": 2, "us-west-2": 2, "eu-west-1": 1 });
    for (const c of Object.values(counts)) expect(c).toBeLessThanOrEqual(2);
    // The primary region's two replicas sit in two different zones; leaders prefer them, then the (defaulted) standby
    // control-plane region's.
    expect(p.yugabyte.preferredLeaders.map((b) => `${b.zone}:${b.priority}`)).toEqual(["us-east-1a:1", "us-east-1b:1", "us-west-2a:2", "us-west-2b:2"]);
  });

  it("a standby region's placement zones are the second leader preference", () => {
    const p = plan(
      aws([region("us-east-1", "10.0.0.0/16"), region("us-west-2", "10.1.0.0/16"), region("eu-west-1", "10.2.0.0/16")], {
        faultTolerance: "region",
        aws: { standbyRegion: "us-west-2" },
      }),
    );
    expect(p.yugabyte.preferredLeaders.map((b) => `${b.zone}:${b.priority}`)).toEqual(["us-east-1a:1", "us-west-2a:2"]);
    expect(p.controlPlaneRegions).toEqual(["us-east-1", "us-west-2"]);
  });

  it("rejects a standby region that is unknown or the primary", () => {
    const regions = [region("us-east-1", "10.0.0.0/16"), region("us-west-2", "10.1.0.0/16"), region("eu-west-1", "10.2.0.0/16")];
    expect(problems(aws(regions, { faultTolerance: "region", aws: { standbyRegion: "us-east-1" } }))).toEqual([
      "yb-k3s:aws.standbyRegion: must differ from the primary region 'us-east-1'",
    ]);
    expect(problems(aws(regions, { faultTolerance: "region", aws: { standbyRegion: "ap-south-1" } }))[0]).toMatch(/^yb-k3s:aws\.standbyRegion: 'ap-south-1' is not one of the configured regions/);
  });

  it("zone fault tolerance with more zones than RF places exactly RF replicas, one per zone", () => {
    const p = plan(aws([region("us-east-1", "10.0.0.0/16", ["a", "b", "c", "d", "e"])]));
    expect(p.yugabyte.placement.map((b) => b.minReplicas)).toEqual([1, 1, 1]);
    expect(new Set(p.yugabyte.placement.map((b) => b.zone)).size).toBe(3);
  });
});
