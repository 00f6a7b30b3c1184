/**
 * `npm run drill`: take one zone or region of a deployed stack down on purpose, measure what the Kubernetes API does
 * meanwhile, bring it back and check the universe is whole (pure rendering here; lib/drill/execute.ts runs it).
 *
 * Which domain: `--domain NAME`, or by default the first zone (region) in plan order that is not the primary one —
 * the primary zone is node 0's (the join target, a master; on docker also k3s-0, the server the kubeconfig names), the
 * primary region is `primaryRegion` — preferring one whose loss planner/survivability.ts calls `survives` over one it
 * calls `degraded`. The drill refuses (DrillRefusal, exit 77) a domain whose loss the plan says the stack does not
 * survive (`fails`): it would only take the control plane down. It also refuses an unknown domain (listing the names it
 * knows) and a kind the stack has fewer than two of (losing the only region is losing everything).
 *
 * How a domain goes down and comes back, per target:
 * - docker: `docker stop` its containers (the YugabyteDB nodes, Kine replicas and k3s servers planned there), later
 *   `docker start` them and wait until each is running and healthy (their health checks).
 * - kubernetes: the zone lost, as far as the stack can tell, and nothing else touched. Every node carrying the zone's
 *   value of the stack's `zoneLabel` gets a NoSchedule taint `yb-k3s.io/drill=<zone>` and the stack's own YugabyteDB,
 *   Kine and k3s pods on them are deleted: the zone's YugabyteDB StatefulSet (required node affinity to its zone) comes
 *   back Pending — that is the outage — while Kine's and k3s's pods may be rescheduled to other zones. Other tenants'
 *   pods on those nodes keep running (a NoExecute taint would evict them all: the host cluster is often shared); only
 *   new pods cannot land there during the drill. Restoring removes the taint and waits until every StatefulSet and the
 *   Deployment is back to its planned ready count (`kubectl rollout status`).
 * - aws: printed only: `aws ec2 stop-instances` / `start-instances` for the domain's instances (ids from the stack's
 *   `instanceIds` output when available, placeholders otherwise); executing them from here is not implemented.
 */
import type { Topology } from "../../config/schema";
import { K8S_APPS, yugabyteStatefulSetName } from "../../components/kubernetes.common";
import type { ClusterPlan } from "../../planner/plan";
import { analyzeFaultTolerance, type Scenario, type Verdict } from "../../planner/survivability";
import { KUBERNETES_WORKLOADS } from "../rewind/steps";
import { dockerContainerName, kubectlTargetOf, type KubectlTarget } from "../verify/access";

export type FaultDomainKind = "zone" | "region";
export const FAULT_DOMAIN_KINDS: readonly FaultDomainKind[] = ["zone", "region"];

/**
 * The taint the kubernetes drill puts on a zone's nodes (value: the zone). NoSchedule, not NoExecute: the drill deletes
 * only the stack's own pods there, and leaves whatever else runs on a shared host cluster alone.
 */
export const DRILL_TAINT_KEY = "yb-k3s.io/drill";
export const DRILL_TAINT_EFFECT = "NoSchedule";
/** Every object the drill creates carries this label (its probe namespace and ConfigMaps). */
export const DRILL_LABEL = { key: "app.kubernetes.io/managed-by", value: "yb-k3s-drill" } as const;


/** Bounds of the waits, seconds. */
export const DRILL_TIMEOUTS = { downSeconds: 300, restoreSeconds: 600 } as const;

export type DrillAction =
  | { readonly kind: "exec"; readonly argv: readonly string[]; /** Output that still counts as done (e.g. a taint already gone). */ readonly okIf?: RegExp }
  /** kubernetes: the zone's nodes exist (refuse to go on when a zone has no node: there would be nothing to take down). */
  | { readonly kind: "zone-nodes"; readonly argv: readonly string[]; readonly zoneLabel: string; readonly zones: readonly string[] }
  /**
   * kubernetes: delete (once each, `deleteArgv` + the pod's name) every pod of the stack's workloads bound to a node
   * of the zones, and poll until none is left there.
   */
  | {
      readonly kind: "pods-gone";
      readonly podsArgv: readonly string[];
      readonly nodesArgv: readonly string[];
      readonly deleteArgv: readonly string[];
      readonly zoneLabel: string;
      readonly zones: readonly string[];
      readonly apps: readonly string[];
      readonly timeoutSeconds: number;
    }
  /** docker: poll until the containers are running and, where they have a health check, healthy. */
  | { readonly kind: "containers-healthy"; readonly argv: readonly string[]; readonly names: readonly string[]; readonly timeoutSeconds: number };

