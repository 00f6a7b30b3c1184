/**
 * A throwaway PostgreSQL 15 (Debian's `postgresql` package) for the integration tests and the bench.
 *
 * - Data directory, socket directory and log live in one fresh temp directory, removed on stop.
 * - Listens on 127.0.0.1 only, on a free port; `trust` authentication (loopback, throwaway).
 * - When run as root (CI), initdb/pg_ctl run as the `postgres` system user (PostgreSQL refuses to run as root):
 *   the processes are spawned with that user's uid/gid, which is what `su postgres` would do without a shell to quote for.
 * - Every wait is bounded; the server is stopped on `stop()` and, as a last resort, when the Node process exits.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** The newest PostgreSQL server installed from Debian/Ubuntu packages (15 on Debian 12, 16 on Ubuntu 24.04), unless PG_BIN_DIR says. */
function defaultPgBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(root, d, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return path.join(root, majors[0] ?? "15", "bin");
}
export const PG_BIN_DIR = process.env.PG_BIN_DIR ?? defaultPgBinDir();
export const PG_HOST = "127.0.0.1";
export const PG_USER = "postgres";

export interface PgServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly baseDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** libpq URL for a database on this server (no password: trust on loopback). */
  url(database: string): string;
  /** The server log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port on the loopback interface that was free a moment ago. */
export function freePort(host = PG_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

interface RunAs {
  uid: number;
  gid: number;
}

function postgresSystemUser(): RunAs | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined; // not root: run as ourselves
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) {
    throw new Error(
      "running as root but there is no `postgres` system user; install PostgreSQL 15 with `apt-get install -y postgresql`",
    );
  }
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command with a hard time limit, optionally as another user, optionally feeding stdin. */
export function run(
  file: string,
  args: readonly string[],
  opts: { as?: RunAs; input?: string; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd ?? os.tmpdir(),
      env: { ...process.env, LC_ALL: "C", ...opts.env },
      uid: opts.as?.uid,
      gid: opts.as?.gid,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${path.basename(file)} ${args.join(" ")}: timed out after ${opts.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

function requireBinary(name: string): string {
  const p = path.join(PG_BIN_DIR, name);
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    throw new Error(
      `PostgreSQL 15 is required for the Kine integration tests but ${p} is missing. ` +
        "Install it with `apt-get install -y --no-install-recommends postgresql` (Debian bookworm ships 15), " +
        "or point PG_BIN_DIR at a PostgreSQL bin directory.",
    );
  }
  return p;
}

const live = new Set<{ pgCtl: string; dataDir: string; as?: RunAs; baseDir: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const s of live) {
      try {
        execFileSync(s.pgCtl, ["-D", s.dataDir, "-m", "immediate", "-w", "-t", "10", "stop"], {
          uid: s.as?.uid,
          gid: s.as?.gid,
          stdio: "ignore",
          timeout: 15_000,
          cwd: os.tmpdir(),
        });
      } catch {
        /* best effort */
      }
      fs.rmSync(s.baseDir, { recursive: true, force: true });
    }
  });
}

