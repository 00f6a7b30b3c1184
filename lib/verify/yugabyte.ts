/**
 * verify's YugabyteDB checks, read from the running universe (never from the plan alone):
 * - every tserver's flags from its web UI, `GET :9000/varz?raw` (one `--name=value` line per gflag; upstream
 *   yugabyte/yugabyte-db src/yb/server/default-path-handlers.cc, FlagsHandler) — `ysql_sequence_cache_minval=1` above
 *   all, and every other tserver flag the plan renders;
 * - the universe's placement, `yb-admin get_universe_config` (the SysClusterConfigEntryPB as protobuf JSON:
 *   replicationInfo.liveReplicas.{numReplicas, placementBlocks[].{cloudInfo, minNumReplicas}},
 *   replicationInfo.multiAffinitizedLeaders[].zones for the preferred zones, in priority order);
 * - the snapshot schedule, `yb-admin list_snapshot_schedules` (`{"schedules":[{"id", "options":{"filter":
 *   "ysql.<db>", "interval":"N min", "retention":"N min"}, "snapshots":[{"id", "snapshot_time"}]}]}`; times are
 *   rendered in the local time zone of yb-admin, so verify runs it with TZ=UTC).
 * Parsers and evaluations are pure.
 */
import type { ClusterPlan, NodePlan, PlacementBlock } from "../../planner/plan";
import { REQUIRED_TSERVER_FLAGS, type FlagMap } from "../../planner/flags";
import { fail, ok, type CheckResult } from "./result";

// ---------------------------------------------------------------------------------------------------------------
// tserver flags

