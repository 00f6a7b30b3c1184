/**
 * npm run --silent plan -- (--stack NAME | --config FILE) [--format text|json|mermaid|sql] [--dialect yugabytedb|postgres]
 * Offline: no Pulumi CLI, no credentials, no Docker. Exit 2 on invalid config, 3 on mandatory policy violations.
 * `--against <stack file | git revision>` (text or json): the rollout from that config to this one (lib/rollout.ts);
 * exit 2 when the change is one a running stack cannot take.
 */
import { parseArgs } from "node:util";
import { ConfigError, planStack, validateStack } from "../lib/plan";
import { renderMermaid, renderText } from "../lib/render";
import { YAMLError } from "yaml";
import { readStackFile, stackFilePath, type StackFile } from "../lib/stackFile";
import { SQL_DIALECTS, renderKineSchemaSql, type SqlDialect } from "../planner/kineSchema";
import { buildPlan } from "../planner/plan";
import { PROJECT } from "../lib/stackFile";
import { planAgainst } from "../lib/plan";
import { renderRolloutText } from "../lib/rollout";

const FORMATS = ["text", "json", "mermaid", "sql"] as const;
type Format = (typeof FORMATS)[number];

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run --silent plan -- (--stack NAME | --config FILE) [--format ${FORMATS.join("|")}] [--dialect ${SQL_DIALECTS.join("|")}] [--against STACK_FILE|GIT_REV]\n`);
  process.exit(64);
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
