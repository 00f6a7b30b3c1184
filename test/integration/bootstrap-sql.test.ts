/**
 * The bootstrap step for real: the script `renderBootstrapScript` renders (what the Docker container, the Kubernetes
 * Job and the EC2 oneshot run) is executed with bash against a throwaway PostgreSQL that demands passwords, twice, and
 * the Kine role's privileges are read back from the catalogs.
 *
 * What is real and what stands in:
 * - the script text comes from the renderer, for the shipped `local` stack's plan and for a plan with other names;
 *   only two plan fields differ from what is deployed, and the test proves the rendered texts differ in nothing else:
 *   the binary directory (stand-ins for `yb-admin` and `ysqlsh`) and the schema DDL (PostgreSQL's dialect: the
 *   YugabyteDB-only `PRIMARY KEY (id ASC)` and `ALTER DATABASE ... SET yb_bnl_batch_size` do not parse on PostgreSQL;
 *   they stay checked as rendered text in test/planner and test/local, and the postgres DDL in kine-schema.test.ts);
 * - `ysqlsh` is PostgreSQL's own `psql` (YugabyteDB's ysqlsh is psql), pointed at the test server: every heredoc,
 *   `\gexec` and `:'variable'` runs as written;
 * - `yb-admin` is a recorder that reports every tablet server ALIVE; its calls are compared with the plan's placement.
 * The superuser starts with the image's documented password (`yugabyte`), as on a fresh YugabyteDB.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateStack } from "../../lib/plan";
import { PROJECT, readStackFile, stackFilePath } from "../../lib/stackFile";
import { renderBootstrapScript } from "../../planner/bootstrap";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { buildPlan, renderPlacement, type ClusterPlan } from "../../planner/plan";
import { SECRET_FILES } from "../../planner/secretFiles";
import { PG_BIN_DIR, psql, query, run, startPostgres, type PgServer } from "../support/postgres";

const ADMIN_PASSWORD = "Adm1nGeneratedAlnum";
const KINE_PASSWORD = "K1neGeneratedAlnum";
const INITIAL_PASSWORD = "yugabyte";

let pg: PgServer;
let dir: string;
const stubLog = () => join(dir, "calls.log");

const localPlan = (): ClusterPlan => buildPlan({ project: PROJECT, stack: "local", topology: validateStack(readStackFile(stackFilePath("local"), "local")) });

/** The same plan, with the stand-in binaries and PostgreSQL's dialect of the Kine schema. */
const onPostgres = (plan: ClusterPlan): ClusterPlan => ({
  ...plan,
  yugabyte: { ...plan.yugabyte, binDir: dir, dialect: "postgres", schemaStatements: kineSchemaStatements(plan.yugabyte.database, "postgres") },
});

