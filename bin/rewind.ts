/**
 * npm run rewind -- --stack NAME --to <time|"N minutes ago"> [--execute [--confirm NAME]]
 * Dry run by default: prints the steps and what users will see. --execute runs them (docker, kubernetes); a stack
 * whose data policy says it holds real data also needs --confirm <its name>. Exit 0, 1 (failed), 2 (invalid stack
 * file), 64 (usage), 77 (refused).
 */
import { resolve } from "node:path";
import { readOpsOutputs, startOps } from "../lib/opsCli";
import { executeRewind } from "../lib/rewind/execute";
import { formatRewind, renderRewind, RewindRefusal } from "../lib/rewind/steps";
import { parseRewindArgs, RewindUsageError } from "../lib/rewind/cli";
import { parseRewindTarget } from "../lib/rewind/time";
import { accessFor } from "../lib/verify/access";
import { findPsql, psqlRunner } from "../lib/verify/psql";
import { forwardDsn } from "../lib/verify/run";

const repoRoot = resolve(__dirname, "..");

async function main(): Promise<number> {
  // Usage, the stack, and the real-data refusal first, before any outputs are read or anything is reached.
  const started = startOps(process.argv.slice(2), parseRewindArgs, (e) => e instanceof RewindUsageError, () => "rewind it");
  if ("code" in started) return started.code;
  const { args, stack } = started;
  const { topology, plan, holdsRealData } = stack;
  const now = new Date();
  let targetTime: Date;
  try {
    targetTime = parseRewindTarget(args.to, now);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 64;
  }
  const outputs = readOpsOutputs(args, plan, repoRoot);
  let rewind;
  try {
    rewind = renderRewind({ plan, topology, target: targetTime, now, instanceIds: outputs?.instanceIds });
  } catch (e) {
    if (e instanceof RewindRefusal) {
      process.stderr.write(`refusing: ${e.message}\n`);
      return 77;
    }
    throw e;
  }
  process.stdout.write(formatRewind(rewind, { dryRun: !args.execute }));
  if (!args.execute) {
    if (!rewind.executable) {
      process.stdout.write(`\nNote: ${rewind.notExecutableReason}.\n`);
      return 0;
    }
    process.stdout.write(`\nRun it with: npm run rewind -- --stack ${plan.stack} --to '${rewind.target.toISOString()}' --execute${holdsRealData ? ` --confirm ${plan.stack}` : ""}\n`);
    return 0;
  }
  if (!rewind.executable) {
    process.stderr.write(`refusing: ${rewind.notExecutableReason}\n`);
    return 77;
  }
  const access = accessFor(plan, topology, { direct: args.direct, ybAdmin: args.ybAdmin });
  if (access.ybAdminUnreachable) throw new Error(access.ybAdminUnreachable);
  const dsn = args.dsn ?? outputs?.ysqlConnectionString;
  if (!dsn || dsn === "[secret]") throw new Error("no DSN for Kine's database: the stack has no ysqlConnectionString output; pass --dsn");
  const psql = findPsql(args.psql);
  if (!psql) throw new Error("psql not found (install postgresql-client, or pass --psql PATH)");
  const fwd = !args.dsn && access.endpointForwards ? await access.endpointForwards() : undefined;
  try {
    await executeRewind(rewind, {
      access,
      sql: psqlRunner(psql, fwd?.ysql ? forwardDsn(dsn, fwd.ysql) : dsn),
      log: (l) => process.stdout.write(`${l}\n`),
    });
  } finally {
    await fwd?.close();
  }
  process.stdout.write(`rewound ${plan.stack} to ${rewind.target.toISOString()}; now run: npm run --silent verify -- --stack ${plan.stack}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`rewind: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
