/**
 * Encryption in transit, planned (pure, no @pulumi import): which certificates the control plane needs, the names each
 * must carry, and which files every host gets, at which path and mode. Target builders only turn these into
 * @pulumi/tls resources (components/controlPlanePki.ts) and deliver the files (uploads, Secrets, user data).
 *
 * One CA per stack signs everything:
 * - YugabyteDB nodes: one certificate each (server and client auth: nodes dial each other), in the layout yugabyted
 *   `--secure --certs_dir=<dir>` expects: `ca.crt`, `node.<advertise_address>.crt`, `node.<advertise_address>.key`.
 *   SANs: the advertise address, the node name, every shared YSQL name clients dial (service / load balancer), loopback.
 * - Kine: one serving certificate shared by every replica (SANs: every replica address, every endpoint host k3s
 *   dials, loopback), plus a client certificate for its database connection.
 * - k3s: a client certificate for the etcd connection to Kine (Kine requires one, `--trusted-ca-file`).
 * - the bootstrap step: a client certificate for ysqlsh; yb-admin reads `ca.crt` from its `-certs_dir_name`.
 */
import { isIP } from "node:net";

/** Where each role finds its TLS files, on every target (absolute paths; containers, pods and hosts alike). */
export const TLS_DIRS = {
  /** yugabyted `--certs_dir` (and the gflag `certs_dir`). */
  yugabyte: "/etc/yb-k3s/yugabyte-certs",
  kine: "/etc/kine/tls",
  k3s: "/etc/yb-k3s/k3s-datastore",
  /** Also yb-admin's `-certs_dir_name`: it must hold `ca.crt`. */
  bootstrap: "/etc/yb-k3s/bootstrap-tls",
} as const;

/** Certificate lifetimes (hours). Leaf certificates are replaced by `pulumi up` once inside the renewal window. */
export const TLS_LIFETIMES = {
  caValidityHours: 10 * 365 * 24,
  leafValidityHours: 365 * 24,
  leafEarlyRenewalHours: 30 * 24,
} as const;

export type CertificateUse = "server_auth" | "client_auth";

export interface CertificatePlan {
  /** Unique in the stack, safe in Pulumi resource names: `yb-zone-a-0`, `kine-server`, `k3s-datastore-client`, ... */
  readonly id: string;
  readonly commonName: string;
  readonly organization?: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly uses: readonly CertificateUse[];
}

export type TlsRole = "yugabyte" | "kine" | "k3s" | "bootstrap";

/** What goes into one file: the CA certificate, or a certificate / its private key by certificate id. */
export type TlsFileSource = { readonly kind: "ca" } | { readonly kind: "cert"; readonly cert: string } | { readonly kind: "key"; readonly cert: string };

export interface TlsFilePlan {
  /** Absolute path on the host / in the container. */
  readonly path: string;
  readonly source: TlsFileSource;
  /** Private keys 0600, certificates 0644. */
  readonly mode: "0600" | "0644";
}

export interface TlsHostPlan {
  /** The plan's host name: a node (`yb-zone-a-0`), a Kine replica (`kine-0`), a k3s server (`k3s-0`), or `bootstrap`. */
  readonly host: string;
  readonly role: TlsRole;
  readonly dir: string;
  readonly files: readonly TlsFilePlan[];
}

export interface PkiPlan {
  readonly caCommonName: string;
  readonly certificates: readonly CertificatePlan[];
  readonly hosts: readonly TlsHostPlan[];
  readonly lifetimes: typeof TLS_LIFETIMES;
}

export interface PkiPlanInput {
  readonly prefix: string;
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  /** Every name clients use for YSQL besides node addresses (Kubernetes service, AWS load balancer), and loopback. */
  readonly ysqlHosts: readonly string[];
  readonly kineReplicas: readonly { readonly name: string; readonly address: string }[];
  /** etcd endpoint URLs k3s dials (`https://host:2379`). */
  readonly kineEndpoints: readonly string[];
  /** Extra names for the Kine serving certificate (short in-cluster service names). */
  readonly kineExtraNames: readonly string[];
  readonly k3sServers: readonly { readonly name: string }[];
  readonly kineDatabaseUser: string;
}

export const LOOPBACK = ["localhost", "127.0.0.1"] as const;

/** Split names into DNS names and IP addresses (certificates carry them in different SAN types), de-duplicated. */
export function splitSans(names: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const uniq = [...new Set(names.filter((n) => n.length > 0))];
  return { dnsNames: uniq.filter((n) => isIP(n) === 0), ipAddresses: uniq.filter((n) => isIP(n) !== 0) };
}

/** Host part of `https://host:port` (brackets of IPv6 literals removed). */
export const endpointHost = (url: string): string => {
  const u = new URL(url);
  return u.hostname.replace(/^\[(.*)\]$/, "$1");
};

/** File names inside yugabyted's certs_dir for a node advertising `address`. */
export const yugabyteNodeFiles = (address: string) => ({ cert: `node.${address}.crt`, key: `node.${address}.key` });

export const KINE_TLS_FILES = {
  serverCertFile: `${TLS_DIRS.kine}/server.crt`,
  serverKeyFile: `${TLS_DIRS.kine}/server.key`,
  trustedCaFile: `${TLS_DIRS.kine}/ca.crt`,
  dbCaFile: `${TLS_DIRS.kine}/ca.crt`,
  dbCertFile: `${TLS_DIRS.kine}/db-client.crt`,
  dbKeyFile: `${TLS_DIRS.kine}/db-client.key`,
} as const;

