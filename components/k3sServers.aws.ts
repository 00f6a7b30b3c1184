import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { k3sTlsParameter, renderK3sUserData, ssmParameters } from "../planner/awsUserData";
import { ports } from "../planner/ports";
import { PUBLIC_API_FRONTEND, frontendById, regionalFrontend, type Frontend } from "../planner/wiring";
import { ec2Instance, endpointNames, networkLoadBalancer, privateAlias, privateFailoverAlias, regionSuffix, rolloutGate, ssmParameter, tlsParameters, type Nlb } from "./aws.common";
import { ROLLOUT_TIMING } from "../planner/rollout";
import { requireTls } from "./controlPlanePki";
import { K3S_TLS_DIR } from "./k3sPki";
import type { AwsPlatform } from "./platform";
import type { K3sServersArgs, K3sServersBuild } from "./k3sServers";

/**
 * k3s servers on EC2 (each control-plane region, spread over its AZs): the pinned release binary under systemd,
 * K3S_TOKEN and the Pulumi-generated CAs read from the region's own SSM copy before every start, `--datastore-endpoint`
 * = the region's Kine NLB, an internal NLB on 6443 per region and, on request, an internet-facing NLB (primary region)
 * limited to an allow-list. `k3s.<prefix>.internal` points at the primary region's NLB, failing over to the standby's.
 */
export function buildK3sAws(parent: pulumi.ComponentResource, name: string, args: K3sServersArgs, p: AwsPlatform): K3sServersBuild {
  const { plan } = args;
  const tls = requireTls("K3sServers", plan, args.tls);
  const ssm = ssmParameters(plan);
  const pkiFiles = args.pki.files.map((f) => ({ path: f.path, secret: f.secret }));
  const primaryNetwork = p.regions[p.primaryRegion];
  const serversBehind = (f: Frontend) => plan.k3s.servers.filter((s) => f.backends.includes(s.name));
  const publicFrontend = frontendById(plan.wiring, PUBLIC_API_FRONTEND);

  const publicNlb =
    publicFrontend && primaryNetwork.securityGroups.k3sPublicLb
      ? networkLoadBalancer(parent, `${name}-api-public`, {
          plan,
          network: primaryNetwork,
          role: "k3s-public",
          port: ports.k3sApi,
          targets: serversBehind(publicFrontend).map((s) => ({ name: s.name, ip: s.address })),
          securityGroup: primaryNetwork.securityGroups.k3sPublicLb,
          internal: false,
        })
      : undefined;
  const extraSans = publicNlb ? publicNlb.lb.dnsName.apply((d) => [d]) : pulumi.output([] as string[]);

  const servers: aws.ec2.Instance[] = [];
  const nlbs: Record<string, Nlb> = {};
  let previous: pulumi.Resource[] | undefined;
  for (const region of p.controlPlaneRegions) {
    const network = p.regions[region];
    const suffix = regionSuffix(p, region);
    const { k3s: k3sGroup, k3sLb } = network.securityGroups;
    if (!k3sGroup || !k3sLb) throw new Error(`aws platform: region ${region} has no k3s security groups`);
    const params: aws.ssm.Parameter[] = [ssmParameter(parent, `${name}-token${suffix}`, p, plan, ssm.k3sToken, args.token, true, region)];
    for (const f of args.pki.files) {
      const rel = f.path.slice(K3S_TLS_DIR.length + 1);
      const b64 = f.content.apply((pem) => Buffer.from(pem, "utf8").toString("base64"));
      params.push(
        ssmParameter(parent, `${name}-tls-${rel.replace(/[^A-Za-z0-9]+/g, "-")}${suffix}`, p, plan, k3sTlsParameter(plan, rel), f.secret ? pulumi.secret(b64) : b64, f.secret, region),
      );
    }
    const here = serversBehind(regionalFrontend(plan.wiring, "k3s-api", region));
    // One server at a time (planner/rollout.ts): server i+1 waits for server i's gate (k3s active, 6443 answering).
    const instances: aws.ec2.Instance[] = [];
    for (const s of here) {
      const instance = ec2Instance(parent, s.name, {
        plan,
        network,
        zone: s.zone,
        privateIp: s.address,
        instanceType: p.config.k3sInstanceType,
        securityGroup: k3sGroup,
        profile: p.instanceProfiles.k3s,
        userData: extraSans.apply((sans) => renderK3sUserData(plan, s, { ssmRegion: region, pkiFiles, tlsDir: K3S_TLS_DIR, extraTlsSans: sans })),
        rootVolumeGiB: p.config.rootVolumeGiB,
        role: "k3s",
        hostName: s.name,
        // TLS: the server's datastore client files (Kine requires a client certificate), in its own region.
        dependsOn: [...params, ...(tls ? tlsParameters(parent, p, plan, tls, s.name, region) : []), ...(previous ?? (args.dependsOn as pulumi.Resource[]))],
      });
      instances.push(instance);
      previous = [rolloutGate(parent, s.name, plan, network, instance, ROLLOUT_TIMING.serviceSeconds)];
    }
    servers.push(...instances);
    nlbs[region] = networkLoadBalancer(parent, `${name}-api${suffix}`, {
      plan,
      network,
      role: `k3s${suffix}`,
      port: ports.k3sApi,
      targets: here.map((s) => ({ name: s.name, ip: s.address })),
      securityGroup: k3sLb,
      internal: true,
      dependsOn: instances,
    });
  }
  const [primaryRegion, standbyRegion] = p.controlPlaneRegions;
  if (standbyRegion === undefined) privateAlias(parent, `${name}-api`, p, plan.k3s.apiAddress, nlbs[primaryRegion].lb);
  else {
    privateFailoverAlias(parent, `${name}-api`, p, plan.k3s.apiAddress, nlbs[primaryRegion].lb, nlbs[standbyRegion].lb);
    privateAlias(parent, `${name}-api-${standbyRegion}`, p, endpointNames(plan, standbyRegion).k3s, nlbs[standbyRegion].lb);
  }
  return {
    servers,
    apiUrl: publicNlb ? pulumi.interpolate`https://${publicNlb.lb.dnsName}:${ports.k3sApi}` : pulumi.output(plan.k3s.apiUrl),
  };
}
