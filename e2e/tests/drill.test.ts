/**
 * `npm run drill` for real on the end-to-end test bed: the `dev` stack deployed by the real engine (as in
 * dev-stack.test.ts: the stack file with only its cluster coordinates replaced), then the drill's kubernetes path run
 * as a user runs it, against one zone (`--domain us-east-1b`, a 10 s hold).
 * The drill's kubectl commands reach the test bed through KUBECONFIG (the stack file names context `dev`, which the
 * test bed's kubeconfig has). The probes' KubeClient is pointed at the test bed's own kube-apiserver with
 * `--kubeconfig`, exactly as verify.test.ts does for verify's Kubernetes checks: that API server stands in for k3s,
 * because kwok runs no containers (the k3s pods are Ready without a k3s process). So the probes prove the loop, the
 * write path and the report, not k3s's own availability. `--no-yb-admin`: no YugabyteDB runs either (kubectl exec
 * into a kwok pod has no kubelet to reach), so the tablet-server check is a `skip` saying so.
 * Proves: the zone's kwok nodes get the NoSchedule taint (and no other node does), the zone's YugabyteDB pod is deleted
 * and its replacement stays Pending while the zone is down, no stack pod is left on the zone's nodes, the probes ran
 * for the hold, the taint is removed on restore and every StatefulSet and the Deployment is back Ready.
 */
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { K8S_APPS } from "../../components/kubernetes.common";
import { DRILL_TAINT_KEY } from "../../lib/drill/steps";
import { e2eBinaries, REPO_ROOT, type E2eBinaries } from "../harness/binaries";
import { startControlPlane, type RunningControlPlane } from "../harness/controlPlane";
import { createEngineStack, type EngineStack } from "../harness/engine";
import { kubernetesStack, testBedOptions } from "../harness/stackTestBed";
import { waitFor } from "../harness/processes";

const STACK = "dev";
const PROJECT = "yb-k3s";
const ZONE = "us-east-1b";
const HOLD_SECONDS = 10;
const { file, regions, kubernetes: k8sCfg } = kubernetesStack(STACK);
const NS = k8sCfg.namespace;
const ZONES = regions.flatMap((r) => r.zones);

interface Node {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { taints?: { key: string; value?: string; effect: string }[] };
}
interface Pod {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string };
}
interface Workload {
  kind: string;
  metadata: { name: string };
  spec: { replicas: number };
  status: { readyReplicas?: number };
}

let binaries: E2eBinaries;
let cp: RunningControlPlane;
let engine: EngineStack;

const nodes = () => cp.getJson<{ items: Node[] }>(["get", "nodes"]).items;
const drillTaints = (n: Node) => (n.spec?.taints ?? []).filter((t) => t.key === DRILL_TAINT_KEY);
const pods = () => cp.getJson<{ items: Pod[] }>(["get", "pods", "-n", NS]).items;
const workloads = () => cp.getJson<{ items: Workload[] }>(["get", "statefulsets,deployments", "-n", NS]).items;

const DOWN = /\d+\. the zone is down \(\d+\.\d s after the first stop command\): probing every 500 ms/;

/** The real command, as `npm run drill -- ...` runs it, against the test bed (kubectl through KUBECONFIG, the probes through --kubeconfig). */
function startDrill(extra: readonly string[]) {
  const child = spawn(
    process.execPath,
    ["-r", "./scripts/register-ts.js", "bin/drill.ts", "--stack", STACK, "--fault-domain", "zone", "--domain", ZONE, "--execute",
      "--probe-interval-ms", "500", "--kubeconfig", cp.kubeconfig, "--no-yb-admin", ...extra],
    { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: cp.kubeconfig, PATH: [path.dirname(binaries.kubectl), process.env.PATH].join(path.delimiter) }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code))),
    output: () => `${stdout}\n--- stderr\n${stderr}\n--- test bed\n${cp.logs()}`,
  };
}

