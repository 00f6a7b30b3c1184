/**
 * What a target provides to every role component: its provider and shared network objects. The composition creates
 * one platform per stack; role components switch on `kind` and hand off to their per-target file.
 */
import type * as aws from "@pulumi/aws";
import type * as docker from "@pulumi/docker";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AwsConfig } from "../config/aws";
import type { KubernetesConfig } from "../config/kubernetes";

export interface DockerPlatform {
  readonly kind: "docker";
  readonly provider: docker.Provider;
  readonly network: docker.Network;
  readonly bindAddress: string;
  readonly publishDatabasePorts: boolean;
}

export interface KubernetesPlatform {
  readonly kind: "kubernetes";
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Output<string>;
  readonly config: KubernetesConfig;
}

/** Security groups of one region; the role groups exist only where the roles run (the control-plane regions). */
export interface AwsSecurityGroups {
  /** YugabyteDB nodes. */
  readonly database: aws.ec2.SecurityGroup;
  /** The internal YSQL load balancer (Kine -> 5433). */
  readonly ysqlLb?: aws.ec2.SecurityGroup;
  readonly kine?: aws.ec2.SecurityGroup;
  /** The internal Kine load balancer (k3s -> 2379). */
  readonly kineLb?: aws.ec2.SecurityGroup;
  readonly k3s?: aws.ec2.SecurityGroup;
  /** The internal k3s API load balancer (VPC CIDRs and allowed CIDRs -> 6443). */
  readonly k3sLb?: aws.ec2.SecurityGroup;
  /** The internet-facing k3s API load balancer (allowed CIDRs only), when publicK3sApi is set. */
  readonly k3sPublicLb?: aws.ec2.SecurityGroup;
}

/** One region's network: its provider, VPC, subnets per AZ, route tables and security groups. */
export interface AwsRegionNetwork {
  readonly region: string;
  readonly primary: boolean;
  readonly provider: aws.Provider;
  readonly cidr: string;
  readonly vpc: aws.ec2.Vpc;
  readonly privateSubnets: Readonly<Record<string, aws.ec2.Subnet>>;
  readonly publicSubnets: Readonly<Record<string, aws.ec2.Subnet>>;
  /** One per AZ; peering routes go into every one of them. */
  readonly privateRouteTables: Readonly<Record<string, aws.ec2.RouteTable>>;
  readonly securityGroups: AwsSecurityGroups;
  /** The Ubuntu 24.04 AMI of this region. */
  readonly amiId: pulumi.Output<string>;
}

/** The aws target (components/platform.aws.ts): one network per region, IAM instance profiles, a private DNS zone. */
export interface AwsPlatform {
  readonly kind: "aws";
  readonly config: AwsConfig;
  readonly primaryRegion: string;
  readonly regions: Readonly<Record<string, AwsRegionNetwork>>;
  /** Instance profiles, one per role, each allowed to read only its own SSM subtree. */
  readonly instanceProfiles: { readonly yugabyte: aws.iam.InstanceProfile; readonly kine: aws.iam.InstanceProfile; readonly k3s: aws.iam.InstanceProfile };
  /** Private hosted zone `<prefix>.internal`, associated with every VPC: ysql / kine / k3s alias records live here. */
  readonly privateZone: aws.route53.Zone;
  /** Region that holds the database bootstrap's SSM parameters (the primary region). */
  readonly ssmRegion: string;
  /** Regions running Kine and k3s (primary first, then the standby region if any); each holds its own copy of their secrets. */
  readonly controlPlaneRegions: readonly string[];
}

export type Platform = DockerPlatform | KubernetesPlatform | AwsPlatform;

/** Raised when a role has no builder for a target yet: a clear error at plan time, never a silent partial deploy. */
export function unsupportedTarget(role: string, kind: string): never {
  throw new Error(`${role}: the '${kind}' target is not available in this version of yb-k3s`);
}
