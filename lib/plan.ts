/** The offline plan: validate a stack file, run the real program under mocks, analyse and report. */
import { ConfigError, parseStackConfig } from "../config/load";
import type { Topology } from "../config/schema";
import { buildPlan, type ClusterPlan } from "../planner/plan";
import { analyzeFaultTolerance, type FaultToleranceReport } from "../planner/survivability";
import { evaluatePolicies } from "../policies/evaluate";
import { policyContextFor } from "../policies/config";
import { runUnderMocks, type RecordedResource } from "./planRunner";
import { PROJECT, type StackFile } from "./stackFile";

export interface PolicyFinding {
  readonly policy: string;
  readonly level: "advisory" | "mandatory";
  readonly resource?: string;
  readonly message: string;
}

export interface PlanReport {
  readonly stack: string;
  readonly target: string;
  readonly nodes: { name: string; region: string; zone: string }[];
  readonly resources: { urn: string; type: string; name: string; parent?: string; inputs: Record<string, unknown> }[];
  readonly policies: PolicyFinding[];
  readonly faultTolerance: FaultToleranceReport;
  readonly outputs: Record<string, unknown>;
  /** Not part of the JSON contract's minimum, but handy for text/mermaid renderers and tests. */
  readonly plan: ClusterPlan;
  readonly topology: Topology;
  readonly recorded: RecordedResource[];
}

/** Validate only (throws ConfigError with one line per problem). */
export function validateStack(file: StackFile): Topology {
  return parseStackConfig(file.config);
}

export async function planStack(file: StackFile): Promise<PlanReport> {
  const topology = validateStack(file);
  const plan = buildPlan({ project: PROJECT, stack: file.stack, topology });
  // The real program, exactly as `pulumi up` runs it (imported lazily so config errors never load the SDK twice).
  const { program } = await import("../program");
  const run = await runUnderMocks({ project: PROJECT, stack: file.stack, config: file.config, program: () => ({ ...program() }) });
  const ctx = policyContextFor(file.stack, plan.target);
  const policies: PolicyFinding[] = evaluatePolicies(
    run.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.revealedInputs, protect: r.protect, retainOnDelete: r.retainOnDelete })),
    ctx,
  );
  return {
    stack: file.stack,
    target: plan.target,
    nodes: plan.nodes.map((n) => ({ name: n.name, region: n.region, zone: n.zone })),
    resources: run.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.inputs })),
    policies,
    faultTolerance: analyzeFaultTolerance(plan),
    outputs: run.outputs,
    plan,
    topology,
    recorded: run.resources,
  };
}

export { ConfigError };
