/**
 * Off-cluster backup and `npm run restore`, for real, with the pinned Kine on PostgreSQL (YugabyteDB cannot run here;
 * ysql_dump is pg_dump with YugabyteDB's name, so the real pg_dump stands in for it):
 * - the rendered backup script runs in bash: it dumps, stores atomically, writes latest.json and prunes;
 * - the restore's own executor (lib/restore/execute.ts) runs the docker plan's steps, with Docker's stop/start of
 *   Kine played by stopping and starting the real Kine process: Kine then serves the backed-up state at a revision
 *   above every revision handed out before;
 * - a foreign dump is refused before anything stops, and a load that fails midway leaves the table as it was.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import type { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRestore, psqlFileLoader } from "../../lib/restore/execute";
import { renderRestore } from "../../lib/restore/steps";
import { REWIND_MARKER_PREFIX } from "../../lib/rewind/steps";
import { dockerContainerName } from "../../lib/verify/access";
import { psqlRunner } from "../../lib/verify/psql";
import { BACKUP_FILES, backupTime, dockerBackupContainerName } from "../../planner/backup";
import { renderBackupScript } from "../../planner/backupScript";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { parseTopology } from "../../config/load";
import { buildPlan } from "../../planner/plan";
import { assertKineBinary, etcdClient, startKine, type KineProcess } from "../support/kine";
import { createKey, currentRevision, deleteKey, updateKey } from "../support/kineWorkload";
import { createDatabase, PG_BIN_DIR, psql, query, startPostgres, type PgServer } from "../support/postgres";
import { localConfig } from "../support/topologies";

const DB = "kine_backup";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "yb-k3s-backup-restore-"));
const backups = path.join(work, "backups");
let pg: PgServer | undefined;
let kine: KineProcess | undefined;
let client: Etcd3 | undefined;

const topology = parseTopology({ ...localConfig(), backup: { offCluster: { enabled: true, directory: backups, retentionDays: 7 } } });
const plan = buildPlan({ project: "yb-k3s", stack: "local", topology });

/** ysql_dump at the plan's binDir is the real pg_dump here, pointed at the test server (later flags win in pg_dump). */
function runBackupScript(): string {
  const shim = path.join(work, "ysql_dump");
  fs.writeFileSync(shim, `#!/bin/sh\nexec ${PG_BIN_DIR}/pg_dump "$@" -h ${pg!.host} -p ${pg!.port} -U ${pg!.user} -d ${DB}\n`, { mode: 0o755 });
  const script = renderBackupScript(plan, { delivery: { kind: "directory", path: backups } }).split(`${plan.yugabyte.binDir}/ysql_dump`).join(shim);
  return execFileSync("bash", ["-c", script], { env: { ...process.env, KINE_DB_PASSWORD: "unused-trust-auth" }, encoding: "utf8" });
}

beforeAll(async () => {
  assertKineBinary();
  pg = await startPostgres();
  await createDatabase(pg, DB);
  await psql(pg, DB, kineSchemaStatements(DB, "postgres").join("\n"));
  kine = await startKine({ pg, database: DB, name: "kine-backup" });
  client = etcdClient(kine.endpoint);
}, 180_000);

