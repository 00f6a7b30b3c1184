/** planner/rollout.ts: the order of a rollout, one down at a time, quorum at every step, and the scripts it renders. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderYugabytedLauncher } from "../../components/yugabyteCluster.kubernetes";
import {
  MAX_DOWN_AT_ONCE,
  checkStep,
  renderDrainScript,
  renderRejoinGateScript,
  renderScaleInDrainScript,
  renderServiceGateScript,
  renderTrapLauncher,
  renderUndrainInBackground,
  renderUndrainScript,
  rolloutChecks,
  rolloutUnits,
  yugabyteZoneOrder,
} from "../../planner/rollout";
import { TLS_DIRS } from "../../planner/tls";
import { devConfig, localConfig, planOf, prodConfig, stagingConfig } from "../support/topologies";

const dir = mkdtempSync(join(tmpdir(), "yb-k3s-rollout-"));
let n = 0;
function shellcheck(script: string): string {
  const file = join(dir, `s${n++}.sh`);
  writeFileSync(file, script.startsWith("#!") ? script : `#!/bin/bash\n${script}`);
  try {
    execFileSync("shellcheck", ["-S", "warning", file], { stdio: "pipe" });
    return "";
  } catch (e) {
    const err = e as { stdout?: Buffer; message: string };
    return err.stdout?.toString() || err.message;
  }
}

const plans = {
  local: planOf(localConfig(), "local"),
  local6: planOf({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], nodesPerZone: 2 }], k3s: { servers: 3 } }, "local"),
  dev: planOf(devConfig(), "dev"),
  dev6: planOf({ ...devConfig(), regions: [{ name: "k8s", zones: ["zone-a", "zone-b", "zone-c"], nodesPerZone: 2 }] }, "dev"),
  staging: planOf(stagingConfig(), "staging"),
  prod: planOf(prodConfig(), "prod"),
  prodTls: planOf({ ...prodConfig(), tls: { enabled: true } }, "prod"),
};

describe("rollout order", () => {
  it("docker and aws: one unit per node, replica and server, in plan order, databases first", () => {
    const units = rolloutUnits(plans.local6);
    expect(units.map((u) => `${u.kind}:${u.unit}`)).toEqual([
      ...plans.local6.nodes.map((x) => `yugabyte:${x.name}`),
      "kine:kine-0",
      "kine:kine-1",
      "k3s:k3s-0",
      "k3s:k3s-1",
      "k3s:k3s-2",
    ]);
    for (const u of units) expect(u.members).toEqual([u.unit]);
    expect(rolloutUnits(plans.prod).filter((u) => u.kind === "yugabyte").map((u) => u.unit)).toEqual(plans.prod.nodes.map((x) => x.name));
  });

  it("kubernetes: zone StatefulSets (node 0's first), each restarting its pods highest ordinal first; Kine surges", () => {
    expect(yugabyteZoneOrder(plans.dev6)[0]).toBe(plans.dev6.nodes[0].zone);
    const units = rolloutUnits(plans.dev6);
    expect(units.map((u) => u.unit)).toEqual(["yb-zone-a", "yb-zone-b", "yb-zone-c", "kine", "k3s"]);
    expect(units[0].members).toEqual(["yb-zone-a-1", "yb-zone-a-0"]);
    expect(units.find((u) => u.kind === "kine")?.surge).toBe(true);
    expect(units.find((u) => u.kind === "k3s")?.members).toEqual(["k3s-1", "k3s-0"]);
  });

  it("never more than one member of a kind down at once", () => {
    expect(MAX_DOWN_AT_ONCE).toEqual({ yugabyte: 1, kine: 1, k3s: 1 });
  });
});

describe("quorum at every step", () => {
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: every database step keeps master and tablet quorum and a serving Kine`, () => {
      for (const c of rolloutChecks(plan, ["yugabyte"])) {
        expect(c.quorum, c.member).toBe(true);
        expect(c.kineServing, c.member).toBeGreaterThan(0);
      }
      for (const c of rolloutChecks(plan, ["kine"])) expect(c.kineServing, c.member).toBe(plan.kine.replicas.length - 1);
    });
  }

  it("docker: a node restart takes its zone-local Kine replica's database away; the other replica serves", () => {
    const c = checkStep(plans.local, "yugabyte", "yb-zone-a-0");
    expect(c).toMatchObject({ quorum: true, kineServing: 1, serving: true });
  });

  it("a single k3s server: its step is an API outage, said so; with three servers it is not", () => {
    const one = checkStep(plans.local, "k3s", "k3s-0");
    expect(one.serving).toBe(false);
    expect(one.note).toMatch(/Kubernetes API is down/);
    const three = checkStep(plans.local6, "k3s", "k3s-0");
    expect(three.serving).toBe(true);
    expect(three.note).toMatch(/kubeconfig endpoint .* is down/);
    expect(checkStep(plans.local6, "k3s", "k3s-1")).toMatchObject({ serving: true, note: "" });
  });

  it("RF 1 (no fault tolerance): a database step loses quorum, and the check says so", () => {
    const plan = planOf({ ...localConfig(), faultTolerance: "none", replicationFactor: 1 }, "rf1");
    expect(checkStep(plan, "yugabyte", plan.nodes[0].name)).toMatchObject({ quorum: false, serving: false });
  });
});

describe("rendered scripts", () => {
  const node = plans.local.nodes[1];
  const scripts: Record<string, string> = {
    drain: renderDrainScript(plans.local, { certsDir: TLS_DIRS.yugabyte }),
    drainTls: renderDrainScript(plans.prodTls, { certsDir: TLS_DIRS.yugabyte }),
    undrain: renderUndrainScript(plans.prodTls, { certsDir: TLS_DIRS.yugabyte }),
    gate: renderRejoinGateScript(plans.local, [node], { certsDir: TLS_DIRS.bootstrap }),
    gateK8s: renderRejoinGateScript(plans.dev6, plans.dev6.nodes.slice(0, 2), { statefulSet: "yb-zone-a" }),
    gateTls: renderRejoinGateScript(plans.prodTls, [plans.prodTls.nodes[0]], { certsDir: TLS_DIRS.yugabyte, caFile: `${TLS_DIRS.yugabyte}/ca.crt` }),
    service: renderServiceGateScript(plans.staging, "kine.service", 2379),
    scaleIn: renderScaleInDrainScript(plans.local6, { certsDir: TLS_DIRS.bootstrap }),
    scaleInK8s: renderScaleInDrainScript(plans.dev6, { firstStatefulSet: "yb-zone-a" }),
    trapLauncher: renderTrapLauncher("/home/yugabyte/bin/yugabyted", node.yugabytedArgs, { address: node.address, envFile: "/etc/yb-k3s/yugabyted.env" }),
    k8sLauncher: renderYugabytedLauncher(plans.dev.nodes.slice(0, 1), plans.dev.yugabyte.binDir, renderUndrainInBackground(plans.dev)),
  };

  for (const [name, script] of Object.entries(scripts)) {
    it(`${name} passes shellcheck -S warning`, () => {
      expect(shellcheck(script)).toBe("");
    });
  }

  it("the drain blacklists the node's leaders, waits (bounded) for completion, hands over the master leadership, never fails the stop", () => {
    const s = scripts.drainTls;
    expect(s).toContain('change_leader_blacklist ADD "$SELF"');
    expect(s).toContain("get_leader_blacklist_completion");
    expect(s).toContain("master_leader_stepdown");
    expect(s).toContain(`-certs_dir_name '${TLS_DIRS.yugabyte}'`);
    expect(s).toContain(`-master_addresses "$MASTERS"`);
    expect(s).toMatch(/MASTERS='[^']*:7100/);
    expect(s.trimEnd().endsWith("exit 0")).toBe(true);
    expect(s).not.toMatch(/\bexit 1\b/);
  });

  it("the gate checks ALIVE, the leader blacklist and the master's under-replication endpoint, and fails on timeout", () => {
    const s = scripts.gateK8s;
    expect(s).toContain("list_all_tablet_servers");
    expect(s).toContain("change_leader_blacklist REMOVE");
    expect(s).toContain("/api/v1/tablet-under-replication");
    expect(s).toContain("underreplicated_tablets");
    expect(s).toContain(`NODES='${plans.dev6.nodes[0].address}:9100 ${plans.dev6.nodes[1].address}:9100'`);
    // kubernetes: the StatefulSet's own rollout, read from the API server, before anything else.
    expect(s).toContain("observedGeneration");
    expect(s).toContain("/apis/apps/v1/namespaces/${POD_NAMESPACE:?}/statefulsets/yb-zone-a");
    expect(s).toMatch(/fail\(\) \{ log "\$\*"; exit 1; \}/);
  });

  it("scale-in drains every ALIVE tablet server the plan does not keep, waits for the load move, refuses to remove a master", () => {
    const s = scripts.scaleIn;
    expect(s).toContain(`KEEP='${plans.local6.nodes.map((x) => `${x.address}:9100`).join(" ")}'`);
    expect(s).toContain("change_blacklist ADD $leaving");
    expect(s).toContain("get_load_move_completion");
    expect(s).toContain("runs a YugabyteDB master");
    expect(s).toContain('change_blacklist REMOVE "$ts"');
    // kubernetes: the first deployment (no StatefulSet yet) has nothing to drain; any other API answer but 200 fails.
    expect(scripts.scaleInK8s).toContain('if [ "$code" = 404 ]; then');
    expect(scripts.scaleIn).not.toContain("statefulsets");
  });

  it("the docker launcher drains on SIGTERM before stopping yugabyted, and runs exactly the plan's arguments", () => {
    const s = scripts.trapLauncher;
    expect(s).toContain(`trap '/bin/bash '\\''/usr/local/lib/yb-k3s/drain.sh'\\'' '\\''${node.address}'\\''; kill -TERM "$child" 2>/dev/null' TERM INT`);
    expect(s).toContain(`'/home/yugabyte/bin/yugabyted' ${node.yugabytedArgs.map((a) => `'${a}'`).join(" ")} &`);
  });
});
