import { z } from "zod";
import { cidr } from "./common";

/**
 * An EC2 instance type, x86_64 only: the AMI and the YugabyteDB, Kine and k3s binaries are x86_64 (components/
 * platform.aws.ts, planner/versions.ts), and EC2 refuses an x86_64 AMI on a Graviton (arm64) type such as m7g.large
 * (a generation digit followed by "g", or the a1 family).
 */
const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.2xlarge")
  .refine((t) => !/^(a1|[a-z]+\d+g[a-z-]*)\./.test(t), "is a Graviton (arm64) instance type; the AMI and binaries are x86_64, so use an Intel or AMD type such as m6i.large or m7a.large");

/** `yb-k3s:aws` — EC2 across AZs (staging) or regions (prod). Per-region CIDRs live on each region entry. */
export const AwsConfig = z.strictObject({
  /** YugabyteDB production guidance: at least 16 vCPU / 32 GiB for real load; m6i.2xlarge is the smallest sane default. */
  yugabyteInstanceType: instanceType.default("m6i.2xlarge"),
  yugabyteDataVolumeGiB: z.number().int().min(50, "must be at least 50 GiB").max(16384).default(250),
  yugabyteDataVolumeIops: z.number().int().min(3000).max(16000).default(3000),
  kineInstanceType: instanceType.default("t3.medium"),
  k3sInstanceType: instanceType.default("t3.large"),
  /** CIDRs allowed to reach the k3s API load balancer; empty keeps the API internal to the VPC. */
  k3sApiAllowedCidrs: z.array(cidr).default([]),
  /** Make the k3s API load balancer internet-facing (requires k3sApiAllowedCidrs). */
  publicK3sApi: z.boolean().default(false),
  /** Root volume (gp3, encrypted) of every instance. */
  rootVolumeGiB: z.number().int().min(16, "must be at least 16 GiB").max(1024).default(30),
  /**
   * A second region that also runs Kine and k3s servers (`kine.replicas` / `k3s.servers` of each, over its AZs), with
   * its own YSQL, Kine and k3s API load balancers and its own copy of the secrets. The stack-wide k3s API name fails
   * over to it when the primary region's API load balancer has no healthy target. Must differ from the primary region.
   */
  standbyRegion: z.string().optional(),
  /** One NAT gateway per AZ (egress survives an AZ loss) or a single one in the first AZ (cheaper). */
  natGatewayPerZone: z.boolean().default(true),
});
export type AwsConfig = z.infer<typeof AwsConfig>;
