/** AWS helpers shared by the role builders of the aws target. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { ROLLOUT_GATE_COMMAND, tlsDeliveries } from "../planner/awsUserData";
import { ports } from "../planner/ports";
import type { ClusterPlan } from "../planner/plan";
import type { ControlPlanePki } from "./controlPlanePki";
import type { AwsPlatform, AwsRegionNetwork } from "./platform";

/** AWS names with a length limit (load balancers and target groups: 32): shortened with a stable hash. */
export function awsName(prefix: string, suffix: string, max = 32): string {
  const name = `${prefix}-${suffix}`;
  if (name.length <= max) return name;
  const h = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, max - 7).replace(/-+$/, "")}-${h}`;
}

export const awsTags = (plan: ClusterPlan, role: string, name?: string): Record<string, string> => ({
  Name: name ? `${plan.prefix}-${name}` : `${plan.prefix}-${role}`,
  "yb-k3s:project": plan.project,
  "yb-k3s:stack": plan.stack,
  "yb-k3s:role": role,
});

export interface IngressSource {
  /** Another security group (same region) or an IPv4 CIDR. */
  readonly sg?: aws.ec2.SecurityGroup;
  readonly cidr?: string;
  /** Short, stable label used in the resource name (`db`, `kine-lb`, `10.1.0.0/16` ...). */
  readonly label: string;
}

/** One ingress rule resource per (group, protocol, port, source): reviewable one by one in a preview. */
export function ingress(
  parent: pulumi.Resource,
  name: string,
  opts: { provider: aws.Provider },
  sg: aws.ec2.SecurityGroup,
  port: number,
  src: IngressSource,
  description: string,
  protocol: "tcp" | "udp" = "tcp",
): aws.vpc.SecurityGroupIngressRule {
  const label = src.label.replace(/[^A-Za-z0-9]+/g, "-");
  return new aws.vpc.SecurityGroupIngressRule(
    `${name}-${protocol}${port}-from-${label}`,
    {
      securityGroupId: sg.id,
      ipProtocol: protocol,
      fromPort: port,
      toPort: port,
      ...(src.sg ? { referencedSecurityGroupId: src.sg.id } : { cidrIpv4: src.cidr }),
      description,
    },
    { parent, provider: opts.provider },
  );
}

export interface NlbArgs {
  readonly plan: ClusterPlan;
  readonly network: AwsRegionNetwork;
  /** Short role label for names (`ysql`, `kine`, `k3s`, `k3s-public`). */
  readonly role: string;
  readonly port: number;
  /** Fixed private IPs of the targets (IP targets: the NLB's own security group is what targets admit). */
  readonly targets: readonly { readonly name: string; readonly ip: string }[];
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly internal: boolean;
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface Nlb {
  readonly lb: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly listener: aws.lb.Listener;
}

/**
 * A network load balancer with its own security group, a TCP listener and IP targets. Client IP preservation is off
 * (the default for IP targets), so targets see the NLB's addresses and admit only the NLB's security group — which also
 * covers the health checks — while the NLB's group decides which clients may connect.
 */
export function networkLoadBalancer(parent: pulumi.Resource, name: string, a: NlbArgs): Nlb {
  const opts = { parent, provider: a.network.provider };
  const subnets = a.internal ? Object.values(a.network.privateSubnets) : Object.values(a.network.publicSubnets);
  const lb = new aws.lb.LoadBalancer(
    `${name}-nlb`,
    {
      name: awsName(a.plan.prefix, a.role),
      loadBalancerType: "network",
      internal: a.internal,
      subnets: subnets.map((s) => s.id),
      securityGroups: [a.securityGroup.id],
      enableCrossZoneLoadBalancing: true,
      tags: awsTags(a.plan, `${a.role}-lb`),
    },
    opts,
  );
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-tg`,
    {
      name: awsName(a.plan.prefix, `${a.role}-tg`),
      port: a.port,
      protocol: "TCP",
      targetType: "ip",
      vpcId: a.network.vpc.id,
      preserveClientIp: "false",
      deregistrationDelay: 30,
      healthCheck: { protocol: "TCP", port: "traffic-port", interval: 10, healthyThreshold: 2, unhealthyThreshold: 2 },
      tags: awsTags(a.plan, `${a.role}-lb`),
    },
    opts,
  );
  for (const t of a.targets) {
    new aws.lb.TargetGroupAttachment(`${name}-tg-${t.name}`, { targetGroupArn: targetGroup.arn, targetId: t.ip, port: a.port }, { ...opts, dependsOn: a.dependsOn });
  }
  const listener = new aws.lb.Listener(
    `${name}-listener`,
    { loadBalancerArn: lb.arn, port: a.port, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }], tags: awsTags(a.plan, `${a.role}-lb`) },
    opts,
  );
  return { lb, targetGroup, listener };
}

