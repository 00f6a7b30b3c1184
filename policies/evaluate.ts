/**
 * Offline evaluation of the policy pack: the same rules CrossGuard runs (see pack.ts), as a pure function over the
 * resources the program registered. Used by the `plan` command; no @pulumi import.
 */
import { rules } from "./rules";
import type { PolicyContext, PolicyResource, PolicyViolation, Rule } from "./types";

export type { Enforcement, FaultTolerance, PolicyContext, PolicyResource, PolicyViolation, Rule, Target } from "./types";
export { UNKNOWN, SECRET } from "./extract";
export { rules } from "./rules";

/** Policy names, in reporting order. */
export const policyNames: readonly string[] = rules.map((r) => r.name);

/**
 * Run every rule over `resources`. Resource rules see one resource at a time (in the given order), stack rules see all
 * of them. Every violation gets `ctx.enforcement` as its level.
 *
 * Pass inputs as the program set them (not redacted): a secret shown as "[secret]" hides what it contains, and the
 * CrossGuard analyzer sees the plain value.
 */
export function evaluatePolicies(resources: PolicyResource[], ctx: PolicyContext, only: readonly Rule[] = rules): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  for (const rule of only) {
    if (rule.kind === "resource") {
      for (const r of resources) {
        if (rule.types && !rule.types.includes(r.type)) continue;
        for (const message of rule.check(r, ctx)) out.push({ policy: rule.name, level: ctx.enforcement, resource: r.urn, message });
      }
    } else {
      for (const f of rule.check(resources, ctx)) {
        const v: PolicyViolation = { policy: rule.name, level: ctx.enforcement, message: f.message };
        if (f.resource !== undefined) v.resource = f.resource;
        out.push(v);
      }
    }
  }
  return out;
}
