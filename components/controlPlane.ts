import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Topology } from "../config/schema";
import { kineDsn } from "../planner/kine";
import type { ClusterPlan } from "../planner/plan";
import { ControlPlanePki } from "./controlPlanePki";
import { K3sPki } from "./k3sPki";
import { K3sServers } from "./k3sServers";
import { KineEndpoint } from "./kineEndpoint";
import { unsupportedTarget, type Platform } from "./platform";
import { awsAccessHints } from "./aws.common";
import { AwsPlatformResources } from "./platform.aws";
import { DockerPlatformResources } from "./platform.docker";
import { KubernetesPlatformResources } from "./platform.kubernetes";
import { KineBackups } from "./kineBackups";
import { YugabyteCluster } from "./yugabyteCluster";

export interface ControlPlaneArgs {
  readonly plan: ClusterPlan;
  readonly topology: Topology;
  /** With TLS on: sign with this CA instead of generating one per stack (key as a Pulumi secret). */
  readonly tlsCa?: { readonly certPem: pulumi.Input<string>; readonly keyPem: pulumi.Input<string> };
}

/** The `backups` stack output: both layers, as planned and where they live (no secrets). */
export interface BackupsOutput {
  readonly pointInTime: { readonly database: string; readonly intervalMinutes: number; readonly retentionMinutes: number } | null;
  readonly offCluster: {
    readonly kind: "directory" | "pvc" | "s3";
    readonly location: string;
    /** aws: the bucket, region and key prefix. */
    readonly bucket?: string;
    readonly region?: string;
    readonly keyPrefix?: string;
    /** aws, stacks spanning regions: where every backup is replicated. */
    readonly replica?: { readonly bucket: string; readonly region: string };
    readonly intervalMinutes: number;
    readonly retentionDays: number;
  } | null;
}

/** Stack-level summary, safe to print (no secrets). */
export interface TopologySummary {
  readonly stack: string;
  readonly target: string;
  readonly faultTolerance: string;
  readonly replicationFactor: number;
  readonly nodes: readonly { readonly name: string; readonly region: string; readonly zone: string }[];
  readonly kineReplicas: number;
  readonly k3sServers: number;
  readonly versions: { readonly yugabyte: string; readonly kine: string; readonly k3s: string };
}

/**
 * The whole control plane: YugabyteDB -> bootstrap (placement, database, schema) -> Kine -> k3s, on one target.
 * Secrets (database passwords, the k3s token, CA keys) are generated here and only ever travel as Pulumi secrets.
 */
export class ControlPlane extends pulumi.ComponentResource {
  readonly platform: Platform;
  readonly database: YugabyteCluster;
  readonly kine: KineEndpoint;
  readonly k3s: K3sServers;
  /** The control plane's PKI (CA, node, Kine and client certificates) when TLS is on. */
  readonly tls?: ControlPlanePki;
  readonly kubeconfig: pulumi.Output<string>;
  readonly ysqlConnectionString: pulumi.Output<string>;
  readonly kineEndpoint: pulumi.Output<string>;
  readonly uiUrl: pulumi.Output<string>;
  readonly k3sApiUrl: pulumi.Output<string>;
  readonly summary: TopologySummary;
  /** Provider ids of the machines (containers or instances) per role. */
  readonly instanceIds: pulumi.Output<{ yugabyte: string[]; kine: string[]; k3s: string[] }>;
  /** How an operator reaches the deployment (port forwarding, sessions, logs). */
  readonly accessHints: pulumi.Output<string[]>;
  /** Off-cluster backups of Kine's database, when the plan has them on. */
  readonly offClusterBackups?: KineBackups;
  readonly backups: pulumi.Output<BackupsOutput>;

  constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:index:ControlPlane", name, {}, opts);
    const { plan } = args;
    const parent = { parent: this };

    this.platform = createPlatform(this, name, args);

    // Alphanumeric only: they travel inside URLs, env files and SQL literals. Protected with the data they guard: a
    // refused `destroy` deletes everything unprotected before it stops (seen with the real engine, e2e/), and new
    // passwords or a new k3s token (it encrypts k3s's bootstrap data in the datastore) would lock out retained data.
    const password = (id: string, length: number) =>
      new random.RandomPassword(`${name}-${id}`, { length, special: false }, { parent: this, protect: plan.protectData });
    const adminPassword = password("ysql-admin-password", 32);
    const kinePassword = password("kine-db-password", 32);
    const k3sToken = password("k3s-token", 48);

    const pki = new K3sPki(`${name}-k3s-pki`, { clusterName: plan.prefix, protectIdentity: plan.protectData }, parent);

    const tlsPki = plan.pki ? new ControlPlanePki(`${name}-tls`, { pki: plan.pki, ca: args.tlsCa }, parent) : undefined;
    this.tls = tlsPki;

