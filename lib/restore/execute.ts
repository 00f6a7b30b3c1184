/**
 * Run a rendered restore (docker and kubernetes; aws prints only). Steps run in order and stop at the first failure,
 * saying which step failed and what state it left. The SQL goes through psql (libpq variables from the DSN, as verify
 * and rewind do). Backups hold every Secret of the cluster: fetched files and the load script are 0600 in a 0700 dir.
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { bumpRevisionSql } from "../rewind/steps";
import { runCommand } from "../verify/access";
import { dsnToEnv } from "../verify/psql";
import type { SqlRunner } from "../verify/schema";
import { BACKUP_PLACEHOLDER, RESTORE_PREAMBLE_SQL, checkDump, pickBackup, type RestorePlan } from "./steps";
import { backupTime } from "../../planner/backup";

export interface RestoreContext {
  readonly sql: SqlRunner;
  /** Loads a psql script file in one transaction (default: psql --single-transaction -f). */
  readonly loadFile: (path: string) => Promise<void>;
  readonly log: (line: string) => void;
  /** Runs a command and returns its stdout (default: spawn it, 15 minutes bound). */
  readonly run?: (argv: readonly string[]) => Promise<string>;
}

/** psql over a file, in one transaction, stopping at the first error (which rolls everything back). */
export function psqlFileLoader(psql: string, dsn: string, timeoutMs = 60 * 60_000): (path: string) => Promise<void> {
  const env = { ...process.env, ...dsnToEnv(dsn), LC_ALL: "C" };
  return (path) =>
    new Promise((resolve, reject) => {
      const child = spawn(psql, ["-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", path], { env, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${psql}: ${e.message}`));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`psql (load, rolled back): ${err.trim().split("\n").slice(0, 3).join(" ") || `exit ${code}`}`));
      });
    });
}

const substitute = (argv: readonly string[], name: string) => argv.map((a) => a.split(BACKUP_PLACEHOLDER).join(name));

export async function executeRestore(p: RestorePlan, ctx: RestoreContext): Promise<{ readonly backup: string }> {
  const run = ctx.run ?? ((argv: readonly string[]) => runCommand(argv, 15 * 60_000));
  let name: string | undefined;
  let recorded: string | undefined;
  let localPath: string | undefined;
  const stopped = new Set<string>();
  for (const [i, step] of p.steps.entries()) {
    ctx.log(`${i + 1}. ${step.title}`);
    try {
      for (const a of step.actions) {
        switch (a.kind) {
          case "exec":
            if (a.argv.some((x) => x.includes(BACKUP_PLACEHOLDER)) && !name) throw new Error("no backup was resolved");
            await run(name ? substitute(a.argv, name) : a.argv);
            break;
          case "resolve": {
            const names = "directory" in a.list ? readdirSync(a.list.directory) : (await run(a.list.argv)).split("\n");
            name = pickBackup(names, a.from);
            ctx.log(`     backup ${name} (taken ${backupTime(name)?.toISOString()})`);
            break;
          }
          case "fetch": {
            if (!name) throw new Error("no backup was resolved");
            localPath = a.localPath.replace(/\/latest$/, `/${name}`);
            if ("directory" in a.via) copyFileSync(`${a.via.directory}/${name}`, localPath);
            else await run(substitute(a.via.argv, name).map((x) => (x === a.localPath ? (localPath as string) : x)));
            chmodSync(localPath, 0o600);
            break;
          }
          case "check-dump": {
            const path = localPath ?? a.localPath;
            localPath = path;
            name ??= path.split("/").pop();
            const text = gunzipSync(readFileSync(path)).toString("utf8");
            checkDump(text);
            ctx.log(`     ${path}: a data-only dump of Kine's table, ${text.length} bytes uncompressed`);
            break;
          }
          case "record-revision":
            recorded = (await ctx.sql(a.sql))[0]?.[0];
            if (recorded === undefined) throw new Error("no revision read");
            ctx.log(`     newest revision before the restore: ${recorded}`);
            break;
          case "load": {
            if (!localPath) throw new Error("no backup was fetched");
            const script = `${localPath}.load.sql`;
            writeFileSync(script, `${RESTORE_PREAMBLE_SQL}\n${gunzipSync(readFileSync(localPath)).toString("utf8")}`, { mode: 0o600 });
            try {
              await ctx.loadFile(script);
            } finally {
              rmSync(script, { force: true });
            }
            break;
          }
          case "bump-revision":
            if (recorded === undefined) throw new Error("no revision was recorded");
            await ctx.sql(bumpRevisionSql(recorded, backupTime(name ?? "") ?? new Date()));
            break;
        }
      }
      if (step.toggles?.to === "stopped") stopped.add(step.toggles.what);
      if (step.toggles?.to === "running") stopped.delete(step.toggles.what);
    } catch (e) {
      const partly = step.toggles ? [`${step.toggles.what} may be ${step.toggles.to === "stopped" ? "stopped" : "still stopped"}`] : [];
      const state = [...[...stopped].filter((w) => w !== step.toggles?.what).map((w) => `${w} ${w === "the backups" ? "are paused" : "is stopped"}`), ...partly].join(", ") || "nothing was changed";
      throw new Error(`step ${i + 1} (${step.title}) failed: ${e instanceof Error ? e.message : String(e)}. State: ${state}; finish the remaining steps by hand (npm run restore prints them).`);
    }
  }
  return { backup: name ?? "" };
}
