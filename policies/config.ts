/**
 * Per-stack policy configuration: policies/config/<stack>.json, in the format
 * `pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json` takes:
 * `{ "all": "<enforcement level>", "<policy>": { "enforcementLevel"?: ..., <config properties> } }`.
 * The plan command reads the same files through `policyContextFor`, so offline and CLI runs agree.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Enforcement, FaultTolerance, PolicyContext, Target } from "./types";

export const CONFIG_DIR = join(__dirname, "config");

export type PolicyConfigValue = string | ({ enforcementLevel?: string } & Record<string, unknown>);
export type PolicyPackConfigFile = Record<string, PolicyConfigValue>;

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** Read and check one config file. Throws with the file name and the offending key. */
export function readPolicyConfig(file: string): PolicyPackConfigFile {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: must be a JSON object`);
  for (const [k, v] of Object.entries(parsed)) {
    const level = typeof v === "string" ? v : typeof v === "object" && v !== null && !Array.isArray(v) ? (v as { enforcementLevel?: unknown }).enforcementLevel : null;
    if (level === null) throw new Error(`${file}: ${k}: must be an enforcement level or an object`);
    if (level !== undefined && !LEVELS.includes(String(level))) throw new Error(`${file}: ${k}: enforcement level must be one of ${LEVELS.join(", ")}`);
  }
  return parsed as PolicyPackConfigFile;
}

const levelOf = (v: PolicyConfigValue | undefined): string | undefined => (typeof v === "string" ? v : v?.enforcementLevel);
const prop = (cfg: PolicyPackConfigFile, policy: string, key: string): unknown => {
  const v = cfg[policy];
  return typeof v === "object" && v !== null ? v[key] : undefined;
};

/** The policy config file a stack name picks (it may not exist: an ephemeral stack). */
export const policyConfigPath = (stack: string, configDir: string = CONFIG_DIR): string => join(configDir, `${stack}.json`);

/** A stack's policy config file (`<configDir>/<stack>.json`), or undefined when the stack has none. */
export function readStackPolicyConfig(stack: string, configDir: string = CONFIG_DIR): PolicyPackConfigFile | undefined {
  try {
    return readPolicyConfig(policyConfigPath(stack, configDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    return undefined;
  }
}

/** The stack's data policy: its config says it holds real data (`holdsRealData: true`, in agreement across policies). */
export const holdsRealData = (cfg: PolicyPackConfigFile, file = "policy config"): boolean => holdsRealDataOf(cfg, file);

/**
 * `holdsRealData` is a property of every policy that reads it (CrossGuard hands each policy only its own section), so a
 * file states it once per such policy; the values must agree, or the file is rejected.
 */
function holdsRealDataOf(cfg: PolicyPackConfigFile, file: string): boolean {
  const stated = Object.keys(cfg).filter((policy) => prop(cfg, policy, "holdsRealData") !== undefined);
  const values = new Set(stated.map((policy) => prop(cfg, policy, "holdsRealData") === true));
  if (values.size > 1) throw new Error(`${file}: holdsRealData differs between ${stated.join(", ")}; the stack either holds real data or not`);
  return values.has(true);
}

/**
 * The evaluation context for a stack: enforcement from `all`, `tlsRequired` / `holdsRealData` / `faultTolerance` from
 * the policies that read them. A stack without a file (an ephemeral one) gets mandatory and no extra requirements.
 */
export function policyContextFor(stack: string, target: Target, configDir: string = CONFIG_DIR): PolicyContext {
  const cfg = readStackPolicyConfig(stack, configDir) ?? {};
  const all = levelOf(cfg.all);
  const enforcement: Enforcement = all === "advisory" ? "advisory" : "mandatory";
  const ft = prop(cfg, "yb-placement", "faultTolerance");
  return {
    stack,
    target,
    enforcement,
    tlsRequired: prop(cfg, "tls-required", "tlsRequired") === true,
    holdsRealData: holdsRealDataOf(cfg, join(configDir, `${stack}.json`)),
    ...(ft === "none" || ft === "zone" || ft === "region" ? { faultTolerance: ft as FaultTolerance } : {}),
  };
}
