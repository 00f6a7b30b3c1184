/**
 * `plan --against`: what a change will do before it runs. Both configs run through the real program under the strict
 * mocks; the recorded resources are diffed by URN, and each change is classified the way the provider and engine treat
 * it (update in place, replace — delete first where the resource says so —, create, delete), in dependency order.
 * The rollout steps and their quorum come from the pure planner (planner/rollout.ts).
 */
import type { ClusterPlan } from "../planner/plan";
import { checkStep, checkTransition, rolloutUnits, type RolloutKind, type Transition } from "../planner/rollout";
import type { RecordedResource } from "./planRunner";

export type ChangeAction = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly action: ChangeAction;
  /** Replacement deletes the old resource before creating the new one (fixed names, ports, addresses). */
  readonly deleteFirst: boolean;
  /** Top-level inputs that differ (or, for a dependent replacement, why). */
  readonly changed: readonly string[];
  /** What this means for running processes, when it means anything. */
  readonly effect?: string;
}

export interface RolloutStep {
  readonly kind: RolloutKind;
  /** The resource-level unit (node, replica, server, StatefulSet, Deployment). */
  readonly unit: string;
  /** The member that is down during this step. */
  readonly member: string;
  readonly quorum: boolean;
  readonly kineServing: number;
  readonly k3sServing: number;
  readonly serving: boolean;
  readonly note: string;
}

export interface RolloutReport {
  readonly stack: string;
  readonly against: string;
  /** The program both configs ran through. */
  readonly program: "working tree";
  readonly changes: readonly ResourceChange[];
  readonly unchanged: number;
  /** One member down at a time, in the order the dependency chains impose. */
  readonly steps: readonly RolloutStep[];
  /** YugabyteDB keeps quorum and a Kine replica serves at every step. */
  readonly quorumHolds: boolean;
  /** The Kubernetes API answers at every step. */
  readonly apiServes: boolean;
  readonly transition: Transition;
}

// Which input changes make the provider replace a resource (the rest update in place). A fact about the providers, kept
// here once; `replaceOnChanges` recorded on a resource adds to it.
const REPLACE_KEYS: Readonly<Record<string, true | readonly string[]>> = {
  "docker:index/container:Container": true,
  "docker:index/volume:Volume": true,
  "docker:index/network:Network": true,
  "docker:index/remoteImage:RemoteImage": ["name"],
  "kubernetes:batch/v1:Job": ["spec"],
  "aws:ec2/instance:Instance": ["userData", "privateIp", "subnetId", "availabilityZone", "rootBlockDevice"],
  "aws:ebs/volume:Volume": ["availabilityZone", "encrypted"],
};
/** StatefulSet / Deployment fields the API server refuses to change (a change means delete and create). */
const IMMUTABLE_WORKLOAD_FIELDS = ["selector", "serviceName", "volumeClaimTemplates", "podManagementPolicy"];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});

function classify(before: RecordedResource, after: RecordedResource): { action: "update" | "replace"; changed: string[]; effect?: string } | undefined {
  const keys = [...new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])].filter((k) => !same(before.inputs[k], after.inputs[k])).sort();
  if (keys.length === 0) return undefined;
  const rule = REPLACE_KEYS[after.type];
  let replace = rule === true || (Array.isArray(rule) && keys.some((k) => rule.includes(k))) || keys.some((k) => after.replaceOnChanges.includes(k));
  let changed = keys;
  let effect: string | undefined;
  if (after.type === "kubernetes:apps/v1:StatefulSet" || after.type === "kubernetes:apps/v1:Deployment") {
    const [b, a] = [obj(before.inputs.spec), obj(after.inputs.spec)];
    const specKeys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !same(b[k], a[k]));
    changed = [...keys.filter((k) => k !== "spec"), ...specKeys.map((k) => `spec.${k}`)];
    replace = replace || specKeys.some((k) => IMMUTABLE_WORKLOAD_FIELDS.includes(k));
    if (!replace && specKeys.includes("template"))
      effect = after.type === "kubernetes:apps/v1:Deployment" ? "rolling update: a new pod is Ready before an old one stops" : "rolling update: pods restart one at a time, highest ordinal first";
    else if (!replace && specKeys.includes("replicas")) effect = `scales ${String(b.replicas)} -> ${String(a.replicas)}`;
  }
  return { action: replace ? "replace" : "update", changed, effect };
}

