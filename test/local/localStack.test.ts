/** The `local` stack end to end: the real program under strict mocks, exactly as `plan` runs it. */
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import type { RecordedResource } from "../../lib/planRunner";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { parseYugabytedFlags } from "../../planner/flags";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { ports, sensitivePorts } from "../../planner/ports";
import { mockSecret } from "../../lib/mocks/registry";
import { processesInArgv } from "../../policies/extract";

let report: PlanReport;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads provider inputs structurally
type Inputs = Record<string, any>;
type Rec = Omit<RecordedResource, "inputs"> & { inputs: Inputs };
const ofType = (t: string) => report.recorded.filter((r) => r.type === t) as Rec[];
const containers = () => ofType("docker:index/container:Container");
const role = (r: { inputs: Inputs }) => (r.inputs.labels as { label: string; value: string }[]).find((l) => l.label === "yb-k3s.role")?.value;
const byRole = (name: string) => containers().filter((c) => role(c) === name);
const argOf = (cmd: string[], flag: string) => cmd.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
/** What a node's launcher runs: `yugabyted start` and its arguments (the launcher is a bash script, see planner/rollout.ts). */
const ybStart = (n: { inputs: Inputs }): string[] => {
  const p = processesInArgv(n.inputs.command as string[], undefined, {}).find((x) => x.kind === "yb-start");
  return p ? ["start", ...p.args] : [];
};

beforeAll(async () => {
  report = await planStack(readStackFile(stackFilePath("local"), "local"));
});

