/**
 * EC2 user data for the aws target, rendered as cloud-init `#cloud-config` (pure, no @pulumi import, so tests can feed
 * every rendering to `cloud-init schema` and every script in it to `shellcheck`).
 *
 * Conventions on every host:
 * - Ubuntu 24.04 (SSM agent preinstalled; the AWS CLI comes from its snap, pinned to the v2 channel).
 * - No secret is ever in user data: scripts read SecureString parameters under `/<project>/<stack>/...` with the
 *   instance role at boot, and write them to root-only files (mode 0600) that systemd reads via EnvironmentFile.
 * - Every role runs as a systemd service with its own user; every wait is bounded; every step is idempotent so a
 *   reboot or a re-run of cloud-init converges instead of breaking.
 */
import { stringify } from "yaml";
import { BOOTSTRAP_ENV, renderBootstrapScript } from "./bootstrap";
import { renderBackupScript } from "./backupScript";
import { KINE_ENDPOINT_ENV, kineArgs } from "./kine";
import { KINE_INDEXES, KINE_TABLE } from "./kineSchema";
import type { ClusterPlan, K3sServerPlan, KineReplicaPlan, NodePlan } from "./plan";
import { SECRET_FILES } from "./secretFiles";
import { BOOTSTRAP_TLS_FILES, KINE_TLS_FILES, hostFiles, type TlsRole } from "./tls";
import { k3sBinaryUrl, kineBinaryUrl, yugabyteTarballUrl } from "./versions";
import { ROLLOUT_SCRIPTS, renderDrainScript, renderRejoinGateScript, renderServiceGateScript, renderUndrainScript } from "./rollout";
import { ports } from "./ports";
import { TLS_DIRS } from "./tls";

/** Amazon Time Sync Service, reachable from every VPC without NAT. */
export const AMAZON_TIME_SYNC = "169.254.169.123";
export const AWS_CLI = "/snap/bin/aws";
export const ENV_DIR = "/etc/yb-k3s";
export const SCRIPT_DIR = "/usr/local/sbin";
/** Mount point of the separate EBS data volume; the plan's base_dir lives below it. */
export const DATA_MOUNT = "/data";

/** SSM Parameter Store names, one tree per stack, one subtree per role so IAM can grant each role only its own. */
export function ssmParameters(plan: Pick<ClusterPlan, "project" | "stack">) {
  const root = `/${plan.project}/${plan.stack}`;
  return {
    root,
    yugabyte: `${root}/yugabyte`,
    adminPassword: `${root}/yugabyte/admin-password`,
    kinePassword: `${root}/yugabyte/kine-password`,
    kine: `${root}/kine`,
    kineDsn: `${root}/kine/dsn`,
    k3s: `${root}/k3s`,
    k3sToken: `${root}/k3s/token`,
    /** k3s PKI files: `<k3sTls>/<path below the k3s tls dir>`, base64 of the PEM (keeps multi-line values intact). */
    k3sTls: `${root}/k3s/tls`,
    /**
     * Encryption in transit (planner/tls.ts): `<subtree>/<host>/<file name>`, base64 of the PEM; keys SecureString,
     * certificates String. Each role's files sit in that role's subtree, so its instance role reads only its own.
     */
    yugabyteTls: `${root}/yugabyte/tls`,
    kineTls: `${root}/kine/tls`,
    k3sDatastoreTls: `${root}/k3s/datastore-tls`,
  } as const;
}

/** Service user owning each role's TLS files on the host (k3s and the bootstrap run as root). */
const TLS_OWNER: Record<TlsRole, string> = { yugabyte: "yugabyte", kine: "kine", k3s: "root", bootstrap: "root" };

/** One planned TLS file of one host, as delivered on EC2: which SSM parameter holds it and who owns it on disk. */
export interface TlsDelivery {
  readonly host: string;
  readonly role: TlsRole;
  /** Absolute path on the host (the planner's). */
  readonly path: string;
  /** The planner's mode: keys 0600, certificates 0644. */
  readonly mode: "0600" | "0644";
  /** Private key: SecureString; certificates are String parameters (public). */
  readonly secret: boolean;
  readonly owner: string;
  /** SSM parameter name (value: base64 of the PEM). */
  readonly parameter: string;
}

/** Where a host's TLS files come from on aws (throws for a host the plan does not know, or a plan without TLS). */
export function tlsDeliveries(plan: ClusterPlan, host: string): TlsDelivery[] {
  if (!plan.pki) throw new Error(`tls delivery for ${host}: the plan has TLS off`);
  const h = hostFiles(plan.pki, host);
  const ssm = ssmParameters(plan);
  const subtree = { yugabyte: ssm.yugabyteTls, bootstrap: ssm.yugabyteTls, kine: ssm.kineTls, k3s: ssm.k3sDatastoreTls }[h.role];
  return h.files.map((f) => ({
    host,
    role: h.role,
    path: f.path,
    mode: f.mode,
    secret: f.source.kind === "key",
    owner: TLS_OWNER[h.role],
    parameter: `${subtree}/${host}/${f.path.slice(h.dir.length + 1)}`,
  }));
}

