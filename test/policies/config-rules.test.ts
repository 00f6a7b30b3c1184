import { describe, expect, it } from "vitest";
import { dataVolumesRetainedRule } from "../../policies/rules/data";
import { noPlaintextSecretsRule } from "../../policies/rules/secrets";
import { tlsRequiredRule } from "../../policies/rules/tls";
import { ysqlAuthRule } from "../../policies/rules/yugabyte";
import { ctx, ec2, k3sContainer, ybArgs, k3sUserData, k8sDeployment, kineContainer, kineUserData, res, ybContainer, ybStatefulSet, ybUserData } from "./fixtures";

describe("data-volumes-retained", () => {
  const real = ctx({ holdsRealData: true });
  const vol = (type: string, extra = {}) => res(type, "data", { size: 100, availabilityZone: "us-east-1a", encrypted: true }, extra);
  it("does nothing when the stack holds no real data", () => {
    expect(dataVolumesRetainedRule.check(vol("docker:index/volume:Volume"), ctx())).toEqual([]);
  });
  it("passes protected or retained volumes", () => {
    expect(dataVolumesRetainedRule.check(vol("aws:ebs/volume:Volume", { protect: true }), real)).toEqual([]);
    expect(dataVolumesRetainedRule.check(vol("docker:index/volume:Volume", { retainOnDelete: true }), real)).toEqual([]);
  });
  it("fails unprotected Docker volumes, EBS volumes and PVCs, pointing at protect", () => {
    for (const t of ["docker:index/volume:Volume", "aws:ebs/volume:Volume", "kubernetes:core/v1:PersistentVolumeClaim"])
      expect(dataVolumesRetainedRule.check(vol(t), real)[0]).toMatch(/protect: true/);
  });
  it("StatefulSets: Retain (or the default) passes, Delete fails", () => {
    expect(dataVolumesRetainedRule.check(ybStatefulSet("zone-a"), real)).toEqual([]);
    const retain = ybStatefulSet("zone-a", { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" } } });
    expect(dataVolumesRetainedRule.check(retain, real)).toEqual([]);
    const del = ybStatefulSet("zone-a", { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } } });
    expect(dataVolumesRetainedRule.check(del, real)).toEqual([expect.stringMatching(/whenDeleted is Delete.*whenDeleted: "Retain"/)]);
    expect(dataVolumesRetainedRule.check({ ...del, protect: true }, real)).toEqual([]);
  });
});

describe("no-plaintext-secrets", () => {
  const check = (r: Parameters<typeof noPlaintextSecretsRule.check>[0]) => noPlaintextSecretsRule.check(r, ctx());
  it("passes secretKeyRef env and user data that fetches secrets at boot", () => {
    expect(check(ybStatefulSet("zone-a"))).toEqual([]);
    expect(check(ec2("kine-a", kineUserData))).toEqual([]);
    expect(check(ec2("k3s-a", k3sUserData))).toEqual([]);
    expect(check(ybContainer(1))).toEqual([]);
  });
  it("fails literal env values in pods and containers", () => {
    const dep = k8sDeployment("kine", { name: "kine", image: "rancher/kine:v0.16.4", env: [{ name: "DB_PASSWORD", value: "hunter2" }] });
    expect(check(dep)).toEqual([expect.stringMatching(/container kine: env DB_PASSWORD has a literal value; use valueFrom\.secretKeyRef/)]);
    expect(check(kineContainer(1))).toEqual([expect.stringMatching(/env KINE_ENDPOINT contains a postgres:\/\/ URL with a literal password for user "kine"/)]);
    expect(check(ybContainer(1, "zone-1", { envs: ["POSTGRES_PASSWORD_FILE=/run/secrets/pw", "YSQL_PASSWORD=abc"] }))).toEqual([expect.stringMatching(/env YSQL_PASSWORD/)]);
  });
  it("fails DSNs and tokens in launch arguments", () => {
    const k3s = k3sContainer(1, { command: ["server", "--token=K10abcdef", "--datastore-endpoint=postgres://k3s:pw@yb-node-1:5433/k3s"] });
    const out = check(k3s);
    expect(out).toHaveLength(2);
    expect(out.join("\n")).toMatch(/--token with a literal value; use --token-file/);
    expect(out.join("\n")).toMatch(/postgres:\/\/ URL with a literal password/);
  });
  it("fails literal tokens and DSNs in user data", () => {
    expect(check(ec2("k3s-a", "#!/bin/bash\ncurl -sfL https://get.k3s.io | K3S_TOKEN=K10secret sh -s - server\n"))).toEqual([
      expect.stringMatching(/user data sets K3S_TOKEN to a literal value/),
    ]);
    expect(check(ec2("k3s-a", "#!/bin/bash\nk3s server --token K10secret --datastore-endpoint=http://kine:2379\n"))).toEqual([
      expect.stringMatching(/--token with a literal value/),
    ]);
    expect(check(ec2("kine-a", "#!/bin/bash\n/usr/local/bin/kine --endpoint 'postgres://kine:pw123@yb-1:5433/kine'\n"))).toHaveLength(1);
    const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { userData: Buffer.from("#!/bin/bash\nexport PGPASSWORD=yugabyte\n").toString("base64") });
    expect(check(lt)).toEqual([expect.stringMatching(/PGPASSWORD/)]);
  });
});