afterAll(async () => {
  client?.close();
  await kine?.stop();
  await pg?.stop();
  fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("off-cluster backup and restore with real Kine", { timeout: 300_000 }, () => {
  let backupName = "";

  it("the backup script stores a gzip'd data-only dump atomically, writes latest.json and prunes only old backups", async () => {
    const c = client as Etcd3;
    await createKey(c, "/registry/configmaps/default/a", "1");
    await createKey(c, "/registry/configmaps/default/b", "1");
    fs.mkdirSync(backups, { recursive: true });
    const old = path.join(backups, "kine-20200101T000000Z.sql.gz");
    const foreign = path.join(backups, "notes.txt");
    fs.writeFileSync(old, "x");
    fs.writeFileSync(foreign, "keep me");
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    fs.utimesSync(old, tenDaysAgo, tenDaysAgo);
    fs.utimesSync(foreign, tenDaysAgo, tenDaysAgo);

    const log = runBackupScript();
    expect(log).toMatch(/backup: stored kine-\d{8}T\d{6}Z\.sql\.gz \(\d+ bytes\)/);
    const names = fs.readdirSync(backups).sort();
    const made = names.filter((n) => backupTime(n) !== undefined);
    expect(made).toHaveLength(1); // the old backup was pruned, the new one stored, no .part left behind
    expect(names).toEqual([...made, BACKUP_FILES.latest, "notes.txt"].sort());
    backupName = made[0];
    const latest = JSON.parse(fs.readFileSync(path.join(backups, BACKUP_FILES.latest), "utf8")) as { name: string; time: string; bytes: number };
    expect(latest.name).toBe(backupName);
    expect(latest.bytes).toBe(fs.statSync(path.join(backups, backupName)).size);
    expect(Math.abs(Date.parse(latest.time) - Date.now())).toBeLessThan(120_000);
    expect((fs.statSync(path.join(backups, backupName)).mode & 0o777).toString(8)).toBe("600");
  });

  it("restore brings back the backed-up state, in rewind's order, above every revision seen before", async () => {
    let c = client as Etcd3;
    const a = await c.get("/registry/configmaps/default/a").exec();
    const b = await c.get("/registry/configmaps/default/b").exec();
    await updateKey(c, "/registry/configmaps/default/a", "2", Number(a.kvs[0].mod_revision));
    await deleteKey(c, "/registry/configmaps/default/b", Number(b.kvs[0].mod_revision));
    await createKey(c, "/registry/configmaps/default/c", "new");
    const before = await currentRevision(c);

    const restore = renderRestore({ plan, topology, from: "latest", workDir: work });
    const kineContainers = new Set(plan.kine.replicas.map((r) => dockerContainerName(plan, r)));
    const ran: string[] = [];
    const dsn = pg!.url(DB);
    const result = await executeRestore(restore, {
      sql: psqlRunner(path.join(PG_BIN_DIR, "psql"), dsn),
      loadFile: psqlFileLoader(path.join(PG_BIN_DIR, "psql"), dsn),
      log: () => undefined,
      // Docker plays no part here: stopping/starting Kine's containers stops/starts the real Kine process.
      run: async (argv) => {
        ran.push(argv.slice(0, 3).join(" "));
        if (argv[0] !== "docker") throw new Error(`unexpected command ${argv.join(" ")}`);
        if (argv.slice(2).some((n) => kineContainers.has(n))) {
          if (argv[1] === "stop") {
            c.close();
            await kine!.stop();
          } else {
            kine = await startKine({ pg: pg!, database: DB, name: "kine-restored" });
            client = etcdClient(kine.endpoint);
          }
        }
        return "";
      },
    });
    expect(result.backup).toBe(backupName);
    const backupContainer = dockerBackupContainerName(plan.prefix);
    const k3s = dockerContainerName(plan, plan.k3s.servers[0]);
    const kine0 = dockerContainerName(plan, plan.kine.replicas[0]);
    expect(ran).toEqual([`docker stop ${backupContainer}`, `docker stop ${k3s}`, `docker stop ${kine0}`, `docker start ${kine0}`, `docker start ${k3s}`, `docker start ${backupContainer}`]);

    c = client as Etcd3;
    expect(await currentRevision(c)).toBeGreaterThan(before);
    expect(await c.get("/registry/configmaps/default/a").string()).toBe("1");
    expect(await c.get("/registry/configmaps/default/b").string()).toBe("1");
    expect(await c.get("/registry/configmaps/default/c").string()).toBeNull();
    expect(await c.getAll().prefix(REWIND_MARKER_PREFIX).keys()).toHaveLength(1);
    const n = await createKey(c, "/registry/configmaps/default/after", "x");
    expect(n.revision).toBeGreaterThan(before + 1);
    expect(kine!.grep(/level=(fatal|panic)/)).toEqual([]);
  });

  it("refuses a dump that is not a data-only Kine backup before anything is stopped", async () => {
    const full = execFileSync(path.join(PG_BIN_DIR, "pg_dump"), ["-h", pg!.host, "-p", String(pg!.port), "-U", pg!.user, "-d", DB]);
    const file = path.join(work, "full.sql.gz");
    fs.writeFileSync(file, gzipSync(full));
    const restore = renderRestore({ plan, topology, from: file, workDir: work, localFile: file });
    const ran: string[] = [];
    await expect(
      executeRestore(restore, {
        sql: () => Promise.reject(new Error("no SQL expected")),
        loadFile: () => Promise.reject(new Error("no load expected")),
        log: () => undefined,
        run: async (argv) => {
          ran.push(argv.join(" "));
          return "";
        },
      }),
    ).rejects.toThrow(/step 2 .*DDL \(CREATE/);
    // Only the pause of the backups ran; k3s and Kine were never stopped.
    expect(ran).toEqual([`docker stop ${dockerBackupContainerName(plan.prefix)}`]);
  });

  it("a load that fails midway is rolled back: the table is as it was", async () => {
    const rows = async () => (await query(pg!, DB, "SELECT count(*), max(id) FROM kine;"))[0];
    const before = await rows();
    const good = fs.readFileSync(path.join(backups, backupName));
    // Break the dump after its first row: one row with a wrong number of columns.
    const text = (await import("node:zlib")).gunzipSync(good).toString("utf8");
    const broken = text.replace(/(COPY public\.kine [^\n]*\n[^\n]*\n)/, "$1not\ta\tkine\trow\n");
    expect(broken).not.toBe(text);
    const script = path.join(work, "broken.sql");
    fs.writeFileSync(script, `DELETE FROM kine;\n${broken}`);
    await expect(psqlFileLoader(path.join(PG_BIN_DIR, "psql"), pg!.url(DB))(script)).rejects.toThrow(/rolled back/);
    expect(await rows()).toEqual(before);
  });
});
