/**
 * `npm run restore`: load an off-cluster backup (planner/backupScript.ts) into the stack, in rewind's order so no
 * component keeps revisions the restore takes back (pure rendering; bin/restore.ts prints and, with --execute, runs it):
 *   1. pause the backups (a backup of a half-restored table would be the newest backup);
 *   2. find the backup (`latest`, or a name) and fetch it to this machine; check it is a data-only dump of Kine's table;
 *   3. stop every k3s server, then every Kine replica;
 *   4. record the newest revision clients may hold;
 *   5. in ONE transaction: delete every row, load the dump's rows and sequence value (any error rolls all of it back:
 *      the table is never half-loaded);
 *   6. move revisions past the recorded one (as rewind does), so every client re-lists;
 *   7. start Kine, then k3s; resume the backups; `npm run verify`.
 */
import type { Topology } from "../../config/schema";
import { BACKUP_FILES, KINE_BACKUP_NAME, backupTime, dockerBackupContainerName, type BackupDestination } from "../../planner/backup";
import { KINE_TABLE } from "../../planner/kineSchema";
import type { ClusterPlan } from "../../planner/plan";
import { YB_UNITS } from "../../planner/awsUserData";
import { kubectlIn, kubectlTargetOf, type KubectlTarget } from "../verify/access";
import { RECORD_REVISION_SQL, REWIND_MARKER_PREFIX, formatStepPlan, roleControl, shell } from "../rewind/steps";

/** Replaced by the resolved backup name when the steps run. */
export const BACKUP_PLACEHOLDER = "{backup}";
/** The pod that mounts the backup claim so `kubectl cp` can read it (kubernetes). */
export const RESTORE_READER_POD = "kine-restore-reader";

export type RestoreAction =
  | { readonly kind: "exec"; readonly argv: readonly string[] }
  /** List the backups (argv printing one name per line, or a local directory) and pick `from`. */
  | { readonly kind: "resolve"; readonly from: string; readonly list: { readonly argv: readonly string[] } | { readonly directory: string } }
  /** Bring the backup to `localPath` (argv with the placeholder, or a local copy from a directory). */
  | { readonly kind: "fetch"; readonly localPath: string; readonly via: { readonly argv: readonly string[] } | { readonly directory: string } }
  | { readonly kind: "check-dump"; readonly localPath: string }
  | { readonly kind: "record-revision"; readonly sql: string }
  | { readonly kind: "load"; readonly localPath: string }
  | { readonly kind: "bump-revision" };

export type RestoreComponent = "the backups" | "k3s" | "Kine";

export interface RestoreStep {
  readonly title: string;
  readonly shows: readonly string[];
  readonly actions: readonly RestoreAction[];
  /** What the step stops or starts: the state a later failure leaves is said from these. */
  readonly toggles?: { readonly what: RestoreComponent; readonly to: "stopped" | "running" };
}

const toggling = (step: Omit<RestoreStep, "toggles">, what: RestoreComponent, to: "stopped" | "running"): RestoreStep => ({ ...step, toggles: { what, to } });

export interface RestorePlan {
  readonly stack: string;
  /** `latest` or a backup name. */
  readonly from: string;
  readonly steps: readonly RestoreStep[];
  readonly effects: readonly string[];
  readonly executable: boolean;
  readonly notExecutableReason?: string;
}

export class RestoreRefusal extends Error {}

export interface RestoreInput {
  readonly plan: ClusterPlan;
  readonly topology: Topology;
  /** `latest`, a backup name (`kine-20261201T101500Z.sql.gz`) or a local file holding one. */
  readonly from: string;
  /** Where fetched backups are put on this machine. */
  readonly workDir: string;
  /** A local file given as --from (already on this machine: nothing to fetch). */
  readonly localFile?: string;
  /** aws: the bucket (from the `backups` output) and instance ids (for SSM). */
  readonly bucket?: string;
  /** aws, stacks spanning regions: the replica bucket (from the `backups` output), the way in when the primary region is down. */
  readonly replica?: { readonly bucket: string; readonly region: string };
  readonly instanceIds?: { readonly yugabyte: readonly string[]; readonly kine: readonly string[]; readonly k3s: readonly string[] };
}

