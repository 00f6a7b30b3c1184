/**
 * Rolling changes, planned (pure, no @pulumi import): in which order YugabyteDB nodes, Kine replicas and k3s servers are
 * changed, how many of a kind may be down at once, whether quorum holds at every step, and the node-local scripts that
 * make each step safe. Target builders only translate: a `dependsOn` chain in `rolloutUnits` order, one gate per unit
 * that runs `renderRejoinGateScript`, and `renderDrainScript` before a node stops.
 *
 * The steps of a rollout, for one YugabyteDB node (docker, aws) or zone StatefulSet (kubernetes, pods one at a time):
 * 1. before the node stops, its own drain moves tablet leaders (leader blacklist) and the master leadership away;
 * 2. the node is replaced or restarted (Pulumi: delete-before-replace where names, ports or addresses are fixed);
 * 3. the gate waits until the node is ALIVE again, removes it from the leader blacklist, and — once the universe has RF
 *    tablet servers — until no tablet is under-replicated (the master's `/api/v1/tablet-under-replication`, the check
 *    YugabyteDB Anywhere runs between nodes of a rolling upgrade); it fails after `ROLLOUT_TIMING.rejoinSeconds`;
 * 4. only then does the next unit start (it depends on the gate).
 */
import type { ClusterPlan, NodePlan } from "./plan";
import { ports } from "./ports";
import { masterNodes, worstTabletReplicasLost } from "./survivability";

export type RolloutKind = "yugabyte" | "kine" | "k3s";
export const ROLLOUT_KINDS: readonly RolloutKind[] = ["yugabyte", "kine", "k3s"];

/** Timings of a rollout step (seconds), in one place. */
export const ROLLOUT_TIMING = {
  /** Longest a stopping YugabyteDB node waits for its tablet leaders to move away. */
  drainSeconds: 90,
  /** Grace period between the stop signal and a kill: the drain, then yugabyted's own shutdown. */
  stopGraceSeconds: 180,
  /** Longest a gate waits for a restarted node (ALIVE, leaders allowed back, nothing under-replicated). */
  rejoinSeconds: 1200,
  /** Longest a gate waits for a restarted Kine replica or k3s server to answer. */
  serviceSeconds: 600,
} as const;

/** How many members of a kind a rollout takes down at once (never more, whatever RF would tolerate). */
export const MAX_DOWN_AT_ONCE: Readonly<Record<RolloutKind, number>> = { yugabyte: 1, kine: 1, k3s: 1 };

export interface RolloutUnit {
  readonly kind: RolloutKind;
  /**
   * What one Pulumi step changes: a node, replica or server (docker, aws), or a StatefulSet / Deployment (kubernetes,
   * whose controller then restarts `members` one at a time in the listed order).
   */
  readonly unit: string;
  /** Members restarted by this unit, in order, one at a time. */
  readonly members: readonly string[];
  /** kubernetes Kine: the Deployment surges a new pod before an old one goes (maxSurge 1, maxUnavailable 0). */
  readonly surge: boolean;
}

/** YugabyteDB zones in StatefulSet order: node 0's zone first (the join target), then zones in plan order. */
export function yugabyteZoneOrder(plan: ClusterPlan): string[] {
  return [...new Set(plan.nodes.map((n) => n.zone))];
}

/** StatefulSet pods roll from the highest ordinal down. */
const statefulSetOrder = (names: readonly string[]): string[] => [...names].reverse();

/**
 * The order of every rollout, kind by kind (databases, then Kine, then k3s: each kind depends on the one before). The
 * target builders chain their resources in exactly this order; `plan --against` reports in it.
 */
export function rolloutUnits(plan: ClusterPlan): RolloutUnit[] {
  const one = (kind: RolloutKind, name: string): RolloutUnit => ({ kind, unit: name, members: [name], surge: false });
  if (plan.target === "kubernetes") {
    return [
      ...yugabyteZoneOrder(plan).map((zone) => ({
        kind: "yugabyte" as const,
        unit: `yb-${zone}`,
        members: statefulSetOrder(plan.nodes.filter((n) => n.zone === zone).map((n) => n.name)),
        surge: false,
      })),
      { kind: "kine", unit: "kine", members: plan.kine.replicas.map((r) => r.name), surge: true },
      { kind: "k3s", unit: "k3s", members: statefulSetOrder(plan.k3s.servers.map((s) => s.name)), surge: false },
    ];
  }
  return [
    ...plan.nodes.map((n) => one("yugabyte", n.name)),
    ...plan.kine.replicas.map((r) => one("kine", r.name)),
    ...plan.k3s.servers.map((s) => one("k3s", s.name)),
  ];
}

