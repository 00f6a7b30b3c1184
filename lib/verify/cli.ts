/** `npm run verify` command line (pure): flags -> options. Throws VerifyUsageError with a one-line message. */
export class VerifyUsageError extends Error {}

export interface VerifyArgs {
  readonly stack?: string;
  readonly config?: string;
  readonly outputs?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly k3sServer?: string;
  readonly dsn?: string;
  readonly kineEndpoints: readonly string[];
  readonly etcdCaCert?: string;
  readonly etcdCert?: string;
  readonly etcdKey?: string;
  readonly direct: boolean;
  readonly ybAdmin?: string;
  readonly ybCertsDir?: string;
  readonly psql?: string;
  readonly workload: boolean;
  readonly workloadImage?: string;
  readonly timeoutSeconds: number;
  readonly strict: boolean;
  readonly json: boolean;
}

export const VERIFY_USAGE = `usage: npm run verify -- (--stack NAME | --config FILE) [--outputs FILE]
       [--kubeconfig FILE] [--context NAME] [--k3s-server URL] [--dsn URL] [--kine-endpoint URL]...
       [--etcd-cacert FILE --etcd-cert FILE --etcd-key FILE] [--direct [--yb-admin PATH] [--yb-certs-dir DIR]]
       [--psql PATH] [--no-workload] [--workload-image IMAGE] [--timeout SECONDS] [--strict] [--json]
Without a stack, give at least one of --kubeconfig, --dsn, --kine-endpoint (only those are checked).`;

const VALUE_FLAGS = {
  "--stack": "stack",
  "-s": "stack",
  "--config": "config",
  "--outputs": "outputs",
  "--kubeconfig": "kubeconfig",
  "--context": "context",
  "--k3s-server": "k3sServer",
  "--dsn": "dsn",
  "--etcd-cacert": "etcdCaCert",
  "--etcd-cert": "etcdCert",
  "--etcd-key": "etcdKey",
  "--yb-admin": "ybAdmin",
  "--yb-certs-dir": "ybCertsDir",
  "--psql": "psql",
  "--workload-image": "workloadImage",
} as const;
type ValueKey = (typeof VALUE_FLAGS)[keyof typeof VALUE_FLAGS];

export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const v: Partial<Record<ValueKey, string>> = {};
  const kine: string[] = [];
  let direct = false;
  let workload = true;
  let strict = false;
  let json = false;
  let timeoutSeconds = 120;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => {
      const x = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (x === undefined || x === "") throw new VerifyUsageError(`${flag} needs a value`);
      return x;
    };
    if (flag in VALUE_FLAGS) {
      const key = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
      if (v[key] !== undefined) throw new VerifyUsageError(`${flag} given twice`);
      v[key] = value();
    } else if (flag === "--kine-endpoint") kine.push(...value().split(",").map((s) => s.trim()).filter(Boolean));
    else if (flag === "--timeout") {
      timeoutSeconds = Number(value());
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new VerifyUsageError("--timeout needs a positive number of seconds");
    } else if (flag === "--direct") direct = true;
    else if (flag === "--no-workload") workload = false;
    else if (flag === "--strict") strict = true;
    else if (flag === "--json") json = true;
    else if (flag === "--help" || flag === "-h") throw new VerifyUsageError(VERIFY_USAGE);
    else throw new VerifyUsageError(`unknown argument ${raw}\n${VERIFY_USAGE}`);
  }
  if (v.stack && v.config) throw new VerifyUsageError("give --stack or --config, not both");
  if (!v.stack && !v.config && !v.kubeconfig && !v.dsn && kine.length === 0 && !v.outputs)
    throw new VerifyUsageError(`nothing to verify\n${VERIFY_USAGE}`);
  if ((v.etcdCert === undefined) !== (v.etcdKey === undefined)) throw new VerifyUsageError("--etcd-cert and --etcd-key go together");
  if (v.etcdCert && !v.etcdCaCert) throw new VerifyUsageError("--etcd-cert needs --etcd-cacert");
  if ((v.ybAdmin || v.ybCertsDir) && !direct) throw new VerifyUsageError("--yb-admin and --yb-certs-dir only apply with --direct");
  if (v.stack && !/^[A-Za-z0-9_.-]+$/.test(v.stack)) throw new VerifyUsageError(`invalid stack name '${v.stack}'`);
  return { ...v, kineEndpoints: kine, direct, workload, strict, json, timeoutSeconds };
}