/** The `from` argument: `latest`, or a backup's own name. Anything else is refused before anything is done. */
export function checkFrom(from: string): void {
  if (from !== "latest" && backupTime(from) === undefined)
    throw new RestoreRefusal(`--from ${from} is neither 'latest' nor a backup name (${BACKUP_FILES.prefix}<yyyymmddThhmmssZ>${BACKUP_FILES.suffix}) nor a local file`);
}

/** The newest backup name in a listing (names sort by time), or the named one if listed. */
export function pickBackup(names: readonly string[], from: string): string {
  // Plain names, paths, or `aws s3 ls` lines (date, time, size, key): the last word's base name.
  const backups = names.map((n) => n.trim().split(/\s+/).pop()?.split("/").pop() ?? "").filter((n) => backupTime(n) !== undefined).sort();
  if (backups.length === 0) throw new Error("no backups found");
  if (from === "latest") return backups[backups.length - 1];
  if (!backups.includes(from)) throw new Error(`backup ${from} not found; the newest are: ${backups.slice(-5).join(", ")}`);
  return from;
}

interface BackupAccess {
  readonly pause: RestoreStep;
  readonly resume: RestoreStep;
  readonly resolve: Extract<RestoreAction, { kind: "resolve" }>;
  readonly fetch: readonly RestoreAction[];
  readonly fetchShows: readonly string[];
}

type Destination<K extends BackupDestination["kind"]> = Extract<BackupDestination, { kind: K }>;

function dockerBackups(plan: ClusterPlan, d: Destination<"directory">, dockerHost: string | undefined, localPath: string): BackupAccess {
  const docker = (...a: string[]) => ["docker", ...(dockerHost ? ["-H", dockerHost] : []), ...a];
  const c = dockerBackupContainerName(plan.prefix);
  const dir = d.path;
  // A remote Docker host: the directory is there, read through the backup container (docker cp works on a stopped one).
  const fetchArgv = docker("cp", `${c}:${BACKUP_FILES.mount}/${BACKUP_PLACEHOLDER}`, localPath);
  return {
    pause: { title: "pause the backups (stop the backup container)", shows: [shell(docker("stop", c))], actions: [{ kind: "exec", argv: docker("stop", c) }] },
    resume: { title: "resume the backups", shows: [shell(docker("start", c))], actions: [{ kind: "exec", argv: docker("start", c) }] },
    resolve: dockerHost ? { kind: "resolve", from: "", list: { argv: docker("run", "--rm", "--volumes-from", c, "--entrypoint", "ls", plan.yugabyte.image, "-1", BACKUP_FILES.mount) } } : { kind: "resolve", from: "", list: { directory: dir } },
    fetch: [dockerHost ? { kind: "fetch", localPath, via: { argv: fetchArgv } } : { kind: "fetch", localPath, via: { directory: dir } }],
    fetchShows: [dockerHost ? shell(fetchArgv) : `cp ${dir}/${BACKUP_PLACEHOLDER} ${localPath}`],
  };
}

function kubernetesBackups(plan: ClusterPlan, d: Destination<"pvc">, k: KubectlTarget, localPath: string): BackupAccess {
  const base = kubectlIn(k);
  const claim = d.claimName;
  const suspend = (on: boolean) => [...base, "patch", "cronjob", KINE_BACKUP_NAME, "--type=merge", "-p", JSON.stringify({ spec: { suspend: on } })];
  const overrides = {
    apiVersion: "v1",
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      containers: [
        {
          name: "reader",
          image: plan.yugabyte.image,
          command: ["sleep", "1800"],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          volumeMounts: [{ name: "backups", mountPath: BACKUP_FILES.mount, readOnly: true }],
        },
      ],
      volumes: [{ name: "backups", persistentVolumeClaim: { claimName: claim, readOnly: true } }],
    },
  };
  const run = [...base, "run", RESTORE_READER_POD, `--image=${plan.yugabyte.image}`, "--restart=Never", `--overrides=${JSON.stringify(overrides)}`];
  const wait = [...base, "wait", "--for=condition=Ready", `pod/${RESTORE_READER_POD}`, "--timeout=600s"];
  const list = [...base, "exec", RESTORE_READER_POD, "--", "ls", "-1", BACKUP_FILES.mount];
  const cp = [...base, "cp", "-c", "reader", `${k.namespace}/${RESTORE_READER_POD}:${BACKUP_FILES.mount}/${BACKUP_PLACEHOLDER}`, localPath];
  const del = [...base, "delete", "pod", RESTORE_READER_POD, "--wait=false"];
  return {
    pause: {
      title: `pause the backups (suspend the CronJob, mount its claim ${claim} in a reader pod)`,
      shows: [shell(suspend(true)), shell(run), shell(wait)],
      actions: [{ kind: "exec", argv: suspend(true) }, { kind: "exec", argv: run }, { kind: "exec", argv: wait }],
    },
    resume: { title: "resume the backups (un-suspend the CronJob)", shows: [shell(suspend(false))], actions: [{ kind: "exec", argv: suspend(false) }] },
    resolve: { kind: "resolve", from: "", list: { argv: list } },
    fetch: [{ kind: "fetch", localPath, via: { argv: cp } }, { kind: "exec", argv: del }],
    fetchShows: [shell(cp), shell(del)],
  };
}

