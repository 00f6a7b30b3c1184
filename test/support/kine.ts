/**
 * Start the pinned, stock Kine (built by scripts/build-kine.sh into .cache/bin/kine) against a test database, with
 * exactly the argument list the program gives every Kine container/process (`kineArgs` from planner/kine.ts).
 * Loopback only, free ports, logs captured, bounded waits, every process stopped on `stop()` or when Node exits.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { Etcd3, type IOptions } from "etcd3";
import { kineArgs, kineDsn } from "../../planner/kine";
import { KINE_VERSION } from "../../planner/versions";
import { freePort, type PgServer } from "./postgres";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const KINE_BIN = process.env.KINE_BIN ?? path.join(REPO_ROOT, ".cache", "bin", "kine");
export const KINE_STAMP = path.join(path.dirname(KINE_BIN), "kine.version");
const LISTEN_HOST = "127.0.0.1";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Kine module version of the binary: the stamp written by scripts/build-kine.sh, else the Go build info. */
export function kineBinaryVersion(bin = KINE_BIN): string | undefined {
  if (fs.existsSync(KINE_STAMP)) return fs.readFileSync(KINE_STAMP, "utf8").trim();
  try {
    const info = execFileSync("go", ["version", "-m", bin], { encoding: "utf8", timeout: 20_000 });
    return info.split("\n").find((l) => /^\s*mod\s+github\.com\/k3s-io\/kine\s/.test(l))?.trim().split(/\s+/)[2];
  } catch {
    return undefined;
  }
}

/** Throws a clear error unless .cache/bin/kine exists and is the pinned KINE_VERSION. */
export function assertKineBinary(): void {
  try {
    fs.accessSync(KINE_BIN, fs.constants.X_OK);
  } catch {
    throw new Error(
      `Kine ${KINE_VERSION} is required for the Kine integration tests but ${KINE_BIN} is missing. ` +
        "Build it with `scripts/build-kine.sh` (needs Go >= 1.25 and a C compiler).",
    );
  }
  const have = kineBinaryVersion();
  if (have !== KINE_VERSION) {
    throw new Error(
      `${KINE_BIN} is Kine ${have ?? "of unknown version"}, but planner/versions.ts pins ${KINE_VERSION}. ` +
        "Run `scripts/build-kine.sh` to rebuild it.",
    );
  }
}

export interface KineProcess {
  readonly name: string;
  readonly pid: number;
  /** etcd endpoint, e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  readonly metricsPort: number;
  /** Exactly what was passed after the binary (the DSN carries no secret here: trust auth). */
  readonly args: readonly string[];
  /** Everything Kine has logged so far (stdout and stderr interleaved). */
  logs(): string;
  /** Log lines matching a pattern. */
  grep(pattern: RegExp): string[];
  readonly exited: boolean;
  stop(): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const c of liveChildren) c.kill("SIGKILL");
  });
}

function canConnect(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: LISTEN_HOST, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/**
 * A fault-handling policy that just runs the call. etcd3's defaults (retry 3 times, then a circuit breaker that opens
 * after 3 consecutive failures for 5 s) would turn one request Kine rejects (e.g. UNIMPLEMENTED DeleteRange) into
 * "circuit breaker is open" failures of the following, unrelated requests, and would hide errors behind retries.
 */
type FaultPolicy = NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;
const passThrough = {
  execute: <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => T | Promise<T>) =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 0 })),
} as unknown as FaultPolicy;

/** An etcd v3 client for one Kine: no client-side retries, unary calls get a deadline, watch streams do not. */
export function etcdClient(endpoint: string | string[], callTimeoutMs = 30_000, extra: Partial<IOptions> = {}): Etcd3 {
  return new Etcd3({
    hosts: endpoint,
    dialTimeout: 10_000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    faultHandling: { host: () => passThrough, global: passThrough },
    ...extra,
  });
}

