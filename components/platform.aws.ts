/**
 * The aws target's platform: one explicit provider and one network per region (VPC, private subnets per AZ, public
 * subnets for NAT and an optional public NLB only, NAT gateways, route tables, security groups), full-mesh VPC
 * peering between regions, IAM instance profiles per role and a private hosted zone for the stable endpoint names.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsConfig } from "../config/aws";
import { ssmParameters } from "../planner/awsUserData";
import type { ClusterPlan, RegionPlan } from "../planner/plan";
import { databasePortNames, ports } from "../planner/ports";
import { awsTags, ingress, type IngressSource } from "./aws.common";
import type { AwsPlatform, AwsRegionNetwork, AwsSecurityGroups } from "./platform";

/** Official Ubuntu 24.04 LTS images (Canonical's owner id): SSM agent preinstalled. */
export const UBUNTU_OWNER = "099720109477";
export const UBUNTU_AMI_NAME = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*";

/** Ports k3s servers use among themselves (API, supervisor, kubelet; flannel VXLAN is UDP). */
const K3S_PEER_TCP = [ports.k3sApi, ports.k3sSupervisor, ports.kubelet] as const;
const FLANNEL_VXLAN = 8472;
const DATABASE_PORTS = databasePortNames.map((n) => ports[n]);

export interface RegionNetworkArgs {
  readonly plan: ClusterPlan;
  readonly region: RegionPlan;
  readonly config: AwsConfig;
  /** CIDRs of the other regions' VPCs (peered): admitted on the database ports only. */
  readonly peerCidrs: readonly string[];
  /** Whether Kine and k3s run here (the primary region, or the standby region). */
  readonly controlPlane: boolean;
  /** CIDRs of the other control-plane regions: their k3s servers reach this region's servers (kubelet, VXLAN, API). */
  readonly controlPlanePeerCidrs: readonly string[];
}

/** One region: provider, VPC, subnets, NAT, routes, security groups and the AMI lookup. */
export class RegionNetwork extends pulumi.ComponentResource {
  readonly network: AwsRegionNetwork;

