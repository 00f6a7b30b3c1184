/**
 * The typed topology: every `yb-k3s:*` config key, defaults inside the schema (tests and `plan` never see
 * Pulumi.yaml defaults), unknown keys rejected, and cross-field checks that a reviewer would otherwise do by hand.
 */
import { z } from "zod";
import { cidr, dnsLabel, flagValue } from "./common";
import { DockerConfig } from "./docker";
import { KubernetesConfig } from "./kubernetes";
import { AwsConfig } from "./aws";
import { BackupConfig } from "./backup";
import { cidrsOverlap, parseCidr } from "../planner/cidr";
import { FLAG_NAME, REQUIRED_TSERVER_FLAGS } from "../planner/flags";
import { databaseZonesOf } from "../planner/zones";
import { K3S_VERSION, KINE_VERSION, YUGABYTE_BUILD, YUGABYTE_VERSION, versionPatterns } from "../planner/versions";

export const CONFIG_NAMESPACE = "yb-k3s";
export const TARGETS = ["docker", "kubernetes", "aws"] as const;
export type TargetKind = (typeof TARGETS)[number];
export const FAULT_TOLERANCES = ["none", "zone", "region"] as const;
export type FaultTolerance = (typeof FAULT_TOLERANCES)[number];
/** Private subnets are the /+4 split of a region's CIDR: 16 of them. */


const Region = z.strictObject({
  name: dnsLabel,
  zones: z.array(dnsLabel).min(1, "must list at least one zone"),
  /** YugabyteDB nodes per database zone. */
  nodesPerZone: z.number().int().min(1, "must be at least 1").max(32, "must be at most 32").default(1),
  /**
   * The zones that run YugabyteDB nodes (default: all `zones`). Kine, k3s and subnets still span every zone.
   * Placement blocks are zones whose replica counts add up to RF, so with region fault tolerance one zone per region
   * holds the data (YugabyteDB's multi-region layout); naming it here keeps nodes out of zones that would hold none.
   */
  databaseZones: z.array(dnsLabel).min(1, "must list at least one zone").optional(),
  /** VPC CIDR (aws target). */
  cidr: cidr.optional(),
});


const flagMap = z.record(z.string().regex(FLAG_NAME, "flag names are lower_snake_case gflag names"), flagValue);

const Yugabyte = z.strictObject({
  version: z.string().regex(versionPatterns.yugabyte, "must be a pinned YugabyteDB release such as 2025.2.1.0 (never 'latest')").default(YUGABYTE_VERSION),
  build: z.string().regex(versionPatterns.yugabyteBuild, "must be a build number such as b141").default(YUGABYTE_BUILD),
  /** Extra tserver gflags; `ysql_sequence_cache_minval` is fixed at 1 and cannot be changed here. */
  tserverFlags: flagMap.default({}),
  masterFlags: flagMap.default({}),
  /** Database and role Kine uses (lower case: Kine lower-cases the database name in its DSN). */
  database: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier").default("kine"),
  user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier").default("kine"),
});

const Kine = z.strictObject({
  version: z.string().regex(versionPatterns.kine, "must be a pinned Kine release such as v0.16.4 (never 'latest')").default(KINE_VERSION),
  replicas: z.number().int().min(1, "must be at least 1").max(16, "must be at most 16").default(2),
});

const K3s = z.strictObject({
  version: z.string().regex(versionPatterns.k3s, "must be a pinned k3s release such as v1.36.3+k3s1 (never 'latest' or a channel)").default(K3S_VERSION),
  servers: z.number().int().min(1, "must be at least 1").max(9, "must be at most 9").default(1),
  /** Extra `k3s server` flags, identical on every server (HA requires the same cluster flags everywhere). */
  extraArgs: z.array(z.string().regex(/^--[a-z0-9-]+(=.*)?$/, "must be a --flag or --flag=value")).default([]),
});

const Tls = z.strictObject({ enabled: z.boolean().default(false) });

