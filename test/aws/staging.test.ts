/**
 * Issue 4: the `staging` stack on AWS (one region, three AZs), planned offline under the strict mock engine.
 * User data is checked with the real validators (cloud-init schema, shellcheck); both must be installed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fakePem, mockSecret } from "../../lib/mocks/registry";
import { databasePortNames, ports, sensitivePorts } from "../../planner/ports";
import type { PlanReport } from "../../lib/plan";
import { assertTools, cloudInitProblems, idOf, ofType, planShipped, sgNamed, shellcheckProblems, T, userDataOf, writtenFiles } from "./support";

const REGION = "us-east-1";
const DB_PORTS = databasePortNames.map((n) => ports[n]);
let r: PlanReport;

beforeAll(async () => {
  assertTools();
  r = await planShipped("staging");
}, 120_000);

describe("staging: shape", () => {
  it("is the aws target in one region over three AZs with RF 3 and zone fault tolerance", () => {
    expect(r.target).toBe("aws");
    expect(r.plan.replicationFactor).toBe(3);
    expect(r.plan.faultTolerance).toBe("zone");
    expect(new Set(r.nodes.map((n) => n.zone))).toEqual(new Set(["us-east-1a", "us-east-1b", "us-east-1c"]));
    expect(r.faultTolerance.survives).toMatchObject({ node: true, zone: true });
  });

  it("spreads YugabyteDB nodes, Kine replicas and k3s servers over AZs with the plan's fixed private IPs", () => {
    const instances = ofType(r, T.instance);
    const byName = new Map(instances.map((i) => [i.name, i]));
    for (const n of r.plan.nodes) {
      const i = byName.get(n.name);
      expect(i?.inputs).toMatchObject({ availabilityZone: n.zone, privateIp: n.address });
    }
    const kineZones = r.plan.kine.replicas.map((k) => byName.get(k.name)?.inputs.availabilityZone);
    const k3sZones = r.plan.k3s.servers.map((s) => byName.get(s.name)?.inputs.availabilityZone);
    expect(kineZones.length).toBeGreaterThanOrEqual(2);
    expect(new Set(kineZones).size).toBe(kineZones.length);
    expect(k3sZones.length).toBeGreaterThanOrEqual(2);
    expect(new Set(k3sZones).size).toBe(k3sZones.length);
    for (const k of r.plan.kine.replicas) expect(byName.get(k.name)?.inputs.privateIp).toBe(k.address);
    for (const s of r.plan.k3s.servers) expect(byName.get(s.name)?.inputs.privateIp).toBe(s.address);
  });

  it("uses one explicit provider for the region and the official Ubuntu AMI lookup", () => {
    const providers = ofType(r, T.provider);
    expect(providers.map((p) => p.inputs.region)).toEqual([REGION]);
    for (const i of ofType(r, T.instance)) {
      expect(i.provider).toContain(providers[0].urn);
      expect(i.inputs.ami).toMatch(/^ami-/);
    }
  });
});

describe("staging: instances", () => {
  it("require IMDSv2, have no public IP and no key pair", () => {
    for (const i of ofType(r, T.instance)) {
      expect(i.inputs.metadataOptions, i.name).toMatchObject({ httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
      expect(i.inputs.associatePublicIpAddress, i.name).toBe(false);
      expect(i.inputs.keyName, i.name).toBeUndefined();
      expect(i.inputs.iamInstanceProfile, i.name).toBeTruthy();
    }
  });

  it("encrypt every root volume and every data volume (gp3)", () => {
    for (const i of ofType(r, T.instance)) expect(i.inputs.rootBlockDevice, i.name).toMatchObject({ encrypted: true, volumeType: "gp3" });
    const volumes = ofType(r, T.volume);
    expect(volumes).toHaveLength(r.plan.nodes.length);
    for (const v of volumes) expect(v.inputs, v.name).toMatchObject({ encrypted: true, type: "gp3" });
  });

  it("protect and retain the data volumes (protectData: true)", () => {
    expect(r.plan.protectData).toBe(true);
    for (const v of ofType(r, T.volume)) {
      expect(v.protect, v.name).toBe(true);
      expect(v.retainOnDelete, v.name).toBe(true);
    }
    // Besides the volumes, only what unlocks them (passwords, the k3s token, k3s's CAs and service-account key: k3s
    // keeps them in the datastore); the rest is cattle. The admin client certificate stays renewable.
    const others = r.recorded.filter((x) => x.protect && x.type !== T.volume).map((x) => `${x.type} ${x.name}`).sort();
    expect(others).toEqual(
      [
        // The off-cluster backups are data too (test/aws/backups.test.ts).
        "aws:s3/bucket:Bucket backups-bucket",
        "random:index/randomPassword:RandomPassword control-plane-k3s-token",
        "random:index/randomPassword:RandomPassword control-plane-kine-db-password",
        "random:index/randomPassword:RandomPassword control-plane-ysql-admin-password",
        ...["client-ca", "etcd-peer-ca", "etcd-server-ca", "request-header-ca", "server-ca"].flatMap((ca) => [
          `tls:index/privateKey:PrivateKey control-plane-k3s-pki-${ca}-key`,
          `tls:index/selfSignedCert:SelfSignedCert control-plane-k3s-pki-${ca}-cert`,
        ]),
        "tls:index/privateKey:PrivateKey control-plane-k3s-pki-service-account-key",
      ].sort(),
    );
  });

  it("data volumes sit in their node's AZ", () => {
    for (const n of r.plan.nodes) expect(ofType(r, T.volume).find((v) => v.name === `${n.name}-data`)?.inputs.availabilityZone).toBe(n.zone);
  });
});

describe("staging: user data", () => {
  it("every instance's user data passes `cloud-init schema`", () => {
    const instances = ofType(r, T.instance);
    expect(instances.length).toBe(r.plan.nodes.length + r.plan.kine.replicas.length + r.plan.k3s.servers.length);
    for (const i of instances) expect(cloudInitProblems(userDataOf(i)), i.name).toBe("");
  }, 120_000);

  it("every shell script in user data passes `shellcheck -S error`", () => {
    let scripts = 0;
    for (const i of ofType(r, T.instance))
      for (const f of writtenFiles(userDataOf(i)))
        if (f.content.startsWith("#!")) {
          scripts++;
          expect(shellcheckProblems(f.content), `${i.name}:${f.path}`).toBe("");
        }
    expect(scripts).toBeGreaterThanOrEqual(ofType(r, T.instance).length * 2);
  }, 120_000);

  it("contains no generated secret: passwords, token and private keys stay in SSM", () => {
    const secrets = ofType(r, T.password).map((p) => mockSecret(p.name, Number(p.inputs.length)));
    expect(secrets.length).toBe(3);
    const keys = r.recorded.filter((x) => x.type === "tls:index/privateKey:PrivateKey").map((k) => fakePem("PRIVATE KEY", k.name).split("\n")[1]);
    for (const i of ofType(r, T.instance)) {
      const ud = userDataOf(i);
      for (const s of [...secrets, ...keys]) expect(ud.includes(s), `${i.name} carries a secret`).toBe(false);
      expect(ud).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|K3S_TOKEN=[A-Za-z0-9]|KINE_ENDPOINT=postgres/);
    }
    for (const p of ofType(r, T.param).filter((x) => x.inputs.type === "SecureString")) expect(p.inputs.value, String(p.inputs.name)).toBe("[secret]");
  });

  it("stores secrets as SecureString parameters under /yb-k3s/staging/", () => {
    const names = ofType(r, T.param).map((p) => String(p.inputs.name));
    for (const n of names) expect(n.startsWith("/yb-k3s/staging/")).toBe(true);
    const secure = new Map(ofType(r, T.param).map((p) => [String(p.inputs.name), p.inputs.type]));
    for (const n of ["yugabyte/admin-password", "yugabyte/kine-password", "kine/dsn", "k3s/token", "k3s/tls/server-ca.key", "k3s/tls/service.key"])
      expect(secure.get(`/yb-k3s/staging/${n}`), n).toBe("SecureString");
  });

  it("runs yugabyted with exactly the plan's arguments, the sequence-cache flag included", () => {
    for (const n of r.plan.nodes) {
      const i = ofType(r, T.instance).find((x) => x.name === n.name);
      const unit = writtenFiles(userDataOf(i as never)).find((f) => f.path === "/etc/systemd/system/yugabyted.service")?.content ?? "";
      const exec = unit.split("\n").find((l) => l.startsWith("ExecStart=")) ?? "";
      const args = [...exec.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/%%/g, "%").replace(/\$\$/g, "$"));
      expect(args).toEqual(n.yugabytedArgs);
      expect(exec).toContain("ysql_sequence_cache_minval=1");
      expect(unit).toContain("LimitNOFILE=1048576");
      expect(unit).toContain("LimitNPROC=12000");
    }
  });

  it("only node 0 carries the bootstrap unit; Kine waits for the schema; k3s takes its token from an env file", () => {
    for (const i of ofType(r, T.instance)) {
      const paths = writtenFiles(userDataOf(i)).map((f) => f.path);
      expect(paths.includes("/etc/systemd/system/yb-k3s-bootstrap.service"), i.name).toBe(i.name === r.plan.nodes[0].name);
    }
    const kine = writtenFiles(userDataOf(ofType(r, T.instance).find((x) => x.name === "kine-0") as never));
    expect(kine.find((f) => f.path.endsWith("kine-prepare"))?.content).toContain("kine_list_query_index");
    const kineUnit = kine.find((f) => f.path.endsWith("kine.service"))?.content ?? "";
    expect(kineUnit).toContain("EnvironmentFile=-/etc/yb-k3s/kine.env");
    expect(kineUnit).not.toContain("--endpoint");
    const k3s = writtenFiles(userDataOf(ofType(r, T.instance).find((x) => x.name === "k3s-0") as never));
    const k3sUnit = k3s.find((f) => f.path.endsWith("k3s.service"))?.content ?? "";
    expect(k3sUnit).toContain("EnvironmentFile=-/etc/yb-k3s/k3s.env");
    expect(k3sUnit).toContain(`"--datastore-endpoint=${r.plan.kine.endpoints[0]}"`);
    expect(k3sUnit).toContain(`"--tls-san=${r.plan.k3s.apiAddress}"`);
    expect(k3sUnit).not.toMatch(/--token/);
    expect(k3s.find((f) => f.path.endsWith("k3s-prepare"))?.content).toContain("/var/lib/rancher/k3s/server/tls/server-ca.key");
  });
});

describe("staging: security groups", () => {
  const ingress = () => ofType(r, T.ingress);

  it("never opens a SQL, RPC or etcd port to 0.0.0.0/0 or ::/0", () => {
    for (const rule of ingress()) {
      const open = rule.inputs.cidrIpv4 === "0.0.0.0/0" || rule.inputs.cidrIpv6 === "::/0";
      if (open) expect(sensitivePorts, rule.name).not.toContain(rule.inputs.fromPort);
      expect(rule.inputs.fromPort, rule.name).toBe(rule.inputs.toPort);
      expect(rule.inputs.ipProtocol, rule.name).not.toBe("-1");
    }
    expect(ingress().filter((x) => x.inputs.cidrIpv4 === "0.0.0.0/0" || x.inputs.cidrIpv6 === "::/0")).toEqual([]);
  });

  it("admits database ports on the database group only from the database group (and 5433 from the YSQL NLB)", () => {
    const db = sgNamed(r, REGION, "database");
    const ysqlLb = sgNamed(r, REGION, "ysql-lb");
    expect(db && ysqlLb).toBeTruthy();
    const dbRules = ingress().filter((x) => x.inputs.securityGroupId === idOf(db as never));
    expect(new Set(dbRules.map((x) => x.inputs.fromPort))).toEqual(new Set(DB_PORTS));
    for (const rule of dbRules) {
      const src = rule.inputs.referencedSecurityGroupId;
      if (rule.inputs.fromPort === ports.ysql) expect([idOf(db as never), idOf(ysqlLb as never)], rule.name).toContain(src);
      else expect(src, rule.name).toBe(idOf(db as never));
      expect(rule.inputs.cidrIpv4, rule.name).toBeUndefined();
    }
    // No other group admits a database port.
    for (const rule of ingress().filter((x) => x.inputs.securityGroupId !== idOf(db as never) && x.inputs.securityGroupId !== idOf(ysqlLb as never)))
      expect(DB_PORTS, rule.name).not.toContain(rule.inputs.fromPort);
  });

  it("lets only Kine reach the YSQL NLB, only k3s reach the Kine NLB, and the Kine NLB reach Kine", () => {
    const g = (k: string) => idOf(sgNamed(r, REGION, k) as never);
    const rulesOf = (k: string) => ingress().filter((x) => x.inputs.securityGroupId === g(k));
    expect(rulesOf("ysql-lb").map((x) => [x.inputs.fromPort, x.inputs.referencedSecurityGroupId])).toEqual([[ports.ysql, g("kine")]]);
    expect(rulesOf("kine-lb").map((x) => [x.inputs.fromPort, x.inputs.referencedSecurityGroupId])).toEqual([[ports.kine, g("k3s")]]);
    expect(rulesOf("kine").map((x) => [x.inputs.fromPort, x.inputs.referencedSecurityGroupId])).toEqual([[ports.kine, g("kine-lb")]]);
    // 2379 anywhere else: never.
    for (const rule of ingress().filter((x) => x.inputs.fromPort === ports.kine))
      expect([g("kine"), g("kine-lb")], rule.name).toContain(rule.inputs.securityGroupId);
  });

  it("admits 6443 on k3s servers only from the API load balancer(s) and other servers; the internal NLB only from the VPC", () => {
    const g = (k: string) => idOf(sgNamed(r, REGION, k) as never);
    const api = ingress().filter((x) => x.inputs.fromPort === ports.k3sApi);
    for (const rule of api.filter((x) => x.inputs.securityGroupId === g("k3s"))) expect([g("k3s-lb"), g("k3s")], rule.name).toContain(rule.inputs.referencedSecurityGroupId);
    expect(api.filter((x) => x.inputs.securityGroupId === g("k3s-lb")).map((x) => x.inputs.cidrIpv4)).toEqual(["10.40.0.0/16"]);
  });

  it("puts every load balancer in private subnets with a security group (no public NLB by default)", () => {
    const lbs = ofType(r, T.lb);
    expect(lbs.map((l) => l.name).sort()).toEqual(["k3s-api-nlb", "kine-etcd-nlb", "yugabyte-ysql-nlb"]);
    for (const lb of lbs) {
      expect(lb.inputs, lb.name).toMatchObject({ internal: true, loadBalancerType: "network", enableCrossZoneLoadBalancing: true });
      expect((lb.inputs.securityGroups as string[]).length, lb.name).toBe(1);
      expect((lb.inputs.subnets as string[]).length, lb.name).toBe(3);
    }
  });
});

describe("staging: IAM", () => {
  it("grants each role SSM Session Manager and read access to its own parameter subtree only", () => {
    // The fourth role policy is the backup writer's (test/aws/backups.test.ts).
    const policies = ofType(r, T.rolePolicy).filter((p) => p.name.endsWith("-parameters"));
    expect(policies).toHaveLength(3);
    for (const p of policies) {
      const doc = JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string | string[]; Resource: string[] }[] };
      const role = p.name.replace(/^control-plane-platform-/, "").replace(/-parameters$/, "");
      const read = doc.Statement.find((s) => [s.Action].flat().includes("ssm:GetParameter"));
      expect(read?.Resource).toEqual([`arn:aws:ssm:us-east-1:123456789012:parameter/yb-k3s/staging/${role}/*`]);
      for (const s of doc.Statement) expect([s.Action].flat().some((a) => a.endsWith("*") || a === "ssm:PutParameter"), p.name).toBe(false);
    }
    const attachments = r.recorded.filter((x) => x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachments.map((a) => a.inputs.policyArn)).toEqual(Array(3).fill("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"));
  });
});

describe("staging: outputs", () => {
  it("lists instance ids per role and SSM access hints", () => {
    const ids = r.outputs.instanceIds as Record<string, string[]>;
    expect(ids.yugabyte).toHaveLength(3);
    expect(ids.kine).toHaveLength(2);
    expect(ids.k3s).toHaveLength(2);
    expect((r.outputs.accessHints as string[]).join("\n")).toContain("aws ssm start-session --region us-east-1");
    expect(r.outputs.kubeconfig).toBe("[secret]");
    expect(r.outputs.k3sApiUrl).toBe("https://k3s.yb-k3s-staging.internal:6443");
  });
});