describe("npm run drill against the real control plane, on the dev stack deployed by the real engine", () => {
  beforeAll(async () => {
    binaries = e2eBinaries();
    cp = await startControlPlane(testBedOptions(STACK, binaries));
    engine = await createEngineStack({
      binaries,
      projectName: PROJECT,
      stackName: STACK,
      config: { ...file.config, "yb-k3s:kubernetes": { ...k8sCfg, kubeconfig: cp.kubeconfig, context: cp.context } },
      program: async () => {
        vi.resetModules();
        return { ...(await import(path.join(REPO_ROOT, "index.ts"))) } as Record<string, unknown>;
      },
    });
    const up = await engine.stack.up({ onOutput: () => undefined });
    expect(up.summary.result).toBe("succeeded");
  }, 900_000);

  afterAll(async () => {
    await engine?.remove();
    await cp?.stop();
  }, 120_000);

  it("uses only flags the real kubectl (the test bed's) has", () => {
    const help = (args: string[]) => execFileSync(binaries.kubectl, [...args, "--help"], { encoding: "utf8" });
    const options = execFileSync(binaries.kubectl, ["options"], { encoding: "utf8" });
    for (const [sub, flags] of [
      [["taint"], ["--overwrite", "--selector"]],
      [["get"], ["--output", "--selector"]],
      [["rollout", "status"], ["--timeout"]],
    ] as const)
      for (const f of flags) expect(help([...sub]), `kubectl ${sub.join(" ")} ${f}`).toContain(`${f}=`);
    for (const f of ["--kubeconfig=", "--context=", "--namespace=", "--request-timeout="]) expect(options).toContain(f);
  });

  it(`takes zone ${ZONE} down (NoSchedule taint, its YugabyteDB pod Pending), probes, restores, and every workload is back`, async () => {
    const zoneNodes = nodes().filter((n) => n.metadata.labels?.[k8sCfg.zoneLabel] === ZONE).map((n) => n.metadata.name);
    expect(zoneNodes).toEqual([`kwok-${ZONE}-0`]);
    const ybPod = `yb-${ZONE}-0`;
    const before = pods().find((p) => p.metadata.name === ybPod) as Pod;
    expect(before.spec.nodeName).toBe(zoneNodes[0]);

    // A bystander: another tenant's pod on the zone's node, in another namespace. The drill must leave it alone.
    cp.kubectl(["create", "namespace", "bystander"]);
    cp.kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "tenant", namespace: "bystander" }, spec: { nodeName: zoneNodes[0], containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] } }));
    const bystander = () => cp.getJson<Pod>(["get", "pod", "-n", "bystander", "tenant"]);
    await waitFor("the bystander pod to run", () => bystander().status.phase === "Running", 60_000);
    const bystanderUid = bystander().metadata.uid;

    const run = startDrill(["--hold-seconds", String(HOLD_SECONDS)]);
    const { output, exited } = run;
    try {
      await waitFor("the drill to hold the zone down", () => DOWN.test(run.stdout()), 300_000, output);

      // Down: the zone's nodes (only those) carry the taint ...
      for (const n of nodes()) expect(drillTaints(n), n.metadata.name).toEqual(zoneNodes.includes(n.metadata.name) ? [{ key: DRILL_TAINT_KEY, value: ZONE, effect: "NoSchedule" }] : []);
      // ... no YugabyteDB, Kine or k3s pod of the stack is left on them ...
      const apps: string[] = [K8S_APPS.yugabyte, K8S_APPS.kine, K8S_APPS.k3s];
      const onZone = (ps: Pod[]) => ps.filter((p) => zoneNodes.includes(p.spec.nodeName ?? "") && apps.includes(p.metadata.labels?.["app.kubernetes.io/name"] ?? "") && p.status.phase !== "Succeeded");
      expect(onZone(pods()).map((p) => p.metadata.name)).toEqual([]);
      // ... and the zone's database pod was deleted: its replacement (a new uid) stays Pending, bound to no node.
      for (let i = 0; i < 2; i++) {
        const now = pods().find((p) => p.metadata.name === ybPod);
        expect(now, output()).toBeDefined();
        expect(now!.metadata.uid).not.toBe(before.metadata.uid);
        expect(now!.status.phase).toBe("Pending");
        expect(now!.spec.nodeName).toBeUndefined();
        if (i === 0) await new Promise((r) => setTimeout(r, 3_000));
      }
      // The bystander on the zone's node still runs, untouched (NoSchedule evicts nothing; only the stack's pods were deleted).
      expect([bystander().metadata.uid, bystander().spec.nodeName, bystander().status.phase]).toEqual([bystanderUid, zoneNodes[0], "Running"]);
      // The other zones' database pods never moved.
      for (const z of ZONES.filter((x) => x !== ZONE)) expect(pods().find((p) => p.metadata.name === `yb-${z}-0`)?.spec.nodeName).toBe(`kwok-${z}-0`);
    } finally {
      const code = await exited;
      expect(code, output()).toBe(0);
    }

    const lines = run.stdout().split("\n");
    const line = (check: string) => lines.find((l) => l.startsWith(`ok ${check}:`) || l.startsWith(`FAIL ${check}:`) || l.startsWith(`skip ${check}:`));
    const availability = /^ok availability: (\d+) probe\(s\) over (\d+\.\d) s, none failed: 0\.0 s unavailable$/.exec(line("availability") ?? "");
    expect(availability, output()).not.toBeNull();
    expect(Number(availability![1])).toBeGreaterThanOrEqual(5); // 20 at 500 ms, fewer on a loaded machine
    expect(Number(availability![2])).toBeCloseTo(HOLD_SECONDS, 0);
    expect(line("writes")).toMatch(/^ok writes: \d+ write\(s\) \(ConfigMap create \+ delete\), none failed$/);
    expect(line("restore")).toMatch(new RegExp(`^ok restore: zone ${ZONE} is back`));
    for (const w of ZONES.map((z) => `statefulset/yb-${z}`).concat(["statefulset/k3s", "deployment/kine"])) expect(line(`workload/${w}`), output()).toMatch(/^ok .* (\d+)\/\1 ready$/);
    expect(line("tservers")).toBe("skip tservers: --no-yb-admin: the tablet servers were not asked");
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);

    // Restored: no node has the taint, every StatefulSet and the Deployment is at its planned ready count, the zone's
    // database pod runs on the zone's node again, and the drill's namespace is gone (or going).
    for (const n of nodes()) expect(drillTaints(n), n.metadata.name).toEqual([]);
    for (const w of workloads()) expect(w.status.readyReplicas ?? 0, `${w.kind}/${w.metadata.name}`).toBe(w.spec.replicas);
    expect(pods().find((p) => p.metadata.name === ybPod)?.spec.nodeName).toBe(zoneNodes[0]);
    const drillNamespaces = cp.getJson<{ items: { status?: { phase?: string } }[] }>(["get", "namespaces", "-l", "app.kubernetes.io/managed-by=yb-k3s-drill"]).items;
    expect(drillNamespaces.every((n) => n.status?.phase === "Terminating")).toBe(true);
  }, 900_000);

  it("Ctrl-C while the zone is down: the drill restores the zone first, then exits 130", async () => {
    const run = startDrill(["--hold-seconds", "300"]);
    try {
      await waitFor("the drill to hold the zone down", () => DOWN.test(run.stdout()), 300_000, run.output);
      expect(nodes().filter((n) => drillTaints(n).length > 0).map((n) => n.metadata.name)).toEqual([`kwok-${ZONE}-0`]);
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      run.child.kill("SIGINT");
    }
    const code = await run.exited;
    expect(code, run.output()).toBe(130);
    expect(run.stderr()).toMatch(new RegExp(`SIGINT: restoring zone ${ZONE} before exiting`));
    expect(run.stdout()).toMatch(/^FAIL drill: interrupted — the zone was restored before anything else$/m);
    expect(run.stdout()).toMatch(new RegExp(`^ok restore: zone ${ZONE} is back after`, "m"));
    expect(run.stdout()).toMatch(/^ok availability: \d+ probe\(s\) over \d+\.\d s, none failed/m);
    for (const n of nodes()) expect(drillTaints(n), n.metadata.name).toEqual([]);
    for (const w of workloads()) expect(w.status.readyReplicas ?? 0, `${w.kind}/${w.metadata.name}`).toBe(w.spec.replicas);
  }, 600_000);
});
