/** lib/rollout.ts diffRuns and planner/rollout.ts checkTransition: how `plan --against` classifies a change. */
import { describe, expect, it } from "vitest";
import { diffRuns } from "../../lib/rollout";
import type { RecordedResource } from "../../lib/planRunner";
import { checkTransition } from "../../planner/rollout";
import { localConfig, planOf, stagingConfig } from "../support/topologies";

const res = (name: string, type: string, inputs: Record<string, unknown>, o: Partial<RecordedResource> = {}): RecordedResource => ({
  urn: `urn:pulumi:s::p::${type}::${name}`,
  type,
  name,
  inputs,
  revealedInputs: inputs,
  custom: true,
  protect: false,
  retainOnDelete: false,
  dependsOn: [],
  propertyDependencies: {},
  deleteBeforeReplace: false,
  replaceOnChanges: [],
  ignoreChanges: [],
  ...o,
});
const C = "docker:index/container:Container";

describe("diffRuns", () => {
  it("a resource taking an input from one replaced delete-first is replaced too, delete-first, although its value is the same", () => {
    const boot = (cmd: string) => res("bootstrap", C, { name: "b", command: [cmd] }, { deleteBeforeReplace: true });
    // The pre-issue-15 shape: Kine's label came from the bootstrap's exit code.
    const kine = (b: RecordedResource) => res("kine-0", C, { name: "k", labels: [{ label: "ready", value: "true" }] }, { propertyDependencies: { labels: [b.urn] }, dependsOn: [b.urn] });
    const [b1, b2] = [boot("v1"), boot("v2")];
    const { changes } = diffRuns([b1, kine(b1)], [b2, kine(b2)]);
    expect(changes.map((c) => [c.name, c.action, c.deleteFirst])).toEqual([
      ["bootstrap", "replace", true],
      ["kine-0", "replace", true],
    ]);
    expect(changes[1].changed[0]).toMatch(/labels \(from bootstrap, replaced delete-first\)/);
  });

  it("an explicit dependency only (issue 15's shape) leaves it alone", () => {
    const b1 = res("bootstrap", C, { name: "b", command: ["v1"] }, { deleteBeforeReplace: true });
    const b2 = res("bootstrap", C, { name: "b", command: ["v2"] }, { deleteBeforeReplace: true });
    const kine = res("kine-0", C, { name: "k" }, { dependsOn: [b1.urn] });
    expect(diffRuns([b1, kine], [b2, kine]).changes.map((c) => c.name)).toEqual(["bootstrap"]);
  });

  it("StatefulSets: a template change is a rolling update, an immutable field a replacement; deletes come last, dependents first", () => {
    const sts = (tmpl: string, claims = "10Gi") =>
      res("yb-a", "kubernetes:apps/v1:StatefulSet", { metadata: { name: "yb-a" }, spec: { template: tmpl, volumeClaimTemplates: [claims] } });
    expect(diffRuns([sts("a")], [sts("b")]).changes[0]).toMatchObject({ action: "update", changed: ["spec.template"], effect: expect.stringMatching(/rolling update/) });
    expect(diffRuns([sts("a")], [sts("a", "20Gi")]).changes[0]).toMatchObject({ action: "replace", changed: ["spec.volumeClaimTemplates"] });
    const vol = res("vol", "docker:index/volume:Volume", { name: "v" });
    const c = res("node", C, { name: "n", volumes: ["v"] }, { dependsOn: [vol.urn] });
    const keep = res("keep", C, { name: "x", command: ["1"] });
    const keep2 = res("keep", C, { name: "x", command: ["2"] });
    expect(diffRuns([vol, c, keep], [keep2]).changes.map((x) => `${x.action}:${x.name}`)).toEqual(["replace:keep", "delete:node", "delete:vol"]);
  });

  it("aws instances: a user-data change replaces, an instance-type change updates in place", () => {
    const i = (ud: string, type: string) => res("yb-0", "aws:ec2/instance:Instance", { userData: ud, instanceType: type }, { deleteBeforeReplace: true });
    expect(diffRuns([i("a", "m6i")], [i("b", "m6i")]).changes[0]).toMatchObject({ action: "replace", deleteFirst: true });
    expect(diffRuns([i("a", "m6i")], [i("a", "m7i")]).changes[0]).toMatchObject({ action: "update" });
  });
});

describe("checkTransition", () => {
  const local = planOf(localConfig(), "t");
  it("no change, no problem, no note", () => {
    expect(checkTransition(local, local)).toEqual({ added: [], removed: [], problems: [], notes: [] });
  });

  it("scale out and back in by nodesPerZone: notes only (masters stay on ordinal 0)", () => {
    const six = planOf({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], nodesPerZone: 2 }] }, "t");
    const out = checkTransition(local, six);
    expect(out.added).toEqual(["yb-zone-a-1", "yb-zone-b-1", "yb-zone-c-1"]);
    expect(out.problems).toEqual([]);
    const back = checkTransition(six, local);
    expect(back.removed).toEqual(["yb-zone-a-1", "yb-zone-b-1", "yb-zone-c-1"]);
    expect(back.problems).toEqual([]);
    expect(back.notes.join("\n")).toMatch(/drained first \(data blacklist, load move to 100%\)/);
  });

  it("removing a master node names the key it comes from; protected volumes are called out", () => {
    const five = planOf({ ...stagingConfig(), replicationFactor: 5, regions: [{ name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e"], cidr: "10.10.0.0/16" }] }, "t");
    const three = planOf({ ...stagingConfig(), regions: [{ name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e"], databaseZones: ["us-east-1a", "us-east-1b", "us-east-1c"], cidr: "10.10.0.0/16" }] }, "t");
    const t = checkTransition(five, three);
    expect(t.problems).toEqual([
      expect.stringMatching(/^yb-k3s:regions\[0\]\.databaseZones: removes yb-us-east-1d-0, which runs a YugabyteDB master/),
      expect.stringMatching(/^yb-k3s:regions\[0\]\.databaseZones: removes yb-us-east-1e-0, which runs a YugabyteDB master/),
    ]);
    expect(t.notes.join("\n")).toMatch(/replication factor 5 -> 3/);
    expect(t.notes.join("\n")).toMatch(/pulumi state unprotect/);
  });

  it("TLS on or off, and a new target, are refused", () => {
    const tls = planOf({ ...localConfig(), tls: { enabled: true } }, "t");
    expect(checkTransition(local, tls).problems).toEqual([expect.stringMatching(/^yb-k3s:tls\.enabled: switching TLS on is not a rolling change/)]);
    expect(checkTransition(local, planOf(stagingConfig(), "t")).problems[0]).toMatch(/^yb-k3s:target: changes from 'docker' to 'aws'/);
  });
});
