/**
 * The pure planner: Topology in, ClusterPlan out. No @pulumi import — everything a reviewer wants to reason about
 * (placement, names, addresses, flags, DDL, commands) is decided here; target builders only translate.
 */
import { DockerConfig } from "../config/docker";
import { defaultProtectData, type FaultTolerance, type TargetKind, type Topology } from "../config/schema";
import { databaseZonesOf } from "./zones";
import { planBackup, type BackupPlan } from "./backup";
import { cidrHost, cidrSubnet } from "./cidr";
import { mergeTserverFlags, renderYugabytedFlags, stringifyFlag, type FlagMap } from "./flags";
import { kineSchemaStatements, type SqlDialect } from "./kineSchema";
import type { KineDatabaseEndpoint } from "./kine";
import { hostPortOf, ports } from "./ports";
import { TLS_DIRS, k3sDatastoreTlsArgs, planPki, yugabyteTlsMasterFlags, yugabyteTlsTserverFlags, type PkiPlan } from "./tls";
import { images } from "./versions";
import { KUBECONFIG, PUBLIC_API_FRONTEND, frontendById, frontendId, linksFrom, type Frontend, type Host, type Link, type Wiring } from "./wiring";

export interface PlanInput {
  readonly project: string;
  readonly stack: string;
  readonly topology: Topology;
}

export interface RegionPlan {
  readonly name: string;
  readonly zones: readonly string[];
  readonly primary: boolean;
  /** aws: VPC CIDR and one private subnet per zone. */
  readonly cidr?: string;
  readonly privateSubnets?: Readonly<Record<string, string>>;
  readonly publicSubnets?: Readonly<Record<string, string>>;
}

export interface NodePlan {
  /** DNS label, unique in the stack: `yb-<zone>-<ordinal>`. */
  readonly name: string;
  /** Position in the cluster, 0-based; node 0 is the join target. */
  readonly index: number;
  /** Position inside its zone (the StatefulSet ordinal on Kubernetes). */
  readonly ordinal: number;
  readonly region: string;
  readonly zone: string;
  readonly cloudLocation: string;
  /** Address the node advertises and peers dial: a DNS name (docker, kubernetes) or a fixed private IP (aws). */
  readonly address: string;
  /** Address of node 0, or undefined for node 0 itself. */
  readonly join?: string;
  /** `yugabyted` arguments, starting with `start`. */
  readonly yugabytedArgs: readonly string[];
  /** Docker: host ports published on the bind address. */
  readonly hostPorts?: { readonly ysql: number; readonly yugabytedUi: number; readonly masterUi: number; readonly tserverUi: number };
}

export interface PlacementBlock {
  readonly cloud: string;
  readonly region: string;
  readonly zone: string;
  readonly minReplicas?: number;
  /** Preferred-leader priority (1 = most preferred), for `set_preferred_zones`. */
  readonly priority?: number;
}

export interface KineReplicaPlan {
  readonly name: string;
  readonly index: number;
  readonly region: string;
  readonly zone: string;
  readonly address: string;
  /** The database endpoint this replica connects to (zone-local node where the target has no load balancer). */
  readonly database: KineDatabaseEndpoint;
}

export interface K3sServerPlan {
  readonly name: string;
  readonly index: number;
  readonly region: string;
  readonly zone: string;
  readonly address: string;
  /** `k3s` arguments starting with `server`; the token arrives as K3S_TOKEN from a secret, never on the command line. */
  readonly args: readonly string[];
  readonly hostApiPort?: number;
}

