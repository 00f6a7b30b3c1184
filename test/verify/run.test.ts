/** runVerify's orchestration with a stand-in cluster access (the real ones need Docker, a cluster or a VPC). */
import { describe, expect, it } from "vitest";
import type { ClusterAccess } from "../../lib/verify/access";
import { resolveTargets } from "../../lib/verify/outputs";
import { formatResult } from "../../lib/verify/result";
import { runVerify } from "../../lib/verify/run";
import { YB_ADMIN } from "../../planner/ybAdmin";
import { localConfig, planOf } from "../support/topologies";

const plan = planOf(localConfig(), "local");
const universe = JSON.stringify({
  replicationInfo: {
    liveReplicas: {
      numReplicas: 3,
      placementBlocks: plan.yugabyte.placement.map((b) => ({ cloudInfo: { placementCloud: b.cloud, placementRegion: b.region, placementZone: b.zone }, minNumReplicas: 1 })),
    },
  },
});

function fakeAccess(minval: (node: string) => string, calls: string[][]): ClusterAccess {
  return {
    description: "fake",
    kineUnreachable: "Kine listens on the Docker network only",
    varz: async (n) => `--ysql_sequence_cache_minval=${minval(n.name)}\n--ysql_enable_auth=true\n`,
    ybAdmin: async (args) => {
      calls.push([...args]);
      if (args[0] === YB_ADMIN.getUniverseConfig) return universe;
      if (args[0] === YB_ADMIN.listSnapshotSchedules) return '{"schedules": []}';
      throw new Error(`unexpected ${args.join(" ")}`);
    },
  };
}

describe("runVerify with a stack", () => {
  it("reads every node's tserver flags, the placement and the schedule; missing outputs are failures", async () => {
    const calls: string[][] = [];
    const seen: string[] = [];
    const results = await runVerify({
      plan,
      targets: resolveTargets(undefined, {}),
      access: fakeAccess((n) => (n === "yb-zone-b-0" ? "100" : "1"), calls),
      onResult: (r) => seen.push(formatResult(r)),
    });
    const lines = results.map(formatResult);
    expect(seen).toEqual(lines);
    expect(lines).toEqual([
      "FAIL readyz: no kubeconfig: the stack has no kubeconfig output and --kubeconfig was not given",
      "FAIL schema: no database DSN: the stack has no ysqlConnectionString output and --dsn was not given",
      expect.stringMatching(/^ok tserver-flags\/yb-zone-a-0: ysql_sequence_cache_minval=1 \(running server\)/),
      expect.stringMatching(/^FAIL tserver-flags\/yb-zone-b-0: ysql_sequence_cache_minval=100, planned 1/),
      expect.stringMatching(/^ok tserver-flags\/yb-zone-c-0: /),
      "ok placement: RF 3 over local.dc1.zone-a:1,local.dc1.zone-b:1,local.dc1.zone-c:1",
      "ok snapshot-schedule: point-in-time recovery is off for this stack; 0 schedule(s) present",
      "skip backup-age: off-cluster backups are off for this stack (yb-k3s:backup.offCluster.enabled)",
      "skip kine: Kine listens on the Docker network only",
    ]);
    expect(calls).toEqual([[YB_ADMIN.getUniverseConfig], [YB_ADMIN.listSnapshotSchedules]]);
  });

  it("says why where the universe is out of reach, instead of passing", async () => {
    const reason = "every address is private";
    const results = await runVerify({
      plan,
      targets: resolveTargets(undefined, {}),
      access: { description: "x", tserverUnreachable: reason, ybAdminUnreachable: reason, kineUnreachable: reason, varz: () => Promise.reject(new Error("no")), ybAdmin: () => Promise.reject(new Error("no")) },
    });
    expect(results.filter((r) => r.status === "skip").map((r) => r.check)).toEqual(["tserver-flags/yb-zone-a-0", "tserver-flags/yb-zone-b-0", "tserver-flags/yb-zone-c-0", "placement", "snapshot-schedule", "backup-age", "kine"]);
    expect(results.every((r) => r.status !== "ok")).toBe(true);
  });

  it("reports the backup age from the stack's reader: ok when recent, FAIL when none, skip when out of reach", async () => {
    const withBackups = planOf({ ...localConfig(), backup: { offCluster: { enabled: true, directory: "/srv/b" } } }, "local");
    const now = new Date("2026-12-01T12:00:00Z");
    const age = async (backups: Parameters<typeof runVerify>[0]["backups"]) =>
      (await runVerify({ plan: withBackups, targets: resolveTargets(undefined, {}), access: fakeAccess(() => "1", []), backups, now: () => now })).find((r) => r.check === "backup-age");
    expect(await age({ read: async () => ({ name: "kine-20261201T110700Z.sql.gz", time: new Date("2026-12-01T11:07:30Z"), source: "t" }) })).toMatchObject({ status: "ok", detail: expect.stringMatching(/53 min ago \(every 60 min/) });
    expect(await age({ read: async () => undefined })).toMatchObject({ status: "fail", detail: expect.stringMatching(/^no off-cluster backup in \/srv\/b yet/) });
    expect(await age({ read: () => Promise.reject(new Error("docker exited 1: No such container")) })).toMatchObject({ status: "fail", detail: "docker exited 1: No such container" });
    expect(await age({ unreachable: "no bucket" })).toMatchObject({ status: "skip", detail: "no bucket" });
  });

  it("turns an access error into a FAIL line of that check", async () => {
    const results = await runVerify({
      plan,
      targets: resolveTargets(undefined, {}),
      access: { description: "x", kineUnreachable: "n/a", varz: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9000")), ybAdmin: () => Promise.reject(new Error("docker exited 1: No such container")) },
    });
    expect(results.find((r) => r.check === "tserver-flags/yb-zone-a-0")).toMatchObject({ status: "fail", detail: "connect ECONNREFUSED 127.0.0.1:9000" });
    expect(results.find((r) => r.check === "placement")).toMatchObject({ status: "fail", detail: "docker exited 1: No such container" });
  });
});
