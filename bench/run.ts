/**
 * npm run bench [-- --only program|cli] [--rounds N] [--before DIR]
 *
 * program: how the planner and the whole program (under the strict mocks) scale with the topology.
 * Sizes 3, 9, 27, 81, 243 YugabyteDB nodes (docker target, zone fault tolerance, RF 3) with Kine and k3s scaled.
 * Prints wall time, time per node and peak heap per size, the ratio to loading the Pulumi SDKs alone, and a
 * least-squares line (time = a + b * nodes) with its R² so linear growth is visible at a glance.
 *
 * cli: the `plan` command from start to exit, as package.json runs it, against a fresh node that only loads the
 * Pulumi SDKs the program loads; also the same plan through ts-node --transpile-only (how `npm run plan` ran before
 * scripts/register-ts.js), with empty caches (a first run), through npm, and (--before DIR) the plan command of
 * another checkout with its own node_modules, e.g. `git worktree add DIR <commit>`. Commands run interleaved, N rounds (5),
 * after one warm-up round; wall min and median, and CPU time (GNU time, user + sys) per command, each as a ratio to
 * the SDK load of the same run. CPU time is the figure to trust on a busy machine. No assertions.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
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


const ROOT = resolve(__dirname, "..");
/** Every Pulumi SDK `plan` loads, for any stack (program.ts imports all targets' components). */
export const PLAN_SDKS = ["@pulumi/pulumi", "@pulumi/docker", "@pulumi/kubernetes", "@pulumi/aws", "@pulumi/random", "@pulumi/tls"];