export interface ClusterPlan {
  readonly project: string;
  readonly stack: string;
  readonly target: TargetKind;
  /** Prefix for names that must be unique outside the stack (Docker containers, AWS Name tags). */
  readonly prefix: string;
  readonly cloud: string;
  readonly faultTolerance: FaultTolerance;
  readonly replicationFactor: number;
  readonly primaryRegion: string;
  readonly regions: readonly RegionPlan[];
  readonly nodes: readonly NodePlan[];
  readonly yugabyte: {
    readonly image: string;
    readonly version: string;
    readonly baseDir: string;
    readonly binDir: string;
    readonly tserverFlags: FlagMap;
    readonly masterFlags: FlagMap;
    readonly masterAddresses: readonly string[];
    readonly placement: readonly PlacementBlock[];
    readonly preferredLeaders: readonly PlacementBlock[];
    readonly database: string;
    readonly user: string;
    readonly dialect: SqlDialect;
    readonly schemaStatements: readonly string[];
    /** A host Kine, the bootstrap step and users reach YSQL through (service name / load balancer / node). */
    readonly ysqlHost: string;
  };
  readonly kine: {
    readonly image: string;
    readonly version: string;
    readonly replicas: readonly KineReplicaPlan[];
    /** The etcd endpoints k3s dials (comma-joined into --datastore-endpoint). */
    readonly endpoints: readonly string[];
  };
  readonly k3s: {
    readonly image: string;
    readonly version: string;
    readonly servers: readonly K3sServerPlan[];
    /** The fixed registration address (in every server's --tls-san) and the kubeconfig server URL. */
    readonly apiAddress: string;
    readonly apiUrl: string;
  };
  /** Regions running Kine and k3s: the primary region, then the standby region when one is configured (aws). */
  readonly controlPlaneRegions: readonly string[];
  /**
   * aws: per control-plane region, the private DNS names of its YSQL, Kine and k3s API load balancers. The primary
   * region's are the stack-wide names (`ysql.<prefix>.internal`, ...); a standby region's carry the region.
   */
  readonly endpointNames?: Readonly<Record<string, { readonly ysql: string; readonly kine: string; readonly k3s: string }>>;
  /** Who dials whom: every connection of the control plane, as the resources configure it (planner/wiring.ts). */
  readonly wiring: Wiring;
  /** Encryption in transit on (config `tls.enabled`): every hop below uses TLS and `pki` says which files go where. */
  readonly tls: boolean;
  /** Certificates, their names and every host's TLS files; present exactly when `tls` is true. */
  readonly pki?: PkiPlan;
  /** Data volumes are protected/retained: destroy never deletes database data. */
  readonly protectData: boolean;
  /** Point-in-time recovery of Kine's database (planner/backup.ts). */
  readonly backup: BackupPlan;
}

/** Where data lives inside the YugabyteDB container/host, per target. */
const YB_LAYOUT: Record<TargetKind, { baseDir: string; binDir: string }> = {
  docker: { baseDir: "/home/yugabyte/yb_data", binDir: "/home/yugabyte/bin" },
  kubernetes: { baseDir: "/mnt/disk0/yb_data", binDir: "/home/yugabyte/bin" },
  aws: { baseDir: "/data/yugabyte", binDir: "/opt/yugabyte/bin" },
};

export const KUBERNETES_NAMES = {
  headlessService: "yb-nodes",
  ysqlService: "yb-ysql",
  kineService: "kine",
  k3sService: "k3s",
} as const;

const defaultCloud: Record<TargetKind, string> = { docker: "local", kubernetes: "k8s", aws: "aws" };

/** Spread `count` members across the zones of one region, round robin. */
function spread(count: number, zones: readonly string[]): string[] {
  return Array.from({ length: count }, (_, i) => zones[i % zones.length]);
}

