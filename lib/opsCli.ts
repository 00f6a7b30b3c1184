/**
 * What the operations commands (`rewind`, `restore`, `drill`) share: one flag grammar and the stack they act on.
 * Pure apart from reading the stack file.
 */
import { ConfigError, validateStack } from "./plan";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { parseOutputs, type VerifyOutputs } from "./verify/outputs";
import { readStackOutputs } from "./verify/stackOutputs";
import { PROJECT, STACKS_DIR, readStackFile, stackFilePath, stackNameOf, type StackFile } from "./stackFile";
import type { Topology } from "../config/schema";
import { buildPlan, type ClusterPlan } from "../planner/plan";
import { policyContextFor } from "../policies/config";

export interface FlagGrammar {
  /** Flags that take a value (`--flag value` or `--flag=value`). */
  readonly valued: readonly string[];
  /** Flags that stand alone. */
  readonly booleans: readonly string[];
  readonly usage: string;
  /** The command's own usage error (its CLI maps it to exit 64). */
  readonly error: (message: string) => Error;
}

export interface ScannedFlags {
  readonly values: Readonly<Record<string, string>>;
  readonly set: ReadonlySet<string>;
}

/** `-s` is `--stack`; a value flag given twice, an empty value or an unknown argument is a usage error; `--help` prints usage. */
export function scanFlags(argv: readonly string[], g: FlagGrammar): ScannedFlags {
  const values: Record<string, string> = {};
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw === "-s" ? "--stack" : raw;
    if (g.valued.includes(flag)) {
      const x = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (x === undefined || x === "") throw g.error(`${flag} needs a value`);
      if (values[flag] !== undefined) throw g.error(`${flag} given twice`);
      values[flag] = x;
    } else if (g.booleans.includes(flag)) set.add(flag);
    else if (flag === "--help" || flag === "-h") throw g.error(g.usage);
    else throw g.error(`unknown argument ${raw}\n${g.usage}`);
  }
  return { values, set };
}

/** `--stack` present and a stack name; `--confirm` only with `--execute`, and naming that stack. */
export function checkStackAndConfirm(f: ScannedFlags, g: FlagGrammar, verb: string): string {
  const stack = f.values["--stack"];
  if (!stack) throw g.error(`--stack is required\n${g.usage}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw g.error(`invalid stack name '${stack}'`);
  const confirm = f.values["--confirm"];
  if (confirm !== undefined && !f.set.has("--execute")) throw g.error("--confirm only applies with --execute");
  if (confirm !== undefined && confirm !== stack) throw g.error(`--confirm ${confirm} does not name the stack being ${verb} ('${stack}')`);
  return stack;
}

export type OpsStack =
  | { readonly ok: true; readonly file: StackFile; readonly topology: Topology; readonly plan: ClusterPlan; readonly holdsRealData: boolean }
  | { readonly ok: false; readonly code: 2; readonly message: string };

/** The stack file, validated, planned, with its data policy; a missing or invalid file is exit 2 saying why. */
export function loadOpsStack(stack: string): OpsStack {
  if (!existsSync(stackFilePath(stack))) {
    const stacks = readdirSync(STACKS_DIR).map((f) => stackNameOf(f)).filter((s): s is string => s !== undefined).sort();
    return { ok: false, code: 2, message: `no stack file stacks/Pulumi.${stack}.yaml: the stacks are ${stacks.join(", ") || "(none)"}` };
  }
  const file = readStackFile(stackFilePath(stack), stack);
  let topology: Topology;
  try {
    topology = validateStack(file);
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, code: 2, message: e.problems.join("\n") };
    throw e;
  }
  const plan = buildPlan({ project: PROJECT, stack: file.stack, topology });
  return { ok: true, file, topology, plan, holdsRealData: policyContextFor(plan.stack, plan.target).holdsRealData };
}

/** The refusal every operations command makes first: `--execute` on a stack holding real data needs `--confirm <stack>`. */
export function realDataRefusal(s: { readonly plan: ClusterPlan; readonly holdsRealData: boolean }, a: { readonly execute: boolean; readonly confirm?: string }, what: string): string | undefined {
  if (!a.execute || !s.holdsRealData || a.confirm === s.plan.stack) return undefined;
  return `refusing: stack ${s.plan.stack} holds real data (policies/config/${s.plan.stack}.json); pass --confirm ${s.plan.stack} to ${what}`;
}

export type LoadedStack = Extract<OpsStack, { ok: true }>;

/**
 * The start every operations command shares: parse the command line (usage: exit 64), load the stack (exit 2), refuse
 * `--execute` on real data without `--confirm` (exit 77) — in that order, before anything is read or reached.
 * Writes the reason to stderr; returns the exit code, or the arguments and the stack.
 */
export function startOps<A extends { readonly stack: string; readonly execute: boolean; readonly confirm?: string }>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => A,
  isUsageError: (e: unknown) => boolean,
  what: (a: A) => string,
): { readonly code: number } | { readonly args: A; readonly stack: LoadedStack } {
  let args: A;
  try {
    args = parse(argv);
  } catch (e) {
    if (!isUsageError(e)) throw e;
    process.stderr.write(`${(e as Error).message}\n`);
    return { code: 64 };
  }
  const stack = loadOpsStack(args.stack);
  if (!stack.ok) {
    process.stderr.write(`${stack.message}\n`);
    return { code: stack.code };
  }
  const refusal = realDataRefusal(stack, args, what(args));
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    return { code: 77 };
  }
  return { args, stack };
}

/**
 * The stack's outputs for an operations command: `--outputs FILE`, else the Pulumi CLI's when executing (required) or
 * on aws (instance ids, buckets; a dry run without them prints placeholders), else none.
 */
export function readOpsOutputs(a: { readonly outputs?: string; readonly execute: boolean }, plan: ClusterPlan, repoRoot: string): (VerifyOutputs & Record<string, unknown>) | undefined {
  if (a.outputs) return parseOutputs(readFileSync(a.outputs, "utf8"), a.outputs);
  if (!a.execute && plan.target !== "aws") return undefined;
  try {
    return readStackOutputs(plan.stack, repoRoot);
  } catch (e) {
    if (a.execute) throw e;
    return undefined;
  }
}
