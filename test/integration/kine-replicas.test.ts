/**
 * Issue 10, part 3: two stock Kine replicas on one database, and the sequence-cache hazard.
 *
 * Kine uses the kine.id sequence as the MVCC revision and assumes ids are handed out in order. YugabyteDB caches
 * sequence values per connection (`ysql_sequence_cache_minval`, default 100), which is why our tservers run with 1.
 * PostgreSQL's per-session sequence cache (`ALTER SEQUENCE ... CACHE n`) behaves the same way, so we reproduce the
 * hazard here: the same two-replica workload with CACHE 1 (clean) and CACHE 100 (what users would get with YugabyteDB's
 * default). Numbers are printed so CI shows them; only what is observed is asserted.
 */
import type { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kineSchemaStatements } from "../../planner/kineSchema";
import { KINE_VERSION } from "../../planner/versions";
import { assertKineBinary, etcdClient, startKine, type KineProcess } from "../support/kine";
import { analyse, currentRevision, recordWatch, writeWorkload, type WorkloadReport } from "../support/kineWorkload";
import { createDatabase, kineConstraints, kineIndexDefinitions, psql, query, startPostgres, type PgServer } from "../support/postgres";
import { expectedKineConstraints, expectedKineIndexes } from "../support/schema";

const SEQUENTIAL_WRITES_PER_REPLICA = 60;
const CONCURRENT_WRITES_PER_REPLICA = 100;
const CONCURRENCY_PER_REPLICA = 4;
const WATCH_SETTLE_MS = 20_000;

let pg: PgServer | undefined;
const started: KineProcess[] = [];
const clients: Etcd3[] = [];

beforeAll(async () => {
  assertKineBinary();
  pg = await startPostgres();
}, 180_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const k of started) await k.stop();
  await pg?.stop();
}, 120_000);

const server = (): PgServer => {
  if (!pg) throw new Error("PostgreSQL did not start (see beforeAll)");
  return pg;
};

interface PhaseResult {
  readonly report: WorkloadReport;
  readonly ms: number;
  /** The first revisions in issue order, e.g. "A:3 B:4 A:5" */
  readonly firstRevisions: string;
  /** Both watches started here: the revision A reported just before the phase, plus one (list-then-watch). */
  readonly watchFrom: number;
}

interface ScenarioResult {
  readonly cache: number;
  readonly sequential: PhaseResult;
  readonly concurrent: PhaseResult;
  readonly gapRows: number;
  readonly rows: number;
  readonly maxId: number;
  readonly retriableInsertWarnings: number;
  readonly insertErrors: number;
  readonly gapSkips: number;
  readonly kineErrors: number;
}

async function scenario(cache: number): Promise<ScenarioResult> {
  const db = `kine_cache_${cache}`;
  await createDatabase(server(), db);
  await psql(server(), db, [...kineSchemaStatements(db, "postgres"), `ALTER SEQUENCE kine_id_seq CACHE ${cache};`].join("\n"));
  const [[seqcache]] = await query(server(), db, "SELECT seqcache FROM pg_sequence WHERE seqrelid = 'kine_id_seq'::regclass;");
  expect(Number(seqcache)).toBe(cache);

  const a = await startKine({ pg: server(), database: db, name: `kine-a-cache${cache}` });
  started.push(a);
  const b = await startKine({ pg: server(), database: db, name: `kine-b-cache${cache}` });
  started.push(b);
  const ca = etcdClient(a.endpoint);
  const cb = etcdClient(b.endpoint);
  clients.push(ca, cb);
  const replicas = [
    { name: "A", client: ca },
    { name: "B", client: cb },
  ];

  const phase = async (mode: "sequential" | "concurrent"): Promise<PhaseResult> => {
    const prefix = `/registry/hazard/${mode}/`;
    const from = (await currentRevision(ca)) + 1;
    const onA = await recordWatch(ca, prefix, from);
    const onB = await recordWatch(cb, prefix, from);
    const t0 = performance.now();
    const records = await writeWorkload({
      replicas,
      prefix,
      writesPerReplica: mode === "sequential" ? SEQUENTIAL_WRITES_PER_REPLICA : CONCURRENT_WRITES_PER_REPLICA,
      concurrency: mode === "sequential" ? 1 : CONCURRENCY_PER_REPLICA,
      interleave: mode === "sequential",
      timeoutMs: 180_000,
    });
    const ms = Math.round(performance.now() - t0);
    const written = records.filter((r) => r.revision !== undefined).map((r) => r.key);
    await onA.waitFor(written, WATCH_SETTLE_MS);
    await onB.waitFor(written, WATCH_SETTLE_MS);
    const report = analyse(records, [
      { name: "watch on A", w: onA, startRevision: from },
      { name: "watch on B", w: onB, startRevision: from },
    ]);
    await onA.cancel();
    await onB.cancel();
    const firstRevisions = [...records]
      .sort((x, y) => x.startedAt - y.startedAt)
      .slice(0, 8)
      .map((r) => `${r.replica}:${r.revision ?? "fail"}`)
      .join(" ");
    return { report, ms, firstRevisions, watchFrom: from };
  };

  const sequential = await phase("sequential");
  const concurrent = await phase("concurrent");
  const [[gapRows, rows, maxId]] = await query(
    server(),
    db,
    "SELECT count(*) FILTER (WHERE name LIKE 'gap-%'), count(*), coalesce(max(id), 0) FROM kine;",
  );
  const count = (re: RegExp) => a.grep(re).length + b.grep(re).length;
  const result: ScenarioResult = {
    cache,
    sequential,
    concurrent,
    gapRows: Number(gapRows),
    rows: Number(rows),
    maxId: Number(maxId),
    retriableInsertWarnings: count(/Retriable insert error/),
    insertErrors: count(/Insert error for key/),
    gapSkips: count(/^ERRO.*GAP /),
    kineErrors: count(/^ERRO/),
  };
  await a.stop();
  await b.stop();

  // Whatever happened, the schema is still ours.
  expect(await kineIndexDefinitions(server(), db)).toEqual(expectedKineIndexes());
  expect(await kineConstraints(server(), db)).toEqual(expectedKineConstraints());
  return result;
}