/**
 * Shell functions the pre-start scripts share: `put_pem PARAMETER PATH MODE [OWNER]` (SSM first; if SSM cannot be
 * reached, keep the copy an earlier start wrote) and `tls_dir DIR OWNER` (0750, owned by the service user, its parent
 * traversable).
 */
const PEM_FUNCTIONS = `# PEM values are stored base64-encoded (multi-line PEM survives the CLI's text output).
put_pem() {
  local value owner="\${4:-root}"
  mkdir -p "$(dirname "$2")"
  if value=$(ssm_get "$1"); then
    printf '%s' "$value" | base64 -d > "$2.tmp"
    chmod "$3" "$2.tmp"
    chown "$owner:$owner" "$2.tmp"
    mv "$2.tmp" "$2"
  elif [ -s "$2" ]; then
    log "SSM unreachable: keeping $2"
  else
    log "cannot read $1 from SSM"; return 1
  fi
}
tls_dir() {
  mkdir -p "$1"
  chmod 0755 "$(dirname "$1")"
  chown "$2:$2" "$1"
  chmod 0750 "$1"
}
`;

/** The lines that write one host's TLS files (planner paths and modes) from SSM; needs PEM_FUNCTIONS. */
export function renderTlsFetch(plan: ClusterPlan, host: string): string {
  const d = tlsDeliveries(plan, host);
  const dir = hostFiles(plan.pki as NonNullable<ClusterPlan["pki"]>, host).dir;
  return [
    `# TLS files of ${host} (encryption in transit): certificates and keys from SSM, never in user data.`,
    `tls_dir ${shq(dir)} ${shq(d[0].owner)}`,
    ...d.map((f) => `put_pem ${shq(f.parameter)} ${shq(f.path)} ${f.mode} ${shq(f.owner)}`),
    "",
  ].join("\n");
}

/** Parameter name of a k3s PKI file (path relative to the k3s tls directory, e.g. `etcd/peer-ca.key`). */
export const k3sTlsParameter = (plan: Pick<ClusterPlan, "project" | "stack">, relativePath: string): string =>
  `${ssmParameters(plan).k3sTls}/${relativePath.replace(/^\/+/, "")}`;

export interface WriteFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: string;
}

export interface CloudConfig {
  readonly packages: readonly string[];
  readonly files: readonly WriteFile[];
  /** Each entry is an argv list (no shell). */
  readonly runcmd: readonly (readonly string[])[];
}

