/**
 * npm run verify -- --stack NAME [overrides]: check a deployed stack against its plan (lib/verify/*).
 * One line per check, `ok|FAIL|skip <check>: <detail>`, then a summary. Exit 0 when nothing failed, 1 when something
 * did (with --strict also when something was skipped), 2 for an invalid stack file, 64 for a usage error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, validateStack } from "../lib/plan";
import { PROJECT, readStackFile, stackFilePath } from "../lib/stackFile";
import { buildPlan } from "../planner/plan";
import { accessFor } from "../lib/verify/access";
import { parseVerifyArgs, VerifyUsageError, type VerifyArgs } from "../lib/verify/cli";
import { parseOutputs, resolveTargets, type VerifyOutputs } from "../lib/verify/outputs";
import { readStackOutputs } from "../lib/verify/stackOutputs";
import { formatResult, summarize, verifyExitCode } from "../lib/verify/result";
import { runVerify } from "../lib/verify/run";
import { expectedScheduleOf } from "../lib/verify/expectations";
import { backupReader } from "../lib/verify/backup";

const repoRoot = resolve(__dirname, "..");

async function main(): Promise<number> {
  let args: VerifyArgs;
  try {
    args = parseVerifyArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof VerifyUsageError) {
      process.stderr.write(`${e.message}\n`);
      return 64;
    }
    throw e;
  }
  const file = args.stack ? readStackFile(stackFilePath(args.stack), args.stack) : args.config ? readStackFile(resolve(args.config)) : undefined;
  let plan;
  let topology;
  if (file) {
    try {
      topology = validateStack(file);
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(`${e.problems.join("\n")}\n`);
        return 2;
      }
      throw e;
    }
    plan = buildPlan({ project: PROJECT, stack: file.stack, topology });
  }
  const needOutputs = !(args.kubeconfig && args.dsn && args.kineEndpoints.length);
  let outputs: VerifyOutputs | undefined;
  if (args.outputs) outputs = parseOutputs(readFileSync(args.outputs, "utf8"), args.outputs);
  else if (file && needOutputs) outputs = readStackOutputs(file.stack, repoRoot);
  const targets = resolveTargets(outputs, { kubeconfigFile: args.kubeconfig, dsn: args.dsn, kineEndpoints: args.kineEndpoints });
  const access = plan && topology ? accessFor(plan, topology, { direct: args.direct, ybAdmin: args.ybAdmin, ybCertsDir: args.ybCertsDir }) : undefined;
  if (!args.json) {
    process.stdout.write(`verify ${plan ? `stack ${plan.stack} (${plan.target})` : "explicit endpoints"}; ${access ? `access: ${access.description}` : "no stack: only the given endpoints"}\n`);
  }
  const results = await runVerify({
    plan,
    targets,
    access,
    kubeContext: args.context,
    k3sServer: args.k3sServer,
    psql: args.psql,
    etcdTls: args.etcdCaCert ? { caFile: args.etcdCaCert, certFile: args.etcdCert, keyFile: args.etcdKey } : undefined,
    workload: { enabled: args.workload, image: args.workloadImage, timeoutMs: args.timeoutSeconds * 1000 },
    expectedSchedule: plan ? expectedScheduleOf(plan) : undefined,
    backups: plan && topology ? backupReader(plan, topology, outputs) : undefined,
    onResult: args.json ? undefined : (r) => process.stdout.write(`${formatResult(r)}\n`),
  });
  if (args.json) process.stdout.write(`${JSON.stringify({ stack: plan?.stack, results }, null, 2)}\n`);
  else process.stdout.write(`${summarize(results)}\n`);
  return verifyExitCode(results, args.strict);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

