/**
 * npm run restore -- --stack NAME --from <latest|backup name|local file> [--execute [--confirm NAME]]
 * Dry run by default: prints the steps and what users will see. --execute runs them (docker, kubernetes); a stack
 * whose data policy says it holds real data also needs --confirm <its name>. Exit 0, 1 (failed), 2 (invalid stack
 * file), 64 (usage), 77 (refused).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readOpsOutputs, startOps } from "../lib/opsCli";
import { executeRestore, psqlFileLoader } from "../lib/restore/execute";
import { formatRestore, renderRestore, RestoreRefusal } from "../lib/restore/steps";
import { parseRestoreArgs, RestoreUsageError } from "../lib/restore/cli";
import { accessFor } from "../lib/verify/access";
import { findPsql, psqlRunner } from "../lib/verify/psql";
import { forwardDsn } from "../lib/verify/run";

const repoRoot = resolve(__dirname, "..");

async function main(): Promise<number> {
  // Usage, the stack, and the real-data refusal first, before any outputs are read or anything is reached.
  const started = startOps(process.argv.slice(2), parseRestoreArgs, (e) => e instanceof RestoreUsageError, () => "restore it");
  if ("code" in started) return started.code;
  const { args, stack } = started;
  const { topology, plan, holdsRealData } = stack;
  const localFile = args.from.includes("/") || (args.from.endsWith(".gz") && existsSync(args.from)) ? resolve(args.from) : undefined;
  if (localFile && !existsSync(localFile)) {
    process.stderr.write(`refusing: --from ${args.from}: no such file\n`);
    return 77;
  }
  const outputs = readOpsOutputs(args, plan, repoRoot);
  const workDir = mkdtempSync(join(tmpdir(), `yb-k3s-restore-${plan.stack}-`));
  try {
    let restore;
    try {
      restore = renderRestore({ plan, topology, from: args.from, workDir, localFile, bucket: outputs?.backups?.offCluster?.bucket, replica: outputs?.backups?.offCluster?.replica, instanceIds: outputs?.instanceIds });
    } catch (e) {
      if (e instanceof RestoreRefusal) {
        process.stderr.write(`refusing: ${e.message}\n`);
        return 77;
      }
      throw e;
    }
    process.stdout.write(formatRestore(restore, { dryRun: !args.execute }));
    if (!args.execute) {
      if (!restore.executable) {
        process.stdout.write(`\nNote: ${restore.notExecutableReason}.\n`);
        return 0;
      }
      process.stdout.write(`\nRun it with: npm run restore -- --stack ${plan.stack} --from '${args.from}' --execute${holdsRealData ? ` --confirm ${plan.stack}` : ""}\n`);
      return 0;
    }
    if (!restore.executable) {
      process.stderr.write(`refusing: ${restore.notExecutableReason}\n`);
      return 77;
    }
    const dsn = args.dsn ?? outputs?.ysqlConnectionString;
    if (!dsn || dsn === "[secret]") throw new Error("no DSN for Kine's database: the stack has no ysqlConnectionString output; pass --dsn");
    const psql = findPsql(args.psql);
    if (!psql) throw new Error("psql not found (install postgresql-client, or pass --psql PATH)");
    const access = accessFor(plan, topology);
    const fwd = !args.dsn && access.endpointForwards ? await access.endpointForwards() : undefined;
    try {
      const target = fwd?.ysql ? forwardDsn(dsn, fwd.ysql) : dsn;
      const done = await executeRestore(restore, { sql: psqlRunner(psql, target), loadFile: psqlFileLoader(psql, target), log: (l) => process.stdout.write(`${l}\n`) });
      process.stdout.write(`restored ${plan.stack} from ${done.backup}; now run: npm run --silent verify -- --stack ${plan.stack}\n`);
    } finally {
      await fwd?.close();
    }
    return 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`restore: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
