import { describe, expect, it } from "vitest";
import { ebsEncryptedRule, imdsv2Rule } from "../../policies/rules/aws";
import { imagesPinnedRule } from "../../policies/rules/images";
import { noPublicDatabasePortsRule } from "../../policies/rules/network";
import { sequenceCacheRule, tserverFlagsOf } from "../../policies/rules/yugabyte";
import { processesInScript } from "../../policies/extract";
import { ctx, ec2, k8sDeployment, res, ybArgs, ybContainer, ybStatefulSet, ybUserData } from "./fixtures";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("yb-sequence-cache-minval", () => {
  const check = (r: Parameters<typeof sequenceCacheRule.check>[0]) => sequenceCacheRule.check(r, ctx());

  it("passes a Docker node started with the flag", () => {
    expect(check(ybContainer(1))).toEqual([]);
  });
  it("fails a Docker node without it, saying how to fix", () => {
    const r = ybContainer(1, "zone-1", { command: ybArgs(1, "docker.local.zone-1", "--tserver_flags=ysql_enable_auth=true") });
    const [m] = check(r);
    expect(m).toMatch(/ysql_sequence_cache_minval=1/);
    expect(m).toMatch(/--tserver_flags=/);
  });
  it("fails a node that sets another value", () => {
    const r = ybContainer(1, "zone-1", { command: ybArgs(1, "docker.local.zone-1", "--tserver_flags=ysql_sequence_cache_minval=100") });
    expect(check(r)).toEqual([expect.stringMatching(/sets ysql_sequence_cache_minval=100; it must be 1/)]);
  });
  it("fails a node with no --tserver_flags at all", () => {
    const r = ybContainer(1, "zone-1", { command: ["bin/yugabyted", "start", "--background=false"] });
    expect(check(r)).toHaveLength(1);
  });
  it("reads a StatefulSet's bash -c script (quoted flags)", () => {
    expect(check(ybStatefulSet("zone-a"))).toEqual([]);
    const bad = ybStatefulSet("zone-a", { script: "exec bin/yugabyted start --background=false --tserver_flags='ysql_enable_auth=true'" });
    expect(check(bad)).toHaveLength(1);
  });
  it("reads EC2 user data in both quoting styles and launch template base64", () => {
    expect(check(ec2("yb-1", ybUserData("aws.us-east-1.us-east-1a")))).toEqual([]);
    expect(check(ec2("yb-1", ybUserData("aws.us-east-1.us-east-1a", "--tserver_flags=ysql_sequence_cache_minval=1")))).toEqual([]);
    expect(check(ec2("yb-1", ybUserData("aws.us-east-1.us-east-1a", `--tserver_flags="ysql_enable_auth=true"`)))).toHaveLength(1);
    const lt = (ud: string) => res("aws:ec2/launchTemplate:LaunchTemplate", "yb-lt", { userData: b64(ud) });
    expect(check(lt(ybUserData("aws.us-east-1.us-east-1a")))).toEqual([]);
    expect(check(lt(ybUserData("aws.us-east-1.us-east-1a", "")))).toHaveLength(1);
  });
  it("ignores resources that do not start yugabyted (configure step, Kine)", () => {
    expect(check(res("docker:index/container:Container", "init", { image: "yugabytedb/yugabyte:2025.2.1.0-b141", command: ["bin/yugabyted", "configure", "data_placement", "--rf=3"] }))).toEqual([]);
  });
  it("merges braces-valued flags (ysql_pg_conf_csv={a,b})", () => {
    const [p] = processesInScript("bin/yugabyted start --tserver_flags=ysql_pg_conf_csv={a=1,b=2},ysql_sequence_cache_minval=1");
    expect(tserverFlagsOf(p)).toEqual({ ysql_pg_conf_csv: "a=1,b=2", ysql_sequence_cache_minval: "1" });
  });
});

describe("images-pinned", () => {
  const check = (r: Parameters<typeof imagesPinnedRule.check>[0]) => imagesPinnedRule.check(r, ctx());
  it("passes pinned tags, digests and image ids", () => {
    expect(check(ybContainer(1))).toEqual([]);
    expect(check(res("docker:index/container:Container", "c", { image: "sha256:" + "b".repeat(64) }))).toEqual([]);
    expect(check(res("docker:index/remoteImage:RemoteImage", "kine", { name: "rancher/kine@sha256:" + "c".repeat(64) }))).toEqual([]);
    expect(check(ybStatefulSet("zone-a"))).toEqual([]);
  });
  it("fails :latest and untagged images (Docker string, RemoteImage, every pod-bearing kind)", () => {
    expect(check(ybContainer(1, "zone-1", { image: "yugabytedb/yugabyte:latest" }))[0]).toMatch(/:latest.*pin a version/);
    expect(check(res("docker:index/remoteImage:RemoteImage", "kine", { name: "rancher/kine" }))[0]).toMatch(/no tag/);
    expect(check(k8sDeployment("kine", { name: "kine", image: "registry:5000/rancher/kine" }))[0]).toMatch(/container kine: image "registry:5000\/rancher\/kine" has no tag/);
    const job = res("kubernetes:batch/v1:CronJob", "backup", {
      spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ name: "i", image: "busybox" }], containers: [{ name: "c", image: "yugabytedb/yugabyte:latest" }] } } } } },
    });
    expect(check(job)).toHaveLength(2);
  });
});