export interface StepCheck {
  readonly kind: RolloutKind;
  /** The member that is down during this step. */
  readonly member: string;
  /** YugabyteDB keeps master and tablet quorum. */
  readonly quorum: boolean;
  /** Kine replicas still serving (up, with a reachable database). */
  readonly kineServing: number;
  /** k3s servers still serving (up, with a serving Kine they dial). */
  readonly k3sServing: number;
  /** The control plane keeps serving: quorum, a Kine replica and a k3s server. */
  readonly serving: boolean;
  /** What is unavailable during the step, if anything. */
  readonly note: string;
}

/** What is left when `member` (of `kind`) is down: quorum, Kine, k3s, the kubeconfig endpoint. */
export function checkStep(plan: ClusterPlan, kind: RolloutKind, member: string): StepCheck {
  const rf = plan.replicationFactor;
  const majority = Math.floor(rf / 2) + 1;
  const downNode = kind === "yugabyte" ? plan.nodes.find((n) => n.name === member) : undefined;
  const masters = masterNodes(plan);
  const mastersLost = downNode && masters.some((m) => m.name === downNode.name) ? 1 : 0;
  const masterQuorum = masters.length - mastersLost >= Math.floor(masters.length / 2) + 1;
  const tabletQuorum = rf - worstTabletReplicasLost(plan, new Set(downNode ? [downNode.name] : [])) >= majority;
  const quorum = masterQuorum && tabletQuorum;
  const kineUp = plan.kine.replicas.filter((r) => !(kind === "kine" && r.name === member));
  // A replica that dials one node (docker: its zone-local node) loses its database while that node restarts.
  const kineServing = quorum ? kineUp.filter((r) => !downNode || r.database.host !== downNode.address) : [];
  // aws: a k3s server dials its own region's Kine endpoint; elsewhere every server dials every replica.
  const k3sServing = plan.k3s.servers.filter(
    (s) => !(kind === "k3s" && s.name === member) && kineServing.some((r) => plan.target !== "aws" || r.region === s.region),
  );
  const notes: string[] = [];
  if (!masterQuorum) notes.push("YugabyteDB master quorum lost");
  if (!tabletQuorum) notes.push("YugabyteDB tablet quorum lost");
  if (quorum && kineServing.length === 0) notes.push("no Kine replica serves");
  if (kineServing.length > 0 && k3sServing.length === 0) notes.push("no k3s server serves: the Kubernetes API is down");
  const endpoint = plan.k3s.servers.find((s) => s.hostApiPort !== undefined && s.hostApiPort === Number(new URL(plan.k3s.apiUrl).port));
  if (kind === "k3s" && endpoint?.name === member && k3sServing.length > 0) notes.push(`the kubeconfig endpoint ${plan.k3s.apiUrl} (${member}) is down; other servers answer`);
  return {
    kind,
    member,
    quorum,
    kineServing: kineServing.length,
    k3sServing: k3sServing.length,
    serving: quorum && kineServing.length > 0 && k3sServing.length > 0,
    note: notes.join("; "),
  };
}

/** Every step of a full rollout of `kinds`, in order, each checked. */
export function rolloutChecks(plan: ClusterPlan, kinds: readonly RolloutKind[] = ROLLOUT_KINDS): StepCheck[] {
  return rolloutUnits(plan)
    .filter((u) => kinds.includes(u.kind))
    .flatMap((u) => (u.surge ? [] : u.members.map((m) => checkStep(plan, u.kind, m))));
}

// ---------------------------------------------------------------------------------------------------------------
// Node-local scripts (bash). Each takes the node's advertise address as $1 (default: `hostname -f`, which is the
// advertise address on docker and kubernetes).
// ---------------------------------------------------------------------------------------------------------------

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface YbAdminOptions {
  /** yb-admin `-certs_dir_name` (a directory holding `ca.crt`) when TLS is on. */
  readonly certsDir?: string;
}

