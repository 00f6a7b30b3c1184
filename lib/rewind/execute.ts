/**
 * Run a rendered rewind (docker and kubernetes; aws prints only). Each step runs in order and stops at the first
 * failure, saying which step failed and what state it left (e.g. "k3s and Kine are stopped"). Untested here: it
 * needs Docker or a cluster with YugabyteDB pods (see README, "Backups and recovery").
 */
import type { ClusterAccess } from "../verify/access";
import { runCommand } from "../verify/access";
import type { SqlRunner } from "../verify/schema";
import { parseSnapshotSchedules } from "../verify/yugabyte";
import { YB_ADMIN } from "../../planner/ybAdmin";
import type { RewindPlan } from "./steps";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ExecuteContext {
  readonly access: ClusterAccess;
  readonly sql: SqlRunner;
  readonly log: (line: string) => void;
  /** Bound for the restoration to reach RESTORED. */
  readonly restoreTimeoutMs?: number;
  /** Runs a command (default: spawn it, 15 minutes bound). */
  readonly run?: (argv: readonly string[]) => Promise<string>;
  readonly pollMs?: number;
}

/** `{"schedule_id": ...}` / `{"restoration_id": ...}` from yb-admin's JSON output. */
export function jsonField(text: string, field: string): string {
  const start = text.indexOf("{");
  const v = start >= 0 ? (JSON.parse(text.slice(start)) as Record<string, unknown>)[field] : undefined;
  if (typeof v !== "string") throw new Error(`yb-admin printed no ${field}: ${text.trim().slice(0, 200)}`);
  return v;
}

/** State of one restoration in `list_snapshot_restorations <id>` output. */
export function restorationState(text: string, id: string): string | undefined {
  const start = text.indexOf("{");
  const doc = start >= 0 ? (JSON.parse(text.slice(start)) as { restorations?: { id?: string; state?: string }[] }) : {};
  return doc.restorations?.find((r) => r.id === id)?.state;
}

export async function executeRewind(p: RewindPlan, ctx: ExecuteContext): Promise<void> {
  let scheduleId: string | undefined;
  let recorded: string | undefined;
  for (const [i, step] of p.steps.entries()) {
    ctx.log(`${i + 1}. ${step.title}`);
    try {
      for (const a of step.actions) {
        switch (a.kind) {
          case "exec":
            await (ctx.run ?? ((argv) => runCommand(argv, 15 * 60_000)))(a.argv);
            break;
          case "find-schedule": {
            const schedules = parseSnapshotSchedules(await ctx.access.ybAdmin([YB_ADMIN.listSnapshotSchedules])).filter((s) => s.filter === a.namespace && !s.deleteTime);
            if (schedules.length !== 1) throw new Error(`expected one live snapshot schedule for ${a.namespace}, found ${schedules.length}`);
            const oldest = schedules[0].snapshots.map((s) => s.time.getTime()).sort((x, y) => x - y)[0];
            if (oldest === undefined || oldest > p.target.getTime())
              throw new Error(`the schedule's window starts at ${oldest === undefined ? "(no snapshot yet)" : new Date(oldest).toISOString()}, after ${p.target.toISOString()}`);
            scheduleId = schedules[0].id;
            ctx.log(`     schedule ${scheduleId}, window from ${new Date(oldest).toISOString()}`);
            break;
          }
          case "record-revision":
            recorded = (await ctx.sql(a.sql))[0]?.[0];
            ctx.log(`     newest revision before the rewind: ${recorded}`);
            break;
          case "restore": {
            const out = await ctx.access.ybAdmin([YB_ADMIN.restoreSnapshotSchedule, scheduleId as string, a.atMicros]);
            const rid = jsonField(out, "restoration_id");
            const deadline = Date.now() + (ctx.restoreTimeoutMs ?? 15 * 60_000);
            let state: string | undefined;
            while (Date.now() < deadline) {
              state = restorationState(await ctx.access.ybAdmin([YB_ADMIN.listSnapshotRestorations, rid]), rid);
              if (state === "RESTORED") break;
              if (state === "FAILED") throw new Error(`restoration ${rid} FAILED`);
              await sleep(ctx.pollMs ?? 2_000);
            }
            if (state !== "RESTORED") throw new Error(`restoration ${rid} is ${state ?? "unknown"} after the time limit`);
            ctx.log(`     restoration ${rid} RESTORED`);
            break;
          }
          case "bump-revision":
            if (recorded === undefined) throw new Error("no revision was recorded");
            await ctx.sql(a.sql(recorded));
            break;
        }
      }
    } catch (e) {
      const stopped = i >= 2 ? (i >= 6 ? "k3s is stopped" : "k3s and Kine are stopped") : i >= 1 ? "k3s may be stopped" : "nothing was stopped";
      throw new Error(`step ${i + 1} (${step.title}) failed: ${e instanceof Error ? e.message : String(e)}. State: ${stopped}; finish the remaining steps by hand (npm run rewind prints them).`);
    }
  }
}
