/** Helpers for the kubernetes-target tests: typed access to what the dev stack registered, selectors, schema validation. */
import type { PlanReport } from "../../lib/plan";
import type { RecordedResource } from "../../lib/planRunner";

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const isK8sObject = (r: { type: string }): boolean => r.type.startsWith("kubernetes:");

export const k8sObjects = (report: PlanReport): RecordedResource[] => report.recorded.filter(isK8sObject);

export const ofKind = (report: PlanReport, kind: string): RecordedResource[] => k8sObjects(report).filter((r) => r.type.split(":")[2] === kind);

export const named = (report: PlanReport, kind: string, name: string): RecordedResource => {
  const found = ofKind(report, kind).filter((r) => (r.inputs as Obj).metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind} named ${name}, found ${found.length}`);
  return found[0];
};

export const spec = (r: RecordedResource): Obj => (r.inputs as Obj).spec;

/** The pod template of a workload (StatefulSet, Deployment, Job). */
export const podTemplate = (r: RecordedResource): Obj => spec(r).template;

export const WORKLOAD_KINDS = ["StatefulSet", "Deployment", "Job"] as const;

/** Kubernetes label-selector semantics: matchLabels AND every matchExpression. An empty selector matches everything. */
export function selectorMatches(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case "In":
        if (!has || !(e.values ?? []).includes(value)) return false;
        break;
      case "NotIn":
        if (has && (e.values ?? []).includes(value)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  }
  return true;
}

/** Words of a /bin/sh line made only of single-quoted words (how the launcher renders argument lists). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) words.push(m[1].replace(/'\\''/g, "'"));
  return words;
}

/** The case arms of a rendered yugabyted launcher: pod name -> argv (binary first). */
export function launcherArms(script: string): Map<string, string[]> {
  const arms = new Map<string, string[]>();
  const re = /^ {2}([a-z0-9-]+)\)\n {4}exec (.*)\n {4};;$/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(script)) !== null) arms.set(m[1], shellWords(m[2]));
  return arms;
}

/** `kubernetes:apps/v1:StatefulSet` -> `kubernetes-models/apps/v1/StatefulSet` (core is `v1`). */
export function modelModule(type: string): { path: string; kind: string } {
  const [, groupVersion, kind] = type.split(":");
  const [group, version] = groupVersion.split("/");
  return { path: `kubernetes-models/${group === "core" ? version : `${group}/${version}`}/${kind}`, kind };
}

interface Validatable {
  validate(): void;
}

/**
 * Validate one recorded object against the Kubernetes OpenAPI schema (kubernetes-models). Secret `stringData` arrives
 * as one redacted "[secret]" (the SDK marks the whole map secret); it is checked as a map of redacted strings.
 * kubernetes-models does not reject unknown fields: tsc does (the components use @pulumi/kubernetes' input types).
 */
export async function validateAgainstSchema(r: RecordedResource): Promise<void> {
  const { path, kind } = modelModule(r.type);
  const mod = (await import(path)) as Record<string, new (data: Obj) => Validatable>;
  const Model = mod[kind];
  if (!Model) throw new Error(`kubernetes-models has no ${kind} in ${path}`);
  const inputs: Obj = { ...(r.inputs as Obj) };
  if (inputs.stringData === "[secret]") inputs.stringData = { redacted: "[secret]" };
  new Model(inputs).validate();
}

/**
 * NetworkPolicy semantics for ingress inside one namespace: a pod no policy selects accepts everything; otherwise a
 * connection is allowed when some rule of some selecting policy admits the source (no `from` = anyone) and the port
 * (no `ports` = every port).
 */
export function ingressAllowed(policies: readonly Obj[], source: Record<string, string>, target: Record<string, string>, port: number): boolean {
  const selecting = policies.filter((p) => (p.spec.policyTypes ?? ["Ingress"]).includes("Ingress") && selectorMatches(p.spec.podSelector, target));
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    ((p.spec.ingress ?? []) as Obj[]).some((rule) => {
      const fromOk = !rule.from || (rule.from as Obj[]).some((peer) => peer.podSelector && !peer.namespaceSelector && selectorMatches(peer.podSelector, source));
      const portOk = !rule.ports || (rule.ports as Obj[]).some((rp) => rp.port === port && (rp.protocol ?? "TCP") === "TCP");
      return fromOk && portOk;
    }),
  );
}
