/**
 * `npm run rewind`: take Kine's database — the whole Kubernetes state — back to a moment inside the point-in-time
 * window, in an order that leaves no component holding revisions the rewind takes back (pure rendering; bin/rewind.ts
 * prints it and, with --execute, runs it where it can):
 *   1. find the snapshot schedule of `ysql.<db>` and check the window covers the target (nothing stopped yet);
 *   2. stop every k3s server (their watch caches and clients hold resourceVersions = Kine revisions);
 *   3. stop every Kine replica (its poll loop caches the last revision);
 *   4. record the newest revision clients may have seen (`max(id)`);
 *   5. `yb-admin restore_snapshot_schedule <id> <microseconds>`, wait until the restoration is RESTORED;
 *   6. move revisions past the recorded one (sequence + one marker row), so the API server's first list after the
 *      restart is newer than any resourceVersion a client holds: every watch then fails "too old" (410 Gone) and every
 *      client re-lists — what `etcdutl snapshot restore --bump-revision --mark-compacted` does for etcd;
 *   7. start Kine, then 8. k3s; 9. `npm run verify`.
 */
import type { Topology } from "../../config/schema";
import { ysqlNamespace } from "../../planner/backup";
import type { ClusterPlan } from "../../planner/plan";
import { YB_ADMIN } from "../../planner/ybAdmin";
import { KINE_TABLE } from "../../planner/kineSchema";
import { K8S_APPS, selectorString } from "../../components/kubernetes.common";
import { dockerContainerName, kubectlIn, kubectlTargetOf, ybAdminArgs, type KubectlTarget } from "../verify/access";
import { ybAdminMicros } from "./time";

/** The names the kubernetes target gives Kine's Deployment and k3s's StatefulSet (components/*.kubernetes.ts). */
export const KUBERNETES_WORKLOADS = { kineDeployment: "kine", k3sStatefulSet: "k3s" } as const;

export type RewindAction =
  | { readonly kind: "exec"; readonly argv: readonly string[] }
  /** Through yb-admin where the target gives access (docker exec, kubectl exec, or --direct). */
  | { readonly kind: "find-schedule"; readonly namespace: string }
  | { readonly kind: "record-revision"; readonly sql: string }
  | { readonly kind: "restore"; readonly atMicros: string }
  | { readonly kind: "bump-revision"; readonly sql: (recorded: string) => string };

export interface RewindStep {
  readonly title: string;
  /** What it does, for people: one or more lines, commands as they would be typed. */
  readonly shows: readonly string[];
  readonly actions: readonly RewindAction[];
}

export interface RewindPlan {
  readonly stack: string;
  readonly target: Date;
  readonly atMicros: string;
  readonly steps: readonly RewindStep[];
  /** What users and clients will see, in order. */
  readonly effects: readonly string[];
  /** Whether bin/rewind.ts can execute these steps on this target (aws: printed only). */
  readonly executable: boolean;
  readonly notExecutableReason?: string;
}

export class RewindRefusal extends Error {}