export function buildPlan({ project, stack, topology: t }: PlanInput): ClusterPlan {
  const cloud = t.target === "aws" ? "aws" : (t.cloud ?? defaultCloud[t.target]);
  const primaryRegion = t.primaryRegion ?? t.regions[0].name;
  const layout = YB_LAYOUT[t.target];
  const prefix = `${project}-${stack}`;
  const namespace = t.kubernetes?.namespace ?? "yb-k3s";
  const clusterDomain = "cluster.local";

  const regions: RegionPlan[] = t.regions.map((r) => {
    if (t.target !== "aws" || r.cidr === undefined) return { name: r.name, zones: r.zones, primary: r.name === primaryRegion };
    // /20 private subnets at the bottom of the VPC, /24 public subnets from the top quarter: room for 4 AZs each.
    const privateSubnets = Object.fromEntries(r.zones.map((z, i) => [z, cidrSubnet(r.cidr as string, 4, i)]));
    const publicSubnets = Object.fromEntries(r.zones.map((z, i) => [z, cidrSubnet(cidrSubnet(r.cidr as string, 2, 3), 6, i)]));
    return { name: r.name, zones: r.zones, primary: r.name === primaryRegion, cidr: r.cidr, privateSubnets, publicSubnets };
  });
  const regionPlan = (name: string) => regions.find((r) => r.name === name) as RegionPlan;

  // Fixed private addresses on aws (the first node must be known before it exists, for --join).
  const awsAddress = (region: string, zone: string, hostOffset: number) =>
    cidrHost((regionPlan(region).privateSubnets as Record<string, string>)[zone], hostOffset);

  const nodeAddress = (name: string, region: string, zone: string, ordinal: number): string => {
    switch (t.target) {
      case "docker":
        return name;
      case "kubernetes":
        return `${name}.${KUBERNETES_NAMES.headlessService}.${namespace}.svc.${clusterDomain}`;
      case "aws":
        return awsAddress(region, zone, 10 + ordinal);
    }
  };

  const extraFlags: Record<string, string> = {};
  if (t.faultTolerance === "region") {
    // Multi-region: RPCs cross a WAN; give leader leases and heartbeats room (YugabyteDB multi-DC guidance). Masters
    // run Raft across regions too, so they get the same setting.
    extraFlags.leader_failure_max_missed_heartbeat_periods = "10";
  }
  const tls = t.tls.enabled;
  // TLS flags win over anything a stack sets: a stack cannot ask for TLS and quietly switch half of it off.
  const withTls = (flags: FlagMap, tlsFlags: Record<string, string>): FlagMap =>
    tls ? Object.freeze(Object.fromEntries(Object.entries({ ...flags, ...tlsFlags }).sort(([a], [b]) => a.localeCompare(b)))) : flags;
  const tserverFlags = withTls(mergeTserverFlags(t.yugabyte.tserverFlags, extraFlags), yugabyteTlsTserverFlags());
  const masterFlags: FlagMap = withTls(
    Object.freeze(
      Object.fromEntries(
        Object.entries({ ...extraFlags, ...t.yugabyte.masterFlags })
          .map(([k, v]) => [k, stringifyFlag(v)])
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    ),
    yugabyteTlsMasterFlags(),
  );

  // Nodes: zone by zone, region by region; node 0 (first zone of the primary region) is the join target.
  const ordered = [...t.regions].sort((a, b) => (a.name === primaryRegion ? -1 : b.name === primaryRegion ? 1 : 0));
  const raw: { name: string; region: string; zone: string; ordinal: number }[] = [];
  for (let ord = 0; ord < Math.max(...t.regions.map((r) => r.nodesPerZone)); ord++) {
    for (const r of ordered) {
      if (ord >= r.nodesPerZone) continue;
      for (const zone of databaseZonesOf(r)) raw.push({ name: `yb-${zone}-${ord}`, region: r.name, zone, ordinal: ord });
    }
  }
  const first = raw[0];
  const firstAddress = nodeAddress(first.name, first.region, first.zone, first.ordinal);
  // Docker host ports and bind address: the schema's defaults when the stack has no `docker` section.
  const dockerConfig = t.target === "docker" ? (t.docker ?? DockerConfig.parse({})) : undefined;
  const dockerPorts = dockerConfig?.hostPorts;
  const nodes: NodePlan[] = raw.map((n, index) => {
    const address = nodeAddress(n.name, n.region, n.zone, n.ordinal);
    const cloudLocation = `${cloud}.${n.region}.${n.zone}`;
    const join = index === 0 ? undefined : firstAddress;
    const args = [
      "start",
      "--background=false",
      `--base_dir=${layout.baseDir}`,
      `--advertise_address=${address}`,
      ...(join ? [`--join=${join}`] : []),
      `--cloud_location=${cloudLocation}`,
      `--fault_tolerance=${t.faultTolerance}`,
      // Encryption in transit (node-to-node and client-to-server) with our certificates; see planner/tls.ts.
      ...(tls ? ["--secure", `--certs_dir=${TLS_DIRS.yugabyte}`] : []),
      `--tserver_flags=${renderYugabytedFlags(tserverFlags)}`,
      ...(Object.keys(masterFlags).length ? [`--master_flags=${renderYugabytedFlags(masterFlags)}`] : []),
    ];
    const hostPorts =
      dockerPorts
        ? {
            ysql: hostPortOf(dockerPorts.ysql, index),
            yugabytedUi: hostPortOf(dockerPorts.yugabytedUi, index),
            masterUi: hostPortOf(dockerPorts.masterUi, index),
            tserverUi: hostPortOf(dockerPorts.tserverUi, index),
          }
        : undefined;
    return { name: n.name, index, ordinal: n.ordinal, region: n.region, zone: n.zone, cloudLocation, address, join, yugabytedArgs: args, hostPorts };
  });

  // yugabyted starts a master on the first RF nodes that join, spread over fault domains; dialling a few nodes lets
  // yb-admin find the leader. We list the first node of each zone (bounded by 2*RF-1 to keep commands short).
  const masterAddresses = nodes.filter((n) => n.ordinal === 0).slice(0, 2 * t.replicationFactor - 1).map((n) => `${n.address}:${ports.masterRpc}`);

  // aws: a standby control-plane region (its own Kine, k3s and endpoints). Region fault tolerance needs one, so it
  // defaults to the next region when the stack asks for region fault tolerance without naming one.
  const standbyRegion =
    t.target === "aws" ? (t.aws?.standbyRegion ?? (t.faultTolerance === "region" ? ordered.find((r) => r.name !== primaryRegion)?.name : undefined)) : undefined;
  const { placement, preferredLeaders } = planPlacement(t, cloud, primaryRegion, standbyRegion);

  const dialect: SqlDialect = "yugabytedb";
  const controlPlaneRegions = [primaryRegion, ...(standbyRegion ? [standbyRegion] : [])];
  const endpointNames =
    t.target === "aws"
      ? Object.fromEntries(
          controlPlaneRegions.map((r) => {
            const infix = r === primaryRegion ? "" : `${r}.`;
            return [r, { ysql: `ysql.${infix}${prefix}.internal`, kine: `kine.${infix}${prefix}.internal`, k3s: `k3s.${infix}${prefix}.internal` }];
          }),
        )
      : undefined;
  const ysqlHost =
    t.target === "kubernetes"
      ? `${KUBERNETES_NAMES.ysqlService}.${namespace}.svc.${clusterDomain}`
      : endpointNames
        ? endpointNames[primaryRegion].ysql
        : nodes[0].address;
  const scheme = t.tls.enabled ? "https" : "http";
  const regionZones = (name: string) => (t.regions.find((r) => r.name === name) as Topology["regions"][number]).zones;
  /** Slots of a role: `count` per control-plane region, spread over that region's zones, indexed across regions. */
  const perControlPlaneRegion = (count: number) => controlPlaneRegions.flatMap((region) => spread(count, regionZones(region)).map((zone) => ({ region, zone })));

  // Kine replicas and k3s servers: in the primary region, spread over its zones (Kine's writes stay regional).
  // aws: in each control-plane region (primary, plus the standby region if configured), each with its own endpoints.
  // Elsewhere, with region fault tolerance: round robin over the regions, primary first, so a region loss leaves some.
  const roleSlots = (count: number): { region: string; zone: string }[] =>
    t.target === "aws"
      ? perControlPlaneRegion(count)
      : t.faultTolerance === "region"
        ? Array.from({ length: count }, (_, i) => {
            const r = ordered[i % ordered.length];
            return { region: r.name, zone: r.zones[Math.floor(i / ordered.length) % r.zones.length] };
          })
        : spread(count, regionZones(primaryRegion)).map((zone) => ({ region: primaryRegion, zone }));
  const kineSlots = roleSlots(t.kine.replicas).map((slot, index) => ({ ...slot, name: `kine-${index}`, index }));
  const serverSlots = roleSlots(t.k3s.servers).map((slot, index) => ({ ...slot, name: `k3s-${index}`, index }));

  // Who dials whom (planner/wiring.ts): the frontends in front of each role, and every client's connection. Kine's
  // database endpoint and k3s's --datastore-endpoint below are read from these links, never worked out twice.
  const frontends: Frontend[] = [];
  const nodesIn = (region: string) => nodes.filter((n) => n.region === region).map((n) => n.name);
  if (t.target === "kubernetes") {
    frontends.push(
      { id: frontendId("ysql"), role: "ysql", kind: "service", host: ysqlHost, port: ports.ysql, backends: nodes.map((n) => n.name) },
      { id: frontendId("kine"), role: "kine", kind: "service", host: `${KUBERNETES_NAMES.kineService}.${namespace}.svc.${clusterDomain}`, port: ports.kine, backends: kineSlots.map((k) => k.name) },
    );
  }
  if (endpointNames) {
    // aws: per control-plane region, its own YSQL load balancer over that region's nodes and Kine load balancer over
    // that region's replicas: a standby region's control plane never depends on another region.
    for (const region of controlPlaneRegions) {
      frontends.push(
        { id: frontendId("ysql", region), role: "ysql", kind: "load balancer", host: endpointNames[region].ysql, port: ports.ysql, region, backends: nodesIn(region) },
        {
          id: frontendId("kine", region),
          role: "kine",
          kind: "load balancer",
          host: endpointNames[region].kine,
          port: ports.kine,
          region,
          backends: kineSlots.filter((k) => k.region === region).map((k) => k.name),
        },
      );
    }
  }
  const frontend = (id: string): Frontend => {
    const f = frontendById({ frontends }, id);
    if (!f?.host) throw new Error(`wiring: no frontend ${id} with a name`);
    return f;
  };
  const hostOf = (endpoint: string) => endpoint.slice(0, endpoint.lastIndexOf(":"));
  const kineDatabase: Link[] = kineSlots.map(({ name, region, zone }) => {
    if (t.target === "docker") {
      // No load balancer: the zone-local node (the first node for a zone without one).
      const node = nodes.find((n) => n.zone === zone) ?? nodes[0];
      return { from: name, endpoint: `${node.address}:${ports.ysql}`, to: node.name };
    }
    const f = frontend(frontendId("ysql", endpointNames ? region : undefined));
    return { from: name, endpoint: `${f.host}:${f.port}`, to: f.id };
  });
  const kineReplicas: KineReplicaPlan[] = kineSlots.map(({ name, index, region, zone }) => {
    const address =
      t.target === "docker" ? name : t.target === "kubernetes" ? `${KUBERNETES_NAMES.kineService}.${namespace}.svc.${clusterDomain}` : awsAddress(region, zone, 100 + index);
    const db = kineDatabase[index];
    return {
      name,
      index,
      region,
      zone,
      address,
      database: { host: hostOf(db.endpoint), port: ports.ysql, database: t.yugabyte.database, user: t.yugabyte.user, sslmode: t.tls.enabled ? "verify-full" : "disable" },
    };
  });
  const kineUrl = (host: string) => `${scheme}://${host}:${ports.kine}`;
  const k3sDatastore: Link[] = serverSlots.flatMap(({ name, region }): Link[] => {
    if (t.target === "docker") return kineReplicas.map((k) => ({ from: name, endpoint: kineUrl(k.address), to: k.name }));
    // aws: each server uses its own region's Kine load balancer, so a standby region runs without the primary.
    const f = frontend(frontendId("kine", endpointNames ? region : undefined));
    return [{ from: name, endpoint: kineUrl(f.host as string), to: f.id }];
  });
  // The etcd endpoints k3s dials, each once, in server order.
  const kineEndpoints = [...new Set(k3sDatastore.map((l) => l.endpoint))];

  const apiAddress =
    dockerConfig ? dockerConfig.bindAddress : t.target === "kubernetes" ? `${KUBERNETES_NAMES.k3sService}.${namespace}.svc.${clusterDomain}` : `k3s.${prefix}.internal`;
  const apiPort = dockerPorts?.k3sApi ?? ports.k3sApi;
  const apiUrl = `https://${apiAddress.includes(":") ? `[${apiAddress}]` : apiAddress}:${apiPort}`;
  const serversIn = (region: string) => serverSlots.filter((s) => s.region === region).map((s) => s.name);
  let api: Link;
  if (t.target === "docker") {
    // The kubeconfig names server 0's published port (server i publishes k3sApi + i).
    api = { from: KUBECONFIG, endpoint: apiUrl, to: serverSlots[0].name };
  } else if (t.target === "kubernetes") {
    frontends.push({ id: frontendId("k3s-api"), role: "k3s-api", kind: "service", host: apiAddress, port: ports.k3sApi, backends: serverSlots.map((s) => s.name) });
    api = { from: KUBECONFIG, endpoint: apiUrl, to: frontendId("k3s-api") };
  } else {
    const names = endpointNames as Record<string, { k3s: string }>;
    const [, standby] = controlPlaneRegions;
    // The stack-wide name: the primary region's load balancer, or with a standby region a failover record over both.
    for (const region of controlPlaneRegions)
      frontends.push({
        id: frontendId("k3s-api", region),
        role: "k3s-api",
        kind: "load balancer",
        host: region !== primaryRegion ? names[region].k3s : standby === undefined ? apiAddress : undefined,
        port: ports.k3sApi,
        region,
        backends: serversIn(region),
      });
    if (standby !== undefined)
      frontends.push({ id: frontendId("k3s-api"), role: "k3s-api", kind: "failover record", host: apiAddress, port: ports.k3sApi, backends: controlPlaneRegions.map((r) => frontendId("k3s-api", r)) });
    if (t.aws?.publicK3sApi) {
      // The kubeconfig then names the internet-facing load balancer (AWS assigns its name), over the primary's servers.
      frontends.push({ id: PUBLIC_API_FRONTEND, role: "k3s-api", kind: "load balancer", port: ports.k3sApi, region: primaryRegion, backends: serversIn(primaryRegion) });
      api = { from: KUBECONFIG, endpoint: `https://(internet-facing load balancer):${ports.k3sApi}`, to: PUBLIC_API_FRONTEND };
    } else api = { from: KUBECONFIG, endpoint: apiUrl, to: standby !== undefined ? frontendId("k3s-api") : frontendId("k3s-api", primaryRegion) };
  }

  // Every server answers to the stack-wide API name and to each control-plane region's own name.
  const regionalApiNames = endpointNames ? controlPlaneRegions.map((r) => endpointNames[r].k3s) : [];
  const servers: K3sServerPlan[] = serverSlots.map(({ name, index, region, zone }) => {
    const address = t.target === "docker" ? name : t.target === "kubernetes" ? name : awsAddress(region, zone, 200 + index);
    // Kubernetes: the service's shorter in-cluster names too (agents commonly use K3S_URL=https://k3s.<ns>.svc:6443).
    const serviceNames =
      t.target === "kubernetes" ? [`${KUBERNETES_NAMES.k3sService}.${namespace}.svc`, `${KUBERNETES_NAMES.k3sService}.${namespace}`, KUBERNETES_NAMES.k3sService] : [];
    const sans = [...new Set([apiAddress, ...regionalApiNames, ...serviceNames, "localhost", "127.0.0.1", name])];
    const args = [
      "server",
      `--datastore-endpoint=${linksFrom(k3sDatastore, name).map((l) => l.endpoint).join(",")}`,
      ...(tls ? k3sDatastoreTlsArgs() : []),
      ...sans.map((s) => `--tls-san=${s}`),
      `--node-name=${name}`,
      "--write-kubeconfig-mode=0600",
      ...t.k3s.extraArgs,
    ];
    return { name, index, region, zone, address, args, hostApiPort: t.target === "docker" ? hostPortOf(apiPort, index) : undefined };
  });

  const hosts: Host[] = [
    ...nodes.map((n) => ({ name: n.name, role: "yugabyte" as const, region: n.region, zone: n.zone })),
    ...(t.target === "aws"
      ? [
          ...kineReplicas.map((k) => ({ name: k.name, role: "kine" as const, region: k.region, zone: k.zone })),
          ...servers.map((s) => ({ name: s.name, role: "k3s" as const, region: s.region, zone: s.zone })),
        ]
      : []),
  ];
  const members = new Set([...nodes.map((n) => n.name), ...kineReplicas.map((k) => k.name), ...servers.map((s) => s.name), KUBECONFIG]);
  for (const f of frontends) if (members.has(f.id)) throw new Error(`wiring: frontend id '${f.id}' is also a member's name`);
  const wiring: Wiring = { frontends, kineDatabase, k3sDatastore, api, hosts };

  const pki = tls
    ? planPki({
        prefix,
        nodes,
        ysqlHosts:
          t.target === "kubernetes"
            ? [ysqlHost, `${KUBERNETES_NAMES.ysqlService}.${namespace}.svc`, `${KUBERNETES_NAMES.ysqlService}.${namespace}`, KUBERNETES_NAMES.ysqlService]
            : dockerConfig
              ? [ysqlHost, ...(["0.0.0.0", "::"].includes(dockerConfig.bindAddress) ? [] : [dockerConfig.bindAddress])]
              : // aws: the primary's name and every standby region's own YSQL name (that region's Kine dials it).
                [ysqlHost, ...Object.values(endpointNames ?? {}).map((e) => e.ysql)],
        kineReplicas,
        kineEndpoints,
        kineExtraNames:
          t.target === "kubernetes" ? [`${KUBERNETES_NAMES.kineService}.${namespace}.svc`, `${KUBERNETES_NAMES.kineService}.${namespace}`, KUBERNETES_NAMES.kineService] : [],
        k3sServers: servers,
        kineDatabaseUser: t.yugabyte.user,
      })
    : undefined;

  const protectData = t.protectData ?? defaultProtectData(t.target);
  return {
    project,
    stack,
    target: t.target,
    prefix,
    cloud,
    faultTolerance: t.faultTolerance,
    replicationFactor: t.replicationFactor,
    primaryRegion,
    regions,
    nodes,
    yugabyte: {
      image: images.yugabyte(t.yugabyte.version, t.yugabyte.build),
      version: `${t.yugabyte.version}-${t.yugabyte.build}`,
      baseDir: layout.baseDir,
      binDir: layout.binDir,
      tserverFlags,
      masterFlags,
      masterAddresses,
      placement,
      preferredLeaders,
      database: t.yugabyte.database,
      user: t.yugabyte.user,
      dialect,
      schemaStatements: kineSchemaStatements(t.yugabyte.database, dialect),
      ysqlHost,
    },
    kine: { image: images.kine(t.kine.version), version: t.kine.version, replicas: kineReplicas, endpoints: kineEndpoints },
    k3s: { image: images.k3s(t.k3s.version), version: t.k3s.version, servers, apiAddress, apiUrl },
    controlPlaneRegions,
    endpointNames,
    wiring,
    tls,
    pki,
    protectData,
    backup: planBackup(t, protectData, { primaryRegion, replicaRegion: standbyRegion ?? t.regions.find((r) => r.name !== primaryRegion)?.name }),
  };
}

/**
 * `yb-admin modify_placement_info` string: `c.r.z:min,...`. yb-admin defaults an omitted count to 1 and rejects a
 * placement whose counts add up to more than the replication factor, so the count is always explicit.
 */
export const renderPlacement = (blocks: readonly PlacementBlock[]): string =>
  blocks.map((b) => `${b.cloud}.${b.region}.${b.zone}:${b.minReplicas ?? 1}`).join(",");

/** Hand out `count` items round robin over buckets with capacities; returns how many each bucket got. */
export function distribute(count: number, capacities: readonly number[]): number[] {
  const out = capacities.map(() => 0);
  let left = count;
  while (left > 0) {
    let placed = false;
    for (let i = 0; i < capacities.length && left > 0; i++) {
      if (out[i] < capacities[i]) {
        out[i]++;
        left--;
        placed = true;
      }
    }
    if (!placed) break;
  }
  return out;
}

/**
 * Where the RF replicas of every tablet go (placement blocks with explicit minimum counts adding up to RF) and where
 * leaders prefer to live.
 * - zone / none: replicas round robin over zones (primary region first), never more in a zone than it has nodes.
 * - region: replicas round robin over regions first (primary first), so no region holds a majority (RF 3 over 3
 *   regions = one replica per region; RF 5 = 2/2/1), then over that region's zones.
 * Preferred leaders (multi-region): the primary region's blocks (priority 1), so Kine's writes commit with a leader
 * nearby; with a standby control-plane region its blocks come next (priority 2), so leaders follow the standby Kine
 * when the primary region is lost.
 */
export function planPlacement(
  t: Topology,
  cloud: string,
  primaryRegion: string,
  standbyRegion?: string,
): { placement: PlacementBlock[]; preferredLeaders: PlacementBlock[] } {
  const ordered = [...t.regions].sort((a, b) => (a.name === primaryRegion ? -1 : b.name === primaryRegion ? 1 : 0));
  const rf = t.replicationFactor;
  const placement: PlacementBlock[] = [];
  if (t.faultTolerance === "region") {
    const perRegion = distribute(rf, ordered.map((r) => databaseZonesOf(r).length * r.nodesPerZone));
    ordered.forEach((r, i) => {
      const perZone = distribute(perRegion[i], databaseZonesOf(r).map(() => r.nodesPerZone));
      databaseZonesOf(r).forEach((zone, j) => {
        if (perZone[j] > 0) placement.push({ cloud, region: r.name, zone, minReplicas: perZone[j] });
      });
    });
  } else {
    // Interleave zones across regions (a1, b1, a2, b2, ...) so a multi-region zone-FT layout still spreads.
    const zones: { region: string; zone: string; capacity: number }[] = [];
    for (let j = 0; j < Math.max(...ordered.map((r) => databaseZonesOf(r).length)); j++)
      for (const r of ordered) if (j < databaseZonesOf(r).length) zones.push({ region: r.name, zone: databaseZonesOf(r)[j], capacity: r.nodesPerZone });
    const perZone = distribute(rf, zones.map((z) => z.capacity));
    zones.forEach((z, i) => {
      if (perZone[i] > 0) placement.push({ cloud, region: z.region, zone: z.zone, minReplicas: perZone[i] });
    });
  }
  const leaders = (region: string | undefined, priority: number) =>
    placement.filter((b) => b.region === region).map((b) => ({ cloud: b.cloud, region: b.region, zone: b.zone, priority }));
  const preferredLeaders = t.regions.length > 1 ? [...leaders(primaryRegion, 1), ...leaders(standbyRegion, 2)] : [];
  return { placement, preferredLeaders };
}