/** `--name=value` lines (the raw /varz page) -> map. Lines of any other shape (headers) are ignored. */
export function parseVarz(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^--([A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const BOOL_TRUE = new Set(["true", "1", "yes", "t", "y"]);
const BOOL_FALSE = new Set(["false", "0", "no", "f", "n"]);
/** gflags prints booleans as true/false; a stack may have written 1/0. */
export function sameFlagValue(planned: string, running: string): boolean {
  if (planned === running) return true;
  const p = planned.toLowerCase();
  const r = running.toLowerCase();
  return (BOOL_TRUE.has(p) && BOOL_TRUE.has(r)) || (BOOL_FALSE.has(p) && BOOL_FALSE.has(r));
}

/** One line per tserver: the required flags (always), and every other flag the plan renders for tservers. */
export function evaluateTserverFlags(node: string, running: Readonly<Record<string, string>>, planned: FlagMap = REQUIRED_TSERVER_FLAGS): CheckResult {
  const check = `tserver-flags/${node}`;
  if (Object.keys(running).length === 0) return fail(check, "the tserver's /varz?raw page lists no flags");
  const flags = { ...planned, ...REQUIRED_TSERVER_FLAGS };
  const wrong = Object.entries(flags)
    .filter(([k, v]) => running[k] === undefined || !sameFlagValue(v, running[k]))
    .map(([k, v]) => `${k}=${running[k] ?? "(not set)"}, planned ${v}${k in REQUIRED_TSERVER_FLAGS ? " (required: Kine needs strictly sequential ids)" : ""}`);
  const required = Object.entries(REQUIRED_TSERVER_FLAGS).map(([k]) => `${k}=${running[k]}`).join(", ");
  return wrong.length ? fail(check, wrong.join("; ")) : ok(check, `${required} (running server), ${Object.keys(flags).length} planned flag(s) as planned`);
}

// ---------------------------------------------------------------------------------------------------------------
// placement

export interface UniversePlacement {
  readonly numReplicas: number;
  readonly blocks: readonly { readonly cloud: string; readonly region: string; readonly zone: string; readonly minReplicas: number }[];
  /** Preferred-leader zones: `c.r.z` with priority (1 = first). */
  readonly preferred: readonly { readonly zone: string; readonly priority: number }[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" ? Number(v) : 0);
const cloudInfo = (v: unknown) => {
  const c = obj(v);
  return { cloud: String(c.placementCloud ?? ""), region: String(c.placementRegion ?? ""), zone: String(c.placementZone ?? "") };
};

/** `yb-admin get_universe_config` output (JSON; older releases print a `Config:` line first). */
export function parseUniverseConfig(text: string): UniversePlacement {
  const start = text.indexOf("{");
  if (start < 0) throw new Error("get_universe_config printed no JSON");
  const doc = obj(JSON.parse(text.slice(start)));
  const info = obj(doc.replicationInfo);
  const live = obj(info.liveReplicas);
  const blocks = arr(live.placementBlocks).map((b) => ({ ...cloudInfo(obj(b).cloudInfo), minReplicas: num(obj(b).minNumReplicas) }));
  const key = (c: { cloud: string; region: string; zone: string }) => `${c.cloud}.${c.region}.${c.zone}`;
  const multi = arr(info.multiAffinitizedLeaders).flatMap((group, i) => arr(obj(group).zones).map((z) => ({ zone: key(cloudInfo(z)), priority: i + 1 })));
  const legacy = arr(info.affinitizedLeaders).map((z) => ({ zone: key(cloudInfo(z)), priority: 1 }));
  return { numReplicas: num(live.numReplicas), blocks, preferred: multi.length ? multi : legacy };
}

const blockKey = (b: Pick<PlacementBlock, "cloud" | "region" | "zone">) => `${b.cloud}.${b.region}.${b.zone}`;

export function evaluatePlacement(plan: Pick<ClusterPlan, "replicationFactor" | "yugabyte">, u: UniversePlacement): CheckResult {
  const problems: string[] = [];
  if (u.numReplicas !== plan.replicationFactor) problems.push(`replication factor ${u.numReplicas || "(unset)"}, planned ${plan.replicationFactor}`);
  const want = new Map(plan.yugabyte.placement.map((b) => [blockKey(b), b.minReplicas ?? 1]));
  const have = new Map(u.blocks.map((b) => [blockKey(b), b.minReplicas]));
  for (const [k, n] of want) {
    if (!have.has(k)) problems.push(`no placement block ${k} (planned min ${n})`);
    else if (have.get(k) !== n) problems.push(`${k} min ${have.get(k)}, planned ${n}`);
  }
  for (const k of have.keys()) if (!want.has(k)) problems.push(`unplanned placement block ${k}`);
  const wantLeaders = plan.yugabyte.preferredLeaders.map((b) => `${blockKey(b)}:${b.priority ?? 1}`).sort();
  const haveLeaders = u.preferred.map((p) => `${p.zone}:${p.priority}`).sort();
  if (wantLeaders.join(",") !== haveLeaders.join(","))
    problems.push(`preferred leaders ${haveLeaders.join(", ") || "(none)"}, planned ${wantLeaders.join(", ") || "(none)"}`);
  const rendered = [...want].map(([k, n]) => `${k}:${n}`).join(",");
  return problems.length ? fail("placement", problems.join("; ")) : ok("placement", `RF ${u.numReplicas} over ${rendered}${wantLeaders.length ? `, preferred leaders ${wantLeaders.join(" ")}` : ""}`);
}

// ---------------------------------------------------------------------------------------------------------------
// snapshot schedule

export interface SnapshotSchedule {
  readonly id: string;
  /** `ysql.<database>` */
  readonly filter: string;
  readonly intervalMinutes: number;
  readonly retentionMinutes: number;
  readonly snapshots: readonly { readonly id: string; readonly time: Date }[];
  readonly deleteTime?: string;
}

/** `2026-12-01 10:15:02.123456` (yb-admin's HybridTimeToString, run with TZ=UTC) -> Date. */
export function parseYbAdminTime(s: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(s.trim());
  if (!m) throw new Error(`not a yb-admin time: ${s}`);
  return new Date(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4) : ""}Z`);
}

const minutes = (s: unknown): number => {
  const m = /^(\d+(?:\.\d+)?)\s*min/.exec(String(s ?? ""));
  return m ? Number(m[1]) : NaN;
};

export function parseSnapshotSchedules(text: string): SnapshotSchedule[] {
  const start = text.indexOf("{");
  if (start < 0) throw new Error("list_snapshot_schedules printed no JSON");
  return arr(obj(JSON.parse(text.slice(start))).schedules).map((s) => {
    const o = obj(obj(s).options);
    return {
      id: String(obj(s).id ?? ""),
      filter: String(o.filter ?? ""),
      intervalMinutes: minutes(o.interval),
      retentionMinutes: minutes(o.retention),
      deleteTime: typeof o.delete_time === "string" ? o.delete_time : undefined,
      snapshots: arr(obj(s).snapshots).map((x) => ({ id: String(obj(x).id ?? ""), time: parseYbAdminTime(String(obj(x).snapshot_time ?? "")) })),
    };
  });
}

export interface ExpectedSchedule {
  readonly database: string;
  readonly intervalMinutes: number;
  readonly retentionMinutes: number;
}

/** The schedule for `ysql.<db>` exists (not being deleted), matches the plan, and its newest snapshot is recent. */
export function evaluateSnapshotSchedule(expected: ExpectedSchedule | undefined, schedules: readonly SnapshotSchedule[], now: Date): CheckResult {
  const check = "snapshot-schedule";
  if (!expected) return ok(check, `point-in-time recovery is off for this stack; ${schedules.length} schedule(s) present`);
  const filter = `ysql.${expected.database}`;
  const mine = schedules.filter((s) => s.filter === filter && !s.deleteTime);
  if (mine.length === 0) return fail(check, `no snapshot schedule for ${filter} (the bootstrap creates it; rerun it or see README "Backups and recovery")`);
  const s = mine[0];
  const problems: string[] = [];
  if (mine.length > 1) problems.push(`${mine.length} schedules for ${filter} (${mine.map((m) => m.id).join(", ")}); expected one`);
  if (s.intervalMinutes !== expected.intervalMinutes) problems.push(`interval ${s.intervalMinutes} min, planned ${expected.intervalMinutes}`);
  if (s.retentionMinutes !== expected.retentionMinutes) problems.push(`retention ${s.retentionMinutes} min, planned ${expected.retentionMinutes}`);
  const newest = [...s.snapshots].sort((a, b) => b.time.getTime() - a.time.getTime())[0];
  // A snapshot is due every interval; allow one missed beat plus slack before calling the newest one stale.
  const maxAgeMin = 2 * expected.intervalMinutes + 5;
  const age = newest ? (now.getTime() - newest.time.getTime()) / 60_000 : undefined;
  if (!newest) problems.push("no snapshot taken yet");
  else if ((age as number) > maxAgeMin) problems.push(`newest snapshot is ${Math.round(age as number)} min old (taken ${newest.time.toISOString()}), more than ${maxAgeMin} min`);
  const summary = `${s.id}: every ${s.intervalMinutes} min, kept ${s.retentionMinutes} min, ${s.snapshots.length} snapshot(s)${newest ? `, newest ${Math.max(0, Math.round(age as number))} min ago` : ""}`;
  return problems.length ? fail(check, `${summary}; ${problems.join("; ")}`) : ok(check, summary);
}

/** Nodes whose tservers verify reads: every planned node. */
export const tserverNodes = (plan: Pick<ClusterPlan, "nodes">): readonly NodePlan[] => plan.nodes;
