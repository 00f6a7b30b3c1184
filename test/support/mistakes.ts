/** Issue 14's battery of bad input: shared by the config tests, the program test and the CLI tests. */
import { YUGABYTE_VERSION } from "../../planner/versions";
import { devConfig, localConfig, prodConfig, stagingConfig } from "./topologies";

/** Issue 14: input that got through, crashed later, or was reported misleadingly. Each: the one line a user sees. */
export const region = (cidr: string) => ({ name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], cidr });
export const k8s = (over: Record<string, unknown>) => ({ ...devConfig(), kubernetes: { context: "dev", ...over } });
export const docker = (over: Record<string, unknown>) => ({ ...localConfig(), docker: { bindAddress: "127.0.0.1", ...over } });
export const k3sArgs = (...extraArgs: string[]) => ({ ...localConfig(), k3s: { servers: 1, extraArgs } });
export const inputCases: [string, () => Record<string, unknown>, RegExp][] = [
  // crashed later (plan failed: Invalid URL)
  ["loopback octet above 255", () => docker({ bindAddress: "127.300.0.1" }), /^yb-k3s:docker\.bindAddress: must be a loopback address \(127\.0\.0\.0\/8, octets 0-255, or ::1\)/],
  ["loopback octet with a leading zero", () => docker({ bindAddress: "127.0.0.01" }), /^yb-k3s:docker\.bindAddress: must be a loopback address/],
  // gflags YugabyteDB does not have, or that the planner owns
  ["misspelt tserver gflag", () => ({ ...localConfig(), yugabyte: { tserverFlags: { ysql_sequence_cache_minvl: 100 } } }), new RegExp(`^yb-k3s:yugabyte\\.tserverFlags\\.ysql_sequence_cache_minvl: is not a yb-tserver flag of YugabyteDB ${YUGABYTE_VERSION.replace(/\./g, "\\.")} .*config/flags/yugabyte\\.ts\\); did you mean 'ysql_sequence_cache_minval'\\?$`)],
  ["misspelt master gflag", () => ({ ...localConfig(), yugabyte: { masterFlags: { memory_limit_hard_byte: 1 } } }), /^yb-k3s:yugabyte\.masterFlags\.memory_limit_hard_byte: is not a yb-master flag .*did you mean 'memory_limit_hard_bytes'\?$/],
  ["a master-only gflag on the tserver", () => ({ ...localConfig(), yugabyte: { tserverFlags: { master_addresses: "x" } } }), /^yb-k3s:yugabyte\.tserverFlags\.master_addresses: is not a yb-tserver flag/],
  ["placement gflag (the topology's job)", () => ({ ...localConfig(), yugabyte: { tserverFlags: { placement_zone: "zone-x" } } }), /^yb-k3s:yugabyte\.tserverFlags\.placement_zone: is set by yugabyted from --cloud_location/],
  ["replication_factor as a master gflag", () => ({ ...localConfig(), yugabyte: { masterFlags: { replication_factor: 5 } } }), /^yb-k3s:yugabyte\.masterFlags\.replication_factor: is set from yb-k3s:replicationFactor/],
  ["half of TLS through gflags", () => ({ ...localConfig(), yugabyte: { tserverFlags: { use_node_to_node_encryption: true } } }), /^yb-k3s:yugabyte\.tserverFlags\.use_node_to_node_encryption: is managed by yb-k3s:tls\.enabled/],
  ["a brace in a gflag value (breaks yugabyted's {a,b} syntax)", () => ({ ...localConfig(), yugabyte: { tserverFlags: { ysql_pg_conf_csv: "a,}b" } } }), /^yb-k3s:yugabyte\.tserverFlags\.ysql_pg_conf_csv: must not contain quotes, backslashes, braces/],
  // k3s flags
  ["--cluster-init (embedded etcd beside Kine)", () => k3sArgs("--cluster-init"), /^yb-k3s:k3s\.extraArgs\[0\]: --cluster-init starts embedded etcd beside the external datastore/],
  ["--token on the command line", () => k3sArgs("--tls-san=api.example.com", "--token=K10secret"), /^yb-k3s:k3s\.extraArgs\[1\]: --token puts a secret on the command line/],
  ["--agent-token on the command line", () => k3sArgs("--agent-token=abc"), /^yb-k3s:k3s\.extraArgs\[0\]: --agent-token puts a secret on the command line.*use --agent-token-file$/],
  ["an embedded-etcd flag", () => k3sArgs("--etcd-snapshot-retention=10"), /^yb-k3s:k3s\.extraArgs\[0\]: --etcd-snapshot-retention only configures k3s's embedded etcd/],
  ["an etcd S3 secret", () => k3sArgs("--etcd-s3-secret-key=abc"), /^yb-k3s:k3s\.extraArgs\[0\]: --etcd-s3-secret-key puts a secret on the command line.*and only configures k3s's embedded etcd/],
  ["a flag the planner sets", () => k3sArgs("--datastore-endpoint=postgres://x"), /^yb-k3s:k3s\.extraArgs\[0\]: --datastore-endpoint is set by the program/],
  ["a k3s flag that does not exist", () => k3sArgs("--cluster-initt"), /^yb-k3s:k3s\.extraArgs\[0\]: --cluster-initt is not a flag of k3s server v1\.36\.3\+k3s1 .*config\/flags\/k3s\.ts\); did you mean '--cluster-init'\?$/],
  // Docker host ports: the whole derived range
  ["ysql host port range past 65535", () => docker({ hostPorts: { ysql: 65535 } }), /^yb-k3s:docker\.hostPorts\.ysql: 65535 gives ports 65535\.\.65537 \(one per YugabyteDB node, 3\), past 65535; must be at most 65533$/],
  ["k3s API host port range past 65535", () => ({ ...docker({ hostPorts: { k3sApi: 65534 } }), k3s: { servers: 3 } }), /^yb-k3s:docker\.hostPorts\.k3sApi: 65534 gives ports 65534\.\.65536 \(one per k3s server, 3\), past 65535; must be at most 65533$/],
  ["host port ranges that collide (UI)", () => docker({ hostPorts: { yugabytedUi: 5434 } }), /^yb-k3s:docker\.hostPorts\.yugabytedUi: ports 5434\.\.5436 \(one per YugabyteDB node, 3\) overlap ysql 5433\.\.5435; host port ranges must not overlap$/],
  ["host port ranges that collide (k3s API)", () => docker({ hostPorts: { k3sApi: 5433 } }), /^yb-k3s:docker\.hostPorts\.k3sApi: ports 5433 \(one per k3s server, 1\) overlap ysql 5433\.\.5435/],
  ["Docker host without a scheme", () => docker({ host: "localhost" }), /^yb-k3s:docker\.host: must be a Docker host URL such as unix:\/\/\/var\/run\/docker\.sock/],
  // CIDRs
  ["CIDR with host bits", () => ({ ...stagingConfig(), regions: [region("10.40.7.9/16")] }), /^yb-k3s:regions\[0\]\.cidr: has host bits set; the network is 10\.40\.0\.0\/16/],
  ["CIDR octet above 255", () => ({ ...stagingConfig(), regions: [region("10.400.0.0/16")] }), /^yb-k3s:regions\[0\]\.cidr: must be an IPv4 CIDR such as 10\.20\.0\.0\/16 \(octets 0-255, prefix length 0-32\)$/],
  ["allowed CIDR with host bits (aws)", () => ({ ...stagingConfig(), aws: { k3sApiAllowedCidrs: ["203.0.113.7/24"] } }), /^yb-k3s:aws\.k3sApiAllowedCidrs\[0\]: has host bits set; the network is 203\.0\.113\.0\/24/],
  ["kubernetes source range that is no CIDR", () => k8s({ k3sServiceType: "LoadBalancer", k3sAllowedCidrs: ["not-a-cidr"] }), /^yb-k3s:kubernetes\.k3sAllowedCidrs\[0\]: must be a CIDR such as 10\.20\.0\.0\/16 or 2001:db8::\/32$/],
  ["kubernetes source ranges on a ClusterIP Service", () => k8s({ k3sAllowedCidrs: ["10.0.0.0/8"] }), /^yb-k3s:kubernetes\.k3sAllowedCidrs: only applies when k3sServiceType is LoadBalancer/],
  // empty or zero
  ["empty zone label", () => k8s({ zoneLabel: "" }), /^yb-k3s:kubernetes\.zoneLabel: must be a node label key such as topology\.kubernetes\.io\/zone/],
  ["zero storage", () => k8s({ storageSize: "0" }), /^yb-k3s:kubernetes\.storageSize: must be at least 1Gi \(a YugabyteDB data volume\); got 0$/],
  ["storage without a unit (bytes)", () => k8s({ storageSize: "50" }), /^yb-k3s:kubernetes\.storageSize: must be at least 1Gi .*got 50$/],
  ["zero memory", () => k8s({ yugabyteResources: { memory: "0" } }), /^yb-k3s:kubernetes\.yugabyteResources\.memory: must be at least 1Gi .*got 0$/],
  ["zero cpu", () => k8s({ yugabyteResources: { cpu: "0" } }), /^yb-k3s:kubernetes\.yugabyteResources\.cpu: must be at least 100m .*got 0$/],
  ["empty StorageClass (means: no class)", () => k8s({ storageClass: "" }), /^yb-k3s:kubernetes\.storageClass: must name a StorageClass .*'' would mean no class at all/],
  ["empty kubeconfig path", () => k8s({ kubeconfig: "" }), /^yb-k3s:kubernetes\.kubeconfig: must not be empty/],
  ["empty instance type", () => ({ ...stagingConfig(), aws: { yugabyteInstanceType: "" } }), /^yb-k3s:aws\.yugabyteInstanceType: must be an EC2 instance type such as m6i\.2xlarge$/],
  ["Graviton instance type with an x86_64 AMI", () => ({ ...stagingConfig(), aws: { k3sInstanceType: "m7g.large" } }), /^yb-k3s:aws\.k3sInstanceType: is a Graviton \(arm64\) instance type; the AMI and binaries are x86_64/],
  // names the bootstrap would turn against the cluster
  ["Kine's role is the admin superuser", () => ({ ...localConfig(), yugabyte: { user: "yugabyte" } }), /^yb-k3s:yugabyte\.user: must be Kine's own role, not a built-in one/],
  ["Kine's database is a system database", () => ({ ...localConfig(), yugabyte: { database: "postgres" } }), /^yb-k3s:yugabyte\.database: must be Kine's own database, not one YugabyteDB creates/],
  ["an SQL reserved word as the role", () => ({ ...localConfig(), yugabyte: { user: "user" } }), /^yb-k3s:yugabyte\.user: must not be an SQL reserved word/],
  // misleading messages
  ["RF 1 with zone fault tolerance", () => ({ ...localConfig(), replicationFactor: 1 }), /^yb-k3s:replicationFactor: faultTolerance 'zone' needs replicationFactor 3, 5 or 7 \(one replica cannot survive losing its zone\); got 1$/],
  ["RF 1 with region fault tolerance", () => ({ ...prodConfig(), replicationFactor: 1 }), /^yb-k3s:replicationFactor: faultTolerance 'region' needs replicationFactor 3, 5 or 7 .*got 1$/],
  ["negative RF", () => ({ ...localConfig(), replicationFactor: -3 }), /^yb-k3s:replicationFactor: must be odd \(1, 3, 5 or 7\) so a Raft majority exists; got -3$/],
  ["RF 9", () => ({ ...localConfig(), replicationFactor: 9 }), /^yb-k3s:replicationFactor: must be odd \(1, 3, 5 or 7\) so a Raft majority exists; got 9$/],
  ["misspelt nested key says what is allowed", () => ({ ...localConfig(), k3s: { server: 3 } }), /^yb-k3s:k3s\.server: unknown key \(allowed here: version, servers, extraArgs\); did you mean 'servers'\?$/],
];


/** A YAML "billion laughs": seven levels of nine aliases: a few hundred bytes that expand to 9^7 nodes. */
export const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ..."bcdefg".split("").map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(",")}]`),
  "config: {yb-k3s:target: *g}",
].join("\n");

