/** Human and diagram renderings of a plan report. */
import type { ClusterPlan } from "../planner/plan";
import { masterNodes, type FaultToleranceReport } from "../planner/survivability";
import type { PlanReport, PolicyFinding } from "./plan";

const yesNo = (b: boolean) => (b ? "yes" : "no");

/** A fixed-width table: columns padded to their widest cell, the last column free. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The fault-tolerance section: what the stack asked for, what it survives, and one row per scenario. */
export function renderFaultTolerance(ft: FaultToleranceReport): string[] {
  const s = ft.survives;
  const d = ft.datastoreSurvives;
  const out = [
    `Fault tolerance: requested ${ft.requested}, RF tolerates ${ft.tolerates} simultaneous failure(s); masters on ${ft.masters.join(", ")}`,
    `Control plane survives the loss of one: node ${yesNo(s.node)}, zone ${yesNo(s.zone)}, region ${yesNo(s.region)}`,
    `Datastore (YugabyteDB + Kine) survives the loss of one: node ${yesNo(d.node)}, zone ${yesNo(d.zone)}, region ${yesNo(d.region)}`,
  ];
  if (ft.tolerates > 1) out.push(`Survives any k simultaneous losses up to: node ${ft.survivesUpTo.node}, zone ${ft.survivesUpTo.zone}, region ${ft.survivesUpTo.region}`);
  if (ft.reduced) out.push("(combinations of interchangeable nodes/zones are shown by representatives; verdicts are exact)");
  if (!ft.exhaustive) out.push("(some combination sizes had too many cases: only an adversary's greedy worst case is shown for them)");
  out.push("");
  const rows = ft.scenarios.map((sc) => [
    sc.kind,
    sc.lost,
    sc.verdict === "fails" ? "FAILS" : sc.verdict,
    `${sc.database.masterQuorum ? "ok" : "LOST"} (-${sc.database.mastersLost})`,
    `${sc.database.tabletQuorum ? "ok" : "LOST"} (-${sc.database.tabletReplicasLost}/${sc.database.replicationFactor})`,
    String(sc.kineReplicasLeft),
    String(sc.k3sServersLeft),
    sc.apiEndpoint,
    sc.reason,
  ]);
  out.push(...table(["lose", "what", "verdict", "masters", "tablets", "kine", "k3s", "api", "reason"], rows).map((l) => `  ${l}`));
  return out;
}

/** One policy finding on one line: `[level] policy: message (resource)`. */
export const formatFinding = (f: PolicyFinding): string => `[${f.level}] ${f.policy}: ${f.message}${f.resource ? ` (${f.resource})` : ""}`;

