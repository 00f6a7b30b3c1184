/** Read a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`) the way the CLI would hand it to the program. */
import { readFileSync, existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "yaml";

export const PROJECT = "yb-k3s";
export const STACKS_DIR = resolve(__dirname, "..", "stacks");
export const SHIPPED_STACKS = ["local", "dev", "staging", "prod"] as const;

export interface StackFile {
  readonly stack: string;
  readonly path: string;
  readonly config: Record<string, unknown>;
}

export const stackFilePath = (stack: string) => join(STACKS_DIR, `Pulumi.${stack}.yaml`);

export function readStackFile(path: string, stack?: string): StackFile {
  if (!existsSync(path)) throw new Error(`stack file not found: ${path}`);
  const doc = (parse(readFileSync(path, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const name = stack ?? (basename(path).match(/^Pulumi\.(.+)\.ya?ml$/)?.[1] ?? "custom");
  return { stack: name, path, config: doc.config ?? {} };
}
