/**
 * Shapes shared by the offline evaluator (`evaluate.ts`) and the CrossGuard adapter (`pack.ts`).
 * Nothing here imports @pulumi/policy at run time.
 */

export type Target = "docker" | "kubernetes" | "aws";
export type Enforcement = "advisory" | "mandatory";
export type FaultTolerance = "none" | "zone" | "region";

/** One registered resource, as the plan command records it (inputs fully resolved) or as CrossGuard reports it. */
export interface PolicyResource {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN. */
  parent?: string;
  inputs: Record<string, unknown>;
  protect?: boolean;
  /** Only known offline: the CrossGuard analyzer protocol does not carry retainOnDelete. */
  retainOnDelete?: boolean;
}

export interface PolicyViolation {
  policy: string;
  level: Enforcement;
  /** URN of the offending resource; absent for a stack-wide finding. */
  resource?: string;
  message: string;
}

export interface PolicyContext {
  stack: string;
  target: Target;
  enforcement: Enforcement;
  tlsRequired: boolean;
  holdsRealData: boolean;
  /**
   * The fault tolerance the stack must reach (policy config `yb-placement.faultTolerance`). When absent:
   * `region` for stack `prod`, `zone` otherwise. Launch flags asking for more raise the bar, never lower it.
   */
  faultTolerance?: FaultTolerance;
}

export interface Finding {
  message: string;
  /** URN; absent = the stack as a whole. */
  resource?: string;
}

/** Policy config properties a rule reads (mirrored into the CrossGuard configSchema). */
export type RuleConfigSchema = Record<string, { type: "boolean" | "string"; enum?: string[]; default?: unknown; description: string }>;

interface RuleBase {
  /** Policy name: the key used in policies/config/<stack>.json and in violations. */
  name: string;
  description: string;
  configSchema?: RuleConfigSchema;
}

/** Looks at one resource at a time (CrossGuard: ResourceValidationPolicy). Returns one message per violation. */
export interface ResourceRule extends RuleBase {
  kind: "resource";
  /** Resource types the rule looks at (lets the analyzer skip others cheaply). */
  types?: readonly string[];
  check(resource: PolicyResource, ctx: PolicyContext): string[];
}

/** Looks at every resource together (CrossGuard: StackValidationPolicy). */
export interface StackRule extends RuleBase {
  kind: "stack";
  check(resources: readonly PolicyResource[], ctx: PolicyContext): Finding[];
}

export type Rule = ResourceRule | StackRule;
