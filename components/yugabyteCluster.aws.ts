import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderYugabyteUserData, ssmParameters } from "../planner/awsUserData";
import { ports } from "../planner/ports";
import { regionalFrontend } from "../planner/wiring";
import { awsTags, ec2Instance, endpointNames, networkLoadBalancer, privateAlias, regionSuffix, rolloutGate, ssmParameter, tlsParameters } from "./aws.common";
import { ROLLOUT_TIMING, renderScaleInDrainScript } from "../planner/rollout";
import { TLS_DIRS } from "../planner/tls";
import { requireTls } from "./controlPlanePki";
import type { AwsPlatform } from "./platform";
import type { YugabyteClusterArgs, YugabyteClusterBuild } from "./yugabyteCluster";

/**
 * YugabyteDB on EC2: one instance per planned node in its AZ with the plan's fixed private IP, a separate encrypted gp3
 * data volume (protected and retained when the plan says so), yugabyted under systemd with exactly the plan's args.
 * Node 0 also runs the bootstrap (placement, Kine role/database/schema) as a systemd oneshot once every tserver is up.
 * An internal NLB on 5433 over the primary region's nodes is the one YSQL address Kine uses (`ysql.<prefix>.internal`).
 */
export function buildYugabyteAws(parent: pulumi.ComponentResource, name: string, args: YugabyteClusterArgs, p: AwsPlatform): YugabyteClusterBuild {
  const { plan } = args;
  const cfg = p.config;
  const ssm = ssmParameters(plan);
  const params = [
    ssmParameter(parent, `${name}-admin-password`, p, plan, ssm.adminPassword, args.adminPassword),
    ssmParameter(parent, `${name}-kine-password`, p, plan, ssm.kinePassword, args.kinePassword),
  ];
  // TLS: every node's certificate, key and CA, and the bootstrap's client files, in the stack's SSM region (where node
  // scripts read; a restart while that region is unreachable keeps the files written on an earlier start).
  const tls = requireTls("YugabyteCluster", plan, args.tls);
  const bootstrapTls = tls ? tlsParameters(parent, p, plan, tls, "bootstrap", p.ssmRegion) : [];

  // Rolling changes, one node at a time (planner/rollout.ts): node i+1 depends on node i's gate, which succeeds once
  // node i is ALIVE again, out of the leader blacklist and nothing is under-replicated. A replacement stops the old
  // instance first (its yugabyted unit drains leaders on stop) and keeps the data volume: only the attachment moves.
  const instances: aws.ec2.Instance[] = [];
  let previous: pulumi.Resource[] = [];
  for (const node of plan.nodes) {
    const network = p.regions[node.region];
    const o = { parent, provider: network.provider };
    const volume = new aws.ebs.Volume(
      `${node.name}-data`,
      {
        availabilityZone: node.zone,
        size: cfg.yugabyteDataVolumeGiB,
        type: "gp3",
        iops: cfg.yugabyteDataVolumeIops,
        throughput: 250,
        encrypted: true,
        tags: awsTags(plan, "yugabyte-data", `${node.name}-data`),
      },
      { ...o, protect: plan.protectData, retainOnDelete: plan.protectData },
    );
    const instance = ec2Instance(parent, node.name, {
      plan,
      network,
      zone: node.zone,
      privateIp: node.address,
      instanceType: cfg.yugabyteInstanceType,
      securityGroup: network.securityGroups.database,
      profile: p.instanceProfiles.yugabyte,
      userData: pulumi
        .all([volume.id, node.index === 0 ? (args.backupBucket ?? pulumi.output(undefined)) : pulumi.output(undefined)])
        .apply(([id, backupBucket]) => renderYugabyteUserData(plan, node, { dataVolumeId: id, ssmRegion: p.ssmRegion, backupBucket })),
      rootVolumeGiB: cfg.rootVolumeGiB,
      role: "yugabyte",
      hostName: node.name,
      // With TLS every node reads the admin password (YSQL_PASSWORD) and its own files before yugabyted starts.
      dependsOn: [
        ...(node.index === 0 ? [...params, ...bootstrapTls] : tls ? [params[0]] : []),
        ...(tls ? tlsParameters(parent, p, plan, tls, node.name, p.ssmRegion) : []),
        ...previous,
      ],
    });
    const attachment = new aws.ec2.VolumeAttachment(
      `${node.name}-data-attachment`,
      { deviceName: "/dev/sdf", volumeId: volume.id, instanceId: instance.id, stopInstanceBeforeDetaching: true },
      o,
    );
    instances.push(instance);
    const gate = rolloutGate(parent, node.name, plan, network, instance, ROLLOUT_TIMING.rejoinSeconds);
    previous = [attachment, gate];
  }

  // Scale-in, after every node's gate and before anything the plan no longer has is removed (Pulumi deletes removed
  // resources last): on node 0, drain every tablet server not in the plan (data blacklist, load move to 100%).
  const scaleIn = rolloutGate(parent, plan.nodes[0].name, plan, p.regions[plan.nodes[0].region], instances[0], ROLLOUT_TIMING.rejoinSeconds, {
    step: "scale-in",
    commands: renderScaleInDrainScript(plan, { certsDir: TLS_DIRS.yugabyte }),
    dependsOn: previous,
  });

  // One internal YSQL NLB per control-plane region, over that region's nodes: Kine there never depends on another region.
  for (const region of p.controlPlaneRegions) {
    const network = p.regions[region];
    const ysqlLbGroup = network.securityGroups.ysqlLb;
    if (!ysqlLbGroup) throw new Error(`aws platform: region ${region} has no YSQL load balancer security group`);
    const suffix = regionSuffix(p, region);
    const nlb = networkLoadBalancer(parent, `${name}-ysql${suffix}`, {
      plan,
      network,
      role: `ysql${suffix}`,
      port: ports.ysql,
      targets: regionalFrontend(plan.wiring, "ysql", region).backends.map((b) => {
        const n = plan.nodes.find((x) => x.name === b) as (typeof plan.nodes)[number];
        return { name: n.name, ip: n.address };
      }),
      securityGroup: ysqlLbGroup,
      internal: true,
      dependsOn: instances,
    });
    privateAlias(parent, `${name}-ysql${suffix}`, p, endpointNames(plan, region).ysql, nlb.lb);
  }

  const first = plan.nodes[0];
  return {
    // Node 0 runs the bootstrap on the host; Kine gates itself on the schema (it polls for it before every start). Kine
    // waits for the scale-in step after the last node's gate, so a rollout changes databases first, then Kine, then k3s.
    bootstrap: scaleIn,
    ready: pulumi.output(true),
    ysqlEndpoint: pulumi.output(`${plan.yugabyte.ysqlHost}:${ports.ysql}`),
    operatorYsqlEndpoint: pulumi.output(`(private: ${plan.yugabyte.ysqlHost}:${ports.ysql} from inside the VPC; see the access hints for SSM port forwarding)`),
    uiUrl: pulumi.output(`http://${first.address}:${ports.yugabytedUi} (private; SSM port forwarding)`),
    nodeIds: pulumi.all(instances.map((i) => i.id)),
  };
}
