/**
 * Backups of Kine's database, planned (pure). Two layers:
 * - Point-in-time recovery: YugabyteDB's snapshot schedule keeps a snapshot every interval and the change history
 *   between them, so any moment inside the retention window (to the microsecond) can be rewound to with `yb-admin
 *   restore_snapshot_schedule` (docs.yugabyte.com, "Point-in-time recovery"). It protects against logical damage (a bad
 *   `kubectl delete`, a broken controller); it lives on the universe's own disks, so it is no backup against losing the
 *   universe.
 * - Off-cluster backups: every interval, a consistent logical dump of Kine's table (`ysql_dump --data-only`, one
 *   snapshot transaction) is written outside the universe: an S3 bucket (aws), a PersistentVolumeClaim of its own
 *   (kubernetes), a host directory (docker). The schema is not in the dump: it is the program's (`plan --format sql`),
 *   created by the bootstrap, so a restore loads rows into the schema the stack already has. `npm run restore` loads one.
 */
import type { TargetKind, Topology } from "../config/schema";
import { KINE_TABLE } from "./kineSchema";

export interface PointInTimePlan {
  /** The YSQL database the schedule covers (`ysql.<database>` in yb-admin). */
  readonly database: string;
  readonly intervalMinutes: number;
  readonly retentionMinutes: number;
}

export type BackupDestination =
  | { readonly kind: "directory"; readonly path: string }
  | { readonly kind: "pvc"; readonly claimName: string; readonly size: string; readonly storageClass?: string }
  /**
   * The bucket is the stack's own (created with it); its name is known only once created. A stack that spans regions
   * also gets a replica bucket in `replicaRegion` (its standby region, else its first other region): losing the
   * primary region, or the bucket's, does not lose the backups.
   */
  | { readonly kind: "s3"; readonly keyPrefix: string; readonly region: string; readonly replicaRegion?: string };

export interface OffClusterBackupPlan {
  readonly database: string;
  readonly table: string;
  readonly intervalMinutes: number;
  readonly retentionDays: number;
  /** kubernetes CronJob schedule (UTC). */
  readonly cron: string;
  /** aws systemd timer `OnCalendar=` (UTC). */
  readonly onCalendar: string;
  readonly destination: BackupDestination;
}

export interface BackupPlan {
  /** Present exactly when point-in-time recovery is on. */
  readonly pointInTime?: PointInTimePlan;
  /** Present exactly when off-cluster backups are on. */
  readonly offCluster?: OffClusterBackupPlan;
}

/** yb-admin's filter for a YSQL database. */
export const ysqlNamespace = (database: string): string => `ysql.${database}`;

/**
 * Backup object names: `kine-<UTC yyyymmddThhmmssZ>.sql.gz`, so names sort by time, plus a `latest.json` written after
 * each successful backup ({name, time, bytes}) that `verify` reads for the backup age.
 */
export const BACKUP_FILES = {
  prefix: "kine-",
  suffix: ".sql.gz",
  latest: "latest.json",
  /** Where the dump is mounted / written inside the backup container (docker, kubernetes). */
  mount: "/backups",
} as const;

const BACKUP_NAME = /^kine-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.sql\.gz$/;

/** The name a backup taken at `t` gets (what the backup script's `date -u +%Y%m%dT%H%M%SZ` renders). */
export function backupName(t: Date): string {
  const iso = t.toISOString(); // 2026-12-01T13:21:00.000Z
  return `${BACKUP_FILES.prefix}${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z${BACKUP_FILES.suffix}`;
}

/** The time in a backup's name, or undefined for anything that is not a backup name. */
export function backupTime(name: string): Date | undefined {
  const m = BACKUP_NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(t.getTime()) || backupName(t) !== name ? undefined : t;
}

/** A cron step every N minutes (N divides 60) or every N/60 hours (N/60 divides 24), at minute 7 to miss the top of the hour. */
export function cronSchedule(intervalMinutes: number): string {
  if (intervalMinutes < 60 && 60 % intervalMinutes === 0) return `*/${intervalMinutes} * * * *`;
  const hours = intervalMinutes / 60;
  if (Number.isInteger(hours) && 24 % hours === 0) return hours === 1 ? "7 * * * *" : hours === 24 ? "7 0 * * *" : `7 */${hours} * * *`;
  throw new Error(`no exact cron schedule for every ${intervalMinutes} minutes`);
}

/** The same instants as {@link cronSchedule}, as a systemd calendar event (systemd.time(7)). */
export function onCalendar(intervalMinutes: number): string {
  if (intervalMinutes < 60 && 60 % intervalMinutes === 0) return `*-*-* *:00/${intervalMinutes}:00 UTC`;
  const hours = intervalMinutes / 60;
  // 00/24 is no valid hour step (systemd-analyze refuses it): once a day is 00:07.
  if (Number.isInteger(hours) && 24 % hours === 0) return hours === 24 ? "*-*-* 00:07:00 UTC" : `*-*-* 00/${hours}:07:00 UTC`;
  throw new Error(`no exact systemd calendar event for every ${intervalMinutes} minutes`);
}

/** The backup claim's name on kubernetes. */
export const BACKUP_CLAIM = "kine-backups";
/** The backup CronJob (and its Secret) on kubernetes: `kubectl get cronjob kine-backup` shows the last success. */
export const KINE_BACKUP_NAME = "kine-backup";
/** The backup container on docker: `docker logs <prefix>-kine-backup` shows every run. */
export const dockerBackupContainerName = (prefix: string): string => `${prefix}-kine-backup`;
export const DEFAULT_BACKUP_VOLUME_SIZE = "20Gi";

export interface BackupRegions {
  /** The stack's primary region (the plan's). */
  readonly primaryRegion: string;
  /** aws, more than one region: where backups are replicated. */
  readonly replicaRegion?: string;
}

export function planBackup(t: Topology, protectData: boolean, regions?: BackupRegions, target: TargetKind = t.target): BackupPlan {
  const p = t.backup.pointInTime;
  const o = t.backup.offCluster;
  const pointInTime = (p.enabled ?? protectData) ? { database: t.yugabyte.database, intervalMinutes: p.intervalMinutes, retentionMinutes: p.retentionDays * 24 * 60 } : undefined;
  let offCluster: OffClusterBackupPlan | undefined;
  if (o.enabled ?? protectData) {
    const destination: BackupDestination =
      target === "docker"
        ? { kind: "directory", path: requireDirectory(o.directory) }
        : target === "kubernetes"
          ? { kind: "pvc", claimName: BACKUP_CLAIM, size: o.volumeSize ?? DEFAULT_BACKUP_VOLUME_SIZE, storageClass: o.storageClass ?? t.kubernetes?.storageClass }
          : {
              kind: "s3",
              keyPrefix: "kine/",
              region: regions?.primaryRegion ?? t.primaryRegion ?? t.regions[0].name,
              ...(regions?.replicaRegion ? { replicaRegion: regions.replicaRegion } : {}),
            };
    offCluster = {
      database: t.yugabyte.database,
      table: KINE_TABLE,
      intervalMinutes: o.intervalMinutes,
      retentionDays: o.retentionDays,
      cron: cronSchedule(o.intervalMinutes),
      onCalendar: onCalendar(o.intervalMinutes),
      destination,
    };
  }
  return { ...(pointInTime ? { pointInTime } : {}), ...(offCluster ? { offCluster } : {}) };
}

function requireDirectory(d: string | undefined): string {
  // The config schema refuses this first, naming the key; a plan built around it would write nowhere.
  if (d === undefined) throw new Error("backup.offCluster.directory is required on docker while off-cluster backups are on");
  return d;
}
