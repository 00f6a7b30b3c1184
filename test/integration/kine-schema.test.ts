/**
 * Issue 10, part 1: our YugabyteDB-shaped Kine schema survives stock, pinned Kine.
 * PostgreSQL dialect (the very statements `kineSchemaStatements(db, "postgres")` renders), real PostgreSQL 15,
 * real Kine built from planner/versions.ts's KINE_VERSION. Fails (never skips) when either is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINE_PRIMARY_KEY, UPSTREAM_KINE_STATEMENTS, kineSchemaStatements } from "../../planner/kineSchema";
import { KINE_VERSION } from "../../planner/versions";
import { assertKineBinary, etcdClient, startKine, type KineProcess } from "../support/kine";
import { createKey } from "../support/kineWorkload";
import { expectedKineIndexes } from "../support/schema";
import { createDatabase, kineConstraints, kineIndexDefinitions, psql, query, startPostgres, type PgServer } from "../support/postgres";

const expectedIndexes = expectedKineIndexes;

let pg: PgServer | undefined;
const kines: KineProcess[] = [];

beforeAll(async () => {
  assertKineBinary();
  pg = await startPostgres();
}, 180_000);

afterAll(async () => {
  for (const k of kines) await k.stop();
  await pg?.stop();
}, 120_000);

const server = (): PgServer => {
  if (!pg) throw new Error("PostgreSQL did not start (see beforeAll)");
  return pg;
};

describe(`our Kine schema under stock Kine ${KINE_VERSION}`, { timeout: 180_000 }, () => {
  it("applies the postgres-dialect DDL the program renders, with our covering index and kine_pkey", async () => {
    const db = "kine_ddl";
    await createDatabase(server(), db);
    await psql(server(), db, kineSchemaStatements(db, "postgres").join("\n"));

    expect(await kineIndexDefinitions(server(), db)).toEqual(expectedIndexes());
    expect(await kineConstraints(server(), db)).toEqual({ [KINE_PRIMARY_KEY]: "PRIMARY KEY (id)" });
    const [[collation]] = await query(
      server(),
      db,
      "SELECT collation_name FROM information_schema.columns WHERE table_name = 'kine' AND column_name = 'name';",
    );
    expect(collation).toBe("C");
  });

  it("stock Kine's own CREATE ... IF NOT EXISTS statements change nothing", async () => {
    const db = "kine_upstream_noop";
    await createDatabase(server(), db);
    await psql(server(), db, kineSchemaStatements(db, "postgres").join("\n"));
    const before = await kineIndexDefinitions(server(), db);
    const constraintsBefore = await kineConstraints(server(), db);

    const notices: string[] = [];
    for (const stmt of UPSTREAM_KINE_STATEMENTS) notices.push(...(await psql(server(), db, `${stmt};`)).notices);

    expect(await kineIndexDefinitions(server(), db)).toEqual(before);
    expect(await kineConstraints(server(), db)).toEqual(constraintsBefore);
    // Every upstream statement was skipped by name.
    expect(notices).toHaveLength(UPSTREAM_KINE_STATEMENTS.length);
    for (const n of notices) expect(n).toMatch(/NOTICE: +relation "kine\w*" already exists, skipping/);
    expect(before.kine_name_prev_revision_uindex).toMatch(/\(name, prev_revision\) INCLUDE \(id\)$/);
    expect(constraintsBefore).toEqual({ [KINE_PRIMARY_KEY]: "PRIMARY KEY (id)" });
  });

  it("real Kine starts on the pre-created schema, serves writes, and leaves the schema as it was", async () => {
    const db = "kine_kept";
    await createDatabase(server(), db);
    await psql(server(), db, kineSchemaStatements(db, "postgres").join("\n"));
    const before = await kineIndexDefinitions(server(), db);

    const kine = await startKine({ pg: server(), database: db, name: "kine-kept" });
    kines.push(kine);
    const client = etcdClient(kine.endpoint);
    try {
      for (let i = 0; i < 20; i++) expect((await createKey(client, `/registry/pods/default/p${i}`, `v${i}`)).succeeded).toBe(true);
    } finally {
      client.close();
    }
    // Errors while serving, read before stopping: a shutdown may log a benign "database is closed" race.
    const servingErrors = [kine.grep(/^ERRO/)];
    await kine.stop();
    // Restarting runs the schema statements again: still nothing changes.
    const again = await startKine({ pg: server(), database: db, name: "kine-kept-restart" });
    kines.push(again);
    servingErrors.push(again.grep(/^ERRO/));
    await again.stop();

    expect(await kineIndexDefinitions(server(), db)).toEqual(before);
    expect(await kineIndexDefinitions(server(), db)).toEqual(expectedIndexes());
    expect(await kineConstraints(server(), db)).toEqual({ [KINE_PRIMARY_KEY]: "PRIMARY KEY (id)" });
    // Kine created no table of its own either.
    const tables = await query(server(), db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;");
    expect(tables.map(([t]) => t)).toEqual(["kine"]);
    for (const k of [kine, again]) expect(k.logs()).toContain("Database tables and indexes are up to date");
    expect(servingErrors).toEqual([[], []]);
  });

  it("contrast: on an empty server Kine creates its database and the upstream shape (no covering index)", async () => {
    const db = "kine_self_made";
    const kine = await startKine({ pg: server(), database: db, name: "kine-self-made" });
    kines.push(kine);
    await kine.stop();
    const defs = await kineIndexDefinitions(server(), db);
    expect(Object.keys(defs).sort()).toEqual(Object.keys(expectedIndexes()).sort());
    expect(defs.kine_name_prev_revision_uindex).toBe(
      "CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON public.kine USING btree (name, prev_revision)",
    );
    expect(defs.kine_name_prev_revision_uindex).not.toEqual(expectedIndexes().kine_name_prev_revision_uindex);
    expect(await kineConstraints(server(), db)).toEqual({ [KINE_PRIMARY_KEY]: "PRIMARY KEY (id)" });
  });
});
