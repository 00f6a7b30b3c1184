import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../planner/plan";
import type { ControlPlanePki } from "./controlPlanePki";
import { buildKineBackupsAws } from "./kineBackups.aws";
import { buildKineBackupsDocker } from "./kineBackups.docker";
import { buildKineBackupsKubernetes } from "./kineBackups.kubernetes";
import { unsupportedTarget, type Platform } from "./platform";

export interface KineBackupsArgs {
  readonly plan: ClusterPlan;
  readonly platform: Platform;
  /** Password of Kine's role: the dump runs as the table's owner, not as the superuser. */
  readonly kinePassword: pulumi.Input<string>;
  readonly tls?: ControlPlanePki;
  /** The bootstrap (database and schema exist). Not used on aws, where node 0's timer runs the job. */
  readonly dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

export interface KineBackupsBuild {
  /** Where backups go, for people (`s3://bucket/kine/`, `pvc/kine-backups`, a host directory). */
  readonly location: pulumi.Output<string>;
  /** aws: the bucket node 0's timer writes to (its user data names it). */
  readonly bucketName?: pulumi.Output<string>;
  /** aws, stacks spanning regions: the replica bucket in the replica region. */
  readonly replicaBucketName?: pulumi.Output<string>;
}

/**
 * Scheduled off-cluster backups of Kine's database (planner/backup.ts, planner/backupScript.ts): aws, an encrypted,
 * versioned, private S3 bucket with a lifecycle rule that node 0's systemd timer may only put objects into; kubernetes,
 * a CronJob writing to a PersistentVolumeClaim of its own; docker, a container writing to a host directory.
 * On aws this component comes before the database: node 0's user data names the bucket.
 */
export class KineBackups extends pulumi.ComponentResource {
  readonly location: pulumi.Output<string>;
  readonly bucketName?: pulumi.Output<string>;
  readonly replicaBucketName?: pulumi.Output<string>;

  constructor(name: string, args: KineBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:backup:KineBackups", name, {}, opts);
    const b = args.plan.backup.offCluster;
    if (!b) throw new Error(`KineBackups: stack ${args.plan.stack} has off-cluster backups off (backup.offCluster.enabled)`);
    let built: KineBackupsBuild;
    switch (args.platform.kind) {
      case "docker":
        built = buildKineBackupsDocker(this, name, args, args.platform, b);
        break;
      case "kubernetes":
        built = buildKineBackupsKubernetes(this, name, args, args.platform, b);
        break;
      case "aws":
        built = buildKineBackupsAws(this, name, args, args.platform, b);
        break;
      default:
        unsupportedTarget("KineBackups", (args.platform as Platform).kind);
    }
    this.location = built.location;
    this.bucketName = built.bucketName;
    this.replicaBucketName = built.replicaBucketName;
    this.registerOutputs({ location: this.location });
  }
}
