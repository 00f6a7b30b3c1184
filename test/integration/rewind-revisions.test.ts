/**
 * The rewind's revision step (lib/rewind/steps.ts, bumpRevisionSql) with the real, pinned Kine on PostgreSQL: after
 * the table is taken back to an earlier revision (what a point-in-time restore does to Kine's rows; YugabyteDB itself
 * cannot run here), the step moves the current revision past every revision handed out before, and Kine starts on it,
 * serves the rewound state, fills the gap and hands out new revisions above the old ones — so no client that saw a
 * revision before the rewind can mistake a new one for it.
 */
import type { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpRevisionSql, RECORD_REVISION_SQL, REWIND_MARKER_PREFIX } from "../../lib/rewind/steps";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { assertKineBinary, etcdClient, startKine, type KineProcess } from "../support/kine";
import { createKey, currentRevision, updateKey } from "../support/kineWorkload";
import { createDatabase, psql, query, startPostgres, type PgServer } from "../support/postgres";

const DB = "kine_rewind";
let pg: PgServer | undefined;
let kine: KineProcess | undefined;
let client: Etcd3 | undefined;

beforeAll(async () => {
  assertKineBinary();
  pg = await startPostgres();
  await createDatabase(pg, DB);
  await psql(pg, DB, kineSchemaStatements(DB, "postgres").join("\n"));
  kine = await startKine({ pg, database: DB, name: "kine-rewind" });
  client = etcdClient(kine.endpoint);
}, 180_000);

afterAll(async () => {
  client?.close();
  await kine?.stop();
  await pg?.stop();
}, 120_000);

describe("rewind: revisions after a point-in-time restore", { timeout: 240_000 }, () => {
  it("Kine serves the rewound state with a current revision above every revision seen before", async () => {
    const c = client as Etcd3;
    const a = await createKey(c, "/registry/configmaps/default/a", "1");
    const at = await currentRevision(c); // "the target time": the state we rewind to
    await updateKey(c, "/registry/configmaps/default/a", "2", a.revision);
    await createKey(c, "/registry/configmaps/default/b", "new");
    for (let i = 0; i < 20; i++) await createKey(c, `/registry/leases/x/l${i}`, String(i));
    const before = await currentRevision(c);
    expect(before).toBeGreaterThan(at + 20);

    // Steps 2-4: clients gone, Kine stopped, newest revision recorded.
    c.close();
    await kine!.stop();
    const [[recorded]] = await query(pg!, DB, `${RECORD_REVISION_SQL};`);
    expect(Number(recorded)).toBe(before);
    // Step 5, as its effect on Kine's table: rows after the target are gone; the sequence rewound too (worst case).
    await psql(pg!, DB, `DELETE FROM kine WHERE id > ${at}; SELECT setval('kine_id_seq', ${at});`);
    // Step 6.
    await psql(pg!, DB, bumpRevisionSql(recorded, new Date("2026-12-01T10:00:00Z")));

    // Step 7: Kine starts on it.
    kine = await startKine({ pg: pg!, database: DB, name: "kine-rewound" });
    client = etcdClient(kine.endpoint);
    const k = client;
    expect(await currentRevision(k)).toBeGreaterThan(before);
    expect(await k.get("/registry/configmaps/default/a").string()).toBe("1");
    expect(await k.get("/registry/configmaps/default/b").string()).toBeNull();
    expect(await k.getAll().prefix("/registry/leases/").keys()).toEqual([]);
    expect(await k.get(`${REWIND_MARKER_PREFIX}2026-12-01T10:00:00.000Z`).string()).toBe('{"rewoundTo":"2026-12-01T10:00:00.000Z","previousRevision":' + before + "}");
    // New writes get revisions above every pre-rewind revision.
    const n = await createKey(k, "/registry/configmaps/default/after", "x");
    expect(n.succeeded).toBe(true);
    expect(n.revision).toBeGreaterThan(before + 1);
    expect(kine.grep(/level=(fatal|panic)/)).toEqual([]);
  });
});
