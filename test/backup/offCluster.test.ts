/**
 * Off-cluster backups (yb-k3s:backup.offCluster): config defaults and errors, the schedule on every target (checked by
 * the real `systemd-analyze calendar` and against cron's own grammar), the backup script (shellcheck at warning level,
 * ysql_dump's flags against the real pg_dump), and what each target registers under the strict mocks: the aws bucket
 * (encryption, versioning, lifecycle, public access, TLS-only policy, a put-only writer), node 0's timer, the kubernetes
 * CronJob and claim (schema-validated), the docker container.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { OFF_CLUSTER_INTERVALS } from "../../config/backup";
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { BACKUP_FILES, KINE_BACKUP_NAME, backupName, backupTime, cronSchedule, onCalendar } from "../../planner/backup";
import { dumpArgs, renderBackupScript } from "../../planner/backupScript";
import { YB_UNITS } from "../../planner/awsUserData";
import { ports } from "../../planner/ports";
import { K8S_APPS } from "../../components/kubernetes.common";
import { backupBucketPrefix } from "../../components/kineBackups.aws";
import { PG_BIN_DIR } from "../support/postgres";
import { configProblems, devConfig, localConfig, planOf, prodConfig, stagingConfig } from "../support/topologies";
import { ofType, T, userDataOf, writtenFiles, type Res } from "../aws/support";
import { ingressAllowed, named, ofKind, validateAgainstSchema, type Obj } from "../kubernetes/support";

const problems = configProblems;

const dir = mkdtempSync(join(tmpdir(), "yb-k3s-backup-test-"));
let n = 0;
/** shellcheck at warning level (stricter than the user-data sweep's `-S error`). */
function shellcheck(script: string): string {
  const file = join(dir, `backup-${n++}.sh`);
  writeFileSync(file, script);
  const r = spawnSync("shellcheck", ["-S", "warning", file], { encoding: "utf8" });
  if (r.error) throw r.error;
  return r.status === 0 ? "" : r.stdout;
}

describe("config and plan", () => {
  it("is on by default where the stack keeps its data, with the destination its target has", () => {
    expect(planOf(localConfig()).backup.offCluster).toBeUndefined();
    expect(planOf(devConfig()).backup.offCluster?.destination).toEqual({ kind: "pvc", claimName: "kine-backups", size: "20Gi", storageClass: undefined });
    expect(planOf(stagingConfig()).backup.offCluster?.destination).toEqual({ kind: "s3", keyPrefix: "kine/", region: "us-east-1" });
    expect(planOf(prodConfig()).backup.offCluster?.destination.kind).toBe("s3");
    expect(planOf({ ...devConfig(), protectData: false }).backup.offCluster).toBeUndefined();
    const b = planOf(devConfig()).backup.offCluster;
    expect([b?.intervalMinutes, b?.retentionDays, b?.cron, b?.onCalendar]).toEqual([60, 14, "7 * * * *", "*-*-* 00/1:07:00 UTC"]);
  });

  it("writes to a host directory on docker, which must then be given", () => {
    const on = { ...localConfig(), backup: { offCluster: { enabled: true, directory: "/var/backups/yb-k3s" } } };
    expect(planOf(on).backup.offCluster?.destination).toEqual({ kind: "directory", path: "/var/backups/yb-k3s" });
    expect(problems({ ...localConfig(), backup: { offCluster: { enabled: true } } })).toEqual([
      "yb-k3s:backup.offCluster.directory: is required on docker while off-cluster backups are on (backup.offCluster.enabled, default protectData): the host directory to write them to, such as /var/backups/yb-k3s; or set backup.offCluster.enabled: false",
    ]);
    // protectData on docker turns backups on too, so the directory is needed there as well.
    expect(problems({ ...localConfig(), protectData: true })).toHaveLength(1);
  });

  it("rejects bad values with one line per problem, naming the key and what is allowed", () => {
    expect(problems({ ...devConfig(), backup: { offCluster: { intervalMinutes: 45 } } })).toEqual([
      `yb-k3s:backup.offCluster.intervalMinutes: must be one of ${OFF_CLUSTER_INTERVALS.join(", ")} (minutes); got 45`,
    ]);
    expect(problems({ ...devConfig(), backup: { offCluster: { retentionDays: 0 } } })).toEqual(["yb-k3s:backup.offCluster.retentionDays: must be at least 1 (day)"]);
    expect(problems({ ...devConfig(), backup: { offCluster: { volumeSize: "20GB" } } })).toEqual(["yb-k3s:backup.offCluster.volumeSize: must be a size such as 20Gi (Mi, Gi or Ti)"]);
    expect(problems({ ...localConfig(), backup: { offCluster: { enabled: true, directory: "backups" } } })).toEqual([
      "yb-k3s:backup.offCluster.directory: must be an absolute path without '..' components, such as /var/backups/yb-k3s",
    ]);
    expect(problems({ ...devConfig(), backup: { offCluster: { directory: "/srv/b" } } })).toEqual(["yb-k3s:backup.offCluster.directory: is only allowed when target is 'docker' (target is 'kubernetes')"]);
    expect(problems({ ...stagingConfig(), backup: { offCluster: { volumeSize: "5Gi" } } })).toEqual(["yb-k3s:backup.offCluster.volumeSize: is only allowed when target is 'kubernetes' (target is 'aws')"]);
  });
});

