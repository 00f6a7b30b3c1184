/**
 * Human and diagram renderings of a plan report. Who dials whom comes from the plan's wiring (planner/wiring.ts), the
 * same links the resources are configured with and the fault analysis evaluates; nothing here works it out again.
 */
import type { ClusterPlan } from "../planner/plan";
import { ports } from "../planner/ports";
import { masterNodes, type FaultToleranceReport, type Scenario } from "../planner/survivability";
import { KUBECONFIG, frontendById, frontendLabel, linksFrom, type Link, type Wiring } from "../planner/wiring";
import type { PlanReport, PolicyFinding } from "./plan";

/** The text plan's width: every line fits (a test holds every shipped stack to it). */
export const TEXT_WIDTH = 120;

const yesNo = (b: boolean) => (b ? "yes" : "no");

/** Split `text` at spaces into lines of at most `width` (a longer word stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}

/** A line too wide for the text plan, folded at spaces; continuation lines are indented 4 more than the first. */
export function fold(line: string, width = TEXT_WIDTH): string[] {
  if (line.length <= width) return [line];
  const lead = line.slice(0, line.length - line.trimStart().length);
  const indent = `${lead}    `;
  const [first, ...rest] = wrapWords(line.trimStart(), width - lead.length);
  if (rest.length === 0) return [line];
  return [lead + first, ...wrapWords(rest.join(" "), width - indent.length).map((l) => indent + l)];
}

/**
 * A fixed-width table: columns padded to their widest cell, the last column free; with `width`, a last cell that does
 * not fit continues on lines of its own, aligned under its column (or indented 6 when the column starts far right).
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], width?: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const lastStart = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  const lastWidth = width === undefined ? widths[widths.length - 1] : Math.min(widths[widths.length - 1], Math.max(width - lastStart, header[header.length - 1].length));
  const out = [line(header), line(widths.map((w, i) => "-".repeat(i === widths.length - 1 ? lastWidth : w)))];
  for (const r of rows) {
    const last = r[r.length - 1] ?? "";
    if (width === undefined || lastStart + last.length <= width) {
      out.push(line(r));
      continue;
    }
    const start = lastStart <= width - 40 ? lastStart : 6;
    const pieces = wrapWords(last, width - start);
    if (start === lastStart) {
      out.push(line([...r.slice(0, -1), pieces[0]]));
      out.push(...pieces.slice(1).map((p) => " ".repeat(start) + p));
    } else {
      out.push(line([...r.slice(0, -1), ""]));
      out.push(...pieces.map((p) => " ".repeat(start) + p));
    }
  }
  return out;
}

/** One policy finding on one line: `[level] policy: message (resource)`. */
export const formatFinding = (f: PolicyFinding): string => `[${f.level}] ${f.policy}: ${f.message}${f.resource ? ` (${f.resource})` : ""}`;

/** The last column of a scenario row: why it fails, or what stopped and where the endpoint went. */
function scenarioNote(sc: Scenario): string {
  if (sc.verdict === "fails") return sc.reason;
  const down = sc.stopped.map((x) => (x.why === "lost" ? x.name : `${x.name} (${x.why})`));
  return [...(down.length ? [`down: ${down.join(", ")}`] : []), ...(sc.apiNote ? [sc.apiNote] : [])].join("; ");
}

/** What the symbols of the plan mean. */
export const LEGEND: readonly string[] = [
  "Legend:",
  "  region (primary): the preferred leader region; (standby): the standby control-plane region (aws: its own Kine, k3s",
  "    and load balancers; the k3s API name fails over to it)",
  "  masters ok|LOST (-n): the YugabyteDB master quorum holds or is lost, n masters down",
  "  tablets ok|LOST (-n/RF): tablet quorum holds or is lost; worst case over the allowed placements, n of a tablet's",
  "    RF replicas down",
  "  kine, k3s: Kine replicas and k3s servers still serving, of all; `down:` names the others (lost with the failure,",
  "    or left without a database / Kine)",
  "  api: the kubeconfig endpoint is unchanged, moved (the control plane answers elsewhere: verdict degraded) or lost",
  "  node rows: one host each: a YugabyteDB node and, on aws, a Kine or k3s instance",
];