/** Start a fresh PostgreSQL 15 on 127.0.0.1:<free port>. */
export async function startPostgres(opts: { startTimeoutMs?: number } = {}): Promise<PgServer> {
  const initdb = requireBinary("initdb");
  const pgCtl = requireBinary("pg_ctl");
  requireBinary("psql");
  const as = postgresSystemUser();

  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "yb-k3s-pg-"));
  const dataDir = path.join(baseDir, "data");
  const sockDir = path.join(baseDir, "sock");
  const logFile = path.join(baseDir, "postgres.log");
  fs.mkdirSync(sockDir);
  fs.writeFileSync(logFile, "");
  if (as) for (const p of [baseDir, sockDir, logFile]) fs.chownSync(p, as.uid, as.gid);

  const cleanup = () => fs.rmSync(baseDir, { recursive: true, force: true });
  const init = await run(initdb, ["-D", dataDir, "-A", "trust", "-U", PG_USER, "-E", "UTF8", "--locale=C", "--no-sync"], {
    as,
    cwd: baseDir,
    timeoutMs: 120_000,
  });
  if (init.code !== 0) {
    cleanup();
    throw new Error(`initdb failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
  }

  const record = { pgCtl, dataDir, as, baseDir };
  installExitHook();
  // A port can be taken between freePort() and the bind: retry a bounded number of times.
  let lastError = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const conf = [
      "",
      "# yb-k3s integration tests: throwaway, loopback only",
      `port = ${port}`,
      `listen_addresses = '${PG_HOST}'`,
      `unix_socket_directories = '${sockDir}'`,
      "max_connections = 300",
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "log_min_messages = warning",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(dataDir, "postgresql.auto.conf"), conf);
    live.add(record);
    const t = Math.ceil((opts.startTimeoutMs ?? 60_000) / 1000);
    const start = await run(pgCtl, ["-D", dataDir, "-l", logFile, "-w", "-t", String(t), "start"], {
      as,
      cwd: baseDir,
      timeoutMs: (t + 10) * 1000,
    });
    if (start.code === 0) {
      const server: PgServer = {
        host: PG_HOST,
        port,
        user: PG_USER,
        baseDir,
        dataDir,
        logFile,
        url: (database) => `postgres://${PG_USER}@${PG_HOST}:${port}/${database}?sslmode=disable`,
        log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
        stop: async () => {
          if (!live.has(record)) return;
          const stop = await run(pgCtl, ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"], {
            as,
            cwd: baseDir,
            timeoutMs: 45_000,
          });
          if (stop.code !== 0) {
            await run(pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "-t", "15", "stop"], { as, cwd: baseDir, timeoutMs: 25_000 });
          }
          live.delete(record);
          cleanup();
        },
      };
      // Bounded wait until SQL over TCP works (pg_ctl -w checks the socket).
      for (let i = 0; i < 50; i++) {
        const r = await run(path.join(PG_BIN_DIR, "psql"), psqlArgs(server, "postgres", ["-c", "select 1"]), { timeoutMs: 10_000 });
        if (r.code === 0) return server;
        lastError = r.stderr;
        await sleep(200);
      }
      await server.stop();
      throw new Error(`PostgreSQL started but does not answer on ${PG_HOST}:${port}: ${lastError}`);
    }
    live.delete(record);
    lastError = `${start.stdout}\n${start.stderr}\n${fs.readFileSync(logFile, "utf8")}`;
  }
  cleanup();
  throw new Error(`pg_ctl start failed 3 times:\n${lastError}`);
}

function psqlArgs(pg: Pick<PgServer, "host" | "port" | "user">, database: string, extra: string[]): string[] {
  return ["-X", "-h", pg.host, "-p", String(pg.port), "-U", pg.user, "-d", database, "-v", "ON_ERROR_STOP=1", ...extra];
}

export interface SqlResult {
  readonly stdout: string;
  /** NOTICEs and warnings, e.g. "relation ... already exists, skipping". */
  readonly notices: string[];
}

/** Run SQL (one or many statements, read from stdin) against a database; throws on the first error. */
export async function psql(pg: PgServer, database: string, sql: string, timeoutMs = 60_000): Promise<SqlResult> {
  const r = await run(path.join(PG_BIN_DIR, "psql"), psqlArgs(pg, database, ["-q", "-A", "-t", "-F", "\x1f", "-f", "-"]), {
    input: sql,
    timeoutMs,
  });
  if (r.code !== 0) throw new Error(`psql -d ${database} failed (exit ${r.code}): ${r.stderr}\nSQL:\n${sql}`);
  const notices = r.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return { stdout: r.stdout, notices };
}

/** Rows of a single SELECT, each an array of column texts. */
export async function query(pg: PgServer, database: string, sql: string): Promise<string[][]> {
  const { stdout } = await psql(pg, database, sql);
  return stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("\x1f"));
}

export async function createDatabase(pg: PgServer, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new Error(`bad database name ${database}`);
  await psql(pg, "postgres", `CREATE DATABASE ${database};`);
}

/** pg_indexes definitions of the kine table, by index name. */
export async function kineIndexDefinitions(pg: PgServer, database: string): Promise<Record<string, string>> {
  const rows = await query(pg, database, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'kine' ORDER BY indexname;");
  return Object.fromEntries(rows.map(([name, def]) => [name, def]));
}

/** Constraints of the kine table: name -> definition. */
export async function kineConstraints(pg: PgServer, database: string): Promise<Record<string, string>> {
  const rows = await query(
    pg,
    database,
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'kine'::regclass ORDER BY conname;",
  );
  return Object.fromEntries(rows.map(([name, def]) => [name, def]));
}
