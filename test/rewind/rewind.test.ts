/**
 * npm run rewind (pure parts and the executor's order with stand-ins): the target time, refusals, the steps per
 * target with the names the components really register, and the order the executor runs them in.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { K3S_STATEFULSET_NAME } from "../../components/k3sServers.kubernetes";
import { KINE_DEPLOYMENT_NAME } from "../../components/kineEndpoint.kubernetes";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { parseRewindArgs, RewindUsageError } from "../../lib/rewind/cli";
import { executeRewind, jsonField, restorationState } from "../../lib/rewind/execute";
import { bumpRevisionSql, formatRewind, KUBERNETES_WORKLOADS, renderRewind, RewindRefusal } from "../../lib/rewind/steps";
import { parseRewindTarget, ybAdminMicros } from "../../lib/rewind/time";
import type { ClusterAccess } from "../../lib/verify/access";
import { YB_ADMIN } from "../../planner/ybAdmin";
import { named, ofKind, podTemplate, selectorMatches, type Obj } from "../kubernetes/support";

const now = new Date("2026-12-01T12:00:00Z");

describe("--to", () => {
  it("reads relative times, ISO 8601 with a zone, and a plain date-time as UTC", () => {
    expect(parseRewindTarget("15 minutes ago", now).toISOString()).toBe("2026-12-01T11:45:00.000Z");
    expect(parseRewindTarget("2 hours ago", now).toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(parseRewindTarget("90s ago", now).toISOString()).toBe("2026-12-01T11:58:30.000Z");
    expect(parseRewindTarget("1 day ago", now).toISOString()).toBe("2026-11-30T12:00:00.000Z");
    expect(parseRewindTarget("2026-12-01T11:15:00+01:00", now).toISOString()).toBe("2026-12-01T10:15:00.000Z");
    expect(parseRewindTarget("2026-12-01 10:15:30.25", now).toISOString()).toBe("2026-12-01T10:15:30.250Z");
    expect(parseRewindTarget("2026-12-01 10:15", now).toISOString()).toBe("2026-12-01T10:15:00.000Z");
    expect(parseRewindTarget("2026-12-01T10:15:00", now).toISOString()).toBe("2026-12-01T10:15:00.000Z");
    for (const bad of ["yesterday", "15 minutes", "2026-12-01T10:15:00+0100", "10:15"]) expect(() => parseRewindTarget(bad, now), bad).toThrow(/^--to /);
  });
  it("becomes yb-admin's 16-digit microseconds, the zone-free form ParseHybridTime takes", () => {
    expect(ybAdminMicros(new Date("2026-12-01T10:15:30.250Z"))).toBe("1796120130250000");
    expect(ybAdminMicros(now)).toMatch(/^\d{16}$/);
  });
});

let local: PlanReport;
let dev: PlanReport;
let staging: PlanReport;
beforeAll(async () => {
  const on = (stack: string) => {
    const f = readStackFile(stackFilePath(stack), stack);
    return { ...f, config: { ...f.config, "yb-k3s:backup": { pointInTime: { enabled: true } } } };
  };
  local = await planStack(on("local"));
  dev = await planStack(readStackFile(stackFilePath("dev"), "dev"));
  staging = await planStack(readStackFile(stackFilePath("staging"), "staging"));
}, 120_000);

const target = new Date("2026-12-01T11:00:00Z");
const titles = (r: PlanReport) => renderRewind({ plan: r.plan, topology: r.topology, target, now }).steps.map((s) => s.title.split(" (")[0].split(" and")[0]);

describe("the steps", () => {
  it("stop k3s, then Kine, record, restore, bump, start Kine, then k3s — on every target", () => {
    for (const r of [local, dev, staging])
      expect(titles(r)).toEqual([
        "find the snapshot schedule of ysql.kine",
        "stop every k3s server",
        "stop every Kine replica",
        "record the newest revision clients may hold",
        "rewind ysql.kine to 2026-12-01T11:00:00.000Z",
        "move Kine's revisions past the recorded one, so every client re-lists",
        "start Kine",
        "start k3s",
        "check the result",
      ]);
  });
  it("docker: stops and starts the containers the components create", () => {
    const p = renderRewind({ plan: local.plan, topology: local.topology, target, now });
    const containers = local.recorded.filter((r) => r.type === "docker:index/container:Container").map((r) => (r.inputs as Obj).name as string);
    const argv = (i: number) => (p.steps[i].actions[0] as unknown as { argv: string[] }).argv;
    expect(argv(1)).toEqual(["docker", "stop", "yb-k3s-local-k3s-0"]);
    expect(argv(2)).toEqual(["docker", "stop", "yb-k3s-local-kine-0", "yb-k3s-local-kine-1"]);
    expect(argv(6)).toEqual(["docker", "start", "yb-k3s-local-kine-0", "yb-k3s-local-kine-1"]);
    for (const n of [...argv(1).slice(2), ...argv(2).slice(2)]) expect(containers).toContain(n);
    expect(p.executable).toBe(true);
  });
  it("kubernetes: scales the Deployment and StatefulSet the components create, waits on their pods' labels, restores the planned counts", () => {
    expect(KUBERNETES_WORKLOADS).toEqual({ kineDeployment: KINE_DEPLOYMENT_NAME, k3sStatefulSet: K3S_STATEFULSET_NAME });
    const p = renderRewind({ plan: dev.plan, topology: dev.topology, target, now });
    const shows = p.steps.flatMap((s) => s.shows);
    expect(shows).toContain("kubectl --context dev -n yb-k3s scale statefulset/k3s --replicas=0");
    expect(shows).toContain("kubectl --context dev -n yb-k3s scale deployment/kine --replicas=2");
    expect(shows).toContain("kubectl --context dev -n yb-k3s scale statefulset/k3s --replicas=2");
    for (const [kind, name] of [["Deployment", "kine"], ["StatefulSet", "k3s"]] as const) {
      const w = named(dev, kind, name);
      const waitLine = shows.find((l) => l.includes("wait --for=delete") && l.includes(`app.kubernetes.io/name=${name === "kine" ? "kine" : "k3s"},`)) as string;
      const selector = Object.fromEntries(/-l (\S+)/.exec(waitLine)![1].split(",").map((kv) => kv.split("=")));
      expect(selectorMatches({ matchLabels: selector }, podTemplate(w).metadata.labels), `${kind}/${name}`).toBe(true);
      // ...and nothing else's pods.
      for (const other of [...ofKind(dev, "Deployment"), ...ofKind(dev, "StatefulSet")].filter((o) => o !== w))
        expect(selectorMatches({ matchLabels: selector }, podTemplate(other).metadata.labels)).toBe(false);
    }
  });
  it("aws: systemd units through SSM Run Command with the instance ids, printed only", () => {
    const p = renderRewind({ plan: staging.plan, topology: staging.topology, target, now, instanceIds: { kine: ["i-kine0", "i-kine1"], k3s: ["i-k3s0", "i-k3s1"] } });
    expect(p.steps[1].shows).toEqual([
      `aws ssm send-command --region us-east-1 --instance-ids i-k3s0 --document-name AWS-RunShellScript --parameters 'commands=["systemctl stop k3s"]'`,
      `aws ssm send-command --region us-east-1 --instance-ids i-k3s1 --document-name AWS-RunShellScript --parameters 'commands=["systemctl stop k3s"]'`,
    ]);
    expect(p.executable).toBe(false);
    expect(renderRewind({ plan: staging.plan, topology: staging.topology, target, now }).steps[2].shows[0]).toMatch(/--instance-ids '<instance id of kine-0>'/);
  });
  it("refuses without a schedule, a future time, a time before the retention window", () => {
    const localOff = { ...local.plan, backup: {} };
    expect(() => renderRewind({ plan: localOff, topology: local.topology, target, now })).toThrow(RewindRefusal);
    expect(() => renderRewind({ plan: dev.plan, topology: dev.topology, target: new Date("2026-12-01T12:00:01Z"), now })).toThrow(/not in the past/);
    expect(() => renderRewind({ plan: dev.plan, topology: dev.topology, target: new Date("2026-11-20T00:00:00Z"), now })).toThrow(/before the retention window \(10080 min/);
  });
  it("prints a dry run with the steps and what users will see", () => {
    const text = formatRewind(renderRewind({ plan: dev.plan, topology: dev.topology, target, now }), { dryRun: true });
    expect(text).toMatch(/^DRY RUN — nothing is changed\. Rewind of stack dev to 2026-12-01T11:00:00\.000Z \(UTC; yb-admin time 1796122800000000\):/);
    expect(text).toMatch(/restore_snapshot_schedule <schedule id> 1796122800000000/);
    expect(text).toMatch(/What users will see:\n {2}- The Kubernetes API is unavailable/);
    expect(text).toMatch(/410 Gone/);
  });
  it("the bump SQL takes only a number", () => {
    expect(() => bumpRevisionSql("1; DROP TABLE kine", target)).toThrow(/not a number/);
    expect(bumpRevisionSql("42", target)).toMatch(/^SELECT setval\('kine_id_seq', GREATEST\(42, /);
  });
});

describe("the executor (stand-in access, SQL and commands)", () => {
  it("runs the steps in order, with the schedule's id and the recorded revision", async () => {
    const events: string[] = [];
    const p = renderRewind({ plan: local.plan, topology: local.topology, target, now });
    let polls = 0;
    const access: ClusterAccess = {
      description: "fake",
      varz: () => Promise.reject(new Error("unused")),
      ybAdmin: async (args) => {
        events.push(`yb-admin ${args.join(" ")}`);
        if (args[0] === YB_ADMIN.listSnapshotSchedules)
          return JSON.stringify({ schedules: [{ id: "sched-1", options: { filter: "ysql.kine", interval: "60 min", retention: "10080 min" }, snapshots: [{ id: "s", snapshot_time: "2026-12-01 09:00:00.000000" }] }] });
        if (args[0] === YB_ADMIN.restoreSnapshotSchedule) return '{\n    "snapshot_id": "s",\n    "restoration_id": "rest-1"\n}';
        if (args[0] === YB_ADMIN.listSnapshotRestorations) return JSON.stringify({ restorations: [{ id: "rest-1", snapshot_id: "s", state: ++polls < 2 ? "RESTORING" : "RESTORED" }] });
        throw new Error(args.join(" "));
      },
    };
    await executeRewind(p, {
      access,
      sql: async (sql) => {
        events.push(`sql ${sql.split("\n")[0].slice(0, 48)}`);
        return [["4242"]];
      },
      run: async (argv) => {
        events.push(argv.join(" "));
        return "";
      },
      log: () => undefined,
      pollMs: 1,
    });
    expect(events).toEqual([
      "yb-admin list_snapshot_schedules",
      "docker stop yb-k3s-local-k3s-0",
      "docker stop yb-k3s-local-kine-0 yb-k3s-local-kine-1",
      "sql SELECT coalesce(max(id), 0) FROM kine",
      `yb-admin restore_snapshot_schedule sched-1 ${p.atMicros}`,
      "yb-admin list_snapshot_restorations rest-1",
      "yb-admin list_snapshot_restorations rest-1",
      "sql SELECT setval('kine_id_seq', GREATEST(4242, (SEL",
      "docker start yb-k3s-local-kine-0 yb-k3s-local-kine-1",
      "docker start yb-k3s-local-k3s-0",
    ]);
  });
  it("stops before anything is stopped when the window does not reach the target, and names the state on a later failure", async () => {
    const p = renderRewind({ plan: local.plan, topology: local.topology, target, now });
    const ran: string[] = [];
    const access = (restore: string): ClusterAccess => ({
      description: "fake",
      varz: () => Promise.reject(new Error("unused")),
      ybAdmin: async (args) =>
        args[0] === YB_ADMIN.listSnapshotSchedules
          ? JSON.stringify({ schedules: [{ id: "sched-1", options: { filter: "ysql.kine", interval: "60 min", retention: "10080 min" }, snapshots: [{ id: "s", snapshot_time: restore }] }] })
          : '{"error": "boom"}',
    });
    const ctx = { sql: async () => [["1"]], run: async (argv: readonly string[]) => (ran.push(argv.join(" ")), ""), log: () => undefined };
    await expect(executeRewind(p, { ...ctx, access: access("2026-12-01 11:30:00.000000") })).rejects.toThrow(/step 1 .* window starts at 2026-12-01T11:30:00\.000Z.* State: nothing was stopped/);
    expect(ran).toEqual([]);
    await expect(executeRewind(p, { ...ctx, access: access("2026-12-01 09:00:00.000000") })).rejects.toThrow(/step 5 .* no restoration_id.* State: k3s and Kine are stopped/);
  });
  it("reads yb-admin's JSON fields", () => {
    expect(jsonField('{\n    "schedule_id": "6eaaa4fb"\n}', "schedule_id")).toBe("6eaaa4fb");
    expect(restorationState('{"restorations":[{"id":"a","state":"RESTORING"},{"id":"b","state":"RESTORED"}]}', "b")).toBe("RESTORED");
  });
});

describe("command line", () => {
  it("needs --stack and --to; --confirm must name the stack and needs --execute", () => {
    expect(parseRewindArgs(["--stack", "prod", "--to", "15 minutes ago", "--execute", "--confirm", "prod"])).toMatchObject({ stack: "prod", to: "15 minutes ago", execute: true, confirm: "prod" });
    expect(parseRewindArgs(["--stack=dev", "--to=2026-12-01T10:00:00Z"])).toMatchObject({ execute: false });
    for (const bad of [["--to", "x"], ["--stack", "dev"], ["--stack", "prod", "--to", "x", "--confirm", "prod"], ["--stack", "prod", "--to", "x", "--execute", "--confirm", "staging"], ["--stack", "dev", "--to", "x", "--bogus"]])
      expect(() => parseRewindArgs(bad), bad.join(" ")).toThrow(RewindUsageError);
  });
});