/** Where the scripts live on a host or in a container (one path on every target). */
export const ROLLOUT_SCRIPTS = {
  drain: "/usr/local/lib/yb-k3s/drain.sh",
  undrain: "/usr/local/lib/yb-k3s/undrain.sh",
  rejoin: "/usr/local/lib/yb-k3s/rejoin.sh",
} as const;

function prelude(plan: ClusterPlan, what: string, o: YbAdminOptions): string {
  const certs = plan.tls && o.certsDir ? ` -certs_dir_name ${q(o.certsDir)}` : "";
  return `#!/bin/bash
# yb-k3s (${plan.stack}): ${what}
set -uo pipefail
MASTERS=${q(plan.yugabyte.masterAddresses.join(","))}
yb_admin() { timeout 10 ${q(`${plan.yugabyte.binDir}/yb-admin`)} -master_addresses "$MASTERS" -timeout_ms 8000${certs} "$@"; }
log() { printf '%s yb-k3s %s: %s\\n' "$(date -u +%FT%TZ)" "$0" "$*" >&2; }
# Is tablet server $1 (host:port) registered and ALIVE? (list_all_tablet_servers: uuid, host:port, ..., status)
alive() { yb_admin list_all_tablet_servers 2>/dev/null | awk -v s="$1" '$2 == s && / ALIVE/ { f = 1 } END { exit !f }'; }
# Is $1 (host:port) in the leader blacklist of the universe config?
leader_blacklisted() {
  yb_admin get_universe_config 2>/dev/null | python3 -c '
import json, sys
text = sys.stdin.read()
config = json.loads(text[text.index("{"):])
host, port = sys.argv[1].rsplit(":", 1)
blacklist = config.get("leaderBlacklist") or config.get("leader_blacklist") or {}
sys.exit(0 if any(h.get("host") == host and str(h.get("port")) == port for h in blacklist.get("hosts", [])) else 1)
' "$1"
}
`;
}

/**
 * Before a node stops for good or for a restart: move its tablet leaders away (leader blacklist, bounded by
 * `drainSeconds`) and hand over the master leadership if it holds it. Best effort: it never blocks a stop for longer
 * and never fails it (a stop must happen; the survivability model already counts the node as down).
 */
export function renderDrainScript(plan: ClusterPlan, o: YbAdminOptions = {}): string {
  return `${prelude(plan, "move tablet leaders and the master leadership away before this node stops", o)}
SELF="\${1:-$(hostname -f)}:${ports.tserverRpc}"
SELF_MASTER="\${SELF%:*}:${ports.masterRpc}"
# Nothing to move when the tablet server is not running any more (it crashed, or this is a second stop).
if ! timeout 3 bash -c "</dev/tcp/\${SELF%:*}/${ports.tserverRpc}" 2>/dev/null; then log "$SELF is not running"; exit 0; fi
others=$(yb_admin list_all_tablet_servers 2>/dev/null | awk -v s="$SELF" '$2 != s && / ALIVE/' | wc -l)
if [ "\${others:-0}" -eq 0 ]; then log "no other tablet server is alive: no leader can move"; exit 0; fi
if ! yb_admin change_leader_blacklist ADD "$SELF" >/dev/null 2>&1; then log "could not add $SELF to the leader blacklist"; exit 0; fi
end=$((SECONDS + ${ROLLOUT_TIMING.drainSeconds}))
while [ "$SECONDS" -lt "$end" ]; do
  pct=$(yb_admin get_leader_blacklist_completion 2>/dev/null | grep -oE '[0-9]+(\\.[0-9]+)?' | head -1)
  case "\${pct:-}" in 100 | 100.*) log "tablet leaders moved away from $SELF"; break ;; esac
  sleep 3
done
if yb_admin list_all_masters 2>/dev/null | awk -v s="$SELF_MASTER" '$2 == s && / LEADER/ { f = 1 } END { exit !f }'; then
  yb_admin master_leader_stepdown >/dev/null 2>&1 && log "master leadership handed over"
fi
exit 0
`;
}

