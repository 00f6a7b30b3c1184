/**
 * The one-shot bootstrap step, run once the cluster is up, on every target (a Docker container, a Kubernetes Job,
 * a systemd oneshot on EC2): data placement, the Kine role and database, the Kine schema and, where the stack has
 * point-in-time recovery on, its snapshot schedule. Idempotent: every step is safe to run again. Secrets arrive as environment variables, never inside the script.
 */
import { renderPlacement, type ClusterPlan } from "./plan";
import { ports } from "./ports";
import { SECRET_FILES } from "./secretFiles";
import { BOOTSTRAP_TLS_FILES, TLS_DIRS } from "./tls";
import { ysqlNamespace, type PointInTimePlan } from "./backup";
import { YB_ADMIN } from "./ybAdmin";

export const BOOTSTRAP_ENV = {
  /** New password for the `yugabyte` superuser (the image's default `yugabyte` is replaced on first run). */
  adminPassword: "YSQL_ADMIN_PASSWORD",
  /** Password of Kine's own role. */
  kinePassword: "KINE_DB_PASSWORD",
} as const;

/** A secrets file a script sources (values are generated alphanumerics: no quoting needed, but quote anyway). */
export const renderEnvFile = (vars: Readonly<Record<string, string>>): string =>
  Object.entries(vars)
    .map(([k, v]) => `${k}='${v}'\n`)
    .join("");

/** The secrets file the bootstrap sources. */
export const renderBootstrapEnv = (adminPassword: string, kinePassword: string): string =>
  renderEnvFile({ [BOOTSTRAP_ENV.adminPassword]: adminPassword, [BOOTSTRAP_ENV.kinePassword]: kinePassword });

export interface BootstrapOptions {
  /** How long to wait for every tablet server to report ALIVE. */
  readonly waitSeconds?: number;
  /** Extra libpq connection parameters (sslmode=verify-full&sslrootcert=... once TLS is on). */
  readonly sslmode?: string;
  readonly sslRootCert?: string;
  /** Client certificate and key for ysqlsh (libpq PGSSLCERT / PGSSLKEY). */
  readonly sslCert?: string;
  readonly sslKey?: string;
  /** yb-admin `-certs_dir_name`: a directory holding `ca.crt` (the masters speak TLS only). */
  readonly certsDir?: string;
}

/**
 * The options a plan implies: with TLS on, ysqlsh verifies the server (verify-full against our CA) and presents the
 * bootstrap's client certificate, and yb-admin reads the CA from the bootstrap's TLS directory. Explicit options win.
 */
