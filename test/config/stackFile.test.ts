/** The stack file itself and the namespaces of its keys: one line naming the file or the key, never a crash. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, namespaceProblems, parseStackConfig } from "../../config/load";
import { OTHER_CONFIG_NAMESPACES } from "../../config/schema";
import { MAX_STACK_FILE_BYTES, readStackFile } from "../../lib/stackFile";
import { localConfig } from "../support/topologies";
import { ALIAS_BOMB } from "../support/mistakes";

const dir = mkdtempSync(join(tmpdir(), "yb-k3s-stackfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string): string => {
  const path = join(dir, `Pulumi.case${n++}.yaml`);
  writeFileSync(path, text);
  return path;
};

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("stack files", () => {
  const ours = (config: Record<string, unknown>) => `config:\n${Object.entries(config).map(([k, v]) => `  yb-k3s:${k}: ${JSON.stringify(v)}`).join("\n")}\n`;

  it("reads a valid one", () => {
    expect(readStackFile(file(ours(localConfig())), "local").config["yb-k3s:target"]).toBe("docker");
  });

  it.each([
    ["a list", "- a\n- b\n", /^.+Pulumi\.case\d+\.yaml: must be a YAML mapping with a config: mapping of keys such as yb-k3s:target \(got a list\)$/],
    ["a scalar", "hello\n", /: must be a YAML mapping with a config: mapping .*\(got a scalar\)$/],
    ["config as a list", "config: [1]\n", /: config: must be a mapping of keys such as yb-k3s:target \(got a list\)$/],
    ["config as a string", "config: docker\n", /: config: must be a mapping .*\(got a string\)$/],
    ["a misspelt top-level key", "conifg:\n  yb-k3s:target: docker\n", /: unknown top-level key 'conifg' \(a stack file has config, secretsprovider, encryptedkey, encryptionsalt, environment\); did you mean 'config'\?$/],
    ["not YAML", "config:\n  yb-k3s:target: [docker\n", /: not valid YAML: /],
    ["a duplicate key", "config:\n  yb-k3s:target: docker\n  yb-k3s:target: aws\n", /: not valid YAML: .*unique/i],
    ["an alias bomb", ALIAS_BOMB, /: not accepted: its YAML aliases expand to more than 100 nodes/],
  ])("%s: one line naming the file", (_name, text, expected) => {
    const path = file(text);
    const lines = problemsOf(() => readStackFile(path));
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`${path}: `)).toBe(true);
    expect(lines[0]).toMatch(expected);
  });

  it("an empty file or an empty config: is a config without keys (target is then required)", () => {
    expect(readStackFile(file("")).config).toEqual({});
    expect(readStackFile(file("config:\n")).config).toEqual({});
  });

  it("refuses a file over the size bound before parsing it: a 5 MB file of unknown keys fails at once", () => {
    let text = "config:\n";
    for (let i = 0; text.length < 5_000_000; i++) text += `  yb-k3s:unknownkey${i}: value${i}\n`;
    const path = file(text);
    const started = Date.now();
    const lines = problemsOf(() => readStackFile(path));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines).toEqual([`${path}: is ${Buffer.byteLength(text)} bytes; a stack file is at most ${MAX_STACK_FILE_BYTES} bytes (a mapping with a config: mapping of a few dozen keys)`]);
  });

  it("a file just under the bound parses in well under the time a user waits", () => {
    let text = "config:\n";
    for (let i = 0; ; i++) {
      const line = `  yb-k3s:unknownkey${i}: value${i}\n`;
      if (text.length + line.length > MAX_STACK_FILE_BYTES) break;
      text += line;
    }
    const path = file(text);
    const started = Date.now();
    const lines = problemsOf(() => parseStackConfig(readStackFile(path).config));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines.filter((l) => / unknown key /.test(l)).length).toBeGreaterThan(1000);
  });
});

describe("config namespaces", () => {
  it("a near miss of ours is an error with a did-you-mean, not a key silently ignored", () => {
    const lines = problemsOf(() => parseStackConfig({ ...prefixed(localConfig()), "yb-k3:k3s": { servers: 3 } }));
    expect(lines).toEqual([
      `yb-k3:k3s: unknown config namespace 'yb-k3' (read here: yb-k3s:*, ${OTHER_CONFIG_NAMESPACES.map((ns) => `${ns}:*`).join(", ")}); did you mean yb-k3s:k3s?`,
    ]);
  });

  it("keys without a namespace, and foreign namespaces, are errors too; reported with our own problems", () => {
    const lines = problemsOf(() => parseStackConfig({ ...prefixed(localConfig()), target: "docker", "azure:location": "x", "yb-k3s:replicationFactor": 4 }));
    expect(lines).toEqual([
      expect.stringMatching(/^target: config keys are namespaced, yb-k3s:<key> for this program$/),
      expect.stringMatching(/^azure:location: unknown config namespace 'azure' \(read here: .*\)$/),
      expect.stringMatching(/^yb-k3s:replicationFactor: must be odd/),
    ]);
  });

  it("the Pulumi CLI's and the providers' namespaces are fine", () => {
    const config = { ...prefixed(localConfig()), ...Object.fromEntries(OTHER_CONFIG_NAMESPACES.map((ns) => [`${ns}:something`, "x"])) };
    expect(namespaceProblems(config)).toEqual([]);
    expect(() => parseStackConfig(config)).not.toThrow();
  });

  it("the provider namespaces are the providers this program depends on", async () => {
    const pkg = (await import("../../package.json")) as { dependencies: Record<string, string> };
    const providers = Object.keys(pkg.dependencies)
      .filter((d) => d.startsWith("@pulumi/") && d !== "@pulumi/pulumi")
      .map((d) => d.slice("@pulumi/".length));
    expect([...OTHER_CONFIG_NAMESPACES].sort()).toEqual(["pulumi", ...providers].sort());
  });
});

function prefixed(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [`yb-k3s:${k}`, v]));
}
