/** Pure helpers for Kine's command line and its database DSN. */
import { ports } from "./ports";

export interface KineDatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** libpq sslmode; `verify-full` once TLS is on, `disable` otherwise. */
  readonly sslmode: "disable" | "require" | "verify-full";
}

export interface KineTlsFiles {
  /** etcd side: Kine serves https and requires client certificates signed by this CA. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly trustedCaFile: string;
  /** database side: CA that signed the YugabyteDB node certificates, and Kine's client certificate. */
  readonly dbCaFile: string;
  readonly dbCertFile?: string;
  readonly dbKeyFile?: string;
}

/**
 * Kine's `--endpoint`. Kine prefixes "postgres://" itself when the scheme is missing, but we keep it explicit.
 * User and password are percent-encoded: a generated password must never break the URL.
 */
export function kineDsn(ep: KineDatabaseEndpoint, password: string): string {
  const auth = `${encodeURIComponent(ep.user)}:${encodeURIComponent(password)}`;
  return `postgres://${auth}@${ep.host}:${ep.port}/${ep.database}?sslmode=${ep.sslmode}`;
}

/** A DSN with the password masked, for summaries and logs. */
export const kineDsnRedacted = (ep: KineDatabaseEndpoint): string => kineDsn(ep, "REDACTED").replace("REDACTED", "****");

/** Kine reads `--endpoint` from this variable too: the DSN carries a password, so deployments pass it this way. */
export const KINE_ENDPOINT_ENV = "KINE_ENDPOINT";

export interface KineArgsOptions {
  /** The DSN on the command line (tests); omit it where the DSN arrives as KINE_ENDPOINT from a secret. */
  readonly dsn?: string;
  /** Address Kine listens on for etcd clients; 0.0.0.0 inside containers, loopback in tests. */
  readonly listenHost?: string;
  readonly listenPort?: number;
  readonly metricsHost?: string;
  readonly metricsPort?: number;
  readonly tls?: KineTlsFiles;
}

/** The argument list after the `kine` binary, identical on every target and in the integration tests. */
export function kineArgs(o: KineArgsOptions): string[] {
  const args = [
    ...(o.dsn !== undefined ? [`--endpoint=${o.dsn}`] : []),
    `--listen-address=${o.listenHost ?? "0.0.0.0"}:${o.listenPort ?? ports.kine}`,
    `--metrics-bind-address=${o.metricsHost ?? "0.0.0.0"}:${o.metricsPort ?? ports.kineMetrics}`,
  ];
  if (o.tls) {
    args.push(
      `--server-cert-file=${o.tls.serverCertFile}`,
      `--server-key-file=${o.tls.serverKeyFile}`,
      `--trusted-ca-file=${o.tls.trustedCaFile}`,
      `--ca-file=${o.tls.dbCaFile}`,
    );
    if (o.tls.dbCertFile) args.push(`--cert-file=${o.tls.dbCertFile}`);
    if (o.tls.dbKeyFile) args.push(`--key-file=${o.tls.dbKeyFile}`);
  }
  return args;
}

/**
 * A DSN with no secret in it: pgx (Kine's driver) reads the password from a libpq passfile named by `passfile=`,
 * so the command line and container config stay clean and the password lives in a secret file.
 */
export function kinePassfileDsn(ep: KineDatabaseEndpoint, passfile: string): string {
  return `postgres://${encodeURIComponent(ep.user)}@${ep.host}:${ep.port}/${ep.database}?sslmode=${ep.sslmode}&passfile=${encodeURIComponent(passfile)}`;
}

const pgpassEscape = (s: string) => s.replace(/\\/g, "\\\\").replace(/:/g, "\\:");

/**
 * The passfile line. Database `*`: Kine first connects to `postgres` to check that its database exists, then to its own.
 */
export const pgpassLine = (ep: KineDatabaseEndpoint, password: string): string =>
  `${pgpassEscape(ep.host)}:${ep.port}:*:${pgpassEscape(ep.user)}:${pgpassEscape(password)}\n`;