  constructor(name: string, args: RegionNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:aws:RegionNetwork", name, {}, opts);
    const { plan, region: r, config } = args;
    if (!r.cidr || !r.privateSubnets || !r.publicSubnets) throw new Error(`region ${r.name}: the plan has no CIDR split (aws target needs regions[].cidr)`);
    const provider = new aws.Provider(`${name}-provider`, { region: r.name as aws.Region, defaultTags: { tags: { "yb-k3s:stack": plan.stack } } }, { parent: this });
    const o = { parent: this, provider };
    const tags = (role: string, n?: string) => awsTags(plan, role, n);

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: r.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("network", `${r.name}-vpc`) }, o);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("network", `${r.name}-igw`) }, o);

    const privateSubnets: Record<string, aws.ec2.Subnet> = {};
    const publicSubnets: Record<string, aws.ec2.Subnet> = {};
    for (const zone of r.zones) {
      privateSubnets[zone] = new aws.ec2.Subnet(
        `${name}-private-${zone}`,
        { vpcId: vpc.id, cidrBlock: r.privateSubnets[zone], availabilityZone: zone, mapPublicIpOnLaunch: false, tags: tags("network", `${zone}-private`) },
        o,
      );
      // Public subnets hold NAT gateways and (optionally) the internet-facing k3s API NLB; never an instance.
      publicSubnets[zone] = new aws.ec2.Subnet(
        `${name}-public-${zone}`,
        { vpcId: vpc.id, cidrBlock: r.publicSubnets[zone], availabilityZone: zone, mapPublicIpOnLaunch: false, tags: tags("network", `${zone}-public`) },
        o,
      );
    }

    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tags("network", `${r.name}-public`) }, o);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, o);
    for (const zone of r.zones) new aws.ec2.RouteTableAssociation(`${name}-public-${zone}-rta`, { routeTableId: publicRt.id, subnetId: publicSubnets[zone].id }, o);

    const natZones = config.natGatewayPerZone ? r.zones : [r.zones[0]];
    const nats: Record<string, aws.ec2.NatGateway> = {};
    for (const zone of natZones) {
      const eip = new aws.ec2.Eip(`${name}-nat-${zone}-eip`, { domain: "vpc", tags: tags("network", `${zone}-nat`) }, o);
      nats[zone] = new aws.ec2.NatGateway(
        `${name}-nat-${zone}`,
        { allocationId: eip.allocationId, subnetId: publicSubnets[zone].id, connectivityType: "public", tags: tags("network", `${zone}-nat`) },
        { ...o, dependsOn: [igw] },
      );
    }
    const privateRouteTables: Record<string, aws.ec2.RouteTable> = {};
    for (const zone of r.zones) {
      const rt = new aws.ec2.RouteTable(`${name}-private-${zone}-rt`, { vpcId: vpc.id, tags: tags("network", `${zone}-private`) }, o);
      new aws.ec2.Route(`${name}-private-${zone}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: (nats[zone] ?? nats[natZones[0]]).id }, o);
      new aws.ec2.RouteTableAssociation(`${name}-private-${zone}-rta`, { routeTableId: rt.id, subnetId: privateSubnets[zone].id }, o);
      privateRouteTables[zone] = rt;
    }

    const securityGroups = this.securityGroups(name, args, vpc, provider);

    const amiId = aws.ec2
      .getAmiOutput(
        {
          owners: [UBUNTU_OWNER],
          mostRecent: true,
          filters: [
            { name: "name", values: [UBUNTU_AMI_NAME] },
            { name: "architecture", values: ["x86_64"] },
            { name: "virtualization-type", values: ["hvm"] },
            { name: "root-device-type", values: ["ebs"] },
          ],
        },
        { parent: this, provider },
      )
      .apply((a) => a.id);

    this.network = { region: r.name, primary: r.primary, provider, cidr: r.cidr, vpc, privateSubnets, publicSubnets, privateRouteTables, securityGroups, amiId };
    this.registerOutputs({ vpcId: vpc.id });
  }

  private securityGroups(name: string, args: RegionNetworkArgs, vpc: aws.ec2.Vpc, provider: aws.Provider): AwsSecurityGroups {
    const { plan, region: r, config } = args;
    const o = { parent: this, provider };
    const sg = (key: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${key}-sg`, { vpcId: vpc.id, description, tags: awsTags(plan, key, `${r.name}-${key}`) }, o);
    const rule = (sgName: string, group: aws.ec2.SecurityGroup, port: number, src: IngressSource, why: string, proto: "tcp" | "udp" = "tcp") =>
      ingress(this, `${name}-${sgName}`, { provider }, group, port, src, why, proto);
    const vpcCidrs = [r.cidr as string, ...args.peerCidrs];
    // Egress: anything inside the stack's VPCs, and HTTPS/HTTP out (packages, releases, SSM, STS) through NAT.
    const egress = (sgName: string, group: aws.ec2.SecurityGroup, internet: boolean) => {
      vpcCidrs.forEach((c) =>
        new aws.vpc.SecurityGroupEgressRule(`${name}-${sgName}-out-all-to-${c.replace(/[^0-9]+/g, "-")}`, { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: c, description: "inside the stack's VPCs" }, o),
      );
      if (internet)
        for (const port of [443, 80])
          new aws.vpc.SecurityGroupEgressRule(
            `${name}-${sgName}-out-tcp${port}-to-internet`,
            { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0", description: "package, release and AWS API downloads through NAT" },
            o,
          );
    };

    // YugabyteDB: every database port only from other database nodes (here and, over peering, in the other regions).
    const database = sg("database", "YugabyteDB nodes: database ports from database nodes only");
    egress("database", database, true);
    for (const port of DATABASE_PORTS) rule("database", database, port, { sg: database, label: "database" }, "YugabyteDB node to node");
    for (const cidr of args.peerCidrs) for (const port of DATABASE_PORTS) rule("database", database, port, { cidr, label: cidr }, "YugabyteDB nodes in a peered region");
    if (!args.controlPlane) return { database };

    // The control plane's roles run in the primary region (and the standby region, when configured).
    const ysqlLb = sg("ysql-lb", "Internal YSQL load balancer: 5433 from Kine only");
    const kine = sg("kine", "Kine replicas: 2379 from the Kine load balancer only");
    const kineLb = sg("kine-lb", "Internal Kine load balancer: 2379 from k3s servers only");
    const k3s = sg("k3s", "k3s servers: 6443 from the API load balancer(s), cluster ports among servers");
    const k3sLb = sg("k3s-lb", "Internal k3s API load balancer: 6443 from the VPCs and allowed CIDRs");
    egress("ysql-lb", ysqlLb, false);
    egress("kine", kine, true);
    egress("kine-lb", kineLb, false);
    egress("k3s", k3s, true);
    egress("k3s-lb", k3sLb, false);

    rule("database", database, ports.ysql, { sg: ysqlLb, label: "ysql-lb" }, "YSQL through the internal load balancer (Kine), health checks included");
    rule("ysql-lb", ysqlLb, ports.ysql, { sg: kine, label: "kine" }, "Kine to YSQL");
    rule("kine", kine, ports.kine, { sg: kineLb, label: "kine-lb" }, "etcd API through the internal load balancer, health checks included");
    rule("kine-lb", kineLb, ports.kine, { sg: k3s, label: "k3s" }, "k3s servers to Kine");
    rule("k3s", k3s, ports.k3sApi, { sg: k3sLb, label: "k3s-lb" }, "k3s API through the internal load balancer");
    for (const port of K3S_PEER_TCP) rule("k3s", k3s, port, { sg: k3s, label: "k3s" }, "k3s server to server");
    rule("k3s", k3s, FLANNEL_VXLAN, { sg: k3s, label: "k3s" }, "flannel VXLAN between servers", "udp");
    // Servers in the other control-plane region (security groups cannot be referenced across regions: peer CIDR).
    for (const cidr of args.controlPlanePeerCidrs) {
      for (const port of K3S_PEER_TCP) rule("k3s", k3s, port, { cidr, label: cidr }, "k3s servers of the other control-plane region");
      rule("k3s", k3s, FLANNEL_VXLAN, { cidr, label: cidr }, "flannel VXLAN from the other control-plane region", "udp");
    }
    for (const cidr of [...new Set([...vpcCidrs, ...config.k3sApiAllowedCidrs])]) rule("k3s-lb", k3sLb, ports.k3sApi, { cidr, label: cidr }, "k3s API clients");

    let k3sPublicLb: aws.ec2.SecurityGroup | undefined;
    if (config.publicK3sApi && r.primary) {
      k3sPublicLb = sg("k3s-public-lb", "Internet-facing k3s API load balancer: 6443 from the allow-list only");
      egress("k3s-public-lb", k3sPublicLb, false);
      for (const cidr of config.k3sApiAllowedCidrs) rule("k3s-public-lb", k3sPublicLb, ports.k3sApi, { cidr, label: cidr }, "k3s API allow-list");
      rule("k3s", k3s, ports.k3sApi, { sg: k3sPublicLb, label: "k3s-public-lb" }, "k3s API through the public load balancer");
    }
    return { database, ysqlLb, kine, kineLb, k3s, k3sLb, k3sPublicLb };
  }
}