export const shell = (argv: readonly string[]) => argv.map((a) => (/^[A-Za-z0-9_./:=,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");

/** The marker row's key: outside /registry/, so the API server never sees it. */
export const REWIND_MARKER_PREFIX = "/yb-k3s/rewind/";

export const RECORD_REVISION_SQL = `SELECT coalesce(max(id), 0) FROM ${KINE_TABLE}`;

/**
 * After the restore (Kine stopped): new ids strictly above every revision handed out before the rewind, and one row
 * that makes the current revision (Kine's `max(id)`) one of them. Written like a Kine create (created=1), outside
 * /registry/. The ids in between are a gap Kine fills with its own gap records, as it does after aborted inserts.
 */
export function bumpRevisionSql(recorded: string, target: Date): string {
  if (!/^\d+$/.test(recorded)) throw new Error(`recorded revision ${recorded} is not a number`);
  return renderBump(recorded, target);
}

function renderBump(recorded: string, target: Date): string {
  const key = `${REWIND_MARKER_PREFIX}${target.toISOString()}`;
  const value = `{"rewoundTo":"${target.toISOString()}","previousRevision":${recorded}}`;
  return [
    `SELECT setval('${KINE_TABLE}_id_seq', GREATEST(${recorded}, (SELECT coalesce(max(id), 1) FROM ${KINE_TABLE})));`,
    `INSERT INTO ${KINE_TABLE} (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('${key}', 1, 0, 0, 0, 0, convert_to('${value}', 'UTF8'), NULL);`,
  ].join("\n");
}

/** How a target stops and starts k3s and Kine (rewind, restore). */
export interface RoleControl {
  readonly stopK3s: ControlStep;
  readonly stopKine: ControlStep;
  readonly startKine: ControlStep;
  readonly startK3s: ControlStep;
}

/** A step made of commands only (shared by rewind and restore). */
export interface ControlStep {
  readonly title: string;
  readonly shows: readonly string[];
  readonly actions: readonly { readonly kind: "exec"; readonly argv: readonly string[] }[];
}

function dockerControl(plan: ClusterPlan, host?: string): RoleControl {
  const docker = (verb: string, names: readonly string[]) => ["docker", ...(host ? ["-H", host] : []), verb, ...names];
  const k3s = plan.k3s.servers.map((s) => dockerContainerName(plan, s));
  const kine = plan.kine.replicas.map((r) => dockerContainerName(plan, r));
  const step = (title: string, argv: string[]): ControlStep => ({ title, shows: [shell(argv)], actions: [{ kind: "exec", argv }] });
  return {
    stopK3s: step(`stop every k3s server (${k3s.length})`, docker("stop", k3s)),
    stopKine: step(`stop every Kine replica (${kine.length})`, docker("stop", kine)),
    startKine: step("start Kine", docker("start", kine)),
    startK3s: step("start k3s", docker("start", k3s)),
  };
}

function kubernetesControl(plan: ClusterPlan, k: KubectlTarget): RoleControl {
  const base = kubectlIn(k);
  const sel = (app: string) => selectorString(plan, app);
  const scale = (kind: string, name: string, n: number) => [...base, "scale", `${kind}/${name}`, `--replicas=${n}`];
  const gone = (app: string) => [...base, "wait", "--for=delete", "pod", "-l", sel(app), "--timeout=300s"];
  const ready = (kind: string, name: string) => [...base, "rollout", "status", `${kind}/${name}`, "--timeout=600s"];
  const step = (title: string, cmds: string[][]): ControlStep => ({ title, shows: cmds.map(shell), actions: cmds.map((argv) => ({ kind: "exec" as const, argv })) });
  const { kineDeployment: kd, k3sStatefulSet: ks } = KUBERNETES_WORKLOADS;
  return {
    stopK3s: step("stop every k3s server (scale the StatefulSet to 0, wait for its pods to go)", [scale("statefulset", ks, 0), gone(K8S_APPS.k3s)]),
    stopKine: step("stop every Kine replica (scale the Deployment to 0, wait for its pods to go)", [scale("deployment", kd, 0), gone(K8S_APPS.kine)]),
    startKine: step(`start Kine (${plan.kine.replicas.length} replicas, as planned)`, [scale("deployment", kd, plan.kine.replicas.length), ready("deployment", kd)]),
    startK3s: step(`start k3s (${plan.k3s.servers.length} servers, as planned)`, [scale("statefulset", ks, plan.k3s.servers.length), ready("statefulset", ks)]),
  };
}

/** aws: the systemd units on each host, through SSM Run Command (instance ids from the `instanceIds` output, plan order). */
function awsControl(plan: ClusterPlan, ids?: { readonly kine: readonly string[]; readonly k3s: readonly string[] }): RoleControl {
  const run = (verb: "stop" | "start", unit: string, members: readonly { readonly region: string; readonly name: string }[], idList?: readonly string[]) =>
    members.map((m, i) =>
      [
        "aws", "ssm", "send-command", "--region", m.region, "--instance-ids", idList?.[i] ?? `<instance id of ${m.name}>`,
        "--document-name", "AWS-RunShellScript", "--parameters", `commands=["systemctl ${verb} ${unit}"]`,
      ],
    );
  const step = (title: string, cmds: string[][]): ControlStep => ({ title, shows: cmds.map(shell), actions: cmds.map((argv) => ({ kind: "exec" as const, argv })) });
  return {
    stopK3s: step("stop every k3s server (systemctl stop k3s on each)", run("stop", "k3s", plan.k3s.servers, ids?.k3s)),
    stopKine: step("stop every Kine replica (systemctl stop kine on each)", run("stop", "kine", plan.kine.replicas, ids?.kine)),
    startKine: step("start Kine", run("start", "kine", plan.kine.replicas, ids?.kine)),
    startK3s: step("start k3s", run("start", "k3s", plan.k3s.servers, ids?.k3s)),
  };
}

/** The target's way to stop and start k3s and Kine. */
export function roleControl(plan: ClusterPlan, topology: Topology, instanceIds?: { readonly kine: readonly string[]; readonly k3s: readonly string[] }): RoleControl {
  return plan.target === "docker"
    ? dockerControl(plan, topology.docker?.host)
    : plan.target === "kubernetes"
      ? kubernetesControl(plan, kubectlTargetOf(topology) as KubectlTarget)
      : awsControl(plan, instanceIds);
}

export interface RewindInput {
  readonly plan: ClusterPlan;
  readonly topology: Topology;
  readonly target: Date;
  readonly now: Date;
  /** aws: instance ids per role from the `instanceIds` output. */
  readonly instanceIds?: { readonly kine: readonly string[]; readonly k3s: readonly string[] };
}

export function renderRewind(i: RewindInput): RewindPlan {
  const { plan } = i;
  const pit = plan.backup.pointInTime;
  if (!pit)
    throw new RewindRefusal(`stack ${plan.stack} has point-in-time recovery off (yb-k3s:backup.pointInTime.enabled): there is no snapshot schedule to rewind with`);
  if (i.target.getTime() >= i.now.getTime()) throw new RewindRefusal(`--to ${i.target.toISOString()} is not in the past (now ${i.now.toISOString()})`);
  const oldest = new Date(i.now.getTime() - pit.retentionMinutes * 60_000);
  if (i.target.getTime() < oldest.getTime())
    throw new RewindRefusal(`--to ${i.target.toISOString()} is before the retention window (${pit.retentionMinutes} min: nothing older than ${oldest.toISOString()} is kept)`);
  const atMicros = ybAdminMicros(i.target);
  const ns = ysqlNamespace(pit.database);
  const control = roleControl(plan, i.topology, i.instanceIds);
  const steps: RewindStep[] = [
    {
      title: `find the snapshot schedule of ${ns} and check that its window reaches ${i.target.toISOString()} (nothing is stopped yet)`,
      shows: [shell(["yb-admin", ...ybAdminArgs(plan, [YB_ADMIN.listSnapshotSchedules])])],
      actions: [{ kind: "find-schedule", namespace: ns }],
    },
    control.stopK3s,
    control.stopKine,
    { title: "record the newest revision clients may hold", shows: [`${RECORD_REVISION_SQL};  -- as Kine's role`], actions: [{ kind: "record-revision", sql: RECORD_REVISION_SQL }] },
    {
      title: `rewind ${ns} to ${i.target.toISOString()} and wait until the restoration is RESTORED`,
      shows: [
        `yb-admin ... ${YB_ADMIN.restoreSnapshotSchedule} <schedule id> ${atMicros}   # microseconds since the epoch`,
        `yb-admin ... ${YB_ADMIN.listSnapshotRestorations} <restoration id>          # until "state": "RESTORED"`,
      ],
      actions: [{ kind: "restore", atMicros }],
    },
    {
      title: "move Kine's revisions past the recorded one, so every client re-lists",
      shows: renderBump("<recorded>", i.target).split("\n"),
      actions: [{ kind: "bump-revision", sql: (recorded: string) => bumpRevisionSql(recorded, i.target) }],
    },
    control.startKine,
    control.startK3s,
    { title: "check the result", shows: [`npm run --silent verify -- --stack ${plan.stack}`], actions: [] },
  ];
  const effects = [
    `The Kubernetes API is unavailable from step 2 until k3s is back in step 8 (typically a few minutes; the restore itself takes seconds to minutes).`,
    `Every object reverts to its state at ${i.target.toISOString()}: objects created since then disappear, deleted ones come back, changed ones get their old spec and status (Secrets, ConfigMaps, RBAC, Leases, Events too).`,
    `Clients see their watches end when k3s stops; after the restart every resourceVersion they hold is older than the API server's, so their watches fail with 410 Gone and controllers, kubelets and kubectl --watch re-list: they see the old state as current.`,
    `Kubelets stop pods that no longer exist in the API and start the ones that exist again; controllers reconcile from the old specs (Deployments roll back to the old ReplicaSets). Workloads outside the cluster (cloud load balancers, volumes provisioned since then) are not rewound and may need cleaning up.`,
    `Service account tokens issued since then stay valid only if the object they are bound to still exists; nodes that joined since then must join again.`,
  ];
  return {
    stack: plan.stack,
    target: i.target,
    atMicros,
    steps,
    effects,
    executable: plan.target !== "aws",
    notExecutableReason:
      plan.target === "aws" ? "on aws, rewind prints the steps: run them with the AWS CLI and Session Manager (executing them from here is not implemented and untested)" : undefined,
  };
}

/** A numbered list of steps with their commands, then what users will see (rewind, restore). */
export function formatStepPlan(
  heading: string,
  p: { readonly steps: readonly { readonly title: string; readonly shows: readonly string[] }[]; readonly effects: readonly string[] },
  o: { readonly dryRun: boolean },
): string {
  const lines = [
    `${o.dryRun ? "DRY RUN — nothing is changed. " : ""}${heading}:`,
    "",
    ...p.steps.flatMap((s, i) => [`${i + 1}. ${s.title}`, ...s.shows.map((l) => `     ${l}`)]),
    "",
    "What users will see:",
    ...p.effects.map((e) => `  - ${e}`),
  ];
  return `${lines.join("\n")}\n`;
}

export const formatRewind = (p: RewindPlan, o: { readonly dryRun: boolean }): string =>
  formatStepPlan(`Rewind of stack ${p.stack} to ${p.target.toISOString()} (UTC; yb-admin time ${p.atMicros})`, p, o);
