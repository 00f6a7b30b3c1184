/**
 * Point-in-time recovery (yb-k3s:backup.pointInTime): config defaults and errors, the bootstrap step on every target
 * (present when on, absent when off), its idempotency run for real in bash with a stand-in yb-admin that keeps state
 * and checks upstream's argument shape, and shellcheck on every rendered bootstrap.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { renderBootstrapScript, renderSnapshotScheduleStep } from "../../planner/bootstrap";

import { assertTools, ofType, shellcheckProblems, T, userDataOf, writtenFiles } from "../aws/support";
import { podTemplate, type Obj } from "../kubernetes/support";
import { configProblems, devConfig, localConfig, planOf, prodConfig, stagingConfig } from "../support/topologies";

const problems = configProblems;

describe("config and plan", () => {
  it("is on by default where the stack keeps its data (protectData), off on docker", () => {
    expect(planOf(localConfig()).backup).toEqual({});
    expect(planOf(devConfig()).backup.pointInTime).toEqual({ database: "kine", intervalMinutes: 60, retentionMinutes: 7 * 1440 });
    expect(planOf(stagingConfig()).backup.pointInTime).toBeDefined();
    expect(planOf(prodConfig()).backup.pointInTime).toBeDefined();
    expect(planOf({ ...devConfig(), protectData: false }).backup).toEqual({});
  });
  it("follows explicit settings", () => {
    expect(planOf({ ...localConfig(), backup: { pointInTime: { enabled: true, intervalMinutes: 15, retentionDays: 2 } } }).backup.pointInTime).toEqual({
      database: "kine",
      intervalMinutes: 15,
      retentionMinutes: 2880,
    });
    expect(planOf({ ...prodConfig(), backup: { pointInTime: { enabled: false } } }).backup.pointInTime).toBeUndefined();
    expect(planOf({ ...devConfig(), yugabyte: { database: "k8s_state" } }).backup.pointInTime?.database).toBe("k8s_state");
  });
  it("rejects bad values with one line per problem, naming the key", () => {
    expect(problems({ ...devConfig(), backup: { pointInTime: { intervalMinutes: 0 } } })).toEqual(["yb-k3s:backup.pointInTime.intervalMinutes: must be at least 1 (minutes)"]);
    expect(problems({ ...devConfig(), backup: { pointInTime: { intervalMinutes: 1440, retentionDays: 1 } } })).toEqual([
      "yb-k3s:backup.pointInTime.retentionDays: retentionDays must be longer than intervalMinutes, or no snapshot is ever kept",
    ]);
    expect(problems({ ...devConfig(), backup: { pointInTime: { retentionDays: 90 } } })).toEqual([
      "yb-k3s:backup.pointInTime.retentionDays: must be at most 35 (days): history costs disk on every node",
    ]);
    expect(problems({ ...devConfig(), backup: { pitr: true } })).toEqual(["yb-k3s:backup.pitr: unknown key (allowed here: pointInTime, offCluster)"]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const withBackup = (stack: string, enabled: boolean) => {
  const f = readStackFile(stackFilePath(stack), stack);
  return { ...f, config: { ...f.config, "yb-k3s:backup": { pointInTime: { enabled } } } };
};

/** The bootstrap script exactly as each target hands it to its runner. */
function renderedBootstrap(r: PlanReport): string {
  switch (r.plan.target) {
    case "docker": {
      const c = ofType(r, "docker:index/container:Container").find((x) => (x.inputs as Obj).name === `${r.plan.prefix}-yb-bootstrap`);
      return ((c?.inputs as Obj).command as string[])[2];
    }
    case "kubernetes": {
      // The bootstrap Job (the rollout gates and the scale-in drain are Jobs too).
      const jobs = r.recorded.filter((x) => x.type === "kubernetes:batch/v1:Job" && x.name === "yugabyte-bootstrap");
      expect(jobs).toHaveLength(1);
      return (podTemplate(jobs[0]).spec.containers[0].command as string[])[2];
    }
    case "aws": {
      const node0 = ofType(r, T.instance).find((i) => i.name === r.plan.nodes[0].name);
      return writtenFiles(userDataOf(node0 as never)).find((f) => f.path === "/usr/local/lib/yb-k3s/bootstrap.sh")?.content as string;
    }
  }
}

const reports: Record<string, PlanReport> = {};
const STACKS = [
  ["local", "docker"],
  ["dev", "kubernetes"],
  ["staging", "aws"],
] as const;