export interface StartKineOptions {
  readonly pg: PgServer;
  readonly database: string;
  readonly name?: string;
  /** Bounded wait until Kine answers etcd requests. */
  readonly readyTimeoutMs?: number;
  /** Extra environment (e.g. KINE_DEBUG); the command line is always exactly kineArgs(...). */
  readonly env?: NodeJS.ProcessEnv;
  /** A DSN of the program's own (e.g. the passfile form the Docker target renders); default: trust-auth DSN. */
  readonly dsn?: string;
}

/** Start stock Kine with `kineArgs({ dsn: kineDsn(...) })` on loopback and wait until it serves the etcd API. */
export async function startKine(o: StartKineOptions): Promise<KineProcess> {
  assertKineBinary();
  installExitHook();
  const name = o.name ?? "kine";
  const readyTimeoutMs = o.readyTimeoutMs ?? 60_000;
  let lastFailure = "";
  // Ports can be taken between freePort() and Kine's bind: a bounded number of attempts.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort(LISTEN_HOST);
    let metricsPort = await freePort(LISTEN_HOST);
    for (let i = 0; i < 5 && metricsPort === port; i++) metricsPort = await freePort(LISTEN_HOST);
    const dsn = o.dsn ?? kineDsn({ host: o.pg.host, port: o.pg.port, database: o.database, user: o.pg.user, sslmode: "disable" }, "trust-auth-unused");
    const args = kineArgs({ dsn, listenHost: LISTEN_HOST, listenPort: port, metricsHost: LISTEN_HOST, metricsPort });

    const child = spawn(KINE_BIN, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...o.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    liveChildren.add(child);
    const chunks: string[] = [];
    let size = 0;
    const MAX_LOG = 8 * 1024 * 1024; // keep the first 8 MiB; enough for any test here
    const capture = (raw: string) => {
      const d = raw.replace(/\x1b\[[0-9;]*m/g, ""); // logrus colours its level names
      if (size < MAX_LOG) {
        chunks.push(d);
        size += d.length;
      }
    };
    child.stdout!.setEncoding("utf8").on("data", capture);
    child.stderr!.setEncoding("utf8").on("data", capture);
    let exited = false;
    let exitCode: number | null = null;
    const exitPromise = new Promise<void>((resolve) =>
      child.once("exit", (code, signal) => {
        exited = true;
        exitCode = code;
        capture(`\n[${name} exited code=${code} signal=${signal}]\n`);
        liveChildren.delete(child);
        resolve();
      }),
    );
    child.once("error", (e) => capture(`\n[${name} spawn error: ${e.message}]\n`));
    const logs = () => chunks.join("");

    const stop = async () => {
      if (exited) return;
      child.kill("SIGTERM");
      await Promise.race([exitPromise, sleep(10_000)]);
      if (!exited) {
        child.kill("SIGKILL");
        await Promise.race([exitPromise, sleep(5_000)]);
      }
    };

    const proc: KineProcess = {
      name,
      get pid() {
        return child.pid ?? -1;
      },
      endpoint: `http://${LISTEN_HOST}:${port}`,
      port,
      metricsPort,
      args,
      logs,
      grep: (re) => logs().split("\n").filter((l) => re.test(l)),
      get exited() {
        return exited;
      },
      stop,
    };

    // Bounded readiness: the port accepts connections, then a real etcd request succeeds.
    const deadline = Date.now() + readyTimeoutMs;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      if (await canConnect(port)) {
        const probe = etcdClient(proc.endpoint, 5_000);
        try {
          await probe.get("/yb-k3s-test/readiness-probe").string();
          ready = true;
        } catch (e) {
          lastFailure = String(e);
        } finally {
          probe.close();
        }
        if (ready) break;
      }
      await sleep(100);
    }
    if (ready) return proc;
    await stop();
    lastFailure = `${name} (attempt ${attempt}) did not become ready within ${readyTimeoutMs} ms` +
      ` (exited=${exited}, code=${exitCode}); last probe error: ${lastFailure}\n--- kine log ---\n${logs()}`;
    // Retry only when the listen port was taken; anything else is a real failure.
    if (!/address already in use/i.test(logs())) break;
  }
  throw new Error(lastFailure);
}
