/**
 * The drill's executor with stand-ins for kubectl/docker, the API and yb-admin: the order it runs things in, and
 * that the domain is restored whatever happens — a probe error, Ctrl-C (abort), a failing restore command.
 */
import { describe, expect, it } from "vitest";
import { parseTopology } from "../../config/load";
import { executeDrill, type DrillContext, type ProbeConnection } from "../../lib/drill/execute";
import { renderDrill, type DrillPlan } from "../../lib/drill/steps";
import type { ClusterAccess } from "../../lib/verify/access";
import type { KubeClient, KubeResponse } from "../../lib/verify/kubeClient";
import { buildPlan, type ClusterPlan } from "../../planner/plan";
import { devConfig, localConfig } from "../support/topologies";

const planFor = (raw: Record<string, unknown>) => {
  const topology = parseTopology(raw);
  return { plan: buildPlan({ project: "yb-k3s", stack: "t", topology }), topology };
};

/** An API server stand-in: every answer 2xx unless `down()` says otherwise. */
function fakeApi(down: () => boolean = () => false): { conn: ProbeConnection; calls: string[]; resets: number } {
  const calls: string[] = [];
  const state = { resets: 0 };
  const reply = <T,>(status: number, text = ""): KubeResponse<T> => ({ status, text, json: text.startsWith("{") ? (JSON.parse(text) as T) : undefined });
  const client: KubeClient = {
    server: "https://fake",
    request: async <T,>(method: string, path: string): Promise<KubeResponse<T>> => {
      calls.push(`${method} ${path.split("?")[0]}`);
      if (down()) return reply(503, '{"message":"etcdserver: request timed out"}');
      if (path.startsWith("/readyz")) return reply(200, "[+]ping ok\n[+]etcd ok\nreadyz check passed");
      return reply(method === "POST" ? 201 : 200, "{}");
    },
  };
  return {
    conn: { client: async () => client, reset: async () => void state.resets++, close: async () => undefined },
    calls,
    get resets() {
      return state.resets;
    },
  };
}

const aliveAll = (plan: ClusterPlan, dead: string[] = []): ClusterAccess => ({
  description: "fake",
  varz: () => Promise.reject(new Error("unused")),
  ybAdmin: async () =>
    ["Tablet Server UUID  RPC Host/Port  Heartbeat delay  Status", ...plan.nodes.map((n, i) => `${String(i).padStart(32, "a")} ${n.address}:9100 0.1s ${dead.includes(n.name) ? "DEAD" : "ALIVE"}`)].join("\n"),
});

/** kubectl stand-in for the dev-like plan: nodes kwok-<zone>, pods that go once the zone is tainted. */
function fakeKubectl(d: DrillPlan, o: { failUntaint?: boolean; notReady?: string } = {}) {
  const ran: string[] = [];
  const tainted = new Set<string>();
  const deleted = new Set<string>();
  let polls = 0;
  let deletedAt = -1;
  const zones = ["zone-a", "zone-b", "zone-c"];
  const run = async (argv: readonly string[]): Promise<string> => {
    const line = argv.join(" ");
    const sub = line.slice(line.indexOf("--request-timeout=30s") + 22);
    ran.push(sub);
    if (sub.startsWith("get nodes")) return JSON.stringify({ items: zones.map((z) => ({ metadata: { name: `kwok-${z}`, labels: { "topology.kubernetes.io/zone": z } } })) });
    if (sub.startsWith("taint") && sub.endsWith("--overwrite")) {
      tainted.add(argv[argv.indexOf("-l") + 1].split("=")[1]);
      return "node/x tainted";
    }
    if (sub.startsWith("taint")) {
      if (o.failUntaint) throw new Error("kubectl exited 1: The connection to the server was refused");
      return "node/x untainted";
    }
    if (sub.includes("get pods")) {
      polls++;
      // The zone's database pod stays on its node until deleted (the taint is NoSchedule: nothing evicts it), and is
      // listed once more while it terminates; its replacement is Pending on no node.
      const items = [...tainted]
        .filter((z) => !deleted.has(`yb-${z}-0`) || polls === deletedAt + 1)
        .map((z) => ({ metadata: { name: `yb-${z}-0`, labels: { "app.kubernetes.io/name": "yugabytedb" } }, spec: { nodeName: `kwok-${z}` }, status: { phase: "Running" } }));
      return JSON.stringify({ items });
    }
    if (sub.includes("delete pod --wait=false")) {
      deleted.add(argv.at(-1) as string);
      deletedAt = polls;
      return `pod "${argv.at(-1)}" deleted`;
    }
    if (sub.includes("rollout status")) return "successfully rolled out";
    if (sub.includes("get statefulsets,deployments"))
      return JSON.stringify({
        items: d.workloads.map((w) => ({ kind: w.kind === "statefulset" ? "StatefulSet" : "Deployment", metadata: { name: w.name }, spec: { replicas: w.replicas }, status: { readyReplicas: w.name === o.notReady ? 0 : w.replicas } })),
      });
    throw new Error(`unexpected command ${line}`);
  };
  return { run, ran };
}