describe("no-public-database-ports", () => {
  const check = (r: Parameters<typeof noPublicDatabasePortsRule.check>[0]) => noPublicDatabasePortsRule.check(r, ctx());
  it("security group: passes k3s API to the world and YSQL to the VPC; fails YSQL or all traffic to 0.0.0.0/0 / ::/0", () => {
    const sg = (ingress: unknown[]) => res("aws:ec2/securityGroup:SecurityGroup", "yb", { vpcId: "vpc-1", ingress });
    expect(check(sg([{ protocol: "tcp", fromPort: 6443, toPort: 6443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 5433, toPort: 5433, cidrBlocks: ["10.0.0.0/16"] }]))).toEqual([]);
    expect(check(sg([{ protocol: "tcp", fromPort: 5433, toPort: 5433, cidrBlocks: ["0.0.0.0/0"] }]))[0]).toMatch(/port\(s\) 5433 to 0\.0\.0\.0\/0/);
    expect(check(sg([{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }]))[0]).toMatch(/2379, 5433, 7000.* to ::\/0/);
    expect(check(sg([{ protocol: "tcp", fromPort: 7000, toPort: 9100, cidrBlocks: ["0.0.0.0/0"] }]))[0]).toMatch(/7000, 7100, 9000, 9042, 9100/);
  });
  it("standalone ingress rules (vpc.SecurityGroupIngressRule, ec2.SecurityGroupRule)", () => {
    const vpcRule = (cidr: string, port: number) => res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr });
    expect(check(vpcRule("10.0.0.0/8", 2379))).toEqual([]);
    expect(check(vpcRule("0.0.0.0/0", 2379))).toHaveLength(1);
    expect(check(vpcRule("0.0.0.0/0", 443))).toEqual([]);
    const ec2Rule = (type: string) => res("aws:ec2/securityGroupRule:SecurityGroupRule", "r", { type, protocol: "tcp", fromPort: 9042, toPort: 9042, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg-1" });
    expect(check(ec2Rule("egress"))).toEqual([]);
    expect(check(ec2Rule("ingress"))).toHaveLength(1);
  });
  it("Kubernetes Services: ClusterIP is fine, LoadBalancer/NodePort on YSQL or Kine is not", () => {
    const svc = (type: string | undefined, port: number) => res("kubernetes:core/v1:Service", "s", { spec: { type, ports: [{ port, targetPort: port }] } });
    expect(check(svc(undefined, 5433))).toEqual([]);
    expect(check(svc("LoadBalancer", 6443))).toEqual([]);
    expect(check(svc("LoadBalancer", 5433))[0]).toMatch(/ClusterIP/);
    expect(check(svc("NodePort", 2379))).toHaveLength(1);
  });
  it("Docker: database ports on 127.0.0.1 only", () => {
    expect(check(ybContainer(1))).toEqual([]);
    expect(check(ybContainer(1, "zone-1", { ports: [{ internal: 5433, external: 5433 }] }))[0]).toMatch(/all interfaces/);
    expect(check(ybContainer(1, "zone-1", { ports: [{ internal: 7000, external: 7000, ip: "0.0.0.0" }] }))[0]).toMatch(/127\.0\.0\.1/);
    expect(check(ybContainer(1, "zone-1", { ports: [{ internal: 6443, external: 6443 }] }))).toEqual([]);
  });
});

describe("ebs-encrypted and imdsv2-required", () => {
  it("EBS volumes", () => {
    expect(ebsEncryptedRule.check(res("aws:ebs/volume:Volume", "d", { availabilityZone: "us-east-1a", size: 100, encrypted: true }), ctx())).toEqual([]);
    expect(ebsEncryptedRule.check(res("aws:ebs/volume:Volume", "d", { availabilityZone: "us-east-1a", size: 100 }), ctx())[0]).toMatch(/encrypted: true/);
  });
  it("instances: root and extra EBS devices", () => {
    expect(ebsEncryptedRule.check(ec2("yb-1", "#!/bin/bash"), ctx())).toEqual([]);
    expect(ebsEncryptedRule.check(ec2("yb-1", "#!/bin/bash", { rootBlockDevice: undefined }), ctx())[0]).toMatch(/rootBlockDevice/);
    expect(ebsEncryptedRule.check(ec2("yb-1", "#!/bin/bash", { ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 200 }] }), ctx())[0]).toMatch(/\/dev\/sdf/);
  });
  it("launch templates: mappings with encrypted \"true\"", () => {
    const lt = (m: unknown) => res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: m, metadataOptions: { httpTokens: "required" } });
    expect(ebsEncryptedRule.check(lt([{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 100 } }]), ctx())).toEqual([]);
    expect(ebsEncryptedRule.check(lt([{ deviceName: "/dev/xvda", ebs: { volumeSize: 100 } }]), ctx())).toHaveLength(1);
    expect(ebsEncryptedRule.check(lt(undefined), ctx())).toHaveLength(1);
  });
  it("IMDSv2", () => {
    expect(imdsv2Rule.check(ec2("yb-1", "#!/bin/bash"), ctx())).toEqual([]);
    expect(imdsv2Rule.check(ec2("yb-1", "#!/bin/bash", { metadataOptions: { httpTokens: "optional" } }), ctx())[0]).toMatch(/httpTokens: "required"/);
    expect(imdsv2Rule.check(res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {}), ctx())[0]).toMatch(/unset/);
  });
});