export function bootstrapOptionsFor(plan: ClusterPlan, o: BootstrapOptions = {}): BootstrapOptions {
  if (!plan.tls) return o;
  return {
    sslmode: "verify-full",
    sslRootCert: BOOTSTRAP_TLS_FILES.caFile,
    sslCert: BOOTSTRAP_TLS_FILES.certFile,
    sslKey: BOOTSTRAP_TLS_FILES.keyFile,
    certsDir: TLS_DIRS.bootstrap,
    ...o,
  };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Exits 0 when `list_snapshot_schedules` JSON (stdin) has a live schedule (no delete_time) for the namespace argv[1].
 * python3 ships with yugabyted on every target (image, and the aws hosts install it).
 */
export const HAS_SCHEDULE_PY =
  'import json,sys; d=json.load(sys.stdin); o=[s.get("options",{}) for s in d.get("schedules",[])]; sys.exit(0 if any(x.get("filter")==sys.argv[1] and "delete_time" not in x for x in o) else 1)';

/** Step 6: the point-in-time recovery schedule, created only if the database has none (idempotent). */
export function renderSnapshotScheduleStep(ybAdmin: string, p: PointInTimePlan): string {
  const ns = ysqlNamespace(p.database);
  return `# 6. Point-in-time recovery: a snapshot schedule for ${ns} (every ${p.intervalMinutes} min, kept ${p.retentionMinutes} min), created once.
schedules=$(${ybAdmin} ${YB_ADMIN.listSnapshotSchedules})
if printf '%s' "$schedules" | python3 -c ${q(HAS_SCHEDULE_PY)} ${q(ns)}; then
  log "snapshot schedule for ${ns} already exists"
else
  log "creating the snapshot schedule for ${ns}"
  ${ybAdmin} ${YB_ADMIN.createSnapshotSchedule} ${p.intervalMinutes} ${p.retentionMinutes} ${q(ns)}
fi
`;
}

export function renderBootstrapScript(plan: ClusterPlan, options: BootstrapOptions = {}): string {
  const o = bootstrapOptionsFor(plan, options);
  const y = plan.yugabyte;
  const bin = y.binDir;
  const wait = o.waitSeconds ?? 600;
  const attempts = Math.ceil(wait / 5);
  const host = plan.nodes[0].address;
  const sslEnv = o.sslmode
    ? [
        `export PGSSLMODE=${q(o.sslmode)}`,
        ...(o.sslRootCert ? [`export PGSSLROOTCERT=${q(o.sslRootCert)}`] : []),
        ...(o.sslCert ? [`export PGSSLCERT=${q(o.sslCert)}`] : []),
        ...(o.sslKey ? [`export PGSSLKEY=${q(o.sslKey)}`] : []),
        "",
      ].join("\n")
    : "";
  const ybAdmin = `${bin}/yb-admin -master_addresses "$MASTERS"${o.certsDir ? ` -certs_dir_name ${q(o.certsDir)}` : ""}`;
  const preferred = y.preferredLeaders.map((b) => `${b.cloud}.${b.region}.${b.zone}:${b.priority ?? 1}`);
  const schema = y.schemaStatements.join("\n");
  return `#!/bin/bash
# yb-k3s bootstrap for stack ${plan.stack}: data placement, Kine role/database, Kine schema. Idempotent.
set -euo pipefail

# Secrets arrive as a file (Docker, EC2) or as environment variables (Kubernetes secretKeyRef).
if [ -f ${SECRET_FILES.bootstrapEnv} ]; then
  set -a
  # shellcheck source=/dev/null
  . ${SECRET_FILES.bootstrapEnv}
  set +a
fi
: "\${${"YSQL_ADMIN_PASSWORD"}:?${"YSQL_ADMIN_PASSWORD"} must be set}"
: "\${${"KINE_DB_PASSWORD"}:?${"KINE_DB_PASSWORD"} must be set}"
MASTERS=${q(y.masterAddresses.join(","))}
YSQL_HOST=${q(host)}
EXPECTED_TSERVERS=${plan.nodes.length}
${sslEnv}
log() { printf '%s bootstrap: %s\\n' "$(date -u +%FT%TZ)" "$*"; }

# 1. Wait (bounded) until every tablet server is ALIVE.
alive=0
for _ in $(seq 1 ${attempts}); do
  alive=$(${ybAdmin} list_all_tablet_servers 2>/dev/null | grep -c ALIVE || true)
  if [ "$alive" -ge "$EXPECTED_TSERVERS" ]; then break; fi
  log "waiting for tablet servers: $alive/$EXPECTED_TSERVERS alive"
  sleep 5
done
if [ "$alive" -lt "$EXPECTED_TSERVERS" ]; then
  log "only $alive/$EXPECTED_TSERVERS tablet servers alive after ${wait}s"; exit 1
fi

# 2. Data placement: replication factor ${plan.replicationFactor} over the fault domains (${plan.faultTolerance}).
${ybAdmin} modify_placement_info ${q(renderPlacement(y.placement))} ${plan.replicationFactor}
${preferred.length ? `${ybAdmin} set_preferred_zones ${preferred.map(q).join(" ")}\n` : ""}
# 3. Superuser password: the image's documented initial password is replaced with the generated one, once.
: "\${YSQL_INITIAL_PASSWORD:=yugabyte}"
ysql() { ${bin}/ysqlsh -h "$YSQL_HOST" -p ${ports.ysql} -v ON_ERROR_STOP=1 -X -q "$@"; }
if ! PGPASSWORD="$YSQL_ADMIN_PASSWORD" ysql -U yugabyte -d yugabyte -c 'SELECT 1' >/dev/null 2>&1; then
  log "setting the yugabyte superuser password"
  PGPASSWORD="$YSQL_INITIAL_PASSWORD" ysql -U yugabyte -d yugabyte -v admin_password="$YSQL_ADMIN_PASSWORD" <<'SQL'
ALTER ROLE yugabyte WITH PASSWORD :'admin_password';
SQL
fi

# 4. Kine's own role (not a superuser) and database, owned by that role.
PGPASSWORD="$YSQL_ADMIN_PASSWORD" ysql -U yugabyte -d yugabyte -v kine_password="$KINE_DB_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE ${y.user} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${y.user}')\\gexec
ALTER ROLE ${y.user} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'kine_password';
SELECT 'CREATE DATABASE ${y.database} OWNER ${y.user}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${y.database}')\\gexec
SQL

# 5. The Kine schema, created as Kine's role so Kine owns it (the exact DDL of \`plan --format sql\`).
PGPASSWORD="$KINE_DB_PASSWORD" ysql -U ${y.user} -d ${y.database} <<'SQL'
${schema}
SQL
${plan.backup.pointInTime ? `\n${renderSnapshotScheduleStep(ybAdmin, plan.backup.pointInTime)}` : ""}log "done: placement ${plan.replicationFactor}x, database ${y.database}, schema ready${plan.backup.pointInTime ? ", snapshot schedule" : ""}"
`;
}
