/**
 * npm run bench — how the planner and the whole program (under the strict mocks) scale with the topology.
 * Sizes 3, 9, 27, 81, 243 YugabyteDB nodes (docker target, zone fault tolerance, RF 3) with Kine and k3s scaled.
 * Prints wall time, time per node and peak heap per size, the ratio to loading the Pulumi SDKs alone, and a
 * least-squares line (time = a + b * nodes) with its R² so linear growth is visible at a glance. No assertions.
 */
import { performance } from "node:perf_hooks";
import * as v8 from "node:v8";
import * as vm from "node:vm";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Peak heapUsed while `fn` runs (sampled every 2 ms, plus before/after). */
async function measure<T>(fn: () => Promise<T> | T): Promise<{ ms: number; peakMiB: number; value: T }> {
  gc();
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, peakMiB: peak / 2 ** 20, value };
}

function fit(xs: number[], ys: number[]) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b) / n;
  const my = ys.reduce((a, b) => a + b) / n;
  const b = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const a = my - b * mx;
  const ssRes = ys.reduce((s, y, i) => s + (y - (a + b * xs[i])) ** 2, 0);
  const ssTot = ys.reduce((s, y) => s + (y - my) ** 2, 0);
  return { a, b, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/** A docker topology with `nodes` YugabyteDB nodes: 3 zones up to 9 nodes, then 9 zones with more nodes each. */
export function benchTopology(nodes: number): Record<string, unknown> {
  const zones = Math.min(nodes, 9);
  return {
    target: "docker",
    faultTolerance: "zone",
    replicationFactor: 3,
    regions: [{ name: "dc1", zones: Array.from({ length: zones }, (_, i) => `zone-${i}`), nodesPerZone: nodes / zones }],
    kine: { replicas: Math.min(16, Math.max(2, Math.round(nodes / 9))) },
    k3s: { servers: Math.min(9, Math.max(1, Math.round(nodes / 27))) },
    protectData: false,
  };
}


async function main() {
  const SIZES = [3, 9, 27, 81, 243];
  // Baseline: loading the Pulumi SDKs the program uses, nothing else (first require, so it is a true cold load).
  const baseline = await measure(() => {
    require("@pulumi/pulumi");
    require("@pulumi/docker");
    require("@pulumi/random");
    require("@pulumi/tls");
  });
  const { parseTopology } = await import("../config/load");
  const { buildPlan } = await import("../planner/plan");
  const { analyzeFaultTolerance } = await import("../planner/survivability");
  const { runUnderMocks } = await import("../lib/planRunner");
  const { program } = await import("../program");

  const planOnce = (raw: Record<string, unknown>) => {
    const plan = buildPlan({ project: "yb-k3s", stack: "bench", topology: parseTopology(raw) });
    return analyzeFaultTolerance(plan).scenarios.length;
  };
  const runProgram = (raw: Record<string, unknown>) =>
    runUnderMocks({
      project: "yb-k3s",
      stack: "bench",
      config: Object.fromEntries(Object.entries(raw).map(([k, v]) => [`yb-k3s:${k}`, v])),
      program: () => ({ ...program() }),
    });
  // Warm up JIT and module caches on the smallest topology.
  planOnce(benchTopology(3));
  await runProgram(benchTopology(3));

  const rows: { nodes: number; resources: number; scenarios: number; planMs: number; progMs: number; peakMiB: number }[] = [];
  for (const nodes of SIZES) {
    const raw = benchTopology(nodes);
    const reps = 5;
    let planMs = Infinity;
    let scenarios = 0;
    for (let i = 0; i < reps; i++) {
      const m = await measure(() => planOnce(raw));
      planMs = Math.min(planMs, m.ms);
      scenarios = m.value;
    }
    let progMs = Infinity;
    let peakMiB = 0;
    let resources = 0;
    // Two runs (best of) where cheap; one for the largest sizes to stay well under a minute.
    for (let i = 0; i < (nodes >= 81 ? 1 : 2); i++) {
      const m = await measure(() => runProgram(raw));
      progMs = Math.min(progMs, m.ms);
      peakMiB = Math.max(peakMiB, m.peakMiB);
      resources = m.value.resources.length;
    }
    rows.push({ nodes, resources, scenarios, planMs, progMs, peakMiB });
  }

  const out: string[] = [];
  out.push(`node ${process.version}, ${process.platform}/${process.arch}`);
  out.push(`baseline: loading @pulumi/{pulumi,docker,random,tls} alone: ${baseline.ms.toFixed(0)} ms, heap ${baseline.peakMiB.toFixed(0)} MiB`);
  out.push("");
  out.push("| nodes | kine | k3s | resources | FT scenarios | planner ms | program ms | program ms/node | program / SDK load | peak heap MiB |");
  out.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const t = benchTopology(r.nodes) as { kine: { replicas: number }; k3s: { servers: number } };
    out.push(
      `| ${r.nodes} | ${t.kine.replicas} | ${t.k3s.servers} | ${r.resources} | ${r.scenarios} | ${r.planMs.toFixed(2)} | ${r.progMs.toFixed(0)} | ${(r.progMs / r.nodes).toFixed(2)} | ${(r.progMs / baseline.ms).toFixed(2)}x | ${r.peakMiB.toFixed(0)} |`,
    );
  }
  const xs = rows.map((r) => r.nodes);
  const p = fit(xs, rows.map((r) => r.progMs));
  const q = fit(xs, rows.map((r) => r.planMs));
  const res = fit(xs, rows.map((r) => r.resources));
  out.push("");
  out.push(`program: time = ${p.a.toFixed(0)} ms + ${p.b.toFixed(2)} ms x nodes (R² ${p.r2.toFixed(4)}); resources = ${res.a.toFixed(0)} + ${res.b.toFixed(2)} x nodes (R² ${res.r2.toFixed(4)})`);
  out.push(`planner: time = ${q.a.toFixed(2)} ms + ${q.b.toFixed(3)} ms x nodes (R² ${q.r2.toFixed(4)})`);
  const ratios = rows.slice(1).map((r, i) => `${rows[i].nodes}->${r.nodes}: x${(r.progMs / rows[i].progMs).toFixed(2)}`);
  out.push(`program time ratio per 3x nodes (linear growth tends to 3.00): ${ratios.join(", ")}`);
  const perNode = rows.slice(1).map((r, i) => `${rows[i].nodes}->${r.nodes}: x${(r.progMs / r.nodes / (rows[i].progMs / rows[i].nodes)).toFixed(2)}`);
  out.push(`program time per node ratio per 3x nodes (linear: <= 1.00 once fixed costs are amortised): ${perNode.join(", ")}`);
  process.stdout.write(out.join("\n") + "\n");
}

if (require.main === module) main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