export interface DrillStep {
  readonly title: string;
  /** What it does, for people: commands as they would be typed. */
  readonly shows: readonly string[];
  readonly actions: readonly DrillAction[];
}

export interface PlannedWorkload {
  readonly kind: "statefulset" | "deployment";
  readonly name: string;
  readonly replicas: number;
}

export interface DrillPlan {
  readonly stack: string;
  readonly target: ClusterPlan["target"];
  readonly kind: FaultDomainKind;
  readonly domain: string;
  /** `--domain` named it, or the default picked it. */
  readonly chosen: "named" | "default";
  readonly zones: readonly string[];
  readonly verdict: Exclude<Verdict, "fails">;
  readonly reason: string;
  /** With verdict `degraded`: where the control plane still answers. */
  readonly apiNote?: string;
  /** The hosts that go down, by role (plan names). */
  readonly hosts: { readonly yugabyte: readonly string[]; readonly kine: readonly string[]; readonly k3s: readonly string[] };
  /** docker, degraded: the probes use this API endpoint (a surviving server's published port) instead of the kubeconfig's. */
  readonly probeServer?: string;
  readonly stop: readonly DrillStep[];
  readonly restore: readonly DrillStep[];
  /** kubernetes: what every workload must be back to. */
  readonly workloads: readonly PlannedWorkload[];
  /** docker: every planned long-running container. */
  readonly containers: readonly string[];
  /** What the wholeness check reads: `kubectl get statefulsets,deployments -o json` (kubernetes), `docker inspect` of every container (docker). */
  readonly inspectArgv?: readonly string[];
  readonly executable: boolean;
  readonly notExecutableReason?: string;
}

export class DrillRefusal extends Error {}

/** One line per container: name, state, health (`none` without a health check); lib/drill/report.ts parses it. */
export const DOCKER_INSPECT_FORMAT = "{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}";