/**
 * After a node starts: once its tablet server is ALIVE, take it out of the leader blacklist (a drain before its last
 * stop put it there; a node the plan runs is never meant to be blacklisted). Runs in the background beside yugabyted.
 */
export function renderUndrainScript(plan: ClusterPlan, o: YbAdminOptions = {}): string {
  return `${prelude(plan, "let tablet leaders come back once this node is ALIVE again", o)}
SELF="\${1:-$(hostname -f)}:${ports.tserverRpc}"
end=$((SECONDS + ${ROLLOUT_TIMING.rejoinSeconds}))
until alive "$SELF"; do
  [ "$SECONDS" -lt "$end" ] || { log "$SELF not ALIVE after ${ROLLOUT_TIMING.rejoinSeconds}s"; exit 0; }
  sleep 5
done
until ! leader_blacklisted "$SELF"; do
  yb_admin change_leader_blacklist REMOVE "$SELF" >/dev/null 2>&1 && log "$SELF removed from the leader blacklist"
  [ "$SECONDS" -lt "$end" ] || exit 0
  sleep 5
done
exit 0
`;
}

export interface RejoinGateOptions extends YbAdminOptions {
  /** CA file for the master UI when it serves https (curl tries http first). */
  readonly caFile?: string;
  /**
   * kubernetes: first wait until this StatefulSet (in the pod's namespace, `POD_NAMESPACE`) has really rolled out —
   * observedGeneration caught up with generation, every replica updated and ready, currentRevision = updateRevision —
   * read from the API server with the pod's service account. Independent of the provider's own await.
   */
  readonly statefulSet?: string;
}

/** The read-only check a gate runs on a StatefulSet object (JSON on stdin); exit 0 once its rollout is complete. */
const STATEFULSET_ROLLED_OUT = `import json, sys
s = json.load(sys.stdin)
st, want = s.get("status", {}), s["spec"].get("replicas", 1)
done = (
    st.get("observedGeneration", 0) >= s["metadata"]["generation"]
    and st.get("replicas", 0) == want
    and st.get("updatedReplicas", 0) == want
    and st.get("readyReplicas", 0) == want
    and st.get("currentRevision") == st.get("updateRevision")
)
sys.exit(0 if done else 1)`;

function statefulSetWait(name: string): string {
  return `# The StatefulSet's own rollout first (the provider's await may report success before the controller starts).
SA=/var/run/secrets/kubernetes.io/serviceaccount
STS_URL="https://kubernetes.default.svc/apis/apps/v1/namespaces/\${POD_NAMESPACE:?}/statefulsets/${name}"
until curl -fsS --max-time 10 --cacert "$SA/ca.crt" -H "Authorization: Bearer $(cat "$SA/token")" "$STS_URL" | python3 -c ${q(STATEFULSET_ROLLED_OUT)}; do
  [ "$SECONDS" -lt "$end" ] || fail "StatefulSet ${name} has not rolled out after ${ROLLOUT_TIMING.rejoinSeconds}s"
  sleep 5
done
log "StatefulSet ${name} rolled out"
`;
}

/**
 * The gate of one rollout unit: every node in `nodes` is ALIVE, out of the leader blacklist, and — once the universe
 * has RF tablet servers — no tablet is under-replicated. Exits non-zero after `rejoinSeconds`: the deployment stops
 * there and the next node is not touched.
 */