describe("the bootstrap step on every target", () => {
  beforeAll(async () => {
    assertTools();
    for (const [stack] of STACKS) {
      reports[`${stack}:on`] = await planStack(withBackup(stack, true));
      reports[`${stack}:off`] = await planStack(withBackup(stack, false));
    }
    reports.prod = await planStack(readStackFile(stackFilePath("prod"), "prod"));
  }, 180_000);

  for (const [stack, target] of STACKS) {
    it(`${target} (${stack}): the step is in the bootstrap the target runs when on, and absent when off`, () => {
      const on = renderedBootstrap(reports[`${stack}:on`]);
      expect(on).toBe(renderBootstrapScript(reports[`${stack}:on`].plan));
      expect(on).toContain(renderSnapshotScheduleStep(`${reports[`${stack}:on`].plan.yugabyte.binDir}/yb-admin -master_addresses "$MASTERS"${reports[`${stack}:on`].plan.tls ? ` -certs_dir_name '/etc/yb-k3s/bootstrap-tls'` : ""}`, reports[`${stack}:on`].plan.backup.pointInTime!));
      expect(on).toMatch(/create_snapshot_schedule 60 10080 'ysql\.kine'\n/);
      const off = renderedBootstrap(reports[`${stack}:off`]);
      expect(off).not.toMatch(/snapshot_schedule/);
    });
  }

  it("every shipped stack's bootstrap, with the step, passes shellcheck -S error; the step runs after the schema", () => {
    for (const r of [...Object.values(reports)]) {
      const script = renderedBootstrap(r);
      expect(shellcheckProblems(script), r.plan.stack).toBe("");
      if (r.plan.backup.pointInTime) expect(script.indexOf("create_snapshot_schedule")).toBeGreaterThan(script.indexOf("kine_list_query_index"));
    }
    expect(renderedBootstrap(reports.prod)).toMatch(/-certs_dir_name '\/etc\/yb-k3s\/bootstrap-tls' create_snapshot_schedule 60 10080 'ysql\.kine'/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("the step is idempotent (run for real in bash, stand-in yb-admin with state)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yb-k3s-pitr-"));
  const state = path.join(dir, "schedules.json");
  const calls = path.join(dir, "calls");
  // Upstream's shapes (yb-admin_cli.cc): create_snapshot_schedule takes exactly 3 arguments, minutes as numbers and
  // a namespace; list prints {"schedules":[...]} pretty-printed; create prints {"schedule_id": ...}.
  const fake = path.join(dir, "yb-admin");
  fs.writeFileSync(
    fake,
    `#!/bin/bash
set -euo pipefail
[ "$1" = -master_addresses ] && shift 2
echo "$*" >> ${calls}
case "$1" in
  list_snapshot_schedules) cat ${state} ;;
  create_snapshot_schedule)
    [ $# -eq 4 ] || { echo "Invalid arguments for operation" >&2; exit 1; }
    [[ "$2" =~ ^[0-9]+$ && "$3" =~ ^[0-9]+$ && "$4" =~ ^ysql\\.[a-z_][a-z0-9_]*$ ]] || { echo "bad arguments" >&2; exit 1; }
    python3 - "$2" "$3" "$4" ${state} <<'PY'
import json, sys
i, r, ns, f = sys.argv[1:]
d = json.load(open(f))
d["schedules"].append({"id": "6eaaa4fb-397f-41e2-a8fe-a93e0c9f525%d" % len(d["schedules"]), "options": {"filter": ns, "interval": i + " min", "retention": r + " min"}, "snapshots": []})
json.dump(d, open(f, "w"), indent=4)
print(json.dumps({"schedule_id": d["schedules"][-1]["id"]}, indent=4))
PY
    ;;
  fail_list) exit 1 ;;
  *) echo "unexpected $1" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
  const plan = planOf(devConfig());
  const step = renderSnapshotScheduleStep(`${fake} -master_addresses "$MASTERS"`, plan.backup.pointInTime!);
  const run = (script = step) => spawnSync("bash", ["-c", `set -euo pipefail\nMASTERS=a:7100\nlog() { echo "LOG $*"; }\n${script}`], { encoding: "utf8" });
  const reset = (schedules: unknown[] = []) => {
    fs.writeFileSync(state, JSON.stringify({ schedules }, null, 4));
    fs.writeFileSync(calls, "");
  };
  const creates = () => fs.readFileSync(calls, "utf8").split("\n").filter((l) => l.startsWith("create_snapshot_schedule"));

  it("creates the schedule once: a second run finds it and creates nothing", () => {
    reset();
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/LOG creating the snapshot schedule for ysql\.kine/);
    expect(creates()).toEqual(["create_snapshot_schedule 60 10080 ysql.kine"]);
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/LOG snapshot schedule for ysql\.kine already exists/);
    expect(creates()).toHaveLength(1);
    expect((JSON.parse(fs.readFileSync(state, "utf8")) as { schedules: unknown[] }).schedules).toHaveLength(1);
  });
  it("ignores schedules of other databases and one being deleted", () => {
    reset([
      { id: "x", options: { filter: "ysql.other", interval: "60 min", retention: "10080 min" }, snapshots: [] },
      { id: "y", options: { filter: "ysql.kine", interval: "60 min", retention: "10080 min", delete_time: "2026-12-01 10:00:00.000000" }, snapshots: [] },
    ]);
    expect(run().status).toBe(0);
    expect(creates()).toEqual(["create_snapshot_schedule 60 10080 ysql.kine"]);
  });
  it("stops (non-zero, nothing created) when the listing fails, rather than guessing", () => {
    reset();
    const broken = step.replace(/ list_snapshot_schedules\)/, " fail_list)");
    expect(broken).not.toBe(step);
    const r = run(broken);
    expect(r.status).not.toBe(0);
    expect(creates()).toEqual([]);
  });
  it("is valid bash for shellcheck on its own too", () => {
    expect(shellcheckProblems(`#!/bin/bash\nset -euo pipefail\nMASTERS=a\nlog() { :; }\n${step}`)).toBe("");
    expect(execFileSync("bash", ["-n", "-c", step]).toString()).toBe("");
  });
});

