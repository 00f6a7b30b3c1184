/**
 * The Docker target launches Kine with a DSN that carries no secret (`passfile=`) and the password in a 0600 libpq
 * passfile (planner/kine.ts). Proven here with the real pinned Kine against a PostgreSQL that demands a password
 * (scram-sha-256 for Kine's role), so trust authentication cannot make the test pass by accident.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kinePassfileDsn, pgpassLine, type KineDatabaseEndpoint } from "../../planner/kine";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { assertKineBinary, etcdClient, startKine, type KineProcess } from "../support/kine";
import { psql, query, startPostgres, type PgServer } from "../support/postgres";
import { createKey } from "../support/kineWorkload";

const ROLE = "kine_pw";
const DB = "kine_pf";
const PASSWORD = "Gen3ratedAlnum0nly";
let pg: PgServer;
let dir: string;
const kines: KineProcess[] = [];

beforeAll(async () => {
  assertKineBinary();
  pg = await startPostgres();
  // Kine's role must authenticate with a password over TCP; everything else stays trust (the harness's own access).
  const hba = join(pg.dataDir, "pg_hba.conf");
  writeFileSync(hba, `host all ${ROLE} 127.0.0.1/32 scram-sha-256\n` + readFileSync(hba, "utf8"));
  await psql(pg, "postgres", `SELECT pg_reload_conf(); CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'; CREATE DATABASE ${DB} OWNER ${ROLE};`);
  await psql(pg, DB, kineSchemaStatements(DB, "postgres").join("\n") + `\nALTER TABLE kine OWNER TO ${ROLE};`);
  dir = mkdtempSync(join(tmpdir(), "yb-k3s-passfile-"));
}, 120_000);

afterAll(async () => {
  for (const k of kines) await k.stop();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const endpoint = (): KineDatabaseEndpoint => ({ host: pg.host, port: pg.port, database: DB, user: ROLE, sslmode: "disable" });

describe("Kine with the program's passfile DSN", () => {
  it("authenticates with the password from the passfile and serves the etcd API", async () => {
    const passfile = join(dir, "pgpass");
    writeFileSync(passfile, pgpassLine(endpoint(), PASSWORD));
    chmodSync(passfile, 0o600);
    const dsn = kinePassfileDsn(endpoint(), passfile);
    expect(dsn).not.toContain(PASSWORD);
    const kine = await startKine({ pg, database: DB, name: "kine-passfile", dsn });
    kines.push(kine);
    const client = etcdClient(kine.endpoint);
    try {
      expect((await createKey(client, "/registry/configmaps/default/a", "1")).succeeded).toBe(true);
    } finally {
      client.close();
    }
    expect(await query(pg, DB, "SELECT count(*) FROM kine WHERE name = '/registry/configmaps/default/a';")).toEqual([["1"]]);
    expect(kine.grep(/password authentication failed/)).toEqual([]);
  }, 120_000);

  it("fails to authenticate with a wrong password in the passfile (the password really is checked)", async () => {
    const passfile = join(dir, "pgpass-wrong");
    writeFileSync(passfile, pgpassLine(endpoint(), "not-the-password"));
    chmodSync(passfile, 0o600);
    await expect(startKine({ pg, database: DB, name: "kine-wrong", dsn: kinePassfileDsn(endpoint(), passfile), readyTimeoutMs: 8_000 })).rejects.toThrow(
      /password authentication failed/,
    );
  }, 120_000);
});
