/** The library as a user imports it: components on their own in a custom program, under the strict mocks. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { buildPlan, parseTopology, YugabyteCluster } from "../../components";
import { DockerPlatformResources } from "../../components/platform.docker";
import { runUnderMocks } from "../../lib/planRunner";

const topology = parseTopology({ target: "docker", regions: [{ name: "east", zones: ["a", "b", "c"], nodesPerZone: 2 }], replicationFactor: 5 });
const plan = buildPlan({ project: "mine", stack: "test", topology });

describe("components used on their own", () => {
  it("YugabyteCluster alone: six nodes over three zones, bootstrap after all, typed outputs", async () => {
    const run = await runUnderMocks({
      project: "mine",
      stack: "test",
      config: {},
      program: () => {
        const platform = new DockerPlatformResources("platform", { plan }).platform;
        const db = new YugabyteCluster("db", { plan, platform, adminPassword: pulumi.secret("a"), kinePassword: pulumi.secret("k") });
        return { ysql: db.ysqlEndpoint, ui: db.uiUrl, nodes: db.nodeIds };
      },
    });
    const all = run.resources.filter((r) => r.type === "docker:index/container:Container");
    // Each node is followed by its rollout gate (planner/rollout.ts), which the next node waits for.
    const nodeNames = ["yb-a-0", "yb-b-0", "yb-c-0", "yb-a-1", "yb-b-1", "yb-c-1"];
    // Then the scale-in drain (a no-op unless nodes leave), then the bootstrap.
    expect(all.map((c) => c.name)).toEqual([...nodeNames.flatMap((n) => [n, `${n}-rejoin`]), "db-scale-in", "db-bootstrap"]);
    const containers = all.filter((c) => !c.name.endsWith("-rejoin") && c.name !== "db-scale-in");
    const boot = containers.at(-1)!;
    for (const c of containers.slice(0, -1)) expect(boot.dependsOn).toContain(c.urn);
    expect(String((boot.inputs.command as string[])[2])).toContain("modify_placement_info 'local.east.a:2,local.east.b:2,local.east.c:1' 5");
    expect(run.outputs.ysql).toBe("yb-a-0:5433");
    expect(run.outputs.nodes).toHaveLength(6);
    // Every child is parented to its component; the component's token is yb-k3s:<module>:<Type>.
    const component = run.resources.find((r) => r.type === "yb-k3s:yugabyte:YugabyteCluster");
    expect(component?.name).toBe("db");
    for (const c of all) expect(c.parent).toBe(component?.urn);
  });

  it("fails loudly on a resource type the mock engine does not model", async () => {
    await expect(
      runUnderMocks({
        project: "mine",
        stack: "test",
        config: {},
        program: () => {
          class Thing extends pulumi.CustomResource {
            constructor() {
              super("unknown:index:Thing", "x", {});
            }
          }
          return { id: new Thing().id };
        },
      }),
    ).rejects.toThrow(/unknown resource type unknown:index:Thing/);
  });

  it("rejects two resources with the same URN, as the engine does", async () => {
    await expect(
      runUnderMocks({
        project: "mine",
        stack: "test",
        config: {},
        program: () => {
          const platform = new DockerPlatformResources("platform", { plan }).platform;
          new DockerPlatformResources("platform", { plan });
          return { n: platform.network.name };
        },
      }),
    ).rejects.toThrow(/duplicate URN urn:pulumi:test::mine::yb-k3s:docker:Platform::platform/);
  });
});
