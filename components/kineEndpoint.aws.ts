import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { renderKineUserData, ssmParameters } from "../planner/awsUserData";
import { kineDsn } from "../planner/kine";
import { ports } from "../planner/ports";
import { ec2Instance, networkLoadBalancer, privateAlias, ssmParameter } from "./aws.common";
import type { AwsPlatform } from "./platform";
import type { KineEndpointArgs, KineEndpointBuild } from "./kineEndpoint";

/**
 * Kine on EC2: one instance per planned replica (spread over the primary region's AZs), the pinned binary under systemd,
 * the DSN from an SSM SecureString written to a 0600 environment file before every start, and an internal NLB on 2379
 * (`kine.<prefix>.internal`) that only k3s servers may reach.
 */
export function buildKineAws(parent: pulumi.ComponentResource, name: string, args: KineEndpointArgs, p: AwsPlatform): KineEndpointBuild {
  const { plan } = args;
  const network = p.regions[p.primaryRegion];
  const { kine: kineGroup, kineLb } = network.securityGroups;
  if (!kineGroup || !kineLb) throw new Error("aws platform: the primary region has no Kine security groups");
  // Every replica dials the same YSQL load balancer, so one DSN serves them all.
  const dsn = ssmParameter(
    parent,
    `${name}-dsn`,
    p,
    plan,
    ssmParameters(plan).kineDsn,
    pulumi.output(args.databasePassword).apply((pw) => kineDsn(plan.kine.replicas[0].database, pw)),
  );
  const replicas: aws.ec2.Instance[] = plan.kine.replicas.map((r) =>
    ec2Instance(parent, r.name, {
      plan,
      network,
      zone: r.zone,
      privateIp: r.address,
      instanceType: p.config.kineInstanceType,
      securityGroup: kineGroup,
      profile: p.instanceProfiles.kine,
      userData: renderKineUserData(plan, r, { ssmRegion: p.ssmRegion }),
      rootVolumeGiB: p.config.rootVolumeGiB,
      role: "kine",
      hostName: r.name,
      dependsOn: [dsn, ...(args.dependsOn as pulumi.Resource[])],
    }),
  );
  const nlb = networkLoadBalancer(parent, `${name}-etcd`, {
    plan,
    network,
    role: "kine",
    port: ports.kine,
    targets: plan.kine.replicas.map((r) => ({ name: r.name, ip: r.address })),
    securityGroup: kineLb,
    internal: true,
    dependsOn: replicas,
  });
  const host = new URL(plan.kine.endpoints[0]).hostname;
  const record = privateAlias(parent, `${name}-etcd`, p, host, nlb.lb);
  return { replicas: [...replicas, nlb.listener, record], endpoints: pulumi.output([...plan.kine.endpoints]) };
}