beforeAll(async () => {
  if (existsSync(SECRET_FILES.bootstrapEnv)) throw new Error(`${SECRET_FILES.bootstrapEnv} exists on this machine: the bootstrap would source it`);
  dir = mkdtempSync(join(tmpdir(), "yb-k3s-bootstrap-"));
  writeFileSync(
    join(dir, "ysqlsh"),
    `#!/bin/bash
# stand-in for ysqlsh: PostgreSQL's psql against the test server; records the host and port the script asked for
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|-p) echo "ysqlsh $1 $2" >> "$STUB_LOG"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
exec "$STUB_PSQL" -h "$STUB_PGHOST" -p "$STUB_PGPORT" "\${args[@]}"
`,
  );
  writeFileSync(
    join(dir, "yb-admin"),
    `#!/bin/bash
# stand-in for yb-admin: records the call; every tablet server is ALIVE
echo "yb-admin $*" >> "$STUB_LOG"
case "$*" in *list_all_tablet_servers*) for i in $(seq 1 "$STUB_TSERVERS"); do echo "ts$i 10.0.0.$i:9100 ALIVE Placement: x"; done ;; esac
exit 0
`,
  );
  chmodSync(join(dir, "ysqlsh"), 0o755);
  chmodSync(join(dir, "yb-admin"), 0o755);

  pg = await startPostgres();
  // Passwords matter for every role but the harness's own `postgres` (so trust cannot make the script pass).
  writeFileSync(
    join(pg.dataDir, "pg_hba.conf"),
    ["local all all trust", `host all ${pg.user} 127.0.0.1/32 trust`, "host all all 127.0.0.1/32 scram-sha-256", ""].join("\n"),
  );
  // A fresh YugabyteDB: the `yugabyte` superuser with the image's documented password, and its database.
  await psql(pg, "postgres", `SELECT pg_reload_conf();\nCREATE ROLE yugabyte SUPERUSER LOGIN PASSWORD '${INITIAL_PASSWORD}';\nCREATE DATABASE yugabyte OWNER yugabyte;`);
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function bootstrap(plan: ClusterPlan, kinePassword = KINE_PASSWORD) {
  rmSync(stubLog(), { force: true });
  const r = await run("/bin/bash", ["-c", renderBootstrapScript(onPostgres(plan))], {
    timeoutMs: 60_000,
    env: {
      YSQL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KINE_DB_PASSWORD: kinePassword,
      STUB_LOG: stubLog(),
      STUB_PSQL: join(PG_BIN_DIR, "psql"),
      STUB_PGHOST: pg.host,
      STUB_PGPORT: String(pg.port),
      STUB_TSERVERS: String(plan.nodes.length),
    },
  });
  const calls = existsSync(stubLog()) ? readFileSync(stubLog(), "utf8").trimEnd().split("\n") : [];
  return { ...r, calls, output: `${r.stdout}${r.stderr}` };
}

/** Can `user` log in over TCP with `password` (scram-sha-256)? */
async function canLogin(user: string, password: string, database: string): Promise<boolean> {
  const r = await run(join(PG_BIN_DIR, "psql"), ["-X", "-h", pg.host, "-p", String(pg.port), "-U", user, "-d", database, "-w", "-c", "SELECT 1"], {
    env: { PGPASSWORD: password },
    timeoutMs: 20_000,
  });
  return r.code === 0;
}

/** Everything the catalogs say about a role, as one comparable value. */
async function roleFacts(user: string, database: string) {
  const [attrs] = await query(
    pg,
    "postgres",
    `SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit FROM pg_roles WHERE rolname = '${user}';`,
  );
  const memberOf = await query(pg, "postgres", `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = '${user}';`);
  // Everything the role owns, in every database (pg_shdepend records ownership cluster-wide).
  const owns = await query(
    pg,
    "postgres",
    `SELECT coalesce(d.datname, '(cluster)'), s.classid::regclass::text, CASE WHEN s.classid = 'pg_database'::regclass THEN (SELECT datname FROM pg_database WHERE oid = s.objid) ELSE '' END
       FROM pg_shdepend s JOIN pg_roles r ON r.oid = s.refobjid LEFT JOIN pg_database d ON d.oid = s.dbid
      WHERE r.rolname = '${user}' AND s.deptype = 'o' ORDER BY 1, 2, 3;`,
  );
  const relations = await query(pg, database, `SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1;`);
  return { attrs, memberOf, owns, relations };
}

describe("the bootstrap script, run for real against PostgreSQL", { timeout: 180_000 }, () => {
  it("is the deployed text but for the binary directory and the schema dialect", () => {
    const plan = localPlan();
    const deployed = renderBootstrapScript(plan);
    const tested = renderBootstrapScript(onPostgres(plan));
    const back = tested
      .split(`${dir}/`)
      .join(`${plan.yugabyte.binDir}/`)
      .replace(kineSchemaStatements(plan.yugabyte.database, "postgres").join("\n"), plan.yugabyte.schemaStatements.join("\n"));
    expect(back).toBe(deployed);
    expect(tested).toContain(`${dir}/ysqlsh`);
    // The YugabyteDB-only statements stay in what is deployed.
    expect(deployed).toContain("ALTER DATABASE kine SET yb_bnl_batch_size = 1024;");
    expect(deployed).toContain("PRIMARY KEY (id ASC)");
  });

  it("first run: sets the superuser password, creates Kine's role, database and schema; yb-admin as planned", async () => {
    const plan = localPlan();
    const r = await bootstrap(plan);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/setting the yugabyte superuser password/);
    expect(r.output).toMatch(/done: placement 3x, database kine, schema ready/);
    expect(r.calls).toContain(`yb-admin -master_addresses ${plan.yugabyte.masterAddresses.join(",")} list_all_tablet_servers`);
    expect(r.calls).toContain(`yb-admin -master_addresses ${plan.yugabyte.masterAddresses.join(",")} modify_placement_info ${renderPlacement(plan.yugabyte.placement)} ${plan.replicationFactor}`);
    expect(r.calls).toContain(`ysqlsh -h ${plan.nodes[0].address}`);
    expect(r.calls).toContain("ysqlsh -p 5433");

    expect(await canLogin("yugabyte", ADMIN_PASSWORD, "yugabyte")).toBe(true);
    expect(await canLogin("yugabyte", INITIAL_PASSWORD, "yugabyte")).toBe(false);
    expect(await canLogin("kine", KINE_PASSWORD, "kine")).toBe(true);
    // Kine first connects to `postgres` to look for its database.
    expect(await canLogin("kine", KINE_PASSWORD, "postgres")).toBe(true);
    expect(await canLogin("kine", "wrong", "kine")).toBe(false);
  });

  it("Kine's role: not a superuser, no createrole/createdb/replication/bypassrls, no memberships, owns only its database and schema", async () => {
    const f = await roleFacts("kine", "kine");
    // rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit
    expect(f.attrs).toEqual(["f", "t", "f", "f", "t", "f", "f", "-1"]);
    expect(f.memberOf).toEqual([]);
    // The database itself (a cluster-wide object) and the schema objects inside it; nothing anywhere else.
    expect(f.owns.filter(([db]) => db !== "kine")).toEqual([["(cluster)", "pg_database", "kine"]]);
    expect(new Set(f.owns.filter(([db]) => db === "kine").map(([, cls]) => cls))).toEqual(new Set(["pg_class"]));
    expect(f.relations).toEqual(
      expect.arrayContaining([
        ["kine", "r", "kine"],
        ["kine_id_seq", "S", "kine"],
        ["kine_pkey", "i", "kine"],
        ["kine_name_prev_revision_uindex", "i", "kine"],
      ]),
    );
    for (const [name, , owner] of f.relations) expect(owner, name).toBe("kine");
    const [[dbOwner]] = await query(pg, "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'kine';");
    expect(dbOwner).toBe("kine");
    // And what that means in practice, as Kine's role.
    const asKine = (database: string, sql: string) =>
      run(join(PG_BIN_DIR, "psql"), ["-X", "-h", pg.host, "-p", String(pg.port), "-U", "kine", "-d", database, "-w", "-v", "ON_ERROR_STOP=1", "-c", sql], {
        env: { PGPASSWORD: KINE_PASSWORD },
        timeoutMs: 20_000,
      });
    expect((await asKine("kine", "CREATE DATABASE kine_other")).stderr).toMatch(/permission denied to create database/);
    expect((await asKine("kine", "CREATE ROLE kine_other")).stderr).toMatch(/permission denied to create role/);
    expect((await asKine("yugabyte", "CREATE TABLE intruder (x int)")).code).not.toBe(0);
    expect((await asKine("kine", "INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('/x', 1, 0, 0, 0, 0, '', '')")).code).toBe(0);
  });

  it("second run: succeeds, changes nothing, does not touch the superuser password again", async () => {
    const before = await roleFacts("kine", "kine");
    const r = await bootstrap(localPlan());
    expect(r.code, r.output).toBe(0);
    expect(r.output).not.toMatch(/setting the yugabyte superuser password/);
    expect(r.output).toMatch(/done: placement 3x/);
    expect(await roleFacts("kine", "kine")).toEqual(before);
    const [[rows]] = await query(pg, "kine", "SELECT count(*) FROM kine;");
    expect(rows).toBe("1");
    expect(await canLogin("yugabyte", ADMIN_PASSWORD, "yugabyte")).toBe(true);
    expect(await canLogin("kine", KINE_PASSWORD, "kine")).toBe(true);
  });

  it("a rotated Kine password takes effect on the next run", async () => {
    const r = await bootstrap(localPlan(), "K1neRotatedAlnum");
    expect(r.code, r.output).toBe(0);
    expect(await canLogin("kine", "K1neRotatedAlnum", "kine")).toBe(true);
    expect(await canLogin("kine", KINE_PASSWORD, "kine")).toBe(false);
  });

  it("other database and role names flow through every statement", async () => {
    const base = localPlan();
    const plan: ClusterPlan = {
      ...base,
      yugabyte: { ...base.yugabyte, database: "k3sdata", user: "k3sowner", schemaStatements: kineSchemaStatements("k3sdata", "yugabytedb") },
    };
    for (let i = 0; i < 2; i++) {
      const r = await bootstrap(plan);
      expect(r.code, r.output).toBe(0);
    }
    const f = await roleFacts("k3sowner", "k3sdata");
    expect(f.attrs.slice(0, 4)).toEqual(["f", "t", "f", "f"]);
    expect(f.owns.filter(([db]) => db !== "k3sdata")).toEqual([["(cluster)", "pg_database", "k3sdata"]]);
    expect(await canLogin("k3sowner", KINE_PASSWORD, "k3sdata")).toBe(true);
  });
});
