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

/** The stack name a file name gives (`Pulumi.<stack>.yaml`), if it follows the pattern. */
export const stackNameOf = (path: string): string | undefined => basename(path).match(/^Pulumi\.(.+)\.ya?ml$/)?.[1];
/** The stack name of a file whose name does not say (`--config other.yaml`). */
export const FALLBACK_STACK = "custom";

export function readStackFile(path: string, stack?: string): StackFile {
  if (!existsSync(path)) throw new Error(`stack file not found: ${path}`);
  const doc = (parse(readFileSync(path, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const name = stack ?? stackNameOf(path) ?? FALLBACK_STACK;
  return { stack: name, path, config: doc.config ?? {} };
}