export interface VpcPeeringArgs {
  readonly plan: ClusterPlan;
  readonly requester: AwsRegionNetwork;
  readonly accepter: AwsRegionNetwork;
}

/** One inter-region peering: requested in one region, accepted in the other, routes both ways in every private table. */
export class VpcPeering extends pulumi.ComponentResource {
  readonly connection: aws.ec2.VpcPeeringConnection;
  readonly accepter: aws.ec2.VpcPeeringConnectionAccepter;

  constructor(name: string, args: VpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:aws:VpcPeering", name, {}, opts);
    const { plan, requester: a, accepter: b } = args;
    const tags = awsTags(plan, "network", `${a.region}-to-${b.region}`);
    this.connection = new aws.ec2.VpcPeeringConnection(
      `${name}-request`,
      { vpcId: a.vpc.id, peerVpcId: b.vpc.id, peerRegion: b.region, autoAccept: false, tags },
      { parent: this, provider: a.provider },
    );
    this.accepter = new aws.ec2.VpcPeeringConnectionAccepter(
      `${name}-accept`,
      { vpcPeeringConnectionId: this.connection.id, autoAccept: true, tags },
      { parent: this, provider: b.provider },
    );
    const routes = (from: AwsRegionNetwork, to: AwsRegionNetwork) => {
      for (const [zone, rt] of Object.entries(from.privateRouteTables))
        new aws.ec2.Route(
          `${name}-${zone}-to-${to.region}`,
          { routeTableId: rt.id, destinationCidrBlock: to.cidr, vpcPeeringConnectionId: this.connection.id },
          { parent: this, provider: from.provider, dependsOn: [this.accepter] },
        );
    };
    routes(a, b);
    routes(b, a);
    this.registerOutputs({ peeringConnectionId: this.connection.id });
  }
}

export interface AwsPlatformArgs {
  readonly plan: ClusterPlan;
  readonly config?: AwsConfig;
}