/** Diff two runs of the program by URN, in the dependency order of the new run (deletes last, as the engine does). */
export function diffRuns(before: readonly RecordedResource[], after: readonly RecordedResource[]): { changes: ResourceChange[]; unchanged: number } {
  const old = new Map(before.map((r) => [r.urn, r]));
  const now = new Map(after.map((r) => [r.urn, r]));
  const changes = new Map<string, ResourceChange>();
  let unchanged = 0;
  for (const r of after) {
    const b = old.get(r.urn);
    if (!b) {
      changes.set(r.urn, { urn: r.urn, type: r.type, name: r.name, action: "create", deleteFirst: false, changed: [] });
      continue;
    }
    if (!r.custom) continue;
    const c = classify(b, r);
    if (!c) unchanged++;
    else changes.set(r.urn, { urn: r.urn, type: r.type, name: r.name, action: c.action, deleteFirst: c.action === "replace" && r.deleteBeforeReplace, changed: c.changed, ...(c.effect ? { effect: c.effect } : {}) });
  }
  // The engine also replaces — deleting first — every resource that takes an input from a resource it replaces
  // delete-first (a "dependent replacement"), even when that input's value does not change.
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of after) {
      if (!r.custom || changes.get(r.urn)?.action === "replace" || changes.get(r.urn)?.action === "create") continue;
      const cause = Object.entries(r.propertyDependencies).find(([, deps]) => deps.some((d) => changes.get(d)?.action === "replace" && changes.get(d)?.deleteFirst));
      if (!cause) continue;
      const via = cause[1].find((d) => changes.get(d)?.deleteFirst) as string;
      if (!changes.has(r.urn)) unchanged--;
      changes.set(r.urn, { urn: r.urn, type: r.type, name: r.name, action: "replace", deleteFirst: true, changed: [`${cause[0]} (from ${now.get(via)?.name ?? via}, replaced delete-first)`] });
      grew = true;
    }
  }
  for (const r of before) if (!now.has(r.urn) && r.custom) changes.set(r.urn, { urn: r.urn, type: r.type, name: r.name, action: "delete", deleteFirst: false, changed: [] });

  // Dependency order of the new run; deletes at the end in reverse dependency order of the old run (dependents first).
  const rank = topologicalRank(after);
  const oldRank = topologicalRank(before);
  const list = [...changes.values()].sort((a, b) => {
    if (a.action === "delete" && b.action === "delete") return (oldRank.get(b.urn) ?? 0) - (oldRank.get(a.urn) ?? 0);
    if (a.action === "delete" || b.action === "delete") return a.action === "delete" ? 1 : -1;
    return (rank.get(a.urn) ?? 0) - (rank.get(b.urn) ?? 0);
  });
  return { changes: list, unchanged };
}

/** Position of every resource in a dependency order (Kahn's algorithm, registration order breaking ties). */
function topologicalRank(resources: readonly RecordedResource[]): Map<string, number> {
  const known = new Set(resources.map((r) => r.urn));
  const done = new Set<string>();
  const pending = [...resources];
  const rank = new Map<string, number>();
  while (pending.length) {
    const i = pending.findIndex((r) => r.dependsOn.every((d) => done.has(d) || !known.has(d)));
    const [next] = pending.splice(i < 0 ? 0 : i, 1);
    rank.set(next.urn, rank.size);
    done.add(next.urn);
  }
  return rank;
}