function awsBackups(plan: ClusterPlan, d: Destination<"s3">, bucket: string | undefined, node0: string | undefined, localPath: string, replica?: RestoreInput["replica"]): BackupAccess {
  const root = `s3://${bucket ?? "<backups.offCluster.bucket output>"}/${d.keyPrefix}`;
  const ssm = (cmd: string) => ["aws", "ssm", "send-command", "--region", plan.nodes[0].region, "--instance-ids", node0 ?? `<instance id of ${plan.nodes[0].name}>`, "--document-name", "AWS-RunShellScript", "--parameters", `commands=["${cmd}"]`];
  const list = ["aws", "--region", d.region, "s3", "ls", root];
  const cp = ["aws", "--region", d.region, "s3", "cp", `${root}${BACKUP_PLACEHOLDER}`, localPath];
  return {
    pause: { title: "pause the backups (stop the timer on node 0)", shows: [shell(ssm(`systemctl stop ${YB_UNITS.backupTimer}`))], actions: [{ kind: "exec", argv: ssm(`systemctl stop ${YB_UNITS.backupTimer}`) }] },
    resume: { title: "resume the backups", shows: [shell(ssm(`systemctl start ${YB_UNITS.backupTimer}`))], actions: [{ kind: "exec", argv: ssm(`systemctl start ${YB_UNITS.backupTimer}`) }] },
    resolve: { kind: "resolve", from: "", list: { argv: list } },
    fetch: [{ kind: "fetch", localPath, via: { argv: cp } }],
    fetchShows: [
      shell(cp),
      ...(replica || d.replicaRegion
        ? [
            `# primary region down? the replica: ${shell(["aws", "--region", replica?.region ?? (d.replicaRegion as string), "s3", "cp", `s3://${replica?.bucket ?? "<backups.offCluster.replica.bucket output>"}/${d.keyPrefix}${BACKUP_PLACEHOLDER}`, localPath])}`,
          ]
        : []),
    ],
  };
}

/** The load, as one psql script run with --single-transaction: the old rows go only if the new ones all arrive. */
export const RESTORE_PREAMBLE_SQL = `DELETE FROM ${KINE_TABLE};`;

/** SQL statements a Kine data-only dump may hold; anything else (DDL, other tables) is refused before the load. */
export function checkDump(text: string, table: string = KINE_TABLE): void {
  if (!/^--\s+(PostgreSQL|YSQL) database dump/m.test(text)) throw new Error("not a ysql_dump/pg_dump file (no dump header)");
  if (!new RegExp(`^COPY public\\.${table} \\(`, "m").test(text)) throw new Error(`the dump holds no rows of public.${table} (no COPY public.${table})`);
  const copies = [...text.matchAll(/^COPY ([^ ]+) /gm)].map((m) => m[1]);
  const other = copies.filter((t) => t !== `public.${table}`);
  if (other.length) throw new Error(`the dump holds other tables too (${other.join(", ")}): not a Kine backup`);
  const ddl = /^(CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE)\b/m.exec(text);
  if (ddl) throw new Error(`the dump holds DDL (${ddl[1]} ...): a Kine backup is data only`);
}