describe("local stack (docker)", () => {
  it("runs three YugabyteDB nodes in three logical zones, each with the sequence-cache flag", () => {
    const nodes = byRole("yugabyte");
    expect(nodes.map((n) => n.name)).toEqual(["yb-zone-a-0", "yb-zone-b-0", "yb-zone-c-0"]);
    for (const n of nodes) {
      expect(n.inputs.command.slice(0, 2)).toEqual(["/bin/bash", "-c"]);
      expect(n.inputs.command[2]).toContain("'/home/yugabyte/bin/yugabyted' 'start' '--background=false'");
      const cmd = ybStart(n);
      expect(parseYugabytedFlags(argOf(cmd, "tserver_flags") ?? "").ysql_sequence_cache_minval).toBe("1");
      expect(argOf(cmd, "fault_tolerance")).toBe("zone");
      expect(n.inputs.restart).toBe("unless-stopped");
      expect(n.inputs.healthcheck.tests).toContain("/home/yugabyte/postgres/bin/pg_isready");
    }
    expect(nodes.map((n) => argOf(ybStart(n), "cloud_location"))).toEqual(["local.dc1.zone-a", "local.dc1.zone-b", "local.dc1.zone-c"]);
  });

  it("joins nodes 2 and 3 to node 1 by a DNS-label name, each after the one before is healthy and back in the universe", () => {
    const [first, ...rest] = byRole("yugabyte");
    expect(argOf(ybStart(first), "join")).toBeUndefined();
    expect(first.inputs.wait).toBe(true);
    const gates = byRole("yugabyte-rollout-gate");
    rest.forEach((n, i) => {
      expect(argOf(ybStart(n), "join")).toBe("yb-zone-a-0");
      const before = [first, ...rest][i];
      const gate = gates.find((g) => g.dependsOn.includes(before.urn));
      expect(n.dependsOn).toContain(gate?.urn);
    });
    for (const n of byRole("yugabyte")) expect(n.inputs.networksAdvanced[0].aliases).toEqual([n.name]);
  });

  it("publishes only on 127.0.0.1, with the seed's host ports, and never Kine's etcd port", () => {
    const published: Inputs[] = containers().flatMap((c) => ((c.inputs.ports ?? []) as Inputs[]).map((p) => ({ c: c.name, ...p })));
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) expect(p.ip).toBe("127.0.0.1");
    expect(published.filter((p) => p.internal === ports.ysql).map((p) => p.external)).toEqual([5433, 5434, 5435]);
    expect(published.filter((p) => p.internal === ports.yugabytedUi).map((p) => p.external)).toEqual([15433, 15434, 15435]);
    expect(published.filter((p) => p.internal === ports.masterUi).map((p) => p.external)).toEqual([7001, 7002, 7003]);
    expect(published.some((p) => p.internal === ports.kine)).toBe(false);
    for (const p of published) if (sensitivePorts.includes(p.internal)) expect(p.ip).toMatch(/^127\./);
  });

  it("pins every image by tag and runs containers from the pulled image id", () => {
    const images = ofType("docker:index/remoteImage:RemoteImage").map((i) => i.inputs.name as string);
    expect(images.sort()).toEqual(["rancher/k3s:v1.36.3-k3s1", "rancher/kine:v0.16.4", "yugabytedb/yugabyte:2025.2.8.0-b60"]);
    for (const c of containers()) expect(c.inputs.image).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("gives each node a named data volume mounted at the yugabyted base_dir", () => {
    for (const n of byRole("yugabyte")) {
      const vol = ofType("docker:index/volume:Volume").find((v) => v.name === `${n.name}-data`);
      expect(vol?.inputs.name).toBe(`yb-k3s-local-${n.name}-data`);
      expect(n.inputs.volumes).toEqual([{ volumeName: vol?.inputs.name, containerPath: "/home/yugabyte/yb_data" }]);
      expect(argOf(ybStart(n), "base_dir")).toBe("/home/yugabyte/yb_data");
    }
  });

  it("bootstraps once, after all nodes, with the exact Kine DDL, placement and secrets only in env", () => {
    const [boot] = byRole("yugabyte-bootstrap");
    expect(boot.inputs.attach).toBe(true);
    expect(boot.inputs.mustRun).toBe(false);
    for (const n of byRole("yugabyte")) expect(boot.dependsOn).toContain(n.urn);
    const script = boot.inputs.command[2] as string;
    for (const stmt of kineSchemaStatements("kine", "yugabytedb")) expect(script).toContain(stmt);
    expect(script).toContain("modify_placement_info 'local.dc1.zone-a:1,local.dc1.zone-b:1,local.dc1.zone-c:1' 3");
    expect(script).toContain("ALTER DATABASE kine SET yb_bnl_batch_size = 1024;");
    expect(script).toContain("PRIMARY KEY (id ASC)");
    expect(script).toContain("INCLUDE (id)");
    // Secrets as a 0600 file, never in env (docker inspect) or on the command line.
    expect(boot.inputs.envs ?? []).toEqual([]);
    expect(boot.inputs.uploads).toEqual([{ file: "/etc/yb-k3s/bootstrap.env", content: "[secret]", permissions: "0600" }]);
    expect(script).toContain(". /etc/yb-k3s/bootstrap.env");
  });

  it("starts Kine after the bootstrap (one replica after the other), on the network only, zone-local, its password only in a passfile", () => {
    const kine = byRole("kine");
    expect(kine.map((k) => k.name)).toEqual(["kine-0", "kine-1"]);
    const boot = byRole("yugabyte-bootstrap")[0];
    expect(kine[0].dependsOn).toContain(boot.urn);
    expect(kine[1].dependsOn).toContain(kine[0].urn);
    for (const k of kine) {
      expect(k.inputs.ports ?? []).toEqual([]);
      const zoneNode = k.name === "kine-0" ? "yb-zone-a-0" : "yb-zone-b-0";
      expect(k.inputs.command).toEqual([
        `--endpoint=postgres://kine@${zoneNode}:5433/kine?sslmode=disable&passfile=%2Fetc%2Fkine%2Fpgpass`,
        "--listen-address=0.0.0.0:2379",
        "--metrics-bind-address=0.0.0.0:8080",
      ]);
      expect(k.inputs.envs ?? []).toEqual([]);
      // rancher/kine runs as `nobody` (uid 65534): a root-owned 0600 passfile would be unreadable.
      expect(k.inputs.uploads).toEqual([{ file: "/etc/kine/pgpass", content: "[secret]", permissions: "0600", owner: "65534" }]);
    }
  });

  it("runs k3s privileged against the Kine endpoints, never embedded etcd, the token only in a file", () => {
    const [k3s] = byRole("k3s");
    expect(k3s.inputs.privileged).toBe(true);
    expect(k3s.inputs.tmpfs).toEqual({ "/run": "", "/var/run": "" });
    expect(argOf(k3s.inputs.command, "datastore-endpoint")).toBe("http://kine-0:2379,http://kine-1:2379");
    expect(k3s.inputs.command).toContain("--tls-san=127.0.0.1");
    expect(k3s.inputs.command).not.toContain("--cluster-init");
    expect(k3s.inputs.envs ?? []).toEqual([]);
    expect(k3s.inputs.command).toContain("--token-file=/etc/rancher/k3s/cluster-token");
    expect((k3s.inputs.uploads as { file: string; content: string }[]).find((u) => u.file === "/etc/rancher/k3s/cluster-token")?.content).toBe("[secret]");
    expect(k3s.inputs.ports).toEqual([{ internal: 6443, external: 6443, ip: "127.0.0.1", protocol: "tcp" }].map(({ protocol: _p, ...x }) => x));
    for (const k of byRole("kine")) expect(k3s.dependsOn).toContain(k.urn);
    expect(k3s.inputs.healthcheck.tests).toEqual(["CMD", "k3s", "kubectl", "get", "--raw", "/readyz"]);
    // The k3s CA files go in before first start; private keys stay secret.
    const uploads = k3s.inputs.uploads as { file: string; content: string }[];
    expect(uploads.map((u) => u.file)).toContain("/var/lib/rancher/k3s/server/tls/server-ca.crt");
    for (const u of uploads.filter((x) => x.file.endsWith(".key"))) expect(u.content).toBe("[secret]");
  });

  it("keeps generated secrets out of every plain input", () => {
    const json = JSON.stringify(report.resources);
    for (const name of ["control-plane-ysql-admin-password", "control-plane-kine-db-password", "control-plane-k3s-token"]) {
      const pw = ofType("random:index/randomPassword:RandomPassword").find((r) => r.name === name);
      expect(pw).toBeDefined();
      expect(json).not.toContain(mockSecret(name, Number(pw?.inputs.length)));
    }
    expect(json).not.toMatch(/BEGIN (EC )?PRIVATE KEY/);
  });

  it("raises no policy finding, advisory or mandatory", () => {
    expect(report.policies).toEqual([]);
  });

  it("exports the kubeconfig and connection string as secrets, and a topology summary", () => {
    expect(report.outputs.kubeconfig).toBe("[secret]");
    expect(report.outputs.ysqlConnectionString).toBe("[secret]");
    expect(report.outputs.k3sApiUrl).toBe("https://127.0.0.1:6443");
    expect(report.outputs.kineEndpoint).toBe("http://kine-0:2379,http://kine-1:2379");
    expect(report.outputs.uiUrl).toBe("http://127.0.0.1:15433");
    expect((report.outputs.topology as { nodes: unknown[] }).nodes).toHaveLength(3);
  });

  it("parents every resource under the control plane and registers unique URNs", () => {
    const urns = report.recorded.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    const root = report.recorded.find((r) => r.type === "yb-k3s:index:ControlPlane");
    expect(root?.parent).toBeUndefined();
    for (const r of report.recorded) if (r !== root) expect(r.parent).toBeDefined();
  });

  it("reports that local survives the loss of any one database node", () => {
    expect(report.faultTolerance.survives.node).toBe(true);
    expect(report.faultTolerance.scenarios.filter((s) => s.kind === "node")).toHaveLength(3);
  });
});