/** An alias record `<label>.<prefix>.internal` -> load balancer in the private zone. */
export function privateAlias(parent: pulumi.Resource, name: string, p: AwsPlatform, fqdn: string, lb: aws.lb.LoadBalancer): aws.route53.Record {
  const primary = p.regions[p.primaryRegion];
  return new aws.route53.Record(
    `${name}-dns`,
    { zoneId: p.privateZone.zoneId, name: fqdn, type: "A", aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }] },
    { parent, provider: primary.provider },
  );
}

/**
 * A failover pair on one private name: PRIMARY -> the primary region's load balancer, SECONDARY -> the standby's.
 * Route 53 answers with the secondary while the primary alias has no healthy target (evaluateTargetHealth), so the
 * name moves without a deploy when the primary region's API is gone.
 */
export function privateFailoverAlias(parent: pulumi.Resource, name: string, p: AwsPlatform, fqdn: string, primaryLb: aws.lb.LoadBalancer, secondaryLb: aws.lb.LoadBalancer): aws.route53.Record[] {
  const o = { parent, provider: p.regions[p.primaryRegion].provider };
  const record = (role: "PRIMARY" | "SECONDARY", lb: aws.lb.LoadBalancer) =>
    new aws.route53.Record(
      `${name}-dns-${role.toLowerCase()}`,
      {
        zoneId: p.privateZone.zoneId,
        name: fqdn,
        type: "A",
        setIdentifier: role.toLowerCase(),
        failoverRoutingPolicies: [{ type: role }],
        aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }],
      },
      o,
    );
  return [record("PRIMARY", primaryLb), record("SECONDARY", secondaryLb)];
}