    // Off-cluster backups: on aws, node 0's timer writes to the stack's bucket, so the bucket comes first and node 0's
    // user data names it; elsewhere the backup job runs beside the database once the bootstrap has made the schema.
    const backupArgs = { plan, platform: this.platform, kinePassword: kinePassword.result, tls: tlsPki };
    const awsBackups = plan.backup.offCluster && plan.target === "aws" ? new KineBackups("backups", backupArgs, parent) : undefined;
    this.database = new YugabyteCluster(
      "yugabyte",
      { plan, platform: this.platform, adminPassword: adminPassword.result, kinePassword: kinePassword.result, tls: tlsPki, backupBucket: awsBackups?.bucketName },
      parent,
    );
    this.offClusterBackups =
      awsBackups ?? (plan.backup.offCluster ? new KineBackups("backups", { ...backupArgs, dependsOn: [this.database.bootstrap] }, parent) : undefined);
    this.kine = new KineEndpoint(
      "kine",
      { plan, platform: this.platform, databasePassword: kinePassword.result, databaseReady: this.database.ready, dependsOn: [this.database.bootstrap], tls: tlsPki },
      parent,
    );
    this.k3s = new K3sServers("k3s", { plan, platform: this.platform, token: k3sToken.result, pki, tls: tlsPki, dependsOn: this.kine.replicas }, parent);

    this.kubeconfig = this.k3s.kubeconfig;
    this.k3sApiUrl = this.k3s.apiUrl;
    this.kineEndpoint = this.kine.endpoints.apply((e) => e.join(","));
    this.uiUrl = this.database.uiUrl;
    const db = plan.kine.replicas[0].database;
    this.ysqlConnectionString = pulumi.secret(
      pulumi.all([this.database.operatorYsqlEndpoint, kinePassword.result]).apply(([endpoint, pw]) => {
        const [host, port] = endpoint.startsWith("(") ? [db.host, String(db.port)] : splitHostPort(endpoint);
        return kineDsn({ ...db, host, port: Number(port) }, pw).replace(/^postgres:/, "postgresql:");
      }),
    );
    this.summary = summarize(plan);
    const ids = (rs: pulumi.Resource[]) => pulumi.all(rs.filter((r): r is pulumi.CustomResource => pulumi.CustomResource.isInstance(r) && isMachine(r)).map((r) => r.id));
    const k3sIds = ids(this.k3s.servers);
    this.instanceIds = pulumi.all([this.database.nodeIds, ids(this.kine.replicas), k3sIds]).apply(([yugabyte, kine, k3s]) => ({ yugabyte, kine, k3s }));
    this.accessHints =
      this.platform.kind === "aws"
        ? awsAccessHints(plan, this.platform, k3sIds, this.database.nodeIds)
        : pulumi.output([`kubeconfig: pulumi stack output --show-secrets kubeconfig > kubeconfig; API ${plan.k3s.apiUrl}`]);
    const off = plan.backup.offCluster;
    const backupLocation = this.offClusterBackups?.location ?? pulumi.output("");
    const bucket = this.offClusterBackups?.bucketName ?? pulumi.output("");
    const replicaBucket = this.offClusterBackups?.replicaBucketName ?? pulumi.output("");
    this.backups = pulumi.all([backupLocation, bucket, replicaBucket]).apply(([location, bucketName, replicaName]) => ({
      pointInTime: plan.backup.pointInTime ?? null,
      offCluster: off
        ? {
            kind: off.destination.kind,
            location,
            ...(off.destination.kind === "s3" ? { bucket: bucketName, region: off.destination.region, keyPrefix: off.destination.keyPrefix } : {}),
            ...(off.destination.kind === "s3" && off.destination.replicaRegion ? { replica: { bucket: replicaName, region: off.destination.replicaRegion } } : {}),
            intervalMinutes: off.intervalMinutes,
            retentionDays: off.retentionDays,
          }
        : null,
    }));
    this.registerOutputs({ kineEndpoint: this.kineEndpoint, uiUrl: this.uiUrl, k3sApiUrl: this.k3sApiUrl });
  }
}

/** Containers and instances (a role's resource list may also hold the load balancer pieces it depends on). */
const isMachine = (r: pulumi.CustomResource): boolean => {
  const t = (r as unknown as { __pulumiType?: string }).__pulumiType;
  return t === undefined || t === "aws:ec2/instance:Instance" || t === "docker:index/container:Container";
};

function splitHostPort(endpoint: string): [string, string] {
  const i = endpoint.lastIndexOf(":");
  return [endpoint.slice(0, i), endpoint.slice(i + 1)];
}

function createPlatform(parent: pulumi.ComponentResource, name: string, args: ControlPlaneArgs): Platform {
  switch (args.plan.target) {
    case "docker":
      return new DockerPlatformResources(`${name}-platform`, { plan: args.plan, config: args.topology.docker }, { parent }).platform;
    case "kubernetes":
      if (args.topology.kubernetes === undefined) throw new Error("ControlPlane: the kubernetes target needs the yb-k3s:kubernetes config section");
      return new KubernetesPlatformResources(`${name}-platform`, { plan: args.plan, config: args.topology.kubernetes }, { parent }).platform;
    case "aws":
      return new AwsPlatformResources(`${name}-platform`, { plan: args.plan, config: args.topology.aws }, { parent }).platform;
    default:
      return unsupportedTarget("ControlPlane", args.plan.target);
  }
}

export function summarize(plan: ClusterPlan): TopologySummary {
  return {
    stack: plan.stack,
    target: plan.target,
    faultTolerance: plan.faultTolerance,
    replicationFactor: plan.replicationFactor,
    nodes: plan.nodes.map((n) => ({ name: n.name, region: n.region, zone: n.zone })),
    kineReplicas: plan.kine.replicas.length,
    k3sServers: plan.k3s.servers.length,
    versions: { yugabyte: plan.yugabyte.version, kine: plan.kine.version, k3s: plan.k3s.version },
  };
}
