/** verify's YugabyteDB checks (pure): /varz?raw, get_universe_config and list_snapshot_schedules output against plans. */
import { describe, expect, it } from "vitest";
import {
  evaluatePlacement,
  evaluateSnapshotSchedule,
  evaluateTserverFlags,
  parseSnapshotSchedules,
  parseUniverseConfig,
  parseVarz,
  parseYbAdminTime,
} from "../../lib/verify/yugabyte";
import type { ClusterPlan } from "../../planner/plan";
import { localConfig, planOf, prodConfig } from "../support/topologies";

/** The raw flags page as yb-tserver serves it: a header line, then `--name=value` per gflag. */
const varz = (flags: Record<string, string>) => `Command-line Flags\n${Object.entries(flags).map(([k, v]) => `--${k}=${v}`).join("\n")}\n--ysql_pg_conf_csv=\n--fs_data_dirs=/mnt/d0\n`;

/** get_universe_config as yb-admin prints it (protobuf JSON of SysClusterConfigEntryPB) for what a plan applies. */
function universeOf(plan: ClusterPlan): string {
  const ci = (b: { cloud: string; region: string; zone: string }) => ({ placementCloud: b.cloud, placementRegion: b.region, placementZone: b.zone });
  const priorities = [...new Set(plan.yugabyte.preferredLeaders.map((b) => b.priority ?? 1))].sort();
  return JSON.stringify({
    version: 3,
    replicationInfo: {
      liveReplicas: {
        numReplicas: plan.replicationFactor,
        placementBlocks: plan.yugabyte.placement.map((b) => ({ cloudInfo: ci(b), minNumReplicas: b.minReplicas ?? 1 })),
        placementUuid: "9b5c1c7c-7f8e-4a6b-9d3c-2e1f0a9b8c7d",
      },
      ...(priorities.length ? { multiAffinitizedLeaders: priorities.map((p) => ({ zones: plan.yugabyte.preferredLeaders.filter((b) => (b.priority ?? 1) === p).map(ci) })) } : {}),
    },
    clusterUuid: "0c9f5e4e-1a2b-4c3d-8e9f-aabbccddeeff",
    universeUuid: "1d0a6f5f-2b3c-4d4e-9f0a-bbccddeeff00",
  });
}

