/**
 * How verify reaches each target's universe: the command lines it renders (pure), checked against what the program
 * really registers for the shipped stacks under mocks — container names, pod names, container names and Kine's pod
 * labels — so a rename in a component cannot leave verify knocking on the wrong door. Running the commands needs
 * Docker, a cluster with YugabyteDB pods or the VPC: not available to the tests (README, "Verifying a stack").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import {
  accessFor,
  dockerContainerName,
  dockerVarzCommand,
  dockerYbAdminCommand,
  kubectlKinePodsCommand,
  kubectlTargetOf,
  kubectlVarzCommand,
  kubectlYbAdminCommand,
  parsePortForward,
  tserverVarzUrl,
  YB_CONTAINER,
} from "../../lib/verify/access";
import { YB_ADMIN } from "../../planner/ybAdmin";
import { named, ofKind, podTemplate, selectorMatches, type Obj } from "../kubernetes/support";

let local: PlanReport;
let dev: PlanReport;
let prod: PlanReport;
beforeAll(async () => {
  local = await planStack(readStackFile(stackFilePath("local"), "local"));
  dev = await planStack(readStackFile(stackFilePath("dev"), "dev"));
  prod = await planStack(readStackFile(stackFilePath("prod"), "prod"));
}, 120_000);

describe("docker (local)", () => {
  it("names the containers the docker target creates", () => {
    const containers = local.recorded.filter((r) => r.type === "docker:index/container:Container").map((r) => (r.inputs as Obj).name as string);
    for (const n of local.plan.nodes) expect(containers).toContain(dockerContainerName(local.plan, n));
  });
  it("runs yb-admin in node 0's container with the plan's masters, in UTC", () => {
    expect(dockerYbAdminCommand(local.plan, [YB_ADMIN.listSnapshotSchedules])).toEqual([
      "docker", "exec", "-e", "TZ=UTC", "yb-k3s-local-yb-zone-a-0", "/home/yugabyte/bin/yb-admin",
      "-master_addresses", "yb-zone-a-0:7100,yb-zone-b-0:7100,yb-zone-c-0:7100", "list_snapshot_schedules",
    ]);
  });
  it("reads tserver UIs on the published loopback ports, else through docker exec; Kine is out of reach", () => {
    expect(local.plan.nodes.map((n) => tserverVarzUrl("127.0.0.1", n.hostPorts!.tserverUi))).toEqual([
      "http://127.0.0.1:9000/varz?raw", "http://127.0.0.1:9001/varz?raw", "http://127.0.0.1:9002/varz?raw",
    ]);
    expect(dockerVarzCommand(local.plan, local.plan.nodes[1]).slice(0, 4)).toEqual(["docker", "exec", "yb-k3s-local-yb-zone-b-0", "python3"]);
    expect(dockerVarzCommand(local.plan, local.plan.nodes[1]).at(-1)).toBe("http://yb-zone-b-0:9000/varz?raw");
    const a = accessFor(local.plan, local.topology);
    expect(a.tserverUnreachable).toBeUndefined();
    expect(a.kineUnreachable).toMatch(/Docker network only/);
  });
});

describe("kubernetes (dev)", () => {
  const k = () => kubectlTargetOf(dev.topology)!;
  it("execs into the pods the StatefulSets create, in the container that runs yugabyted", () => {
    for (const n of dev.plan.nodes) {
      const sts = named(dev, "StatefulSet", `yb-${n.zone}`);
      expect(`${(sts.inputs as Obj).metadata.name}-${n.ordinal}`).toBe(n.name);
      expect((podTemplate(sts).spec.containers as Obj[]).map((c) => c.name)).toContain(YB_CONTAINER);
    }
    expect(kubectlYbAdminCommand(dev.plan, k(), [YB_ADMIN.getUniverseConfig])).toEqual([
      "kubectl", "--context", "dev", "-n", "yb-k3s", "--request-timeout=30s", "exec", "yb-us-east-1a-0", "-c", "yugabyted", "--",
      "env", "TZ=UTC", "/home/yugabyte/bin/yb-admin", "-master_addresses", dev.plan.yugabyte.masterAddresses.join(","), "get_universe_config",
    ]);
    expect(kubectlVarzCommand(k(), dev.plan.nodes[2]).at(-1)).toBe("http://yb-us-east-1c-0.yb-nodes.yb-k3s.svc.cluster.local:9000/varz?raw");
  });
  it("finds the Kine pods by the labels of the Kine Deployment's pod template", () => {
    const argv = kubectlKinePodsCommand(dev.plan, k());
    const selector = Object.fromEntries(argv[argv.indexOf("-l") + 1].split(",").map((kv) => kv.split("=")));
    const kine = ofKind(dev, "Deployment").filter((d) => selectorMatches({ matchLabels: selector }, podTemplate(d).metadata.labels));
    expect(kine.map((d) => (d.inputs as Obj).metadata.name)).toEqual(["kine"]);
  });
  it("parses kubectl port-forward's first line", () => {
    expect(parsePortForward("Forwarding from 127.0.0.1:41231 -> 2379\n")).toBe(41231);
    expect(parsePortForward("Forwarding from [::1]:41231 -> 2379")).toBeUndefined();
  });
});

describe("aws (prod) and --direct", () => {
  it("says the addresses are private unless run inside the VPC", () => {
    const a = accessFor(prod.plan, prod.topology);
    expect(a.tserverUnreachable).toMatch(/private .* --direct --yb-admin PATH/);
    expect(a.ybAdminUnreachable).toBe(a.tserverUnreachable);
  });
  it("--direct dials each Kine replica's own fixed address, TLS on prod", async () => {
    const a = accessFor(prod.plan, prod.topology, { direct: true, ybAdmin: "/opt/yugabyte/bin/yb-admin" });
    expect(a.ybAdminUnreachable).toBeUndefined();
    const { endpoints } = await a.kineReplicas!();
    expect(endpoints.map((e) => e.endpoint)).toEqual(prod.plan.kine.replicas.map((r) => `https://${r.address}:2379`));
    expect(accessFor(prod.plan, prod.topology, { direct: true }).ybAdminUnreachable).toMatch(/--yb-admin PATH/);
  });
});