export function renderRejoinGateScript(plan: ClusterPlan, nodes: readonly NodePlan[], o: RejoinGateOptions = {}): string {
  const ui = [...new Set(plan.yugabyte.masterAddresses.map((a) => `${a.slice(0, a.lastIndexOf(":"))}:${ports.masterUi}`))];
  return `${prelude(plan, `rollout gate: ${nodes.map((n) => n.name).join(", ")} back in the universe, nothing under-replicated`, o)}
NODES=${q(nodes.map((n) => `${n.address}:${ports.tserverRpc}`).join(" "))}
MASTER_UI=${q(ui.join(" "))}
CA=${q(plan.tls && o.caFile ? o.caFile : "")}
RF=${plan.replicationFactor}
end=$((SECONDS + ${ROLLOUT_TIMING.rejoinSeconds}))
fail() { log "$*"; exit 1; }
${o.statefulSet ? statefulSetWait(o.statefulSet) : ""}# Number of under-replicated tablets as the master leader reports it ("unknown" while no master answers).
under_replicated() {
  local h scheme out n
  for h in $MASTER_UI; do
    for scheme in http https; do
      out=$(curl -fsS --max-time 10 \${CA:+--cacert "$CA"} "$scheme://$h/api/v1/tablet-under-replication" 2>/dev/null) || continue
      n=$(printf '%s' "$out" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["underreplicated_tablets"]))' 2>/dev/null) || continue
      echo "$n"
      return 0
    done
  done
  echo unknown
}
for node in $NODES; do
  until alive "$node"; do
    [ "$SECONDS" -lt "$end" ] || fail "$node is not ALIVE after ${ROLLOUT_TIMING.rejoinSeconds}s"
    sleep 5
  done
  until ! leader_blacklisted "$node"; do
    yb_admin change_leader_blacklist REMOVE "$node" >/dev/null 2>&1 || true
    [ "$SECONDS" -lt "$end" ] || fail "$node is still in the leader blacklist"
    sleep 3
  done
  log "$node is ALIVE"
done
registered=$(yb_admin list_all_tablet_servers 2>/dev/null | awk '$2 ~ /:${ports.tserverRpc}$/' | wc -l)
if [ "\${registered:-0}" -lt "$RF" ]; then
  log "the universe is still forming ($registered of $RF tablet servers): nothing to re-replicate yet"
  exit 0
fi
while :; do
  n=$(under_replicated)
  [ "$n" = 0 ] && break
  [ "$SECONDS" -lt "$end" ] || fail "tablets still under-replicated after ${ROLLOUT_TIMING.rejoinSeconds}s ($n)"
  log "waiting: $n under-replicated tablets"
  sleep 5
done
log "no tablet is under-replicated"
`;
}

export interface ScaleInOptions extends YbAdminOptions {
  /**
   * kubernetes: the universe exists exactly when this StatefulSet (node 0's zone) exists; while it does not (the first
   * deployment) there is nothing to drain. Elsewhere the step runs after every node's gate, when the universe exists.
   */
  readonly firstStatefulSet?: string;
}

/**
 * Scale-in, before any node is removed: every registered tablet server that is ALIVE but not in the plan is put on the
 * (data) blacklist, and the step waits until yb-admin reports the load move complete (100) — their tablets then live
 * on the planned nodes, and removing them loses no replica. Refuses (exit 1) when such a node runs a YugabyteDB
 * master: masters do not move by themselves (see docs/upgrades.md). Planned nodes are taken off the blacklist (a
 * scale out after a scale-in). Fails after `rejoinSeconds`, so the removal never happens half-drained.
 */
export function renderScaleInDrainScript(plan: ClusterPlan, o: ScaleInOptions = {}): string {
  const keep = plan.nodes.map((n) => `${n.address}:${ports.tserverRpc}`);
  return `${prelude(plan, "scale-in: drain every tablet server the plan no longer has, before it is removed", o)}
KEEP=${q(keep.join(" "))}
end=$((SECONDS + ${ROLLOUT_TIMING.rejoinSeconds}))
fail() { log "$*"; exit 1; }
${
  o.firstStatefulSet
    ? `SA=/var/run/secrets/kubernetes.io/serviceaccount
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$SA/ca.crt" -H "Authorization: Bearer $(cat "$SA/token")" \\
  "https://kubernetes.default.svc/apis/apps/v1/namespaces/\${POD_NAMESPACE:?}/statefulsets/${o.firstStatefulSet}")
