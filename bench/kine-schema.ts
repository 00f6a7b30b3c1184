/**
 * Bench (issue 10): stock, pinned Kine on our pre-created schema vs the schema Kine creates for itself, same run,
 * same throwaway PostgreSQL 15. For each: 1,000 puts (sequential, through the etcd v3 API), then a 1,000-key prefix
 * range (one unpaged range, and the apiserver's paging at limit 500). Prints times and the ratio ours/Kine's.
 *
 *   scripts/build-kine.sh && npx ts-node --transpile-only bench/kine-schema.ts [--rounds N] [--keys N]
 *
 * On PostgreSQL the two schemas differ only by the covering `INCLUDE (id)` of kine_name_prev_revision_uindex
 * (ASC is PostgreSQL's default), so expect a ratio near 1; the range-sharding benefits only show on YugabyteDB.
 * No assertion on times anywhere: this prints numbers.
 */
import type { Etcd3 } from "etcd3";
import { kineSchemaStatements } from "../planner/kineSchema";
import { KINE_VERSION } from "../planner/versions";
import { assertKineBinary, etcdClient, startKine } from "../test/support/kine";
import { createDatabase, kineIndexDefinitions, psql, startPostgres, type PgServer } from "../test/support/postgres";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1 || v > 100_000) throw new Error(`--${name} must be an integer in 1..100000`);
  return v;
};
const ROUNDS = arg("rounds", 5);
const KEYS = arg("keys", 1000);

interface Sample {
  putsMs: number;
  rangeMs: number;
  pagedRangeMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const prefixEnd = (p: string) => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

async function measure(client: Etcd3, prefix: string): Promise<Sample> {
  const value = "x".repeat(256);
  let t = performance.now();
  for (let i = 0; i < KEYS; i++) await client.put(`${prefix}${String(i).padStart(6, "0")}`).value(value).exec();
  const putsMs = performance.now() - t;

  t = performance.now();
  const all = await client.kv.range({ key: Buffer.from(prefix), range_end: Buffer.from(prefixEnd(prefix)) });
  const rangeMs = performance.now() - t;
  if (all.kvs.length !== KEYS) throw new Error(`range returned ${all.kvs.length} keys, expected ${KEYS}`);

  t = performance.now();
  let got = 0;
  let start = prefix;
  let revision: string | undefined;
  for (let page = 0; page < KEYS; page++) {
    const r = await client.kv.range({ key: Buffer.from(start), range_end: Buffer.from(prefixEnd(prefix)), limit: 500, revision });
    revision ??= r.header.revision;
    got += r.kvs.length;
    if (!r.more) break;
    start = `${r.kvs[r.kvs.length - 1].key.toString()}\x00`;
  }
  const pagedRangeMs = performance.now() - t;
  if (got !== KEYS) throw new Error(`paged range returned ${got} keys, expected ${KEYS}`);
  return { putsMs, rangeMs, pagedRangeMs };
}

async function runOne(pg: PgServer, db: string, preCreate: boolean, round: number): Promise<Sample> {
  if (preCreate) {
    await createDatabase(pg, db);
    await psql(pg, db, kineSchemaStatements(db, "postgres").join("\n"));
  } // else: Kine creates the database (through the `postgres` database) and its own schema
  const kine = await startKine({ pg, database: db, name: `bench-${db}` });
  const client = etcdClient(kine.endpoint, 120_000);
  try {
    return await measure(client, `/registry/bench/r${round}/`);
  } finally {
    client.close();
    await kine.stop();
    if (!preCreate) {
      const defs = await kineIndexDefinitions(pg, db);
      if (/INCLUDE/.test(defs.kine_name_prev_revision_uindex ?? "")) throw new Error("Kine's own schema unexpectedly has INCLUDE");
    }
  }
}

async function main(): Promise<void> {
  assertKineBinary();
  const pg = await startPostgres();
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // alternate the order so neither side always runs on a colder or warmer server
      const order: ("ours" | "kine")[] = round % 2 === 0 ? ["kine", "ours"] : ["ours", "kine"];
      for (const which of order) {
        const s = await runOne(pg, `bench_${which}_${round}`, which === "ours", round);
        (which === "ours" ? ours : theirs).push(s);
        console.log(
          `round ${round + 1}/${ROUNDS} ${which === "ours" ? "our schema   " : "Kine's schema"}: ` +
            `${KEYS} puts ${s.putsMs.toFixed(0)} ms, range ${s.rangeMs.toFixed(1)} ms, paged range ${s.pagedRangeMs.toFixed(1)} ms`,
        );
      }
    }
  } finally {
    await pg.stop();
  }
  const row = (label: string, pick: (s: Sample) => number) => {
    const o = median(ours.map(pick));
    const k = median(theirs.map(pick));
    return `${label.padEnd(28)} ours ${o.toFixed(1).padStart(9)} ms   Kine's ${k.toFixed(1).padStart(9)} ms   ratio ours/Kine's ${(o / k).toFixed(2)}`;
  };
  console.log(`\nKine ${KINE_VERSION} on PostgreSQL 15, medians of ${ROUNDS} rounds`);
  console.log(row(`${KEYS} sequential puts`, (s) => s.putsMs));
  console.log(row(`${KEYS}-key prefix range`, (s) => s.rangeMs));
  console.log(row(`same, paged (limit 500)`, (s) => s.pagedRangeMs));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
