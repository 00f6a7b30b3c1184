import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { k3sTlsParameter, renderK3sUserData, ssmParameters } from "../planner/awsUserData";
import { ports } from "../planner/ports";
import { ec2Instance, networkLoadBalancer, privateAlias, ssmParameter } from "./aws.common";
import { K3S_TLS_DIR } from "./k3sPki";
import type { AwsPlatform } from "./platform";
import type { K3sServersArgs, K3sServersBuild } from "./k3sServers";

/**
 * k3s servers on EC2 (primary region, spread over its AZs): the pinned release binary under systemd, K3S_TOKEN and the
 * Pulumi-generated CAs read from SSM before every start, `--datastore-endpoint` = the Kine NLB, an internal NLB on 6443
 * (`k3s.<prefix>.internal`, in every server's --tls-san) and, on request, an internet-facing NLB limited to an allow-list.
 */
export function buildK3sAws(parent: pulumi.ComponentResource, name: string, args: K3sServersArgs, p: AwsPlatform): K3sServersBuild {
  const { plan } = args;
  const network = p.regions[p.primaryRegion];
  const { k3s: k3sGroup, k3sLb, k3sPublicLb } = network.securityGroups;
  if (!k3sGroup || !k3sLb) throw new Error("aws platform: the primary region has no k3s security groups");
  const ssm = ssmParameters(plan);

  const params: aws.ssm.Parameter[] = [ssmParameter(parent, `${name}-token`, p, plan, ssm.k3sToken, args.token)];
  for (const f of args.pki.files) {
    const rel = f.path.slice(K3S_TLS_DIR.length + 1);
    const b64 = f.content.apply((pem) => Buffer.from(pem, "utf8").toString("base64"));
    params.push(ssmParameter(parent, `${name}-tls-${rel.replace(/[^A-Za-z0-9]+/g, "-")}`, p, plan, k3sTlsParameter(plan, rel), f.secret ? pulumi.secret(b64) : b64, f.secret));
  }
  const pkiFiles = args.pki.files.map((f) => ({ path: f.path, secret: f.secret }));

  const publicNlb =
    p.config.publicK3sApi && k3sPublicLb
      ? networkLoadBalancer(parent, `${name}-api-public`, {
          plan,
          network,
          role: "k3s-public",
          port: ports.k3sApi,
          targets: plan.k3s.servers.map((s) => ({ name: s.name, ip: s.address })),
          securityGroup: k3sPublicLb,
          internal: false,
        })
      : undefined;
  const extraSans = publicNlb ? publicNlb.lb.dnsName.apply((d) => [d]) : pulumi.output([] as string[]);

  const servers = plan.k3s.servers.map((s) =>
    ec2Instance(parent, s.name, {
      plan,
      network,
      zone: s.zone,
      privateIp: s.address,
      instanceType: p.config.k3sInstanceType,
      securityGroup: k3sGroup,
      profile: p.instanceProfiles.k3s,
      userData: extraSans.apply((sans) => renderK3sUserData(plan, s, { ssmRegion: p.ssmRegion, pkiFiles, tlsDir: K3S_TLS_DIR, extraTlsSans: sans })),
      rootVolumeGiB: p.config.rootVolumeGiB,
      role: "k3s",
      hostName: s.name,
      dependsOn: [...params, ...(args.dependsOn as pulumi.Resource[])],
    }),
  );
  const internalNlb = networkLoadBalancer(parent, `${name}-api`, {
    plan,
    network,
    role: "k3s",
    port: ports.k3sApi,
    targets: plan.k3s.servers.map((s) => ({ name: s.name, ip: s.address })),
    securityGroup: k3sLb,
    internal: true,
    dependsOn: servers,
  });
  privateAlias(parent, `${name}-api`, p, plan.k3s.apiAddress, internalNlb.lb);
  return {
    servers,
    apiUrl: publicNlb ? pulumi.interpolate`https://${publicNlb.lb.dnsName}:${ports.k3sApi}` : pulumi.output(plan.k3s.apiUrl),
  };
}
