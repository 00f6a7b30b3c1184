/**
 * npm run --silent plan -- (--stack NAME | --config FILE) [--format text|json|mermaid|sql] [--dialect yugabytedb|postgres]
 * Offline: no Pulumi CLI, no credentials, no Docker. Exit 2 on invalid config, 3 on mandatory policy violations.
 */
import { parseArgs } from "node:util";
import { ConfigError, planStack, validateStack } from "../lib/plan";
import { renderMermaid, renderText } from "../lib/render";
import { YAMLError } from "yaml";
import { readStackFile, stackFilePath, type StackFile } from "../lib/stackFile";
import { SQL_DIALECTS, renderKineSchemaSql, type SqlDialect } from "../planner/kineSchema";
import { buildPlan } from "../planner/plan";
import { PROJECT } from "../lib/stackFile";

// The Pulumi SDK records a stack trace for every promise it creates (runtime/debuggable.js) and reads them only to
// explain leaked promises under PULUMI_DEBUG_PROMISE_LEAKS. This CLI prints messages, never stacks, so it skips the
// capture: about a third of a prod plan (bench/RESULTS.md). Resource source positions are unaffected (the SDK lifts
// the limit for those itself).
if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;

const FORMATS = ["text", "json", "mermaid", "sql"] as const;
type Format = (typeof FORMATS)[number];

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run --silent plan -- (--stack NAME | --config FILE) [--format ${FORMATS.join("|")}] [--dialect ${SQL_DIALECTS.join("|")}]\n`);
  process.exit(64);
}

async function main(): Promise<number> {
  let values: { stack?: string; config?: string; format?: string; dialect?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, config: { type: "string" }, format: { type: "string" }, dialect: { type: "string" } } }));
  } catch (e) {
    usage((e as Error).message);
  }
  if (!values.stack === !values.config) usage("give exactly one of --stack NAME or --config FILE");
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(", ")}`);
  if (values.dialect !== undefined && !SQL_DIALECTS.includes(values.dialect as SqlDialect)) usage(`--dialect must be one of ${SQL_DIALECTS.join(", ")}`);

  let file: StackFile;
  try {
    file = values.stack ? readStackFile(stackFilePath(values.stack), values.stack) : readStackFile(values.config as string);
  } catch (e) {
    // A stack file that is not YAML is invalid config: one line, exit 2 (a missing file stays a usage-level failure).
    if (e instanceof YAMLError) {
      process.stderr.write(`${values.stack ? stackFilePath(values.stack) : values.config}: not valid YAML: ${e.message.split("\n")[0]}\n`);
      return 2;
    }
    throw e;
  }
  try {
    if (format === "sql") {
      const topology = validateStack(file);
      const plan = buildPlan({ project: PROJECT, stack: file.stack, topology });
      process.stdout.write(renderKineSchemaSql(plan.yugabyte.database, (values.dialect as SqlDialect | undefined) ?? plan.yugabyte.dialect));
      return 0;
    }
    const report = await planStack(file);
    if (format === "json") {
      const { plan: _plan, topology: _topology, recorded: _recorded, ...contract } = report;
      process.stdout.write(JSON.stringify(contract, null, 2) + "\n");
    } else if (format === "mermaid") process.stdout.write(renderMermaid(report));
    else process.stdout.write(renderText(report));
    return report.policies.some((p) => p.level === "mandatory") ? 3 : 0;
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