/** The whole aws platform of a stack. */
export class AwsPlatformResources extends pulumi.ComponentResource {
  readonly platform: AwsPlatform;

  constructor(name: string, args: AwsPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:aws:Platform", name, {}, opts);
    const { plan } = args;
    const config = args.config ?? defaultAwsConfig();
    const cidrs = plan.regions.map((r) => r.cidr as string);
    const cpCidrs = plan.regions.filter((r) => plan.controlPlaneRegions.includes(r.name)).map((r) => r.cidr as string);
    const regions: Record<string, AwsRegionNetwork> = {};
    for (const r of plan.regions) {
      const controlPlane = plan.controlPlaneRegions.includes(r.name);
      regions[r.name] = new RegionNetwork(
        `${name}-${r.name}`,
        { plan, region: r, config, peerCidrs: cidrs.filter((c) => c !== r.cidr), controlPlane, controlPlanePeerCidrs: controlPlane ? cpCidrs.filter((c) => c !== r.cidr) : [] },
        { parent: this },
      ).network;
    }
    // Full mesh: n*(n-1)/2 peerings, each requested by the earlier region of the pair.
    for (let i = 0; i < plan.regions.length; i++)
      for (let j = i + 1; j < plan.regions.length; j++) {
        const a = regions[plan.regions[i].name];
        const b = regions[plan.regions[j].name];
        new VpcPeering(`${name}-peering-${a.region}-${b.region}`, { plan, requester: a, accepter: b }, { parent: this });
      }

    const primary = regions[plan.primaryRegion];
    const privateZone = new aws.route53.Zone(
      `${name}-private-zone`,
      {
        name: `${plan.prefix}.internal`,
        comment: `yb-k3s ${plan.stack}: stable names of the YSQL, Kine and k3s API load balancers`,
        vpcs: Object.values(regions).map((n) => ({ vpcId: n.vpc.id, vpcRegion: n.region })),
        tags: awsTags(plan, "dns"),
      },
      { parent: this, provider: primary.provider },
    );

    const identity = aws.getCallerIdentityOutput({}, { parent: this, provider: primary.provider });
    const ssm = ssmParameters(plan);
    const profile = (role: "yugabyte" | "kine" | "k3s", subtree: string, parameterRegions: readonly string[]) => {
      const o = { parent: this, provider: primary.provider };
      const iamRole = new aws.iam.Role(
        `${name}-${role}-role`,
        {
          description: `yb-k3s ${plan.stack} ${role} instances`,
          assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
          tags: awsTags(plan, role),
        },
        o,
      );
      new aws.iam.RolePolicyAttachment(`${name}-${role}-ssm-core`, { role: iamRole.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }, o);
      new aws.iam.RolePolicy(
        `${name}-${role}-parameters`,
        {
          role: iamRole.name,
          policy: identity.accountId.apply((account) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "ReadOwnParameters",
                  Effect: "Allow",
                  Action: ["ssm:GetParameter", "ssm:GetParameters"],
                  Resource: parameterRegions.map((reg) => `arn:aws:ssm:${reg}:${account}:parameter${subtree}/*`),
                },
                {
                  Sid: "DecryptThroughSsmOnly",
                  Effect: "Allow",
                  Action: "kms:Decrypt",
                  Resource: parameterRegions.map((reg) => `arn:aws:kms:${reg}:${account}:key/*`),
                  Condition: { StringEquals: { "kms:ViaService": parameterRegions.map((reg) => `ssm.${reg}.amazonaws.com`) } },
                },
              ],
            }),
          ),
        },
        o,
      );
      return new aws.iam.InstanceProfile(`${name}-${role}-profile`, { role: iamRole.name, tags: awsTags(plan, role) }, o);
    };

    this.platform = {
      kind: "aws",
      config,
      primaryRegion: plan.primaryRegion,
      regions,
      instanceProfiles: {
        yugabyte: profile("yugabyte", ssm.yugabyte, [plan.primaryRegion]),
        kine: profile("kine", ssm.kine, plan.controlPlaneRegions),
        k3s: profile("k3s", ssm.k3s, plan.controlPlaneRegions),
      },
      privateZone,
      ssmRegion: plan.primaryRegion,
      controlPlaneRegions: plan.controlPlaneRegions,
    };
    this.registerOutputs({ privateZoneId: privateZone.zoneId });
  }
}

function defaultAwsConfig(): AwsConfig {
  return AwsConfig.parse({});
}