export const ConfigSchema = z
  .strictObject({
    target: z.enum(TARGETS),
    faultTolerance: z.enum(FAULT_TOLERANCES).default("zone"),
    replicationFactor: z.number().int().min(1, "must be 1, 3, 5 or 7").max(7, "must be 1, 3, 5 or 7").default(3),
    /** First part of `--cloud_location`; fixed to `aws` on the aws target. */
    cloud: dnsLabel.optional(),
    regions: z.array(Region).min(1, "must list at least one region"),
    /** Preferred leader region (multi-region): Kine's writes stay regional. Defaults to the first region. */
    primaryRegion: dnsLabel.optional(),
    yugabyte: Yugabyte.prefault({}),
    kine: Kine.prefault({}),
    k3s: K3s.prefault({}),
    tls: Tls.prefault({}),
    /** Protect (Pulumi `protect`) and retain data volumes: `pulumi destroy` then never deletes database data. */
    protectData: z.boolean().optional(),
    /** Point-in-time recovery of Kine's database (config/backup.ts). */
    backup: BackupConfig.prefault({}),
    docker: DockerConfig.optional(),
    kubernetes: KubernetesConfig.optional(),
    aws: AwsConfig.optional(),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

    if (c.replicationFactor % 2 === 0) issue(["replicationFactor"], `must be odd (1, 3, 5 or 7) so a Raft majority exists; got ${c.replicationFactor}`);

    const seenRegions = new Set<string>();
    c.regions.forEach((r, i) => {
      if (seenRegions.has(r.name)) issue(["regions", i, "name"], `duplicate region name '${r.name}'; region names must be unique`);
      seenRegions.add(r.name);
    });
    const seenZones = new Map<string, string>();
    c.regions.forEach((r, i) =>
      r.zones.forEach((zname, j) => {
        if (seenZones.has(zname)) issue(["regions", i, "zones", j], `duplicate zone '${zname}' (already in region '${seenZones.get(zname)}'); zone names must be unique across regions`);
        seenZones.set(zname, r.name);
      }),
    );

    c.regions.forEach((r, i) =>
      (r.databaseZones ?? []).forEach((zname, j) => {
        if (!r.zones.includes(zname)) issue(["regions", i, "databaseZones", j], `'${zname}' is not one of this region's zones (${r.zones.join(", ")})`);
        else if (r.databaseZones?.indexOf(zname) !== j) issue(["regions", i, "databaseZones", j], `duplicate database zone '${zname}'`);
      }),
    );
    const dbZoneCount = c.regions.reduce((n, r) => n + new Set(databaseZonesOf(r)).size, 0);
    const nodes = c.regions.reduce((n, r) => n + databaseZonesOf(r).length * r.nodesPerZone, 0);
    if (nodes < c.replicationFactor) issue(["regions"], `${nodes} YugabyteDB node(s) cannot hold replication factor ${c.replicationFactor}; add zones or nodesPerZone`);

    if (c.faultTolerance === "zone") {
      // Replicas spread evenly over the zones; losing the fullest zone must leave a majority.
      const perZone = Math.ceil(c.replicationFactor / Math.max(dbZoneCount, 1));
      if (dbZoneCount < 3 || perZone > Math.floor(c.replicationFactor / 2))
        issue(["regions"], `faultTolerance 'zone' with replicationFactor ${c.replicationFactor} needs at least ${Math.max(3, Math.ceil(c.replicationFactor / Math.floor(c.replicationFactor / 2 || 1)))} zones with YugabyteDB nodes so that no zone holds a majority of a tablet's replicas; got ${dbZoneCount}`);
      if (c.replicationFactor < 3) issue(["replicationFactor"], "faultTolerance 'zone' needs replicationFactor 3 or more");
    }
    if (c.faultTolerance === "region") {
      if (c.regions.length < 3) issue(["regions"], `faultTolerance 'region' needs at least 3 regions; got ${c.regions.length}`);
      if (c.regions.length % 2 === 0) issue(["regions"], `faultTolerance 'region' needs an odd number of regions so a majority survives a region loss; got ${c.regions.length}`);
      if (c.replicationFactor < 3) issue(["replicationFactor"], "faultTolerance 'region' needs replicationFactor 3 or more");
      // No region may hold a majority of the replicas of a tablet.
      if (c.replicationFactor >= 3 && Math.ceil(c.replicationFactor / c.regions.length) > Math.floor(c.replicationFactor / 2))
        issue(["replicationFactor"], `replicationFactor ${c.replicationFactor} over ${c.regions.length} regions puts a majority in one region; use more regions`);
    }

    if (c.primaryRegion !== undefined && !seenRegions.has(c.primaryRegion))
      issue(["primaryRegion"], `'${c.primaryRegion}' is not one of the configured regions (${[...seenRegions].join(", ")})`);

    for (const k of Object.keys(REQUIRED_TSERVER_FLAGS)) {
      const v = c.yugabyte.tserverFlags[k];
      if (v !== undefined && String(v) !== REQUIRED_TSERVER_FLAGS[k])
        issue(["yugabyte", "tserverFlags", k], `is fixed at ${REQUIRED_TSERVER_FLAGS[k]}: Kine needs strictly sequential ids (remove the key)`);
    }

    // Target sections: exactly the one for the chosen target (a stray section is almost always a copy-paste mistake).
    for (const t of TARGETS) {
      if (t !== c.target && c[t] !== undefined) issue([t], `is only allowed when target is '${t}' (target is '${c.target}')`);
    }
    if (c.target === "kubernetes" && c.kubernetes === undefined) issue(["kubernetes"], "is required when target is 'kubernetes' (at least `context`)");
    if (c.target === "kubernetes" && c.kubernetes?.k3sServiceType === "LoadBalancer" && c.kubernetes.k3sAllowedCidrs.length === 0)
      issue(["kubernetes", "k3sAllowedCidrs"], "must list the CIDRs allowed to reach the k3s API when k3sServiceType is LoadBalancer");
    if (c.target === "aws") {
      c.regions.forEach((r, i) => {
        if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r.name)) issue(["regions", i, "name"], `must be an AWS region such as us-east-1 on the aws target; got '${r.name}'`);
        r.zones.forEach((zname, j) => {
          if (!zname.startsWith(r.name)) issue(["regions", i, "zones", j], `must be an availability zone of ${r.name} such as ${r.name}a; got '${zname}'`);
        });
        if (r.cidr === undefined) issue(["regions", i, "cidr"], "is required on the aws target (the VPC CIDR of this region)");
        else {
          const prefix = parseCidr(r.cidr).prefix;
          if (prefix < 16 || prefix > 20) issue(["regions", i, "cidr"], `must be a /16 to /20 VPC CIDR (one /20../24 private subnet per zone with room for fixed addresses); got /${prefix}`);
        }
        if (r.zones.length > 6) issue(["regions", i, "zones"], `at most 6 availability zones per region on the aws target; got ${r.zones.length}`);
      });
      // Regions are peered: their VPC CIDRs must not overlap (routes would be ambiguous, peering is refused).
      c.regions.forEach((b, j) => {
        for (let i = 0; i < j; i++) {
          const a = c.regions[i];
          if (a.cidr !== undefined && b.cidr !== undefined && cidrsOverlap(a.cidr, b.cidr))
            issue(["regions", j, "cidr"], `${b.cidr} of region '${b.name}' overlaps ${a.cidr} of region '${a.name}'; peered VPC CIDRs must not overlap`);
        }
      });
      const primaryName = c.primaryRegion ?? c.regions[0]?.name;
      if (c.aws?.standbyRegion !== undefined) {
        if (!seenRegions.has(c.aws.standbyRegion))
          issue(["aws", "standbyRegion"], `'${c.aws.standbyRegion}' is not one of the configured regions (${[...seenRegions].join(", ")})`);
        else if (c.aws.standbyRegion === primaryName) issue(["aws", "standbyRegion"], `must differ from the primary region '${primaryName}'`);
      }
      if (c.cloud !== undefined && c.cloud !== "aws") issue(["cloud"], "is always 'aws' on the aws target (remove the key)");
      if (c.aws?.publicK3sApi && c.aws.k3sApiAllowedCidrs.length === 0) issue(["aws", "k3sApiAllowedCidrs"], "must list allowed CIDRs when publicK3sApi is true");
    } else {
      c.regions.forEach((r, i) => {
        if (r.cidr !== undefined) issue(["regions", i, "cidr"], "is only used on the aws target");
      });
    }
  });

export type TopologyInput = z.input<typeof ConfigSchema>;
export type Topology = z.output<typeof ConfigSchema>;