/** The role member a changed resource restarts (docker containers and aws instances by name, kubernetes by unit). */
function memberOf(plan: ClusterPlan, c: ResourceChange, r: RecordedResource | undefined): { kind: RolloutKind; unit: string } | undefined {
  const inputs = (r?.inputs ?? {}) as Record<string, unknown>;
  const named = (name: string) =>
    plan.nodes.some((n) => n.name === name) ? ("yugabyte" as const) : plan.kine.replicas.some((k) => k.name === name) ? ("kine" as const) : plan.k3s.servers.some((s) => s.name === name) ? ("k3s" as const) : undefined;
  if (c.type === "docker:index/container:Container" || c.type === "aws:ec2/instance:Instance") {
    const kind = named(c.name);
    return kind ? { kind, unit: c.name } : undefined;
  }
  if (c.type === "kubernetes:apps/v1:StatefulSet" || c.type === "kubernetes:apps/v1:Deployment") {
    const name = String(obj(inputs.metadata).name ?? "");
    const unit = rolloutUnits(plan).find((u) => u.unit === name);
    return unit ? { kind: unit.kind, unit: unit.unit } : undefined;
  }
  return undefined;
}

export function rolloutReport(o: {
  stack: string;
  against: string;
  beforePlan: ClusterPlan;
  afterPlan: ClusterPlan;
  before: readonly RecordedResource[];
  after: readonly RecordedResource[];
}): RolloutReport {
  const { changes, unchanged } = diffRuns(o.before, o.after);
  const byUrn = new Map(o.after.map((r) => [r.urn, r]));
  const touched = new Set<string>();
  const annotated = changes.map((c) => {
    if (c.action === "delete" || c.action === "create") return c;
    const m = memberOf(o.afterPlan, c, byUrn.get(c.urn));
    const restarts = m && (c.action === "replace" || c.effect?.startsWith("rolling update"));
    if (restarts) touched.add(m.unit);
    const effect = m && c.action === "replace" ? `${m.kind === "yugabyte" ? "YugabyteDB node" : m.kind === "kine" ? "Kine replica" : "k3s server"} ${m.unit} is down until its replacement is healthy` : c.effect;
    return effect ? { ...c, effect } : c;
  });
  const steps: RolloutStep[] = rolloutUnits(o.afterPlan)
    .filter((u) => touched.has(u.unit) && !u.surge)
    .flatMap((u) => u.members.map((m) => ({ unit: u.unit, ...checkStep(o.afterPlan, u.kind, m) })));
  return {
    stack: o.stack,
    against: o.against,
    program: "working tree",
    changes: annotated,
    unchanged,
    steps,
    quorumHolds: steps.every((s) => s.quorum && s.kineServing > 0),
    apiServes: steps.every((s) => s.k3sServing > 0),
    transition: checkTransition(o.beforePlan, o.afterPlan),
  };
}

const shortType = (t: string) => t.replace(/^([a-z0-9]+):[^:]*:/, "$1:");

export function renderRolloutText(r: RolloutReport): string {
  const out: string[] = [`Rollout of stack ${r.stack} from ${r.against} (both configs run through the working tree's program, under mocks)`, ""];
  if (r.changes.length === 0) out.push("No change: nothing is updated, replaced or restarted.");
  else {
    out.push(`Changes, in the order the engine applies them (${r.unchanged} resources unchanged):`);
    r.changes.forEach((c, i) => {
      const what = c.action === "replace" ? (c.deleteFirst ? "replace (delete first)" : "replace") : c.action;
      out.push(`  ${String(i + 1).padStart(3)}. ${what.padEnd(22)} ${shortType(c.type)} ${c.name}${c.changed.length ? `  [${c.changed.join(", ")}]` : ""}`);
      if (c.effect) out.push(`       ${" ".repeat(22)} -> ${c.effect}`);
    });
  }
  out.push("");
  if (r.steps.length) {
    out.push("Steps, one member down at a time:");
    for (const s of r.steps)
      out.push(`  ${s.kind.padEnd(8)} ${s.member.padEnd(22)} quorum ${s.quorum ? "yes" : "NO "}  Kine serving ${s.kineServing}  k3s serving ${s.k3sServing}${s.note ? `  (${s.note})` : ""}`);
    out.push("");
  }
  out.push(`Quorum holds at every step: ${r.quorumHolds ? "yes" : "NO"}`);
  out.push(`The Kubernetes API answers at every step: ${r.apiServes ? "yes" : "no (see the steps above)"}`);
  for (const n of r.transition.notes) out.push(`note: ${n}`);
  for (const p of r.transition.problems) out.push(`problem: ${p}`);
  return out.join("\n") + "\n";
}
