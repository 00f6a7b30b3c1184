import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { renderKineUserData, ssmParameters } from "../planner/awsUserData";
import { kineDsn } from "../planner/kine";
import { ports } from "../planner/ports";
import { regionalFrontend } from "../planner/wiring";
import { ec2Instance, endpointNames, networkLoadBalancer, privateAlias, regionSuffix, rolloutGate, ssmParameter, tlsParameters } from "./aws.common";
import { ROLLOUT_TIMING } from "../planner/rollout";
import { requireTls } from "./controlPlanePki";
import type { AwsPlatform } from "./platform";
import type { KineEndpointArgs, KineEndpointBuild } from "./kineEndpoint";

/**
 * Kine on EC2: one instance per planned replica (spread over each control-plane region's AZs), the pinned binary under
 * systemd, the DSN from an SSM SecureString in the replica's own region, written to a 0600 environment file before every
 * start, and per region an internal NLB on 2379 (`kine.[<region>.]<prefix>.internal`) that only k3s servers may reach.
 */
export function buildKineAws(parent: pulumi.ComponentResource, name: string, args: KineEndpointArgs, p: AwsPlatform): KineEndpointBuild {
  const { plan } = args;
  const tls = requireTls("KineEndpoint", plan, args.tls);
  const out: pulumi.Resource[] = [];
  // The chain runs through every control-plane region in turn (primary first).
  let previous: pulumi.Resource[] | undefined;
  const gates: pulumi.Resource[] = [];
  for (const region of p.controlPlaneRegions) {
    const network = p.regions[region];
    const suffix = regionSuffix(p, region);
    const { kine: kineGroup, kineLb } = network.securityGroups;
    if (!kineGroup || !kineLb) throw new Error(`aws platform: region ${region} has no Kine security groups`);
    // The region's replicas: the ones behind its Kine load balancer (the plan's wiring).
    const behind = regionalFrontend(plan.wiring, "kine", region).backends;
    const here = plan.kine.replicas.filter((r) => behind.includes(r.name));
    // The replicas of a region dial that region's YSQL load balancer, so one DSN per region serves them all.
    const dsn = ssmParameter(
      parent,
      `${name}-dsn${suffix}`,
      p,
      plan,
      ssmParameters(plan).kineDsn,
      pulumi.output(args.databasePassword).apply((pw) => kineDsn(here[0].database, pw)),
      true,
      region,
    );
    // One replica at a time (planner/rollout.ts): replica i+1 waits for replica i's gate (kine active, 2379 answering).
    const replicas: aws.ec2.Instance[] = [];
    for (const r of here) {
      const instance = ec2Instance(parent, r.name, {
        plan,
        network,
        zone: r.zone,
        privateIp: r.address,
        instanceType: p.config.kineInstanceType,
        securityGroup: kineGroup,
        profile: p.instanceProfiles.kine,
        userData: renderKineUserData(plan, r, { ssmRegion: region }),
        rootVolumeGiB: p.config.rootVolumeGiB,
        role: "kine",
        hostName: r.name,
        // TLS: the replica's serving and database-client files, in its own region (what its pre-start script reads).
        dependsOn: [dsn, ...(tls ? tlsParameters(parent, p, plan, tls, r.name, region) : []), ...(previous ?? (args.dependsOn as pulumi.Resource[]))],
      });
      replicas.push(instance);
      previous = [rolloutGate(parent, r.name, plan, network, instance, ROLLOUT_TIMING.serviceSeconds)];
      gates.push(...previous);
    }
    const nlb = networkLoadBalancer(parent, `${name}-etcd${suffix}`, {
      plan,
      network,
      role: `kine${suffix}`,
      port: ports.kine,
      targets: here.map((r) => ({ name: r.name, ip: r.address })),
      securityGroup: kineLb,
      internal: true,
      dependsOn: replicas,
    });
    const record = privateAlias(parent, `${name}-etcd${suffix}`, p, endpointNames(plan, region).kine, nlb.lb);
    out.push(...replicas, nlb.listener, record);
  }
  // k3s waits for the last replica's gate too.
  out.push(...gates.slice(-1));
  return { replicas: out, endpoints: pulumi.output([...plan.kine.endpoints]) };
}
