/** Read a Pulumi stack file (`stacks/Pulumi.<stack>.yaml`) the way the CLI would hand it to the program. */
import { readFileSync, existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { isMap, isSeq, parseDocument, YAMLError } from "yaml";
import { ConfigError } from "../config/load";
import { didYouMean } from "../config/suggest";

export const PROJECT = "yb-k3s";
export const STACKS_DIR = resolve(__dirname, "..", "stacks");
export const SHIPPED_STACKS = ["local", "dev", "staging", "prod"] as const;

/**
 * A stack file is a few KiB (the shipped ones are under 3). YAML parsing is superlinear in the number of keys, so a
 * larger file is refused before it is parsed: 64 KiB parse in well under a second, a 5 MB file would take minutes.
 */
export const MAX_STACK_FILE_BYTES = 64 * 1024;
/** Alias expansions allowed while turning the YAML into values (a "billion laughs" file expands without bound). */
export const MAX_YAML_ALIASES = 100;
/** Top-level keys of a Pulumi stack file. */
export const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"] as const;

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

const kindOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "a mapping" : `a ${typeof v}`);

/**
 * Parse and check the file's shape. Problems with the file itself are a ConfigError whose lines start with the file's
 * path (`<file>: <what is wrong>`), like the key-path lines of the config it holds.
 */
export function readStackFile(path: string, stack?: string): StackFile {
  if (!existsSync(path)) throw new Error(`stack file not found: ${path}`);
  const fail = (what: string): never => {
    throw new ConfigError([`${path}: ${what}`]);
  };
  const size = statSync(path).size;
  if (size > MAX_STACK_FILE_BYTES) fail(`is ${size} bytes; a stack file is at most ${MAX_STACK_FILE_BYTES} bytes (a mapping with a config: mapping of a few dozen keys)`);

  let doc: unknown;
  try {
    const parsed = parseDocument(readFileSync(path, "utf8"), { uniqueKeys: true });
    if (parsed.errors.length) throw parsed.errors[0];
    if (parsed.contents !== null && !isMap(parsed.contents)) fail(`must be a YAML mapping with a config: mapping of keys such as yb-k3s:target (got ${isSeq(parsed.contents) ? "a list" : "a scalar"})`);
    doc = parsed.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    if (e instanceof YAMLError) fail(`not valid YAML: ${e.message.split("\n")[0]}`);
    // The yaml package reports an alias bomb as a ReferenceError while building the values.
    if (e instanceof ReferenceError && /alias/i.test(e.message)) fail(`not accepted: its YAML aliases expand to more than ${MAX_YAML_ALIASES} nodes (a stack file needs none)`);
    throw e;
  }

  const top = (doc ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(top))
    if (!(STACK_FILE_KEYS as readonly string[]).includes(k))
      problems.push(`${path}: unknown top-level key '${k}' (a stack file has ${STACK_FILE_KEYS.join(", ")})${didYouMean(k, STACK_FILE_KEYS)}`);
  const config = top.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config))
    problems.push(`${path}: config: must be a mapping of keys such as yb-k3s:target (got ${kindOf(config)})`);
  if (problems.length) throw new ConfigError(problems);

  const name = stack ?? stackNameOf(path) ?? FALLBACK_STACK;
  return { stack: name, path, config: config as Record<string, unknown> };
}
