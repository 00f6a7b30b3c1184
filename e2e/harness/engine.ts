/**
 * The real Pulumi engine, driven through the Automation API's inline program: the CLI built from the Go module proxy,
 * a local file backend in a temp directory, the real kubernetes provider as an ambient plugin on PATH, and stand-ins
 * for the random and tls providers (e2e/standins/, because the registries refuse the real ones here).
 * The inline program serves the language runtime in-process: no nodejs language host is needed (none is obtainable).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import type { E2eBinaries } from "./binaries";
import { REPO_ROOT } from "./binaries";

/** Where the stand-in random/tls provider executables live (pulumi-resource-random, pulumi-resource-tls). */
export const STANDINS_BIN = path.join(REPO_ROOT, "e2e", "standins", "bin");

export interface EngineStackOptions {
  readonly binaries: E2eBinaries;
  readonly projectName: string;
  readonly stackName: string;
  /** Stack config as the stack file has it (objects stay objects; they are passed to the CLI as JSON). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The program, exactly as the language host would run it: returns the stack outputs. */
  readonly program: () => Promise<Record<string, unknown>>;
}

export interface EngineStack {
  readonly stack: Stack;
  readonly workDir: string;
  /** Replace the stack's whole config (keys left out are removed, as editing the stack file would). */
  setConfig(config: Readonly<Record<string, unknown>>): Promise<void>;
  remove(): Promise<void>;
}

/** Config as the CLI stores it: strings as they are, everything else as JSON. */
export function toConfigMap(config: Readonly<Record<string, unknown>>): ConfigMap {
  const map: ConfigMap = {};
  for (const [key, value] of Object.entries(config)) map[key] = { value: typeof value === "string" ? value : JSON.stringify(value) };
  return map;
}

export async function createEngineStack(o: EngineStackOptions): Promise<EngineStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "yb-k3s-e2e-engine-"));
  const cliRoot = path.join(workDir, "cli");
  fs.mkdirSync(path.join(cliRoot, "bin"), { recursive: true });
  fs.symlinkSync(path.join(o.binaries.pulumiDir, "pulumi"), path.join(cliRoot, "bin", "pulumi"));
  const backend = path.join(workDir, "state");
  fs.mkdirSync(backend);
  const pulumiCommand = await PulumiCommand.get({ root: cliRoot });
  const envVars: Record<string, string> = {
    PATH: [o.binaries.kubernetesProviderDir, STANDINS_BIN, process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: path.join(workDir, "home"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "yb-k3s-e2e-throwaway",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Offline: never try to download a plugin; the ambient ones on PATH are what we test.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: o.stackName, projectName: o.projectName, program: o.program },
    { pulumiCommand, envVars, workDir: ensureDir(path.join(workDir, "project")) },
  );
  await stack.setAllConfig(toConfigMap(o.config));
  return {
    stack,
    workDir,
    setConfig: async (config) => {
      // Replace the whole config: keys dropped from `config` are removed, as editing the stack file would.
      const current = await stack.getAllConfig();
      const drop = Object.keys(current).filter((k) => !(k in config));
      if (drop.length > 0) await stack.removeAllConfig(drop);
      await stack.setAllConfig(toConfigMap(config));
    },
    remove: async () => {
      await stack.workspace.removeStack(o.stackName, { force: true }).catch(() => undefined);
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Step {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  /** Top-level properties that differ. */
  readonly diffs: string[];
  /** Property paths of the provider's detailed diff (e.g. `spec.replicas`). */
  readonly detailedDiff: string[];
}

/** Collects the engine's per-resource steps (op and URN) of one operation. */
export class StepLog {
  readonly steps: Step[] = [];
  /** Every step's start ("pre") and end ("done"), in the order the engine reported them. */
  readonly timeline: { at: "pre" | "done"; op: string; urn: string }[] = [];
  readonly onEvent = (e: EngineEvent): void => {
    const m = e.resourcePreEvent?.metadata;
    if (m) {
      this.steps.push({ op: m.op, urn: m.urn, type: m.type, diffs: m.diffs ?? [], detailedDiff: Object.keys(m.detailedDiff ?? {}).sort() });
      this.timeline.push({ at: "pre", op: m.op, urn: m.urn });
    }
    const done = e.resOutputsEvent?.metadata;
    if (done) this.timeline.push({ at: "done", op: done.op, urn: done.urn });
  };
  /** Index in the timeline of a step's start or end for the URN ending with `suffix` (and op, if given). */
  index(at: "pre" | "done", suffix: string, op?: string): number {
    const i = this.timeline.findIndex((t) => t.at === at && t.urn.endsWith(suffix) && (op === undefined || t.op === op));
    if (i < 0) throw new Error(`no ${at} event for ${suffix}${op ? ` (${op})` : ""}`);
    return i;
  }
  ops(filter: (op: string) => boolean = () => true): Step[] {
    return this.steps.filter((s) => filter(s.op));
  }
}
