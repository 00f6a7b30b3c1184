import * as pulumi from "@pulumi/pulumi";
import type { ControlPlanePki } from "./controlPlanePki";
import type { ClusterPlan } from "../planner/plan";
import { unsupportedTarget, type Platform } from "./platform";
import { buildKineAws } from "./kineEndpoint.aws";
import { buildKineDocker } from "./kineEndpoint.docker";
import { buildKineKubernetes } from "./kineEndpoint.kubernetes";

export interface KineEndpointArgs {
  readonly plan: ClusterPlan;
  readonly platform: Platform;
  /** Password of Kine's database role. */
  readonly databasePassword: pulumi.Input<string>;
  /** Kine starts only after the database bootstrap (schema) has succeeded. */
  readonly databaseReady: pulumi.Input<boolean>;
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  /** TLS files for every host; required when the plan has TLS on (`plan.tls`). */
  readonly tls?: ControlPlanePki;
}

export interface KineEndpointBuild {
  /** Resources k3s must wait for. */
  readonly replicas: pulumi.Resource[];
  /** etcd endpoints (comma-joined in k3s's --datastore-endpoint). */
  readonly endpoints: pulumi.Output<string[]>;
}

/**
 * What Kine's first replica (or Deployment) waits for: `dependsOn`, once `databaseReady` resolved (a failed bootstrap
 * rejects it, so Kine is never created or changed on a failed schema step). Explicit dependencies only: no Kine input
 * derives from the bootstrap, so a re-run (replacement) of the bootstrap step never replaces Kine as a dependent.
 */
export const kineDependsOn = (args: KineEndpointArgs): pulumi.Output<pulumi.Input<pulumi.Resource>[]> =>
  pulumi.output(args.databaseReady).apply(() => [...args.dependsOn]);

/** Kine replicas serving the etcd API on 2379 over one YugabyteDB database, reachable only inside the deployment. */
export class KineEndpoint extends pulumi.ComponentResource {
  readonly replicas: pulumi.Resource[];
  readonly endpoints: pulumi.Output<string[]>;

  constructor(name: string, args: KineEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:kine:KineEndpoint", name, {}, opts);
    let built: KineEndpointBuild;
    switch (args.platform.kind) {
      case "docker":
        built = buildKineDocker(this, name, args, args.platform);
        break;
      case "kubernetes":
        built = buildKineKubernetes(this, name, args, args.platform);
        break;
      case "aws":
        built = buildKineAws(this, name, args, args.platform);
        break;
      default:
        unsupportedTarget("KineEndpoint", (args.platform as Platform).kind);
    }
    this.replicas = built.replicas;
    this.endpoints = built.endpoints;
    this.registerOutputs({ endpoints: this.endpoints });
  }
}
