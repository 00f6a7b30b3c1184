/** Shared test fixtures: fast-check arbitraries for valid topologies and a helper to build plans from them. */
import fc from "fast-check";
import { parseTopology } from "../../config/load";
import type { TopologyInput } from "../../config/schema";
import { buildPlan, type ClusterPlan } from "../../planner/plan";

/** yb-tserver flags a stack may set (and the one it may not, dropped below). */
const USER_FLAG_NAMES = [
  "memory_limit_hard_bytes",
  "ysql_max_connections",
  "yb_num_shards_per_tserver",
  "ysql_pg_conf_csv",
  "ysql_enable_packed_row",
  "callhome_enabled",
  "log_min_seconds_to_retain",
  "enable_automatic_tablet_splitting",
  "ysql_sequence_cache_minval",
];

export const zoneName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

/** Valid docker/kubernetes topologies: 1-3 regions, 1-4 zones each, RF odd and satisfiable. */
export const validTopology: fc.Arbitrary<TopologyInput> = fc
  .record({
    target: fc.constantFrom("docker" as const, "kubernetes" as const),
    regions: fc.uniqueArray(zoneName, { minLength: 1, maxLength: 3 }).chain((regionNames) =>
      fc.tuple(
        ...regionNames.map((name) =>
          fc.record({ name: fc.constant(`r-${name}`), zones: fc.uniqueArray(zoneName, { minLength: 1, maxLength: 4 }), nodesPerZone: fc.integer({ min: 1, max: 3 }) }),
        ),
      ),
    ),
    kineReplicas: fc.integer({ min: 1, max: 4 }),
    k3sServers: fc.integer({ min: 1, max: 3 }),
    // Real yb-tserver flags (config/flags/yugabyte.ts): unknown names are rejected.
    userFlags: fc.dictionary(fc.constantFrom(...USER_FLAG_NAMES), fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z0-9,]{0,8}$/)), { maxKeys: 4 }),
  })
  .map(({ target, regions, kineReplicas, k3sServers, userFlags }) => {
    // Make zone names unique across regions by prefixing the region.
    const rs = regions.map((r) => ({ ...r, zones: r.zones.map((z) => `${r.name}-${z}`) }));
    const zones = rs.reduce((n, r) => n + r.zones.length, 0);
    const nodes = rs.reduce((n, r) => n + r.zones.length * r.nodesPerZone, 0);
    const rf = [5, 3, 1].find((x) => x <= nodes && x <= zones) ?? 1;
    const { ysql_sequence_cache_minval: _dropped, ...flags } = userFlags;
    const candidate = {
      target,
      faultTolerance: rf >= 3 ? ("zone" as const) : ("none" as const),
      replicationFactor: rf,
      regions: rs,
      kine: { replicas: kineReplicas },
      k3s: { servers: k3sServers },
      yugabyte: { tserverFlags: flags },
      ...(target === "kubernetes" ? { kubernetes: { context: "test" } } : {}),
    } satisfies TopologyInput;
    // Zone fault tolerance is only accepted where the datastore survives any zone (e.g. Kine replicas in 2+ zones).
    try {
      parseTopology(candidate);
      return candidate;
    } catch {
      return { ...candidate, faultTolerance: "none" as const };
    }
  });

export const planOf = (input: TopologyInput, stack = "test"): ClusterPlan => buildPlan({ project: "yb-k3s", stack, topology: parseTopology(input) });