/** The fault-tolerance section: what the stack asked for, what it survives, and one row per scenario. */
export function renderFaultTolerance(ft: FaultToleranceReport, plan: ClusterPlan): string[] {
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
  const kineAll = plan.kine.replicas.length;
  const k3sAll = plan.k3s.servers.length;
  const rows = ft.scenarios.map((sc) => [
    sc.kind,
    sc.lost,
    sc.verdict === "fails" ? "FAILS" : sc.verdict,
    `${sc.database.masterQuorum ? "ok" : "LOST"} (-${sc.database.mastersLost})`,
    `${sc.database.tabletQuorum ? "ok" : "LOST"} (-${sc.database.tabletReplicasLost}/${sc.database.replicationFactor})`,
    `${sc.kineReplicasLeft}/${kineAll}`,
    `${sc.k3sServersLeft}/${k3sAll}`,
    sc.apiEndpoint,
    scenarioNote(sc),
  ]);
  out.push(...table(["lose", "what", "verdict", "masters", "tablets", "kine", "k3s", "api", "reason / down"], rows, TEXT_WIDTH - 2).map((l) => `  ${l}`));
  return out;
}

/** `yb-a-0,yb-a-1` for a zone's members. */
const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name).join(",") || "-";

/**
 * Where a link goes, in words: `direct`, or the frontend and the members behind it (failover records resolved). The
 * frontend's own name is left out when the client dials it by that name (`endpoint`).
 */
export function describeTarget(w: Pick<Wiring, "frontends">, to: string, endpoint = ""): string {
  const f = frontendById(w, to);
  if (!f) return "direct";
  const label = f.host !== undefined && endpoint.includes(f.host) ? frontendLabel({ ...f, host: undefined, region: undefined }).replace(/ \(no name\)$/, "") : frontendLabel(f);
  if (f.kind === "failover record") return `${label}: ${f.backends.map((b) => describeTarget(w, b)).join(", else ")}`;
  return `${label} over ${f.backends.join(", ")}`;
}

/** One line per group of clients that dial the same endpoints: `kine-0, kine-1 -> host:5433 (YSQL load balancer ... over ...)`. */
export function renderWiring(w: Wiring): string[] {
  const clientLinks = (links: readonly Link[]) => [...new Set(links.map((l) => l.from))].map((from) => ({ from, links: linksFrom(links, from) }));
  const clients = [...clientLinks(w.kineDatabase), ...clientLinks(w.k3sDatastore), { from: KUBECONFIG, links: [w.api] }];
  const groups = new Map<string, string[]>();
  for (const c of clients) {
    const direct = c.links.every((l) => !frontendById(w, l.to));
    // A direct link names its member unless the endpoint does (docker's kubeconfig: server 0's published port).
    const unnamed = c.links.filter((l) => !l.endpoint.includes(l.to)).map((l) => l.to);
    const rhs = direct
      ? `${c.links.map((l) => l.endpoint).join(", ")} (${[...unnamed, "direct"].join(", ")})`
      : c.links.map((l) => `${l.endpoint} (${describeTarget(w, l.to, l.endpoint)})`).join(", ");
    groups.set(rhs, [...(groups.get(rhs) ?? []), c.from]);
  }
  return [...groups].flatMap(([rhs, from]) => fold(`  ${from.join(", ")} -> ${rhs}`));
}

