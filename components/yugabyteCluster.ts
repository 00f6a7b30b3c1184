import * as pulumi from "@pulumi/pulumi";
import type { ControlPlanePki } from "./controlPlanePki";
import type { ClusterPlan } from "../planner/plan";
import { unsupportedTarget, type Platform } from "./platform";
import { buildYugabyteAws } from "./yugabyteCluster.aws";
import { buildYugabyteDocker } from "./yugabyteCluster.docker";
import { buildYugabyteKubernetes } from "./yugabyteCluster.kubernetes";

export interface YugabyteClusterArgs {
  readonly plan: ClusterPlan;
  readonly platform: Platform;
  /** Password that replaces the image's default `yugabyte` superuser password. */
  readonly adminPassword: pulumi.Input<string>;
  /** Password of Kine's own (non-superuser) role. */
  readonly kinePassword: pulumi.Input<string>;
  /** TLS files for every host; required when the plan has TLS on (`plan.tls`). */
  readonly tls?: ControlPlanePki;
  /** aws, off-cluster backups on: the bucket node 0's backup timer writes to (components/kineBackups.aws.ts). */
  readonly backupBucket?: pulumi.Output<string>;
}

/** What every target builder returns. */
export interface YugabyteClusterBuild {
  /** The bootstrap step (placement, role, database, schema); Kine depends on it. */
  readonly bootstrap: pulumi.Resource;
  /** Resolves once the bootstrap step has succeeded (fails the deployment otherwise). */
  readonly ready: pulumi.Output<boolean>;
  /** Host:port through which clients inside the deployment reach YSQL. */
  readonly ysqlEndpoint: pulumi.Output<string>;
  /** YSQL as reachable by the operator (published loopback port, port-forward hint, ...). */
  readonly operatorYsqlEndpoint: pulumi.Output<string>;
  readonly uiUrl: pulumi.Output<string>;
  readonly nodeIds: pulumi.Output<string[]>;
}

/**
 * A YugabyteDB universe started with yugabyted on every node, the sequence-cache flag always set, data placed across
 * the plan's fault domains and Kine's database and schema created before Kine starts.
 */
export class YugabyteCluster extends pulumi.ComponentResource {
  readonly bootstrap: pulumi.Resource;
  readonly ready: pulumi.Output<boolean>;
  readonly ysqlEndpoint: pulumi.Output<string>;
  readonly operatorYsqlEndpoint: pulumi.Output<string>;
  readonly uiUrl: pulumi.Output<string>;
  readonly nodeIds: pulumi.Output<string[]>;

  constructor(name: string, args: YugabyteClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:yugabyte:YugabyteCluster", name, {}, opts);
    let built: YugabyteClusterBuild;
    switch (args.platform.kind) {
      case "docker":
        built = buildYugabyteDocker(this, name, args, args.platform);
        break;
      case "kubernetes":
        built = buildYugabyteKubernetes(this, name, args, args.platform);
        break;
      case "aws":
        built = buildYugabyteAws(this, name, args, args.platform);
        break;
      default:
        unsupportedTarget("YugabyteCluster", (args.platform as Platform).kind);
    }
    this.bootstrap = built.bootstrap;
    this.ready = built.ready;
    this.ysqlEndpoint = built.ysqlEndpoint;
    this.operatorYsqlEndpoint = built.operatorYsqlEndpoint;
    this.uiUrl = built.uiUrl;
    this.nodeIds = built.nodeIds;
    this.registerOutputs({ ysqlEndpoint: this.ysqlEndpoint, uiUrl: this.uiUrl, nodeIds: this.nodeIds });
  }
}
