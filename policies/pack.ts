/**
 * Turns the pack's rules into CrossGuard policies. Only type imports from @pulumi/policy, so tests can drive these
 * adapters with fake arguments; `index.ts` hands them to `new PolicyPack(...)`.
 */
import type {
  Policies,
  PolicyConfigSchema,
  PolicyResource as CgResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { UNKNOWN } from "./extract";
import { rules as allRules } from "./rules";
import type { FaultTolerance, PolicyContext, PolicyResource, Rule, Target } from "./types";

export const PACK_NAME = "yb-k3s-policies";

/**
 * Deep plain copy of resource properties. CrossGuard wraps them in a proxy that throws on unknown values (preview);
 * those become `UNKNOWN` here so one unknown field does not stop a whole rule.
 */
export function toPlain(v: unknown, depth = 0): unknown {
  if (depth > 64 || typeof v !== "object" || v === null) return v;
  const read = (k: string | number): unknown => {
    try {
      return toPlain((v as Record<string | number, unknown>)[k], depth + 1);
    } catch (e) {
      if ((e as Error)?.constructor?.name === "UnknownValueError") return UNKNOWN;
      throw e;
    }
  };
  if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => read(i));
  return Object.fromEntries(Object.keys(v).map((k) => [k, read(k)]));
}

export function inferTarget(types: Iterable<string>, stack: string): Target {
  for (const t of types) {
    if (t.startsWith("aws:")) return "aws";
    if (t.startsWith("kubernetes:")) return "kubernetes";
    if (t.startsWith("docker:")) return "docker";
  }
  return stack === "dev" ? "kubernetes" : stack === "staging" || stack === "prod" ? "aws" : "docker";
}

/** The stack name: `pulumi.getStack()` works inside policy packs (the CLI passes it to the analyzer). */
export function currentStack(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as { getStack(): string };
    return pulumi.getStack() || process.env.PULUMI_STACK || "";
  } catch {
    return process.env.PULUMI_STACK ?? "";
  }
}

interface RuleConfig {
  tlsRequired?: boolean;
  holdsRealData?: boolean;
  faultTolerance?: FaultTolerance;
}

export function contextFrom(config: RuleConfig, stack: string, target: Target): PolicyContext {
  const ctx: PolicyContext = {
    stack,
    target,
    // CrossGuard assigns the level itself; rules never read it.
    enforcement: "mandatory",
    tlsRequired: config.tlsRequired === true,
    holdsRealData: config.holdsRealData === true,
  };
  if (config.faultTolerance) ctx.faultTolerance = config.faultTolerance;
  return ctx;
}

export function fromResourceArgs(args: Pick<ResourceValidationArgs, "urn" | "type" | "name" | "props" | "opts">): PolicyResource {
  const r: PolicyResource = { urn: args.urn, type: args.type, name: args.name, inputs: toPlain(args.props) as Record<string, unknown>, protect: args.opts?.protect === true };
  if (args.opts?.parent) r.parent = args.opts.parent;
  return r;
}

export function fromStackResource(res: Pick<CgResource, "urn" | "type" | "name" | "props" | "opts" | "parent">): PolicyResource {
  const r: PolicyResource = { urn: res.urn, type: res.type, name: res.name, inputs: toPlain(res.props) as Record<string, unknown>, protect: res.opts?.protect === true };
  const parent = res.parent?.urn ?? res.opts?.parent;
  if (parent) r.parent = parent;
  return r;
}

function configSchemaOf(rule: Rule): PolicyConfigSchema | undefined {
  if (!rule.configSchema) return undefined;
  return { properties: Object.fromEntries(Object.entries(rule.configSchema).map(([k, v]) => [k, { ...v }])) } as PolicyConfigSchema;
}

export function toCrossGuardPolicy(rule: Rule, stack: () => string = currentStack): ResourceValidationPolicy | StackValidationPolicy {
  const base = { name: rule.name, description: rule.description, ...(rule.configSchema ? { configSchema: configSchemaOf(rule) } : {}) };
  if (rule.kind === "resource") {
    return {
      ...base,
      validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        if (rule.types && !rule.types.includes(args.type)) return;
        const r = fromResourceArgs(args);
        const s = stack();
        for (const m of rule.check(r, contextFrom(args.getConfig<RuleConfig>(), s, inferTarget([args.type], s)))) report(m);
      },
    };
  }
  return {
    ...base,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const resources = args.resources.map(fromStackResource);
      const s = stack();
      const ctx = contextFrom(args.getConfig<RuleConfig>(), s, inferTarget(resources.map((r) => r.type), s));
      for (const f of rule.check(resources, ctx)) report(f.message, f.resource);
    },
  };
}

/** All rules as CrossGuard policies, for `new PolicyPack(PACK_NAME, { policies: crossGuardPolicies() })`. */
export function crossGuardPolicies(rules: readonly Rule[] = allRules, stack: () => string = currentStack): Policies {
  return rules.map((r) => toCrossGuardPolicy(r, stack));
}
