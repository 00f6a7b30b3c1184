/**
 * Issue 10, part 2: real, pinned Kine on our pre-created schema, driven by a real etcd v3 client (npm etcd3) with the
 * requests k3s/the apiserver make. Afterwards the schema is still exactly ours.
 */
import type { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { KINE_VERSION } from "../../planner/versions";
import { assertKineBinary, etcdClient, startKine, type KineProcess } from "../support/kine";
import { createKey, currentRevision, deleteKey, recordWatch, updateKey } from "../support/kineWorkload";
import { createDatabase, kineConstraints, kineIndexDefinitions, psql, query, startPostgres, type PgServer } from "../support/postgres";
import { expectedKineConstraints, expectedKineIndexes } from "../support/schema";

const DB = "kine_etcd";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pg: PgServer | undefined;
let kine: KineProcess | undefined;
let client: Etcd3 | undefined;

beforeAll(async () => {
  assertKineBinary();
  pg = await startPostgres();
  await createDatabase(pg, DB);
  await psql(pg, DB, kineSchemaStatements(DB, "postgres").join("\n"));
  kine = await startKine({ pg, database: DB, name: "kine-etcd" });
  client = etcdClient(kine.endpoint);
}, 180_000);

afterAll(async () => {
  client?.close();
  await kine?.stop();
  await pg?.stop();
}, 120_000);

const c = (): Etcd3 => {
  if (!client) throw new Error("Kine did not start (see beforeAll)");
  return client;
};
const range = (key: string, extra: { range_end?: string; limit?: number; revision?: number } = {}) =>
  c().kv.range({
    key: Buffer.from(key),
    range_end: extra.range_end === undefined ? undefined : Buffer.from(extra.range_end),
    limit: extra.limit,
    revision: extra.revision,
  });
/** etcd's prefix range end: the prefix with its last byte incremented. */
const prefixEnd = (p: string) => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

describe(`stock Kine ${KINE_VERSION} through a real etcd v3 client`, { timeout: 240_000 }, () => {
  it("put and get, including a get at a past revision", async () => {
    const r1 = await c().put("/kv/a").value("one").exec();
    const r2 = await c().put("/kv/a").value("two").exec();
    const rev1 = Number(r1.header.revision);
    const rev2 = Number(r2.header.revision);
    expect(rev2).toBeGreaterThan(rev1);
    expect(await c().get("/kv/a").string()).toBe("two");
    const past = await range("/kv/a", { revision: rev1 });
    expect(past.kvs.map((kv) => kv.value.toString())).toEqual(["one"]);
    const now = await range("/kv/a");
    expect(Number(now.kvs[0].mod_revision)).toBe(rev2);
    expect(Number(now.kvs[0].create_revision)).toBe(rev1);
    expect(await c().get("/kv/missing").string()).toBeNull();
  });

  it("ranges a prefix with a limit and continues from the last key (the apiserver's paging)", async () => {
    const prefix = "/registry/configmaps/paging/";
    const names = Array.from({ length: 25 }, (_, i) => `${prefix}cm-${String(i).padStart(2, "0")}`);
    for (const n of names) expect((await createKey(c(), n, n)).succeeded).toBe(true);

    const seen: string[] = [];
    let start = prefix;
    let pages = 0;
    let revision: number | undefined;
    for (; pages < 10; pages++) {
      const page = await range(start, { range_end: prefixEnd(prefix), limit: 10, revision });
      revision ??= Number(page.header.revision); // later pages read the same snapshot, as the apiserver does
      seen.push(...page.kvs.map((kv) => kv.key.toString()));
      if (pages === 0) {
        expect(page.kvs).toHaveLength(10);
        expect(page.more).toBe(true);
        expect(Number(page.count)).toBe(25);
      }
      if (!page.more) break;
      start = `${page.kvs[page.kvs.length - 1].key.toString()}\x00`;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(names);
    const all = await c().getAll().prefix(prefix).keys();
    expect(all.sort()).toEqual(names);
  });

  it("runs the compare-and-swap transactions k3s uses: create, update, delete", async () => {
    const key = "/registry/secrets/default/cas";
    const created = await createKey(c(), key, "v1");
    expect(created.succeeded).toBe(true);
    // create again: mod_revision == 0 no longer holds
    expect((await createKey(c(), key, "v1-again")).succeeded).toBe(false);

    const stale = await updateKey(c(), key, "v2", created.revision - 1);
    expect(stale.succeeded).toBe(false);
    expect(stale.current).toEqual({ value: "v1", modRevision: created.revision });

    const updated = await updateKey(c(), key, "v2", created.revision);
    expect(updated.succeeded).toBe(true);
    expect(updated.revision).toBeGreaterThan(created.revision);
    expect(await c().get(key).string()).toBe("v2");

    const staleDelete = await deleteKey(c(), key, created.revision);
    expect(staleDelete.succeeded).toBe(false);
    expect(staleDelete.current).toEqual({ value: "v2", modRevision: updated.revision });
    expect(await c().get(key).string()).toBe("v2");

    const deleted = await deleteKey(c(), key, updated.revision);
    expect(deleted.succeeded).toBe(true);
    expect(deleted.revision).toBeGreaterThan(updated.revision);
    expect(await c().get(key).string()).toBeNull();
    // re-create after delete works (Kine records prev_revision = the delete)
    expect((await createKey(c(), key, "v3")).succeeded).toBe(true);
  });

  it("refuses what k3s never sends: plain DeleteRange is UNIMPLEMENTED (recorded)", async () => {
    await c().put("/kv/plain-delete").value("x").exec();
    const err = await c()
      .delete()
      .key("/kv/plain-delete")
      .exec()
      .then(() => undefined, (e: Error) => e);
    console.log(`[kine-etcd] plain DeleteRange -> ${err ? err.message : "succeeded"}`);
    expect(err?.message).toMatch(/UNIMPLEMENTED|not implemented/i);
    expect(await c().get("/kv/plain-delete").string()).toBe("x");
  });

  it("replays history to a watch started at a past revision, in order", async () => {
    const key = "/registry/leases/kube-system/watched";
    const revs: number[] = [];
    const created = await createKey(c(), key, "w1");
    revs.push(created.revision);
    const u1 = await updateKey(c(), key, "w2", created.revision);
    revs.push(u1.revision);
    const u2 = await updateKey(c(), key, "w3", u1.revision);
    revs.push(u2.revision);
    const d = await deleteKey(c(), key, u2.revision);
    revs.push(d.revision);
    expect([u1, u2, d].every((r) => r.succeeded)).toBe(true);

    const w = await recordWatch(c(), key, created.revision);
    try {
      const missing = await w.waitFor([key], 30_000);
      expect(missing).toEqual([]);
      for (let i = 0; i < 300 && w.events.length < 4; i++) await sleep(100);
      expect(w.events).toEqual([
        { type: "put", key, revision: revs[0] },
        { type: "put", key, revision: revs[1] },
        { type: "put", key, revision: revs[2] },
        { type: "delete", key, revision: revs[3] },
      ]);
      // and it stays live: a new write arrives too
      const again = await createKey(c(), key, "w4");
      for (let i = 0; i < 300 && w.events.length < 5; i++) await sleep(100);
      expect(w.events[4]).toEqual({ type: "put", key, revision: again.revision });
      expect(w.errors).toEqual([]);
    } finally {
      await w.cancel();
    }
  });

  it("expires a key attached to a lease (Kine's lease ID is its TTL; keep-alive and revoke are unsupported)", async () => {
    const key = "/registry/events/default/short-lived";
    const grant = await c().leaseClient.leaseGrant({ TTL: 2 });
    console.log(`[kine-etcd] LeaseGrant(TTL=2) -> ID=${grant.ID} TTL=${grant.TTL}`);
    expect(Number(grant.TTL)).toBe(2);
    const w = await recordWatch(c(), key);
    try {
      const put = await c().kv.put({ key: Buffer.from(key), value: Buffer.from("bye"), lease: grant.ID });
      const t0 = Date.now();
      expect(await c().get(key).string()).toBe("bye");
      let goneAfterMs = -1;
      for (let i = 0; i < 300 && Date.now() - t0 < 30_000; i++) {
        if ((await c().get(key).string()) === null) {
          goneAfterMs = Date.now() - t0;
          break;
        }
        await sleep(100);
      }
      console.log(`[kine-etcd] leased key (TTL 2 s) gone after ${goneAfterMs} ms`);
      expect(goneAfterMs).toBeGreaterThan(0);
      for (let i = 0; i < 100 && !w.events.some((e) => e.type === "delete"); i++) await sleep(100);
      const del = w.events.find((e) => e.type === "delete");
      expect(del?.revision).toBeGreaterThan(Number(put.header.revision));
    } finally {
      await w.cancel();
    }
    const revoke = await c()
      .leaseClient.leaseRevoke({ ID: grant.ID })
      .then(() => undefined, (e: Error) => e);
    expect(revoke?.message).toMatch(/not supported/);
  });

  it("compacts through the etcd Compact call, keeping Kine's 1000 most recent revisions (recorded)", async () => {
    const key = "/registry/compaction/k";
    const first = await createKey(c(), key, "0");
    expect(first.succeeded).toBe(true);
    let rev = first.revision;
    // Kine never compacts the newest 1000 revisions (--compact-min-retain, default 1000; we pass no such flag).
    for (let i = 1; i <= 1100; i++) {
      const u = await updateKey(c(), key, String(i), rev);
      expect(u.succeeded).toBe(true);
      rev = u.revision;
    }
    const current = await currentRevision(c());
    const rowsBefore = Number((await query(pg!, DB, "SELECT count(*) FROM kine;"))[0][0]);
    const res = await c().kv.compact({ revision: current });
    const rowsAfter = Number((await query(pg!, DB, "SELECT count(*) FROM kine;"))[0][0]);
    const compactRow = await query(pg!, DB, "SELECT prev_revision FROM kine WHERE name = 'compact_rev_key' ORDER BY id DESC LIMIT 1;");
    const compactedTo = Number(compactRow[0]?.[0] ?? 0);
    const oldRead = await range(key, { revision: first.revision }).then(
      (r) => `value ${r.kvs[0]?.value.toString()}`,
      (e: Error) => `error: ${e.message}`,
    );
    const recentRead = await range(key, { revision: current - 10 }).then((r) => r.kvs[0]?.value.toString());
    console.log(
      `[kine-etcd] Compact(revision=${current}) -> header.revision=${res.header.revision}; kine rows ${rowsBefore} -> ${rowsAfter};` +
        ` compact_rev_key=${compactedTo}; read at revision ${first.revision}: ${oldRead}`,
    );
    expect(rowsAfter).toBeLessThan(rowsBefore);
    expect(compactedTo).toBe(current - 1000);
    expect(oldRead).toMatch(/compacted/);
    expect(recentRead).toBe(String(1100 - 10));
    expect(await c().get(key).string()).toBe("1100");
    // A watch from a compacted revision is refused. (etcd3's `create()` would wait for a "created" that never comes
    // as such, so attach the watcher and listen, bounded.)
    const watcher = c().watch().key(key).startRevision(String(first.revision)).watcher();
    const w = await new Promise<string>((resolve) => {
      const t = setTimeout(() => resolve("nothing within 15 s"), 15_000);
      const done = (s: string) => (clearTimeout(t), resolve(s));
      watcher.on("error", (e) => done(`error: ${e.message}`));
      watcher.on("connected", (d) => {
        if (Number(d.compact_revision) > 0 || d.canceled) done(`canceled on create, compact_revision=${d.compact_revision}`);
      });
      watcher.on("data", (d) => {
        if (Number(d.compact_revision) > 0 || d.canceled) done(`canceled, compact_revision=${d.compact_revision}`);
        else done(`events: ${d.events.length}`);
      });
    });
    await Promise.race([watcher.cancel().catch(() => undefined), sleep(5_000)]);
    console.log(`[kine-etcd] watch from compacted revision ${first.revision}: ${w}`);
    expect(w).toMatch(/compact/i);
  });

  it("afterwards the schema is still ours: same indexes, kine_pkey, no index or table of Kine's own", async () => {
    expect(await kineIndexDefinitions(pg!, DB)).toEqual(expectedKineIndexes());
    expect(await kineConstraints(pg!, DB)).toEqual(expectedKineConstraints());
    const tables = await query(pg!, DB, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;");
    expect(tables.map(([t]) => t)).toEqual(["kine"]);
    expect(kine!.exited).toBe(false);
    expect(kine!.grep(/^ERRO/).filter((l) => !/error in (txn|put|compact)|not supported|not implemented|compacted/i.test(l))).toEqual([]);
  });
});