/** Render a `#cloud-config` document: chrony against the Amazon Time Sync Service, packages, files, commands. */
export function renderCloudConfig(c: CloudConfig): string {
  const doc = {
    ntp: { enabled: true, ntp_client: "chrony", servers: [AMAZON_TIME_SYNC] },
    package_update: true,
    packages: [...c.packages],
    write_files: c.files.map((f) => ({ path: f.path, owner: "root:root", permissions: f.permissions, content: f.content })),
    runcmd: c.runcmd.map((r) => [...r]),
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Quote a string for bash (single quotes). */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Quote one argument for a systemd ExecStart= line: double quotes, `%` and `$` escaped (no specifier/env expansion). */
export const systemdArg = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%").replace(/\$/g, "$$$$")}"`;

/** The prelude every script shares: strict mode, logging, bounded downloads, SSM reads with the instance role. */
function prelude(plan: ClusterPlan, ssmRegion: string, what: string): string {
  return `#!/bin/bash
# yb-k3s (${plan.stack}): ${what}
set -euo pipefail
SSM_REGION=${shq(ssmRegion)}
log() { printf '%s yb-k3s: %s\\n' "$(date -u +%FT%TZ)" "$*" >&2; }
# Bounded download with retries (NAT or the origin may still be coming up).
download() {
  curl -fsSL --retry 10 --retry-delay 5 --retry-connrefused --connect-timeout 10 --max-time 900 -o "$2.part" "$1"
  mv "$2.part" "$2"
}
# A parameter's value, decrypted with the instance role (never echoed to logs).
ssm_get() {
  ${AWS_CLI} ssm get-parameter --region "$SSM_REGION" --with-decryption --name "$1" --query Parameter.Value --output text
}
`;
}

/** Installs the AWS CLI once (the snap is what Ubuntu 24.04 ships; the v2 channel is the stable major version). */
const installAwsCli = `if [ ! -x ${AWS_CLI} ]; then
  for _ in $(seq 1 30); do snap install aws-cli --classic --channel=v2/stable && break; sleep 10; done
fi
[ -x ${AWS_CLI} ] || { log "aws cli could not be installed"; exit 1; }
`;

const unit = (sections: Record<string, readonly string[]>): string =>
  Object.entries(sections)
    .map(([name, lines]) => `[${name}]\n${lines.join("\n")}\n`)
    .join("\n");

const execLine = (binary: string, args: readonly string[]): string => [binary, ...args.map(systemdArg)].join(" ");

// ---------------------------------------------------------------------------------------------------------------
// YugabyteDB nodes
// ---------------------------------------------------------------------------------------------------------------

export interface YugabyteUserDataOptions {
  /** The EBS data volume's id (`vol-...`): its NVMe serial is the id without the dash. */
  readonly dataVolumeId: string;
  /** Region holding the stack's SSM parameters (the primary region). */
  readonly ssmRegion: string;
  /** Node 0, off-cluster backups on: the stack's backup bucket (its timer writes there). */
  readonly backupBucket?: string;
}

/** The udev path of an EBS volume on a Nitro instance. */
export const ebsDevicePath = (volumeId: string): string => `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volumeId.replace(/-/g, "")}`;

export const YB_UNITS = {
  thp: "yb-k3s-thp.service",
  yugabyted: "yugabyted.service",
  bootstrap: "yb-k3s-bootstrap.service",
  undrain: "yb-k3s-undrain.service",
  backup: "yb-k3s-backup.service",
  backupTimer: "yb-k3s-backup.timer",
} as const;

/** Node 0 runs the off-cluster backup timer when the plan has off-cluster backups (and the bucket is known). */
const runsBackups = (plan: ClusterPlan, node: NodePlan, o: YugabyteUserDataOptions): o is YugabyteUserDataOptions & { backupBucket: string } => {
  if (node.index !== 0 || !plan.backup.offCluster) return false;
  if (o.backupBucket === undefined) throw new Error(`node ${node.name}: off-cluster backups are on but no backup bucket was given`);
  return true;
};

/**
 * What a rollout gate runs on a host (an SSM association, AWS-RunShellScript, as root): once cloud-init is done, the
 * role's gate script (planner/rollout.ts). Pulumi waits for it to succeed before the next host is changed.
 */
export const ROLLOUT_GATE_COMMAND = `cloud-init status --wait >/dev/null 2>&1 || true; /bin/bash ${ROLLOUT_SCRIPTS.rejoin}`;

export function renderYugabyteSetupScript(plan: ClusterPlan, node: NodePlan, o: YugabyteUserDataOptions): string {
  const y = plan.yugabyte;
  const home = y.binDir.replace(/\/bin$/, "");
  const release = `${home}-${y.version}`;
  const units = [YB_UNITS.thp, YB_UNITS.yugabyted, YB_UNITS.undrain, ...(node.index === 0 ? [YB_UNITS.bootstrap] : []), ...(runsBackups(plan, node, o) ? [YB_UNITS.backupTimer] : [])];
  return `${prelude(plan, o.ssmRegion, `YugabyteDB node ${node.name} setup (data volume, release, services)`)}
DEVICE=${shq(ebsDevicePath(o.dataVolumeId))}
MOUNT=${shq(DATA_MOUNT)}
BASE_DIR=${shq(y.baseDir)}
RELEASE_DIR=${shq(release)}
HOME_LINK=${shq(home)}
TARBALL_URL=${shq(yugabyteTarballUrl(...(y.version.split("-") as [string, string])))}

${installAwsCli}
# 1. The data volume is attached after the instance boots: wait for it (bounded), format it only if it has no
#    filesystem (never reformat data), mount it by UUID.
for _ in $(seq 1 180); do
  [ -e "$DEVICE" ] && break
  sleep 5
done
[ -e "$DEVICE" ] || { log "data volume $DEVICE not attached after 15 minutes"; exit 1; }
if ! blkid "$DEVICE" >/dev/null 2>&1; then
  log "formatting new data volume $DEVICE"
  mkfs.xfs -L yb-data "$DEVICE"
fi
UUID=$(blkid -s UUID -o value "$DEVICE")
mkdir -p "$MOUNT"
grep -q "UUID=$UUID" /etc/fstab || printf 'UUID=%s %s xfs defaults,noatime,nofail 0 2\\n' "$UUID" "$MOUNT" >> /etc/fstab
mountpoint -q "$MOUNT" || mount "$MOUNT"

# 2. A system user owning the data.
id yugabyte >/dev/null 2>&1 || useradd --system --home-dir "$BASE_DIR" --shell /usr/sbin/nologin yugabyte
mkdir -p "$BASE_DIR"
chown -R yugabyte:yugabyte "$BASE_DIR"

# 3. The pinned release, installed once per version.
if [ ! -x "$RELEASE_DIR/bin/yugabyted" ]; then
  log "installing YugabyteDB from $TARBALL_URL"
  download "$TARBALL_URL" /tmp/yugabyte.tar.gz
  rm -rf "$RELEASE_DIR.tmp"
  mkdir -p "$RELEASE_DIR.tmp"
  tar -xzf /tmp/yugabyte.tar.gz -C "$RELEASE_DIR.tmp" --strip-components=1
  "$RELEASE_DIR.tmp/bin/post_install.sh"
  mv "$RELEASE_DIR.tmp" "$RELEASE_DIR"
  rm -f /tmp/yugabyte.tar.gz
fi
ln -sfn "$RELEASE_DIR" "$HOME_LINK"

# 4. Services (enabled: they come back after a reboot without cloud-init).
systemctl daemon-reload
systemctl enable --now ${units.join(" ")}
log "node ${node.name} set up"
`;
}

/** YugabyteDB's recommended transparent huge page settings (always; defer+madvise; max_ptes_none 0). */
export const THP_SCRIPT = `#!/bin/bash
# Transparent huge pages as the YugabyteDB deployment checklist recommends.
set -euo pipefail
THP=/sys/kernel/mm/transparent_hugepage
echo always > "$THP/enabled"
echo defer+madvise > "$THP/defrag"
echo 0 > "$THP/khugepaged/max_ptes_none"
`;

export const YB_LIMITS = `# yb-k3s: YugabyteDB production limits
yugabyte soft nofile 1048576
yugabyte hard nofile 1048576
yugabyte soft nproc 12000
yugabyte hard nproc 12000
`;

/** With TLS: the 0600 root-only file systemd reads YSQL_PASSWORD from (yugabyted --secure; see docs/tls.md). */
export const YUGABYTED_ENV_FILE = SECRET_FILES.yugabytedEnv;
export const YUGABYTE_PREPARE = `${SCRIPT_DIR}/yb-k3s-yugabyte-prepare`;

/**
 * With TLS, runs as root before every yugabyted start: YSQL_PASSWORD (the generated admin password) to a 0600 file,
 * and the node's certificate, key and CA from SSM to the certs_dir, owned by the yugabyte user, planner modes.
 */
export function renderYugabytePrepareScript(plan: ClusterPlan, node: NodePlan, ssmRegion: string): string {
  const p = ssmParameters(plan);
  return `${prelude(plan, ssmRegion, `yugabyted pre-start on ${node.name}: superuser password and TLS files from SSM`)}
ENV_FILE=${shq(YUGABYTED_ENV_FILE)}
umask 077
mkdir -p ${shq(ENV_DIR)}
# yugabyted --secure sets the superuser password from YSQL_PASSWORD (else a random one, on the first node only).
if PW=$(ssm_get ${shq(p.adminPassword)}); then
  printf 'YSQL_PASSWORD=%s\\n' "$PW" > "$ENV_FILE.tmp"
  chmod 0600 "$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
elif [ -s "$ENV_FILE" ]; then
  log "SSM unreachable: keeping the password file written on an earlier start"
else
  log "cannot read ${p.adminPassword} from SSM"; exit 1
fi

${PEM_FUNCTIONS}
${renderTlsFetch(plan, node.name)}`;
}

export function renderYugabytedUnit(plan: ClusterPlan, node: NodePlan): string {
  return unit({
    Unit: [
      `Description=YugabyteDB node ${node.name} (yb-k3s stack ${plan.stack})`,
      "Wants=network-online.target",
      `After=network-online.target time-sync.target ${YB_UNITS.thp}`,
      `RequiresMountsFor=${plan.yugabyte.baseDir}`,
      // With TLS the pre-start step reads SSM: retried for as long as it takes, never given up on.
      ...(plan.tls ? ["StartLimitIntervalSec=0"] : []),
    ],
    Service: [
      "Type=simple",
      "User=yugabyte",
      "Group=yugabyte",
      `Environment=HOME=${plan.yugabyte.baseDir}`,
      // "-": the file does not exist before the first ExecStartPre writes it; it is read again before ExecStart.
      ...(plan.tls ? [`EnvironmentFile=-${YUGABYTED_ENV_FILE}`, `ExecStartPre=+${YUGABYTE_PREPARE}`] : []),
      // Exactly the plan's arguments (ysql_sequence_cache_minval=1 is inside --tserver_flags).
      `ExecStart=${execLine(`${plan.yugabyte.binDir}/yugabyted`, node.yugabytedArgs)}`,
      // Before every stop (a replacement's shutdown, a reboot, systemctl stop): move leaders away (bounded, best effort).
      `ExecStop=${execLine("/bin/bash", [ROLLOUT_SCRIPTS.drain, node.address])}`,
      "Restart=always",
      "RestartSec=10",
      "LimitNOFILE=1048576",
      "LimitNPROC=12000",
      "LimitCORE=infinity",
      "TimeoutStopSec=300",
    ],
    Install: ["WantedBy=multi-user.target"],
  });
}

/** After every yugabyted start: let leaders come back once the node is ALIVE (planner/rollout.ts). */
const UNDRAIN_UNIT = (plan: ClusterPlan, node: NodePlan) =>
  unit({
    Unit: [`Description=yb-k3s: ${node.name} back in the leader rotation`, `After=${YB_UNITS.yugabyted}`, `PartOf=${YB_UNITS.yugabyted}`],
    Service: ["Type=oneshot", "User=yugabyte", "Group=yugabyte", `ExecStart=${execLine("/bin/bash", [ROLLOUT_SCRIPTS.undrain, node.address])}`],
    Install: [`WantedBy=${YB_UNITS.yugabyted}`],
  });

const THP_UNIT = unit({
  Unit: ["Description=Transparent huge pages for YugabyteDB", `Before=${YB_UNITS.yugabyted}`],
  Service: ["Type=oneshot", "RemainAfterExit=yes", `ExecStart=${SCRIPT_DIR}/yb-k3s-thp`],
  Install: ["WantedBy=multi-user.target"],
});

/** Node 0: read the two passwords from SSM and run the idempotent bootstrap (placement, role, database, schema). */
export function renderBootstrapWrapper(plan: ClusterPlan, ssmRegion: string): string {
  const p = ssmParameters(plan);
  return `${prelude(plan, ssmRegion, "run the database bootstrap with passwords from SSM")}
${BOOTSTRAP_ENV.adminPassword}=$(ssm_get ${shq(p.adminPassword)})
${BOOTSTRAP_ENV.kinePassword}=$(ssm_get ${shq(p.kinePassword)})
export ${BOOTSTRAP_ENV.adminPassword} ${BOOTSTRAP_ENV.kinePassword}
${plan.tls ? `${PEM_FUNCTIONS}\n${renderTlsFetch(plan, "bootstrap")}\n# ysqlsh: verify-full with ${BOOTSTRAP_TLS_FILES.certFile}; yb-admin: -certs_dir_name (bootstrap.sh).\n` : ""}exec /bin/bash /usr/local/lib/yb-k3s/bootstrap.sh
`;
}

const BOOTSTRAP_UNIT = (plan: ClusterPlan) =>
  unit({
    Unit: [
      `Description=yb-k3s database bootstrap for stack ${plan.stack} (placement, Kine role, database and schema)`,
      `Wants=${YB_UNITS.yugabyted}`,
      `After=${YB_UNITS.yugabyted}`,
      // Retried forever while the universe forms; each attempt waits (bounded) for every tablet server.
      "StartLimitIntervalSec=0",
    ],
    Service: ["Type=oneshot", "RemainAfterExit=yes", `ExecStart=${SCRIPT_DIR}/yb-k3s-bootstrap`, "Restart=on-failure", "RestartSec=30"],
    Install: ["WantedBy=multi-user.target"],
  });

export const BACKUP_SCRIPT = "/usr/local/lib/yb-k3s/backup.sh";

/** Node 0: read Kine's password from SSM and run one off-cluster backup. */
export function renderBackupWrapper(plan: ClusterPlan, ssmRegion: string): string {
  const p = ssmParameters(plan);
  return `${prelude(plan, ssmRegion, "one off-cluster backup of Kine's database, with Kine's password from SSM")}
${BOOTSTRAP_ENV.kinePassword}=$(ssm_get ${shq(p.kinePassword)})
export ${BOOTSTRAP_ENV.kinePassword}
# With TLS, ysql_dump verifies the server with the CA the bootstrap unit (required, run before) fetched.
exec /bin/bash ${BACKUP_SCRIPT}
`;
}

/** The backup service: one run, as root (it reads SSM with the instance role), after the bootstrap has succeeded. */
const BACKUP_UNIT = (plan: ClusterPlan) =>
  unit({
    Unit: [`Description=yb-k3s off-cluster backup of Kine's database for stack ${plan.stack}`, `Requires=${YB_UNITS.bootstrap}`, `After=${YB_UNITS.bootstrap}`],
    Service: ["Type=oneshot", `ExecStart=${SCRIPT_DIR}/yb-k3s-backup`, "TimeoutStartSec=1h", "Nice=10", "IOSchedulingClass=idle", "PrivateTmp=yes"],
  });