describe("tserver flags from /varz?raw", () => {
  const plan = planOf(localConfig());
  it("parses --name=value lines only", () => {
    expect(parseVarz("<h2>Command-line Flags</h2>\n--a=1\n--b=\nnot a flag\n--c=x=y\n")).toEqual({ a: "1", b: "", c: "x=y" });
  });
  it("passes a tserver running the planned flags", () => {
    const r = evaluateTserverFlags("yb-zone-a-0", parseVarz(varz({ ...plan.yugabyte.tserverFlags })), plan.yugabyte.tserverFlags);
    expect(r).toMatchObject({ status: "ok", check: "tserver-flags/yb-zone-a-0" });
    expect(r.detail).toMatch(/^ysql_sequence_cache_minval=1 \(running server\)/);
  });
  it("fails the default sequence cache (the hazard) and a missing planned flag, naming both", () => {
    const r = evaluateTserverFlags("yb-zone-b-0", parseVarz(varz({ ysql_sequence_cache_minval: "100" })), plan.yugabyte.tserverFlags);
    expect(r.status).toBe("fail");
    expect(r.detail).toMatch(/ysql_sequence_cache_minval=100, planned 1 \(required/);
    expect(r.detail).toMatch(/ysql_enable_auth=\(not set\), planned true/);
  });
  it("treats gflags booleans alike (1/true) and fails an empty page", () => {
    expect(evaluateTserverFlags("n", { ysql_sequence_cache_minval: "1", ysql_enable_auth: "1" }, { ysql_enable_auth: "true" }).status).toBe("ok");
    expect(evaluateTserverFlags("n", {}).status).toBe("fail");
  });
});

describe("placement from get_universe_config", () => {
  for (const [name, cfg] of [["local", localConfig()], ["prod", prodConfig()]] as const) {
    it(`${name}: what the plan's bootstrap applies passes`, () => {
      const plan = planOf(cfg);
      expect(evaluatePlacement(plan, parseUniverseConfig(universeOf(plan)))).toMatchObject({ status: "ok", check: "placement" });
    });
  }
  it("prod: preferred leaders in priority order are read from multiAffinitizedLeaders", () => {
    const plan = planOf(prodConfig());
    const u = parseUniverseConfig(universeOf(plan));
    expect(u.preferred.map((p) => `${p.zone}:${p.priority}`)).toEqual(plan.yugabyte.preferredLeaders.map((b) => `${b.cloud}.${b.region}.${b.zone}:${b.priority}`));
  });
  it("fails a universe left at its defaults (no placement applied) and one with a zone missing", () => {
    const plan = planOf(localConfig());
    const bare = evaluatePlacement(plan, parseUniverseConfig(JSON.stringify({ version: 1, clusterUuid: "x" })));
    expect(bare.status).toBe("fail");
    expect(bare.detail).toMatch(/replication factor \(unset\), planned 3; no placement block local\.dc1\.zone-a/);
    const doc = JSON.parse(universeOf(plan));
    doc.replicationInfo.liveReplicas.placementBlocks.pop();
    doc.replicationInfo.liveReplicas.numReplicas = 1;
    const r = evaluatePlacement(plan, parseUniverseConfig(JSON.stringify(doc)));
    expect(r.detail).toBe("replication factor 1, planned 3; no placement block local.dc1.zone-c (planned min 1)");
  });
  it("accepts the older output with a leading line", () => {
    const plan = planOf(localConfig());
    expect(parseUniverseConfig(`Config: \n${universeOf(plan)}`).numReplicas).toBe(3);
  });
});

describe("snapshot schedule from list_snapshot_schedules", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const listing = (snapshotTimes: string[], o: Partial<{ filter: string; interval: number; retention: number }> = {}) =>
    JSON.stringify(
      {
        schedules: [
          {
            id: "6eaaa4fb-397f-41e2-a8fe-a93e0c9f5256",
            options: { filter: o.filter ?? "ysql.kine", interval: `${o.interval ?? 60} min`, retention: `${o.retention ?? 10080} min` },
            snapshots: snapshotTimes.map((t, i) => ({ id: `0436035d-c4c5-40c6-b45b-19538849b0d${i}`, snapshot_time: t, ...(i ? { previous_snapshot_time: snapshotTimes[i - 1] } : {}) })),
          },
        ],
      },
      null,
      2,
    );
  const expected = { database: "kine", intervalMinutes: 60, retentionMinutes: 10080 };

  it("parses yb-admin's times (rendered in TZ=UTC)", () => {
    expect(parseYbAdminTime("2026-12-01 11:40:02.381772").toISOString()).toBe("2026-12-01T11:40:02.381Z");
    const [s] = parseSnapshotSchedules(listing(["2026-12-01 10:40:00.000001", "2026-12-01 11:40:00.000001"]));
    expect(s).toMatchObject({ filter: "ysql.kine", intervalMinutes: 60, retentionMinutes: 10080 });
    expect(s.snapshots).toHaveLength(2);
  });
  it("passes a schedule as planned whose newest snapshot is within two intervals", () => {
    const r = evaluateSnapshotSchedule(expected, parseSnapshotSchedules(listing(["2026-12-01 10:40:00.000000", "2026-12-01 11:40:00.000000"])), now);
    expect(r).toMatchObject({ status: "ok", detail: "6eaaa4fb-397f-41e2-a8fe-a93e0c9f5256: every 60 min, kept 10080 min, 2 snapshot(s), newest 20 min ago" });
  });
  it("fails a stale newest snapshot, a schedule of another database, other interval/retention, no snapshot", () => {
    expect(evaluateSnapshotSchedule(expected, parseSnapshotSchedules(listing(["2026-12-01 08:00:00.000000"])), now).detail).toMatch(/newest snapshot is 240 min old .* more than 125 min/);
    expect(evaluateSnapshotSchedule(expected, parseSnapshotSchedules(listing([], { filter: "ysql.other" })), now).detail).toMatch(/^no snapshot schedule for ysql\.kine/);
    expect(evaluateSnapshotSchedule(expected, parseSnapshotSchedules(listing(["2026-12-01 11:50:00.000000"], { interval: 1440, retention: 4320 })), now).detail).toMatch(
      /interval 1440 min, planned 60; retention 4320 min, planned 10080/,
    );
    expect(evaluateSnapshotSchedule(expected, parseSnapshotSchedules(listing([])), now).detail).toMatch(/no snapshot taken yet/);
    expect(evaluateSnapshotSchedule(expected, parseSnapshotSchedules('{"schedules": []}'), now).status).toBe("fail");
  });
  it("is ok with no schedule when the stack has point-in-time recovery off", () => {
    expect(evaluateSnapshotSchedule(undefined, [], now)).toMatchObject({ status: "ok", detail: "point-in-time recovery is off for this stack; 0 schedule(s) present" });
  });
});
