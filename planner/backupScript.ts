/**
 * The off-cluster backup job, one script for every target (pure rendering; shellcheck checks it in the tests):
 *   1. `ysql_dump --data-only --table=<kine>` as Kine's own role: one consistent snapshot of every row (and the id
 *      sequence's value), compressed, checked with `gzip -t`;
 *   2. delivered atomically: a directory (docker host directory, kubernetes PVC) gets `.<name>.part` renamed to
 *      `<name>`; S3 gets a single PUT (an object appears whole or not at all);
 *   3. `latest.json` ({name, time, bytes}) rewritten after the backup itself, so `verify` reads the age of the newest
 *      backup that exists;
 *   4. pruning: a directory drops backups older than the retention (never the one just written); S3 has a lifecycle
 *      rule instead, so the host holds no delete permission.
 * Runs once (kubernetes CronJob, aws systemd timer) or in a loop every interval (docker, which has no scheduler).
 */
import { BACKUP_FILES, type OffClusterBackupPlan } from "./backup";
import { BOOTSTRAP_ENV } from "./bootstrap";
import type { ClusterPlan } from "./plan";
import { ports } from "./ports";
import { SECRET_FILES } from "./secretFiles";

export type BackupDelivery =
  | { readonly kind: "directory"; readonly path: string }
  /** Uploaded with the AWS CLI at `awsCli`, with the host's instance role. */
  | { readonly kind: "s3"; readonly bucket: string; readonly keyPrefix: string; readonly region: string; readonly awsCli: string };

export interface BackupScriptOptions {
  readonly delivery: BackupDelivery;
  /** Repeat every interval forever (docker); otherwise run once and exit non-zero on failure. */
  readonly loop?: boolean;
  /** libpq TLS: verify the server against this CA (sslmode=verify-full) when the plan has TLS on. */
  readonly caFile?: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** ysql_dump's arguments (pg_dump's: checked against the real pg_dump in the tests). */
export function dumpArgs(plan: ClusterPlan, b: OffClusterBackupPlan): string[] {
  return ["-h", plan.yugabyte.ysqlHost, "-p", String(ports.ysql), "-U", plan.yugabyte.user, "-d", b.database, "--data-only", `--table=public.${b.table}`, "--no-owner", "--no-privileges"];
}

export function renderBackupScript(plan: ClusterPlan, o: BackupScriptOptions): string {
  const b = plan.backup.offCluster;
  if (!b) throw new Error(`stack ${plan.stack} has off-cluster backups off (backup.offCluster.enabled)`);
  const d = o.delivery;
  const store =
    d.kind === "directory"
      ? `DEST=${q(d.path)}
store() { # name file bytes
  mkdir -p "$DEST"
  cp "$2" "$DEST/.$1.part"
  mv "$DEST/.$1.part" "$DEST/$1"
  printf '%s\\n' "$4" > "$DEST/.${BACKUP_FILES.latest}.part"
  mv "$DEST/.${BACKUP_FILES.latest}.part" "$DEST/${BACKUP_FILES.latest}"
  # Retention: older backups go, never the one just written.
  find "$DEST" -maxdepth 1 -type f -name '${BACKUP_FILES.prefix}*${BACKUP_FILES.suffix}' -mmin +${b.retentionDays * 1440} ! -name "$1" -delete
}`
      : `AWS=${q(d.awsCli)}
DEST=${q(`s3://${d.bucket}/${d.keyPrefix}`)}
store() { # name file bytes latest-json
  "$AWS" --region ${q(d.region)} s3 cp --only-show-errors "$2" "\${DEST}$1"
  printf '%s\\n' "$4" | "$AWS" --region ${q(d.region)} s3 cp --only-show-errors --content-type application/json - "\${DEST}${BACKUP_FILES.latest}"
  # Retention: the bucket's lifecycle rule (${b.retentionDays} days); this host may only put objects.
}`;
  const ssl = o.caFile ? `export PGSSLMODE=verify-full\nexport PGSSLROOTCERT=${q(o.caFile)}\n` : "";
  const run = o.loop
    ? `# No scheduler on docker: every ${b.intervalMinutes} min, a failed backup is logged and retried next time (verify reports the age).
while true; do
  backup_once || log "backup failed; next attempt in ${b.intervalMinutes} min"
  sleep ${b.intervalMinutes * 60}
done`
    : "backup_once";
  return `#!/bin/bash
# yb-k3s off-cluster backup of Kine's database for stack ${plan.stack}: ${b.database}.${b.table} -> ${d.kind === "s3" ? `s3://${d.bucket}/${d.keyPrefix}` : d.path}, every ${b.intervalMinutes} min, kept ${b.retentionDays} days.
set -euo pipefail
umask 077

# The password arrives as a file (Docker, EC2) or as an environment variable (Kubernetes secretKeyRef).
if [ -f ${SECRET_FILES.bootstrapEnv} ]; then
  set -a
  # shellcheck source=/dev/null
  . ${SECRET_FILES.bootstrapEnv}
  set +a
fi
: "\${${BOOTSTRAP_ENV.kinePassword}:?${BOOTSTRAP_ENV.kinePassword} must be set}"
export PGPASSWORD="$${BOOTSTRAP_ENV.kinePassword}"
${ssl}
log() { printf '%s backup: %s\\n' "$(date -u +%FT%TZ)" "$*"; }

${store}

backup_once() {
  local stamp name tmp bytes
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  name="${BACKUP_FILES.prefix}\${stamp}${BACKUP_FILES.suffix}"
  tmp=$(mktemp -d)
  # One snapshot transaction: every row as of one moment, and the id sequence's value.
  if ! ${plan.yugabyte.binDir}/ysql_dump ${dumpArgs(plan, b).map(q).join(" ")} | gzip -6 > "$tmp/$name"; then
    rm -rf "$tmp"; log "ysql_dump failed"; return 1
  fi
  if ! gzip -t "$tmp/$name"; then rm -rf "$tmp"; log "the compressed dump is corrupt"; return 1; fi
  bytes=$(stat -c %s "$tmp/$name")
  if ! store "$name" "$tmp/$name" "$bytes" "{\\"name\\":\\"$name\\",\\"time\\":\\"$(date -u +%FT%TZ)\\",\\"bytes\\":$bytes}"; then
    rm -rf "$tmp"; log "storing $name failed"; return 1
  fi
  rm -rf "$tmp"
  log "stored $name ($bytes bytes)"
}

${run}
`;
}
