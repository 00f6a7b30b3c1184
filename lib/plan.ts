/** The offline plan: validate a stack file, run the real program under mocks, analyse and report. */
import { ConfigError, parseStackConfig } from "../config/load";
import type { Topology } from "../config/schema";
import { buildPlan, type ClusterPlan } from "../planner/plan";
import { analyzeFaultTolerance, type FaultToleranceReport } from "../planner/survivability";
import { evaluatePolicies } from "../policies/evaluate";
import { policyContextFor } from "../policies/config";
import { runUnderMocks, type ProgramRun, type RecordedResource } from "./planRunner";
import { PROJECT, readStackFile, type StackFile } from "./stackFile";
import { rolloutReport, type RolloutReport } from "./rollout";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parse } from "yaml";

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

export async function planStack(file: StackFile, previous?: ProgramRun): Promise<PlanReport> {
  const topology = validateStack(file);
  const plan = buildPlan({ project: PROJECT, stack: file.stack, topology });
  // The real program, exactly as `pulumi up` runs it (imported lazily so config errors never load the SDK twice).
  const { program } = await import("../program");
  const run = await runUnderMocks({ project: PROJECT, stack: file.stack, config: file.config, program: () => ({ ...program() }), previous });
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

/**
 * The config to compare with: a stack file, or a git revision (the stack file at that revision: `git show REV:<path>`).
 * The stack name stays the current one, so URNs line up.
 */
export function readAgainst(file: StackFile, against: string): StackFile {
  if (existsSync(against)) return { ...readStackFile(against), stack: file.stack };
  const dir = dirname(resolve(file.path));
  let text: string;
  try {
    const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" }).trim();
    text = execFileSync("git", ["show", `${against}:${relative(root, resolve(file.path))}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const msg = (e as { stderr?: string }).stderr?.trim().split("\n")[0] ?? (e as Error).message;
    throw new Error(`--against ${against}: neither a stack file nor a git revision holding ${file.path} (${msg})`);
  }
  const doc = (parse(text) ?? {}) as { config?: Record<string, unknown> };
  return { stack: file.stack, path: `${against}:${file.path}`, config: doc.config ?? {} };
}

/** `plan --against`: run both configs through the program under mocks and report the rollout between them. */
export async function planAgainst(file: StackFile, against: string): Promise<RolloutReport> {
  const before = readAgainst(file, against);
  let beforeTopology: Topology;
  try {
    beforeTopology = validateStack(before);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.problems.map((p) => `${p} (in the --against config ${against})`));
    throw e;
  }
  // The old config first (the deployed state), then the new one continuing from it, as `pulumi up` would.
  const { program } = await import("../program");
  const run = await runUnderMocks({ project: PROJECT, stack: file.stack, config: before.config, program: () => ({ ...program() }) });
  const after = await planStack(file, run);
  return rolloutReport({
    stack: file.stack,
    against,
    beforePlan: buildPlan({ project: PROJECT, stack: file.stack, topology: beforeTopology }),
    afterPlan: after.plan,
    before: run.resources,
    after: after.recorded,
  });
}
