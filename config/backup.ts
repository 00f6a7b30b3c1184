import { z } from "zod";

/**
 * `yb-k3s:backup` — point-in-time recovery of Kine's database: a YugabyteDB snapshot schedule the bootstrap creates
 * once (`yb-admin create_snapshot_schedule <interval> <retention> ysql.<database>`). On by default where the stack
 * keeps its data (`protectData`, itself on by default outside docker); `npm run rewind` uses it.
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
});
export type BackupConfig = z.infer<typeof BackupConfig>;