export interface InstanceArgs {
  readonly plan: ClusterPlan;
  readonly network: AwsRegionNetwork;
  readonly zone: string;
  readonly privateIp: string;
  readonly instanceType: string;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly profile: aws.iam.InstanceProfile;
  readonly userData: pulumi.Input<string>;
  readonly rootVolumeGiB: number;
  readonly role: string;
  readonly hostName: string;
  readonly dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/**
 * An EC2 instance the way every role wants it: private subnet of its AZ, fixed private IP, no public IP, no key pair
 * (SSM Session Manager only), IMDSv2 required with a hop limit of 1, encrypted gp3 root volume.
 * A newer AMI does not replace running instances (`ignoreChanges: ami`); roll them deliberately.
 *
 * Rolling changes (planner/rollout.ts): a user-data change (version, flags, arguments, TLS) REPLACES the instance —
 * cloud-init does not re-run on a stop/start, so an in-place update would never reach the host — and deletes first,
 * since the new instance needs the same fixed private IP. Callers chain instances one after another through
 * `rolloutGate`, so only one host of a role is ever being replaced.
 */
export function ec2Instance(parent: pulumi.Resource, name: string, a: InstanceArgs): aws.ec2.Instance {
  return new aws.ec2.Instance(
    name,
    {
      ami: a.network.amiId,
      instanceType: a.instanceType,
      availabilityZone: a.zone,
      subnetId: a.network.privateSubnets[a.zone].id,
      privateIp: a.privateIp,
      associatePublicIpAddress: false,
      vpcSecurityGroupIds: [a.securityGroup.id],
      iamInstanceProfile: a.profile.name,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      rootBlockDevice: { volumeType: "gp3", volumeSize: a.rootVolumeGiB, encrypted: true, deleteOnTermination: true },
      userData: a.userData,
      userDataReplaceOnChange: true,
      monitoring: true,
      tags: awsTags(a.plan, a.role, a.hostName),
      volumeTags: awsTags(a.plan, a.role, `${a.hostName}-root`),
    },
    { parent, provider: a.network.provider, dependsOn: a.dependsOn, ignoreChanges: ["ami"], deleteBeforeReplace: true },
  );
}

/**
 * The rollout gate of one host: an SSM association (AWS-RunShellScript, run by the host's SSM agent — the instance
 * profiles carry AmazonSSMManagedInstanceCore) that runs the role's gate script, and that Pulumi waits on until it
 * succeeds (`waitForSuccessTimeoutSeconds`). The next host of the role depends on it. It is recreated with its
 * instance (`replaceOnChanges: targets`), so every replacement waits again. The operator needs ssm:CreateAssociation
 * and ssm:DescribeAssociation (no ssm:SendCommand, no network path to the host).
 */
export function rolloutGate(
  parent: pulumi.Resource,
  name: string,
  plan: ClusterPlan,
  network: AwsRegionNetwork,
  instance: aws.ec2.Instance,
  timeoutSeconds: number,
  o: { readonly commands?: string; readonly step?: string; readonly dependsOn?: pulumi.Resource[] } = {},
): aws.ssm.Association {
  const step = o.step ?? "rollout-gate";
  return new aws.ssm.Association(
    `${name}-${step}`,
    {
      name: "AWS-RunShellScript",
      associationName: `${plan.prefix}-${name}-${step}`,
      targets: [{ key: "InstanceIds", values: [instance.id] }],
      // The script's own deadline runs after cloud-init finished (a new host downloads and installs first).
      parameters: { commands: o.commands ?? ROLLOUT_GATE_COMMAND, executionTimeout: String(timeoutSeconds + 900) },
      waitForSuccessTimeoutSeconds: timeoutSeconds + 1200,
      tags: awsTags(plan, step, `${name}-${step}`),
    },
    // A new command (scale-in: a new node list) is a new association too, so it runs again and is waited on again.
    { parent, provider: network.provider, dependsOn: [instance, ...(o.dependsOn ?? [])], replaceOnChanges: ["targets", "parameters"], deleteBeforeReplace: true },
  );
}

/**
 * A SecureString (or String) parameter under the stack's tree, encrypted with the account's `aws/ssm` key, in `region`
 * (default: the primary region; control-plane secrets get a copy in each control-plane region).
 */
export function ssmParameter(
  parent: pulumi.Resource,
  name: string,
  p: AwsPlatform,
  plan: ClusterPlan,
  parameterName: string,
  value: pulumi.Input<string>,
  secure = true,
  region = p.ssmRegion,
): aws.ssm.Parameter {
  return new aws.ssm.Parameter(
    name,
    {
      name: parameterName,
      type: secure ? "SecureString" : "String",
      value: secure ? pulumi.secret(value) : value,
      tier: "Standard",
      tags: awsTags(plan, "secret"),
    },
    { parent, provider: p.regions[region].provider },
  );
}

/**
 * One host's TLS files (encryption in transit) as SSM parameters in `region`, named and typed as the planner says
 * (`tlsDeliveries`): keys SecureString, certificates String, values base64 of the PEM. The host's pre-start script
 * writes them to the planner's paths with the planner's modes before the service starts; user data names them only.
 */
export function tlsParameters(parent: pulumi.Resource, p: AwsPlatform, plan: ClusterPlan, tls: ControlPlanePki, host: string, region: string): aws.ssm.Parameter[] {
  const files = tls.filesFor(host);
  return tlsDeliveries(plan, host).map((d) => {
    const f = files.find((x) => x.path === d.path);
    if (!f) throw new Error(`tls: ${host} has no file ${d.path} in the PKI component (plan and component disagree)`);
    const b64 = f.content.apply((pem) => Buffer.from(pem, "utf8").toString("base64"));
    return ssmParameter(parent, `${host}-tls-${f.name.replace(/[^A-Za-z0-9]+/g, "-")}`, p, plan, d.parameter, d.secret ? pulumi.secret(b64) : b64, d.secret, region);
  });
}

/** The private DNS names of a control-plane region's load balancers (from the plan). */
export function endpointNames(plan: ClusterPlan, region: string): { ysql: string; kine: string; k3s: string } {
  const names = plan.endpointNames?.[region];
  if (!names) throw new Error(`plan has no endpoint names for region ${region} (not a control-plane region of an aws plan)`);
  return names;
}

/** Resource-name suffix for a control-plane region: none for the primary (stable names), `-<region>` otherwise. */
export const regionSuffix = (p: AwsPlatform, region: string): string => (region === p.primaryRegion ? "" : `-${region}`);

/** Hints for reaching hosts that have no public address and no SSH. */
export function awsAccessHints(plan: ClusterPlan, p: AwsPlatform, k3sInstanceIds: pulumi.Output<string[]>, yugabyteInstanceIds: pulumi.Output<string[]>): pulumi.Output<string[]> {
  const region = p.primaryRegion;
  return pulumi.all([k3sInstanceIds, yugabyteInstanceIds]).apply(([k3s, yb]) => [
    `shell on a k3s server: aws ssm start-session --region ${region} --target ${k3s[0]}`,
    `k3s API on localhost:${ports.k3sApi}: aws ssm start-session --region ${region} --target ${k3s[0]} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${plan.k3s.apiAddress},portNumber=${ports.k3sApi},localPortNumber=${ports.k3sApi}`,
    `then: pulumi stack output --show-secrets kubeconfig > kubeconfig && kubectl --kubeconfig kubeconfig --server https://127.0.0.1:${ports.k3sApi} get nodes`,
    `YugabyteDB UI on localhost:${ports.yugabytedUi}: aws ssm start-session --region ${region} --target ${yb[0]} --document-name AWS-StartPortForwardingSession --parameters portNumber=${ports.yugabytedUi},localPortNumber=${ports.yugabytedUi}`,
    `bootstrap log (node 0): aws ssm start-session --region ${region} --target ${yb[0]}, then journalctl -u yb-k3s-bootstrap`,
  ]);
}