export function renderText(r: PlanReport): string {
  const p = r.plan;
  const [, ...standby] = p.controlPlaneRegions;
  const lines: string[] = [];
  const push = (...ls: string[]) => lines.push(...ls.flatMap((l) => fold(l)));
  push(`yb-k3s plan — stack ${r.stack} (target ${r.target})`);
  push(`YugabyteDB ${p.yugabyte.version}: RF ${p.replicationFactor}, fault tolerance ${p.faultTolerance}`);
  push(`Primary region ${p.primaryRegion}${standby.length ? `; standby control-plane region ${standby.join(", ")}` : ""}`);
  push(`tserver flags: ${Object.entries(p.yugabyte.tserverFlags).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  push("");
  const regionLabel = (name: string) => `${name}${name === p.primaryRegion ? " (primary)" : standby.includes(name) ? " (standby)" : ""}`;
  const rows = p.regions.flatMap((region) =>
    region.zones.map((zone) => [
      regionLabel(region.name),
      zone,
      names(p.nodes.filter((n) => n.zone === zone)),
      names(p.kine.replicas.filter((k) => k.zone === zone)),
      names(p.k3s.servers.filter((s) => s.zone === zone)),
    ]),
  );
  push(...table(["region", "zone", "yugabytedb nodes", "kine", "k3s"], rows));
  push("");
  push(`Kine ${p.kine.version}: ${p.kine.endpoints.join(", ")}`);
  push(`k3s ${p.k3s.version}: API ${p.k3s.apiUrl}`);
  push(`Database: ${p.yugabyte.database} (role ${p.yugabyte.user}); data volumes ${p.protectData ? "protected and retained" : "deleted on destroy"}`);
  push(`Backups: ${renderBackups(p)}`);
  push("Who dials whom:");
  lines.push(...renderWiring(p.wiring));
  push("");
  push(...renderFaultTolerance(r.faultTolerance, p));
  push("");
  push(...LEGEND);
  push("");
  // yb-admin placement decides which zones hold tablet replicas; a node in any other zone holds none.
  const placed = new Set(p.yugabyte.placement.map((b) => `${b.region}/${b.zone}`));
  const idle = p.nodes.filter((n) => !placed.has(`${n.region}/${n.zone}`)).map((n) => n.name);
  if (idle.length)
    push(
      `Note: ${idle.length} of ${p.nodes.length} YugabyteDB nodes are outside the data placement: they hold no tablet replicas and serve as YSQL endpoints in their zones: ${idle.join(", ")}`,
    );
  push(`Resources: ${r.resources.length}`);
  if (r.policies.length === 0) push("Policies: no findings");
  else {
    push(`Policies: ${r.policies.length} finding(s)`);
    for (const f of r.policies) push(`  ${formatFinding(f)}`);
  }
  return lines.join("\n") + "\n";
}

/** A mermaid node id for a member or frontend name. */
export const mermaidId = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, "_");

export function renderMermaid(r: PlanReport): string {
  return renderMermaidPlan(r.plan);
}

/**
 * The topology as a mermaid flowchart: regions > zones > YugabyteDB nodes (masters marked), Kine, k3s; the services,
 * load balancers and failover records between them; and every link of the plan's wiring, as configured.
 */
export function renderMermaidPlan(p: ClusterPlan): string {
  const id = mermaidId;
  const w = p.wiring;
  const masters = new Set(masterNodes(p).map((n) => n.name));
  const [, ...standby] = p.controlPlaneRegions;
  const frontendNode = (f: (typeof w.frontends)[number]) => `${id(f.id)}(["${frontendLabel(f)}"])`;
  const out: string[] = ["flowchart LR"];
  for (const region of p.regions) {
    const mark = region.name === p.primaryRegion ? " (primary)" : standby.includes(region.name) ? " (standby)" : "";
    out.push(`  subgraph R_${id(region.name)}["region ${region.name}${mark}"]`);
    for (const zone of region.zones) {
      out.push(`    subgraph Z_${id(zone)}["zone ${zone}"]`);
      for (const n of p.nodes.filter((x) => x.zone === zone)) out.push(`      ${id(n.name)}[("${n.name}${masters.has(n.name) ? "<br/>master + tserver" : "<br/>tserver"}")]`);
      for (const k of p.kine.replicas.filter((x) => x.zone === zone)) out.push(`      ${id(k.name)}["${k.name}<br/>Kine"]`);
      for (const s of p.k3s.servers.filter((x) => x.zone === zone)) out.push(`      ${id(s.name)}{{"${s.name}<br/>k3s server"}}`);
      out.push("    end");
    }
    for (const f of w.frontends.filter((x) => x.region === region.name)) out.push(`    ${frontendNode(f)}`);
    out.push("  end");
  }
  const first = p.nodes[0];
  for (const n of p.nodes.slice(1)) out.push(`  ${id(n.name)} -. join .-> ${id(first.name)}`);
  for (const f of w.frontends.filter((x) => x.region === undefined)) out.push(`  ${frontendNode(f)}`);
  for (const f of w.frontends)
    f.backends.forEach((b, i) => out.push(f.kind === "failover record" ? `  ${id(f.id)} -. ${i === 0 ? "primary" : "failover"} .-> ${id(b)}` : `  ${id(f.id)} -.-> ${id(b)}`));
  for (const l of w.kineDatabase) out.push(`  ${id(l.from)} -- "YSQL ${ports.ysql}" --> ${id(l.to)}`);
  for (const l of w.k3sDatastore) out.push(`  ${id(l.from)} -- "etcd ${ports.kine}" --> ${id(l.to)}`);
  out.push(`  ${id(KUBECONFIG)}(["kubeconfig ${w.api.endpoint}"])`);
  out.push(`  ${id(KUBECONFIG)} --> ${id(w.api.to)}`);
  return out.join("\n") + "\n";
}

/** One line on both backup layers (planner/backup.ts), for PR review: what a stack keeps, where and for how long. */
export function renderBackups(p: ClusterPlan): string {
  const pit = p.backup.pointInTime;
  const off = p.backup.offCluster;
  const where = (d: NonNullable<typeof off>["destination"]) => (d.kind === "s3" ? `s3 bucket (${d.region}${d.replicaRegion ? `, replicated to ${d.replicaRegion}` : ""})` : d.kind === "pvc" ? `claim ${d.claimName} (${d.size})` : d.path);
  return [
    pit ? `point-in-time every ${pit.intervalMinutes} min, ${pit.retentionMinutes / 1440} d window` : "point-in-time off",
    off ? `off-cluster every ${off.intervalMinutes} min to ${where(off.destination)}, kept ${off.retentionDays} d` : "off-cluster off",
  ].join("; ");
}
