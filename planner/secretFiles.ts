/** Where secrets are delivered as files inside containers/hosts (never on a command line or in plain env). */
export const SECRET_FILES = {
  /** libpq passfile Kine's DSN points at (`passfile=`). */
  kinePassfile: "/etc/kine/pgpass",
  /** k3s reads the cluster token from here (`--token-file`). */
  k3sTokenFile: "/etc/rancher/k3s/cluster-token",
  /** Sourced by the bootstrap script when present: YSQL_ADMIN_PASSWORD and KINE_DB_PASSWORD. */
  bootstrapEnv: "/etc/yb-k3s/bootstrap.env",
  /**
   * With TLS (yugabyted --secure): YSQL_PASSWORD for yugabyted, sourced by its launcher. `--secure` would otherwise set a
   * random superuser password on first start (written to a credentials file on node 0 only); with it, the superuser
   * starts with the generated admin password the bootstrap already knows.
   */
  yugabytedEnv: "/etc/yb-k3s/yugabyted.env",
} as const;
