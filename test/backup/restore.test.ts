/**
 * `npm run restore` rendered (lib/restore/*) and verify's backup-age evaluation (lib/verify/backup.ts), pure. The
 * restore's steps run for real in test/integration/backup-restore.test.ts; the CronJob status verify reads is read for
 * real in e2e/tests/dev-stack.test.ts (f).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTopology } from "../../config/load";
import { parseRestoreArgs, RestoreUsageError } from "../../lib/restore/cli";
import { BACKUP_PLACEHOLDER, checkDump, checkFrom, pickBackup, renderRestore, RestoreRefusal, type RestoreAction } from "../../lib/restore/steps";
import { evaluateBackupAge, maxBackupAgeMinutes, newestSuccessfulRun, parseLatestJson } from "../../lib/verify/backup";
import { backupName } from "../../planner/backup";
import { buildPlan } from "../../planner/plan";
import { devConfig, localConfig, stagingConfig } from "../support/topologies";

const stack = (raw: Record<string, unknown>, name = "test") => {
  const topology = parseTopology(raw);
  return { plan: buildPlan({ project: "yb-k3s", stack: name, topology }), topology };
};
const local = () => stack({ ...localConfig(), backup: { offCluster: { enabled: true, directory: "/var/backups/yb" } } }, "local");
const execs = (actions: readonly RestoreAction[]) => actions.flatMap((a) => (a.kind === "exec" ? [a.argv.join(" ")] : []));

describe("restore: what it accepts", () => {
  it("takes 'latest' or a backup's own name, nothing else", () => {
    expect(() => checkFrom("latest")).not.toThrow();
    expect(() => checkFrom(backupName(new Date("2026-12-01T10:15:00Z")))).not.toThrow();
    for (const bad of ["yesterday", "kine-2026.sql.gz", "../etc/passwd"]) expect(() => checkFrom(bad), bad).toThrow(RestoreRefusal);
  });

  it("picks the newest backup for 'latest', the named one otherwise, and ignores what is not a backup", () => {
    const names = ["latest.json", "kine-20261201T090700Z.sql.gz", "notes.txt", "kine-20261201T110700Z.sql.gz", "kine-20261201T100700Z.sql.gz", ".kine-20261201T120700Z.sql.gz.part"];
    expect(pickBackup(names, "latest")).toBe("kine-20261201T110700Z.sql.gz");
    expect(pickBackup(names, "kine-20261201T090700Z.sql.gz")).toBe("kine-20261201T090700Z.sql.gz");
    expect(() => pickBackup(names, "kine-20261101T090700Z.sql.gz")).toThrow(/not found; the newest are/);
    expect(() => pickBackup(["latest.json"], "latest")).toThrow(/no backups found/);
    // `aws s3 ls` lines: date, time, size, key.
    expect(pickBackup(["2026-12-01 11:07:01   4096 kine-20261201T110700Z.sql.gz"], "latest")).toBe("kine-20261201T110700Z.sql.gz");
  });

  it("picking 'latest' is the maximum by time over any listing (property)", () => {
    const t = fc.integer({ min: Date.parse("2020-01-01T00:00:00Z") / 1000, max: Date.parse("2040-01-01T00:00:00Z") / 1000 }).map((s) => new Date(s * 1000));
    fc.assert(
      fc.property(fc.array(t, { minLength: 1, maxLength: 30 }), (times) => {
        const newest = new Date(Math.max(...times.map((x) => x.getTime())));
        expect(pickBackup(fc.sample(fc.shuffledSubarray(times.map(backupName), { minLength: times.length }), 1)[0], "latest")).toBe(backupName(newest));
      }),
    );
  });

  it("loads only a data-only dump of Kine's table", () => {
    const ok = "--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\nCOPY public.kine (id, name) FROM stdin;\n1\ta\n\\.\nSELECT pg_catalog.setval('public.kine_id_seq', 1, true);\n";
    expect(() => checkDump(ok)).not.toThrow();
    expect(() => checkDump(ok.replace("PostgreSQL database dump", "something"))).toThrow(/no dump header/);
    expect(() => checkDump(ok.replace("COPY public.kine", "COPY public.other"))).toThrow(/no rows of public.kine/);
    expect(() => checkDump(`${ok}COPY public.users (id) FROM stdin;\n\\.\n`)).toThrow(/other tables too \(public.users\)/);
    expect(() => checkDump(`${ok}CREATE TABLE x (id int);\n`)).toThrow(/DDL \(CREATE/);
  });

  it("parses its command line and refuses what makes no sense", () => {
    expect(parseRestoreArgs(["--stack", "dev", "--from", "latest"])).toMatchObject({ stack: "dev", from: "latest", execute: false });
    expect(parseRestoreArgs(["--stack=prod", "--from=latest", "--execute", "--confirm", "prod"])).toMatchObject({ execute: true, confirm: "prod" });
    expect(() => parseRestoreArgs(["--stack", "dev"])).toThrow(/--from is required/);
    expect(() => parseRestoreArgs(["--stack", "dev", "--from", "latest", "--confirm", "dev"])).toThrow(/only applies with --execute/);
    expect(() => parseRestoreArgs(["--stack", "dev", "--from", "latest", "--execute", "--confirm", "prod"])).toThrow(/does not name the stack/);
    expect(() => parseRestoreArgs(["--stack", "dev", "--from", "latest", "--bogus"])).toThrow(RestoreUsageError);
  });
});

describe("restore: the steps per target", () => {
  it("refuses a stack with off-cluster backups off", () => {
    const s = stack(localConfig(), "local");
    expect(() => renderRestore({ ...s, from: "latest", workDir: "/tmp/w" })).toThrow(/off-cluster backups off/);
  });

  it("docker: pauses the backup container, stops k3s before Kine, starts Kine before k3s, resumes last", () => {
    const s = local();
    const r = renderRestore({ ...s, from: "latest", workDir: "/tmp/w" });
    const cmds = r.steps.flatMap((x) => execs(x.actions));
    const p = s.plan.prefix;
    expect(cmds).toEqual([
      `docker stop ${p}-kine-backup`,
      `docker stop ${s.plan.k3s.servers.map((x) => `${p}-${x.name}`).join(" ")}`,
      `docker stop ${s.plan.kine.replicas.map((x) => `${p}-${x.name}`).join(" ")}`,
      `docker start ${s.plan.kine.replicas.map((x) => `${p}-${x.name}`).join(" ")}`,
      `docker start ${s.plan.k3s.servers.map((x) => `${p}-${x.name}`).join(" ")}`,
      `docker start ${p}-kine-backup`,
    ]);
    const kinds = r.steps.flatMap((x) => x.actions.map((a) => a.kind));
    expect(kinds.filter((k) => k !== "exec")).toEqual(["resolve", "fetch", "check-dump", "record-revision", "load", "bump-revision"]);
    // The dump is checked before anything of the control plane stops.
    expect(kinds.indexOf("check-dump")).toBeLessThan(kinds.indexOf("exec", 1));
    expect(r.executable).toBe(true);
  });

  it("kubernetes: suspends the CronJob, reads the claim through a reader pod with kubectl cp, scales k3s then Kine to 0", () => {
    const s = stack(devConfig(), "dev");
    const r = renderRestore({ ...s, from: "latest", workDir: "/tmp/w" });
    const cmds = r.steps.flatMap((x) => execs(x.actions));
    expect(cmds[0]).toMatch(/patch cronjob kine-backup --type=merge -p \{"spec":\{"suspend":true\}\}$/);
    expect(cmds[1]).toMatch(/ run kine-restore-reader --image=yugabytedb\/yugabyte:\S+ --restart=Never --overrides=/);
    expect(JSON.parse(cmds[1].split("--overrides=")[1]).spec.volumes).toEqual([{ name: "backups", persistentVolumeClaim: { claimName: "kine-backups", readOnly: true } }]);
    const fetch = r.steps[1].actions.find((a) => a.kind === "fetch");
    expect(fetch && "argv" in fetch.via ? fetch.via.argv.join(" ") : "").toContain(`cp -c reader yb-k3s/kine-restore-reader:/backups/${BACKUP_PLACEHOLDER} /tmp/w/latest`);
    const order = cmds.map((c) => /scale (statefulset\/k3s|deployment\/kine) --replicas=(\d)/.exec(c)?.slice(1).join("=")).filter(Boolean);
    expect(order).toEqual(["statefulset/k3s=0", "deployment/kine=0", "deployment/kine=2", "statefulset/k3s=2"]);
    expect(cmds.at(-1)).toMatch(/"suspend":false/);
  });

  it("aws: prints SSM and S3 commands with the bucket from the outputs, and does not execute", () => {
    const s = stack(stagingConfig(), "staging");
    const r = renderRestore({ ...s, from: "latest", workDir: "/tmp/w", bucket: "yb-k3s-staging-kine-backups-abc", instanceIds: { yugabyte: ["i-0a", "i-0b", "i-0c"], kine: ["i-1a", "i-1b"], k3s: ["i-2a", "i-2b"] } });
    const cmds = r.steps.flatMap((x) => execs(x.actions));
    expect(cmds[0]).toContain("--instance-ids i-0a");
    expect(cmds[0]).toContain("systemctl stop yb-k3s-backup.timer");
    const resolve = r.steps[1].actions[0];
    expect(resolve.kind === "resolve" && "argv" in resolve.list ? resolve.list.argv.join(" ") : "").toBe("aws --region us-east-1 s3 ls s3://yb-k3s-staging-kine-backups-abc/kine/");
    expect(r.executable).toBe(false);
    // One region: no replica to fall back on.
    expect(r.steps[1].shows.join("\n")).not.toContain("replica");
  });

  it("aws across regions: names the replica bucket as the way in when the primary region is down", () => {
    const s = stack({ ...stagingConfig(), regions: [...(stagingConfig().regions as object[]), { name: "us-west-2", zones: ["us-west-2a", "us-west-2b", "us-west-2c"], cidr: "10.41.0.0/16" }] }, "staging");
    expect(s.plan.backup.offCluster?.destination).toMatchObject({ region: "us-east-1", replicaRegion: "us-west-2" });
    const r = renderRestore({ ...s, from: "latest", workDir: "/tmp/w", bucket: "b-primary", replica: { bucket: "b-replica", region: "us-west-2" } });
    expect(r.steps[1].shows).toContain(`# primary region down? the replica: aws --region us-west-2 s3 cp 's3://b-replica/kine/${BACKUP_PLACEHOLDER}' /tmp/w/latest`);
  });
});

describe("verify: backup age", () => {
  const b = local().plan.backup.offCluster!;
  const now = new Date("2026-12-01T12:00:00Z");
  it("is ok within two intervals (plus slack), a failure past them or with no backup, a skip when backups are off", () => {
    const at = (minAgo: number) => ({ name: "kine-x", time: new Date(now.getTime() - minAgo * 60_000), source: "test" });
    expect(evaluateBackupAge(b, at(30), now).status).toBe("ok");
    expect(evaluateBackupAge(b, at(maxBackupAgeMinutes(b)), now).status).toBe("ok");
    expect(evaluateBackupAge(b, at(maxBackupAgeMinutes(b) + 1), now)).toMatchObject({ status: "fail", detail: expect.stringMatching(/older than 130 min, so backups are failing/) });
    expect(evaluateBackupAge(b, undefined, now)).toMatchObject({ status: "fail", detail: expect.stringMatching(/no off-cluster backup in \/var\/backups\/yb yet/) });
    expect(evaluateBackupAge(undefined, undefined, now).status).toBe("skip");
  });

  it("reads latest.json as the backup script writes it, and Jobs as the API server returns them", () => {
    expect(parseLatestJson('{"name":"kine-20261201T110700Z.sql.gz","time":"2026-12-01T11:07:09Z","bytes":123}\n', "f")).toEqual({ name: "kine-20261201T110700Z.sql.gz", time: new Date("2026-12-01T11:07:09Z"), source: "f" });
    expect(() => parseLatestJson('{"name":1}', "f")).toThrow(/not a latest.json/);
    const job = (name: string, completionTime: string | undefined, type = "Complete") => ({ metadata: { name }, status: { completionTime, conditions: [{ type, status: "True" }] } });
    const jobs = [job("a", "2026-12-01T09:07:30Z"), job("b", "2026-12-01T11:07:30Z"), job("c", undefined, "Failed")];
    expect(newestSuccessfulRun(jobs, "2026-12-01T10:07:30Z")?.name).toBe("job/b");
    expect(newestSuccessfulRun([job("c", undefined, "Failed")], undefined)).toBeUndefined();
    expect(newestSuccessfulRun([], "2026-12-01T10:07:30Z")?.name).toBe("cronjob/kine-backup");
  });
});
