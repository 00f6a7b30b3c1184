/**
 * npm run drill, the pure parts: which domain, the refusals, the steps per target with the names the components
 * really register, only real kubectl/docker/aws flags, and the command line.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTopology } from "../../config/load";
import { planStack, validateStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { DRILL_DEFAULTS, DrillUsageError, parseDrillArgs } from "../../lib/drill/cli";
import { chooseDomain, DrillRefusal, formatDrill, manualRestore, renderDrill, type DrillAction, type DrillInput, type DrillPlan } from "../../lib/drill/steps";
import { buildPlan } from "../../planner/plan";
import { named, ofKind, podTemplate, selectorMatches, spec, type Obj } from "../kubernetes/support";
import { devConfig, localConfig, prodConfig } from "../support/topologies";

const REPO = path.resolve(__dirname, "..", "..");

/** The program under mocks for the stacks whose registered resources the tests compare with; the plan alone for aws. */
let local: PlanReport;
let dev: PlanReport;
type Planned = Pick<PlanReport, "plan" | "topology">;
const planned = (s: string): Planned => {
  const file = readStackFile(stackFilePath(s), s);
  const topology = validateStack(file);
  return { topology, plan: buildPlan({ project: "yb-k3s", stack: s, topology }) };
};
const staging = planned("staging");
const prod = planned("prod");
beforeAll(async () => {
  const load = (s: string) => planStack(readStackFile(stackFilePath(s), s));
  [local, dev] = await Promise.all([load("local"), load("dev")]);
}, 180_000);

const drillOf = (r: Planned, kind: "zone" | "region", domain?: string, extra: Partial<DrillInput> = {}): DrillPlan =>
  renderDrill({ plan: r.plan, topology: r.topology, kind, domain, ...extra });
const fromRaw = (raw: Record<string, unknown>, stack = "test") => {
  const topology = parseTopology(raw);
  return { plan: buildPlan({ project: "yb-k3s", stack, topology }), topology };
};
const execs = (d: DrillPlan, phase: "stop" | "restore"): string[][] =>
  d[phase].flatMap((s) => s.actions.filter((a): a is Extract<DrillAction, { kind: "exec" }> => a.kind === "exec").map((a) => [...a.argv]));
const allArgv = (d: DrillPlan): string[][] =>
  [...d.stop, ...d.restore].flatMap((s) => s.actions.flatMap((a) => (a.kind === "pods-gone" ? [[...a.podsArgv], [...a.nodesArgv]] : [[...a.argv]]))).concat(d.inspectArgv ? [[...d.inspectArgv]] : []);

