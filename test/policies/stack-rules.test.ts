import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../policies/extract";
import { antiAffinityRule, podDisruptionBudgetRule, selectorMatches } from "../../policies/rules/kubernetes";
import { controlPlaneHaRule, placementRule, summarizeNodes } from "../../policies/rules/placement";
import {
  ctx,
  ec2,
  k3sContainer,
  k3sUserData,
  k8sDeployment,
  kineContainer,
  kineUserData,
  localStack,
  res,
  YB_LABELS,
  ybContainer,
  ybInitContainer,
  ybPdb,
  ybStatefulSet,
  ybUserData,
} from "./fixtures";

const messages = (fs: { message: string }[]) => fs.map((f) => f.message);

describe("yb-placement", () => {
  it("passes 3 Docker nodes in 3 logical zones with RF 3", () => {
    expect(placementRule.check(localStack(), ctx({ stack: "local", target: "docker" }))).toEqual([]);
  });
  it("fails 3 nodes in 2 zones, naming the zones", () => {
    const rs = [ybContainer(1, "zone-1"), ybContainer(2, "zone-1"), ybContainer(3, "zone-2"), ybInitContainer()];
    const [m] = messages(placementRule.check(rs, ctx({ stack: "local" })));
    expect(m).toMatch(/span 2 zone\(s\) \[docker\.local\.zone-1 \(2\), docker\.local\.zone-2 \(1\)\]; zone fault tolerance needs nodes in >= 3 zones/);
  });
  it("prod needs 3 regions; 3 AZs in one region are not enough", () => {
    const oneRegion = ["a", "b", "c"].map((z, i) => ec2(`yb-${i}`, ybUserData(`aws.us-east-1.us-east-1${z}`, undefined, "", "region")));
    const init = ec2("yb-init", "#!/bin/bash\n/opt/yb/bin/yugabyted configure data_placement --base_dir=/data/yb --fault_tolerance=region --rf=3\n");
    expect(messages(placementRule.check([...oneRegion, init], ctx({ stack: "prod" })))).toEqual([
      expect.stringMatching(/region\(s\) \[aws\.us-east-1 \(3\)\]; region fault tolerance needs nodes in >= 3 regions/),
    ]);
    const threeRegions = ["us-east-1", "us-west-2", "eu-west-1"].map((r, i) => ec2(`yb-${i}`, ybUserData(`aws.${r}.${r}a`, undefined, "", "region")));
    expect(placementRule.check([...threeRegions, init], ctx({ stack: "prod" }))).toEqual([]);
  });
  it("a launch asking for region fault tolerance raises the bar above the stack's zone", () => {
    const rs = [1, 2, 3].map((n) => ybContainer(n, `zone-${n}`, { command: ["bin/yugabyted", "start", `--cloud_location=docker.local.zone-${n}`, "--fault_tolerance=region", "--tserver_flags=ysql_sequence_cache_minval=1"] }));
    const out = messages(placementRule.check([...rs, ybInitContainer(3, "region")], ctx({ stack: "local", faultTolerance: "zone" })));
    expect(out).toEqual([expect.stringMatching(/span 1 region/)]);
  });
  it("RF must be set, odd, and fit the nodes", () => {
    const nodes = [1, 2, 3].map((n) => ybContainer(n));
    expect(messages(placementRule.check(nodes, ctx({ stack: "local" })))).toEqual([expect.stringMatching(/configure data_placement --fault_tolerance=zone --rf=3/)]);
    expect(messages(placementRule.check([...nodes, ybInitContainer(2)], ctx({ stack: "local" })))).toEqual([expect.stringMatching(/--rf=2 is not an odd number/)]);
    expect(messages(placementRule.check([...nodes, ybInitContainer(5)], ctx({ stack: "local" })))).toEqual([
      expect.stringMatching(/--rf=5 needs at least 5 nodes but the stack runs 3/),
    ]);
    expect(messages(placementRule.check([...nodes, ybInitContainer(1)], ctx({ stack: "local" })))).toEqual([expect.stringMatching(/--rf=1 cannot survive a zone failure/)]);
  });
  it("accepts the RF from a bootstrap script's yb-admin modify_placement_info, and checks it the same way", () => {
    const nodes = [1, 2, 3].map((n) => ybContainer(n));
    const bootstrap = (rf: number) =>
      res("docker:index/container:Container", "yugabyte-bootstrap", {
        image: "sha256:" + "e".repeat(64),
        command: ["/bin/bash", "-c", `set -euo pipefail\n/home/yugabyte/bin/yb-admin -master_addresses "$MASTERS" modify_placement_info 'docker.local.zone-1:1,docker.local.zone-2:1,docker.local.zone-3:1' ${rf}\n`],
      });
    expect(placementRule.check([...nodes, bootstrap(3)], ctx({ stack: "local" }))).toEqual([]);
    expect(messages(placementRule.check([...nodes, bootstrap(4)], ctx({ stack: "local" })))).toEqual([expect.stringMatching(/--rf=4 is not an odd number/)]);
  });
  it("flags a launch without --cloud_location and a stack without any node", () => {
    const r = ybContainer(1, "zone-1", { command: ["bin/yugabyted", "start", "--tserver_flags=ysql_sequence_cache_minval=1"] });
    expect(placementRule.check([r], ctx()).find((f) => f.resource === r.urn)?.message).toMatch(/no --cloud_location/);
    expect(messages(placementRule.check([], ctx()))).toEqual([expect.stringMatching(/found no YugabyteDB node/)]);
  });
  it("counts StatefulSet replicas as nodes of one zone (Kubernetes, one StatefulSet per zone)", () => {
    const perZone = ["zone-a", "zone-b", "zone-c"].map((z) => ybStatefulSet(z));
    const job = res("kubernetes:batch/v1:Job", "yb-init", {
      spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "init", image: "yugabytedb/yugabyte:2025.2.1.0-b141", command: ["/home/yugabyte/bin/yugabyted", "configure", "data_placement", "--fault_tolerance=zone", "--rf=3"] }] } } },
    });
    expect(placementRule.check([...perZone, job], ctx({ stack: "dev", target: "kubernetes" }))).toEqual([]);
    const single = ybStatefulSet("zone-a", { replicas: 3 });
    expect(summarizeNodes([single]).zones.get("k8s.dev.zone-a")).toBe(3);
    expect(messages(placementRule.check([single, job], ctx({ stack: "dev" })))).toEqual([expect.stringMatching(/span 1 zone/)]);
  });
  it("does not guess when user data is unknown during preview", () => {
    const rs = [ec2("yb-1", ybUserData("aws.us-east-1.us-east-1a")), ec2("yb-2", UNKNOWN), ec2("yb-3", UNKNOWN)];
    expect(placementRule.check(rs, ctx())).toEqual([]);
  });
});