describe("tls-required", () => {
  const tls = ctx({ tlsRequired: true });
  it("does nothing unless the stack requires TLS", () => {
    expect(tlsRequiredRule.check(kineContainer(1), ctx())).toEqual([]);
    expect(tlsRequiredRule.check(ybContainer(1), ctx())).toEqual([]);
  });
  it("Kine: needs server cert, key and trusted CA", () => {
    expect(tlsRequiredRule.check(kineContainer(1), tls)).toEqual([expect.stringMatching(/missing --server-cert-file, --server-key-file, --trusted-ca-file/)]);
    const secure = kineContainer(1, {
      command: ["--listen-address=0.0.0.0:2379", "--server-cert-file=/tls/kine.crt", "--server-key-file=/tls/kine.key", "--trusted-ca-file=/tls/ca.crt"],
    });
    expect(tlsRequiredRule.check(secure, tls)).toEqual([]);
  });
  it("k3s: https datastore endpoint", () => {
    expect(tlsRequiredRule.check(k3sContainer(1), tls)).toEqual([expect.stringMatching(/http:\/\/kine-1:2379 is not https/)]);
    expect(tlsRequiredRule.check(ec2("k3s-a", k3sUserData), tls)).toHaveLength(1);
    const secure = k3sContainer(1, { command: ["server", "--datastore-endpoint=https://kine-1:2379,https://kine-2:2379", "--datastore-cafile=/tls/ca.crt"] });
    expect(tlsRequiredRule.check(secure, tls)).toEqual([]);
  });
  it("yugabyted: --secure or node-to-node encryption", () => {
    expect(tlsRequiredRule.check(ybContainer(1), tls)).toEqual([expect.stringMatching(/--secure/)]);
    expect(tlsRequiredRule.check(ec2("yb-1", ybUserData("aws.us-east-1.us-east-1a", "--secure --certs_dir=/data/certs --tserver_flags=ysql_sequence_cache_minval=1")), tls)).toEqual([]);
    const n2n = ybContainer(1, "zone-1", {
      command: ["bin/yugabyted", "start", "--cloud_location=docker.local.zone-1", "--tserver_flags=ysql_sequence_cache_minval=1,use_node_to_node_encryption=true"],
    });
    expect(tlsRequiredRule.check(n2n, tls)).toEqual([]);
  });
});

describe("yb-ysql-auth", () => {
  const real = ctx({ holdsRealData: true });
  const withFlags = (flags: string) => ybContainer(1, "zone-1", { command: ybArgs(1, "docker.local.zone-1", flags) });
  const noAuth = withFlags("--tserver_flags=ysql_enable_auth=false,ysql_sequence_cache_minval=1");
  it("does nothing when the stack holds no real data (a local quick start may switch authentication off)", () => {
    expect(ysqlAuthRule.check(noAuth, ctx())).toEqual([]);
  });
  it("passes launches that keep password authentication", () => {
    expect(ysqlAuthRule.check(ybContainer(1), real)).toEqual([]);
    expect(ysqlAuthRule.check(ec2("yb-a", ybUserData("aws.us-east-1.us-east-1a")), real)).toEqual([]);
    expect(ysqlAuthRule.check(withFlags("--tserver_flags=ysql_sequence_cache_minval=1,ysql_hba_conf_csv={host all all 0.0.0.0/0 scram-sha-256}"), real)).toEqual([]);
  });
  it("fails ysql_enable_auth=false and trust entries where the stack holds real data", () => {
    expect(ysqlAuthRule.check(noAuth, real)).toEqual([expect.stringMatching(/^command: yugabyted start sets ysql_enable_auth=false.*holds real data/)]);
    expect(ysqlAuthRule.check(ec2("yb-a", ybUserData("aws.us-east-1.us-east-1a", `--tserver_flags "ysql_enable_auth=false,ysql_sequence_cache_minval=1"`)), real)).toHaveLength(1);
    const trust = withFlags("--tserver_flags=ysql_sequence_cache_minval=1,ysql_hba_conf_csv={local all all trust,host all all 0.0.0.0/0 md5}");
    expect(ysqlAuthRule.check(trust, real)).toEqual([expect.stringMatching(/ysql_hba_conf_csv has a trust entry/)]);
  });
});