export function renderText(r: PlanReport): string {
  const p = r.plan;
  const lines: string[] = [];
  lines.push(`yb-k3s plan — stack ${r.stack} (target ${r.target})`);
  lines.push(`YugabyteDB ${p.yugabyte.version}: RF ${p.replicationFactor}, fault tolerance ${p.faultTolerance}, primary region ${p.primaryRegion}`);
  lines.push(`tserver flags: ${Object.entries(p.yugabyte.tserverFlags).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  lines.push("");
  lines.push("region        zone              yugabytedb nodes                 kine            k3s");
  for (const region of p.regions) {
    for (const zone of region.zones) {
      const nodes = p.nodes.filter((n) => n.zone === zone).map((n) => n.name).join(",");
      const kine = p.kine.replicas.filter((k) => k.zone === zone).map((k) => k.name).join(",") || "-";
      const k3s = p.k3s.servers.filter((s) => s.zone === zone).map((s) => s.name).join(",") || "-";
      lines.push(`${(region.name + (region.primary ? "*" : "")).padEnd(14)}${zone.padEnd(18)}${nodes.padEnd(33)}${kine.padEnd(16)}${k3s}`);
    }
  }
  lines.push("");
  lines.push(`Kine ${p.kine.version}: ${p.kine.endpoints.join(", ")}`);
  lines.push(`k3s ${p.k3s.version}: API ${p.k3s.apiUrl}`);
  lines.push(`Database: ${p.yugabyte.database} (role ${p.yugabyte.user}) via ${p.yugabyte.ysqlHost}; data volumes ${p.protectData ? "protected and retained" : "deleted on destroy"}`);
  lines.push("");
  lines.push(...renderFaultTolerance(r.faultTolerance));
  lines.push("");
  // yb-admin placement decides which zones hold tablet replicas; a node in any other zone holds none.
  const placed = new Set(p.yugabyte.placement.map((b) => `${b.region}/${b.zone}`));
  const idle = p.nodes.filter((n) => !placed.has(`${n.region}/${n.zone}`)).map((n) => n.name);
  if (idle.length)
    lines.push(
      `Note: ${idle.length} of ${p.nodes.length} YugabyteDB nodes are outside the data placement: they hold no tablet replicas and serve as YSQL endpoints in their zones: ${idle.join(", ")}`,
    );
  lines.push(`Resources: ${r.resources.length}`);
  if (r.policies.length === 0) lines.push("Policies: no findings");
  else {
    lines.push(`Policies: ${r.policies.length} finding(s)`);
    for (const f of r.policies) lines.push(`  ${formatFinding(f)}`);
  }
  return lines.join("\n") + "\n";
}

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");

export function renderMermaid(r: PlanReport): string {
  return renderMermaidPlan(r.plan);
}

/** The topology as a mermaid flowchart: regions > zones > YugabyteDB nodes (masters marked), Kine, k3s and their links. */
export function renderMermaidPlan(p: ClusterPlan): string {
  const masters = new Set(masterNodes(p).map((n) => n.name));
  const out: string[] = ["flowchart LR"];
  for (const region of p.regions) {
    out.push(`  subgraph R_${id(region.name)}["region ${region.name}${region.primary ? " (primary)" : ""}"]`);
    for (const zone of region.zones) {
      out.push(`    subgraph Z_${id(zone)}["zone ${zone}"]`);
      for (const n of p.nodes.filter((x) => x.zone === zone)) out.push(`      ${id(n.name)}[("${n.name}${masters.has(n.name) ? "<br/>master + tserver" : "<br/>tserver"}")]`);
      for (const k of p.kine.replicas.filter((x) => x.zone === zone)) out.push(`      ${id(k.name)}["${k.name}<br/>Kine"]`);
      for (const s of p.k3s.servers.filter((x) => x.zone === zone)) out.push(`      ${id(s.name)}{{"${s.name}<br/>k3s server"}}`);
      out.push("    end");
    }
    out.push("  end");
  }
  const first = p.nodes[0];
  for (const n of p.nodes.slice(1)) out.push(`  ${id(n.name)} -. join .-> ${id(first.name)}`);
  const ysqlService = p.kine.replicas.some((k) => !p.nodes.some((n) => n.address === k.database.host));
  if (ysqlService) {
    out.push(`  ysql(["YSQL ${p.yugabyte.ysqlHost}"])`);
    for (const n of p.nodes) out.push(`  ysql -.-> ${id(n.name)}`);
  }
  for (const k of p.kine.replicas) {
    const db = p.nodes.find((n) => n.address === k.database.host);
    out.push(`  ${id(k.name)} -- "YSQL ${k.database.port}" --> ${db ? id(db.name) : "ysql"}`);
  }
  for (const s of p.k3s.servers) for (const k of p.kine.replicas) out.push(`  ${id(s.name)} -- "etcd 2379" --> ${id(k.name)}`);
  // The operator's endpoint: one server's published port on docker, a name in front of every server elsewhere.
  out.push(`  api(["kubeconfig ${p.k3s.apiUrl}"])`);
  const port = Number(new URL(p.k3s.apiUrl).port || 443);
  const endpointServer = p.k3s.servers.find((s) => s.hostApiPort === port);
  for (const s of endpointServer ? [endpointServer] : p.k3s.servers) out.push(`  api --> ${id(s.name)}`);
  return out.join("\n") + "\n";
}