describe("control-plane-ha", () => {
  it("passes 2 k3s servers and 2 Kine replicas; local is exempt", () => {
    expect(controlPlaneHaRule.check(localStack(), ctx({ stack: "dev" }))).toEqual([]);
    expect(controlPlaneHaRule.check([kineContainer(1), k3sContainer(1)], ctx({ stack: "local" }))).toEqual([]);
  });
  it("fails a single k3s server or Kine replica outside local", () => {
    const out = messages(controlPlaneHaRule.check([kineContainer(1), k3sContainer(1)], ctx({ stack: "staging" })));
    expect(out).toEqual([expect.stringMatching(/1 k3s server\(s\); run at least 2/), expect.stringMatching(/1 Kine replica\(s\); run at least 2/)]);
  });
  it("counts Deployment replicas and EC2 user data", () => {
    const kine = k8sDeployment("kine", { name: "kine", image: "rancher/kine:v0.16.4", args: ["--listen-address=0.0.0.0:2379"], env: [{ name: "KINE_ENDPOINT", valueFrom: { secretKeyRef: { name: "kine", key: "dsn" } } }] }, 2);
    const k3s = k8sDeployment("k3s", { name: "k3s", image: "rancher/k3s:v1.36.3-k3s1", args: ["server", "--datastore-endpoint=http://kine:2379"] }, 1);
    expect(messages(controlPlaneHaRule.check([kine, k3s], ctx({ stack: "dev" })))).toEqual([expect.stringMatching(/1 k3s server/)]);
    const aws = [ec2("kine-a", kineUserData), ec2("kine-b", kineUserData), ec2("k3s-a", k3sUserData), ec2("k3s-b", k3sUserData)];
    expect(controlPlaneHaRule.check(aws, ctx({ stack: "staging" }))).toEqual([]);
  });
});

describe("k8s-yb-anti-affinity", () => {
  it("passes a hard hostname anti-affinity selecting the YugabyteDB pods", () => {
    expect(antiAffinityRule.check(ybStatefulSet("zone-a"), ctx())).toEqual([]);
  });
  it("fails preferred-only or zone-keyed anti-affinity", () => {
    const preferred = ybStatefulSet("zone-a", {
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: YB_LABELS } } }] } },
    });
    expect(antiAffinityRule.check(preferred, ctx())[0]).toMatch(/preferred anti-affinity is only a hint.*requiredDuringSchedulingIgnoredDuringExecution/);
    const zoneKey = ybStatefulSet("zone-a", {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: YB_LABELS } }] } },
    });
    expect(antiAffinityRule.check(zoneKey, ctx())).toHaveLength(1);
    const otherPods = ybStatefulSet("zone-a", {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "kine" } } }] } },
    });
    expect(antiAffinityRule.check(otherPods, ctx())).toHaveLength(1);
  });
  it("ignores pods that do not run yugabyted", () => {
    expect(antiAffinityRule.check(k8sDeployment("kine", { name: "kine", image: "rancher/kine:v0.16.4" }), ctx())).toEqual([]);
  });
});

describe("k8s-yb-pod-disruption-budget", () => {
  const sts = ["zone-a", "zone-b", "zone-c"].map((z) => ybStatefulSet(z));
  it("passes one PDB selecting all YugabyteDB pods with maxUnavailable 1", () => {
    expect(podDisruptionBudgetRule.check([...sts, ybPdb()], ctx())).toEqual([]);
    expect(podDisruptionBudgetRule.check([...sts, ybPdb({ matchExpressions: [{ key: "component", operator: "In", values: ["yugabytedb"] }] })], ctx())).toEqual([]);
  });
  it("fails without a matching PDB, or with one that allows 2 down", () => {
    const missing = podDisruptionBudgetRule.check([...sts, ybPdb({ matchLabels: { app: "kine" } })], ctx());
    expect(missing.map((f) => f.resource)).toEqual(sts.map((s) => s.urn));
    expect(missing[0].message).toMatch(/maxUnavailable: 1/);
    expect(podDisruptionBudgetRule.check([...sts, ybPdb(undefined, 2)], ctx())[0].message).toMatch(/allows 2 YugabyteDB pods down/);
  });
  it("implements label selector semantics", () => {
    expect(selectorMatches({}, { a: "1" })).toBe(true);
    expect(selectorMatches(undefined, { a: "1" })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["1"] }] }, { a: "1" })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "b", operator: "DoesNotExist" }] }, { a: "1" })).toBe(true);
  });
});
