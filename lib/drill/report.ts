/**
 * What `npm run drill` measures and checks, computed from what it saw (pure):
 * - availability: each probe (GET /readyz, then create and delete a ConfigMap) stands for the time from its start to
 *   the next probe's start (the last one: to the end of the hold), clipped to the hold. Unavailability is the sum of
 *   the failed probes' intervals; an outage is a run of consecutive failed probes, the longest one is reported too.
 * - the universe is whole: every planned StatefulSet / Deployment at its planned ready count (kubernetes), every
 *   planned container running and healthy (docker), every planned tablet server registered and ALIVE (yb-admin).
 */
import type { ClusterPlan } from "../../planner/plan";
import { ports } from "../../planner/ports";
import { fail, ok, type CheckResult } from "../verify/result";
import type { PlannedWorkload } from "./steps";

// ---------------------------------------------------------------------------------------------------------------
// availability

export interface Probe {
  /** Milliseconds (any clock, the same for every probe and the window). */
  readonly startMs: number;
  readonly endMs: number;
  readonly readyz: boolean;
  readonly write: boolean;
  /** Why it failed, one line. */
  readonly message?: string;
}

export const probeOk = (p: Probe): boolean => p.readyz && p.write;

export interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

export interface Availability {
  readonly windowMs: number;
  readonly probes: number;
  readonly failedProbes: number;
  readonly failedReadyz: number;
  readonly failedWrites: number;
  /** Sum of the failed probes' intervals. */
  readonly unavailableMs: number;
  /** The longest run of consecutive failed probes. */
  readonly longestOutageMs: number;
  readonly outages: readonly Window[];
  readonly firstFailure?: { readonly atMs: number; readonly message: string };
  readonly lastFailure?: { readonly atMs: number; readonly message: string };
}

