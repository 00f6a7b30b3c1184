/** A battery of realistic mistakes, each with the problem line a user should see. */
import { describe, expect, it } from "vitest";
import { ConfigError, parseTopology } from "../../config/load";
import { devConfig, localConfig, prodConfig, stagingConfig } from "../support/topologies";
import { docker, inputCases, k3sArgs, k8s } from "../support/mistakes";

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseTopology(raw);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const cases: [string, () => Record<string, unknown>, RegExp][] = [
  ["even replication factor", () => ({ ...localConfig(), replicationFactor: 4, regions: [{ name: "dc1", zones: ["a", "b", "c", "d"] }] }), /^yb-k3s:replicationFactor: must be odd \(1, 3, 5 or 7\).*got 4$/],
  ["two zones for zone fault tolerance", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b"], nodesPerZone: 2 }] }), /^yb-k3s:regions: faultTolerance 'zone' with replicationFactor 3 needs at least 3 zones with YugabyteDB nodes so that no zone holds a majority of a tablet's replicas; got 2$/],
  ["database zone not among the region's zones", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], databaseZones: ["zone-a", "zone-x"] }] }), /^yb-k3s:regions\[0\]\.databaseZones\[1\]: 'zone-x' is not one of this region's zones \(zone-a, zone-b, zone-c\)$/],
  ["database zones too few for zone fault tolerance", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], databaseZones: ["zone-a"], nodesPerZone: 3 }] }), /^yb-k3s:regions: faultTolerance 'zone' .* got 1$/],
  ["duplicate zone", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-a"] }] }), /^yb-k3s:regions\[0\]\.zones\[2\]: duplicate zone 'zone-a'/],
  ["duplicate zone across regions", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"] }, { name: "dc2", zones: ["zone-a"] }] }), /^yb-k3s:regions\[1\]\.zones\[0\]: duplicate zone 'zone-a' \(already in region 'dc1'\)/],
  [
    "overlapping CIDRs (aws)",
    () => {
      const c = prodConfig();
      (c.regions as { cidr: string }[])[2].cidr = "10.10.0.0/20";
      return c;
    },
    /^yb-k3s:regions\[2\]\.cidr: 10\.10\.0\.0\/20 of region 'eu-west-1' overlaps 10\.10\.0\.0\/16 of region 'us-east-1'/,
  ],
  ["aws CIDR too small for the subnets", () => ({ ...stagingConfig(), regions: [{ name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], cidr: "10.0.0.0/28" }] }), /^yb-k3s:regions\[0\]\.cidr: must be a \/16 to \/20 VPC CIDR/],
  ["'latest' YugabyteDB tag", () => ({ ...localConfig(), yugabyte: { version: "latest" } }), /^yb-k3s:yugabyte\.version: must be a pinned YugabyteDB release .*never 'latest'/],
  ["'latest' Kine tag", () => ({ ...localConfig(), kine: { version: "latest" } }), /^yb-k3s:kine\.version: must be a pinned Kine release/],
  ["'latest' k3s channel", () => ({ ...localConfig(), k3s: { version: "latest" } }), /^yb-k3s:k3s\.version: must be a pinned k3s release/],
  ["zero k3s servers", () => ({ ...localConfig(), k3s: { servers: 0 } }), /^yb-k3s:k3s\.servers: must be at least 1$/],
  ["zero Kine replicas", () => ({ ...localConfig(), kine: { replicas: 0 } }), /^yb-k3s:kine\.replicas: must be at least 1$/],
  ["unknown top-level key", () => ({ ...localConfig(), replicationFactr: 3 }), /^yb-k3s:replicationFactr: unknown key/],
  ["unknown nested key", () => ({ ...localConfig(), k3s: { server: 3 } }), /^yb-k3s:k3s\.server: unknown key/],
  ["unknown key in a region", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], nodes: 3 }] }), /^yb-k3s:regions\[0\]\.nodes: unknown key/],
  ["unknown key with a space", () => ({ ...localConfig(), "k3s servers": 3 }), /^yb-k3s:\["k3s%20servers"\]: unknown key/],
  ["number as a string", () => ({ ...localConfig(), replicationFactor: "3" }), /^yb-k3s:replicationFactor: must be a number$/],
  ["zones as a string", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: "zone-a,zone-b,zone-c" }] }), /^yb-k3s:regions\[0\]\.zones: must be a list$/],
  ["boolean as a string", () => ({ ...localConfig(), protectData: "yes" }), /^yb-k3s:protectData: must be a boolean$/],
  ["unknown target", () => ({ ...localConfig(), target: "gcp" }), /^yb-k3s:target: must be one of "docker", "kubernetes", "aws"$/],
  ["missing target", () => {
    const { target: _t, ...rest } = localConfig();
    return rest;
  }, /^yb-k3s:target: is required and must be one of "docker", "kubernetes", "aws"$/],
  ["underscore in a zone name (yugabyted --join)", () => ({ ...localConfig(), regions: [{ name: "dc1", zones: ["zone_a", "zone-b", "zone-c"] }] }), /^yb-k3s:regions\[0\]\.zones\[0\]: must be a DNS label/],
  ["sequence cache overridden", () => ({ ...localConfig(), yugabyte: { tserverFlags: { ysql_sequence_cache_minval: 100 } } }), /^yb-k3s:yugabyte\.tserverFlags\.ysql_sequence_cache_minval: is fixed at 1/],
  ["region fault tolerance over two regions", () => ({ ...prodConfig(), regions: (prodConfig().regions as unknown[]).slice(0, 2) }), /^yb-k3s:regions: faultTolerance 'region' needs at least 3 regions; got 2$/],
  ["aws section on docker", () => ({ ...localConfig(), aws: {} }), /^yb-k3s:aws: is only allowed when target is 'aws'/],
  ["kubernetes without a context", () => ({ ...devConfig(), kubernetes: {} }), /^yb-k3s:kubernetes\.context: is required$/],
  ["public docker bind address", () => ({ ...localConfig(), docker: { bindAddress: "0.0.0.0" } }), /^yb-k3s:docker\.bindAddress: must be a loopback address/],
  ["zone fault tolerance with one Kine replica", () => ({ ...localConfig(), kine: { replicas: 1 } }), /^yb-k3s:faultTolerance: 'zone' requires the datastore \(YugabyteDB and Kine\) to survive the loss of any one zone, but losing zone 'zone-a' fails/],
];

