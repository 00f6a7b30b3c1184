/**
 * The kubernetes target beyond the shipped dev stack: a LoadBalancer k3s API, unprotected data, two nodes per zone,
 * the cluster's default StorageClass. Each variant is the dev stack file with a few keys changed, run the same way.
 */
import { describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath, type StackFile } from "../../lib/stackFile";
import { KUBERNETES_NAMES } from "../../planner/plan";
import { ports, sensitivePorts } from "../../planner/ports";
import { launcherArms, named, ofKind, podTemplate, selectorMatches, spec, validateAgainstSchema, type Obj } from "./support";

const dev = readStackFile(stackFilePath("dev"), "dev");
const k8sConfig = dev.config["yb-k3s:kubernetes"] as Obj;

function variant(stack: string, overrides: Record<string, unknown>): StackFile {
  return { stack, path: `${dev.path} (${stack})`, config: { ...dev.config, ...overrides } };
}

const ybStatefulSets = (r: PlanReport) => ofKind(r, "StatefulSet").filter((s) => (s.inputs as Obj).metadata.name.startsWith("yb-"));

describe("k3s API as a LoadBalancer (on request only)", () => {
  it("exposes only 6443, limited to the configured source ranges; everything else stays ClusterIP", async () => {
    const cidrs = ["203.0.113.0/24"];
    const r = await planStack(variant("dev-lb", { "yb-k3s:kubernetes": { ...k8sConfig, k3sServiceType: "LoadBalancer", k3sAllowedCidrs: cidrs } }));
    const svc = named(r, "Service", KUBERNETES_NAMES.k3sService);
    expect(spec(svc).type).toBe("LoadBalancer");
    expect(spec(svc).ports.map((p: Obj) => p.port)).toEqual([ports.k3sApi]);
    expect(spec(svc).loadBalancerSourceRanges).toEqual(cidrs);
    await validateAgainstSchema(svc);
    for (const other of ofKind(r, "Service").filter((s) => s !== svc)) {
      expect(spec(other).type ?? "ClusterIP", other.name).toBe("ClusterIP");
      for (const p of spec(other).ports as Obj[]) expect(sensitivePorts).toContain(p.port);
    }
    // No load balancer address under mocks: the kubeconfig falls back to the in-cluster name.
    expect(r.outputs.k3sApiUrl).toBe(r.plan.k3s.apiUrl);
  }, 120_000);

  it("is rejected without source ranges (config validation, before any resource)", async () => {
    await expect(planStack(variant("dev-lb-open", { "yb-k3s:kubernetes": { ...k8sConfig, k3sServiceType: "LoadBalancer" } }))).rejects.toThrow(/k3sAllowedCidrs/);
  });
});

describe("protectData false", () => {
  it("leaves the namespace and StatefulSets unprotected, but still retains PVCs when a StatefulSet is deleted or scaled", async () => {
    const r = await planStack(variant("dev-unprotected", { "yb-k3s:protectData": false }));
    const ns = named(r, "Namespace", k8sConfig.namespace);
    expect(ns.protect).toBe(false);
    expect(ns.retainOnDelete).toBe(false);
    for (const s of ybStatefulSets(r)) {
      expect(s.protect).toBe(false);
      expect(spec(s).persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    }
  }, 120_000);
});

describe("two nodes per zone, default StorageClass", () => {
  it("renders one case arm per ordinal with that ordinal's own arguments, and one PDB over all six pods", async () => {
    const regions = (dev.config["yb-k3s:regions"] as Obj[]).map((reg) => ({ ...reg, nodesPerZone: 2 }));
    const { storageClass: _omit, ...noClass } = k8sConfig;
    const r = await planStack(variant("dev-six", { "yb-k3s:regions": regions, "yb-k3s:kubernetes": noClass }));
    expect(r.plan.nodes).toHaveLength(6);
    const sts = ybStatefulSets(r);
    expect(sts).toHaveLength(3);
    for (const s of sts) {
      await validateAgainstSchema(s);
      expect(spec(s).replicas).toBe(2);
      expect(spec(s).volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
      const arms = launcherArms(podTemplate(s).spec.containers[0].command[2]);
      const name = (s.inputs as Obj).metadata.name as string;
      expect([...arms.keys()]).toEqual([`${name}-0`, `${name}-1`]);
      for (const [pod, argv] of arms) {
        const node = r.plan.nodes.find((n) => n.name === pod);
        expect(argv.slice(1)).toEqual(node?.yugabytedArgs);
        expect(argv).toContain(`--advertise_address=${pod}.${KUBERNETES_NAMES.headlessService}.${k8sConfig.namespace}.svc.cluster.local`);
      }
      // Ordinals of one StatefulSet really differ (node 0 has no --join; the others join it).
      const [a0, a1] = [...arms.values()];
      expect(a0).not.toEqual(a1);
    }
    const ybPdbs = ofKind(r, "PodDisruptionBudget").filter((p) => sts.every((s) => selectorMatches(spec(p).selector, podTemplate(s).metadata.labels)));
    expect(ybPdbs).toHaveLength(1);
    expect(spec(ybPdbs[0]).maxUnavailable).toBe(1);
  }, 120_000);
});