export function summarizeProbes(input: readonly Probe[], w: Window): Availability {
  // Probes run one after another; two starting in the same millisecond are ordered passing first (the failing one
  // then covers the interval), so the result never depends on the order they were given in.
  const probes = [...input].sort((a, b) => a.startMs - b.startMs || Number(!probeOk(a)) - Number(!probeOk(b)) || a.endMs - b.endMs);
  const windowMs = Math.max(0, w.endMs - w.startMs);
  const outages: Window[] = [];
  let unavailableMs = 0;
  let open: { startMs: number; endMs: number } | undefined;
  probes.forEach((p, i) => {
    const from = Math.min(Math.max(p.startMs, w.startMs), w.endMs);
    const to = Math.max(from, Math.min(probes[i + 1]?.startMs ?? w.endMs, w.endMs));
    if (probeOk(p)) {
      if (open) outages.push(open);
      open = undefined;
      return;
    }
    unavailableMs += to - from;
    open = open ? { startMs: open.startMs, endMs: to } : { startMs: from, endMs: to };
  });
  if (open) outages.push(open);
  const failed = probes.filter((p) => !probeOk(p));
  const at = (p: Probe) => ({ atMs: p.startMs - w.startMs, message: p.message ?? (p.readyz ? "the write failed" : "/readyz failed") });
  return {
    windowMs,
    probes: probes.length,
    failedProbes: failed.length,
    failedReadyz: probes.filter((p) => !p.readyz).length,
    failedWrites: probes.filter((p) => !p.write).length,
    unavailableMs,
    longestOutageMs: outages.reduce((m, o) => Math.max(m, o.endMs - o.startMs), 0),
    outages,
    ...(failed.length ? { firstFailure: at(failed[0]), lastFailure: at(failed[failed.length - 1]) } : {}),
  };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `availability` and `writes` lines. Any failed probe is a FAIL: the drill only runs domains the plan says the stack survives. */
export function evaluateAvailability(a: Availability): CheckResult[] {
  const over = `${a.probes} probe(s) over ${secs(a.windowMs)}`;
  const failures = a.firstFailure
    ? `; first failure at +${secs(a.firstFailure.atMs)}: ${a.firstFailure.message}${a.lastFailure && a.failedProbes > 1 ? `; last at +${secs(a.lastFailure.atMs)}: ${a.lastFailure.message}` : ""}`
    : "";
  const availability =
    a.probes === 0
      ? fail("availability", "no probe ran while the domain was down")
      : a.failedProbes === 0
        ? ok("availability", `${over}, none failed: 0.0 s unavailable`)
        : fail("availability", `${secs(a.unavailableMs)} unavailable (longest outage ${secs(a.longestOutageMs)}, ${a.outages.length} outage(s)): ${a.failedProbes} of ${over} failed (${a.failedReadyz} /readyz)${failures}`);
  const writes =
    a.failedWrites === 0
      ? ok("writes", `${a.probes} write(s) (ConfigMap create + delete), none failed`)
      : fail("writes", `${a.failedWrites} of ${a.probes} write(s) failed while the plan says the stack survives this domain`);
  return a.probes === 0 ? [availability] : [availability, writes];
}

// ---------------------------------------------------------------------------------------------------------------
// kubernetes

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const items = (v: unknown): Obj[] => (Array.isArray(obj(v).items) ? (obj(v).items as unknown[]).map(obj) : []);
const labelsOf = (o: Obj): Record<string, string> => obj(obj(o.metadata).labels) as Record<string, string>;
const nameOf = (o: Obj): string => String(obj(o.metadata).name ?? "");

/** Names of the nodes (a `kubectl get nodes -o json` list) whose zone label is one of the zones. */
export function nodesInZones(list: unknown, zoneLabel: string, zones: readonly string[]): string[] {
  return items(list)
    .filter((n) => zones.includes(labelsOf(n)[zoneLabel]))
    .map(nameOf);
}

export interface PodPlace {
  readonly name: string;
  readonly node?: string;
  readonly phase: string;
}

/** Pods of the given apps (`app.kubernetes.io/name`) still on one of the nodes, finished pods (Succeeded, Failed) aside. */
export function podsOnNodes(list: unknown, nodes: readonly string[], apps: readonly string[]): PodPlace[] {
  return items(list)
    .filter((p) => apps.includes(labelsOf(p)["app.kubernetes.io/name"]))
    .map((p) => ({ name: nameOf(p), node: obj(p.spec).nodeName as string | undefined, phase: String(obj(p.status).phase ?? "Unknown") }))
    .filter((p) => p.node !== undefined && nodes.includes(p.node) && p.phase !== "Succeeded" && p.phase !== "Failed");
}

/** One line per planned workload from `kubectl get statefulsets,deployments -o json`: it exists, wants and has its planned ready count. */
export function evaluateWorkloads(planned: readonly PlannedWorkload[], list: unknown): CheckResult[] {
  const kindOf = (o: Obj) => String(o.kind ?? "").toLowerCase();
  return planned.map((w) => {
    const check = `workload/${w.kind}/${w.name}`;
    const live = items(list).find((o) => kindOf(o) === w.kind && nameOf(o) === w.name);
    if (!live) return fail(check, "not found");
    const want = Number(obj(live.spec).replicas ?? 1);
    const ready = Number(obj(live.status).readyReplicas ?? 0);
    const detail = `${ready}/${w.replicas} ready`;
    if (want !== w.replicas) return fail(check, `${detail}; spec.replicas is ${want}, planned ${w.replicas}`);
    return ready === w.replicas ? ok(check, detail) : fail(check, detail);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// docker

export interface ContainerState {
  readonly status: string;
  /** `healthy`, `starting`, `unhealthy`, or `none` without a health check. */
  readonly health: string;
}

/** Lines of `docker inspect --format '{{.Name}} {{.State.Status}} {{...Health.Status or none}}'`. */
export function parseDockerInspect(text: string): Map<string, ContainerState> {
  const out = new Map<string, ContainerState>();
  for (const line of text.split("\n")) {
    const [name, status, health] = line.trim().split(/\s+/);
    if (name && status) out.set(name.replace(/^\//, ""), { status, health: health ?? "none" });
  }
  return out;
}

export const containerReady = (s: ContainerState | undefined): boolean => s?.status === "running" && (s.health === "healthy" || s.health === "none");

export function evaluateContainers(names: readonly string[], states: ReadonlyMap<string, ContainerState>): CheckResult[] {
  return names.map((n) => {
    const s = states.get(n);
    const check = `container/${n}`;
    if (!s) return fail(check, "not found");
    const detail = `${s.status}${s.health !== "none" ? `, ${s.health}` : ""}`;
    return containerReady(s) ? ok(check, detail) : fail(check, detail);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// YugabyteDB

export interface TabletServer {
  readonly uuid: string;
  readonly hostPort: string;
  /** `ALIVE`, `DEAD`, or `unknown` when the line has no status column. */
  readonly status: string;
}

/**
 * `yb-admin list_all_tablet_servers`: a header (`Tablet Server UUID  RPC Host/Port  Heartbeat delay  Status ...`),
 * then one line per tablet server: uuid, host:port, ..., ALIVE|DEAD, ... (the scripts of planner/rollout.ts read it the
 * same way: `$2 == host:port && / ALIVE/`).
 */
export function parseTabletServers(text: string): TabletServer[] {
  const out: TabletServer[] = [];
  for (const line of text.split("\n")) {
    const words = line.trim().split(/\s+/);
    if (words.length < 2 || !/^[0-9a-f]{32}$/i.test(words[0]) || !words[1].includes(":")) continue;
    out.push({ uuid: words[0], hostPort: words[1], status: words.slice(2).find((w) => w === "ALIVE" || w === "DEAD") ?? "unknown" });
  }
  return out;
}

/** Every planned node's tablet server (its advertised address, the tserver RPC port) is registered and ALIVE. */
export function evaluateTabletServers(plan: Pick<ClusterPlan, "nodes">, servers: readonly TabletServer[]): CheckResult {
  const problems: string[] = [];
  for (const n of plan.nodes) {
    const hp = `${n.address}:${ports.tserverRpc}`;
    const s = servers.find((x) => x.hostPort === hp);
    if (!s) problems.push(`${n.name} (${hp}) not registered`);
    else if (s.status !== "ALIVE") problems.push(`${n.name} (${hp}) ${s.status}`);
  }
  const alive = plan.nodes.length - problems.length;
  return problems.length
    ? fail("tservers", `${alive}/${plan.nodes.length} ALIVE; ${problems.join("; ")}`)
    : ok("tservers", `${alive}/${plan.nodes.length} ALIVE: ${plan.nodes.map((n) => n.name).join(", ")}`);
}
