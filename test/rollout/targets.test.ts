/**
 * Issue 15 under the strict mocks: every target's replacement options and dependency chains. A rolling change must take
 * one YugabyteDB node (Kine replica, k3s server) at a time, so the dependency graph between the resources of one kind
 * is a TOTAL ORDER — no two of them can ever be in one engine step, whatever the change. Resources with fixed names,
 * host ports or addresses are replaced delete-first. Nothing derives an input from the bootstrap step, whose re-run
 * (a delete-before-replace) would otherwise replace its dependents too, delete-first, all at once.
 *
 * These tests only read what the recorder captured (lib/planRunner.ts), never the planner's rollout module, so they
 * can be run against older component code: on the code before issue 15 they fail (see docs/upgrades.md, "Evidence").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath, type StackFile } from "../../lib/stackFile";
import { inputAncestors, labelOf, unorderedPairs, waitsOn, type Obj, type Res } from "./support";

const reports = new Map<string, PlanReport>();
const variant = (base: string, name: string, patch: Record<string, unknown>): StackFile => {
  const f = readStackFile(stackFilePath(base), base);
  return { ...f, stack: name, config: { ...f.config, ...patch } };
};

beforeAll(async () => {
  for (const s of ["local", "dev", "staging", "prod"]) reports.set(s, await planStack(readStackFile(stackFilePath(s), s)));
  // Two nodes per zone: the chain must cross zones and ordinals; three k3s servers on docker.
  reports.set("local-6", await planStack(variant("local", "local6", { "yb-k3s:regions": [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], nodesPerZone: 2 }], "yb-k3s:k3s": { servers: 3 } })));
  reports.set("dev-6", await planStack(variant("dev", "dev6", { "yb-k3s:regions": [{ name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], nodesPerZone: 2 }] })));
}, 300_000);

const rep = (s: string) => reports.get(s) as PlanReport;
const ofType = (s: string, type: string) => rep(s).recorded.filter((r) => r.type === type);
const inputs = (r: Res) => r.inputs as Obj;

describe("docker (local): one container of a kind at a time, delete-first", () => {
  const containers = (s: string) => ofType(s, "docker:index/container:Container");
  const role = (s: string, name: string) => containers(s).filter((c) => labelOf(c, "yb-k3s.role") === name);

  for (const s of ["local", "local-6"]) {
    it(`${s}: the YugabyteDB node containers form a total order (no two are ever replaced in one step)`, () => {
      const nodes = role(s, "yugabyte");
      expect(nodes.length).toBe(rep(s).plan.nodes.length);
      expect(unorderedPairs(rep(s).recorded, nodes)).toEqual([]);
    });
    it(`${s}: Kine replicas and k3s servers each form a total order too`, () => {
      expect(unorderedPairs(rep(s).recorded, role(s, "kine"))).toEqual([]);
      expect(unorderedPairs(rep(s).recorded, role(s, "k3s"))).toEqual([]);
    });
  }

  it("every container has a fixed name (and most fixed host ports): every one is replaced delete-first", () => {
    for (const c of containers("local")) {
      expect(typeof inputs(c).name, c.name).toBe("string");
      expect(c.deleteBeforeReplace, c.name).toBe(true);
    }
  });

  it("a node waits for the previous node to be healthy AND back in the universe (its gate), not just created", () => {
    const nodes = role("local-6", "yugabyte");
    for (let i = 1; i < nodes.length; i++) {
      const gate = containers("local-6").find((c) => labelOf(c, "yb-k3s.node") === nodes[i - 1].name);
      expect(gate, `gate of ${nodes[i - 1].name}`).toBeDefined();
      expect(nodes[i].dependsOn).toContain((gate as Res).urn);
      expect(inputs(gate as Res).attach).toBe(true);
      // The gate re-runs whenever its node is replaced: one of its inputs is the node container's id.
      expect(inputAncestors(rep("local-6").recorded, gate as Res).has(nodes[i - 1].urn)).toBe(true);
    }
    for (const n of nodes) expect(inputs(n).wait).toBe(true);
  });

  it("a node stops gracefully (time for the leader drain) and every long-running container has a health check the provider waits for", () => {
    for (const n of role("local", "yugabyte")) expect(inputs(n).destroyGraceSeconds).toBeGreaterThanOrEqual(90);
    for (const c of [...role("local", "yugabyte"), ...role("local", "kine"), ...role("local", "k3s")]) {
      expect(inputs(c).healthcheck?.tests?.length, c.name).toBeGreaterThan(0);
      expect(inputs(c).wait, c.name).toBe(true);
    }
  });

  it("scale-in: a drain step after the last node's gate, before the bootstrap and Kine (removed nodes are deleted last)", () => {
    const [scaleIn] = role("local", "yugabyte-scale-in");
    const [boot] = role("local", "yugabyte-bootstrap");
    for (const n of role("local", "yugabyte")) expect(waitsOn(rep("local").recorded, scaleIn, n), n.name).toBe(true);
    expect(waitsOn(rep("local").recorded, boot, scaleIn)).toBe(true);
    expect(String(inputs(scaleIn).command[2])).toContain("get_load_move_completion");
  });

  it("no Kine or k3s input derives from the bootstrap container (re-running the bootstrap never replaces them)", () => {
    const [boot] = role("local", "yugabyte-bootstrap");
    for (const c of [...role("local", "kine"), ...role("local", "k3s")]) {
      expect(inputAncestors(rep("local").recorded, c).has(boot.urn), c.name).toBe(false);
      expect(waitsOn(rep("local").recorded, c, boot), c.name).toBe(true);
    }
  });
});

describe("kubernetes (dev): zone after zone, each waiting for the real rollout", () => {
  const sts = (s: string) => ofType(s, "kubernetes:apps/v1:StatefulSet").filter((r) => inputs(r).metadata.name.startsWith("yb-"));
  const jobs = (s: string) => ofType(s, "kubernetes:batch/v1:Job");

  for (const s of ["dev", "dev-6"]) {
    it(`${s}: the zone StatefulSets form a total order (a flag change restarts zone a, then b, then c)`, () => {
      expect(sts(s).length).toBe(3);
      expect(unorderedPairs(rep(s).recorded, sts(s))).toEqual([]);
    });
  }

  it("the next zone waits for a Job that waits for the previous zone's StatefulSet and re-runs whenever it changes", () => {
    const zones = sts("dev");
    for (let i = 1; i < zones.length; i++) {
      const gates = jobs("dev").filter((j) => j.dependsOn.includes(zones[i - 1].urn) && zones[i].dependsOn.includes(j.urn));
      expect(gates.length, `gate between ${zones[i - 1].name} and ${zones[i].name}`).toBe(1);
      const tmpl = inputs(gates[0]).spec.template;
      // The gate's pod template changes with the StatefulSet's spec (Jobs are immutable: it is replaced, i.e. re-run).
      expect(Object.keys(tmpl.metadata.annotations ?? {}).length).toBeGreaterThan(0);
      expect(gates[0].deleteBeforeReplace).toBe(true);
    }
  });

  it("a gate's pod template changes when a tserver flag changes (so the gate re-runs)", async () => {
    const base = readStackFile(stackFilePath("dev"), "dev");
    const ybCfg = (base.config["yb-k3s:yugabyte"] ?? {}) as Obj;
    const changed = await planStack({ ...base, config: { ...base.config, "yb-k3s:yugabyte": { ...ybCfg, tserverFlags: { ...ybCfg.tserverFlags, log_min_seconds_to_retain: 7200 } } } });
    const before = new Map(jobs("dev").map((j) => [j.urn, JSON.stringify(inputs(j).spec.template)]));
    const gateUrns = jobs("dev").filter((j) => sts("dev").some((z) => j.dependsOn.includes(z.urn)) && j.name !== "yugabyte-bootstrap").map((j) => j.urn);
    expect(gateUrns.length).toBe(3);
    for (const j of changed.recorded.filter((r) => gateUrns.includes(r.urn))) expect(JSON.stringify(inputs(j).spec.template)).not.toBe(before.get(j.urn));
  });

  it("scale-in: a drain Job before the first zone's StatefulSet (a lower replica count removes pods at once)", () => {
    const scaleIn = jobs("dev").find((j) => inputs(j).metadata.name === "yb-scale-in") as Res;
    expect(sts("dev")[0].dependsOn).toContain(scaleIn.urn);
    expect(String(inputs(scaleIn).spec.template.spec.containers[0].command[2])).toContain("get_load_move_completion");
  });

  it("the Kine Deployment has no input derived from the bootstrap Job, and rolls with maxUnavailable 0 / maxSurge 1", () => {
    const boot = jobs("dev").find((j) => inputs(j).metadata.name === "yb-bootstrap") as Res;
    const [kine] = ofType("dev", "kubernetes:apps/v1:Deployment");
    expect(inputAncestors(rep("dev").recorded, kine).has(boot.urn)).toBe(false);
    expect(inputs(kine).metadata.annotations?.["yb-k3s.io/database-ready"]).toBeUndefined();
    expect(waitsOn(rep("dev").recorded, kine, boot)).toBe(true);
    expect(inputs(kine).spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  });

  it("StatefulSets roll one pod at a time; database pods drain their leaders before they stop", () => {
    for (const s of ofType("dev", "kubernetes:apps/v1:StatefulSet")) {
      expect(inputs(s).spec.updateStrategy?.type ?? "RollingUpdate", s.name).toBe("RollingUpdate");
      expect(inputs(s).spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, s.name).toBe(1);
    }
    for (const s of sts("dev")) {
      const pod = inputs(s).spec.template.spec;
      expect(pod.containers[0].lifecycle?.preStop?.exec?.command?.join(" ")).toContain("change_leader_blacklist ADD");
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(90);
    }
  });
});

describe("aws (staging, prod): one instance of a role at a time, and changes reach the hosts", () => {
  const instances = (s: string, role: string) => ofType(s, "aws:ec2/instance:Instance").filter((i) => inputs(i).tags?.["yb-k3s:role"] === role);

  for (const s of ["staging", "prod"]) {
    it(`${s}: database instances, Kine instances and k3s instances each form a total order`, () => {
      expect(instances(s, "yugabyte").length).toBe(rep(s).plan.nodes.length);
      for (const role of ["yugabyte", "kine", "k3s"]) expect(unorderedPairs(rep(s).recorded, instances(s, role)), role).toEqual([]);
    });

    it(`${s}: a user-data change (version, flags) replaces the instance — never ignored — delete-first (fixed private IP)`, () => {
      for (const i of ofType(s, "aws:ec2/instance:Instance")) {
        expect(i.ignoreChanges, i.name).not.toContain("userData");
        expect(inputs(i).userDataReplaceOnChange, i.name).toBe(true);
        expect(typeof inputs(i).privateIp).toBe("string");
        expect(i.deleteBeforeReplace, i.name).toBe(true);
      }
    });

    it(`${s}: the next database instance waits for a gate that the engine waits on and that is recreated with its instance`, () => {
      const nodes = instances(s, "yugabyte");
      const gates = ofType(s, "aws:ssm/association:Association");
      for (let i = 1; i < nodes.length; i++) {
        const gate = gates.find((g) => inputAncestors(rep(s).recorded, g).has(nodes[i - 1].urn));
        expect(gate, `gate of ${nodes[i - 1].name}`).toBeDefined();
        expect(nodes[i].dependsOn).toContain((gate as Res).urn);
        expect(inputs(gate as Res).waitForSuccessTimeoutSeconds).toBeGreaterThan(0);
        expect((gate as Res).replaceOnChanges).toContain("targets");
      }
    });

    it(`${s}: scale-in runs on node 0 after every database gate, and Kine waits for it`, () => {
      const scaleIn = ofType(s, "aws:ssm/association:Association").find((a) => a.name.endsWith("-scale-in")) as Res;
      expect(String(inputs(scaleIn).parameters.commands)).toContain("get_load_move_completion");
      for (const n of instances(s, "yugabyte")) expect(waitsOn(rep(s).recorded, scaleIn, n), n.name).toBe(true);
      for (const k of instances(s, "kine")) expect(waitsOn(rep(s).recorded, k, scaleIn), k.name).toBe(true);
    });

    it(`${s}: data volumes are separate resources, never replaced with an instance, protected and retained`, () => {
      for (const v of ofType(s, "aws:ebs/volume:Volume")) {
        expect(v.protect, v.name).toBe(rep(s).plan.protectData);
        expect(v.retainOnDelete, v.name).toBe(rep(s).plan.protectData);
        for (const i of ofType(s, "aws:ec2/instance:Instance")) expect(inputAncestors(rep(s).recorded, v).has(i.urn)).toBe(false);
      }
    });
  }
});