function print(r: ScenarioResult): void {
  const line = (name: string, p: PhaseResult) => {
    const w = p.report.watchers
      .map((x) => `${x.name}: received ${x.received}, missed ${x.missed} (${x.missedBelowStart} below the watch's start revision ${p.watchFrom}), out-of-order ${x.outOfOrder}, duplicates ${x.duplicates}, revision mismatches ${x.revisionMismatch}, errors ${x.errors}`)
      .join("; ");
    return (
      `  ${name}: ${p.report.writes} creates in ${p.ms} ms, ${p.report.succeeded} ok, ${p.report.failed} failed` +
      `${p.report.errorSamples.length ? ` (${p.report.errorSamples.join(" | ")})` : ""}; ` +
      `revisions ${p.report.minRevision}..${p.report.maxRevision}; duplicate revisions ${p.report.duplicateRevisions}; ` +
      `revision went backwards after a completed write ${p.report.realTimeOrderViolations}x` +
      `${name === "sequential A,B,A,B" ? ` (sequential regressions ${p.report.sequentialRegressions}); first: ${p.firstRevisions}` : ""}\n    ${w}`
    );
  };
  console.log(
    [
      `[kine-hazard] kine_id_seq CACHE ${r.cache} (two Kine ${KINE_VERSION} replicas, one PostgreSQL database)`,
      line("sequential A,B,A,B", r.sequential),
      line(`concurrent ${CONCURRENCY_PER_REPLICA}+${CONCURRENCY_PER_REPLICA} writers`, r.concurrent),
      `  database: ${r.rows} rows, max id ${r.maxId}, gap-fill rows ${r.gapRows}`,
      `  kine logs: retriable insert warnings ${r.retriableInsertWarnings}, insert errors ${r.insertErrors}, GAP skips ${r.gapSkips}, ERRO lines ${r.kineErrors}`,
    ].join("\n"),
  );
}

describe(`two stock Kine ${KINE_VERSION} replicas on one database`, { timeout: 600_000 }, () => {
  let clean: ScenarioResult | undefined;

  it("CACHE 1 (our ysql_sequence_cache_minval=1): revisions strictly increase, every watcher sees every write in order", async () => {
    clean = await scenario(1);
    print(clean);
    for (const p of [clean.sequential, clean.concurrent]) {
      expect(p.report.failed).toBe(0);
      expect(p.report.duplicateRevisions).toBe(0);
      expect(p.report.realTimeOrderViolations).toBe(0);
      for (const w of p.report.watchers) {
        expect(w).toMatchObject({ missed: 0, missedBelowStart: 0, outOfOrder: 0, duplicates: 0, revisionMismatch: 0, errors: 0 });
        expect(w.received).toBe(p.report.succeeded);
      }
    }
    // interleaved writes through both replicas: each revision is greater than the one before
    expect(clean.sequential.report.sequentialRegressions).toBe(0);
    expect(clean.sequential.report.succeeded).toBe(2 * SEQUENTIAL_WRITES_PER_REPLICA);
    expect(clean.concurrent.report.succeeded).toBe(2 * CONCURRENT_WRITES_PER_REPLICA);
    // Concurrent inserts racing on the sequence can still consume an id whose insert is then retried; Kine fills that
    // gap. Observed with CACHE 1: 0 or 1 gap row (and as many retry warnings) in 320 writes; with CACHE 100: over a
    // thousand. Such gaps are Kine's normal path, not the hazard; what CACHE 1 guarantees is asserted above.
    expect(clean.gapRows).toBeLessThanOrEqual(3);
    expect(clean.retriableInsertWarnings).toBeLessThanOrEqual(3);
    expect(clean.kineErrors).toBe(0);
  });

  it("CACHE 100 (YugabyteDB's default sequence cache): the hazard, as observed", async () => {
    const r = await scenario(100);
    print(r);
    // Each Kine connection draws ids from its own block of 100: a write through one replica gets a lower revision
    // than a write that already completed through the other, and the pollers fill the holes with gap rows.
    const anomalies =
      r.sequential.report.sequentialRegressions +
      r.sequential.report.realTimeOrderViolations +
      r.concurrent.report.realTimeOrderViolations +
      r.sequential.report.failed +
      r.concurrent.report.failed +
      r.sequential.report.watchers.reduce((n, w) => n + w.missed + w.outOfOrder, 0) +
      r.concurrent.report.watchers.reduce((n, w) => n + w.missed + w.outOfOrder, 0);
    expect(anomalies).toBeGreaterThan(0);
    expect(r.gapRows).toBeGreaterThan(0);
    expect(r.retriableInsertWarnings).toBeGreaterThan(0);
    // Contrast with the clean run, when it ran in this process.
    if (clean) expect(r.gapRows).toBeGreaterThan(clean.gapRows);
  });
});
