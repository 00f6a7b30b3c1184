/**
 * Workloads for two (or more) Kine replicas sharing one database, and what their clients and watchers observe.
 * Only k3s-shaped requests (Kine rejects anything else): create = txn [mod_revision(key) == 0] then put.
 * Every loop is bounded in count and time.
 */
import type { Etcd3, IWatchResponse, Watcher } from "etcd3";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** k3s/apiserver "create": succeed only if the key does not exist (mod_revision == 0). Returns the txn revision. */
export async function createKey(client: Etcd3, key: string, value: string): Promise<{ succeeded: boolean; revision: number }> {
  const res = await client.kv.txn({
    compare: [{ key: Buffer.from(key), target: "Mod", result: "Equal", mod_revision: 0 }],
    success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }],
    failure: [],
  });
  return { succeeded: res.succeeded, revision: Number(res.header.revision) };
}

/** k3s "update": put only if mod_revision == expected; on failure the current value comes back. */
export async function updateKey(
  client: Etcd3,
  key: string,
  value: string,
  expectedModRevision: number,
): Promise<{ succeeded: boolean; revision: number; current?: { value: string; modRevision: number } }> {
  const res = await client.kv.txn({
    compare: [{ key: Buffer.from(key), target: "Mod", result: "Equal", mod_revision: expectedModRevision }],
    success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }],
    failure: [{ request_range: { key: Buffer.from(key) } }],
  });
  const kv = res.responses[0]?.response_range?.kvs?.[0];
  return {
    succeeded: res.succeeded,
    revision: Number(res.header.revision),
    current: kv ? { value: kv.value.toString(), modRevision: Number(kv.mod_revision) } : undefined,
  };
}

/** k3s "delete": delete only if mod_revision == expected; on failure the current value comes back. */
export async function deleteKey(
  client: Etcd3,
  key: string,
  expectedModRevision: number,
): Promise<{ succeeded: boolean; revision: number; current?: { value: string; modRevision: number } }> {
  const res = await client.kv.txn({
    compare: [{ key: Buffer.from(key), target: "Mod", result: "Equal", mod_revision: expectedModRevision }],
    success: [{ request_delete_range: { key: Buffer.from(key) } }],
    failure: [{ request_range: { key: Buffer.from(key) } }],
  });
  const kv = res.responses[0]?.response_range?.kvs?.[0];
  return {
    succeeded: res.succeeded,
    revision: Number(res.header.revision),
    current: kv ? { value: kv.value.toString(), modRevision: Number(kv.mod_revision) } : undefined,
  };
}

export async function currentRevision(client: Etcd3): Promise<number> {
  const r = await client.kv.range({ key: Buffer.from("/yb-k3s-test/current-revision-probe") });
  return Number(r.header.revision);
}

export interface SeenEvent {
  readonly type: "put" | "delete";
  readonly key: string;
  readonly revision: number;
}

/** A watcher that records every event of a prefix, in arrival order. */
export interface RecordingWatcher {
  readonly events: SeenEvent[];
  readonly errors: string[];
  readonly watcher: Watcher;
  /** Bounded wait until `keys` have all been seen (or the time is up). Returns the keys still missing. */
  waitFor(keys: Iterable<string>, timeoutMs: number): Promise<string[]>;
  cancel(): Promise<void>;
}

export async function recordWatch(client: Etcd3, prefix: string, startRevision?: number): Promise<RecordingWatcher> {
  const events: SeenEvent[] = [];
  const errors: string[] = [];
  let b = client.watch().prefix(prefix);
  if (startRevision !== undefined) b = b.startRevision(String(startRevision));
  const watcher = await b.create();
  watcher.on("data", (res: IWatchResponse) => {
    for (const e of res.events) {
      events.push({
        type: e.type === "Delete" ? "delete" : "put",
        key: e.kv.key.toString(),
        revision: Number(e.kv.mod_revision),
      });
    }
  });
  watcher.on("error", (e) => errors.push(String(e)));
  watcher.on("disconnected", (e) => errors.push(`disconnected: ${String(e)}`));
  return {
    events,
    errors,
    watcher,
    async waitFor(keys, timeoutMs) {
      const want = new Set(keys);
      const deadline = Date.now() + timeoutMs;
      for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
        for (const e of events) want.delete(e.key);
        if (want.size === 0) return [];
        await sleep(50);
      }
      for (const e of events) want.delete(e.key);
      return [...want];
    },
    cancel: () => watcher.cancel(),
  };
}

export interface WriteRecord {
  readonly replica: string;
  readonly key: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly revision?: number;
  readonly error?: string;
}

export interface Replica {
  readonly name: string;
  readonly client: Etcd3;
}

/**
 * Writes `writesPerReplica` creates through each replica, with `concurrency` concurrent writers per replica
 * (concurrency 1 and two replicas with `interleave` = strictly alternating sequential writes A, B, A, B...).
 */
