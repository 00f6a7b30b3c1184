/** Shared helpers for the aws target tests: plan a shipped stack once, look resources up, validate user data. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { planStack, type PlanReport } from "../../lib/plan";
import { mockId } from "../../lib/mocks/common";
import { readStackFile, stackFilePath } from "../../lib/stackFile";

const reports = new Map<string, Promise<PlanReport>>();
export const planShipped = (stack: string): Promise<PlanReport> => {
  if (!reports.has(stack)) reports.set(stack, planStack(readStackFile(stackFilePath(stack), stack)));
  return reports.get(stack) as Promise<PlanReport>;
};

export type Res = PlanReport["recorded"][number];
export const ofType = (r: PlanReport, type: string): Res[] => r.recorded.filter((x) => x.type === type);
export const T = {
  instance: "aws:ec2/instance:Instance",
  volume: "aws:ebs/volume:Volume",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  param: "aws:ssm/parameter:Parameter",
  password: "random:index/randomPassword:RandomPassword",
  provider: "pulumi:providers:aws",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  route: "aws:ec2/route:Route",
  routeTable: "aws:ec2/routeTable:RouteTable",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

/** The mock id the engine gave a resource (what other resources' inputs carry). */
export const idOf = (r: Res): string => mockId(r.type, r.name);
/** Security group resource by its logical-name suffix (`database-sg`, `kine-lb-sg`) in a region. */
export const sgNamed = (r: PlanReport, region: string, key: string): Res | undefined =>
  ofType(r, T.sg).find((s) => s.name === `control-plane-platform-${region}-${key}-sg`);

export const userDataOf = (i: Res): string => {
  const ud = i.inputs.userData;
  if (typeof ud !== "string" || !ud.startsWith("#cloud-config\n")) throw new Error(`${i.name}: user data is not a plain #cloud-config document (${String(ud).slice(0, 40)})`);
  return ud;
};

/** The tools are part of the test environment: missing tools fail the suite, they never skip it. */
export function assertTools(): void {
  for (const [tool, arg] of [["cloud-init", "--version"], ["shellcheck", "--version"]] as const) {
    try {
      execFileSync(tool, [arg], { stdio: "pipe" });
    } catch (e) {
      throw new Error(`${tool} is required (apt-get install -y --no-install-recommends cloud-init shellcheck): ${(e as Error).message}`);
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), "yb-k3s-userdata-"));
let n = 0;

/** `cloud-init schema` on the document; returns the problems (empty when valid). */
export function cloudInitProblems(doc: string): string {
  const file = join(dir, `ud-${n++}.yaml`);
  writeFileSync(file, doc);
  try {
    execFileSync("cloud-init", ["schema", "--config-file", file], { stdio: "pipe" });
    return "";
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    return `${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}` || err.message;
  }
}

export interface WrittenFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: string;
}
export const writtenFiles = (doc: string): WrittenFile[] => (parse(doc) as { write_files: WrittenFile[] }).write_files;

/** `shellcheck -S error` on a script; returns its findings (empty when clean). */
export function shellcheckProblems(script: string): string {
  const file = join(dir, `script-${n++}.sh`);
  writeFileSync(file, script);
  try {
    execFileSync("shellcheck", ["-S", "error", file], { stdio: "pipe" });
    return "";
  } catch (e) {
    const err = e as { stdout?: Buffer; message: string };
    return err.stdout?.toString() || err.message;
  }
}