if [ "$code" = 404 ]; then log "no universe yet (first deployment): nothing to drain"; exit 0; fi
[ "$code" = 200 ] || fail "cannot read StatefulSet ${o.firstStatefulSet} (HTTP $code)"
`
    : ""
}until servers=$(yb_admin list_all_tablet_servers 2>/dev/null); do
  [ "$SECONDS" -lt "$end" ] || fail "no YugabyteDB master answers"
  sleep 5
done
masters=$(yb_admin list_all_masters 2>/dev/null || true)
leaving=""
for ts in $(printf '%s\\n' "$servers" | awk '$2 ~ /:${ports.tserverRpc}$/ && / ALIVE/ { print $2 }'); do
  case " $KEEP " in *" $ts "*) continue ;; esac
  if printf '%s\\n' "$masters" | awk -v m="\${ts%:*}:${ports.masterRpc}" '$2 == m { f = 1 } END { exit !f }'; then
    fail "$ts runs a YugabyteDB master: move it first (yb-admin change_master_config), then remove the node"
  fi
  leaving="$leaving $ts"
done
for ts in $KEEP; do yb_admin change_blacklist REMOVE "$ts" >/dev/null 2>&1 || true; done
if [ -z "$leaving" ]; then log "no tablet server to drain"; exit 0; fi
# shellcheck disable=SC2086 # one argument per tablet server
yb_admin change_blacklist ADD $leaving >/dev/null || fail "could not blacklist$leaving"
log "draining$leaving"
while :; do
  pct=$(yb_admin get_load_move_completion 2>/dev/null | grep -oE '[0-9]+(\\.[0-9]+)?' | head -1)
  case "\${pct:-}" in 100 | 100.*) break ;; esac
  [ "$SECONDS" -lt "$end" ] || fail "load move at \${pct:-unknown}% after ${ROLLOUT_TIMING.rejoinSeconds}s; nothing removed"
  log "load move \${pct:-unknown}%"
  sleep 10
done
log "drained$leaving: they hold no tablet and can be removed"
`;
}

/** A gate for a Kine replica or k3s server on a host: its unit is active and its port answers (bounded). */
export function renderServiceGateScript(plan: ClusterPlan, unit: string, port: number): string {
  return `#!/bin/bash
# yb-k3s (${plan.stack}): rollout gate: ${unit} is active and answers on ${port}
set -uo pipefail
end=$((SECONDS + ${ROLLOUT_TIMING.serviceSeconds}))
until systemctl is-active --quiet ${q(unit)} && timeout 3 bash -c '</dev/tcp/127.0.0.1/${port}' 2>/dev/null; do
  [ "$SECONDS" -lt "$end" ] || { echo "${unit} not answering on ${port} after ${ROLLOUT_TIMING.serviceSeconds}s" >&2; exit 1; }
  sleep 5
done
echo "${unit} answers on ${port}"
`;
}

export interface NodeLauncherOptions {
  /** The node's advertise address (the drain and undrain scripts' argument). */
  readonly address: string;
  /** A 0600 file to export before yugabyted starts (TLS: YSQL_PASSWORD). */
  readonly envFile?: string;
}

/**
 * kubernetes: lines for the top of a pod's launcher that let leaders come back once the pod's node is ALIVE again
 * (the undrain script, written to /tmp and run in the background; the pod's preStop hook runs the drain).
 */
export function renderUndrainInBackground(plan: ClusterPlan, o: YbAdminOptions = {}): string[] {
  return ["cat > /tmp/yb-k3s-undrain.sh <<'YB_K3S_UNDRAIN'", ...renderUndrainScript(plan, o).trimEnd().split("\n"), "YB_K3S_UNDRAIN", "/bin/bash /tmp/yb-k3s-undrain.sh &"];
}

/**
 * Docker (no preStop hook): a bash launcher that runs `binary args...` (verbatim, one quoted word each) as its child,
 * lets leaders come back once the node is ALIVE (undrain, in the background), and on SIGTERM — `docker stop`, or the
 * provider stopping the container before a replacement (`destroyGraceSeconds`) — drains first, then stops yugabyted and
 * waits for it.
 */
