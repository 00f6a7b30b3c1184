/**
 * SQL for verify through `psql` (PostgreSQL's client; YugabyteDB's `ysqlsh` is the same program): no database driver
 * dependency. The DSN is handed over as libpq environment variables, never as an argument, so the password does not
 * show in `ps`. Every call is bounded.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { SqlRunner } from "./schema";

/** libpq URL query parameters and the environment variables that carry them. */
const PARAM_ENV: Readonly<Record<string, string>> = {
  sslmode: "PGSSLMODE",
  sslrootcert: "PGSSLROOTCERT",
  sslcert: "PGSSLCERT",
  sslkey: "PGSSLKEY",
  passfile: "PGPASSFILE",
  connect_timeout: "PGCONNECT_TIMEOUT",
  application_name: "PGAPPNAME",
  target_session_attrs: "PGTARGETSESSIONATTRS",
};

/** `postgres[ql]://user:pw@host:port/db?sslmode=...` -> PG* variables (pure). Throws on anything else. */
export function dsnToEnv(dsn: string): Record<string, string> {
  let u: URL;
  try {
    u = new URL(dsn);
  } catch {
    throw new Error("the DSN is not a postgres:// URL");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error(`the DSN's scheme is ${u.protocol}, expected postgres:// or postgresql://`);
  const env: Record<string, string> = {};
  if (u.hostname) env.PGHOST = u.hostname.replace(/^\[|\]$/g, "");
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (db) env.PGDATABASE = db;
  for (const [k, v] of u.searchParams) {
    const name = PARAM_ENV[k];
    if (!name) throw new Error(`the DSN's parameter ${k} is not one verify passes on (${Object.keys(PARAM_ENV).join(", ")})`);
    env[name] = v;
  }
  env.PGCONNECT_TIMEOUT ??= "10";
  return env;
}

/** psql: `--psql`, then PATH, then Debian's /usr/lib/postgresql/<newest>/bin. */
export function findPsql(explicit?: string): string | undefined {
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && existsSync(join(dir, "psql"))) return join(dir, "psql");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(root, m, "bin", "psql")).find((p) => existsSync(p));
}

const FIELD = "\x1f";
const RECORD = "\x1e";

/** A SqlRunner over psql; one process per statement, rows split on unit/record separators. */
export function psqlRunner(psql: string, dsn: string, timeoutMs = 30_000): SqlRunner {
  const env = { ...process.env, ...dsnToEnv(dsn), PGOPTIONS: "-c statement_timeout=20000", LC_ALL: "C" };
  return (sql) =>
    new Promise((resolve, reject) => {
      const child = spawn(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F", FIELD, "-R", RECORD, "-c", sql], { env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${psql}: ${e.message}`));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(signal ? `psql killed after ${timeoutMs} ms` : `psql: ${err.trim().split("\n")[0] || `exit ${code}`}`));
        resolve(
          out
            .replace(/\n$/, "")
            .split(RECORD)
            .filter((r) => r.length > 0)
            .map((r) => r.split(FIELD)),
        );
      });
    });
}
