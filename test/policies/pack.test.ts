// Drives the CrossGuard adapters with the argument shapes @pulumi/policy passes (without constructing a PolicyPack,
// which would start the analyzer's gRPC server).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../policies/extract";
import { crossGuardPolicies, inferTarget, PACK_NAME, toCrossGuardPolicy, toPlain } from "../../policies/pack";
import { controlPlaneHaRule, placementRule } from "../../policies/rules/placement";
import { sequenceCacheRule } from "../../policies/rules/yugabyte";
import { tlsRequiredRule } from "../../policies/rules/tls";
import { rules } from "../../policies/evaluate";
import { ec2, k3sContainer, kineContainer, localStack, ybArgs, ybContainer, ybUserData } from "./fixtures";

// The analyzer's own proxy: reading an unknown (preview) value throws UnknownValueError.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(v: T): T; unknownStringValue: string };

function resourceArgs(r: ReturnType<typeof ybContainer>, config: object = {}) {
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: proxy.unknownCheckingProxy(r.inputs),
    opts: { protect: r.protect === true, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map<string, string>(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T>() => config as T,
    notApplicable: (): never => {
      throw new Error("n/a");
    },
  };
}

const run = async (policy: ResourceValidationPolicy, args: ReturnType<typeof resourceArgs>) => {
  const reported: string[] = [];
  const v = policy.validateResource;
  for (const f of Array.isArray(v) ? v : [v]) await f?.(args, (m) => reported.push(m));
  return reported;
};

describe("CrossGuard adapter", () => {
  it("exposes every rule under its name, with config schemas for the configurable ones", () => {
    const policies = crossGuardPolicies(rules, () => "dev");
    expect(policies.map((p) => p.name)).toEqual(rules.map((r) => r.name));
    const tls = policies.find((p) => p.name === "tls-required");
    expect(tls?.configSchema).toEqual({ properties: { tlsRequired: { type: "boolean", default: false, description: expect.any(String) } } });
    expect(policies.find((p) => p.name === "control-plane-ha")).toHaveProperty("validateStack");
    expect(PACK_NAME).toBe(JSON.parse(readFileSync(join(__dirname, "../../policies/package.json"), "utf8")).name);
  });
  it("resource policy: reports what the rule finds", async () => {
    const policy = toCrossGuardPolicy(sequenceCacheRule, () => "dev") as ResourceValidationPolicy;
    expect(await run(policy, resourceArgs(ybContainer(1)))).toEqual([]);
    const bad = ybContainer(1, "zone-1", { command: ybArgs(1, "docker.local.zone-1", "--tserver_flags=ysql_enable_auth=true") });
    expect(await run(policy, resourceArgs(bad))).toEqual([expect.stringMatching(/ysql_sequence_cache_minval=1/)]);
  });
  it("resource policy: reads its switches from policy config", async () => {
    const policy = toCrossGuardPolicy(tlsRequiredRule, () => "prod") as ResourceValidationPolicy;
    expect(await run(policy, resourceArgs(kineContainer(1), {}))).toEqual([]);
    expect(await run(policy, resourceArgs(kineContainer(1), { tlsRequired: true }))).toHaveLength(1);
  });
  it("unknown preview values become UNKNOWN instead of aborting the rule", async () => {
    const r = ec2("yb-1", proxy.unknownStringValue);
    expect(toPlain(proxy.unknownCheckingProxy(r.inputs))).toEqual({ ...r.inputs, userData: UNKNOWN });
    const policy = toCrossGuardPolicy(sequenceCacheRule) as ResourceValidationPolicy;
    expect(await run(policy, resourceArgs(r))).toEqual([]);
  });
  it("stack policy: sees all resources, the stack name and per-policy config", async () => {
    const stackArgs = (resources: ReturnType<typeof ybContainer>[], config: object = {}) => ({
      resources: resources.map((r) => ({ ...resourceArgs(r), dependencies: [], propertyDependencies: {}, parent: undefined })),
      stackTags: new Map<string, string>(),
      getConfig: <T>() => config as T,
      notApplicable: (): never => {
        throw new Error("n/a");
      },
    });
    const report = async (p: StackValidationPolicy, args: ReturnType<typeof stackArgs>) => {
      const out: { message: string; urn?: string }[] = [];
      await p.validateStack(args, (message, urn) => out.push({ message, urn }));
      return out;
    };
    const ha = (stack: string) => toCrossGuardPolicy(controlPlaneHaRule, () => stack) as StackValidationPolicy;
    const small = [kineContainer(1), k3sContainer(1)];
    expect(await report(ha("local"), stackArgs(small))).toEqual([]);
    expect(await report(ha("staging"), stackArgs(small))).toHaveLength(2);
    expect(await report(ha("staging"), stackArgs(localStack()))).toEqual([]);

    const placement = toCrossGuardPolicy(placementRule, () => "prod") as StackValidationPolicy;
    const oneRegion = ["a", "b", "c"].map((z, i) => ec2(`yb-${i}`, ybUserData(`aws.us-east-1.us-east-1${z}`, undefined, "/opt/yb/bin/yugabyted configure data_placement --fault_tolerance=zone --rf=3")));
    expect(await report(placement, stackArgs(oneRegion, { faultTolerance: "zone" }))).toEqual([]);
    expect((await report(placement, stackArgs(oneRegion))).map((f) => f.message)).toEqual([expect.stringMatching(/region fault tolerance needs nodes in >= 3 regions/)]);
  });
  it("infers the target from resource types, else from the stack name", () => {
    expect(inferTarget(["pulumi:pulumi:Stack", "aws:ec2/instance:Instance"], "x")).toBe("aws");
    expect(inferTarget([], "dev")).toBe("kubernetes");
    expect(inferTarget([], "local")).toBe("docker");
  });
});
