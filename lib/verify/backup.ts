/**
 * verify's `backup-age` check: the newest off-cluster backup exists and is recent. Where it is read, per target:
 * - docker: `latest.json` in the host directory (local daemon) or through the backup container (`docker exec`, remote);
 * - kubernetes: the newest Complete Job of the backup CronJob (its completion time) and the CronJob's
 *   `status.lastSuccessfulTime`, with the stack's own kubectl context;
 * - aws: `latest.json` in the bucket from the `backups` output, with the AWS CLI and the operator's credentials.
 * The evaluation is pure; the readers run commands.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Topology } from "../../config/schema";
import { BACKUP_FILES, KINE_BACKUP_NAME, dockerBackupContainerName, type OffClusterBackupPlan } from "../../planner/backup";
import type { ClusterPlan } from "../../planner/plan";
import { K8S_APPS, selectorString } from "../../components/kubernetes.common";
import { kubectlBase, kubectlTargetOf, runCommand } from "./access";
import type { VerifyOutputs } from "./outputs";
import { fail, ok, skip, type CheckResult } from "./result";

export interface LatestBackup {
  /** The backup's name, when the source knows it. */
  readonly name?: string;
  /** When it was stored. */
  readonly time: Date;
  readonly source: string;
}

export type BackupReader = { readonly read: () => Promise<LatestBackup | undefined> } | { readonly unreachable: string };

/** The newest backup is at most two intervals plus slack old: one missed run is tolerated, two are a failure. */
export const maxBackupAgeMinutes = (b: Pick<OffClusterBackupPlan, "intervalMinutes">): number => 2 * b.intervalMinutes + 10;

export function evaluateBackupAge(b: OffClusterBackupPlan | undefined, latest: LatestBackup | undefined, now: Date): CheckResult {
  const check = "backup-age";
  if (!b) return skip(check, "off-cluster backups are off for this stack (yb-k3s:backup.offCluster.enabled)");
  const where = b.destination.kind === "s3" ? "the bucket" : b.destination.kind === "pvc" ? `claim ${b.destination.claimName}` : b.destination.path;
  if (!latest) return fail(check, `no off-cluster backup in ${where} yet (one is due every ${b.intervalMinutes} min; see README "Backups and recovery")`);
  const age = (now.getTime() - latest.time.getTime()) / 60_000;
  const summary = `newest backup ${latest.name ?? ""}${latest.name ? " " : ""}taken ${latest.time.toISOString()}, ${Math.max(0, Math.round(age))} min ago (every ${b.intervalMinutes} min; ${latest.source})`;
  return age > maxBackupAgeMinutes(b) ? fail(check, `${summary}: older than ${maxBackupAgeMinutes(b)} min, so backups are failing`) : ok(check, summary);
}

/** `latest.json` as the backup script writes it. */
export function parseLatestJson(text: string, source: string): LatestBackup {
  const doc = JSON.parse(text) as { name?: unknown; time?: unknown };
  if (typeof doc.name !== "string" || typeof doc.time !== "string" || Number.isNaN(Date.parse(doc.time))) throw new Error(`${source}: not a latest.json written by the backup script`);
  return { name: doc.name, time: new Date(doc.time), source };
}

interface JobLike {
  readonly metadata: { readonly name: string };
  readonly status?: { readonly completionTime?: string; readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
}

/** The newest successful run among the CronJob's Jobs and its own lastSuccessfulTime (pure). */
export function newestSuccessfulRun(jobs: readonly JobLike[], lastSuccessfulTime: string | undefined): LatestBackup | undefined {
  const done = jobs
    .filter((j) => j.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") && j.status.completionTime)
    .map((j) => ({ name: `job/${j.metadata.name}`, time: new Date(j.status?.completionTime as string), source: "the backup CronJob's Jobs" }));
  if (lastSuccessfulTime) done.push({ name: `cronjob/${KINE_BACKUP_NAME}`, time: new Date(lastSuccessfulTime), source: "the CronJob's lastSuccessfulTime" });
  return done.sort((a, b) => b.time.getTime() - a.time.getTime())[0];
}

export function backupReader(plan: ClusterPlan, topology: Topology, outputs: VerifyOutputs | undefined): BackupReader {
  const b = plan.backup.offCluster;
  if (!b) return { unreachable: "off" };
  const d = b.destination;
  switch (d.kind) {
    case "directory": {
      const host = topology.docker?.host;
      const file = `${d.path}/${BACKUP_FILES.latest}`;
      if (!host)
        return { read: async () => (existsSync(file) ? parseLatestJson(readFileSync(file, "utf8"), file) : undefined) };
      const c = dockerBackupContainerName(plan.prefix);
      return {
        read: async () => {
          const text = await runCommand(["docker", "-H", host, "exec", c, "sh", "-c", `cat ${BACKUP_FILES.mount}/${BACKUP_FILES.latest} 2>/dev/null || true`]);
          return text.trim() ? parseLatestJson(text, `${c}:${BACKUP_FILES.mount}/${BACKUP_FILES.latest}`) : undefined;
        },
      };
    }
    case "pvc": {
      const k = kubectlTargetOf(topology);
      if (!k) return { unreachable: "the stack has no yb-k3s:kubernetes section" };
      const base = kubectlBase(k);
      const selector = selectorString(plan, K8S_APPS.backup);
      return {
        read: async () => {
          const jobs = JSON.parse(await runCommand([...base, "get", "jobs", "-l", selector, "-o", "json"])) as { items?: JobLike[] };
          const cron = JSON.parse(await runCommand([...base, "get", "cronjob", KINE_BACKUP_NAME, "-o", "json"])) as { status?: { lastSuccessfulTime?: string } };
          return newestSuccessfulRun(jobs.items ?? [], cron.status?.lastSuccessfulTime);
        },
      };
    }
    case "s3": {
      const o = outputs?.backups?.offCluster;
      if (!o?.bucket) return { unreachable: "no bucket: the stack has no backups.offCluster.bucket output" };
      const url = `s3://${o.bucket}/${d.keyPrefix}${BACKUP_FILES.latest}`;
      return {
        read: async () => {
          const text = await runCommand(["aws", "--region", d.region, "s3", "cp", "--only-show-errors", url, "-"]).catch((e: unknown) => {
            if (e instanceof Error && /NoSuchKey|does not exist|404/.test(e.message)) return "";
            throw e;
          });
          return text.trim() ? parseLatestJson(text, url) : undefined;
        },
      };
    }
  }
}
