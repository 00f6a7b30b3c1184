/** Load and validate `yb-k3s:*` config; one line per problem: `<key path>: <what is wrong and what is allowed>`. */
import type { z } from "zod";
import { CONFIG_NAMESPACE, ConfigSchema, OTHER_CONFIG_NAMESPACES, type Topology } from "./schema";
import { closest, didYouMean } from "./suggest";
import { buildPlan } from "../planner/plan";
import { analyzeFaultTolerance, faultToleranceProblems } from "../planner/survivability";

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid yb-k3s configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** A key that is not a plain identifier (spaces, dots, empty): quoted and percent-encoded so a problem line stays one token. */
const quoteKey = (k: PropertyKey): string => `["${encodeURIComponent(String(k))}"]`;

/** Config keys of the schema's top level are Pulumi keys `yb-k3s:<key>`; nested paths continue with dots. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return `${CONFIG_NAMESPACE}:(root)`;
  const [head, ...rest] = path;
  let out = `${CONFIG_NAMESPACE}:${typeof head === "number" || /^[A-Za-z0-9_-]+$/.test(String(head)) ? String(head) : quoteKey(head)}`;
  for (const p of rest) out += typeof p === "number" ? `[${p}]` : /^[A-Za-z0-9_-]+$/.test(String(p)) ? `.${String(p)}` : quoteKey(p);
  return out;
}

/** The raw value at an issue's path (undefined when absent). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The keys the schema allows for the mapping at `path` (through defaults, optionals and lists), if it is a mapping. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] | undefined {
  type Node = { _zod: { def: { type: string; innerType?: Node; element?: Node; valueType?: Node; shape?: Record<string, Node> } } };
  const unwrap = (n: Node): Node => {
    let cur = n;
    while (cur._zod.def.innerType && ["optional", "default", "prefault", "nullable", "readonly", "catch"].includes(cur._zod.def.type)) cur = cur._zod.def.innerType;
    return cur;
  };
  let node: Node | undefined = unwrap(ConfigSchema as unknown as Node);
  for (const seg of path) {
    if (!node) return undefined;
    const def: Node["_zod"]["def"] = node._zod.def;
    const next: Node | undefined =
      def.type === "array" ? def.element : def.type === "object" ? def.shape?.[String(seg)] : def.type === "record" ? def.valueType : undefined;
    node = next && unwrap(next);
  }
  const def = node?._zod.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

const describeIssue = (raw: unknown) => (i: z.core.$ZodIssue): string[] => {
  if (i.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(i.path) ?? [];
    const list = allowed.length ? `allowed here: ${allowed.join(", ")}` : "allowed keys are listed in README.md";
    return i.keys.map((k) => `${formatPath([...i.path, k])}: unknown key (${list})${didYouMean(k, allowed)}`);
  }
  if (i.code === "invalid_value" && "values" in i) {
    const missing = valueAt(raw, i.path) === undefined ? "is required and " : "";
    return [`${formatPath(i.path)}: ${missing}must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`];
  }
  if (i.code === "invalid_type") {
    const expected = i.expected;
    const what = i.message.includes("received undefined") ? "is required" : `must be ${expected === "array" ? "a list" : expected === "object" ? "a mapping" : `a ${expected}`}`;
    return [`${formatPath(i.path)}: ${what}`];
  }
  return [`${formatPath(i.path)}: ${i.message}`];
};

/**
 * Validate raw config values (keys without the namespace; values already parsed from YAML/JSON).
 * Keys from other namespaces (`aws:region`, `kubernetes:context`) are not ours and are ignored by the caller.
 */
export function parseTopology(raw: Readonly<Record<string, unknown>>): Topology {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(result.error.issues.flatMap(describeIssue(raw)));
  checkFaultTolerance(result.data);
  return result.data;
}

/**
 * The cross-check the schema cannot do alone: plan the topology (pure) and ask the survivability model whether the
 * datastore survives the failure `faultTolerance` asks for. Names do not affect the verdict, so placeholders are used.
 */
export function checkFaultTolerance(topology: Topology): void {
  if (topology.faultTolerance === "none") return;
  const problems = faultToleranceProblems(analyzeFaultTolerance(buildPlan({ project: "yb-k3s", stack: "check", topology }), { maxSize: 1 }));
  if (problems.length) throw new ConfigError(problems);
}

/**
 * Keys of a stack's config that nothing reads: not namespaced, or in a namespace that is neither ours nor one of
 * `OTHER_CONFIG_NAMESPACES` (a near miss such as `yb-k3:k3s` would otherwise be silently ignored).
 */
export function namespaceProblems(config: Readonly<Record<string, unknown>>): string[] {
  const known = [CONFIG_NAMESPACE, ...OTHER_CONFIG_NAMESPACES];
  const shown = (k: string) => (/^[A-Za-z0-9_:.-]+$/.test(k) ? k : quoteKey(k));
  const out: string[] = [];
  for (const key of Object.keys(config)) {
    const colon = key.indexOf(":");
    const ns = colon < 0 ? undefined : key.slice(0, colon);
    if (ns !== undefined && (known as readonly string[]).includes(ns)) continue;
    const rest = colon < 0 ? key : key.slice(colon + 1);
    const guess = closest(ns ?? key, known);
    const hint = guess ? `; did you mean ${guess}:${ns === undefined ? key : rest}?` : "";
    out.push(
      ns === undefined
        ? `${shown(key)}: config keys are namespaced, ${CONFIG_NAMESPACE}:<key> for this program${hint}`
        : `${shown(key)}: unknown config namespace '${ns}' (read here: ${[CONFIG_NAMESPACE, ...OTHER_CONFIG_NAMESPACES].map((n) => `${n}:*`).join(", ")})${hint}`,
    );
  }
  return out;
}

/**
 * Validate a whole stack config (`namespace:key` -> value, values parsed): namespaces first, then our keys. Every
 * problem of both kinds is reported at once.
 */
export function parseStackConfig(config: Readonly<Record<string, unknown>>): Topology {
  const problems = namespaceProblems(config);
  let topology: Topology | undefined;
  try {
    topology = parseTopology(ourConfig(config));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length || topology === undefined) throw new ConfigError(problems);
  return topology;
}

/** Split a Pulumi stack file's `config:` mapping into our keys; values may be JSON strings under mocks. */
export function ourConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith(prefix)) continue;
    out[k.slice(prefix.length)] = v;
  }
  return out;
}
