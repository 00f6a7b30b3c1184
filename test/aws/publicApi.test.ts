/**
 * Variants of the staging stack: an internet-facing k3s API (allow-list only) and a single NAT gateway. Planned offline
 * from the shipped staging file with a few keys changed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { renderBootstrapScript } from "../../planner/bootstrap";
import { ports } from "../../planner/ports";
import { idOf, ofType, sgNamed, T, userDataOf, writtenFiles } from "./support";

const ALLOWED = "203.0.113.0/24";
let r: PlanReport;

beforeAll(async () => {
  const base = readStackFile(stackFilePath("staging"), "staging");
  const aws = { ...(base.config["yb-k3s:aws"] as Record<string, unknown>), publicK3sApi: true, k3sApiAllowedCidrs: [ALLOWED], natGatewayPerZone: false };
  r = await planStack({ ...base, stack: "staging-public", config: { ...base.config, "yb-k3s:aws": aws } });
}, 120_000);

describe("public k3s API", () => {
  it("adds an internet-facing NLB in the public subnets, admitting only the allow-list on 6443", () => {
    const pub = ofType(r, T.lb).find((l) => l.inputs.internal === false);
    expect(pub?.name).toBe("k3s-api-public-nlb");
    const publicSubnets = r.recorded.filter((x) => x.type === "aws:ec2/subnet:Subnet" && x.name.includes("-public-")).map(idOf);
    expect([...(pub?.inputs.subnets as string[])].sort()).toEqual(publicSubnets.sort());
    const group = idOf(sgNamed(r, "us-east-1", "k3s-public-lb") as never);
    const rules = ofType(r, T.ingress).filter((x) => x.inputs.securityGroupId === group);
    expect(rules.map((x) => [x.inputs.fromPort, x.inputs.cidrIpv4])).toEqual([[ports.k3sApi, ALLOWED]]);
    // The internal NLB keeps admitting the VPC, plus the allow-list.
    const internal = ofType(r, T.ingress).filter((x) => x.inputs.securityGroupId === idOf(sgNamed(r, "us-east-1", "k3s-lb") as never));
    expect(internal.map((x) => x.inputs.cidrIpv4).sort()).toEqual(["10.40.0.0/16", ALLOWED].sort());
    expect(ofType(r, T.ingress).filter((x) => x.inputs.cidrIpv4 === "0.0.0.0/0")).toEqual([]);
  });

  it("puts the public NLB's DNS name into every server's --tls-san and the kubeconfig URL", () => {
    const dns = "yb-k3s-staging-public-k3s-public";
    for (const s of ofType(r, T.instance).filter((i) => i.name.startsWith("k3s-"))) {
      const unit = writtenFiles(userDataOf(s)).find((f) => f.path.endsWith("k3s.service"))?.content ?? "";
      expect(unit, s.name).toMatch(new RegExp(`"--tls-san=${dns}[^"]*\\.elb\\.us-east-1\\.amazonaws\\.com"`));
    }
    expect(String(r.outputs.k3sApiUrl)).toMatch(/^https:\/\/.*\.elb\.us-east-1\.amazonaws\.com:6443$/);
  });

  it("uses a single NAT gateway when natGatewayPerZone is false, routed from every private table", () => {
    const nats = r.recorded.filter((x) => x.type === "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(1);
    const defaults = ofType(r, T.route).filter((x) => x.inputs.natGatewayId !== undefined);
    expect(defaults).toHaveLength(3);
    for (const d of defaults) expect(d.inputs.natGatewayId).toBe(idOf(nats[0]));
  });
});

describe("bootstrap on node 0", () => {
  it("is exactly the shared bootstrap script, fed by a wrapper that reads the passwords from SSM", () => {
    const node0 = ofType(r, T.instance).find((i) => i.name === r.plan.nodes[0].name);
    const files = writtenFiles(userDataOf(node0 as never));
    expect(files.find((f) => f.path === "/usr/local/lib/yb-k3s/bootstrap.sh")?.content).toBe(renderBootstrapScript(r.plan));
    const wrapper = files.find((f) => f.path === "/usr/local/sbin/yb-k3s-bootstrap")?.content ?? "";
    expect(wrapper).toContain("YSQL_ADMIN_PASSWORD=$(ssm_get '/yb-k3s/staging-public/yugabyte/admin-password')");
    expect(wrapper).toContain("KINE_DB_PASSWORD=$(ssm_get '/yb-k3s/staging-public/yugabyte/kine-password')");
  });
});