/** Cases whose line must be the only one (a misleading second line was the bug). */
const ONLY_LINE = new Set(["RF 1 with zone fault tolerance", "RF 1 with region fault tolerance", "negative RF", "RF 9", "loopback octet above 255", "misspelt tserver gflag", "--cluster-init (embedded etcd beside Kine)"]);

describe("realistic mistakes", () => {
  it.each(cases)("%s", (_name, raw, expected) => {
    const lines = problems(raw());
    expect(lines.some((l) => expected.test(l)), lines.join("\n")).toBe(true);
    for (const l of lines) expect(l).toMatch(/^yb-k3s:[^ ]+: .+$/);
  });

  it.each(inputCases)("%s", (name, raw, expected) => {
    const lines = problems(raw());
    expect(lines.some((l) => expected.test(l)), lines.join("\n")).toBe(true);
    for (const l of lines) expect(l).toMatch(/^yb-k3s:[^ ]+: .+$/);
    for (const l of lines) expect(l).not.toMatch(/Infinity|NaN|undefined/);
    if (ONLY_LINE.has(name)) expect(lines).toHaveLength(1);
  });

  it("a stack that overrides the YugabyteDB or k3s version is not held to the pinned releases' flag lists", () => {
    expect(() => parseTopology({ ...localConfig(), yugabyte: { version: "2024.2.3.0", tserverFlags: { some_later_flag: 1 } }, k3s: { version: "v1.37.0+k3s1", extraArgs: ["--some-later-flag"] } })).not.toThrow();
    // ...but flags the planner owns stay refused whatever the version.
    expect(problems({ ...localConfig(), yugabyte: { version: "2024.2.3.0", tserverFlags: { placement_zone: "x" } }, k3s: { version: "v1.37.0+k3s1", extraArgs: ["--cluster-init"] } })).toHaveLength(2);
  });

  it("accepts what the checks must not refuse", () => {
    expect(() => parseTopology({ ...localConfig(), replicationFactor: 5, regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"], nodesPerZone: 2 }] })).not.toThrow();
    expect(() => parseTopology(docker({ hostPorts: { ysql: 65533, k3sApi: 65532 } }))).not.toThrow();
    expect(() => parseTopology(docker({ publishDatabasePorts: false, hostPorts: { ysql: 6443 } }))).not.toThrow();
    expect(() => parseTopology(k3sArgs("--kube-apiserver-arg=audit-log-maxage=30", "--disable=traefik", "--tls-san=api.example.com", "--agent-token-file=/run/agent"))).not.toThrow();
    expect(() => parseTopology(k8s({ k3sServiceType: "LoadBalancer", k3sAllowedCidrs: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"] }))).not.toThrow();
    expect(() => parseTopology({ ...stagingConfig(), aws: { yugabyteInstanceType: "m7i-flex.2xlarge", kineInstanceType: "g4dn.xlarge", k3sInstanceType: "c7a.large" } })).not.toThrow();
    expect(() => parseTopology({ ...localConfig(), yugabyte: { tserverFlags: { memory_limit_hard_bytes: 3006477107, ysql_max_connections: 300 }, masterFlags: { memory_limit_hard_bytes: 644245094 } } })).not.toThrow();
  });

  it("reports every problem at once, one line each", () => {
    const lines = problems({ ...localConfig(), replicationFactor: 2, k3s: { servers: 0, typo: 1 }, kine: { version: "latest" } });
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });
});