export function renderRestore(i: RestoreInput): RestorePlan {
  const { plan } = i;
  const b = plan.backup.offCluster;
  if (!b) throw new RestoreRefusal(`stack ${plan.stack} has off-cluster backups off (yb-k3s:backup.offCluster.enabled): there is nothing to restore from`);
  if (!i.localFile) checkFrom(i.from);
  const localPath = i.localFile ?? `${i.workDir}/${i.from === "latest" ? "latest" : i.from}`;
  // The planner gives each target its destination: a host directory (docker), a claim (kubernetes), S3 (aws).
  const d = b.destination;
  const access =
    d.kind === "directory"
      ? dockerBackups(plan, d, i.topology.docker?.host, localPath)
      : d.kind === "pvc"
        ? kubernetesBackups(plan, d, kubectlTargetOf(i.topology) as KubectlTarget, localPath)
        : awsBackups(plan, d, i.bucket, i.instanceIds?.yugabyte[0], localPath, i.replica);
  const control = roleControl(plan, i.topology, i.instanceIds);
  const fromLabel = i.localFile ? i.localFile : i.from === "latest" ? "the newest backup" : i.from;
  const fetchStep: RestoreStep = i.localFile
    ? { title: `check ${i.localFile} (a local file: nothing to fetch)`, shows: [`gzip -t ${i.localFile}; a data-only dump of public.${b.table}`], actions: [{ kind: "check-dump", localPath }] }
    : {
        title: `find ${fromLabel} and fetch it here; check it is a data-only dump of public.${b.table}`,
        shows: ["argv" in access.resolve.list ? shell(access.resolve.list.argv) : `ls ${access.resolve.list.directory}`, ...access.fetchShows],
        actions: [{ ...access.resolve, from: i.from }, ...access.fetch, { kind: "check-dump", localPath }],
      };
  const steps: RestoreStep[] = [
    toggling(access.pause, "the backups", "stopped"),
    fetchStep,
    toggling(control.stopK3s, "k3s", "stopped"),
    toggling(control.stopKine, "Kine", "stopped"),
    { title: "record the newest revision clients may hold", shows: [`${RECORD_REVISION_SQL};  -- as Kine's role`], actions: [{ kind: "record-revision", sql: RECORD_REVISION_SQL }] },
    {
      title: `replace every row of ${b.table} with the backup's, in one transaction`,
      shows: [`psql --single-transaction -v ON_ERROR_STOP=1 -f <(echo '${RESTORE_PREAMBLE_SQL}'; gunzip -c ${localPath})`],
      actions: [{ kind: "load", localPath }],
    },
    {
      title: "move Kine's revisions past the recorded one, so every client re-lists",
      shows: [`SELECT setval(...); INSERT INTO ${KINE_TABLE} ... '${REWIND_MARKER_PREFIX}<time>'  -- as rewind does`],
      actions: [{ kind: "bump-revision" }],
    },
    toggling(control.startKine, "Kine", "running"),
    toggling(control.startK3s, "k3s", "running"),
    toggling(access.resume, "the backups", "running"),
    { title: "check the result", shows: [`npm run --silent verify -- --stack ${plan.stack}`], actions: [] },
  ];
  const effects = [
    "The Kubernetes API is unavailable from the k3s stop until k3s is back (minutes, plus the load, which grows with the size of the dump).",
    `Every object reverts to its state when the backup was taken (the time is in its name): newer objects disappear, deleted ones come back. Up to one backup interval (${b.intervalMinutes} min) of changes before the loss is gone: that is the RPO.`,
    "Clients' watches end when k3s stops; afterwards every resourceVersion they hold is older than the API server's, so watches fail with 410 Gone and controllers, kubelets and kubectl re-list.",
    "Kubelets and controllers then reconcile to the restored specs; cloud resources created since the backup (load balancers, volumes) are not removed by the restore.",
  ];
  return {
    stack: plan.stack,
    from: i.from,
    steps,
    effects,
    executable: plan.target !== "aws",
    notExecutableReason: plan.target === "aws" ? "on aws, restore prints the steps: run them with the AWS CLI and Session Manager from inside the VPC (executing them from here is not implemented and untested)" : undefined,
  };
}

export const formatRestore = (p: RestorePlan, o: { readonly dryRun: boolean }): string => formatStepPlan(`Restore of stack ${p.stack} from ${p.from}`, p, o);