/** Every interval in UTC; Persistent= runs a backup missed while the host was off as soon as it is back. */
const BACKUP_TIMER = (plan: ClusterPlan, onCalendar: string) =>
  unit({
    Unit: [`Description=yb-k3s off-cluster backups of Kine's database for stack ${plan.stack}`],
    Timer: [`OnCalendar=${onCalendar}`, "Persistent=true", "AccuracySec=1min", `Unit=${YB_UNITS.backup}`],
    Install: ["WantedBy=timers.target"],
  });

/** Every file written on a YugabyteDB node (exported for tests). */
export function yugabyteFiles(plan: ClusterPlan, node: NodePlan, o: YugabyteUserDataOptions): WriteFile[] {
  const files: WriteFile[] = [
    { path: "/etc/security/limits.d/99-yugabyte.conf", content: YB_LIMITS, permissions: "0644" },
    { path: `${SCRIPT_DIR}/yb-k3s-thp`, content: THP_SCRIPT, permissions: "0755" },
    { path: `/etc/systemd/system/${YB_UNITS.thp}`, content: THP_UNIT, permissions: "0644" },
    { path: `/etc/systemd/system/${YB_UNITS.yugabyted}`, content: renderYugabytedUnit(plan, node), permissions: "0644" },
    { path: `${SCRIPT_DIR}/yb-k3s-setup`, content: renderYugabyteSetupScript(plan, node, o), permissions: "0755" },
    // Rolling changes: drain before a stop, undrain after a start, and the gate the next node waits for.
    { path: ROLLOUT_SCRIPTS.drain, content: renderDrainScript(plan, { certsDir: TLS_DIRS.yugabyte }), permissions: "0755" },
    { path: ROLLOUT_SCRIPTS.undrain, content: renderUndrainScript(plan, { certsDir: TLS_DIRS.yugabyte }), permissions: "0755" },
    { path: `/etc/systemd/system/${YB_UNITS.undrain}`, content: UNDRAIN_UNIT(plan, node), permissions: "0644" },
    {
      path: ROLLOUT_SCRIPTS.rejoin,
      content: renderRejoinGateScript(plan, [node], { certsDir: TLS_DIRS.yugabyte, caFile: `${TLS_DIRS.yugabyte}/ca.crt` }),
      permissions: "0755",
    },
  ];
  if (plan.tls) files.push({ path: YUGABYTE_PREPARE, content: renderYugabytePrepareScript(plan, node, o.ssmRegion), permissions: "0755" });
  if (node.index === 0) {
    files.push(
      { path: "/usr/local/lib/yb-k3s/bootstrap.sh", content: renderBootstrapScript(plan), permissions: "0755" },
      { path: `${SCRIPT_DIR}/yb-k3s-bootstrap`, content: renderBootstrapWrapper(plan, o.ssmRegion), permissions: "0755" },
      { path: `/etc/systemd/system/${YB_UNITS.bootstrap}`, content: BOOTSTRAP_UNIT(plan), permissions: "0644" },
    );
  }
  const b = plan.backup.offCluster;
  if (b && runsBackups(plan, node, o)) {
    if (b.destination.kind !== "s3") throw new Error(`aws backups go to S3; the plan says ${b.destination.kind}`);
    const delivery = { kind: "s3", bucket: o.backupBucket, keyPrefix: b.destination.keyPrefix, region: b.destination.region, awsCli: AWS_CLI } as const;
    files.push(
      { path: BACKUP_SCRIPT, content: renderBackupScript(plan, { delivery, caFile: plan.tls ? BOOTSTRAP_TLS_FILES.caFile : undefined }), permissions: "0755" },
      { path: `${SCRIPT_DIR}/yb-k3s-backup`, content: renderBackupWrapper(plan, o.ssmRegion), permissions: "0755" },
      { path: `/etc/systemd/system/${YB_UNITS.backup}`, content: BACKUP_UNIT(plan), permissions: "0644" },
      { path: `/etc/systemd/system/${YB_UNITS.backupTimer}`, content: BACKUP_TIMER(plan, b.onCalendar), permissions: "0644" },
    );
  }
  return files;
}

