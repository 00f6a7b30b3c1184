/**
 * The test bed's options for a kubernetes-target stack file, in one place: one kwok node (or more) per zone of the
 * stack, its zone label, StorageClass and kubeconfig context, and Kine's schema exactly as `plan --format sql
 * --dialect postgres` prints it for that stack. Imports no control-plane code (callers may set KINE_BIN first).
 */
import { execFileSync } from "node:child_process";
import { readStackFile, stackFilePath, type StackFile } from "../../lib/stackFile";
import type { E2eBinaries } from "./binaries";
import { REPO_ROOT } from "./binaries";
import type { ControlPlaneOptions } from "./controlPlane";

export interface KubernetesStackFacts {
  readonly file: StackFile;
  readonly regions: readonly { name: string; zones: string[] }[];
  /** The stack's `yb-k3s:kubernetes` section as written (the engine run overrides only its cluster coordinates). */
  readonly kubernetes: Readonly<Record<string, unknown>> & { namespace: string; storageClass: string; zoneLabel: string; context: string };
}

export function kubernetesStack(stack: string): KubernetesStackFacts {
  const file = readStackFile(stackFilePath(stack), stack);
  return {
    file,
    regions: file.config["yb-k3s:regions"] as KubernetesStackFacts["regions"],
    kubernetes: file.config["yb-k3s:kubernetes"] as KubernetesStackFacts["kubernetes"],
  };
}

/** Kine's schema as the program renders it for the stack (the plan CLI, PostgreSQL dialect). */
export const planSchemaSql = (stack: string): string =>
  execFileSync("npm", ["run", "--silent", "plan", "--", "--stack", stack, "--format", "sql", "--dialect", "postgres"], { cwd: REPO_ROOT, encoding: "utf8" });

export function testBedOptions(stack: string, binaries: E2eBinaries, extra: Partial<ControlPlaneOptions> = {}): ControlPlaneOptions {
  const { regions, kubernetes } = kubernetesStack(stack);
  return {
    binaries,
    zones: regions.flatMap((r) => r.zones),
    region: regions[0].name,
    zoneLabel: kubernetes.zoneLabel,
    storageClass: kubernetes.storageClass,
    context: kubernetes.context,
    database: "kine",
    schemaSql: extra.schemaSql ?? planSchemaSql(stack),
    ...extra,
  };
}