export const K3S_DATASTORE_TLS_FILES = {
  caFile: `${TLS_DIRS.k3s}/ca.crt`,
  certFile: `${TLS_DIRS.k3s}/client.crt`,
  keyFile: `${TLS_DIRS.k3s}/client.key`,
} as const;

export const BOOTSTRAP_TLS_FILES = {
  caFile: `${TLS_DIRS.bootstrap}/ca.crt`,
  certFile: `${TLS_DIRS.bootstrap}/client.crt`,
  keyFile: `${TLS_DIRS.bootstrap}/client.key`,
} as const;

/** k3s flags for an mTLS datastore (the endpoint itself is https://, see the plan). */
export const k3sDatastoreTlsArgs = (): string[] => [
  `--datastore-cafile=${K3S_DATASTORE_TLS_FILES.caFile}`,
  `--datastore-certfile=${K3S_DATASTORE_TLS_FILES.certFile}`,
  `--datastore-keyfile=${K3S_DATASTORE_TLS_FILES.keyFile}`,
];

/**
 * gflags for encryption in transit, set explicitly on top of yugabyted `--secure` (which sets them too), so the launch
 * line says what runs whatever yugabyted's defaults become, and the policy pack can read them.
 */
export const yugabyteTlsMasterFlags = (): Record<string, string> => ({
  use_node_to_node_encryption: "true",
  allow_insecure_connections: "false",
  certs_dir: TLS_DIRS.yugabyte,
});
export const yugabyteTlsTserverFlags = (): Record<string, string> => ({
  ...yugabyteTlsMasterFlags(),
  use_client_to_server_encryption: "true",
});

const ca: TlsFileSource = { kind: "ca" };
const file = (dir: string, name: string, source: TlsFileSource): TlsFilePlan => ({ path: `${dir}/${name}`, source, mode: source.kind === "key" ? "0600" : "0644" });

export function planPki(i: PkiPlanInput): PkiPlan {
  const certificates: CertificatePlan[] = [];
  const hosts: TlsHostPlan[] = [];
  const cert = (id: string, commonName: string, names: readonly string[], uses: CertificateUse[], organization?: string) => {
    certificates.push({ id, commonName, organization, ...splitSans(names), uses });
  };

  for (const n of i.nodes) {
    cert(n.name, n.address, [n.address, n.name, ...i.ysqlHosts, ...LOOPBACK], ["server_auth", "client_auth"], "yb-k3s yugabytedb");
    const f = yugabyteNodeFiles(n.address);
    const dir = TLS_DIRS.yugabyte;
    hosts.push({
      host: n.name,
      role: "yugabyte",
      dir,
      files: [file(dir, "ca.crt", ca), file(dir, f.cert, { kind: "cert", cert: n.name }), file(dir, f.key, { kind: "key", cert: n.name })],
    });
  }

  const kineNames = [...i.kineReplicas.map((k) => k.address), ...i.kineReplicas.map((k) => k.name), ...i.kineEndpoints.map(endpointHost), ...i.kineExtraNames, ...LOOPBACK];
  cert("kine-server", "kine", kineNames, ["server_auth"], "yb-k3s kine");
  cert("kine-db-client", i.kineDatabaseUser, [], ["client_auth"], "yb-k3s kine");
  for (const k of i.kineReplicas) {
    const dir = TLS_DIRS.kine;
    const name = (p: string) => p.slice(dir.length + 1);
    hosts.push({
      host: k.name,
      role: "kine",
      dir,
      files: [
        file(dir, name(KINE_TLS_FILES.trustedCaFile), ca),
        file(dir, name(KINE_TLS_FILES.serverCertFile), { kind: "cert", cert: "kine-server" }),
        file(dir, name(KINE_TLS_FILES.serverKeyFile), { kind: "key", cert: "kine-server" }),
        file(dir, name(KINE_TLS_FILES.dbCertFile), { kind: "cert", cert: "kine-db-client" }),
        file(dir, name(KINE_TLS_FILES.dbKeyFile), { kind: "key", cert: "kine-db-client" }),
      ],
    });
  }

  cert("k3s-datastore-client", "k3s-datastore", [], ["client_auth"], "yb-k3s k3s");
  for (const s of i.k3sServers) {
    const dir = TLS_DIRS.k3s;
    hosts.push({
      host: s.name,
      role: "k3s",
      dir,
      files: [file(dir, "ca.crt", ca), file(dir, "client.crt", { kind: "cert", cert: "k3s-datastore-client" }), file(dir, "client.key", { kind: "key", cert: "k3s-datastore-client" })],
    });
  }

  cert("bootstrap-client", "yugabyte", [], ["client_auth"], "yb-k3s bootstrap");
  {
    const dir = TLS_DIRS.bootstrap;
    hosts.push({
      host: "bootstrap",
      role: "bootstrap",
      dir,
      files: [file(dir, "ca.crt", ca), file(dir, "client.crt", { kind: "cert", cert: "bootstrap-client" }), file(dir, "client.key", { kind: "key", cert: "bootstrap-client" })],
    });
  }

  return { caCommonName: `${i.prefix} control-plane CA`, certificates, hosts, lifetimes: TLS_LIFETIMES };
}

/** The files of one host (throws for a host the plan does not know: a builder asking for the wrong name is a bug). */
export function hostFiles(pki: PkiPlan, host: string): TlsHostPlan {
  const h = pki.hosts.find((x) => x.host === host);
  if (!h) throw new Error(`tls plan: no files planned for host '${host}'`);
  return h;
}