export function renderYugabyteUserData(plan: ClusterPlan, node: NodePlan, o: YugabyteUserDataOptions): string {
  return renderCloudConfig({
    packages: ["xfsprogs", "curl", "python3"],
    files: yugabyteFiles(plan, node, o),
    runcmd: [[`${SCRIPT_DIR}/yb-k3s-setup`]],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Kine replicas
// ---------------------------------------------------------------------------------------------------------------

export interface RoleUserDataOptions {
  readonly ssmRegion: string;
  /** How long (seconds) one start attempt waits for the schema before failing (systemd then retries). */
  readonly schemaWaitSeconds?: number;
}

export const KINE_ENV_FILE = `${ENV_DIR}/kine.env`;
export const K3S_ENV_FILE = `${ENV_DIR}/k3s.env`;

/**
 * Runs as root before every Kine start: write KINE_ENDPOINT (the DSN, from SSM) to a 0600 file, then wait (bounded)
 * until the bootstrap has created the Kine table and every index, so Kine never creates them itself (hash-sharded).
 */
export function renderKinePrepareScript(plan: ClusterPlan, o: RoleUserDataOptions, replica?: KineReplicaPlan): string {
  const p = ssmParameters(plan);
  if (plan.tls && !replica) throw new Error("renderKinePrepareScript: with TLS on, the replica is needed (its TLS files)");
  // With TLS: the replica's files from SSM, and psql checks the schema the way Kine connects (verify-full, client cert).
  const tls =
    plan.tls && replica
      ? `
${PEM_FUNCTIONS}
${renderTlsFetch(plan, replica.name)}`
      : "";
  const pgTls = plan.tls
    ? `PGSSLROOTCERT=${shq(KINE_TLS_FILES.dbCaFile)}
PGSSLCERT=${shq(KINE_TLS_FILES.dbCertFile)}
PGSSLKEY=${shq(KINE_TLS_FILES.dbKeyFile)}
export PGSSLROOTCERT PGSSLCERT PGSSLKEY
`
    : "";
  const wait = o.schemaWaitSeconds ?? 900;
  const names = KINE_INDEXES.map((i) => `'${i.name}'`).join(",");
  const query = `SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename = '${KINE_TABLE}' AND indexname IN (${names})`;
  return `${prelude(plan, o.ssmRegion, "Kine pre-start: DSN from SSM, wait for the pre-created schema")}
ENV_FILE=${shq(KINE_ENV_FILE)}
umask 077
mkdir -p ${shq(ENV_DIR)}
# SSM first; if it cannot be reached (e.g. a regional outage) a restart keeps the copy written on an earlier start.
if DSN=$(ssm_get ${shq(p.kineDsn)}); then
  printf '${KINE_ENDPOINT_ENV}=%s\\n' "$DSN" > "$ENV_FILE.tmp"
  chmod 0600 "$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
elif [ -s "$ENV_FILE" ]; then
  log "SSM unreachable: keeping the DSN written on an earlier start"
  DSN=$(sed -n 's/^${KINE_ENDPOINT_ENV}=//p' "$ENV_FILE")
else
  log "cannot read ${p.kineDsn} from SSM"; exit 1
fi
${tls}
# The DSN is postgres://user:password@host:port/db?sslmode=...: hand it to psql through the environment, never argv.
re='^postgres://([^:]+):([^@]+)@([^:/]+):([0-9]+)/([^?]+)[?]sslmode=([a-z-]+)$'
[[ "$DSN" =~ $re ]] || { log "unexpected DSN shape in ${p.kineDsn}"; exit 1; }
PGUSER=$(printf '%b' "\${BASH_REMATCH[1]//%/\\\\x}")
PGPASSWORD=$(printf '%b' "\${BASH_REMATCH[2]//%/\\\\x}")
PGHOST=\${BASH_REMATCH[3]}
PGPORT=\${BASH_REMATCH[4]}
PGDATABASE=\${BASH_REMATCH[5]}
PGSSLMODE=\${BASH_REMATCH[6]}
PGCONNECT_TIMEOUT=5
export PGUSER PGPASSWORD PGHOST PGPORT PGDATABASE PGSSLMODE PGCONNECT_TIMEOUT
${pgTls}
expected=${KINE_INDEXES.length}
deadline=$(( $(date +%s) + ${wait} ))
while :; do
  found=$(psql -X -q -t -A -c ${shq(query)} 2>/dev/null || true)
  if [ "$found" = "$expected" ]; then log "Kine schema present"; exit 0; fi
  if [ "$(date +%s)" -ge "$deadline" ]; then log "Kine schema not ready after ${wait}s (found \${found:-no} of $expected indexes)"; exit 1; fi
  sleep 10
done
`;
}

export function renderKineUnit(plan: ClusterPlan, replica: KineReplicaPlan): string {
  return unit({
    Unit: [`Description=Kine ${plan.kine.version} ${replica.name} (etcd API over YugabyteDB, yb-k3s stack ${plan.stack})`, "Wants=network-online.target", "After=network-online.target", "StartLimitIntervalSec=0"],
    Service: [
      "Type=simple",
      "User=kine",
      "Group=kine",
      // "-": the file does not exist before the first ExecStartPre writes it; it is read again before ExecStart.
      `EnvironmentFile=-${KINE_ENV_FILE}`,
      `ExecStartPre=+${SCRIPT_DIR}/yb-k3s-kine-prepare`,
      // With TLS: https with client-certificate auth for k3s, verify-full plus a client certificate towards YSQL.
      `ExecStart=${execLine("/usr/local/bin/kine", kineArgs({ listenHost: "0.0.0.0", ...(plan.tls ? { tls: KINE_TLS_FILES } : {}) }))}`,
      "Restart=always",
      "RestartSec=10",
      "LimitNOFILE=1048576",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ProtectHome=yes",
      "PrivateTmp=yes",
    ],
    Install: ["WantedBy=multi-user.target"],
  });
}

export function renderKineSetupScript(plan: ClusterPlan, replica: KineReplicaPlan, o: RoleUserDataOptions): string {
  return `${prelude(plan, o.ssmRegion, `Kine ${replica.name} setup`)}
KINE_URL=${shq(kineBinaryUrl(plan.kine.version))}
KINE_BIN=${shq(`/usr/local/bin/kine-${plan.kine.version}`)}
${installAwsCli}
if [ ! -x "$KINE_BIN" ]; then
  download "$KINE_URL" "$KINE_BIN"
  chmod 0755 "$KINE_BIN"
fi
ln -sfn "$KINE_BIN" /usr/local/bin/kine
id kine >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin kine
systemctl daemon-reload
systemctl enable --now kine.service
log "Kine ${replica.name} set up"
`;
}

export function kineFiles(plan: ClusterPlan, replica: KineReplicaPlan, o: RoleUserDataOptions): WriteFile[] {
  return [
    { path: `${SCRIPT_DIR}/yb-k3s-kine-prepare`, content: renderKinePrepareScript(plan, o, replica), permissions: "0755" },
    { path: "/etc/systemd/system/kine.service", content: renderKineUnit(plan, replica), permissions: "0644" },
    { path: `${SCRIPT_DIR}/yb-k3s-setup`, content: renderKineSetupScript(plan, replica, o), permissions: "0755" },
    { path: ROLLOUT_SCRIPTS.rejoin, content: renderServiceGateScript(plan, "kine.service", ports.kine), permissions: "0755" },
  ];
}

export function renderKineUserData(plan: ClusterPlan, replica: KineReplicaPlan, o: RoleUserDataOptions): string {
  return renderCloudConfig({ packages: ["curl", "postgresql-client"], files: kineFiles(plan, replica, o), runcmd: [[`${SCRIPT_DIR}/yb-k3s-setup`]] });
}

// ---------------------------------------------------------------------------------------------------------------
// k3s servers
// ---------------------------------------------------------------------------------------------------------------

export interface K3sUserDataOptions extends RoleUserDataOptions {
  /** Absolute paths of the PKI files k3s needs before its first start, and whether each is a key (mode 0600). */
  readonly pkiFiles: readonly { readonly path: string; readonly secret: boolean }[];
  /** The k3s tls directory the PKI paths are relative to. */
  readonly tlsDir: string;
  /** Extra --tls-san values known only at deploy time (a public load balancer's DNS name). */
  readonly extraTlsSans?: readonly string[];
}

/** Runs as root before every k3s start: K3S_TOKEN, the shared CA files and (TLS) the datastore client files from SSM. */
export function renderK3sPrepareScript(plan: ClusterPlan, o: K3sUserDataOptions, server?: K3sServerPlan): string {
  const p = ssmParameters(plan);
  if (plan.tls && !server) throw new Error("renderK3sPrepareScript: with TLS on, the server is needed (its datastore TLS files)");
  const lines = o.pkiFiles.map((f) => {
    const rel = f.path.startsWith(`${o.tlsDir}/`) ? f.path.slice(o.tlsDir.length + 1) : f.path.replace(/^\/+/, "");
    return `put_pem ${shq(k3sTlsParameter(plan, rel))} ${shq(f.path)} ${f.secret ? "0600" : "0644"}`;
  });
  return `${prelude(plan, o.ssmRegion, "k3s pre-start: token and PKI from SSM")}
ENV_FILE=${shq(K3S_ENV_FILE)}
umask 077
mkdir -p ${shq(ENV_DIR)}
# SSM first; if it cannot be reached (e.g. a regional outage) a restart keeps what an earlier start wrote.
if TOKEN=$(ssm_get ${shq(p.k3sToken)}); then
  printf 'K3S_TOKEN=%s\\n' "$TOKEN" > "$ENV_FILE.tmp"
  chmod 0600 "$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
elif [ -s "$ENV_FILE" ]; then
  log "SSM unreachable: keeping the token written on an earlier start"
else
  log "cannot read ${p.k3sToken} from SSM"; exit 1
fi

${PEM_FUNCTIONS}
${lines.join("\n")}
${plan.tls && server ? renderTlsFetch(plan, server.name) : ""}`;
}

export function renderK3sUnit(plan: ClusterPlan, server: K3sServerPlan, extraTlsSans: readonly string[] = []): string {
  const args = [...server.args, ...extraTlsSans.map((s) => `--tls-san=${s}`)];
  return unit({
    Unit: [`Description=k3s ${plan.k3s.version} server ${server.name} (yb-k3s stack ${plan.stack})`, "Wants=network-online.target", "After=network-online.target", "StartLimitIntervalSec=0"],
    Service: [
      "Type=notify",
      `EnvironmentFile=-${K3S_ENV_FILE}`,
      `ExecStartPre=+${SCRIPT_DIR}/yb-k3s-k3s-prepare`,
      "ExecStartPre=-/sbin/modprobe br_netfilter",
      "ExecStartPre=-/sbin/modprobe overlay",
      // The token arrives as K3S_TOKEN from the environment file, never on the command line.
      `ExecStart=${execLine("/usr/local/bin/k3s", args)}`,
      "KillMode=process",
      "Delegate=yes",
      "LimitNOFILE=1048576",
      "LimitNPROC=infinity",
      "LimitCORE=infinity",
      "TasksMax=infinity",
      "TimeoutStartSec=0",
      "Restart=always",
      "RestartSec=5",
    ],
    Install: ["WantedBy=multi-user.target"],
  });
}

export function renderK3sSetupScript(plan: ClusterPlan, server: K3sServerPlan, o: K3sUserDataOptions): string {
  return `${prelude(plan, o.ssmRegion, `k3s ${server.name} setup`)}
K3S_URL=${shq(k3sBinaryUrl(plan.k3s.version))}
K3S_BIN=${shq(`/usr/local/bin/k3s-${plan.k3s.version.replace("+", "-")}`)}
${installAwsCli}
if [ ! -x "$K3S_BIN" ]; then
  download "$K3S_URL" "$K3S_BIN"
  chmod 0755 "$K3S_BIN"
fi
ln -sfn "$K3S_BIN" /usr/local/bin/k3s
ln -sfn /usr/local/bin/k3s /usr/local/bin/kubectl
systemctl daemon-reload
systemctl enable --now k3s.service
log "k3s ${server.name} set up"
`;
}

export function k3sFiles(plan: ClusterPlan, server: K3sServerPlan, o: K3sUserDataOptions): WriteFile[] {
  return [
    { path: `${SCRIPT_DIR}/yb-k3s-k3s-prepare`, content: renderK3sPrepareScript(plan, o, server), permissions: "0755" },
    { path: "/etc/systemd/system/k3s.service", content: renderK3sUnit(plan, server, o.extraTlsSans), permissions: "0644" },
    { path: `${SCRIPT_DIR}/yb-k3s-setup`, content: renderK3sSetupScript(plan, server, o), permissions: "0755" },
    { path: ROLLOUT_SCRIPTS.rejoin, content: renderServiceGateScript(plan, "k3s.service", ports.k3sApi), permissions: "0755" },
  ];
}

export function renderK3sUserData(plan: ClusterPlan, server: K3sServerPlan, o: K3sUserDataOptions): string {
  return renderCloudConfig({ packages: ["curl"], files: k3sFiles(plan, server, o), runcmd: [[`${SCRIPT_DIR}/yb-k3s-setup`]] });
}
