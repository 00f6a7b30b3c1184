/**
 * Point-in-time recovery, planned: the snapshot schedule the bootstrap creates for Kine's database (pure).
 * YugabyteDB's snapshot schedule keeps a snapshot every interval and the change history between them, so any moment
 * inside the retention window (to the microsecond) can be rewound to with `yb-admin restore_snapshot_schedule`
 * (docs.yugabyte.com, "Point-in-time recovery"). It protects against logical damage (a bad `kubectl delete`, a broken
 * controller); it lives on the universe's own disks, so it is no backup against losing the universe.
 */
import type { Topology } from "../config/schema";

export interface PointInTimePlan {
  /** The YSQL database the schedule covers (`ysql.<database>` in yb-admin). */
  readonly database: string;
  readonly intervalMinutes: number;
  readonly retentionMinutes: number;
}

export interface BackupPlan {
  /** Present exactly when point-in-time recovery is on. */
  readonly pointInTime?: PointInTimePlan;
}

/** yb-admin's filter for a YSQL database. */
export const ysqlNamespace = (database: string): string => `ysql.${database}`;

export function planBackup(t: Topology, protectData: boolean): BackupPlan {
  const p = t.backup.pointInTime;
  if (!(p.enabled ?? protectData)) return {};
  return { pointInTime: { database: t.yugabyte.database, intervalMinutes: p.intervalMinutes, retentionMinutes: p.retentionDays * 24 * 60 } };
}