interface CliCommand {
  readonly label: string;
  readonly argv: readonly string[];
  /** Working directory (default: this checkout). */
  readonly cwd?: string;
  /** Fresh cache directories for every run (a first run after `npm ci`). */
  readonly cold?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

/** `npm run plan -- --stack STACK --format json` of the checkout in `dir`, as node argv (npm itself left out). */
function planArgv(dir: string, stack: string): string[] {
  const script = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan;
  const [bin, ...args] = script.split(" ");
  const argv = (() => {
    if (bin === "node") return args;
    if (bin === "ts-node") return [require.resolve("ts-node/dist/bin.js", { paths: [dir] }), ...args];
    throw new Error(`${dir}/package.json scripts.plan: cannot run ${script}`);
  })();
  return [process.execPath, ...argv, "--stack", stack, "--format", "json"];
}

function cliCommands(before?: string): CliCommand[] {
  const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [ROOT] });
  const viaTsNode = (stack: string) => [process.execPath, tsNode, "--transpile-only", "bin/plan.ts", "--stack", stack, "--format", "json"];
  const sdkLoad = PLAN_SDKS.map((m) => `require(${JSON.stringify(m)})`).join("; ");
  const commands: CliCommand[] = [
    { label: "SDK load (node -e require x6)", argv: [process.execPath, "-e", sdkLoad] },
    // The same load with the V8 compile cache scripts/register-ts.js turns on for plan (its cache, warm): the stricter
    // baseline, since plan loads the SDKs that way too.
    { label: "SDK load with plan's compile cache", argv: [process.execPath, "-r", "./scripts/register-ts.js", "-e", sdkLoad] },
    { label: "plan --stack local", argv: planArgv(ROOT, "local") },
    { label: "plan --stack prod", argv: planArgv(ROOT, "prod") },
    { label: "plan --stack local, empty caches (first run)", argv: planArgv(ROOT, "local"), cold: true },
    { label: "plan --stack prod, empty caches (first run)", argv: planArgv(ROOT, "prod"), cold: true },
    // bin/plan.ts skips the SDK's per-promise stack traces unless PULUMI_DEBUG_PROMISE_LEAKS asks for them.
    { label: "plan --stack prod, with the SDK's promise stack traces", argv: planArgv(ROOT, "prod"), env: { PULUMI_DEBUG_PROMISE_LEAKS: "1" } },
    { label: "plan --stack local through ts-node --transpile-only", argv: viaTsNode("local") },
    { label: "plan --stack prod through ts-node --transpile-only", argv: viaTsNode("prod") },
    { label: "npm run --silent plan -- --stack local", argv: ["npm", "run", "--silent", "plan", "--", "--stack", "local", "--format", "json"] },
  ];
  if (before) {
    const rev = spawnSync("git", ["-C", before, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim() || before;
    commands.push(
      { label: `before (${rev}): plan --stack local`, argv: planArgv(before, "local"), cwd: before },
      { label: `before (${rev}): plan --stack prod`, argv: planArgv(before, "prod"), cwd: before },
    );
  }
  return commands;
}

const GNU_TIME = "/usr/bin/time";

/** Wall time, and CPU time (user + sys, all threads) when GNU time is there: it barely moves when the machine is busy. */
function timeCommand(c: CliCommand): { wall: number; cpu?: number } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...c.env };
  const scratch = mkdtempSync(join(tmpdir(), "yb-k3s-bench-"));
  if (c.cold) {
    env.YB_K3S_TS_CACHE = join(scratch, "ts");
    env.YB_K3S_MOCK_KEY_CACHE = join(scratch, "keys");
  }
  const rusage = join(scratch, "rusage");
  const argv = existsSync(GNU_TIME) ? [GNU_TIME, "-o", rusage, "-f", "%U %S", ...c.argv] : [...c.argv];
  try {
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: c.cwd ?? ROOT, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}: ${r.stderr}`);
    if (!existsSync(rusage)) return { wall };
    const [user, sys] = readFileSync(rusage, "utf8").trim().split(/\s+/).map(Number);
    return { wall, cpu: (user + sys) * 1000 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function benchCli(rounds: number, before?: string): string[] {
  const commands = cliCommands(before);
  for (const c of commands) timeCommand(c); // warm-up: caches filled, files in the page cache
  const wall = commands.map(() => [] as number[]);
  const cpu = commands.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    commands.forEach((c, j) => {
      const t = timeCommand(c);
      wall[j].push(t.wall);
      if (t.cpu !== undefined) cpu[j].push(t.cpu);
    });
  }
  const min = (xs: number[]) => Math.min(...xs);
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const haveCpu = cpu[0].length > 0;
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const out: string[] = [];
  out.push(`cli: start to exit, ${rounds} interleaved rounds after a warm-up; SDKs: ${PLAN_SDKS.join(", ")}`);
  out.push(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${availableParallelism()} CPUs`);
  out.push("");
  out.push(`| command | wall min ms | wall median ms | wall min / SDK | wall median / SDK |${haveCpu ? " CPU median ms | CPU median / SDK |" : ""}`);
  out.push(`|---|---:|---:|---:|---:|${haveCpu ? "---:|---:|" : ""}`);
  commands.forEach((c, j) => {
    const cells = [c.label, min(wall[j]).toFixed(0), median(wall[j]).toFixed(0), x(min(wall[j]), min(wall[0])), x(median(wall[j]), median(wall[0]))];
    if (haveCpu) cells.push(median(cpu[j]).toFixed(0), x(median(cpu[j]), median(cpu[0])));
    out.push(`| ${cells.join(" | ")} |`);
  });
  const goal = (label: string, limit: number) => {
    const j = commands.findIndex((c) => c.label === label);
    const parts = [`wall median ${x(median(wall[j]), median(wall[0]))}`, `wall min ${x(min(wall[j]), min(wall[0]))}`];
    if (haveCpu) parts.push(`CPU median ${x(median(cpu[j]), median(cpu[0]))} (${x(median(cpu[j]), median(cpu[1]))} of the cached SDK load)`);
    return `${label} <= ${limit}x SDK load: ${parts.join(", ")}`;
  };
  out.push("");
  out.push(`goal: ${goal("plan --stack local", 1.5)}`);
  out.push(`goal: ${goal("plan --stack prod", 2)}`);
  return out;
}

async function main() {
  const { values } = parseArgs({ options: { only: { type: "string" }, rounds: { type: "string" }, before: { type: "string" } } });
  if (values.only !== undefined && values.only !== "program" && values.only !== "cli") throw new Error("--only must be program or cli");
  const rounds = values.rounds === undefined ? 5 : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a positive integer");
  const header = `node ${process.version}, ${process.platform}/${process.arch}`;
  if (values.only === "cli") {
    process.stdout.write([header, ...benchCli(rounds, values.before)].join("\n") + "\n");
    return;
  }
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
  out.push(header);
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
  if (values.only !== "program") out.push("", ...benchCli(rounds, values.before));
  process.stdout.write(out.join("\n") + "\n");
}

if (require.main === module) main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