describe("schedules and names", () => {
  it("folds any stack name into a valid S3 bucket prefix (property)", () => {
    expect(backupBucketPrefix("yb-k3s-staging")).toBe("yb-k3s-staging-kine-backups-");
    expect(backupBucketPrefix("yb-k3s-Team_A.eu")).toBe("yb-k3s-team-a-eu-kine-backups-");
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.-]{1,60}$/), (stack) => {
        const p = backupBucketPrefix(`yb-k3s-${stack}`);
        expect(p.length).toBeLessThanOrEqual(37);
        expect(p).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]-$/);
        expect(p).not.toMatch(/--/);
      }),
    );
  });


  it("every allowed interval is an exact cron step and the same systemd calendar event (real systemd-analyze)", () => {
    for (const m of OFF_CLUSTER_INTERVALS) {
      const cron = cronSchedule(m).split(" ");
      expect(cron).toHaveLength(5);
      // Minute and hour fields only; a step must divide its field's range so no interval is short at the wrap.
      const step = (f: string) => Number(/^\*\/(\d+)$/.exec(f)?.[1] ?? 0);
      if (m < 60) expect([60 % step(cron[0]), step(cron[0]), cron[1]]).toEqual([0, m, "*"]);
      else if (m === 60) expect(cron.slice(0, 2)).toEqual(["7", "*"]);
      else if (m === 1440) expect(cron.slice(0, 2)).toEqual(["7", "0"]);
      else expect([cron[0], 24 % step(cron[1]), step(cron[1]) * 60]).toEqual(["7", 0, m]);
      const cal = spawnSync("systemd-analyze", ["calendar", "--iterations=3", onCalendar(m)], { encoding: "utf8" });
      expect(cal.status, cal.stderr).toBe(0);
      const next = [...cal.stdout.matchAll(/(?:Next elapse|Iter\. #\d+):\s+\w+ (\S+ \S+) UTC/g)].map((x) => Date.parse(`${x[1]}Z`.replace(" ", "T")));
      expect(next).toHaveLength(3);
      // Consecutive elapses are exactly one interval apart.
      expect([next[1] - next[0], next[2] - next[1]]).toEqual([m * 60_000, m * 60_000]);
    }
    expect(() => cronSchedule(45)).toThrow(/no exact cron schedule/);
  });

  it("backup names sort by time and give the time back (property)", () => {
    const when = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z"), noInvalidDate: true });
    fc.assert(
      fc.property(when, when, (a, b) => {
        const [x, y] = [new Date(Math.floor(a.getTime() / 1000) * 1000), new Date(Math.floor(b.getTime() / 1000) * 1000)];
        expect(backupTime(backupName(x))?.getTime()).toBe(x.getTime());
        expect(Math.sign(backupName(x).localeCompare(backupName(y)))).toBe(Math.sign(x.getTime() - y.getTime()));
      }),
    );
    for (const bad of ["kine-20261301T000000Z.sql.gz", "kine-20261201T000000Z.sql", "latest.json", "kine-20261231T246000Z.sql.gz"]) expect(backupTime(bad), bad).toBeUndefined();
  });
});

describe("the backup script", () => {
  const dev = planOf({ ...devConfig(), tls: { enabled: true } });
  const staging = planOf(stagingConfig());
  const scripts = {
    "kubernetes (PVC, TLS)": renderBackupScript(dev, { delivery: { kind: "directory", path: BACKUP_FILES.mount }, caFile: "/etc/yb-k3s/tls/ca.crt" }),
    "docker (loop)": renderBackupScript(planOf({ ...localConfig(), backup: { offCluster: { enabled: true, directory: "/srv/b" } } }), { delivery: { kind: "directory", path: BACKUP_FILES.mount }, loop: true }),
    "aws (S3)": renderBackupScript(staging, { delivery: { kind: "s3", bucket: "b-1", keyPrefix: "kine/", region: "us-east-1", awsCli: "/snap/bin/aws" } }),
  };

  it("passes shellcheck at warning level on every target", () => {
    for (const [what, s] of Object.entries(scripts)) expect(shellcheck(s), what).toBe("");
  });

  it("dumps as Kine's role, data only, Kine's table only, with flags the real pg_dump (ysql_dump's upstream) takes", () => {
    const args = dumpArgs(dev, dev.backup.offCluster as NonNullable<typeof dev.backup.offCluster>);
    expect(args).toEqual(["-h", dev.yugabyte.ysqlHost, "-p", String(ports.ysql), "-U", "kine", "-d", "kine", "--data-only", "--table=public.kine", "--no-owner", "--no-privileges"]);
    const help = execFileSync(join(PG_BIN_DIR, "pg_dump"), ["--help"], { encoding: "utf8" });
    for (const a of args.filter((x) => x.startsWith("-"))) expect(help, a).toContain(a.split("=")[0]);
  });

  it("verifies the server with the CA when TLS is on, and never names a password", () => {
    expect(scripts["kubernetes (PVC, TLS)"]).toContain("export PGSSLMODE=verify-full\nexport PGSSLROOTCERT='/etc/yb-k3s/tls/ca.crt'");
    expect(scripts["aws (S3)"]).not.toContain("PGSSLMODE");
    for (const s of Object.values(scripts)) expect(s).toMatch(/export PGPASSWORD="\$KINE_DB_PASSWORD"/);
  });

  it("prunes a directory (never the newest) and leaves S3 to its lifecycle rule: the host may not delete", () => {
    expect(scripts["docker (loop)"]).toMatch(/find "\$DEST" .* -mmin \+20160 ! -name "\$1" -delete/);
    expect(scripts["aws (S3)"]).not.toMatch(/s3 rm|s3api delete|delete-object/);
    expect(scripts["docker (loop)"]).toContain("sleep 3600");
    expect(scripts["kubernetes (PVC, TLS)"]).not.toContain("while true");
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("aws (staging, under the strict mocks)", () => {
  let r: PlanReport;
  beforeAll(async () => {
    r = await planStack(readStackFile(stackFilePath("staging"), "staging"));
  }, 120_000);
  const one = (type: string): Res => {
    const xs = r.recorded.filter((x) => x.type === type);
    expect(xs, type).toHaveLength(1);
    return xs[0];
  };

  it("creates a private, encrypted, versioned bucket that outlives a destroy", () => {
    const bucket = one("aws:s3/bucket:Bucket");
    expect([bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy]).toEqual([true, true, false]);
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true },
    ]);
    expect(one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  it("expires backups after the retention, old versions after a week, and denies plain HTTP", () => {
    const rules = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Obj[];
    expect(rules[0]).toMatchObject({ status: "Enabled", filter: { prefix: "kine/" }, expiration: { days: 14 }, noncurrentVersionExpiration: { noncurrentDays: 7 } });
    const policy = JSON.parse(String(one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy)) as Obj;
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
  });

  it("lets the database hosts only PUT under the prefix: no read, list or delete", () => {
    const writer = ofType(r, T.rolePolicy).filter((p) => !p.name.endsWith("-parameters"));
    expect(writer.map((w) => w.name)).toEqual(["backups-writer"]);
    const doc = JSON.parse(String(writer[0].inputs.policy)) as Obj;
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0].Action).toBe("s3:PutObject");
    expect(doc.Statement[0].Resource).toMatch(/^arn:aws:s3:::yb-k3s-staging-kine-backups-[0-9a-f]+\/kine\/\*$/);
    expect(String(writer[0].inputs.role)).toContain("yugabyte");
  });

  it("node 0's backup timer and service pass the real systemd-analyze verify", () => {
    // A throwaway root: the host's own system units (targets), bash, and exactly the files node 0's user data writes.
    const root = mkdtempSync(join(tmpdir(), "yb-k3s-systemd-root-"));
    cpSync("/usr/lib/systemd/system", join(root, "usr/lib/systemd/system"), { recursive: true });
    mkdirSync(join(root, "bin"), { recursive: true });
    copyFileSync("/bin/bash", join(root, "bin/bash"));
    const first = ofType(r, T.instance).find((i) => i.name === r.plan.nodes[0].name) as Res;
    for (const f of writtenFiles(userDataOf(first))) {
      mkdirSync(join(root, f.path, ".."), { recursive: true });
      writeFileSync(join(root, f.path), f.content, { mode: parseInt(f.permissions ?? "0644", 8) });
    }
    const units = [YB_UNITS.backupTimer, YB_UNITS.backup].map((u) => `/etc/systemd/system/${u}`);
    const res = spawnSync("systemd-analyze", ["verify", "--man=no", `--root=${root}`, ...units], { encoding: "utf8" });
    expect(res.error).toBeUndefined();
    expect([res.status, `${res.stdout}${res.stderr}`]).toEqual([0, ""]);
  });

  it("runs the timer on node 0 only, after the bootstrap, writing to the stack's bucket", () => {
    const instances = ofType(r, T.instance).filter((i) => i.name.startsWith("yb-"));
    const files = (i: Res) => writtenFiles(userDataOf(i));
    const [first, ...rest] = instances;
    for (const i of rest) expect(files(i).some((f) => f.path.includes("backup")), i.name).toBe(false);
    const byPath = new Map(files(first).map((f) => [f.path, f.content]));
    const timer = byPath.get(`/etc/systemd/system/${YB_UNITS.backupTimer}`) ?? "";
    expect(timer).toContain("OnCalendar=*-*-* 00/1:07:00 UTC");
    expect(timer).toContain("Persistent=true");
    expect(byPath.get(`/etc/systemd/system/${YB_UNITS.backup}`)).toMatch(new RegExp(`Requires=${YB_UNITS.bootstrap}[\\s\\S]*After=${YB_UNITS.bootstrap}`));
    const bucket = String(one("aws:s3/bucket:Bucket").inputs.bucketPrefix);
    expect(byPath.get("/usr/local/lib/yb-k3s/backup.sh")).toContain(`DEST='s3://${bucket}`);
    expect(files(first).find((f) => f.path.endsWith("yb-k3s-setup"))?.content).toContain(YB_UNITS.backupTimer);
    expect((r.outputs.backups as Obj).offCluster).toMatchObject({ kind: "s3", region: "us-east-1", keyPrefix: "kine/", intervalMinutes: 60, retentionDays: 14 });
  });
});

describe("aws across regions (prod, under the strict mocks): backups replicated to the standby region", () => {
  let r: PlanReport;
  beforeAll(async () => {
    r = await planStack(readStackFile(stackFilePath("prod"), "prod"));
  }, 120_000);
  const named = (type: string, name: string): Res => {
    const x = r.recorded.find((y) => y.type === type && y.name === name);
    if (!x) throw new Error(`no ${type} ${name}`);
    return x;
  };
  const regionOf = (x: Res) => String(r.recorded.find((p) => p.urn === x.provider?.split("::").slice(0, -1).join("::"))?.inputs.region ?? "");

  it("keeps a replica bucket with the same protections in the replica region", () => {
    const [src, dst] = [named("aws:s3/bucket:Bucket", "backups-bucket"), named("aws:s3/bucket:Bucket", "backups-replica-bucket")];
    expect([regionOf(src), regionOf(dst)]).toEqual(["us-east-1", "us-west-2"]);
    expect([dst.protect, dst.retainOnDelete, dst.inputs.forceDestroy]).toEqual([true, true, false]);
    const parts = [
      ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "public-access"],
      ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", "ownership"],
      ["aws:s3/bucketVersioning:BucketVersioning", "versioning"],
      ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "encryption"],
      ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lifecycle"],
      ["aws:s3/bucketPolicy:BucketPolicy", "policy"],
    ] as const;
    for (const [type, part] of parts) {
      const [a, b] = [named(type, `backups-${part}`), named(type, `backups-replica-${part}`)];
      // The same settings, on its own bucket (the policy names its own bucket's ARN).
      const settings = (x: Res) => JSON.stringify(x.inputs).split(String(x.inputs.bucket)).join("<bucket>").replace(/yb-k3s-prod-(replica-)?kine-backups-[0-9a-f]+/g, "<bucket>");
      expect(settings(b), type).toBe(settings(a));
      expect(regionOf(b), type).toBe("us-west-2");
    }
    expect(r.plan.backup.offCluster?.destination).toMatchObject({ region: "us-east-1", replicaRegion: "us-west-2" });
    expect((r.outputs.backups as Obj).offCluster.replica).toEqual({ bucket: expect.stringMatching(/^yb-k3s-prod-replica-kine-backups-/), region: "us-west-2" });
  });

  it("replicates the prefix's objects, KMS-encrypted, without delete markers, from the source region", () => {
    const rep = named("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "backups-replication");
    expect(regionOf(rep)).toBe("us-east-1");
    const [rule] = rep.inputs.rules as Obj[];
    expect(rule).toMatchObject({
      status: "Enabled",
      filter: { prefix: "kine/" },
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: { bucket: expect.stringMatching(/^arn:aws:s3:::yb-k3s-prod-replica-kine-backups-/), encryptionConfiguration: { replicaKmsKeyId: expect.stringMatching(/^arn:aws:kms:/) } },
    });
  });

  it("gives S3 a role that may only read source versions, write replicas and use the two S3 keys through S3", () => {
    const role = named("aws:iam/role:Role", "backups-replication-role");
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const doc = JSON.parse(String(named("aws:iam/rolePolicy:RolePolicy", "backups-replication").inputs.policy)) as Obj;
    const actions = (doc.Statement as Obj[]).flatMap((x) => [x.Action].flat() as string[]);
    expect(actions.sort()).toEqual(
      ["kms:Decrypt", "kms:Encrypt", "s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging", "s3:GetReplicationConfiguration", "s3:ListBucket", "s3:ReplicateObject", "s3:ReplicateTags"].sort(),
    );
    for (const x of doc.Statement as Obj[]) if (String([x.Action].flat()[0]).startsWith("kms:")) expect(Object.keys(x.Condition.StringEquals)).toEqual(["kms:ViaService"]);
  });

  it("one region only (staging): no replica", () => {
    expect(planOf(stagingConfig()).backup.offCluster?.destination).not.toHaveProperty("replicaRegion");
  });
});

describe("kubernetes (dev, under the strict mocks)", () => {
  let r: PlanReport;
  beforeAll(async () => {
    r = await planStack(readStackFile(stackFilePath("dev"), "dev"));
  }, 120_000);
  const cron = () => named(r, "CronJob", KINE_BACKUP_NAME).inputs as Obj;

  it("schedules one run at a time in UTC and validates against the Kubernetes schema", async () => {
    const c = cron();
    expect(c.spec).toMatchObject({ schedule: "7 * * * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid", startingDeadlineSeconds: 300 });
    await validateAgainstSchema(named(r, "CronJob", KINE_BACKUP_NAME));
    await validateAgainstSchema(named(r, "PersistentVolumeClaim", "kine-backups"));
  });

  it("runs without a token, on a read-only root, with Kine's password only, writing to its own retained claim", () => {
    const pod = cron().spec.jobTemplate.spec.template.spec as Obj;
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0] as Obj;
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(c.env).toEqual([{ name: "KINE_DB_PASSWORD", valueFrom: { secretKeyRef: { name: KINE_BACKUP_NAME, key: "KINE_DB_PASSWORD" } } }]);
    expect(pod.volumes[0]).toEqual({ name: "backups", persistentVolumeClaim: { claimName: "kine-backups" } });
    const claim = named(r, "PersistentVolumeClaim", "kine-backups");
    expect([claim.protect, claim.retainOnDelete]).toEqual([true, true]);
    expect((named(r, "Secret", KINE_BACKUP_NAME).inputs as Obj).stringData).toBe("[secret]");
  });

  it("is let into the database on YSQL only", () => {
    const policies = ofKind(r, "NetworkPolicy").map((p) => p.inputs as Obj);
    const labels = (cron().spec.jobTemplate.spec.template.metadata as Obj).labels as Record<string, string>;
    expect(labels["app.kubernetes.io/name"]).toBe(K8S_APPS.backup);
    const yb = { "app.kubernetes.io/name": K8S_APPS.yugabyte, "app.kubernetes.io/instance": r.plan.prefix };
    expect(ingressAllowed(policies, labels, yb, ports.ysql)).toBe(true);
    expect(ingressAllowed(policies, labels, yb, ports.masterRpc)).toBe(false);
  });
});

describe("docker (local with backups on, under the strict mocks)", () => {
  it("runs one unpublished container that writes to the host directory", async () => {
    const f = readStackFile(stackFilePath("local"), "local");
    const r = await planStack({ ...f, config: { ...f.config, "yb-k3s:backup": { offCluster: { enabled: true, directory: "/var/backups/yb-k3s-local" } } } });
    const c = r.recorded.find((x) => x.type === "docker:index/container:Container" && x.name === "backups");
    expect(c).toBeDefined();
    const i = c?.inputs as Obj;
    expect(i.volumes).toEqual([{ hostPath: "/var/backups/yb-k3s-local", containerPath: BACKUP_FILES.mount }]);
    expect(i.ports ?? []).toEqual([]);
    expect(i.restart).toBe("unless-stopped");
    expect((i.uploads as Obj[]).map((u) => u.file)).toEqual(["/etc/yb-k3s/bootstrap.env"]);
    expect((r.outputs.backups as Obj).offCluster).toMatchObject({ kind: "directory", intervalMinutes: 60 });
  }, 120_000);
});
