/** The program: config -> plan -> control plane -> outputs. `index.ts` runs it; `plan` runs it under mocks. */
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane, type BackupsOutput, type TopologySummary } from "./components/controlPlane";
import { readTopology } from "./lib/pulumiConfig";
import { buildPlan } from "./planner/plan";
import { analyzeFaultTolerance, faultToleranceSummary, type FaultToleranceSummary } from "./planner/survivability";

export interface StackOutputs {
  readonly kubeconfig: pulumi.Output<string>;
  readonly k3sApiUrl: pulumi.Output<string>;
  readonly kineEndpoint: pulumi.Output<string>;
  readonly ysqlConnectionString: pulumi.Output<string>;
  readonly uiUrl: pulumi.Output<string>;
  readonly topology: TopologySummary;
  /** What the planned control plane survives (pure analysis of the plan; see planner/survivability.ts). */
  readonly faultTolerance: FaultToleranceSummary;
  readonly instanceIds: pulumi.Output<{ yugabyte: string[]; kine: string[]; k3s: string[] }>;
  readonly accessHints: pulumi.Output<string[]>;
  /** What is backed up where (`npm run verify` reads it for the backup age; `npm run restore` for the backups). */
  readonly backups: pulumi.Output<BackupsOutput>;
}

export function program(): StackOutputs {
  const topology = readTopology();
  const plan = buildPlan({ project: pulumi.getProject(), stack: pulumi.getStack(), topology });
  const cp = new ControlPlane("control-plane", { plan, topology });
  return {
    kubeconfig: cp.kubeconfig,
    k3sApiUrl: cp.k3sApiUrl,
    kineEndpoint: cp.kineEndpoint,
    ysqlConnectionString: cp.ysqlConnectionString,
    uiUrl: cp.uiUrl,
    topology: cp.summary,
    faultTolerance: faultToleranceSummary(analyzeFaultTolerance(plan)),
    instanceIds: cp.instanceIds,
    accessHints: cp.accessHints,
    backups: cp.backups,
  };
}
