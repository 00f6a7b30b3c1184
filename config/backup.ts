import { z } from "zod";
import { DNS_SUBDOMAIN } from "./kubernetes";

/**
 * Intervals a schedule can keep exactly on every target: a cron `*\/N` minute or hour step (kubernetes), the same
 * systemd OnCalendar step (aws) and a sleep loop (docker). Other values would drift or skip on a day boundary.
 */
export const OFF_CLUSTER_INTERVALS = [5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440] as const;

/**
 * `yb-k3s:backup` — two layers, both on by default where the stack keeps its data (`protectData`, itself on by default
 * outside docker):
 * - `pointInTime`: a YugabyteDB snapshot schedule the bootstrap creates once (`yb-admin create_snapshot_schedule
 *   <interval> <retention> ysql.<database>`); `npm run rewind` uses it. Lives on the universe's own disks.
 * - `offCluster`: a scheduled logical dump of Kine's table to storage outside the universe (aws: an S3 bucket the
 *   stack creates; kubernetes: a PersistentVolumeClaim of its own; docker: a host directory); `npm run restore` uses it.
 */
export const BackupConfig = z.strictObject({
  pointInTime: z
    .strictObject({
      /** Default: the stack's `protectData` (true on kubernetes and aws, false on docker). */
      enabled: z.boolean().optional(),
      /** Minutes between snapshots. Any moment inside the retention window can be rewound to; see README. */
      intervalMinutes: z.number().int().min(1, "must be at least 1 (minutes)").max(1440, "must be at most 1440 (a day)").default(60),
      /** How long snapshots (and so the rewindable window) are kept. */
      retentionDays: z.number().int().min(1, "must be at least 1 (day)").max(35, "must be at most 35 (days): history costs disk on every node").default(7),
    })
    .prefault({})
    .refine((p) => p.retentionDays * 1440 > p.intervalMinutes, { message: "retentionDays must be longer than intervalMinutes, or no snapshot is ever kept", path: ["retentionDays"] }),
  offCluster: z
    .strictObject({
      /** Default: the stack's `protectData`. */
      enabled: z.boolean().optional(),
      /** Minutes between backups: the worst-case data loss (RPO) when the whole universe is lost. */
      intervalMinutes: z
        .number()
        .refine((m) => (OFF_CLUSTER_INTERVALS as readonly number[]).includes(m), { error: (i) => `must be one of ${OFF_CLUSTER_INTERVALS.join(", ")} (minutes); got ${String(i.input)}` })
        .default(60),
      /** How long backups are kept (aws: a lifecycle rule; kubernetes and docker: pruned by the backup job itself). */
      retentionDays: z.number().int().min(1, "must be at least 1 (day)").max(3650, "must be at most 3650 (days)").default(14),
      /** docker: the host directory backups are written to (absolute path; created if missing). Required on docker. */
      directory: z
        .string()
        .refine((d) => d.startsWith("/") && !d.split("/").includes(".."), { message: "must be an absolute path without '..' components, such as /var/backups/yb-k3s" })
        .optional(),
      /** kubernetes: the size of the backup PersistentVolumeClaim (default 20Gi). */
      volumeSize: z
        .string()
        .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, "must be a size such as 20Gi (Mi, Gi or Ti)")
        .optional(),
      /** kubernetes: its StorageClass (default: `kubernetes.storageClass`). Pick one whose volumes outlive a zone, if your cluster has one. */
      storageClass: z.string().regex(DNS_SUBDOMAIN, "must name a StorageClass (a DNS subdomain)").max(253).optional(),
    })
    .prefault({}),
});
export type BackupConfig = z.infer<typeof BackupConfig>;