export function renderTrapLauncher(binary: string, args: readonly string[], o: NodeLauncherOptions): string {
  const stop = `/bin/bash ${q(ROLLOUT_SCRIPTS.drain)} ${q(o.address)}; kill -TERM "$child" 2>/dev/null`;
  return [
    "set -u",
    ...(o.envFile ? ["set -a", `. ${q(o.envFile)}`, "set +a"] : []),
    `/bin/bash ${q(ROLLOUT_SCRIPTS.undrain)} ${q(o.address)} &`,
    `${[binary, ...args].map(q).join(" ")} &`,
    "child=$!",
    `trap ${q(stop)} TERM INT`,
    'wait "$child"',
    "status=$?",
    // `wait` returns early when the trap runs: keep waiting for yugabyted's own shutdown.
    'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
    'exit "$status"',
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// A change from one plan to the next (scale out / in, RF, fault tolerance, TLS): what a running universe can take.
// ---------------------------------------------------------------------------------------------------------------

export interface Transition {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Changes a running universe cannot take this way: `<key>: <what is wrong and what to do>` (config errors). */
  readonly problems: readonly string[];
  /** What the change will do that an operator should know before it runs. */
  readonly notes: readonly string[];
}

/** The config key a node's presence comes from: its zone's nodesPerZone, or the region's (database) zones. */
function nodeKey(before: ClusterPlan, after: ClusterPlan, node: NodePlan): string {
  const i = after.regions.findIndex((r) => r.name === node.region);
  if (i < 0) return "yb-k3s:regions";
  const stillDatabaseZone = after.nodes.some((n) => n.zone === node.zone);
  if (stillDatabaseZone) return `yb-k3s:regions[${i}].nodesPerZone`;
  return after.regions[i].zones.includes(node.zone) ? `yb-k3s:regions[${i}].databaseZones` : `yb-k3s:regions[${i}].zones`;
}

export function checkTransition(before: ClusterPlan, after: ClusterPlan): Transition {
  const names = (p: ClusterPlan) => new Set(p.nodes.map((n) => n.name));
  const added = after.nodes.filter((n) => !names(before).has(n.name)).map((n) => n.name);
  const removedNodes = before.nodes.filter((n) => !names(after).has(n.name));
  const problems: string[] = [];
  const notes: string[] = [];
  if (before.target !== after.target) problems.push(`yb-k3s:target: changes from '${before.target}' to '${after.target}': that is a new deployment, not a rollout (migrate the data, then destroy the old stack)`);
  if (before.tls !== after.tls)
    problems.push(`yb-k3s:tls.enabled: switching TLS ${after.tls ? "on" : "off"} is not a rolling change (a universe cannot run half encrypted); build a new stack, or restart every node at once in a maintenance window (docs/tls.md)`);
  // Masters do not move by themselves: a removed master node shrinks the master quorum for good.
  const beforeMasters = masterNodes(before).map((m) => m.name);
  const lostMasters = removedNodes.filter((n) => beforeMasters.includes(n.name));
  for (const n of lostMasters)
    problems.push(`${nodeKey(before, after, n)}: removes ${n.name}, which runs a YugabyteDB master; masters do not move by themselves: keep the node, or move the master first (yb-admin change_master_config ADD_SERVER / REMOVE_SERVER) and then remove it`);
  const afterMasters = masterNodes(after).map((m) => m.name);
  if (lostMasters.length === 0 && beforeMasters.join() !== afterMasters.join())
    notes.push(`the survivability model places masters on ${afterMasters.join(", ")}, but the running universe keeps them on ${beforeMasters.join(", ")} (yugabyted picks masters once)`);
  if (removedNodes.length)
    notes.push(
      `scale-in: ${removedNodes.map((n) => n.name).join(", ")} are drained first (data blacklist, load move to 100%), then removed` +
        (before.protectData ? "; their data volumes are protected: `pulumi up` stops at deleting them — unprotect them deliberately (`pulumi state unprotect <urn>`), they are then retained, not deleted" : ""),
    );
  if (added.length) notes.push(`scale-out: ${added.join(", ")} join after the existing nodes; the bootstrap then re-applies the placement and the balancer moves tablets onto them`);
  if (before.replicationFactor !== after.replicationFactor)
    notes.push(`replication factor ${before.replicationFactor} -> ${after.replicationFactor}: the bootstrap re-runs modify_placement_info; tablets gain or lose replicas in the background`);
  if (before.faultTolerance !== after.faultTolerance) notes.push(`fault tolerance ${before.faultTolerance} -> ${after.faultTolerance}: every node restarts (its --fault_tolerance changes), one at a time`);
  if (before.nodes[0] && after.nodes[0] && before.nodes[0].address !== after.nodes[0].address)
    notes.push(`the join target changes from ${before.nodes[0].name} to ${after.nodes[0].name}: every node's --join changes, so every node restarts, one at a time`);
  return { added, removed: removedNodes.map((n) => n.name), problems, notes };
}
