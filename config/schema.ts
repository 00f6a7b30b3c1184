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
import { dockerHostPortRanges } from "../planner/ports";
import { yugabyteTlsMasterFlags, yugabyteTlsTserverFlags } from "../planner/tls";
import { K3S_SERVER_FLAGS, refusedK3sFlag } from "./flags/k3s";
import { YB_MASTER_FLAGS, YB_TSERVER_FLAGS } from "./flags/yugabyte";
import { didYouMean } from "./suggest";
import { databaseZonesOf } from "../planner/zones";
import { K3S_VERSION, KINE_VERSION, YUGABYTE_BUILD, YUGABYTE_VERSION, versionPatterns } from "../planner/versions";

export const CONFIG_NAMESPACE = "yb-k3s";
/**
 * Config namespaces other than ours that a stack file may carry: the Pulumi CLI's own and those of the providers this
 * program uses (the `@pulumi/*` packages in package.json). Any other namespace is a typo or a key nothing reads.
 */
export const OTHER_CONFIG_NAMESPACES = ["pulumi", "aws", "docker", "kubernetes", "random", "tls"] as const;
/** Replication factors YugabyteDB can hold a Raft majority with. */
export const REPLICATION_FACTORS = [1, 3, 5, 7] as const;
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

/**
 * PostgreSQL's reserved key words (Appendix C, "reserved" in PostgreSQL): the bootstrap writes the database and role
 * names unquoted (`CREATE ROLE kine ...`), where these are syntax errors.
 */
const SQL_RESERVED = new Set(
  ("all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog " +
    "current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except " +
    "false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp " +
    "not null offset on only or order placing primary references returning select session_user some symmetric system_user table " +
    "then to trailing true union unique user using variadic when where window with public none").split(" "),
);
const sqlIdentifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
  .refine((n) => !SQL_RESERVED.has(n), "must not be an SQL reserved word (the bootstrap writes it unquoted)");
/** Databases and roles every YugabyteDB cluster has. */
const SYSTEM_DATABASES: readonly string[] = ["postgres", "yugabyte", "template0", "template1", "system_platform"];
const BUILT_IN_ROLES: readonly string[] = ["yugabyte", "postgres", "yb_superuser", "yb_extension", "yb_fdw", "yb_db_admin"];