describe("which domain", () => {
  it("defaults to the first non-primary zone it survives, and to the first non-primary region", () => {
    expect(drillOf(local, "zone")).toMatchObject({ domain: "zone-b", chosen: "default", verdict: "survives" });
    expect(drillOf(dev, "zone")).toMatchObject({ domain: "us-east-1b", chosen: "default", verdict: "survives" });
    expect(drillOf(prod, "region")).toMatchObject({ domain: "us-west-2", chosen: "default", zones: ["us-west-2a", "us-west-2b", "us-west-2c"] });
    expect(drillOf(dev, "zone", "us-east-1c")).toMatchObject({ domain: "us-east-1c", chosen: "named" });
  });
  it("prefers a zone the stack survives over one it only survives degraded", () => {
    // k3s-0 (the server the docker kubeconfig names) in zone-b: losing zone-b is degraded, zone-c survives.
    const { plan, topology } = fromRaw({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"] }], k3s: { servers: 3 } });
    expect(chooseDomain(plan, "zone", "zone-a").scenario.verdict).toBe("degraded");
    expect(renderDrill({ plan, topology, kind: "zone" }).domain).toBe("zone-b");
  });
  it("lists the hosts that go down, by role", () => {
    expect(drillOf(dev, "zone").hosts).toEqual({ yugabyte: ["yb-us-east-1b-0"], kine: ["kine-1"], k3s: ["k3s-1"] });
    expect(drillOf(local, "zone", "zone-c").hosts).toEqual({ yugabyte: ["yb-zone-c-0"], kine: [], k3s: [] });
  });
});

describe("refusals", () => {
  it("a domain whose loss the plan says the stack does not survive: names the stack, the domain and the verdict", () => {
    expect(() => drillOf(local, "zone", "zone-a")).toThrow(DrillRefusal);
    expect(() => drillOf(local, "zone", "zone-a")).toThrow(
      /^stack local does not survive losing zone zone-a \(planner\/survivability.ts verdict: fails — no k3s server left outside the failed domain\).* Zones it survives losing: zone-b, zone-c\.$/,
    );
  });
  it("a database reason too (RF 3 over two zones of two nodes: zone-a holds two of the three masters); the default skips it", () => {
    const { plan, topology } = fromRaw({ ...localConfig(), faultTolerance: "none", regions: [{ name: "dc1", zones: ["zone-a", "zone-b"], nodesPerZone: 2 }] });
    expect(() => renderDrill({ plan, topology, kind: "zone", domain: "zone-a" })).toThrow(
      /^stack test does not survive losing zone zone-a \(planner\/survivability.ts verdict: fails — YugabyteDB master quorum lost \(2 of 3 masters down, needs 2\).*Zones it survives losing: zone-b\.$/,
    );
    expect(renderDrill({ plan, topology, kind: "zone" })).toMatchObject({ domain: "zone-b", verdict: "survives" });
  });
  it("an unknown domain, listing the allowed names", () => {
    expect(() => drillOf(dev, "zone", "us-east-1d")).toThrow("stack dev has no zone 'us-east-1d'; its zones are: us-east-1a, us-east-1b, us-east-1c");
    expect(() => drillOf(prod, "region", "us-east-1a")).toThrow("stack prod has no region 'us-east-1a'; its regions are: us-east-1, us-west-2, eu-west-1");
  });
  it("a kind the stack has one of only (losing it is losing everything)", () => {
    expect(() => drillOf(dev, "region")).toThrow("stack dev has one region only (us-east-1): losing it is losing everything, so there is no region to drill; drill a zone (--fault-domain zone)");
    const { plan, topology } = fromRaw({ ...localConfig(), faultTolerance: "none", replicationFactor: 1, regions: [{ name: "dc1", zones: ["only"] }] });
    expect(() => renderDrill({ plan, topology, kind: "zone" })).toThrow(/has one zone only \(only\)/);
  });
});

describe("docker", () => {
  it("stops and starts the zone's containers, the names the components create", () => {
    const d = drillOf(local, "zone", "zone-b");
    const containers = local.recorded.filter((r) => r.type === "docker:index/container:Container").map((r) => (r.inputs as Obj).name as string);
    expect(execs(d, "stop")).toEqual([["docker", "stop", "yb-k3s-local-yb-zone-b-0", "yb-k3s-local-kine-1"]]);
    expect(execs(d, "restore")).toEqual([["docker", "start", "yb-k3s-local-yb-zone-b-0", "yb-k3s-local-kine-1"]]);
    for (const n of [...execs(d, "stop")[0].slice(2), ...d.containers]) expect(containers).toContain(n);
    expect(d.containers).toHaveLength(local.plan.nodes.length + local.plan.kine.replicas.length + local.plan.k3s.servers.length);
    const wait = d.restore[1].actions[0];
    expect(wait).toMatchObject({ kind: "containers-healthy", names: ["yb-k3s-local-yb-zone-b-0", "yb-k3s-local-kine-1"] });
    expect(d.executable).toBe(true);
  });
  it("talks to the stack's docker host", () => {
    const { plan, topology } = fromRaw({ ...localConfig(), docker: { host: "ssh://ops@db1" } });
    for (const argv of allArgv(renderDrill({ plan, topology, kind: "zone" }))) expect(argv.slice(0, 3)).toEqual(["docker", "-H", "ssh://ops@db1"]);
  });
  it("degraded (the kubeconfig's server goes): allowed, says the endpoint moves, probes a surviving server's port", () => {
    const { plan, topology } = fromRaw({ ...localConfig(), k3s: { servers: 2 } });
    const d = renderDrill({ plan, topology, kind: "zone", domain: "zone-a" });
    expect(d.verdict).toBe("degraded");
    expect(d.probeServer).toBe(`https://127.0.0.1:${plan.k3s.servers[1].hostApiPort}`);
    expect(formatDrill(d, { dryRun: true, holdSeconds: 120, probeIntervalMs: 1000 })).toMatch(/\nThe operator endpoint moves: the kubeconfig endpoint https:\/\/127\.0\.0\.1:6443 \(k3s-0\) is down.*; the probes use https:\/\/127\.0\.0\.1:6444\.\n/);
  });
});

describe("kubernetes", () => {
  it("taints the zone's nodes NoSchedule by the stack's zone label, and removes the taint to restore", () => {
    const d = drillOf(dev, "zone", "us-east-1b");
    expect(execs(d, "stop")).toEqual([
      ["kubectl", "--context", "dev", "--request-timeout=30s", "taint", "nodes", "-l", "topology.kubernetes.io/zone=us-east-1b", "yb-k3s.io/drill=us-east-1b:NoSchedule", "--overwrite"],
    ]);
    expect(execs(d, "restore")[0]).toEqual(["kubectl", "--context", "dev", "--request-timeout=30s", "taint", "nodes", "-l", "topology.kubernetes.io/zone=us-east-1b", "yb-k3s.io/drill:NoSchedule-"]);
    // A taint already gone (a second restore) still counts as restored.
    expect((d.restore[0].actions[0] as { okIf?: RegExp }).okIf?.test('kubectl exited 1: error: taint "yb-k3s.io/drill:NoSchedule" not found')).toBe(true);
    expect(d.stop[0].actions[0]).toMatchObject({ kind: "zone-nodes", zoneLabel: "topology.kubernetes.io/zone", zones: ["us-east-1b"] });
  });
  it("uses the stack's kubeconfig, context and zone label", () => {
    const { plan, topology } = fromRaw({ ...devConfig(), kubernetes: { context: "ops", kubeconfig: "/etc/kc.yaml", namespace: "cp", zoneLabel: "example.com/zone" } });
    const d = renderDrill({ plan, topology, kind: "zone", domain: "zone-c" });
    for (const argv of allArgv(d)) expect(argv.slice(0, 5)).toEqual(["kubectl", "--kubeconfig", "/etc/kc.yaml", "--context", "ops"]);
    expect(execs(d, "stop")[0]).toContain("example.com/zone=zone-c");
    expect(execs(d, "restore").slice(1).every((a) => a.includes("-n") && a[a.indexOf("-n") + 1] === "cp")).toBe(true);
  });
  it("waits on every StatefulSet and the Deployment the components register, at their planned counts", () => {
    const d = drillOf(dev, "zone");
    const registered = [...ofKind(dev, "StatefulSet"), ...ofKind(dev, "Deployment")].map((r) => ({
      kind: r.type.split(":")[2].toLowerCase(),
      name: (r.inputs as Obj).metadata.name as string,
      replicas: spec(r).replicas as number,
    }));
    expect([...d.workloads].sort((a, b) => a.name.localeCompare(b.name))).toEqual(registered.sort((a, b) => a.name.localeCompare(b.name)));
    expect(execs(d, "restore").slice(1).map((a) => a.slice(a.indexOf("rollout")).join(" "))).toEqual(d.workloads.map((w) => `rollout status ${w.kind}/${w.name} --timeout=600s`));
  });
  it("the pods it waits for are exactly the database, Kine and k3s pods of the stack", () => {
    const wait = drillOf(dev, "zone").stop[2].actions[0] as Extract<DrillAction, { kind: "pods-gone" }>;
    const selector = Object.fromEntries(/-l (\S+)/.exec(wait.podsArgv.join(" "))![1].split(",").map((kv) => kv.split("=")));
    for (const r of [...ofKind(dev, "StatefulSet"), ...ofKind(dev, "Deployment")]) {
      const labels = podTemplate(r).metadata.labels as Record<string, string>;
      expect(selectorMatches({ matchLabels: selector }, labels)).toBe(true);
      expect(wait.apps).toContain(labels["app.kubernetes.io/name"]);
    }
    for (const job of ofKind(dev, "Job")) expect(wait.apps).not.toContain((podTemplate(job).metadata.labels as Record<string, string>)["app.kubernetes.io/name"]);
    expect(named(dev, "Deployment", "kine")).toBeDefined();
  });
  it("a region: one taint per zone of the region", () => {
    const { plan, topology } = fromRaw({
      ...devConfig(),
      faultTolerance: "region",
      regions: [
        { name: "r1", zones: ["a1", "a2"] },
        { name: "r2", zones: ["b1", "b2"] },
        { name: "r3", zones: ["c1"] },
      ],
      kine: { replicas: 3 },
      k3s: { servers: 3 },
    });
    const d = renderDrill({ plan, topology, kind: "region" });
    expect(d.domain).toBe("r2");
    expect(execs(d, "stop").map((a) => a[a.indexOf("-l") + 1])).toEqual(["topology.kubernetes.io/zone=b1", "topology.kubernetes.io/zone=b2"]);
    expect(execs(d, "restore").slice(0, 2).map((a) => a.at(-1))).toEqual(["yb-k3s.io/drill:NoSchedule-", "yb-k3s.io/drill:NoSchedule-"]);
  });
});

describe("aws", () => {
  it("prints ec2 stop/start for the domain's instances with the ids of the instanceIds output; not executable", () => {
    const ids = { yugabyte: ["i-y0", "i-y1", "i-y2"], kine: ["i-k0", "i-k1"], k3s: ["i-s0", "i-s1"] };
    const d = drillOf(staging, "zone", "us-east-1b", { instanceIds: ids });
    expect(d.stop.flatMap((s) => s.shows)).toEqual([
      "aws ec2 stop-instances --region us-east-1 --instance-ids i-y1 i-k1 i-s1",
      "aws ec2 wait instance-stopped --region us-east-1 --instance-ids i-y1 i-k1 i-s1",
    ]);
    expect(d.restore.flatMap((s) => s.shows)).toEqual([
      "aws ec2 start-instances --region us-east-1 --instance-ids i-y1 i-k1 i-s1",
      "aws ec2 wait instance-running --region us-east-1 --instance-ids i-y1 i-k1 i-s1",
    ]);
    expect(d.executable).toBe(false);
    expect(d.notExecutableReason).toMatch(/not implemented/);
    expect(drillOf(staging, "zone").stop[0].shows[0]).toBe("aws ec2 stop-instances --region us-east-1 --instance-ids '<instance id of yb-us-east-1b-0>' '<instance id of kine-1>' '<instance id of k3s-1>'");
  });
  it("a region of prod: its own region's instances (index in plan order)", () => {
    const n = prod.plan.nodes;
    const ids = { yugabyte: n.map((x) => `i-${x.name}`), kine: prod.plan.kine.replicas.map((k) => `i-${k.name}`), k3s: prod.plan.k3s.servers.map((s) => `i-${s.name}`) };
    const d = drillOf(prod, "region", "us-west-2", { instanceIds: ids });
    expect(d.stop[0].shows).toEqual(["aws ec2 stop-instances --region us-west-2 --instance-ids i-yb-us-west-2a-0 i-yb-us-west-2b-0 i-yb-us-west-2c-0 i-kine-2 i-kine-3 i-k3s-2 i-k3s-3"]);
    expect(prodConfig()).toBeDefined();
  });
});

/**
 * Flags each command may use, as the tools list them: kubectl v1.36.3 (the e2e suite's; `kubectl options`,
 * `kubectl taint|get|rollout status --help`), Docker CLI 28 (`docker --help`, `docker stop|start|inspect --help`) and
 * AWS CLI (`aws ec2 stop-instances help`, `aws ec2 wait instance-stopped help`). e2e/tests/drill.test.ts checks the
 * kubectl ones against the real binary's help too.
 */
const REAL_FLAGS: Record<string, { global: readonly string[]; valued: readonly string[]; sub: Record<string, readonly string[]> }> = {
  kubectl: {
    global: ["--kubeconfig", "--context", "-n", "--namespace", "--request-timeout", "-s", "--server", "--cluster", "--user"],
    valued: ["--kubeconfig", "--context", "-n", "--namespace", "-l", "--selector", "-o", "--output", "--timeout", "--request-timeout"],
    sub: {
      taint: ["--all", "--allow-missing-template-keys", "--dry-run", "--field-manager", "-o", "--output", "--overwrite", "-l", "--selector", "--show-managed-fields", "--template", "--validate"],
      get: ["-A", "--all-namespaces", "--field-selector", "--ignore-not-found", "-L", "--label-columns", "--no-headers", "-o", "--output", "--raw", "-l", "--selector", "--show-labels", "--sort-by", "-w", "--watch"],
      "rollout status": ["-f", "--filename", "-k", "--kustomize", "-R", "--recursive", "--revision", "-l", "--selector", "--timeout", "-w", "--watch"],
    },
  },
  docker: {
    global: ["-H", "--host"],
    valued: ["-H", "--host", "-f", "--format"],
    sub: { stop: ["-s", "--signal", "-t", "--timeout"], start: ["-a", "--attach", "-i", "--interactive"], inspect: ["-f", "--format", "-s", "--size", "--type"] },
  },
  aws: {
    global: ["--region", "--profile", "--output"],
    valued: ["--region"],
    sub: { "ec2 stop-instances": ["--instance-ids", "--hibernate", "--force", "--dry-run"], "ec2 start-instances": ["--instance-ids", "--dry-run"], "ec2 wait instance-stopped": ["--instance-ids", "--filters"], "ec2 wait instance-running": ["--instance-ids", "--filters"] },
  },
};

/** The flags of an argv that its tool does not have (empty: all real). */
function unknownFlags(argv: readonly string[]): string[] {
  const tool = REAL_FLAGS[argv[0]];
  if (!tool) return [`unknown tool ${argv[0]}`];
  const flags: string[] = [];
  const words: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("-") && a.length > 1) {
      const name = a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
      flags.push(name);
      if (!a.includes("=") && tool.valued.includes(name)) i++;
    } else words.push(a);
  }
  const sub = Object.keys(tool.sub).sort((a, b) => b.length - a.length).find((s) => words.slice(0, s.split(" ").length).join(" ") === s);
  if (!sub) return [`no known subcommand in ${words.slice(0, 3).join(" ")}`];
  return flags.filter((f) => !tool.global.includes(f) && !tool.sub[sub].includes(f));
}

describe("only real flags", () => {
  it("every command of every target", () => {
    const drills = [drillOf(local, "zone"), drillOf(dev, "zone"), drillOf(staging, "zone"), drillOf(prod, "region"), renderDrill({ ...fromRaw({ ...devConfig(), kubernetes: { context: "x", kubeconfig: "/k" } }), kind: "zone" })];
    for (const d of drills) for (const argv of allArgv(d)) expect(unknownFlags(argv), argv.join(" ")).toEqual([]);
  });
  it("the checker catches a flag the tool does not have, and a wrong subcommand", () => {
    expect(unknownFlags(["kubectl", "--context", "x", "taint", "nodes", "-l", "a=b", "k=v:NoSchedule", "--force"])).toEqual(["--force"]);
    expect(unknownFlags(["docker", "stop", "--time", "5", "c"])).toEqual(["--time"]);
    expect(unknownFlags(["kubectl", "cordon", "n"])).toEqual(["no known subcommand in cordon n"]);
  });
});

describe("the dry run", () => {
  it("says what goes down, the verdict, the steps in order, and the restore commands", () => {
    const d = drillOf(dev, "zone");
    const text = formatDrill(d, { dryRun: true, holdSeconds: 10, probeIntervalMs: 500 });
    expect(text).toMatch(/^DRY RUN — nothing is changed\. Outage drill of stack dev \(kubernetes\): lose zone us-east-1b \(the default/);
    expect(text).toMatch(/\nPlan verdict: survives — masters 2\/3/);
    expect(text).toMatch(/\nGoes down: yb-us-east-1b-0, kine-1, k3s-1\n/);
    expect(text).toMatch(/\n5\. hold 10 s: every 500 ms GET \/readyz and a write/);
    expect(text.indexOf("taint nodes")).toBeLessThan(text.indexOf("hold 10 s"));
    expect(text.indexOf("hold 10 s")).toBeLessThan(text.indexOf("drill:NoSchedule-"));
    expect(manualRestore(d)[0]).toBe("kubectl --context dev --request-timeout=30s taint nodes -l topology.kubernetes.io/zone=us-east-1b yb-k3s.io/drill:NoSchedule-");
  });
});

describe("command line", () => {
  it("reads the flags, with defaults", () => {
    expect(parseDrillArgs(["--stack", "dev", "--fault-domain", "zone"])).toEqual({
      stack: "dev", faultDomain: "zone", domain: undefined, execute: false, confirm: undefined,
      probeIntervalMs: DRILL_DEFAULTS.probeIntervalMs, holdSeconds: DRILL_DEFAULTS.holdSeconds,
      outputs: undefined, kubeconfig: undefined, context: undefined, k3sServer: undefined, ybAdmin: true,
    });
    expect(parseDrillArgs(["-s", "prod", "--fault-domain=region", "--domain", "us-west-2", "--execute", "--confirm", "prod", "--probe-interval-ms", "250", "--hold-seconds=30", "--no-yb-admin"]))
      .toMatchObject({ stack: "prod", faultDomain: "region", domain: "us-west-2", execute: true, confirm: "prod", probeIntervalMs: 250, holdSeconds: 30, ybAdmin: false });
  });
  it("refuses what it cannot use", () => {
    const bad = [
      ["--fault-domain", "zone"],
      ["--stack", "dev"],
      ["--stack", "dev", "--fault-domain", "node"],
      ["--stack", "dev", "--fault-domain", "zone", "--confirm", "dev"],
      ["--stack", "dev", "--fault-domain", "zone", "--execute", "--confirm", "prod"],
      ["--stack", "dev", "--fault-domain", "zone", "--hold-seconds", "0"],
      ["--stack", "dev", "--fault-domain", "zone", "--hold-seconds", "1.5"],
      ["--stack", "dev", "--fault-domain", "zone", "--probe-interval-ms", "50"],
      ["--stack", "dev", "--fault-domain", "zone", "--hold-seconds", "2", "--probe-interval-ms", "5000"],
      ["--stack", "dev", "--fault-domain", "zone", "--k3s-server", "http://x:1"],
      ["--stack", "dev", "--fault-domain", "zone", "--domain"],
      ["--stack", "dev", "--fault-domain", "zone", "--stack", "local"],
      ["--stack", "../x", "--fault-domain", "zone"],
      ["--stack", "dev", "--fault-domain", "zone", "--bogus"],
    ];
    for (const b of bad) expect(() => parseDrillArgs(b), b.join(" ")).toThrow(DrillUsageError);
  });
});

describe("the CLI's exit codes (bin/drill.ts)", () => {
  const drill = (args: string[]) => {
    const r = spawnSync(process.execPath, ["-r", "./scripts/register-ts.js", "bin/drill.ts", ...args], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  it("77: a stack holding real data without --confirm, before reading anything (a missing outputs file is not even opened)", () => {
    const r = drill(["--stack", "staging", "--fault-domain", "zone", "--execute", "--outputs", "/nonexistent/outputs.json"]);
    expect(r.code, r.err).toBe(77);
    expect(r.err).toBe("refusing: stack staging holds real data (policies/config/staging.json); pass --confirm staging to take its zone down\n");
    expect(r.out).toBe("");
  });
  it("77: a zone the plan says the stack does not survive, an unknown zone, a region of a one-region stack", () => {
    expect(drill(["--stack", "local", "--fault-domain", "zone", "--domain", "zone-a"])).toMatchObject({ code: 77, out: "", err: expect.stringMatching(/^refusing: stack local does not survive losing zone zone-a \(planner\/survivability.ts verdict: fails/) });
    expect(drill(["--stack", "dev", "--fault-domain", "zone", "--domain", "x"])).toMatchObject({ code: 77, err: "refusing: stack dev has no zone 'x'; its zones are: us-east-1a, us-east-1b, us-east-1c\n" });
    expect(drill(["--stack", "local", "--fault-domain", "region", "--execute"])).toMatchObject({ code: 77, err: expect.stringMatching(/^refusing: stack local has one region only/) });
  });
  it("64 for usage, 0 for a dry run (which says how to run it)", () => {
    expect(drill(["--stack", "dev"]).code).toBe(64);
    const r = drill(["--stack", "dev", "--fault-domain", "zone"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^DRY RUN/);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe("Run it with: npm run drill -- --stack dev --fault-domain zone --domain us-east-1b --execute");
  });
  it("aws: a dry run prints and notes it is not executable here; --execute refuses (77)", () => {
    const r = drill(["--stack", "staging", "--fault-domain", "zone"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\nNote: on aws, the drill prints the steps/);
    expect(drill(["--stack", "staging", "--fault-domain", "zone", "--execute", "--confirm", "staging"])).toMatchObject({ code: 77, err: expect.stringMatching(/^refusing: on aws/) });
  });
});