export async function writeWorkload(o: {
  replicas: readonly Replica[];
  prefix: string;
  writesPerReplica: number;
  concurrency: number;
  interleave?: boolean;
  timeoutMs: number;
}): Promise<WriteRecord[]> {
  const records: WriteRecord[] = [];
  const deadline = Date.now() + o.timeoutMs;
  const one = async (r: Replica, key: string) => {
    const startedAt = performance.now();
    try {
      const res = await createKey(r.client, key, `${r.name}:${key}`);
      records.push({
        replica: r.name,
        key,
        startedAt,
        endedAt: performance.now(),
        revision: res.succeeded ? res.revision : undefined,
        error: res.succeeded ? undefined : "create txn not succeeded (key exists)",
      });
    } catch (e) {
      records.push({ replica: r.name, key, startedAt, endedAt: performance.now(), error: String((e as Error).message ?? e) });
    }
  };
  if (o.interleave) {
    for (let i = 0; i < o.writesPerReplica && Date.now() < deadline; i++) {
      for (const r of o.replicas) await one(r, `${o.prefix}${r.name}/${i}`);
    }
    return records;
  }
  const workers: Promise<void>[] = [];
  for (const r of o.replicas) {
    let next = 0;
    for (let w = 0; w < o.concurrency; w++) {
      workers.push(
        (async () => {
          for (let n = 0; n < o.writesPerReplica && Date.now() < deadline; n++) {
            const i = next++;
            if (i >= o.writesPerReplica) return;
            await one(r, `${o.prefix}${r.name}/${i}`);
          }
        })(),
      );
    }
  }
  await Promise.all(workers);
  return records;
}

export interface WatcherReport {
  readonly name: string;
  readonly received: number;
  /** Successfully written keys the watcher never reported. */
  readonly missed: number;
  /** Of those, writes whose revision is below the revision the watch started from (list-then-watch loses them). */
  readonly missedBelowStart: number;
  /** Events whose revision is not greater than the previous event's. */
  readonly outOfOrder: number;
  /** Events for the same key reported twice. */
  readonly duplicates: number;
  /** Events whose revision differs from the revision the writer got back. */
  readonly revisionMismatch: number;
  readonly errors: number;
}

export interface WorkloadReport {
  readonly writes: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly errorSamples: string[];
  /** Two successful writes that got the same revision. */
  readonly duplicateRevisions: number;
  /** Write pairs where B started after A had returned, yet B's revision is lower (revision went backwards in time). */
  readonly realTimeOrderViolations: number;
  /** For strictly sequential runs: how often a returned revision was not greater than the previous one. */
  readonly sequentialRegressions: number;
  readonly minRevision: number;
  readonly maxRevision: number;
  readonly watchers: WatcherReport[];
}

export function analyse(
  records: readonly WriteRecord[],
  watchers: readonly { name: string; w: RecordingWatcher; startRevision?: number }[],
): WorkloadReport {
  const ok = records.filter((r) => r.revision !== undefined) as (WriteRecord & { revision: number })[];
  const failed = records.filter((r) => r.revision === undefined);
  const revCount = new Map<number, number>();
  for (const r of ok) revCount.set(r.revision, (revCount.get(r.revision) ?? 0) + 1);
  const duplicateRevisions = [...revCount.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);

  // Real-time order: for each write, the max revision among writes that had returned before it started.
  const byEnd = [...ok].sort((a, b) => a.endedAt - b.endedAt);
  const byStart = [...ok].sort((a, b) => a.startedAt - b.startedAt);
  let violations = 0;
  let j = 0;
  let maxEndedRev = -Infinity;
  for (const w of byStart) {
    while (j < byEnd.length && byEnd[j].endedAt < w.startedAt) maxEndedRev = Math.max(maxEndedRev, byEnd[j++].revision);
    if (w.revision <= maxEndedRev) violations++;
  }
  // Sequential regressions in the order the writes were issued (meaningful for sequential runs).
  let sequentialRegressions = 0;
  for (let i = 1; i < byStart.length; i++) if (byStart[i].revision <= byStart[i - 1].revision) sequentialRegressions++;

  const wrote = new Map(ok.map((r) => [r.key, r.revision]));
  const reports = watchers.map(({ name, w, startRevision }) => {
    const seen = new Set<string>();
    let outOfOrder = 0;
    let duplicates = 0;
    let mismatch = 0;
    let prev = -Infinity;
    for (const e of w.events) {
      if (e.revision <= prev) outOfOrder++;
      prev = Math.max(prev, e.revision);
      if (seen.has(e.key)) duplicates++;
      seen.add(e.key);
      const expected = wrote.get(e.key);
      if (expected !== undefined && expected !== e.revision) mismatch++;
    }
    const missedKeys = [...wrote.keys()].filter((k) => !seen.has(k));
    const missedBelowStart = missedKeys.filter((k) => startRevision !== undefined && (wrote.get(k) ?? 0) < startRevision).length;
    return { name, received: w.events.length, missed: missedKeys.length, missedBelowStart, outOfOrder, duplicates, revisionMismatch: mismatch, errors: w.errors.length };
  });

  const revs = ok.map((r) => r.revision);
  return {
    writes: records.length,
    succeeded: ok.length,
    failed: failed.length,
    errorSamples: [...new Set(failed.map((f) => f.error ?? ""))].slice(0, 5),
    duplicateRevisions,
    realTimeOrderViolations: violations,
    sequentialRegressions,
    minRevision: revs.length ? Math.min(...revs) : 0,
    maxRevision: revs.length ? Math.max(...revs) : 0,
    watchers: reports,
  };
}
