/**
 * The plan tells one story: the Mermaid diagram, the fault table and the text plan say who dials whom exactly as the
 * registered resources are configured (Kine's DSN, k3s's --datastore-endpoint, the kubeconfig URL, resolved through
 * Docker aliases, Kubernetes Services or Route 53 and load balancers by test/support/wiring.ts, never by the plan).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import { mermaidId, renderMermaid, renderText } from "../../lib/render";
import { readStackFile, stackFilePath, type StackFile } from "../../lib/stackFile";
import type { Scenario } from "../../planner/survivability";
import { wiringFromResources, type ResourceWiring } from "../support/wiring";

const shipped = (stack: string): StackFile => readStackFile(stackFilePath(stack), stack);
const variant = (base: string, stack: string, overrides: Record<string, unknown>): StackFile => {
  const f = shipped(base);
  const config = { ...f.config };
  for (const [k, v] of Object.entries(overrides)) {
    const key = `yb-k3s:${k}`;
    const old = config[key];
    config[key] = old && typeof old === "object" && !Array.isArray(old) && typeof v === "object" ? { ...old, ...v } : v;
  }
  return { ...f, stack, config };
};

const STACKS: Record<string, () => StackFile> = {
  local: () => shipped("local"),
  dev: () => shipped("dev"),
  staging: () => shipped("staging"),
  prod: () => shipped("prod"),
  // One Kine per control-plane region: a k3s server whose region lost its Kine is down, whatever the other region has.
  "prod-one-kine": () => variant("prod", "prod-one-kine", { kine: { replicas: 1 } }),
  // The kubeconfig names the internet-facing load balancer, over the primary region's servers only.
  "prod-public": () => variant("prod", "prod-public", { aws: { publicK3sApi: true, k3sApiAllowedCidrs: ["203.0.113.0/24"] } }),
  "local-ha": () => variant("local", "local-ha", { k3s: { servers: 3 }, kine: { replicas: 3 } }),
};

const reports = new Map<string, { report: PlanReport; res: ResourceWiring }>();
beforeAll(async () => {
  for (const [name, file] of Object.entries(STACKS)) {
    const report = await planStack(file());
    reports.set(name, { report, res: wiringFromResources(report) });
  }
}, 300_000);
const get = (name: string) => reports.get(name) as { report: PlanReport; res: ResourceWiring };

/** Mermaid: member nodes by id (their label's first line) and every edge but YugabyteDB's join edges. */
function parseMermaid(text: string) {
  const members = new Map<string, string>();
  const edges = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const node = line.match(/^\s*(\w+)(?:\[\(|\[|\{\{)"([^"<]+)(?:<br\/>|")/);
    if (node) members.set(node[1], node[2]);
    const edge = line.match(/^\s*(\w+)\s+(?:-- "[^"]*" -->|-\.->|-\. (primary|failover) \.->|-->)\s+(\w+)\s*$/);
    if (edge) edges.set(edge[1], [...(edges.get(edge[1]) ?? []), edge[3]]);
  }
  /** The members an edge chain from `from` ends at (through services, load balancers and failover records). */
  const reach = (from: string): string[] => {
    const out = new Set<string>();
    const walk = (id: string, seen: Set<string>) => {
      for (const next of edges.get(id) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        if (members.has(next)) out.add(members.get(next) as string);
        else walk(next, seen);
      }
    };
    walk(from, new Set([from]));
    return [...out].sort();
  };
  return { members, reach };
}

/** The text plan's "Who dials whom" section, continuation lines joined: client -> the line about it. */
function parseWhoDialsWhom(text: string): Map<string, string> {
  const lines = text.split("\n");
  const start = lines.indexOf("Who dials whom:");
  expect(start, "the text plan has a 'Who dials whom' section").toBeGreaterThan(0);
  const joined: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === "") break;
    if (/^ {6}/.test(l)) joined[joined.length - 1] += ` ${l.trim()}`;
    else joined.push(l.trim());
  }
  const out = new Map<string, string>();
  for (const l of joined) {
    const [clients, rhs] = l.split(" -> ");
    for (const c of clients.split(", ")) out.set(c, rhs);
  }
  return out;
}

/** Names among `candidates` a text mentions as whole words. */
const mentioned = (text: string, candidates: readonly string[]) =>
  candidates.filter((c) => new RegExp(`(?<![\\w-])${c.replace(/[.]/g, "\\.")}(?![\\w-])`).test(text)).sort();

describe.each(Object.keys(STACKS))("%s: diagram, fault table and text agree with the resources", (name) => {
  it("the resources are wired as the plan's wiring says (and every client was found)", () => {
    const { report, res } = get(name);
    expect([...res.kineDatabase.keys()].sort()).toEqual(report.plan.kine.replicas.map((k) => k.name).sort());
    expect([...res.k3sDatastore.keys()].sort()).toEqual(report.plan.k3s.servers.map((s) => s.name).sort());
    for (const [k, nodes] of res.kineDatabase) expect(nodes.length, `${k} reaches a YugabyteDB node`).toBeGreaterThan(0);
    for (const [s, kine] of res.k3sDatastore) expect(kine.length, `${s} reaches a Kine replica`).toBeGreaterThan(0);
    expect(res.api.length).toBeGreaterThan(0);
  });

  it("mermaid: every Kine, k3s and kubeconfig edge chain ends where the resources' endpoints lead", () => {
    const { report, res } = get(name);
    const m = parseMermaid(renderMermaid(report));
    for (const [k, nodes] of res.kineDatabase) expect(m.reach(mermaidId(k)), `${k} -> YugabyteDB`).toEqual(nodes);
    for (const [s, kine] of res.k3sDatastore) expect(m.reach(mermaidId(s)), `${s} -> Kine`).toEqual(kine);
    expect(m.reach("kubeconfig"), "kubeconfig -> k3s").toEqual(res.api);
  });

  it("text: each client's line names its configured endpoint and exactly the members it reaches", () => {
    const { report, res } = get(name);
    const text = renderText(report);
    expect(text).not.toMatch(/^Database: .* via /m);
    const who = parseWhoDialsWhom(text);
    const nodes = report.plan.nodes.map((n) => n.name);
    const kine = report.plan.kine.replicas.map((k) => k.name);
    const servers = report.plan.k3s.servers.map((s) => s.name);
    for (const [k, reached] of res.kineDatabase) {
      const line = who.get(k) ?? "";
      expect(line, k).toContain(res.kineEndpoint.get(k) as string);
      expect(mentioned(line, nodes), k).toEqual(reached);
    }
    for (const [s, reached] of res.k3sDatastore) {
      const line = who.get(s) ?? "";
      for (const ep of res.k3sEndpoints.get(s) ?? []) expect(line, s).toContain(ep);
      expect(mentioned(line, kine), s).toEqual(reached);
    }
    expect(mentioned(who.get("kubeconfig") ?? "", servers)).toEqual(res.api);
  });

  it("fault table: what serves after each single failure follows the resources' wiring", () => {
    const { report, res } = get(name);
    const p = report.plan;
    const singles = report.faultTolerance.scenarios.filter((s) => s.size === 1);
    const inDomain = (sc: Scenario, x: { name: string; zone: string; region: string }) =>
      sc.kind === "zone" ? sc.members.includes(x.zone) : sc.kind === "region" ? sc.members.includes(x.region) : sc.members.includes(x.name);
    for (const sc of singles) {
      const lostNodes = new Set(p.nodes.filter((n) => inDomain(sc, n)).map((n) => n.name));
      const kineServing = sc.database.quorum
        ? p.kine.replicas.filter((k) => !inDomain(sc, k) && (res.kineDatabase.get(k.name) ?? []).some((n) => !lostNodes.has(n))).map((k) => k.name)
        : [];
      const k3sServing = p.k3s.servers.filter((s) => !inDomain(sc, s) && (res.k3sDatastore.get(s.name) ?? []).some((k) => kineServing.includes(k))).map((s) => s.name);
      const api = k3sServing.length === 0 ? "lost" : k3sServing.some((s) => res.api.includes(s)) ? "unchanged" : "moved";
      expect({ kine: [...sc.kineServing].sort(), k3s: [...sc.k3sServing].sort(), api: sc.apiEndpoint }, `lose ${sc.kind} ${sc.lost}`).toEqual({
        kine: kineServing.sort(),
        k3s: k3sServing.sort(),
        api,
      });
      expect(sc.kineReplicasLeft).toBe(kineServing.length);
      expect(sc.k3sServersLeft).toBe(k3sServing.length);
    }
    // On aws every instance is a host of its own: the node rows are exactly the EC2 instances.
    if (p.target === "aws") expect(singles.filter((s) => s.kind === "node").map((s) => s.lost).sort()).toEqual([...res.instances].sort());
  });
});

describe("the wiring's consequences, spelled out", () => {
  it("prod with one Kine per region: losing us-east-1a leaves k3s-1 without Kine (its region's only replica is gone)", () => {
    const sc = get("prod-one-kine").report.faultTolerance.scenarios.find((s) => s.kind === "zone" && s.lost === "us-east-1a") as Scenario;
    expect(sc.kineServing).toEqual(["kine-1"]);
    expect(sc.k3sServing).toEqual(["k3s-2", "k3s-3"]);
    expect(sc.stopped).toEqual(expect.arrayContaining([{ name: "k3s-1", why: "no Kine" }, { name: "kine-0", why: "lost" }]));
    expect(sc.verdict).toBe("survives");
  });

  it("prod with a public API: losing the primary region moves the kubeconfig endpoint (degraded, not survives)", () => {
    const { report } = get("prod-public");
    expect(report.plan.wiring.api.to).toBe("k3s-api-public");
    const sc = report.faultTolerance.scenarios.find((s) => s.kind === "region" && s.lost === "us-east-1") as Scenario;
    expect(sc.k3sServing).toEqual(["k3s-2", "k3s-3"]);
    expect(sc.apiEndpoint).toBe("moved");
    expect(sc.verdict).toBe("degraded");
    expect(sc.apiNote).toMatch(/answers on https:\/\/k3s\.yb-k3s-prod-public\.internal:6443/);
  });

  it("prod's diagram no longer wires the standby region's k3s servers to the primary region's Kine", () => {
    const m = parseMermaid(renderMermaid(get("prod").report));
    expect(m.reach("k3s_2")).toEqual(["kine-2", "kine-3"]);
    expect(m.reach("k3s_0")).toEqual(["kine-0", "kine-1"]);
  });

  it("local: the text names each Kine replica's own node, not node 0 for all", () => {
    const who = parseWhoDialsWhom(renderText(get("local").report));
    expect(who.get("kine-0")).toMatch(/^yb-zone-a-0:5433 /);
    expect(who.get("kine-1")).toMatch(/^yb-zone-b-0:5433 /);
  });
});