const base = (plan: ClusterPlan, conn: ProbeConnection, run: DrillContext["run"], extra: Partial<DrillContext> = {}): DrillContext => ({
  plan,
  probes: conn,
  holdMs: 300,
  intervalMs: 50,
  access: aliveAll(plan),
  log: () => undefined,
  run,
  pollMs: 1,
  tserverWaitMs: 50,
  namespace: "yb-k3s-drill-test",
  ...extra,
});

describe("kubernetes, with stand-ins", () => {
  const { plan, topology } = planFor(devConfig());
  const d = renderDrill({ plan, topology, kind: "zone", domain: "zone-b" });

  it("checks first, taints, waits for the pods to go, probes, untaints, waits for every rollout, checks again", async () => {
    const k = fakeKubectl(d);
    const api = fakeApi();
    const out = await executeDrill(d, base(plan, api.conn, k.run));
    expect(k.ran.map((l) => l.split(" -o ")[0])).toEqual([
      "-n yb-k3s get statefulsets,deployments -l app.kubernetes.io/instance=yb-k3s-t",
      "get nodes -l topology.kubernetes.io/zone in (zone-b)",
      "taint nodes -l topology.kubernetes.io/zone=zone-b yb-k3s.io/drill=zone-b:NoSchedule --overwrite",
      "get nodes -l topology.kubernetes.io/zone in (zone-b)",
      "-n yb-k3s get pods -l app.kubernetes.io/instance=yb-k3s-t",
      // Only the stack's pod on the zone's node is deleted, once, even while it is still listed terminating.
      "-n yb-k3s delete pod --wait=false yb-zone-b-0",
      ...Array.from({ length: 2 }, () => ["get nodes -l topology.kubernetes.io/zone in (zone-b)", "-n yb-k3s get pods -l app.kubernetes.io/instance=yb-k3s-t"]).flat(),
      "taint nodes -l topology.kubernetes.io/zone=zone-b yb-k3s.io/drill:NoSchedule-",
      ...d.workloads.map((w) => `-n yb-k3s rollout status ${w.kind}/${w.name} --timeout=600s`),
      "-n yb-k3s get statefulsets,deployments -l app.kubernetes.io/instance=yb-k3s-t",
    ]);
    expect(out.results.filter((r) => r.status !== "ok")).toEqual([]);
    expect(out.results.map((r) => r.check)).toEqual(["availability", "writes", "restore", ...d.workloads.map((w) => `workload/${w.kind}/${w.name}`), "tservers"]);
    expect(out.probes.length).toBeGreaterThanOrEqual(3);
    expect(out.availability?.unavailableMs).toBe(0);
    // The namespace is made before and removed after; every probe wrote.
    expect(api.calls[0]).toBe("POST /api/v1/namespaces");
    expect(api.calls.at(-1)).toBe("DELETE /api/v1/namespaces/yb-k3s-drill-test");
    expect(api.calls.filter((c) => c === "POST /api/v1/namespaces/yb-k3s-drill-test/configmaps").length).toBe(out.probes.length + 1);
    expect(out).toMatchObject({ stopped: true, restored: true, aborted: false });
  });

  it("reports the failed probes (and fails) while the API is down", async () => {
    const k = fakeKubectl(d);
    const t0 = Date.now();
    let stoppedAt = Infinity;
    const api = fakeApi(() => Date.now() >= stoppedAt && Date.now() < stoppedAt + 120);
    const run: DrillContext["run"] = async (argv) => {
      if (argv.includes("--overwrite")) stoppedAt = Date.now();
      return k.run(argv);
    };
    const out = await executeDrill(d, base(plan, api.conn, run));
    expect(t0).toBeLessThanOrEqual(stoppedAt);
    const av = out.availability!;
    expect(av.failedWrites).toBeGreaterThan(0);
    expect(av.unavailableMs).toBeGreaterThan(0);
    expect(av.longestOutageMs).toBeLessThanOrEqual(av.unavailableMs);
    expect(out.results.find((r) => r.check === "writes")?.status).toBe("fail");
    expect(out.results.find((r) => r.check === "availability")?.detail).toMatch(/first failure at \+\d+\.\d s: readyz: HTTP 503.*write: POST .*HTTP 503 etcdserver: request timed out/);
    expect(api.resets).toBe(av.failedProbes);
    expect(out.restored).toBe(true);
  });

  it("restores when probing throws", async () => {
    const k = fakeKubectl(d);
    const api = fakeApi(() => k.ran.some((l) => l.endsWith("--overwrite")));
    const conn: ProbeConnection = { ...api.conn, reset: async () => Promise.reject(new Error("port-forward exploded")) };
    const out = await executeDrill(d, base(plan, conn, k.run));
    expect(k.ran).toContain("taint nodes -l topology.kubernetes.io/zone=zone-b yb-k3s.io/drill:NoSchedule-");
    expect(out.results[0]).toEqual({ check: "drill", status: "fail", detail: "port-forward exploded — the zone was restored before anything else" });
    expect(out.results.find((r) => r.check === "restore")?.status).toBe("ok");
  });

  it("restores on an abort (Ctrl-C) during the hold, and says it was interrupted", async () => {
    const k = fakeKubectl(d);
    const ctl = new AbortController();
    const run: DrillContext["run"] = async (argv) => {
      if (argv.includes("--overwrite")) setTimeout(() => ctl.abort(), 100);
      return k.run(argv);
    };
    const started = Date.now();
    const out = await executeDrill(d, base(plan, fakeApi().conn, run, { holdMs: 60_000, signal: ctl.signal }));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(out.aborted).toBe(true);
    expect(k.ran.filter((l) => l.startsWith("taint")).map((l) => l.split(" ").at(-1))).toEqual(["--overwrite", "yb-k3s.io/drill:NoSchedule-"]);
    expect(out.results.find((r) => r.check === "drill")?.detail).toBe("interrupted — the zone was restored before anything else");
  });

  it("when restoring fails: every restore command is still tried, and the commands to run by hand come back", async () => {
    const k = fakeKubectl(d, { failUntaint: true });
    const out = await executeDrill(d, base(plan, fakeApi().conn, k.run));
    expect(out.restored).toBe(false);
    expect(out.manual?.[0]).toBe("kubectl --context dev --request-timeout=30s taint nodes -l topology.kubernetes.io/zone=zone-b yb-k3s.io/drill:NoSchedule-");
    expect(k.ran.filter((l) => l.includes("rollout status"))).toHaveLength(d.workloads.length);
    expect(out.results.find((r) => r.check === "restore")).toMatchObject({ status: "fail", detail: expect.stringMatching(/connection to the server was refused; run by hand: kubectl .*NoSchedule- && /) });
  });

  it("stops nothing when the universe is not whole first (a workload not ready, a tablet server DEAD)", async () => {
    for (const ctx of [
      { k: fakeKubectl(d, { notReady: "k3s" }), access: aliveAll(plan), why: /workload\/statefulset\/k3s: 1\/2 ready|0\/2 ready/ },
      { k: fakeKubectl(d), access: aliveAll(plan, [plan.nodes[2].name]), why: /tservers: 2\/3 ALIVE; yb-zone-c-0 .* DEAD/ },
    ]) {
      const out = await executeDrill(d, base(plan, fakeApi().conn, ctx.k.run, { access: ctx.access }));
      expect(ctx.k.ran.some((l) => l.startsWith("taint"))).toBe(false);
      expect(out.results).toHaveLength(1);
      expect(out.results[0]).toMatchObject({ check: "preflight", status: "fail", detail: expect.stringMatching(ctx.why) });
      expect(out.results[0].detail).toMatch(/nothing was stopped$/);
      expect(out.stopped).toBe(false);
    }
  });

  it("stops nothing when the API does not answer first", async () => {
    const k = fakeKubectl(d);
    const out = await executeDrill(d, base(plan, fakeApi(() => true).conn, k.run));
    expect(k.ran.some((l) => l.startsWith("taint"))).toBe(false);
    expect(out.results[0]).toMatchObject({ check: "preflight", detail: expect.stringMatching(/^the API did not answer before the drill: POST \/api\/v1\/namespaces: HTTP 503 etcdserver: request timed out; nothing was stopped$/) });
  });

  it("the tablet-server check is a skip with the reason where yb-admin is not asked or not reachable", async () => {
    const skipped = await executeDrill(d, base(plan, fakeApi().conn, fakeKubectl(d).run, { access: undefined, skipTservers: "--no-yb-admin: the tablet servers were not asked" }));
    expect(skipped.results.at(-1)).toEqual({ check: "tservers", status: "skip", detail: "--no-yb-admin: the tablet servers were not asked" });
    const unreachable: ClusterAccess = { ...aliveAll(plan), ybAdminUnreachable: "every address is private" };
    const out = await executeDrill(d, base(plan, fakeApi().conn, fakeKubectl(d).run, { access: unreachable }));
    expect(out.results.at(-1)).toEqual({ check: "tservers", status: "skip", detail: "every address is private" });
  });
});

describe("docker, with stand-ins", () => {
  it("stops the zone's containers, starts them, waits until healthy, checks every container", async () => {
    const { plan, topology } = planFor(localConfig());
    const d = renderDrill({ plan, topology, kind: "zone", domain: "zone-b" });
    const ran: string[] = [];
    let inspections = 0;
    const run = async (argv: readonly string[]) => {
      ran.push(argv.slice(0, 2).join(" "));
      if (argv[1] !== "inspect") return "";
      inspections++;
      const names = argv.slice(4);
      // The first look after the start: kine-1 still starting.
      return names.map((n) => `/${n} running ${n.endsWith("kine-1") && inspections === 2 ? "starting" : n.includes("-yb-") ? "healthy" : "healthy"}`).join("\n");
    };
    const out = await executeDrill(d, base(plan, fakeApi().conn, run));
    expect(ran).toEqual(["docker inspect", "docker stop", "docker start", "docker inspect", "docker inspect", "docker inspect"]);
    expect(out.results.filter((r) => r.status !== "ok")).toEqual([]);
    expect(out.results.filter((r) => r.check.startsWith("container/")).map((r) => r.check)).toEqual(d.containers.map((c) => `container/${c}`));
  });
});