export const shell = (argv: readonly string[]): string => argv.map((a) => (/^[A-Za-z0-9_./:=,@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");

/** The zones a domain covers, in plan order. */
function zonesOf(plan: ClusterPlan, kind: FaultDomainKind, domain: string): string[] {
  return kind === "zone" ? [domain] : [...(plan.regions.find((r) => r.name === domain)?.zones ?? [])];
}

/** The domains of a kind the survivability analysis knows (zones that hold something, every region), plan order. */
export function domainsOf(plan: ClusterPlan, kind: FaultDomainKind): string[] {
  if (kind === "region") return plan.regions.map((r) => r.name);
  const used = (z: string) => plan.nodes.some((n) => n.zone === z) || plan.kine.replicas.some((k) => k.zone === z) || plan.k3s.servers.some((s) => s.zone === z);
  return plan.regions.flatMap((r) => r.zones).filter(used);
}

/** The primary zone (node 0's) or region. */
export const primaryDomain = (plan: ClusterPlan, kind: FaultDomainKind): string => (kind === "zone" ? plan.nodes[0].zone : plan.primaryRegion);

export interface DomainChoice {
  readonly domain: string;
  readonly chosen: "named" | "default";
  readonly scenario: Scenario;
}

/** Pick and check the domain; throws DrillRefusal. */
export function chooseDomain(plan: ClusterPlan, kind: FaultDomainKind, named?: string): DomainChoice {
  const all = domainsOf(plan, kind);
  if (all.length < 2)
    throw new DrillRefusal(
      `stack ${plan.stack} has ${all.length === 1 ? `one ${kind} only (${all[0]})` : `no ${kind}`}: losing it is losing everything, so there is no ${kind} to drill${kind === "region" ? "; drill a zone (--fault-domain zone)" : ""}`,
    );
  const report = analyzeFaultTolerance(plan, { maxSize: 1 });
  const scenarioOf = (d: string) => report.scenarios.find((s) => s.kind === kind && s.size === 1 && s.lost === d) as Scenario;
  const surviving = all.filter((d) => scenarioOf(d).verdict !== "fails");
  let domain: string;
  let chosen: DomainChoice["chosen"];
  if (named !== undefined) {
    if (!all.includes(named)) throw new DrillRefusal(`stack ${plan.stack} has no ${kind} '${named}'; its ${kind}s are: ${all.join(", ")}`);
    domain = named;
    chosen = "named";
  } else {
    const primary = primaryDomain(plan, kind);
    const others = all.filter((d) => d !== primary);
    domain = others.find((d) => scenarioOf(d).verdict === "survives") ?? others.find((d) => scenarioOf(d).verdict === "degraded") ?? others[0];
    chosen = "default";
  }
  const scenario = scenarioOf(domain);
  if (scenario.verdict === "fails") {
    const alternatives = surviving.length ? `${kind === "zone" ? "Zones" : "Regions"} it survives losing: ${surviving.join(", ")}.` : `It survives the loss of no ${kind}.`;
    throw new DrillRefusal(
      `stack ${plan.stack} does not survive losing ${kind} ${domain} (planner/survivability.ts verdict: fails — ${scenario.reason}); the drill would only take the control plane down. ${alternatives}`,
    );
  }
  return { domain, chosen, scenario };
}

const dockerCmd = (host: string | undefined, ...rest: string[]) => ["docker", ...(host ? ["-H", host] : []), ...rest];

/** `kubectl [--kubeconfig F] --context C` (the host cluster's, as verify and rewind use it). */
const kubectlGlobal = (k: KubectlTarget) => ["kubectl", ...(k.kubeconfig ? ["--kubeconfig", k.kubeconfig] : []), "--context", k.context, "--request-timeout=30s"];

export const taintArgv = (k: KubectlTarget, zoneLabel: string, zone: string): string[] => [
  ...kubectlGlobal(k), "taint", "nodes", "-l", `${zoneLabel}=${zone}`, `${DRILL_TAINT_KEY}=${zone}:${DRILL_TAINT_EFFECT}`, "--overwrite",
];
export const untaintArgv = (k: KubectlTarget, zoneLabel: string, zone: string): string[] => [
  ...kubectlGlobal(k), "taint", "nodes", "-l", `${zoneLabel}=${zone}`, `${DRILL_TAINT_KEY}:${DRILL_TAINT_EFFECT}-`,
];

export interface DrillInput {
  readonly plan: ClusterPlan;
  readonly topology: Topology;
  readonly kind: FaultDomainKind;
  readonly domain?: string;
  /** aws: the `instanceIds` output (plan order per role). */
  readonly instanceIds?: { readonly yugabyte: readonly string[]; readonly kine: readonly string[]; readonly k3s: readonly string[] };
}

export function renderDrill(i: DrillInput): DrillPlan {
  const { plan, topology } = i;
  const choice = chooseDomain(plan, i.kind, i.domain);
  const zones = zonesOf(plan, i.kind, choice.domain);
  const inDomain = (x: { readonly zone: string; readonly region: string }) => (i.kind === "zone" ? x.zone === choice.domain : x.region === choice.domain);
  const nodes = plan.nodes.filter(inDomain);
  const kine = plan.kine.replicas.filter(inDomain);
  const k3s = plan.k3s.servers.filter(inDomain);
  const hosts = { yugabyte: nodes.map((n) => n.name), kine: kine.map((k) => k.name), k3s: k3s.map((s) => s.name) };
  const what = `${i.kind} ${choice.domain}`;
  const step = (title: string, actions: DrillAction[], shows?: string[]): DrillStep => ({
    title,
    shows: shows ?? actions.map((a) => (a.kind === "exec" || a.kind === "zone-nodes" || a.kind === "containers-healthy" ? shell(a.argv) : shell(a.podsArgv))),
    actions,
  });
  let stop: DrillStep[] = [];
  let restore: DrillStep[] = [];
  const workloads: PlannedWorkload[] = [];
  let containers: string[] = [];
  let probeServer: string | undefined;
  let inspectArgv: string[] | undefined;

  if (plan.target === "docker") {
    const host = topology.docker?.host;
    const names = [...nodes, ...kine, ...k3s].map((h) => dockerContainerName(plan, h));
    containers = [...plan.nodes, ...plan.kine.replicas, ...plan.k3s.servers].map((h) => dockerContainerName(plan, h));
    stop = [step(`stop the ${names.length} container(s) of ${what}`, [{ kind: "exec", argv: dockerCmd(host, "stop", ...names) }])];
    const inspect = dockerCmd(host, "inspect", "--format", DOCKER_INSPECT_FORMAT, ...names);
    inspectArgv = dockerCmd(host, "inspect", "--format", DOCKER_INSPECT_FORMAT, ...containers);
    restore = [
      step(`start the container(s) of ${what}`, [{ kind: "exec", argv: dockerCmd(host, "start", ...names) }]),
      step(`wait until they are running and healthy (at most ${DRILL_TIMEOUTS.restoreSeconds} s)`, [{ kind: "containers-healthy", argv: inspect, names, timeoutSeconds: DRILL_TIMEOUTS.restoreSeconds }]),
    ];
    if (choice.scenario.apiEndpoint === "moved") {
      const alt = plan.k3s.servers.find((s) => choice.scenario.k3sServing.includes(s.name) && s.hostApiPort !== undefined);
      const bind = topology.docker?.bindAddress ?? "127.0.0.1";
      if (alt?.hostApiPort) probeServer = `https://${bind.includes(":") ? `[${bind}]` : bind}:${alt.hostApiPort}`;
    }
  } else if (plan.target === "kubernetes") {
    const k = kubectlTargetOf(topology) as KubectlTarget;
    const zoneLabel = topology.kubernetes?.zoneLabel ?? "topology.kubernetes.io/zone";
    const ns = [...kubectlGlobal(k), "-n", k.namespace];
    const nodesArgv = [...kubectlGlobal(k), "get", "nodes", "-l", `${zoneLabel} in (${zones.join(",")})`, "-o", "json"];
    const podsArgv = [...ns, "get", "pods", "-l", `app.kubernetes.io/instance=${plan.prefix}`, "-o", "json"];
    const deleteArgv = [...ns, "delete", "pod", "--wait=false"];
    const apps = [K8S_APPS.yugabyte, K8S_APPS.kine, K8S_APPS.k3s];
    inspectArgv = [...ns, "get", "statefulsets,deployments", "-l", `app.kubernetes.io/instance=${plan.prefix}`, "-o", "json"];
    stop = [
      step(`find the nodes of ${what} (label ${zoneLabel})`, [{ kind: "zone-nodes", argv: nodesArgv, zoneLabel, zones }]),
      step(
        `taint them ${DRILL_TAINT_KEY}=<zone>:${DRILL_TAINT_EFFECT}: nothing new schedules there (what else runs there keeps running)`,
        zones.map((z) => ({ kind: "exec" as const, argv: taintArgv(k, zoneLabel, z) })),
      ),
      step(
        `delete the stack's YugabyteDB, Kine and k3s pods on them and wait until none is left (at most ${DRILL_TIMEOUTS.downSeconds} s): the zone's database pods come back Pending`,
        [{ kind: "pods-gone", podsArgv, nodesArgv, deleteArgv, zoneLabel, zones, apps, timeoutSeconds: DRILL_TIMEOUTS.downSeconds }],
        [
          `${shell([...ns, "get", "pods", "-l", `app.kubernetes.io/instance=${plan.prefix}`, "-o", "wide"])}   # the stack's pods on those nodes`,
          `${shell(deleteArgv)} <each of them>   # until none runs on those nodes`,
        ],
      ),
    ];
    const dbZones = [...new Set(plan.nodes.map((n) => n.zone))];
    for (const z of dbZones) workloads.push({ kind: "statefulset", name: yugabyteStatefulSetName(z), replicas: plan.nodes.filter((n) => n.zone === z).length });
    workloads.push({ kind: "statefulset", name: KUBERNETES_WORKLOADS.k3sStatefulSet, replicas: plan.k3s.servers.length });
    workloads.push({ kind: "deployment", name: KUBERNETES_WORKLOADS.kineDeployment, replicas: plan.kine.replicas.length });
    restore = [
      step(`remove the taint from the nodes of ${what}`, zones.map((z) => ({ kind: "exec" as const, argv: untaintArgv(k, zoneLabel, z), okIf: /not found/ }))),
      step(
        `wait until every StatefulSet and the Deployment is back to its planned ready count (at most ${DRILL_TIMEOUTS.restoreSeconds} s each)`,
        workloads.map((w) => ({ kind: "exec" as const, argv: [...ns, "rollout", "status", `${w.kind}/${w.name}`, `--timeout=${DRILL_TIMEOUTS.restoreSeconds}s`] })),
      ),
    ];
  } else {
    const id = (list: readonly string[] | undefined, idx: number, name: string) => list?.[idx] ?? `<instance id of ${name}>`;
    const members = [
      ...nodes.map((n) => ({ region: n.region, id: id(i.instanceIds?.yugabyte, n.index, n.name) })),
      ...kine.map((r) => ({ region: r.region, id: id(i.instanceIds?.kine, r.index, r.name) })),
      ...k3s.map((s) => ({ region: s.region, id: id(i.instanceIds?.k3s, s.index, s.name) })),
    ];
    const regions = [...new Set(members.map((m) => m.region))];
    const ec2 = (verb: string[], region: string) => ["aws", "ec2", ...verb, "--region", region, "--instance-ids", ...members.filter((m) => m.region === region).map((m) => m.id)];
    stop = [
      step(`stop the ${members.length} instance(s) of ${what}`, regions.map((r) => ({ kind: "exec" as const, argv: ec2(["stop-instances"], r) }))),
      step("wait until they are stopped", regions.map((r) => ({ kind: "exec" as const, argv: ec2(["wait", "instance-stopped"], r) }))),
    ];
    restore = [
      step(`start the instance(s) of ${what}`, regions.map((r) => ({ kind: "exec" as const, argv: ec2(["start-instances"], r) }))),
      step("wait until they are running", regions.map((r) => ({ kind: "exec" as const, argv: ec2(["wait", "instance-running"], r) }))),
    ];
  }
  return {
    stack: plan.stack,
    target: plan.target,
    kind: i.kind,
    domain: choice.domain,
    chosen: choice.chosen,
    zones,
    verdict: choice.scenario.verdict as DrillPlan["verdict"],
    reason: choice.scenario.reason,
    ...(choice.scenario.apiNote ? { apiNote: choice.scenario.apiNote } : {}),
    hosts,
    ...(probeServer ? { probeServer } : {}),
    stop,
    restore,
    workloads,
    containers,
    ...(inspectArgv ? { inspectArgv } : {}),
    executable: plan.target !== "aws",
    notExecutableReason:
      plan.target === "aws"
        ? "on aws, the drill prints the steps: run them with the AWS CLI and measure with your own probes (executing them from here is not implemented and untested)"
        : undefined,
  };
}

export interface FormatOptions {
  readonly dryRun: boolean;
  readonly holdSeconds: number;
  readonly probeIntervalMs: number;
}

export function formatDrill(d: DrillPlan, o: FormatOptions): string {
  const hosts = [...d.hosts.yugabyte, ...d.hosts.kine, ...d.hosts.k3s];
  const lines = [
    `${o.dryRun ? "DRY RUN — nothing is changed. " : ""}Outage drill of stack ${d.stack} (${d.target}): lose ${d.kind} ${d.domain}${d.chosen === "default" ? " (the default: the first non-primary one it survives)" : ""}${d.kind === "region" ? ` (zones ${d.zones.join(", ")})` : ""}`,
    `Plan verdict: ${d.verdict} — ${d.reason}`,
    ...(d.verdict === "degraded" ? [`The operator endpoint moves: ${d.apiNote ?? "the kubeconfig's endpoint is down while the control plane keeps running"}${d.probeServer ? `; the probes use ${d.probeServer}` : ""}.`] : []),
    `Goes down: ${hosts.length ? hosts.join(", ") : "(nothing planned there)"}`,
    "",
    "1. check the universe is whole and the API answers a read and a write (nothing is stopped if not)",
    ...d.stop.flatMap((s, i) => [`${i + 2}. ${s.title}`, ...s.shows.map((l) => `     ${l}`)]),
    `${d.stop.length + 2}. hold ${o.holdSeconds} s: every ${o.probeIntervalMs} ms GET /readyz and a write (create and delete a ConfigMap in a drill namespace) on the k3s API`,
    ...d.restore.flatMap((s, i) => [`${i + d.stop.length + 3}. ${s.title}`, ...s.shows.map((l) => `     ${l}`)]),
    `${d.stop.length + d.restore.length + 3}. check the universe is whole again (every planned ${d.target === "docker" ? "container" : d.target === "kubernetes" ? "pod" : "instance"} back and ready, every tablet server ALIVE) and report the unavailability`,
    "",
    "The domain is restored whatever happens (a failure, Ctrl-C); if restoring fails, the commands to run by hand are printed.",
  ];
  return `${lines.join("\n")}\n`;
}

/** The restore commands, for a person to run when restoring failed. */
export const manualRestore = (d: DrillPlan): string[] => d.restore.flatMap((s) => s.shows);