const Yugabyte = z.strictObject({
  version: z.string().regex(versionPatterns.yugabyte, "must be a pinned YugabyteDB release such as 2025.2.8.0 (never 'latest')").default(YUGABYTE_VERSION),
  build: z.string().regex(versionPatterns.yugabyteBuild, "must be a build number such as b60").default(YUGABYTE_BUILD),
  /** Extra tserver gflags; `ysql_sequence_cache_minval` is fixed at 1 and cannot be changed here. */
  tserverFlags: flagMap.default({}),
  masterFlags: flagMap.default({}),
  /** Database and role Kine uses (lower case: Kine lower-cases the database name in its DSN). */
  database: sqlIdentifier
    .refine((d) => !SYSTEM_DATABASES.includes(d), `must be Kine's own database, not one YugabyteDB creates (${SYSTEM_DATABASES.join(", ")}): the bootstrap creates it owned by Kine's role`)
    .default("kine"),
  user: sqlIdentifier
    .refine((u) => !BUILT_IN_ROLES.includes(u) && !u.startsWith("pg_"), `must be Kine's own role, not a built-in one (${BUILT_IN_ROLES.join(", ")}, pg_*): the bootstrap makes it a non-superuser and sets its password`)
    .default("kine"),
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

/** Data volumes are protected and retained by default everywhere but docker (local, throwaway by default). */
export const defaultProtectData = (target: (typeof TARGETS)[number]): boolean => target !== "docker";

const ConfigShape = z.strictObject({
    target: z.enum(TARGETS),
    faultTolerance: z.enum(FAULT_TOLERANCES).default("zone"),
    replicationFactor: z
      .number()
      .refine((rf) => (REPLICATION_FACTORS as readonly number[]).includes(rf), {
        error: (i) => `must be odd (1, 3, 5 or 7) so a Raft majority exists; got ${String(i.input)}`,
      })
      .default(3),
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
  });

export const ConfigSchema = ConfigShape.superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

    // Checks that need a valid replication factor skip an invalid one (the field's own line already says what is allowed).
    const rf = (REPLICATION_FACTORS as readonly number[]).includes(c.replicationFactor) ? c.replicationFactor : undefined;

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
    const countsValid = c.regions.every((r) => Number.isInteger(r.nodesPerZone) && r.nodesPerZone >= 1);
    if (rf !== undefined && countsValid && nodes < rf) issue(["regions"], `${nodes} YugabyteDB node(s) cannot hold replication factor ${rf}; add zones or nodesPerZone`);

    // A fault domain may not hold a majority of a tablet's replicas; with replicas spread evenly over d domains the
    // fullest holds ceil(rf / d), so d >= 3 for every valid rf >= 3. With rf 1 or no valid rf the question does not arise.
    if (c.faultTolerance === "zone" && rf !== undefined) {
      if (rf < 3) issue(["replicationFactor"], `faultTolerance 'zone' needs replicationFactor 3, 5 or 7 (one replica cannot survive losing its zone); got ${rf}`);
      else if (dbZoneCount < 3 || Math.ceil(rf / dbZoneCount) > Math.floor(rf / 2))
        issue(["regions"], `faultTolerance 'zone' with replicationFactor ${rf} needs at least 3 zones with YugabyteDB nodes so that no zone holds a majority of a tablet's replicas; got ${dbZoneCount}`);
    }
    if (c.faultTolerance === "region") {
      if (c.regions.length < 3) issue(["regions"], `faultTolerance 'region' needs at least 3 regions; got ${c.regions.length}`);
      else if (c.regions.length % 2 === 0) issue(["regions"], `faultTolerance 'region' needs an odd number of regions so a majority survives a region loss; got ${c.regions.length}`);
      if (rf !== undefined && rf < 3) issue(["replicationFactor"], `faultTolerance 'region' needs replicationFactor 3, 5 or 7 (one replica cannot survive losing its region); got ${rf}`);
      else if (rf !== undefined && c.regions.length >= 3 && Math.ceil(rf / c.regions.length) > Math.floor(rf / 2))
        issue(["replicationFactor"], `replicationFactor ${rf} over ${c.regions.length} regions puts a majority in one region; use more regions`);
    }

    if (c.primaryRegion !== undefined && !seenRegions.has(c.primaryRegion))
      issue(["primaryRegion"], `'${c.primaryRegion}' is not one of the configured regions (${[...seenRegions].join(", ")})`);

    for (const k of Object.keys(REQUIRED_TSERVER_FLAGS)) {
      const v = c.yugabyte.tserverFlags[k];
      if (v !== undefined && String(v) !== REQUIRED_TSERVER_FLAGS[k])
        issue(["yugabyte", "tserverFlags", k], `is fixed at ${REQUIRED_TSERVER_FLAGS[k]}: Kine needs strictly sequential ids (remove the key)`);
    }
    gflagProblems(c).forEach(([path, message]) => issue(path, message));
    k3sArgProblems(c).forEach(([path, message]) => issue(path, message));
    if (c.target === "docker" && countsValid && Number.isInteger(c.k3s.servers) && c.k3s.servers >= 1)
      dockerHostPortProblems(c.docker ?? DockerConfig.parse({}), nodes, c.k3s.servers).forEach(([path, message]) => issue(path, message));

    // Target sections: exactly the one for the chosen target (a stray section is almost always a copy-paste mistake).
    for (const t of TARGETS) {
      if (t !== c.target && c[t] !== undefined) issue([t], `is only allowed when target is '${t}' (target is '${c.target}')`);
    }
    const off = c.backup.offCluster;
    if ((off.enabled ?? c.protectData ?? defaultProtectData(c.target)) && c.target === "docker" && off.directory === undefined)
      issue(["backup", "offCluster", "directory"], "is required on docker while off-cluster backups are on (backup.offCluster.enabled, default protectData): the host directory to write them to, such as /var/backups/yb-k3s; or set backup.offCluster.enabled: false");
    if (c.target !== "docker" && off.directory !== undefined) issue(["backup", "offCluster", "directory"], `is only allowed when target is 'docker' (target is '${c.target}')`);
    for (const k of ["volumeSize", "storageClass"] as const)
      if (c.target !== "kubernetes" && off[k] !== undefined) issue(["backup", "offCluster", k], `is only allowed when target is 'kubernetes' (target is '${c.target}')`);
    if (c.target === "kubernetes" && c.kubernetes === undefined) issue(["kubernetes"], "is required when target is 'kubernetes' (at least `context`)");
    if (c.target === "kubernetes" && c.kubernetes?.k3sServiceType === "LoadBalancer" && c.kubernetes.k3sAllowedCidrs.length === 0)
      issue(["kubernetes", "k3sAllowedCidrs"], "must list the CIDRs allowed to reach the k3s API when k3sServiceType is LoadBalancer");
    if (c.target === "kubernetes" && c.kubernetes?.k3sServiceType === "ClusterIP" && c.kubernetes.k3sAllowedCidrs.length > 0)
      issue(["kubernetes", "k3sAllowedCidrs"], "only applies when k3sServiceType is LoadBalancer (a ClusterIP Service has no source ranges); remove it or set k3sServiceType: LoadBalancer");
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

type Problem = [path: (string | number)[], message: string];
type ParsedConfig = z.output<typeof ConfigShape>;

/**
 * Flags yugabyted or the planner set from other config keys: a stack setting them would contradict the topology the
 * plan (and its fault-tolerance analysis) describes, or switch half of TLS on without certificates.
 */
function ownedGflag(process: "tserver" | "master", name: string): string | undefined {
  if (name.startsWith("placement_")) return "is set by yugabyted from --cloud_location (yb-k3s:regions and their zones); remove the key";
  if (process === "tserver" && name === "tserver_master_addrs") return "is set by yugabyted (--join to the first node); remove the key";
  if (process === "master" && name === "master_addresses") return "is set by yugabyted (--join to the first node); remove the key";
  if (process === "master" && name === "replication_factor") return "is set from yb-k3s:replicationFactor (yugabyted configure data_placement --rf); set that instead";
  const tls = process === "tserver" ? yugabyteTlsTserverFlags() : yugabyteTlsMasterFlags();
  if (name in tls) return "is managed by yb-k3s:tls.enabled (with the certificates it needs); set that instead";
  return undefined;
}

/** gflag names: known to the pinned YugabyteDB release (config/flags/yugabyte.ts) and not owned by the planner. */
function gflagProblems(c: ParsedConfig): Problem[] {
  // The lists describe the pinned release; another version may have other flags, so only ownership is checked then.
  const pinned = c.yugabyte.version === YUGABYTE_VERSION;
  const out: Problem[] = [];
  for (const [process, key, known] of [
    ["tserver", "tserverFlags", YB_TSERVER_FLAGS],
    ["master", "masterFlags", YB_MASTER_FLAGS],
  ] as const) {
    for (const name of Object.keys(c.yugabyte[key])) {
      if (!FLAG_NAME.test(name) || (process === "tserver" && name in REQUIRED_TSERVER_FLAGS)) continue;
      const owned = ownedGflag(process, name);
      if (owned) out.push([["yugabyte", key, name], owned]);
      else if (pinned && !known.has(name))
        out.push([
          ["yugabyte", key, name],
          `is not a yb-${process} flag of YugabyteDB ${YUGABYTE_VERSION} (yb-${process} refuses to start with an unknown flag; known flags: config/flags/yugabyte.ts)${didYouMean(name, known)}`,
        ]);
    }
  }
  return out;
}

/** `k3s.extraArgs`: flags `k3s server` of the pinned release has (config/flags/k3s.ts), minus those refused here. */
function k3sArgProblems(c: ParsedConfig): Problem[] {
  const pinned = c.k3s.version === K3S_VERSION;
  const out: Problem[] = [];
  c.k3s.extraArgs.forEach((arg, i) => {
    const m = /^--([a-z0-9-]+)(=.*)?$/.exec(arg);
    if (!m) return;
    const refused = refusedK3sFlag(m[1]);
    if (refused) out.push([["k3s", "extraArgs", i], `--${m[1]} ${refused}`]);
    else if (pinned && !K3S_SERVER_FLAGS.has(m[1]))
      out.push([
        ["k3s", "extraArgs", i],
        `--${m[1]} is not a flag of k3s server ${K3S_VERSION} (k3s exits on an unknown flag; known flags: config/flags/k3s.ts)${didYouMean(m[1], K3S_SERVER_FLAGS).replace("'", "'--")}`,
      ]);
  });
  return out;
}

/** Docker host ports: every derived range (base + node or server index) within 65535, no two ranges overlapping. */
function dockerHostPortProblems(d: DockerConfig, nodes: number, servers: number): Problem[] {
  const bases = Object.values(d.hostPorts);
  if (!bases.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) return [];
  const ranges = dockerHostPortRanges(d.hostPorts, { nodes, servers, publishDatabasePorts: d.publishDatabasePorts });
  const per = (name: string) => (name === "k3sApi" ? `one per k3s server, ${servers}` : `one per YugabyteDB node, ${nodes}`);
  const span = (r: { first: number; last: number }) => (r.first === r.last ? `${r.first}` : `${r.first}..${r.last}`);
  const out: Problem[] = [];
  ranges.forEach((r, i) => {
    const path = ["docker", "hostPorts", r.name];
    if (r.last > 65535)
      out.push([path, `${r.first} gives ports ${span(r)} (${per(r.name)}), past 65535; must be at most ${65535 - (r.last - r.first)}`]);
    const clash = ranges.slice(0, i).find((o) => r.first <= o.last && o.first <= r.last);
    if (clash)
      out.push([path, `ports ${span(r)} (${per(r.name)}) overlap ${clash.name} ${span(clash)}; host port ranges must not overlap`]);
  });
  return out;
}
