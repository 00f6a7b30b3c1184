/**
 * npm run --silent plan -- (--stack NAME | --config FILE) [--format text|json|mermaid|sql] [--dialect yugabytedb|postgres]
 * Offline: no Pulumi CLI, no credentials, no Docker. Exit 2 on invalid config, 3 on mandatory policy violations.
 * `--against <stack file | git revision>` (text or json): the rollout from that config to this one (lib/rollout.ts);
 * exit 2 when the change is one a running stack cannot take.
 */
import { basename, relative } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, planStack, validateStack } from "../lib/plan";
import { formatFinding, renderMermaid, renderText } from "../lib/render";
import { readStackFile, stackFilePath, type StackFile } from "../lib/stackFile";
import { SQL_DIALECTS, renderKineSchemaSql, type SqlDialect } from "../planner/kineSchema";
import { buildPlan } from "../planner/plan";
import { FALLBACK_STACK, PROJECT, stackNameOf } from "../lib/stackFile";
import { policyConfigPath, readStackPolicyConfig } from "../policies/config";
import { planAgainst } from "../lib/plan";
import { renderRolloutText } from "../lib/rollout";

// The Pulumi SDK records a stack trace for every promise it creates (runtime/debuggable.js) and reads them only to
// explain leaked promises under PULUMI_DEBUG_PROMISE_LEAKS. This CLI prints messages, never stacks, so it skips the
// capture: about a third of a prod plan (bench/RESULTS.md). Resource source positions are unaffected (the SDK lifts
// the limit for those itself).
if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;

const FORMATS = ["text", "json", "mermaid", "sql"] as const;
type Format = (typeof FORMATS)[number];

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run --silent plan -- (--stack NAME | --config FILE) [--format ${FORMATS.join("|")}] [--dialect ${SQL_DIALECTS.join("|")}] [--against STACK_FILE|GIT_REV]\n`);
  process.exit(64);
}

/** What `--config FILE` derived: the stack name (from the file name, or the fallback) and the policy config it picks. */
function derivation(configFile: string, stack: string): string {
  const from = stackNameOf(configFile) !== undefined ? `from the file name ${basename(configFile)}` : `the file name is not Pulumi.<stack>.yaml, so '${FALLBACK_STACK}'`;
  const policyFile = relative(process.cwd(), policyConfigPath(stack));
  const policy =
    readStackPolicyConfig(stack) !== undefined
      ? `policy config ${policyFile}`
      : `no policy config (${policyFile} does not exist): every policy mandatory, no TLS or real-data requirement`;
  return `plan: --config ${configFile}: stack '${stack}' (${from}); ${policy}`;
}

async function main(): Promise<number> {
  let values: { stack?: string; config?: string; format?: string; dialect?: string; against?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, config: { type: "string" }, format: { type: "string" }, dialect: { type: "string" }, against: { type: "string" } } }));
  } catch (e) {
    usage((e as Error).message);
  }
  if (!values.stack === !values.config) usage("give exactly one of --stack NAME or --config FILE");
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(", ")}`);
  if (values.dialect !== undefined && !SQL_DIALECTS.includes(values.dialect as SqlDialect)) usage(`--dialect must be one of ${SQL_DIALECTS.join(", ")}`);
  if (values.dialect !== undefined && format !== "sql") usage(`--dialect only applies to --format sql (the schema DDL); --format ${format} has no dialect`);

  let file: StackFile;
  try {
    file = values.stack ? readStackFile(stackFilePath(values.stack), values.stack) : readStackFile(values.config as string);
  } catch (e) {
    // A stack file that is not YAML, too large or of the wrong shape is invalid config: exit 2, its lines name the
    // file (a missing file stays a usage-level failure).
    if (e instanceof ConfigError) {
      process.stderr.write(e.problems.join("\n") + "\n");
      return 2;
    }
    throw e;
  }
  // --config: which stack name (and so which policy config) the file gave; said once the config is valid.
  const derived = () => {
    if (values.config !== undefined) process.stderr.write(`${derivation(values.config, file.stack)}\n`);
  };
  try {
    if (values.against !== undefined) {
      if (format !== "text" && format !== "json") usage("--against prints text or json");
      const rollout = await planAgainst(file, values.against);
      // A change a running stack cannot take is a config error: its lines only, as for invalid config.
      if (rollout.transition.problems.length) throw new ConfigError(rollout.transition.problems);
      process.stdout.write(format === "json" ? JSON.stringify(rollout, null, 2) + "\n" : renderRolloutText(rollout));
      return 0;
    }
    if (format === "sql") {
      const topology = validateStack(file);
      derived();
      const plan = buildPlan({ project: PROJECT, stack: file.stack, topology });
      process.stdout.write(renderKineSchemaSql(plan.yugabyte.database, (values.dialect as SqlDialect | undefined) ?? plan.yugabyte.dialect));
      return 0;
    }
    const report = await planStack(file);
    derived();
    if (format === "json") {
      const { plan: _plan, topology: _topology, recorded: _recorded, ...contract } = report;
      process.stdout.write(JSON.stringify(contract, null, 2) + "\n");
    } else if (format === "mermaid") process.stdout.write(renderMermaid(report));
    else process.stdout.write(renderText(report));
    const mandatory = report.policies.filter((p) => p.level === "mandatory");
    // Exit 3 says why on stderr too, whatever the format: stdout may be a JSON file or a diagram nobody reads.
    for (const f of mandatory) process.stderr.write(`plan: policy violation ${formatFinding(f)}\n`);
    return mandatory.length > 0 ? 3 : 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.problems.join("\n") + "\n");
      return 2;
    }
    throw e;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`plan failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
